"""The explained fields' values, shared by every kind of artifact.

Values are written as ``openssl x509 -text`` writes them where a learner will
compare the two (extension values, key sizes, serials, SANs); instants as ISO
8601; a key's facts (its JSON, its one-line summary, its public part); the
fingerprints and the extensions' rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from .._catalog import _, ngettext, tr
from ._model import Field
from .meanings import FIELDS, critical_meaning, extension_meaning, oid_name
from ..pki.names import format_subj

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
            value = shown = extension_value(ext)
        except Exception:  # an extension cryptography parsed but cannot re-encode: show its OID
            value, shown = "(cannot be shown)", _("(cannot be shown)")  # the JSON's value stays English
        label = (_("{name} (critical)") if ext.critical else _("{name} (not critical)")).format(name=oid_name(dotted))
        meaning = _("{meaning} It is {critical}.").format(meaning=extension_meaning(dotted),
                                                         critical=critical_meaning(ext.critical))
        fields.append(Field(f"ext:{dotted}", label, shown, meaning, path_of(index), ext.critical))
        data.append({"oid": dotted, "name": oid_name(dotted), "critical": ext.critical, "value": value})
    return fields, data


def key_facts(key) -> tuple[dict, str, str]:
    """(JSON facts, one-line summary, public part) of a public key."""
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    facts: dict = {"sha256": hashlib.sha256(spki).hexdigest()}
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        facts.update(algorithm="RSA", size=key.key_size)
        summary = _("RSA, {size} bits").format(size=key.key_size)
        public = _("modulus n = {n}; public exponent e = {e}").format(n=f"{numbers.n:x}", e=numbers.e)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        facts.update(algorithm="EC", size=key.curve.key_size, curve=key.curve.name)
        summary = _("EC, curve {curve}, {size} bits").format(curve=key.curve.name, size=key.curve.key_size)
        public = _("point (uncompressed, 04 then x then y) = {point}").format(point=point.hex())
    elif isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        facts.update(algorithm="Ed25519", size=256)
        summary = _("Ed25519, 256 bits")
        public = _("public key A (32 bytes) = {key}").format(key=raw.hex())
    else:
        facts.update(algorithm=type(key).__name__.lstrip("_"), size=getattr(key, "key_size", None))
        summary, public = facts["algorithm"], _("(not shown for this algorithm)")
    return facts, summary, public


def _validity(not_before: dt.datetime, not_after: dt.datetime, now: dt.datetime) -> str:
    if now < not_before:
        return _("not valid yet: starts in {days}").format(days=_days(not_before - now))
    if now > not_after:
        return _("expired {days} ago").format(days=_days(now - not_after))
    left = not_after - now
    if not left.days:
        return _("valid for less than a day more")
    # Translators: English says "days" even for one; the two forms are for languages that do not.
    return ngettext("valid for {count} more days", "valid for {count} more days", left.days).format(count=left.days)


def _days(delta: dt.timedelta) -> str:
    if not delta.days:
        return _("less than a day")
    # Translators: English says "days" even for one; the two forms are for languages that do not.
    return ngettext("{count} days", "{count} days", delta.days).format(count=delta.days)


def _fingerprints(der: bytes) -> tuple[dict, list[Field]]:
    sha256, sha1 = hashlib.sha256(der).hexdigest(), hashlib.sha1(der).hexdigest()
    return {"sha256": sha256, "sha1": sha1}, [
        Field("sha256", _("SHA-256 fingerprint"), _colon_hex(bytes.fromhex(sha256)), tr(FIELDS["sha256"])),
        Field("sha1", _("SHA-1 fingerprint"), _colon_hex(bytes.fromhex(sha1)), tr(FIELDS["sha1"])),
    ]


def _signature_json(check) -> dict:
    return {"algorithm": check.algorithm, "valid": check.valid, "checked_with": check.checked_with}
