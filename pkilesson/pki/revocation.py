"""Revocation: the CA says "do not trust this certificate any more" in a signed list, the CRL.

The source has no revocation: a stolen client key stays usable until its
certificate expires. Here the CA revokes a certificate by its serial number
and issues a certificate revocation list (CRL, RFC 5280 §5) with the reason,
the revocation date, an increasing CRL number and the CA's key identifier;
a server that loads it (``VERIFY_CRL_CHECK_LEAF``) refuses the revoked client.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Union

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ._time import resolve_now, validity_window
from .authority import _MAX_SERIAL, CertificateAuthority
from .certificates import as_certificate
from .._catalog import N_, Text, _, tr
from ..errors import IssuanceError, PkiLessonError, WorkspaceError, argument_error
from .keys import key_matches, signature_hash
from .pem import Data, single_pem_block
from .workspace import Workspace, _lstat, write_file

__all__ = ["REASONS", "CRL_FILE", "RevocationCheck", "make_crl", "load_crl", "crl_to_pem", "revoke", "is_revoked",
           "check_revocation"]

CRL_FILE = "ca-crl.pem"
#: The revocation reasons of RFC 5280 §5.3.1, by the names the CLI takes.
REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "keyCompromise": x509.ReasonFlags.key_compromise,
    "cACompromise": x509.ReasonFlags.ca_compromise,
    "affiliationChanged": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessationOfOperation": x509.ReasonFlags.cessation_of_operation,
    "certificateHold": x509.ReasonFlags.certificate_hold,
    "privilegeWithdrawn": x509.ReasonFlags.privilege_withdrawn,
}


def _reason(reason: Union[str, x509.ReasonFlags]) -> x509.ReasonFlags:
    if isinstance(reason, x509.ReasonFlags):
        return reason
    if not isinstance(reason, str) or reason not in REASONS:
        raise IssuanceError(_("Unknown revocation reason {reason!r}.").format(reason=reason),
                            _("use one of {names}.").format(names=", ".join(REASONS)))
    return REASONS[reason]


def make_crl(
    ca: CertificateAuthority,
    revoked: Iterable[x509.RevokedCertificate] = (),
    *,
    number: int = 1,
    days: int = 7,
    now: Optional[dt.datetime] = None,
) -> x509.CertificateRevocationList:
    """A CRL signed by ``ca`` listing ``revoked``, valid ``days`` days from ``now`` (its nextUpdate).

    It carries a CRL number (``number``, increasing with each new CRL) and
    the CA's authorityKeyIdentifier, as RFC 5280 §5.2 asks.
    """
    if not isinstance(ca, CertificateAuthority):
        raise argument_error("ca", N_("a CertificateAuthority"), ca,
                             _("pass the CA, e.g. Workspace('lab').load_authority()."))
    if isinstance(number, bool) or not isinstance(number, int):
        raise argument_error("number", N_("a whole number"), number)
    if not 0 <= number <= _MAX_SERIAL:
        raise IssuanceError(_("CRL number {number} is out of range: RFC 5280 allows 0 to 2**159 - 1.").format(
            number=number), _("give the number after the last CRL's, starting from 1."))
    if isinstance(revoked, (str, bytes)) or not isinstance(revoked, Iterable):
        raise argument_error("revoked", N_("a list of x509.RevokedCertificate entries"), revoked)
    revoked = list(revoked)
    for entry in revoked:
        if not isinstance(entry, x509.RevokedCertificate):
            raise argument_error("revoked", N_("a list of x509.RevokedCertificate entries"), entry)
    now = resolve_now(now, IssuanceError)
    this_update, next_update = validity_window(now, days, IssuanceError)
    try:
        ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)
    except x509.ExtensionNotFound:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key())
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(aki, critical=False)
    )
    for entry in revoked:
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(ca.key, signature_hash(ca.key))


def _entry(serial: int, reason: x509.ReasonFlags, when: dt.datetime) -> x509.RevokedCertificate:
    builder = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when)
    if reason != x509.ReasonFlags.unspecified:  # RFC 5280 §5.3.1: omit rather than say unspecified
        builder = builder.add_extension(x509.CRLReason(reason), critical=False)
    return builder.build()


def load_crl(data: Data) -> x509.CertificateRevocationList:
    """Read a CRL from PEM (or DER) text, bytes or a Path."""
    block = single_pem_block(data, N_("a certificate revocation list"), ("X509 CRL",), PkiLessonError)
    try:
        crl = x509.load_der_x509_crl(block.der)
        crl.issuer, crl.extensions, list(crl)
    except Exception as exc:  # any parser complaint means the bytes are not a CRL
        raise PkiLessonError(
            _("The bytes are not a valid CRL ({reason}).").format(reason=type(exc).__name__),
            _("make the CRL again with 'pkilesson revoke'.")
        ) from None
    return crl


def as_crl(value, parameter: str = "crl") -> x509.CertificateRevocationList:
    """``value`` as a CRL: a CRL object, or a path, PEM text or bytes read with :func:`load_crl`."""
    if isinstance(value, x509.CertificateRevocationList):
        return value
    if isinstance(value, (str, bytes, bytearray, memoryview, Path)):
        return load_crl(value)
    raise argument_error(parameter, N_("a CRL (an x509.CertificateRevocationList, a Path, PEM text or bytes)"), value)


def crl_to_pem(crl: x509.CertificateRevocationList) -> bytes:
    return as_crl(crl).public_bytes(serialization.Encoding.PEM)


def is_revoked(crl: x509.CertificateRevocationList, certificate: x509.Certificate) -> bool:
    """True when ``crl`` (from the certificate's issuer) lists the certificate's serial."""
    crl, certificate = as_crl(crl), as_certificate(certificate)
    return crl.issuer == certificate.issuer and crl.get_revoked_certificate_by_serial_number(
        certificate.serial_number) is not None


def revoke(
    directory: Union[str, Path],
    certificate: Union[x509.Certificate, Data],
    *,
    reason: Union[str, x509.ReasonFlags] = "keyCompromise",
    days: int = 7,
    now: Optional[dt.datetime] = None,
) -> x509.CertificateRevocationList:
    """Revoke ``certificate`` with the workspace's CA and write the new ``ca-crl.pem``.

    The new CRL keeps every entry of the existing ``ca-crl.pem``, adds this
    one, and takes the next CRL number. The whole read-modify-write holds the
    workspace's lock: concurrent revocations are applied one after the
    other, none is lost, and each CRL number is used once. The CRL file is
    replaced atomically: it is an update, the old list is inside the new one.

    Refused, with nothing written: revoking twice, a certificate another CA
    issued, the CA's own certificate, and an existing ``ca-crl.pem`` that
    this CA did not sign (its entries would be re-signed unchecked).
    """
    reason = _reason(reason)
    if isinstance(days, bool) or not isinstance(days, int):
        raise argument_error("days", N_("a whole number of days"), days)
    now = resolve_now(now, IssuanceError)
    validity_window(now, days, IssuanceError)
    workspace = Workspace(directory)
    workspace.check_folder()
    certificate = as_certificate(certificate, "certificate")
    with workspace.locked():
        ca = workspace.load_authority()
        if certificate.issuer != ca.subject or not _signed_by(certificate, ca):
            raise IssuanceError(
                _("This certificate was not issued by the workspace's CA: only its issuer can revoke it."),
                _("revoke a certificate signed by {path}.").format(path=f"{workspace.path}/ca-cert.pem"),
            )
        if key_matches(ca.key, certificate.public_key()):
            raise IssuanceError(
                _("This is the CA's own certificate: a CA cannot revoke itself in its own CRL (a client that "
                  "distrusts the CA would not believe the CRL it signs either)."),
                _("to retire the CA, remove ca-cert.pem from every trust store and make a new CA."),
            )
        path = workspace.path / CRL_FILE
        entries, number = [], 1
        if _lstat(path) is not None:
            old = _own_crl(path, ca)
            entries = list(old)
            try:
                number = old.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number + 1
            except x509.ExtensionNotFound:  # 'openssl ca -gencrl' without a crlnumber file
                number = 1
            if old.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None:
                raise IssuanceError(
                    _("Serial {serial} is already revoked in {crl}.").format(serial=f"{certificate.serial_number:x}",
                                                                            crl=CRL_FILE),
                    _("nothing more is needed: servers that load the CRL already refuse it.")
                )
        entries.append(_entry(certificate.serial_number, reason, now))
        crl = make_crl(ca, entries, number=number, days=days, now=now)
        write_file(path, crl_to_pem(crl), overwrite=True)
    return crl


def _own_crl(path: Path, ca: CertificateAuthority) -> x509.CertificateRevocationList:
    """The workspace's existing CRL, if this CA signed it."""
    try:
        old = load_crl(path)
    except PkiLessonError as exc:
        raise WorkspaceError(_("{name}: {problem}").format(name=CRL_FILE, problem=exc.problem), exc.fix) from None
    try:
        signed = old.issuer == ca.subject and old.is_signature_valid(ca.key.public_key())
    except Exception:  # an unsupported or mismatched algorithm: not this CA's
        signed = False
    if not signed:
        raise WorkspaceError(
            _("{path} was not signed by this workspace's CA (its issuer name or its signature does not match "
              "ca-cert.pem): its entries cannot be carried into a new CRL unchecked.").format(path=path),
            _("move {path} away (keep it if it is another CA's), then revoke again to start a new CRL.").format(
                path=path),
        )
    return old


def _signed_by(certificate: x509.Certificate, ca: CertificateAuthority) -> bool:
    try:
        certificate.verify_directly_issued_by(ca.certificate)
    except Exception:  # InvalidSignature, ValueError, TypeError: not this CA's
        return False
    return True


@dataclass(frozen=True)
class RevocationCheck:
    """pkilesson's check of one certificate against a CRL, step by step (our check, not a verifier's).

    Attributes:
        revoked: True when the CRL lists the certificate; None when the CRL
            could not be used (``problem`` says why); False otherwise.
        steps: (what was checked, passed) in order: the CRL's signature with
            the CA's key, its dates, its issuer against the certificate's, the serial.
        problem: the step that stopped the check, or the revocation itself.
        fix: what to do about it.
    """

    revoked: Optional[bool]
    steps: tuple[tuple[str, bool], ...]
    problem: str = ""
    fix: str = ""

    def to_dict(self) -> dict:
        return {"revoked": self.revoked, "steps": [{"check": c, "passed": p} for c, p in self.steps],
                "problem": self.problem or None, "fix": self.fix or None}

    def __str__(self) -> str:
        """In the messages' language (the attributes and :meth:`to_dict` stay English)."""
        if self.revoked is False:
            # Translators: the separator between the checks of a revocation check ("not revoked: a; b; c").
            separator = _("; ")
            return _("not revoked: {checks}").format(checks=separator.join(str(check) for check, _passed in self.steps))
        return (_("REVOKED: {problem}") if self.revoked else _("not checked: {problem}")).format(problem=self.problem)


def check_revocation(
    certificate: Union[x509.Certificate, Data],
    crl: Union[x509.CertificateRevocationList, Data],
    cas: Iterable[Union[x509.Certificate, Data]],
    *,
    now: Optional[dt.datetime] = None,
) -> RevocationCheck:
    """Is ``certificate`` on ``crl``? The CRL is trusted only if one of ``cas`` signed it, and only while current.

    In order: one of the CA certificates ``cas`` has the CRL's issuer as its
    subject and its key verifies the CRL's signature; ``now`` lies between the
    CRL's thisUpdate and nextUpdate; the CRL's issuer is the certificate's
    issuer (a CRL speaks only of its own CA's certificates); then the serial
    is looked up. The first step that fails stops the check.
    """
    certificate, crl = as_certificate(certificate), as_crl(crl)
    cas = [as_certificate(ca, "cas") for ca in cas]
    now = resolve_now(now)
    steps: list[tuple[str, bool]] = []
    signer = next((ca for ca in cas if ca.subject == crl.issuer and _crl_signed_by(crl, ca)), None)
    issuer = crl.issuer.rfc4514_string()
    steps.append((Text(N_("the CRL's signature verifies with the key of {issuer}"), issuer=issuer), signer is not None))
    if signer is None:
        problem = Text(N_("the CRL's signature does not verify with any trusted CA certificate (its issuer: {issuer})"),
                       issuer=issuer)
        fix = Text(N_("give the CRL of the CA that signed the certificate, and that CA with --ca"))
        return RevocationCheck(None, tuple(steps), problem, fix)
    current = crl.last_update_utc <= now and (crl.next_update_utc is None or now <= crl.next_update_utc)
    due = f"{crl.next_update_utc:%Y-%m-%d %H:%M}Z" if crl.next_update_utc else Text(N_("no date"))
    issued = f"{crl.last_update_utc:%Y-%m-%d %H:%M}Z"
    steps.append((Text(N_("the CRL is current (issued {issued}, next update {due})"), issued=issued, due=due), current))
    if not current:
        problem = Text(N_("the CRL is not current at {now} (issued {issued}, next update {due})"),
                       now=f"{now:%Y-%m-%d %H:%M}Z", issued=issued, due=due)
        fix = Text(N_("get the CA's latest CRL (pkilesson revoke writes a new one)"))
        return RevocationCheck(None, tuple(steps), problem, fix)
    same = crl.issuer == certificate.issuer
    steps.append((Text(N_("the CRL's issuer is the certificate's issuer")), same))
    if not same:
        problem = Text(N_("the CRL is from {issuer}, the certificate from {other}: this CRL cannot speak of it"),
                       issuer=issuer, other=certificate.issuer.rfc4514_string())
        fix = Text(N_("give the CRL of the CA that issued the certificate"))
        return RevocationCheck(None, tuple(steps), problem, fix)
    entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
    serial = f"{certificate.serial_number:x}"
    steps.append((Text(N_("serial {serial} is not on the list"), serial=serial), entry is None))
    if entry is None:
        return RevocationCheck(False, tuple(steps))
    try:
        reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.value
    except x509.ExtensionNotFound:
        reason = Text(N_("no reason given"))
    problem = Text(N_("serial {serial} was revoked on {date} ({reason})"), serial=serial,
                   date=f"{entry.revocation_date_utc:%Y-%m-%d %H:%M}Z", reason=reason)
    fix = Text(N_("issue a new certificate to replace it (a new key if the old one was compromised)"))
    return RevocationCheck(True, tuple(steps), problem, fix)

def _crl_signed_by(crl: x509.CertificateRevocationList, ca: x509.Certificate) -> bool:
    try:
        return crl.is_signature_valid(ca.public_key())
    except Exception:  # a key type that cannot have signed it
        return False
