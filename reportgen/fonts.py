"""Locate the Times New Roman-metric serif faces the reports are set in.

Nghị định 30 asks for Times New Roman. On Debian the metric-compatible face with full
Vietnamese coverage is Liberation Serif (package fonts-liberation2), installed by the
project's set-up. PDF output embeds these files by path, so a missing face is an error,
never a silent fallback to whatever else is installed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportgen.errors import ReportgenError

FONT_DIRS_ENV = "REPORTGEN_FONT_DIR"
DEFAULT_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)
FACE_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}


INSTALL_HINT = (
    "Install them with `apt-get install fonts-liberation2` (or run the project's "
    "set-up, scripts/setup.sh), or set REPORTGEN_FONT_DIR to a folder holding the four "
    "LiberationSerif-*.ttf files."
)


class FontMissingError(ReportgenError):
    """The serif faces are not installed; the message says how to install them."""


class FontFallbackError(ReportgenError, RuntimeError):
    """Some text would be set in a face other than the report face (a character the
    face lacks): the decree asks for one face, so this is an error, not a substitute.
    Raised by both PDF engines (render/pdf.py, render/typst_pdf.py)."""


@dataclass(frozen=True)
class SerifFaces:
    family: str
    regular: Path
    bold: Path
    italic: Path
    bolditalic: Path


def font_dirs() -> tuple[Path, ...]:
    override = os.environ.get(FONT_DIRS_ENV)
    if override:
        return tuple(Path(p) for p in override.split(os.pathsep) if p)
    return DEFAULT_FONT_DIRS


def find_serif_faces() -> SerifFaces:
    """Return the four Liberation Serif files, or raise FontMissingError."""
    dirs = font_dirs()
    found: dict[str, Path] = {}
    for style, filename in FACE_FILES.items():
        for directory in dirs:
            candidate = directory / filename
            if candidate.is_file():
                found[style] = candidate
                break
    missing = [FACE_FILES[s] for s in FACE_FILES if s not in found]
    if missing:
        raise FontMissingError(
            "missing font files: " + ", ".join(missing)
            + " (searched: " + ", ".join(str(d) for d in dirs) + "). " + INSTALL_HINT
        )
    return SerifFaces(family="Liberation Serif", **found)


@lru_cache(maxsize=4)
def face_repertoire(faces: SerifFaces) -> frozenset[int]:
    """The code points all four faces can draw (what a report may print)."""
    from fontTools.ttLib import TTFont

    sets = []
    for path in (faces.regular, faces.bold, faces.italic, faces.bolditalic):
        with TTFont(path, lazy=True) as font:
            sets.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*sets))
