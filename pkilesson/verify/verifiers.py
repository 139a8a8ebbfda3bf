"""The same files through every verifier on the machine: ``openssl verify`` as the
source runs it, ``openssl verify`` with strict checks, and pyca/cryptography's verifier.

Lessons 03 and 04 put the verdicts side by side: the source's plain
``openssl verify -CAfile ca-cert.pem server-cert.pem`` says OK to
certificates that a strict verifier refuses. Each call returns an
:class:`Outcome` that prints as the command and what it answered. Without
the ``openssl`` CLI the command is shown, not run (``ran`` is False), so a
lesson still reads through.

For example, lesson 03 asks whether the source's client certificate passes
as a server's (it does: it has no extendedKeyUsage)::

    source = lesson.run_source_step(3)          # the source's files, in lab/source/
    print(openssl_verify("client-cert.pem", source.folder, purpose="sslserver"))
"""

from __future__ import annotations

import datetime as dt
import html
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from .._catalog import N_, Text, _, pgettext, shown, tr
from ..pki.certificates import load_certificate
from ..errors import PkiLessonError
from ..pki.openssl import Command, openssl_path, run
from .verification import verify_certificate

__all__ = ["Outcome", "Verdicts", "openssl_verify", "library_verify", "every_verifier", "copy_certificates"]

_LAB = Path("lab")
_PURPOSES = ("sslserver", "sslclient")
#: The verifiers of :func:`every_verifier`, in the order shown: name, label (English, marked with N_:
#: ``tr(label)`` shows it), how it runs.
VERIFIERS = (
    ("source", N_("the source's command"), "openssl verify -CAfile ca-cert.pem"),
    ("strict", N_("strict openssl verify"), "-x509_strict -purpose, -verify_hostname"),
    ("pyca", "pyca/cryptography", "pkilesson.verify_certificate"),
)


@dataclass(frozen=True)
class Outcome:
    """One verifier's answer on one certificate.

    Attributes:
        verifier: ``"source"``, ``"strict"`` (the ``openssl`` CLI) or ``"pyca"``.
        command: what was run, as a learner would type it.
        folder: where it ran (the folder holding the files).
        ran: False when the ``openssl`` CLI is not installed (the command is only shown).
        accepted: True (OK), False (refused) or None (not run).
        output: what the verifier said (when not run, our note: a :class:`~pkilesson.verify._text.Text`).
    """

    verifier: str
    command: str
    folder: Path
    ran: bool
    accepted: Optional[bool]
    output: str

    @property
    def reason(self) -> str:
        """The one line that says why it refused ("" when accepted or not run)."""
        if self.accepted is not False:
            return ""
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        for line in lines:
            if line.startswith("error ") and " at " in line and "verification failed" not in line:
                return line
        text = lines[0] if lines else ""
        return text.split(" (encountered processing")[0]

    @property
    def verdict(self) -> str:
        """``OK``, ``refused: <reason>`` or ``not run`` (English as data, in the messages' language when shown)."""
        if self.accepted is None:
            return Text(N_("not run"))
        return Text(N_("OK")) if self.accepted else Text(N_("refused: {reason}"), reason=self.reason)

    def __str__(self) -> str:
        prompt = "$" if self.verifier != "pyca" else ">>>"
        lines = [f"{prompt} {self.command}    " + _("# in {folder}/").format(folder=self.folder)]
        lines += [f"  {line}" for line in shown(self.output).strip().splitlines()]
        if self.ran:
            lines.append("=> " + (pgettext("certificate", "accepted") if self.accepted else _("REFUSED")))
        return "\n".join(lines)


def _folder(folder: Union[str, Path], names: tuple[str, ...]) -> Path:
    folder = Path(folder)
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise PkiLessonError(
            _("{folder}/ has no {files}.").format(folder=folder, files=", ".join(missing)),
            _("run the lesson's earlier cells first (lesson.prepare(...) or lesson.run_source_step(...))."),
        )
    return folder


def openssl_verify(
    certificate: str,
    folder: Union[str, Path] = _LAB,
    *,
    strict: bool = False,
    purpose: Optional[str] = None,
    host: Optional[str] = None,
    ca: str = "ca-cert.pem",
) -> Outcome:
    """``openssl verify -CAfile <ca> <certificate>`` in ``folder``, with the options asked for.

    ``strict`` adds ``-x509_strict`` (RFC 5280's rules, e.g. a CA must have
    keyUsage); ``purpose`` (``"sslserver"`` or ``"sslclient"``) checks the
    certificate's purpose; ``host`` adds ``-verify_hostname``. The command
    runs for real when the CLI is installed; a refusal is an outcome, not an
    exception.
    """
    if purpose is not None and purpose not in _PURPOSES:
        raise PkiLessonError(_("Unknown purpose {purpose}.").format(purpose=repr(purpose)),
                             _("use 'sslserver' or 'sslclient'."))
    argv = ["openssl", "verify", *(["-x509_strict"] if strict else []), "-CAfile", ca]
    argv += ["-purpose", purpose] if purpose else []
    argv += ["-verify_hostname", host] if host else []
    command = Command((*argv, certificate))
    name = "strict" if (strict or purpose or host) else "source"
    if openssl_path() is None:
        note = Text(N_("(The openssl command is not installed here: this command was shown, not run.)"))
        return Outcome(name, str(command), Path(folder), False, None, note)
    folder = _folder(folder, (ca, certificate))
    done = run(command, folder, check=False)
    return Outcome(name, str(command), folder, True, done.ok, (done.stdout + done.stderr).strip())


def library_verify(
    certificate: str,
    folder: Union[str, Path] = _LAB,
    *,
    host: Optional[str] = None,
    client: bool = False,
    ca: str = "ca-cert.pem",
    now: Optional[dt.datetime] = None,
) -> Outcome:
    """pyca/cryptography's verdict (:func:`~pkilesson.verify_certificate`) on the files in ``folder``.

    Give ``host`` for a server certificate, or ``client=True``. Without the
    ``openssl`` CLI, the source's files (which its commands make) may be
    missing: the outcome then says so (``ran`` is False) instead of failing.
    """
    target = f"host={host!r}" if host is not None else "client=True"
    command = f"verify_certificate({certificate}, [{ca}], {target})"
    if openssl_path() is None and not all((Path(folder) / n).is_file() for n in (ca, certificate)):
        note = Text(N_("(No {file} here: the openssl command that makes the source's files is not installed.)"),
                    file=certificate)
        return Outcome("pyca", command, Path(folder), False, None, note)
    folder = _folder(folder, (ca, certificate))
    verdict = verify_certificate(
        load_certificate(folder / certificate), [load_certificate(folder / ca)], host=host, client=client, now=now
    )
    output = str(verdict) if verdict.valid else verdict.reason
    return Outcome("pyca", command, folder, True, verdict.valid, output)


@dataclass(frozen=True)
class Verdicts:
    """Every verifier's answer on the server's and the client's certificates of one folder."""

    folder: Path
    rows: tuple[tuple[str, tuple[Outcome, ...]], ...]

    def outcome(self, certificate: str, verifier: str) -> Outcome:
        """The answer of ``verifier`` (``"source"``, ``"strict"``, ``"pyca"``) on ``certificate``."""
        for name, outcomes in self.rows:
            if name == certificate:
                for outcome in outcomes:
                    if outcome.verifier == verifier:
                        return outcome
        raise PkiLessonError(_("No {verifier} verdict on {file}.").format(verifier=repr(verifier),
                                                                          file=repr(certificate)),
                             _("use server-cert.pem or client-cert.pem with 'source', 'strict' or 'pyca'."))

    @staticmethod
    def versions() -> dict:
        """Each verifier's name and version, as the verdicts were given: ``{"source": "OpenSSL 3.0.19 ...", ...}``."""
        from .explain import verifier_version
        from ..pki.openssl import openssl_version

        cli = openssl_version() or Text(N_("{tool}: not installed"), tool="openssl")
        return {"source": cli, "strict": cli, "pyca": verifier_version()}

    def __str__(self) -> str:
        versions = self.versions()
        lines = [_("Verdicts on {folder}/ ({openssl}; {pyca})").format(folder=self.folder, openssl=versions["source"],
                                                                       pyca=versions["pyca"])]
        for name, outcomes in self.rows:
            lines.append(f"  {name}")
            for outcome in outcomes:
                lines.append(f"    {outcome.verifier:7} {outcome.verdict}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        versions = self.versions()
        head = "".join(f"<th style='text-align:left'>{html.escape(tr(label))}<br><code style='font-weight:normal'>"
                       f"{html.escape(how)}</code><br><small style='font-weight:normal'>"
                       f"{html.escape(shown(versions[name]))}</small></th>" for name, label, how in VERIFIERS)
        body = []
        for name, outcomes in self.rows:
            cells = []
            for outcome in outcomes:
                if outcome.accepted is None:
                    colour, text = "#757575", _("not run (no openssl command here)")
                elif outcome.accepted:
                    colour, text = "var(--jp-success-color1, #2e7d32)", _("OK")
                else:
                    colour, text = "var(--jp-error-color1, #c62828)", shown(outcome.verdict)
                cells.append(f"<td style='text-align:left; color: {colour}'>{html.escape(text)}</td>")
            body.append(f"<tr><th style='text-align:left; white-space:nowrap'>{html.escape(name)}</th>{''.join(cells)}</tr>")
        return (
            "<div class='pkilesson-verdicts'><p>"
            + _("The files in <code>{folder}/</code>:").format(folder=html.escape(str(self.folder))) + "</p>"
            + f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )


def every_verifier(
    folder: Union[str, Path] = _LAB, *, host: str = "localhost", now: Optional[dt.datetime] = None
) -> Verdicts:
    """The server's and the client's certificates of ``folder`` through each of :data:`VERIFIERS`.

    The server's is checked for ``host``, the client's for client
    authentication; "source" is the source's exact command, "strict" the one
    ``pkilesson workflow`` prints (``-x509_strict``, the purpose, the host name).
    """
    rows = []
    for role, purpose in (("server", "sslserver"), ("client", "sslclient")):
        name = f"{role}-cert.pem"
        server_host = host if role == "server" else None
        rows.append((name, (
            openssl_verify(name, folder),
            openssl_verify(name, folder, strict=True, purpose=purpose, host=server_host),
            library_verify(name, folder, host=server_host, client=role == "client", now=now),
        )))
    return Verdicts(Path(folder), tuple(rows))


def copy_certificates(folder: Union[str, Path], destination: Union[str, Path]) -> list[str]:
    """Copy the certificates of ``folder`` (``*-cert.pem``, never a key) into ``destination``.

    What anyone may hold: certificates are public. Returns the names of the
    files now in ``destination``.
    """
    folder, destination = Path(folder), Path(destination)
    names = sorted(p.name for p in folder.glob("*-cert.pem"))
    if not names:
        raise PkiLessonError(_("{folder}/ holds no certificate (*-cert.pem).").format(folder=folder),
                             _("run lesson.prepare(4) first."))
    destination.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(folder / name, destination / name)
    return sorted(p.name for p in destination.iterdir())
