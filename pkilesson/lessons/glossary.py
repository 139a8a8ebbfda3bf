"""The lessons' vocabulary: each term of ``docs/glossary.md``, how the lessons spell it, and where it is first used.

A term's first use in the lessons, read in order (00, 01, ...), must be its
definition (the term in **bold** or *italics* in that Markdown cell, with
its meaning) or a link to its entry, ``../docs/glossary.md#ANCHOR``. :func:`first_uses`
finds each term's first use and says whether it is explained there; a test
and ``benchmarks/bench_prose.py`` use it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

__all__ = ["TERMS", "Use", "anchor", "first_uses", "markdown_cells"]

#: term (the heading of its entry in docs/glossary.md) -> the pattern of its uses in the lessons.
TERMS = {
    "source document": r"\bsource document\b",
    "TLS": r"(?<!mutual )\bTLS\b",
    "handshake": r"(?i:\bhandshakes?\b)",
    "mutual TLS": r"\bmutual TLS\b|\bmTLS\b",
    "certificate": r"(?i:\bcertificates?\b)",
    "CA": r"\bCAs?\b",
    "key pair": r"(?i:\bkey pairs?\b)",
    "private key": r"(?i:\bprivate keys?\b)",
    "public key": r"(?i:\bpublic keys?\b)",
    "signature": r"(?i:\bsignatures?\b)",
    "X.509": r"\bX\.509\b",
    "RFC": r"\bRFCs?\b",
    "OpenSSL": r"\bOpenSSL\b",
    "pyca/cryptography": r"\bpyca/cryptography\b",
    "CSR": r"\bCSRs?\b|(?i:\bsigning requests?\b)",
    "PKCS#10": r"PKCS#10",
    "PEM": r"\bPEM\b",
    "DER": r"\bDER\b",
    "ASN.1": r"\bASN\.1\b",
    "OID": r"\bOIDs?\b",
    "distinguished name": r"(?i:\bdistinguished names?\b)",
    "CN": r"\bCN\b",
    "subject": r"\bsubject\b",
    "issuer": r"\bissuer\b",
    "serial number": r"(?i:\bserial( numbers?)?\b|\bserials\b)",
    "validity": r"\bvalidity\b|\bnotBefore\b|\bnotAfter\b",
    "extension": r"(?i:\bextensions?\b)",
    "SAN": r"\bSANs?\b|\bsubjectAltName\b",
    "basicConstraints": r"\bbasicConstraints\b",
    "keyUsage": r"\bkeyUsage\b",
    "EKU": r"\bEKUs?\b|\bextendedKeyUsage\b",
    "self-signed": r"(?i:\bself-signed\b)",
    "self-issued": r"(?i:\bself-issued\b)",
    "AKI and SKI": r"\bAKI\b|\bSKI\b|\bauthorityKeyIdentifier\b|\bsubjectKeyIdentifier\b",
    "fingerprint": r"(?i:\bfingerprints?\b)",
    "chain": r"(?i:\bchains?\b)",
    "leaf": r"(?i:\bleaf\b)|\b(?:the|two|its|version 1|v1|our|your) leaves\b",
    "root": r"(?i:\broots?\b)",
    "intermediate": r"(?i:\bintermediates?\b)",
    "trust store": r"(?i:\btrust stores?\b)",
    "CertificateVerify": r"\bCertificateVerify\b",
    "key exchange": r"(?i:\bkey exchange\b)",
    "revocation": r"(?i:\brevocation\b|\brevoked?\b|\brevoking\b)",
    "CRL": r"\bCRLs?\b",
    "OCSP": r"\bOCSP\b",
    "PKCS#8": r"PKCS#8",
    "CA/Browser Forum": r"\bCA/Browser Forum\b",
    "pkilint": r"\bpkilint\b",
    "verifier": r"(?i:\bverifiers?\b)",
    "alert": r"(?i:\balerts?\b)",
}
_COMPILED = {term: re.compile(pattern) for term, pattern in TERMS.items()}
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|(?<![*\w])\*([^*\n]+?)\*(?![*\w])", re.S)


def anchor(term: str) -> str:
    """The anchor of ``term``'s entry, as GitHub and JupyterLab make it from the heading."""
    text = term.lower().strip()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@dataclass(frozen=True)
class Use:
    """A term's first use: the notebook, the Markdown cell's index, the words around it, and if it is explained."""

    term: str
    notebook: str
    cell: int
    context: str
    explained: bool

    def __str__(self) -> str:
        how = "explained" if self.explained else "NOT explained (not defined in bold or italics there, no glossary link)"
        return f"{self.term!r}: first used in {self.notebook} cell {self.cell}, {how}: …{self.context}…"


def markdown_cells(path: Path) -> list[tuple[int, str]]:
    """The Markdown cells of a notebook, as (index, text)."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(i, "".join(c["source"])) for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "markdown"]


def _explained(term: str, text: str) -> bool:
    if f"glossary.md#{anchor(term)})" in text:
        return True
    # A definition puts the term itself in bold or italics ("a *key pair*: ..."); a quoted sentence in
    # italics that happens to contain the word is not one, hence at most five words.
    spans = (strong or emphasis for strong, emphasis in _EMPHASIS.findall(text))
    return any(len(span.split()) <= 5 and _COMPILED[term].search(span) for span in spans)


def first_uses(notebooks: Iterable[Path], terms: Optional[Iterable[str]] = None) -> list[Use]:
    """Each term's first use in ``notebooks`` read in the order given, and whether it is explained there."""
    wanted = list(terms or TERMS)
    found: dict[str, Use] = {}
    for path in notebooks:
        for index, text in markdown_cells(path):
            for term in wanted:
                if term in found:
                    continue
                match = _COMPILED[term].search(text)
                if match:
                    start, end = max(match.start() - 40, 0), min(match.end() + 40, len(text))
                    context = " ".join(text[start:end].split())
                    found[term] = Use(term, Path(path).name, index, context, _explained(term, text))
    return [found[t] for t in wanted if t in found]
