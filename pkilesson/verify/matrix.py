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
command that installs it): it is never faked. Each column's cell is made in
:mod:`pkilesson.verify._cells` (:class:`Cell` is re-exported here).
"""

from __future__ import annotations

import datetime as dt
import html
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from cryptography import x509

from .._catalog import N_, _, shown, Text
from ..pki.certificates import certificate_to_pem
from ._cells import Cell, _chromium, _go, _gnutls, _gnutls_cli, _nss, _openssl, _pkilint, _pyca, _python_ssl
from .defects import Broken
from .explain import Explanation, explain
from ..pki.keys import private_key_to_pem

__all__ = ["CHECKERS", "LAB_FILES", "PACKAGES", "RECIPE_DEFECTS", "Case", "Cell", "Disagreements", "Matrix",
           "case_from_folder", "disagreements", "verdict_matrix", "write_lab_files"]

#: The checkers, in column order: name -> what runs (English, marked with N_: ``tr(CHECKERS[name])`` shows it).
CHECKERS = {
    "openssl": N_("openssl verify -CAfile ca-cert.pem (the source's step 4)"),
    "openssl-strict": N_("openssl verify -x509_strict -purpose sslserver|sslclient [-verify_hostname HOST]"),
    "python-ssl": N_("Python's ssl.create_default_context(cafile='ca-cert.pem'), as the running Python makes it: "
                  "a real handshake"),
    "python-ssl-strict": N_("the same, with VERIFY_X509_STRICT set explicitly: a real handshake"),
    "pyca": N_("pyca/cryptography's verifier (PolicyBuilder ... build_server_verifier / build_client_verifier)"),
    "pkilint": N_("pkilint: lint_pkix_cert on the leaf and the CA, lint_pkix_signer_signee_cert_chain on the pair"),
    "gnutls": N_("GnuTLS: certtool --verify --load-ca-certificate ca-cert.pem --verify-purpose OID "
              "[--verify-hostname HOST]"),
    "gnutls-cli": N_("GnuTLS: gnutls-cli --x509cafile ca-cert.pem --verify-hostname HOST: a real handshake"),
    "nss": N_("NSS (Firefox's library): vfychain -u 1|0 in a throwaway NSS database trusting ca-cert.pem; "
           "NSS checks no host name there"),
    "go": N_("Go: crypto/x509 Certificate.Verify (Roots, DNSName, KeyUsages, CurrentTime), a small Go program"),
    "chromium": N_("Chromium: headless, a real navigation to https://HOST:PORT/ on 127.0.0.1, "
                "ca-cert.pem trusted in its NSS database"),
}
#: Where each checker comes from on Debian (and Ubuntu): the package to install when it is missing.
PACKAGES = {"openssl": "openssl", "openssl-strict": "openssl", "gnutls": "gnutls-bin", "gnutls-cli": "gnutls-bin",
            "nss": "libnss3-tools", "go": "golang-go", "chromium": "chromium libnss3-tools"}
#: The files a lab run uses, as ``pkilesson lab NAME -o DIR`` writes them (what each holds: English, marked
#: with N_, ``tr()`` shows it).
LAB_FILES = {
    "ca-cert.pem": N_("the trusted CA certificate(s)"),
    "leaf-cert.pem": N_("the certificate under test"),
    "leaf-key.pem": N_("its private key (mode 0600), for the handshake"),
    "untrusted.pem": N_("the intermediate certificates given, if any"),
    "chain.pem": N_("leaf-cert.pem then untrusted.pem in one file (certtool --infile), if there are intermediates"),
}


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
            return _("pyca/cryptography accepts: no check fails.")
        others = [c.name for c in self.explanation.failures[1:]]
        if others:
            return _("pyca/cryptography refused on the check {check} ({field}: {detail}); also failed: "
                     "{others}.").format(check=first.name, field=first.field, detail=first.detail,
                                         others=", ".join(others))
        return _("pyca/cryptography refused on the check {check} ({field}: {detail}).").format(
            check=first.name, field=first.field, detail=first.detail)

    def __str__(self) -> str:
        lines = [_("{title}: {what}").format(title=self.broken.title, what=self.broken.what),
                 _("What each checker said (its own words):")]
        for c in self.cells:
            lines.append(f"  {c.checker:18s} {c.word:8s} {c.words}")
            lines.append(f"  {'':18s} {'':8s} [{c.version}] $ {c.command}" if c.command else
                         f"  {'':18s} {'':8s} [{c.version}]")
        lines.append(_("pkilesson's explanation (ours): {explanation}").format(explanation=self._ours()))
        if self.broken.fix:
            lines.append(_("fix (ours): {fix}").format(fix=self.broken.fix))
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
            f"<td {cell}>{'<q>' + _esc(c.words) + '</q>' if c.accepted is not None else _esc(c.words)}"
            f"</td></tr>"
            for c in self.cells
        )
        fix = _("<p><b>Fix (ours):</b> {fix}</p>").format(fix=_esc(self.broken.fix)) if self.broken.fix else ""
        return (
            f'<div class="pkilesson-matrix"><p><b>{_esc(self.broken.title)}</b>: '
            f"{_esc(self.broken.what)}</p><table>"
            + _("<tr><th>checker</th><th>verdict</th><th>what it said (its own words)</th></tr>")
            + f"{rows}</table><p>" + _("<b>pkilesson's explanation (ours):</b> {explanation}").format(
                explanation=html.escape(self._ours())) + f"</p>{fix}</div>"
        )


def _esc(text) -> str:
    """``text`` as shown (a :class:`~pkilesson.verify._text.Text` in the messages' language), escaped for HTML."""
    return html.escape(shown(text))


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
        raise WorkspaceError(_("{folder} exists and is not an empty folder; nothing was written.").format(folder=folder),
                             _("give -o a new folder's name (pkilesson lab NAME -o lab-NAME)."))
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
        raise WorkspaceError(_("Cannot make a folder in {folder}: {error}.").format(folder=folder.parent,
                                                                                    error=exc.strerror),
                             _("check that you may write there.")) from None
    try:
        for name, data in contents.items():
            write_file(temp / name, data, private=name.endswith("-key.pem"))
        if folder.exists():
            folder.rmdir()  # empty, checked above
        temp.rename(folder)
    except OSError as exc:
        raise WorkspaceError(_("Cannot write {folder}: {error}.").format(folder=folder, error=exc.strerror),
                             _("check the disk and the folder's rights.")) from None
    finally:
        if temp.exists():
            for child in temp.iterdir():
                child.unlink()
            temp.rmdir()
    return {name: LAB_FILES[name] for name in contents}


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

        raise PkiLessonError(_("Unknown role {role}.").format(role=repr(role)), _("use 'server' or 'client'."))
    folder = Path(directory)
    leaf = load_certificate(folder / f"{role}-cert.pem")
    key_file = folder / f"{role}-key.pem"
    key = load_private_key(key_file) if key_file.exists() else None
    roots = tuple(x509.load_pem_x509_certificates((folder / "ca-cert.pem").read_bytes()))
    what = (Text(N_("The server certificate of {folder}/, checked against its ca-cert.pem for the host {host}, now."),
                 folder=folder, host=host) if role == "server" else
            Text(N_("The client certificate of {folder}/, checked against its ca-cert.pem, now."), folder=folder))
    return Case(f"{folder.name}/{role}-cert.pem", f"{folder}/{role}-cert.pem", what,
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
            out.append(_("{defect} ({title}): accepted by {accept}; refused by {refuse} ({said})").format(
                defect=matrix.broken.defect, title=matrix.broken.title, accept=", ".join(c.checker for c in accept),
                refuse=", ".join(c.checker for c in refuse), said=said))
        return out

    def __str__(self) -> str:
        agreed = [m.broken.defect for m in self.matrices if m not in self.disputed()]
        lines = [_("Where the checkers disagree (live, on this machine):")] + [f"- {line}" for line in self.lines()]
        if agreed:
            lines.append(_("They agree on: {defects}.").format(defects=", ".join(agreed)))
        missing = sorted({c.checker for m in self.matrices for c in m.cells if c.accepted is None})
        if missing:
            lines.append(_("Not run here (see each cell's words): {checkers}.").format(checkers=", ".join(missing)))
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text/plain: the sentences, not every cell's fields
        printer.text(str(self))

    def _repr_html_(self) -> str:
        mark = {True: (_("accepts"), "var(--jp-success-color1, #2e7d32)"),
                False: (_("refuses"), "var(--jp-error-color1, #c62828)"), None: (_("not run"), "inherit")}
        head = "".join(f"<th><code>{html.escape(name)}</code></th>" for name in self.checkers)
        rows = []
        for matrix in self.matrices:
            cells = "".join(
                f'<td style="color: {mark[c.accepted][1]}" title="{html.escape(c.version + ": " + shown(c.words))}">'
                f"{mark[c.accepted][0]}</td>" for c in matrix.cells)
            rows.append(f"<tr><td><b><code>{html.escape(matrix.broken.defect)}</code></b><br><small>"
                        f"{_esc(matrix.broken.title)}</small></td>{cells}</tr>")
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.lines()) or "<li>" + _("nowhere") + "</li>"
        return ("<div class='pkilesson-disagreements'><table><tr><th>" + _("defect") + f"</th>{head}</tr>"
                f"{''.join(rows)}</table><p>" + _("<b>Where they disagree</b> (each refusal in the checker's own "
                                                  "words; hover a cell for its words and version):") +
                f"</p><ul>{items}</ul></div>")


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
