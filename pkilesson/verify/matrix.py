"""The break-it lab's verdict matrix: one defect, every checker on the machine, each in its own words.

Columns (:data:`CHECKERS`): ``openssl verify`` as the source runs it and with
strict checks, a real TLS handshake on 127.0.0.1 with Python's ``ssl`` (its
``create_default_context()`` as the running Python makes it, and the same
with ``VERIFY_X509_STRICT`` set explicitly), pyca/cryptography's verifier,
pkilint, and the other stacks a certificate meets in the world: GnuTLS
(``certtool --verify``, and ``gnutls-cli`` in a real handshake), NSS
(``vfychain`` in a throwaway database), Go's ``crypto/x509`` and Chromium
(a real navigation of headless Chromium). Every cell carries the checker's
name, version, the command that ran and the checker's own words, quoted:
``openssl``'s error line, Python's exception, pyca/cryptography's message,
pkilint's findings, GnuTLS's and NSS's status lines, Go's error, Chromium's
network error. The files are those :func:`write_lab_files` writes
(``ca-cert.pem``, ``leaf-cert.pem``, ``leaf-key.pem``, ``untrusted.pem``,
``chain.pem``), so each command can be run again by hand. pkilesson's own
explanation (the check list and the fix) sits beside the quotes, in
:attr:`Matrix.explanation`, labelled as ours. A checker that is not on the
machine, or cannot run on this defect, says so (``accepted`` None, with the
command that installs it): it is never faked.
"""

from __future__ import annotations

import datetime as dt
import html
import platform
import socket
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from cryptography import x509

from ..pki.certificates import certificate_to_pem
from .defects import Broken
from .explain import Explanation, explain, verifier_version
from ..pki.keys import private_key_to_pem
from .lint import blocking, lint_certificate, lint_pair, pkilint_available
from ._stack import at_the_real_time
from ..pki.openssl import Command, openssl_path, openssl_version, run

__all__ = ["CHECKERS", "LAB_FILES", "PACKAGES", "RECIPE_DEFECTS", "Case", "Cell", "Disagreements", "Matrix",
           "case_from_folder", "disagreements", "verdict_matrix", "write_lab_files"]

_PY = f"Python {platform.python_version()}"

#: The checkers, in column order: name -> what runs.
CHECKERS = {
    "openssl": "openssl verify -CAfile ca-cert.pem (the source's step 4)",
    "openssl-strict": "openssl verify -x509_strict -purpose sslserver|sslclient [-verify_hostname HOST]",
    "python-ssl": "Python's ssl.create_default_context(cafile='ca-cert.pem'), as the running Python makes it: "
                  "a real handshake",
    "python-ssl-strict": "the same, with VERIFY_X509_STRICT set explicitly: a real handshake",
    "pyca": "pyca/cryptography's verifier (PolicyBuilder ... build_server_verifier / build_client_verifier)",
    "pkilint": "pkilint: lint_pkix_cert on the leaf and the CA, lint_pkix_signer_signee_cert_chain on the pair",
    "gnutls": "GnuTLS: certtool --verify --load-ca-certificate ca-cert.pem --verify-purpose OID "
              "[--verify-hostname HOST]",
    "gnutls-cli": "GnuTLS: gnutls-cli --x509cafile ca-cert.pem --verify-hostname HOST: a real handshake",
    "nss": "NSS (Firefox's library): vfychain -u 1|0 in a throwaway NSS database trusting ca-cert.pem; "
           "NSS checks no host name there",
    "go": "Go: crypto/x509 Certificate.Verify (Roots, DNSName, KeyUsages, CurrentTime), a small Go program",
    "chromium": "Chromium: headless, a real navigation to https://HOST:PORT/ on 127.0.0.1, "
                "ca-cert.pem trusted in its NSS database",
}
#: Where each checker comes from on Debian (and Ubuntu): the package to install when it is missing.
PACKAGES = {"openssl": "openssl", "openssl-strict": "openssl", "gnutls": "gnutls-bin", "gnutls-cli": "gnutls-bin",
            "nss": "libnss3-tools", "go": "golang-go", "chromium": "chromium libnss3-tools"}
#: The files a lab run uses, as ``pkilesson lab NAME -o DIR`` writes them.
LAB_FILES = {
    "ca-cert.pem": "the trusted CA certificate(s)",
    "leaf-cert.pem": "the certificate under test",
    "leaf-key.pem": "its private key (mode 0600), for the handshake",
    "untrusted.pem": "the intermediate certificates given, if any",
    "chain.pem": "leaf-cert.pem then untrusted.pem in one file (certtool --infile), if there are intermediates",
}
_WAIT = 10.0  # seconds a handshake may take on loopback


@dataclass(frozen=True)
class Cell:
    """One checker's verdict, in its own words.

    Attributes:
        checker: the name (a key of :data:`CHECKERS`).
        accepted: True (accepted), False (refused) or None (not run).
        words: what the checker said, quoted as it said it; when not run, why not (ours).
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
        return {True: "accepts", False: "refuses", None: "not run"}[self.accepted]

    @property
    def detail(self) -> str:
        """The checker's words (the name earlier lessons used)."""
        return self.words

    def to_dict(self) -> dict:
        return {"name": self.checker, "version": self.version, "command": self.command, "accepted": self.accepted,
                "words": self.words}


@dataclass(frozen=True)
class Matrix:
    """Every checker's verdict on one :class:`~pkilesson.verify.defects.Broken`, and pkilesson's explanation."""

    broken: Broken
    cells: tuple[Cell, ...]
    explanation: Explanation

    def cell(self, checker: str) -> Cell:
        return next(c for c in self.cells if c.checker == checker)

    def to_dict(self, files: Optional[dict] = None) -> dict:
        """The JSON of ``pkilesson lab NAME --json``."""
        first = self.explanation.first_failure
        broken = self.broken
        return {
            "defect": broken.defect,
            "title": broken.title,
            "purpose": broken.purpose,
            "host": broken.host,
            "at": broken.at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "files": files or {},
            "checkers": [c.to_dict() for c in self.cells],
            "first_failure": first.name if first else None,
            "fix": broken.fix or None,
        }

    def _ours(self) -> str:
        first = self.explanation.first_failure
        if first is None:
            return "pyca/cryptography accepts: no check fails."
        others = [c.name for c in self.explanation.failures[1:]]
        also = f"; also failed: {', '.join(others)}" if others else ""
        return f"pyca/cryptography refused on the check {first.name} ({first.field}: {first.detail}){also}."

    def __str__(self) -> str:
        lines = [f"{self.broken.title}: {self.broken.what}", "What each checker said (its own words):"]
        for c in self.cells:
            lines.append(f"  {c.checker:18s} {c.word:8s} {c.words}")
            lines.append(f"  {'':18s} {'':8s} [{c.version}] $ {c.command}" if c.command else
                         f"  {'':18s} {'':8s} [{c.version}]")
        lines.append(f"pkilesson's explanation (ours): {self._ours()}")
        if self.broken.fix:
            lines.append(f"fix (ours): {self.broken.fix}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text/plain: the rows, not every field
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = {True: "var(--jp-success-color1, #2e7d32)", False: "var(--jp-error-color1, #c62828)",
                  None: "inherit"}
        mark = {True: "✓ ", False: "✗ ", None: "– "}  # a sign beside the colour, never the colour alone
        cell = 'style="text-align: left; vertical-align: top"'
        rows = "".join(
            f'<tr><td {cell}><code>{html.escape(c.checker)}</code><br><small>{html.escape(c.version)}</small></td>'
            f'<td style="text-align: left; vertical-align: top; color: {colour[c.accepted]}; font-weight: bold; '
            f'white-space: nowrap">{mark[c.accepted]}{c.word}</td>'
            f"<td {cell}>{'<q>' + html.escape(c.words) + '</q>' if c.accepted is not None else html.escape(c.words)}"
            f"</td></tr>"
            for c in self.cells
        )
        fix = f"<p><b>Fix (ours):</b> {html.escape(self.broken.fix)}</p>" if self.broken.fix else ""
        return (
            f'<div class="pkilesson-matrix"><p><b>{html.escape(self.broken.title)}</b>: '
            f"{html.escape(self.broken.what)}</p><table>"
            "<tr><th>checker</th><th>verdict</th><th>what it said (its own words)</th></tr>"
            f"{rows}</table><p><b>pkilesson's explanation (ours):</b> {html.escape(self._ours())}</p>{fix}</div>"
        )


def write_lab_files(broken: Broken, folder: Path) -> dict:
    """Write the files of :data:`LAB_FILES` that ``broken`` has into a new ``folder``; name -> what it holds.

    ``folder`` must not exist or be empty. The files are made in a temporary
    folder beside it, then moved into place in one step: all or nothing. The
    folder gets mode 0700 and the key 0600.
    """
    from ..errors import WorkspaceError
    from ..pki.workspace import write_file

    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise WorkspaceError(f"{folder} exists and is not an empty folder; nothing was written.",
                             "give -o a new folder's name (pkilesson lab NAME -o lab-NAME).")
    contents = {
        "ca-cert.pem": b"".join(certificate_to_pem(c) for c in broken.roots),
        "leaf-cert.pem": certificate_to_pem(broken.leaf),
    }
    if broken.key is not None:
        contents["leaf-key.pem"] = private_key_to_pem(broken.key)
    if broken.intermediates:
        contents["untrusted.pem"] = b"".join(certificate_to_pem(c) for c in broken.intermediates)
        contents["chain.pem"] = contents["leaf-cert.pem"] + contents["untrusted.pem"]
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))  # mode 0700
    except OSError as exc:
        raise WorkspaceError(f"Cannot make a folder in {folder.parent}: {exc.strerror}.",
                             "check that you may write there.") from None
    try:
        for name, data in contents.items():
            write_file(temp / name, data, private=name.endswith("-key.pem"))
        if folder.exists():
            folder.rmdir()  # empty, checked above
        temp.rename(folder)
    except OSError as exc:
        raise WorkspaceError(f"Cannot write {folder}: {exc.strerror}.", "check the disk and the folder's rights.") \
            from None
    finally:
        if temp.exists():
            for child in temp.iterdir():
                child.unlink()
            temp.rmdir()
    return {name: LAB_FILES[name] for name in contents}


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
        return Cell(name, None, "the openssl command is not installed here", "openssl: not installed", str(command))
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


def _python_ssl(broken: Broken, folder: Path, strict: bool) -> Cell:
    """A real handshake: pkilesson's loopback server presents the leaf; the client is Python's own context."""
    from ..tls.loopback import LoopbackServer, Party

    name = "python-ssl-strict" if strict else "python-ssl"
    version = f"{_PY} ({ssl.OPENSSL_VERSION})"
    command = _python_ssl_command(broken, strict)
    if broken.key is None:
        return Cell(name, None, "no private key for this certificate: a handshake needs one", version, command)
    if broken.purpose != "server":
        return Cell(name, None, "this lab's handshake checks a server's certificate only", version, command)
    if abs((broken.at - dt.datetime.now(dt.timezone.utc)).total_seconds()) > 60:
        return Cell(name, None, "Python's ssl checks dates at the real time only; this check is at another time",
                    version, command)
    context = ssl.create_default_context(cafile=str(folder / "ca-cert.pem"))
    if strict:
        context.verify_flags |= ssl.VERIFY_X509_STRICT
    server = Party((broken.leaf, *broken.intermediates), broken.key, ())
    with LoopbackServer(server, require_client_certificate=False, strict=False, lifetime=_WAIT) as listening:
        with socket.create_connection(("127.0.0.1", listening.port), timeout=_WAIT) as raw:
            try:
                with context.wrap_socket(raw, server_hostname=broken.host) as connection:
                    accepted = f"handshake completed: {connection.version()}, {connection.cipher()[0]}"
            except (ssl.SSLError, OSError) as error:
                return Cell(name, False, str(error), version, command)
    return Cell(name, True, accepted, version, command)


def _pyca(broken: Broken, report: Explanation) -> Cell:
    verdict = report.verdict
    target = f"build_server_verifier(DNSName({broken.host!r}))" if broken.purpose == "server" \
        else "build_client_verifier()"
    command = (f"PolicyBuilder().store(Store(ca-cert.pem)).time({broken.at:%Y-%m-%dT%H:%M:%SZ}).{target}"
               f".verify(leaf-cert.pem, [{'untrusted.pem' if broken.intermediates else ''}])")
    words = verdict.reason if not verdict.valid else f"verified: a chain of {len(verdict.chain)}"
    return Cell("pyca", verdict.valid, words, verifier_version(), command)


def _pkilint_version() -> str:
    from importlib.metadata import version

    return f"pkilint {version('pkilint')}"


def _pkilint(broken: Broken) -> Cell:
    commands = ["lint_pkix_cert lint -s ERROR leaf-cert.pem", "lint_pkix_cert lint -s ERROR ca-cert.pem",
                "lint_pkix_signer_signee_cert_chain lint -s ERROR ca-cert.pem leaf-cert.pem"]
    command = " ; ".join(commands)
    if not pkilint_available():
        return Cell("pkilint", None, "pkilint is not installed here", "pkilint: not installed", command)
    issuer = broken.roots[0]
    findings = lint_certificate(broken.leaf, "leaf-cert.pem") + lint_certificate(issuer, "ca-cert.pem") \
        + lint_pair(issuer, broken.leaf)
    refusing = blocking(findings)
    if not refusing:
        allowed = sorted({f.code for f in findings if f.severity.name in ("ERROR", "FATAL")})
        words = "no ERROR or FATAL finding" + (
            f" other than {', '.join(allowed)} on 'localhost' (allowed by pkilesson: a valid single-label name, "
            "RFC 6761)" if allowed else "")
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
            return _cell("gnutls-cli", not_installed("gnutls-cli", "gnutls-bin", command, "GnuTLS's gnutls-cli"))
        why = ("no private key for this certificate: a handshake needs one" if broken.key is None else
               "this lab's handshake checks a server's certificate only" if broken.purpose != "server" else
               "gnutls-cli checks dates at the real time only; this check is at another time")
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


def verdict_matrix(broken: Broken, folder: Optional[Path] = None) -> Matrix:
    """Run every checker of :data:`CHECKERS` on ``broken`` and collect the verdicts.

    The checkers run on the files of :func:`write_lab_files`: in ``folder``
    when given (it must hold them already), else in a temporary folder.
    """
    report = explain(broken.leaf, list(broken.roots), host=broken.host, client=broken.purpose == "client",
                     intermediates=list(broken.intermediates), now=broken.at)
    with tempfile.TemporaryDirectory(prefix="pkilesson-lab-") as temp:
        where = Path(folder) if folder is not None else Path(temp) / "lab"
        if folder is None:
            write_lab_files(broken, where)
        cells = [_openssl(broken, where, strict=False), _openssl(broken, where, strict=True),
                 _python_ssl(broken, where, strict=False), _python_ssl(broken, where, strict=True),
                 _pyca(broken, report), _pkilint(broken), _gnutls(broken, where), _gnutls_cli(broken, where),
                 _nss(broken, where, Path(temp)), _go(broken, where), _chromium(broken)]
    return Matrix(broken, tuple(cells), report)



@dataclass(frozen=True)
class Case:
    """Certificates from a folder, checked as the lab checks a defect (what :func:`verdict_matrix` needs).

    Made by :func:`case_from_folder`; the attributes are those of
    :class:`~pkilesson.verify.defects.Broken`, with a title and a text of its own.
    """

    defect: str
    title: str
    what: str
    leaf: object
    key: object = None
    roots: tuple = ()
    intermediates: tuple = ()
    purpose: str = "server"
    host: Optional[str] = "localhost"
    at: dt.datetime = None
    fix: str = ""


def case_from_folder(directory, role: str = "server", *, host: str = "localhost") -> Case:
    """The server's (or client's) certificate of a workspace folder, trusting its ``ca-cert.pem``, checked now.

    ``verdict_matrix(case_from_folder("lab/source"))`` asks every checker
    about the source recipe's server certificate, as the lab asks about a
    defect.
    """
    from ..pki.certificates import load_certificate
    from ..pki.keys import load_private_key

    if role not in ("server", "client"):
        from ..errors import PkiLessonError

        raise PkiLessonError(f"Unknown role {role!r}.", "use 'server' or 'client'.")
    folder = Path(directory)
    leaf = load_certificate(folder / f"{role}-cert.pem")
    key_file = folder / f"{role}-key.pem"
    key = load_private_key(key_file) if key_file.exists() else None
    roots = tuple(x509.load_pem_x509_certificates((folder / "ca-cert.pem").read_bytes()))
    return Case(f"{folder.name}/{role}-cert.pem", f"{folder}/{role}-cert.pem",
                f"The {role} certificate of {folder}/, checked against its ca-cert.pem" +
                (f" for the host {host}" if role == "server" else "") + ", now.",
                leaf, key, roots, (), role, host if role == "server" else None, dt.datetime.now(dt.timezone.utc))


#: The defects where the source's recipe goes wrong: the CN fallback, version 1, the CA's keyUsage, the EKU.
RECIPE_DEFECTS = ("none", "no-san", "v1-leaf", "ca-no-key-usage", "client-as-server", "missing-eku")


@dataclass(frozen=True)
class Disagreements:
    """The matrices of several defects side by side, and where the checkers disagree (computed, never typed)."""

    matrices: tuple[Matrix, ...]

    @property
    def checkers(self) -> list[str]:
        return [c.checker for c in self.matrices[0].cells] if self.matrices else []

    def split(self, matrix: Matrix) -> tuple[list[Cell], list[Cell]]:
        """(the cells that accept, the cells that refuse) of one defect; checkers not run are left out."""
        return ([c for c in matrix.cells if c.accepted is True], [c for c in matrix.cells if c.accepted is False])

    def disputed(self) -> list[Matrix]:
        """The defects on which some checkers accept and others refuse."""
        return [m for m in self.matrices if all(self.split(m))]

    def lines(self) -> list[str]:
        """One sentence per disputed defect: who accepts, who refuses, each refusal in its own words."""
        out = []
        for matrix in self.disputed():
            accept, refuse = self.split(matrix)
            said = "; ".join(f"{c.checker}: {c.words}" for c in refuse)
            out.append(f"{matrix.broken.defect} ({matrix.broken.title}): accepted by "
                       f"{', '.join(c.checker for c in accept)}; refused by {', '.join(c.checker for c in refuse)} "
                       f"({said})")
        return out

    def __str__(self) -> str:
        agreed = [m.broken.defect for m in self.matrices if m not in self.disputed()]
        lines = ["Where the checkers disagree (live, on this machine):"] + [f"- {line}" for line in self.lines()]
        if agreed:
            lines.append(f"They agree on: {', '.join(agreed)}.")
        missing = sorted({c.checker for m in self.matrices for c in m.cells if c.accepted is None})
        if missing:
            lines.append(f"Not run here (see each cell's words): {', '.join(missing)}.")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text/plain: the sentences, not every cell's fields
        printer.text(str(self))

    def _repr_html_(self) -> str:
        mark = {True: ("accepts", "var(--jp-success-color1, #2e7d32)"),
                False: ("refuses", "var(--jp-error-color1, #c62828)"), None: ("not run", "inherit")}
        head = "".join(f"<th><code>{html.escape(name)}</code></th>" for name in self.checkers)
        rows = []
        for matrix in self.matrices:
            cells = "".join(
                f'<td style="color: {mark[c.accepted][1]}" title="{html.escape(c.version + ": " + c.words)}">'
                f"{mark[c.accepted][0]}</td>" for c in matrix.cells)
            rows.append(f"<tr><td><b>{html.escape(matrix.broken.defect)}</b><br><small>"
                        f"{html.escape(matrix.broken.title)}</small></td>{cells}</tr>")
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.lines()) or "<li>nowhere</li>"
        return (f"<div class='pkilesson-disagreements'><table><tr><th>defect</th>{head}</tr>{''.join(rows)}</table>"
                f"<p><b>Where they disagree</b> (each refusal in the checker's own words; hover a cell for its "
                f"words and version):</p><ul>{items}</ul></div>")


def disagreements(defects=RECIPE_DEFECTS, *, workers: int = 2) -> Disagreements:
    """Make each defect of ``defects`` live, run every checker on it, and find where they disagree.

    The matrices run ``workers`` at a time (each about a second with every
    checker present).
    """
    from concurrent.futures import ThreadPoolExecutor

    from .defects import make_defect

    names = list(defects)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        matrices = list(pool.map(lambda name: verdict_matrix(make_defect(name)), names))
    return Disagreements(tuple(matrices))
