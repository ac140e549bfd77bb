"""Tracked-change marks (ECMA-376 Part 1 §17.13.5), as the redline writes them:
run-level w:ins/w:del (deleted text as w:delText), paragraph marks
(w:pPr/w:rPr/w:ins|w:del) and table rows (w:trPr/w:ins|w:del); and the check that a
document carries none yet.
"""
from __future__ import annotations

import copy
import re
from datetime import datetime

from lxml import etree

from reportgen.files import utc_naive
from reportgen.ooxml import DEL, DELTEXT, INS, P, PPR, R, RPR, T, TR, TRPR, XML_SPACE, qn
from reportgen.ooxml.read import TEXT_OF, Package

# Word's paragraph/row identities: a copy from the old draft must not repeat the new one's.
_IDENTITY_ATTRIBUTES = (qn("w14:paraId"), qn("w14:textId"))
# Any of these anywhere means the file is still under review (§17.13).
_REVISION_NAMES = ("ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveToRangeStart",
                   "cellIns", "cellDel", "cellMerge", "rPrChange", "pPrChange", "sectPrChange",
                   "tblPrChange", "tblGridChange", "tblPrExChange", "trPrChange", "tcPrChange",
                   "numberingChange")
_REVISION_TAGS = {qn(f"w:{name}") for name in _REVISION_NAMES}
_REVISION_HINT = re.compile(rb"<(?:\w+:)?(?:" + b"|".join(n.encode() for n in _REVISION_NAMES)
                            + rb")[\s/>]")
# pPr children that must follow its rPr (CT_PPr sequence).
_AFTER_PPR_RPR = {qn("w:sectPr"), qn("w:pPrChange")}


def has_tracked_changes(package: Package) -> bool:
    """Whether any WordprocessingML part still carries a revision mark (a document under
    review: a redline of it would mix two reviews)."""
    for part, data in package.entries.items():
        if not (part.startswith("word/") and part.endswith(".xml")):
            continue
        # A cheap byte scan first: parsing every part of a long report costs more.
        if _REVISION_HINT.search(data) is None:
            continue
        root = package.xml(part)
        if any(element.tag in _REVISION_TAGS for element in root.iter()):
            return True
    return False


def format_revision_date(when: datetime) -> str:
    """w:date is xsd:dateTime; an aware time is given in UTC, a naive one as it is."""
    return utc_naive(when).strftime("%Y-%m-%dT%H:%M:%SZ")


class Revisions:
    """Makes the marks of one review: every mark carries the same author and date. Ids are
    given afterwards, in document order, by `number_revisions`."""

    def __init__(self, author: str, date: datetime | None) -> None:
        self.author = author
        # w:date is optional: without a known date the marks carry none rather than a guess.
        self.date = format_revision_date(date) if date is not None else None

    def mark(self, kind: str) -> etree._Element:
        element = etree.Element(qn(f"w:{kind}"))
        element.set(qn("w:id"), "0")
        element.set(qn("w:author"), self.author)
        if self.date is not None:
            element.set(qn("w:date"), self.date)
        return element


def number_revisions(roots: list[etree._Element], start: int) -> int:
    """Give every w:ins/w:del an id, sequentially in document order; returns the next id."""
    next_id = start
    for root in roots:
        for element in root.iter(INS, DEL):
            element.set(qn("w:id"), str(next_id))
            next_id += 1
    return next_id


def max_annotation_id(roots: list[etree._Element]) -> int:
    """Bookmarks and comments already use w:id; revision ids start above them."""
    highest = -1
    for root in roots:
        for element in root.iter():
            value = element.get(qn("w:id")) if isinstance(element.tag, str) else None
            # A w:id of 5,000 digits is not an id (and int() would refuse it).
            if value is not None and len(value) <= 18 and value.lstrip("-").isdigit():
                highest = max(highest, int(value))
    return highest


def paragraph_mark(paragraph: etree._Element) -> str | None:
    """"ins"/"del" when the paragraph mark itself is tracked, else None."""
    r_pr = paragraph.find(f"{PPR}/{RPR}")
    if r_pr is None:
        return None
    for child in r_pr:
        if child.tag == INS:
            return "ins"
        if child.tag == DEL:
            return "del"
    return None


def set_paragraph_mark(paragraph: etree._Element, mark: etree._Element) -> None:
    """Track the paragraph mark: w:pPr/w:rPr/(w:ins|w:del), first in rPr (CT_ParaRPr)."""
    p_pr = paragraph.find(PPR)
    if p_pr is None:
        p_pr = etree.Element(PPR)
        paragraph.insert(0, p_pr)
    r_pr = p_pr.find(RPR)
    if r_pr is None:
        r_pr = etree.Element(RPR)
        after = next((i for i, c in enumerate(p_pr) if c.tag in _AFTER_PPR_RPR), len(p_pr))
        p_pr.insert(after, r_pr)
    r_pr.insert(0, mark)


def clear_paragraph_mark(paragraph: etree._Element) -> None:
    r_pr = paragraph.find(f"{PPR}/{RPR}")
    if r_pr is not None:
        for child in list(r_pr):
            if child.tag in (INS, DEL):
                r_pr.remove(child)


def set_row_mark(row: etree._Element, mark: etree._Element) -> None:
    """Track a whole table row: w:trPr/(w:ins|w:del), after the row properties (CT_TrPr)."""
    tr_pr = row.find(TRPR)
    if tr_pr is None:
        tr_pr = etree.Element(TRPR)
        row.insert(1 if len(row) and row[0].tag == qn("w:tblPrEx") else 0, tr_pr)
    change = tr_pr.find(qn("w:trPrChange"))
    if change is not None:
        change.addprevious(mark)
    else:
        tr_pr.append(mark)


def drop_identities(root: etree._Element) -> None:
    """Remove w14:paraId/w14:textId from an element copied out of the old draft."""
    for element in root.iter(P, TR):
        for name in _IDENTITY_ATTRIBUTES:
            element.attrib.pop(name, None)


def text_child(text: str, tag: str = T) -> etree._Element:
    element = etree.Element(tag)
    element.text = text
    if text != text.strip() or "  " in text:
        element.set(XML_SPACE, "preserve")
    return element


def make_run(template: etree._Element | None, children: list[etree._Element]) -> etree._Element:
    """A run with `template`'s attributes and properties (w:rPr) holding `children`."""
    run = etree.Element(R)
    if template is not None:
        for name, value in template.attrib.items():
            run.set(name, value)
        r_pr = template.find(RPR)
        if r_pr is not None:
            run.append(copy.deepcopy(r_pr))
    run.extend(children)
    return run


def as_deleted_atom(child: etree._Element, text: str | None = None) -> etree._Element | None:
    """The deleted form of one run child: w:t → w:delText; tabs and breaks as they are."""
    if child.tag in (T, DELTEXT):
        return text_child(child.text or "" if text is None else text, DELTEXT)
    if child.tag in TEXT_OF:
        return copy.deepcopy(child)
    return None


def merge_adjacent_marks(root: etree._Element) -> None:
    """Neighbouring w:ins (or w:del) runs of one change become one mark, as Word writes them."""
    for parent in list(root.iter()):
        previous = None
        for child in list(parent):
            if (previous is not None and child.tag in (INS, DEL) and child.tag == previous.tag
                    and child.get(qn("w:author")) == previous.get(qn("w:author"))):
                previous.extend(list(child))
                parent.remove(child)
                continue
            previous = child if child.tag in (INS, DEL) else None
