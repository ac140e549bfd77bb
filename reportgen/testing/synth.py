"""Synthetic datasets for benchmarks and bulk tests.

`generate_dataset(out_dir, units=700, indicators=20, periods=5, seed=0, depth=2)` writes
a folder in the dataset layout (interface.md §1) that passes every consistency rule:
a root province, its districts and (depth >= 3) communes/wards below them, the core
indicators (a subset of whole "trong đó" groups when fewer are asked for; extra custom
indicators declared in indicators.csv when more), periods 2022-H1, 2022-Y, 2023-H1, …,
annual targets, and a couple of notes. The same arguments always give the same bytes.

Only leaves carry values by default; `parent_totals=True` also writes each parent's
explicit `total` row (equal to the sum of its children plus its own value) and gives
the root an `own` share of the first indicator.
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from reportgen.dataset.types import CATALOGUE_FILE, COLUMNS

CATALOGUE_COLUMNS = COLUMNS["indicators"]
_SYLLABLES = (
    "An", "Bình", "Hòa", "Phú", "Thạnh", "Tân", "Long", "Mỹ", "Đông", "Tây", "Nam", "Bắc",
    "Vĩnh", "Phước", "Thuận", "Lộc", "Hưng", "Xuân", "Hải", "Sơn", "Thành", "Quang",
    "Trung", "Đức", "Minh", "Hiệp", "Khánh", "Lạc", "Yên", "Cẩm",
)
_DISTRICT_LEVELS = (("huyen", "Huyện"), ("quan", "Quận"), ("huyen", "Huyện"), ("thi-xa", "Thị xã"))
_COMMUNE_LEVELS = (("xa", "Xã"), ("phuong", "Phường"), ("xa", "Xã"), ("thi-tran", "Thị trấn"))


def read_catalogue() -> list[dict[str, str]]:
    """The core catalogue's rows, every column as text (also used by datasets/make_hanoi.py)."""
    with CATALOGUE_FILE.open(encoding="utf-8", newline="") as handle:
        return [{k: (row.get(k) or "") for k in CATALOGUE_COLUMNS} for row in csv.DictReader(handle)]


def period_codes(count: int, first_year: int = 2022) -> list[str]:
    """2022-H1, 2022-Y, 2023-H1, … (`count` of them)."""
    return [f"{first_year + i // 2}-{'H1' if i % 2 == 0 else 'Y'}" for i in range(count)]


# ------------------------------------------------------------------ units

def _level_counts(units: int, depth: int) -> list[int]:
    """How many units on each level: 1 root, then geometric growth to the leaves."""
    if depth < 1:
        raise ValueError("depth must be at least 1")
    if units < depth:
        raise ValueError(f"{units} unit(s) cannot fill {depth} levels")
    if depth == 1:
        if units != 1:
            raise ValueError("depth 1 holds only the root")
        return [1]
    # find the branching factor b with 1 + b + … + b^(depth-1) ≈ units
    lo, hi = 1.0, float(units)
    for _ in range(100):
        mid = (lo + hi) / 2
        if sum(mid ** k for k in range(depth)) < units:
            lo = mid
        else:
            hi = mid
    counts = [1]
    for k in range(1, depth - 1):
        counts.append(max(counts[-1], round(lo ** k)))
    counts.append(units - sum(counts))
    if counts[-1] < counts[-2]:  # too few leaves: flatten the middle levels
        for k in range(1, depth - 1):
            counts[k] = 1
        counts[-1] = units - (depth - 1)
    return counts


def _names(rng: random.Random):
    pairs = [f"{a} {b}" for a in _SYLLABLES for b in _SYLLABLES if a != b]
    rng.shuffle(pairs)
    round_ = 0
    while True:
        for pair in pairs:
            yield pair if round_ == 0 else f"{pair} {round_ + 1}"
        round_ += 1


def _make_units(count: int, depth: int, rng: random.Random) -> list[dict[str, str]]:
    counts = _level_counts(count, depth)
    names = _names(rng)
    rows = [{"code": "01", "name": "Tỉnh Thử Nghiệm", "level": "province", "parent": ""}]
    previous = ["01"]
    width = 2
    for k, n in enumerate(counts[1:], start=1):
        width = max(2 * k + 1, len(str(n)), width + 1)  # codes never collide across levels
        levels = _DISTRICT_LEVELS if k == 1 else _COMMUNE_LEVELS
        current = []
        for i in range(n):
            code = str(i + 1).zfill(width)
            level, word = levels[i % len(levels)] if k == 1 else levels[(i // 7) % len(levels)]
            rows.append({"code": code, "name": f"{word} {next(names)}", "level": level,
                         "parent": previous[i % len(previous)]})
            current.append(code)
        previous = current
    # children listed right after their parents, each level in code order
    by_parent: dict[str, list[dict[str, str]]] = {}
    for row in rows[1:]:
        by_parent.setdefault(row["parent"], []).append(row)
    ordered: list[dict[str, str]] = []

    def visit(row):
        ordered.append(row)
        for child in sorted(by_parent.get(row["code"], []), key=lambda r: r["code"]):
            visit(child)

    visit(rows[0])
    return ordered


# ------------------------------------------------------------------ indicators

def _make_indicators(count: int, rng: random.Random) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(the indicators used, the custom rows for indicators.csv). A subset of the core
    keeps whole groups (a total with all its parts), groups first, then singles."""
    if count < 1:
        raise ValueError("at least one indicator")
    core = read_catalogue()
    groups = [[row] + [r for r in core if r["parent"] == row["code"]] for row in core if not row["parent"]]
    if count <= len(core):
        chosen: list[dict[str, str]] = []
        ordered = [g for g in groups if len(g) > 1] + [g for g in groups if len(g) == 1]
        for group in ordered:
            if len(chosen) + len(group) <= count:
                chosen.extend(group)
        if len(chosen) != count:  # cannot happen with the core catalogue; be explicit
            raise ValueError(f"cannot choose {count} indicators in whole groups")
        order = {row["code"]: i for i, row in enumerate(core)}
        return sorted(chosen, key=lambda r: order[r["code"]]), []
    custom: list[dict[str, str]] = []
    k = 0
    while len(core) + len(custom) < count:
        k += 1
        code = f"custom_{k:03d}"
        kind = "stock" if k % 3 == 0 else "flow"
        room = count - len(core) - len(custom)
        if k % 4 == 1 and room >= 3:  # a total with two exhaustive parts
            custom.append({"code": code, "name": f"Chỉ tiêu bổ sung số {k}", "unit": "người",
                           "parent": "", "exhaustive": "true", "additive": "true", "kind": kind})
            for suffix, label in (("a", "nam"), ("b", "nữ")):
                custom.append({"code": f"{code}{suffix}", "name": label, "unit": "người",
                               "parent": code, "exhaustive": "", "additive": "true", "kind": kind})
        else:
            custom.append({"code": code, "name": f"Chỉ tiêu bổ sung số {k}",
                           "unit": rng.choice(("người", "lượt người", "cuộc", "cơ sở")),
                           "parent": "", "exhaustive": "", "additive": "true", "kind": kind})
    return core + custom, custom


# ------------------------------------------------------------------ values

def _is_true(text: str) -> bool:
    return text.strip().lower() == "true"


def generate_dataset(out_dir: Path, *, units: int = 700, indicators: int = 20, periods: int = 5,
                     seed: int = 0, depth: int = 2, parent_totals: bool = False,
                     notes: bool = True) -> Path:
    """Write a valid synthetic dataset folder at `out_dir` (created; files overwritten)
    and return it. `units` counts every unit, the root included."""
    if periods < 1:
        raise ValueError("at least one period")
    rng = random.Random(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # The random draws happen in this order (units, indicators, sizes, scales, leaf
    # figures, the root's own share, plans): the same arguments give the same bytes.
    shape = _Shape.draw(units, depth, indicators, periods, rng)
    values = _leaf_values(shape, rng)
    own = _root_own_share(shape, rng) if parent_totals else {}
    value_rows = _value_rows(shape, values, own, parent_totals=parent_totals)
    target_rows = _target_rows(shape, rng)
    _write_files(out_dir, shape, value_rows, target_rows, notes=notes)
    return out_dir


@dataclass
class _Shape:
    """The units and indicators of a synthetic dataset, and each leaf's lasting scale."""
    unit_rows: list[dict[str, str]]
    used: list[dict[str, str]]
    custom: list[dict[str, str]]
    period_list: list[str]
    children: dict[str, list[str]]
    codes: list[str]
    leaves: list[str]
    size: dict[str, float]
    by_code: dict[str, dict[str, str]]
    parts_of: dict[str, list[str]]
    totals: list[str]
    scale: dict[str, int]

    @classmethod
    def draw(cls, units: int, depth: int, indicators: int, periods: int,
             rng: random.Random) -> "_Shape":
        unit_rows = _make_units(units, depth, rng)
        used, custom = _make_indicators(indicators, rng)
        children: dict[str, list[str]] = {}
        for row in unit_rows:
            if row["parent"]:
                children.setdefault(row["parent"], []).append(row["code"])
        codes = [row["code"] for row in unit_rows]
        leaves = [c for c in codes if c not in children]
        size = {c: rng.lognormvariate(0, 0.6) for c in leaves}  # a unit's lasting scale
        used_codes = [row["code"] for row in used]
        by_code = {row["code"]: row for row in used}
        totals = [c for c in used_codes if not by_code[c]["parent"]]
        return cls(unit_rows, used, custom, period_codes(periods), children, codes, leaves,
                   size, by_code, {c: [r["code"] for r in used if r["parent"] == c] for c in used_codes},
                   totals, {c: rng.choice((3, 8, 20, 60, 150)) for c in totals})

    @property
    def used_codes(self) -> list[str]:
        return [row["code"] for row in self.used]

    def earlier(self, period: str) -> str | None:
        """The H1 a flow's Y figure accumulates from, when the dataset has it."""
        if period.endswith("-Y") and f"{period[:4]}-H1" in self.period_list:
            return f"{period[:4]}-H1"
        return None


def _leaf_values(shape: _Shape, rng: random.Random) -> dict[tuple[str, str, str], int]:
    """(period, unit, indicator) → value for every leaf; flows accumulate H1 → Y, parts
    sum to exhaustive totals and stay below the others."""
    values: dict[tuple[str, str, str], int] = {}

    def leaf_figures(code: str, unit: str, period: str) -> dict[str, int]:
        row = shape.by_code[code]
        parts = shape.parts_of[code]
        flow = (row["kind"] or "flow") == "flow"
        base = shape.scale[code] * shape.size[unit]
        earlier = shape.earlier(period) if flow else None
        if parts and _is_true(row["exhaustive"]):
            figures = {}
            for part in parts:
                start = values.get((earlier, unit, part), 0) if earlier else 0
                add = int(base * rng.uniform(0.2, 0.9) / len(parts)) if earlier else \
                    int(base * rng.uniform(0.3, 1.1) / len(parts))
                figures[part] = start + add
            figures[code] = sum(figures.values())
            return figures
        start = values.get((earlier, unit, code), 0) if earlier else 0
        total = start + int(base * rng.uniform(0.3, 1.1))
        figures = {code: total}
        for part in parts:  # not exhaustive: each part at most the total
            low = values.get((earlier, unit, part), 0) if earlier else 0
            figures[part] = min(total, max(low, int(total * rng.uniform(0.2, 0.6))))
        return figures

    for period in shape.period_list:
        for unit in shape.leaves:
            for code in shape.totals:
                for key, value in leaf_figures(code, unit, period).items():
                    values[(period, unit, key)] = value
    return values


def _root_own_share(shape: _Shape, rng: random.Random) -> dict[tuple[str, str], int]:
    """(period, indicator) → the root's own value of the first indicator group."""
    own: dict[tuple[str, str], int] = {}
    if not shape.totals:
        return own
    code = shape.totals[0]
    parts = shape.parts_of[code]
    exhaustive = bool(parts) and _is_true(shape.by_code[code]["exhaustive"])
    keys = parts if exhaustive else [code]
    for period in shape.period_list:
        earlier = shape.earlier(period)
        for key in keys:
            start = own.get((earlier, key), 0) if earlier else 0
            own[(period, key)] = start + rng.randint(0, 5)
        if exhaustive:
            own[(period, code)] = sum(own[(period, p)] for p in parts)
        else:
            for part in parts:
                own[(period, part)] = 0
    return own


def _value_rows(shape: _Shape, values, own, *, parent_totals: bool) -> list[list]:
    root = shape.codes[0]

    def unit_value(period: str, unit: str, code: str) -> int:
        if unit not in shape.children:
            return values[(period, unit, code)]
        total = sum(unit_value(period, c, code) for c in shape.children[unit])
        if unit == root:
            total += own.get((period, code), 0)
        return total

    rows: list[list] = []
    for period in shape.period_list:
        for unit in shape.codes:
            is_parent = unit in shape.children
            if is_parent and not parent_totals:
                continue
            for code in shape.used_codes:
                if is_parent:
                    rows.append([unit, period, code, unit_value(period, unit, code), "total"])
                    if unit == root and (period, code) in own:
                        rows.append([unit, period, code, own[(period, code)], "own"])
                else:
                    rows.append([unit, period, code, values[(period, unit, code)], ""])
    return rows


def _target_rows(shape: _Shape, rng: random.Random) -> list[list]:
    """Flows' totals, every unit, every year; a parent's plan covers its children (the
    root's a little more)."""
    years = sorted({int(p[:4]) for p in shape.period_list})
    target_codes = [c for c in shape.totals if (shape.by_code[c]["kind"] or "flow") == "flow"][:4]
    plan: dict[tuple[int, str, str], int] = {}
    for year in years:
        for code in target_codes:
            for unit in shape.leaves:
                plan[(year, unit, code)] = max(1, int(shape.scale[code] * shape.size[unit] * rng.uniform(1.4, 2.2)))

    def unit_plan(year: int, unit: str, code: str) -> int:
        if unit not in shape.children:
            return plan[(year, unit, code)]
        return (sum(unit_plan(year, c, code) for c in shape.children[unit])
                + (5 if unit == shape.codes[0] else 0))

    return [[unit, year, code, unit_plan(year, unit, code)]
            for year in years for unit in shape.codes for code in target_codes]


def _write_files(out_dir: Path, shape: _Shape, value_rows, target_rows, *, notes: bool) -> None:
    write_csv(out_dir / "units.csv", ["code", "name", "level", "parent"],
              [[r["code"], r["name"], r["level"], r["parent"]] for r in shape.unit_rows])
    if shape.custom:
        write_csv(out_dir / "indicators.csv", list(CATALOGUE_COLUMNS),
                  [[r.get(c, "") for c in CATALOGUE_COLUMNS] for r in shape.custom])
    elif (out_dir / "indicators.csv").exists():
        (out_dir / "indicators.csv").unlink()
    write_csv(out_dir / "values.csv", ["unit", "period", "indicator", "value", "scope"], value_rows)
    write_csv(out_dir / "targets.csv", ["unit", "year", "indicator", "target"], target_rows)
    (out_dir / "dataset.yaml").write_text(_settings_yaml(shape.period_list), encoding="utf-8")
    if notes:
        _write_notes(out_dir, shape.period_list[-1], [shape.codes[0]] + shape.codes[1:3])


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """A CSV file as the dataset layout wants it: UTF-8, "\\n" line ends (also used by
    datasets/make_hanoi.py, so the sample and the synthetic datasets are written alike)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _settings_yaml(period_list: list[str]) -> str:
    dates = "\n".join(
        f'  "{p}": "{int(p[:4]) + (1 if p.endswith("-Y") else 0)}-{"01-05" if p.endswith("-Y") else "07-05"}"'
        for p in period_list)
    return f"""# Synthetic dataset written by reportgen.testing.synth (benchmarks and tests).
title: "Phòng, chống tệ nạn xã hội"
root: "01"
percent_decimals: 1
leading_zero_counts: false
issue_dates:
{dates}
agency:
  province: {{parent: "UBND {{{{ unit.name | upper }}}}", name: "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", short: "SLĐTBXH"}}
  quan: {{parent: "UBND {{{{ unit.name | upper }}}}", name: "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", short: "LĐTBXH"}}
  huyen: {{parent: "UBND {{{{ unit.name | upper }}}}", name: "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", short: "LĐTBXH"}}
  thi-xa: {{parent: "UBND {{{{ unit.name | upper }}}}", name: "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", short: "LĐTBXH"}}
  xa: {{parent: "", name: "UBND {{{{ unit.name | upper }}}}", short: "UBND"}}
  phuong: {{parent: "", name: "UBND {{{{ unit.name | upper }}}}", short: "UBND"}}
  thi-tran: {{parent: "", name: "UBND {{{{ unit.name | upper }}}}", short: "UBND"}}
addressees:
  province: ["Cục Phòng, chống tệ nạn xã hội (Bộ LĐ-TB&XH)"]
  quan: ["Sở Lao động - Thương binh và Xã hội"]
  huyen: ["Sở Lao động - Thương binh và Xã hội"]
  thi-xa: ["Sở Lao động - Thương binh và Xã hội"]
  xa: ["Phòng Lao động - Thương binh và Xã hội"]
  phuong: ["Phòng Lao động - Thương binh và Xã hội"]
  thi-tran: ["Phòng Lao động - Thương binh và Xã hội"]
signer:
  province: {{authority: "KT. GIÁM ĐỐC", title: "PHÓ GIÁM ĐỐC", name: "Nguyễn Văn An"}}
  quan: {{authority: "", title: "TRƯỞNG PHÒNG", name: "Lê Thị Bình"}}
  huyen: {{authority: "", title: "TRƯỞNG PHÒNG", name: "Lê Thị Bình"}}
  thi-xa: {{authority: "", title: "TRƯỞNG PHÒNG", name: "Lê Thị Bình"}}
  xa: {{authority: "TM. ỦY BAN NHÂN DÂN", title: "CHỦ TỊCH", name: "Phạm Văn Cường"}}
  phuong: {{authority: "TM. ỦY BAN NHÂN DÂN", title: "CHỦ TỊCH", name: "Phạm Văn Cường"}}
  thi-tran: {{authority: "TM. ỦY BAN NHÂN DÂN", title: "CHỦ TỊCH", name: "Phạm Văn Cường"}}
recipients: ["- Như trên;", "- Lưu: VT."]
"""


def _write_notes(out_dir: Path, period: str, units: list[str]) -> None:
    folder = out_dir / "notes" / period
    folder.mkdir(parents=True, exist_ok=True)
    for unit in units:
        (folder / f"{unit}.md").write_text(
            "## Tồn tại, hạn chế và nguyên nhân\n\n"
            "Đội ngũ cán bộ làm công tác phòng, chống tệ nạn xã hội cấp xã còn kiêm nhiệm.\n\n"
            "## Phương hướng, nhiệm vụ\n\n"
            "- Tiếp tục rà soát, lập hồ sơ quản lý người nghiện ma túy.\n"
            "- Duy trì hoạt động các mô hình quản lý sau cai nghiện.\n\n"
            "## Đề xuất, kiến nghị\n\n"
            "Đề nghị cấp trên quan tâm bố trí kinh phí cho công tác quản lý sau cai nghiện.\n",
            encoding="utf-8")
