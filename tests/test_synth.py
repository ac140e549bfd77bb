"""reportgen.synth: synthetic datasets are the requested size and pass every rule."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from reportgen.synth import generate_dataset, period_codes

CATALOGUE = Path(__file__).resolve().parents[1] / "reportgen" / "catalogue" / "core.csv"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def consistency_errors(folder: Path) -> list[str]:
    """The dataset contract's rules, checked independently of reportgen's validator:
    known references, no duplicates, exhaustive parts sum, non-exhaustive parts do not
    exceed, an explicit parent total = children's totals + own, flows Y >= H1."""
    errors: list[str] = []
    units = _read(folder / "units.csv")
    catalogue = _read(CATALOGUE)
    if (folder / "indicators.csv").exists():
        catalogue += _read(folder / "indicators.csv")
    indicators = {r["code"]: r for r in catalogue}
    parts = defaultdict(list)
    for r in catalogue:
        if r["parent"]:
            parts[r["parent"]].append(r["code"])
    children = defaultdict(list)
    for u in units:
        if u["parent"]:
            children[u["parent"]].append(u["code"])
    unit_codes = {u["code"] for u in units}
    total: dict[tuple[str, str, str], int] = {}
    own: dict[tuple[str, str, str], int] = {}
    for row in _read(folder / "values.csv"):
        key = (row["period"], row["unit"], row["indicator"])
        if row["unit"] not in unit_codes or row["indicator"] not in indicators:
            errors.append(f"unknown reference {key}")
        scope = row.get("scope") or "total"
        table = own if scope == "own" else total
        if key in table:
            errors.append(f"duplicate {key} {scope}")
        value = int(row["value"])
        if value < 0:
            errors.append(f"negative {key}")
        table[key] = value

    def value_of(period: str, unit: str, code: str) -> int | None:
        if (period, unit, code) in total:
            return total[(period, unit, code)]
        if not children[unit]:
            return None
        got = [value_of(period, c, code) for c in children[unit]]
        if all(g is None for g in got) and (period, unit, code) not in own:
            return None
        return sum(g or 0 for g in got) + own.get((period, unit, code), 0)

    periods = sorted({k[0] for k in total} | {k[0] for k in own})
    used = sorted({k[2] for k in total})
    for table, name in ((total, "total"), (own, "own")):
        for (period, unit, code), value in table.items():
            if not parts[code]:
                continue
            got = [table.get((period, unit, p)) for p in parts[code]]
            if indicators[code]["exhaustive"].lower() == "true":
                if None in got or sum(got) != value:
                    errors.append(f"{name} parts of {code} at {unit} {period}: {got} vs {value}")
            elif any(g is not None and g > value for g in got):
                errors.append(f"{name} part of {code} exceeds it at {unit} {period}")
    for (period, unit, code), value in total.items():
        if children[unit]:
            expected = sum(value_of(period, c, code) or 0 for c in children[unit]) \
                + own.get((period, unit, code), 0)
            if value != expected:
                errors.append(f"parent {unit} {code} {period}: {value} != {expected}")
    for period in periods:
        if not period.endswith("-Y") or f"{period[:4]}-H1" not in periods:
            continue
        h1 = f"{period[:4]}-H1"
        for code in used:
            if (indicators[code].get("kind") or "flow") != "flow":
                continue
            for unit in unit_codes:
                y_value, h_value = value_of(period, unit, code), value_of(h1, unit, code)
                if y_value is not None and h_value is not None and y_value < h_value:
                    errors.append(f"flow {code} at {unit}: {period} {y_value} < {h1} {h_value}")
    for row in _read(folder / "targets.csv"):
        if row["unit"] not in unit_codes or row["indicator"] not in indicators:
            errors.append(f"unknown target reference {row}")
        if int(row["target"]) < 0:
            errors.append(f"negative target {row}")
    return errors


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
