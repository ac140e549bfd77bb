"""Benchmark: redline_docx + redline_html of two city-sized reports (aim: under 1 s).

    .venv/bin/python benchmarks/diff.py [--runs 7]

The pair is render_docx(sample_model(appendix_rows=31)) and the same report with one
figure changed (in a paragraph and in an appendix cell); without the renderer, two
ten-page python-docx documents. Prints the median, min and max of each step.
"""
from __future__ import annotations

import argparse
import dataclasses
import io
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportgen.diff import core_date, redline, redline_html  # noqa: E402


def rendered_pair() -> tuple[bytes, bytes, str] | None:
    try:
        from reportgen.render.docx import render_docx
    except ImportError:
        return None
    from reportgen.model import Paragraph, Run
    from tests.model_factory import sample_model

    model = sample_model(appendix_rows=31)
    body = list(model.body)
    body[4] = Paragraph((Run(body[4].text.replace("809/1.200", "812/1.200")),))
    appendix = model.appendices[0]
    table = appendix.blocks[0]
    rows = [list(row) for row in table.rows]
    rows[20][3] = "99"
    table = dataclasses.replace(table, rows=tuple(tuple(row) for row in rows))
    changed = dataclasses.replace(
        model, body=tuple(body),
        appendices=(dataclasses.replace(appendix, blocks=(table,) + appendix.blocks[1:]),))
    return render_docx(model), render_docx(changed), "render_docx(sample_model(appendix_rows=31))"


def generated_pair() -> tuple[bytes, bytes, str]:
    import docx

    def document(figure: int) -> bytes:
        out = docx.Document()
        for page in range(10):
            out.add_paragraph(f"{page + 1}. Kết quả công tác phòng, chống tệ nạn xã hội")
            for line in range(12):
                number = figure if (page, line) == (5, 5) else 100 + line
                out.add_paragraph(f"Tổ chức cai nghiện bắt buộc cho {number}/1.200 người, đạt "
                                  f"67,4% KH năm, tăng {line} người so với cùng kỳ năm 2022.")
            table = out.add_table(rows=6, cols=5)
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    cell.text = str(r * 10 + c)
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()

    return document(809), document(812), "python-docx, 10 pages"


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = max(5, parser.parse_args().runs)
    old, new, source = rendered_pair() or generated_pair()
    date = core_date(new) or datetime(2023, 7, 5)
    steps = {
        "redline_docx": lambda: redline(old, new, date=date),
        "redline_html": lambda: redline_html(old, new, title="benchmark"),
        "both": lambda: (redline(old, new, date=date), redline_html(old, new, title="x")),
    }
    print(f"inputs: {source}; {len(old):,} and {len(new):,} bytes; {runs} runs")
    result = redline(old, new, date=date).result
    print(f"changes: {[tuple(c) for c in result.changes]}")
    for name, step in steps.items():
        times = timed(step, runs)
        print(f"{name:13s} median {statistics.median(times) * 1000:7.1f} ms   "
              f"min {min(times) * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
