"""A leaf named like its CA: when OpenSSL takes it for self-signed (error 18), measured case by case.

OpenSSL decides whether a certificate is *self-signed* when it first reads
it, in ``x509v3_cache_extensions`` (``crypto/x509/v3_purp.c``), without
checking any signature: the certificate is flagged self-signed when

1. its subject equals its issuer (it is then *self-issued*, RFC 5280 §6.1),
2. ``X509_check_akid`` passes with the certificate as its own issuer: it has
   no authorityKeyIdentifier, or no subjectKeyIdentifier to compare it with,
   or the two are equal, and
3. its signature algorithm fits its own public key (an RSA key under an RSA
   signature, an EC key under an ECDSA signature).

``openssl verify`` then treats such a leaf as a root that nobody trusts:
``error 18 at 0 depth lookup: self-signed certificate``.
:func:`same_subject_cases` makes one leaf per case, each carrying its CA's
subject and signed by that CA, runs the real ``openssl verify`` on each, and
puts OpenSSL's own words beside our reading of the rule above.
"""

from __future__ import annotations

import datetime as dt
import html
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from .._catalog import N_, _, shown, Text, tr
from ..pki._time import resolve_now
from ..pki.authority import CertificateAuthority
from ..pki.certificates import certificate_to_pem
from ..errors import PkiLessonError
from ..pki.keys import generate_key, key_type_of, signature_hash
from ..pki.openssl import openssl_path, openssl_version, run

__all__ = ["CASES", "Case", "SameSubjectTable", "same_subject_cases", "openssl_reading"]

#: The cases, in table order: name -> what the leaf carries (each has the CA's subject, and is signed by the CA);
#: English, marked with N_: ``tr(CASES[name])`` shows it.
CASES = {
    "v1": N_("version 1, no extensions (the source's leaf, OpenSSL before 3.2)"),
    "aki+ski": N_("version 3, authorityKeyIdentifier (the CA's key) and subjectKeyIdentifier (its own)"),
    "aki only": N_("version 3, authorityKeyIdentifier only"),
    "ski only": N_("version 3, subjectKeyIdentifier only"),
    "v3, no key ids": N_("version 3, a full server profile (CA:FALSE, keyUsage, EKU, SAN) but no key identifiers"),
    "other key type": N_("version 1, no extensions, a key of another type than the CA's"),
}
#: A case's name (data: ``Case.name``, ``--json``, tests) as its row is labelled: "v1" and "aki+ski" are the same in
#: every language (a version, two extensions' abbreviations); the others have words.
_LABELS = {"aki only": N_("aki only"), "ski only": N_("ski only"), "v3, no key ids": N_("v3, no key ids"),
           "other key type": N_("other key type")}
_NOT_RUN = N_("not run: the openssl command is not installed here")


def _label(name: str) -> str:
    """Case ``name``'s row label in the current language."""
    return tr(_LABELS[name]) if name in _LABELS else name


@dataclass(frozen=True)
class Case:
    """One leaf with its CA's subject: what it carries, what OpenSSL said, and our reading of OpenSSL's rule.

    ``openssl_ok`` is None when ``openssl verify`` did not run (no CLI). ``carries`` and ``reading`` are
    ours (a :class:`~pkilesson.verify._text.Text`: English as data, in the messages' language when shown).
    """

    name: str
    carries: str
    certificate: x509.Certificate
    reading: str
    predicted_ok: bool
    command: str
    openssl_words: str
    openssl_ok: Optional[bool]


@dataclass(frozen=True)
class SameSubjectTable:
    """Every case, with the ``openssl version`` that judged them (None when the CLI is absent)."""

    cases: tuple[Case, ...]
    ca_key: str
    openssl: Optional[str]

    def case(self, name: str) -> Case:
        for case in self.cases:
            if case.name == name:
                return case
        raise PkiLessonError(_("There is no case {name}.").format(name=repr(name)),
                             _("use one of {names}.").format(names=", ".join(CASES)))

    def _note(self) -> str:
        if self.openssl is None:
            return _("The openssl command is not installed here: OpenSSL's column is empty, not guessed.")
        return _("OpenSSL's words are {version}'s own (openssl verify -CAfile ca-cert.pem LEAF.pem).").format(
            version=self.openssl)

    def _head(self) -> str:
        return _("Leaves with the CA's subject, signed by the CA ({key} key).").format(key=self.ca_key)

    def __str__(self) -> str:
        lines = [f"{self._head()} {self._note()}"]
        for case in self.cases:
            # Translators: between a label and what follows it (French: a space before the colon).
            lines += ["- " + _label(case.name) + _(": ") + str(case.carries),
                      "    " + _("OpenSSL said: {words}").format(words=case.openssl_words),
                      "    " + _("our reading of OpenSSL's rule: {reading}").format(reading=case.reading)]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = {True: "var(--jp-success-color1, #2e7d32)", False: "var(--jp-error-color1, #c62828)",
                  None: "inherit"}
        openssl = html.escape(self.openssl or _("not run"))
        rows = "".join(
            f"<tr><td><b>{html.escape(_label(c.name))}</b></td><td>{html.escape(shown(c.carries))}</td>"
            f'<td style="color: {colour[c.openssl_ok]}"><code>{html.escape(shown(c.openssl_words))}</code></td>'
            f"<td>{openssl}</td><td>{html.escape(shown(c.reading))}</td></tr>"
            for c in self.cases
        )
        return (
            f'<div class="pkilesson-selfissued"><p>{html.escape(self._head())} {html.escape(self._note())}</p><table>'
            + _("<tr><th>case</th><th>what the leaf carries</th><th>OpenSSL's own words</th><th>OpenSSL version</th>"
                "<th>our reading of OpenSSL's rule</th></tr>")
            + f"{rows}</table></div>"
        )


# -- our reading of OpenSSL's rule --------------------------------------------------------------------


def _extension(certificate: x509.Certificate, kind):
    try:
        return certificate.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _key_kind(key) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC"
    return key_type_of(key)


def _signature_kind(certificate: x509.Certificate) -> str:
    parameters = certificate.signature_algorithm_parameters
    if isinstance(parameters, (padding.PKCS1v15, padding.PSS)):
        return "RSA"
    if isinstance(parameters, ec.ECDSA):
        return "ECDSA"
    return certificate.signature_algorithm_oid._name


def _fits(certificate: x509.Certificate) -> bool:
    """Whether the signature algorithm is one for the certificate's own key type (OpenSSL's check_sig_alg_match)."""
    pairs = {("RSA", "RSA"), ("EC", "ECDSA"), ("ed25519", "ed25519"), ("ed25519", "Ed25519")}
    return (_key_kind(certificate.public_key()), _signature_kind(certificate)) in pairs


def openssl_reading(certificate: x509.Certificate) -> tuple[bool, str]:
    """(whether OpenSSL flags ``certificate`` self-signed, why): our reading of ``x509v3_cache_extensions``.

    This is pkilesson's explanation of OpenSSL's rule, not OpenSSL's verdict:
    :func:`same_subject_cases` runs the real ``openssl verify`` beside it.
    """
    if certificate.subject != certificate.issuer:
        return False, Text(N_("subject and issuer differ: not even self-issued"))
    aki, ski = _extension(certificate, x509.AuthorityKeyIdentifier), _extension(certificate, x509.SubjectKeyIdentifier)
    if aki is None or aki.key_identifier is None:
        akid = True, Text(N_("no authorityKeyIdentifier, so the key check passes"))
    elif ski is None:
        akid = True, Text(N_("an authorityKeyIdentifier but no subjectKeyIdentifier to compare it with, so the key "
                             "check passes"))
    elif aki.key_identifier == ski.digest:
        akid = True, Text(N_("its authorityKeyIdentifier equals its own subjectKeyIdentifier"))
    else:
        akid = False, Text(N_("its authorityKeyIdentifier names another key than its subjectKeyIdentifier"))
    fits = _fits(certificate)
    kinds = {"signature": _signature_kind(certificate), "key": _key_kind(certificate.public_key())}
    fit = (Text(N_("{signature} signature, {key} key: they fit"), **kinds) if fits
           else Text(N_("{signature} signature, {key} key: they do not fit"), **kinds))
    if akid[0] and fits:
        return True, Text(N_("same names; {akid}; {fit}: flagged self-signed, so error 18"), akid=akid[1], fit=fit)
    reason = akid[1] if not akid[0] else fit
    return False, Text(N_("same names, but {reason}: not flagged self-signed, so the CA is looked up and the chain "
                          "checks"), reason=reason)


# -- the cases ------------------------------------------------------------------------------------------


def _tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start of the value, end of the element) of the DER element at ``offset``."""
    tag, length, pos = data[offset], data[offset + 1], offset + 2
    if length & 0x80:
        count = length & 0x7F
        length, pos = int.from_bytes(data[pos:pos + count], "big"), pos + count
    return tag, pos, pos + length


def _children(data: bytes) -> list[bytes]:
    _tag, pos, end = _tlv(data, 0)
    items = []
    while pos < end:
        _tag, _start, stop = _tlv(data, pos)
        items.append(data[pos:stop])
        pos = stop
    return items


def _encode(tag: int, value: bytes) -> bytes:
    if len(value) < 0x80:
        return bytes([tag, len(value)]) + value
    size = len(value).to_bytes((len(value).bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + value


def _as_version_1(certificate: x509.Certificate, ca_key) -> x509.Certificate:
    """The same certificate as version 1 (no version field, no extensions), signed again by ``ca_key``.

    pyca/cryptography's builder always writes version 3; ``openssl x509
    -req`` before OpenSSL 3.2 wrote version 1 when given no extension.
    """
    from cryptography.hazmat.primitives.serialization import Encoding

    tbs = [item for item in _children(certificate.tbs_certificate_bytes) if item[0] not in (0xA0, 0xA3)]
    tbs_der = _encode(0x30, b"".join(tbs))
    algorithm = _children(certificate.public_bytes(Encoding.DER))[1]
    if isinstance(ca_key, rsa.RSAPrivateKey):
        signature = ca_key.sign(tbs_der, padding.PKCS1v15(), signature_hash(ca_key))
    elif isinstance(ca_key, ec.EllipticCurvePrivateKey):
        signature = ca_key.sign(tbs_der, ec.ECDSA(signature_hash(ca_key)))
    else:
        signature = ca_key.sign(tbs_der)
    der = _encode(0x30, tbs_der + algorithm + _encode(0x03, b"\x00" + signature))
    return x509.load_der_x509_certificate(der)


def _leaf(ca: CertificateAuthority, name: str, key, now: dt.datetime) -> x509.Certificate:
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(ca.subject)
        .issuer_name(ca.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(min(now + dt.timedelta(days=30), ca.certificate.not_valid_after_utc))
    )
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca.key.public_key())
    if name in ("aki+ski", "aki only"):
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), False)
    if name in ("aki+ski", "ski only"):
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public), False)
    if name == "v3, no key ids":
        builder = (
            builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
        )
    certificate = builder.sign(ca.key, signature_hash(ca.key))
    return _as_version_1(certificate, ca.key) if name in ("v1", "other key type") else certificate


def _verify(folder: Path, name: str, certificate: x509.Certificate, at: Optional[dt.datetime]) -> tuple[str, str, Optional[bool]]:
    file = name.replace(" ", "-").replace(",", "").replace("+", "-") + ".pem"
    (folder / file).write_bytes(certificate_to_pem(certificate))
    attime = f" -attime {int(at.timestamp())}" if at is not None else ""
    command = f"openssl verify{attime} -CAfile ca-cert.pem {file}"
    if openssl_path() is None:
        return command, Text(_NOT_RUN), None
    done = run(command, folder, check=False)
    lines = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error ") and " at " in line]
    words = errors[0] if errors else (lines[-1] if lines else Text(N_("(no output, exit status {status})"),
                                                                     status=done.returncode))
    return command, words, done.ok


def same_subject_cases(
    folder: Union[str, Path, None] = None,
    *,
    ca: Optional[CertificateAuthority] = None,
    now: Optional[dt.datetime] = None,
) -> SameSubjectTable:
    """Six leaves carrying their CA's subject, each judged by the real ``openssl verify``.

    ``ca`` signs them (default: a new RSA 2048 CA named ``/C=FR/O=Lab/CN=Lab
    CA``, like the source's). The files are written to ``folder`` (default:
    a temporary folder, removed afterwards). ``now`` dates the leaves; when
    given, ``openssl verify`` checks at that instant (``-attime``). Without
    the ``openssl`` CLI, OpenSSL's column says so and nothing is guessed.
    """
    if ca is not None and not isinstance(ca, CertificateAuthority):
        raise PkiLessonError(_("ca must be a CertificateAuthority, got {type}.").format(type=type(ca).__name__),
                             _("pass prepared.ca, or leave it out for a new RSA CA."))
    at = None if now is None else resolve_now(now)
    moment = resolve_now(now)
    if ca is None:
        ca = CertificateAuthority.create("/C=FR/O=Lab/CN=Lab CA", key_type="rsa2048",
                                         now=moment - dt.timedelta(hours=1), days=365)
    ca_type = key_type_of(ca.key)
    same, other = (("rsa2048", "p256") if ca_type.startswith("rsa") else ("p256", "rsa2048"))
    keys = {same: generate_key(same), other: generate_key(other)}
    with tempfile.TemporaryDirectory(prefix="pkilesson-same-subject-") as temporary:
        where = Path(folder) if folder is not None else Path(temporary)
        where.mkdir(parents=True, exist_ok=True)
        (where / "ca-cert.pem").write_bytes(certificate_to_pem(ca.certificate))
        cases = []
        for name, carries in CASES.items():
            key = keys[other if name == "other key type" else same]
            certificate = _leaf(ca, name, key, moment)
            predicted, reading = openssl_reading(certificate)
            command, words, ok = _verify(where, name, certificate, at)
            if name == "other key type":
                carries = Text(N_("{carries}: {key} under the CA's {ca}"), carries=Text(carries), key=key_type_of(key),
                               ca=ca_type)
            else:
                carries = Text(carries)
            cases.append(Case(name, carries, certificate, reading, not predicted, command, words, ok))
    return SameSubjectTable(tuple(cases), ca_type, openssl_version() if openssl_path() else None)
