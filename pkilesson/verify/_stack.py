"""What the other stacks' modules share: one tool's verdict, how to say a tool is missing, how to run one.

The lab's newer columns (:mod:`pkilesson.verify.gnutls`, :mod:`pkilesson.verify.nss`,
:mod:`pkilesson.verify.golang`, :mod:`pkilesson.verify.browser`) each return a
:class:`ToolVerdict`: the tool's own words, its version and the command
that ran; :mod:`pkilesson.verify.matrix` makes a cell of each.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .._catalog import N_, Text

#: Seconds one tool may take on the lab's files (a handshake on loopback included).
TOOL_TIMEOUT = 30.0


@dataclass(frozen=True)
class ToolVerdict:
    """One tool's verdict: True (accepted), False (refused) or None (not run, ``words`` says why)."""

    accepted: Optional[bool]
    words: str
    version: str
    command: str


def not_installed(tool: str, package: str, command: str, what: str = "") -> ToolVerdict:
    """The verdict of a tool that is not on this machine: how to install it, never an error (our words, a Text).

    ``what`` names the tool in words (marked with N_), else ``tool`` (a command's name) does."""
    return ToolVerdict(None, Text(N_("{tool} is not installed here; to install it on Debian or Ubuntu: sudo apt-get "
                                     "install {package}"), tool=Text(what) if what else tool, package=package),
                       Text(N_("{tool}: not installed"), tool=tool), command)


def at_the_real_time(at: dt.datetime) -> bool:
    """Whether ``at`` is now (within a minute): tools without a 'check at this time' option need it."""
    return abs((at - dt.datetime.now(dt.timezone.utc)).total_seconds()) <= 60


def run_tool(argv: list, cwd: Path, *, env: Optional[dict] = None, timeout: float = TOOL_TIMEOUT,
             pass_fds: tuple = ()) -> subprocess.CompletedProcess:
    """Run one tool in ``cwd``, no standard input, its output captured as text (never raises on its exit code)."""
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, errors="replace", timeout=timeout, pass_fds=pass_fds)


def cache_dir() -> Path:
    """pkilesson's cache folder: ``$XDG_CACHE_HOME/pkilesson`` or ``~/.cache/pkilesson`` (made 0700)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "pkilesson"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def lines_of(done: subprocess.CompletedProcess) -> list[str]:
    """The non-empty lines a tool printed (standard output, then standard error), stripped."""
    return [line.strip() for line in (done.stdout + "\n" + done.stderr).splitlines() if line.strip()]
