"""Lesson 05's scenario builders: the parties a scenario changes, made from the workspace's CA.

:func:`trust_of` (what each side trusts), :func:`other_ca_client` (a client
whose certificate another CA signed), :func:`expired_client` (your client's
key and name, its dates in the past), :func:`revocation_list` (a CRL naming
certificates, in memory) and :func:`server_with_crl`; :func:`client_as_server`
(the client's certificate posing as a server's) and
:func:`common_name_fallback` (Python's client with and without the CN
fallback) run their handshake. :mod:`pkilesson.lessons.scenarios` re-exports
them all: import them from there.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Optional

from cryptography import x509

from .._catalog import _
from ..pki._time import resolve_now
from ..pki.authority import CertificateAuthority
from ..pki.csr import create_csr
from ..errors import PkiLessonError, argument_error
from ..pki.keys import generate_key, signature_hash
from ..pki.profiles import CLIENT
from ..pki.revocation import REASONS, make_crl
from ..tls.loopback import TIMEOUT, HandshakeReport, LoopbackServer, Party, handshake, party_of

__all__ = [
    "trust_of", "other_ca_client", "expired_client", "revocation_list", "server_with_crl", "client_as_server",
    "common_name_fallback",
]


def _artifacts(artifacts):
    from ..pki.artifacts import _check_artifacts

    return _check_artifacts(artifacts)


def _days(value, parameter: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise argument_error(parameter, _("a whole number of days"), value)
    if not least <= value <= 36500:
        raise PkiLessonError(_("{parameter}={value} is out of range.").format(parameter=parameter, value=value),
                             _("give {least} to 36500 days.").format(least=least))
    return value


def trust_of(artifacts) -> tuple[x509.Certificate, ...]:
    """What each side of the workspace trusts: its copy of ``ca-cert.pem``."""
    return (_artifacts(artifacts).ca.certificate,)


def other_ca_client(artifacts, *, name: str = "mallory.localhost") -> Party:
    """A client with a correct client certificate for ``name``, signed by *another* CA.

    The client trusts the workspace's CA, so it accepts the server: only the
    server's check of the client's certificate can fail.
    """
    _artifacts(artifacts)
    if not isinstance(name, str):
        raise argument_error("name", _("a client name such as 'mallory.localhost'"), name)
    other = CertificateAuthority.create("/C=FR/O=Elsewhere/CN=Other CA", key_type="p256")
    key = generate_key("p256")
    certificate = other.issue(create_csr(key, f"/C=FR/O=Elsewhere/CN={name}", [name]), CLIENT)
    return Party((certificate,), key, trust_of(artifacts))


def expired_client(artifacts, *, days: int = 30, ended_days_ago: int = 1, now: Optional[dt.datetime] = None) -> Party:
    """The workspace's client, its key and names, in a certificate that ended ``ended_days_ago`` days ago.

    Signed by the workspace's CA with the client profile, valid ``days`` days.
    pkilesson's CA refuses to sign a certificate that starts before the CA
    itself (a lesson's CA is often minutes old), so this one is built with
    pyca/cryptography directly and signed with the CA's key: RFC 5280 path
    validation checks each certificate's dates against the time of the check
    only, so the verdict is about the expiry and nothing else.
    """
    _artifacts(artifacts)
    _days(days, "days", 1)
    _days(ended_days_ago, "ended_days_ago", 0)
    now = resolve_now(now)
    ca, certificate = artifacts.ca, artifacts.client_certificate
    end = now - dt.timedelta(days=ended_days_ago)
    sans = tuple(certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateBuilder().subject_name(certificate.subject).issuer_name(ca.subject)
        .public_key(artifacts.client_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(end - dt.timedelta(days=days)).not_valid_after(end)
    )
    for extension, critical in CLIENT.extensions(artifacts.client_key.public_key(), ca.key.public_key(), sans, ski):
        builder = builder.add_extension(extension, critical=critical)
    expired = builder.sign(ca.key, signature_hash(ca.key))
    return Party((expired,), artifacts.client_key, trust_of(artifacts))


def revocation_list(ca: CertificateAuthority, certificates, *, reason: str = "keyCompromise",
                    now: Optional[dt.datetime] = None) -> x509.CertificateRevocationList:
    """A CRL of ``ca`` naming ``certificates`` (by serial), in memory: nothing is written.

    :func:`~pkilesson.pki.revocation.revoke` does the same on a workspace and
    writes ``ca-crl.pem`` (lesson 06).
    """
    from ..pki.certificates import as_certificate

    if not isinstance(reason, str) or reason not in REASONS:
        raise PkiLessonError(_("Unknown revocation reason {reason!r}.").format(reason=reason),
                             _("use one of {names}.").format(names=", ".join(REASONS)))
    if isinstance(certificates, (str, bytes, x509.Certificate)) or not isinstance(certificates, (list, tuple)):
        raise argument_error("certificates", _("a list of certificates"), certificates)
    certificates = [as_certificate(c, "certificates") for c in certificates]
    now = resolve_now(now)
    entries = []
    for certificate in certificates:
        builder = x509.RevokedCertificateBuilder().serial_number(certificate.serial_number).revocation_date(now)
        if reason != "unspecified":
            builder = builder.add_extension(x509.CRLReason(REASONS[reason]), critical=False)
        entries.append(builder.build())
    return make_crl(ca, entries, now=now)


def server_with_crl(artifacts, crl: x509.CertificateRevocationList) -> Party:
    """The workspace's server, checking clients against ``crl`` too (``VERIFY_CRL_CHECK_LEAF``)."""
    _artifacts(artifacts)
    return Party((artifacts.server_certificate,), artifacts.server_key, trust_of(artifacts), (crl,))


def _client_name(certificate: x509.Certificate) -> str:
    try:
        sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return str(next(iter(sans)).value)
    except (x509.ExtensionNotFound, StopIteration):
        return certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value


def client_as_server(artifacts, *, strict: bool = True) -> HandshakeReport:
    """Whoever holds the client's key poses as a *server* named as the client, with the client's certificate.

    The connecting client sends no certificate and the rogue server asks for
    none: the only question is whether the client accepts a client
    certificate as a server's. It must not, and does not when the certificate's
    extendedKeyUsage says clientAuth only; without extendedKeyUsage (the
    source's), nothing forbids it.
    """
    rogue = Party((artifacts.client_certificate,), artifacts.client_key, trust_of(artifacts))
    return handshake(artifacts, server=rogue, client=party_of(artifacts, "client", with_certificate=False),
                     host=_client_name(artifacts.client_certificate), strict=strict, require_client_certificate=False)


def common_name_fallback(artifacts, host: str = "localhost") -> dict[bool, str]:
    """Python's own client, once with ``hostname_checks_common_name`` True (its default) and once False.

    Against the workspace's server (relaxed: no ``VERIFY_X509_STRICT``, no
    client certificate asked), connecting to ``host``. For a server
    certificate without subjectAltName (the source's), only the CN can match:
    {True: 'accepted (TLSv1.3)', False: 'refused: ... Hostname mismatch ...'}.
    """
    import socket
    import ssl
    import tempfile

    from ..pki.certificates import certificate_to_pem

    results = {}
    with tempfile.TemporaryDirectory(prefix="pkilesson-cn-") as folder:
        trust = Path(folder) / "ca-cert.pem"
        trust.write_bytes(certificate_to_pem(artifacts.ca.certificate))
        with LoopbackServer(party_of(artifacts, "server"), strict=False, require_client_certificate=False) as server:
            for flag in (True, False):
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                context.load_verify_locations(cafile=str(trust))
                context.hostname_checks_common_name = flag
                try:
                    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as raw:
                        with context.wrap_socket(raw, server_hostname=host) as connection:
                            connection.sendall(b"hello\n")
                            connection.recv(1024)
                            results[flag] = _("accepted ({version})").format(version=connection.version())
                except (ssl.SSLError, OSError) as error:
                    reason = getattr(error, "verify_message", None) or getattr(error, "reason", None) or str(error)
                    results[flag] = _("refused: {reason}").format(reason=reason)
            deadline = time.monotonic() + TIMEOUT
            while len(server.reports) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
    return results

