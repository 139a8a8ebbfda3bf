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

The writer's mechanics live in :mod:`pkilesson.pki._atomic` (all or
nothing, checks, modes) and :mod:`pkilesson.pki._lock` (the lock, the
roll-back); :func:`write_file`, :func:`write_files`, :func:`locked` and
:data:`LOCK_TIMEOUT` are re-exported here.
"""

from __future__ import annotations

import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Optional, Union

from cryptography import x509

from ._atomic import _check_folder, _make_folder, _remove_folders, write_file, write_files
from .certificates import certificate_to_pem, load_certificate
from .csr import csr_to_pem, load_csr
from .._catalog import N_, _
from ..errors import PkiLessonError, WorkspaceError, argument_error
from .keys import PrivateKey, load_private_key, private_key_to_pem
from ._lock import LOCK_TIMEOUT, _as_path, _lstat, locked
from .pem import file_kind

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


@dataclass(frozen=True)
class Workspace:
    """A folder holding the workflow's files under the source's names."""

    path: Path

    def __init__(self, path: Union[str, Path]) -> None:
        if isinstance(path, Workspace):
            path = path.path
        object.__setattr__(self, "path", _as_path(path, N_("workspace folder")))

    # -- names -------------------------------------------------------------
    @staticmethod
    def file_name(role: str, kind: str) -> str:
        """``file_name("server", "cert")`` is ``"server-cert.pem"``."""
        if role not in ROLES or kind not in ("key", "req", "cert") or (role, kind) == ("ca", "req"):
            raise WorkspaceError(
                _("There is no {name} in the workflow.").format(name=f"{role}-{kind}.pem"),
                _("use one of {names}.").format(names=", ".join(FILE_NAMES)),
            )
        return f"{role}-{kind}.pem"

    def file(self, role: str, kind: str) -> Path:
        return self.path / self.file_name(role, kind)

    def existing(self, names: Iterable[str] = FILE_NAMES) -> list[str]:
        """Which of ``names`` are already there (as anything: a file, a folder, even a dangling link)."""
        if isinstance(names, str) or not isinstance(names, Iterable):
            raise argument_error("names", N_("a list of file names"), names)
        names = list(names)
        if not all(isinstance(name, str) for name in names):
            raise argument_error("names", N_("a list of file names (str)"), next(n for n in names if not isinstance(n, str)))
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
                    rows.append((name, "-", _("missing"), ""))
                    continue
                mode = f"{stat.S_IMODE(info.st_mode):04o}"
                try:
                    blocks = read_pem_blocks(read_regular_file(path, name), name)
                    what = blocks[0].meaning if blocks else _("not PEM")
                except PkiLessonError:
                    what = _("unreadable PEM") if stat.S_ISREG(info.st_mode) else \
                        _("not a file: {kind}").format(kind=file_kind(info.st_mode))
                secret = "SECRET" if name.endswith("-key.pem") else "public"
                rows.append((name, mode, what, secret))
        width = max(len(r[0]) for r in rows)
        head, holds = _("file"), _("holds")
        lines = [f"{head:<{width}}  mode  {'':6}  {holds}"]
        lines += [f"{n:<{width}}  {m:<4}  {s:<6}  {w}" for n, m, w, s in rows]
        return "\n".join(lines)

    def ensure_free(self, names: Iterable[str] = FILE_NAMES) -> None:
        """Raise :class:`WorkspaceError` if any of ``names`` exists: nothing is written then."""
        if _lstat(self.path) is not None:
            _check_folder(self.path, secret=False)
        taken = self.existing(names)
        if taken:
            raise WorkspaceError(
                _("{folder} already holds {names}; nothing was written.").format(folder=self.path, names=", ".join(taken)),
                _("choose an empty folder, or pass overwrite=True (--overwrite) to replace them."),
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
                raise argument_error("items", N_("a mapping whose keys are (role, kind) pairs"), item)
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
                    _("{name} is missing in {folder}.").format(name=path.name, folder=self.path),
                    _("run step {step} first (or 'pkilesson workflow {folder}').").format(step=_STEP_OF[role],
                                                                                          folder=self.path),
                )
            try:
                return loader(path, *args)
            except PkiLessonError as exc:
                raise type(exc)(_("{name}: {problem}").format(name=path.name, problem=exc.problem), exc.fix) from None

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
            raise type(exc)(_("ca-key.pem and ca-cert.pem: {problem}").format(problem=exc.problem), exc.fix) from None
