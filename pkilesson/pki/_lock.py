"""The folder lock, and the roll-back of a set of files a killed writer left half-replaced.

Helpers of :mod:`pkilesson.pki.workspace` (which re-exports :func:`locked`
and :data:`LOCK_TIMEOUT`): every read-modify-write of a folder holds an
advisory lock (``fcntl.flock`` on the folder itself), and taking it first
rolls back, from the journal :mod:`pkilesson.pki._atomic` writes before its
first change, any set a writer killed midway (``kill -9``) left behind. Also
the small path helpers both share (``_lstat``, ``_as_path``, ``_fsync_dir``).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import stat
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Union

from .._catalog import N_, _, tr
from ..errors import WorkspaceError, argument_error
from .pem import os_problem

try:  # POSIX; elsewhere the folder lock is a no-op
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Seconds a command waits for another one writing in the same folder before giving up.
LOCK_TIMEOUT = 60.0

_JOURNAL = ".pkilesson-journal"
_TEMP = ".pkilesson-tmp"
_BACKUP = ".pkilesson-old"


def _error(exc: OSError, path: object, verb: str) -> WorkspaceError:
    return WorkspaceError(*os_problem(exc, path, verb))


def _lstat(path: Union[str, Path]) -> Optional[os.stat_result]:
    """``os.lstat(path)``, None when nothing is there; any other OS error is a WorkspaceError."""
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise _error(exc, path, N_("look at")) from None


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _as_path(value: object, parameter: str) -> Path:
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes):
        path = Path(value)
        if isinstance(value, str) and not value.strip():
            raise WorkspaceError(_("The {parameter} is empty.").format(parameter=tr(parameter)),
                                 _("name a folder, e.g. lab (or '.' for the current folder)."))
        if "\0" in str(path):
            raise WorkspaceError(_("The {parameter} {path!r} contains a NUL character.").format(
                parameter=tr(parameter), path=str(path)), _("give a real path."))
        return path
    raise argument_error(parameter, N_("a path (a str or a pathlib.Path)"), value)


# -- the folder lock ---------------------------------------------------------------------------------

_held = threading.local()


@contextmanager
def locked(folder: Union[str, Path], *, timeout: Optional[float] = None) -> Iterator[None]:
    """Hold the lock of ``folder`` (which must exist): one pkilesson writer at a time.

    The lock is ``fcntl.flock`` on the folder itself (no lock file), so it
    works in a folder where one may read but not write. It is re-entrant in
    one thread; other threads and processes wait up to ``timeout`` seconds
    (:data:`LOCK_TIMEOUT`). Taking it first rolls back any set of files a
    killed writer left half-replaced (see :func:`write_files`).
    """
    folder = Path(folder)
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise WorkspaceError(_("{folder} is a file, not a folder.").format(folder=folder),
                                 _("choose a folder for the workspace.")) from None
        raise _error(exc, folder, N_("open the folder")) from None
    held = getattr(_held, "folders", None)
    if held is None:
        held = _held.folders = {}
    info = os.fstat(fd)
    key = (info.st_dev, info.st_ino)
    if key in held:  # this thread holds it already
        os.close(fd)
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    try:
        _acquire(fd, folder, LOCK_TIMEOUT if timeout is None else timeout)
    except BaseException:
        os.close(fd)
        raise
    held[key] = 1
    try:
        _recover(folder)
        yield
    finally:
        del held[key]
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _acquire(fd: int, folder: Path, timeout: float) -> None:
    if fcntl is None:  # pragma: no cover
        return
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as exc:
            raise WorkspaceError(
                _("Cannot lock {folder}: {reason} (its file system does not support locks).").format(
                    folder=folder, reason=exc.strerror),
                _("use a folder on a local disk: pkilesson locks the folder so that one command writes at a time."),
            ) from None
        if time.monotonic() > deadline:
            raise WorkspaceError(
                _("Another pkilesson command has been writing in {folder} for {seconds} s.").format(
                    folder=folder, seconds=f"{timeout:.0f}"),
                _("wait for it to finish (or stop it), then run again."),
            )
        time.sleep(random.uniform(0, delay))
        delay = min(delay * 2, 0.02)


def _recover(folder: Path) -> None:
    """Roll back a set a killed writer left half-written; remove its temporary and backup files."""
    journal = folder / _JOURNAL
    if _lstat(journal) is not None:
        try:
            entries = json.loads(journal.read_bytes())["files"]
            changes = [(e["name"], e["temp"], e["backup"], e["sha256"]) for e in entries]
        except (OSError, ValueError, KeyError, TypeError):
            raise WorkspaceError(
                _("{folder} holds a damaged {journal} (the record of an interrupted write).").format(
                    folder=folder, journal=_JOURNAL),
                _("check the files in {folder}, then delete {journal}.").format(folder=folder, journal=folder / _JOURNAL),
            ) from None
        try:
            for name, temp, backup, digest in changes:
                target = folder / name
                if backup and _lstat(folder / backup) is not None:
                    _put_back(folder / backup, target)
                elif not backup and _same_content(target, digest):
                    os.unlink(target)  # a new file where there was none
                if _lstat(folder / temp) is not None:
                    os.unlink(folder / temp)
            _fsync_dir(folder)
            os.unlink(journal)
            _fsync_dir(folder)
        except OSError as exc:
            raise WorkspaceError(
                _("An interrupted write left {folder} half-replaced, and it cannot be rolled back: {reason}.").format(
                    folder=folder, reason=exc.strerror),
                _("run the command again as a user who may write in {folder}; it puts the old files back.").format(
                    folder=folder),
            ) from None
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.startswith(".") and (name.endswith(_TEMP) or name.endswith(_BACKUP)):
            try:  # left by a killed writer: a temporary copy, or a backup of a committed set
                os.unlink(folder / name)
            except OSError:
                pass


def _put_back(backup: Path, target: Path) -> None:
    """The old file goes back in place (a backup that is still a hard link of it is just removed:
    rename() between two links of one file does nothing)."""
    old, now = _lstat(backup), _lstat(target)
    if now is not None and old is not None and (old.st_dev, old.st_ino) == (now.st_dev, now.st_ino):
        os.unlink(backup)
    else:
        os.replace(backup, target)


def _same_content(path: Path, digest: str) -> bool:
    info = _lstat(path)
    if info is None or not stat.S_ISREG(info.st_mode):
        return False
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False

