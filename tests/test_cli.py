"""The `reportgen` command (interface.md §2): what a clerk sees, and the exit codes
0 (success), 1 (invalid input, located messages) and 2 (usage errors)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.i18n import set_language
from tests.dataset_factory import HANOI, TINY_SETTINGS, copy_sample, set_sample_value, write_tiny

REPORTGEN = Path(sys.executable).with_name("reportgen")


@pytest.fixture(autouse=True)
def _vietnamese(monkeypatch):
    monkeypatch.delenv("REPORTGEN_LANG", raising=False)
    yield
    set_language("vi")


def run(*args: str) -> subprocess.CompletedProcess:
    """The installed command, as a clerk runs it (a fresh process, default language)."""
    command = [str(REPORTGEN)] if REPORTGEN.exists() else [sys.executable, "-m", "reportgen"]
    # COLUMNS narrows the figures table (tested in test_cli_language); these tests read
    # the wide one, whatever the test runner's workers export.
    env = {k: v for k, v in os.environ.items() if k not in ("REPORTGEN_LANG", "COLUMNS")}
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


def figures_line(out: str, code: str) -> str:
    [line] = [line for line in out.splitlines() if line.startswith(f"│ {code} ")]
    return line


@pytest.fixture(scope="module")
def hanoi_figures():
    completed = run("figures", HANOI, "--period", "2023-H1", "--unit", "01")
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_figures_prints_the_city_rehab_figures(hanoi_figures):
    line = figures_line(hanoi_figures, "rehab_compulsory")
    for text in ("809", "1.200", "67,4%", "536", "tăng 273"):
        assert text in line


def test_figures_prints_the_voluntary_rehab_decrease(hanoi_figures):
    line = figures_line(hanoi_figures, "rehab_voluntary")
    assert "602" in line and "giảm 316" in line


def test_figures_prints_percentages_of_plan(hanoi_figures):
    assert "22,9%" in figures_line(hanoi_figures, "vocational_training")
    assert "69,9%" in figures_line(hanoi_figures, "aftercare_models_new")


def test_figures_headers_are_vietnamese(hanoi_figures):
    assert "Thành phố Hà Nội (01) · 6 tháng đầu năm 2023" in hanoi_figures
    assert "Cùng kỳ năm 2022" in hanoi_figures and "% so với KH" in hanoi_figures


def test_figures_json_is_valid_json_with_integers(capsys):
    assert main(["figures", str(HANOI), "--period", "2023-H1", "--unit", "01", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["unit"] == {"code": "01", "name": "Thành phố Hà Nội"}
    assert document["period"] == {"code": "2023-H1", "label": "6 tháng đầu năm 2023"}
    figures = {f["indicator"]: f for f in document["figures"]}
    rehab = figures["rehab_compulsory"]
    assert (rehab["value"], rehab["target"], rehab["same_period_value"], rehab["change"]) == (809, 1200, 536, 273)
    assert all(type(rehab[k]) is int for k in ("value", "target", "same_period_value", "change"))
    assert rehab["formatted"]["percent_of_plan"] == "67,4%"
    assert figures["rehab_voluntary"]["change"] == -316


def test_validate_accepts_the_sample(capsys):
    assert main(["validate", str(HANOI)]) == 0
    captured = capsys.readouterr()
    assert "hợp lệ (31 đơn vị, 5 kỳ báo cáo, 4080 số liệu)" in captured.out
    assert "0 lỗi" in captured.err


@pytest.fixture
def broken(tmp_path):
    folder = copy_sample(tmp_path)
    row = set_sample_value(folder, "001", "2023-H1", "methadone_new", "-2")
    return folder, row


def test_validate_a_broken_dataset_exits_1_with_located_vietnamese_messages(broken, capsys):
    folder, row = broken
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert (f"lỗi: values.csv, dòng {row}, cột value: số lượng không được là số âm (giá trị: \"-2\") "
            "Cách sửa: nhập số lượng là số nguyên từ 0 trở lên") in err
    assert "2 lỗi, 5 cảnh báo" in err  # the city total no longer adds up either


def test_validate_in_english_with_lang_en(broken, capsys):
    folder, row = broken
    assert main(["validate", str(folder), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert (f"error: values.csv, row {row}, column value: a count cannot be negative (value: \"-2\") "
            "Fix: type the count as a whole number of 0 or more") in err
    assert "2 error(s), 5 warning(s)" in err


def test_lang_may_come_before_the_command(broken, capsys):
    folder, _row = broken
    assert main(["--lang", "en", "validate", str(folder)]) == 1
    assert "error: values.csv" in capsys.readouterr().err


def test_figures_on_a_broken_dataset_exits_1(broken, capsys):
    folder, _row = broken
    assert main(["figures", str(folder), "--period", "2023-H1", "--unit", "01"]) == 1
    assert "lỗi: values.csv" in capsys.readouterr().err


@pytest.mark.parametrize("args", [
    ["figures", str(HANOI), "--period", "2023-H3", "--unit", "01"],
    ["figures", str(HANOI), "--period", "H1-2023", "--unit", "01"],
    ["figures", str(HANOI), "--unit", "01"],
    ["figures", str(HANOI), "--period", "2023-H1", "--unit", "99"],
    ["figures", str(HANOI), "--period", "2023-H1"],
    ["validate"],
    ["frobnicate", str(HANOI)],
    ["validate", str(HANOI), "--lang", "fr"],
], ids=["period-H3", "period-backwards", "no-period", "unknown-unit", "no-unit", "no-dataset",
        "unknown-command", "unknown-language"])
def test_usage_errors_exit_2(args, capsys):
    assert exit_code(args) == 2
    assert "Traceback" not in capsys.readouterr().err


def exit_code(args: list[str]) -> int:
    """main()'s exit code, whether it returns it or argparse raises SystemExit."""
    try:
        return main(args)
    except SystemExit as exit:
        return exit.code


def test_an_unknown_period_says_how_to_write_one(capsys):
    assert main(["figures", str(HANOI), "--period", "2023-H3", "--unit", "01"]) == 2
    assert ("mã kỳ báo cáo không hợp lệ: 2023-H3 (ghi theo dạng 2023-H1, 2023-9M, 2023-Y hoặc 2023-Q3)"
            in capsys.readouterr().err)


def test_an_unknown_unit_is_named(capsys):
    assert main(["figures", str(HANOI), "--period", "2023-H1", "--unit", "99"]) == 2
    assert "mã đơn vị không có trong danh sách: 99" in capsys.readouterr().err


# -- bad input: exit 1, a located Vietnamese message, never a Python traceback

def _non_utf8(tmp_path: Path) -> Path:
    folder = write_tiny(tmp_path / "d", [("001", "2023-H1", "methadone_new", "5", "")])
    (folder / "units.csv").write_bytes("code,name,level,parent\n01,Thành phố Hà Nội,thanh-pho,\n"
                                       "001,Quận Ba Đình,quan,01\n".encode("cp1258", errors="replace"))
    return folder


def _damaged_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "so_lieu.xlsx"
    path.write_bytes(bytes(range(256)) * 40)
    return path


def _without_settings(tmp_path: Path) -> Path:
    folder = write_tiny(tmp_path / "d", [("001", "2023-H1", "methadone_new", "5", "")])
    (folder / "dataset.yaml").unlink()
    return folder


def _invalid_yaml(tmp_path: Path) -> Path:
    folder = write_tiny(tmp_path / "d", [("001", "2023-H1", "methadone_new", "5", "")])
    (folder / "dataset.yaml").write_text('title: "Phòng, chống\nroot: [01\n', encoding="utf-8")
    return folder


def _yaml_not_a_mapping(tmp_path: Path) -> Path:
    folder = write_tiny(tmp_path / "d", [("001", "2023-H1", "methadone_new", "5", "")])
    (folder / "dataset.yaml").write_text("- title\n- root\n", encoding="utf-8")
    return folder


def _missing_folder(tmp_path: Path) -> Path:
    return tmp_path / "khong_co"


def _empty_values(tmp_path: Path) -> Path:
    folder = write_tiny(tmp_path / "d", [])
    (folder / "values.csv").write_bytes(b"")
    return folder


def _wrong_columns(tmp_path: Path) -> Path:
    folder = write_tiny(tmp_path / "d", [])
    (folder / "values.csv").write_text("don_vi;ky;chi_tieu;so_lieu\n001;2023-H1;methadone_new;5\n", encoding="utf-8")
    return folder


def _not_a_dataset_file(tmp_path: Path) -> Path:
    path = tmp_path / "so_lieu.docx"
    path.write_text("x", encoding="utf-8")
    return path


def _missing_root_setting(tmp_path: Path) -> Path:
    folder = write_tiny(tmp_path / "d", [("001", "2023-H1", "methadone_new", "5", "")])
    (folder / "dataset.yaml").write_text('title: "Phòng, chống tệ nạn xã hội"\n', encoding="utf-8")
    return folder


BAD_INPUTS = {
    "non-utf8-csv": (_non_utf8, "units.csv: tệp không phải là văn bản mã UTF-8"),
    "damaged-xlsx": (_damaged_workbook, "so_lieu.xlsx: không mở được tệp Excel"),
    "no-dataset-yaml": (_without_settings, "dataset.yaml: thiếu tệp"),
    "invalid-yaml": (_invalid_yaml, "dataset.yaml, dòng 3, cột 1: không đọc được YAML"),
    "yaml-not-a-mapping": (_yaml_not_a_mapping, "dataset.yaml: không đúng dạng danh sách thiết lập"),
    "missing-folder": (_missing_folder, "khong_co: không tìm thấy bộ dữ liệu"),  # the path as typed
    "empty-values-csv": (_empty_values, "values.csv: tệp không có nội dung"),
    "wrong-columns": (_wrong_columns, "values.csv, dòng 1: thiếu cột: unit, period, indicator, value"),
    "not-a-dataset": (_not_a_dataset_file, "so_lieu.docx: không phải là bộ dữ liệu"),
    "missing-root": (_missing_root_setting, "dataset.yaml, root: thiếu mục thiết lập bắt buộc \"root\""),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_1_with_a_located_message_and_no_traceback(tmp_path, case):
    make, expected = BAD_INPUTS[case]
    completed = run("validate", make(tmp_path))
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "lỗi: " in completed.stderr and expected in completed.stderr


@pytest.mark.parametrize("case", ["damaged-xlsx", "invalid-yaml", "missing-folder", "non-utf8-csv"])
def test_figures_on_bad_input_has_no_traceback(tmp_path, case, capsys):
    make, expected = BAD_INPUTS[case]
    assert main(["figures", str(make(tmp_path)), "--period", "2023-H1", "--unit", "01"]) == 1
    err = capsys.readouterr().err
    assert "lỗi: " in err and expected in err and "Traceback" not in err


def test_a_tiny_valid_dataset_validates(tmp_path, capsys):
    folder = write_tiny(tmp_path / "d", [("001", "2023-H1", "methadone_new", "5", "")], settings=TINY_SETTINGS)
    assert main(["validate", str(folder), "--strict"]) == 0
    assert "0 lỗi, 0 cảnh báo" in capsys.readouterr().err
