"""Profiles: what a CA puts in each kind of certificate, as plain data.

The source recipe signs with ``openssl x509 -req`` and no extension file, so
its server and client certificates carry no extension at all (version 1 with
OpenSSL before 3.2). A profile lists what a correct certificate of each kind
carries (RFC 5280 section 4.2), so a lesson can show the three side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier

__all__ = ["Profile", "ROOT_CA", "INTERMEDIATE_CA", "SERVER", "CLIENT", "PROFILES", "key_usage_of"]

_KEY_USAGE_ARGS = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)
#: OpenSSL's names of the keyUsage bits, as an extension file writes them.
KEY_USAGE_OPENSSL = {
    "digital_signature": "digitalSignature",
    "content_commitment": "nonRepudiation",
    "key_encipherment": "keyEncipherment",
    "data_encipherment": "dataEncipherment",
    "key_agreement": "keyAgreement",
    "key_cert_sign": "keyCertSign",
    "crl_sign": "cRLSign",
    "encipher_only": "encipherOnly",
    "decipher_only": "decipherOnly",
}
_EKU_OPENSSL = {
    ExtendedKeyUsageOID.SERVER_AUTH: "serverAuth",
    ExtendedKeyUsageOID.CLIENT_AUTH: "clientAuth",
}


@dataclass(frozen=True)
class Profile:
    """The extensions of one kind of certificate.

    Attributes:
        name: short name (``"root-ca"``, ``"server"``, ``"client"``).
        summary: one sentence for learners.
        ca: basicConstraints ``CA:TRUE`` (may sign certificates) or ``CA:FALSE``.
        path_length: basicConstraints pathLenConstraint (CAs only; None = no limit).
        key_usage: the keyUsage bits, by cryptography's argument names.
        rsa_key_usage: bits added when the subject's key is RSA (keyEncipherment
            for a TLS 1.2 server using RSA key exchange).
        extended_key_usage: the EKU purposes; empty means no EKU extension.
        needs_san: whether a subjectAltName is required.
        default_days: validity when none is asked for.
    """

    name: str
    summary: str
    ca: bool
    key_usage: tuple[str, ...]
    path_length: Optional[int] = None
    rsa_key_usage: tuple[str, ...] = ()
    extended_key_usage: tuple[ObjectIdentifier, ...] = ()
    needs_san: bool = False
    default_days: int = 365

    def key_usage_for(self, public_key) -> tuple[str, ...]:
        """The keyUsage bits for a subject whose public key is ``public_key``."""
        extra = self.rsa_key_usage if isinstance(public_key, rsa.RSAPublicKey) else ()
        return self.key_usage + extra

    def extensions(
        self,
        public_key,
        issuer_public_key,
        sans: tuple[x509.GeneralName, ...] = (),
        issuer_ski: Optional[x509.SubjectKeyIdentifier] = None,
    ) -> list[tuple[x509.ExtensionType, bool]]:
        """The (extension, critical) pairs for a certificate of this profile.

        The order is the one OpenSSL uses for the equivalent commands, so the
        two paths give comparable certificates.
        """
        ski = x509.SubjectKeyIdentifier.from_public_key(public_key)
        if issuer_ski is not None:
            aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski)
        else:
            aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key)
        bits = self.key_usage_for(public_key)
        key_usage = x509.KeyUsage(**{arg: arg in bits for arg in _KEY_USAGE_ARGS})
        basic = x509.BasicConstraints(ca=self.ca, path_length=self.path_length if self.ca else None)
        if self.ca:
            return [(basic, True), (key_usage, True), (ski, False), (aki, False)]
        result: list[tuple[x509.ExtensionType, bool]] = []
        if sans:
            result.append((x509.SubjectAlternativeName(list(sans)), False))
        result += [(basic, True), (key_usage, True)]
        if self.extended_key_usage:
            result.append((x509.ExtendedKeyUsage(list(self.extended_key_usage)), False))
        return result + [(ski, False), (aki, False)]

    def openssl_extensions(self, public_key) -> list[str]:
        """The same extensions as OpenSSL config lines (``-addext`` / ``-extfile``).

        The subjectAltName is not listed: it comes from the CSR
        (``-copy_extensions copy``).
        """
        basic = "critical,CA:TRUE" if self.ca else "critical,CA:FALSE"
        if self.ca and self.path_length is not None:
            basic += f",pathlen:{self.path_length}"
        bits = ",".join(KEY_USAGE_OPENSSL[b] for b in self.key_usage_for(public_key))
        lines = [f"basicConstraints={basic}", f"keyUsage=critical,{bits}"]
        if self.extended_key_usage:
            lines.append(
                "extendedKeyUsage=" + ",".join(_EKU_OPENSSL[o] for o in self.extended_key_usage)
            )
        lines.append("subjectKeyIdentifier=hash")
        lines.append("authorityKeyIdentifier=keyid:always" if self.ca else "authorityKeyIdentifier=keyid")
        return lines


ROOT_CA = Profile(
    name="root-ca",
    summary="A self-signed root CA: may sign certificates and CRLs, nothing else.",
    ca=True,
    key_usage=("key_cert_sign", "crl_sign"),
    default_days=3650,
)
INTERMEDIATE_CA = Profile(
    name="intermediate-ca",
    summary="A CA signed by the root; pathLen 0: it may sign leaves, not further CAs.",
    ca=True,
    path_length=0,
    key_usage=("key_cert_sign", "crl_sign"),
    default_days=1825,
)
SERVER = Profile(
    name="server",
    summary="A TLS server: proves its name (subjectAltName) to clients.",
    ca=False,
    key_usage=("digital_signature",),
    rsa_key_usage=("key_encipherment",),
    extended_key_usage=(ExtendedKeyUsageOID.SERVER_AUTH,),
    needs_san=True,
)
CLIENT = Profile(
    name="client",
    summary=(
        "A TLS client: proves who it is to a server that asks. It only signs "
        "(CertificateVerify), so keyUsage is digitalSignature alone."
    ),
    ca=False,
    key_usage=("digital_signature",),
    extended_key_usage=(ExtendedKeyUsageOID.CLIENT_AUTH,),
    needs_san=True,
)

PROFILES = {p.name: p for p in (ROOT_CA, INTERMEDIATE_CA, SERVER, CLIENT)}


def key_usage_of(certificate: x509.Certificate) -> tuple[str, ...]:
    """The keyUsage bits set in a certificate (empty if it has no keyUsage)."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return ()
    bits = []
    for arg in _KEY_USAGE_ARGS:
        try:
            if getattr(usage, arg):
                bits.append(arg)
        except ValueError:  # encipher_only/decipher_only without key_agreement
            pass
    return tuple(bits)
