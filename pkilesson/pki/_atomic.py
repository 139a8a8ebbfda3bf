"""Writing a set of files into a folder, all or nothing, never clobbering, with the right modes.

The writer behind :func:`pkilesson.pki.workspace.write_files` and
:func:`~pkilesson.pki.workspace.write_file` (which re-exports both): the new
files are written beside the old ones under temporary names, flushed, then
swapped in under the folder's lock (:mod:`pkilesson.pki._lock`); a journal
written before the first change lets the next command roll back a run killed
midway. Also the checks before anything is written: the folder (made 0700,
refused when writable by others) and each target (a regular file, and a
private key replaced only by a key).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import stat
from pathlib import Path
from typing import Iterable, Mapping, Optional, Union

from .._catalog import N_, _
from ..errors import WorkspaceError, argument_error, check_bool
from ._lock import _BACKUP, _JOURNAL, _TEMP, _as_path, _error, _fsync_dir, _lstat, _put_back, locked
from .pem import file_kind, os_problem

_PRIVATE_MARK = b"PRIVATE KEY-----"


def _make_folder(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents, each 0700 whatever the umask; the ones made, outermost first."""
    missing = []
    current = folder
    while True:
        info = _lstat(current)
        if info is not None:
            break
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    made = []
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
            os.chmod(path, 0o700)  # mkdir's mode is masked by the umask (umask 0777 would leave 0000)
        except FileExistsError:
            continue
        except OSError as exc:
            _remove_folders(made)
            raise _error(exc, path, N_("create the folder")) from None
        made.append(path)
    return made


def _remove_folders(made: list[Path]) -> None:
    for path in reversed(made):
        try:
            os.rmdir(path)
        except OSError:
            pass


def _check_folder(folder: Path, *, secret: bool) -> None:
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        raise WorkspaceError(_("The folder {folder} does not exist.").format(folder=folder),
                             _("create it, or choose another folder.")) from None
    except OSError as exc:
        raise _error(exc, folder, N_("open the folder")) from None
    if not stat.S_ISDIR(info.st_mode):
        raise WorkspaceError(_("{folder} is a file, not a folder.").format(folder=folder),
                             _("choose a folder for the workspace."))
    if secret and info.st_mode & stat.S_IWOTH:
        raise WorkspaceError(
            _("{folder} is writable by every user (mode {mode:04o}): another user could replace the keys and "
              "certificates pkilesson keeps there.").format(folder=folder, mode=stat.S_IMODE(info.st_mode)),
            _("make it yours alone (chmod 700 {folder}), or choose a folder of your own.").format(folder=folder),
        )


def _holds_private_key(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise WorkspaceError(
            *os_problem(exc, path, N_("check what is in"))
        ) from None
    try:
        head = os.read(fd, 1 << 20)
    except OSError as exc:
        raise _error(exc, path, N_("check what is in")) from None
    finally:
        os.close(fd)
    return _PRIVATE_MARK in head


def _check_target(path: Path, data: bytes, overwrite: bool) -> bool:
    """Whether ``path`` exists (a regular file that may be replaced); anything else is refused."""
    info = _lstat(path)
    if info is None:
        return False
    if not stat.S_ISREG(info.st_mode):
        kind = file_kind(info.st_mode)
        fix = _("choose another file name.") if stat.S_ISDIR(info.st_mode) else \
            _("choose another file name: pkilesson writes regular files only, and replaces nothing else.")
        raise WorkspaceError(_("{path} is {kind}, not a file; nothing was written.").format(path=path, kind=kind), fix)
    if overwrite and _PRIVATE_MARK not in data and (path.name.endswith("-key.pem") or _holds_private_key(path)):
        raise WorkspaceError(
            _("{path} holds a private key: pkilesson never replaces a key with anything else; nothing was written."
              ).format(path=path),
            _("choose another file name."),
        )
    return True


def write_files(
    folder: Union[str, Path],
    files: Mapping[str, bytes],
    *,
    private: Iterable[str] = (),
    overwrite: bool = False,
    secret_folder: Optional[bool] = None,
    create: bool = True,
) -> list[Path]:
    """Write a set of files into ``folder``, all or nothing; return their paths.

    ``files`` maps file names (no folder part) to their bytes; names in
    ``private`` are written 0600, the others 0644 less the umask. Holding the
    folder's lock, every target is checked first (absent, or a regular file
    when ``overwrite``; never a private key replaced by something else), the
    new files are written beside the old ones and flushed to disk, then
    swapped in. If any step fails, what was there is put back and nothing of
    the new set remains; a journal lets the next command roll back a run
    that was killed midway. Without ``overwrite`` nothing is written if any
    file exists. ``folder`` is created 0700 if missing (unless ``create`` is
    False); a folder writable by others is refused when the set holds a
    private key (``secret_folder`` forces the check either way).
    """
    folder = _as_path(folder, "folder")
    overwrite = check_bool(overwrite, "overwrite")
    if not isinstance(files, Mapping) or not files:
        raise argument_error("files", N_("a non-empty mapping of file names to bytes"), files)
    private = set(private)
    for name, data in files.items():
        if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or os.sep in name:
            raise argument_error("files", N_("a mapping whose keys are plain file names"), name)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise argument_error("data", N_("bytes (encode text first, e.g. text.encode('utf-8'))"), data)
    secret = bool(private) if secret_folder is None else secret_folder
    if not create and _lstat(folder) is None:
        raise WorkspaceError(_("Cannot write in {folder}: there is no such folder.").format(folder=folder),
                             _("check that the folder exists and that you may write in it."))
    made = _make_folder(folder)
    try:
        _check_folder(folder, secret=secret)
        with locked(folder):
            return _swap(folder, {name: bytes(data) for name, data in files.items()}, private, overwrite)
    except BaseException:
        _remove_folders(made)  # only if still empty
        raise


def _swap(folder: Path, files: dict, private: set, overwrite: bool) -> list[Path]:
    exists = {name: _check_target(folder / name, data, overwrite) for name, data in files.items()}
    taken = [name for name, there in exists.items() if there]
    if taken and not overwrite:
        if len(files) == 1:
            raise WorkspaceError(
                _("{path} already exists; it was left unchanged.").format(path=folder / taken[0]),
                _("choose another name, or pass overwrite=True (--overwrite) to replace it."),
            )
        raise WorkspaceError(
            _("{folder} already holds {names}; nothing was written.").format(folder=folder, names=", ".join(taken)),
            _("choose an empty folder, or pass overwrite=True (--overwrite) to replace them."),
        )
    token = secrets.token_hex(6)
    # One file is replaced in one step (a rename); a set needs backups of the old files and a journal.
    journaled = len(files) > 1
    plan = [(name, f".{name}.{token}{_TEMP}", f".{name}.{token}{_BACKUP}" if exists[name] and journaled else None)
            for name in files]
    journal = folder / _JOURNAL
    placed: list[str] = []
    backed: list[str] = []
    try:
        if journaled:
            record = {"files": [{"name": n, "temp": t, "backup": b, "sha256": hashlib.sha256(files[n]).hexdigest()}
                                for n, t, b in plan]}
            _write_new(folder / f"{_JOURNAL}.{token}{_TEMP}", json.dumps(record).encode(), private=False)
            os.replace(folder / f"{_JOURNAL}.{token}{_TEMP}", journal)
            _fsync_dir(folder)
        for name, temp, _unused in plan:
            _write_new(folder / temp, files[name], private=name in private)
        for name, _unused, backup in plan:
            if backup:
                _keep_old(folder / name, folder / backup)
                backed.append(name)
        for name, temp, _unused in plan:
            if overwrite:
                os.replace(folder / temp, folder / name)
            else:
                _link_new(folder / temp, folder / name)
            placed.append(name)
        _fsync_dir(folder)
        if journaled:
            os.unlink(journal)  # the commit: from here on the new set stands
            _fsync_dir(folder)
    except BaseException as exc:
        _undo(folder, plan, placed, backed, journal if journaled else None)
        if isinstance(exc, OSError):
            where = folder / (placed[-1] if placed else plan[0][0])
            problem, fix = os_problem(exc, where, N_("write"))
            raise WorkspaceError(_("{problem}; nothing was changed.").format(problem=problem[:-1]), fix) from None
        raise
    for name, temp, backup in plan:
        for leftover in (temp, backup):
            if leftover:
                try:
                    os.unlink(folder / leftover)
                except FileNotFoundError:
                    pass
                except OSError:
                    pass
    return [folder / name for name in files]


def _undo(folder: Path, plan: list, placed: list, backed: list, journal: Optional[Path]) -> None:
    for name, temp, backup in plan:
        try:
            if name in backed:
                _put_back(folder / backup, folder / name)
            elif name in placed:
                os.unlink(folder / name)
        except OSError:
            pass
        try:
            os.unlink(folder / temp)
        except OSError:
            pass
    if journal is not None:
        try:
            os.unlink(journal)
        except OSError:
            pass
    _fsync_dir(folder)


def _write_new(path: Path, data: bytes, *, private: bool = False, mode: Optional[int] = None) -> None:
    """Create ``path`` (never an existing file or link) with ``data``, flushed to disk.

    ``private``: mode 0600; else 0644 less the umask; ``mode``: exactly that mode, whatever the umask.
    """
    exact = 0o600 if private else mode
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                 | getattr(os, "O_CLOEXEC", 0), 0o644 if exact is None else 0o600)
    try:
        if exact is not None:
            os.fchmod(fd, exact)  # whatever the umask
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_old(path: Path, backup: Path) -> None:
    """A second name for the old file, so that it can be put back: a hard link, else a rename."""
    try:
        os.link(path, backup, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
            raise
        os.rename(path, backup)  # an immutable file fails here too: nothing is replaced then


def _link_new(temp: Path, path: Path) -> None:
    """Move ``temp`` to ``path`` only if ``path`` does not exist (atomically where links work)."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise WorkspaceError(
            _("{path} appeared while it was being written; nothing was written.").format(path=path),
            _("run again, or pass overwrite=True (--overwrite) to replace it."),
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if _lstat(path) is not None:  # a file system without hard links: check, then rename
            raise WorkspaceError(_("{path} already exists; nothing was written.").format(path=path),
                                 _("pass overwrite=True (--overwrite).")) from None
        os.replace(temp, path)
        return
    os.unlink(temp)


def write_file(path: Union[str, Path], data: bytes, *, private: bool = False, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`write_files`, of which it is the one-file case).

    The bytes go to a temporary file in the same folder (mode 0600 for a
    ``private`` file, else 0644 less the umask), are flushed to disk, then
    moved into place in one step. Without ``overwrite`` an existing file is
    never replaced, even by a writer racing with this one; with it, only a
    regular file is, and a private key only by a private key.
    """
    path = _as_path(path, "path")
    private = check_bool(private, "private")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise argument_error("data", N_("bytes (encode text first, e.g. text.encode('utf-8'))"), data)
    info = _lstat(path)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise WorkspaceError(_("{path} is a folder, not a file.").format(path=path), _("choose another file name."))
    if path.name in ("", ".", ".."):
        raise WorkspaceError(_("{path} names no file.").format(path=path), _("give a file name, e.g. diagram.svg."))
    return write_files(path.parent, {path.name: data}, private=[path.name] if private else (),
                       overwrite=overwrite, create=False)[0]
