"""The wheel works anywhere: built from the source tree, installed with its locked
dependencies into a new virtual environment, and run from an empty folder with no
checkout in sight, it writes the sample city report (DOCX and PDF) and diffs two builds.

reportgen runs from that venv's site-packages (asserted); only the third-party wheels come
from uv's cache, which scripts/setup.sh has filled, so the test takes seconds, not minutes.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE_DATA = ("templates", "samples")

pytestmark = pytest.mark.slow


def _uv() -> str:
    """The uv that scripts/setup.sh installs (or UV=..., or one on PATH)."""
    setup = subprocess.run([REPO / "scripts" / "setup.sh", "--print-uv"], capture_output=True,
                           text=True, check=True).stdout.strip()
    candidates = [os.environ.get("UV", ""), setup, shutil.which("uv") or ""]
    found = next((c for c in candidates if c and Path(c).is_file()), None)
    if found is None:
        pytest.fail("uv not found: run scripts/setup.sh (it installs uv into .tools/)")
    return found


def _run(args, *, cwd: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def _source_copy(target: Path) -> Path:
    """The source tree without the venv, builds and caches: setuptools builds in place
    (build/, *.egg-info) and would otherwise write into the checkout, or pack stale files."""
    ignore = shutil.ignore_patterns(".git", ".venv", ".tools", ".cache", "build", "dist",
                                    "*.egg-info", "__pycache__", ".pytest_cache")
    shutil.copytree(REPO, target, symlinks=True, ignore=ignore)
    return target


def _environment() -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "REPORTGEN_LANG", "PYTHONHOME")}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(the wheel, the source copy it was built from)."""
    work = tmp_path_factory.mktemp("wheel")
    source = _source_copy(work / "src")
    # Without --wheel, uv builds the sdist and the wheel from it: both must carry the data.
    _run([_uv(), "build", "--quiet", "--out-dir", work / "dist", "--python", sys.executable],
         cwd=source, env=_environment())
    (wheel,) = (work / "dist").glob("reportgen-*.whl")
    return wheel, source


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> tuple[Path, dict]:
    """(the bin folder of a new venv holding the wheel, an environment for its commands)."""
    wheel, source = built
    uv, env, work = _uv(), _environment(), tmp_path_factory.mktemp("venv")
    # The locked versions of the runtime dependencies (no extras, no dev tools), then the
    # wheel itself: what a user of the wheel gets, at the versions CI tested.
    requirements = work / "requirements.txt"
    _run([uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-header",
          "--output-file", requirements], cwd=source, env=env)
    venv = work / "venv"
    _run([uv, "venv", "--quiet", "--python", sys.executable, venv], cwd=work, env=env)
    _run([uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python",
          "-r", requirements], cwd=work, env=env)
    _run([uv, "pip", "install", "--quiet", "--no-deps", "--python", venv / "bin" / "python", wheel],
         cwd=work, env=env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return venv / "bin", env


def test_the_wheel_carries_the_templates_the_sample_and_the_catalogues(built):
    wheel, _source = built
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    package = REPO / "reportgen"
    shipped = {path.relative_to(REPO).as_posix()
               for folder in PACKAGE_DATA for path in (package / folder).rglob("*")
               if path.is_file() and "__pycache__" not in path.parts}
    assert shipped and shipped <= names, sorted(shipped - names)
    assert {"reportgen/samples/hanoi/notes/2023-H1/01.md", "reportgen/catalogue/core.csv",
            "reportgen/templates/docx/reference.docx",
            "reportgen/locale/vi/LC_MESSAGES/reportgen.po",
            "reportgen/locale/vi/LC_MESSAGES/reportgen.mo"} <= names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode()
    return html.unescape(" ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_the_installed_wheel_builds_the_sample_report_from_an_empty_folder(installed, tmp_path):
    bin_dir, env = installed
    here = tmp_path / "empty"
    here.mkdir()
    reportgen = bin_dir / "reportgen"

    where = _run([bin_dir / "python", "-c", "import reportgen, reportgen.resources as r; "
                  "print(reportgen.__file__); print(r.package_path('samples', 'hanoi'))"],
                 cwd=here, env=env).stdout.splitlines()
    site_packages = Path(where[0]).parent.parent
    assert site_packages.name == "site-packages" and bin_dir.parent in site_packages.parents
    assert REPO not in Path(where[0]).parents
    version = _run([reportgen, "--version"], cwd=here, env=env).stdout
    assert re.fullmatch(r"reportgen \d+\.\d+\S*\n", version), version

    # A blank workbook and the sample both come from the installed package alone.
    created = _run([reportgen, "init", "du-lieu.xlsx"], cwd=here, env=env)
    assert (here / "du-lieu.xlsx").is_file(), created.stdout
    _run([reportgen, "init", "--sample", "hanoi"], cwd=here, env=env)
    sample = here / "hanoi"
    _run([reportgen, "validate", sample], cwd=here, env=env)
    figures = _run([reportgen, "figures", sample, "--period", "2023-H1", "--unit", "01"],
                   cwd=here, env=env).stdout
    assert "809" in figures and "1.200" in figures

    build = ["build", "--period", "2023-H1", "--unit", "01", "--format", "docx", "--format", "pdf"]
    _run([reportgen, build[0], sample, *build[1:], "--out", "old"], cwd=here, env=env)
    report = here / "old" / "2023-H1"
    assert "809/1.200" in _docx_text(report / "01.docx")
    assert "809/1.200" in _pdf_text(report / "01.pdf")

    # A second build after a clerk's edit of the city's notes: the diff of the two build
    # folders finds that one report changed.
    edited = here / "edited"
    shutil.copytree(sample, edited)
    notes = edited / "notes" / "2023-H1" / "01.md"
    notes.write_text(notes.read_text(encoding="utf-8").replace(
        "## Tình hình chung\n\n", "## Tình hình chung\n\nĐã rà soát lại số liệu.\n\n", 1),
        encoding="utf-8")
    _run([reportgen, build[0], edited, *build[1:], "--out", "new"], cwd=here, env=env)
    diff = _run([reportgen, "diff", "old", "new", "--out", "redline", "--lang", "en"], cwd=here, env=env).stdout
    assert "1 unit report(s) changed, 0 unchanged" in diff, diff
    assert "01" in diff and list((here / "redline").rglob("*.docx"))
