"""What the lesson notebooks call: each step made from a few choices, and the files it needs.

Every notebook runs on its own in a fresh kernel: :func:`prepare` loads the
files of the earlier steps from the workspace (``lab/`` beside the
notebooks) or makes them with default settings, and says which it did.
:func:`make_step` makes one step's artifacts from a :class:`Choices`, the
values the widgets set; :func:`run_source_step` runs the source document's
own ``openssl`` commands for the same step when the CLI is installed, so a
lesson can put both results side by side.

This module holds the steps (choices, results, :func:`prepare`) and the
lesson 01 probes. The workspace folder :data:`LAB` is in
:mod:`pkilesson.lessons._lab`, the source's commands in
:mod:`pkilesson.lessons._source_steps`, the ``openssl`` transcripts in
:mod:`pkilesson.lessons._transcripts`: use them all from here (``lesson.X``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Union

from cryptography import x509

from .._catalog import N_, _, tr
from ..pki._time import resolve_now
from ..pki.authority import CertificateAuthority
from ..pki.csr import create_csr
from ..errors import PkiLessonError, WorkspaceError
from ..pki.keys import PrivateKey, generate_key
from ..pki.names import make_name, parse_general_names
from ..pki.profiles import CLIENT, SERVER
from ..pki.running import versions
from ..pki.artifacts import Settings
from ..pki.workspace import FILE_NAMES, Workspace
from ._lab import LAB, ROLE_OF_STEP, _check_step
from ._source_steps import SourceStep, file_mode, run_source_step
from ._transcripts import Transcript, openssl_config_section, run_openssl

__all__ = [
    "LAB",
    "Choices",
    "DEFAULT_CHOICES",
    "StepResult",
    "Prepared",
    "prepare",
    "make_step",
    "SourceStep",
    "run_source_step",
    "file_mode",
    "Transcript",
    "run_openssl",
    "openssl_config_section",
    "write_pem",
    "make_probe",
    "versions",
    "default_context_verdicts",
]

_DEFAULTS = Settings()


@dataclass(frozen=True)
class Choices:
    """The choices of one step, as a learner sets them with the widgets.

    Attributes:
        key_type: the key's type (see :data:`~pkilesson.pki.keys.KEY_TYPES`).
        country, organization, common_name: the subject's C, O and CN.
        sans: the subjectAltName entries (servers and clients), e.g. ``("localhost", "127.0.0.1")``.
        days: the validity in days.
        serial: a fixed serial number, as the source's 01 and 02; None for a random one.
    """

    key_type: str
    common_name: str
    country: str = _DEFAULTS.country
    organization: str = _DEFAULTS.organization
    sans: tuple[str, ...] = ()
    days: int = _DEFAULTS.days
    serial: Optional[int] = None

    @property
    def subject(self) -> x509.Name:
        return make_name(C=self.country or None, O=self.organization or None, CN=self.common_name)


#: The defaults of each step: those of ``pkilesson workflow``.
DEFAULT_CHOICES = {
    1: Choices(key_type=_DEFAULTS.key_type, common_name=_DEFAULTS.ca_name, days=_DEFAULTS.ca_days),
    2: Choices(key_type=_DEFAULTS.key_type, common_name=_DEFAULTS.server_cn, sans=_DEFAULTS.server_names),
    3: Choices(key_type=_DEFAULTS.key_type, common_name=_DEFAULTS.client_name, sans=(_DEFAULTS.client_name,)),
}


@dataclass(frozen=True)
class StepResult:
    """What one step made: a key, a CSR (servers and clients) and a certificate, in memory.

    ``ca`` is the CA that signed the certificate (for step 1, the new CA itself).
    """

    step: int
    choices: Choices
    key: PrivateKey = field(repr=False)
    csr: Optional[x509.CertificateSigningRequest]
    certificate: x509.Certificate
    ca: CertificateAuthority = field(repr=False)

    @property
    def role(self) -> str:
        return ROLE_OF_STEP[self.step]

    def items(self, earlier: Mapping = None) -> dict:
        """{(role, kind): object} of this step and ``earlier`` ones, as diagrams take it."""
        result = dict(earlier or {})
        result[("ca", "key")] = self.ca.key
        result[("ca", "cert")] = self.ca.certificate
        result[(self.role, "key")] = self.key
        if self.csr is not None:
            result[(self.role, "req")] = self.csr
        result[(self.role, "cert")] = self.certificate
        return result

    def save(self, directory: Union[str, Path] = LAB, *, overwrite: bool = False) -> str:
        """Write this step's files into the workspace; existing files are kept unless ``overwrite``.

        Returns a sentence saying what was written or kept.
        """
        workspace = Workspace(directory)
        names = [n for n in FILE_NAMES if n.startswith(f"{self.role}-")]
        taken = workspace.existing(names)
        if taken and not overwrite:
            return _("Kept {files} already in {folder}/ (made earlier); nothing was written. "
                     "Pass overwrite=True to replace them.").format(files=", ".join(taken), folder=workspace.path)
        items = {(self.role, "key"): self.key}
        if self.csr is not None:
            items[(self.role, "req")] = self.csr
        items[(self.role, "cert")] = self.certificate
        # All or nothing, under the workspace's lock (a check then a write, never half a step on disk).
        written = workspace.save_files(items, overwrite=overwrite)
        return _("Wrote {files} in {folder}/.").format(files=", ".join(p.name for p in written), folder=workspace.path)


def make_step(
    step: int,
    choices: Optional[Choices] = None,
    *,
    ca: Optional[CertificateAuthority] = None,
    key: Optional[PrivateKey] = None,
    now: Optional[dt.datetime] = None,
) -> StepResult:
    """Make step 1 (the CA), 2 (the server) or 3 (the client) from ``choices``.

    Steps 2 and 3 need the ``ca`` that signs. ``key`` reuses an existing key
    instead of making a new one. Raises :class:`~pkilesson.errors.PkiLessonError`
    with a fix for any choice that cannot work.
    """
    _check_step(step)
    choices = choices or DEFAULT_CHOICES[step]
    if not isinstance(choices, Choices):
        raise PkiLessonError(_("Expected Choices, got {type}.").format(type=type(choices).__name__),
                             _("build them with Choices(...)."))
    now = resolve_now(now)
    key = key if key is not None else generate_key(choices.key_type)
    if step == 1:
        authority = CertificateAuthority.create(
            choices.subject, key=key, days=choices.days, serial=choices.serial, now=now
        )
        return StepResult(1, choices, key, None, authority.certificate, authority)
    if ca is None:
        raise PkiLessonError(_("Step {step} needs the CA that signs.").format(step=step),
                             _("pass ca=... (prepare(step) gives it)."))
    csr = create_csr(key, choices.subject, parse_general_names(list(choices.sans)))
    profile = SERVER if step == 2 else CLIENT
    certificate = ca.issue(csr, profile, days=choices.days, serial=choices.serial, now=now)
    return StepResult(step, choices, key, csr, certificate, ca)


@dataclass(frozen=True)
class Prepared:
    """The files a lesson starts from: the CA and earlier steps, and how they were obtained."""

    directory: Path
    ca: Optional[CertificateAuthority] = field(repr=False)
    items: Mapping = field(repr=False)
    message: str

    def __str__(self) -> str:
        return self.message


def _role_files(workspace: Workspace, role: str) -> list[str]:
    return workspace.existing([n for n in FILE_NAMES if n.startswith(f"{role}-")])


def _load_role(workspace: Workspace, role: str) -> dict:
    items = {(role, "key"): workspace.load_key(role), (role, "cert"): workspace.load_certificate(role)}
    if role != "ca":
        items[(role, "req")] = workspace.load_csr(role)
    return items


def prepare(step: int, directory: Union[str, Path] = LAB, *, now: Optional[dt.datetime] = None) -> Prepared:
    """The files lesson ``step`` needs: loaded from ``directory`` when there, else made with defaults.

    Step 1 needs nothing; step 2 needs the CA; step 3 the CA and the server
    (lesson 03 compares the client's certificate with the server's); step 4
    the CA, the server and the client. What is made is written into ``directory``
    (an existing file is never replaced). The message says what was loaded
    and what was made.
    """
    _check_step(step, (1, 2, 3, 4))
    workspace = Workspace(directory)
    needed = {1: (), 2: ("ca",), 3: ("ca", "server"), 4: ("ca", "server", "client")}[step]
    loaded, made, items, ca = [], [], {}, None
    for role in needed:
        present = _role_files(workspace, role)
        expected = [n for n in FILE_NAMES if n.startswith(f"{role}-")]
        if len(present) == len(expected):
            items.update(_load_role(workspace, role))
            loaded.append(role)
            if role == "ca":
                ca = workspace.load_authority()
            continue
        if present:
            raise WorkspaceError(
                _("{folder}/ holds {files} but not the rest of {whose} files.").format(
                    folder=workspace.path, files=", ".join(present), whose=tr(_WHOSE[role])),
                _("delete {files} (or the whole folder) to start that step again.").format(files=", ".join(present)),
            )
        if role != "ca" and ca is None:
            raise WorkspaceError(_("No CA to sign with."), _("delete {folder}/ to start again.").format(folder=workspace.path))
        if role == "ca" and any(_role_files(workspace, r) for r in ("server", "client")):
            raise WorkspaceError(
                _("{folder}/ holds server or client files but no CA: they cannot be checked.").format(folder=workspace.path),
                _("delete {folder}/ to start again from step 1.").format(folder=workspace.path),
            )
        result = make_step(1 if role == "ca" else (2 if role == "server" else 3), ca=ca, now=now)
        result.save(workspace.path)
        items.update(result.items())
        made.append(role)
        if role == "ca":
            ca = result.ca
    parts = []
    if loaded:
        parts.append(_("Loaded the files of {roles} from {folder}/.").format(roles=_roles(loaded), folder=workspace.path))
    if made:
        parts.append(_("Made {roles} with default settings and wrote them to {folder}/.").format(
            roles=_roles(made), folder=workspace.path))
    message = " ".join(parts) or _("Step {step} starts from nothing: no earlier files are needed.").format(step=step)
    return Prepared(workspace.path, ca, items, message)


#: Each role in a sentence (prepare's message), and whose files (its errors).
_ROLE_NAMES = {"ca": N_("the CA (step 1)"), "server": N_("the server (step 2)"), "client": N_("the client (step 3)")}
_WHOSE = {"ca": N_("the CA's"), "server": N_("the server's"), "client": N_("the client's")}


def _roles(roles: list[str]) -> str:
    return ", ".join(tr(_ROLE_NAMES[r]) for r in roles)


# -- small helpers lessons 01 and 02 call -------------------------------------------------------


def write_pem(artifact: Union[x509.Certificate, x509.CertificateSigningRequest], path: Union[str, Path]) -> Path:
    """Write a certificate or a CSR as PEM to ``path`` (its folder is made if needed); returns the path.

    Public artifacts only: a private key goes through
    :meth:`~pkilesson.pki.workspace.Workspace.save_key`, which writes mode 0600.
    """
    from cryptography.hazmat.primitives.serialization import Encoding

    if not isinstance(artifact, (x509.Certificate, x509.CertificateSigningRequest)):
        raise PkiLessonError(
            _("write_pem writes certificates and CSRs, not a {type}.").format(type=type(artifact).__name__),
            _("save a private key with Workspace(...).save_key(role, key), which keeps it owner-only (0600)."),
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(artifact.public_bytes(Encoding.PEM))
    return path


def make_probe(ca: CertificateAuthority, path: Union[str, Path]) -> StepResult:
    """A correct, throwaway server certificate for ``probe.localhost``, signed by ``ca``, written to ``path``.

    EC P-256, valid one day, pkilesson's server profile (SAN, keyUsage,
    EKU, AKI): whatever a verifier then says about the chain is about the
    CA, not the leaf. Lesson 01 uses it to test the source's CA certificate.
    """
    choices = Choices(key_type="p256", common_name="probe.localhost", organization="probe",
                      sans=("probe.localhost",), days=1)
    result = make_step(2, choices, ca=ca)
    write_pem(result.certificate, path)
    return result


# -- Python's default context, its strict flag off and on ------------------------------------------------


def default_context_verdicts(trusted: x509.Certificate, server: StepResult, host: Optional[str] = None) -> str:
    """Two real handshakes with the running Python's ``ssl.create_default_context()``, strict flag off then on.

    The client trusts ``trusted`` only; the server presents ``server``'s
    certificate (a :class:`StepResult`, e.g. :func:`make_probe`'s). Off is how
    Python 3.12 and earlier make the default context; on, how Python 3.13
    makes it (``VERIFY_X509_STRICT``, CPython issue 107361). What the flag
    refuses depends on the OpenSSL underneath, named in the first line.
    """
    import ssl

    from ..tls.loopback import Party
    from ..tls.wire import observe

    if not isinstance(server, StepResult) or not isinstance(trusted, x509.Certificate):
        raise PkiLessonError(_("default_context_verdicts takes a CA certificate and a StepResult."),
                             _("pass source_ca.certificate and the result of lesson.make_probe(...)."))
    host = host or (server.choices.sans[0] if server.choices.sans else server.choices.common_name)
    default_on = bool(ssl.create_default_context().verify_flags & ssl.VERIFY_X509_STRICT)
    lines = [versions(), _("this Python's create_default_context() sets VERIFY_X509_STRICT: {on}").format(
        on=_("yes") if default_on else _("no"))]
    for strict, label in ((False, _("off (as Python 3.12 and earlier)")), (True, _("on (as Python 3.13 makes it)"))):
        seen = observe(server=Party((server.certificate,), server.key, ()), client=Party((), None, (trusted,)),
                       host=host, default_context=True, strict=strict, partial_chain=None)
        lines.append(f"  VERIFY_X509_STRICT {label}" + _(": ") + seen.verdict())
    return "\n".join(lines)
