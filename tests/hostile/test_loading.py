"""The issue's input cases through `reportgen validate`: each is a located message (file,
key or sheet/row), exit 1 for an error, never a traceback, never a silent loss. One test
per case, named after it; the "held" cases must keep holding."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from reportgen.cli import main
from reportgen.dataset import load_dataset
from reportgen.dataset.workbook import write_workbook
from reportgen.safety.limits import Limits
from tests.dataset_factory import TINY_SETTINGS, VALUES_HEADER, write_csv, write_tiny
from tests.hostile import bombs

VALUES = [("001", "2023-H1", "methadone_new", "5", "")]
AGENCY = ('agency:\n  quan:\n    parent: "UBND {{ unit.name | upper }}"\n'
          '    name: "PHÒNG LĐTBXH"\n    short: "LĐTBXH"\n')


def _dataset(tmp_path: Path, extra: str = "", *, settings: str | None = None, **kwargs) -> Path:
    text = settings if settings is not None else TINY_SETTINGS + AGENCY + extra
    return write_tiny(tmp_path / "d", kwargs.pop("values", VALUES), settings=text, **kwargs)


def _run(capsys, *args) -> tuple[int, str]:
    code = main([*map(str, args), "--lang", "en"])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    return code, output


def _validate(capsys, folder) -> tuple[int, str]:
    return _run(capsys, "validate", folder)


# ---------------------------------------------------------------- notes files

def test_an_empty_notes_file_is_a_located_warning(tmp_path, capsys):
    folder = _dataset(tmp_path)
    (folder / "notes" / "2023-H1" / "001.md").write_bytes(b"")
    code, output = _validate(capsys, folder)
    assert code == 0 and "notes/2023-H1/001.md" in output and "notes file is empty" in output


def test_a_non_utf8_notes_file_is_a_located_error(tmp_path, capsys):
    folder = _dataset(tmp_path)
    (folder / "notes" / "2023-H1" / "001.md").write_bytes("## Tồn tại\n\nCòn chậm.\n".encode("utf-16"))
    code, output = _validate(capsys, folder)
    assert code == 1 and "notes/2023-H1/001.md" in output and "not UTF-8" in output


def test_a_notes_folder_that_is_a_link_is_not_followed(tmp_path, capsys):
    folder = _dataset(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(folder / "notes" / "2023-H1", elsewhere)
    (elsewhere / "001.md").write_text("## Tồn tại, hạn chế\n\nBÍ MẬT\n", encoding="utf-8")
    (folder / "notes" / "2023-H1").symlink_to(elsewhere, target_is_directory=True)
    code, output = _validate(capsys, folder)
    assert code == 1 and "link" in output and "BÍ MẬT" not in output


def test_a_notes_file_beyond_notes_bytes_is_refused(tmp_path, capsys):
    folder = _dataset(tmp_path)
    (folder / "notes" / "2023-H1" / "001.md").write_text("## Tồn tại\n\n" + "x" * 5000, encoding="utf-8")
    code, output = _run(capsys, "validate", folder, "--limit", "notes_bytes=1K")
    assert code == 1 and "notes/2023-H1/001.md" in output and "notes_bytes" in output


def test_held_control_characters_in_notes_are_stripped_with_a_warning(tmp_path):
    folder = _dataset(tmp_path)
    (folder / "notes" / "2023-H1" / "001.md").write_text(
        "## Tồn tại, hạn chế\n\nCòn\x07 chậm.\n", encoding="utf-8")
    result = load_dataset(folder)
    assert any("control characters" in p.message and p.location.file == "notes/2023-H1/001.md"
               for p in result.problems)
    section = result.dataset.notes[("001", "2023-H1")]["II"]
    assert section.paragraphs == ("Còn chậm.",)


# ---------------------------------------------------------------- settings of the wrong type

@pytest.mark.parametrize("name, text, where", [
    ("issue_dates_as_a_list", "issue_dates: [2023-07-05]\n", "dataset.yaml, issue_dates"),
    ("issue_dates_as_a_bare_date", "issue_dates: 2023-07-05\n", "dataset.yaml, issue_dates"),
    ("issue_date_not_a_date", "issue_dates:\n  2023-H1: soon\n", "dataset.yaml, issue_dates.2023-H1"),
    ("issue_date_of_a_non_period", "issue_dates:\n  summer: 2023-07-05\n", "dataset.yaml, issue_dates.summer"),
    ("report_numbers_as_a_string", "report_numbers: \"215\"\n", "dataset.yaml, report_numbers"),
    ("report_numbers_as_a_list", "report_numbers: [215]\n", "dataset.yaml, report_numbers"),
    ("report_numbers_of_a_period_as_a_number", "report_numbers:\n  2023-H1: 215\n",
     "dataset.yaml, report_numbers.2023-H1"),
    ("percent_decimals_out_of_range", "percent_decimals: 7\n", "dataset.yaml, percent_decimals"),
    ("leading_zero_counts_not_a_boolean", "leading_zero_counts: maybe\n", "dataset.yaml, leading_zero_counts"),
    ("signer_as_a_list", "signer: [Nguyễn Văn A]\n", "dataset.yaml, signer"),
    ("addressees_of_an_unknown_level", "addressees:\n  quan: [Sở]\n  county: [Sở]\n",
     "dataset.yaml, addressees.county"),
])
def test_a_wrong_typed_setting_is_a_located_error(tmp_path, capsys, name, text, where):
    code, output = _validate(capsys, _dataset(tmp_path, text))
    assert code == 1 and where in output, output


def test_an_agency_given_as_a_string_is_a_located_error(tmp_path, capsys):
    settings = TINY_SETTINGS + 'agency: "PHÒNG LĐTBXH"\n'
    code, output = _validate(capsys, _dataset(tmp_path, settings=settings))
    assert code == 1 and "dataset.yaml, agency" in output and "must be a mapping" in output


def test_an_agency_field_that_is_not_text_is_located_at_its_key(tmp_path, capsys):
    settings = TINY_SETTINGS + "agency:\n  quan:\n    name: PHÒNG\n    parent: [a, b]\n"
    code, output = _validate(capsys, _dataset(tmp_path, settings=settings))
    assert code == 1 and "dataset.yaml, agency.quan.parent" in output


@pytest.mark.parametrize("text, expected", [
    ('"false"', False), ("false", False), ("no", False), ("không", False), ("yes", True), ("có", True)])
def test_leading_zero_counts_as_text_means_what_it_says(tmp_path, text, expected):
    folder = _dataset(tmp_path, f"leading_zero_counts: {text}\n")
    assert load_dataset(folder).dataset.settings.leading_zero_counts is expected


def test_codes_in_settings_stay_text_with_their_leading_zeros(tmp_path):
    settings = ('title: "Phòng, chống tệ nạn xã hội"\nroot: 01\n'
                "report_numbers: {2023-H1: {001: 12, 002: 007}}\n")
    dataset = load_dataset(_dataset(tmp_path, settings=settings)).dataset
    assert dataset.settings.root == "01"
    assert dataset.settings.report_numbers == {"2023-H1": {"001": "12", "002": "007"}}


def test_an_unknown_setting_is_a_warning(tmp_path, capsys):
    code, output = _validate(capsys, _dataset(tmp_path, "titel: oops\n"))
    assert code == 0 and "dataset.yaml, titel" in output and "unknown setting" in output


def test_the_settings_jinja_is_located_at_its_key_path(tmp_path, capsys):
    settings = TINY_SETTINGS + "agency:\n  quan:\n    name: PHÒNG\n    parent: \"{{ self.__init__ }}\"\n"
    code, output = _validate(capsys, _dataset(tmp_path, settings=settings))
    assert code == 1 and "dataset.yaml, agency.quan.parent" in output and "refused" in output


# ---------------------------------------------------------------- YAML

def test_a_deeply_nested_dataset_yaml_is_refused(tmp_path, capsys):
    code, output = _validate(capsys, _dataset(tmp_path, bombs.deep_yaml(100)))
    assert code == 1 and "yaml_depth" in output and "dataset.yaml, line" in output


def test_a_10000_deep_dataset_yaml_is_a_located_error(tmp_path, capsys):
    code, output = _validate(capsys, _dataset(tmp_path, bombs.deep_yaml(10_000)))
    assert code == 1 and "dataset.yaml, line" in output


def test_held_a_python_yaml_tag_is_refused(tmp_path, capsys):
    code, output = _validate(capsys, _dataset(tmp_path, "place: !!python/object/apply:os.system [id]\n"))
    assert code == 1 and "dataset.yaml, line" in output and "is not allowed" in output


def test_a_dataset_yaml_beyond_yaml_bytes_is_refused(tmp_path, capsys):
    code, output = _run(capsys, "validate", _dataset(tmp_path, "# " + "x" * 4000 + "\n"),
                        "--limit", "yaml_bytes=2K")
    assert code == 1 and "yaml_bytes" in output and "--limit yaml_bytes=" in output


def test_a_dataset_yaml_that_is_a_link_is_not_read(tmp_path, capsys):
    folder = _dataset(tmp_path)
    (tmp_path / "elsewhere.yaml").write_text(TINY_SETTINGS + AGENCY, encoding="utf-8")
    (folder / "dataset.yaml").unlink()
    (folder / "dataset.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    code, output = _validate(capsys, folder)
    assert code == 1 and "dataset.yaml" in output and "link" in output


# ---------------------------------------------------------------- values and units

@pytest.mark.parametrize("value", ["1e300", "1" + "0" * 300, "9" * 16])
def test_a_huge_figure_is_refused_and_figures_never_crash(tmp_path, capsys, value):
    folder = _dataset(tmp_path, values=[("001", "2023-H1", "methadone_new", value, "")])
    code, output = _validate(capsys, folder)
    assert code == 1 and "values.csv, row 2" in output
    code, output = _run(capsys, "figures", folder, "--period", "2023-H1", "--unit", "001")
    assert code == 1


def test_a_huge_decimal_figure_is_refused(tmp_path, capsys):
    indicators = [("ratio_x", "Tỉ lệ", "%", "", "", "false", "flow")]
    folder = _dataset(tmp_path, values=[("001", "2023-H1", "ratio_x", "1" + "0" * 40 + ",5", "")],
                      indicators=indicators)
    (folder / "indicators.csv").write_text(
        "code,name,unit,parent,exhaustive,additive,kind,decimal\nratio_x,Tỉ lệ,%,,,false,flow,true\n",
        encoding="utf-8")
    code, output = _validate(capsys, folder)
    assert code == 1 and "max_count" in output


def test_an_indicator_code_outside_the_grammar_is_refused(tmp_path, capsys):
    indicators = [("x/../y", "X", "người", "", "", "", "flow")]
    folder = _dataset(tmp_path, indicators=indicators)
    code, output = _validate(capsys, folder)
    assert code == 1 and "indicators.csv" in output and "is not a valid code" in output


def test_a_parent_cycle_is_an_error_not_a_hang(tmp_path, capsys):
    units = (("01", "Thành phố Hà Nội", "thanh-pho", ""), ("001", "Quận A", "quan", "002"),
             ("002", "Quận B", "quan", "001"))
    code, output = _validate(capsys, _dataset(tmp_path, units=units, notes=False))
    assert code == 1 and "own ancestor" in output


def test_a_csv_beyond_sheet_rows_is_refused_while_reading(tmp_path, capsys):
    values = [("001", "2023-H1", "methadone_new", str(i), "") for i in range(20)]
    folder = _dataset(tmp_path, values=values, notes=False)
    code, output = _run(capsys, "validate", folder, "--limit", "sheet_rows=10")
    assert code == 1 and "values.csv" in output and "sheet_rows" in output


# ---------------------------------------------------------------- silent data loss

def test_two_value_columns_in_a_csv_are_an_error(tmp_path, capsys):
    folder = _dataset(tmp_path)
    write_csv(folder / "values.csv", VALUES_HEADER + ("value",), [VALUES[0] + ("0",)])
    code, output = _validate(capsys, folder)
    assert code == 1 and "values.csv" in output and "appears twice" in output


def test_an_unknown_column_is_a_warning(tmp_path, capsys):
    folder = _dataset(tmp_path)
    write_csv(folder / "values.csv", VALUES_HEADER + ("comment",), [VALUES[0] + ("checked",)])
    code, output = _validate(capsys, folder)
    assert code == 0 and "unknown column" in output and "comment" in output


def _workbook(tmp_path: Path, settings_extra: dict | None = None) -> Path:
    folder = _dataset(tmp_path)
    path = tmp_path / "d.xlsx"
    write_workbook(folder, path, with_validation=False)
    # These cases are about the older workbook form: English sheet names and the
    # key/value YAML settings sheet (the clerk's form is tested in tests/dataset).
    book = openpyxl.load_workbook(path)
    book["Số liệu"].title = "values"
    for name in ("Thông tin văn bản", "Ngày ban hành", "Số văn bản"):
        del book[name]
    sheet = book.create_sheet("settings")
    sheet.append(["key", "value"])
    for key, value in {"title": "T", "root": '"01"', **(settings_extra or {})}.items():
        sheet.append([key, value])
    book.save(path)
    return path


def _rename_sheet(path: Path, old: str, new: str) -> None:
    """Rename a sheet in workbook.xml (openpyxl refuses names Excel would refuse)."""
    source = path.with_suffix(".orig.xlsx")
    path.rename(source)
    with zipfile.ZipFile(source) as old_zip, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new_zip:
        for item in old_zip.infolist():
            data = old_zip.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())
            new_zip.writestr(item, data)


def test_sheets_values_and_VALUES_are_an_error_naming_both(tmp_path, capsys):
    path = _workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    copy = book.copy_worksheet(book["values"])
    copy.title = "VALUESX"
    book.save(path)
    _rename_sheet(path, "VALUESX", "VALUES")
    code, output = _validate(capsys, path)
    assert code == 1 and '"values" and "VALUES"' in output


def test_a_hidden_values_sheet_with_a_space_is_an_error(tmp_path, capsys):
    path = _workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    hidden = book.create_sheet(" Values")
    hidden.append(list(VALUES_HEADER))
    hidden.append(["001", "2023-H1", "methadone_new", "999", ""])
    hidden.sheet_state = "hidden"
    book.save(path)
    code, output = _validate(capsys, path)
    assert code == 1 and '"values" and " Values"' in output


def test_a_settings_sheet_cell_with_jinja_is_located_at_its_row(tmp_path, capsys):
    path = _workbook(tmp_path, {"signer": '{name: "{{ cycler.__init__ }}"}'})
    code, output = _validate(capsys, path)
    assert code == 1 and "sheet settings, signer.name, row" in output and "refused" in output


def test_a_settings_sheet_cell_with_a_yaml_tag_is_refused(tmp_path, capsys):
    path = _workbook(tmp_path, {"place": "!!python/name:os.system"})
    code, output = _validate(capsys, path)
    assert code == 1 and "sheet settings" in output and "is not allowed" in output


def test_a_settings_sheet_root_typed_as_text_keeps_its_zero(tmp_path):
    path = _workbook(tmp_path)
    settings = load_dataset(path).dataset.settings
    assert settings.root == "01"


def test_a_workbook_with_too_many_rows_is_refused_before_parsing(tmp_path, capsys):
    path = bombs.big_sheet_xlsx(tmp_path / "rows.xlsx", rows=3000)
    code, output = _run(capsys, "validate", path, "--limit", "sheet_rows=1000")
    assert code == 1 and "sheet_rows" in output


# ---------------------------------------------------------------- limits on the command line

def test_an_unknown_limit_name_is_said_with_the_names(tmp_path, capsys):
    code, output = _run(capsys, "validate", _dataset(tmp_path), "--limit", "rows=5")
    assert code == 1 and "there is no limit named rows" in output and "sheet_rows" in output


def test_the_option_overrides_the_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REPORTGEN_LIMIT_YAML_NODES", "10")
    folder = _dataset(tmp_path)
    code, output = _run(capsys, "validate", folder, "--limit", "yaml_nodes=100000")
    assert code == 0


def test_limits_reach_the_loader_from_the_library(tmp_path):
    folder = _dataset(tmp_path, values=[("001", "2023-H1", "methadone_new", "5000", "")])
    result = load_dataset(folder, limits=Limits(max_count=1000))
    assert any("max_count" in str(p.params) for p in result.problems)
