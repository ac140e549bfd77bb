"""reportgen: official-style Vietnamese reports (BÁO CÁO) from indicator datasets."""
from importlib.metadata import PackageNotFoundError, version

try:
    # The one version string is pyproject.toml's, as installed (wheel or editable); the
    # manifest, the cache keys and `reportgen --version` all read it from here.
    __version__ = version("reportgen")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"
