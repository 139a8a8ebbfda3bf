"""NSS's verdict, in its own words: ``vfychain`` in a throwaway NSS database that trusts the lab's CA.

NSS (Network Security Services) is Mozilla's TLS and certificate library:
Firefox, Thunderbird and many Red Hat tools are built on it, and Chromium on
Linux keeps its certificates and keys in an NSS database. Debian's
``libnss3-tools`` has the tools used here:

- ``certutil -N -d sql:NSSDB --empty-password`` makes a new database in the
  folder NSSDB; ``certutil -A -d sql:NSSDB -n lab-ca -t C,, -a -i
  ca-cert.pem`` adds the CA, trusted to issue TLS server certificates (``C``);
- ``vfychain -d sql:NSSDB -u 1 -a leaf-cert.pem`` checks the certificate for
  the usage *SSL server* (``-u 0``: *SSL client*) with NSS's classic verifier
  (``CERT_VerifyCertificate``, what NSS's own TLS code calls) and prints
  ``Chain is good!`` or ``Chain is bad!`` with NSS's error; it exits 1 when
  it refuses.

NSS checks the chain, the dates, the signatures and the key usages here; the
host name is checked by the TLS client afterwards (``SSL_AuthCertificate``),
so this column says nothing about names. :func:`make_database` is also what
:mod:`pkilesson.verify.browser` gives Chromium.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import functools
import os
import shlex
import shutil
from pathlib import Path
from typing import Optional, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

from .._catalog import N_, _, Text
from ._stack import ToolVerdict, lines_of, not_installed, run_tool
from ..pki.certificates import certificate_to_pem
from ..errors import PkiLessonError

__all__ = ["PACKAGE", "USAGES", "nss_version", "make_database", "vfychain_commands", "vfychain_verify"]

#: The Debian package with certutil, pk12util and vfychain.
PACKAGE = "libnss3-tools"
#: vfychain's ``-u``: the usages of a TLS server's and a TLS client's certificate.
USAGES = {"server": "1", "client": "0"}


@functools.lru_cache(maxsize=None)
def nss_version() -> Optional[str]:
    """``NSS 3.87.1``: the version of the NSS library the tools load (``NSS_GetVersion``), None if absent."""
    name = ctypes.util.find_library("nss3")
    if name is None:
        return None
    try:
        library = ctypes.CDLL(name)
        library.NSS_GetVersion.restype = ctypes.c_char_p
        return f"NSS {library.NSS_GetVersion().decode()}"
    except (OSError, AttributeError):
        return None


def _tools_present() -> bool:
    return all(shutil.which(tool) for tool in ("certutil", "vfychain", "pk12util"))


def vfychain_commands(purpose: str, *, at: Optional[dt.datetime] = None, intermediates: bool = False) -> list[list[str]]:
    """The three commands: a new database in NSSDB, the CA trusted in it, vfychain on the leaf."""
    check = ["vfychain", "-d", "sql:NSSDB", "-u", USAGES[purpose]]
    if at is not None:
        check += ["-b", at.astimezone(dt.timezone.utc).strftime("%y%m%d%H%MZ")]
    check += ["-a", "leaf-cert.pem"] + (["-a", "untrusted.pem"] if intermediates else [])
    return [["certutil", "-N", "-d", "sql:NSSDB", "--empty-password"],
            ["certutil", "-A", "-d", "sql:NSSDB", "-n", "lab-ca", "-t", "C,,", "-a", "-i", "ca-cert.pem"], check]


def _command_text(commands: list[list[str]]) -> str:
    return " && ".join(shlex.join(c) for c in commands) + "  # NSSDB: a new, empty folder"


def make_database(folder: Path, trusted: Sequence[x509.Certificate], *, client=None, work: Optional[Path] = None) -> None:
    """A new NSS database in ``folder`` trusting ``trusted`` (``C,,``), holding ``client`` if given.

    ``client`` is a (certificate chain, private key) pair, imported with
    ``pk12util`` from a PKCS#12 file that lives in memory (``memfd``) where
    the system allows it, else in ``work`` (a private folder) for the time of
    the import. Raises :class:`~pkilesson.errors.PkiLessonError` with NSS's
    words when a tool refuses.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    db = f"sql:{folder}"
    _checked(run_tool(["certutil", "-N", "-d", db, "--empty-password"], folder), "certutil -N")
    for index, certificate in enumerate(trusted):
        pem = folder / f"trusted-{index}.pem"
        pem.write_bytes(certificate_to_pem(certificate))
        try:
            _checked(run_tool(["certutil", "-A", "-d", db, "-n", f"trusted-{index}", "-t", "C,,", "-a", "-i", pem],
                              folder), "certutil -A")
        finally:
            pem.unlink()
    if client is not None:
        chain, key = client
        data = pkcs12.serialize_key_and_certificates(b"client", key, chain[0], list(chain[1:]) or None,
                                                     BestAvailableEncryption(b"pkilesson"))
        with _SecretFile(data, work or folder) as (path, fds):
            _checked(run_tool(["pk12util", "-i", path, "-d", db, "-W", "pkilesson"], folder, pass_fds=fds),
                     "pk12util -i")


class _SecretFile:
    """A file holding ``data`` for a child process: an in-memory file where possible, else a 0600 file."""

    def __init__(self, data: bytes, folder: Path) -> None:
        self.data, self.folder, self.fd, self.path = data, Path(folder), None, None

    def __enter__(self) -> tuple[str, tuple]:
        if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
            try:
                self.fd = os.memfd_create("pkilesson-client.p12", 0)  # inherited by the child through pass_fds
            except OSError:
                self.fd = None
        if self.fd is not None:
            view = memoryview(self.data)
            while view:
                view = view[os.write(self.fd, view):]
            return f"/proc/self/fd/{self.fd}", (self.fd,)
        self.path = self.folder / "client.p12"
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(self.data)
        return str(self.path), ()

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def _checked(done, what: str) -> None:
    if done.returncode != 0:
        said = "; ".join(lines_of(done)) or _("exit status {status}").format(status=done.returncode)
        raise PkiLessonError(_("NSS's {tool} refused: {said}").format(tool=what, said=said),
                             _("check the certificates and the key given."))


def vfychain_verify(folder: Path, purpose: str, *, trusted: int = 1, at: Optional[dt.datetime] = None,
                    intermediates: int = 0, work: Path) -> ToolVerdict:
    """NSS's verdict on ``folder``'s files: the three commands of :func:`vfychain_commands`, run as shown.

    NSSDB is a new folder in ``work``. ``trusted``: how many certificates
    ca-cert.pem holds; ``intermediates``: how many untrusted.pem holds
    (certutil and vfychain read one certificate from each file); ``at``: the
    time of the check when it is not now (``vfychain -b``, to the minute).
    """
    commands = vfychain_commands(purpose, at=at, intermediates=bool(intermediates))
    command = _command_text(commands)
    version = nss_version() or "NSS"
    if not _tools_present():
        return not_installed("vfychain", PACKAGE, command, N_("NSS's tools (certutil, vfychain)"))
    if trusted != 1 or intermediates > 1:
        return ToolVerdict(None, Text(N_("this column imports one trusted CA and reads at most one intermediate; "
                                         "here there are {trusted} trusted and {intermediates} intermediate"), trusted=trusted,
                                      intermediates=intermediates), version, command)
    database = Path(work) / "nssdb"
    database.mkdir(mode=0o700)
    for argv in commands:
        done = run_tool([part.replace("NSSDB", str(database)) for part in argv], folder)
        if argv[0] == "certutil" and done.returncode != 0:  # the database could not be made: no verdict
            said = "; ".join(lines_of(done)) or Text(N_("exit status {status}"), status=done.returncode)
            return ToolVerdict(None, Text(N_("{command} failed: {said}"), command=shlex.join(argv[:2]), said=said),
                               version, command)
    said = lines_of(done)
    words = " ".join(said) or Text(N_("(vfychain printed nothing; exit status {status})"), status=done.returncode)
    return ToolVerdict(done.returncode == 0 and "Chain is good!" in said, words, version, command)
