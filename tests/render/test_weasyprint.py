"""render/_weasyprint.py: the WeasyPrint shortcuts take nothing a PDF would show.

(That they give byte-identical PDFs is checked in test_pdf.py, which renders.)"""
from __future__ import annotations

import io

import pytest


def _png(mode: str, **save) -> bytes:
    from PIL import Image

    image = Image.new(mode, (7, 5), "white" if mode != "P" else 1)
    image.putpixel((3, 2), (200, 10, 40) if mode == "RGB" else 100)
    out = io.BytesIO()
    image.save(out, format="PNG", **save)
    return out.getvalue()


def _interlaced(png: bytes) -> bytes:
    """The PNG with its IHDR interlace byte set (Pillow writes no Adam7 PNGs)."""
    at = png.index(b"IHDR") + 4 + 12
    return png[:at] + b"\x01" + png[at + 1:]


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_png_idat_is_what_weasyprint_extracts(mode):
    from PIL import Image
    from weasyprint.images import RasterImage

    from reportgen.render._weasyprint import png_idat

    data = _png(mode)
    assert png_idat(data) == RasterImage._get_png_data(Image.open(io.BytesIO(data)))


@pytest.mark.parametrize("data", [
    _png("P"), _png("RGBA"), _png("LA"), _png("I;16"), _interlaced(_png("RGB")),
    _png("RGB", transparency=(255, 255, 255)), b"GIF89a", b"\x89PNG\r\n\x1a\n\0\0",
])
def test_png_idat_refuses_what_a_pdf_cannot_take_as_is(data):
    from reportgen.render._weasyprint import png_idat

    assert png_idat(data) is None


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
