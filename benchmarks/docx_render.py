"""Time one Hà Nội city report (2023-H1) as DOCX: compose + render_docx, cold and warm.

Run: .venv/bin/python benchmarks/docx_render.py [N]   (default N=7)
Prints the first (cold) call and the median of N warm calls in one process, split into
compose (figures → ReportModel) and render (ReportModel → DOCX bytes).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.compose import compose_report  # noqa: E402
from reportgen.dataset import load_dataset  # noqa: E402
from reportgen.figures import FigureBook  # noqa: E402
from reportgen.periods import Period  # noqa: E402
from reportgen.render.docx import render_docx  # noqa: E402


def main(argv: list[str]) -> None:
    runs = int(argv[1]) if len(argv) > 1 else 7
    dataset = load_dataset(ROOT / "datasets" / "hanoi").dataset
    period = Period.parse("2023-H1")

    def once() -> tuple[float, float, int]:
        book = FigureBook(dataset)  # a fresh book: no memoised figures between runs
        start = time.perf_counter()
        model = compose_report(dataset, book, "01", period)
        middle = time.perf_counter()
        size = len(render_docx(model))
        return middle - start, time.perf_counter() - middle, size

    cold_compose, cold_render, size = once()
    warm = [once() for _ in range(runs)]
    compose_ms = statistics.median(w[0] for w in warm) * 1000
    render_ms = statistics.median(w[1] for w in warm) * 1000
    total_ms = statistics.median(w[0] + w[1] for w in warm) * 1000
    print(f"city report 01 2023-H1 as DOCX: {size} bytes")
    print(f"cold (first call): compose {cold_compose * 1000:.0f} ms + render {cold_render * 1000:.0f} ms")
    print(f"warm median of {runs}: {total_ms:.0f} ms (compose {compose_ms:.0f} ms, render_docx {render_ms:.0f} ms)")


if __name__ == "__main__":
    main(sys.argv)
