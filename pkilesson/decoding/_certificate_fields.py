"""A certificate's explained fields, its warnings and its learner's rows."""

from __future__ import annotations

import datetime as dt
import json

from cryptography import x509

from .._catalog import _, speaking, tr
from .asn1 import der_tree
from ._model import Decoded, Field
from .meanings import FIELDS, oid_name, signature_meaning
from ._plain import _key_rows, _names, _signature_row, _valid_rows, plain_name, plain_purpose
from ..pki.names import format_subj
from .signatures import open_signature
from ._values import _colon_hex, _extensions, _fingerprints, _instant, _signature_json, _validity, key_facts, serial_hex
from ._warnings import CA_WITHOUT_KEY_USAGE, NON_POSITIVE_SERIAL


def _signed_by_itself(cert: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(cert)
    except Exception:  # another name, another key, or a key type it cannot check
        return False
    return True


def certificate_summary(cert: x509.Certificate, version: int, key_summary: str, key_json: dict, now, check,
                        issuer) -> tuple[Field, ...]:
    """The learner's rows of a certificate."""
    rows = [Field("for_whom", _("For whom"), plain_name(cert.subject), _("Who the certificate speaks for."))]
    names = _names(cert.extensions) if version == 3 else []
    if names:
        rows.append(Field("names", _("Names it is valid for"), ", ".join(names),
                          _("The host names and addresses a client may reach it by.")))
    elif not _is_ca(cert):
        rows.append(Field("names", _("Names it is valid for"), _("none listed (only the name above)"),
                          _("The host names and addresses a client may reach it by.")))
    if cert.issuer == cert.subject:
        signer = _("itself (self-signed)") if _signed_by_itself(cert) else (
            _("{name}: its own name, but not its own key").format(name=plain_name(cert.issuer)))
    else:
        signer = plain_name(cert.issuer)
    rows.append(Field("signed_by", _("Signed by"), signer, _("The CA that vouches for it with its signature.")))
    rows += _valid_rows(cert.not_valid_before_utc, cert.not_valid_after_utc, now)
    purpose = (plain_purpose(cert.extensions) if version == 3 else
               _("not said: a version 1 certificate cannot say whether it is a CA or what it is for"))
    rows.append(Field("purpose", _("May be used for"), purpose, _("What its owner may do with it.")))
    rows += _key_rows(key_summary, key_json)
    rows += _signature_row(check, issuer)
    return tuple(rows)


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _warnings(cert: x509.Certificate, version: int, now: dt.datetime, status: str) -> list[str]:
    """What a learner must read about this certificate, in the messages' language (``status``: its validity)."""
    warnings = []
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        warnings.append(_("This certificate's validity at {instant}: {status}.").format(instant=_instant(now),
                                                                                           status=status))
    if cert.serial_number <= 0:
        warnings.append(tr(NON_POSITIVE_SERIAL))
    if version == 1:
        warnings.append(_("A version 1 certificate: strict verifiers (pyca/cryptography, browsers) refuse it."))
    if _is_ca(cert) and not any(isinstance(e.value, x509.KeyUsage) for e in cert.extensions):
        warnings.append(tr(CA_WITHOUT_KEY_USAGE))
    return warnings


def certificate(cert: x509.Certificate, der: bytes, encoding: str, now: dt.datetime, issuer) -> Decoded:
    tree = der_tree(der, "Certificate")
    version = 1 if cert.version == x509.Version.v1 else 3
    serial = cert.serial_number
    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    key_json, key_summary, public = key_facts(cert.public_key())
    algorithm = oid_name(cert.signature_algorithm_oid.dotted_string)
    status = _validity(not_before, not_after, now)
    fields = [
        Field("version", _("Version"), f"{version} (0x{version - 1})", tr(FIELDS["version"]),
              "tbsCertificate.version" if version == 3 else ""),
        Field("serial", _("Serial number"), _("{hex} (decimal {decimal})").format(hex=serial_hex(serial), decimal=serial),
              tr(FIELDS["serial"]), "tbsCertificate.serialNumber"),
        Field("signature_algorithm", _("Signature algorithm"), algorithm,
              f"{tr(FIELDS['signature_algorithm'])} {signature_meaning(algorithm)}", "signatureAlgorithm"),
        Field("issuer", _("Issuer"), format_subj(cert.issuer), tr(FIELDS["issuer"]), "tbsCertificate.issuer"),
        Field("not_before", _("Not before"), _instant(not_before), tr(FIELDS["not_before"]),
              "tbsCertificate.validity.notBefore"),
        Field("not_after", _("Not after"), _instant(not_after), tr(FIELDS["not_after"]), "tbsCertificate.validity.notAfter"),
        Field("validity", _("Validity at {instant}").format(instant=_instant(now)), status, tr(FIELDS["validity"]),
              "tbsCertificate.validity"),
        Field("subject", _("Subject"), format_subj(cert.subject), tr(FIELDS["subject"]), "tbsCertificate.subject"),
        Field("public_key", _("Public key"), _("{key}; {public}").format(key=key_summary, public=public), tr(FIELDS["public_key"]),
              "tbsCertificate.subjectPublicKeyInfo"),
        Field("spki_sha256", _("Public key fingerprint (SHA-256 of the SPKI)"),
              _colon_hex(bytes.fromhex(key_json["sha256"])), tr(FIELDS["spki_sha256"]), "tbsCertificate.subjectPublicKeyInfo"),
    ]
    ext_fields, ext_json = _extensions(cert.extensions, lambda i: f"tbsCertificate.extensions[{i}]")
    if version == 1:
        fields.append(Field("extensions", _("Extensions"), _("none (version 1)"), tr(FIELDS["extensions"])))
    fields += ext_fields
    prints, print_fields = _fingerprints(der)
    fields += print_fields
    check = open_signature(cert, issuer)
    warnings = _warnings(cert, version, now, status)
    with speaking("en"):  # the JSON's words never change with the language
        status_en = _validity(not_before, not_after, now)
        warnings_en = _warnings(cert, version, now, status_en)
    data = {
        "type": "certificate", "version": version, "serial": serial_hex(serial), "serial_decimal": str(serial),
        "subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
        "not_before": _instant(not_before), "not_after": _instant(not_after), "validity": status_en, "now": _instant(now),
        "public_key": key_json, "extensions": ext_json, "fingerprints": prints, "signature": _signature_json(check),
        "warnings": warnings_en,
    }
    title = _("certificate {name}").format(name=format_subj(cert.subject))
    summary = certificate_summary(cert, version, key_summary, key_json, now, check, issuer)
    return Decoded("certificate", title, encoding, tuple(fields), tree, check, tuple(warnings), now, json.dumps(data),
                   summary)
