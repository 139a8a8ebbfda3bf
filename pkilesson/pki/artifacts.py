"""The source document's steps 1 to 3 in memory: the eight artifacts and the settings that make them.

1. the CA: a key and a self-signed certificate;
2. the server: a key, a CSR, the certificate the CA signs;
3. the client: the same.

:func:`make_artifacts` does the work in memory and :func:`load_artifacts` reads
the eight files back; :func:`~pkilesson.verify.workflow.run_workflow` adds step 4
(verification) and writes the files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from cryptography import x509

from ._time import resolve_now
from .authority import CertificateAuthority, check_serial
from .csr import create_csr
from .._catalog import N_, _
from ..errors import InvalidNameError, IssuanceError, argument_error, check_bool
from .keys import CA_KEY_TYPES, DEFAULT_KEY_TYPE, PrivateKey, _check_key_type, generate_key
from .names import format_subj, make_name, parse_general_name, parse_general_names
from .openssl import StepCommands, ca_certificate_commands, key_commands, leaf_commands, verify_commands
from .openssl import source_recipe
from .profiles import CLIENT, SERVER
from .workspace import FILE_NAMES, Workspace


__all__ = ["Settings", "Artifacts", "Step", "make_artifacts", "steps_of", "load_artifacts"]



@dataclass(frozen=True)
class Settings:
    """The workflow's parameters; the defaults make a correct, strict-valid set.

    Attributes:
        key_type: the type of the server's and client's keys (the source:
            RSA 2048 for all three keys).
        ca_key_type: the CA key's type, one of :data:`~pkilesson.pki.keys.CA_KEY_TYPES`;
            None means the same as ``key_type``, except for Ed25519 leaves: their CA
            is P-256, because pyca/cryptography's verifier refuses certificates
            signed with Ed25519 (see :attr:`ca_key`).
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

    Every value is checked when the settings are made, so a run refuses bad
    settings before it makes or writes anything. A server name may be a
    wildcard (``*.example.com``): step 4 then checks a name it covers.
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

    @property
    def ca_key(self) -> str:
        """The CA key's type: ``ca_key_type``, else ``key_type`` when a CA may have it, else ``"p256"``."""
        if self.ca_key_type is not None:
            return self.ca_key_type
        return self.key_type if self.key_type in CA_KEY_TYPES else "p256"

    def __post_init__(self) -> None:
        _check_key_type(self.key_type)
        if self.ca_key_type is not None:
            _check_key_type(self.ca_key_type)
        for field_name in ("organization", "country", "ca_name", "client_name"):
            if not isinstance(getattr(self, field_name), str):
                raise argument_error(field_name, N_("text (a str)"), getattr(self, field_name))
        names = self.server_names
        if isinstance(names, str):
            names = tuple(n.strip() for n in names.split(",") if n.strip())
        elif isinstance(names, (list, tuple)):
            names = tuple(names)
        else:
            raise argument_error("server_names", N_("a tuple of names such as ('localhost', '127.0.0.1')"), names)
        object.__setattr__(self, "server_names", names)
        if not parse_general_names(names):
            raise InvalidNameError(_("The server has no name."), _("give at least one server name, e.g. localhost."))
        for general in parse_general_names(names):
            if not isinstance(general, (x509.DNSName, x509.IPAddress)):
                raise InvalidNameError(
                    _("A server is reached by a DNS name or an IP address, not {value!r}.").format(value=general.value),
                    _("give server names such as localhost, server.example or 127.0.0.1."),
                )
        parse_general_name(self.client_name)
        self.subject(self.ca_name), self.subject(self.server_cn), self.subject(self.client_name)
        for field_name in ("days", "ca_days"):
            value = getattr(self, field_name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise argument_error(field_name, N_("a whole number of days"), value)
            if value < 1:
                raise IssuanceError(_("{field}={value}: a certificate must be valid at least 1 day.").format(
                    field=field_name, value=value), _("give {field}=365, for example.").format(field=field_name))
        if self.serials is not None:
            if not isinstance(self.serials, (tuple, list)) or len(self.serials) != 2:
                raise IssuanceError(
                    _("serials must be two numbers, the server's and the client's, got {serials!r}.").format(
                        serials=self.serials),
                    _("pass serials=(1, 2) as the source does, or None for random serials."),
                )
            server, client = (check_serial(number) for number in self.serials)
            if server == client:
                raise IssuanceError(
                    _("The server and the client would both get serial {serial}: a CA must never give two "
                      "certificates the same serial number (RFC 5280 4.1.2.2).").format(serial=server),
                    _("give two different serials, e.g. serials=(1, 2), or None for random ones."),
                )
            object.__setattr__(self, "serials", (server, client))

    def subject(self, cn: str) -> x509.Name:
        return make_name(C=self.country, O=self.organization, CN=cn)

    @property
    def server_cn(self) -> str:
        names = parse_general_names(self.server_names)
        dns = [n.value for n in names if isinstance(n, x509.DNSName)]
        return dns[0] if dns else str(names[0].value)

    @property
    def verify_host(self) -> str:
        """The name step 4 checks the server certificate for: the first name that is not a wildcard,
        else the first wildcard with ``www`` in place of its ``*`` (a name it covers)."""
        names = parse_general_names(self.server_names)
        for name in names:
            if not (isinstance(name, x509.DNSName) and name.value.startswith("*.")):
                return str(name.value)
        return "www" + names[0].value[1:]


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

    def items(self) -> dict:
        """The eight artifacts by ``(role, kind)``, as :meth:`Workspace.save_files` takes them."""
        return {
            ("ca", "key"): self.ca.key,
            ("ca", "cert"): self.ca.certificate,
            ("server", "key"): self.server_key,
            ("server", "req"): self.server_csr,
            ("server", "cert"): self.server_certificate,
            ("client", "key"): self.client_key,
            ("client", "req"): self.client_csr,
            ("client", "cert"): self.client_certificate,
        }

    def save(self, workspace: Union[Workspace, str, Path], *, overwrite: bool = False) -> list[Path]:
        """Write the eight files, all or nothing (see :func:`~pkilesson.pki.workspace.write_files`).

        Without ``overwrite``, nothing is written if any of them exists; with
        it, either all eight are replaced or none is.
        """
        workspace = Workspace(workspace)
        return workspace.save_files(self.items(), overwrite=check_bool(overwrite, "overwrite"))


def make_artifacts(settings: Settings = Settings(), *, now: Optional[dt.datetime] = None) -> Artifacts:
    """Steps 1 to 3 in memory: the CA, then the server and client keys, CSRs and certificates."""
    _check_settings(settings)
    now = resolve_now(now)
    server_serial, client_serial = settings.serials or (None, None)
    client_san = parse_general_name(settings.client_name)
    server_subject, client_subject = settings.subject(settings.server_cn), settings.subject(settings.client_name)
    ca = CertificateAuthority.create(
        settings.subject(settings.ca_name), key_type=settings.ca_key, days=settings.ca_days, now=now
    )
    server_key = generate_key(settings.key_type)
    server_csr = create_csr(server_key, server_subject, settings.server_names)
    server_certificate = ca.issue(server_csr, SERVER, days=settings.days, serial=server_serial, now=now)
    client_key = generate_key(settings.key_type)
    client_csr = create_csr(client_key, client_subject, [client_san])
    client_certificate = ca.issue(client_csr, CLIENT, days=settings.days, serial=client_serial, now=now)
    return Artifacts(ca, server_key, server_csr, server_certificate, client_key, client_csr, client_certificate)


def _check_settings(settings) -> "Settings":
    if not isinstance(settings, Settings):
        raise argument_error("settings", N_("a pkilesson.Settings"), settings, _("pass Settings(...) or leave it out."))
    return settings


def _check_artifacts(artifacts) -> "Artifacts":
    if not isinstance(artifacts, Artifacts):
        raise argument_error("artifacts", N_("the workflow's Artifacts"), artifacts,
                             _("pass make_artifacts(), load_artifacts('lab') or run_workflow('lab').artifacts."))
    return artifacts


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
    _check_artifacts(artifacts)
    _check_settings(settings)
    recipe = source_recipe(
        format_subj(artifacts.ca.certificate.subject),
        format_subj(artifacts.server_certificate.subject),
        format_subj(artifacts.client_certificate.subject),
    )
    host = settings.verify_host
    return (
        Step(1, _("The certificate authority (CA): a key and a self-signed certificate"),
             FILE_NAMES[0:2], recipe[0:2],
             (key_commands("ca", settings.ca_key), ca_certificate_commands(artifacts.ca.certificate))),
        Step(2, _("The server: a key, a signing request, the certificate the CA signs"),
             FILE_NAMES[2:5], recipe[2:4],
             (key_commands("server", settings.key_type), leaf_commands("server", artifacts.server_certificate))),
        Step(3, _("The client: a key, a signing request, the certificate the CA signs"),
             FILE_NAMES[5:8], recipe[4:6],
             (key_commands("client", settings.key_type), leaf_commands("client", artifacts.client_certificate))),
        Step(4, _("Verification of both certificates against the CA"), (), recipe[6:8],
             (verify_commands("server", host=host), verify_commands("client"))),
    )


def load_artifacts(directory: Union[str, Path]) -> Artifacts:
    """Read the eight files of a workspace back into :class:`Artifacts`.

    Raises :class:`~pkilesson.errors.WorkspaceError` naming the first missing
    file, or the loader's error prefixed with the broken file's name. The
    files are read holding the folder's lock: never half of a set being
    replaced.
    """
    workspace = Workspace(directory)
    with workspace.locked():
        return Artifacts(
            workspace.load_authority(),
            workspace.load_key("server"),
            workspace.load_csr("server"),
            workspace.load_certificate("server"),
            workspace.load_key("client"),
            workspace.load_csr("client"),
            workspace.load_certificate("client"),
        )
