"""The break-it lab's cells: one per checker, each running its tool on a defect's files and quoting it.

A :class:`Cell` is one checker's verdict in its own words, with its version
and the command that ran. The functions here make the cell of each column of
:data:`~pkilesson.verify.matrix.CHECKERS` (``openssl verify``, Python's
``ssl`` in a real handshake, pyca/cryptography, pkilint, GnuTLS, NSS, Go,
Chromium); :func:`~pkilesson.verify.matrix.verdict_matrix` runs them all
and re-exports :class:`Cell`.
"""

from __future__ import annotations

import datetime as dt
import platform
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .._catalog import N_, Text
from .defects import Broken
from .explain import Explanation, verifier_version
from .lint import blocking, lint_certificate, lint_pair, pkilint_available
from ._stack import at_the_real_time
from ..pki.openssl import Command, openssl_path, openssl_version, run

_PY = f"Python {platform.python_version()}"
_WAIT = 10.0  # seconds a handshake may take on loopback


@dataclass(frozen=True)
class Cell:
    """One checker's verdict, in its own words.

    Attributes:
        checker: the name (a key of :data:`~pkilesson.verify.matrix.CHECKERS`).
        accepted: True (accepted), False (refused) or None (not run).
        words: what the checker said, quoted as it said it; when not run, why not (ours: a
            :class:`~pkilesson.verify._text.Text`, English as data, in the messages' language when shown).
        version: the checker's name and version, e.g. ``OpenSSL 3.0.19 27 Jan 2026``.
        command: what ran, as one could type or write it again.
    """

    checker: str
    accepted: Optional[bool]
    words: str
    version: str = ""
    command: str = ""

    @property
    def word(self) -> str:
        """pkilesson's word for the verdict: ``accepts``, ``refuses`` or ``not run`` (a Text)."""
        return {True: Text(N_("accepts")), False: Text(N_("refuses")), None: Text(N_("not run"))}[self.accepted]

    @property
    def detail(self) -> str:
        """The checker's words (the name earlier lessons used)."""
        return self.words

    def to_dict(self) -> dict:
        return {"name": self.checker, "version": self.version, "command": self.command, "accepted": self.accepted,
                "words": self.words}


def _openssl_argv(broken: Broken, strict: bool) -> list[str]:
    argv = ["openssl", "verify"]
    if strict:
        argv += ["-x509_strict", "-purpose", "sslserver" if broken.purpose == "server" else "sslclient"]
        if broken.purpose == "server" and broken.host:
            argv += ["-verify_hostname", broken.host]
    if abs((broken.at - dt.datetime.now(dt.timezone.utc)).total_seconds()) > 60:
        argv += ["-attime", str(int(broken.at.timestamp()))]
    argv += ["-CAfile", "ca-cert.pem"]
    if broken.intermediates:
        argv += ["-untrusted", "untrusted.pem"]
    return argv + ["leaf-cert.pem"]


def _openssl(broken: Broken, folder: Path, strict: bool) -> Cell:
    name = "openssl-strict" if strict else "openssl"
    command = Command(tuple(_openssl_argv(broken, strict)))
    if openssl_path() is None:
        return Cell(name, None, Text(N_("the openssl command is not installed here")),
                    Text(N_("{tool}: not installed"), tool="openssl"), str(command))
    done = run(command, folder, check=False)
    output = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    errors = [line for line in output if line.startswith("error ") and " depth lookup" in line]
    words = "; ".join(errors) if errors and not done.ok else (output[-1] if output else "")
    return Cell(name, done.ok, words, openssl_version() or "openssl", str(command))


def _python_ssl_command(broken: Broken, strict: bool) -> str:
    lines = ["context = ssl.create_default_context(cafile='ca-cert.pem')"]
    if strict:
        lines.append("context.verify_flags |= ssl.VERIFY_X509_STRICT")
    lines.append(f"context.wrap_socket(socket.create_connection(SERVER), server_hostname={broken.host!r})"
                 ".do_handshake()")
    chain = "leaf-cert.pem" + (" + untrusted.pem" if broken.intermediates else "")
    return "; ".join(lines) + f"  # SERVER: 127.0.0.1, presenting {chain} with leaf-key.pem"


_NO_KEY = N_("no private key for this certificate: a handshake needs one")
_SERVER_ONLY = N_("this lab's handshake checks a server's certificate only")


def _python_ssl(broken: Broken, folder: Path, strict: bool) -> Cell:
    """A real handshake: pkilesson's loopback server presents the leaf; the client is Python's own context."""
    from ..tls.loopback import LoopbackServer, Party

    name = "python-ssl-strict" if strict else "python-ssl"
    version = f"{_PY} ({ssl.OPENSSL_VERSION})"
    command = _python_ssl_command(broken, strict)
    if broken.key is None:
        return Cell(name, None, Text(_NO_KEY), version, command)
    if broken.purpose != "server":
        return Cell(name, None, Text(_SERVER_ONLY), version, command)
    if abs((broken.at - dt.datetime.now(dt.timezone.utc)).total_seconds()) > 60:
        return Cell(name, None, Text(N_("Python's ssl checks dates at the real time only; this check is at another "
                                     "time")), version, command)
    context = ssl.create_default_context(cafile=str(folder / "ca-cert.pem"))
    if strict:
        context.verify_flags |= ssl.VERIFY_X509_STRICT
    server = Party((broken.leaf, *broken.intermediates), broken.key, ())
    with LoopbackServer(server, require_client_certificate=False, strict=False, lifetime=_WAIT) as listening:
        with socket.create_connection(("127.0.0.1", listening.port), timeout=_WAIT) as raw:
            try:
                with context.wrap_socket(raw, server_hostname=broken.host) as connection:
                    accepted = Text(N_("handshake completed: {version}, {cipher}"), version=connection.version(),
                                    cipher=connection.cipher()[0])
            except (ssl.SSLError, OSError) as error:
                return Cell(name, False, str(error), version, command)
    return Cell(name, True, accepted, version, command)


def _pyca(broken: Broken, report: Explanation) -> Cell:
    verdict = report.verdict
    target = f"build_server_verifier(DNSName({broken.host!r}))" if broken.purpose == "server" \
        else "build_client_verifier()"
    command = (f"PolicyBuilder().store(Store(ca-cert.pem)).time({broken.at:%Y-%m-%dT%H:%M:%SZ}).{target}"
               f".verify(leaf-cert.pem, [{'untrusted.pem' if broken.intermediates else ''}])")
    words = verdict.reason if not verdict.valid else Text(N_("verified: a chain of {length}"),
                                                          length=len(verdict.chain))
    return Cell("pyca", verdict.valid, words, verifier_version(), command)


def _pkilint_version() -> str:
    from importlib.metadata import version

    return f"pkilint {version('pkilint')}"


def _pkilint(broken: Broken) -> Cell:
    commands = ["lint_pkix_cert lint -s ERROR leaf-cert.pem", "lint_pkix_cert lint -s ERROR ca-cert.pem",
                "lint_pkix_signer_signee_cert_chain lint -s ERROR ca-cert.pem leaf-cert.pem"]
    command = " ; ".join(commands)
    if not pkilint_available():
        return Cell("pkilint", None, Text(N_("pkilint is not installed here")),
                    Text(N_("{tool}: not installed"), tool="pkilint"), command)
    issuer = broken.roots[0]
    findings = lint_certificate(broken.leaf, "leaf-cert.pem") + lint_certificate(issuer, "ca-cert.pem") \
        + lint_pair(issuer, broken.leaf)
    refusing = blocking(findings)
    if not refusing:
        allowed = sorted({f.code for f in findings if f.severity.name in ("ERROR", "FATAL")})
        words = Text(N_("no ERROR or FATAL finding other than {codes} on 'localhost' (allowed by pkilesson: a valid "
                        "single-label name, RFC 6761)"), codes=", ".join(allowed)) if allowed \
            else Text(N_("no ERROR or FATAL finding"))
        return Cell("pkilint", True, words, _pkilint_version(), command)
    words = "; ".join(f"{f.code} ({f.severity.name})" + (f": {f.message}" if f.message else "") for f in refusing)
    return Cell("pkilint", False, words, _pkilint_version(), command)


def _cell(name: str, verdict) -> Cell:
    return Cell(name, verdict.accepted, verdict.words, verdict.version, verdict.command)


def _presented(broken: Broken) -> str:
    return "leaf-cert.pem" + (" + untrusted.pem" if broken.intermediates else "") + " with leaf-key.pem"


def _gnutls(broken: Broken, folder: Path) -> Cell:
    from .gnutls import certtool_verify

    infile = "chain.pem" if broken.intermediates else "leaf-cert.pem"
    return _cell("gnutls", certtool_verify(folder, broken.purpose, broken.host, infile=infile,
                                           real_time=at_the_real_time(broken.at)))


def _gnutls_cli(broken: Broken, folder: Path) -> Cell:
    """A real handshake: pkilesson's loopback server presents the leaf; the client is gnutls-cli."""
    from .gnutls import gnutls_cli_command, gnutls_cli_handshake, tool_version
    from ..tls.loopback import LoopbackServer, Party

    command = gnutls_cli_command(broken.host, _presented(broken))
    version = tool_version("gnutls-cli")
    if version is None or broken.key is None or broken.purpose != "server" or not at_the_real_time(broken.at):
        from ._stack import ToolVerdict, not_installed

        if version is None:
            return _cell("gnutls-cli", not_installed("gnutls-cli", "gnutls-bin", command, N_("GnuTLS's gnutls-cli")))
        why = (Text(_NO_KEY) if broken.key is None else Text(_SERVER_ONLY) if broken.purpose != "server" else
               Text(N_("gnutls-cli checks dates at the real time only; this check is at another time")))
        return _cell("gnutls-cli", ToolVerdict(None, why, version, command))
    server = Party((broken.leaf, *broken.intermediates), broken.key, ())
    with LoopbackServer(server, require_client_certificate=False, strict=False, lifetime=_WAIT * 3) as listening:
        return _cell("gnutls-cli", gnutls_cli_handshake(folder, listening.port, broken.host, _presented(broken)))


def _nss(broken: Broken, folder: Path, work: Path) -> Cell:
    from .nss import vfychain_verify

    at = None if at_the_real_time(broken.at) else broken.at
    return _cell("nss", vfychain_verify(folder, broken.purpose, trusted=len(broken.roots), at=at,
                                        intermediates=len(broken.intermediates), work=work))


def _go(broken: Broken, folder: Path) -> Cell:
    from .golang import go_verify

    return _cell("go", go_verify(folder, broken.purpose, broken.host, broken.at,
                                 untrusted=bool(broken.intermediates)))


def _chromium(broken: Broken) -> Cell:
    from .browser import chromium_verdict

    return _cell("chromium", chromium_verdict((broken.leaf, *broken.intermediates), broken.key, broken.roots,
                                              broken.host, purpose=broken.purpose, at=broken.at,
                                              presented=_presented(broken)))
