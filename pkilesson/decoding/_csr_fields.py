"""A certificate signing request's explained fields, its warning and its learner's rows."""

from __future__ import annotations

import datetime as dt
import json

from cryptography import x509

from .._catalog import _, tr
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
        Field("version", _("Version"), "1 (0x0)", tr(FIELDS["csr_version"]), "certificationRequestInfo.version"),
        Field("subject", _("Subject"), format_subj(request.subject), tr(FIELDS["csr_subject"]),
              "certificationRequestInfo.subject"),
        Field("public_key", _("Public key"), _("{key}; {public}").format(key=key_summary, public=public),
              tr(FIELDS["csr_public_key"]), "certificationRequestInfo.subjectPKInfo"),
        Field("spki_sha256", _("Public key fingerprint (SHA-256 of the SPKI)"),
              _colon_hex(bytes.fromhex(key_json["sha256"])), tr(FIELDS["spki_sha256"]), "certificationRequestInfo.subjectPKInfo"),
    ]
    paths = [n.name for _unused, n in tree.nodes() if n.type == "Extension" and not n.encapsulated]
    ext_fields, ext_json = _extensions(request.extensions, lambda i: paths[i] if i < len(paths) else "")
    asked = ", ".join(oid_name(e.oid.dotted_string) for e in request.extensions) or _("none")
    fields.append(Field("requested_extensions", _("Requested extensions"), asked, tr(FIELDS["requested_extensions"]),
                        "certificationRequestInfo.attributes"))  # always there: a comparison never says "(absent)"
    fields += ext_fields
    fields.append(Field("signature_algorithm", _("Signature algorithm"), algorithm, signature_meaning(algorithm),
                        "signatureAlgorithm"))
    fields.append(Field("proof_of_possession", _("Proof of possession"), _("the self-signature checks") if check.valid
                        else _("FAILS: {reason}").format(reason=check.said_reason), tr(FIELDS["proof_of_possession"]),
                        "signature"))
    prints, print_fields = _fingerprints(der)
    warnings = [] if check.valid else [_("The request's self-signature does not verify: a CA must refuse it.")]
    data = {
        "type": "csr", "version": 1, "subject": request.subject.rfc4514_string(), "public_key": key_json,
        "extensions": ext_json, "fingerprints": {"sha256": prints["sha256"]}, "signature": _signature_json(check),
    }
    title = _("certificate signing request {name}").format(name=format_subj(request.subject))
    summary = [Field("for_whom", _("Who asks"), plain_name(request.subject), _("The name it asks the CA to certify."))]
    names = _names(request.extensions)
    summary.append(Field("names", _("Names asked for"), ", ".join(names) or _("none"),
                         _("The host names and addresses it asks to be valid for.")))
    if any(isinstance(e.value, (x509.BasicConstraints, x509.KeyUsage, x509.ExtendedKeyUsage)) for e in request.extensions):
        summary.append(Field("purpose", _("Asks to be used for"), plain_purpose(request.extensions),
                             _("What it asks to be allowed; the CA decides.")))
    summary += _key_rows(key_summary, key_json)
    summary.append(Field("proof_of_possession", _("Proof it holds the key"),
                         _("ok: signed with the private key of the public key inside") if check.valid
                         else _("FAILED: {reason}").format(reason=check.said_reason),
                         _("Whether whoever made the request held the matching private key.")))
    return Decoded("csr", title, encoding, tuple(fields + print_fields[:1]), tree, check, tuple(warnings), now,
                   json.dumps(data), tuple(summary))
