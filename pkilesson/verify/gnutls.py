"""GnuTLS's verdicts, in its own words: ``certtool --verify`` on the files, ``gnutls-cli`` in a real handshake.

GnuTLS is the TLS library of many Linux tools (curl, wget and others on
some distributions). Its two command-line tools come in Debian's
``gnutls-bin``:

- ``certtool --verify --load-ca-certificate ca-cert.pem --infile leaf-cert.pem
  --verify-purpose OID --verify-hostname HOST`` checks the chain, the purpose
  (the extendedKeyUsage OID of a TLS server or client) and the host name; it
  prints ``Chain verification output: ...`` and exits 1 when it refuses;
- ``gnutls-cli --x509cafile ca-cert.pem --verify-hostname HOST -p PORT
  127.0.0.1`` connects to a server on this machine and prints ``- Status:
  ...``, then ``- Handshake was completed`` or ``*** Fatal error: ...``.

Neither can check at another time than the real one: when the lab's
instant is not now, their verdict is ``None`` and says so.
"""

from __future__ import annotations

import functools
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Optional

from .._catalog import N_, Text
from ._stack import ToolVerdict, lines_of, not_installed, run_tool

__all__ = ["PACKAGE", "PURPOSE_OIDS", "certtool_argv", "certtool_verify", "gnutls_cli_argv", "gnutls_cli_handshake",
           "tool_version"]

#: The Debian package with certtool and gnutls-cli.
PACKAGE = "gnutls-bin"
#: ``--verify-purpose``: the extendedKeyUsage OIDs of a TLS server and a TLS client.
PURPOSE_OIDS = {"server": "1.3.6.1.5.5.7.3.1", "client": "1.3.6.1.5.5.7.3.2"}


@functools.lru_cache(maxsize=None)
def _version(path: str) -> Optional[str]:
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    first = done.stdout.strip().splitlines()[:1]
    # GnuTLS's tools print e.g. "certtool 3.7.9"; another program of that name (macOS has a certtool) does not.
    if done.returncode != 0 or not first or "Free Software Foundation" not in done.stdout:
        return None
    return f"GnuTLS {first[0]}"


def tool_version(tool: str) -> Optional[str]:
    """``GnuTLS certtool 3.7.9``-style version of ``tool`` (certtool or gnutls-cli), None when absent."""
    path = shutil.which(tool)
    return _version(path) if path else None


def certtool_argv(purpose: str, host: Optional[str], infile: str = "leaf-cert.pem") -> list[str]:
    """``certtool --verify`` with the CA file, the purpose's OID and, for a server, the host name."""
    argv = ["certtool", "--verify", "--load-ca-certificate", "ca-cert.pem", "--infile", infile,
            "--verify-purpose", PURPOSE_OIDS[purpose]]
    if purpose == "server" and host:
        argv += ["--verify-hostname", host]
    return argv


def certtool_verify(folder: Path, purpose: str, host: Optional[str], *, infile: str = "leaf-cert.pem",
                    real_time: bool = True) -> ToolVerdict:
    """Run ``certtool --verify`` in ``folder`` (it holds ca-cert.pem and ``infile``): GnuTLS's verdict."""
    argv = certtool_argv(purpose, host, infile)
    command = shlex.join(argv)
    version = tool_version("certtool")
    if version is None:
        return not_installed("certtool", PACKAGE, command, N_("GnuTLS's certtool"))
    if not real_time:
        return ToolVerdict(None, Text(N_("certtool checks dates at the real time only; this check is at another "
                                        "time")), version, command)
    done = run_tool([shutil.which("certtool"), *argv[1:]], folder)
    said = [line for line in lines_of(done) if line.startswith("Chain verification output:")]
    words = said[-1] if said else (lines_of(done) or [Text(N_("(certtool printed nothing)"))])[-1]
    return ToolVerdict(done.returncode == 0 and bool(said), words, version, command)


def gnutls_cli_argv(host: Optional[str], port="PORT") -> list[str]:
    """``gnutls-cli`` to 127.0.0.1:``port``, trusting ca-cert.pem, checking ``host``."""
    argv = ["gnutls-cli", "--x509cafile", "ca-cert.pem"]
    if host:
        argv += ["--verify-hostname", host]
    return argv + ["-p", str(port), "127.0.0.1"]


def gnutls_cli_command(host: Optional[str], presented: str) -> str:
    """The command as the cell shows it: PORT is a server on 127.0.0.1 presenting ``presented``."""
    return f"{shlex.join(gnutls_cli_argv(host))} < /dev/null  # PORT: a server on 127.0.0.1 presenting {presented}"


def gnutls_cli_handshake(folder: Path, port: int, host: Optional[str], presented: str) -> ToolVerdict:
    """A real handshake: ``gnutls-cli`` connects to the server listening on 127.0.0.1:``port``."""
    command = gnutls_cli_command(host, presented)
    version = tool_version("gnutls-cli")
    if version is None:
        return not_installed("gnutls-cli", PACKAGE, command, N_("GnuTLS's gnutls-cli"))
    done = run_tool([shutil.which("gnutls-cli"), *gnutls_cli_argv(host, port)[1:]], folder)
    return ToolVerdict(*gnutls_cli_words(done), version, command)


def gnutls_cli_words(done: subprocess.CompletedProcess) -> tuple[bool, str]:
    """(accepted, words) from gnutls-cli's output: its Status line, then how the handshake ended."""
    lines = lines_of(done)
    said = [line for line in lines if line.startswith(("- Status:", "*** ", "- Handshake was completed"))]
    accepted = done.returncode == 0 and "- Handshake was completed" in lines
    return accepted, "; ".join(said) if said else (lines[-1] if lines else Text(N_("(gnutls-cli printed nothing)")))
