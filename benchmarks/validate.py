"""Validation benchmark (issue 2): load_dataset + validate on a generated province.

    .venv/bin/python benchmarks/validate.py [--runs 5] [--units 700] [--indicators 20] [--periods 5]
                                            [--profile]

Generates the dataset once with reportgen.testing.synth.generate_dataset (700 units × 20
indicators × 5 periods by default), then times load + validate (the work of
`reportgen validate`) in this process, --runs times, and prints the median, min and
max. Aim: under 2 s. --profile runs one more pass under pyinstrument (pip-install it in
the venv; it is not a project dependency) and prints where the time goes.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.dataset import load_dataset  # noqa: E402
from reportgen.figures import FigureBook  # noqa: E402
from reportgen.testing.synth import generate_dataset  # noqa: E402
from reportgen.validate import validate  # noqa: E402

TARGET_SECONDS = 2.0


def load_and_validate(path: Path) -> tuple[int, int, int]:
    result = load_dataset(path)
    if result.dataset is None:
        raise SystemExit(f"the generated dataset does not load: {result.problems[:3]}")
    problems = result.problems + validate(result.dataset, FigureBook(result.dataset))
    errors = sum(p.is_error for p in problems)
    return len(result.dataset.values), errors, len(problems) - errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--units", type=int, default=700)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--periods", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="one extra run under pyinstrument")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        path = generate_dataset(Path(tmp) / "province", units=args.units,
                                indicators=args.indicators, periods=args.periods)
        rows, errors, warnings = load_and_validate(path)  # warm-up: imports, catalogue
        print(f"dataset: {args.units} units × {args.indicators} indicators × {args.periods} periods"
              f" = {rows} value rows; {errors} error(s), {warnings} warning(s)")
        if errors:
            print("warning: the generated dataset should be valid", file=sys.stderr)
        times, cpu_times = [], []
        for run in range(args.runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            load_and_validate(path)
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
            print(f"  run {run + 1}: {times[-1]:.3f} s (CPU {cpu_times[-1]:.3f} s)")
        median = statistics.median(times)
        # CPU time too: on a shared machine the wall clock also counts other processes.
        print(f"load_dataset + validate: median {median:.3f} s "
              f"(min {min(times):.3f} s, max {max(times):.3f} s, {args.runs} runs; "
              f"CPU median {statistics.median(cpu_times):.3f} s; "
              f"aim < {TARGET_SECONDS:.0f} s: {'ok' if median < TARGET_SECONDS else 'SLOW'})")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
            load_and_validate(path)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
