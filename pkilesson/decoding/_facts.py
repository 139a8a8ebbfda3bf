"""Facts the diagrams read from keys, requests and certificates, as short texts and checks.

Internal to :mod:`pkilesson.draw.diagrams`. Nothing here ever touches a private
key's secret part: a key is shown by its type and the fingerprint of its
*public* half.

A fact in words is a :class:`~pkilesson._catalog.Text` when it has words of ours: English as data
(``==``, ``--json``, the checks compared in code), in the messages' language where it is shown
(``str()``, an f-string, ``.format()``). X.509's own names and OpenSSL's values (``CA:TRUE``,
``keyUsage digitalSignature``, ``SAN DNS:...``, ``EKU serverAuth``) stay as the standard writes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .._catalog import N_, Text
from ..errors import PkiLessonError
from ..pki.keys import describe_key_type, key_type_of, spki_sha256
from ..pki.names import common_name, format_general_name, format_subj
from ..pki.profiles import KEY_USAGE_OPENSSL as _KEY_USAGE_NAMES
from ..pki.profiles import key_usage_of

EKU_NAMES = {
    x509.oid.ExtendedKeyUsageOID.SERVER_AUTH: "serverAuth",
    x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH: "clientAuth",
}
PURPOSE_EKU = {"server": x509.oid.ExtendedKeyUsageOID.SERVER_AUTH, "client": x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH}


def hex_bytes(data: bytes, keep: int = 8) -> str:
    """``AB:CD:...`` for the first ``keep`` bytes, with ``...`` when cut."""
    parts = [f"{b:02X}" for b in data]
    return ":".join(parts) if len(parts) <= keep else ":".join(parts[:keep]) + "..."


def fingerprint(key) -> str:
    """The start of the SHA-256 of a key's public half (SubjectPublicKeyInfo)."""
    return "SHA-256 " + hex_bytes(bytes.fromhex(spki_sha256(key)), 6)


def key_kind(key) -> str:
    try:
        return describe_key_type(key_type_of(key))
    except PkiLessonError:
        return type(key).__name__.lstrip("_")


def name(value: x509.Name) -> str:
    """``CN=...`` (or the whole name when it has no CN); ``(empty name)`` as a :class:`Text`."""
    cn = common_name(value)
    return f"CN={cn}" if cn else (format_subj(value) or Text(N_("(empty name)")))


def serial(certificate: x509.Certificate) -> str:
    number = certificate.serial_number
    raw = abs(number).to_bytes(max(1, (number.bit_length() + 7) // 8), "big")
    text = hex_bytes(raw, 6) if number >= 0 else Text(N_("-{serial} (negative: RFC 5280 wants it positive)"),
                                                      serial=hex_bytes(raw, 6))
    return Text(N_("{serial} ({bits} bits)"), serial=text, bits=number.bit_length()) if len(raw) > 6 else text


def validity(certificate: x509.Certificate) -> Text:
    return Text(N_("valid {start} to {end}"), start=f"{certificate.not_valid_before_utc:%Y-%m-%d}",
                end=f"{certificate.not_valid_after_utc:%Y-%m-%d}")


def _time(certificate: x509.Certificate, now: dt.datetime) -> Optional[tuple[bool, str, str]]:
    """(expired, the certificate's own date it is out of, the time of the check), or None when valid at ``now``."""
    if now < certificate.not_valid_before_utc:
        return False, f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M}", f"{now:%Y-%m-%d %H:%M}"
    if now > certificate.not_valid_after_utc:
        return True, f"{certificate.not_valid_after_utc:%Y-%m-%d %H:%M}", f"{now:%Y-%m-%d %H:%M}"
    return None


def time_problem(certificate: x509.Certificate, now: dt.datetime) -> Optional[Text]:
    """Why ``certificate`` is not valid at ``now``, or None when it is (RFC 5280: bounds included).

    The date said is the certificate's own (its notBefore or notAfter); the time of the check follows
    in parentheses: "expired on 2027-11-26 12:00Z (checked at 2027-12-31 12:00Z)".
    """
    out = _time(certificate, now)
    if out is None:
        return None
    expired, date, checked = out
    if expired:
        return Text(N_("expired on {end}Z (checked at {now}Z)"), end=date, now=checked)
    return Text(N_("not valid yet: starts on {start}Z (checked at {now}Z)"), start=date, now=checked)


def extension(certificate, cls):
    try:
        return certificate.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None


def is_ca(certificate: x509.Certificate) -> bool:
    basic = extension(certificate, x509.BasicConstraints)
    return bool(basic is not None and basic.ca)


def basic_constraints(certificate: x509.Certificate) -> str:
    basic = extension(certificate, x509.BasicConstraints)
    if basic is None:
        return Text(N_("no basicConstraints"))
    if basic.ca and basic.path_length is not None:
        return f"CA:TRUE, pathlen:{basic.path_length}"
    return "CA:TRUE" if basic.ca else "CA:FALSE"


def key_usage(certificate: x509.Certificate) -> str:
    bits = key_usage_of(certificate)
    if not bits and extension(certificate, x509.KeyUsage) is None:
        return Text(N_("no keyUsage"))
    return "keyUsage " + ", ".join(_KEY_USAGE_NAMES[b] for b in bits)


def eku(certificate: x509.Certificate) -> Optional[str]:
    value = extension(certificate, x509.ExtendedKeyUsage)
    if value is None:
        return None
    return "EKU " + ", ".join(EKU_NAMES.get(oid, oid.dotted_string) for oid in value)


def sans(certificate, keep: int = 3) -> Optional[str]:
    value = extension(certificate, x509.SubjectAlternativeName)
    if value is None:
        return None
    names = [format_general_name(n) for n in value]
    return "SAN " + ", ".join(names[:keep]) + (", ..." if len(names) > keep else "")


def key_id(certificate: x509.Certificate, which: str) -> Optional[bytes]:
    """The subjectKeyIdentifier (``"ski"``) or the authorityKeyIdentifier's keyIdentifier (``"aki"``)."""
    if which == "ski":
        value = extension(certificate, x509.SubjectKeyIdentifier)
        return value.digest if value is not None else None
    value = extension(certificate, x509.AuthorityKeyIdentifier)
    return value.key_identifier if value is not None else None


def signed_with(certificate: x509.Certificate, public_key) -> bool:
    """True when ``certificate``'s signature verifies with ``public_key``."""
    params = certificate.signature_algorithm_parameters
    data, signature = certificate.tbs_certificate_bytes, certificate.signature
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, params, certificate.signature_hash_algorithm)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, params)
        elif isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, data)
        else:
            return False
    except (InvalidSignature, TypeError, ValueError):
        return False
    return True


def csr_signed(csr: x509.CertificateSigningRequest) -> bool:
    """True when the CSR's signature verifies with the public key inside it (proof of possession)."""
    try:
        return bool(csr.is_signature_valid)
    except Exception:  # an unsupported or malformed key inside the CSR
        return False


def server_name(certificate: x509.Certificate) -> Optional[str]:
    """The first DNS name or IP address of a server certificate's SAN (else its CN)."""
    value = extension(certificate, x509.SubjectAlternativeName)
    for entry in value or ():
        if isinstance(entry, (x509.DNSName, x509.IPAddress)):
            return str(entry.value)
    return common_name(certificate.subject)


def certificate_lines(certificate: x509.Certificate, now: dt.datetime, *, ids: bool = False) -> list:
    """The facts shown on a certificate's node: (text, is_a_problem) pairs, a text English as data and
    in the messages' language when shown (a :class:`Text`, or a plain ``str`` with no words of ours)."""
    lines = [(Text(N_("subject {name}"), name=name(certificate.subject)), False)]
    if certificate.issuer == certificate.subject:
        lines.append((Text(N_("issuer: its own name (self-issued)")), False))
    else:
        lines.append((Text(N_("issuer {name}"), name=name(certificate.issuer)), False))
    lines.append((Text(N_("serial {serial}"), serial=serial(certificate)), False))
    lines.append((validity(certificate), False))
    problem = _time(certificate, now)
    if problem:  # in capitals: its colour (red) is never the only sign; the time of the check below it
        expired, date, checked = problem
        said = Text(N_("EXPIRED on {end}Z"), end=date) if expired else \
            Text(N_("NOT VALID YET: starts on {start}Z"), start=date)
        lines += [(said, True), (Text(N_("(checked at {now}Z)"), now=checked), True)]
    if certificate.version == x509.Version.v1:
        lines.append((Text(N_("X.509 version 1: no extensions")), False))
        return lines
    lines.append((basic_constraints(certificate), False))
    for fact in (sans(certificate), eku(certificate)):
        if fact:
            lines.append((fact, False))
    if ids:
        lines.append((key_usage(certificate), False))
        for label, which, absent in (("SKI", "ski", N_("no SKI")), ("AKI", "aki", N_("no AKI"))):
            value = key_id(certificate, which)
            lines.append((f"{label} {hex_bytes(value, 6)}" if value else Text(absent), False))
    return lines
