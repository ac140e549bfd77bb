"""Choosing the PDF engine: `--pdf-engine typst|weasyprint` and the `pdf_engine` setting."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from reportgen.build import BuildOptions, build
from reportgen.dataset import load_dataset
from reportgen.periods import Period
from tests.dataset_factory import copy_sample

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "datasets" / "hanoi"
PERIOD = Period.parse("2023-H1")


def _creator(path: Path) -> str:
    return str(pypdf.PdfReader(path).metadata.get("/Creator") or "") + " " + \
        str(pypdf.PdfReader(path).metadata.get("/Producer") or "")


def _run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, REPORTGEN_LANG="en")
    return subprocess.run([sys.executable, "-m", "reportgen", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT)


def _with_setting(tmp_path: Path, line: str) -> Path:
    folder = copy_sample(tmp_path)
    settings = folder / "dataset.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return folder


def test_cli_option_picks_the_engine_and_weasyprint_stays_the_default(tmp_path):
    for engine, expected in ((None, "WeasyPrint"), ("typst", "Typst"), ("weasyprint", "WeasyPrint")):
        out = tmp_path / (engine or "default")
        extra = ("--pdf-engine", engine) if engine else ()
        result = _run("build", str(SAMPLE), "--period", "2023-H1", "--unit", "019", "--format", "pdf",
                      "--jobs", "1", "--out", str(out), *extra)
        assert result.returncode == 0, result.stderr
        assert expected in _creator(out / "2023-H1" / "019.pdf")


def test_unknown_engine_is_a_usage_error():
    result = _run("build", str(SAMPLE), "--period", "2023-H1", "--unit", "019", "--pdf-engine", "latex")
    assert result.returncode == 2
    assert "typst" in result.stderr and "weasyprint" in result.stderr


def test_dataset_setting_picks_the_engine_and_the_option_overrides_it(tmp_path):
    dataset = load_dataset(_with_setting(tmp_path, "pdf_engine: typst")).dataset
    assert dataset.settings.pdf_engine == "typst"
    pdf = BuildOptions(formats=("pdf",))
    build(dataset, PERIOD, ["019"], tmp_path / "a", options=pdf, jobs=1)
    assert "Typst" in _creator(tmp_path / "a" / "2023-H1" / "019.pdf")
    forced = BuildOptions(formats=("pdf",), engines=(("pdf", "weasyprint"),))
    build(dataset, PERIOD, ["019"], tmp_path / "b", options=forced, jobs=1)
    assert "WeasyPrint" in _creator(tmp_path / "b" / "2023-H1" / "019.pdf")


def test_switching_engine_rebuilds_the_report(tmp_path):
    dataset = load_dataset(SAMPLE).dataset
    out = tmp_path / "out"
    first = build(dataset, PERIOD, ["019"], out, options=BuildOptions(formats=("pdf",)), jobs=1)
    assert [o.unit for o in first.built] == ["019"]
    again = build(dataset, PERIOD, ["019"], out,
                  options=BuildOptions(formats=("pdf",), engines=(("pdf", "typst"),)), jobs=1)
    assert [o.unit for o in again.built] == ["019"]
    assert "Typst" in _creator(out / "2023-H1" / "019.pdf")


@pytest.mark.parametrize("lang, expected", [("en", "pdf_engine must be weasyprint or typst"),
                                            ("vi", "pdf_engine phải là weasyprint hoặc typst")])
def test_a_bad_setting_is_a_located_error(tmp_path, lang, expected):
    folder = _with_setting(tmp_path, "pdf_engine: latex")
    env = dict(os.environ, REPORTGEN_LANG=lang)
    result = subprocess.run([sys.executable, "-m", "reportgen", "validate", str(folder)],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert expected in output and "dataset.yaml" in output and "latex" in output
