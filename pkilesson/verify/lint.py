"""pkilint, DigiCert's X.509 linter, as its commands run it: RFC 5280 findings on a certificate.

:func:`lint_certificate` gives what ``lint_pkix_cert lint -s ALL FILE``
reports, :func:`lint_pair` what ``lint_pkix_signer_signee_cert_chain lint -s
ALL ISSUER SUBJECT`` reports, through pkilint's Python API built exactly as
those two commands build it. pkilint is imported when first used;
:func:`pkilint_available` says whether it is installed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .._catalog import N_

__all__ = ["Finding", "ALLOWED", "pkilint_available", "lint_certificate", "lint_pair", "blocking"]

@dataclass(frozen=True)
class Finding:
    """One pkilint finding, with where it is and (for a text node) its value.

    ``severity`` is pkilint's ``ValidationFindingSeverity`` (ordered: FATAL < ERROR < WARNING...).
    """

    severity: object
    code: str
    path: str
    message: Optional[str]
    validator: str
    value: Optional[str]

    @property
    def node_name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    def __str__(self) -> str:
        text = f"{self.severity.name} {self.code} @ {self.path}"
        if self.value is not None:
            text += f" (value {self.value!r})"
        if self.message:
            text += f": {self.message}"
        return f"{text} [{self.validator}]"


@dataclass(frozen=True)
class Allowed:
    """A finding accepted for one value only, with the reason."""

    code: str
    node_name: str
    value: str
    why: str

    def covers(self, finding: Finding) -> bool:
        return (finding.code, finding.node_name, finding.value) == (self.code, self.node_name, self.value)


#: pkilint checks dNSName with a domain validator that requires a top-level domain; 'localhost' is a
#: valid single-label host name (RFC 6761) and the lessons' server name.
#: The reason (``why``) is English, marked with N_: ``tr(why)`` shows it.
ALLOWED = (
    Allowed("pkix.invalid_domain_name_syntax", "dNSName", "localhost",
            N_("pkilint wants a top-level domain; 'localhost' is a valid single-label name (RFC 6761)")),
)


def pkilint_available() -> bool:
    try:
        import pkilint  # noqa: F401
    except ImportError:
        return False
    return True


def _findings(results) -> list[Finding]:
    from pyasn1.type import char

    def value(node) -> Optional[str]:
        pdu = node.pdu
        return str(pdu) if isinstance(pdu, char.AbstractCharacterString) and pdu.isValue else None

    return [
        Finding(d.finding.severity, d.finding.code, r.node.path, d.message, str(r.validator), value(r.node))
        for r in results
        for d in r.finding_descriptions
    ]


@lru_cache(maxsize=None)
def _certificate_validator():
    """The validator container of ``lint_pkix_cert`` (pkilint/bin/lint_pkix_cert.py)."""
    from pkilint.pkix import certificate, extension, name

    return certificate.create_pkix_certificate_validator_container(
        certificate.create_decoding_validators(name.ATTRIBUTE_TYPE_MAPPINGS, extension.EXTENSION_MAPPINGS),
        [
            certificate.create_issuer_validator_container([]),
            certificate.create_validity_validator_container(),
            certificate.create_subject_validator_container([]),
            certificate.create_extensions_validator_container([]),
            certificate.create_spki_validator_container([]),
        ],
    )


def _load(cert: x509.Certificate, file_name: str, *args):
    from pkilint import loader

    load = loader.RFC5280CertificateDocumentLoader().get_file_loader_func(loader.DocumentFormat.DETECT)
    return load(io.BytesIO(cert.public_bytes(serialization.Encoding.PEM)), file_name, *args)


def lint_certificate(cert: x509.Certificate, file_name: str = "cert.pem") -> list[Finding]:
    """What ``lint_pkix_cert lint -s ALL FILE`` reports on ``cert``."""
    return _findings(_certificate_validator().validate(_load(cert, file_name).root))


def lint_pair(issuer: x509.Certificate, subject: x509.Certificate) -> list[Finding]:
    """What ``lint_pkix_signer_signee_cert_chain lint -s ALL ISSUER SUBJECT`` reports."""
    from pkilint.bin import lint_pkix_signer_signee_cert_chain as chain

    collection: dict = {}
    issuer_doc = _load(issuer, "issuer.pem", "issuer", collection)
    collection["issuer"] = issuer_doc
    subject_doc = _load(subject, "subject.pem", "subject", collection)
    collection["subject"] = subject_doc
    decoding = chain.create_decoder_validation_container()
    results = decoding.validate(issuer_doc.root)
    results += decoding.validate(subject_doc.root)
    results += chain.create_issuer_validation_container().validate(issuer_doc.root)
    results += chain.create_subject_validation_container().validate(subject_doc.root)
    return _findings(results)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The ERROR and FATAL findings not on the allow-list :data:`ALLOWED`."""
    from pkilint.validation import ValidationFindingSeverity as Severity

    return [f for f in findings if f.severity <= Severity.ERROR and not any(a.covers(f) for a in ALLOWED)]
