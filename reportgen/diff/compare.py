"""Two DOCX drafts compared part by part: the body, then each header and footer.

Both the DOCX redline and the HTML view start here, so they always show the same changes.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator

from reportgen import ooxml
from reportgen.diff.align import BlockDiff, DiffResult, diff_blocks, read_blocks, summarize
from reportgen.diff.errors import TRACKED_CHANGES, DiffInputError
from reportgen.ooxml.read import Package, PackageError, StyleSheet, read_package
from reportgen.ooxml.revisions import has_tracked_changes


@dataclass
class PartDiff:
    """One header or footer part of the new document and its diff."""

    kind: str  # "header" or "footer"
    part: str  # part name in the new package, e.g. "word/header1.xml"
    root: Any  # its w:hdr / w:ftr element
    diffs: list[BlockDiff]


@dataclass
class Comparison:
    old: Package
    new: Package
    body: list[BlockDiff]
    parts: list[PartDiff]
    result: DiffResult


def load_pair(old: bytes, new: bytes, old_name: str, new_name: str
              ) -> tuple[Package, Package]:
    """Read both drafts, refusing non-DOCX files and drafts still under review."""
    packages = []
    with diff_input():
        for data, name in ((old, old_name), (new, new_name)):
            package = read_package(data, name)
            # A redline of a document that is itself under review would mix two reviews.
            if has_tracked_changes(package):
                raise DiffInputError(TRACKED_CHANGES, path=package.name)
            packages.append(package)
    return packages[0], packages[1]


@contextmanager
def diff_input() -> Iterator[None]:
    """A DOCX the ooxml reader cannot read is an unusable diff input, with its message."""
    try:
        yield
    except PackageError as error:
        raise DiffInputError(error.message_id, **error.params) from error


def compare(old: Package, new: Package) -> Comparison:
    # Parts are parsed on first use: a broken header is found here, not in load_pair.
    with diff_input():
        return _compare(old, new)


def _read_blocks(package: Package, root, styles: StyleSheet):
    # The reader names the part and the attribute; the file is the package's.
    try:
        return read_blocks(root, styles)
    except PackageError as error:
        error.params.setdefault("path", package.name)
        raise


def _compare(old: Package, new: Package) -> Comparison:
    old_styles, new_styles = StyleSheet.of(old), StyleSheet.of(new)
    body = diff_blocks(_read_blocks(old, old.body(), old_styles),
                       _read_blocks(new, new.body(), new_styles))
    old_parts = old.header_footer_parts()
    parts: list[PartDiff] = []
    seen: set[str] = set()
    for key, part in sorted(new.header_footer_parts().items()):
        if part in seen:
            continue
        seen.add(part)
        _, kind, variant = key
        old_part = old_parts.get(key) or next(
            (name for (_, k, v), name in sorted(old_parts.items()) if (k, v) == (kind, variant)),
            None)
        old_blocks = _read_blocks(old, old.xml(old_part), old_styles) if old_part else []
        root = new.xml(part)
        parts.append(PartDiff(kind, part, root,
                              diff_blocks(old_blocks, _read_blocks(new, root, new_styles))))
    everything = body + [d for part in parts for d in part.diffs]
    return Comparison(old, new, body, parts, summarize(everything))


def core_date(docx: bytes) -> datetime | None:
    """The modified (else created) time in a DOCX's core properties: the date a redline's
    marks carry when the caller has no better one. None when absent or unreadable."""
    try:
        package = read_package(docx, "docx")
        core = package.xml("docProps/core.xml") if "docProps/core.xml" in package.entries else None
    except PackageError:
        return None
    if core is None:
        return None
    for name in ("modified", "created"):
        element = core.find(ooxml.qn(f"dcterms:{name}"))
        if element is not None and element.text:
            text = element.text.strip().replace("Z", "+00:00")
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                continue
    return None

