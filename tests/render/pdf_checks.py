"""The repository's PDF checks (official-format.md §1, §6, §8), shared by both engines.

Each function takes a PDF file and fails with a message saying what a reader, a records
office or an archive would notice: the paper, the decree's margins, the page numbers,
the embedded fonts, the text. tests/render/test_pdf.py runs them on WeasyPrint's output,
tests/render/test_typst_pdf.py on Typst's, and tests/render/test_engine_parity.py on every
report of the sample with both engines.
"""
from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pdfplumber

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
TOP, BOTTOM, LEFT, RIGHT = 25 * MM, 20 * MM, 35 * MM, 20 * MM


def pdftotext(path: Path, *pages: int) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def pdffonts(path: Path) -> list[dict[str, str]]:
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    rows = []
    for line in lines:
        fields = line.split()
        # name type... encoding emb sub uni object ID
        rows.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4],
                     "uni": fields[-3]})
    return rows


def margin_words(page) -> list[dict]:
    """Words printed in the top margin (the page number lives there)."""
    return [w for w in page.extract_words() if w["bottom"] <= TOP]


def check_text_is_nfc_without_replacement_glyphs(path: Path) -> str:
    """The extracted text: no U+FFFD (a glyph without Unicode), NFC throughout."""
    text = pdftotext(path)
    assert "\ufffd" not in text, "a replacement character in the extracted text"
    assert unicodedata.is_normalized("NFC", text), "extracted text is not NFC"
    return text


def check_fonts_embedded(path: Path, family_prefix: str = "Liberation") -> None:
    """Every font embedded, with a Unicode map, and the report face only."""
    fonts = pdffonts(path)
    assert fonts, "no fonts"
    assert len({f["name"].split("+", 1)[-1] for f in fonts}) <= 4, fonts
    for font in fonts:
        assert font["emb"] == "yes" and font["uni"] == "yes", font
        family = font["name"].split("+", 1)[-1]
        assert family.replace("-", "").startswith(family_prefix.replace("-", "") + "Serif"), font


def _first_appendix(texts: list[str]) -> int | None:
    return next((i for i, t in enumerate(texts) if t.lstrip().startswith("Phụ lục")), None)


def check_a4_portrait_report_landscape_appendices(path: Path) -> None:
    """Report pages A4 portrait; appendix pages (from the first "Phụ lục") A4 landscape."""
    with pdfplumber.open(path) as pdf:
        sizes = [(p.width, p.height) for p in pdf.pages]
        texts = [p.extract_text() or "" for p in pdf.pages]
    first = _first_appendix(texts)
    first = len(sizes) if first is None else first
    for index, (width, height) in enumerate(sizes):
        expected = A4 if index < first else (A4[1], A4[0])
        assert abs(width - expected[0]) <= 1 and abs(height - expected[1]) <= 1, \
            f"page {index + 1}: {width:.1f} x {height:.1f} pt"


MASTHEAD_OVERHANG_MM = 5


def check_text_inside_margins(path: Path) -> None:
    """Every character outside the top margin (page numbers) within the decree's
    margins: left 35, right 20, bottom 20 mm (landscape pages keep the same)."""
    with pdfplumber.open(path) as pdf:
        title = next((w for w in pdf.pages[0].extract_words() if w["text"] == "BÁO"), None)
        for number, page in enumerate(pdf.pages, start=1):
            for char in page.chars:
                # The page number lives in the top margin; a space draws nothing (Typst
                # writes the space at a line's end into the text, past the last glyph).
                if char["bottom"] <= TOP or char["text"].isspace():
                    continue
                where = f"page {number}: {char['text']!r}"
                # the masthead may reach 5 mm into the right margin (20 → 15 mm, the
                # decree's lower bound), as the DOCX's does, to keep its columns apart
                masthead = number == 1 and title is not None and char["bottom"] < title["top"]
                right = RIGHT - (MASTHEAD_OVERHANG_MM * MM if masthead else 0)
                assert char["top"] >= TOP - 1, where
                assert char["x0"] >= LEFT - 1, where
                assert char["x1"] <= page.width - right + 1, where
                assert char["bottom"] <= page.height - BOTTOM + 1, where


def check_page_numbers(path: Path) -> None:
    """Page 1 of the report and of each appendix unnumbered; every other page shows its
    number within its section (numbering restarts at each appendix), 13-14 pt, centred
    over the text area, in the top margin."""
    with pdfplumber.open(path) as pdf:
        texts = [p.extract_text() or "" for p in pdf.pages]
        expected = 0
        for index, page in enumerate(pdf.pages):
            body = texts[index]
            starts_section = index == 0 or body.lstrip().startswith("Phụ lục")
            expected = 1 if starts_section else expected + 1
            words = margin_words(page)
            if expected == 1:
                assert words == [], f"page {index + 1}: {words}"
                continue
            assert [w["text"] for w in words] == [str(expected)], \
                f"page {index + 1}: {[w['text'] for w in words]}, expected {expected}"
            (number,) = words
            centre = (number["x0"] + number["x1"]) / 2
            assert abs(centre - (LEFT + (page.width - RIGHT)) / 2) < 2 * MM, page
            assert 12.9 <= number["bottom"] - number["top"] <= 14.1, number


def check_repository_pdf(path: Path) -> str:
    """All of the checks above; the extracted text for further checks."""
    text = check_text_is_nfc_without_replacement_glyphs(path)
    check_fonts_embedded(path)
    check_a4_portrait_report_landscape_appendices(path)
    check_text_inside_margins(path)
    check_page_numbers(path)
    return text
