"""The workspace: one folder with the source's eight files.

``ca-key.pem``, ``ca-cert.pem``, ``server-key.pem``, ``server-req.pem``,
``server-cert.pem``, ``client-key.pem``, ``client-req.pem``,
``client-cert.pem``: the names of the source document are the contract.

Nothing is ever lost:

- **all or nothing**: a set of files (the eight of the workflow, a CRL) is
  written beside the old ones under temporary names, then swapped in; a
  failure at any step puts back what was there, and a run killed midway
  (``kill -9``) is rolled back by the next command that opens the folder,
  from a journal written before the first change;
- **one writer at a time**: every read-modify-write of a folder holds an
  advisory lock (``fcntl.flock`` on the folder itself), so concurrent
  revocations all land in one CRL, and a reader never sees half a set;
- **no clobbering**: an existing file is replaced only with ``overwrite=True``
  (``--overwrite``), and only a regular file: a folder, a symbolic link, a
  FIFO, a device or a socket in the way is refused before anything is
  written, and a private key is never replaced by anything but a key;
- **permissions**: private keys are created with mode 0600 (owner only),
  where ``openssl genrsa 2048 > ca-key.pem`` leaves them readable by
  everyone; folders made for them are 0700 whatever the umask, and a folder
  writable by others is refused.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import secrets
import stat
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Optional, Union

from cryptography import x509

from .certificates import certificate_to_pem, load_certificate
from .csr import csr_to_pem, load_csr
from ..errors import PkiLessonError, WorkspaceError, argument_error, check_bool
from .keys import PrivateKey, load_private_key, private_key_to_pem
from .pem import file_kind, os_problem

try:  # POSIX; elsewhere the folder lock is a no-op
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["ROLES", "FILE_NAMES", "Workspace", "write_file", "write_files", "locked", "LOCK_TIMEOUT"]

ROLES = ("ca", "server", "client")
#: The eight files of the source document, in the order the steps make them.
FILE_NAMES = (
    "ca-key.pem",
    "ca-cert.pem",
    "server-key.pem",
    "server-req.pem",
    "server-cert.pem",
    "client-key.pem",
    "client-req.pem",
    "client-cert.pem",
)
_STEP_OF = {"ca": 1, "server": 2, "client": 3}

#: Seconds a command waits for another one writing in the same folder before giving up.
LOCK_TIMEOUT = 60.0

_JOURNAL = ".pkilesson-journal"
_TEMP = ".pkilesson-tmp"
_BACKUP = ".pkilesson-old"
_PRIVATE_MARK = b"PRIVATE KEY-----"


def _error(exc: OSError, path: object, verb: str) -> WorkspaceError:
    return WorkspaceError(*os_problem(exc, path, verb))


def _lstat(path: Union[str, Path]) -> Optional[os.stat_result]:
    """``os.lstat(path)``, None when nothing is there; any other OS error is a WorkspaceError."""
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise _error(exc, path, "look at") from None


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
            raise WorkspaceError(f"The {parameter} is empty.",
                                 "name a folder, e.g. lab (or '.' for the current folder).")
        if "\0" in str(path):
            raise WorkspaceError(f"The {parameter} {str(path)!r} contains a NUL character.", "give a real path.")
        return path
    raise argument_error(parameter, "a path (a str or a pathlib.Path)", value)


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
            raise WorkspaceError(f"{folder} is a file, not a folder.", "choose a folder for the workspace.") from None
        raise _error(exc, folder, "open the folder") from None
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
                f"Cannot lock {folder}: {exc.strerror} (its file system does not support locks).",
                "use a folder on a local disk: pkilesson locks the folder so that one command writes at a time.",
            ) from None
        if time.monotonic() > deadline:
            raise WorkspaceError(
                f"Another pkilesson command has been writing in {folder} for {timeout:.0f} s.",
                "wait for it to finish (or stop it), then run again.",
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
                f"{folder} holds a damaged {_JOURNAL} (the record of an interrupted write).",
                f"check the files in {folder}, then delete {folder / _JOURNAL}.",
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
                f"An interrupted write left {folder} half-replaced, and it cannot be rolled back: "
                f"{exc.strerror}.",
                f"run the command again as a user who may write in {folder}; it puts the old files back.",
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


# -- writing -------------------------------------------------------------------------------------------


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
            raise _error(exc, path, "create the folder") from None
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
        raise WorkspaceError(f"The folder {folder} does not exist.", "create it, or choose another folder.") from None
    except OSError as exc:
        raise _error(exc, folder, "open the folder") from None
    if not stat.S_ISDIR(info.st_mode):
        raise WorkspaceError(f"{folder} is a file, not a folder.", "choose a folder for the workspace.")
    if secret and info.st_mode & stat.S_IWOTH:
        raise WorkspaceError(
            f"{folder} is writable by every user (mode {stat.S_IMODE(info.st_mode):04o}): another user could "
            "replace the keys and certificates pkilesson keeps there.",
            f"make it yours alone (chmod 700 {folder}), or choose a folder of your own.",
        )


def _holds_private_key(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise WorkspaceError(
            *os_problem(exc, path, "check what is in")
        ) from None
    try:
        head = os.read(fd, 1 << 20)
    except OSError as exc:
        raise _error(exc, path, "check what is in") from None
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
        fix = "choose another file name." if stat.S_ISDIR(info.st_mode) else \
            "choose another file name: pkilesson writes regular files only, and replaces nothing else."
        raise WorkspaceError(f"{path} is {kind}, not a file; nothing was written.", fix)
    if overwrite and _PRIVATE_MARK not in data and (path.name.endswith("-key.pem") or _holds_private_key(path)):
        raise WorkspaceError(
            f"{path} holds a private key: pkilesson never replaces a key with anything else; nothing was written.",
            "choose another file name.",
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
        raise argument_error("files", "a non-empty mapping of file names to bytes", files)
    private = set(private)
    for name, data in files.items():
        if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or os.sep in name:
            raise argument_error("files", "a mapping whose keys are plain file names", name)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise argument_error("data", "bytes (encode text first, e.g. text.encode('utf-8'))", data)
    secret = bool(private) if secret_folder is None else secret_folder
    if not create and _lstat(folder) is None:
        raise WorkspaceError(f"Cannot write in {folder}: there is no such folder.",
                             "check that the folder exists and that you may write in it.")
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
                f"{folder / taken[0]} already exists; it was left unchanged.",
                "choose another name, or pass overwrite=True (--overwrite) to replace it.",
            )
        raise WorkspaceError(
            f"{folder} already holds {', '.join(taken)}; nothing was written.",
            "choose an empty folder, or pass overwrite=True (--overwrite) to replace them.",
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
        for name, temp, _ in plan:
            _write_new(folder / temp, files[name], private=name in private)
        for name, _, backup in plan:
            if backup:
                _keep_old(folder / name, folder / backup)
                backed.append(name)
        for name, temp, _ in plan:
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
            problem, fix = os_problem(exc, where, "write")
            raise WorkspaceError(f"{problem[:-1]}; nothing was changed.", fix) from None
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
            f"{path} appeared while it was being written; nothing was written.",
            "run again, or pass overwrite=True (--overwrite) to replace it.",
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if _lstat(path) is not None:  # a file system without hard links: check, then rename
            raise WorkspaceError(f"{path} already exists; nothing was written.",
                                 "pass overwrite=True (--overwrite).") from None
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
        raise argument_error("data", "bytes (encode text first, e.g. text.encode('utf-8'))", data)
    info = _lstat(path)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise WorkspaceError(f"{path} is a folder, not a file.", "choose another file name.")
    if path.name in ("", ".", ".."):
        raise WorkspaceError(f"{path} names no file.", "give a file name, e.g. diagram.svg.")
    return write_files(path.parent, {path.name: data}, private=[path.name] if private else (),
                       overwrite=overwrite, create=False)[0]


# -- the workspace ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    """A folder holding the workflow's files under the source's names."""

    path: Path

    def __init__(self, path: Union[str, Path]) -> None:
        if isinstance(path, Workspace):
            path = path.path
        object.__setattr__(self, "path", _as_path(path, "workspace folder"))

    # -- names -------------------------------------------------------------
    @staticmethod
    def file_name(role: str, kind: str) -> str:
        """``file_name("server", "cert")`` is ``"server-cert.pem"``."""
        if role not in ROLES or kind not in ("key", "req", "cert") or (role, kind) == ("ca", "req"):
            raise WorkspaceError(
                f"There is no {role}-{kind}.pem in the workflow.",
                f"use one of {', '.join(FILE_NAMES)}.",
            )
        return f"{role}-{kind}.pem"

    def file(self, role: str, kind: str) -> Path:
        return self.path / self.file_name(role, kind)

    def existing(self, names: Iterable[str] = FILE_NAMES) -> list[str]:
        """Which of ``names`` are already there (as anything: a file, a folder, even a dangling link)."""
        if isinstance(names, str) or not isinstance(names, Iterable):
            raise argument_error("names", "a list of file names", names)
        names = list(names)
        if not all(isinstance(name, str) for name in names):
            raise argument_error("names", "a list of file names (str)", next(n for n in names if not isinstance(n, str)))
        if _lstat(self.path) is None:
            return []
        return [name for name in names if _lstat(self.path / name) is not None]

    def listing(self) -> str:
        """A table of the workspace's files: name, mode, what each holds, and whether it is secret."""
        from .pem import read_pem_blocks, read_regular_file

        rows = []
        with self._reading():
            for name in FILE_NAMES:
                path = self.path / name
                info = _lstat(path)
                if info is None:
                    rows.append((name, "-", "missing", ""))
                    continue
                mode = f"{stat.S_IMODE(info.st_mode):04o}"
                try:
                    blocks = read_pem_blocks(read_regular_file(path, name), name)
                    what = blocks[0].meaning if blocks else "not PEM"
                except PkiLessonError:
                    what = "unreadable PEM" if stat.S_ISREG(info.st_mode) else f"not a file: {file_kind(info.st_mode)}"
                secret = "SECRET" if name.endswith("-key.pem") else "public"
                rows.append((name, mode, what, secret))
        width = max(len(r[0]) for r in rows)
        lines = [f"{'file':<{width}}  mode  {'':6}  holds"]
        lines += [f"{n:<{width}}  {m:<4}  {s:<6}  {w}" for n, m, w, s in rows]
        return "\n".join(lines)

    def ensure_free(self, names: Iterable[str] = FILE_NAMES) -> None:
        """Raise :class:`WorkspaceError` if any of ``names`` exists: nothing is written then."""
        if _lstat(self.path) is not None:
            _check_folder(self.path, secret=False)
        taken = self.existing(names)
        if taken:
            raise WorkspaceError(
                f"{self.path} already holds {', '.join(taken)}; nothing was written.",
                "choose an empty folder, or pass overwrite=True (--overwrite) to replace them.",
            )

    def check_folder(self) -> None:
        """Refuse, before anything is made, a workspace path that is a file or a folder writable by others."""
        if _lstat(self.path) is not None:
            _check_folder(self.path, secret=True)

    # -- locking -----------------------------------------------------------
    @contextmanager
    def locked(self, *, create: bool = False) -> Iterator["Workspace"]:
        """Hold the workspace's lock (see :func:`locked`) for a read-modify-write.

        With ``create`` the folder is made (0700) if missing and must not be
        writable by others; without it, a missing folder is not locked.
        """
        made: list[Path] = []
        if create:
            made = _make_folder(self.path)
            try:
                _check_folder(self.path, secret=True)
            except BaseException:
                _remove_folders(made)
                raise
        elif _lstat(self.path) is None:
            yield self
            return
        try:
            with locked(self.path):
                yield self
        finally:
            _remove_folders(made)  # only if still empty

    def _reading(self):
        return self.locked()

    # -- writing -----------------------------------------------------------
    def save_files(self, items: Mapping, *, overwrite: bool = False,
                   passphrase: Union[str, bytes, None] = None) -> list[Path]:
        """Write several files of the workspace at once, all or nothing (see :func:`write_files`).

        ``items`` maps ``(role, kind)`` (e.g. ``("server", "cert")``) to the
        key, CSR or certificate to write; keys are written 0600 (encrypted
        with ``passphrase`` when given).
        """
        if not isinstance(items, Mapping) or not items:
            raise argument_error("items", "a mapping such as {('server', 'cert'): certificate}", items)
        files, private = {}, []
        for item, value in items.items():
            if not (isinstance(item, tuple) and len(item) == 2):
                raise argument_error("items", "a mapping whose keys are (role, kind) pairs", item)
            role, kind = item
            name = self.file_name(role, kind)
            if kind == "key":
                files[name] = private_key_to_pem(value, passphrase)
                private.append(name)
            elif kind == "req":
                files[name] = csr_to_pem(value)
            else:
                files[name] = certificate_to_pem(value)
        return write_files(self.path, files, private=private, overwrite=overwrite, secret_folder=True)

    def save_key(
        self, role: str, key: PrivateKey, *, passphrase: Union[str, bytes, None] = None, overwrite: bool = False
    ) -> Path:
        """Write ``<role>-key.pem`` (PKCS#8, mode 0600)."""
        return self.save_files({(role, "key"): key}, overwrite=overwrite, passphrase=passphrase)[0]

    def save_csr(self, role: str, csr: x509.CertificateSigningRequest, *, overwrite: bool = False) -> Path:
        """Write ``<role>-req.pem``."""
        return self.save_files({(role, "req"): csr}, overwrite=overwrite)[0]

    def save_certificate(self, role: str, certificate: x509.Certificate, *, overwrite: bool = False) -> Path:
        """Write ``<role>-cert.pem``."""
        return self.save_files({(role, "cert"): certificate}, overwrite=overwrite)[0]

    # -- reading -----------------------------------------------------------
    def _read(self, role: str, kind: str, loader, *args):
        path = self.file(role, kind)
        with self._reading():
            if _lstat(path) is None:
                raise WorkspaceError(
                    f"{path.name} is missing in {self.path}.",
                    f"run step {_STEP_OF[role]} first (or 'pkilesson workflow {self.path}').",
                )
            try:
                return loader(path, *args)
            except PkiLessonError as exc:
                raise type(exc)(f"{path.name}: {exc.problem}", exc.fix) from None

    def load_key(self, role: str, passphrase: Union[str, bytes, None] = None) -> PrivateKey:
        return self._read(role, "key", load_private_key, passphrase)

    def load_csr(self, role: str) -> x509.CertificateSigningRequest:
        return self._read(role, "req", load_csr)

    def load_certificate(self, role: str) -> x509.Certificate:
        return self._read(role, "cert", load_certificate)

    def load_authority(self, passphrase: Optional[Union[str, bytes]] = None):
        """The CA of this workspace, from ``ca-cert.pem`` and ``ca-key.pem``."""
        from .authority import CertificateAuthority

        with self._reading():
            certificate = self.load_certificate("ca")
            key = self.load_key("ca", passphrase)
        try:
            return CertificateAuthority(key, certificate)
        except PkiLessonError as exc:
            raise type(exc)(f"ca-key.pem and ca-cert.pem: {exc.problem}", exc.fix) from None
