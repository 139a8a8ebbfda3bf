"""What MariaDB and nginx share: :class:`Server` (a real server in a throwaway folder) and its helpers.

:class:`Server` checks the workspace's files, makes the throwaway folder,
starts the program (:mod:`pkilesson.tls._process`), waits until it answers,
and stops it and removes the folder on every path. Beside it: the errors
(:class:`ServerMissing`, :class:`ServerFailed`), where the programs are
(:func:`program`, :func:`install_command`), and what both servers read of a
client (its certificate and key files) and of a program (its version line).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional, Union

from cryptography.x509.oid import NameOID

from .._catalog import _
from ..errors import PkiLessonError, WorkspaceError, argument_error
from ..pki.workspace import Workspace
from ._attempt import _Log
from ._process import _PREFIX, START_TIMEOUT, _no_interrupts, _spawn, _sweep, free_port, stop_process

__all__ = ["PACKAGES", "CLIENT_TIMEOUT", "ServerMissing", "ServerFailed", "Server", "program", "install_command",
           "missing", "relative", "check_port"]

#: The Debian packages each server (and its clients) comes from.
PACKAGES = {"mariadb": ("mariadb-server", "mariadb-client"), "nginx": ("nginx",), "curl": ("curl",)}
#: Seconds one client may take on loopback.
CLIENT_TIMEOUT = 30.0
_SBIN = ("/usr/local/sbin", "/usr/sbin", "/sbin")  # not on a non-root user's PATH on Debian


class ServerMissing(PkiLessonError):
    """A server program (or the client a lesson runs) is not installed here; ``install`` is the command."""

    def __init__(self, problem: str, fix: str = "", install: str = "") -> None:
        super().__init__(problem, fix)
        self.install = install


class ServerFailed(PkiLessonError):
    """A server did not start or did not answer; the message quotes its log."""


def program(name: str) -> Optional[str]:
    """The path of program ``name``: on the PATH, or in an ``sbin`` folder (where Debian puts servers)."""
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(_SBIN))


def install_command(kind: str) -> str:
    """The command that installs ``kind`` ("mariadb", "nginx", "curl") on Debian or Ubuntu."""
    return f"sudo apt-get install {' '.join(PACKAGES[kind])}"


def missing(kind: str, what: str) -> ServerMissing:
    return ServerMissing(_("{what} is not installed here.").format(what=what),
                         _("install it ({command} on Debian or Ubuntu), then run again.").format(
                             command=install_command(kind)),
                         install_command(kind))


def relative(path: Path, base: Path) -> str:
    """``path`` as a command line shows it, relative to the folder the command runs in when inside it."""
    path, base = Path(path).absolute(), Path(base).absolute()
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def _server_files(directory: Path) -> dict:
    """The files mariadbd and nginx read, checked first: one error with a fix instead of a server's."""
    workspace = Workspace(directory)
    if not directory.is_dir():
        raise WorkspaceError(_("{folder} is not a folder.").format(folder=directory),
                             _("make it first: pkilesson workflow {folder}.").format(folder=directory))
    workspace.load_certificate("ca")
    workspace.load_certificate("server")
    workspace.load_key("server")
    return {"ca": workspace.file("ca", "cert").absolute(), "cert": workspace.file("server", "cert").absolute(),
            "key": workspace.file("server", "key").absolute()}


def _crl_file(crl) -> Optional[Path]:
    if crl is None:
        return None
    from ..pki.revocation import load_crl

    path = Path(crl)
    load_crl(path)  # a readable CRL, or one error with a fix
    return path.absolute()


class Server:
    """A real server in a throwaway folder: the start, the wait and the clean-up every kind shares.

    Subclasses set :attr:`kind` and implement ``_start()`` (start the program, wait until it answers;
    raise :class:`ServerFailed` otherwise). ``port`` is the port of 127.0.0.1 it listens on, once started.
    """

    kind = "server"

    def __init__(self, directory: Union[str, Path] = "lab", *, crl: Union[str, Path, None] = None,
                 port: Optional[int] = None) -> None:
        """The workspace whose CA, certificate and key the server uses (checked now), a CRL file, a port."""
        if not isinstance(directory, (str, Path)):
            raise argument_error("directory", "a workspace folder", directory)
        self.directory = Path(directory)
        self.files = _server_files(self.directory)
        self.crl = _crl_file(crl)
        self._port = check_port(port)
        self.folder: Optional[Path] = None
        self.process: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None
        self._lock = threading.Lock()

    def __enter__(self):
        _sweep(self.kind)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{self.kind}-"))  # 0700
        try:
            (self.folder / "owner").write_text(f"{os.getpid()}\n")
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self):
        """Start the server (as ``with`` does); :meth:`close` must follow, e.g. in a ``finally``."""
        return self.__enter__()

    def close(self) -> None:
        """Stop the server and everything it started, and remove its folder. Safe to call twice.

        A second Ctrl-C while it stops is held back until it has stopped (in the main thread).
        """
        with self._lock, _no_interrupts():
            try:
                stop_process(self.process)
            finally:
                self.process = None
                if self.folder is not None:
                    shutil.rmtree(self.folder, ignore_errors=True)
                    self.folder = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _spawn_and_wait(self, argv: list, ready, log: _Log, what: str, timeout: float = START_TIMEOUT) -> None:
        """Start ``argv``; wait until ``ready()`` is true; raise ServerFailed with the log's end if it exits."""
        output = self.folder / "output.log"
        self.process = _spawn(argv, self.folder, output)
        deadline = time.monotonic() + timeout
        while True:
            if ready():
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                text = (log.text() + "\n" + _read(output)).strip()
                said = [line for line in text.splitlines() if re.search(r"ERROR|\[emerg\]|\[crit\]|\[alert\]", line)]
                exited = self.process.poll() is not None
                stop_process(self.process)
                problem = _("{program} exited (exit status {status}); its words: {words}") if exited else \
                    _("{program} did not answer (exit status {status}); its words: {words}")
                error = ServerFailed(problem.format(program=what, status=self.process.returncode,
                                                    words=" | ".join((said or text.splitlines())[-4:])),
                                     _("read its words: another program may hold the port, or the workspace's "
                                       "files may not suit the server."))
                error.log = text
                raise error
            time.sleep(0.05)

    def _retrying(self, start_once, port: Optional[int]) -> None:
        """Run ``start_once(port)``; with a port picked here, retry twice on another if it was taken meanwhile."""
        tries = 1 if port else 3
        for attempt in range(tries):
            chosen = port or free_port()
            try:
                start_once(chosen)
                self.port = chosen
                return
            except ServerFailed as error:
                if attempt == tries - 1 or "in use" not in getattr(error, "log", ""):
                    raise


def _read(path: Path) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def check_port(port) -> Optional[int]:
    if port is None:
        return None
    if isinstance(port, bool) or not isinstance(port, int):
        raise argument_error("port", "a whole number from 1024 to 65535, or None", port)
    if not 1024 <= port <= 65535:
        raise PkiLessonError(_("Port {port} is out of range for a server started as a user.").format(port=port),
                             _("give a port from 1024 to 65535, or none: a free one is picked."))
    return port


# -- what both servers read: a program's version line, a client's files, OpenSSL's names ---------------------


def _first_line(argv: list) -> Optional[str]:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=CLIENT_TIMEOUT, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (done.stdout or done.stderr).strip().splitlines()
    return " ".join(lines[0].split()) if lines else None


def _client_files(client) -> tuple[Optional[Path], Optional[Path]]:
    """A client's certificate and key: a folder holding client-cert.pem and client-key.pem, or None."""
    if client is None:
        return None, None
    if not isinstance(client, (str, Path)):
        raise argument_error("client", "a folder holding client-cert.pem and client-key.pem, or None", client)
    workspace = Workspace(client)
    workspace.load_certificate("client")
    workspace.load_key("client")
    return workspace.file("client", "cert").absolute(), workspace.file("client", "key").absolute()


#: OpenSSL's short names, which X509_NAME_oneline writes (MariaDB) and nginx's $ssl_client_s_dn.
_SHORT = {
    NameOID.COUNTRY_NAME: "C", NameOID.STATE_OR_PROVINCE_NAME: "ST", NameOID.LOCALITY_NAME: "L",
    NameOID.ORGANIZATION_NAME: "O", NameOID.ORGANIZATIONAL_UNIT_NAME: "OU", NameOID.COMMON_NAME: "CN",
    NameOID.EMAIL_ADDRESS: "emailAddress", NameOID.SERIAL_NUMBER: "serialNumber", NameOID.DOMAIN_COMPONENT: "DC",
    NameOID.USER_ID: "UID", NameOID.SURNAME: "SN", NameOID.GIVEN_NAME: "GN", NameOID.TITLE: "title",
    NameOID.STREET_ADDRESS: "street", NameOID.POSTAL_CODE: "postalCode",
}
