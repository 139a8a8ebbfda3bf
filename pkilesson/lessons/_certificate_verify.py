"""CertificateVerify, in the open: the signature with which each side of a TLS 1.3 handshake proves it
holds its private key (RFC 8446 §4.4.3), redone step by step.

:func:`certificate_verify_content` is what is signed, :func:`sign_certificate_verify`
signs it, :func:`check_certificate_verify` is the other side's check. Lesson 05
uses them; :mod:`pkilesson.lessons.scenarios` re-exports them: import them from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from .._catalog import _
from ..errors import PkiLessonError, argument_error
from ..pki.keys import PrivateKey

__all__ = [
    "certificate_verify_content", "sign_certificate_verify", "CertificateVerifyCheck", "check_certificate_verify",
]

_CONTEXTS = {"client": b"TLS 1.3, client CertificateVerify", "server": b"TLS 1.3, server CertificateVerify"}


def _side(side) -> str:
    if not isinstance(side, str) or side not in _CONTEXTS:
        raise PkiLessonError(_("Unknown side {side!r}.").format(side=side), _("use 'client' or 'server'."))
    return side


def certificate_verify_content(transcript_hash: bytes, side: str = "client") -> bytes:
    """What a TLS 1.3 CertificateVerify signs (RFC 8446 §4.4.3).

    64 spaces, the context string ``TLS 1.3, client CertificateVerify`` (or
    server), a zero byte, then the hash of the handshake messages so far.
    """
    _side(side)
    if not isinstance(transcript_hash, bytes) or not transcript_hash:
        raise PkiLessonError(_("The transcript hash must be non-empty bytes."), _("pass hashlib.sha256(...).digest()."))
    return b"\x20" * 64 + _CONTEXTS[side] + b"\x00" + transcript_hash


def _scheme(key) -> tuple[str, Callable, Callable]:
    """The TLS 1.3 signature scheme for a key, and how to sign and verify with it."""
    public = key.public_key() if hasattr(key, "private_bytes") else key
    if isinstance(public, rsa.RSAPublicKey):  # TLS 1.3 signs with RSA only as RSASSA-PSS (RFC 8446 §4.4.3)
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        return ("rsa_pss_rsae_sha256", lambda k, m: k.sign(m, pss, hashes.SHA256()),
                lambda p, s, m: p.verify(s, m, pss, hashes.SHA256()))
    if isinstance(public, ec.EllipticCurvePublicKey):
        digest = {256: hashes.SHA256, 384: hashes.SHA384, 521: hashes.SHA512}[public.curve.key_size]
        name = f"ecdsa_{public.curve.name}_{digest.name}"
        return (name, lambda k, m: k.sign(m, ec.ECDSA(digest())), lambda p, s, m: p.verify(s, m, ec.ECDSA(digest())))
    if isinstance(public, ed25519.Ed25519PublicKey):
        return "ed25519", lambda k, m: k.sign(m), lambda p, s, m: p.verify(s, m)
    raise PkiLessonError(_("No TLS 1.3 signature scheme here for a {kind}.").format(kind=type(public).__name__),
                         _("use an RSA, EC P-256/P-384 or Ed25519 key."))


def sign_certificate_verify(key: PrivateKey, transcript_hash: bytes, side: str = "client") -> bytes:
    """The signature a CertificateVerify carries: ``key`` signs :func:`certificate_verify_content`."""
    from ..pki.keys import as_private_key

    key = as_private_key(key)
    _side(side)
    sign = _scheme(key)[1]
    return sign(key, certificate_verify_content(transcript_hash, side))


@dataclass(frozen=True)
class CertificateVerifyCheck:
    """The receiving side's check of a CertificateVerify: valid or not, and with what."""

    valid: bool
    scheme: str
    signed_bytes: int
    certificate: str

    def __bool__(self) -> bool:
        return self.valid

    def __str__(self) -> str:
        text = (_("{scheme} signature over {count} bytes VERIFIES with the public key of {certificate}") if self.valid
                else _("{scheme} signature over {count} bytes does NOT verify with the public key of {certificate}"))
        return text.format(scheme=self.scheme, count=self.signed_bytes, certificate=self.certificate)


def check_certificate_verify(certificate: x509.Certificate, signature: bytes, transcript_hash: bytes,
                             side: str = "client") -> CertificateVerifyCheck:
    """What the other side does with a CertificateVerify: check it with the *certificate's* public key."""
    from ..pki.certificates import as_certificate

    certificate = as_certificate(certificate)
    if not isinstance(signature, (bytes, bytearray)):
        raise argument_error("signature", _("bytes (the CertificateVerify's signature)"), signature)
    _side(side)
    public = certificate.public_key()
    scheme, _sign, verify = _scheme(public)
    content = certificate_verify_content(transcript_hash, side)
    try:
        verify(public, signature, content)
        valid = True
    except InvalidSignature:
        valid = False
    return CertificateVerifyCheck(valid, scheme, len(content), certificate.subject.rfc4514_string())

