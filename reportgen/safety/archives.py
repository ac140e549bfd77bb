"""ZIP archives (xlsx, docx, the web upload zip) inspected before any parser sees them.

`inspect_zip` reads only the central directory: entry count, every name (refused when
absolute, "..", backslash, drive, NUL/control, a symlink, a duplicate — also a duplicate
after case folding, which would silently replace a file on Windows/macOS), encrypted or
unsupported compression, each entry's declared inflated size, the total and the ratio.

A lying header does not help: zipfile yields at most the central directory's declared
`file_size` for an entry (and then fails the CRC), and `CheckedZip.read` / `.open`
additionally count the bytes actually inflated and stop at the declared size and the
limits, so memory is bounded by what was checked, not by what the stream says.

`CheckedZip` keeps the one open handle it inspected, so the file cannot be swapped
between the check and the parse; `stream()` hands that same handle (rewound) to
openpyxl / pandas / python-docx, `read_entries()` gives lxml bounded bytes.
"""
from __future__ import annotations

import io
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from reportgen.i18n import N_
from reportgen.safety import paths
from reportgen.safety.limits import LimitExceeded, Limits, SafetyError, check

_CHUNK = 64 * 1024
# What zipfile raises on damaged input (found by tests/hostile/test_properties.py).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError,
               NotImplementedError, RuntimeError, struct.error, zlib.error)
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class ArchiveError(SafetyError):
    """The file is not a ZIP we accept (damaged, encrypted, odd names...)."""


def _not_a_zip(file: str, reason: str) -> ArchiveError:
    return ArchiveError(N_("the file is not a readable ZIP archive (xlsx/docx): {reason}"), file=file,
                        fix=N_("save it again from Excel/Word/LibreOffice, or send the original file"),
                        reason=reason)


@dataclass(frozen=True)
class Entry:
    name: str
    size: int            # declared inflated size (central directory)
    compressed: int
    is_dir: bool


@dataclass(frozen=True)
class Inspection:
    entries: tuple[Entry, ...]
    total: int

    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entries)


def _check_name(info: zipfile.ZipInfo, file: str) -> None:
    name = info.filename
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_ISLNK(mode):
        raise ArchiveError(N_("the archive entry \"{entry}\" is a symbolic link"), file=file,
                           fix=N_("make the archive again from plain files"), entry=name)
    # The raw name as stored: zipfile may have changed "\\" to "/" on some systems.
    raw = getattr(info, "orig_filename", name)
    try:
        for candidate in {raw, name}:
            paths.check_relative(candidate, file=file)
    except paths.UnsafeNameError as error:
        raise ArchiveError(N_("the archive entry \"{entry}\" is refused: {reason}"), file=file,
                           fix=N_("make the archive again from plain files"),
                           entry=repr(raw)[1:-1][:200], reason=error.params["reason"]) from None


def inspect_zip(handle: BinaryIO, *, file: str, limits: Limits) -> tuple[zipfile.ZipFile, Inspection]:
    """Open and check an archive from its central directory (nothing is inflated)."""
    try:
        archive = zipfile.ZipFile(handle)
    except _ZIP_ERRORS as error:
        raise _not_a_zip(file, type(error).__name__) from None
    try:
        infos = archive.infolist()
        check(limits, "archive_entries", len(infos), file=file)
        seen: dict[str, str] = {}
        entries = []
        total = 0
        for info in infos:
            _check_name(info, file)
            folded = info.filename.rstrip("/").casefold()
            if folded in seen:
                raise ArchiveError(N_("the archive has two entries named \"{entry}\" (\"{other}\")"),
                                   file=file, fix=N_("make the archive again from plain files"),
                                   entry=info.filename, other=seen[folded])
            seen[folded] = info.filename
            if info.flag_bits & 0x1:
                raise ArchiveError(N_("the archive entry \"{entry}\" is encrypted"), file=file,
                                   fix=N_("save the file without a password"), entry=info.filename)
            if info.compress_type not in _METHODS:
                raise ArchiveError(N_("the archive entry \"{entry}\" uses an unsupported compression"),
                                   file=file, fix=N_("save it again from Excel/Word/LibreOffice, or send the original file"),
                                   entry=info.filename)
            check(limits, "archive_entry_bytes", info.file_size, file=file, where=info.filename)
            if info.file_size > limits.archive_ratio_floor_bytes:
                ratio = info.file_size // max(info.compress_size, 1)
                check(limits, "archive_ratio", ratio, file=file, where=info.filename)
            total += info.file_size
            check(limits, "archive_total_bytes", total, file=file)
            entries.append(Entry(info.filename, info.file_size, info.compress_size, info.is_dir()))
    except BaseException:
        archive.close()
        raise
    return archive, Inspection(tuple(entries), total)


class _Bounded(io.RawIOBase):
    """Reads one entry, never more than its declared size (and the archive's budget)."""

    def __init__(self, owner: "CheckedZip", raw: IO[bytes], entry: Entry):
        self._owner, self._raw, self._entry, self._read = owner, raw, entry, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        want = min(len(buffer), self._entry.size - self._read + 1)
        try:
            data = self._raw.read(max(want, 1))
        except _ZIP_ERRORS as error:  # CRC, truncation
            raise _not_a_zip(self._owner.file, f"{self._entry.name}: {type(error).__name__}") from None
        self._read += len(data)
        if self._read > self._entry.size:
            raise _not_a_zip(self._owner.file, f"{self._entry.name}: larger than its header says")
        self._owner._spend(len(data), self._entry)
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class CheckedZip:
    """An inspected archive. Use as a context manager; it owns the handle."""

    def __init__(self, source: str | os.PathLike | bytes | BinaryIO, *, file: str | None = None,
                 limits: Limits | None = None):
        self.limits = limits or Limits.from_environ()
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._handle: BinaryIO = io.BytesIO(bytes(source))
            self.file = file or "<bytes>"
        elif isinstance(source, (str, os.PathLike)):
            self.file = file or Path(source).name
            try:
                fd = os.open(source, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
            except OSError as error:
                raise SafetyError(N_("cannot open the file: {reason}"), file=self.file,
                                  fix=N_("check the path and the file's permissions"),
                                  reason=error.strerror or type(error).__name__) from None
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise _not_a_zip(self.file, "not a regular file")
            os.set_blocking(fd, True)
            self._handle = os.fdopen(fd, "rb")
        else:
            self._handle = source
            self.file = file or getattr(source, "name", "<stream>")
        try:
            self.zip, self.inspection = inspect_zip(self._handle, file=self.file, limits=self.limits)
        except BaseException:
            if not isinstance(source, (bytes, bytearray, memoryview)) and not hasattr(source, "read"):
                self._handle.close()
            raise
        self._by_name = {e.name: e for e in self.inspection.entries}
        self._spent = 0

    def __enter__(self) -> "CheckedZip":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.zip.close()
        self._handle.close()

    def _spend(self, count: int, entry: Entry) -> None:
        self._spent += count
        if self._spent > self.limits.archive_total_bytes:
            raise LimitExceeded("archive_total_bytes", self.limits.archive_total_bytes, self._spent,
                                file=self.file, where=entry.name)

    def names(self) -> tuple[str, ...]:
        return self.inspection.names()

    def open(self, name: str) -> BinaryIO:
        entry = self._by_name.get(name)
        if entry is None:
            raise _not_a_zip(self.file, f"no entry {name}")
        try:  # the local header is read here: damaged, or not matching the directory
            raw = self.zip.open(name)
        except _ZIP_ERRORS as error:
            raise _not_a_zip(self.file, f"{name}: {type(error).__name__}") from None
        return io.BufferedReader(_Bounded(self, raw, entry), _CHUNK)

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()

    def read_entries(self) -> dict[str, bytes]:
        """Every file entry's bytes in archive order (for lxml), bounded by the limits."""
        return {e.name: self.read(e.name) for e in self.inspection.entries if not e.is_dir}

    def stream(self) -> BinaryIO:
        """The very handle that was inspected, rewound, for openpyxl/pandas/python-docx.
        zipfile (which they all use) inflates at most the declared sizes checked here."""
        self._handle.seek(0)
        return self._handle


_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_SMALLEST_ROW = len(b"<row/>")


def check_sheet_rows(archive: CheckedZip, *, sheet_prefix: str = "xl/worksheets/") -> dict[str, int]:
    """Rows per worksheet, counted before openpyxl builds any cell; a sheet above
    sheet_rows is refused. A sheet too small to hold that many rows is not even read;
    the others are scanned as bytes (a regex over streamed chunks: ~100 MB/s, no XML
    tree), which can only over-count (a "<row>" inside a comment), never under-count."""
    limit = archive.limits.sheet_rows
    counts = {}
    for entry in archive.inspection.entries:
        name = entry.name
        if entry.is_dir or not (name.startswith(sheet_prefix) and name.endswith(".xml")):
            continue
        if entry.size < (limit + 1) * _SMALLEST_ROW:
            continue
        rows = 0
        carry = b""
        with archive.open(name) as stream:
            while chunk := stream.read(4 * _CHUNK * 16):
                data = carry + chunk
                cut = data.rfind(b"<")
                data, carry = (data[:cut], data[cut:]) if cut >= 0 else (data, b"")
                rows += len(_ROW.findall(data))
                if rows > limit:
                    raise LimitExceeded("sheet_rows", limit, f"> {limit}", file=archive.file, where=name)
            rows += len(_ROW.findall(carry))
        if rows > limit:
            raise LimitExceeded("sheet_rows", limit, f"> {limit}", file=archive.file, where=name)
        counts[name] = rows
    return counts


def safe_extract(archive: CheckedZip, destination: str | os.PathLike) -> list[Path]:
    """Extract an upload zip into an (empty or new) folder: every name checked, every file
    created new (O_EXCL, no links followed), every byte counted against the limits."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in archive.inspection.entries:
        parts = paths.check_relative(entry.name, file=archive.file)
        relative = "/".join(parts)
        if entry.is_dir:
            paths.safe_join(destination, relative).mkdir(parents=True, exist_ok=True)
            continue
        with archive.open(entry.name) as source, paths.open_inside(destination, relative, "xb") as target:
            while chunk := source.read(_CHUNK):
                target.write(chunk)
        written.append(destination.joinpath(*parts))
    return written


def checked_zip_entry_name(name: str) -> str:
    """For writers (write_zip, write_package): the entry name is a clean relative path."""
    return paths.entry_path(name)
