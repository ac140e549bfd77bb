"""compose.py: the sentences, header, sections and appendices a report is made of."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.compose import compose_report, parse_narrative, place_of
from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.model import Chart, Heading, Paragraph, Table
from reportgen.periods import Period

SAMPLE = Path(__file__).resolve().parent.parent / "datasets" / "hanoi"


def _model(path: Path = SAMPLE, unit: str = "01", period: str = "2023-H1", **kwargs):
    result = load_dataset(path)
    assert result.dataset is not None, [p.describe() for p in result.problems]
    book = FigureBook(result.dataset)
    return compose_report(result.dataset, book, unit, Period.parse(period), **kwargs)


def _body_text(model) -> str:
    return "\n".join(b.text for b in model.body if isinstance(b, Paragraph))


@pytest.fixture(scope="module")
def city():
    return _model()


def test_compulsory_sentence_reads_like_the_published_report(city):
    assert ("tổ chức cai nghiện bắt buộc cho 809/1.200 người, đạt 67,4% KH năm (trong đó, "
            "có nơi cư trú ổn định 407 người, không có nơi cư trú ổn định 402 người), "
            "tăng 273 người so với cùng kỳ năm 2022.") in _body_text(city)


def test_voluntary_sentence_lists_parts_and_the_decrease(city):
    text = _body_text(city)
    assert "602" in text and "(trong đó, không được hỗ trợ kinh phí 10 người, có hỗ trợ kinh phí 592 người)" in text
    assert "giảm 316 người so với cùng kỳ năm 2022" in text


def test_vocational_and_new_models_percentages_round_half_up(city):
    text = _body_text(city)
    assert "160/700 người cai nghiện, đạt 22,9% KH năm" in text
    assert "72/103 mô hình quản lý sau cai nghiện ma túy, đạt 69,9% KH năm" in text


def test_no_missing_value_ever_prints_as_none_nan_or_zero_percent(city):
    text = _body_text(city)
    for bad in ("None", "nan", "đạt 0%", "đạt 0,0%"):
        assert bad not in text


def test_outline_has_the_four_sections_and_the_h1_outlook(city):
    headings = [b.text for b in city.body if isinstance(b, Heading) and b.level == 1]
    assert headings == ["I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
                        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2023", "IV. ĐỀ XUẤT, KIẾN NGHỊ"]


def test_annual_report_plans_for_next_year():
    model = _model(period="2023-Y")
    assert "năm 2023 và phương hướng, nhiệm vụ năm 2024" in model.summary
    assert any(isinstance(b, Heading) and b.text.endswith("NĂM 2024") for b in model.body)


def test_body_ends_with_the_closing_mark(city):
    last = [b for b in city.body if isinstance(b, Paragraph)][-1]
    assert last.text.endswith("./.")
    assert not last.text.endswith("../.")


def test_header_block_of_the_city(city):
    assert city.header.parent_agency == "UBND THÀNH PHỐ HÀ NỘI"
    # broken between word groups (issue 11), never inside "THƯƠNG BINH"
    assert city.header.agency == "SỞ LAO ĐỘNG -\nTHƯƠNG BINH VÀ XÃ HỘI"
    assert city.info.author == "Sở Lao động - Thương binh và Xã hội"
    assert city.header.place_date == "Hà Nội, ngày 05 tháng 7 năm 2023"
    assert city.header.number_line.startswith("Số: ") and city.header.number_line.endswith("/BC-SLĐTBXH")


def test_district_header_and_place_come_from_the_district():
    model = _model(unit="019")
    assert model.header.parent_agency == "UBND QUẬN NAM TỪ LIÊM"
    assert model.header.agency == "PHÒNG LAO ĐỘNG -\nTHƯƠNG BINH VÀ XÃ HỘI"
    assert model.header.place_date.startswith("Nam Từ Liêm, ngày ")


def test_place_keeps_the_level_word_for_numbered_names():
    from reportgen.dataset import Unit

    result = load_dataset(SAMPLE)
    assert place_of(Unit("760", "Quận 1", "quan", "79"), result.dataset) == "Quận 1"
    assert place_of(Unit("019", "Quận Nam Từ Liêm", "quan", "01"), result.dataset) == "Nam Từ Liêm"


def test_missing_notes_give_visible_placeholders():
    model = _model(unit="001")
    placeholders = [b for b in model.body if isinstance(b, Paragraph) and any(r.placeholder for r in b.runs)]
    assert len(placeholders) == 3  # sections II, III, IV


def test_addressees_and_recipients_follow_the_decree(city):
    assert city.addressees[-1].endswith(".")
    assert all(line.startswith("- ") for line in city.addressees)
    assert city.recipients[0] == "- Như trên;"
    assert city.recipients[-1].startswith("- Lưu:") and city.recipients[-1].endswith(".")


def test_city_appendix_lists_the_30_districts_and_a_recomputed_total(city):
    tables = [b for a in city.appendices for b in a.blocks if isinstance(b, Table)]
    by_unit = next(t for t in tables if t.caption.startswith("Biểu 1."))
    names = [row[1] for row in by_unit.rows]
    assert "Quận Ba Đình" in names and "Huyện Mỹ Đức" in names
    assert len([n for n in names if not n.startswith("Các đơn vị trực thuộc")]) == 30
    assert by_unit.total[1:6] == ("Tổng cộng", "1.200", "809", "67,4%", "536")
    assert any(isinstance(b, Chart) for a in city.appendices for b in a.blocks)
    assert [a.label for a in city.appendices] == ["Phụ lục I", "Phụ lục II"]


def test_compare_with_adds_a_period_comparison_appendix():
    from reportgen.compose import ComposeOptions

    model = _model(options=ComposeOptions(compare_with=Period.parse("2022-H1")))
    last = model.appendices[-1]
    assert "SO SÁNH" in last.title
    table = last.blocks[0]
    row = next(r for r in table.rows if r[1] == "Số người được tổ chức cai nghiện bắt buộc")
    assert row[3:6] == ("536", "809", "+273")


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "ds"
    shutil.copytree(SAMPLE, target)
    return target


def test_an_indicator_added_by_the_dataset_gets_a_generic_sentence(tmp_path):
    path = _copy(tmp_path)
    with (path / "indicators.csv").open("w", encoding="utf-8") as handle:
        handle.write("code,name,unit,parent,exhaustive,additive\n"
                     "shelters_visited,Số lượt kiểm tra nhà nghỉ,lượt,,,true\n")
    with (path / "values.csv").open("a", encoding="utf-8") as handle:
        handle.write("001,2023-H1,shelters_visited,12,\n")
    model = _model(path)
    assert "Số lượt kiểm tra nhà nghỉ là 12 lượt." in _body_text(model)
    summary = model.appendices[0].blocks[0]
    assert any(row[1] == "Số lượt kiểm tra nhà nghỉ" for row in summary.rows)


def test_a_clause_without_data_is_left_out(tmp_path):
    path = _copy(tmp_path)
    lines = (path / "targets.csv").read_text(encoding="utf-8").splitlines()
    kept = [l for l in lines if not (l.startswith("01,2023,rehab_compulsory,") or
                                     (",2023,rehab_compulsory," in l))]
    (path / "targets.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    values = (path / "values.csv").read_text(encoding="utf-8").splitlines()
    values = [l for l in values if ",2022-H1,rehab_compulsory" not in l]
    (path / "values.csv").write_text("\n".join(values) + "\n", encoding="utf-8")
    text = _body_text(_model(path))
    sentence = next(s for s in text.split("\n") if "cai nghiện bắt buộc cho" in s)
    assert "809 người" in sentence and "/1.200" not in sentence
    assert "KH năm" not in sentence and "cùng kỳ" not in sentence


def test_narrative_markup_parses_headings_paragraphs_and_placeholders():
    blocks = parse_narrative("# I. A\n\nline one\nline two\n\n!! [điền]\n### a) x\n")
    assert blocks[0] == Heading(1, "I. A")
    assert blocks[1].text == "line one line two"
    assert blocks[2].runs[0].placeholder and blocks[2].text == "[điền]"
    assert blocks[3] == Heading(3, "a) x")


def test_agency_running_text_can_be_given_by_the_dataset(tmp_path):
    path = _copy(tmp_path)
    settings = (path / "dataset.yaml").read_text(encoding="utf-8")
    settings = settings.replace('    short: "SLĐTBXH"',
                                '    short: "SLĐTBXH"\n    text: "Sở Lao động - Thương binh và Xã hội Hà Nội"', 1)
    (path / "dataset.yaml").write_text(settings, encoding="utf-8")
    model = _model(path)
    assert "Sở Lao động - Thương binh và Xã hội Hà Nội báo cáo kết quả" in _body_text(model)
    assert model.info.author == "Sở Lao động - Thương binh và Xã hội Hà Nội"


def test_fixed_words_come_from_the_labels_template(tmp_path):
    from reportgen.compose import ComposeOptions
    from reportgen.resources import SHIPPED, Templates

    labels = SHIPPED.path("text/_labels.md.j2").read_text(encoding="utf-8")
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "_labels.md.j2").write_text(
        labels.replace("Kính gửi:", "Kính gửi (sửa):").replace("Tổng cộng", "Cộng"), encoding="utf-8")
    # An override folder replaces only the labels; the narrative comes from the package.
    model = _model(unit="01", options=ComposeOptions(templates=Templates(override=tmp_path)))
    assert model.addressee_label == "Kính gửi (sửa):"
    unit_tables = [b for b in model.appendices[1].blocks if isinstance(b, Table)]
    assert unit_tables and all(t.total[1] == "Cộng" for t in unit_tables)


def test_an_unnumbered_report_leaves_the_number_blank_in_the_header_and_the_appendix():
    model = _model(unit="001")
    assert model.header.number_line == "Số:      /BC-LĐTBXH"
    assert model.appendices[0].reference.startswith("(Kèm theo Báo cáo số /BC-LĐTBXH ngày ")
