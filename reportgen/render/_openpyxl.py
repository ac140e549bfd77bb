"""openpyxl for the appendix XLSX, imported without numpy when that is safe.

openpyxl imports numpy (about 0.2 s of CPU, half of openpyxl's own import) only to count
numpy scalars as numbers when a cell is set. The appendix workbook holds int, Decimal,
str and None only, so when numpy is not loaded already and no other thread could be
importing it meanwhile, numpy is hidden from that one import. The bytes written are the
same either way (tests/render/test_xlsx.py). The build's fork server preloads this module.
"""
from __future__ import annotations

import sys
import threading

if "openpyxl.compat.numbers" not in sys.modules and "numpy" not in sys.modules \
        and threading.active_count() == 1:
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
    try:
        import openpyxl.compat.numbers  # noqa: F401
    finally:
        del sys.modules["numpy"]

import openpyxl  # noqa: E402
from openpyxl.styles import Font  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

__all__ = ["openpyxl", "Font", "get_column_letter"]
