"""Benchmark: our HTML → PDF path against LibreOffice converting the same report's DOCX.

Prints medians of N runs (default 5) for:
  render_html                     warm process
  render_pdf                      warm process, the module's reused PdfRenderer
  render_pdf, pdf/a-3b            warm process
  PdfRenderer() + render          a fresh renderer each time (what reuse saves)
  LibreOffice, 1 file (cold)      one `soffice --convert-to pdf` of one DOCX
  LibreOffice, per file in batch  one `soffice` call with B DOCX inputs, divided by B
and the ratios of render_pdf to the two LibreOffice figures (below 1: we are faster).
Then the same for the real sample reports of --dataset (default datasets/hanoi,
2023-H1): the city report (unit 01, ~14 pages, chart and four appendix tables) and a
district report (unit 019), each render_pdf warm with the reused renderer; LibreOffice
converts their DOCX (render_docx): one cold file each, and a batch of B copies of the
district DOCX (the bulk case: one district-sized file per district).
Each line shows wall-clock and CPU seconds (ours: this process; LibreOffice: the child
processes, from getrusage): on a shared machine CPU time is the steadier comparison.

    .venv/bin/python benchmarks/pdf_render.py [--runs 5] [--rows 31] [--batch 31] [--no-lo]
        [--dataset datasets/hanoi] [--no-real]
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reportgen.render.html import render_html  # noqa: E402
from reportgen.render.pdf import PdfRenderer, render_pdf  # noqa: E402
from tests.model_factory import sample_model  # noqa: E402


def median_seconds(action, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `runs` calls (CPU: self plus children)."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu_start = _cpu()
        start = time.perf_counter()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu_start)
    return statistics.median(walls), statistics.median(cpus)


def _cpu() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next((int(line.split()[-1]) for line in out.splitlines()
                 if line.startswith("Pages:")), 0)


def soffice_convert(soffice: str, profile: Path, inputs: list[Path], outdir: Path) -> None:
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(outdir), *map(str, inputs)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def libreoffice_figures(model, runs: int, batch: int) -> dict | None:
    """LibreOffice converting the model's DOCX: cold single file, and per file in a
    batch of `batch` copies (batch 0: no batch run, per_file None)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice not found: skipping the comparison")
        return None
    try:
        from reportgen.render.docx import render_docx
    except ImportError as error:
        print(f"render_docx not importable ({error}): skipping the comparison")
        return None
    with tempfile.TemporaryDirectory(prefix="rg-bench-") as tmp:
        tmp = Path(tmp)
        profile = tmp / "profile"
        docx = render_docx(model)
        one = tmp / "one" / "report.docx"
        one.parent.mkdir()
        one.write_bytes(docx)
        many = []
        for index in range(batch):
            path = tmp / "many" / f"report-{index + 1:02d}.docx"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(docx)
            many.append(path)
        # First start creates the user profile; not counted.
        soffice_convert(soffice, profile, [one], tmp / "out-warmup")
        pages = page_count(tmp / "out-warmup" / "report.pdf")
        cold = median_seconds(
            lambda: soffice_convert(soffice, profile, [one], tmp / "out-one"), runs)
        per_file = None
        if many:
            batch_total = median_seconds(
                lambda: soffice_convert(soffice, profile, many, tmp / "out-many"), runs)
            per_file = (batch_total[0] / batch, batch_total[1] / batch)
    return {"cold": cold, "per_file": per_file, "pages": pages}


def pdf_facts(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return f"{page_count(Path(handle.name))} pages, {len(pdf) // 1024} KiB"


def real_models(dataset: Path):
    """The city (01) and district (019) reports of 2023-H1, or None without the data."""
    if not dataset.is_dir():
        print(f"{dataset} not found: skipping the real reports")
        return None
    from reportgen.compose import compose_report
    from reportgen.dataset import load_dataset
    from reportgen.figures import FigureBook
    from reportgen.periods import Period

    data = load_dataset(dataset).dataset
    book = FigureBook(data)
    period = Period.parse("2023-H1")
    return {"city 01": compose_report(data, book, "01", period),
            "district 019": compose_report(data, book, "019", period)}


def real_reports(args, line) -> None:
    models = real_models(Path(args.dataset))
    if not models:
        return
    print(f"real reports: {args.dataset}, 2023-H1; medians of {args.runs} warm runs")
    ours = {}
    for name, model in models.items():
        pdf = render_pdf(model)  # warm: this report's chart, glyphs, layout caches
        ours[name] = median_seconds(lambda: render_pdf(model), args.runs)
        line(f"render_pdf {name}", ours[name], pdf_facts(pdf))
    if args.no_lo:
        return
    district = models["district 019"]
    for name, model in models.items():
        lo = libreoffice_figures(model, args.runs, args.batch if model is district else 0)
        if not lo:
            return
        line(f"LibreOffice {name}, 1 file cold", lo["cold"], f"{lo['pages']} pages")
        ratio(f"render_pdf / LO cold, {name}", ours[name], lo["cold"])
        if lo["per_file"]:
            line(f"LibreOffice per file, batch of {args.batch}", lo["per_file"],
                 f"{name} DOCX x {args.batch}")
            ratio(f"render_pdf / LO batch file, {name}", ours[name], lo["per_file"])


def ratio(label: str, ours: tuple[float, float], theirs: tuple[float, float]) -> None:
    print(f"  {'ratio ' + label:<48}{ours[0] / theirs[0]:8.2f} {ours[1] / theirs[1]:8.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=31, help="appendix table rows")
    parser.add_argument("--batch", type=int, default=31, help="files per soffice call")
    parser.add_argument("--no-lo", action="store_true", help="skip LibreOffice")
    parser.add_argument("--dataset", default=str(REPO / "datasets" / "hanoi"),
                        help="dataset of the real city and district reports")
    parser.add_argument("--no-real", action="store_true", help="skip the real reports")
    args = parser.parse_args(argv)

    model = sample_model(appendix_rows=args.rows)
    pdf = render_pdf(model)  # warm: fonts, stylesheet, chart, imports
    render_pdf(model, variant="pdf/a-3b")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        pages = page_count(Path(handle.name))

    html = median_seconds(lambda: render_html(model), args.runs)
    ours = median_seconds(lambda: render_pdf(model), args.runs)
    ours_a = median_seconds(lambda: render_pdf(model, variant="pdf/a-3b"), args.runs)
    fresh = median_seconds(lambda: PdfRenderer().render(model), args.runs)

    def line(label: str, figures: tuple[float, float], note: str = "") -> None:
        print(f"  {label:<48}{figures[0]:8.3f} {figures[1]:8.3f}   {note}".rstrip())

    print(f"model: sample_model(appendix_rows={args.rows}); medians of {args.runs} runs")
    print(f"  {'':<48}{'wall s':>8} {'cpu s':>8}")
    line("render_html", html)
    line("render_pdf (reused renderer)", ours, f"{pages} pages, {len(pdf) // 1024} KiB")
    line("render_pdf pdf/a-3b", ours_a)
    line("PdfRenderer() + render (no reuse)", fresh)
    if not args.no_lo:
        lo = libreoffice_figures(model, args.runs, args.batch)
        if lo:
            line("LibreOffice DOCX→PDF, 1 file cold", lo["cold"], f"{lo['pages']} pages")
            line(f"LibreOffice per file, batch of {args.batch}", lo["per_file"])
            for label, theirs in (("LO cold", lo["cold"]), ("LO batch file", lo["per_file"])):
                ratio("render_pdf / " + label, ours, theirs)
    if not args.no_real:
        real_reports(args, line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
