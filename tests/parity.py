"""Word parity between a DOCX and a PDF of the same report (the e2e test's check, shared
with tests/render/test_engine_parity.py so both PDF engines are held to it)."""
from __future__ import annotations

import html
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path


def docx_text(path: Path, charts: bool = False) -> str:
    """All text of the document: body, tables (nested too), headers; with `charts`,
    also the text its chart parts print (titles, category names, bar labels)."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode()
        chart_parts = [archive.read(n).decode() for n in sorted(archive.namelist())
                       if charts and re.fullmatch(r"word/charts/chart\d+\.xml", n)]
    texts = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    for chart in chart_parts:
        texts += re.findall(r"<a:t>([^<]*)</a:t>", chart)
        for categories in re.findall(r"<c:cat>(.*?)</c:cat>", chart):
            texts += re.findall(r"<c:v>([^<]*)</c:v>", categories)
    return html.unescape(" ".join(texts))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def word_differences(docx: Path, pdf: Path, also_in_pdf: frozenset[str] = frozenset()
                     ) -> tuple[list[str], list[str]]:
    """(DOCX words missing from the PDF, PDF words not in the DOCX), the DOCX's chart
    parts included. The PDF adds page numbers (digits are ignored) and `also_in_pdf`
    (e.g. a chart's reference label, which the DOCX chart marks with a gridline);
    hyphenation is off in both engines, so every DOCX word must be in the PDF."""
    docx_words = words(docx_text(docx, charts=True))
    pdf_words = words(pdf_text(pdf))
    pdf_set, docx_set = set(pdf_words), set(docx_words)
    missing = [w for w in docx_words if w not in pdf_set]
    extra = [w for w in pdf_words
             if w not in docx_set and not w.isdigit() and w not in also_in_pdf]
    return missing, extra
