"""The audit as one call: read a draft, check its claims, compare it with a dataset."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.audit.claims import check_draft
from reportgen.audit.findings import ERROR, NOT_CHECKED, WARNING, Finding
from reportgen.audit.text import Draft, read_draft
from reportgen.errors import InvalidRequest
from reportgen.i18n import N_



@dataclass(frozen=True)
class AuditResult:
    draft: Draft
    findings: tuple[Finding, ...]
    against_dataset: bool = False

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def not_checked(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == NOT_CHECKED]

    def failed(self, *, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


# The same claim checked twice: by the draft's own figures and against the dataset.
_SAME_CLAIM = {"percent-of-plan": "percent", "dataset-percent": "percent",
               "change": "change", "dataset-change": "change"}


def _deduplicated(findings: list[Finding]) -> list[Finding]:
    """A percentage wrong both by its own X/Y and by the dataset is one finding (the
    first: the one the reviewer can verify from the draft alone)."""
    seen: set[tuple] = set()
    result = []
    for finding in findings:
        key = (finding.location.block, finding.span, finding.expected, finding.severity,
               _SAME_CLAIM.get(finding.kind, finding.kind))
        if finding.expected and key in seen:
            continue
        seen.add(key)
        result.append(finding)
    return result


def audit_draft(draft: Draft, *, dataset=None, book=None, unit: str | None = None,
                period=None, templates=None) -> AuditResult:
    """Check a read draft; with a dataset (and its FigureBook, unit and period), also
    compare every figure it can match with the figures reportgen computes. `templates`
    (reportgen.resources.Templates): the ones the reports are written with, by default
    the dataset's own override folder or the shipped ones."""
    extra_units: tuple[str, ...] = ()
    if dataset is not None:
        extra_units = tuple(sorted({i.unit for i in dataset.indicators.values() if i.unit}))
    findings = check_draft(draft, extra_units)
    if dataset is not None:
        from reportgen.audit.dataset import check_against_dataset
        from reportgen.figures import FigureBook

        if unit is None or period is None:
            raise InvalidRequest(N_("--dataset needs the draft's --period and --unit (e.g. --period 2023-H1 --unit 01)"))
        if unit not in dataset.units:
            raise InvalidRequest(N_("unknown unit code: {unit} (see the units table)"), unit=unit)
        findings += check_against_dataset(draft, dataset, book or FigureBook(dataset), unit, period,
                                          templates)
    ordered = sorted(_deduplicated(findings), key=Finding.sort_key)
    return AuditResult(draft, tuple(ordered), dataset is not None)


def audit_path(path: Path, **options) -> AuditResult:
    """Read DRAFT (.docx, .pdf, .txt, .md) and audit it; AuditInputError if unreadable."""
    return audit_draft(read_draft(Path(path)), **options)
