"""Generate the bundled Hà Nội sample dataset (units.csv, values.csv, targets.csv).

    .venv/bin/python datasets/make_hanoi.py          # rewrite the CSVs, then self-check
    .venv/bin/python datasets/make_hanoi.py --check  # only check the committed CSVs

The city's figures are fixed below. Those of 2023-H1 are the published six-month totals
(seeds/000: 809/1.200 cai nghiện bắt buộc, 602 tự nguyện, ...); the 2024 plan follows
seeds/002 (1.700 bắt buộc with Hai Bà Trưng and Đống Đa at 97 each, 1.200 tự nguyện,
5.350 methadone, 800 dạy nghề, 125 mô hình mới). The other periods are plausible
invented figures. Each city figure is split into the city's own part (work done
directly by the city's facilities: rehabilitation centres, the 178 inspection team, the
social protection centre) and the districts' part, which is shared among the 30
districts by fixed weights (drug-problem burden, population, number of communes,
entertainment businesses) with a jitter drawn from a fixed seed. The output is
therefore deterministic: running the script twice gives the same bytes.

values.csv: the city has an explicit `total` row for every indicator and period, plus
`own` rows for the indicators it carries out itself (all parts included); districts are
leaves and have plain rows (empty scope). Rows are in (period, unit, indicator) order,
units and indicators in the order of units.csv and the core catalogue.

The notes (notes/<period>/<unit>.md) and dataset.yaml are written by hand, not here.
"""
from __future__ import annotations

import csv
import random
import sys
import unicodedata
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from a checkout: the reportgen beside it
from reportgen.testing.synth import read_catalogue, write_csv  # noqa: E402
# The sample ships inside the package (reportgen init --sample writes it out).
HERE = REPO / "reportgen" / "samples" / "hanoi"
SEED = 20230705
ROOT = "01"
PERIODS = ("2022-H1", "2022-Y", "2023-H1", "2023-Y", "2024-H1")
YEARS = (2022, 2023, 2024)

# code, name, level, population (thousands, rounded), communes/wards, drug-problem weight
# (= the 2024 compulsory-rehabilitation target), entertainment-business weight
DISTRICTS = (
    ("001", "Quận Ba Đình", "quan", 226, 14, 68, 9.0),
    ("002", "Quận Hoàn Kiếm", "quan", 135, 18, 52, 10.0),
    ("003", "Quận Tây Hồ", "quan", 168, 8, 45, 8.0),
    ("004", "Quận Long Biên", "quan", 322, 14, 82, 6.0),
    ("005", "Quận Cầu Giấy", "quan", 292, 8, 58, 9.0),
    ("006", "Quận Đống Đa", "quan", 371, 21, 97, 11.0),
    ("007", "Quận Hai Bà Trưng", "quan", 303, 18, 97, 11.0),
    ("008", "Quận Hoàng Mai", "quan", 506, 14, 92, 9.0),
    ("009", "Quận Thanh Xuân", "quan", 286, 11, 70, 8.0),
    ("016", "Huyện Sóc Sơn", "huyen", 343, 26, 62, 3.0),
    ("017", "Huyện Đông Anh", "huyen", 406, 24, 66, 4.0),
    ("018", "Huyện Gia Lâm", "huyen", 292, 22, 60, 4.0),
    ("019", "Quận Nam Từ Liêm", "quan", 282, 10, 56, 8.0),
    ("020", "Huyện Thanh Trì", "huyen", 290, 16, 64, 5.0),
    ("021", "Quận Bắc Từ Liêm", "quan", 335, 13, 60, 6.0),
    ("250", "Huyện Mê Linh", "huyen", 241, 18, 42, 3.0),
    ("268", "Quận Hà Đông", "quan", 397, 17, 85, 8.0),
    ("269", "Thị xã Sơn Tây", "thi-xa", 146, 15, 40, 3.0),
    ("271", "Huyện Ba Vì", "huyen", 305, 31, 35, 2.0),
    ("272", "Huyện Phúc Thọ", "huyen", 185, 21, 28, 1.5),
    ("273", "Huyện Đan Phượng", "huyen", 185, 16, 30, 2.0),
    ("274", "Huyện Hoài Đức", "huyen", 276, 20, 42, 4.0),
    ("275", "Huyện Quốc Oai", "huyen", 200, 21, 30, 2.0),
    ("276", "Huyện Thạch Thất", "huyen", 212, 23, 34, 2.0),
    ("277", "Huyện Chương Mỹ", "huyen", 347, 32, 45, 2.5),
    ("278", "Huyện Thanh Oai", "huyen", 218, 21, 30, 2.0),
    ("279", "Huyện Thường Tín", "huyen", 264, 29, 40, 2.5),
    ("280", "Huyện Phú Xuyên", "huyen", 206, 27, 32, 2.0),
    ("281", "Huyện Ứng Hòa", "huyen", 211, 29, 28, 1.5),
    ("282", "Huyện Mỹ Đức", "huyen", 200, 22, 26, 1.5),
)
CODES = tuple(d[0] for d in DISTRICTS)
POP = {d[0]: d[3] for d in DISTRICTS}
COMMUNES = {d[0]: d[4] for d in DISTRICTS}
DRUG = {d[0]: d[5] for d in DISTRICTS}
BUSINESS = {d[0]: d[6] for d in DISTRICTS}
URBAN = {d[0]: d[2] == "quan" for d in DISTRICTS}

# The city's totals, per indicator and period. For an exhaustive total only its parts
# are given; the total is their sum.
P = PERIODS
CITY: dict[str, tuple[int, ...]] = {
    "rehab_compulsory_resident": (301, 652, 407, 812, 478),
    "rehab_compulsory_nonresident": (235, 535, 402, 751, 443),
    "rehab_voluntary_unfunded": (21, 37, 10, 19, 12),
    "rehab_voluntary_funded": (897, 1605, 592, 1145, 622),
    "methadone_new": (41, 87, 23, 58, 35),
    "methadone_active": (5912, 5736, 5608, 5471, 5389),
    "addiction_assessed": (512, 1108, 466, 1021, 538),
    "vocational_training": (214, 587, 160, 712, 305),
    "aftercare_models": (231, 289, 289, 403, 461),
    "aftercare_model_communes": (226, 278, 278, 392, 450),
    "aftercare_models_new": (38, 58, 72, 114, 58),
    "aftercare_managed": (2846, 3012, 3127, 3245, 3318),
    "counselling_clients": (437, 912, 510, 1046, 559),
    "addicts_in_community": (5236, 5102, 4987, 4871, 4795),
    "addicts_absent": (1412, 1376, 1350, 1318, 1296),
    "addicts_in_facilities": (2147, 2311, 2402, 2540, 2611),
    "addicts_in_prison": (1489, 1502, 1518, 1531, 1547),
    "sensitive_businesses": (3412, 3486, 3528, 3575, 3601),
    "prostitution_prone_businesses": (1276, 1301, 1314, 1322, 1330),
    "inspections_178": (86, 183, 92, 197, 101),
    "sex_workers_supported": (318, 702, 346, 741, 362),
    "trafficking_victims_received": (7, 15, 9, 18, 6),
    "trafficking_victims_supported": (7, 15, 9, 17, 6),
}
# The part done directly by the city itself (scope "own"): people without a stable
# residence picked up and admitted by the city's rehabilitation facilities, voluntary
# clients received at the city's facilities, vocational training (given only by the
# city's facilities), the city's 178 inspection team, victims received at the city's
# social protection centre. Parts of an own total are listed even when zero.
OWN: dict[str, tuple[int, ...]] = {
    "rehab_compulsory_resident": (0, 0, 0, 0, 0),
    "rehab_compulsory_nonresident": (41, 88, 62, 118, 70),
    "rehab_voluntary_unfunded": (5, 9, 3, 6, 4),
    "rehab_voluntary_funded": (33, 62, 24, 46, 26),
    "vocational_training": CITY["vocational_training"],
    "inspections_178": (14, 31, 16, 35, 18),
    "trafficking_victims_received": (3, 6, 4, 7, 2),
    "trafficking_victims_supported": (3, 6, 4, 7, 2),
}

# Annual plans (KH). City figures follow the seeds where they give one; 2023 has no
# city plan for voluntary rehabilitation (the published report gives no percentage).
CITY_TARGETS = {
    2022: {"rehab_compulsory": 1100, "rehab_voluntary": 1500, "vocational_training": 600,
           "aftercare_models_new": 60},
    2023: {"rehab_compulsory": 1200, "vocational_training": 700, "aftercare_models_new": 103},
    2024: {"rehab_compulsory": 1700, "rehab_voluntary": 1200, "methadone_active": 5350,
           "vocational_training": 800, "aftercare_models_new": 125},
}
# What the districts' plans add up to (the rest of a city plan is the city's own share).
DISTRICT_TARGET_SUMS = {
    "rehab_compulsory": {2022: 1020, 2023: 1120, 2024: sum(DRUG.values())},
    "rehab_voluntary": {2022: 1430, 2023: 1150, 2024: 1200},
    "aftercare_models_new": {2022: 60, 2023: 103, 2024: 125},
}


# ------------------------------------------------------------------ catalogue

CAT = read_catalogue()
ORDER = [row["code"] for row in CAT]
KIND = {row["code"]: row["kind"] or "flow" for row in CAT}
PARENT = {row["code"]: row["parent"] for row in CAT}
PARTS = {code: [r["code"] for r in CAT if r["parent"] == code] for code in ORDER}
EXHAUSTIVE = {row["code"]: row["exhaustive"].lower() == "true" for row in CAT}


def city_value(code: str, i: int) -> int:
    if code in CITY:
        return CITY[code][i]
    return sum(city_value(part, i) for part in PARTS[code])


def own_value(code: str, i: int) -> int | None:
    if code in OWN:
        return OWN[code][i]
    parts = PARTS[code]
    if parts and EXHAUSTIVE[code] and all(p in OWN for p in parts):
        return sum(OWN[p][i] for p in parts)
    return None


# ------------------------------------------------------------------ apportioning

def apportion(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Split `total` into non-negative integers roughly proportional to `weights`, none
    above its cap (largest-remainder method with exact fractions; ties go to the first)."""
    n = len(weights)
    caps = list(caps) if caps is not None else [total] * n
    if total > sum(caps):
        raise ValueError(f"cannot place {total} under caps summing to {sum(caps)}")
    w = [Fraction(x).limit_denominator(10**6) if c > 0 else Fraction(0) for x, c in zip(weights, caps)]
    if total and not any(w):
        w = [Fraction(1) if c > 0 else Fraction(0) for c in caps]
    result = [0] * n
    fixed = [False] * n
    remaining = total
    while True:  # pin whoever would exceed the cap, then share the rest again
        active = sum(w[i] for i in range(n) if not fixed[i])
        quotas = {i: remaining * w[i] / active if active else Fraction(0)
                  for i in range(n) if not fixed[i]}
        over = [i for i, q in quotas.items() if q > caps[i]]
        if not over:
            break
        for i in over:
            fixed[i] = True
            result[i] = caps[i]
            remaining -= caps[i]
    floors = {i: int(q) for i, q in quotas.items()}
    for i, f in floors.items():
        result[i] = f
    left = remaining - sum(floors.values())
    order = sorted(quotas, key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        result[i] += 1
    assert sum(result) == total and all(0 <= r <= c for r, c in zip(result, caps))
    return result


def split_parts(row_totals: list[int], part_totals: list[int], weights: list[list[float]]) -> list[list[int]]:
    """A non-negative integer matrix (rows = districts, columns = parts) with the given
    row and column sums: each part but the last is apportioned under what is left of
    each row; the last part takes the remainder."""
    assert sum(row_totals) == sum(part_totals), (row_totals, part_totals)
    left = list(row_totals)
    columns = []
    for j, total in enumerate(part_totals[:-1]):
        col = apportion(total, [weights[i][j] * left[i] for i in range(len(left))], caps=left)
        left = [a - b for a, b in zip(left, col)]
        columns.append(col)
    columns.append(left)
    return [[columns[j][i] for j in range(len(part_totals))] for i in range(len(row_totals))]


# ------------------------------------------------------------------ weights

def base_weights(code: str) -> dict[str, float]:
    """Each district's relative share of an indicator (before jitter)."""
    pop = {c: POP[c] for c in CODES}
    drug = {c: DRUG[c] for c in CODES}
    table = {
        "rehab_compulsory": drug,
        "rehab_voluntary": {c: POP[c] * 0.5 + DRUG[c] * 3 for c in CODES},
        "methadone_new": drug,
        "methadone_active": {c: DRUG[c] * 2 + POP[c] * 0.2 for c in CODES},
        "addiction_assessed": drug,
        "vocational_training": {c: 0.0 for c in CODES},
        "aftercare_model_communes": {c: COMMUNES[c] for c in CODES},
        "aftercare_models_new": {c: COMMUNES[c] for c in CODES},
        "aftercare_managed": {c: DRUG[c] * 2 + POP[c] * 0.1 for c in CODES},
        "counselling_clients": {c: DRUG[c] + POP[c] * 0.1 for c in CODES},
        "addicts_registered": {c: DRUG[c] * 2 + POP[c] * 0.2 for c in CODES},
        "sensitive_businesses": BUSINESS,
        "inspections_178": {c: BUSINESS[c] + 3 for c in CODES},
        "sex_workers_supported": BUSINESS,
        "trafficking_victims_received": {c: 1.0 if URBAN[c] else 1.6 for c in CODES},
        "trafficking_victims_supported": {c: 1.0 if URBAN[c] else 1.6 for c in CODES},
    }
    return table.get(code, pop)


def part_weight(part: str, district: str) -> float:
    """How a district's total leans towards one part (nonresident cases and people
    absent from home are more frequent in the urban districts)."""
    urban = URBAN[district]
    return {
        "rehab_compulsory_nonresident": 1.4 if urban else 0.6,
        "rehab_voluntary_unfunded": 1.5 if urban else 0.7,
        "addicts_absent": 1.3 if urban else 0.8,
        "addicts_in_prison": 0.9 if urban else 1.1,
    }.get(part, 1.0)


# ------------------------------------------------------------------ generation

def generate():
    rng = random.Random(SEED)
    values: dict[tuple[str, str, str], int] = {}  # (period, unit, indicator) → district value
    # aftercare_models is built on aftercare_model_communes (every commune applying a
    # model has at least one), which comes later in the catalogue: do it last.
    totals = sorted((c for c in ORDER if not PARENT[c]), key=lambda c: c == "aftercare_models")

    def jittered(weights: dict[str, float], spread: float) -> list[float]:
        return [weights[c] * rng.uniform(1 - spread, 1 + spread) for c in CODES]

    def districts_part(code: str, i: int) -> int:
        own = own_value(code, i) or 0
        return city_value(code, i) - own

    for code in totals:
        parts = PARTS[code]
        exhaustive = EXHAUSTIVE[code] and parts
        columns = parts if exhaustive else [code]
        stock = KIND[code] == "stock"
        base = base_weights(code)
        fixed_jitter = jittered(base, 0.15)  # a district's lasting profile

        def allocate(i: int, previous: list[list[int]] | None) -> list[list[int]]:
            """District values (rows) of each column for period i. For a flow's Y,
            only the increment over H1 is shared out, so Y >= H1 holds per district."""
            col_totals = [districts_part(c, i) for c in columns]
            if previous is not None:
                col_totals = [t - sum(row[j] for row in previous) for j, t in enumerate(col_totals)]
                assert all(t >= 0 for t in col_totals), (code, i, col_totals)
            weights = [w * rng.uniform(0.85, 1.15) for w in fixed_jitter]
            if code == "aftercare_model_communes":
                caps = [COMMUNES[c] - (previous[k][0] if previous else 0) for k, c in enumerate(CODES)]
                rows = [[v] for v in apportion(col_totals[0], weights, caps)]
            elif len(columns) == 1:
                rows = [[v] for v in apportion(col_totals[0], weights)]
            else:
                row_totals = apportion(sum(col_totals), weights)
                pw = [[part_weight(p, c) * rng.uniform(0.9, 1.1) for p in columns] for c in CODES]
                rows = split_parts(row_totals, col_totals, pw)
            if previous is not None:
                rows = [[a + b for a, b in zip(r, p)] for r, p in zip(rows, previous)]
            return rows

        for i, period in enumerate(PERIODS):
            year, half = period.split("-")
            previous = None
            if not stock and half == "Y" and f"{year}-H1" in PERIODS:
                h1 = PERIODS.index(f"{year}-H1")
                previous = [[values[(PERIODS[h1], c, col)] for col in columns] for c in CODES]
            if code == "aftercare_models":  # models = communes applying them + extra
                communes = [values[(period, c, "aftercare_model_communes")] for c in CODES]
                extra = apportion(districts_part(code, i) - sum(communes), [1 + n for n in communes])
                rows = [[a + b] for a, b in zip(communes, extra)]
            else:
                rows = allocate(i, previous)
            for k, c in enumerate(CODES):
                for j, col in enumerate(columns):
                    values[(period, c, col)] = rows[k][j]
                if exhaustive:
                    values[(period, c, code)] = sum(rows[k])
            if parts and not exhaustive:  # a part that may not exceed its total
                for part in parts:
                    caps = [values[(period, c, code)] for c in CODES]
                    w = [cap * rng.uniform(0.8, 1.2) for cap in caps]
                    for k, v in enumerate(apportion(districts_part(part, i), w, caps)):
                        values[(period, CODES[k], part)] = v
    return values


def district_targets() -> dict[tuple[int, str, str], int]:
    rng = random.Random(SEED + 1)
    targets = {}
    for code, sums in DISTRICT_TARGET_SUMS.items():
        for year, total in sums.items():
            if code == "rehab_compulsory" and year == 2024:
                split = [DRUG[c] for c in CODES]  # the plan of seeds/002
            elif code == "aftercare_models_new":  # at least one new model per district
                extra = apportion(total - len(CODES), [COMMUNES[c] * rng.uniform(0.8, 1.2) for c in CODES])
                split = [1 + e for e in extra]
            else:
                w = base_weights(code)
                split = apportion(total, [w[c] * rng.uniform(0.9, 1.1) for c in CODES])
            for c, v in zip(CODES, split):
                targets[(year, c, code)] = v
    return targets


# ------------------------------------------------------------------ writing

def build_rows():
    values = generate()
    unit_rows = [[ROOT, "Thành phố Hà Nội", "thanh-pho", ""]]
    unit_rows += [[d[0], d[1], d[2], ROOT] for d in DISTRICTS]
    value_rows = []
    for i, period in enumerate(PERIODS):
        for code in ORDER:
            value_rows.append([ROOT, period, code, city_value(code, i), "total"])
            own = own_value(code, i)
            if own is not None:
                value_rows.append([ROOT, period, code, own, "own"])
        for c in CODES:
            for code in ORDER:
                value_rows.append([c, period, code, values[(period, c, code)], ""])
    dtargets = district_targets()
    target_rows = []
    for year in YEARS:
        for code in ORDER:
            if code in CITY_TARGETS[year]:
                target_rows.append([ROOT, year, code, CITY_TARGETS[year][code]])
        for c in CODES:
            for code in ORDER:
                if (year, c, code) in dtargets:
                    target_rows.append([c, year, code, dtargets[(year, c, code)]])
    return unit_rows, value_rows, target_rows


def write() -> None:
    units, values, targets = build_rows()
    write_csv(HERE / "units.csv", ["code", "name", "level", "parent"], units)
    write_csv(HERE / "values.csv", ["unit", "period", "indicator", "value", "scope"], values)
    write_csv(HERE / "targets.csv", ["unit", "year", "indicator", "target"], targets)


# ------------------------------------------------------------------ self-check

def read(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def project_rule_errors() -> list[str]:
    """The dataset contract's rules as reportgen's validator applies them to the files as
    written: its errors, and its warnings except the expected "no notes" ones."""
    from reportgen.dataset import load_dataset
    from reportgen.validate import validate

    result = load_dataset(HERE)
    problems = list(result.problems) + (validate(result.dataset) if result.dataset else [])
    return [p.describe() for p in problems if p.is_error or "flow accumulates" in p.message]


def check() -> list[str]:
    """Every consistency rule of the dataset contract, and the published figures, on the
    files as written."""
    errors: list[str] = []
    units = read("units.csv")
    codes = [u["code"] for u in units]
    if codes != [ROOT, *CODES]:
        errors.append("units.csv: codes or order differ from the official list")
    children = [u["code"] for u in units if u["parent"] == ROOT]
    value = {}
    own = {}
    for row in read("values.csv"):
        key = (row["period"], row["unit"], row["indicator"])
        target = own if row["scope"] == "own" else value
        if key in target:
            errors.append(f"duplicate value row {key} {row['scope']}")
        v = int(row["value"])
        if v < 0:
            errors.append(f"negative value {key}")
        target[key] = v
    for period in PERIODS:
        for unit in codes:
            for code in ORDER:
                if (period, unit, code) not in value:
                    errors.append(f"missing value {period} {unit} {code}")
    if errors:
        return errors
    # duplicates, parts, parent = districts + own, H1 <= Y: reportgen's own rules
    errors += project_rule_errors()
    # the published figures
    published = {
        ("2023-H1", "rehab_compulsory"): 809, ("2023-H1", "rehab_compulsory_resident"): 407,
        ("2023-H1", "rehab_compulsory_nonresident"): 402, ("2022-H1", "rehab_compulsory"): 536,
        ("2023-H1", "rehab_voluntary"): 602, ("2023-H1", "rehab_voluntary_unfunded"): 10,
        ("2023-H1", "rehab_voluntary_funded"): 592, ("2022-H1", "rehab_voluntary"): 918,
        ("2023-H1", "methadone_new"): 23, ("2023-H1", "addiction_assessed"): 466,
        ("2023-H1", "vocational_training"): 160, ("2023-H1", "aftercare_models"): 289,
        ("2023-H1", "aftercare_model_communes"): 278, ("2023-H1", "aftercare_models_new"): 72,
        ("2023-H1", "counselling_clients"): 510,
    }
    for (period, code), expected in published.items():
        if value[(period, ROOT, code)] != expected:
            errors.append(f"published {period} {code}: {value[(period, ROOT, code)]} != {expected}")
    for period in PERIODS:
        if own.get((period, ROOT, "vocational_training")) != value[(period, ROOT, "vocational_training")]:
            errors.append(f"{period}: vocational training is not all the city's own")
    # targets
    targets = {}
    for row in read("targets.csv"):
        targets[(int(row["year"]), row["unit"], row["indicator"])] = int(row["target"])
    plans = {(2023, "rehab_compulsory"): 1200, (2023, "vocational_training"): 700,
             (2023, "aftercare_models_new"): 103, (2024, "rehab_compulsory"): 1700,
             (2024, "rehab_voluntary"): 1200, (2024, "methadone_active"): 5350,
             (2024, "vocational_training"): 800, (2024, "aftercare_models_new"): 125}
    for (year, code), expected in plans.items():
        if targets.get((year, ROOT, code)) != expected:
            errors.append(f"city target {year} {code} != {expected}")
    for year in YEARS:
        for code in DISTRICT_TARGET_SUMS:
            got = [targets.get((year, c, code)) for c in children]
            if None in got:
                errors.append(f"district target missing {year} {code}")
                continue
            city = targets.get((year, ROOT, code))
            if city is not None and sum(got) > city:
                errors.append(f"district targets {year} {code} exceed the city's plan")
    top = sorted(((targets[(2024, c, "rehab_compulsory")], c) for c in children), reverse=True)
    if [c for _, c in top[:2]] != ["007", "006"] or top[0][0] != 97 or top[1][0] != 97 or top[2][0] >= 97:
        errors.append("2024 compulsory targets: 006 and 007 must be the highest, at 97")
    # notes are NFC and use the agreed headings
    allowed = {"## Tình hình chung", "## Tồn tại, hạn chế và nguyên nhân",
               "## Phương hướng, nhiệm vụ", "## Đề xuất, kiến nghị"}
    for note in sorted((HERE / "notes").glob("*/*.md")):
        text = note.read_text(encoding="utf-8")
        if not unicodedata.is_normalized("NFC", text):
            errors.append(f"{note}: not NFC")
        for line in text.splitlines():
            if line.startswith("## ") and line.strip() not in allowed:
                errors.append(f"{note}: unknown heading {line!r}")
    return errors


def main(argv: list[str]) -> int:
    if "--check" not in argv:
        write()
    errors = check()
    for error in errors:
        print(error, file=sys.stderr)
    print("ok" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
