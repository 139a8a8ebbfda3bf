"""The learner's rows (:attr:`Decoded.summary`) shared by every kind: plain words, no field names.

What a newcomer needs first (for whom, valid from and until, what it may be used
for, its key, who signed it), with no field names from the RFCs; each kind's
module adds its own rows.
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .._catalog import N_, _, ngettext, tr
from ._model import Field
from ._values import _colon_hex, general_name
from .meanings import oid_name
from ..pki.names import common_name

_PLAIN_ATTRIBUTE = {  # in the order a learner reads them, after the common name
    NameOID.ORGANIZATION_NAME: N_("organisation"), NameOID.ORGANIZATIONAL_UNIT_NAME: N_("unit"),
    NameOID.LOCALITY_NAME: N_("town"), NameOID.STATE_OR_PROVINCE_NAME: N_("region"), NameOID.COUNTRY_NAME: N_("country"),
    NameOID.EMAIL_ADDRESS: N_("e-mail"),
}
#: The plain words (English, as lessons._vocabularies reads them; tr() where shown).
_PLAIN_USAGE = (
    ("digital_signature", N_("sign")), ("key_encipherment", N_("encrypt keys")), ("key_agreement", N_("agree on keys")),
    ("data_encipherment", N_("encrypt data")), ("content_commitment", N_("sign for non-repudiation")),
    ("key_cert_sign", N_("sign certificates")), ("crl_sign", N_("sign revocation lists")),
)
_PLAIN_PURPOSE = {
    ExtendedKeyUsageOID.SERVER_AUTH: N_("a TLS server"), ExtendedKeyUsageOID.CLIENT_AUTH: N_("a TLS client"),
    ExtendedKeyUsageOID.CODE_SIGNING: N_("signing code"), ExtendedKeyUsageOID.EMAIL_PROTECTION: N_("protecting e-mail"),
    ExtendedKeyUsageOID.TIME_STAMPING: N_("time stamps"),
    ExtendedKeyUsageOID.OCSP_SIGNING: N_("revocation answers (OCSP)"),
}


def _and(items: list[str]) -> str:
    """``a, b and c``: the last two joined by "and", in the messages' language."""
    if len(items) < 2:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def plain_name(name: x509.Name) -> str:
    """A name as a learner reads it: ``localhost (organisation pkilesson, country FR)``."""
    cns = [str(a.value) for a in name.get_attributes_for_oid(NameOID.COMMON_NAME)]
    order = list(_PLAIN_ATTRIBUTE)
    others = sorted((a for a in name if a.oid != NameOID.COMMON_NAME),
                    key=lambda a: order.index(a.oid) if a.oid in order else len(order))
    rest = [f"{tr(_PLAIN_ATTRIBUTE[a.oid]) if a.oid in _PLAIN_ATTRIBUTE else oid_name(a.oid.dotted_string)} "
            f"{a.value.hex() if isinstance(a.value, bytes) else a.value}" for a in others]
    if not cns and not rest:
        return _("nobody named (the name is empty)")
    if cns and rest:
        return f"{', '.join(cns)} ({', '.join(rest)})"
    return ", ".join(cns or rest)


def _plain_instant(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _in_days(delta: dt.timedelta) -> str:
    if not delta.days:
        return _("less than a day")
    return ngettext("{count} day", "{count} days", delta.days).format(count=delta.days)


def _valid_rows(not_before: dt.datetime, not_after: dt.datetime, now: dt.datetime) -> list[Field]:
    start = _plain_instant(not_before)
    if now < not_before:
        start = _("{instant} (not valid yet: starts in {days})").format(instant=start, days=_in_days(not_before - now))
    if now > not_after:
        end = _("{instant} (expired {days} ago)").format(instant=_plain_instant(not_after), days=_in_days(now - not_after))
    else:
        end = _("{instant} (expires in {days})").format(instant=_plain_instant(not_after), days=_in_days(not_after - now))
    return [Field("valid_from", _("Valid from"), start, _("Before this instant, checkers refuse it.")),
            Field("valid_until", _("Valid until"), end, _("After this instant, checkers refuse it."))]


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
                may.append(tr(words))
        except ValueError:
            pass
    if constraints is not None and constraints.ca:
        if usage is None:
            text = _("a CA, but with no list of what its key may do: strict checkers refuse what it signs")
        elif usage.key_cert_sign:
            text = _("a CA: it may sign certificates and revocation lists") if usage.crl_sign else _(
                "a CA: it may sign certificates")
        else:
            text = _("a CA whose key may not sign certificates (its key may: {usages})").format(
                usages=", ".join(may) or _("nothing"))
        if constraints.path_length == 0:
            text = _("{text}; no CA below it").format(text=text)
        elif constraints.path_length is not None:
            text = ngettext("{text}; at most {count} CA below it", "{text}; at most {count} CAs below it",
                            constraints.path_length).format(text=text, count=constraints.path_length)
        return text
    if purposes is None:
        roles = _("any purpose (none listed)")
    else:
        named = [tr(_PLAIN_PURPOSE[oid]) if oid in _PLAIN_PURPOSE else oid_name(oid.dotted_string) for oid in purposes]
        roles = named[0] if named else _("nothing")
        for more in named[1:]:  # "a and b and c"
            roles = _("{items} and {last}").format(items=roles, last=more)
    text = _("{roles}; not a CA").format(roles=roles)
    if may:
        text = _("{text}; its key may {usages}").format(text=text, usages=_and(may))
    return text


def _key_rows(key_summary: str, key_json: dict) -> list[Field]:
    return [
        Field("key", _("Key"), key_summary, _("The kind of key and its size.")),
        Field("key_fingerprint", _("Key fingerprint (SHA-256)"), _colon_hex(bytes.fromhex(key_json["sha256"])),
              _("A short name for the public key: the same in the key file, the request and the certificate.")),
    ]


def _signature_row(check, issuer) -> list[Field]:
    if check is None or check.valid is None:
        return []
    if isinstance(issuer, x509.Certificate):
        who = _("the public key of {subject}").format(subject=common_name(issuer.subject) or plain_name(issuer.subject))
    elif check.checked_with.startswith("its own"):
        who = _("its own public key")
    else:
        who = check.said_with
    value = (_("valid: checked with {key}").format(key=who) if check.valid
             else _("FAILS with {key}: {reason}").format(key=who, reason=check.said_reason))
    return [Field("signature", _("Signature check"), value, _("Whether the signer's public key confirms the signature."))]
