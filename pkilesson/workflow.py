"""The source document's four steps, end to end, with correct defaults.

1. the CA: a key and a self-signed certificate;
2. the server: a key, a CSR, the certificate the CA signs;
3. the client: the same;
4. verification of both certificates against the CA.

:func:`make_artifacts` does the work in memory, :func:`run_workflow` also
writes the eight files and verifies them; ``pkilesson workflow DIR`` is the
command-line front of the latter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from cryptography import x509

from ._time import resolve_now
from .authority import CertificateAuthority
from .csr import create_csr
from .errors import InvalidNameError
from .keys import DEFAULT_KEY_TYPE, PrivateKey, generate_key
from .names import format_subj, make_name, parse_general_name, parse_general_names
from .openssl import StepCommands, ca_certificate_commands, key_commands, leaf_commands, verify_commands
from .openssl import source_recipe
from .profiles import CLIENT, SERVER
from .verification import Verdict, verify_certificate
from .workspace import FILE_NAMES, Workspace

__all__ = ["Settings", "Artifacts", "Step", "WorkflowResult", "make_artifacts", "run_workflow", "steps_of",
           "verify_artifacts", "load_artifacts", "ensure_workflow"]


@dataclass(frozen=True)
class Settings:
    """The workflow's parameters; the defaults make a correct, strict-valid set.

    Attributes:
        key_type: the type of the server's and client's keys (the source:
            RSA 2048 for all three keys).
        ca_key_type: the CA key's type, one of :data:`~pkilesson.keys.CA_KEY_TYPES`;
            None means the same as ``key_type``.
        organization, country: the O and C of the three subjects.
        ca_name: the CA's CN; it must differ from the server's and client's.
        server_names: the server's subjectAltName entries (DNS names, IPs);
            the first DNS name is also its CN.
        client_name: the client's CN and subjectAltName (a DNS name, an
            e-mail address or a URI).
        days: validity of the server and client certificates (the source: 365).
        ca_days: validity of the CA certificate.
        serials: fixed (server, client) serials as the source's 01 and 02, or
            None for random 159-bit serials.
    """

    key_type: str = DEFAULT_KEY_TYPE
    ca_key_type: Optional[str] = None
    organization: str = "pkilesson"
    country: str = "FR"
    ca_name: str = "pkilesson Root CA"
    server_names: tuple[str, ...] = ("localhost", "127.0.0.1")
    client_name: str = "client.localhost"
    days: int = 365
    ca_days: int = 3650
    serials: Optional[tuple[int, int]] = None

    def subject(self, cn: str) -> x509.Name:
        return make_name(C=self.country, O=self.organization, CN=cn)

    @property
    def server_cn(self) -> str:
        names = parse_general_names(self.server_names)
        if not names:
            raise InvalidNameError("The server has no name.", "give at least one server name, e.g. localhost.")
        dns = [n.value for n in names if isinstance(n, x509.DNSName)]
        return dns[0] if dns else str(names[0].value)


@dataclass(frozen=True)
class Artifacts:
    """Everything the workflow makes, in memory."""

    ca: CertificateAuthority
    server_key: PrivateKey
    server_csr: x509.CertificateSigningRequest
    server_certificate: x509.Certificate
    client_key: PrivateKey
    client_csr: x509.CertificateSigningRequest
    client_certificate: x509.Certificate

    def save(self, workspace: Workspace, *, overwrite: bool = False) -> list[Path]:
        """Write the eight files; without ``overwrite``, nothing is written if any exists."""
        if not overwrite:
            workspace.ensure_free()
        return [
            workspace.save_key("ca", self.ca.key, overwrite=overwrite),
            workspace.save_certificate("ca", self.ca.certificate, overwrite=overwrite),
            workspace.save_key("server", self.server_key, overwrite=overwrite),
            workspace.save_csr("server", self.server_csr, overwrite=overwrite),
            workspace.save_certificate("server", self.server_certificate, overwrite=overwrite),
            workspace.save_key("client", self.client_key, overwrite=overwrite),
            workspace.save_csr("client", self.client_csr, overwrite=overwrite),
            workspace.save_certificate("client", self.client_certificate, overwrite=overwrite),
        ]


def make_artifacts(settings: Settings = Settings(), *, now: Optional[dt.datetime] = None) -> Artifacts:
    """Steps 1 to 3 in memory: the CA, then the server and client keys, CSRs and certificates."""
    now = resolve_now(now)
    server_serial, client_serial = settings.serials or (None, None)
    client_san = parse_general_name(settings.client_name)
    server_subject, client_subject = settings.subject(settings.server_cn), settings.subject(settings.client_name)
    ca = CertificateAuthority.create(
        settings.subject(settings.ca_name), key_type=settings.ca_key_type or settings.key_type, days=settings.ca_days, now=now
    )
    server_key = generate_key(settings.key_type)
    server_csr = create_csr(server_key, server_subject, settings.server_names)
    server_certificate = ca.issue(server_csr, SERVER, days=settings.days, serial=server_serial, now=now)
    client_key = generate_key(settings.key_type)
    client_csr = create_csr(client_key, client_subject, [client_san])
    client_certificate = ca.issue(client_csr, CLIENT, days=settings.days, serial=client_serial, now=now)
    return Artifacts(ca, server_key, server_csr, server_certificate, client_key, client_csr, client_certificate)


@dataclass(frozen=True)
class Step:
    """One step of the source, as the command line reports it."""

    number: int
    title: str
    files: tuple[str, ...]
    source: tuple[StepCommands, ...]
    ours: tuple[StepCommands, ...]


def steps_of(artifacts: Artifacts, settings: Settings = Settings()) -> tuple[Step, ...]:
    """The four steps with the source's commands and the equivalent commands of what we made."""
    recipe = source_recipe(
        format_subj(artifacts.ca.certificate.subject),
        format_subj(artifacts.server_certificate.subject),
        format_subj(artifacts.client_certificate.subject),
    )
    host = settings.server_cn
    return (
        Step(1, "The certificate authority (CA): a key and a self-signed certificate",
             FILE_NAMES[0:2], recipe[0:2],
             (key_commands("ca", settings.ca_key_type or settings.key_type), ca_certificate_commands(artifacts.ca.certificate))),
        Step(2, "The server: a key, a signing request, the certificate the CA signs",
             FILE_NAMES[2:5], recipe[2:4],
             (key_commands("server", settings.key_type), leaf_commands("server", artifacts.server_certificate))),
        Step(3, "The client: a key, a signing request, the certificate the CA signs",
             FILE_NAMES[5:8], recipe[4:6],
             (key_commands("client", settings.key_type), leaf_commands("client", artifacts.client_certificate))),
        Step(4, "Verification of both certificates against the CA", (), recipe[6:8],
             (verify_commands("server", host=host), verify_commands("client"))),
    )


@dataclass(frozen=True)
class WorkflowResult:
    """What :func:`run_workflow` made, wrote and concluded."""

    workspace: Workspace
    artifacts: Artifacts
    steps: tuple[Step, ...]
    written: tuple[Path, ...]
    server_verdict: Verdict
    client_verdict: Verdict

    @property
    def ok(self) -> bool:
        return self.server_verdict.valid and self.client_verdict.valid


def verify_artifacts(
    artifacts: Artifacts, host: str, *, now: Optional[dt.datetime] = None
) -> tuple[Verdict, Verdict]:
    """Step 4: the server certificate for ``host`` and the client certificate, against the CA."""
    roots = [artifacts.ca.certificate]
    return (
        verify_certificate(artifacts.server_certificate, roots, host=host, now=now),
        verify_certificate(artifacts.client_certificate, roots, client=True, now=now),
    )


def run_workflow(
    directory: Union[str, Path],
    settings: Settings = Settings(),
    *,
    overwrite: bool = False,
    now: Optional[dt.datetime] = None,
) -> WorkflowResult:
    """Run steps 1 to 4: make, write and verify the eight files in ``directory``.

    Without ``overwrite``, an existing file stops the run before anything is
    made or written.
    """
    workspace = Workspace(directory)
    if not overwrite:
        workspace.ensure_free()
    now = resolve_now(now)
    artifacts = make_artifacts(settings, now=now)
    written = artifacts.save(workspace, overwrite=overwrite)
    server_verdict, client_verdict = verify_artifacts(artifacts, settings.server_cn, now=now)
    return WorkflowResult(
        workspace, artifacts, steps_of(artifacts, settings), tuple(written), server_verdict, client_verdict
    )


def load_artifacts(directory: Union[str, Path]) -> Artifacts:
    """Read the eight files of a workspace back into :class:`Artifacts`.

    Raises :class:`~pkilesson.errors.WorkspaceError` naming the first missing
    file, or the loader's error prefixed with the broken file's name.
    """
    workspace = Workspace(directory)
    return Artifacts(
        workspace.load_authority(),
        workspace.load_key("server"),
        workspace.load_csr("server"),
        workspace.load_certificate("server"),
        workspace.load_key("client"),
        workspace.load_csr("client"),
        workspace.load_certificate("client"),
    )


def ensure_workflow(
    directory: Union[str, Path], settings: Settings = Settings(), *, now: Optional[dt.datetime] = None
) -> tuple[Artifacts, str]:
    """The workspace's artifacts: loaded when all eight files are there, else made.

    Returns the artifacts and a sentence saying which happened, so a lesson
    run on its own tells the learner where its files came from. A folder
    holding only some of the files is an error: nothing is overwritten.
    """
    workspace = Workspace(directory)
    present = workspace.existing()
    if len(present) == len(FILE_NAMES):
        return load_artifacts(directory), f"Loaded the eight files found in {workspace.path}/."
    result = run_workflow(directory, settings, now=now)
    return result.artifacts, f"Made the eight files in {workspace.path}/ with the default settings."
