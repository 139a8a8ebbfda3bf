"""Reading and writing certificates, and the facts lessons ask of them."""

from __future__ import annotations

import os

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .._catalog import N_, _, tr
from ..errors import InvalidCertificateError, argument_error, check_bool
from .keys import PrivateKey, as_private_key, key_matches
from .pem import Data, as_bytes, read_pem_blocks, single_pem_block

__all__ = [
    "as_certificate",
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
            _("The certificate's bytes are not a valid X.509 certificate ({reason}).").format(reason=_reason(exc)),
            _("the file is damaged or is another kind of file; make or copy it again."),
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
    check_bool(to_verify, "to_verify")
    block = single_pem_block(data, N_("a certificate"), ("CERTIFICATE",), InvalidCertificateError)
    return _parse(block.der, whole=not to_verify)


def load_certificates(data: Data, *, to_verify: bool = False) -> list[x509.Certificate]:
    """Read every certificate of a PEM bundle (a chain file, a CA bundle); ``to_verify`` as in
    :func:`load_certificate`."""
    check_bool(to_verify, "to_verify")
    raw = as_bytes(data, N_("a certificate bundle"), InvalidCertificateError)
    blocks = [
        b
        for b in read_pem_blocks(raw, N_("a certificate bundle"), InvalidCertificateError)
        if b.label == "CERTIFICATE"
    ]
    if not blocks:
        return [load_certificate(raw, to_verify=to_verify)]
    return [_parse(b.der, whole=not to_verify) for b in blocks]


_READABLE = (str, bytes, bytearray, memoryview, os.PathLike)


def as_certificate(value, parameter: str = "certificate", *, to_verify: bool = False) -> x509.Certificate:
    """``value`` as a certificate: an ``x509.Certificate`` as it is, a path, PEM text or bytes read with
    :func:`load_certificate`; anything else is an :class:`~pkilesson.errors.ArgumentError` naming ``parameter``."""
    if isinstance(value, x509.Certificate):
        return value
    if isinstance(value, _READABLE):
        return load_certificate(value, to_verify=to_verify)
    raise argument_error(parameter, N_("a certificate (an x509.Certificate, a path, PEM text or bytes)"), value,
                         _("pass load_certificate('server-cert.pem') or the file's path as {parameter}=.").format(
                             parameter=parameter))


def certificate_to_pem(certificate: x509.Certificate) -> bytes:
    """The certificate as PEM (``BEGIN CERTIFICATE``)."""
    return as_certificate(certificate).public_bytes(serialization.Encoding.PEM)


def check_key_pair(key: PrivateKey, certificate: x509.Certificate, what: str = N_("certificate")) -> None:
    """Raise :class:`InvalidCertificateError` unless ``key`` is the private key of ``certificate``."""
    key, certificate = as_private_key(key), as_certificate(certificate)
    if not key_matches(key, certificate.public_key()):
        raise InvalidCertificateError(
            _("The private key does not belong to the {what}: their public keys differ.").format(what=tr(what)),
            _("give the key file that was made together with this certificate (e.g. server-key.pem with "
              "server-cert.pem)."),
        )


def is_self_issued(certificate: x509.Certificate) -> bool:
    """True when issuer and subject are the same name (a root, or the CN-clash trap)."""
    certificate = as_certificate(certificate)
    return certificate.issuer == certificate.subject
