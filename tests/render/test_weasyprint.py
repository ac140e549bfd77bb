"""render/_weasyprint.py: the WeasyPrint shortcuts take nothing a PDF would show.

(That they give byte-identical PDFs is checked in test_pdf.py, which renders.)"""
from __future__ import annotations




def test_lean_user_agent_sheet_drops_only_unused_pseudo_elements():
    import tinycss2
    from weasyprint.html import UA

    from reportgen.render.html import print_css
    from reportgen.render._weasyprint import lean_ua_css

    def preludes(css):
        return [tinycss2.serialize(rule.prelude).strip()
                for rule in tinycss2.parse_stylesheet(css, True, True)
                if rule.type == "qualified-rule"]

    # The dropped rules style footnotes and notes, which need `float: footnote`.
    assert "footnote" not in print_css()
    lean, full = preludes(lean_ua_css()), preludes(UA)
    assert not [p for p in lean if p.startswith("::")]
    assert "li::marker" in lean
    assert sorted(p for p in full if not p.startswith("::")) == \
        sorted(p for p in lean if p != "li::marker")
