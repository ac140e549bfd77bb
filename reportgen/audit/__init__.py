"""`reportgen audit`: re-check the figures of a hand-written draft.

    result = audit_path(Path("du-thao.docx"))                     # the draft's own claims
    result = audit_path(path, dataset=d, book=b, unit="01", period=Period.parse("2023-H1"))

The library returns findings (reportgen.audit.findings.Finding) and never prints;
reportgen.audit.outputs writes the commented DOCX and the HTML page, and
reportgen.audit.command is the CLI shell. Names load lazily, so the CLI can register
the command without importing the audit's dependencies.
"""
from __future__ import annotations

_API = {"AuditResult", "audit_draft", "audit_path"}
_TEXT = {"AuditInputError", "Block", "Draft", "read_draft", "read_draft_data"}
_FINDINGS = {"Finding", "Location"}
__all__ = sorted(_API | _TEXT | _FINDINGS)


def __getattr__(name: str):
    if name in _API:
        from reportgen.audit import api as module
    elif name in _TEXT:
        from reportgen.audit import text as module
    elif name in _FINDINGS:
        from reportgen.audit import findings as module
    else:
        raise AttributeError(f"module 'reportgen.audit' has no attribute {name!r}")
    return getattr(module, name)
