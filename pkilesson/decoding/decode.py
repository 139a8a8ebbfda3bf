"""Decode and explain an artifact: first what a learner needs, then every field, its meaning, its bytes, its signature.

>>> import datetime as dt
>>> from pkilesson import make_artifacts, Settings, decode
>>> now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
>>> lab = make_artifacts(Settings(key_type="p256"), now=now)
>>> view = decode(lab.server_certificate, now=now, issuer=lab.ca.certificate)
>>> view.field("validity").value
'valid for 365 more days'
>>> view.asn1.find("tbsCertificate.validity.notAfter").value
'2027-01-01 00:00:00Z'
>>> view.signature.valid
True
>>> [row.label for row in view.summary][:4]
['For whom', 'Names it is valid for', 'Signed by', 'Valid from']

:func:`decode` takes a file's contents (PEM or DER, bytes, text or a
Path) or a pyca/cryptography object, and detects the kind: certificate, CSR,
CRL, private key or public key. A private key is never shown: only its
public half, its fingerprint and a warning.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Optional

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.hazmat.primitives import serialization

from .._catalog import N_, _, speaking, tr
from ..pki._time import resolve_now
from .asn1 import der_tree
from ..pki.certificates import load_certificate
from ..errors import DecodeError, PkiLessonError
from ..pki.pem import PemBlock, as_bytes, read_pem_blocks
from ._warnings import PRIVATE_KEY_WARNING, file_mode_warning
from . import _fields
from ._model import Decoded, Field, kind_shown

__all__ = ["Field", "Decoded", "decode", "decode_all", "KINDS"]

#: The kinds of artifact :func:`decode` explains.
KINDS = ("certificate", "csr", "crl", "private key", "public key")

_LABELS = {
    "CERTIFICATE": "certificate",
    "CERTIFICATE REQUEST": "csr",
    "NEW CERTIFICATE REQUEST": "csr",
    "X509 CRL": "crl",
    "PRIVATE KEY": "private key",
    "RSA PRIVATE KEY": "private key",
    "EC PRIVATE KEY": "private key",
    "PUBLIC KEY": "public key",
}
#: Each kind as the error on damaged bytes names it ("The bytes are not a valid ...").
_WHAT = {"certificate": N_("certificate"), "csr": N_("certificate signing request (CSR)"), "crl": N_("CRL"),
         "private key": N_("private key"), "public key": N_("public key")}
#: Exceptions pyca/cryptography raises on bytes it cannot parse.
_PARSE_ERRORS = (
    ValueError, TypeError, UnsupportedAlgorithm, UnicodeError, OverflowError,
    x509.InvalidVersion, x509.DuplicateExtension, x509.UnsupportedGeneralNameType,
)


# -- detection ------------------------------------------------------------------------


def decode_all(data, *, now: Optional[dt.datetime] = None, issuer=None) -> tuple[Decoded, ...]:
    """Decode every artifact in ``data``: one for a single file, several for a PEM bundle."""
    now = resolve_now(now, DecodeError)
    issuer = _issuer(issuer)
    direct = _from_object(data, now, issuer)
    if direct is not None:
        return (direct,)
    raw = as_bytes(data, "the file", DecodeError)
    if not raw.strip():
        raise DecodeError(_("The file is empty."), _("give a PEM or DER file made by the workflow, e.g. server-cert.pem."))
    blocks = read_pem_blocks(raw, "the file", DecodeError)
    if not blocks:
        if raw[:1] != b"\x30":
            raise DecodeError(
                _("The file is neither PEM (no '-----BEGIN' line) nor DER (it does not start with a SEQUENCE)."),
                _("give a .pem file starting with '-----BEGIN', or a DER file."),
            )
        items = (_decode_der(raw, None, "DER", now, issuer),)
    else:
        items = tuple(_decode_der(b.der, b, "PEM", now, issuer) for b in blocks)
    path = _file_path(data)
    return tuple(_with_file_mode(item, path) for item in items) if path is not None else items


def _file_path(data) -> Optional[Path]:
    """The file ``data`` names (a Path, or a one-line string naming a file, as :func:`as_bytes` reads it)."""
    if isinstance(data, Path):
        return data
    if isinstance(data, str) and "-----BEGIN" not in data and "\n" not in data and len(data) < 4096 and data.strip():
        return Path(data) if Path(data).is_file() else None
    return None


def _with_file_mode(item: Decoded, path: Path) -> Decoded:
    """A private key read from a file: its actual mode, and a warning when its group or others can read it."""
    if item.kind != "private key" or os.name != "posix":
        return item
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return item
    warning = file_mode_warning(path, mode)
    with speaking("en"):  # the JSON's words never change with the language
        warning_en = file_mode_warning(path, mode)
    readable = bool(mode & 0o044)
    who = _("group or others can read it") if readable else _("only its owner can read it")
    field_ = Field("file_mode", _("File mode"), f"{mode:04o} ({who})",
                   _("The file's permission bits: a private key must be readable by its owner only (0600)."))
    data = json.loads(item._json)
    data["warning"] = warning_en
    data["file"] = {"path": str(path), "mode": f"{mode:04o}", "group_or_others_can_read": readable}
    warnings_ = tuple(warning if w in (PRIVATE_KEY_WARNING, tr(PRIVATE_KEY_WARNING)) else w for w in item.warnings)
    readers = _("others can read it, not only its owner") if readable else _("only its owner can read it")
    row = Field("file_mode", _("File mode"), _("{mode}: {readers}").format(mode=f"{mode:04o}", readers=readers),
                _("Who may read the file: a private key must be readable by its owner only."))
    return replace(item, fields=item.fields + (field_,), warnings=warnings_, _json=json.dumps(data),
                   summary=item.summary + (row,))


def decode(data, *, now: Optional[dt.datetime] = None, issuer=None) -> Decoded:
    """Decode one artifact: a certificate, CSR, CRL, private key or public key.

    ``data`` is PEM or DER (bytes, text or a Path) or a pyca/cryptography
    object. ``now`` dates the validity ("valid for N more days"); ``issuer``
    (a certificate, a key or a certificate file) checks the signature. A
    file holding several PEM blocks raises :class:`DecodeError`: use
    :func:`decode_all` for bundles.
    """
    items = decode_all(data, now=now, issuer=issuer)
    if len(items) > 1:
        kinds = ", ".join(kind_shown(item.kind) for item in items)
        raise DecodeError(
            _("The file is a bundle of {count} PEM blocks ({kinds}).").format(count=len(items), kinds=kinds),
            _("use decode_all() (or 'pkilesson inspect', which decodes each), or split the file."),
        )
    return items[0]


def _issuer(issuer):
    if issuer is None or not isinstance(issuer, (bytes, str)) and not hasattr(issuer, "read_bytes"):
        return issuer
    return load_certificate(issuer)


def _from_object(data, now, issuer) -> Optional[Decoded]:
    if isinstance(data, Decoded):
        return data
    if isinstance(data, x509.Certificate):
        return _fields.certificate(data, data.public_bytes(serialization.Encoding.DER), "object", now, issuer)
    if isinstance(data, x509.CertificateSigningRequest):
        return _fields.csr(data, data.public_bytes(serialization.Encoding.DER), "object", now)
    if isinstance(data, x509.CertificateRevocationList):
        return _fields.crl(data, data.public_bytes(serialization.Encoding.DER), "object", now, issuer)
    if hasattr(data, "private_bytes") and hasattr(data, "public_key"):
        der = data.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        return _fields.private_key(data, der, "PrivateKeyInfo", "object", now)
    if hasattr(data, "public_bytes") and hasattr(data, "verify"):
        der = data.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return _fields.public_key(data, der, "object", now)
    return None


def _kind_of_der(der: bytes) -> Optional[str]:
    """Guess the kind of bare DER from the shape of its tree."""
    try:
        root = der_tree(der).root
    except DecodeError:
        raise
    tags = [c.tag for c in root.children]
    if tags == ["SEQUENCE", "SEQUENCE", "BIT STRING"]:
        inner = [c.tag for c in root.children[0].children]
        if "UTCTime" in inner or "GeneralizedTime" in inner:
            return "crl"
        if inner[:1] == ["INTEGER"] and inner[-1:] == ["[0]"] and len(inner) == 4:
            return "csr"
        return "certificate"
    if tags == ["SEQUENCE", "BIT STRING"]:
        return "public key"
    if tags[:1] == ["INTEGER"]:
        return "private key"
    return None


def _decode_der(der: bytes, block: Optional[PemBlock], encoding: str, now, issuer) -> Decoded:
    if block is not None:
        if block.label == "ENCRYPTED PRIVATE KEY":
            raise DecodeError(
                _("The private key is encrypted with a passphrase, so its contents cannot be shown."),
                _("decrypt a copy with 'openssl pkey -in FILE -out plain.pem' and decode that (keep it mode 0600)."),
            )
        kind = _LABELS.get(block.label)
        if kind is None:
            raise DecodeError(
                _("The file holds {what}, which pkilesson does not decode.").format(what=block.meaning),
                _("give a certificate, CSR, CRL, private key or public key in PEM or DER."),
            )
    else:
        kind = _kind_of_der(der)
        if kind is None:
            raise DecodeError(
                _("The DER is not a certificate, CSR, CRL, private key or public key."),
                _("check that you opened the right file."),
            )
    what = tr(_WHAT[kind])
    try:
        with warnings.catch_warnings():  # a non-positive serial: reported in the view's warnings instead
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            return _decode_kind(kind, der, block, encoding, now, issuer)
    except PkiLessonError:
        raise
    except _PARSE_ERRORS:
        label = _(" (its PEM label says {label})").format(label=block.label) if block is not None else ""
        raise DecodeError(
            _("The bytes are not a valid {what}{label}: they are damaged or of another kind.").format(what=what, label=label),
            _("make or copy the file again, and check that you opened the right file."),
        ) from None


def _decode_kind(kind: str, der: bytes, block: Optional[PemBlock], encoding: str, now, issuer) -> Decoded:
    if kind == "certificate":
        return _fields.certificate(x509.load_der_x509_certificate(der), der, encoding, now, issuer)
    if kind == "csr":
        return _fields.csr(x509.load_der_x509_csr(der), der, encoding, now)
    if kind == "crl":
        return _fields.crl(x509.load_der_x509_crl(der), der, encoding, now, issuer)
    if kind == "public key":
        return _fields.public_key(serialization.load_der_public_key(der), der, encoding, now)
    key = serialization.load_der_private_key(der, password=None)
    return _fields.private_key(key, der, _private_schema(der, block), encoding, now)


def _private_schema(der: bytes, block: Optional[PemBlock]) -> str:
    if block is not None and block.label == "RSA PRIVATE KEY":
        return "RSAPrivateKey"
    if block is not None and block.label == "EC PRIVATE KEY":
        return "ECPrivateKey"
    tags = [c.tag for c in der_tree(der, private=True).root.children]
    if tags[1:2] == ["SEQUENCE"]:
        return "PrivateKeyInfo"
    return "ECPrivateKey" if tags[1:2] == ["OCTET STRING"] else "RSAPrivateKey"
