"""A certificate made again with one thing changed, and the list of what differs between two.

The break-it lab builds each defect from the correct chain by changing one
field (:func:`rebuild`, :func:`as_version1`), so a verifier's refusal can be
blamed on that field alone; :func:`differences` names every field in which
two certificates differ, so a test can hold each defect to its word.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from ..decoding import _der
from ..pki.keys import PrivateKey, signature_hash

__all__ = ["rebuild", "as_version1", "differences"]


def rebuild(
    certificate: x509.Certificate,
    signer: PrivateKey,
    *,
    subject: Optional[x509.Name] = None,
    issuer: Optional[x509.Name] = None,
    serial: Optional[int] = None,
    not_before: Optional[dt.datetime] = None,
    not_after: Optional[dt.datetime] = None,
    drop: Iterable[type] = (),
    put: Iterable[tuple[x509.ExtensionType, bool]] = (),
) -> x509.Certificate:
    """``certificate`` signed again by ``signer``, with only the fields given changed.

    ``drop`` removes extensions by class; ``put`` replaces an extension of the
    same class in its place (or appends it), with its criticality.
    """
    drop, put = tuple(drop), {type(value): (value, critical) for value, critical in put}
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject or certificate.subject)
        .issuer_name(issuer or certificate.issuer)
        .public_key(certificate.public_key())
        .serial_number(certificate.serial_number if serial is None else serial)
        .not_valid_before(not_before or certificate.not_valid_before_utc)
        .not_valid_after(not_after or certificate.not_valid_after_utc)
    )
    for extension in certificate.extensions:
        kind = type(extension.value)
        if kind in drop:
            continue
        value, critical = put.pop(kind, (extension.value, extension.critical))
        builder = builder.add_extension(value, critical=critical)
    for value, critical in put.values():
        builder = builder.add_extension(value, critical=critical)
    return builder.sign(signer, signature_hash(signer))


def _tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def _sign(signer: PrivateKey, data: bytes) -> bytes:
    if isinstance(signer, ec.EllipticCurvePrivateKey):
        return signer.sign(data, ec.ECDSA(signature_hash(signer)))
    if isinstance(signer, rsa.RSAPrivateKey):
        return signer.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(signer, ed25519.Ed25519PrivateKey):
        return signer.sign(data)
    raise TypeError(f"cannot sign with a {type(signer).__name__}")


def as_version1(certificate: x509.Certificate, signer: PrivateKey) -> x509.Certificate:
    """``certificate`` as ``openssl x509 -req`` without extensions makes it before OpenSSL 3.2.

    The same serial, names, dates and key, with no version field (so version
    1, its DER default) and no extensions (version 1 cannot carry them),
    signed again by ``signer`` with the same algorithm. pyca/cryptography's
    builder only makes version 3, so the TBSCertificate is cut from the DER.
    """
    der = certificate.public_bytes(serialization.Encoding.DER)
    outer = _der.parse(der, 0, len(der), 0)
    tbs, algorithm = outer.children[0], outer.children[1]
    kept = [
        der[child.offset: child.offset + child.hl + child.length]
        for child in tbs.children
        if not (child.cls == 0x80 and child.num in (0, 3))  # [0] version, [3] extensions
    ]
    new_tbs = _tlv(0x30, b"".join(kept))
    signature = _sign(signer, new_tbs)
    algorithm_der = der[algorithm.offset: algorithm.offset + algorithm.hl + algorithm.length]
    return x509.load_der_x509_certificate(_tlv(0x30, new_tbs + algorithm_der + _tlv(0x03, b"\x00" + signature)))


def _extension_name(oid: x509.ObjectIdentifier) -> str:
    name = getattr(oid, "_name", "")
    return name if name and name != "Unknown OID" else oid.dotted_string


def differences(a: x509.Certificate, b: x509.Certificate) -> tuple[str, ...]:
    """The fields of the two certificates that differ, by their RFC 5280 names.

    The extensions are compared one by one (``extensions.subjectAltName``:
    present in one only, another value or another criticality). The
    signature value is listed only when the signed parts are identical: a
    new signature over different bytes is a consequence, not a difference.
    """
    found = []
    pairs = (
        ("version", a.version, b.version),
        ("serialNumber", a.serial_number, b.serial_number),
        ("signature", a.signature_algorithm_oid, b.signature_algorithm_oid),
        ("issuer", a.issuer, b.issuer),
        ("validity", (a.not_valid_before_utc, a.not_valid_after_utc), (b.not_valid_before_utc, b.not_valid_after_utc)),
        ("subject", a.subject, b.subject),
        ("subjectPublicKeyInfo", _spki(a), _spki(b)),
    )
    found += [name for name, left, right in pairs if left != right]
    left = {e.oid: e for e in a.extensions}
    right = {e.oid: e for e in b.extensions}
    for oid in list(left) + [o for o in right if o not in left]:
        one, two = left.get(oid), right.get(oid)
        if one is None or two is None or one.critical != two.critical or one.value != two.value:
            found.append(f"extensions.{_extension_name(oid)}")
    if a.tbs_certificate_bytes == b.tbs_certificate_bytes and a.signature != b.signature:
        found.append("signatureValue")
    return tuple(found)


def _spki(certificate: x509.Certificate) -> bytes:
    return certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
