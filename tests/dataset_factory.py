"""Small datasets for the foundation tests: the bundled sample copied and edited, or a
tiny city with two districts written from Python rows.

Rows are plain tuples in the CSV's column order, so a test shows the table a clerk would
see; `row_of` tells where a row landed (header = row 1, as a spreadsheet shows it).
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.problems import Problem
from reportgen.validate import validate

REPO = Path(__file__).resolve().parents[1]
HANOI = REPO / "datasets" / "hanoi"

UNITS_HEADER = ("code", "name", "level", "parent")
VALUES_HEADER = ("unit", "period", "indicator", "value", "scope")
TARGETS_HEADER = ("unit", "year", "indicator", "target")
INDICATORS_HEADER = ("code", "name", "unit", "parent", "exhaustive", "additive", "kind")

TINY_UNITS = (
    ("01", "Thành phố Hà Nội", "thanh-pho", ""),
    ("001", "Quận Ba Đình", "quan", "01"),
    ("002", "Quận Hoàn Kiếm", "quan", "01"),
)
TINY_SETTINGS = 'title: "Phòng, chống tệ nạn xã hội"\nroot: "01"\n'
# Notes for every (unit, period) of a tiny dataset, so that only the rule under test
# produces a problem.
NOTE_TEXT = ("## Tồn tại, hạn chế\n\nCòn chậm.\n\n## Phương hướng, nhiệm vụ\n\nTiếp tục.\n\n"
             "## Đề xuất, kiến nghị\n\nKhông.\n")


def write_csv(path: Path, header: tuple[str, ...], rows, *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_tiny(folder: Path, values, *, units=TINY_UNITS, targets=(), indicators=None,
               settings: str = TINY_SETTINGS, notes: bool = True) -> Path:
    """A dataset folder with the given rows; notes for every unit and period reported."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dataset.yaml").write_text(settings, encoding="utf-8")
    write_csv(folder / "units.csv", UNITS_HEADER, units)
    write_csv(folder / "values.csv", VALUES_HEADER, values)
    write_csv(folder / "targets.csv", TARGETS_HEADER, targets)
    if indicators is not None:
        write_csv(folder / "indicators.csv", INDICATORS_HEADER, indicators)
    if notes:
        # Every report with figures needs notes: the unit of each row and the units above it.
        parents = {row[0]: row[3] for row in units}
        for row in values:
            unit, period = row[0], row[1]
            while unit:
                note = folder / "notes" / period / f"{unit}.md"
                note.parent.mkdir(parents=True, exist_ok=True)
                note.write_text(NOTE_TEXT, encoding="utf-8")
                unit = parents.get(unit) if unit in parents else None
    return folder


def row_of(rows, wanted) -> int:
    """The spreadsheet row number of `wanted` among data rows (the header is row 1)."""
    return list(rows).index(wanted) + 2


def copy_sample(tmp_path: Path, name: str = "hanoi") -> Path:
    target = tmp_path / name
    shutil.copytree(HANOI, target)
    return target


def set_sample_value(folder: Path, unit: str, period: str, indicator: str, value: str,
                     scope: str = "total") -> int:
    """Change one figure of a copied sample; returns its row number in values.csv."""
    path = folder / "values.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for index, row in enumerate(rows):
        if row[:3] == [unit, period, indicator] and (row[4] or "total") == scope:
            row[3] = value
            break
    else:
        raise KeyError((unit, period, indicator, scope))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return index + 1


def check(path: Path) -> list[Problem]:
    """What `reportgen validate` reports: load problems plus the rules' problems."""
    result = load_dataset(path)
    problems = list(result.problems)
    if result.dataset is not None:
        problems += validate(result.dataset, FigureBook(result.dataset))
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.is_error]


def workbook_validations(ws) -> dict[str, object]:
    """First column letter of each validated range → its DataValidation."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = dv
    return found


def workbook_list_items(wb, formula: str) -> list[str]:
    sheet, cells = formula.lstrip("=").rsplit("!", 1)
    sheet = sheet.strip("'")
    first, last = cells.replace("$", "").split(":")
    return [c.value for row in wb[sheet][first:last] for c in row]
