"""The break-it lab's verdict matrix: one defect, every checker on the machine, computed live.

Columns: ``openssl verify`` as the source runs it, ``openssl verify`` with
strict checks, Python's ``ssl`` with its default context and with
``VERIFY_X509_STRICT`` (a real handshake on 127.0.0.1), pyca/cryptography's
verifier (explained) and pkilint. A checker that is not on the machine, or
cannot run on this defect, says so: it is never faked.
"""

from __future__ import annotations

import datetime as dt
import html
import ssl
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .certificates import certificate_to_pem
from .defects import Broken
from .explain import Explanation, explain
from .lint import blocking, lint_certificate, lint_pair, pkilint_available
from .openssl import Command, openssl_path, run

__all__ = ["CHECKERS", "Cell", "Matrix", "verdict_matrix"]

_PY = f"Python {sys.version_info.major}.{sys.version_info.minor}"
_DEFAULT_STRICT = bool(ssl.create_default_context().verify_flags & ssl.VERIFY_X509_STRICT)

#: The checkers, in column order: name -> what runs.
CHECKERS = {
    "openssl": "openssl verify -CAfile ca-cert.pem (the source's step 4)",
    "openssl-strict": "openssl verify -x509_strict -purpose sslserver -verify_hostname HOST",
    "python-ssl": f"{_PY} ssl.create_default_context() (strict: {'yes' if _DEFAULT_STRICT else 'no'}), a real handshake",
    "python-ssl-strict": f"{_PY} ssl with VERIFY_X509_STRICT, a real handshake",
    "pyca": "pyca/cryptography's verifier (pkilesson.explain)",
    "pkilint": "pkilint: RFC 5280 lint of the certificate, its issuer, and the pair",
}


@dataclass(frozen=True)
class Cell:
    """One checker's verdict: accepted (True), refused (False) or not run (None), and what it said."""

    checker: str
    accepted: Optional[bool]
    detail: str

    @property
    def word(self) -> str:
        return {True: "accepts", False: "refuses", None: "not run"}[self.accepted]


@dataclass(frozen=True)
class Matrix:
    """Every checker's verdict on one :class:`~pkilesson.defects.Broken`."""

    broken: Broken
    cells: tuple[Cell, ...]
    explanation: Explanation

    def cell(self, checker: str) -> Cell:
        return next(c for c in self.cells if c.checker == checker)

    def __str__(self) -> str:
        lines = [f"{self.broken.title}: {self.broken.what}"]
        lines += [f"  {c.checker:18s} {c.word:8s} {c.detail}" for c in self.cells]
        if self.broken.fix:
            lines.append(f"fix: {self.broken.fix}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = {True: "var(--jp-success-color1, #2e7d32)", False: "var(--jp-error-color1, #c62828)",
                  None: "inherit"}
        rows = "".join(
            f'<tr><td><code>{html.escape(c.checker)}</code></td>'
            f'<td style="color: {colour[c.accepted]}; font-weight: bold">{c.word}</td>'
            f"<td>{html.escape(c.detail)}</td></tr>"
            for c in self.cells
        )
        fix = f"<p><b>Fix:</b> {html.escape(self.broken.fix)}</p>" if self.broken.fix else ""
        return (
            f'<div class="pkilesson-matrix"><p><b>{html.escape(self.broken.title)}</b>: '
            f"{html.escape(self.broken.what)}</p><table>"
            "<tr><th>checker</th><th>verdict</th><th>what it said</th></tr>"
            f"{rows}</table>{fix}</div>"
        )


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _openssl(broken: Broken, folder: Path, strict: bool) -> Cell:
    name = "openssl-strict" if strict else "openssl"
    if openssl_path() is None:
        return Cell(name, None, "the openssl command is not installed here")
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
    argv.append("leaf.pem")
    done = run(Command(tuple(argv)), folder, check=False)
    output = (done.stdout + done.stderr).strip()
    errors = [line for line in output.splitlines() if line.startswith("error ") and " at " in line]
    return Cell(name, done.ok, _last_line(output) if done.ok else (errors[0] if errors else _last_line(output)))


def _python_ssl(broken: Broken, strict: bool) -> Cell:
    from .tls import Party, handshake

    name = "python-ssl-strict" if strict else "python-ssl"
    if broken.key is None:
        return Cell(name, None, "no private key for this certificate: a handshake needs one")
    if abs((broken.at - dt.datetime.now(dt.timezone.utc)).total_seconds()) > 60:
        return Cell(name, None, "Python's ssl checks dates at the real time only; this check is at another time")
    server = Party((broken.leaf, *broken.intermediates), broken.key, ())
    client = Party((), None, broken.roots)
    report = handshake(server=server, client=client, host=broken.host or "localhost", strict=strict,
                       require_client_certificate=False)
    if report.client.ok:
        return Cell(name, True, f"handshake accepted ({report.client.version})")
    return Cell(name, False, report.client.error)


def _pkilint(broken: Broken) -> Cell:
    if not pkilint_available():
        return Cell("pkilint", None, "pkilint is not installed here")
    issuer = broken.others[0] if broken.defect == "missing-intermediate" else broken.roots[0]
    findings = (blocking(lint_certificate(broken.leaf)) + blocking(lint_certificate(issuer, "issuer.pem"))
                + blocking(lint_pair(issuer, broken.leaf)))
    if not findings:
        return Cell("pkilint", True, "no ERROR or FATAL finding")
    codes = sorted({f.code for f in findings})
    return Cell("pkilint", False, f"{len(findings)} ERROR/FATAL: {', '.join(codes)}")


def verdict_matrix(broken: Broken) -> Matrix:
    """Run every checker of :data:`CHECKERS` on ``broken`` and collect the verdicts."""
    report = explain(broken.leaf, list(broken.roots), host=broken.host, client=broken.purpose == "client",
                     intermediates=list(broken.intermediates), now=broken.at)
    with tempfile.TemporaryDirectory(prefix="pkilesson-lab-") as temp:
        folder = Path(temp)
        (folder / "ca-cert.pem").write_bytes(b"".join(certificate_to_pem(c) for c in broken.roots))
        (folder / "leaf.pem").write_bytes(certificate_to_pem(broken.leaf))
        if broken.intermediates:
            (folder / "untrusted.pem").write_bytes(b"".join(certificate_to_pem(c) for c in broken.intermediates))
        cells = [_openssl(broken, folder, strict=False), _openssl(broken, folder, strict=True)]
    cells += [_python_ssl(broken, strict=False), _python_ssl(broken, strict=True)]
    first = report.first_failure
    cells.append(Cell("pyca", report.valid, "valid" if report.valid else
                      f"{first.name}: {first.detail}" if first else report.verdict.reason))
    cells.append(_pkilint(broken))
    return Matrix(broken, tuple(cells), report)
