"""The bundled Hà Nội sample (datasets/hanoi): official units, the published figures,
the 2024 plan, and every consistency rule."""
from __future__ import annotations

import csv
import importlib.util
import io
import unicodedata
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.testing.test_synth import consistency_errors

HANOI = Path(__file__).resolve().parents[1] / "datasets" / "hanoi"
CATALOGUE = Path(__file__).resolve().parents[1] / "reportgen" / "catalogue" / "core.csv"
PERIODS = ["2022-H1", "2022-Y", "2023-H1", "2023-Y", "2024-H1"]
OFFICIAL = [  # domain.md §1
    ("001", "Quận Ba Đình", "quan"), ("002", "Quận Hoàn Kiếm", "quan"),
    ("003", "Quận Tây Hồ", "quan"), ("004", "Quận Long Biên", "quan"),
    ("005", "Quận Cầu Giấy", "quan"), ("006", "Quận Đống Đa", "quan"),
    ("007", "Quận Hai Bà Trưng", "quan"), ("008", "Quận Hoàng Mai", "quan"),
    ("009", "Quận Thanh Xuân", "quan"), ("016", "Huyện Sóc Sơn", "huyen"),
    ("017", "Huyện Đông Anh", "huyen"), ("018", "Huyện Gia Lâm", "huyen"),
    ("019", "Quận Nam Từ Liêm", "quan"), ("020", "Huyện Thanh Trì", "huyen"),
    ("021", "Quận Bắc Từ Liêm", "quan"), ("250", "Huyện Mê Linh", "huyen"),
    ("268", "Quận Hà Đông", "quan"), ("269", "Thị xã Sơn Tây", "thi-xa"),
    ("271", "Huyện Ba Vì", "huyen"), ("272", "Huyện Phúc Thọ", "huyen"),
    ("273", "Huyện Đan Phượng", "huyen"), ("274", "Huyện Hoài Đức", "huyen"),
    ("275", "Huyện Quốc Oai", "huyen"), ("276", "Huyện Thạch Thất", "huyen"),
    ("277", "Huyện Chương Mỹ", "huyen"), ("278", "Huyện Thanh Oai", "huyen"),
    ("279", "Huyện Thường Tín", "huyen"), ("280", "Huyện Phú Xuyên", "huyen"),
    ("281", "Huyện Ứng Hòa", "huyen"), ("282", "Huyện Mỹ Đức", "huyen"),
]
DISTRICTS = [code for code, _, _ in OFFICIAL]


def _frame(name: str) -> pd.DataFrame:
    return pd.read_csv(HANOI / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    frame = _frame("values.csv")
    frame["value"] = frame["value"].astype(int)
    return frame


@pytest.fixture(scope="module")
def targets() -> dict[tuple[str, str, str], int]:
    frame = _frame("targets.csv")
    return {(r.year, r.unit, r.indicator): int(r.target) for r in frame.itertuples()}


def _city(values: pd.DataFrame, period: str, scope: str = "total") -> dict[str, int]:
    rows = values[(values.unit == "01") & (values.period == period) & (values.scope == scope)]
    return dict(zip(rows.indicator, rows.value))


def test_units_are_the_official_31_with_leading_zeros():
    units = _frame("units.csv")
    assert list(units.columns) == ["code", "name", "level", "parent"]
    assert len(units) == 31
    assert units.iloc[0].tolist() == ["01", "Thành phố Hà Nội", "thanh-pho", ""]
    assert [tuple(r) for r in units.iloc[1:][["code", "name", "level"]].itertuples(index=False)] == OFFICIAL
    assert set(units.iloc[1:]["parent"]) == {"01"}
    assert all(unicodedata.is_normalized("NFC", n) for n in units["name"])


def test_codes_are_written_as_text_with_leading_zeros():
    raw = (HANOI / "values.csv").read_text(encoding="utf-8")
    assert "\n001,2022-H1,rehab_compulsory," in raw
    assert "\n01,2022-H1,rehab_compulsory,536,total\n" in raw
    assert set(_frame("targets.csv")["unit"]) == {"01", *DISTRICTS}


def test_city_totals_of_2023_h1_are_the_published_ones(values):
    city = _city(values, "2023-H1")
    assert city["rehab_compulsory"] == 809
    assert city["rehab_compulsory_resident"] == 407
    assert city["rehab_compulsory_nonresident"] == 402
    assert city["rehab_voluntary"] == 602
    assert city["rehab_voluntary_unfunded"] == 10
    assert city["rehab_voluntary_funded"] == 592
    assert city["methadone_new"] == 23
    assert city["addiction_assessed"] == 466
    assert city["vocational_training"] == 160
    assert city["aftercare_models"] == 289
    assert city["aftercare_model_communes"] == 278
    assert city["aftercare_models_new"] == 72
    assert city["counselling_clients"] == 510
    same_period = _city(values, "2022-H1")
    assert city["rehab_compulsory"] - same_period["rehab_compulsory"] == 273  # "tăng 273 người"
    assert same_period["rehab_voluntary"] - city["rehab_voluntary"] == 316  # "giảm 316 người"


def test_vocational_training_is_the_citys_own(values):
    for period in PERIODS:
        assert _city(values, period, "own")["vocational_training"] == _city(values, period)["vocational_training"]
        districts = values[(values.period == period) & (values.unit != "01")
                           & (values.indicator == "vocational_training")]
        assert len(districts) == 30 and set(districts.value) == {0}


def test_targets(targets):
    assert targets[("2023", "01", "rehab_compulsory")] == 1200
    assert targets[("2023", "01", "vocational_training")] == 700
    assert targets[("2023", "01", "aftercare_models_new")] == 103
    assert targets[("2024", "01", "rehab_compulsory")] == 1700
    assert targets[("2024", "01", "rehab_voluntary")] == 1200
    assert targets[("2024", "01", "methadone_active")] == 5350
    assert targets[("2024", "01", "vocational_training")] == 800
    assert targets[("2024", "01", "aftercare_models_new")] == 125
    compulsory_2024 = {d: targets[("2024", d, "rehab_compulsory")] for d in DISTRICTS}
    assert compulsory_2024["006"] == compulsory_2024["007"] == 97
    assert max(v for d, v in compulsory_2024.items() if d not in ("006", "007")) < 97
    for year in ("2022", "2023", "2024"):
        for code in ("rehab_compulsory", "rehab_voluntary", "aftercare_models_new"):
            district_sum = sum(targets[(year, d, code)] for d in DISTRICTS)
            city = targets.get((year, "01", code))
            assert city is None or district_sum <= city, (year, code)


def test_every_core_indicator_for_every_unit_and_period(values):
    core = [r["code"] for r in csv.DictReader(io.StringIO(CATALOGUE.read_text(encoding="utf-8")))]
    present = values[values.scope != "own"].groupby(["period", "unit"])["indicator"].apply(list)
    assert sorted(present.index.get_level_values(0).unique()) == PERIODS
    for (period, unit), indicators in present.items():
        assert indicators == core, (period, unit)
    assert len(present) == 5 * 31


def test_district_rows_plus_own_equal_the_city_total(values):
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for row in values[(values.unit != "01") | (values.scope == "own")].itertuples():
        sums[(row.period, row.indicator)] += row.value
    city = values[(values.unit == "01") & (values.scope == "total")]
    assert len(city) == 5 * 26
    for row in city.itertuples():
        assert sums[(row.period, row.indicator)] == row.value, (row.period, row.indicator)


def test_city_has_explicit_total_rows_and_districts_are_plain(values):
    assert set(values[values.unit == "01"].scope) == {"total", "own"}
    assert set(values[values.unit != "01"].scope) == {""}


def test_all_consistency_rules_hold():
    assert consistency_errors(HANOI) == []


def test_rows_are_in_period_unit_indicator_order(values):
    order = {p: i for i, p in enumerate(PERIODS)}
    units = {u: i for i, u in enumerate(["01", *DISTRICTS])}
    keys = [(order[r.period], units[r.unit]) for r in values.itertuples()]
    assert keys == sorted(keys)


def test_generator_reproduces_the_committed_files():
    spec = importlib.util.spec_from_file_location("make_hanoi", HANOI.parent / "make_hanoi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.check() == []
    units, values, targets = module.build_rows()
    for name, header, rows in (("units.csv", ["code", "name", "level", "parent"], units),
                               ("values.csv", ["unit", "period", "indicator", "value", "scope"], values),
                               ("targets.csv", ["unit", "year", "indicator", "target"], targets)):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        assert out.getvalue() == (HANOI / name).read_text(encoding="utf-8"), name


def test_notes():
    expected = {("2023-H1", "01"), ("2022-H1", "01"), ("2023-Y", "01"),
                ("2023-H1", "019"), ("2023-H1", "006"), ("2023-H1", "271")}
    found = {(p.parent.name, p.stem) for p in (HANOI / "notes").glob("*/*.md")}
    assert found == expected
    allowed = {"## Tình hình chung", "## Tồn tại, hạn chế và nguyên nhân",
               "## Phương hướng, nhiệm vụ", "## Đề xuất, kiến nghị"}
    for period, unit in expected:
        text = (HANOI / "notes" / period / f"{unit}.md").read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text)
        headings = [line for line in text.splitlines() if line.startswith("## ")]
        assert set(headings) <= allowed
        assert allowed - {"## Tình hình chung"} <= set(headings)
    h1 = (HANOI / "notes" / "2023-H1" / "01.md").read_text(encoding="utf-8")
    assert "6 tháng cuối năm 2023" in h1
    assert "Năm 2024" in (HANOI / "notes" / "2023-Y" / "01.md").read_text(encoding="utf-8")


def test_settings():
    settings = yaml.safe_load((HANOI / "dataset.yaml").read_text(encoding="utf-8"))
    assert settings["root"] == "01"
    assert settings["title"]
    assert set(settings["issue_dates"]) == set(PERIODS)
    for level in ("thanh-pho", "quan", "huyen", "thi-xa"):
        for key in ("agency", "addressees", "signer", "recipients"):
            assert level in settings[key], (key, level)
        assert settings["recipients"][level][-1].startswith("- Lưu: VT")
    assert settings["agency"]["quan"]["parent"] == "UBND {{ unit.name | upper }}"
    assert settings["signer"]["thanh-pho"]["authority"] == "KT. GIÁM ĐỐC"
    assert settings["signer"]["huyen"]["title"] == "TRƯỞNG PHÒNG"
