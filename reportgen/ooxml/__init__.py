"""The one OOXML (WordprocessingML) vocabulary of reportgen, after python-docx's oxml/.

Every raw XML touch of a DOCX sits in this package, under the schema's own names,
written `qn("w:p")` as python-docx writes them:

    write.py      the few edits python-docx has no API for (the DOCX renderer)
    read.py       a DOCX package read into memory, its blocks, runs and styles (the diff)
    revisions.py  tracked-change marks, ECMA-376 Part 1 §17.13.5 (the redline)

This module holds what they share: namespaces, `qn`, xml:space, the child order of the
property elements, and the characters XML 1.0 cannot hold.
"""
from __future__ import annotations

import re
from functools import lru_cache

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "dcterms": "http://purl.org/dc/terms/",
}
W_NS, R_NS = NS["w"], NS["r"]
OFFICE_DOCUMENT = R_NS + "/officeDocument"  # relationship type of the main part
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@lru_cache(maxsize=None)
def qn(name: str) -> str:
    """Clark name of a prefixed name: qn("w:p") → "{…/wordprocessingml/2006/main}p"."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def prefixed(clark: str) -> str:
    """The reverse of qn for the w: namespace: "{…/main}pPr" → "w:pPr"."""
    return "w:" + clark.rpartition("}")[2]


# Order of children inside w:pPr, w:rPr, w:tblPr, w:trPr, w:tcPr, w:sectPr (ECMA-376
# sequences). Word rejects a file whose children are out of order, so inserts go
# through write.set_child (and revisions' marks), which keep this order.
ORDER = {
    "w:pPr": ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
              "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd",
              "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
              "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
              "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
              "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
              "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
              "w:pPrChange"),
    "w:rPr": ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps",
              "w:smallCaps", "w:strike", "w:dstrike", "w:outline", "w:shadow",
              "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish",
              "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position",
              "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
              "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
              "w:eastAsianLayout", "w:specVanish", "w:oMath"),
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
                "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:trPr": ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore",
               "w:wAfter", "w:cantSplit", "w:trHeight", "w:tblHeader",
               "w:tblCellSpacing", "w:jc", "w:hidden"),
    "w:tcPr": ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge",
               "w:tcBorders", "w:shd", "w:noWrap", "w:tcMar", "w:textDirection",
               "w:tcFitText", "w:vAlign", "w:hideMark"),
    "w:sectPr": ("w:headerReference", "w:footerReference", "w:footnotePr",
                 "w:endnotePr", "w:type", "w:pgSz", "w:pgMar", "w:paperSrc",
                 "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt",
                 "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
                 "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange"),
}

# The elements the reader and the redline walk most, named once.
P, TBL, TR, TC, R, T = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r"), qn("w:t")
PPR, RPR, TRPR, TCPR = qn("w:pPr"), qn("w:rPr"), qn("w:trPr"), qn("w:tcPr")
SECTPR, BODY = qn("w:sectPr"), qn("w:body")
INS, DEL, DELTEXT = qn("w:ins"), qn("w:del"), qn("w:delText")

# XML 1.0 forbids these; lxml would raise mid-render. The loader already strips them
# with a located warning, this is the writers' second line of defence.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold."""
    return _XML_ILLEGAL.sub("", text)
