"""Bulk build benchmark (issue 5). Prints medians; run: .venv/bin/python benchmarks/bulk.py

Measured on the 31 Hà Nội reports (DOCX + PDF, 2023-H1):
  full build (--jobs 2), no-op rebuild, one district changed, --jobs 1 vs --jobs 2,
  and side by side the peer path: our 31 DOCX converted to PDF by LibreOffice headless
  with two isolated profiles in parallel.
Then a generated province (DOCX only and DOCX + PDF) at 50, 200 and 700 units: units/s
and the peak memory of a worker process.
Options: --runs N (default 3), --skip-scale, --skip-hanoi, --scale-sizes 50,200,700
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.build import BuildOptions, build  # noqa: E402
from reportgen.dataset import load_dataset  # noqa: E402
from reportgen.periods import Period  # noqa: E402
from reportgen.testing.synth import generate_dataset  # noqa: E402

SAMPLE = ROOT / "datasets" / "hanoi"
BOTH = BuildOptions(formats=("docx", "pdf"))
DOCX = BuildOptions(formats=("docx",))


def load(path: Path):
    return load_dataset(path).dataset


def all_units(dataset) -> list[str]:
    root = dataset.settings.root
    return [root] + [u.code for u in dataset.descendants(root)]


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def median(values) -> float:
    return statistics.median(values)


def soffice_pair(docx_files: list[Path], work: Path) -> float:
    """Convert the files with two soffice processes in parallel, each with its own profile."""
    halves = [docx_files[0::2], docx_files[1::2]]
    started = time.perf_counter()
    processes = []
    for index, files in enumerate(halves):
        profile = work / f"profile{index}"
        out = work / f"pdf{index}"
        processes.append(subprocess.Popen(
            ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
             "--convert-to", "pdf", "--outdir", str(out)] + [str(f) for f in files],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for process in processes:
        process.wait()
    return time.perf_counter() - started


def hanoi(runs: int) -> None:
    dataset = load(SAMPLE)
    period = Period.parse("2023-H1")
    units = all_units(dataset)
    full2, full1, noop, one, peer = [], [], [], [], []
    peak = 0.0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            seconds, summary = timed(lambda: build(dataset, period, units, work / "out", options=BOTH, jobs=2))
            full2.append(seconds)
            peak = max([peak] + [o.peak_rss_mb for o in summary.built])
            noop.append(timed(lambda: build(load(SAMPLE), period, units, work / "out", options=BOTH, jobs=2))[0])
            copy = work / "ds"
            shutil.copytree(SAMPLE, copy)
            values = (copy / "values.csv").read_text(encoding="utf-8").splitlines()
            for index, line in enumerate(values):
                if line.startswith("019,2023-H1,rehab_compulsory,"):
                    cells = line.split(",")
                    cells[3] = str(int(cells[3]) + 1)
                    values[index] = ",".join(cells)
                    # keep the parts consistent: one more person with a stable residence
                elif line.startswith("019,2023-H1,rehab_compulsory_resident,"):
                    cells = line.split(",")
                    cells[3] = str(int(cells[3]) + 1)
                    values[index] = ",".join(cells)
            (copy / "values.csv").write_text("\n".join(values) + "\n", encoding="utf-8")
            changed = load(copy)
            seconds, summary = timed(lambda: build(changed, period, units, work / "out", options=BOTH, jobs=2))
            one.append(seconds)
            rebuilt = sorted(o.unit for o in summary.built)
            seconds, _ = timed(lambda: build(dataset, period, units, work / "out1", options=BOTH, jobs=1))
            full1.append(seconds)
            docx_files = sorted((work / "out" / "2023-H1").glob("*.docx"))
            peer.append(soffice_pair(docx_files, work / "peer"))
    print(f"Hà Nội 2023-H1, {len(units)} reports, DOCX + PDF, median of {runs} runs:")
    print(f"  full build --jobs 2         {median(full2):7.2f} s  ({median(full2) / len(units) * 1000:.0f} ms/report)")
    print(f"  full build --jobs 1         {median(full1):7.2f} s  (speed-up jobs 2 vs 1: {median(full1) / median(full2):.2f}x)")
    print(f"  no-op rebuild               {median(noop):7.2f} s  ({median(noop) / median(full2) * 100:.1f}% of full)")
    print(f"  one district changed        {median(one):7.2f} s  (rebuilt: {', '.join(rebuilt)})")
    print(f"  peer: LibreOffice 2 profiles DOCX→PDF {median(peer):7.2f} s")
    print(f"  ratio ours (DOCX+PDF) / peer (PDF only from our DOCX): {median(full2) / median(peer):.2f}")
    print(f"  peak worker memory          {peak:7.0f} MB")


def scale(sizes: list[int]) -> None:
    print("Generated province, --jobs 2, one run per size:")
    for options, label in ((DOCX, "DOCX"), (BOTH, "DOCX+PDF")):
        for size in sizes:
            with tempfile.TemporaryDirectory() as work:
                work = Path(work)
                path = generate_dataset(work / "ds", units=size, indicators=20, periods=5, depth=3)
                dataset = load(path)
                period = dataset.periods()[-1]
                units = all_units(dataset)
                seconds, summary = timed(lambda: build(dataset, period, units, work / "out", options=options, jobs=2))
                peak = max(o.peak_rss_mb for o in summary.built)
                failed = len(summary.failed)
                print(f"  {label:8s} {size:4d} units: {seconds:7.1f} s, {len(units) / seconds:6.1f} units/s, "
                      f"peak worker memory {peak:.0f} MB" + (f", {failed} FAILED" if failed else ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-hanoi", action="store_true")
    parser.add_argument("--scale-sizes", default="50,200,700")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if not args.skip_hanoi:
        hanoi(args.runs)
    if not args.skip_scale:
        scale([int(s) for s in args.scale_sizes.split(",")])


if __name__ == "__main__":
    main()
