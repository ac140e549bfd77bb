"""Make OOXML zips (DOCX, XLSX) byte-identical for identical content.

python-docx and openpyxl write each zip entry with the wall clock, in their own order and
with the host's permission bits. Rewriting the archive with fixed metadata means the same
ReportModel always yields the same bytes, so build caches and diffs can compare files.
Core properties (docProps/core.xml) are not touched here: the renderers set them from
ReportModel.info; `replace` lets a renderer swap in a part written after the fact.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
FIXED_MODE = 0o100644  # regular file, rw-r--r--
COMPRESS_LEVEL = 6
CONTENT_TYPES = "[Content_Types].xml"


def _entry_order(name: str) -> tuple[int, str]:
    # [Content_Types].xml first (Office reads it first; some tools insist), then the
    # package relationships, then everything else by name: stable whatever the writer did.
    if name == CONTENT_TYPES:
        return (0, name)
    if name == "_rels/.rels":
        return (1, name)
    return (2, name)


def normalize_zip(data: bytes, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite the zip `data` with fixed entry times, order, permissions and deflate.

    `replace` maps entry names to new contents (an entry absent from `data` is added).
    """
    replace = dict(replace or {})
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        contents = {info.filename: source.read(info) for info in source.infolist()
                    if not info.is_dir()}
    contents.update(replace)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(contents, key=_entry_order):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below is meaningful
            info.external_attr = FIXED_MODE << 16
            target.writestr(info, contents[name], compresslevel=COMPRESS_LEVEL)
    return out.getvalue()
