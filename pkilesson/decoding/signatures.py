"""The signature, opened: what was signed, its digest, and the check by hand.

A certificate, a CSR and a CRL end the same way: the signed part (the
"to-be-signed" bytes, TBS), the algorithm, and the signature. Checking it
takes the *issuer's* public key (for a CSR, the key inside it):

* RSA PKCS#1 v1.5: raising the signature s to the public exponent e modulo
  n gives back the padded block ``00 01 FF..FF 00 DigestInfo``, and the
  DigestInfo holds the digest of the TBS: a valid signature shows it;
* ECDSA: the signature is a pair (r, s); the verifier combines the digest,
  r, s and the public key into a point of the curve, and the signature is
  valid when that point's x coordinate, modulo the group order, equals r;
* Ed25519: the signature is R (32 bytes) and S (32 bytes); the verifier
  checks S·B = R + k·A, where k hashes R, the public key A and the whole
  TBS with SHA-512 (RFC 8032): there is no separate digest to show.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Optional, Union

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from .._catalog import N_, tr
from .asn1 import Asn1Tree, der_tree
from ..errors import DecodeError
from .meanings import oid_name, signature_meaning
from ..pki.names import format_subj

__all__ = ["RsaOpening", "SignatureCheck", "open_signature"]

Signed = Union[x509.Certificate, x509.CertificateSigningRequest, x509.CertificateRevocationList]


@dataclass(frozen=True)
class RsaOpening:
    """What s^e mod n gives back for an RSA PKCS#1 v1.5 signature (RFC 8017 §8.2.2, §9.2).

    Attributes:
        encoded: the block ``s^e mod n`` (EM), as many bytes as the modulus.
        padding_ok: True when EM is ``00 01``, at least eight ``FF``, then ``00``.
        padding_length: how many ``FF`` bytes fill the block.
        digest_info: the DER after the padding: the hash's OID and the digest.
        digest_info_tree: that DER named from RFC 8017's DigestInfo, if it parses.
        digest_algorithm: the hash named inside the DigestInfo (``sha256``).
        recovered_digest: the digest inside the DigestInfo.
    """

    encoded: bytes = field(repr=False)
    padding_ok: bool
    padding_length: int
    digest_info: bytes = field(repr=False)
    digest_info_tree: Optional[Asn1Tree] = field(repr=False)
    digest_algorithm: Optional[str]
    recovered_digest: Optional[bytes]


@dataclass(frozen=True)
class SignatureCheck:
    """A signature, opened step by step.

    Attributes:
        algorithm: the signature algorithm's name (``sha256WithRSAEncryption``).
        meaning: one sentence on that algorithm.
        signed_field: the name of the signed part (``tbsCertificate``).
        signed_bytes: the TBS bytes, exactly as they sit in the file.
        digest_algorithm: the hash applied to them (``sha256``), None for Ed25519.
        digest: the digest of ``signed_bytes`` (None for Ed25519).
        signature: the signature value's bytes.
        checked_with: whose public key checked it, in words ("" if none was given), in English (it is data:
            ``pkilesson inspect --json`` prints it); :attr:`said_with` gives it in the messages' language.
        valid: the verdict; None when no key was given.
        reason: why it is invalid or was not checked ("" when valid), in English; :attr:`said_reason` gives it
            in the messages' language.
        rsa: the RSA walkthrough (RSA PKCS#1 v1.5 signatures checked with an RSA key).
        ecdsa_r, ecdsa_s: the two numbers of an ECDSA signature.
    """

    algorithm: str
    meaning: str
    signed_field: str
    signed_bytes: bytes = field(repr=False)
    digest_algorithm: Optional[str]
    digest: Optional[bytes]
    signature: bytes = field(repr=False)
    checked_with: str
    valid: Optional[bool]
    reason: str = ""
    rsa: Optional[RsaOpening] = None
    ecdsa_r: Optional[int] = None
    ecdsa_s: Optional[int] = None
    #: ``checked_with`` and ``reason`` in the messages' language when the signature was opened.
    _said: tuple[str, str] = field(default=(), repr=False, compare=False)

    @property
    def said_with(self) -> str:
        """Whose public key checked the signature, in the messages' language (when it was opened)."""
        return self._said[0] if self._said else self.checked_with

    @property
    def said_reason(self) -> str:
        """Why the signature is invalid or was not checked, in the messages' language (when it was opened)."""
        return self._said[1] if self._said else self.reason

    def __str__(self) -> str:
        from ._views import signature_text

        return signature_text(self)

    def _repr_html_(self) -> str:
        from ._views import signature_html

        return signature_html(self)


def _signed_field(obj: Signed) -> str:
    if isinstance(obj, x509.Certificate):
        return "tbsCertificate"
    if isinstance(obj, x509.CertificateSigningRequest):
        return "certificationRequestInfo"
    return "tbsCertList"


def _tbs(obj: Signed) -> bytes:
    if isinstance(obj, x509.CertificateSigningRequest):
        return obj.tbs_certrequest_bytes
    if isinstance(obj, x509.CertificateRevocationList):
        return obj.tbs_certlist_bytes
    return obj.tbs_certificate_bytes


#: A message and its values: said in English (the data) and in the messages' language (:func:`_both`).
_Words = tuple[str, dict]
_NONE: _Words = ("", {})


def _both(words: _Words) -> tuple[str, str]:
    """(English, the messages' language) of a message marked with N_ and its values."""
    message, values = words
    if not message:
        return "", ""
    return message.format(**values), tr(message).format(**values)


def _public_key_of(signer) -> tuple[object, _Words]:
    if isinstance(signer, x509.Certificate):
        return signer.public_key(), (N_("the public key of {subject}"), {"subject": format_subj(signer.subject)})
    if hasattr(signer, "private_bytes"):
        return signer.public_key(), (N_("the public half of the given private key"), {})
    return signer, (N_("the given public key"), {})


def open_rsa(signature: bytes, public_key: rsa.RSAPublicKey) -> RsaOpening:
    """s^e mod n: the padded block a PKCS#1 v1.5 signature hides."""
    numbers = public_key.public_numbers()
    size = (public_key.key_size + 7) // 8
    value = int.from_bytes(signature, "big")
    encoded = pow(value, numbers.e, numbers.n).to_bytes(size, "big") if value < numbers.n else bytes(size)
    fill = 0
    while 2 + fill < size and encoded[2 + fill] == 0xFF:
        fill += 1
    separator = 2 + fill
    padding_ok = encoded[:2] == b"\x00\x01" and fill >= 8 and separator < size and encoded[separator] == 0
    digest_info = encoded[separator + 1 :] if padding_ok else b""
    tree = algorithm = digest = None
    if digest_info:
        try:
            tree = der_tree(digest_info, "DigestInfo")
            oid_node, digest_node = tree.find("digestAlgorithm.algorithm"), tree.find("digest")
            algorithm = oid_name(oid_node.value.split(" ", 1)[0])
            digest = bytes.fromhex(tree.content_hex(digest_node) or "")
        except DecodeError:
            tree = algorithm = digest = None
    return RsaOpening(encoded, padding_ok, fill, digest_info, tree, algorithm, digest)


def open_signature(obj: Signed, signer=None, *, self_signed_ok: bool = True) -> SignatureCheck:
    """Open the signature of a certificate, CSR or CRL and check it with ``signer``.

    ``signer`` is the issuer's certificate, public key or private key (only
    its public half is used). Without one, a CSR is checked with its own key
    (its proof of possession) and a self-issued certificate with its own
    key; otherwise the check is left undone (``valid`` is None).
    """
    signed_field = _signed_field(obj)
    tbs, signature = _tbs(obj), obj.signature
    oid = obj.signature_algorithm_oid.dotted_string
    name = oid_name(oid)
    try:
        hash_algorithm = obj.signature_hash_algorithm
    except UnsupportedAlgorithm:
        hash_algorithm = None
    digest = None
    if hash_algorithm is not None and hasattr(hashlib, hash_algorithm.name):
        digest = hashlib.new(hash_algorithm.name, tbs).digest()
    checked_with, public_key = _NONE, None
    if signer is not None:
        public_key, checked_with = _public_key_of(signer)
    elif isinstance(obj, x509.CertificateSigningRequest):
        public_key = obj.public_key()
        checked_with = (N_("the public key inside the request (proof of possession)"), {})
    elif isinstance(obj, x509.Certificate) and obj.issuer == obj.subject and self_signed_ok:
        public_key, checked_with = obj.public_key(), (N_("its own public key (it names itself as its issuer)"), {})
    valid, reason = _verify(obj, tbs, signature, hash_algorithm, public_key)
    (with_en, with_said), (reason_en, reason_said) = _both(checked_with), _both(reason)
    opened = SignatureCheck(
        name, signature_meaning(name), signed_field, tbs, hash_algorithm.name if hash_algorithm else None,
        digest, signature, with_en, valid, reason_en, _said=(with_said, reason_said),
    )
    if isinstance(public_key, rsa.RSAPublicKey) and "rsaencryption" in name.lower():
        opened = _replace(opened, rsa=open_rsa(signature, public_key))
    elif name.lower().startswith("ecdsa"):
        try:
            r, s = decode_dss_signature(signature)
            opened = _replace(opened, ecdsa_r=r, ecdsa_s=s)
        except ValueError:
            pass
    return opened


def _replace(check: SignatureCheck, **changes) -> SignatureCheck:
    from dataclasses import replace

    return replace(check, **changes)


def _verify(obj: Signed, tbs: bytes, signature: bytes, hash_algorithm, public_key) -> tuple[Optional[bool], _Words]:
    if public_key is None:
        return None, (N_("not checked: give the issuer's certificate (issuer=... or --issuer FILE)"), {})
    try:
        parameters = obj.signature_algorithm_parameters
        if isinstance(public_key, rsa.RSAPublicKey) and isinstance(parameters, (padding.PKCS1v15, padding.PSS)):
            public_key.verify(signature, tbs, parameters, hash_algorithm)
        elif isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(parameters, ec.ECDSA):
            public_key.verify(signature, tbs, parameters)
        elif isinstance(public_key, ed25519.Ed25519PublicKey) and parameters is None and hash_algorithm is None:
            public_key.verify(signature, tbs)
        else:
            return False, (N_("the key's type does not fit the signature algorithm: it is not the signer's key"), {})
    except InvalidSignature:
        return False, (N_("the signature does not match: another key signed it, or the bytes were changed"), {})
    except (UnsupportedAlgorithm, ValueError, TypeError) as exc:
        return False, (N_("the signature cannot be checked ({error})"), {"error": type(exc).__name__})
    return True, _NONE
