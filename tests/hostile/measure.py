"""Refuse one hostile file in a fresh interpreter and print its peak memory (used by
test_memory.py; run by hand: python -m tests.hostile.measure xlsx_bomb FILE).

Prints "<peak RSS in KiB> <outcome>" where outcome is REFUSED:<limit> or ACCEPTED."""
from __future__ import annotations

import resource
import sys
from pathlib import Path


def refuse(kind: str, path: Path) -> str:
    from reportgen.safety.archives import CheckedZip, check_sheet_rows
    from reportgen.safety.limits import LimitExceeded, SafetyError
    from reportgen.safety.yamlsafe import load_yaml

    try:
        if kind == "yaml":
            load_yaml(path.read_bytes(), file=path.name)
        else:
            with CheckedZip(path) as archive:
                check_sheet_rows(archive)
                archive.read_entries()
    except LimitExceeded as error:
        return f"REFUSED:{error.limit}"
    except SafetyError as error:
        return f"REFUSED:{type(error).__name__}"
    return "ACCEPTED"


def diff(path: Path) -> str:
    import tempfile

    from reportgen.diff import DiffInputError, diff_paths
    from reportgen.safety.limits import Limits

    try:
        with tempfile.TemporaryDirectory() as out:
            diff_paths(path, path, Path(out))
    except DiffInputError as error:
        text = error.translated()
        limit = next((name for name in Limits.names() if f"{name} =" in text), None)
        return f"REFUSED:{limit or 'other'}"
    return "ACCEPTED"


def main() -> None:
    kind, path = sys.argv[1], Path(sys.argv[2])
    if kind == "diff-baseline":  # the interpreter with the diff imported
        import reportgen.diff  # noqa: F401
        outcome = "BASELINE"
    elif kind == "diff":  # reportgen diff FILE FILE, as a user runs it
        outcome = diff(path)
    elif kind == "baseline":
        import reportgen.safety.archives, reportgen.safety.yamlsafe  # noqa: F401  imports only
        outcome = "BASELINE"
    elif kind == "pandas":  # what the current loader does with a workbook
        import pandas as pd
        try:
            pd.read_excel(path, sheet_name=None, dtype=str, header=None, engine="openpyxl")
            outcome = "ACCEPTED"
        except Exception as error:
            outcome = f"FAILED:{type(error).__name__}"
    else:
        outcome = refuse(kind, path)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, outcome)


if __name__ == "__main__":
    main()
