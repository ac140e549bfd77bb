"""Writing output files: whole or not at all, one file mode, zips with fixed metadata.

Every file reportgen publishes (reports, redlines, manifests, period zips, the workbook
`init` writes) goes through `atomic_write`, and every zip (DOCX, XLSX, the period zip,
a redline) through `deterministic_zip`, so the same content always gives the same bytes
and the same permissions whatever the writer library, the clock or the umask.
"""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

FILE_MODE = 0o644  # rw-r--r--: reports and redlines are read by the whole office
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
ZIP_ENTRY_MODE = 0o100000 | FILE_MODE  # a regular file, FILE_MODE
COMPRESS_LEVEL = 6
CONTENT_TYPES = "[Content_Types].xml"


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, fsync, then rename over the target:
    a reader (or a killed build) never sees a partial file. The file gets FILE_MODE."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates 0600; a published file gets one mode, not the umask's.
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _entry_order(name: str) -> tuple[int, str]:
    # [Content_Types].xml first (Office reads it first; some tools insist), then the
    # package relationships, then everything else by name: stable whatever the writer did.
    if name == CONTENT_TYPES:
        return (0, name)
    if name == "_rels/.rels":
        return (1, name)
    return (2, name)


def deterministic_zip(entries: Mapping[str, bytes]) -> bytes:
    """A zip of `entries` (name → bytes) with fixed entry times, order, permissions and
    deflate level: equal entries give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(entries, key=_entry_order):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below is meaningful
            info.external_attr = ZIP_ENTRY_MODE << 16
            target.writestr(info, entries[name], compresslevel=COMPRESS_LEVEL)
    return out.getvalue()


def read_zip(data: bytes) -> dict[str, bytes]:
    """The file entries of the zip `data`, name → bytes, in the archive's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return {info.filename: source.read(info) for info in source.infolist()
                if not info.is_dir()}


def normalize_zip(data: bytes, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite the zip `data` (as python-docx or openpyxl saved it, with the clock and the
    host's modes) through deterministic_zip. `replace` maps entry names to new contents
    (an entry absent from `data` is added), e.g. a part rewritten after the save."""
    contents = read_zip(data)
    contents.update(replace or {})
    return deterministic_zip(contents)


def save_workbook(workbook, created: datetime) -> bytes:
    """An openpyxl workbook as XLSX bytes, the same for the same content: openpyxl stamps
    docProps/core.xml with the clock on save, so that part is written again from
    workbook.properties with created and modified both `created`."""
    from openpyxl.xml.functions import tostring

    buffer = io.BytesIO()
    workbook.save(buffer)
    properties = workbook.properties
    properties.created = properties.modified = utc_naive(created)
    core = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            + tostring(properties.to_tree()))
    return normalize_zip(buffer.getvalue(), replace={"docProps/core.xml": core})


def utc_naive(moment: datetime) -> datetime:
    """A time as every file writes it: UTC without a zone. A naive time is taken as
    already UTC (DOCX and XLSX core properties, PDF metadata, revision dates)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
