"""openpyxl for the appendix XLSX, imported without numpy and Pillow when that is safe.

openpyxl imports numpy (about 0.2 s of CPU) only to count numpy scalars as numbers when
a cell is set, and Pillow (about 0.1 s) only to embed or read images. The appendix
workbook holds int, Decimal, str and None and no image, and the project reads workbooks
read-only (no images either). So when openpyxl is not loaded yet and no other thread
could be importing meanwhile, whichever of the two is not loaded already is hidden from
openpyxl's import; a later `import numpy` or `import PIL` elsewhere works as usual. The
bytes written are the same either way (tests/render/test_xlsx.py). The build's fork
server preloads this module.
"""
from __future__ import annotations

import sys
import threading

if "openpyxl" not in sys.modules and threading.active_count() == 1:
    _hidden = [name for name in ("numpy", "PIL") if name not in sys.modules]
    for _name in _hidden:
        sys.modules[_name] = None  # type: ignore[assignment]  # importing it raises ImportError
    try:
        import openpyxl  # noqa: F401
    finally:
        for _name in _hidden:
            del sys.modules[_name]

import openpyxl  # noqa: E402
from openpyxl.styles import Font  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

__all__ = ["openpyxl", "Font", "get_column_letter"]
