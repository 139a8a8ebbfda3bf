"""The workspace: one folder with the source's eight files.

``ca-key.pem``, ``ca-cert.pem``, ``server-key.pem``, ``server-req.pem``,
``server-cert.pem``, ``client-key.pem``, ``client-req.pem``,
``client-cert.pem``: the names of the source document are the contract.

Nothing is ever lost: a file is written to a temporary name and moved into
place in one step (a crash leaves the old file or the new one, never half of
one); an existing file is replaced only with ``overwrite=True``; private keys
are created with mode 0600 (owner only), where ``openssl genrsa 2048 >
ca-key.pem`` leaves them readable by everyone.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Union

from cryptography import x509

from .certificates import certificate_to_pem, load_certificate
from .csr import csr_to_pem, load_csr
from .errors import PkiLessonError, WorkspaceError
from .keys import PrivateKey, load_private_key, private_key_to_pem

__all__ = ["ROLES", "FILE_NAMES", "Workspace", "write_file"]

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


def write_file(path: Union[str, Path], data: bytes, *, private: bool = False, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically.

    The bytes go to a temporary file in the same folder (mode 0600 for a
    ``private`` file, else 0644 less the umask), are flushed to disk, then
    moved into place in one step. Without ``overwrite`` an existing file is
    never replaced, even by a writer racing with this one.
    """
    path = Path(path)
    if path.is_dir():
        raise WorkspaceError(f"{path} is a folder, not a file.", "choose another file name.")
    if not overwrite and path.exists():
        raise WorkspaceError(
            f"{path} already exists; it was left unchanged.",
            "choose another folder, or pass overwrite=True (--overwrite) to replace it.",
        )
    mode = 0o600 if private else 0o644
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as exc:
        raise WorkspaceError(
            f"Cannot write in {path.parent}: {exc.strerror}.",
            "check that the folder exists and that you may write in it.",
        ) from None
    try:
        try:
            if private:
                os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(temp, path)
        else:
            _link_new(temp, path)
    except OSError as exc:
        raise WorkspaceError(
            f"Cannot write {path}: {exc.strerror}.", "check the disk space and the folder's permissions."
        ) from None
    finally:
        if temp.exists():
            temp.unlink()
    _fsync_dir(path.parent)
    return path


def _link_new(temp: Path, path: Path) -> None:
    """Move ``temp`` to ``path`` only if ``path`` does not exist (atomically where links work)."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise WorkspaceError(
            f"{path} appeared while it was being written; it was left unchanged.",
            "run again, or pass overwrite=True to replace it.",
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if path.exists():  # a file system without hard links: check, then rename
            raise WorkspaceError(f"{path} already exists; it was left unchanged.", "pass overwrite=True.") from None
        os.replace(temp, path)


@dataclass(frozen=True)
class Workspace:
    """A folder holding the workflow's files under the source's names."""

    path: Path

    def __init__(self, path: Union[str, Path]) -> None:
        object.__setattr__(self, "path", Path(path))

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
        """Which of ``names`` already exist in the folder."""
        return [name for name in names if (self.path / name).exists()]

    def listing(self) -> str:
        """A table of the workspace's files: name, mode, what each holds, and whether it is secret."""
        from .pem import read_pem_blocks

        rows = []
        for name in FILE_NAMES:
            path = self.path / name
            if not path.is_file():
                rows.append((name, "-", "missing", ""))
                continue
            mode = f"{stat.S_IMODE(path.stat().st_mode):04o}"
            try:
                blocks = read_pem_blocks(path.read_bytes(), name)
                what = blocks[0].meaning if blocks else "not PEM"
            except PkiLessonError:
                what = "unreadable PEM"
            secret = "SECRET" if name.endswith("-key.pem") else "public"
            rows.append((name, mode, what, secret))
        width = max(len(r[0]) for r in rows)
        lines = [f"{'file':<{width}}  mode  {'':6}  holds"]
        lines += [f"{n:<{width}}  {m:<4}  {s:<6}  {w}" for n, m, w, s in rows]
        return "\n".join(lines)

    def ensure_free(self, names: Iterable[str] = FILE_NAMES) -> None:
        """Raise :class:`WorkspaceError` if any of ``names`` exists: nothing is written then."""
        taken = self.existing(names)
        if taken:
            raise WorkspaceError(
                f"{self.path} already holds {', '.join(taken)}; nothing was written.",
                "choose an empty folder, or pass overwrite=True (--overwrite) to replace them.",
            )

    # -- writing -----------------------------------------------------------
    def _prepare(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise WorkspaceError(f"{self.path} is a file, not a folder.", "choose a folder for the workspace.")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(
                f"Cannot create the folder {self.path}: {exc.strerror}.", "choose a folder you may write in."
            ) from None

    def save_key(
        self, role: str, key: PrivateKey, *, passphrase: Union[str, bytes, None] = None, overwrite: bool = False
    ) -> Path:
        """Write ``<role>-key.pem`` (PKCS#8, mode 0600)."""
        self._prepare()
        return write_file(self.file(role, "key"), private_key_to_pem(key, passphrase), private=True, overwrite=overwrite)

    def save_csr(self, role: str, csr: x509.CertificateSigningRequest, *, overwrite: bool = False) -> Path:
        """Write ``<role>-req.pem``."""
        self._prepare()
        return write_file(self.file(role, "req"), csr_to_pem(csr), overwrite=overwrite)

    def save_certificate(self, role: str, certificate: x509.Certificate, *, overwrite: bool = False) -> Path:
        """Write ``<role>-cert.pem``."""
        self._prepare()
        return write_file(self.file(role, "cert"), certificate_to_pem(certificate), overwrite=overwrite)

    # -- reading -----------------------------------------------------------
    def _read(self, role: str, kind: str, loader, *args):
        path = self.file(role, kind)
        if not path.is_file():
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

        certificate = self.load_certificate("ca")
        key = self.load_key("ca", passphrase)
        try:
            return CertificateAuthority(key, certificate)
        except PkiLessonError as exc:
            raise type(exc)(f"ca-key.pem and ca-cert.pem: {exc.problem}", exc.fix) from None
