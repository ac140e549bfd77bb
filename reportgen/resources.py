"""Where the files that ship inside the package live: templates and the reference document.

Every shipped path is resolved here, through importlib.resources, so an editable checkout,
an installed wheel and a Dask worker find the same files. Nothing here reads the
repository around the package.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_path(*parts: str) -> Path:
    """A file or folder shipped inside the reportgen package, as a file-system path.

    The wheel installs as ordinary files (not a zip), so Jinja's FileSystemLoader and
    python-docx can open the result directly."""
    return Path(str(files("reportgen").joinpath(*parts)))


TEMPLATES_DIR = package_path("templates")
