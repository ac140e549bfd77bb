"""reportgen.testing.synth: synthetic datasets are the requested size and pass every rule."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reportgen.dataset import CATALOGUE_FILE as CATALOGUE, load_dataset
from reportgen.testing.synth import generate_dataset, period_codes
from reportgen.validate import validate



def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def consistency_errors(folder: Path) -> list[str]:
    """The dataset contract's rules as reportgen's validator applies them (tested rule by
    rule in test_validate.py): its errors, and its flow warnings (H1 > Y)."""
    result = load_dataset(folder)
    problems = list(result.problems) + (validate(result.dataset) if result.dataset else [])
    return [p.describe() for p in problems if p.is_error or "flow accumulates" in p.message]


def test_period_codes():
    assert period_codes(5) == ["2022-H1", "2022-Y", "2023-H1", "2023-Y", "2024-H1"]


@pytest.mark.parametrize("units,depth,indicators,periods", [
    (40, 3, 12, 4), (10, 2, 26, 2), (25, 3, 30, 5), (12, 4, 5, 3), (2, 2, 1, 1),
])
def test_small_datasets_have_the_requested_shape_and_pass_the_rules(tmp_path, units, depth, indicators, periods):
    folder = generate_dataset(tmp_path / "ds", units=units, depth=depth, indicators=indicators,
                              periods=periods, seed=7)
    unit_rows = _read(folder / "units.csv")
    assert len(unit_rows) == units
    assert unit_rows[0] == {"code": "01", "name": unit_rows[0]["name"], "level": "province", "parent": ""}
    assert len({u["code"] for u in unit_rows}) == units
    # the tree really has `depth` levels
    parent = {u["code"]: u["parent"] for u in unit_rows}

    def level(code):
        return 0 if not parent[code] else 1 + level(parent[code])

    assert max(level(u["code"]) for u in unit_rows) == depth - 1
    values = _read(folder / "values.csv")
    assert sorted({v["period"] for v in values}) == period_codes(periods)
    assert len({v["indicator"] for v in values}) == indicators
    assert consistency_errors(folder) == []


def test_more_indicators_than_the_core_are_declared(tmp_path):
    folder = generate_dataset(tmp_path / "ds", units=15, indicators=33, periods=2, depth=2)
    custom = _read(folder / "indicators.csv")
    assert len(custom) == 33 - 26
    assert all(r["code"].startswith("custom_") for r in custom)
    assert any(r["parent"] for r in custom)  # custom parts too
    assert consistency_errors(folder) == []


def test_subset_keeps_whole_groups(tmp_path):
    folder = generate_dataset(tmp_path / "ds", units=8, indicators=20, periods=2)
    used = {v["indicator"] for v in _read(folder / "values.csv")}
    catalogue = _read(CATALOGUE)
    for row in catalogue:
        if row["parent"] and row["code"] in used:
            assert row["parent"] in used
        if row["code"] in used and row["exhaustive"] == "true":
            assert all(r["code"] in used for r in catalogue if r["parent"] == row["code"])
    assert not (folder / "indicators.csv").exists()


def test_parent_totals_equal_children_plus_own(tmp_path):
    folder = generate_dataset(tmp_path / "ds", units=30, depth=3, indicators=26, periods=5,
                              parent_totals=True, seed=3)
    values = _read(folder / "values.csv")
    assert any(v["scope"] == "own" for v in values)
    parents = {u["parent"] for u in _read(folder / "units.csv") if u["parent"]}
    assert {v["unit"] for v in values if v["scope"] == "total"} == parents
    assert consistency_errors(folder) == []


def test_only_leaves_have_values_by_default(tmp_path):
    folder = generate_dataset(tmp_path / "ds", units=20, depth=3, indicators=8, periods=2)
    parents = {u["parent"] for u in _read(folder / "units.csv") if u["parent"]}
    assert not parents & {v["unit"] for v in _read(folder / "values.csv")}


def test_deterministic_for_a_seed(tmp_path):
    names = ("units.csv", "values.csv", "targets.csv", "dataset.yaml")
    a = generate_dataset(tmp_path / "a", units=50, depth=3, seed=5)
    b = generate_dataset(tmp_path / "b", units=50, depth=3, seed=5)
    c = generate_dataset(tmp_path / "c", units=50, depth=3, seed=6)
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    assert (a / "values.csv").read_bytes() != (c / "values.csv").read_bytes()


def test_benchmark_size(tmp_path):
    folder = generate_dataset(tmp_path / "bench")  # 700 units × 20 indicators × 5 periods
    units = _read(folder / "units.csv")
    values = _read(folder / "values.csv")
    assert len(units) == 700
    assert len(values) == 699 * 20 * 5  # leaves only
    assert len({v["indicator"] for v in values}) == 20
    assert units[1]["code"] == "001"


def test_codes_keep_leading_zeros_and_notes_are_written(tmp_path):
    import pandas as pd

    folder = generate_dataset(tmp_path / "ds", units=30, depth=3, periods=3)
    frame = pd.read_csv(folder / "units.csv", dtype=str, keep_default_na=False)
    assert frame["code"].iloc[0] == "01"
    assert all(len(code) >= 3 for code in frame["code"].iloc[1:])
    notes = sorted((folder / "notes").glob("*/*.md"))
    assert notes and all(n.parent.name == "2023-H1" for n in notes)
    assert "## Tồn tại, hạn chế và nguyên nhân" in notes[0].read_text(encoding="utf-8")


def test_the_project_loader_accepts_it(tmp_path):
    dataset = pytest.importorskip("reportgen.dataset")
    validate = pytest.importorskip("reportgen.validate")
    folder = generate_dataset(tmp_path / "ds", units=25, depth=3, indicators=30, periods=5,
                              parent_totals=True)
    result = dataset.load_dataset(folder)
    problems = list(result.problems)
    if result.dataset is not None:
        problems += validate.validate(result.dataset)
    assert [p for p in problems if p.severity == "error"] == []
