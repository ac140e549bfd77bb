"""The same changes as the DOCX redline, as one self-contained HTML page for a browser.

Paragraphs and tables in document order, deleted words in <del>, inserted ones in <ins>,
whole inserted/deleted paragraphs and rows tinted; a short summary on top. The page shell
and its stylesheet are templates/diff/ (diff/pages.py), inlined: no scripts or external
references, so the page can be mailed as a single file.
"""
from __future__ import annotations

import unicodedata
from html import escape as _escape

from markupsafe import Markup

from reportgen.diff.align import BlockDiff, Cell, DiffResult, Para, RowDiff, Table
from reportgen.diff.compare import Comparison, compare, load_pair
from reportgen.diff.pages import page
from reportgen.vi import format_count

MAX_LISTED_CHANGES = 40
MAX_CHANGE_CHARS = 160

_PART_TITLES = {"header": "Đầu trang", "footer": "Chân trang"}


def escape(text: str) -> str:
    """HTML text, in NFC so that every browser and search shows one spelling."""
    return _escape(unicodedata.normalize("NFC", text), quote=True)


def redline_html(old: bytes, new: bytes, *, title: str, old_name: str = "OLD",
                 new_name: str = "NEW") -> str:
    """A self-contained HTML page showing NEW's changes against OLD inline."""
    old_package, new_package = load_pair(old, new, old_name, new_name)
    return render_comparison(compare(old_package, new_package), title=title)


def render_comparison(comparison: Comparison, *, title: str) -> str:
    parts = []
    for part in comparison.parts:
        if any(d.tag != "equal" for d in part.diffs):
            parts.append(f'<section class="part"><h2>{_PART_TITLES[part.kind]}</h2>'
                         f"{_blocks(part.diffs)}</section>")
    parts.append(f'<section class="part body"><h2>Nội dung văn bản</h2>'
                 f"{_blocks(comparison.body)}</section>")
    body = (f"<header><h1>{escape(title)}</h1>"
            '<p class="legend">Chú thích: <ins>nội dung thêm mới</ins> · '
            "<del>nội dung bị xóa</del></p></header>"
            f"{summary_html(comparison.result)}"
            f'<main class="document">{"".join(parts)}</main>')
    return page(title, Markup(body))


def summary_html(result: DiffResult) -> str:
    if not result.has_changes:
        return ('<section class="summary"><h2>Tóm tắt thay đổi</h2>'
                "<p>Không có thay đổi nào về nội dung.</p></section>")
    lines = []

    def line(*pairs: tuple[int, str]) -> None:
        shown = [f"{format_count(n)} {text}" for n, text in pairs if n]
        if shown:
            lines.append("; ".join(shown))

    line((result.inserted_tokens, "từ/số được thêm"), (result.deleted_tokens, "từ/số bị xóa"))
    line((result.paragraphs_changed, "đoạn văn được sửa"),
         (result.paragraphs_inserted, "đoạn văn thêm mới"),
         (result.paragraphs_deleted, "đoạn văn bị xóa"))
    line((result.cells_changed, "ô bảng thay đổi"), (result.rows_inserted, "dòng bảng thêm mới"),
         (result.rows_deleted, "dòng bảng bị xóa"))
    line((result.tables_inserted, "bảng thêm mới"), (result.tables_deleted, "bảng bị xóa"))
    items = []
    for change in result.changes[:MAX_LISTED_CHANGES]:
        old, new = _clip(change.old_text), _clip(change.new_text)
        if old and new:
            items.append(f"<li><del>{old}</del> → <ins>{new}</ins></li>")
        elif new:
            items.append(f"<li>thêm: <ins>{new}</ins></li>")
        else:
            items.append(f"<li>xóa: <del>{old}</del></li>")
    more = len(result.changes) - MAX_LISTED_CHANGES
    if more > 0:
        items.append(f'<li class="muted">… và {format_count(more)} thay đổi khác</li>')
    return ('<section class="summary"><h2>Tóm tắt thay đổi</h2><ul>'
            + "".join(f"<li>{escape(text)}</li>" for text in lines) + "</ul>"
            + '<h2>Các thay đổi</h2><ul class="changes">' + "".join(items) + "</ul></section>")


def _clip(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_CHANGE_CHARS:
        text = text[:MAX_CHANGE_CHARS - 1] + "…"
    return escape(text)


# ------------------------------------------------------------------------ the document

def _blocks(diffs: list[BlockDiff]) -> str:
    return "".join(_block(diff) for diff in diffs)


def _block(diff: BlockDiff) -> str:
    block = diff.new if diff.new is not None else diff.old
    if isinstance(block, Table):
        if diff.tag == "modify":
            rows = "".join(_row(row) for row in diff.rows)
        else:
            tag = {"insert": "insert", "delete": "delete"}.get(diff.tag, "equal")
            rows = "".join(_whole_row(row, tag) for row in block.rows)
        return f"{_table_tag(block)}{rows}</table>"
    if diff.tag == "modify":
        return _paragraph(diff.new, _spans(diff))
    if diff.tag == "insert":
        return _paragraph(block, f"<ins>{escape(block.text)}</ins>", "ins-block")
    if diff.tag == "delete":
        return _paragraph(block, f"<del>{escape(block.text)}</del>", "del-block")
    return _paragraph(block, escape(block.text))


def _paragraph(para: Para, content: str, extra: str = "") -> str:
    classes = [extra] if extra else []
    if para.style.lower().startswith(("heading", "title")) or para.bold:
        classes.append("h")
    classes.append({"center": "center", "right": "right", "end": "right",
                    "left": "left", "start": "left"}.get(para.align, ""))
    if not para.text:
        classes.append("empty")
    attribute = " ".join(c for c in classes if c)
    return f'<p class="{attribute}">{content}</p>' if attribute else f"<p>{content}</p>"


def _spans(diff: BlockDiff) -> str:
    old, new = diff.old.text, diff.new.text
    out = []
    for span in diff.spans:
        removed = escape(old[span.old_start:span.old_end])
        added = escape(new[span.new_start:span.new_end])
        if span.tag == "equal":
            out.append(added)
            continue
        if removed:
            out.append(f"<del>{removed}</del>")
        if added:
            out.append(f"<ins>{added}</ins>")
    return "".join(out)


def _row(row: RowDiff) -> str:
    if row.tag != "modify":
        return _whole_row(row.new if row.new is not None else row.old, row.tag)
    cells = "".join(_td(cell, _blocks(diffs)) for cell, diffs in zip(row.new.cells, row.cells))
    return f"<tr>{cells}</tr>"


def _whole_row(row, tag: str) -> str:
    wrap = {"insert": "ins", "delete": "del"}.get(tag)
    cells = []
    for cell in row.cells:
        content = "".join(_whole_block(block, wrap) for block in cell.blocks)
        cells.append(_td(cell, content))
    css = {"insert": ' class="row-ins"', "delete": ' class="row-del"'}.get(tag, "")
    return f"<tr{css}>{''.join(cells)}</tr>"


def _whole_block(block, wrap: str | None) -> str:
    if isinstance(block, Table):
        tag = {"ins": "insert", "del": "delete"}.get(wrap or "", "equal")
        return f"{_table_tag(block)}{''.join(_whole_row(row, tag) for row in block.rows)}</table>"
    text = escape(block.text)
    return _paragraph(block, f"<{wrap}>{text}</{wrap}>" if wrap and text else text)


def _table_tag(table: Table) -> str:
    return "<table>" if table.borders else '<table class="layout">'


def _td(cell: Cell, content: str) -> str:
    span = f' colspan="{cell.span}"' if cell.span > 1 else ""
    return f"<td{span}>{content}</td>"
