"""diff/compare.py: two drafts read and compared part by part, one Comparison for both views."""
from __future__ import annotations

from datetime import datetime

import pytest

from reportgen.diff import DiffInputError, core_date
from reportgen.diff.compare import compare, load_pair
from reportgen.diff.errors import UNREADABLE_DOCX
from tests.diff.helpers import draft
from tests.ooxml.helpers import package


def test_body_and_header_changes_are_found_in_their_parts():
    old, new = draft(header_note="Dự thảo"), draft(header_note="Bản chính thức", total=812)
    comparison = compare(*load_pair(old, new, "old.docx", "new.docx"))
    assert any(d.tag != "equal" for d in comparison.body)
    changed = [p for p in comparison.parts if any(d.tag != "equal" for d in p.diffs)]
    assert [p.kind for p in changed] == ["header"]
    assert comparison.result.has_changes


def test_the_same_draft_twice_has_no_change():
    data = draft()
    comparison = compare(*load_pair(data, data, "a.docx", "b.docx"))
    assert not comparison.result.has_changes


def test_a_broken_part_is_the_named_draft_s_fault():
    broken = package("<w:p/>", {"word/styles.xml": b"<w:styles"})
    old, new = load_pair(broken, broken, "cu.docx", "moi.docx")
    with pytest.raises(DiffInputError) as caught:
        compare(old, new)
    assert caught.value.message_id == UNREADABLE_DOCX
    assert caught.value.params["path"] == "cu.docx"


def test_core_date_is_the_modified_time_and_none_when_unknown():
    assert core_date(draft(modified=datetime(2023, 7, 6, 9, 30))).replace(tzinfo=None) == \
        datetime(2023, 7, 6, 9, 30)
    assert core_date(package("<w:p/>")) is None  # no docProps/core.xml
    assert core_date(b"not a docx") is None
