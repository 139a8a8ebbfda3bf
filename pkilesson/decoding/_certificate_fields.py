"""A certificate's explained fields, its warnings and its learner's rows."""

from __future__ import annotations

import datetime as dt
import json

from cryptography import x509

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
    rows = [Field("for_whom", "For whom", plain_name(cert.subject), "Who the certificate speaks for.")]
    names = _names(cert.extensions) if version == 3 else []
    if names:
        rows.append(Field("names", "Names it is valid for", ", ".join(names),
                          "The host names and addresses a client may reach it by."))
    elif not _is_ca(cert):
        rows.append(Field("names", "Names it is valid for", "none listed (only the name above)",
                          "The host names and addresses a client may reach it by."))
    if cert.issuer == cert.subject:
        signer = "itself (self-signed)" if _signed_by_itself(cert) else (
            f"{plain_name(cert.issuer)}: its own name, but not its own key")
    else:
        signer = plain_name(cert.issuer)
    rows.append(Field("signed_by", "Signed by", signer, "The CA that vouches for it with its signature."))
    rows += _valid_rows(cert.not_valid_before_utc, cert.not_valid_after_utc, now)
    purpose = (plain_purpose(cert.extensions) if version == 3 else
               "not said: a version 1 certificate cannot say whether it is a CA or what it is for")
    rows.append(Field("purpose", "May be used for", purpose, "What its owner may do with it."))
    rows += _key_rows(key_summary, key_json)
    rows += _signature_row(check, issuer)
    return tuple(rows)


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def certificate(cert: x509.Certificate, der: bytes, encoding: str, now: dt.datetime, issuer) -> Decoded:
    tree = der_tree(der, "Certificate")
    version = 1 if cert.version == x509.Version.v1 else 3
    serial = cert.serial_number
    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    key_json, key_summary, public = key_facts(cert.public_key())
    algorithm = oid_name(cert.signature_algorithm_oid.dotted_string)
    status = _validity(not_before, not_after, now)
    fields = [
        Field("version", "Version", f"{version} (0x{version - 1})", FIELDS["version"], "tbsCertificate.version" if version == 3 else ""),
        Field("serial", "Serial number", f"{serial_hex(serial)} (decimal {serial})", FIELDS["serial"], "tbsCertificate.serialNumber"),
        Field("signature_algorithm", "Signature algorithm", algorithm,
              f"{FIELDS['signature_algorithm']} {signature_meaning(algorithm)}", "signatureAlgorithm"),
        Field("issuer", "Issuer", format_subj(cert.issuer), FIELDS["issuer"], "tbsCertificate.issuer"),
        Field("not_before", "Not before", _instant(not_before), FIELDS["not_before"], "tbsCertificate.validity.notBefore"),
        Field("not_after", "Not after", _instant(not_after), FIELDS["not_after"], "tbsCertificate.validity.notAfter"),
        Field("validity", f"Validity at {_instant(now)}", status, FIELDS["validity"], "tbsCertificate.validity"),
        Field("subject", "Subject", format_subj(cert.subject), FIELDS["subject"], "tbsCertificate.subject"),
        Field("public_key", "Public key", f"{key_summary}; {public}", FIELDS["public_key"], "tbsCertificate.subjectPublicKeyInfo"),
        Field("spki_sha256", "Public key fingerprint (SHA-256 of the SPKI)", _colon_hex(bytes.fromhex(key_json["sha256"])),
              FIELDS["spki_sha256"], "tbsCertificate.subjectPublicKeyInfo"),
    ]
    ext_fields, ext_json = _extensions(cert.extensions, lambda i: f"tbsCertificate.extensions[{i}]")
    if version == 1:
        fields.append(Field("extensions", "Extensions", "none (version 1)", FIELDS["extensions"]))
    fields += ext_fields
    prints, print_fields = _fingerprints(der)
    fields += print_fields
    check = open_signature(cert, issuer)
    warnings = [] if "valid for" in status else [f"At {_instant(now)} this certificate is {status}."]
    if serial <= 0:
        warnings.append(NON_POSITIVE_SERIAL)
    if version == 1:
        warnings.append("A version 1 certificate: strict verifiers (pyca/cryptography, browsers) refuse it.")
    if _is_ca(cert) and not any(isinstance(e.value, x509.KeyUsage) for e in cert.extensions):
        warnings.append(CA_WITHOUT_KEY_USAGE)
    data = {
        "type": "certificate", "version": version, "serial": serial_hex(serial), "serial_decimal": str(serial),
        "subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
        "not_before": _instant(not_before), "not_after": _instant(not_after), "validity": status, "now": _instant(now),
        "public_key": key_json, "extensions": ext_json, "fingerprints": prints, "signature": _signature_json(check),
        "warnings": warnings,
    }
    title = f"certificate {format_subj(cert.subject)}"
    summary = certificate_summary(cert, version, key_summary, key_json, now, check, issuer)
    return Decoded("certificate", title, encoding, tuple(fields), tree, check, tuple(warnings), now, json.dumps(data),
                   summary)
