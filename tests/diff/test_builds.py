"""`reportgen diff` on two drafts and on two build folders."""
import csv
import hashlib
import io
import json
import re
import string

import pytest

from reportgen.diff import DiffInputError, diff_paths
from reportgen.diff.errors import (
    MESSAGES, MISMATCHED, MISSING_OUTPUT, NO_COMMON_PERIOD, NO_MANIFEST, NOT_DOCX, NOT_FOUND,
    UNREADABLE_JSON,
)
from reportgen.i18n import _
from tests.diff.helpers import draft, marked_texts, part

PERIOD = "2023-H1"


def figures(code, name, values):
    return {"unit": {"code": code, "name": name},
            "period": {"code": PERIOD, "label": "6 tháng đầu năm 2023"},
            "figures": [{"indicator": indicator, "name": label, "unit": "người", "value": value,
                         "target": None, "percent_of_plan": None, "same_period_value": None,
                         "change": None, "formatted": {}}
                        for indicator, label, value in values]}


def city(rehab, rate):
    return figures("01", "Thành phố Hà Nội", [
        ("rehab_compulsory", "Số người được tổ chức cai nghiện bắt buộc", rehab),
        ("rehab_voluntary", "Số người cai nghiện tự nguyện", 602),
        ("relapse_rate", "Tỷ lệ tái nghiện", rate)])


def district(code, name, rehab):
    return figures(code, name, [("rehab_compulsory", "Số người được tổ chức cai nghiện bắt buộc",
                                 rehab)])


def write_build(folder, units):
    """A build folder as `reportgen build` writes it: files and manifest.json."""
    outputs = []
    for (period, unit), files in sorted(units.items()):
        for kind, data in sorted(files.items()):
            path = f"{period}/{unit}.figures.json" if kind == "figures" else f"{period}/{unit}.{kind}"
            raw = json.dumps(data, ensure_ascii=False).encode() if kind == "figures" else data
            (folder / period).mkdir(parents=True, exist_ok=True)
            (folder / path).write_bytes(raw)
            outputs.append({"unit": unit, "period": period, "format": kind, "path": path,
                            "sha256": hashlib.sha256(raw).hexdigest(), "inputs": "h"})
    (folder / "manifest.json").write_text(json.dumps({"reportgen": "0.1.0", "outputs": outputs}))
    return folder


@pytest.fixture(scope="module")
def drafts():
    return {"city-809": draft(total=809), "city-812": draft(total=812),
            "bd-21": draft(ba_dinh=21), "bd-23": draft(ba_dinh=23), "hk": draft(body=["Một."])}


@pytest.fixture
def builds(tmp_path, drafts):
    old = write_build(tmp_path / "old", {
        (PERIOD, "01"): {"docx": drafts["city-809"], "figures": city(809, "12.5")},
        (PERIOD, "001"): {"docx": drafts["bd-21"], "figures": district("001", "Quận Ba Đình", 21)},
        (PERIOD, "002"): {"docx": drafts["hk"], "figures": district("002", "Quận Hoàn Kiếm", 20)},
        (PERIOD, "004"): {"docx": drafts["hk"], "figures": district("004", "Quận Tây Hồ", 14)},
    })
    new = write_build(tmp_path / "new", {
        (PERIOD, "01"): {"docx": drafts["city-812"], "figures": city(812, "12.75")},
        (PERIOD, "001"): {"docx": drafts["bd-23"], "figures": district("001", "Quận Ba Đình", 23)},
        (PERIOD, "002"): {"docx": drafts["hk"], "figures": district("002", "Quận Hoàn Kiếm", 20)},
        (PERIOD, "003"): {"docx": drafts["hk"], "figures": district("003", "Quận Long Biên", 31)},
    })
    return old, new, tmp_path / "out"


def test_build_diff_names_exactly_the_changed_added_and_removed_units(builds):
    old, new, out = builds
    report = diff_paths(old, new, out)
    assert [(u.unit, u.status) for u in report.units] == [
        ("001", "changed"), ("003", "added"), ("004", "removed"), ("01", "changed")]
    assert report.unchanged_units == 1
    assert [u.name for u in report.units] == ["Quận Ba Đình", "Quận Long Biên", "Quận Tây Hồ",
                                              "Thành phố Hà Nội"]


def test_build_diff_lists_exactly_the_changed_figures_as_raw_numbers(builds):
    old, new, out = builds
    diff_paths(old, new, out)
    rows = list(csv.reader(io.StringIO((out / "figures.csv").read_text(encoding="utf-8-sig"))))
    assert rows == [
        ["period", "unit", "indicator", "name", "old_value", "new_value", "change"],
        [PERIOD, "001", "rehab_compulsory", "Số người được tổ chức cai nghiện bắt buộc", "21", "23", "2"],
        [PERIOD, "003", "rehab_compulsory", "Số người được tổ chức cai nghiện bắt buộc", "", "31", ""],
        [PERIOD, "004", "rehab_compulsory", "Số người được tổ chức cai nghiện bắt buộc", "14", "", ""],
        [PERIOD, "01", "rehab_compulsory", "Số người được tổ chức cai nghiện bắt buộc", "809", "812", "3"],
        [PERIOD, "01", "relapse_rate", "Tỷ lệ tái nghiện", "12.5", "12.75", "0.25"],
    ]


def test_figures_page_formats_numbers_the_vietnamese_way(builds):
    old, new, out = builds
    diff_paths(old, new, out)
    page = (out / "figures.html").read_text(encoding="utf-8")
    assert '<td class="num"><del>809</del></td><td class="num"><ins>812</ins></td>' \
           '<td class="num">+3</td>' in page
    assert "<del>12,5</del>" in page and "<ins>12,75</ins>" in page and "+0,25" in page
    assert 'id="u-2023-H1-01"' in page and "Hoàn Kiếm" not in page


def test_each_changed_report_gets_a_redline_and_the_index_links_them(builds):
    old, new, out = builds
    report = diff_paths(old, new, out)
    written = sorted(p.relative_to(out).as_posix() for p in report.files)
    assert written == ["2023-H1/001.redline.docx", "2023-H1/001.redline.html",
                       "2023-H1/01.redline.docx", "2023-H1/01.redline.html",
                       "figures.csv", "figures.html", "index.html"]
    marks = marked_texts(part((out / "2023-H1" / "01.redline.docx").read_bytes()))
    assert (marks["del"], marks["ins"]) == (["809/1.200", "809"], ["812/1.200", "812"])
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="2023-H1/001.redline.html"' in index and 'href="2023-H1/01.redline.docx"' in index
    assert "Đơn vị thêm mới (1)" in index and "Đơn vị bị xóa (1)" in index
    assert 'href="figures.html#u-2023-H1-003"' in index


def test_two_drafts_give_a_redline_named_after_the_new_one(tmp_path):
    from datetime import datetime
    (tmp_path / "du-thao-1.docx").write_bytes(draft())
    (tmp_path / "du-thao-2.docx").write_bytes(draft(total=812, modified=datetime(2023, 7, 6, 9, 30)))
    report = diff_paths(tmp_path / "du-thao-1.docx", tmp_path / "du-thao-2.docx", tmp_path / "out")
    assert report.kind == "docx" and report.has_changes
    assert [p.name for p in report.files] == ["du-thao-2.redline.docx", "du-thao-2.redline.html"]
    root = part((tmp_path / "out" / "du-thao-2.redline.docx").read_bytes())
    dates = {e.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}date")
             for e in root.iter("{*}ins", "{*}del")}
    assert dates == {"2023-07-06T09:30:00Z"}  # the new draft's modified time, not the clock


def test_redlines_and_pages_are_readable_by_the_office_like_the_reports(builds):
    # mkstemp makes 0600 files; under the usual umask 022 a redline used to stay 0600,
    # unreadable by colleagues sharing the folder, while the reports were 0644.
    import os
    import stat

    old, new, out = builds
    previous = os.umask(0o022)
    try:
        report = diff_paths(old, new, out)
    finally:
        os.umask(previous)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in report.files}
    assert modes and set(modes.values()) == {0o644}, modes


def raised(old, new, out):
    with pytest.raises(DiffInputError) as caught:
        diff_paths(old, new, out)
    return caught.value


def test_a_file_and_a_folder_are_refused(builds):
    old, new, out = builds
    error = raised(old / PERIOD / "01.docx", new, out)
    assert error.message_id == MISMATCHED


def test_a_folder_without_manifest_is_refused(builds, tmp_path):
    old, _, out = builds
    (tmp_path / "empty").mkdir()
    error = raised(old, tmp_path / "empty", out)
    assert (error.message_id, error.params) == (NO_MANIFEST, {"path": str(tmp_path / "empty")})


def test_builds_of_different_periods_are_refused(tmp_path, drafts):
    old = write_build(tmp_path / "a", {("2022-H1", "01"): {"docx": drafts["city-809"]}})
    new = write_build(tmp_path / "b", {("2023-H1", "01"): {"docx": drafts["city-812"]}})
    error = raised(old, new, tmp_path / "out")
    assert error.message_id == NO_COMMON_PERIOD
    assert error.params == {"old_periods": "2022-H1", "new_periods": "2023-H1"}


def test_a_listed_file_that_is_missing_is_refused(builds):
    old, new, out = builds
    (new / PERIOD / "01.docx").unlink()
    error = raised(old, new, out)
    assert error.message_id == MISSING_OUTPUT and error.params["path"].endswith("01.docx")


def test_a_broken_manifest_is_refused(builds):
    old, new, out = builds
    (new / "manifest.json").write_text("{not json")
    assert raised(old, new, out).message_id == UNREADABLE_JSON


def test_missing_paths_and_non_docx_files_are_refused_by_name(tmp_path):
    (tmp_path / "a.docx").write_bytes(draft())
    (tmp_path / "b.docx").write_text("not a document")
    error = raised(tmp_path / "a.docx", tmp_path / "nowhere.docx", tmp_path / "out")
    assert (error.message_id, error.params) == (NOT_FOUND, {"path": str(tmp_path / "nowhere.docx")})
    error = raised(tmp_path / "a.docx", tmp_path / "b.docx", tmp_path / "out")
    assert (error.message_id, error.params) == (NOT_DOCX, {"path": str(tmp_path / "b.docx")})


@pytest.mark.parametrize("message", MESSAGES)
def test_every_message_fills_its_placeholders(message):
    names = {name for _, name, _, _ in string.Formatter().parse(message) if name}
    text = _(message, **{name: f"<{name}>" for name in names})
    assert not re.search(r"\{\w+\}", text)
