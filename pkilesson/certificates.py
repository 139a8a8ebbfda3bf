"""Reading and writing certificates, and the facts lessons ask of them."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .errors import InvalidCertificateError
from .keys import PrivateKey, key_matches
from .pem import Data, as_bytes, read_pem_blocks, single_pem_block

__all__ = [
    "load_certificate",
    "load_certificates",
    "certificate_to_pem",
    "check_key_pair",
    "is_self_issued",
]


def _parse(der: bytes, whole: bool = True) -> x509.Certificate:
    try:
        cert = x509.load_der_x509_certificate(der)
        cert.subject, cert.issuer, cert.not_valid_before_utc, cert.not_valid_after_utc
        if whole:  # touch every field now, so a broken file fails here and not in a lesson
            cert.extensions, cert.public_key()
    except Exception as exc:  # any parser complaint means the bytes are not a certificate
        raise InvalidCertificateError(
            f"The certificate's bytes are not a valid X.509 certificate ({_reason(exc)}).",
            "the file is damaged or is another kind of file; make or copy it again.",
        ) from None
    return cert


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def load_certificate(data: Data, *, to_verify: bool = False) -> x509.Certificate:
    """Read one certificate from PEM (or DER) text, bytes or a Path.

    A file holding several certificates (a bundle or chain) is refused with a
    clear message; :func:`load_certificates` reads those. With ``to_verify``
    a certificate whose extensions or key cannot be read is still returned,
    for a verifier to judge (and refuse): only its outer structure, names and
    dates must parse.
    """
    block = single_pem_block(data, "a certificate", ("CERTIFICATE",), InvalidCertificateError)
    return _parse(block.der, whole=not to_verify)


def load_certificates(data: Data, *, to_verify: bool = False) -> list[x509.Certificate]:
    """Read every certificate of a PEM bundle (a chain file, a CA bundle); ``to_verify`` as in
    :func:`load_certificate`."""
    raw = as_bytes(data, "a certificate bundle", InvalidCertificateError)
    blocks = [
        b
        for b in read_pem_blocks(raw, "a certificate bundle", InvalidCertificateError)
        if b.label == "CERTIFICATE"
    ]
    if not blocks:
        return [load_certificate(raw, to_verify=to_verify)]
    return [_parse(b.der, whole=not to_verify) for b in blocks]


def certificate_to_pem(certificate: x509.Certificate) -> bytes:
    """The certificate as PEM (``BEGIN CERTIFICATE``)."""
    return certificate.public_bytes(serialization.Encoding.PEM)


def check_key_pair(key: PrivateKey, certificate: x509.Certificate, what: str = "certificate") -> None:
    """Raise :class:`InvalidCertificateError` unless ``key`` is the private key of ``certificate``."""
    if not key_matches(key, certificate.public_key()):
        raise InvalidCertificateError(
            f"The private key does not belong to the {what}: their public keys differ.",
            "give the key file that was made together with this certificate (e.g. "
            "server-key.pem with server-cert.pem).",
        )


def is_self_issued(certificate: x509.Certificate) -> bool:
    """True when issuer and subject are the same name (a root, or the CN-clash trap)."""
    return certificate.issuer == certificate.subject
