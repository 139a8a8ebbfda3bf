"""Commands as a terminal shows them, for lessons 05 and 06: the ``pkilesson`` command
(:func:`pkilesson_command`) and OpenSSL's own client against pkilesson's server (:func:`openssl_s_client`).

Each gives a :class:`~pkilesson.lessons.lesson.Transcript`. :mod:`pkilesson.lessons.scenarios`
re-exports them: import them from there.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from .._catalog import _, current
from ._lab import LAB
from ._transcripts import Transcript
from ..pki.openssl import openssl_path
from ..tls.loopback import TIMEOUT, LoopbackServer, SideReport, party_of

__all__ = ["pkilesson_command", "Interop", "openssl_s_client"]


def pkilesson_command(arguments: str) -> Transcript:
    """Run the ``pkilesson ARGUMENTS`` command, as a terminal would, and keep what it printed and its exit status.

    The real command (``python -m pkilesson.cli``, the code of the ``pkilesson``
    script) runs in a new Python process, in this folder; in a lesson set to French
    (:func:`pkilesson.set_language`), it is given ``--lang fr``, and shows it.
    """
    if current() != "en":  # the lesson's language, said on the command line as a learner would type it
        arguments = f"--lang {current()} {arguments}"
    command = [sys.executable, "-m", "pkilesson.cli", *shlex.split(arguments)]
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return Transcript(f"pkilesson {arguments}", _("(the command did not finish within 120 s: stopped.)"), -1)
    out, code = done.stdout, done.returncode
    return Transcript(f"pkilesson {arguments}", out, code)


@dataclass(frozen=True)
class Interop:
    """``openssl s_client`` against pkilesson's server: what s_client printed, what the server saw."""

    client: Transcript
    server: Optional[SideReport]

    def __str__(self) -> str:
        seen = (_("what our server saw: {report}").format(report=self.server) if self.server
                else _("(our server saw no connection)"))
        return f"{self.client}\n{seen}" if self.client.ran else str(self.client)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def openssl_s_client(artifacts, folder: Union[str, Path] = LAB, *, host: str = "localhost") -> Interop:
    """OpenSSL's own client against pkilesson's server (127.0.0.1, requiring a client certificate).

    ``openssl s_client`` runs in ``folder`` with its files (``ca-cert.pem``,
    ``client-cert.pem``, ``client-key.pem``); the server is made from
    ``artifacts``. Without the CLI, the command is shown, not run.
    """
    options = (f"-servername {host} -CAfile ca-cert.pem -cert client-cert.pem -key client-key.pem "
               f"-verify_hostname {host} -verify_return_error -brief")
    if openssl_path() is None:
        return Interop(Transcript(f"openssl s_client -connect 127.0.0.1:PORT {options}", "", None), None)
    with LoopbackServer(party_of(artifacts, "server"), lifetime=TIMEOUT + 5) as server:
        command = f"openssl s_client -connect 127.0.0.1:{server.port} {options}"
        argv = [openssl_path(), *shlex.split(command)[1:]]
        try:  # end of input: s_client leaves after the handshake
            done = subprocess.run(argv, cwd=folder, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=TIMEOUT)
            run = Transcript(command, done.stdout + done.stderr, done.returncode)
        except subprocess.TimeoutExpired:
            run = Transcript(command, _("(s_client did not finish within {seconds:g} s: stopped.)").format(
                seconds=TIMEOUT), -1)
        deadline = time.monotonic() + TIMEOUT
        while not server.reports and time.monotonic() < deadline:
            time.sleep(0.01)
        report = server.reports[0] if server.reports else None
    return Interop(run, report)
