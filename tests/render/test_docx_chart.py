"""The DOCX chart as Word and LibreOffice see it: a chart part with its workbook."""
from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from reportgen.model import Chart
from reportgen.render.docx import render_docx
from reportgen.render import docx_chart
from reportgen.render.docx_chart import CHART_CONTENT_TYPE, XLSX_CONTENT_TYPE
from tests.model_factory import sample_model

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _chart(model) -> Chart:
    return next(b for a in model.appendices for b in a.blocks if isinstance(b, Chart))


def _chart_parts(data: bytes):
    document = Document(io.BytesIO(data))
    return document, [rel.target_part for rel in document.part.rels.values()
                      if rel.reltype == RT.CHART]


@pytest.fixture(scope="module")
def data() -> bytes:
    return render_docx(sample_model())


def test_the_chart_is_a_chart_part_holding_the_models_exact_values(data):
    chart = _chart(sample_model())
    document, (part,) = _chart_parts(data)
    assert str(part.partname) == "/word/charts/chart1.xml"
    assert part.content_type == CHART_CONTENT_TYPE
    root = etree.fromstring(part.blob)
    assert root.tag == C + "chartSpace"
    (series,) = root.iter(C + "ser")
    categories = [v.text for v in series.find(C + "cat").iter(C + "v")]
    values = [Decimal(v.text) for v in series.find(C + "val").iter(C + "v")]
    assert categories == list(chart.categories)
    assert values == list(chart.values)  # exact: 21*100/30 to every digit the model has
    labels = ["".join(t.text for t in label.iter(A + "t"))
              for label in series.find(C + "dLbls").iter(C + "dLbl")]
    assert labels == list(chart.value_labels)  # the model's vi-VN labels, "70,0%"
    title = "".join(t.text for t in root.find(C + "chart").find(C + "title").iter(A + "t"))
    assert title == chart.caption
    # The bars run top to bottom in the model's order, like the appendix table.
    assert root.find(f"{C}chart/{C}plotArea/{C}catAx/{C}scaling/{C}orientation").get("val") \
        == "maxMin"
    # The document shows it inline, by the relationship's id.
    (inline,) = document.inline_shapes
    chart_ref = inline._inline.graphic.graphicData.find(C + "chart")
    rid = chart_ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    assert document.part.rels[rid].target_part is part


def test_the_chart_embeds_a_workbook_with_the_same_data(data):
    chart = _chart(sample_model())
    _, (part,) = _chart_parts(data)
    (rel,) = part.rels.values()
    assert rel.reltype == RT.PACKAGE
    workbook = rel.target_part
    assert workbook.content_type == XLSX_CONTENT_TYPE
    root = etree.fromstring(part.blob)
    external = root.find(C + "externalData")
    assert external.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id") \
        == rel.rId
    with zipfile.ZipFile(io.BytesIO(workbook.blob)) as archive:
        sheet = etree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = sheet.findall(f"{S}sheetData/{S}row")[1:]
    names = ["".join(row[0].itertext()) for row in rows]
    numbers = [Decimal(row[1].find(S + "v").text) for row in rows]
    assert names == list(chart.categories) and numbers == list(chart.values)
    # The series formulas point at those cells, so "Edit Data" re-plots from them.
    formulas = [f.text for f in root.iter(C + "f")]
    assert formulas == ["Sheet1!$B$1", f"Sheet1!$A$2:$A${len(rows) + 1}",
                        f"Sheet1!$B$2:$B${len(rows) + 1}"]


def test_openpyxl_reads_the_embedded_workbook(data):
    from openpyxl import load_workbook

    _, (part,) = _chart_parts(data)
    (rel,) = part.rels.values()
    sheet = load_workbook(io.BytesIO(rel.target_part.blob)).active
    assert sheet["A2"].value == "Ba Đình" and sheet["B2"].value == pytest.approx(70.0)
    assert sheet["C2"].value == "70,0%"


def test_two_charts_two_parts_and_the_same_bytes_twice():
    model = sample_model()
    appendix = model.appendices[0]
    chart = dataclasses.replace(_chart(model), caption="Biểu đồ thứ hai")
    model = dataclasses.replace(model, appendices=(
        dataclasses.replace(appendix, blocks=appendix.blocks + (chart,)),))
    data = render_docx(model)
    _, parts = _chart_parts(data)
    assert sorted(str(p.partname) for p in parts) == ["/word/charts/chart1.xml",
                                                      "/word/charts/chart2.xml"]
    assert render_docx(model) == data


def test_markup_characters_in_names_stay_text():
    model = sample_model()
    appendix = model.appendices[0]
    chart = dataclasses.replace(_chart(model), categories=("<a> & \"b\"",) + _chart(model).categories[1:])
    model = dataclasses.replace(model, appendices=(
        dataclasses.replace(appendix, blocks=(appendix.blocks[0], chart)),))
    _, (part,) = _chart_parts(render_docx(model))
    first = etree.fromstring(part.blob).find(f".//{C}cat//{C}v")
    assert first.text == "<a> & \"b\""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by scripts/setup.sh")
def test_libreoffice_draws_the_chart_from_the_docx(data, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(data)
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "report.pdf"), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    chart = _chart(sample_model())
    assert chart.caption in text
    for name, label in zip(chart.categories, chart.value_labels):
        assert name in text and label in text


@pytest.mark.parametrize("text", ["", "a&b", "<x> & 'y'", 'say "hi"', "both ' and \"", "l1\nl2\r\t"])
def test_escaping_matches_the_standard_library(text):
    # docx_chart writes its own escape/quoteattr to keep xml.sax (and urllib, ssl) out
    # of the import; the chart XML must not change.
    from xml.sax.saxutils import escape, quoteattr

    assert docx_chart.escape(text) == escape(text)
    assert docx_chart.quoteattr(text) == quoteattr(text)
