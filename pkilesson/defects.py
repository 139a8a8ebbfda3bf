"""The break-it lab: one defect at a time, made live, ready for every verifier on the machine.

Each defect of :data:`DEFECTS` is built by :func:`make_defect` from fresh
keys: a leaf certificate (with its key, so a real TLS handshake can show
it too), the trusted roots, the intermediates given, the purpose, the host
name and the instant of the check. Most are built with pyca/cryptography
directly, because pkilesson's own CA refuses to make them; the version 1
leaf comes from the source's real ``openssl`` commands when the CLI is
installed, otherwise from files shipped with the package (made by OpenSSL
3.0.19 with the source's commands, lesson material only).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Optional

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from ._time import resolve_now
from .authority import CertificateAuthority
from .certificates import load_certificate
from .csr import create_csr
from .errors import PkiLessonError
from .keys import PrivateKey, generate_key, load_private_key
from .names import make_name
from .openssl import openssl_path
from .profiles import CLIENT, INTERMEDIATE_CA, SERVER

__all__ = ["DEFECTS", "Broken", "make_defect"]


@dataclass(frozen=True)
class _Defect:
    title: str
    what: str
    field: str
    fix: str


#: The defects of the lab: name -> title, what is wrong, the field to look at, the fix.
DEFECTS = {
    "none": _Defect("no defect (the control)", "A correct chain, made by pkilesson.", "", ""),
    "no-san": _Defect(
        "no subjectAltName", "The server certificate names its host only in the CN, as the source's does.",
        "tbsCertificate.subject", "add subjectAltName DNS:localhost (openssl: -addext / -extfile)"),
    "same-subject": _Defect(
        "CA and leaf with the same subject", "The server was given the CA's own name (the source's classic trap).",
        "tbsCertificate.subject", "give the server a CN of its own"),
    "reused-serial": _Defect(
        "reused serial number", "Two different certificates from one CA both carry serial 01, as the source's fixed "
        "-set_serial does when run twice.", "tbsCertificate.serialNumber",
        "let the CA pick random serials (159 bits); never reuse one"),
    "v1-leaf": _Defect(
        "version 1 leaf", "openssl x509 -req without an extension file, OpenSSL before 3.2: no extensions at all.",
        "tbsCertificate.version", "sign with -extfile (or OpenSSL 3.2+), as pkilesson's corrected command does"),
    "ca-no-key-usage": _Defect(
        "CA without keyUsage", "The CA certificate has basicConstraints CA:TRUE but no keyUsage, as the source's "
        "openssl req -x509 makes it.", "tbsCertificate.extensions",
        "make the CA with keyUsage=critical,keyCertSign,cRLSign"),
    "client-as-server": _Defect(
        "client certificate used as a server's", "The client's certificate (EKU clientAuth) is presented as a "
        "server's.", "tbsCertificate.extensions", "use the server's certificate (EKU serverAuth)"),
    "missing-eku": _Defect(
        "no extendedKeyUsage", "The server certificate has no EKU, so RFC 5280 lets it serve any purpose.",
        "tbsCertificate.extensions", "add extendedKeyUsage serverAuth (clientAuth for a client)"),
    "expired": _Defect(
        "expired", "The certificate's notAfter is in the past at the time of the check.",
        "tbsCertificate.validity.notAfter", "issue it again (renew)"),
    "not-yet-valid": _Defect(
        "not yet valid", "The certificate's notBefore is in the future at the time of the check.",
        "tbsCertificate.validity.notBefore", "check the clocks; wait until notBefore"),
    "other-ca": _Defect(
        "signed by another CA", "The server certificate was signed by a CA the client does not trust.",
        "tbsCertificate.issuer", "trust the CA that signed it, or have the trusted CA sign it"),
    "flipped-signature": _Defect(
        "one flipped byte in the signature", "One bit of the signature value was changed after signing.",
        "signatureValue", "use the certificate as the CA issued it"),
    "missing-intermediate": _Defect(
        "missing intermediate", "The server certificate was signed by an intermediate CA that is not given.",
        "tbsCertificate.issuer", "send the intermediate with the certificate (the chain file)"),
}


@dataclass(frozen=True)
class Broken:
    """One defect, made: the certificates a verifier is given, and what to look at.

    Attributes:
        defect: the name (a key of :data:`DEFECTS`).
        leaf: the certificate to verify; ``key`` its private key (None when not known).
        roots: the trusted CA certificates; ``intermediates`` the untrusted ones given.
        purpose: ``"server"`` or ``"client"``; ``host`` the server name checked.
        at: the instant of the check.
        others: extra certificates the lesson shows (the other one with the same serial).
        origin: where the certificates came from.
    """

    defect: str
    leaf: x509.Certificate
    key: Optional[PrivateKey] = field(repr=False)
    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]
    purpose: str
    host: Optional[str]
    at: dt.datetime
    others: tuple[x509.Certificate, ...] = ()
    origin: str = "built with pyca/cryptography"

    @property
    def title(self) -> str:
        return DEFECTS[self.defect].title

    @property
    def what(self) -> str:
        return DEFECTS[self.defect].what

    @property
    def field(self) -> str:
        return DEFECTS[self.defect].field

    @property
    def fix(self) -> str:
        return DEFECTS[self.defect].fix


def _name(cn: str) -> x509.Name:
    return make_name(C="FR", O="Lab", CN=cn)


def _build(subject, issuer_name, public_key, signer, *, serial, start, days, extensions) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name).public_key(public_key)
        .serial_number(serial).not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(signer, hashes.SHA256())


def _leaf_extensions(public_key, ca: CertificateAuthority, *, sans=("localhost", "127.0.0.1"), eku=True):
    from .names import parse_general_names

    profile = SERVER if eku else replace(SERVER, extended_key_usage=())
    ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    names = tuple(parse_general_names(list(sans))) if sans else ()
    return profile.extensions(public_key, ca.key.public_key(), names, ski)


def make_defect(defect: str, *, now: Optional[dt.datetime] = None, folder: Optional[Path] = None) -> Broken:
    """Make ``defect`` (a key of :data:`DEFECTS`) with fresh P-256 keys, checked at ``now``.

    ``folder`` is where the source's ``openssl`` commands run for the v1
    leaf (a temporary folder by default).
    """
    if defect not in DEFECTS:
        raise PkiLessonError(f"There is no defect {defect!r} in the lab.", f"pick one of {', '.join(DEFECTS)}.")
    now = resolve_now(now)
    # Every defect is checked at ``now`` (so Python's ssl, which only knows the real clock, can
    # join in): the CA started 90 days ago, leaves yesterday, the expired one 60 days ago for 30.
    start = now - dt.timedelta(days=1)
    ca = CertificateAuthority.create(_name("Lab Root CA"), key_type="p256", now=now - dt.timedelta(days=90))
    key = generate_key("p256")
    roots = (ca.certificate,)

    def server(**kwargs) -> x509.Certificate:
        return ca.issue(create_csr(key, _name("localhost"), ["localhost", "127.0.0.1"]), SERVER, now=start, **kwargs)

    if defect == "none":
        return Broken(defect, server(), key, roots, (), "server", "localhost", now, origin="pkilesson")
    if defect == "no-san":
        leaf = _build(_name("localhost"), ca.subject, key.public_key(), ca.key, serial=x509.random_serial_number(),
                      start=start, days=365, extensions=_leaf_extensions(key.public_key(), ca, sans=()))
        return Broken(defect, leaf, key, roots, (), "server", "localhost", now)
    if defect == "same-subject":
        # Like the source's leaves, no authorityKeyIdentifier: nothing tells the leaf from its CA but the
        # signature, and OpenSSL takes it for self-signed (error 18). With an AKI, OpenSSL and pyca accept it.
        extensions = [e for e in _leaf_extensions(key.public_key(), ca) if not isinstance(e[0], x509.AuthorityKeyIdentifier)]
        leaf = _build(ca.subject, ca.subject, key.public_key(), ca.key, serial=x509.random_serial_number(),
                      start=start, days=365, extensions=extensions)
        return Broken(defect, leaf, key, roots, (), "server", "localhost", now,
                      origin="built with pyca/cryptography, without authorityKeyIdentifier as the source's leaves")
    if defect == "reused-serial":
        first = server(serial=1)
        other_key = generate_key("p256")
        second = ca.issue(create_csr(other_key, _name("client.localhost"), ["client.localhost"]), CLIENT, serial=1,
                          now=start)
        return Broken(defect, first, key, roots, (), "server", "localhost", now, others=(second,),
                      origin="pkilesson with serial=1 twice")
    if defect == "v1-leaf":
        return _v1_leaf(now, folder)
    if defect == "ca-no-key-usage":
        ca_key = generate_key("p256")
        name = _name("Lab Root CA")
        ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
        root = _build(name, name, ca_key.public_key(), ca_key, serial=x509.random_serial_number(), start=start,
                      days=3650, extensions=[(ski, False), (x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False),
                                             (x509.BasicConstraints(ca=True, path_length=None), True)])
        weak = CertificateAuthority(ca_key, root)
        leaf = weak.issue(create_csr(key, _name("localhost"), ["localhost", "127.0.0.1"]), SERVER, now=start)
        return Broken(defect, leaf, key, (root,), (), "server", "localhost", now)
    if defect == "client-as-server":
        leaf = ca.issue(create_csr(key, _name("client.localhost"), ["client.localhost"]), CLIENT, now=start)
        return Broken(defect, leaf, key, roots, (), "server", "client.localhost", now)
    if defect == "missing-eku":
        leaf = _build(_name("localhost"), ca.subject, key.public_key(), ca.key, serial=x509.random_serial_number(),
                      start=start, days=365, extensions=_leaf_extensions(key.public_key(), ca, eku=False))
        return Broken(defect, leaf, key, roots, (), "server", "localhost", now)
    if defect == "expired":
        old = ca.issue(create_csr(key, _name("localhost"), ["localhost", "127.0.0.1"]), SERVER, days=30,
                       now=now - dt.timedelta(days=60))
        return Broken(defect, old, key, roots, (), "server", "localhost", now)
    if defect == "not-yet-valid":
        early = ca.issue(create_csr(key, _name("localhost"), ["localhost", "127.0.0.1"]), SERVER,
                         now=now + dt.timedelta(days=10))
        return Broken(defect, early, key, roots, (), "server", "localhost", now)
    if defect == "other-ca":
        other = CertificateAuthority.create(_name("Other CA"), key_type="p256", now=start)
        leaf = other.issue(create_csr(key, _name("localhost"), ["localhost", "127.0.0.1"]), SERVER, now=start)
        return Broken(defect, leaf, key, roots, (), "server", "localhost", now)
    if defect == "flipped-signature":
        good = server()
        der = bytearray(good.public_bytes(serialization.Encoding.DER))
        der[-5] ^= 0x01  # inside the signature value: the last bytes of the certificate
        return Broken(defect, x509.load_der_x509_certificate(bytes(der)), key, roots, (), "server", "localhost", now)
    # missing-intermediate
    inter_key = generate_key("p256")
    inter = CertificateAuthority(inter_key, ca.issue(create_csr(inter_key, _name("Lab Issuing CA")), INTERMEDIATE_CA,
                                                     now=start))
    leaf = inter.issue(create_csr(key, _name("localhost"), ["localhost", "127.0.0.1"]), SERVER, now=start)
    return Broken(defect, leaf, key, roots, (), "server", "localhost", now, others=(inter.certificate,))


def _v1_leaf(now: dt.datetime, folder: Optional[Path]) -> Broken:
    """The source's own v1 leaf: from the openssl CLI when there, else from the shipped files."""
    from .lesson import run_source_step

    if openssl_path() is not None:
        folder = Path(folder or tempfile.mkdtemp(prefix="pkilesson-v1-"))
        run_source_step(2, folder)
        leaf = load_certificate(folder / "server-cert.pem")
        origin = "the source's openssl commands, run here"
        key = load_private_key(folder / "server-key.pem")
        ca = load_certificate(folder / "ca-cert.pem")
    else:
        shipped = resources.files("pkilesson") / "data" / "source-v1"
        leaf = load_certificate(shipped.joinpath("server-cert.pem").read_bytes())
        ca = load_certificate(shipped.joinpath("ca-cert.pem").read_bytes())
        key, origin = None, "files shipped with pkilesson (made by OpenSSL 3.0.19 with the source's commands)"
    at = max(now, leaf.not_valid_before_utc + dt.timedelta(minutes=1))  # made just now by openssl: its own clock
    return Broken("v1-leaf", leaf, key, (ca,), (), "server", "localhost", at, origin=origin)
