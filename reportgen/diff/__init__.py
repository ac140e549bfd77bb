"""Review diffs: redlines of two report drafts (DOCX with tracked changes, HTML) and the
figure-level comparison of two build folders (issue 6).

    redline_docx(old, new, date=...)  → NEW with w:ins/w:del against OLD (bytes)
    redline(old, new, date=...)       → the same bytes and a DiffResult summary
    redline_html(old, new, title=...) → one self-contained HTML page
    diff_paths(OLD, NEW, OUT)         → what `reportgen diff` writes, as a DiffReport

Inside: tokens.py splits text into words and numbers; align.py aligns two drafts'
blocks, rows and tokens (the diff algorithm); compare.py reads two DOCX packages and
runs align over their body, headers and footers (one Comparison for both views);
redline.py marks a Comparison into the new DOCX (mark_comparison); html_view.py shows
it as HTML; builds.py compares two build folders (data); pages.py renders the pages.
The XML itself is reportgen.ooxml's.
"""
from reportgen.diff.align import Change, DiffResult
from reportgen.diff.builds import DiffReport, FigureChange, UnitChange, diff_paths
from reportgen.diff.compare import core_date
from reportgen.diff.errors import DiffInputError
from reportgen.diff.html_view import redline_html
from reportgen.diff.redline import Redline, redline, redline_docx
from reportgen.diff.tokens import tokenize

__all__ = [
    "Change", "DiffInputError", "DiffReport", "DiffResult", "FigureChange", "Redline",
    "UnitChange", "core_date", "diff_paths", "redline", "redline_docx", "redline_html",
    "tokenize",
]
