"""Drafts for the audit tests: the published seed text as DOCX, PDF and TXT, and reports
reportgen generates for the sample, with a figure changed by hand where a test needs it."""
from __future__ import annotations

import html
import io
import zipfile
from functools import lru_cache
from pathlib import Path

import docx

from reportgen.compose import compose_report
from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.periods import Period
from reportgen.render.docx import render_docx

HANOI = Path(__file__).resolve().parents[2] / "reportgen" / "samples" / "hanoi"
SEED = Path(__file__).parent / "data" / "seed_000.txt"


def seed_paragraphs() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def write_docx(path: Path, paragraphs: list[str], *, table: list[list[str]] | None = None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table):
            for cell, value in zip(row.cells, values):
                cell.text = value
    document.save(str(path))
    return path


def write_pdf(path: Path, paragraphs: list[str]) -> Path:
    """A PDF with a real text layer, typeset by WeasyPrint in Liberation Serif."""
    import weasyprint

    body = "".join(f"<p>{html.escape(text)}</p>" for text in paragraphs)
    page = ("<html><head><meta charset='utf-8'><style>@page { size: A4; margin: 25mm 20mm 20mm 35mm }"
            "body { font-family: 'Liberation Serif'; font-size: 14pt; text-align: justify }"
            "p { text-indent: 12.7mm; margin: 0 0 6pt }</style></head><body>"
            f"{body}</body></html>")
    weasyprint.HTML(string=page).write_pdf(str(path))
    return path


def write_text(path: Path, paragraphs: list[str]) -> Path:
    path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@lru_cache(maxsize=None)
def hanoi():
    dataset = load_dataset(HANOI).dataset
    return dataset, FigureBook(dataset)


@lru_cache(maxsize=64)
def report_bytes(unit: str, period: str) -> bytes:
    dataset, book = hanoi()
    return render_docx(compose_report(dataset, book, unit, Period.parse(period)))


def edit_docx(data: bytes, old: str, new: str, *, count: int = 1, after: str | None = None) -> bytes:
    """Change text in document.xml as a clerk would in Word (the first `count` times,
    or the first time after the text `after`)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                text = content.decode("utf-8")
                start = text.index(after) if after is not None else 0
                assert old in text[start:], f"{old!r} is not in the document"
                content = (text[:start] + text[start:].replace(old, new, count)).encode("utf-8")
            target.writestr(info, content)
    return output.getvalue()
