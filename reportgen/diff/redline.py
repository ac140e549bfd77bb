"""A DOCX redline: the new draft, with real tracked changes against the old one.

The output is the new document (its styles, layout, run formatting, images and headers),
in which every difference from the old one is a revision Word and LibreOffice can accept
or reject: inserted text in `w:ins`, deleted text re-inserted from the old draft as
`w:delText` in `w:del` runs that keep the old run properties, whole paragraphs and table
rows marked on their paragraph mark / row. Nothing else is touched, so accepting all
changes gives the new text and rejecting all gives the old.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from reportgen import ooxml
from reportgen.diff.align import BlockDiff, DiffResult, Para, RowDiff, Span
from reportgen.diff.compare import Comparison, compare, load_pair
from reportgen.files import deterministic_zip
from reportgen.ooxml import read
from reportgen.ooxml import revisions as tracked

DEFAULT_AUTHOR = "reportgen"


@dataclass(frozen=True)
class Redline:
    """What `redline` returns: the redline DOCX and the summary of what changed."""

    docx: bytes
    result: DiffResult


def redline_docx(old: bytes, new: bytes, *, author: str = DEFAULT_AUTHOR, date: datetime | None,
                 old_name: str = "OLD", new_name: str = "NEW") -> bytes:
    """NEW's document with tracked changes against OLD. `date` is what every mark carries
    (e.g. NEW's core-properties modified date, see `core_date`), never the clock; None
    leaves the optional w:date out. `old_name`/`new_name` name the files in messages."""
    return redline(old, new, author=author, date=date, old_name=old_name,
                   new_name=new_name).docx


def redline(old: bytes, new: bytes, *, author: str = DEFAULT_AUTHOR, date: datetime | None,
            old_name: str = "OLD", new_name: str = "NEW") -> Redline:
    """`redline_docx` and the summary of what changed."""
    old_package, new_package = load_pair(old, new, old_name, new_name)
    comparison = compare(old_package, new_package)
    return Redline(mark_comparison(comparison, author=author, date=date), comparison.result)


def mark_comparison(comparison: Comparison, *, author: str, date: datetime | None) -> bytes:
    """The redline DOCX of a comparison: its changes marked into the new package, zipped
    (no file is written). Consumes the comparison: the new package's XML changes in place."""
    revisions = tracked.Revisions(author, date)
    package = comparison.new
    document = package.xml(package.main_part)
    _apply_blocks(comparison.body, package.body(), revisions)
    roots = [document]
    for part in comparison.parts:
        _apply_blocks(part.diffs, part.root, revisions)
        roots.append(part.root)
    first_id = tracked.max_annotation_id(roots) + 1
    for root in roots:
        tracked.merge_adjacent_marks(root)
    tracked.number_revisions(roots, first_id)
    entries = dict(package.entries)
    entries[package.main_part] = read.serialize(document)
    for part in comparison.parts:
        if any(d.tag != "equal" for d in part.diffs):
            entries[part.part] = read.serialize(part.root)
    return deterministic_zip(entries)


# ---------------------------------------------------------------------- block sequences

def _apply_blocks(diffs: list[BlockDiff], container, revisions: tracked.Revisions) -> None:
    """Mark one container's diff into its (new) element, putting deleted blocks back where
    they stood in the old draft."""
    first_new = next((d.new.element for d in diffs if d.new is not None), None)
    last = None
    for diff in diffs:
        if diff.tag == "delete":
            last = _put_back(_deleted_block(diff.old.element, revisions), last, first_new,
                             lambda element: _append_block(container, element))
            continue
        last = diff.new.element
        if diff.tag == "insert":
            _mark_inserted(last, revisions)
        elif diff.tag == "modify" and isinstance(diff.new, Para):
            _rewrite_paragraph(diff.old.element, diff.new.element, diff.old.text,
                               diff.new.text, diff.spans, revisions)
        elif diff.tag == "modify":
            _apply_rows(diff.rows, last, revisions)
    _shift_marks(container, revisions)


def _put_back(element, last, first_new, append):
    """Place a deleted block or row where it stood in the old draft: after the previous
    one placed, else before the first surviving one, else at the end. Returns it."""
    if last is not None:
        last.addnext(element)
    elif first_new is not None:
        first_new.addprevious(element)
    else:
        append(element)
    return element


def _append_block(container, element) -> None:
    sect_pr = container.find(ooxml.SECTPR)
    if sect_pr is not None:
        sect_pr.addprevious(element)
    else:
        container.append(element)


def _shift_marks(container, revisions: tracked.Revisions) -> None:
    """A paragraph mark followed by a table, a section break or the end of its body, cell
    or header cannot be inserted or deleted (there is nothing to merge into). So where a
    run of inserted (or deleted) paragraphs ends there, the marks move one paragraph up, as
    Word records it: the unmarked paragraph before the run takes the mark, and the last
    paragraph of the run keeps an ordinary one."""
    blocks = list(read.iter_blocks(container))
    for index, block in enumerate(blocks):
        if block.tag != ooxml.P:
            continue
        closing = (index == len(blocks) - 1 or blocks[index + 1].tag == ooxml.TBL
                   or block.find(f"{ooxml.PPR}/{ooxml.SECTPR}") is not None)
        kind = tracked.paragraph_mark(block) if closing else None
        if kind is None:
            continue
        tracked.clear_paragraph_mark(block)
        for earlier in reversed(blocks[:index]):
            if earlier.tag != ooxml.P or earlier.find(f"{ooxml.PPR}/{ooxml.SECTPR}") is not None:
                break
            mark = tracked.paragraph_mark(earlier)
            if mark is None:
                tracked.set_paragraph_mark(earlier, revisions.mark(kind))
                break
            if mark != kind:
                break


# ----------------------------------------------------------------- whole blocks and rows

def _mark_inserted(element, revisions: tracked.Revisions, *, mark_paragraph: bool = True) -> None:
    if element.tag == ooxml.P:
        _wrap_runs(element, revisions)
        if mark_paragraph:
            tracked.set_paragraph_mark(element, revisions.mark("ins"))
        return
    for row in read.iter_rows(element):
        _mark_row_inserted(row, revisions)


def _mark_row_inserted(row, revisions: tracked.Revisions) -> None:
    tracked.set_row_mark(row, revisions.mark("ins"))
    for cell in read.iter_cells(row):
        blocks = list(read.iter_blocks(cell))
        for index, block in enumerate(blocks):
            _mark_inserted(block, revisions, mark_paragraph=index < len(blocks) - 1)


def _wrap_runs(parent, revisions: tracked.Revisions) -> None:
    """Put every run of a paragraph (also inside hyperlinks and fields) into w:ins."""
    group = None
    for child in list(parent):
        if child.tag == ooxml.R:
            if group is None:
                group = revisions.mark("ins")
                child.addprevious(group)
            group.append(child)
            continue
        group = None
        if child.tag in read.RUN_WRAPPERS:
            _wrap_runs(child, revisions)


def _deleted_block(old_element, revisions: tracked.Revisions):
    if old_element.tag == ooxml.P:
        return _deleted_paragraph(old_element, revisions, mark_paragraph=True)
    table = copy.deepcopy(old_element)
    tracked.drop_identities(table)
    for row in list(read.iter_rows(table)):
        _delete_row_content(row, revisions)
    return table


def _deleted_row(old_row, revisions: tracked.Revisions):
    row = copy.deepcopy(old_row)
    tracked.drop_identities(row)
    _delete_row_content(row, revisions)
    return row


def _delete_row_content(row, revisions: tracked.Revisions) -> None:
    tracked.set_row_mark(row, revisions.mark("del"))
    for cell in read.iter_cells(row):
        blocks = list(read.iter_blocks(cell))
        for index, block in enumerate(blocks):
            if block.tag == ooxml.P:
                block.getparent().replace(block, _deleted_paragraph(
                    block, revisions, mark_paragraph=index < len(blocks) - 1))
            else:
                for inner in list(read.iter_rows(block)):
                    _delete_row_content(inner, revisions)


def _deleted_paragraph(old_p, revisions: tracked.Revisions, *, mark_paragraph: bool):
    """The old paragraph rebuilt as deleted text: its properties (without a section break,
    whose headers belong to the old package) and its text in w:del runs. Drawings and
    fields of the old draft are not carried over: they would point into the old package."""
    paragraph = etree.Element(ooxml.P)
    for name, value in old_p.attrib.items():
        paragraph.set(name, value)
    tracked.drop_identities(paragraph)
    p_pr = old_p.find(ooxml.PPR)
    if p_pr is not None:
        p_pr = copy.deepcopy(p_pr)
        for child in list(p_pr):
            if child.tag in (ooxml.SECTPR, ooxml.qn("w:pPrChange")):
                p_pr.remove(child)
        paragraph.append(p_pr)
    runs = []
    for run in read.iter_runs(old_p):
        atoms = [tracked.as_deleted_atom(child) for child in read.run_atoms(run)]
        atoms = [atom for atom in atoms if atom is not None]
        if atoms:
            runs.append(tracked.make_run(run, atoms))
    if runs:
        deletion = revisions.mark("del")
        deletion.extend(runs)
        paragraph.append(deletion)
    if mark_paragraph:
        tracked.set_paragraph_mark(paragraph, revisions.mark("del"))
    return paragraph


def _apply_rows(rows: list[RowDiff], table, revisions: tracked.Revisions) -> None:
    first_new = next((r.new.element for r in rows if r.new is not None), None)
    last = None
    for row in rows:
        if row.tag == "delete":
            last = _put_back(_deleted_row(row.old.element, revisions), last, first_new, table.append)
            continue
        last = row.new.element
        if row.tag == "insert":
            _mark_row_inserted(last, revisions)
        elif row.tag == "modify":
            for cell_diffs, cell in zip(row.cells, row.new.cells):
                if any(d.tag != "equal" for d in cell_diffs):
                    _apply_blocks(cell_diffs, cell.element, revisions)


# --------------------------------------------------------------- a paragraph, word by word

def _rewrite_paragraph(old_p, new_p, old_text: str, new_text: str, spans: list[Span],
                       revisions: tracked.Revisions) -> None:
    """Split the new paragraph's runs where the word diff changes, wrap inserted pieces in
    w:ins (each piece keeps its run's w:rPr) and put the old words back as w:del runs just
    before the words that replaced them."""
    inserted = bytearray(len(new_text))
    deletions: dict[int, list[tuple[int, int]]] = {}
    for span in spans:
        if span.tag in ("replace", "insert"):
            inserted[span.new_start:span.new_end] = b"\x01" * (span.new_end - span.new_start)
        if span.tag in ("replace", "delete"):
            deletions.setdefault(span.new_start, []).append((span.old_start, span.old_end))
    old_atoms = _text_atoms(old_p)

    def deleted(at: int):
        return _deleted_runs(old_atoms, deletions[at], revisions)

    position = 0
    for run in list(read.iter_runs(new_p)):
        items: list = []  # [inserted?, children] pieces and ready w:del elements

        def add(is_inserted: bool, child) -> None:
            if items and isinstance(items[-1], list) and items[-1][0] == is_inserted:
                items[-1][1].append(child)
            else:
                items.append([is_inserted, [child]])

        for child in read.run_atoms(run):
            text = read.atom_text(child)
            if not text:
                add(False, copy.deepcopy(child))
                continue
            start = 0
            for offset in range(len(text)):
                at = position + offset
                if at == 0 and 0 in deletions:
                    items.append(deleted(0))
                if offset > start and inserted[at] != inserted[at - 1]:
                    add(bool(inserted[at - 1]), _piece(child, text[start:offset]))
                    start = offset
                if at + 1 in deletions:
                    add(bool(inserted[at]), _piece(child, text[start:offset + 1]))
                    start = offset + 1
                    items.append(deleted(at + 1))
            if start < len(text):
                add(bool(inserted[position + len(text) - 1]), _piece(child, text[start:]))
            position += len(text)
        if len(items) == 1 and isinstance(items[0], list) and not items[0][0]:
            continue  # nothing changed in this run: leave it exactly as it was
        for item in items:
            if isinstance(item, list):
                element = tracked.make_run(run, item[1])
                if item[0]:
                    wrapper = revisions.mark("ins")
                    wrapper.append(element)
                    element = wrapper
            else:
                element = item
            run.addprevious(element)
        run.getparent().remove(run)
    if not new_text and 0 in deletions:
        new_p.append(deleted(0))


def _piece(child, text: str):
    return tracked.text_child(text) if child.tag == ooxml.T else copy.deepcopy(child)


def _text_atoms(paragraph) -> list[tuple[object, object, int, int]]:
    """(run, child, start, end) for each run child showing text, in paragraph order."""
    atoms = []
    position = 0
    for run in read.iter_runs(paragraph):
        for child in read.run_atoms(run):
            length = len(read.atom_text(child))
            if length:
                atoms.append((run, child, position, position + length))
                position += length
    return atoms


def _deleted_runs(atoms, ranges: list[tuple[int, int]], revisions: tracked.Revisions):
    """A w:del holding the old text of `ranges`, in runs that copy the old run properties."""
    deletion = revisions.mark("del")
    for start, end in ranges:
        current_run, children = None, []
        for run, child, a, b in atoms:
            if b <= start or a >= end:
                continue
            if run is not current_run and children:
                deletion.append(tracked.make_run(current_run, children))
                children = []
            current_run = run
            part = (child.text or "")[max(start, a) - a:min(end, b) - a]
            atom = tracked.as_deleted_atom(child, part if child.tag == ooxml.T else None)
            if atom is not None:
                children.append(atom)
        if children:
            deletion.append(tracked.make_run(current_run, children))
    return deletion
