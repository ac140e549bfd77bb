"""reportgen.ooxml: one spelling of every name, and text XML can hold."""
from reportgen.ooxml import ORDER, P, prefixed, qn, xml_safe


def test_qn_spells_names_as_python_docx_does():
    from docx.oxml.ns import qn as docx_qn

    for name in ("w:p", "w:pPr", "r:id", "wp:docPr", "w14:paraId"):
        assert qn(name) == docx_qn(name)
    assert P == qn("w:p") and prefixed(qn("w:tblPr")) == "w:tblPr"


def test_every_ordered_container_lists_each_child_once():
    for parent, order in ORDER.items():
        assert len(order) == len(set(order)), parent


def test_xml_safe_drops_only_what_xml_cannot_hold():
    assert xml_safe("Ba\x00 Đình\x0b\ttab\nline\ufffe") == "Ba Đình\ttab\nline"
