"""Time `reportgen audit` of the 14-page Hà Nội city report (2023-H1) DOCX with --dataset,
beside the time of building that report.

Run: .venv/bin/python benchmarks/audit.py [N]   (default N=5)
Prints medians of N runs: building the report (compose + render_docx), the audit in one
process (cold first call, then warm: the template shapes are cached per dataset), and
the whole command as a reviewer runs it (a fresh `reportgen audit … --dataset` process:
start-up, dataset load and validation, audit) beside the `reportgen build` command that
writes the same DOCX.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.audit import audit_path  # noqa: E402
from reportgen.compose import compose_report  # noqa: E402
from reportgen.dataset import load_dataset  # noqa: E402
from reportgen.figures import FigureBook  # noqa: E402
from reportgen.periods import Period  # noqa: E402
from reportgen.render.docx import render_docx  # noqa: E402


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(argv: list[str]) -> None:
    runs = int(argv[1]) if len(argv) > 1 else 5
    dataset_path = ROOT / "datasets" / "hanoi"
    dataset = load_dataset(dataset_path).dataset
    period = Period.parse("2023-H1")

    builds = []
    for _ in range(runs):
        start = time.perf_counter()
        data = render_docx(compose_report(dataset, FigureBook(dataset), "01", period))
        builds.append(time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "01.docx"
        draft.write_bytes(data)

        def audit_once() -> tuple[float, int]:
            start = time.perf_counter()
            result = audit_path(draft, dataset=dataset, book=FigureBook(dataset), unit="01", period=period)
            return time.perf_counter() - start, len(result.findings)

        cold, findings = audit_once()
        warm = [audit_once()[0] for _ in range(runs)]

        reportgen = str(Path(sys.executable).with_name("reportgen"))
        audit_command = [reportgen, "audit", str(draft), "--dataset", str(dataset_path),
                         "--period", "2023-H1", "--unit", "01"]
        build_command = [reportgen, "build", str(dataset_path), "--period", "2023-H1", "--unit", "01",
                         "--format", "docx", "--out", str(Path(folder) / "build"), "--force", "--jobs", "1"]

        def timed(command: list[str]) -> list[float]:
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run(command, capture_output=True, check=False)
                samples.append(time.perf_counter() - start)
            return samples

        processes = timed(audit_command)
        build_processes = timed(build_command)

    print(f"city report 01 2023-H1 DOCX: {len(data)} bytes, {findings} finding(s) (not-checked notes only)")
    print(f"build the report (compose + render_docx), median of {runs}: {median_ms(builds):.0f} ms")
    print(f"audit --dataset in process: cold {cold * 1000:.0f} ms, warm median of {runs}: {median_ms(warm):.0f} ms")
    print(f"`reportgen audit … --dataset` command, median of {runs}: {median_ms(processes):.0f} ms; "
          f"`reportgen build … --unit 01 --format docx --force`: {median_ms(build_processes):.0f} ms")


if __name__ == "__main__":
    main(sys.argv)
