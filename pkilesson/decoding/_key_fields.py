"""A private or public key's explained fields: a private key shows only its public half, never its secret."""

from __future__ import annotations

import datetime as dt
import json

from .._catalog import N_, _, tr
from .asn1 import der_tree
from ._model import Decoded, Field
from .meanings import FIELDS
from ._plain import _key_rows
from ._values import _colon_hex, key_facts
from ._warnings import PRIVATE_KEY_WARNING

_FORMATS = {
    "PrivateKeyInfo": N_("PKCS#8 (BEGIN PRIVATE KEY), as OpenSSL 3 writes it"),
    "RSAPrivateKey": N_("PKCS#1 (BEGIN RSA PRIVATE KEY), as OpenSSL 1.x wrote it"),
    "ECPrivateKey": N_("SEC 1 (BEGIN EC PRIVATE KEY)"),
}


def private_key(key, der: bytes, schema: str, encoding: str, now: dt.datetime) -> Decoded:
    tree = der_tree(der, schema, private=True)
    key_json, key_summary, public = key_facts(key.public_key())
    secret_path = "privateKey" if schema != "RSAPrivateKey" else "privateExponent"
    fields = [
        Field("key_type", _("Key type"), key_summary, tr(FIELDS["key_type"])),
        Field("key_format", _("Format"), tr(_FORMATS[schema]), tr(FIELDS["key_format"]), schema),
        Field("public_part", _("Public part"), public, tr(FIELDS["public_part"])),
        Field("spki_sha256", _("Fingerprint (SHA-256 of the public key's SPKI)"),
              _colon_hex(bytes.fromhex(key_json["sha256"])), tr(FIELDS["spki_sha256"])),
        Field("private_part", _("Private part"), _("(secret: not shown)"), tr(FIELDS["private_part"]), secret_path),
    ]
    data = {"type": "private key", "format": schema, "public_key": key_json, "warning": PRIVATE_KEY_WARNING}
    title = _("private key ({key})").format(key=key_summary)
    return Decoded("private key", title, encoding, tuple(fields), tree, None, (tr(PRIVATE_KEY_WARNING),), now,
                   json.dumps(data),
                   tuple(_key_rows(key_summary, key_json)))


def public_key(key, der: bytes, encoding: str, now: dt.datetime) -> Decoded:
    tree = der_tree(der, "SubjectPublicKeyInfo")
    key_json, key_summary, public = key_facts(key)
    fields = [
        Field("key_type", _("Key type"), key_summary, tr(FIELDS["key_type"]), "algorithm"),
        Field("public_part", _("Public key"), public, tr(FIELDS["public_part"]), "subjectPublicKey"),
        Field("spki_sha256", _("Fingerprint (SHA-256 of the SPKI)"), _colon_hex(bytes.fromhex(key_json["sha256"])),
              tr(FIELDS["spki_sha256"]), ""),
    ]
    data = {"type": "public key", "public_key": key_json}
    title = _("public key ({key})").format(key=key_summary)
    return Decoded("public key", title, encoding, tuple(fields), tree, None, (), now, json.dumps(data),
                   tuple(_key_rows(key_summary, key_json)))
