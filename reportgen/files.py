"""Writing output files: whole or not at all, one file mode, zips with fixed metadata.

Every file reportgen publishes (reports, redlines, manifests, period zips, the workbook
`init` writes) goes through `atomic_write`, and every zip (DOCX, XLSX, the period zip,
a redline) through `deterministic_zip`, so the same content always gives the same bytes
and the same permissions whatever the writer library, the clock or the umask.

Writes stay inside the folder they are given (`write_inside`): the relative path is
checked (reportgen.safety.paths), its folders are reached without following a link, the
temporary name is the tool's own `.reportgen-<16 hex>.tmp` (the only names the stale-temp
sweep removes), and a link planted where the file goes is replaced, never followed. Every
OSError or refusal on the way is an `OutputError` naming the file and what to do.
"""
from __future__ import annotations

import errno
import io
import os
import zipfile
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

from reportgen.errors import OutputError
from reportgen.i18n import N_
from reportgen.safety import paths as safe_paths
from reportgen.safety.archives import checked_zip_entry_name
from reportgen.safety.limits import SafetyError

FILE_MODE = 0o644  # rw-r--r--: reports and redlines are read by the whole office
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
ZIP_ENTRY_MODE = 0o100000 | FILE_MODE  # a regular file, FILE_MODE
COMPRESS_LEVEL = 6
CONTENT_TYPES = "[Content_Types].xml"


NOT_A_FOLDER = N_("cannot write into {path}: it is a file, not a folder. Give a folder "
                  "(a new name, or an existing folder) and run again.")
DISK_FULL = N_("cannot write {path}: the disk is full. Free some space or choose another "
               "folder, then run again; the files already written are kept.")
READ_ONLY = N_("cannot write {path}: the disk or folder is read-only. Choose another folder "
               "and run again.")
NO_PERMISSION = N_("cannot write {path}: permission denied. Choose a folder you can write "
                   "to, or ask whoever manages the computer for access.")
FOLDER_IN_THE_WAY = N_("cannot write {path}: a folder of that name is in the way. Move it "
                       "away and run again.")
CANNOT_WRITE = N_("cannot write {path}: {reason}. Check the folder and the disk, then run again.")
CANNOT_READ = N_("cannot read {path}: {reason}. Check the file and its permissions, then run again.")
_BY_ERRNO = {errno.ENOSPC: DISK_FULL, errno.EDQUOT: DISK_FULL, errno.EROFS: READ_ONLY,
             errno.EACCES: NO_PERMISSION, errno.EPERM: NO_PERMISSION,
             errno.ENOTDIR: NOT_A_FOLDER, errno.EISDIR: FOLDER_IN_THE_WAY}


def output_error(error: OSError, path: str | os.PathLike, *, reading: bool = False) -> OutputError:
    """The OSError met while writing (or reading) `path`, as a message a user can act on."""
    message = CANNOT_READ if reading else _BY_ERRNO.get(error.errno, CANNOT_WRITE)
    reason = error.strerror or type(error).__name__
    return OutputError(message, path=str(path), reason=reason)


def refused(error: SafetyError) -> OutputError:
    """A refusal of reportgen.safety (a link, a path outside the folder) as an OutputError."""
    return OutputError(error.message, refusal=error, **error.params)


def check_folder(folder: str | os.PathLike) -> Path:
    """`folder` as a Path, refused with NOT_A_FOLDER when it (or a parent) is a file."""
    folder = Path(folder)
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            if not candidate.is_dir():
                raise OutputError(NOT_A_FOLDER, path=str(candidate))
            break
    return folder


def write_inside(root: str | os.PathLike, relative: str, data: bytes) -> Path:
    """Write root/relative whole or not at all: the tool's temp name, fsync, rename over
    the target; no link below root followed, the path checked to stay inside root. The
    file gets FILE_MODE. Raises OutputError (never a bare OSError)."""
    root = check_folder(root)
    try:
        target = safe_paths.atomic_write_inside(root, relative, data)
        # The mode is set on the renamed file through its folder, never through a link.
        os.chmod(target, FILE_MODE, follow_symlinks=False)
        return target
    except SafetyError as error:
        raise refused(error) from None
    except OSError as error:
        raise output_error(error, Path(root) / relative) from None


def atomic_write(path: Path, data: bytes) -> None:
    """write_inside(path.parent, path.name, data): for files whose folder the user named."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(NOT_A_FOLDER, path=str(path.parent)) from None
    except OSError as error:
        raise output_error(error, path.parent) from None
    write_inside(path.parent, path.name, data)


def read_inside(root: str | os.PathLike, relative: str, *, max_bytes: int | None = None,
                limit: str = "json_bytes") -> bytes:
    """root/relative's bytes, without following a link below root (OutputError if the
    path is refused or cannot be read; LimitExceeded above max_bytes)."""
    try:
        if max_bytes is not None:
            return safe_paths.read_inside(root, relative, max_bytes=max_bytes, limit=limit)
        with safe_paths.open_inside(root, relative, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise output_error(error, Path(root) / relative, reading=True) from None


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
            # A name that would escape on extraction ("../x", "/etc/x", "C:x") is refused.
            info = zipfile.ZipInfo(checked_zip_entry_name(name), date_time=FIXED_DATE_TIME)
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
