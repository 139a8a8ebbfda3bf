"""The certificate authority: step 1 makes it, steps 2 and 3 use it to sign.

>>> import datetime as dt
>>> from pkilesson import CertificateAuthority, generate_key, create_csr, SERVER
>>> now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
>>> ca = CertificateAuthority.create("/O=Lab/CN=Lab Root CA", key_type="p256", now=now)
>>> key = generate_key("p256")
>>> csr = create_csr(key, "/O=Lab/CN=localhost", sans=["localhost", "127.0.0.1"])
>>> cert = ca.issue(csr, SERVER, now=now)
>>> cert.issuer == ca.certificate.subject
True
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Union

from cryptography import x509

from ._time import resolve_now, validity_window
from .certificates import check_key_pair, load_certificate
from .csr import as_csr, check_csr_signature, requested_sans
from .._catalog import N_, _
from ..errors import IssuanceError, argument_error, check_bool
from .keys import (
    CA_KEY_TYPES,
    DEFAULT_KEY_TYPE,
    PrivateKey,
    as_private_key,
    generate_key,
    key_type_of,
    load_private_key,
    require_private_key,
    signature_hash,
)
from .names import format_subj, parse_general_names, to_name
from .pem import Data
from .profiles import PROFILES, ROOT_CA, SERVER, Profile

__all__ = ["CertificateAuthority", "check_serial"]

# RFC 5280 4.1.2.2: a positive integer of at most 20 octets.
_MAX_SERIAL = (1 << 159) - 1


def check_serial(serial: Optional[int]) -> int:
    """A serial number: random (159 bits from the OS's CSPRNG) when None."""
    if serial is None:
        return x509.random_serial_number()
    if isinstance(serial, bool) or not isinstance(serial, int):
        raise IssuanceError(
            _("A serial number must be an integer, got {serial!r}.").format(serial=serial),
            _("pass serial=None for a random one, or an integer such as 1."),
        )
    if serial < 1:
        raise IssuanceError(
            _("Serial number {serial} is not positive; RFC 5280 requires a positive integer.").format(serial=serial),
            _("pass serial=None for a random one, or a positive integer."),
        )
    if serial > _MAX_SERIAL:
        raise IssuanceError(
            _("The serial number is longer than the 20 octets RFC 5280 allows."),
            _("pass serial=None for a random one (159 bits)."),
        )
    return serial


def _check_ca_key(key, allow_ed25519: bool) -> None:
    key_type = key_type_of(require_private_key(key, N_("CA's key")))
    if key_type not in CA_KEY_TYPES and not allow_ed25519:
        raise IssuanceError(
            _("The CA's key is {key_type}: pyca/cryptography's verifier, like browsers, refuses certificates signed "
              "with Ed25519 (the CA/Browser Forum allows only RSA and ECDSA signatures), though OpenSSL accepts them."
              ).format(key_type=key_type),
            _("give the CA a p256 or rsa2048 key (leaves may keep Ed25519 keys), or pass allow_ed25519=True to make "
              "such a CA for a lesson about it."),
        )


def _profile(profile) -> Profile:
    """A :class:`~pkilesson.pki.profiles.Profile`, or its name ("server", "client"...)."""
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, str) and profile in PROFILES:
        return PROFILES[profile]
    if isinstance(profile, str):
        raise IssuanceError(_("There is no profile {profile!r}.").format(profile=profile),
                            _("use one of {names}.").format(names=", ".join(map(repr, PROFILES))))
    raise argument_error("profile", f"a Profile (SERVER, CLIENT...) or its name, one of {', '.join(PROFILES)}",
                         profile)


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA: its private key and its certificate (``ca-key.pem``, ``ca-cert.pem``)."""

    key: PrivateKey
    certificate: x509.Certificate

    def __post_init__(self) -> None:
        if isinstance(self.key, (str, bytes, bytearray, os.PathLike)):
            object.__setattr__(self, "key", load_private_key(self.key))
        require_private_key(self.key, N_("CA's key"))
        if isinstance(self.certificate, (str, bytes, bytearray, os.PathLike)):
            object.__setattr__(self, "certificate", load_certificate(self.certificate))
        if not isinstance(self.certificate, x509.Certificate):
            raise IssuanceError(
                _("The CA's certificate must be a certificate, got {type}.").format(type=type(self.certificate).__name__),
                _("pass the CA certificate (load_certificate('ca-cert.pem'))."),
            )
        check_key_pair(self.key, self.certificate, N_("CA certificate"))

    @classmethod
    def create(
        cls,
        subject: Union[x509.Name, str, Mapping[str, str]] = "/C=FR/O=pkilesson/CN=pkilesson Root CA",
        *,
        key: Optional[PrivateKey] = None,
        key_type: str = DEFAULT_KEY_TYPE,
        days: Optional[int] = None,
        serial: Optional[int] = None,
        profile: Profile = ROOT_CA,
        allow_ed25519: bool = False,
        now: Optional[dt.datetime] = None,
    ) -> "CertificateAuthority":
        """Step 1: a new key (unless ``key`` is given) and a self-signed CA certificate.

        Like ``openssl genrsa 2048 > ca-key.pem`` then ``openssl req -new -x509
        -key ca-key.pem -out ca-cert.pem``, with the keyUsage the source's
        certificate lacks. An Ed25519 key is refused unless ``allow_ed25519``
        (see :data:`~pkilesson.pki.keys.CA_KEY_TYPES`).
        """
        profile = _profile(profile)
        check_bool(allow_ed25519, "allow_ed25519")
        if not profile.ca:
            raise IssuanceError(
                _("The {profile!r} profile is not a CA profile.").format(profile=profile.name),
                _("use ROOT_CA for a root CA."),
            )
        key = as_private_key(key, "key") if key is not None else generate_key(key_type)
        _check_ca_key(key, allow_ed25519)
        name = to_name(subject)
        now = resolve_now(now, IssuanceError)
        not_before, not_after = validity_window(now, profile.default_days if days is None else days, IssuanceError)
        public = key.public_key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(public)
            .serial_number(check_serial(serial))
            .not_valid_before(not_before)
            .not_valid_after(not_after)
        )
        for extension, critical in profile.extensions(public, public):
            builder = builder.add_extension(extension, critical=critical)
        return cls(key, builder.sign(key, signature_hash(key)))

    @classmethod
    def load(
        cls, certificate: Data, key: Data, passphrase: Union[str, bytes, None] = None
    ) -> "CertificateAuthority":
        """Read a CA from its certificate and key (PEM text, bytes or Paths)."""
        return cls(load_private_key(key, passphrase), load_certificate(certificate))

    @property
    def subject(self) -> x509.Name:
        return self.certificate.subject

    def issue(
        self,
        csr: x509.CertificateSigningRequest,
        profile: Profile = SERVER,
        *,
        sans: Optional[Iterable] = None,
        days: Optional[int] = None,
        serial: Optional[int] = None,
        allow_same_subject: bool = False,
        now: Optional[dt.datetime] = None,
    ) -> x509.Certificate:
        """Steps 2 and 3: check a CSR and sign a certificate for it.

        Like ``openssl x509 -req -in server-req.pem -CA ca-cert.pem -CAkey
        ca-key.pem``, plus the profile's extensions. The subjectAltName is
        ``sans`` when given, else what the CSR requests. ``serial`` is random
        unless given (the source uses 01 and 02).

        Raises :class:`IssuanceError` when the CSR's signature fails, a
        server/client certificate would have no subjectAltName, the subject
        equals the CA's own (unless ``allow_same_subject``), or the dates do
        not fit inside the CA's validity.
        """
        if isinstance(csr, (x509.Certificate, x509.CertificateRevocationList)) or hasattr(csr, "private_bytes"):
            raise IssuanceError(
                _("The CA signs certificate signing requests; it was given a {type}.").format(type=type(csr).__name__),
                _("pass the request made with create_csr() or read with load_csr()."),
            )
        csr = as_csr(csr)
        profile = _profile(profile)
        check_bool(allow_same_subject, "allow_same_subject")
        check_csr_signature(csr)
        self._check_can_sign()
        subject = csr.subject
        if subject == self.subject and not allow_same_subject:
            raise IssuanceError(
                _("The request's subject {subject} is the CA's own subject. A certificate whose issuer equals its "
                  "subject is 'self-issued' (RFC 5280 §6.1). OpenSSL takes it for self-signed, without checking its "
                  "signature, unless its authorityKeyIdentifier names another key than its own subjectKeyIdentifier "
                  "or its key type does not fit the CA's signature algorithm; 'openssl verify' then fails with error "
                  "18, 'self-signed certificate', as it does with the source's version 1 leaves (see "
                  "pkilesson.verify.selfissued).").format(subject=format_subj(subject)),
                _("give the server or client another CN than the CA's."),
            )
        names = parse_general_names(sans) if sans is not None else requested_sans(csr)
        if profile.needs_san and not names:
            raise IssuanceError(
                _("A {profile} certificate needs a subjectAltName and none was given or requested: modern TLS clients "
                  "ignore the CN.").format(profile=profile.name),
                _("pass sans=['localhost', '127.0.0.1'] (or put them in the CSR)."),
            )
        now = resolve_now(now, IssuanceError)
        not_before, not_after = validity_window(now, profile.default_days if days is None else days, IssuanceError)
        self._check_dates(not_before, not_after)
        public = csr.public_key()
        key_type_of(public)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.subject)
            .public_key(public)
            .serial_number(check_serial(serial))
            .not_valid_before(not_before)
            .not_valid_after(not_after)
        )
        for extension, critical in profile.extensions(
            public, self.key.public_key(), tuple(names), self._ski()
        ):
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(self.key, signature_hash(self.key))

    def _ski(self) -> Optional[x509.SubjectKeyIdentifier]:
        try:
            return self.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        except x509.ExtensionNotFound:
            return None

    def _check_can_sign(self) -> None:
        try:
            basic = self.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        except x509.ExtensionNotFound:
            return  # a v1 CA certificate, as old recipes make: verifiers decide
        if not basic.ca:
            raise IssuanceError(
                _("The certificate of {subject} says CA:FALSE: it may not sign certificates.").format(
                    subject=format_subj(self.subject)),
                _("sign with the CA's certificate and key (ca-cert.pem, ca-key.pem)."),
            )

    def _check_dates(self, not_before: dt.datetime, not_after: dt.datetime) -> None:
        ca_start = self.certificate.not_valid_before_utc
        ca_end = self.certificate.not_valid_after_utc
        if not_before < ca_start:
            raise IssuanceError(
                _("The CA is not valid yet at {time}Z (it starts {start}Z).").format(
                    time=f"{not_before:%Y-%m-%d %H:%M:%S}", start=f"{ca_start:%Y-%m-%d %H:%M:%S}"),
                _("issue at a later now=, or make the CA with an earlier now=."),
            )
        if not_before > ca_end:
            raise IssuanceError(
                _("The CA certificate expired on {date}.").format(date=f"{ca_end:%Y-%m-%d}"), _("make a new CA (step 1).")
            )
        if not_after > ca_end:
            room = (ca_end - not_before).days
            raise IssuanceError(
                _("The certificate would outlive its CA: it ends {end}, the CA ends {ca_end}.").format(
                    end=f"{not_after:%Y-%m-%d}", ca_end=f"{ca_end:%Y-%m-%d}"),
                _("give at most {days} days, or make a CA that lasts longer.").format(days=room),
            )
