"""A private or public key's explained fields: a private key shows only its public half, never its secret."""

from __future__ import annotations

import datetime as dt
import json

from .asn1 import der_tree
from ._model import Decoded, Field
from .meanings import FIELDS
from ._plain import _key_rows
from ._values import _colon_hex, key_facts
from ._warnings import PRIVATE_KEY_WARNING

_FORMATS = {
    "PrivateKeyInfo": "PKCS#8 (BEGIN PRIVATE KEY), as OpenSSL 3 writes it",
    "RSAPrivateKey": "PKCS#1 (BEGIN RSA PRIVATE KEY), as OpenSSL 1.x wrote it",
    "ECPrivateKey": "SEC 1 (BEGIN EC PRIVATE KEY)",
}


def private_key(key, der: bytes, schema: str, encoding: str, now: dt.datetime) -> Decoded:
    tree = der_tree(der, schema, private=True)
    key_json, key_summary, public = key_facts(key.public_key())
    secret_path = "privateKey" if schema != "RSAPrivateKey" else "privateExponent"
    fields = [
        Field("key_type", "Key type", key_summary, FIELDS["key_type"]),
        Field("key_format", "Format", _FORMATS[schema], FIELDS["key_format"], schema),
        Field("public_part", "Public part", public, FIELDS["public_part"]),
        Field("spki_sha256", "Fingerprint (SHA-256 of the public key's SPKI)", _colon_hex(bytes.fromhex(key_json["sha256"])),
              FIELDS["spki_sha256"]),
        Field("private_part", "Private part", "(secret: not shown)", FIELDS["private_part"], secret_path),
    ]
    data = {"type": "private key", "format": schema, "public_key": key_json, "warning": PRIVATE_KEY_WARNING}
    title = f"private key ({key_summary})"
    return Decoded("private key", title, encoding, tuple(fields), tree, None, (PRIVATE_KEY_WARNING,), now, json.dumps(data),
                   tuple(_key_rows(key_summary, key_json)))


def public_key(key, der: bytes, encoding: str, now: dt.datetime) -> Decoded:
    tree = der_tree(der, "SubjectPublicKeyInfo")
    key_json, key_summary, public = key_facts(key)
    fields = [
        Field("key_type", "Key type", key_summary, FIELDS["key_type"], "algorithm"),
        Field("public_part", "Public key", public, FIELDS["public_part"], "subjectPublicKey"),
        Field("spki_sha256", "Fingerprint (SHA-256 of the SPKI)", _colon_hex(bytes.fromhex(key_json["sha256"])),
              FIELDS["spki_sha256"], ""),
    ]
    data = {"type": "public key", "public_key": key_json}
    return Decoded("public key", f"public key ({key_summary})", encoding, tuple(fields), tree, None, (), now, json.dumps(data),
                   tuple(_key_rows(key_summary, key_json)))
