"""`reportgen init`: a new dataset to type figures into, or the shipped sample written out.

- `init_dataset(target, template=None)` creates a new, empty dataset (a folder, or a
  workbook when `target` ends with .xlsx) with the template's units and settings and
  the indicator catalogue filled in; the template defaults to the sample shipped in the
  package. Issue dates and report numbers belong to the template's own reports, so a new
  dataset starts with none (the clerk fills them in).
- `init_dataset(target, sample=True)` writes the shipped Hà Nội sample itself, as a
  folder or as a filled workbook.

It never overwrites: a non-empty target raises `InitTargetExistsError`. The workbook
form is written by reportgen.dataset.workbook.
"""
from __future__ import annotations

import csv
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import yaml

from reportgen.dataset.types import COLUMNS
from reportgen.dataset.workbook import (
    _NoAliasDumper, catalogue_rows, period_range, read_folder, write_workbook,
)
from reportgen.errors import InputFileError
from reportgen.i18n import N_
from reportgen.resources import package_path

# Settings that belong to the reports already issued from a dataset: a new one starts empty.
_ISSUED_SETTINGS = ("issue_dates", "issue_date", "report_numbers")


def sample_path() -> Path:
    """The Hà Nội sample dataset shipped inside the package."""
    return package_path("samples", "hanoi")


class InitTargetExistsError(InputFileError, FileExistsError):
    """`init` was asked to write where something already is; nothing was touched."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(N_("{path} already exists and is not empty; choose a new name"), path=self.path)


class InitSourceMissingError(InputFileError, FileNotFoundError):
    """The dataset to copy from (a template, or the shipped sample) is not there."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(N_("{path} not found: there is no dataset to copy from"), path=self.path)


# ------------------------------------------------------------------ init

def _is_empty_target(target: Path) -> bool:
    if not target.exists():
        return True
    if target.is_dir():
        return not any(target.iterdir())
    return target.stat().st_size == 0


def _template_tables(template: Path) -> dict[str, Any]:
    if template.is_file() and template.suffix.lower() == ".xlsx":
        return _workbook_template_tables(template)
    tables = read_folder(template)
    settings_file = template / "dataset.yaml"
    text = settings_file.read_text(encoding="utf-8") if settings_file.exists() else ""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].lstrip().startswith("#"):  # the template's own description
        lines.pop(0)
    tables["settings_text"] = "".join(lines)
    return tables


def _workbook_template_tables(template: Path) -> dict[str, Any]:
    """A workbook template (the clerk's form or an older English one), read by the loader
    itself, so that both spellings of its sheets are understood."""
    from reportgen.dataset.load import load_dataset

    dataset = load_dataset(template).dataset
    if dataset is None:
        raise InitSourceMissingError(template)
    settings = {k: v for k, v in dataset.settings.raw.items()}
    units = [{"code": u.code, "name": u.name, "level": u.level, "parent": u.parent or ""}
             for u in dataset.units.values()]
    indicators = [{"code": i.code, "name": i.name, "unit": i.unit, "parent": i.parent or "",
                   "exhaustive": str(i.exhaustive).lower(), "additive": str(i.additive).lower(),
                   "kind": i.kind} for i in dataset.indicators.values() if not i.core]
    values = [{"period": p.code} for p in dataset.periods()]
    text = yaml.dump(settings, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False)
    return {"units": units, "indicators": indicators, "values": values, "settings": settings,
            "settings_text": text}


def next_periods(periods: Iterable[str], *, today: date | None = None) -> list[str]:
    """Every period of every year from the template's earliest year to two years after
    the later of its latest year and `today`'s year (default: no clock, the template's
    years only): a workbook made in 2026 from a 2024 template still offers 2027-H1."""
    return period_range(periods, until_year=today.year if today else None)


def _without_issued(settings_text: str) -> str:
    """dataset.yaml text with the issued-report settings emptied, keeping every other
    line (comments, anchors) as the template wrote it."""
    kept: list[str] = []
    skipping = False
    for line in settings_text.splitlines(keepends=True):
        key = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if key:
            skipping = key.group(1) in _ISSUED_SETTINGS
            if skipping:
                kept.append(f"{key.group(1)}: {{}}\n")
                continue
        elif skipping and (line.startswith((" ", "\t")) or not line.strip()):
            if not line.strip():
                kept.append(line)
            continue
        else:
            skipping = False
        kept.append(line)
    return "".join(kept)


def init_dataset(target: Path | str, *, template: Path | str | None = None,
                 sample: bool = False, today: date | None = None) -> Path:
    """Create a new dataset at `target` (a folder, or a workbook if it ends with .xlsx)
    with the template's units and settings, the indicator catalogue, and empty values,
    targets and notes; with `sample=True`, the shipped sample itself, figures and all.
    Raises InitTargetExistsError if `target` exists and is not empty, and
    InitSourceMissingError if the template (or the shipped sample) is not there."""
    target = Path(target)
    source_path = sample_path() if sample or template is None else Path(template)
    if not _is_empty_target(target):
        raise InitTargetExistsError(target)
    if not source_path.exists():
        raise InitSourceMissingError(source_path)
    if sample:
        return _write_sample(source_path, target)
    source = _template_tables(source_path)
    catalogue = catalogue_rows()
    core_codes = {r["code"] for r in catalogue}
    indicators = catalogue + [r for r in source.get("indicators", []) if r.get("code") not in core_codes]
    periods = next_periods((r.get("period", "") for r in source.get("values", [])),
                           today=today or date.today())
    comment = (f"# Tạo bởi `reportgen init` từ bộ dữ liệu mẫu {source_path.name}: kiểm tra lại "
               f"tiêu đề, cơ quan ban hành, người ký, nơi nhận và ngày ban hành.\n"
               f"# Created by `reportgen init` from the template {source_path.name}: review "
               f"the title, issuing agency, signer, recipients and issue dates.\n")
    if target.suffix.lower() == ".xlsx":
        settings = dict(source.get("settings") or {})
        for key in _ISSUED_SETTINGS:
            if key in settings:
                settings[key] = {}
        tables = {"units": source.get("units", []), "indicators": indicators, "values": [],
                  "targets": [], "notes": [], "settings": settings}
        return _write_new_workbook(tables, target, periods=periods, comment=comment)
    target.mkdir(parents=True, exist_ok=True)
    _write_csv(target / "units.csv", COLUMNS["units"], source.get("units", []))
    _write_csv(target / "indicators.csv", COLUMNS["indicators"], indicators)
    _write_csv(target / "values.csv", COLUMNS["values"], [])
    _write_csv(target / "targets.csv", COLUMNS["targets"], [])
    (target / "notes").mkdir(exist_ok=True)
    (target / "dataset.yaml").write_text(
        comment + _without_issued(source.get("settings_text", "")), encoding="utf-8")
    return target


def _write_sample(sample: Path, target: Path) -> Path:
    if target.suffix.lower() == ".xlsx":
        return _write_new_workbook(sample, target)
    shutil.copytree(sample, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def _write_new_workbook(source, target: Path, **options) -> Path:
    try:
        return write_workbook(source, target, **options)
    except BaseException:
        target.unlink(missing_ok=True)  # no half-written workbook left behind
        raise


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[r.get(c, "") for c in columns] for r in rows])
