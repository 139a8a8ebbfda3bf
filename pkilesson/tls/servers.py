"""Real servers on 127.0.0.1, started from a workspace's files: which are here, and ``pkilesson serve``.

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
words, with its name and version. :func:`installed` says which servers are
here and :func:`serve_main` is ``pkilesson serve``: they choose among the
servers, so they sit above them. What the two servers share lives below
them, and is importable here too: :class:`Server` and its errors in
:mod:`pkilesson.tls._server`, the folder and process group in
:mod:`pkilesson.tls._process`, :class:`Attempt` in :mod:`pkilesson.tls._attempt`.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Optional, Union

from .._catalog import _
from ..errors import PkiLessonError
from ._attempt import Attempt
from ._process import STOP_TIMEOUT, leftover_folders
from ._server import PACKAGES, Server, ServerFailed, ServerMissing, check_port, install_command, program
from .mariadb import MariaDB, mariadb_version
from .nginx import Nginx, curl_version, nginx_version

# The servers' shared machinery, importable here as before (lessons.access reads missing here).
from ._attempt import settle, shown_html, shown_words, strip_stamp  # noqa: F401
from ._process import START_TIMEOUT, answers, free_port, run_in_group, stop_process  # noqa: F401
from ._server import CLIENT_TIMEOUT, missing, relative  # noqa: F401

__all__ = ["PACKAGES", "STOP_TIMEOUT", "ServerMissing", "ServerFailed", "Attempt", "Server", "program",
           "install_command", "installed", "serve_main", "leftover_folders"]


def installed() -> str:
    """One line per server the lessons start, and curl: its version here, or how to install it."""
    lines = []
    for kind, label, version in (("mariadb", "MariaDB", mariadb_version), ("nginx", "nginx", nginx_version),
                                 ("curl", "curl", curl_version)):
        found = version()
        lines.append(f"{label}: {found}" if found else _("{program}: not installed ({command})").format(
            program=label, command=install_command(kind)))
    return "\n".join(lines)


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
    out = out or sys.stdout
    if kind not in ("mariadb", "nginx"):
        raise PkiLessonError(_("There is no server {kind!r} to serve.").format(kind=kind), _("use 'mariadb' or 'nginx'."))
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
            print("\n" + _("Press Ctrl-C to stop it: the server stops and its folder is removed."), file=out, flush=True)
            if ready is not None:
                ready.set()
            while not stop.wait(0.2):
                if not server.running:
                    print(_("The server stopped by itself; its log: {log}").format(log=server.log_tail()), file=out,
                          flush=True)
                    return 1
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(_("Stopped {server}; its folder is removed.").format(server=server.name), file=out, flush=True)
    return 0
