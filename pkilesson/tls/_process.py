"""A server program's throwaway folder and process group: start it, stop it, sweep what a killed run left.

The folder is made in the system's temporary folder (0700, named
``pkilesson-KIND-*``) and holds an ``owner`` file with the pid of the Python
process that started the server: :func:`_sweep` removes the folders whose
owner is gone. :func:`_spawn` starts a program in its own process group
(dying with its parent where ``setpriv --pdeathsig`` exists) and
:func:`stop_process` stops the whole group (SIGTERM, then SIGKILL after
:data:`STOP_TIMEOUT` seconds). :class:`~pkilesson.tls._server.Server` uses them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional

__all__ = ["STOP_TIMEOUT", "START_TIMEOUT", "leftover_folders", "free_port", "answers", "stop_process",
           "run_in_group"]

#: Seconds a server has to stop after SIGTERM before SIGKILL.
STOP_TIMEOUT = 10.0
#: Seconds a server has to start and answer.
START_TIMEOUT = 60.0
_PREFIX = "pkilesson-"


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
