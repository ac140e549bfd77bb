"""The library knows no command line: nothing imports the CLI, importing prints and
changes nothing, and a DOCX-only build never loads the PDF engine."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from reportgen import cli
from reportgen.render import FORMATS, REQUESTABLE, format_of, outputs_of

PACKAGE = Path(__file__).resolve().parent.parent / "reportgen"
SAMPLE = PACKAGE / "samples" / "hanoi"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_no_module_outside_the_cli_imports_it():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in ("cli.py", "cli", "__main__.py"):
            continue
        if any(name == "reportgen.cli" or name.startswith("reportgen.cli.") for name in _imports(path)):
            offenders.append(str(relative))
    assert offenders == []


def _python(code: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, **kwargs)


def test_importing_the_build_prints_nothing_and_leaves_the_umask_to_the_write(tmp_path):
    result = _python(
        "import os\n"
        "os.umask(0o077)\n"
        "import reportgen.build as b\n"
        "os.umask(0o022)\n"  # what the caller sets after importing is what files get
        f"b.atomic_write(__import__('pathlib').Path({str(tmp_path / 'f')!r}), b'x')\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert (tmp_path / "f").stat().st_mode & 0o777 == 0o644


def test_a_docx_build_does_not_import_the_pdf_engine(tmp_path):
    result = _python(
        "import sys\n"
        "from reportgen.cli import main\n"
        f"code = main(['build', {str(SAMPLE)!r}, '--period', '2023-H1', '--unit', '019',"
        f" '--format', 'docx', '--out', {str(tmp_path)!r}, '--jobs', '1'])\n"
        "assert code == 0, code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'weasyprint'))\n",
        env=dict(os.environ, REPORTGEN_LANG="en"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "2023-H1" / "019.docx").is_file()



def test_a_docx_build_from_csv_imports_neither_pandas_nor_numpy_nor_pillow(tmp_path):
    # Cold start (issue 14): pandas is for reading workbooks only, and openpyxl (for the
    # appendix XLSX) is imported without numpy and Pillow; each costs a clerk's command
    # 0.1-0.5 s. The sample dataset is CSV.
    result = _python(
        "import sys\n"
        "from reportgen.cli import main\n"
        f"code = main(['build', {str(SAMPLE)!r}, '--period', '2023-H1', '--unit', '019',"
        f" '--format', 'docx', '--out', {str(tmp_path)!r}, '--jobs', '1'])\n"
        "assert code == 0, code\n"
        "heavy = ('pandas', 'numpy', 'PIL', 'weasyprint', 'rich')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n",
        env=dict(os.environ, REPORTGEN_LANG="en"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "2023-H1" / "019.xlsx").is_file()  # openpyxl did write the XLSX

def test_the_format_registry_is_what_the_cli_offers():
    build = next(a for a in cli._parser()._subparsers._group_actions[0].choices["build"]._actions
                 if a.dest == "format")
    assert tuple(build.choices) == REQUESTABLE == ("docx", "pdf")
    assert [f.name for f in outputs_of(("docx",))] == ["docx", "xlsx"]
    assert [f.name for f in outputs_of(("pdf", "docx"))] == ["pdf", "docx", "xlsx"]
    assert format_of("2023-H1/01.xlsx") == "xlsx" and format_of("2023-H1/01.pdf") == "pdf"
    assert format_of("notes.md") is None
    assert all(spec.renderer() for spec in FORMATS.values() if spec.name != "pdf")
