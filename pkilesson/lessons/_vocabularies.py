"""The names the exercises know: every accepted spelling of a keyUsage bit, an EKU purpose, an extension, a field.

A learner may write a name as the RFC does (``keyCertSign``), as the decoded
view labels it (``Certificate Sign``), as pyca/cryptography spells it
(``key_cert_sign``), or by its OID; in any case, with or without spaces,
underscores or hyphens. :func:`squash` removes what does not matter, and a
:class:`Vocabulary` maps every accepted spelling to one :class:`Term`.
:func:`kind_of` says which other vocabulary a misplaced word belongs to.
Reading an answer against them is :mod:`pkilesson.lessons._answers`'s part.

>>> KEY_USAGE.lookup("Certificate Sign").name
'keyCertSign'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from .._catalog import _translations
from ..decoding._fields import _EKU, _KEY_USAGE, _PLAIN_PURPOSE, _PLAIN_USAGE
from ..decoding.meanings import EXTENSIONS, oid_name
from ..pki.profiles import KEY_USAGE_OPENSSL

__all__ = ["squash", "Term", "Vocabulary", "kind_of", "KEY_USAGE", "EKU", "EXTENSION", "FIELD"]

#: Characters that never change a name: spaces, underscores, hyphens, and quotes or brackets around it.
_IGNORED = re.compile(r"[\s_\-'\"`{}\[\]()<>]+")


def squash(text: Any) -> str:
    """``text`` with case, spaces, underscores, hyphens, quotes and brackets ignored: ``"Key-Cert Sign"`` is
    ``keycertsign``."""
    return _IGNORED.sub("", str(text)).lower()


@dataclass(frozen=True)
class Term:
    """One name the exercises know: its RFC name, what kind of name it is, and how else it is written.

    Attributes:
        name: the name as RFC 5280 (or the RFC that defines it) writes it, e.g. ``keyCertSign``.
        kind: what it names, e.g. ``"keyUsage bit"``: hints say "X is a keyUsage bit, not ...".
        label: the decoded view's label for it, e.g. ``Certificate Sign`` (the name itself if none).
        spellings: every other accepted spelling (squashed when looked up).
    """

    name: str
    kind: str
    label: str = ""
    spellings: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The name, with the decoded view's label when that differs: ``keyCertSign ("Certificate Sign")``."""
        if self.label and squash(self.label) != squash(self.name):
            return f'{self.name} ("{self.label}")'
        return self.name


class Vocabulary:
    """The terms of one kind, found by any of their spellings."""

    def __init__(self, kind: str, terms: Iterable[Term]):
        self.kind = kind
        self.terms = tuple(terms)
        self._by_spelling: dict[str, Term] = {}
        for term in self.terms:
            for spelling in (term.name, term.label, *term.spellings):
                if spelling:
                    self._by_spelling.setdefault(squash(spelling), term)

    def lookup(self, text: Any) -> Optional[Term]:
        """The term ``text`` spells, or None."""
        return self._by_spelling.get(squash(text))

    def __getitem__(self, name: str) -> Term:
        term = self.lookup(name)
        if term is None:
            raise KeyError(name)
        return term

    def __contains__(self, text: Any) -> bool:
        return self.lookup(text) is not None

    def spellings(self, name: str) -> tuple[str, ...]:
        """Every spelling of the term ``name`` (unsquashed), for tests and documentation."""
        term = self[name]
        return tuple(dict.fromkeys(s for s in (term.name, term.label, *term.spellings) if s))


# -- the vocabularies ---------------------------------------------------------------------------------


def _in_french(*texts: str) -> tuple[str, ...]:
    """The French catalogue's translations of ``texts`` (a decoded view's labels, its plain words), where it
    has one: a French learner may type what the French edition showed, whatever the current language."""
    french = _translations("fr")
    return tuple(t for t in (french.gettext(text) for text in texts if text) if t not in texts)


#: French names a French learner may write (the glossary's terms, and the labels of Windows' French dialogs),
#: by the RFC name. They add to the English spellings, never replace one.
_FRENCH = {
    # keyUsage bits
    "digitalSignature": ("signature numérique", "signature électronique", "signer"),
    "nonRepudiation": ("non-répudiation", "non répudiation", "engagement de contenu", "signer pour la non-répudiation"),
    "keyEncipherment": ("chiffrement de clé", "chiffrement de clés", "chiffrement de la clé", "chiffrer des clés",
                        "chiffrer les clés"),
    "dataEncipherment": ("chiffrement de données", "chiffrement des données", "chiffrer des données",
                         "chiffrer les données"),
    "keyAgreement": ("accord de clé", "accord de clés", "s'accorder sur des clés", "convenir de clés"),
    "keyCertSign": ("signature de certificat", "signature de certificats", "signature des certificats",
                    "signer des certificats", "signer les certificats"),
    "cRLSign": ("signature de CRL", "signature des CRL", "signature de la CRL", "signer des CRL", "signer les CRL",
                "signature de listes de révocation", "signer des listes de révocation",
                "signer les listes de révocation", "signature de la liste de révocation de certificats",
                "signature de la liste de révocation de certificats (CRL)", "signature CRL hors connexion"),
    "encipherOnly": ("chiffrement seul", "chiffrement uniquement", "chiffrer seulement"),
    "decipherOnly": ("déchiffrement seul", "déchiffrement uniquement", "déchiffrer seulement"),
    # extendedKeyUsage purposes
    "serverAuth": ("authentification du serveur", "authentification de serveur", "authentification serveur",
                   "authentification du serveur TLS", "authentification de serveur web", "serveur TLS",
                   "un serveur TLS"),
    "clientAuth": ("authentification du client", "authentification de client", "authentification client",
                   "authentification du client TLS", "authentification de client web", "client TLS",
                   "un client TLS"),
    "codeSigning": ("signature de code", "signature du code", "signer du code", "signer le code"),
    "emailProtection": ("protection du courrier électronique", "protection de la messagerie",
                        "protection des courriels", "courrier électronique", "courriel"),
    "timeStamping": ("horodatage", "horodater"),
    "OCSPSigning": ("signature OCSP", "signer les réponses OCSP", "réponses de révocation (OCSP)"),
    "anyExtendedKeyUsage": ("tout usage étendu", "tout usage étendu de la clé", "n'importe quel usage"),
    # extensions
    "basicConstraints": ("contraintes de base",),
    "keyUsage": ("usage de la clé", "usage de clé", "usages de la clé"),
    "extendedKeyUsage": ("usage étendu de la clé", "usage étendu de clé", "usages étendus de la clé", "usage étendu"),
    "subjectAltName": ("nom alternatif du sujet", "noms alternatifs du sujet", "nom alternatif", "noms alternatifs"),
    "subjectKeyIdentifier": ("identifiant de la clé du sujet", "identifiant de clé du sujet"),
    "authorityKeyIdentifier": ("identifiant de la clé de l'autorité", "identifiant de clé de l'autorité"),
    "cRLDistributionPoints": ("points de distribution de la CRL", "points de distribution des CRL",
                              "points de distribution de CRL"),
    "authorityInfoAccess": ("accès aux informations de l'autorité",),
    "certificatePolicies": ("politiques de certificat", "politiques de certification"),
    "nameConstraints": ("contraintes de nom", "contraintes de noms"),
    "cRLNumber": ("numéro de CRL", "numéro de la CRL"),
    "cRLReason": ("motif de révocation", "code de raison", "raison de la révocation"),
    # certificate fields
    "version": ("numéro de version",),
    "serialNumber": ("numéro de série", "numéro de série du certificat", "série"),
    "signatureAlgorithm": ("algorithme de signature",),
    "issuer": ("émetteur", "l'émetteur", "nom de l'émetteur", "nom distinctif de l'émetteur", "signé par",
               "émis par", "délivré par"),
    "validity": ("validité", "période de validité", "durée de validité"),
    "notBefore": ("pas avant", "valide à partir du", "valide à partir de", "début de validité", "date de début"),
    "notAfter": ("pas après", "valide jusqu'au", "valide jusqu'à", "fin de validité", "expiration",
                 "date d'expiration", "date de fin"),
    "subject": ("sujet", "le sujet", "nom du sujet", "nom distinctif du sujet", "objet", "délivré à", "pour qui"),
    "subjectPublicKeyInfo": ("clé publique", "la clé publique", "informations sur la clé publique du sujet"),
    "signatureValue": ("valeur de la signature", "valeur de signature"),
}


def _french(name: str, *shown: str) -> tuple[str, ...]:
    """The French spellings of the term ``name``: its own, and the French catalogue's for what ``shown`` is."""
    return (*_FRENCH.get(name, ()), *_in_french(*shown))


_KU_LABELS = dict(_KEY_USAGE)
_KU_EXTRA = {
    "key_cert_sign": ("Certificate Signing", "Cert Sign", "certSign", "Key Cert Sign", "sign certificates"),
    "crl_sign": ("CRL Signing", "Off-line CRL Signing", "sign revocation lists", "sign CRLs"),
    "content_commitment": ("contentCommitment", "Content Commitment"),
}
#: The decoded view's plain words for them ("sign certificates"), where that view has them.
_KU_PLAIN = dict(_PLAIN_USAGE)
#: The keyUsage bits (RFC 5280 §4.2.1.3): decoded view's labels, cryptography's arguments, OpenSSL's names.
KEY_USAGE = Vocabulary("keyUsage bit", [
    Term(rfc, "keyUsage bit", _KU_LABELS.get(arg, rfc),
         (arg, *_KU_EXTRA.get(arg, ()), *((_KU_PLAIN[arg],) if arg in _KU_PLAIN else ()),
          *_french(rfc, _KU_LABELS.get(arg, ""), _KU_PLAIN.get(arg, ""))))
    for arg, rfc in KEY_USAGE_OPENSSL.items()
])

_EKU_EXTRA = {
    "serverAuth": ("Server Authentication", "TLS server", "SERVER_AUTH", "TLS Web Server"),
    "clientAuth": ("Client Authentication", "TLS client", "CLIENT_AUTH", "TLS Web Client"),
    "emailProtection": ("E-mail Protection", "Email Protection"),
}
_EKU_PLAIN = _PLAIN_PURPOSE
#: The extendedKeyUsage purposes (RFC 5280 §4.2.1.12): names, the decoded view's labels (and its plain words,
#: "a TLS server"), ``id-kp-`` names, OIDs.
EKU = Vocabulary("extendedKeyUsage purpose", [
    Term(oid_name(oid.dotted_string), "extendedKeyUsage purpose", label,
         (oid.dotted_string, "id-kp-" + oid_name(oid.dotted_string), *_EKU_EXTRA.get(oid_name(oid.dotted_string), ()),
          *((_EKU_PLAIN[oid], _EKU_PLAIN[oid].removeprefix("a ")) if oid in _EKU_PLAIN else ()),
          *_french(oid_name(oid.dotted_string), label, _EKU_PLAIN.get(oid, ""))))
    for oid, label in _EKU.items()
] + [Term("anyExtendedKeyUsage", "extendedKeyUsage purpose", "Any Extended Key Usage",
          ("2.5.29.37.0", *_french("anyExtendedKeyUsage")))])

#: The labels ``openssl x509 -text`` gives extensions (after "X509v3 "), and their usual abbreviations.
_EXTENSION_LABELS = {
    "2.5.29.19": ("Basic Constraints", ("BC",)),
    "2.5.29.15": ("Key Usage", ("KU",)),
    "2.5.29.37": ("Extended Key Usage", ("EKU", "XKU")),
    "2.5.29.17": ("Subject Alternative Name", ("SAN", "subject alt name", "alt names", "subjectAlternativeName")),
    "2.5.29.14": ("Subject Key Identifier", ("SKI", "SKID")),
    "2.5.29.35": ("Authority Key Identifier", ("AKI", "AKID")),
    "2.5.29.31": ("CRL Distribution Points", ("CDP",)),
    "1.3.6.1.5.5.7.1.1": ("Authority Information Access", ("AIA",)),
    "2.5.29.32": ("Certificate Policies", ()),
    "2.5.29.30": ("Name Constraints", ()),
    "2.5.29.20": ("CRL Number", ()),
    "2.5.29.21": ("CRL Reason Code", ("reason code", "reasonCode")),
}
#: The extensions the lessons explain (:data:`pkilesson.decoding.meanings.EXTENSIONS`): the decoded view's names
#: (``subjectAltName``), OpenSSL's labels (``X509v3 Subject Alternative Name``), abbreviations, OIDs.
EXTENSION = Vocabulary("extension", [
    Term(oid_name(dotted), "extension", _EXTENSION_LABELS.get(dotted, ("", ()))[0],
         (dotted, f"ext:{dotted}", "X509v3 " + _EXTENSION_LABELS.get(dotted, (oid_name(dotted), ()))[0],
          *_EXTENSION_LABELS.get(dotted, ("", ()))[1], *_french(oid_name(dotted))))
    for dotted in EXTENSIONS
])

def _with_french(term: Term) -> Term:
    return Term(term.name, term.kind, term.label, (*term.spellings, *_french(term.name, term.label)))


#: The fields of a certificate (RFC 5280 §4.1): the RFC's names, and the decoded view's and compare()'s labels.
FIELD = Vocabulary("certificate field", [_with_french(term) for term in (
    Term("version", "certificate field", "Version"),
    Term("serialNumber", "certificate field", "Serial number",
         ("serial", "serial_number", "serial no", "certificate serial number", "CertificateSerialNumber",
          "tbsCertificate.serialNumber")),
    Term("signatureAlgorithm", "certificate field", "Signature algorithm",
         ("signature_algorithm", "signature algorithm identifier")),
    Term("issuer", "certificate field", "Issuer",
         ("issuer name", "issuerName", "issuer DN", "issuer distinguished name", "tbsCertificate.issuer",
          "Signed by")),
    Term("validity", "certificate field", "Validity", ("validity period",)),
    Term("notBefore", "certificate field", "Not before", ("not_before", "Valid from", "start date")),
    Term("notAfter", "certificate field", "Not after", ("not_after", "Valid until", "expiry", "expiration date", "end date")),
    Term("subject", "certificate field", "Subject",
         ("subject name", "subjectName", "subject DN", "subject distinguished name", "tbsCertificate.subject",
          "For whom")),
    Term("subjectPublicKeyInfo", "certificate field", "Public key",
         ("public_key", "SPKI", "public key info", "subject public key info", "subjectPublicKey")),
    Term("signatureValue", "certificate field", "Signature", ("signature value",)),
)])

#: Every vocabulary, for hints that say what kind of name a misplaced word is.
_ALL = (KEY_USAGE, EKU, EXTENSION, FIELD)


def kind_of(text: Any, *, besides: Optional[Vocabulary] = None) -> Optional[Term]:
    """The term ``text`` spells in any vocabulary other than ``besides``, or None."""
    for vocabulary in _ALL:
        if vocabulary is not besides:
            term = vocabulary.lookup(text)
            if term is not None:
                return term
    return None
