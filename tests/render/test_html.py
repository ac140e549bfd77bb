"""The HTML preview: one self-contained file that says what the PDF says."""
from __future__ import annotations

import base64
import dataclasses
import re
import unicodedata
from html.parser import HTMLParser

import pytest

from reportgen.render.html import render_html
from tests.model_factory import sample_model


class _Text(HTMLParser):
    """Visible text, in document order, plus every URL-bearing attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.urls: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title"):
            self._skip += 1
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def visible(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def test_preview_is_self_contained():
    html = render_html(sample_model())
    assert "<style>" in html and "@page" in html
    assert not re.search(r"(https?|file):", html)
    assert "<link" not in html and "@import" not in html
    assert all(url.startswith("data:image/svg+xml;base64,") for url in visible(html).urls)


def test_preview_says_what_the_model_says():
    model = sample_model()
    text = visible(render_html(model)).text
    assert unicodedata.is_normalized("NFC", text)
    for phrase in (model.header.nation, model.header.motto, model.header.place_date,
                   model.title, model.summary, model.signature.name,
                   "809/1.200 người, đạt 67,4% KH năm", "huyện <đúng hạn>.",
                   "năm 2023 & đôn đốc", "Kính gửi:", "Nơi nhận:", "Phụ lục I",
                   "Tổng cộng 1.200 809 67,4% 536 +273"):
        assert phrase in text, phrase


def test_markup_characters_in_data_are_escaped():
    html = render_html(sample_model())
    assert "&lt;đúng hạn&gt;" in html and "<đúng hạn>" not in html
    assert "2023 &amp; đôn đốc" in html


def test_language_and_dates_come_from_the_model():
    html = render_html(sample_model())
    assert '<html lang="vi">' in html
    assert '<meta name="dcterms.created" content="2023-07-05T08:00:00Z" />' in html
    assert '<meta name="dcterms.modified" content="2023-07-05T08:00:00Z" />' in html
    assert '<meta name="author" content="Sở Lao động - Thương binh và Xã hội Thành phố Hà Nội" />' in html


def test_headings_keep_their_levels():
    html = render_html(sample_model())
    assert "<h1 class=\"doc-title\">BÁO CÁO</h1>" in html
    assert "<h2>I. KẾT QUẢ THỰC HIỆN</h2>" in html
    assert "<h3>1. Công tác cai nghiện và quản lý sau cai nghiện ma túy</h3>" in html
    assert "<h4>a) Cai nghiện ma túy</h4>" in html


def test_placeholder_runs_are_marked():
    html = render_html(sample_model())
    assert ('<mark class="placeholder">[Nội dung do cán bộ soạn thảo: tồn tại, hạn chế và '
            'nguyên nhân]</mark>') in html


def test_table_cells_follow_column_alignment_and_widths():
    html = render_html(sample_model())
    assert '<table class="data">' in html  # its width is print.css's
    assert '<col style="width: 27.027%" />' in html  # a weight of 60 out of 222
    assert '<td class="center">1</td><td class="left">Ba Đình</td><td class="right">30</td>' in html
    assert '<tr class="total">' in html
    assert "<thead><tr><th>STT</th><th>Đơn vị</th>" in html


def test_number_blank_is_kept_verbatim():
    html = render_html(sample_model())
    assert '<p class="number-line">Số:      /BC-SLĐTBXH</p>' in html


def test_no_addressee_block_without_addressees():
    model = dataclasses.replace(sample_model(), addressees=())
    html = render_html(model)
    assert "Kính gửi:" not in html and 'class="addressees"' not in html


def test_chart_image_is_an_opaque_svg_drawn_from_the_model():
    from xml.etree import ElementTree

    model = sample_model()
    chart = model.appendices[0].blocks[1]
    html = render_html(model)
    (uri,) = visible(html).urls
    root = ElementTree.fromstring(base64.b64decode(uri.split(",", 1)[1]))
    svg = "{http://www.w3.org/2000/svg}"
    assert root.tag == svg + "svg" and root.get("font-family") == "Liberation Serif"
    assert root[0].tag == svg + "rect" and root[0].get("fill") == "white"  # opaque ground
    texts = [t.text for t in root.iter(svg + "text")]
    assert texts[:2] == [chart.caption, chart.reference_label]
    for name, label in zip(chart.categories, chart.value_labels):
        assert name in texts and label in texts
    bars = [r for r in root.iter(svg + "rect")][1:]
    widths = [float(r.get("width")) for r in bars]
    # Longer bar for the larger value: Hai Bà Trưng (77,8%) beats Tây Hồ (56,0%).
    assert widths[6] > widths[3] > widths[2]


def test_fragment_mode_leaves_the_stylesheet_to_the_caller():
    html = render_html(sample_model(), standalone=False)
    assert "<style>" not in html
    assert "Độc lập - Tự do - Hạnh phúc" in html


def test_same_model_same_html():
    assert render_html(sample_model()) == render_html(sample_model())


def test_unknown_block_type_is_an_error_not_a_gap():
    model = dataclasses.replace(sample_model(), body=sample_model().body + ("stray",))
    with pytest.raises(TypeError, match="str"):
        render_html(model)
