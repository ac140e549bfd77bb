"""Tiny DOCX packages written by hand, so a test shows the very XML it reads."""
from __future__ import annotations

from reportgen.files import deterministic_zip
from reportgen.ooxml import NS

W_DECL = f'xmlns:w="{NS["w"]}" xmlns:r="{NS["r"]}"'
CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/content-types"/>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>').encode()


def document_xml(body: str) -> bytes:
    return f'<w:document {W_DECL}><w:body>{body}</w:body></w:document>'.encode()


def package(body: str, parts: dict[str, bytes] | None = None) -> bytes:
    """A DOCX zip: the body's XML, and any other part by name ("word/styles.xml": ...)."""
    entries = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS,
               "word/document.xml": document_xml(body)}
    entries.update(parts or {})
    return deterministic_zip(entries)


def styles_xml(styles: str) -> bytes:
    return f'<w:styles {W_DECL}>{styles}</w:styles>'.encode()
