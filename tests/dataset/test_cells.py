"""reportgen.dataset.cells: cleaning and parsing single cells and note text."""
from __future__ import annotations

from decimal import Decimal

from reportgen.dataset.cells import (
    clean_text, markdown_sections, parse_bool, parse_count, section_of_heading, split_paragraphs,
)


def test_section_headings():
    assert section_of_heading("Tình hình chung") == "I"
    assert section_of_heading("Tồn tại, hạn chế và nguyên nhân") == "II"
    assert section_of_heading("III. Phương hướng, nhiệm vụ") == "III"
    assert section_of_heading("Đề xuất, kiến nghị") == "IV"
    assert section_of_heading("Ghi chú") is None


def test_counts_in_the_ways_a_clerk_types_them():
    assert parse_count("1.200", allow_decimal=False) == 1200 == parse_count("1200.0", allow_decimal=False)
    assert parse_count("1,5", allow_decimal=False) is None
    assert parse_count("1.234,5", allow_decimal=True) == Decimal("1234.5")
    assert parse_count("5²", allow_decimal=False) is None


def test_true_and_false_in_vietnamese_and_english():
    assert parse_bool("Có", False) is True and parse_bool("không", True) is False
    assert parse_bool("", True) is True and parse_bool("maybe", True) is None


def test_clean_text_reports_removed_control_characters():
    assert clean_text("  Quận\u00a0 Ba\x07 Đình ") == ("Quận Ba Đình", True)


def test_markdown_sections_give_each_heading_its_line_and_text():
    text = "preamble\n## Tình hình chung\nA\n\n## Tồn tại\n- B\n- C"
    assert list(markdown_sections(text)) == [
        ("Tình hình chung", 2, ["A", ""]), ("Tồn tại", 5, ["- B", "- C"])]
    assert split_paragraphs("\n".join(["- B", "- C"])) == ("- B", "- C")
