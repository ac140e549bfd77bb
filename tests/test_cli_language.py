"""The command line in the clerk's language: help, usage errors and argparse's own words
in Vietnamese (English with --lang en), an example under every command, "did you mean"."""
from __future__ import annotations

import argparse
import gettext
import os
import subprocess
import sys

import pytest

from reportgen.cli import main
from reportgen.i18n import set_language
from tests.dataset_factory import HANOI

COMMANDS = ("validate", "figures", "build", "diff", "init")


@pytest.fixture(autouse=True)
def _vietnamese(monkeypatch):
    monkeypatch.delenv("REPORTGEN_LANG", raising=False)
    yield
    set_language("vi")


def outcome(args, capsys) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of main(), whether it returns or argparse exits."""
    try:
        code = main(list(map(str, args)))
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


def test_the_main_help_is_vietnamese_with_examples(capsys):
    code, out, _ = outcome(["--help"], capsys)
    assert code == 0
    assert out.startswith("cách dùng: reportgen")
    for text in ("tùy chọn:", "các lệnh:", "in hướng dẫn này rồi thoát", "lập báo cáo (DOCX, PDF)",
                 "Ví dụ:", "reportgen build du-lieu.xlsx --period 2024-H1 --unit 01"):
        assert text in out, text
    assert "usage:" not in out and "show this help" not in out


def test_the_help_is_english_with_lang_en_anywhere_or_the_environment(capsys, monkeypatch):
    for args in (["--lang", "en", "--help"], ["build", "--help", "--lang=en"]):
        code, out, _ = outcome(args, capsys)
        assert code == 0 and out.startswith("usage: reportgen") and "Example:" in out, args
        assert "cách dùng" not in out
    monkeypatch.setenv("REPORTGEN_LANG", "en")
    assert "show this help message and exit" in outcome(["--help"], capsys)[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_vietnamese_help_and_an_example(command, capsys):
    code, out, _ = outcome([command, "--help"], capsys)
    assert code == 0
    assert out.startswith(f"cách dùng: reportgen {command}")
    assert "Ví dụ:\n  reportgen " + command in out
    assert "show this help" not in out


def test_build_help_describes_every_option_in_vietnamese(capsys):
    out = outcome(["build", "--help"], capsys)[1]
    for text in ("--period KỲ", "kỳ báo cáo, ví dụ 2023-H1", "--unit MÃ", "DỮ_LIỆU",
                 "đơn vị gốc và mọi đơn vị cấp dưới", "--out THƯ_MỤC"):
        assert text in out, text


def test_a_missing_option_is_a_vietnamese_usage_error(capsys):
    code, _, err = outcome(["build", HANOI], capsys)
    assert code == 2
    assert "cách dùng: reportgen build" in err
    assert "reportgen build: lỗi: còn thiếu tham số bắt buộc: --period" in err
    code, _, err = outcome(["--lang", "en", "build", HANOI], capsys)
    assert code == 2 and "the following arguments are required: --period" in err


def test_a_mistyped_command_gets_did_you_mean(capsys):
    code, _, err = outcome(["buld", HANOI], capsys)
    assert code == 2
    assert "lựa chọn không hợp lệ: 'buld'" in err and "có phải là build?" in err
    code, _, err = outcome(["--lang", "en", "valdate", HANOI], capsys)
    assert code == 2 and "invalid choice: 'valdate'" in err and "did you mean validate?" in err


def test_a_mistyped_choice_of_an_option_gets_did_you_mean(capsys):
    code, _, err = outcome(["build", HANOI, "--period", "2023-H1", "--format", "pfd"], capsys)
    assert code == 2 and "có phải là pdf?" in err


def test_a_unit_code_without_its_zeros_names_the_code(capsys):
    code, _, err = outcome(["figures", HANOI, "--period", "2023-H1", "--unit", "6"], capsys)
    assert code == 2
    assert "mã đơn vị không có trong danh sách: 6" in err and "có phải là --unit 006 (Quận Đống Đa)?" in err


def test_a_unit_name_typed_for_its_code_names_the_code(capsys):
    code, _, err = outcome(["figures", HANOI, "--period", "2023-H1", "--unit", "Ba Đình"], capsys)
    assert code == 2 and "--unit 001 (Quận Ba Đình)" in err
    code, _, err = outcome(["build", HANOI, "--period", "2023-H1", "--unit", "quan ba dinh"], capsys)
    assert code == 2 and "--unit 001 (Quận Ba Đình)" in err


def test_a_mistyped_period_names_the_period_of_the_dataset(capsys):
    code, _, err = outcome(["figures", HANOI, "--period", "2023-h1", "--unit", "01"], capsys)
    assert code == 2 and "có phải là 2023-H1?" in err and "2024-H1" not in err
    code, _, err = outcome(["--lang", "en", "figures", HANOI, "--period", "2023/Y", "--unit", "01"], capsys)
    assert code == 2 and "did you mean 2023-Y" in err


def test_argparse_is_left_as_it_was(capsys):
    outcome(["--help"], capsys)
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext


def test_figures_keep_the_vietnamese_names_at_80_columns():
    env = {k: v for k, v in os.environ.items() if k != "REPORTGEN_LANG"}
    env["COLUMNS"] = "80"
    result = subprocess.run([sys.executable, "-m", "reportgen", "figures", str(HANOI), "--period", "2023-H1",
                             "--unit", "01"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = " ".join(line.strip("│ ┃") for line in lines)
    assert "Tăng/giảm" in text and "rehab_compulsory" in text
    # the whole name, wrapped over the lines of its cell
    cells = " ".join(line.split("│")[1].strip() for line in lines if line.startswith("│"))
    assert "Số người được tổ chức cai nghiện bắt buộc (người)" in " ".join(cells.split())
