"""The README's "Using reportgen from Python" blocks run as written, in order."""
from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _api_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Using reportgen from Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_python_api_section_runs(tmp_path, monkeypatch, capsys):
    blocks = _api_blocks()
    assert len(blocks) == 6  # load, validate, figures, compose, render, build
    monkeypatch.chdir(tmp_path)  # "from any folder"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    assert namespace["dataset"] is not None and namespace["checked"].ok
    assert namespace["figures"]  # the city has figures for 2023-H1
    assert namespace["docx_bytes"][:2] == b"PK"
    summary = namespace["summary"]
    assert sorted(o.unit for o in summary.built) == ["01", "019"] and not summary.failed
    assert "2023-H1/019.docx" in next(o for o in summary.built if o.unit == "019").written
    assert "2/2 " in capsys.readouterr().out  # the progress callback ran
