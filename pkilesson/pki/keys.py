"""Step 1, 2 and 3 all start here: a private key, and the public key inside it.

The source recipe makes RSA-2048 keys with ``openssl genrsa 2048``; we do the
same by default and also offer the other key types a modern PKI uses.
"""

from __future__ import annotations

import hashlib
import os
from typing import Optional, Union

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .._catalog import N_, _, tr
from ..errors import InvalidKeyError, argument_error
from .pem import Data, single_pem_block

__all__ = [
    "KEY_TYPES",
    "CA_KEY_TYPES",
    "DEFAULT_KEY_TYPE",
    "PrivateKey",
    "PublicKey",
    "generate_key",
    "key_type_of",
    "describe_key_type",
    "private_key_to_pem",
    "public_key_to_pem",
    "load_private_key",
    "signature_hash",
    "spki_sha256",
    "key_matches",
    "require_private_key",
    "as_private_key",
]

PrivateKey = Union[rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey]
PublicKey = Union[rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey]

#: The key types we make, by the short name the CLI and widgets use.
KEY_TYPES = ("rsa2048", "rsa3072", "rsa4096", "p256", "p384", "ed25519")
#: The key types a CA may sign with and still be accepted by every verifier
#: of the lessons. pyca/cryptography's verifier follows the CA/Browser
#: Forum's rules, which allow RSA and ECDSA signatures only: it refuses a
#: chain whose CA key is Ed25519 ("Forbidden public key algorithm"), though
#: OpenSSL accepts it. A *leaf* with an Ed25519 key, signed by an RSA or
#: ECDSA CA, passes.
CA_KEY_TYPES = ("rsa2048", "rsa3072", "rsa4096", "p256", "p384")
DEFAULT_KEY_TYPE = "rsa2048"

_LABELS = {
    "rsa2048": "RSA 2048 bits",
    "rsa3072": "RSA 3072 bits",
    "rsa4096": "RSA 4096 bits",
    "p256": "EC P-256 (secp256r1)",
    "p384": "EC P-384 (secp384r1)",
    "ed25519": "Ed25519",
}
_CURVES = {"p256": ec.SECP256R1, "p384": ec.SECP384R1}
_CURVE_TYPES = {"secp256r1": "p256", "secp384r1": "p384"}

_PRIVATE_LABELS = ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")


def _check_key_type(key_type: str) -> str:
    if not isinstance(key_type, str):
        raise argument_error("key_type", f"one of {', '.join(KEY_TYPES)}", key_type)
    name = key_type.lower().replace("-", "").replace("_", "")
    if name not in KEY_TYPES:
        raise InvalidKeyError(
            _("Unknown key type {key_type!r}.").format(key_type=key_type),
            _("use one of {names}.").format(names=", ".join(KEY_TYPES)),
        )
    return name


def generate_key(key_type: str = DEFAULT_KEY_TYPE) -> PrivateKey:
    """Make a new private key of ``key_type`` (one of :data:`KEY_TYPES`).

    Like ``openssl genrsa 2048`` for the default ``"rsa2048"``.
    """
    name = _check_key_type(key_type)
    if name.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(name[3:]))
    if name in _CURVES:
        return ec.generate_private_key(_CURVES[name]())
    return ed25519.Ed25519PrivateKey.generate()


def key_type_of(key: Union[PrivateKey, PublicKey]) -> str:
    """The short name of a key's type, as in :data:`KEY_TYPES`."""
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        name = f"rsa{key.key_size}"
    elif isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        name = _CURVE_TYPES.get(key.curve.name, key.curve.name)
    elif isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        name = "ed25519"
    elif not (hasattr(key, "public_bytes") or hasattr(key, "private_bytes")):
        raise argument_error("key", N_("a private or public key (generate_key(), load_private_key())"), key)
    else:
        name = type(key).__name__
    if name not in KEY_TYPES:
        raise InvalidKeyError(
            _("Keys of type {name} are not used in these lessons.").format(name=name),
            _("make a key of one of the types {types}.").format(types=", ".join(KEY_TYPES)),
        )
    return name


def require_private_key(key, what: str = "key") -> PrivateKey:
    """Return ``key`` if it is a private key of a type we use, else raise :class:`InvalidKeyError`."""
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)):
        if isinstance(key, (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey)):
            raise InvalidKeyError(
                _("The {what} is a public key; signing needs the private key.").format(what=tr(what)),
                _("pass the private key (generate_key() or load_private_key())."),
            )
        if not hasattr(key, "private_bytes"):
            raise InvalidKeyError(
                _("The {what} must be a private key, got {type}.").format(what=tr(what), type=type(key).__name__),
                _("pass a key from generate_key() or load_private_key()."),
            )
    key_type_of(key)
    return key


_KEY_OBJECTS = (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)
_PUBLIC_OBJECTS = (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey)


def as_private_key(value, parameter: str = "key") -> PrivateKey:
    """``value`` as a private key: a key object as it is, a path, PEM text or bytes read with
    :func:`load_private_key`; anything else is an :class:`~pkilesson.errors.ArgumentError` naming ``parameter``."""
    if isinstance(value, (str, bytes, bytearray, memoryview, os.PathLike)):
        return load_private_key(value)
    if isinstance(value, _PUBLIC_OBJECTS) or hasattr(value, "private_bytes"):
        return require_private_key(value, parameter)
    fix = _("pass generate_key(), load_private_key('server-key.pem') or the file's path as {parameter}=.")
    raise argument_error(parameter, N_("a private key (a key object, a path, PEM text or bytes)"), value,
                         fix.format(parameter=parameter))


def _as_key(value, parameter: str) -> Union[PrivateKey, PublicKey]:
    """A private or public key object; paths, PEM and bytes are read as a private key."""
    if isinstance(value, _KEY_OBJECTS + _PUBLIC_OBJECTS):
        return value
    return as_private_key(value, parameter)


def describe_key_type(key_type: str) -> str:
    """A readable label: ``"rsa2048"`` becomes ``"RSA 2048 bits"``."""
    return _LABELS[_check_key_type(key_type)]


def _passphrase_bytes(passphrase: Union[str, bytes, None]) -> Optional[bytes]:
    if passphrase is None:
        return None
    if not isinstance(passphrase, (str, bytes, bytearray)):
        raise argument_error("passphrase", N_("text or bytes (or None for an unprotected key)"), passphrase)
    value = passphrase.encode("utf-8") if isinstance(passphrase, str) else bytes(passphrase)
    if not value:
        raise InvalidKeyError(
            _("The passphrase is empty."),
            _("give a non-empty passphrase, or passphrase=None for an unprotected key."),
        )
    return value


def private_key_to_pem(key: PrivateKey, passphrase: Union[str, bytes, None] = None) -> bytes:
    """The key as PKCS#8 PEM (``BEGIN PRIVATE KEY``), as OpenSSL 3 writes it.

    With a ``passphrase`` the key is encrypted (``BEGIN ENCRYPTED PRIVATE KEY``).
    """
    key = as_private_key(key) if isinstance(key, (str, bytes, bytearray, os.PathLike)) else require_private_key(key)
    secret = _passphrase_bytes(passphrase)
    encryption = (
        serialization.BestAvailableEncryption(secret)
        if secret
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def public_key_to_pem(key: Union[PrivateKey, PublicKey]) -> bytes:
    """The public key as SubjectPublicKeyInfo PEM (``BEGIN PUBLIC KEY``)."""
    key = _as_key(key, "key")
    public = key.public_key() if hasattr(key, "private_bytes") else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private_key(data: Data, passphrase: Union[str, bytes, None] = None) -> PrivateKey:
    """Read a private key from PEM (or DER) text, bytes or a Path.

    Accepts PKCS#8 (OpenSSL 3's ``genrsa``) and the legacy PKCS#1 / SEC 1
    forms (OpenSSL 1.x). Raises :class:`InvalidKeyError` with a fix when the
    data is not a key, the passphrase is wrong or missing, or the key type is
    not one we use.
    """
    block = single_pem_block(data, N_("a private key"), _PRIVATE_LABELS, InvalidKeyError)
    secret = _passphrase_bytes(passphrase)
    encrypted = block.label == "ENCRYPTED PRIVATE KEY"
    if encrypted and secret is None:
        raise InvalidKeyError(
            _("This private key is protected by a passphrase."),
            _("pass passphrase='...' (the one used when the key was written)."),
        )
    try:
        key = serialization.load_der_private_key(block.der, password=secret if encrypted else None)
    except UnsupportedAlgorithm:
        raise InvalidKeyError(
            _("This private key uses an algorithm these lessons do not support."),
            _("make a key of one of the types {types}.").format(types=", ".join(KEY_TYPES)),
        ) from None
    except Exception:  # any parser complaint: a wrong passphrase or damaged bytes
        if encrypted:
            raise InvalidKeyError(
                _("Cannot decrypt the private key: the passphrase is wrong."),
                _("give the passphrase that was used when the key was written."),
            ) from None
        raise InvalidKeyError(
            _("The private key's bytes are not a valid key (damaged or cut file)."),
            _("make the key again or restore it from a copy."),
        ) from None
    key_type_of(key)  # refuses DSA, Ed448, X25519, other curves
    return key


def signature_hash(key: PrivateKey) -> Optional[hashes.HashAlgorithm]:
    """The hash a signature by ``key`` uses: SHA-256, SHA-384 for P-384, none for Ed25519."""
    if not isinstance(key, _KEY_OBJECTS):
        require_private_key(key)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return None
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.key_size >= 384:
        return hashes.SHA384()
    return hashes.SHA256()


def _spki_der(key: Union[PrivateKey, PublicKey], parameter: str = "key") -> bytes:
    key = _as_key(key, parameter)
    public = key.public_key() if hasattr(key, "private_bytes") else key
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def spki_sha256(key: Union[PrivateKey, PublicKey]) -> str:
    """SHA-256 of the SubjectPublicKeyInfo, in hex: a key's fingerprint.

    Safe to show for a private key: it is computed from the public part only.
    """
    return hashlib.sha256(_spki_der(key)).hexdigest()


def key_matches(private_key: PrivateKey, public_key: PublicKey) -> bool:
    """True when ``public_key`` is the public half of ``private_key``."""
    return _spki_der(private_key, "private_key") == _spki_der(public_key, "public_key")
