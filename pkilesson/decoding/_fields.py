"""The explained fields of each kind of artifact (used by :mod:`pkilesson.decoding.decode`).

Values are written as ``openssl x509 -text`` writes them where a learner will
compare the two (extension values, key sizes); names use the ``-subj`` form
of the lessons; JSON uses RFC 4514 names and ISO 8601 instants.

Each kind also gets its *learner's rows* (:attr:`Decoded.summary`): what a
newcomer needs first (for whom, signed by, valid from and until, what it may
be used for, its key), in plain words, with no field names from the RFCs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .asn1 import der_tree
from .decode import Decoded, Field
from .meanings import FIELDS, critical_meaning, extension_meaning, oid_name, signature_meaning
from ..pki.names import common_name, format_subj
from .signatures import open_signature

_KEY_USAGE = (
    ("digital_signature", "Digital Signature"), ("content_commitment", "Non Repudiation"),
    ("key_encipherment", "Key Encipherment"), ("data_encipherment", "Data Encipherment"),
    ("key_agreement", "Key Agreement"), ("key_cert_sign", "Certificate Sign"), ("crl_sign", "CRL Sign"),
    ("encipher_only", "Encipher Only"), ("decipher_only", "Decipher Only"),
)
_EKU = {
    ExtendedKeyUsageOID.SERVER_AUTH: "TLS Web Server Authentication",
    ExtendedKeyUsageOID.CLIENT_AUTH: "TLS Web Client Authentication",
    ExtendedKeyUsageOID.CODE_SIGNING: "Code Signing",
    ExtendedKeyUsageOID.EMAIL_PROTECTION: "E-mail Protection",
    ExtendedKeyUsageOID.TIME_STAMPING: "Time Stamping",
    ExtendedKeyUsageOID.OCSP_SIGNING: "OCSP Signing",
}
PRIVATE_KEY_WARNING = (
    "This file holds a PRIVATE key: whoever reads it can sign as its owner. pkilesson shows only its "
    "public half and fingerprint, never its private numbers; keep the file secret (mode 0600)."
)
CA_WITHOUT_KEY_USAGE = (
    "A CA certificate (basicConstraints CA:TRUE) without keyUsage: RFC 5280 §4.2.1.3 says a CA must include "
    "it, with keyCertSign, when the key checks signatures on certificates, and strict verifiers refuse every "
    "certificate this CA signs: "
    "pyca/cryptography, 'openssl verify -x509_strict' since OpenSSL 3.0 (error 92, 'CA cert does not include "
    "key usage extension') and Python 3.13's ssl.create_default_context() on OpenSSL 3.0 or later. Plain "
    "'openssl verify' does not check it. Fix: issue the CA certificate again with 'keyUsage = critical, "
    "keyCertSign, cRLSign' (pkilesson's ROOT_CA profile has it)."
)


# -- the learner's rows: plain words, no field names -----------------------------------------------

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
NON_POSITIVE_SERIAL = "The serial number is not positive, which RFC 5280 forbids: verifiers may refuse it."
#: Short plain-words forms of the warnings that speak RFC; the view shows the full warning one click away.
PLAIN_WARNINGS = {
    CA_WITHOUT_KEY_USAGE: "This CA does not list what its key may do (no key usage): strict checkers refuse "
                          "every certificate it signs.",
    NON_POSITIVE_SERIAL: "The serial number is zero or negative: checkers may refuse the certificate.",
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


def file_mode_warning(path, mode: int) -> str:
    """The private-key warning of a key read from a file, with the file's actual mode."""
    shown = f"{mode:04o}"
    start = ("This file holds a PRIVATE key: whoever reads it can sign as its owner. pkilesson shows only its "
             "public half and fingerprint, never its private numbers.")
    readers = [who for bit, who in ((0o040, "its group"), (0o004, "every other user of the machine")) if mode & bit]
    if not readers:
        return f"{start} Its mode is {shown}: only its owner can read it; keep it so."
    return (f"{start} Its mode is {shown}: {' and '.join(readers)} can read it, not only its owner. "
            f"Fix: chmod 600 {path} (owner only, as pkilesson writes keys).")


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _colon_hex(data: bytes) -> str:
    return ":".join(f"{b:02X}" for b in data)


def serial_hex(serial: int) -> str:
    """Lower-case hex without separators, whole bytes, as ``openssl x509 -serial`` (lower-cased)."""
    sign, serial = ("-", -serial) if serial < 0 else ("", serial)
    return sign + (serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big").hex())


def general_name(name: x509.GeneralName) -> str:
    """A SAN entry as ``openssl x509 -text`` prints it."""
    if isinstance(name, x509.DNSName):
        return f"DNS:{name.value}"
    if isinstance(name, x509.IPAddress):
        return f"IP Address:{name.value}"
    if isinstance(name, x509.RFC822Name):
        return f"email:{name.value}"
    if isinstance(name, x509.UniformResourceIdentifier):
        return f"URI:{name.value}"
    if isinstance(name, x509.DirectoryName):
        return f"DirName:{format_subj(name.value)}"
    return f"{type(name).__name__}:{name.value!r}"


def extension_value(ext: x509.Extension) -> str:
    """An extension's value as ``openssl x509 -text`` prints it (one line)."""
    value = ext.value
    if isinstance(value, x509.BasicConstraints):
        text = "CA:TRUE" if value.ca else "CA:FALSE"
        return text + (f", pathlen:{value.path_length}" if value.path_length is not None else "")
    if isinstance(value, x509.KeyUsage):
        bits = []
        for arg, label in _KEY_USAGE:
            try:
                if getattr(value, arg):
                    bits.append(label)
            except ValueError:  # encipher_only without key_agreement
                pass
        return ", ".join(bits)
    if isinstance(value, x509.ExtendedKeyUsage):
        return ", ".join(_EKU.get(oid, oid_name(oid.dotted_string)) for oid in value)
    if isinstance(value, (x509.SubjectAlternativeName, x509.IssuerAlternativeName)):
        return ", ".join(general_name(n) for n in value)
    if isinstance(value, x509.SubjectKeyIdentifier):
        return _colon_hex(value.digest)
    if isinstance(value, x509.AuthorityKeyIdentifier):
        parts = [_colon_hex(value.key_identifier)] if value.key_identifier else []
        parts += [general_name(n) for n in value.authority_cert_issuer or ()]
        if value.authority_cert_serial_number is not None:
            parts.append("serial:" + _colon_hex(bytes.fromhex(serial_hex(value.authority_cert_serial_number))))
        return ", ".join(parts)
    if isinstance(value, x509.CRLNumber):
        return str(value.crl_number)
    if isinstance(value, x509.CRLReason):
        return value.reason.name
    return ext.value.public_bytes().hex() if hasattr(ext.value, "public_bytes") else str(value)


def _extensions(extensions, path_of) -> tuple[list[Field], list[dict]]:
    fields, data = [], []
    for index, ext in enumerate(extensions):
        dotted = ext.oid.dotted_string
        try:
            value = extension_value(ext)
        except Exception:  # an extension cryptography parsed but cannot re-encode: show its OID
            value = "(cannot be shown)"
        label = f"{oid_name(dotted)} ({'critical' if ext.critical else 'not critical'})"
        meaning = f"{extension_meaning(dotted)} It is {critical_meaning(ext.critical)}."
        fields.append(Field(f"ext:{dotted}", label, value, meaning, path_of(index), ext.critical))
        data.append({"oid": dotted, "name": oid_name(dotted), "critical": ext.critical, "value": value})
    return fields, data


def key_facts(key) -> tuple[dict, str, str]:
    """(JSON facts, one-line summary, public part) of a public key."""
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    facts: dict = {"sha256": hashlib.sha256(spki).hexdigest()}
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        facts.update(algorithm="RSA", size=key.key_size)
        summary = f"RSA, {key.key_size} bits"
        public = f"modulus n = {numbers.n:x}; public exponent e = {numbers.e}"
    elif isinstance(key, ec.EllipticCurvePublicKey):
        point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        facts.update(algorithm="EC", size=key.curve.key_size, curve=key.curve.name)
        summary = f"EC, curve {key.curve.name}, {key.curve.key_size} bits"
        public = f"point (uncompressed, 04 then x then y) = {point.hex()}"
    elif isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        facts.update(algorithm="Ed25519", size=256)
        summary = "Ed25519, 256 bits"
        public = f"public key A (32 bytes) = {raw.hex()}"
    else:
        facts.update(algorithm=type(key).__name__.lstrip("_"), size=getattr(key, "key_size", None))
        summary, public = facts["algorithm"], "(not shown for this algorithm)"
    return facts, summary, public


def _validity(not_before: dt.datetime, not_after: dt.datetime, now: dt.datetime) -> str:
    if now < not_before:
        return f"not valid yet: starts in {_days(not_before - now)}"
    if now > not_after:
        return f"expired {_days(now - not_after)} ago"
    left = not_after - now
    return f"valid for {left.days} more days" if left.days else "valid for less than a day more"


def _days(delta: dt.timedelta) -> str:
    return f"{delta.days} days" if delta.days else "less than a day"


def _fingerprints(der: bytes) -> tuple[dict, list[Field]]:
    sha256, sha1 = hashlib.sha256(der).hexdigest(), hashlib.sha1(der).hexdigest()
    return {"sha256": sha256, "sha1": sha1}, [
        Field("sha256", "SHA-256 fingerprint", _colon_hex(bytes.fromhex(sha256)), FIELDS["sha256"]),
        Field("sha1", "SHA-1 fingerprint", _colon_hex(bytes.fromhex(sha1)), FIELDS["sha1"]),
    ]


def _signature_json(check) -> dict:
    return {"algorithm": check.algorithm, "valid": check.valid, "checked_with": check.checked_with}


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


def csr(request: x509.CertificateSigningRequest, der: bytes, encoding: str, now: dt.datetime) -> Decoded:
    tree = der_tree(der, "CertificationRequest")
    key_json, key_summary, public = key_facts(request.public_key())
    algorithm = oid_name(request.signature_algorithm_oid.dotted_string)
    check = open_signature(request)
    fields = [
        Field("version", "Version", "1 (0x0)", FIELDS["csr_version"], "certificationRequestInfo.version"),
        Field("subject", "Subject", format_subj(request.subject), FIELDS["csr_subject"], "certificationRequestInfo.subject"),
        Field("public_key", "Public key", f"{key_summary}; {public}", FIELDS["csr_public_key"],
              "certificationRequestInfo.subjectPKInfo"),
        Field("spki_sha256", "Public key fingerprint (SHA-256 of the SPKI)", _colon_hex(bytes.fromhex(key_json["sha256"])),
              FIELDS["spki_sha256"], "certificationRequestInfo.subjectPKInfo"),
    ]
    paths = [n.name for _, n in tree.nodes() if n.type == "Extension" and not n.encapsulated]
    ext_fields, ext_json = _extensions(request.extensions, lambda i: paths[i] if i < len(paths) else "")
    asked = ", ".join(oid_name(e.oid.dotted_string) for e in request.extensions) or "none"
    fields.append(Field("requested_extensions", "Requested extensions", asked, FIELDS["requested_extensions"],
                        "certificationRequestInfo.attributes"))  # always there: a comparison never says "(absent)"
    fields += ext_fields
    fields.append(Field("signature_algorithm", "Signature algorithm", algorithm, signature_meaning(algorithm), "signatureAlgorithm"))
    fields.append(Field("proof_of_possession", "Proof of possession", "the self-signature checks" if check.valid
                        else f"FAILS: {check.reason}", FIELDS["proof_of_possession"], "signature"))
    prints, print_fields = _fingerprints(der)
    warnings = [] if check.valid else ["The request's self-signature does not verify: a CA must refuse it."]
    data = {
        "type": "csr", "version": 1, "subject": request.subject.rfc4514_string(), "public_key": key_json,
        "extensions": ext_json, "fingerprints": {"sha256": prints["sha256"]}, "signature": _signature_json(check),
    }
    title = f"certificate signing request {format_subj(request.subject)}"
    summary = [Field("for_whom", "Who asks", plain_name(request.subject), "The name it asks the CA to certify.")]
    names = _names(request.extensions)
    summary.append(Field("names", "Names asked for", ", ".join(names) or "none",
                         "The host names and addresses it asks to be valid for."))
    if any(isinstance(e.value, (x509.BasicConstraints, x509.KeyUsage, x509.ExtendedKeyUsage)) for e in request.extensions):
        summary.append(Field("purpose", "Asks to be used for", plain_purpose(request.extensions),
                             "What it asks to be allowed; the CA decides."))
    summary += _key_rows(key_summary, key_json)
    summary.append(Field("proof_of_possession", "Proof it holds the key",
                         "ok: signed with the private key of the public key inside" if check.valid
                         else f"FAILED: {check.reason}",
                         "Whether whoever made the request held the matching private key."))
    return Decoded("csr", title, encoding, tuple(fields + print_fields[:1]), tree, check, tuple(warnings), now,
                   json.dumps(data), tuple(summary))


def crl(revocations: x509.CertificateRevocationList, der: bytes, encoding: str, now: dt.datetime, issuer) -> Decoded:
    tree = der_tree(der, "CertificateList")
    this_update, next_update = revocations.last_update_utc, revocations.next_update_utc
    algorithm = oid_name(revocations.signature_algorithm_oid.dotted_string)
    revoked = [
        {"serial": serial_hex(r.serial_number), "revocation_date": _instant(r.revocation_date_utc),
         "reason": _crl_reason(r)}
        for r in revocations
    ]
    fields = [
        Field("signature_algorithm", "Signature algorithm", algorithm, signature_meaning(algorithm), "signatureAlgorithm"),
        Field("issuer", "Issuer", format_subj(revocations.issuer), FIELDS["crl_issuer"], "tbsCertList.issuer"),
        Field("this_update", "This update", _instant(this_update), FIELDS["this_update"], "tbsCertList.thisUpdate"),
        Field("next_update", "Next update", _instant(next_update) if next_update else "none", FIELDS["next_update"],
              "tbsCertList.nextUpdate" if next_update else ""),
        Field("revoked", "Revoked certificates",
              "; ".join(f"serial {r['serial']} on {r['revocation_date']}"
                        + (f", reason {r['reason']}" if r["reason"] else "") for r in revoked) or "none",
              FIELDS["revoked"], "tbsCertList.revokedCertificates" if revoked else ""),
    ]
    ext_fields, ext_json = _extensions(revocations.extensions, lambda i: f"tbsCertList.crlExtensions[{i}]")
    fields += ext_fields
    prints, print_fields = _fingerprints(der)
    check = open_signature(revocations, issuer)
    warnings = []
    if next_update is not None and now > next_update:
        warnings.append(f"This CRL is stale: its next update was due {_instant(next_update)}.")
    data = {
        "type": "crl", "issuer": revocations.issuer.rfc4514_string(), "this_update": _instant(this_update),
        "next_update": _instant(next_update) if next_update else None, "revoked": revoked,
        "extensions": ext_json, "fingerprints": prints, "signature": _signature_json(check),
    }
    title = f"CRL of {format_subj(revocations.issuer)}"
    return Decoded("crl", title, encoding, tuple(fields + print_fields), tree, check, tuple(warnings), now,
                   json.dumps(data), _crl_summary(revocations, revoked, now, check, issuer))


_PLAIN_REASON = {
    "keyCompromise": "key stolen or lost", "cACompromise": "CA's key stolen or lost", "affiliationChanged": "left",
    "superseded": "replaced", "cessationOfOperation": "no longer used", "certificateHold": "on hold",
    "privilegeWithdrawn": "rights withdrawn", "aACompromise": "authority's key stolen or lost",
    "removeFromCRL": "taken off the list", "unspecified": "no reason given",
}


def _crl_summary(revocations, revoked: list[dict], now: dt.datetime, check, issuer) -> tuple[Field, ...]:
    """The learner's rows of a CRL: who publishes it, which serials it revokes, when the next one is due."""
    reasons = {r["serial"]: f" ({_PLAIN_REASON.get(r['reason'], r['reason'])})" if r["reason"] else "" for r in revoked}
    if not revoked:
        listed = "none"
    else:
        serials = ", ".join(f"{r['serial']}{reasons[r['serial']]}" for r in revoked)
        listed = f"{len(revoked)} certificate{'s' if len(revoked) > 1 else ''}, by serial: {serials}"
    next_update = revocations.next_update_utc
    if next_update is None:
        due = "none announced"
    elif now > next_update:
        due = f"{_plain_instant(next_update)} (overdue by {_in_days(now - next_update)}: this list is stale)"
    else:
        due = f"{_plain_instant(next_update)} (due in {_in_days(next_update - now)})"
    rows = [
        Field("signed_by", "Published by", plain_name(revocations.issuer), "The CA that signs this list."),
        Field("revoked", "Revoked", listed, "The certificates this CA has cancelled before their end date."),
        Field("this_update", "Issued on", _plain_instant(revocations.last_update_utc), "When the CA made this list."),
        Field("next_update", "Next list due", due, "After this date, this list is out of date."),
    ]
    return tuple(rows + _signature_row(check, issuer))


def _crl_reason(entry: x509.RevokedCertificate) -> str | None:
    """The entry's reasonCode by its RFC 5280 name (keyCompromise...), or None when absent (RFC 5280
    §5.3.1 prefers leaving out 'unspecified')."""
    try:
        return entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.value
    except x509.ExtensionNotFound:
        return None


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
