"""The HTML view: the same changes, readable in a browser, one self-contained file."""
import re

from reportgen.diff import redline_html
from tests.diff.helpers import draft

NEW_PARAGRAPH = "Phối hợp rà soát 1.250 người nghiện có hồ sơ quản lý."


def test_a_changed_figure_shows_as_deleted_then_inserted_in_text_and_table():
    page = redline_html(draft(ba_dinh=21), draft(ba_dinh=23), title="Dự thảo 2")
    assert "quận Ba Đình <del>21</del><ins>23</ins> người" in page
    assert "<td><p><del>21</del><ins>23</ins></p></td>" in page
    document = page.split('<main class="document">')[1]
    assert len(re.findall(r"<(?:ins|del)>", document)) == 4


def test_an_inserted_paragraph_is_one_marked_paragraph():
    page = redline_html(draft(), draft(insert_after=3, inserted=NEW_PARAGRAPH), title="x")
    assert f'<p class="ins-block"><ins>{NEW_PARAGRAPH}</ins></p>' in page


def test_the_page_is_self_contained_vietnamese_and_escaped():
    page = redline_html(draft(), draft(total=812), title="Báo cáo <dự thảo> & bản 2")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page
    assert "<title>Báo cáo &lt;dự thảo&gt; &amp; bản 2</title>" in page
    assert "Tóm tắt thay đổi" in page and "<style>" in page
    for external in ("<script", "<link", "src=", "http://", "https://", "@import", "url("):
        assert external not in page


def test_the_summary_counts_and_lists_the_changes():
    page = redline_html(draft(total=809), draft(total=812), title="x")
    assert "<li><del>809/1.200</del> → <ins>812/1.200</ins></li>" in page
    assert "2 từ/số được thêm; 2 từ/số bị xóa" in page


def test_identical_drafts_say_so():
    assert "Không có thay đổi nào" in redline_html(draft(), draft(), title="x")


def test_the_same_inputs_give_the_same_page():
    old, new = draft(), draft(total=812, drop=6)
    assert redline_html(old, new, title="x") == redline_html(old, new, title="x")


def test_header_changes_have_their_own_section():
    page = redline_html(draft(), draft(header_note="Dự thảo"), title="x")
    assert "<h2>Đầu trang</h2>" in page and "<ins>Dự thảo </ins>" in page
