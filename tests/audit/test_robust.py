"""Any text a clerk may type reads without an exception, and every finding points at
characters of its own paragraph."""
from __future__ import annotations

import random

from reportgen.audit import audit_draft
from reportgen.audit.findings import Location
from reportgen.audit.text import Block, Draft
from tests.audit.helpers import hanoi
from reportgen.periods import Period

PIECES = ["809", "1.200", "1,200", "22.8", "67,4", "%", "/", "(", ")", "(trong đó,", "trong đó", ",",
          ";", ".", ":", "đạt", "tăng", "giảm", "so với cùng kỳ", "năm 2022", "người", "mô hình",
          "xã, phường", "lượt người", "cơ sở", "ngày", "tháng", "05", "7", "năm", "2023", "KH năm",
          "có", "không có", "nơi cư trú ổn định", "tổ chức cai nghiện bắt buộc cho", "là", "Số:",
          "29/QĐ-UBND", "16/01/2023", "0", "0,0", "00", "-", "+273", "Tổng cộng", "\n", "…", "./."]


def test_random_text_never_raises_and_spans_stay_inside(tmp_path):
    rng = random.Random(20231)
    dataset, book = hanoi()
    blocks = []
    for index in range(400):
        text = " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))).strip() or "x"
        blocks.append(Block(Location(index, paragraph=index + 1), text))
    draft = Draft(tmp_path / "random.txt", "text", tuple(blocks))
    for options in ({}, {"dataset": dataset, "book": book, "unit": "01", "period": Period.parse("2023-H1")}):
        result = audit_draft(draft, **options)
        assert len(result.errors) > 10 and len(result.warnings) > 10  # the soup exercises the rules
        for finding in result.findings:
            text = blocks[finding.location.block].text
            start, end = finding.span
            assert 0 <= start <= end <= len(text), finding
            assert finding.message_text()
