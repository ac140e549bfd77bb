"""Benchmark: redline_docx + redline_html of two city-sized reports (aim: under 1 s).

    .venv/bin/python benchmarks/diff.py [--runs 7]

The pair is the real Hà Nội city report (2023-H1, 14 pages) before and after one
district's correction (Nam Từ Liêm's compulsory rehab +1, which moves the district's
appendix row and the city's total, sentence and percentage). Prints the median, min
and max of each step.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportgen.diff import core_date, redline, redline_html  # noqa: E402


def city_pair() -> tuple[bytes, bytes, str]:
    from reportgen.compose import compose_report
    from reportgen.dataset import load_dataset
    from reportgen.figures import FigureBook
    from reportgen.periods import Period
    from reportgen.render.docx import render_docx

    root = Path(__file__).resolve().parents[1]
    dataset = load_dataset(root / "datasets" / "hanoi").dataset
    period = Period.parse("2023-H1")
    before = render_docx(compose_report(dataset, FigureBook(dataset), "01", period))
    bumped = {("019", "rehab_compulsory"), ("019", "rehab_compulsory_resident"),
              ("01", "rehab_compulsory"), ("01", "rehab_compulsory_resident")}
    dataset.values = [
        dataclasses.replace(row, value=row.value + 1)
        if (row.unit, row.indicator) in bumped and row.period == period and row.scope == "total"
        else row for row in dataset.values]
    after = render_docx(compose_report(dataset, FigureBook(dataset), "01", period))
    return before, after, "city report 01 2023-H1, Nam Từ Liêm corrected"


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
    old, new, source = city_pair()
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
