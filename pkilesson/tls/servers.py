"""Real servers on 127.0.0.1, started from a workspace's files: what MariaDB and nginx share.

Each server (:class:`~pkilesson.tls.mariadb.MariaDB`, :class:`~pkilesson.tls.nginx.Nginx`)
is a context manager. Entering it makes a throwaway folder (0700, in the
system's temporary folder, named ``pkilesson-KIND-*``), starts the Debian
program there as the current user, on a free port of 127.0.0.1 only, and
waits until it answers. Leaving it, on every path (an exception or
KeyboardInterrupt included, during the start too), stops the program and
everything it started (SIGTERM to its process group, SIGKILL after
:data:`STOP_TIMEOUT` seconds) and removes the folder.

The server reads the workspace's certificate and key files where they are:
no copy of a private key is made. If the Python process that started a
server is killed outright, the server dies with it (``setpriv
--pdeathsig``, from util-linux, where present), and the next start removes
any folder whose owner process is gone.

:class:`Attempt` is one client's try at a server: what the client said and
what the server said (its log lines for that connection), each in its own
words, with its name and version. :func:`serve_main` is ``pkilesson serve``.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Union

from ..errors import PkiLessonError, WorkspaceError, argument_error

__all__ = ["PACKAGES", "STOP_TIMEOUT", "ServerMissing", "ServerFailed", "Attempt", "Server", "program",
           "install_command", "installed", "serve_main", "leftover_folders"]

#: The Debian packages each server (and its clients) comes from.
PACKAGES = {"mariadb": ("mariadb-server", "mariadb-client"), "nginx": ("nginx",), "curl": ("curl",)}
#: Seconds a server has to stop after SIGTERM before SIGKILL.
STOP_TIMEOUT = 10.0
#: Seconds a server has to start and answer.
START_TIMEOUT = 60.0
#: Seconds one client may take on loopback.
CLIENT_TIMEOUT = 30.0
_SBIN = ("/usr/local/sbin", "/usr/sbin", "/sbin")  # not on a non-root user's PATH on Debian
_PREFIX = "pkilesson-"


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
    return ServerMissing(f"{what} is not installed here.",
                         f"install it ({install_command(kind)} on Debian or Ubuntu), then run again.",
                         install_command(kind))


def installed() -> str:
    """One line per server the lessons start, and curl: its version here, or how to install it."""
    from .mariadb import mariadb_version
    from .nginx import curl_version, nginx_version

    lines = []
    for kind, label, version in (("mariadb", "MariaDB", mariadb_version), ("nginx", "nginx", nginx_version),
                                 ("curl", "curl", curl_version)):
        found = version()
        lines.append(f"{label}: {found}" if found else f"{label}: not installed ({install_command(kind)})")
    return "\n".join(lines)


# -- the throwaway folder and the process ---------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def leftover_folders(kind: str = "") -> list[Path]:
    """This user's ``pkilesson-KIND-*`` folders in the temporary folder (a running server's included)."""
    base = Path(tempfile.gettempdir())
    found = []
    for path in (p for k in ([kind] if kind else ["mariadb", "nginx"]) for p in base.glob(f"{_PREFIX}{k}-*")):
        try:
            if path.is_dir() and not path.is_symlink() and path.stat().st_uid == os.getuid():
                found.append(path)
        except OSError:
            continue
    return sorted(found)


def _sweep(kind: str) -> None:
    """Remove the folders of servers whose Python process is gone (killed before it could clean up)."""
    for path in leftover_folders(kind):
        try:
            owner = int((path / "owner").read_text().strip())
        except (OSError, ValueError):
            continue  # being made right now, or not ours to judge
        if owner != os.getpid() and not _alive(owner):
            shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now (the server may still lose it: it retries)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:``port``."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def _spawn(argv: list, folder: Path, output: Path) -> subprocess.Popen:
    """Start ``argv`` in ``folder``, in its own process group (a Ctrl-C in a terminal reaches only us:
    we stop it in order), dying with its parent where ``setpriv --pdeathsig`` exists."""
    setpriv = shutil.which("setpriv")
    if setpriv and sys.platform.startswith("linux"):
        argv = [setpriv, "--pdeathsig", "KILL", "--", *argv]
    with open(output, "ab") as log:
        return subprocess.Popen([str(a) for a in argv], cwd=folder, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _exited(process: subprocess.Popen) -> bool:
    """Whether the process has ended, without reaping it (its pid, and so its group's id, stays ours)."""
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:  # already reaped
        return True


def stop_process(process: Optional[subprocess.Popen], timeout: float = STOP_TIMEOUT) -> None:
    """Stop ``process`` and its whole group: SIGTERM, then SIGKILL after ``timeout``; reap it."""
    if process is None or process.returncode is not None:
        return
    group = process.pid  # its own session: the group's id is its pid, not reused until we reap it

    def signal_group(sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, sig)

    signal_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while not _exited(process) and time.monotonic() < deadline:
        time.sleep(0.02)
    signal_group(signal.SIGKILL)  # stragglers (a worker whose master died), or the server itself after timeout
    process.wait()


@contextlib.contextmanager
def _no_interrupts():
    """Hold SIGINT and SIGTERM back while a server is being stopped, then deliver them (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    held = [sig for sig in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(sig) is not None]
    previous = {sig: signal.signal(sig, lambda signum, frame: pending.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(pending):
            signal.raise_signal(sig)


def run_in_group(argv: list, folder: Path, output: Path, timeout: float = START_TIMEOUT) -> int:
    """Run ``argv`` to its end like :func:`_spawn` starts it; on any exception (a timeout, Ctrl-C)
    its whole process group is stopped before the exception goes on. Returns its exit status."""
    process = _spawn(argv, folder, output)
    try:
        return process.wait(timeout)
    except BaseException:
        stop_process(process)
        raise


class _Log:
    """A log file read from where the last read stopped: the lines one attempt added."""

    def __init__(self, path: Path, label: str) -> None:
        self.path, self.label, self.offset = path, label, 0

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def mark(self) -> None:
        self.offset = self.size()

    def read(self) -> list[str]:
        try:
            with open(self.path, "rb") as file:
                file.seek(self.offset)
                data = file.read()
        except OSError:
            return []
        end = data.rfind(b"\n") + 1  # whole lines only; the rest is read next time
        self.offset += end
        return [line for line in data[:end].decode("utf-8", "replace").splitlines() if line.strip()]

    def text(self) -> str:
        try:
            return self.path.read_text(errors="replace")
        except OSError:
            return ""


def settle(logs: Iterable[_Log], *, quiet: float = 0.2, timeout: float = 3.0) -> None:
    """Wait until the logs have grown and then stayed the same for ``quiet`` seconds (at most ``timeout``).

    A server writes some lines after the client has gone (MariaDB's "Aborted connection", nginx's
    access log at the end of a request): waiting for quiet collects them with their attempt.
    """
    logs = list(logs)
    start = [log.offset for log in logs]
    deadline = time.monotonic() + timeout
    sizes, since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = [log.size() for log in logs]
        if now != sizes:
            sizes, since = now, time.monotonic()
        elif any(s > o for s, o in zip(now, start)) and time.monotonic() - since >= quiet:
            return
        time.sleep(0.03)


def relative(path: Path, base: Path) -> str:
    """``path`` as a command line shows it, relative to the folder the command runs in when inside it."""
    path, base = Path(path).absolute(), Path(base).absolute()
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def _server_files(directory: Path) -> dict:
    """The files mariadbd and nginx read, checked first: one error with a fix instead of a server's."""
    from ..pki.workspace import Workspace

    workspace = Workspace(directory)
    if not directory.is_dir():
        raise WorkspaceError(f"{directory} is not a folder.", f"make it first: pkilesson workflow {directory}.")
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
                status = "exited" if self.process.poll() is not None else "did not answer"
                stop_process(self.process)
                error = ServerFailed(f"{what} {status} (exit status {self.process.returncode}); its words: "
                                     + " | ".join((said or text.splitlines())[-4:]),
                                     "read its words: another program may hold the port, or the workspace's "
                                     "files may not suit the server.")
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
        raise PkiLessonError(f"Port {port} is out of range for a server started as a user.",
                             "give a port from 1024 to 65535, or none: a free one is picked.")
    return port


# -- one client's try ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One client's try at a real server, as both sides told it.

    Attributes:
        server: the server and its version (and its TLS library), e.g. ``MariaDB 10.11.19-...``.
        setting: the server's rule for this try, as configured (an SQL statement, an nginx directive).
        client: the client program and its version.
        scenario: the try in words (who connects, with which certificate).
        command: the command line or call that ran (``PORT`` for the port).
        accepted: whether the client got in.
        client_words: what the client printed or raised, in its own words.
        server_words: what the server logged for this connection: (which log, the line) pairs.
        recorded: None for a live try; else when and where the outcome was recorded.
    """

    server: str
    setting: str
    client: str
    scenario: str
    command: str
    accepted: bool
    client_words: str
    server_words: tuple[tuple[str, str], ...] = ()
    recorded: Optional[str] = None

    @property
    def verdict(self) -> str:
        return "accepted" if self.accepted else "refused"

    def server_says(self, text: str) -> bool:
        """Whether one of the server's lines contains ``text``."""
        return any(text in line for _, line in self.server_words)

    def to_dict(self) -> dict:
        return {"server": self.server, "setting": self.setting, "client": self.client, "scenario": self.scenario,
                "command": self.command, "accepted": self.accepted, "client_words": self.client_words,
                "server_words": [list(pair) for pair in self.server_words]}

    @classmethod
    def from_dict(cls, data: dict, recorded: Optional[str] = None) -> "Attempt":
        return cls(data["server"], data["setting"], data["client"], data["scenario"], data["command"],
                   data["accepted"], data["client_words"], tuple(tuple(p) for p in data["server_words"]), recorded)

    def _header(self) -> str:
        return f"{self.scenario}: {self.verdict.upper()}"

    def __str__(self) -> str:
        lines = []
        if self.recorded:
            lines.append(f"RECORDED, not run here: {self.recorded}")
        lines += [self._header(), f"  server: {self.server}", f"  its rule: {self.setting}",
                  f"  client: {self.client}", f"  $ {self.command}",
                  f"  the client said (its own words): {self.client_words}"]
        if self.server_words:
            lines += [f"  the server said ({log}): {line}" for log, line in self.server_words]
        else:
            lines.append("  the server said: nothing in its logs")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = "var(--jp-success-color1, #2e7d32)" if self.accepted else "var(--jp-error-color1, #c62828)"
        e = html.escape
        rows = [("server", e(self.server)), ("its rule", f"<code>{e(self.setting)}</code>"),
                ("client", e(self.client)), ("command", f"<code>$ {e(self.command)}</code>"),
                ("the client said (its own words)", f"<code>{e(self.client_words)}</code>")]
        said = "<br>".join(f"<i>{e(log)}</i>: <code>{e(line)}</code>" for log, line in self.server_words)
        rows.append(("the server said", said or "nothing in its logs"))
        banner = ""
        if self.recorded:
            banner = (f"<p style='border: 2px dashed var(--jp-warn-color1, #e65100); padding: 4px'>"
                      f"<b>RECORDED, not run here</b>: {e(self.recorded)}</p>")
        cell = "style='text-align: left; vertical-align: top; overflow-wrap: anywhere; word-break: break-word'"
        table = "".join(f"<tr><th {cell}>{k}</th><td {cell}>{v}</td></tr>" for k, v in rows)
        return (f"<div class='pkilesson-attempt'>{banner}<p><b>{e(self.scenario)}</b>: "
                f"<b style='color: {colour}'>{self.verdict}</b></p><table style='table-layout: fixed; width: 100%'>"
                f"<colgroup><col style='width: 25%'><col style='width: 75%'></colgroup>{table}</table></div>")


def strip_stamp(line: str) -> str:
    """A log line without its leading date and time (the rest is the server's own words)."""
    line = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+\s+", "", line)  # MariaDB's error log
    line = re.sub(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d ", "", line)  # nginx's error log
    return re.sub(r"^\d{6}\s+\d\d:\d\d:\d\d\s+", "", line).strip()  # MariaDB's general log


# -- pkilesson serve ---------------------------------------------------------------------------------------


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve_main(kind: str, directory: Union[str, Path], *, port: Optional[int] = None,
               crl: Union[str, Path, None] = None, out=None, ready: Optional[threading.Event] = None,
               stop: Optional[threading.Event] = None) -> int:
    """``pkilesson serve mariadb|nginx DIR``: start the server with DIR's files, print how to connect, wait.

    Ctrl-C (SIGINT) or SIGTERM stops it, removes its folder and returns 0.
    ``port``: the port of 127.0.0.1 (default: a free one); ``crl``: a CRL
    file the server loads (default: DIR/ca-crl.pem when it exists). ``ready``
    is set once the server answers and ``stop``, when set, stops it (for
    callers in a thread). Bad input raises one :class:`PkiLessonError`.
    """
    from .mariadb import MariaDB
    from .nginx import Nginx

    out = out or sys.stdout
    if kind not in ("mariadb", "nginx"):
        raise PkiLessonError(f"There is no server {kind!r} to serve.", "use 'mariadb' or 'nginx'.")
    directory = Path(directory)
    if crl is None and (directory / "ca-crl.pem").is_file():
        crl = directory / "ca-crl.pem"
    server = (MariaDB if kind == "mariadb" else Nginx)(directory, port=check_port(port), crl=crl)
    stop = stop or threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with server:
            print(server.how_to_connect(), file=out, flush=True)
            print("\nPress Ctrl-C to stop it: the server stops and its folder is removed.", file=out, flush=True)
            if ready is not None:
                ready.set()
            while not stop.wait(0.2):
                if not server.running:
                    print(f"The server stopped by itself; its log: {server.log_tail()}", file=out, flush=True)
                    return 1
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(f"Stopped {server.name}; its folder is removed.", file=out, flush=True)
    return 0
