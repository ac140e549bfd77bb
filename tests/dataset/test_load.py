"""reportgen.dataset.load: reading a dataset folder or workbook into a Dataset."""
from __future__ import annotations

import unicodedata

import pytest

from reportgen.dataset import load_dataset
from tests.dataset_factory import HANOI, TINY_UNITS, UNITS_HEADER, VALUES_HEADER, row_of, write_csv, write_tiny


def _values(dataset):
    return sorted((r.unit, r.period.code, r.indicator, r.value, r.scope) for r in dataset.values)


def _targets(dataset):
    return sorted((r.unit, r.year, r.indicator, r.target) for r in dataset.targets)


def _notes(dataset):
    return {key: {s: n.paragraphs for s, n in sections.items()} for key, sections in dataset.notes.items()}


@pytest.fixture(scope="module")
def sample():
    result = load_dataset(HANOI)
    assert not [p for p in result.problems if p.is_error]
    return result.dataset


@pytest.fixture(scope="module")
def sample_workbook(tmp_path_factory):
    write_workbook = pytest.importorskip("reportgen.dataset.workbook").write_workbook
    path = write_workbook(HANOI, tmp_path_factory.mktemp("wb") / "hanoi.xlsx")
    result = load_dataset(path)
    assert not [p.describe() for p in result.problems if p.is_error]
    return result.dataset


def test_the_sample_folder_loads(sample):
    assert sample.settings.title == "Phòng, chống tệ nạn xã hội"
    assert sample.root.code == "01" and sample.root.name == "Thành phố Hà Nội"
    assert len(sample.units) == 31
    assert len(sample.children("01")) == 30
    assert ("01", "2023-H1", "rehab_compulsory", 809, "total") in _values(sample)
    assert ("01", 2023, "rehab_compulsory", 1200) in _targets(sample)
    assert sample.settings.percent_decimals == 1 and sample.settings.leading_zero_counts is True


def test_units_are_in_code_order(sample):
    codes = list(sample.units)
    assert codes == sorted(codes)


def test_notes_are_split_into_report_sections(sample):
    sections = sample.notes[("01", "2023-H1")]
    assert {"II", "III", "IV"} <= set(sections)
    assert all(section.paragraphs for section in sections.values())


def test_the_workbook_form_loads_the_same_units(sample, sample_workbook):
    assert sample_workbook.units == sample.units


def test_the_workbook_form_loads_the_same_values(sample, sample_workbook):
    assert _values(sample_workbook) == _values(sample)


def test_the_workbook_form_loads_the_same_targets(sample, sample_workbook):
    assert _targets(sample_workbook) == _targets(sample)


def test_the_workbook_form_loads_the_same_notes(sample, sample_workbook):
    assert _notes(sample_workbook) == _notes(sample)


def test_the_workbook_form_loads_the_same_settings(sample, sample_workbook):
    assert sample_workbook.settings.title == sample.settings.title
    assert sample_workbook.settings.root == "01"
    assert sample_workbook.settings.issue_dates == sample.settings.issue_dates
    assert sample_workbook.settings.agency == sample.settings.agency


def test_unit_codes_stay_text_with_leading_zeros(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "5", "")]
    dataset = load_dataset(write_tiny(tmp_path / "d", values)).dataset
    assert "001" in dataset.units and "1" not in dataset.units
    assert dataset.values[0].unit == "001"


def test_unit_codes_stay_text_in_a_workbook(sample_workbook):
    assert "001" in sample_workbook.units and "01" in sample_workbook.units
    assert sample_workbook.units["019"].parent == "01"


def test_nfd_text_and_stray_spaces_are_normalised_to_nfc(tmp_path):
    nfd_name = unicodedata.normalize("NFD", "Quận  Ba Đình ")
    units = [TINY_UNITS[0], (" 001 ", nfd_name, "quan", "01")]
    dataset = load_dataset(write_tiny(tmp_path / "d", [], units=units)).dataset
    assert dataset.units["001"].name == "Quận Ba Đình"
    assert unicodedata.is_normalized("NFC", dataset.units["001"].name)


def test_thousands_dots_and_plain_digits_load_as_the_same_count(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "1.200", ""),
              ("002", "2023-H1", "methadone_new", "1200", "")]
    result = load_dataset(write_tiny(tmp_path / "d", values))
    assert not result.problems
    assert [r.value for r in result.dataset.values] == [1200, 1200]
    assert all(type(r.value) is int for r in result.dataset.values)


def test_excel_float_rendering_of_a_whole_number_loads_as_a_count(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "1200.0", "")]
    assert load_dataset(write_tiny(tmp_path / "d", values)).dataset.values[0].value == 1200


def test_control_characters_are_removed_with_a_located_warning(tmp_path):
    units = [TINY_UNITS[0], ("001", "Quận Ba\x07 Đình\x0b", "quan", "01")]
    result = load_dataset(write_tiny(tmp_path / "d", [], units=units))
    assert result.dataset.units["001"].name == "Quận Ba Đình"
    [warning] = result.problems
    assert not warning.is_error
    assert (warning.location.file, warning.location.row, warning.location.column) == ("units.csv", 3, "name")
    assert warning.value == "Quận Ba Đình"


def test_a_csv_with_a_byte_order_mark_loads(tmp_path):
    folder = write_tiny(tmp_path / "d", [])
    write_csv(folder / "units.csv", UNITS_HEADER, TINY_UNITS, encoding="utf-8-sig")
    values = [("001", "2023-H1", "methadone_new", "7", "")]
    write_csv(folder / "values.csv", VALUES_HEADER, values, encoding="utf-8-sig")
    assert (folder / "units.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    result = load_dataset(folder)
    assert not result.problems
    assert set(result.dataset.units) == {"01", "001", "002"}
    assert result.dataset.values[0].value == 7


def test_a_value_row_keeps_its_spreadsheet_location(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "5", ""),
              ("002", "2023-H1", "methadone_new", "6", "")]
    dataset = load_dataset(write_tiny(tmp_path / "d", values)).dataset
    location = dataset.values[1].location
    assert (location.file, location.row, location.column) == ("values.csv", row_of(values, values[1]), "value")


def test_blank_lines_do_not_shift_row_numbers(tmp_path):
    folder = write_tiny(tmp_path / "d", [])
    (folder / "values.csv").write_text(
        "unit,period,indicator,value,scope\n001,2023-H1,methadone_new,5,\n,,,,\n"
        "002,2023-H1,methadone_new,6,\n", encoding="utf-8")
    dataset = load_dataset(folder).dataset
    assert [r.location.row for r in dataset.values] == [2, 4]


def test_a_dataset_without_scope_column_reads_rows_as_totals(tmp_path):
    folder = write_tiny(tmp_path / "d", [])
    (folder / "values.csv").write_text("unit,period,indicator,value\n001,2023-H1,methadone_new,5\n",
                                       encoding="utf-8")
    assert load_dataset(folder).dataset.values[0].scope == "total"


@pytest.mark.parametrize("text", ["5²", "١٢", "12 người"])
def test_digits_that_are_not_plain_numbers_are_reported_not_crashed_on(tmp_path, text):
    values = [("001", "2023-H1", "methadone_new", text, "")]
    result = load_dataset(write_tiny(tmp_path / "d", values))
    [problem] = result.problems
    assert problem.message == "not a whole number" and problem.value == text
    assert result.dataset.values == []


def test_a_row_with_spaces_around_cells_is_cleaned(tmp_path):
    folder = write_tiny(tmp_path / "d", [])
    (folder / "values.csv").write_text("unit,period,indicator,value,scope\n 001 , 2023-H1,methadone_new ,1 200,\n",
                                       encoding="utf-8")
    [row] = load_dataset(folder).dataset.values
    assert (row.unit, row.period.code, row.indicator, row.value) == ("001", "2023-H1", "methadone_new", 1200)
