"""Time render_docx: the first (cold) call and the median of N warm calls.

Run: .venv/bin/python benchmarks/docx_render.py [N]   (default N=7)
Uses tests/model_factory.sample_model(appendix_rows=31) for now; a later step switches
it to the real city report.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportgen.render.docx import render_docx  # noqa: E402
from tests.model_factory import sample_model  # noqa: E402


def main(argv: list[str]) -> None:
    runs = int(argv[1]) if len(argv) > 1 else 7
    model = sample_model(appendix_rows=31)
    start = time.perf_counter()
    size = len(render_docx(model))  # cold: imports done, but reference, fonts, chart not cached
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        render_docx(model)
        warm.append(time.perf_counter() - start)
    print(f"render_docx sample_model(appendix_rows=31): {size} bytes")
    print(f"cold (first call): {cold * 1000:.1f} ms")
    print(f"warm median of {runs}: {statistics.median(warm) * 1000:.1f} ms "
          f"(min {min(warm) * 1000:.1f}, max {max(warm) * 1000:.1f})")


if __name__ == "__main__":
    main(sys.argv)
