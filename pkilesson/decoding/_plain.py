"""The learner's rows (:attr:`Decoded.summary`) shared by every kind: plain words, no field names.

What a newcomer needs first (for whom, valid from and until, what it may be used
for, its key, who signed it), with no field names from the RFCs; each kind's
module adds its own rows.
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ._model import Field
from ._values import _colon_hex, general_name
from .meanings import oid_name
from ..pki.names import common_name

_PLAIN_ATTRIBUTE = {  # in the order a learner reads them, after the common name
    NameOID.ORGANIZATION_NAME: "organisation", NameOID.ORGANIZATIONAL_UNIT_NAME: "unit",
    NameOID.LOCALITY_NAME: "town", NameOID.STATE_OR_PROVINCE_NAME: "region", NameOID.COUNTRY_NAME: "country",
    NameOID.EMAIL_ADDRESS: "e-mail",
}
_PLAIN_USAGE = (
    ("digital_signature", "sign"), ("key_encipherment", "encrypt keys"), ("key_agreement", "agree on keys"),
    ("data_encipherment", "encrypt data"), ("content_commitment", "sign for non-repudiation"),
    ("key_cert_sign", "sign certificates"), ("crl_sign", "sign revocation lists"),
)
_PLAIN_PURPOSE = {
    ExtendedKeyUsageOID.SERVER_AUTH: "a TLS server", ExtendedKeyUsageOID.CLIENT_AUTH: "a TLS client",
    ExtendedKeyUsageOID.CODE_SIGNING: "signing code", ExtendedKeyUsageOID.EMAIL_PROTECTION: "e-mail",
    ExtendedKeyUsageOID.TIME_STAMPING: "time stamps", ExtendedKeyUsageOID.OCSP_SIGNING: "revocation answers (OCSP)",
}


def plain_name(name: x509.Name) -> str:
    """A name as a learner reads it: ``localhost (organisation pkilesson, country FR)``."""
    cns = [str(a.value) for a in name.get_attributes_for_oid(NameOID.COMMON_NAME)]
    order = list(_PLAIN_ATTRIBUTE)
    others = sorted((a for a in name if a.oid != NameOID.COMMON_NAME),
                    key=lambda a: order.index(a.oid) if a.oid in order else len(order))
    rest = [f"{_PLAIN_ATTRIBUTE.get(a.oid, oid_name(a.oid.dotted_string))} "
            f"{a.value.hex() if isinstance(a.value, bytes) else a.value}" for a in others]
    if not cns and not rest:
        return "nobody named (the name is empty)"
    if cns and rest:
        return f"{', '.join(cns)} ({', '.join(rest)})"
    return ", ".join(cns or rest)


def _plain_instant(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _in_days(delta: dt.timedelta) -> str:
    return f"{delta.days} day{'s' if delta.days != 1 else ''}" if delta.days else "less than a day"


def _valid_rows(not_before: dt.datetime, not_after: dt.datetime, now: dt.datetime) -> list[Field]:
    start = _plain_instant(not_before) + (f" (not valid yet: starts in {_in_days(not_before - now)})"
                                          if now < not_before else "")
    if now > not_after:
        end = f"{_plain_instant(not_after)} (expired {_in_days(now - not_after)} ago)"
    else:
        end = f"{_plain_instant(not_after)} (expires in {_in_days(not_after - now)})"
    return [Field("valid_from", "Valid from", start, "Before this instant, checkers refuse it."),
            Field("valid_until", "Valid until", end, "After this instant, checkers refuse it.")]


def _extension(extensions, kind):
    try:
        return extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _names(extensions) -> list[str]:
    san = _extension(extensions, x509.SubjectAlternativeName)
    return [general_name(n).replace("IP Address:", "").replace("DNS:", "") for n in san] if san is not None else []


def plain_purpose(extensions) -> str:
    """What a certificate (or a request) may be used for, in plain words, from basicConstraints,
    keyUsage and extendedKeyUsage."""
    constraints = _extension(extensions, x509.BasicConstraints)
    usage = _extension(extensions, x509.KeyUsage)
    purposes = _extension(extensions, x509.ExtendedKeyUsage)
    may = []
    for arg, words in _PLAIN_USAGE:
        try:
            if usage is not None and getattr(usage, arg):
                may.append(words)
        except ValueError:
            pass
    if constraints is not None and constraints.ca:
        if usage is None:
            text = "a CA, but with no list of what its key may do: strict checkers refuse what it signs"
        elif usage.key_cert_sign:
            text = "a CA: it may sign certificates" + (" and revocation lists" if usage.crl_sign else "")
        else:
            text = "a CA whose key may not sign certificates (its key may: " + (", ".join(may) or "nothing") + ")"
        if constraints.path_length == 0:
            text += "; no CA below it"
        elif constraints.path_length is not None:
            text += f"; at most {constraints.path_length} CA{'s' if constraints.path_length > 1 else ''} below it"
        return text
    if purposes is None:
        roles = "any purpose (none listed)"
    else:
        roles = " and ".join(_PLAIN_PURPOSE.get(oid, oid_name(oid.dotted_string)) for oid in purposes) or "nothing"
    text = f"{roles}; not a CA"
    if may:
        text += f"; its key may {', '.join(may[:-1]) + ' and ' if len(may) > 1 else ''}{may[-1]}"
    return text


def _key_rows(key_summary: str, key_json: dict) -> list[Field]:
    return [
        Field("key", "Key", key_summary, "The kind of key and its size."),
        Field("key_fingerprint", "Key fingerprint (SHA-256)", _colon_hex(bytes.fromhex(key_json["sha256"])),
              "A short name for the public key: the same in the key file, the request and the certificate."),
    ]


def _signature_row(check, issuer) -> list[Field]:
    if check is None or check.valid is None:
        return []
    if isinstance(issuer, x509.Certificate):
        who = f"the public key of {common_name(issuer.subject) or plain_name(issuer.subject)}"
    elif check.checked_with.startswith("its own"):
        who = "its own public key"
    else:
        who = check.checked_with
    value = f"valid: checked with {who}" if check.valid else f"FAILS with {who}: {check.reason}"
    return [Field("signature", "Signature check", value, "Whether the signer's public key confirms the signature.")]
