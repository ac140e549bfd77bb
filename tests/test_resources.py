"""resources.Templates: an override folder replaces shipped files by relative name; the
rest still come from the package; the build keys see the effective files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen import cli
from reportgen.build import BuildOptions, build, plan
from reportgen.compose import ComposeOptions, compose_report
from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.i18n import set_language
from reportgen.periods import Period
from reportgen.render.html import render_html
from reportgen.resources import SHIPPED, TEMPLATES_DIR, Templates
from reportgen.validate import load_and_validate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "datasets" / "hanoi"
PERIOD = Period.parse("2023-H1")


@pytest.fixture(scope="module")
def hanoi():
    dataset = load_dataset(SAMPLE).dataset
    return dataset, FigureBook(dataset)


def _phrases_override(folder: Path) -> Path:
    """An override holding only text/_phrases.md.j2, with "đạt" reworded to "đạt tới"."""
    shipped = (TEMPLATES_DIR / "text" / "_phrases.md.j2").read_text(encoding="utf-8")
    assert ", đạt {{ fig.percent_of_plan|percent }}" in shipped
    (folder / "text").mkdir(parents=True)
    (folder / "text" / "_phrases.md.j2").write_text(
        shipped.replace(", đạt {{ fig.percent_of_plan|percent }}",
                        ", đạt tới {{ fig.percent_of_plan|percent }}"), encoding="utf-8")
    return folder


def test_an_overridden_phrase_template_changes_the_report_text(hanoi, tmp_path):
    dataset, book = hanoi
    templates = Templates(_phrases_override(tmp_path / "office"))
    shipped = render_html(compose_report(dataset, book, "01", PERIOD))
    custom = render_html(compose_report(dataset, book, "01", PERIOD, ComposeOptions(templates=templates)))
    assert "đạt tới" not in shipped
    assert "đạt tới" in custom
    # semiannual.md.j2 and _report.md.j2 still come from the package: the report is whole.
    assert custom.count("<h") == shipped.count("<h")


def test_an_overridden_print_css_is_the_one_inlined(hanoi, tmp_path):
    dataset, book = hanoi
    (tmp_path / "html").mkdir()
    css = (TEMPLATES_DIR / "html" / "print.css").read_text(encoding="utf-8")
    (tmp_path / "html" / "print.css").write_text(css + "\n/* office-override-marker */\n", encoding="utf-8")
    model = compose_report(dataset, book, "01", PERIOD)
    assert "office-override-marker" not in render_html(model)
    assert "office-override-marker" in render_html(model, templates=Templates(tmp_path))


def test_files_not_overridden_come_from_the_package_and_the_digest_follows_the_override(tmp_path):
    templates = Templates(_phrases_override(tmp_path / "office"))
    effective = templates.files()
    assert effective["text/_phrases.md.j2"] == tmp_path / "office" / "text" / "_phrases.md.j2"
    assert effective["text/_report.md.j2"] == TEMPLATES_DIR / "text" / "_report.md.j2"
    assert templates.path("docx/reference.docx") == TEMPLATES_DIR / "docx" / "reference.docx"
    assert set(effective) == set(SHIPPED.files())
    assert templates.digest() != SHIPPED.digest()
    assert Templates(tmp_path / "empty").digest() == SHIPPED.digest()


def test_an_override_changes_the_build_keys_and_rebuilds(hanoi, tmp_path):
    dataset, _book = hanoi
    docx = BuildOptions(formats=("docx",))
    custom = BuildOptions(formats=("docx",), templates=Templates(_phrases_override(tmp_path / "office")))
    assert {t.key for t in plan(dataset, PERIOD, ["019"], docx)}.isdisjoint(
        t.key for t in plan(dataset, PERIOD, ["019"], custom))
    out = tmp_path / "out"
    assert [o.unit for o in build(dataset, PERIOD, ["019"], out, options=docx).built] == ["019"]
    again = build(dataset, PERIOD, ["019"], out, options=custom)
    assert [o.unit for o in again.built] == ["019"]  # not skipped: its template changed


def test_the_dataset_templates_setting_is_relative_to_the_dataset_folder(tmp_path):
    dataset = tmp_path / "ds"
    shutil.copytree(SAMPLE, dataset)
    _phrases_override(dataset / "office")
    with open(dataset / "dataset.yaml", "a", encoding="utf-8") as stream:
        stream.write("\ntemplates: office\n")
    checked = load_and_validate(dataset)
    assert checked.ok
    assert checked.templates == Templates((dataset / "office").resolve())


def test_a_templates_setting_that_is_not_a_folder_is_a_located_error(tmp_path, capsys):
    dataset = tmp_path / "ds"
    shutil.copytree(SAMPLE, dataset)
    (dataset / "office.txt").write_text("not a folder", encoding="utf-8")
    with open(dataset / "dataset.yaml", "a", encoding="utf-8") as stream:
        stream.write("\ntemplates: office.txt\n")
    checked = load_and_validate(dataset)
    [problem] = [p for p in checked.errors if p.location.column == "templates"]
    assert problem.location.file == "dataset.yaml"
    assert not checked.ok
    try:
        assert cli.main(["--lang", "en", "validate", str(dataset)]) == 1
    finally:
        set_language("vi")
    assert "dataset.yaml, column templates: the templates setting names" in capsys.readouterr().err


def test_an_overridden_reference_docx_gives_the_report_its_styles(hanoi, tmp_path):
    import io

    from docx import Document
    from docx.shared import Pt

    from reportgen.render.docx import render_docx

    reference = Document(str(TEMPLATES_DIR / "docx" / "reference.docx"))
    reference.styles["Normal"].font.size = Pt(15)
    (tmp_path / "docx").mkdir()
    reference.save(str(tmp_path / "docx" / "reference.docx"))
    dataset, book = hanoi
    model = compose_report(dataset, book, "019", PERIOD)
    shipped = Document(io.BytesIO(render_docx(model)))
    custom = Document(io.BytesIO(render_docx(model, templates=Templates(tmp_path))))
    assert shipped.styles["Normal"].font.size != Pt(15)
    assert custom.styles["Normal"].font.size == Pt(15)
