"""A CRL's explained fields (each revoked serial with its date and reason), its warning and its learner's rows."""

from __future__ import annotations

import datetime as dt
import json

from cryptography import x509

from .._catalog import N_, _, ngettext, tr
from .asn1 import der_tree
from ._model import Decoded, Field
from .meanings import FIELDS, oid_name, signature_meaning
from ._plain import _in_days, _plain_instant, _signature_row, plain_name
from ..pki.names import format_subj
from .signatures import open_signature
from ._values import _extensions, _fingerprints, _instant, _signature_json, serial_hex


def crl(revocations: x509.CertificateRevocationList, der: bytes, encoding: str, now: dt.datetime, issuer) -> Decoded:
    tree = der_tree(der, "CertificateList")
    this_update, next_update = revocations.last_update_utc, revocations.next_update_utc
    algorithm = oid_name(revocations.signature_algorithm_oid.dotted_string)
    revoked = [
        {"serial": serial_hex(r.serial_number), "revocation_date": _instant(r.revocation_date_utc),
         "reason": _crl_reason(r)}
        for r in revocations
    ]
    # Translators: the separator between revoked certificates (French: a space before the semicolon).
    separator = _("; ")
    listed = [_("serial {serial} on {date}").format(serial=r["serial"], date=r["revocation_date"]) if not r["reason"]
              else _("serial {serial} on {date}, reason {reason}").format(serial=r["serial"], date=r["revocation_date"],
                                                                           reason=r["reason"]) for r in revoked]
    fields = [
        Field("signature_algorithm", _("Signature algorithm"), algorithm, signature_meaning(algorithm), "signatureAlgorithm"),
        Field("issuer", _("Issuer"), format_subj(revocations.issuer), tr(FIELDS["crl_issuer"]), "tbsCertList.issuer"),
        Field("this_update", _("This update"), _instant(this_update), tr(FIELDS["this_update"]), "tbsCertList.thisUpdate"),
        Field("next_update", _("Next update"), _instant(next_update) if next_update else _("none"),
              tr(FIELDS["next_update"]), "tbsCertList.nextUpdate" if next_update else ""),
        Field("revoked", _("Revoked certificates"), separator.join(listed) or _("none"), tr(FIELDS["revoked"]),
              "tbsCertList.revokedCertificates" if revoked else ""),
    ]
    ext_fields, ext_json = _extensions(revocations.extensions, lambda i: f"tbsCertList.crlExtensions[{i}]")
    fields += ext_fields
    prints, print_fields = _fingerprints(der)
    check = open_signature(revocations, issuer)
    warnings = []
    if next_update is not None and now > next_update:
        warnings.append(_("This CRL is stale: its next update was due {instant}.").format(instant=_instant(next_update)))
    data = {
        "type": "crl", "issuer": revocations.issuer.rfc4514_string(), "this_update": _instant(this_update),
        "next_update": _instant(next_update) if next_update else None, "revoked": revoked,
        "extensions": ext_json, "fingerprints": prints, "signature": _signature_json(check),
    }
    title = _("CRL of {name}").format(name=format_subj(revocations.issuer))
    return Decoded("crl", title, encoding, tuple(fields + print_fields), tree, check, tuple(warnings), now,
                   json.dumps(data), _crl_summary(revocations, revoked, now, check, issuer))


_PLAIN_REASON = {
    "keyCompromise": N_("key stolen or lost"), "cACompromise": N_("CA's key stolen or lost"),
    "affiliationChanged": N_("left"), "superseded": N_("replaced"), "cessationOfOperation": N_("no longer used"),
    "certificateHold": N_("on hold"), "privilegeWithdrawn": N_("rights withdrawn"),
    "aACompromise": N_("authority's key stolen or lost"), "removeFromCRL": N_("taken off the list"),
    "unspecified": N_("no reason given"),
}


def _crl_summary(revocations, revoked: list[dict], now: dt.datetime, check, issuer) -> tuple[Field, ...]:
    """The learner's rows of a CRL: who publishes it, which serials it revokes, when the next one is due."""
    reasons = {r["serial"]: f" ({tr(_PLAIN_REASON[r['reason']]) if r['reason'] in _PLAIN_REASON else r['reason']})"
               if r["reason"] else "" for r in revoked}
    if not revoked:
        listed = _("none")
    else:
        serials = ", ".join(f"{r['serial']}{reasons[r['serial']]}" for r in revoked)
        listed = ngettext("{count} certificate, by serial: {serials}", "{count} certificates, by serial: {serials}",
                          len(revoked)).format(count=len(revoked), serials=serials)
    next_update = revocations.next_update_utc
    if next_update is None:
        due = _("none announced")
    elif now > next_update:
        due = _("{instant} (overdue by {days}: this list is stale)").format(
            instant=_plain_instant(next_update), days=_in_days(now - next_update))
    else:
        due = _("{instant} (due in {days})").format(instant=_plain_instant(next_update), days=_in_days(next_update - now))
    rows = [
        Field("signed_by", _("Published by"), plain_name(revocations.issuer), _("The CA that signs this list.")),
        Field("revoked", _("Revoked"), listed, _("The certificates this CA has cancelled before their end date.")),
        Field("this_update", _("Issued on"), _plain_instant(revocations.last_update_utc), _("When the CA made this list.")),
        Field("next_update", _("Next list due"), due, _("After this date, this list is out of date.")),
    ]
    return tuple(rows + _signature_row(check, issuer))


def _crl_reason(entry: x509.RevokedCertificate) -> str | None:
    """The entry's reasonCode by its RFC 5280 name (keyCompromise...), or None when absent (RFC 5280
    §5.3.1 prefers leaving out 'unspecified')."""
    try:
        return entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.value
    except x509.ExtensionNotFound:
        return None
