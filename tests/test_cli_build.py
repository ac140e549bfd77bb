"""`reportgen build` through reportgen.cli.main: the summary, the progress lines and the
exit code chosen from the class of the library's error."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen import cli
from reportgen.build import build_lock
from reportgen.dataset import load_dataset
from reportgen.i18n import set_language
from reportgen.testing.synth import generate_dataset


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return generate_dataset(tmp_path_factory.mktemp("synth") / "small", units=5, indicators=6,
                            periods=2, depth=2, seed=11)


@pytest.fixture(autouse=True)
def english():
    yield
    set_language("vi")


def _period(path: Path) -> str:
    return load_dataset(path).dataset.periods()[-1].code


def _main(*args: str) -> int:
    return cli.main(["--lang", "en", *args])


def test_a_unit_that_fails_is_listed_and_the_exit_code_is_1(small, tmp_path, capsys):
    copy = tmp_path / "ds"
    shutil.copytree(small, copy)
    dataset = load_dataset(copy).dataset
    victim = next(u for u in dataset.units.values() if u.code != dataset.settings.root)
    lines = (copy / "units.csv").read_text(encoding="utf-8").splitlines()
    lines = [l.replace(f",{victim.level},", ",country,") if l.startswith(victim.code + ",") else l
             for l in lines]
    (copy / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = _main("build", str(copy), "--period", _period(copy), "--all", "--format", "docx",
                 "--out", str(tmp_path / "out"), "--jobs", "1")
    captured = capsys.readouterr()
    assert code == 1
    assert f"failed: {victim.code}" in captured.err
    assert "no issuing agency" in captured.err
    assert f"{len(dataset.units) - 1} built" in captured.out
    # Not a terminal: one plain progress line per report.
    assert f"[{len(dataset.units)}/{len(dataset.units)}]" in captured.out


def test_a_locked_output_folder_is_refused_with_exit_1(small, tmp_path, capsys):
    with build_lock(tmp_path):
        code = _main("build", str(small), "--period", _period(small), "--all", "--format", "docx",
                     "--out", str(tmp_path))
    assert code == 1
    assert "another build is writing" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--period", "2023-X9", "--all"], "not a period code: 2023-X9"),
    (["--period", "{period}", "--unit", "nope"], "unknown unit code: nope"),
    (["--period", "{period}", "--all", "--compare-with", "soon"], "not a period code: soon"),
    (["--period", "{period}", "--all", "--executor", "ssh://x"], "unknown executor ssh://x"),
    (["--period", "{period}"], "say which reports to build"),
    (["--period", "{period}", "--all", "--templates", "no-such-folder"], "--templates no-such-folder is not a folder"),
])
def test_usage_errors_exit_2_with_one_message(small, tmp_path, capsys, args, message):
    args = [a.replace("{period}", _period(small)) for a in args]
    code = _main("build", str(small), *args, "--out", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count(message) == 1 and f"reportgen: {message}" in err
    assert not (tmp_path / "out").exists()
