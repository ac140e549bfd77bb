"""diff/pages.py: the build-diff pages come from templates/diff/, escaped."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from markupsafe import Markup

from reportgen.diff.builds import FigureChange, UnitChange
from reportgen.diff.pages import figures_page, index_page, page, signed

OUT = Path("/reviews/out")


def unit(name: str, **changes) -> UnitChange:
    figures = (FigureChange("2023-H1", "002", "rehab", "Số người <cai nghiện>", "người",
                            Decimal("12.5"), Decimal("12.75")),)
    return UnitChange("2023-H1", "002", name, "changed", ("docx", "figures"), figures, True,
                      redline_html=OUT / "2023-H1" / "002.redline.html", **changes)


def test_data_from_a_build_is_text_never_markup():
    hostile = 'Quận <script>alert("x")</script> & co'
    index = index_page(Path("old"), Path("new"), [unit(hostile)], {}, 0, OUT)
    figures = figures_page([unit(hostile)], {"2023-H1": "6 tháng đầu năm 2023"})
    for html in (index, figures):
        assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; co" in html
    assert "Số người &lt;cai nghiện&gt;" in figures


def test_index_links_are_relative_to_the_output_folder():
    index = index_page(Path("old"), Path("new"), [unit("Quận Hoàn Kiếm")], {}, 3, OUT)
    assert '<a href="2023-H1/002.redline.html">bản so sánh (HTML)</a>' in index
    assert "bản so sánh (DOCX)" not in index  # no DOCX redline was written
    assert "Đơn vị có thay đổi (1)" in index and "Không thay đổi: 3 đơn vị." in index


def test_the_page_shell_inlines_the_stylesheet_and_writes_nfc():
    decomposed = "Ba\u0300o ca\u0301o"  # "Báo cáo" with combining marks
    html = page(decomposed, Markup("<p>x</p>"))
    assert "<title>Bào cáo</title>" in html and decomposed not in html
    assert "<style>\nbody{" in html and "ins{background:#d5f5d5" in html
    assert "<p>x</p>" in html and html.endswith("</html>\n")


def test_a_decimal_change_carries_its_sign_and_a_zero_none():
    assert (signed(Decimal("0.25")), signed(Decimal("-1.5")), signed(Decimal("0")),
            signed(3), signed(None)) == ("+0,25", "-1,5", "0", "+3", "")
