"""Word parity between a DOCX and a PDF of the same report (the e2e test's check, shared
with tests/render/test_engine_parity.py so both PDF engines are held to it)."""
from __future__ import annotations

import html
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path


def docx_text(path: Path) -> str:
    """All text of the document: body, tables (nested too), headers."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode()
    return html.unescape(" ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def word_differences(docx: Path, pdf: Path, also_in_pdf: frozenset[str] = frozenset()
                     ) -> tuple[list[str], list[str]]:
    """(DOCX words missing from the PDF, PDF words not in the DOCX). The PDF adds page
    numbers (digits are ignored), and `also_in_pdf` (e.g. a chart's labels, drawn as
    text in the PDF but a picture in the DOCX); hyphenation is off in both engines,
    so every DOCX word must be in the PDF."""
    docx_words = words(docx_text(docx))
    pdf_words = words(pdf_text(pdf))
    pdf_set, docx_set = set(pdf_words), set(docx_words)
    missing = [w for w in docx_words if w not in pdf_set]
    extra = [w for w in pdf_words
             if w not in docx_set and not w.isdigit() and w not in also_in_pdf]
    return missing, extra
