"""Alignment: word diffs inside paragraphs, paragraphs and rows paired sensibly."""
from reportgen.diff.align import Cell, Para, Row, Table, diff_blocks, diff_text


def changes(old, new):
    return [(s.tag, old[s.old_start:s.old_end], new[s.new_start:s.new_end])
            for s in diff_text(old, new) if s.tag != "equal"]


def paras(*texts):
    return [Para(None, text) for text in texts]


def test_a_changed_figure_is_one_replacement():
    assert changes("cho 809/1.200 người, đạt 67,4% KH", "cho 812/1.200 người, đạt 67,7% KH") \
        == [("replace", "809/1.200", "812/1.200"), ("replace", "67,4%", "67,7%")]


def test_changes_separated_by_a_space_read_as_one():
    assert changes("tăng 273 người", "giảm 316 người") == [("replace", "tăng 273", "giảm 316")]


def test_shared_whitespace_stays_outside_a_change():
    assert changes("A c", "B X c") == [("replace", "A", "B X")]


def test_an_inserted_paragraph_is_one_insertion_and_the_rest_stays_equal():
    old = paras("Một.", "Hai có 21 người.", "Ba.", "Bốn.")
    new = paras("Một.", "Hai có 21 người.", "Đoạn mới hoàn toàn.", "Ba.", "Bốn.")
    assert [d.tag for d in diff_blocks(old, new)] == ["equal", "equal", "insert", "equal",
                                                       "equal"]


def test_a_moved_paragraph_is_one_deletion_and_one_insertion():
    old = paras("Một.", "Hai.", "Ba.", "Bốn.")
    new = paras("Một.", "Ba.", "Hai.", "Bốn.")
    tags = [d.tag for d in diff_blocks(old, new)]
    assert sorted(tags) == ["delete", "equal", "equal", "equal", "insert"]


def test_similar_paragraphs_in_a_replaced_range_are_paired_others_are_not():
    old = paras("Tổ chức cai nghiện bắt buộc cho 809 người, tăng 273 người.", "Hết.")
    new = paras("Nội dung khác hẳn về phòng chống mại dâm.",
                "Tổ chức cai nghiện bắt buộc cho 812 người, tăng 276 người.", "Hết.")
    tags = [d.tag for d in diff_blocks(old, new)]
    assert tags == ["insert", "modify", "equal"]


def table(*rows):
    return Table(None, [Row(None, [Cell(None, paras(text)) for text in row]) for row in rows])


def test_table_rows_are_compared_cell_by_cell_and_new_rows_marked_inserted():
    old = table(("STT", "Đơn vị", "Thực hiện"), ("1", "Ba Đình", "21"), ("2", "Tây Hồ", "14"))
    new = table(("STT", "Đơn vị", "Thực hiện"), ("1", "Ba Đình", "23"), ("2", "Long Biên", "31"),
                ("3", "Tây Hồ", "14"))
    [diff] = diff_blocks([old], [new])
    assert diff.tag == "modify"
    assert [r.tag for r in diff.rows] == ["equal", "modify", "insert", "modify"]
    cell_tags = [[d.tag for d in cell] for cell in diff.rows[1].cells]
    assert cell_tags == [["equal"], ["equal"], ["modify"]]
