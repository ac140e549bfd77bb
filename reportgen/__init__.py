"""reportgen: official-style Vietnamese reports (BÁO CÁO) from indicator datasets."""

__version__ = "0.1.0"
