"""A certificate signing request's explained fields, its warning and its learner's rows."""

from __future__ import annotations

import datetime as dt
import json

from cryptography import x509

from .asn1 import der_tree
from ._model import Decoded, Field
from .meanings import FIELDS, oid_name, signature_meaning
from ._plain import _key_rows, _names, plain_name, plain_purpose
from ..pki.names import format_subj
from .signatures import open_signature
from ._values import _colon_hex, _extensions, _fingerprints, _signature_json, key_facts


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
