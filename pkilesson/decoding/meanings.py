"""What each field means, in one plain sentence: the text of the decoded views.

Each sentence was checked against the RFC that defines the field (RFC 5280
for certificates and CRLs, RFC 2986 for CSRs, RFC 8017 for RSA, RFC 5480
and RFC 8032 for elliptic-curve keys and Ed25519) and against what
``openssl x509 -text`` shows for the lessons' files.
"""

from __future__ import annotations

from cryptography import x509

from .._catalog import N_, _, tr

__all__ = ["oid_name", "FIELDS", "EXTENSIONS", "critical_meaning", "extension_meaning", "signature_meaning"]

#: Names ``cryptography`` does not know, as the RFCs write them.
_EXTRA_NAMES = {
    "1.2.840.10045.3.1.7": "secp256r1",  # OpenSSL's name: prime256v1 (P-256)
    "1.3.132.0.34": "secp384r1",  # P-384
    "1.3.132.0.35": "secp521r1",
    "1.2.840.113549.1.9.14": "extensionRequest",
    "1.2.840.113549.1.9.7": "challengePassword",
}


def oid_name(dotted: str) -> str:
    """The usual name of an object identifier (``2.5.4.3`` is ``commonName``), else the dotted form."""
    if dotted in _EXTRA_NAMES:
        return _EXTRA_NAMES[dotted]
    try:
        name = x509.ObjectIdentifier(dotted)._name
    except ValueError:
        return dotted
    return dotted if name == "Unknown OID" else name


#: The meaning of each field of the field views, by field key (marked: :func:`~pkilesson._catalog.tr` where shown).
FIELDS = {
    # certificates (RFC 5280 section 4.1)
    "version": N_("The X.509 format version: only version 3 can carry extensions; a version 1 certificate has none."),
    "serial": N_("A positive number the CA gives each certificate it issues, unique per CA (RFC 5280 §4.1.2.2); "
           "CRLs name a revoked certificate by its issuer and serial."),
    "signature_algorithm": N_("How the issuer signed the to-be-signed part (TBS): the hash and the public-key algorithm."),
    "issuer": N_("The distinguished name of the CA that signed this; a verifier looks for a CA certificate "
           "whose subject is exactly this name."),
    "not_before": N_("The first instant at which the certificate is valid."),
    "not_after": N_("The last instant at which the certificate is valid; after it, verifiers refuse the certificate."),
    "validity": N_("Where the given 'now' falls in the validity period."),
    "subject": N_("The distinguished name of the entity whose public key the certificate binds to that name."),
    "public_key": N_("The subject's public key: it checks the signatures made with the matching private key."),
    "spki_sha256": N_("SHA-256 of the SubjectPublicKeyInfo: a short name for the key, the same in the key file, "
           "the CSR and the certificate."),
    "sha256": N_("SHA-256 of the whole DER file, as 'openssl x509 -fingerprint -sha256' prints it; it is not "
           "stored inside, and any change to the bytes changes it."),
    "sha1": N_("SHA-1 of the whole DER file, as older tools show it; SHA-1 collisions can be made, so compare "
           "the SHA-256 fingerprint instead."),
    "extensions": N_("A version 1 certificate has no extensions: nothing says whether it is a CA, what its key "
           "may do, or which host names it covers."),
    # CSRs (RFC 2986)
    "csr_version": N_("The PKCS#10 version: always 0, meaning version 1."),
    "csr_subject": N_("The name the requester asks the CA to put in the certificate's subject."),
    "csr_public_key": N_("The public key the requester asks the CA to certify; the matching private key signed this request."),
    "requested_extensions": N_("Extensions the requester asks for (in a PKCS#9 extensionRequest attribute); "
           "the CA decides what it really puts in the certificate."),
    "proof_of_possession": N_("The request is signed with the private key matching its public key: a valid "
           "signature proves that whoever made it held that key."),
    # keys
    "key_type": N_("The public-key algorithm, and the size of the key or its curve."),
    "key_format": N_("How the key is stored in the file."),
    "public_part": N_("The public half of the key pair, safe to share: it is what goes into the CSR and the certificate."),
    "private_part": N_("The secret half of the key pair. Anyone who reads this file can sign as its owner."),
    # CRLs (RFC 5280 section 5.1)
    "crl_version": N_("The CRL format version: version 2 can carry extensions."),
    "crl_issuer": N_("The distinguished name of the CA that signed this list of revoked certificates."),
    "this_update": N_("When the CA issued this CRL."),
    "next_update": N_("When the CA promises the next CRL, at the latest; past it, this CRL is stale."),
    "revoked": N_("The certificates the CA has revoked before their end of validity, by serial number."),
}

#: What each extension means (RFC 5280 section 4.2), by OID.
EXTENSIONS = {
    "2.5.29.19": N_("basicConstraints: whether the subject is a CA that may sign certificates (CA:TRUE), and "
           "how many CA certificates may follow it in a chain (pathlen)."),
    "2.5.29.15": N_("keyUsage: what the certified key may be used for, such as signing (digitalSignature), "
           "encrypting keys (keyEncipherment), signing certificates (keyCertSign) or CRLs (cRLSign)."),
    "2.5.29.37": N_("extendedKeyUsage: the purposes the certified key is for, such as a TLS server (serverAuth) "
           "or a TLS client (clientAuth)."),
    "2.5.29.17": N_("subjectAltName: the identities the certificate covers (DNS names, IP addresses, e-mail "
           "addresses, URIs); TLS clients match the server's name against these."),
    "2.5.29.14": N_("subjectKeyIdentifier: an identifier of the certified public key (commonly the SHA-1 of its "
           "bits), so that certificates holding a given key can be found."),
    "2.5.29.35": N_("authorityKeyIdentifier: identifies the public key of the CA that signed this (usually the "
           "CA's subjectKeyIdentifier), so a verifier can pick the right CA certificate."),
    "2.5.29.31": N_("cRLDistributionPoints: where to download the CRL that would list this certificate if it were revoked."),
    "1.3.6.1.5.5.7.1.1": N_("authorityInfoAccess: where to reach the issuer's OCSP responder and its certificate."),
    "2.5.29.32": N_("certificatePolicies: the policies under which the certificate was issued."),
    "2.5.29.30": N_("nameConstraints: the names a CA may certify below it."),
    "2.5.29.20": N_("cRLNumber: a sequence number the CA increases with each CRL it issues."),
    "2.5.29.21": N_("reasonCode: why this certificate was revoked."),
}


def extension_meaning(dotted: str) -> str:
    """The sentence for an extension; unknown ones get the rule RFC 5280 gives for them."""
    if dotted in EXTENSIONS:
        return tr(EXTENSIONS[dotted])
    return _("{name}: an extension pkilesson does not explain; a verifier that does not know it "
             "must reject the certificate if it is critical, and may ignore it otherwise.").format(name=oid_name(dotted))


def critical_meaning(critical: bool) -> str:
    """RFC 5280 §4.2: what the critical flag asks of a verifier."""
    if critical:
        return _("critical: a verifier that does not understand it must reject the certificate")
    return _("not critical: a verifier that does not understand it may ignore it")


_HASH_OF = {"sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512", "sha1": "SHA-1"}


def signature_meaning(algorithm_name: str) -> str:
    """One sentence on a signature algorithm, from its name (``sha256WithRSAEncryption``...)."""
    lower = algorithm_name.lower()
    hash_name = next((v for k, v in _HASH_OF.items() if k in lower), None)
    if "rsaencryption" in lower and hash_name:
        return _("RSA PKCS#1 v1.5: the {hash} digest of the signed bytes, padded and raised to the signer's private "
                 "exponent.").format(hash=hash_name)
    if lower.startswith("ecdsa") and hash_name:
        return _("ECDSA: a pair of numbers (r, s) computed from the {hash} digest of the signed bytes and the signer's "
                 "private key.").format(hash=hash_name)
    if lower == "ed25519":
        return _("Ed25519 (RFC 8032): the signer signs the bytes themselves, with no separate digest.")
    return _("{algorithm}: an algorithm pkilesson does not explain.").format(algorithm=algorithm_name)
