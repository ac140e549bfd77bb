"""Codes are identifiers; every path stays inside the folder named on the command line.

The code grammar (unit, indicator and period codes; spec: interface.md):

    code := [A-Za-z0-9] [A-Za-z0-9_-]{0,31}        (1 to 32 characters)
            and not a reserved Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9)

ASCII only, on purpose: a code becomes a file name and a zip entry name, and Vietnamese
letters have two Unicode spellings (NFC on Linux/Windows, NFD on macOS) and no agreed
zip encoding, so "Hà" could name two files or collide with one. Names stay Vietnamese;
codes are like "001", "rehab_compulsory", "2023-H1". No dots (no "..", no extension
games), no separators, no control characters, no leading "-" or "_" (an option or a
hidden-looking file).

Opening: `open_inside` walks the relative path one component at a time with
`openat(..., O_NOFOLLOW)`, so no symlink below the root is followed, not even one that
points back inside. Resolve-then-check has a window between the check and the open in
which a symlink can be swapped in; the component walk has none, and a dataset never needs
a link (copy the file). The root itself may be a symlink: the user named it.

The lock is a regular file the tool opens with O_NOFOLLOW and refuses if it is a link,
not a regular file, hard-linked elsewhere, or holds anything but a pid. Temporary files
are `.reportgen-<16 hex>.tmp`, created with O_EXCL|O_NOFOLLOW; the sweep removes only
regular files matching exactly that pattern.
"""
from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Iterator

from reportgen.i18n import N_
from reportgen.safety.limits import Msg, SafetyError

CODE_MAX = 32
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL"}
                           | {f"{d}{n}" for d in ("COM", "LPT") for n in range(10)})
TEMP_PREFIX = ".reportgen-"
TEMP_PATTERN = re.compile(r"\.reportgen-[0-9a-f]{16}\.tmp")
LOCK_NAME = ".reportgen.lock"
NAME_MAX = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafeNameError(SafetyError):
    """A code or a relative path that must not become part of a file name."""


class OutsideRootError(SafetyError):
    """A path that would leave (or link out of) its root folder."""


def is_code(text: object) -> bool:
    return (isinstance(text, str) and CODE_PATTERN.fullmatch(text) is not None
            and text.upper() not in RESERVED_NAMES)


def check_code(text: object, *, kind: str = "code", file: str | None = None,
               where: str | None = None) -> str:
    """The code itself, or UnsafeNameError saying what the grammar is."""
    if not is_code(text):
        raise UnsafeNameError(
            N_("the {kind} \"{code}\" is not a valid code"), file=file, where=where,
            fix=N_("use 1 to 32 ASCII letters, digits, \"_\" or \"-\", starting with a letter or "
                   "digit (for example 001, rehab_compulsory, 2023-H1)"),
            kind=kind, code=str(text)[:80])
    return text  # type: ignore[return-value]


def check_relative(relpath: str | os.PathLike, *, file: str | None = None) -> tuple[str, ...]:
    """Split a relative path (a manifest entry, a zip member, a notes file) into its
    components, refusing absolute paths, drives, "..", ".", empty components, backslashes,
    NUL and control characters, over-long names and reserved device names."""
    text = os.fspath(relpath)
    reason = None
    if not isinstance(text, str) or not text:
        reason = N_("it is empty")
    elif "\\" in text:
        reason = N_("it contains a backslash")
    elif _CONTROL.search(text):
        reason = N_("it contains a control character")
    elif text.startswith("/") or _DRIVE.match(text):
        reason = N_("it is an absolute path")
    else:
        parts = tuple(text.split("/"))
        if parts and parts[-1] == "":  # "folder/" (a zip directory entry)
            parts = parts[:-1]
        for part in parts:
            if part in ("", ".", ".."):
                reason = N_("it has an empty, \".\" or \"..\" component")
            elif len(part.encode("utf-8", "surrogatepass")) > NAME_MAX:
                reason = N_("a component is longer than 255 bytes")
            elif part.split(".")[0].upper() in RESERVED_NAMES or part.endswith((" ", ".")):
                reason = N_("a component is a reserved device name or ends in a dot or space")
            if reason:
                break
        else:
            return parts
    raise UnsafeNameError(N_("the path \"{path}\" is refused: {reason}"), file=file,
                          fix=N_("use a plain relative path inside the folder"),
                          path=repr(text)[1:-1][:200], reason=Msg(reason))


def safe_join(root: str | os.PathLike, *parts: str) -> Path:
    """root/parts..., checked component by component and, after resolving, inside root."""
    root_path = Path(root).resolve()
    components: list[str] = []
    for part in parts:
        components.extend(check_relative(part))
    joined = root_path.joinpath(*components)
    resolved = joined.resolve()
    if not resolved.is_relative_to(root_path):
        raise OutsideRootError(N_("the path \"{path}\" leads outside {root}"),
                               fix=N_("remove the link or use a path inside the folder"),
                               path="/".join(components), root=str(root_path))
    return joined


# ---------------------------------------------------------------- opening without links

_MODES = {
    "rb": os.O_RDONLY,
    "r": os.O_RDONLY,
    # No O_TRUNC: a hard-linked file must be refused before anything is truncated.
    "wb": os.O_WRONLY | os.O_CREAT,
    "w": os.O_WRONLY | os.O_CREAT,
    "xb": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
    "x": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
    "ab": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
}


def _refused_link(root: str, relpath: str) -> OutsideRootError:
    return OutsideRootError(
        N_("\"{path}\" in {root} is a link or not a plain file; reportgen does not follow links"),
        fix=N_("replace the link by a copy of the file"), path=relpath, root=root)


@contextmanager
def _directory(root: str | os.PathLike, components: tuple[str, ...], *, create: bool,
               relpath: str) -> Iterator[int]:
    """A descriptor of root/components (no links followed below root)."""
    if create:
        os.makedirs(root, exist_ok=True)  # the root is the user's --out: it may be new
    fds = [os.open(os.fspath(root), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)]
    try:
        for part in components:
            flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
            try:
                fds.append(os.open(part, flags, dir_fd=fds[-1]))
            except FileNotFoundError:
                if not create:
                    raise
                try:
                    os.mkdir(part, 0o777, dir_fd=fds[-1])
                except FileExistsError:
                    pass
                fds.append(os.open(part, flags, dir_fd=fds[-1]))
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _refused_link(os.fspath(root), relpath) from None
                raise
        yield fds[-1]
    finally:
        for fd in fds:
            os.close(fd)


def open_inside(root: str | os.PathLike, relpath: str, mode: str = "rb", *,
                encoding: str | None = None, perms: int = 0o666) -> IO:
    """Open root/relpath without following any link below root; reading refuses anything
    but a regular file (a FIFO would hang, a device would stream forever). Writing
    modes create missing parent folders (also without following links)."""
    if mode not in _MODES:
        raise ValueError(f"unsupported mode {mode!r}")
    components = check_relative(relpath)
    writing = mode[0] in "wxa"
    flags = _MODES[mode] | os.O_NOFOLLOW | os.O_CLOEXEC | (0 if writing else os.O_NONBLOCK)
    with _directory(root, components[:-1], create=writing, relpath=relpath) as parent:
        try:
            fd = os.open(components[-1], flags, perms, dir_fd=parent)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise _refused_link(os.fspath(root), relpath) from None
            raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refused_link(os.fspath(root), relpath)
        if writing and info.st_nlink > 1:
            # Writing through a hard link would change the user's other file too.
            raise _refused_link(os.fspath(root), relpath)
        if mode[0] == "w":
            os.ftruncate(fd, 0)
        if not writing:
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        binary = mode.endswith("b")
        return os.fdopen(fd, mode, encoding=None if binary else (encoding or "utf-8"))
    except BaseException:
        os.close(fd)
        raise


def read_inside(root: str | os.PathLike, relpath: str, *, max_bytes: int,
                limit: str = "notes_bytes") -> bytes:
    """The whole file, refused (without reading it all) when it is larger than max_bytes."""
    from reportgen.safety.limits import LimitExceeded

    with open_inside(root, relpath, "rb") as handle:
        data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            size = os.fstat(handle.fileno()).st_size
            raise LimitExceeded(limit, max_bytes, max(size, len(data)), file=relpath)
    return data


# ---------------------------------------------------------------- lock and temp files

class LockBusyError(SafetyError):
    """Another build holds the folder's lock."""


@contextmanager
def folder_lock(folder: str | os.PathLike) -> Iterator[Path]:
    """Hold FOLDER/.reportgen.lock (flock, released by the kernel if the build dies).
    The file is ours or refused: never a link, a non-regular file, a hard link, or a
    file with content other than a pid, so a planted lock cannot truncate anything."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(folder / LOCK_NAME, flags, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _refused_link(str(folder), LOCK_NAME) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise _refused_link(str(folder), LOCK_NAME)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockBusyError(
                N_("another build is writing to {out}; wait for it to finish or use another --out"),
                out=str(folder)) from None
        old = os.pread(fd, 64, 0)
        if old and not re.fullmatch(rb"[0-9]{1,20}\n?", old):
            raise OutsideRootError(
                N_("{path} is not a reportgen lock file; reportgen will not overwrite it"),
                fix=N_("move the file away or use another --out"), path=str(folder / LOCK_NAME))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield folder / LOCK_NAME
    finally:
        os.close(fd)  # closing releases the flock


def temp_name() -> str:
    return f"{TEMP_PREFIX}{secrets.token_hex(8)}.tmp"


def is_temp_name(name: str) -> bool:
    return TEMP_PATTERN.fullmatch(name) is not None


def create_temp(folder: str | os.PathLike) -> tuple[int, Path]:
    """A new temporary file of ours in folder: (descriptor, path)."""
    for _attempt in range(100):
        name = temp_name()
        try:
            fd = os.open(Path(folder) / name,
                         os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            continue
        return fd, Path(folder) / name
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def sweep_temps(root: str | os.PathLike) -> list[Path]:
    """Remove the temporary files a killed build left under root: only regular files whose
    name is exactly ours; links are not followed, a user's `.x.tmp` is left alone."""
    removed = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        for name in files:
            if not is_temp_name(name):
                continue
            path = Path(folder) / name
            try:
                if stat.S_ISREG(os.lstat(path).st_mode):
                    path.unlink()
                    removed.append(path)
            except FileNotFoundError:
                pass
    return removed


_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write_inside(root: str | os.PathLike, relpath: str, data: bytes) -> Path:
    """Write root/relpath through one of our temp names, fsync, rename over the target;
    the target's folder is reached without links and must stay inside root."""
    components = check_relative(relpath)
    # The target itself may be a link (it is replaced, not followed); its folders may not.
    target = safe_join(root, *components[:-1]) / components[-1]
    with _directory(root, components[:-1], create=True, relpath=relpath) as parent:
        for _attempt in range(100):
            name = temp_name()
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                             0o666 & ~_UMASK, dir_fd=parent)
                break
            except FileExistsError:
                continue
        else:
            raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            # os.replace over a link replaces the link itself, never its target.
            os.replace(name, components[-1], src_dir_fd=parent, dst_dir_fd=parent)
        except BaseException:
            try:
                os.unlink(name, dir_fd=parent)
            except FileNotFoundError:
                pass
            raise
    return target


def entry_path(relpath: str) -> str:
    """A checked zip entry / manifest path in its canonical "a/b" spelling."""
    return str(PurePosixPath(*check_relative(relpath)))
