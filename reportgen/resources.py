"""Where the files that ship inside the package live: templates and the reference document.

Every shipped path is resolved here, through importlib.resources, so an editable checkout,
an installed wheel and a Dask worker find the same files. Nothing here reads the
repository around the package.

A clerk or an office may point reportgen at an override folder (`templates: DIR` in
dataset.yaml, or `reportgen build --templates DIR`) laid out like the shipped one: a file
there replaces the shipped file of the same relative name (`text/_phrases.md.j2`,
`html/print.css`, `docx/reference.docx`); every other file still comes from the package.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path


def package_path(*parts: str) -> Path:
    """A file or folder shipped inside the reportgen package, as a file-system path.

    The wheel installs as ordinary files (not a zip), so Jinja's FileSystemLoader and
    python-docx can open the result directly."""
    return Path(str(files("reportgen").joinpath(*parts)))


TEMPLATES_DIR = package_path("templates")


@dataclass(frozen=True)
class Templates:
    """The effective template files: an optional override folder over the shipped ones.

    Frozen and hashable, so renderers may cache what they parse per `Templates` value,
    and picklable, so it travels to pool and Dask workers inside BuildOptions (the
    override folder must then exist at the same path on those machines)."""

    override: Path | None = None
    shipped: Path = TEMPLATES_DIR

    def path(self, relative: str) -> Path:
        """The file that wins for a relative name such as "html/print.css"."""
        if self.override is not None:
            candidate = self.override / relative
            if candidate.is_file():
                return candidate
        return self.shipped / relative

    def folders(self, subfolder: str) -> list[Path]:
        """Search path for a template loader: the override's subfolder first, if any."""
        folders = [self.shipped / subfolder]
        if self.override is not None and (self.override / subfolder).is_dir():
            folders.insert(0, self.override / subfolder)
        return folders

    def files(self) -> dict[str, Path]:
        """Relative name → the file that wins, for every effective file."""
        found = _listing(self.shipped)
        if self.override is not None:
            found.update(_listing(self.override))
        return dict(sorted(found.items()))

    def digest(self) -> str:
        """One hash of the effective files' names and bytes (part of every build key)."""
        sha = hashlib.sha256()
        for relative, path in self.files().items():
            for part in (relative.encode(), path.read_bytes()):
                sha.update(len(part).to_bytes(8, "big"))
                sha.update(part)
        return sha.hexdigest()


def _listing(root: Path) -> dict[str, Path]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


SHIPPED = Templates()


def dataset_templates(dataset) -> tuple[Templates, list]:
    """The templates a dataset asks for with `templates: DIR` in its settings (a folder,
    relative to the dataset folder, or to the workbook's folder), and the problems with
    that setting: (SHIPPED, [problem]) when DIR is not a folder."""
    from reportgen.i18n import N_
    from reportgen.problems import Location, Problem

    value = dataset.settings.raw.get("templates")
    if value in (None, ""):
        return SHIPPED, []
    from reportgen.safety.paths import safe_join
    from reportgen.safety.limits import SafetyError

    path = Path(dataset.path)
    base = path if path.is_dir() else path.parent
    where = (Location(path.name, "settings", column="templates") if path.is_file()
             else Location("dataset.yaml", column="templates"))
    # A dataset comes from another office or an upload: the folder it names stays inside
    # the dataset's own folder (no "..", no absolute path, no link out of it).
    try:
        folder = safe_join(base, str(value)).resolve()
    except SafetyError as error:
        return SHIPPED, [error.as_problem(where)]
    if folder.is_dir():
        return Templates(folder), []
    return SHIPPED, [Problem.error(
        where, N_("the templates setting names {path}, which is not a folder"),
        fix=N_("name a folder laid out like reportgen's templates (text/, html/, docx/), "
               "relative to the dataset folder"),
        value=str(value), path=str(folder))]
