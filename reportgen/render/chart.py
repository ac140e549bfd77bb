"""Chart block → PNG bytes, shared by the DOCX and HTML renderers.

Only drawing happens here: values and labels arrive computed and formatted in the
model. PNG metadata is stripped so the same chart gives the same bytes.
"""
from __future__ import annotations

import io
from functools import lru_cache

from reportgen.fonts import find_serif_faces
from reportgen.model import Chart


# The DOCX and the PDF of one report draw the same chart; a bulk worker then moves on to
# other units, so a few entries are enough and memory stays flat over hundreds of reports.
@lru_cache(maxsize=8)
def chart_png(chart: Chart, width_mm: float = 240.0, dpi: int = 150) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    faces = find_serif_faces()
    regular = font_manager.FontProperties(fname=str(faces.regular), size=9)
    bold = font_manager.FontProperties(fname=str(faces.bold), size=10)

    rows = len(chart.categories)
    height_mm = max(60.0, 12.0 + 5.2 * rows)
    figure = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi)
    axes = figure.add_subplot(1, 1, 1)
    # Top-to-bottom in the order given (code order), like the appendix table.
    positions = list(range(rows))[::-1]
    values = [float(v) for v in chart.values]  # drawing only; printed labels are exact
    axes.barh(positions, values, color="#4a6fa5", height=0.65)
    axes.set_yticks(positions, labels=list(chart.categories), fontproperties=regular)
    for label in axes.get_xticklabels():
        label.set_fontproperties(regular)
    top = max(values + [float(chart.reference_value or 0), 1.0])
    axes.set_xlim(0, top * 1.15)
    for position, value, text in zip(positions, values, chart.value_labels):
        axes.text(value + top * 0.01, position, text, va="center", fontproperties=regular)
    if chart.reference_value is not None:
        axes.axvline(float(chart.reference_value), color="#b03a2e", linewidth=1)
        if chart.reference_label:
            axes.text(float(chart.reference_value), rows - 0.4, chart.reference_label,
                      color="#b03a2e", ha="center", va="bottom", fontproperties=regular)
    axes.set_xlabel(chart.axis_label, fontproperties=regular)
    axes.set_title(chart.caption, fontproperties=bold)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None}, facecolor="white")
    # Agg writes RGBA; PDF/A forbids soft masks, so flatten onto white and drop the alpha.
    from PIL import Image

    buffer.seek(0)
    with Image.open(buffer) as image:
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="PNG", optimize=False)
    return out.getvalue()
