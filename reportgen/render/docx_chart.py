"""Chart block → a native Word chart: a DrawingML chart part with its embedded workbook.

The DOCX used to carry the chart as a matplotlib PNG. A chart part (`c:chartSpace`,
/word/charts/chartN.xml) is what Word and LibreOffice draw themselves: a clerk can
restyle it, and "Edit Data" opens the embedded workbook (/word/embeddings/…xlsx) to
re-plot it. The values are the model's exact decimals (cached in the chart and written
to the workbook); each bar's label is the model's own vi-VN label ("70,0%"), so the
renderer formats nothing. Same chart, same bytes: no dates, fixed part names, and the
workbook zip is written with fixed metadata (files.normalize_zip).
"""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from reportgen.model import Chart
from reportgen.files import normalize_zip

CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"
BAR_COLOUR = "4A6FA5"
REFERENCE_COLOUR = "B03A2E"
SHEET = "Sheet1"
EMU_PER_MM = 36000

_NS = ('xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


# xml.sax.saxutils' escape and quoteattr, written out: importing xml.sax.saxutils loads
# urllib.request, http.client and ssl (about 50 ms of a cold start) for two functions.
def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'


def _t(text: str) -> str:
    return escape(text)


def _number(value: Decimal) -> str:
    """The exact decimal as a chart/worksheet number ("70", "71.42857…"): no exponent."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _rich(text: str, size: int, bold: bool) -> str:
    b = ' b="1"' if bold else ' b="0"'
    return (f'<c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}"{b}>'
            f'<a:latin typeface="{FONT}"/><a:cs typeface="{FONT}"/></a:defRPr></a:pPr>'
            f'<a:r><a:rPr lang="vi-VN" sz="{size}"{b}><a:latin typeface="{FONT}"/>'
            f'<a:cs typeface="{FONT}"/></a:rPr><a:t>{_t(text)}</a:t></a:r></a:p></c:rich>')


def _text_props(size: int) -> str:
    return (f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}">'
            f'<a:latin typeface="{FONT}"/><a:cs typeface="{FONT}"/></a:defRPr></a:pPr>'
            '<a:endParaRPr lang="vi-VN"/></a:p></c:txPr>')


def _cell(column: str, row: int) -> str:
    return f"${column}${row}"


def chart_xml(chart: Chart) -> bytes:
    """The chartSpace: one horizontal bar series, categories top to bottom in the
    model's order, the model's labels on the bars. The reference value (100% of plan)
    is the value axis's major unit with red gridlines: a bar chart has no line series,
    and with the axis ending at 115% of the largest value the gridlines fall at 0 and
    at the reference (and its multiples beyond 200%)."""
    n = len(chart.categories)
    last = n + 1
    categories = "".join(f'<c:pt idx="{i}"><c:v>{_t(name)}</c:v></c:pt>'
                         for i, name in enumerate(chart.categories))
    values = "".join(f'<c:pt idx="{i}"><c:v>{_number(v)}</c:v></c:pt>'
                     for i, v in enumerate(chart.values))
    labels = "".join(
        f'<c:dLbl><c:idx val="{i}"/><c:tx>{_rich(label, 900, False)}</c:tx>'
        '<c:dLblPos val="outEnd"/><c:showLegendKey val="0"/><c:showVal val="1"/>'
        '<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/>'
        '<c:showBubbleSize val="0"/></c:dLbl>'
        for i, label in enumerate(chart.value_labels))
    top = max([*chart.values, chart.reference_value or Decimal(0), Decimal(1)])
    axis_max = _number((top * Decimal("1.15")).quantize(Decimal(1)))
    gridlines = major_unit = ""
    if chart.reference_value is not None and chart.reference_value > 0:
        gridlines = (f'<c:majorGridlines><c:spPr><a:ln w="12700"><a:solidFill>'
                     f'<a:srgbClr val="{REFERENCE_COLOUR}"/></a:solidFill></a:ln></c:spPr>'
                     '</c:majorGridlines>')
        major_unit = f'<c:majorUnit val="{_number(chart.reference_value)}"/>'
    series_name = chart.axis_label or chart.caption
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<c:chartSpace {_NS}>'
        '<c:date1904 val="0"/><c:lang val="vi-VN"/><c:roundedCorners val="0"/>'
        '<c:chart>'
        f'<c:title><c:tx>{_rich(chart.caption, 1000, True)}</c:tx><c:overlay val="0"/></c:title>'
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
        '<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        '<c:ser><c:idx val="0"/><c:order val="0"/>'
        f'<c:tx><c:strRef><c:f>{SHEET}!{_cell("B", 1)}</c:f><c:strCache><c:ptCount val="1"/>'
        f'<c:pt idx="0"><c:v>{_t(series_name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
        f'<c:spPr><a:solidFill><a:srgbClr val="{BAR_COLOUR}"/></a:solidFill></c:spPr>'
        '<c:invertIfNegative val="0"/>'
        f'<c:dLbls>{labels}{_text_props(900)}<c:dLblPos val="outEnd"/>'
        '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
        f'<c:cat><c:strRef><c:f>{SHEET}!{_cell("A", 2)}:{_cell("A", last)}</c:f>'
        f'<c:strCache><c:ptCount val="{n}"/>{categories}</c:strCache></c:strRef></c:cat>'
        f'<c:val><c:numRef><c:f>{SHEET}!{_cell("B", 2)}:{_cell("B", last)}</c:f>'
        f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>{values}'
        '</c:numCache></c:numRef></c:val></c:ser>'
        '<c:gapWidth val="55"/><c:axId val="1001"/><c:axId val="1002"/></c:barChart>'
        # Category axis: top to bottom in the model's order (maxMin), like the table.
        '<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{_text_props(900)}<c:crossAx val="1002"/><c:crosses val="autoZero"/>'
        '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/>'
        '</c:catAx>'
        '<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="minMax"/>'
        f'<c:max val="{axis_max}"/><c:min val="0"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="b"/>{gridlines}'
        f'<c:title><c:tx>{_rich(chart.axis_label, 900, False)}</c:tx><c:overlay val="0"/></c:title>'
        '<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{_text_props(900)}<c:crossAx val="1001"/><c:crosses val="max"/>'
        f'<c:crossBetween val="between"/>{major_unit}</c:valAx>'
        '</c:plotArea><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'{_text_props(900)}'
        '<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData>'
        '</c:chartSpace>'
    )
    return xml.encode("utf-8")


# ---------------------------------------------------------------- the embedded workbook

_XLSX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_XLSX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    f'<sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _string_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_t(text)}</t></is></c>'


def workbook_xlsx(chart: Chart) -> bytes:
    """The chart's data as a one-sheet workbook (A: categories, B: exact values,
    C: the printed labels), the sheet Word's "Edit Data" opens. Written by hand: a
    worksheet of three columns needs no spreadsheet library."""
    rows = [f'<row r="1">{_string_cell("A1", "")}'
            f'{_string_cell("B1", chart.axis_label or chart.caption)}'
            f'{_string_cell("C1", "")}</row>']
    for index, (name, value, label) in enumerate(
            zip(chart.categories, chart.values, chart.value_labels), start=2):
        rows.append(f'<row r="{index}">{_string_cell(f"A{index}", name)}'
                    f'<c r="B{index}"><v>{_number(value)}</v></c>'
                    f'{_string_cell(f"C{index}", label)}</row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData>{"".join(rows)}</sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", _XLSX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", _XLSX_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return normalize_zip(buffer.getvalue())


# ---------------------------------------------------------------- into the document

def _next_number(package, prefix: str) -> int:
    used = {str(part.partname) for part in package.iter_parts()}
    number = 1
    while any(name.startswith(f"{prefix}{number}.") for name in used):
        number += 1
    return number


def add_chart(paragraph, chart: Chart, width_mm: float, height_mm: float) -> None:
    """Append the chart to `paragraph` as an inline chart object (one run)."""
    document_part = paragraph.part
    package = document_part.package
    number = _next_number(package, "/word/charts/chart")
    chart_part = Part(PackURI(f"/word/charts/chart{number}.xml"), CHART_CONTENT_TYPE,
                      chart_xml(chart), package)
    workbook = Part(PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx"),
                    XLSX_CONTENT_TYPE, workbook_xlsx(chart), package)
    assert chart_part.relate_to(workbook, RT.PACKAGE) == "rId1"  # chart_xml names rId1
    rid = document_part.relate_to(chart_part, RT.CHART)
    cx, cy = round(width_mm * EMU_PER_MM), round(height_mm * EMU_PER_MM)
    shape_id = 1000 + number
    inline = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="Chart {number}" descr={quoteattr(chart.caption)}/>'
        '<wp:cNvGraphicFramePr/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:id="{rid}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
    paragraph._p.append(parse_xml(inline))


def chart_height_mm(chart: Chart, width_mm: float, max_height_mm: float) -> float:
    """As the PNG was: 12 mm plus 5.2 mm a bar, at least 60 mm, within the page."""
    return min(max(60.0, 22.0 + 5.2 * len(chart.categories)), max_height_mm)
