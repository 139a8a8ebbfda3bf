"""Step 4: does a certificate chain up to the CA we trust, for this purpose?

The source checks with ``openssl verify -CAfile ca-cert.pem server-cert.pem``.
Here the verdict comes from pyca/cryptography's verifier, which follows RFC
5280 and the CA/Browser Forum's rules: strict, like a modern browser.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from cryptography import x509
from cryptography.x509 import verification as pyca

from .._catalog import N_, _
from ..pki._time import resolve_now
from ..pki.certificates import as_certificate, load_certificates
from ..errors import PkiLessonError, argument_error, check_bool
from ..pki.names import check_dns_name

#: The most intermediates pyca/cryptography's verifier can be told to accept (its limit is a byte).
MAX_DEPTH = 255

__all__ = ["Verdict", "verify_certificate", "MAX_DEPTH", "CHAIN_CHECKS"]

#: The checks a verifier makes on each link of a chain (a certificate and its issuer), in its order
#: (the chain diagrams draw them on each link); each maps to what it checks. A check's result is True (passed),
#: False (failed, drawn red) or None (not checked, drawn grey). What it checks is English, marked with N_:
#: ``tr(CHAIN_CHECKS[name])`` shows it in the messages' language.
CHAIN_CHECKS = {
    "signature": N_("the certificate's signature verifies with the issuer's public key"),
    "issuer_name": N_("the certificate's issuer name is the issuer's subject name"),
    "key_id": N_("the certificate's authorityKeyIdentifier is the issuer's subjectKeyIdentifier"),
    "validity": N_("both certificates are within their validity period at the time of the check"),
    "ca_flag": N_("the issuer's basicConstraints says CA:TRUE"),
    "key_usage": N_("the issuer's keyUsage includes keyCertSign"),
    "eku": N_("the leaf's extendedKeyUsage allows the purpose (first link only)"),
}



@dataclass(frozen=True)
class Verdict:
    """The outcome of one verification.

    Attributes:
        valid: True when the verifier accepted the certificate.
        purpose: ``"server"`` or ``"client"``.
        peer_name: the host name or IP address checked (servers only).
        chain: leaf first, up to the trusted root (empty when invalid).
        reason: the verifier's message when invalid, else ``""``: pyca/cryptography's own
            words, without the object dump it appends ("(encountered processing <Certificate(...)>)").
        at: the instant of the check.
        processing: the subject (RFC 4514) of the certificate the verifier was processing when it
            refused, when its message says so; else None.
    """

    valid: bool
    purpose: str
    peer_name: Optional[str]
    chain: tuple[x509.Certificate, ...]
    reason: str
    at: dt.datetime
    processing: Optional[str] = None

    def __bool__(self) -> bool:
        return self.valid

    def __str__(self) -> str:
        server = self.purpose == "server"
        if self.valid:
            length = len(self.chain)
            return (_("valid for server {name} (chain of {length})").format(name=self.peer_name, length=length)
                    if server else _("valid for client (chain of {length})").format(length=length))
        # Translators: {reason} is pyca/cryptography's own message, in English: show it as a quote.
        return (_("invalid for server {name}: {reason}").format(name=self.peer_name, reason=self.reason) if server
                else _("invalid for client: {reason}").format(reason=self.reason))


_PROCESSING = re.compile(r" \(encountered processing <Certificate\(subject=<Name\((.*?)\)>, \.\.\.\)>\)$", re.S)


def _words(message: str) -> tuple[str, Optional[str]]:
    """pyca/cryptography's message without the repr it ends with, and the subject that repr names."""
    found = _PROCESSING.search(message)
    if found is None:
        return message.split(" (encountered processing <")[0], None
    return message[: found.start()], found.group(1)


def _subject(host: str) -> pyca.Subject:
    if not isinstance(host, str):
        raise argument_error("host", _("a DNS name or an IP address (a str)"), host)
    try:
        return x509.IPAddress(ipaddress.ip_address(host))  # type: ignore[return-value]
    except ValueError:
        pass
    return x509.DNSName(check_dns_name(host, allow_wildcard=False))  # type: ignore[return-value]


def _certificates(value, parameter: str) -> list:
    """Certificates from one certificate, a path / PEM / bytes (a bundle: each of its certificates), or a list of those."""
    if isinstance(value, (x509.Certificate, str, bytes, bytearray, memoryview, os.PathLike)):
        value = [value]
    elif value is None or not isinstance(value, Iterable):
        raise argument_error(parameter, "a list of certificates", value)
    found = []
    for item in value:
        if isinstance(item, x509.Certificate):
            found.append(item)
        elif isinstance(item, (str, bytes, bytearray, memoryview, os.PathLike)):
            found.extend(load_certificates(item, to_verify=True))
        else:
            raise PkiLessonError(
                _("Trusted roots and intermediates must be certificates, got {type}.").format(type=type(item).__name__),
                _("pass certificates (load_certificate / load_certificates)."),
            )
    return found


def verify_certificate(
    certificate: x509.Certificate,
    roots: Sequence[x509.Certificate],
    *,
    host: Optional[str] = None,
    client: bool = False,
    intermediates: Iterable[x509.Certificate] = (),
    max_depth: Optional[int] = None,
    now: Optional[dt.datetime] = None,
) -> Verdict:
    """Verify ``certificate`` against the trusted ``roots`` with pyca/cryptography.

    Give ``host`` (a DNS name or an IP address) to verify a server
    certificate, or ``client=True`` for a client certificate. Returns a
    :class:`Verdict`; an invalid certificate is a verdict, not an exception.
    Raises :class:`PkiLessonError` only for bad arguments.
    """
    check_bool(client, "client")
    if (host is None) == (not client):
        raise PkiLessonError(
            _("Say what the certificate is for: a server's (host=...) or a client's (client=True)."),
            _("pass host='localhost' for a server certificate, or client=True."),
        )
    if not isinstance(certificate, (x509.Certificate, str, bytes, bytearray, memoryview, os.PathLike)):
        raise PkiLessonError(
            _("Expected a certificate to verify, got {type}.").format(type=type(certificate).__name__),
            _("pass a certificate (load_certificate('server-cert.pem'))."),
        )
    certificate = as_certificate(certificate, "certificate", to_verify=True)
    roots, intermediates = _certificates(roots, "roots"), _certificates(intermediates, "intermediates")
    if not roots:
        raise PkiLessonError(_("No trusted CA certificate was given."), _("pass roots=[ca_certificate]."))
    if max_depth is not None:
        if isinstance(max_depth, bool) or not isinstance(max_depth, int):
            raise argument_error("max_depth", _("a whole number of intermediates (or None)"), max_depth)
        if not 0 <= max_depth <= MAX_DEPTH:
            raise PkiLessonError(
                _("max_depth={depth}: the number of intermediates must be between 0 and {most}.").format(
                    depth=max_depth, most=MAX_DEPTH),
                _("give 0 when the leaf's issuer is the root, 1 for one intermediate..."),
            )
    now = resolve_now(now)
    builder = pyca.PolicyBuilder().store(pyca.Store(roots)).time(now)
    if max_depth is not None:
        builder = builder.max_chain_depth(max_depth)
    try:
        if client:
            verifier = builder.build_client_verifier()
        else:
            verifier = builder.build_server_verifier(_subject(host))
    except ValueError as exc:
        raise PkiLessonError(_("Cannot set up the verifier: {error}.").format(error=exc),
                             _("check the arguments.")) from None
    purpose = "client" if client else "server"
    try:
        result = verifier.verify(certificate, intermediates)
    except pyca.VerificationError as exc:
        reason, processing = _words(str(exc))
        return Verdict(False, purpose, host, (), reason, now, processing)
    chain = tuple(result.chain if client else result)
    return Verdict(True, purpose, host, chain, "", now)
