"""PDF engines side by side (issue 14). Prints medians; run: .venv/bin/python benchmarks/engines.py

In one run, on the 31 Hà Nội reports (2023-H1):
  - the full DOCX + PDF build (--jobs 2, a fresh output folder) with each engine;
  - the peer path: LibreOffice converting the same 31 DOCX, two profiles in parallel
    (bulk.py's soffice_pair), and the ratios of each build to it;
  - CPU per report of each stage in one process (compose, DOCX, XLSX, PDF per engine,
    and the chart alone: DOCX chart part, SVG, within the Typst PDF it is not separable);
  - the clerk's cold single-report command (a new process: imports included) for the
    city and a district, per engine;
  - optionally (--scale-sizes 700) a generated province per engine with peak memory.
Options: --runs N (default 3), --cold-runs N (default 3), --scale-sizes 700
[--scale-engines typst] [--only-scale], --skip-peer
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bulk import all_units, load, soffice_pair, timed  # noqa: E402

from reportgen.build import BuildOptions, build  # noqa: E402
from reportgen.periods import Period  # noqa: E402

SAMPLE = ROOT / "datasets" / "hanoi"
PERIOD = "2023-H1"
ENGINES = ("weasyprint", "typst")


def median(values) -> float:
    return statistics.median(values)


def full_builds(runs: int, skip_peer: bool) -> None:
    dataset = load(SAMPLE)
    period = Period.parse(PERIOD)
    units = all_units(dataset)
    seconds = {engine: [] for engine in ENGINES}
    peer = []
    peak = {engine: 0.0 for engine in ENGINES}
    for _ in range(runs):
        for engine in ENGINES:
            options = BuildOptions(formats=("docx", "pdf"), engines=(("pdf", engine),))
            with tempfile.TemporaryDirectory() as work:
                took, summary = timed(lambda: build(dataset, period, units, Path(work) / "out",
                                                    options=options, jobs=2))
                assert len(summary.built) == len(units), summary.failed
                seconds[engine].append(took)
                peak[engine] = max([peak[engine]] + [o.peak_rss_mb for o in summary.built])
                if engine == "typst" and not skip_peer:
                    docx = sorted((Path(work) / "out" / PERIOD).glob("*.docx"))
                    peer.append(soffice_pair(docx, Path(work) / "peer"))
    print(f"Hà Nội {PERIOD}, {len(units)} reports, DOCX + PDF, --jobs 2, median of {runs} runs:")
    for engine in ENGINES:
        m = median(seconds[engine])
        print(f"  full build, {engine:10s}  {m:7.2f} s  ({m / len(units) * 1000:5.0f} ms/report, "
              f"peak worker memory {peak[engine]:.0f} MB)  runs: "
              + ", ".join(f"{s:.2f}" for s in seconds[engine]))
    w, t = median(seconds["weasyprint"]), median(seconds["typst"])
    print(f"  typst / weasyprint          {t / w:7.2f}")
    if peer:
        p = median(peer)
        print(f"  peer: LibreOffice DOCX→PDF, 2 profiles, same 31 DOCX {p:6.2f} s  runs: "
              + ", ".join(f"{s:.2f}" for s in peer))
        print(f"  ratio typst build (DOCX+PDF) / peer (PDF only)      {t / p:6.2f}  (aim ≤ 0.70)")
        print(f"  ratio weasyprint build (DOCX+PDF) / peer (PDF only) {w / p:6.2f}")


def stages(runs: int) -> None:
    """CPU seconds per report of each stage, one process, warm (after a first pass)."""
    from reportgen.compose import compose_report
    from reportgen.figures import FigureBook
    from reportgen.model import Chart
    from reportgen.render.chart_svg import chart_svg
    from reportgen.render.docx import render_docx
    from reportgen.render.docx_chart import chart_xml, workbook_xlsx
    from reportgen.render.pdf import PdfRenderer
    from reportgen.render.typst_pdf import TypstRenderer
    from reportgen.render.xlsx import render_appendix_xlsx

    dataset = load(SAMPLE)
    book = FigureBook(dataset)
    period = Period.parse(PERIOD)
    units = all_units(dataset)
    weasy, typst = PdfRenderer(), TypstRenderer()

    def charts(model):
        return [b for a in model.appendices for b in a.blocks if isinstance(b, Chart)] + \
            [b for b in model.body if isinstance(b, Chart)]

    def chart_docx(model):
        for chart in charts(model):
            chart_xml(chart)
            workbook_xlsx(chart)

    def chart_pdf(model):
        for chart in charts(model):
            chart_svg(chart)

    steps = {
        "compose": lambda unit, model: compose_report(dataset, book, unit, period),
        "DOCX": lambda unit, model: render_docx(model),
        "XLSX": lambda unit, model: render_appendix_xlsx(model),
        "PDF weasyprint": lambda unit, model: weasy.render(model),
        "PDF typst": lambda unit, model: typst.render(model),
        "chart (DOCX part)": lambda unit, model: chart_docx(model),
        "chart (SVG)": lambda unit, model: chart_pdf(model),
    }
    models = {unit: compose_report(dataset, book, unit, period) for unit in units}
    for unit in units[:2]:  # warm caches (fonts, templates, Typst's compiler)
        for step in steps.values():
            step(unit, models[unit])
    totals = {name: [] for name in steps}
    city = {name: [] for name in steps}
    for _ in range(runs):
        for name, step in steps.items():
            spent = 0.0
            for unit in units:
                started = time.process_time()
                step(unit, models[unit])
                took = time.process_time() - started
                spent += took
                if unit == units[0]:
                    city[name].append(took)
            totals[name].append(spent)
    print(f"CPU per report by stage (one process, warm, median of {runs} passes over "
          f"{len(units)} reports; the city report alone in brackets):")
    for name in steps:
        per = median(totals[name]) / len(units) * 1000
        print(f"  {name:18s} {per:7.1f} ms  (city {median(city[name]) * 1000:6.1f} ms)")


def cold(runs: int) -> None:
    """The clerk's command in a new process: `reportgen build … --unit U` (DOCX + PDF)."""
    print(f"Cold single report (new process, DOCX + PDF + XLSX, median of {runs}):")
    env = dict(os.environ, REPORTGEN_LANG="en")
    for engine in ENGINES:
        for unit, label in (("01", "city"), ("019", "district")):
            times = []
            for _ in range(runs):
                with tempfile.TemporaryDirectory() as out:
                    started = time.perf_counter()
                    subprocess.run([sys.executable, "-m", "reportgen", "build", str(SAMPLE),
                                    "--period", PERIOD, "--unit", unit, "--jobs", "1",
                                    "--pdf-engine", engine, "--out", out],
                                   check=True, capture_output=True, env=env, cwd=ROOT)
                    times.append(time.perf_counter() - started)
            print(f"  {engine:10s} {label:8s} --unit {unit:3s} {median(times):6.2f} s  runs: "
                  + ", ".join(f"{t:.2f}" for t in times))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import reportgen.cli"], check=True, cwd=ROOT)
    print(f"  (python -c 'import reportgen.cli' alone: {time.perf_counter() - started:.2f} s)")


def scale(sizes: list[int], engines: tuple[str, ...] = ENGINES) -> None:
    from reportgen.testing.synth import generate_dataset

    print("Generated province, DOCX + PDF, --jobs 2, one run per size:")
    for size in sizes:
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            path = generate_dataset(work / "ds", units=size, indicators=20, periods=5, depth=3)
            dataset = load(path)
            period = dataset.periods()[-1]
            units = all_units(dataset)
            for engine in engines:
                options = BuildOptions(formats=("docx", "pdf"), engines=(("pdf", engine),))
                seconds, summary = timed(lambda: build(dataset, period, units, work / engine,
                                                       options=options, jobs=2))
                peak = max(o.peak_rss_mb for o in summary.built)
                failed = len(summary.failed)
                print(f"  {engine:10s} {size:4d} units: {seconds:7.1f} s, "
                      f"{len(units) / seconds:6.1f} units/s, peak worker memory {peak:.0f} MB"
                      + (f", {failed} FAILED" if failed else ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--scale-sizes", default="")
    parser.add_argument("--scale-engines", default=",".join(ENGINES))
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--only-scale", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}")
    if not args.only_scale:
        full_builds(args.runs, args.skip_peer)
        stages(args.runs)
        cold(args.cold_runs)
    if args.scale_sizes:
        scale([int(s) for s in args.scale_sizes.split(",")],
              tuple(args.scale_engines.split(",")))


if __name__ == "__main__":
    main()
