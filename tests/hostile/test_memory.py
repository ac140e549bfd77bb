"""Memory bombs are refused within a small bound: each refusal runs in a fresh interpreter
(tests/hostile/measure.py) and reports its peak RSS (getrusage)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile import bombs

REPO = Path(__file__).resolve().parents[2]
HEADROOM_KIB = 64 * 1024  # above the interpreter with the modules imported


def _measure(kind: str, path: Path) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-m", "tests.hostile.measure", kind, str(path)],
                            cwd=REPO, capture_output=True, text=True, check=True, timeout=120)
    peak, outcome = result.stdout.split()
    return int(peak), outcome


@pytest.fixture(scope="module")
def baseline():
    return _measure("baseline", Path("-"))[0]


@pytest.mark.parametrize("fixture, kind, limit", [
    ("xlsx_bomb", "xlsx", "archive_ratio"),
    ("docx_1gb", "docx", "archive_entry_bytes"),
    ("million_rows", "xlsx", "sheet_rows"),
])
def test_archive_bombs_are_refused_in_bounded_memory(request, baseline, fixture, kind, limit):
    peak, outcome = _measure(kind, request.getfixturevalue(fixture))
    assert outcome == f"REFUSED:{limit}"
    assert peak < baseline + HEADROOM_KIB, f"peak {peak // 1024} MiB, baseline {baseline // 1024} MiB"


def test_the_billion_laughs_is_refused_in_bounded_memory(tmp_path, baseline):
    path = tmp_path / "dataset.yaml"
    path.write_text(bombs.nested_alias_yaml(), encoding="utf-8")
    peak, outcome = _measure("yaml", path)
    assert outcome == "REFUSED:yaml_nodes"
    assert peak < baseline + HEADROOM_KIB


def test_validate_refuses_the_workbook_bomb_before_pandas_is_imported(xlsx_bomb, baseline):
    """The whole command, as a clerk runs it: the 200 KB → 200 MB workbook is refused by
    `reportgen validate` in about the memory of the bare interpreter (it was 665 MB)."""
    script = ("import resource, sys; from reportgen.cli import main; code = main(sys.argv[1:]); "
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, code, "
              "'pandas' in sys.modules, file=sys.__stdout__)")
    result = subprocess.run([sys.executable, "-c", script, "validate", str(xlsx_bomb), "--lang", "en"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    peak, code, pandas_loaded = result.stdout.split()
    assert code == "1" and "archive_ratio" in result.stderr and "Traceback" not in result.stderr
    assert pandas_loaded == "False"
    assert int(peak) < baseline + HEADROOM_KIB
