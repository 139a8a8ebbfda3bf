"""The break-it lab: one defect at a time, made live, ready for every verifier on the machine.

Each defect of :data:`DEFECTS` is made by :func:`make_defect` from a correct
chain, the *control*, by changing the one thing the defect names: the same
keys, names, serials and dates, so a verifier that refuses it refuses that
field. :func:`differences` lists what differs between a defect and its
control, and a test holds every defect to the list in :data:`DEFECTS`. Most
defects are signed again with pyca/cryptography, because pkilesson's own CA
refuses to make them; the version 1 leaf is cut from the control's DER and
signed again (pyca/cryptography only builds version 3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Optional

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from . import _rebuild
from .._catalog import N_, _, Text
from ..pki._time import resolve_now
from ..pki.authority import CertificateAuthority
from ..pki.csr import create_csr
from ..errors import PkiLessonError
from ..pki.keys import PrivateKey, generate_key
from ..pki.names import make_name
from ..pki.profiles import CLIENT, INTERMEDIATE_CA, SERVER

__all__ = ["DEFECTS", "Broken", "make_defect", "differences"]


@dataclass(frozen=True)
class _Defect:
    title: str
    what: str
    field: str
    fix: str
    differs: tuple[str, ...]
    at_fault: str = "leaf"


#: The defects of the lab: name -> title, what is wrong, the DER field to look at, the fix, and what
#: differs from the control (as :func:`differences` names it), and which certificate holds the field.
#: The title, what and fix are English (marked with N_): ``tr(DEFECTS[name].title)`` shows them in the
#: messages' language; :class:`Broken`'s properties give them as :class:`~pkilesson.verify._text.Text`.
DEFECTS = {
    "none": _Defect(N_("no defect (the control)"), N_("A correct chain, made by pkilesson."), "", "", ()),
    "no-san": _Defect(
        N_("no subjectAltName"),
        N_("The server certificate has no subjectAltName: it names its host only in the CN, as the source's does."),
        "tbsCertificate.subject", N_("add subjectAltName DNS:localhost (openssl: -addext / -extfile)"),
        ("leaf: extensions.subjectAltName",)),
    "same-subject": _Defect(
        N_("CA and leaf with the same subject"),
        N_("The server certificate carries the CA's own subject name (the source's classic trap); everything else, "
           "key identifiers included, is the control's."),
        "tbsCertificate.subject", N_("give the server a CN of its own"), ("leaf: subject",)),
    "reused-serial": _Defect(
        N_("reused serial number"),
        N_("Two different certificates from one CA both carry serial 01, as the source's fixed -set_serial does "
           "when run twice."),
        "tbsCertificate.serialNumber", N_("let the CA pick random serials (159 bits); never reuse one"),
        ("leaf: serialNumber",)),
    "v1-leaf": _Defect(
        N_("version 1 leaf"),
        N_("The server certificate is version 1, as openssl x509 -req without an extension file makes it before "
           "OpenSSL 3.2. Version 1 cannot carry extensions, so it has none; its CA is the control's."),
        "tbsCertificate.version", N_("sign with -extfile (or OpenSSL 3.2+), as pkilesson's corrected command does"),
        ("leaf: version", "leaf: extensions")),
    "ca-no-key-usage": _Defect(
        N_("CA without keyUsage"),
        N_("The CA certificate has basicConstraints CA:TRUE but no keyUsage, as the source's openssl req -x509 "
           "makes it; the server certificate is the control's."),
        "tbsCertificate.extensions", N_("make the CA with keyUsage=critical,keyCertSign,cRLSign"),
        ("trusted: extensions.keyUsage",), "trusted"),
    "client-as-server": _Defect(
        N_("client certificate used as a server's"),
        N_("The server presents a certificate whose extendedKeyUsage is clientAuth, a client's purpose, instead of "
           "serverAuth."),
        "tbsCertificate.extensions", N_("use the server's certificate (EKU serverAuth)"),
        ("leaf: extensions.extendedKeyUsage",)),
    "missing-eku": _Defect(
        N_("no extendedKeyUsage"), N_("The server certificate has no EKU, so RFC 5280 lets it serve any purpose."),
        "tbsCertificate.extensions", N_("add extendedKeyUsage serverAuth (clientAuth for a client)"),
        ("leaf: extensions.extendedKeyUsage",)),
    "expired": _Defect(
        N_("expired"), N_("The certificate's notAfter is in the past at the time of the check."),
        "tbsCertificate.validity.notAfter", N_("issue it again (renew)"), ("leaf: validity",)),
    "not-yet-valid": _Defect(
        N_("not yet valid"), N_("The certificate's notBefore is in the future at the time of the check."),
        "tbsCertificate.validity.notBefore", N_("check the clocks; wait until notBefore"), ("leaf: validity",)),
    "other-ca": _Defect(
        N_("signed by another CA"),
        N_("The server certificate is the control's, but the verifier trusts another CA (Other CA), not the one "
           "that signed it."),
        "tbsCertificate.issuer", N_("trust the CA that signed it, or have the trusted CA sign it"),
        ("trusted: another certificate",)),
    "flipped-signature": _Defect(
        N_("one flipped bit in the signature"), N_("One bit of the signature value was changed after signing."),
        "signatureValue", N_("use the certificate as the CA issued it"), ("leaf: signatureValue",)),
    "missing-intermediate": _Defect(
        N_("missing intermediate"),
        N_("The server certificate was signed by an intermediate CA, and the intermediate is not given (the control "
           "gives it)."),
        "tbsCertificate.issuer", N_("send the intermediate with the certificate (the chain file)"),
        ("untrusted: 1 certificate(s) -> 0",)),
}


@dataclass(frozen=True)
class Broken:
    """One defect, made: the certificates a verifier is given, and what to look at.

    Attributes:
        defect: the name (a key of :data:`DEFECTS`).
        leaf: the certificate to verify; ``key`` its private key.
        roots: the trusted CA certificates; ``intermediates`` the untrusted ones given.
        purpose: ``"server"`` or ``"client"``; ``host`` the server name checked.
        at: the instant of the check.
        issuer: the certificate that really signed ``leaf`` (given to the verifier or not).
        others: extra certificates the lesson shows (the other one with the same serial).
        control: the correct case this defect was made from (None for ``"none"`` itself).
        origin: how it was made (English, marked with N_: ``tr(origin)`` shows it).
    """

    defect: str
    leaf: x509.Certificate
    key: Optional[PrivateKey] = field(repr=False)
    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]
    purpose: str
    host: Optional[str]
    at: dt.datetime
    issuer: Optional[x509.Certificate] = field(default=None, repr=False)
    others: tuple[x509.Certificate, ...] = ()
    control: Optional["Broken"] = field(default=None, repr=False)
    origin: str = N_("pkilesson")

    @property
    def title(self) -> str:
        return Text(DEFECTS[self.defect].title)

    @property
    def what(self) -> str:
        return Text(DEFECTS[self.defect].what)

    @property
    def field(self) -> str:
        return DEFECTS[self.defect].field

    @property
    def fix(self) -> str:
        return Text(DEFECTS[self.defect].fix)

    @property
    def at_fault(self) -> x509.Certificate:
        """The certificate that holds :attr:`field`: the leaf, or the trusted CA's."""
        return self.roots[0] if DEFECTS[self.defect].at_fault == "trusted" else self.leaf


def _name(cn: str) -> x509.Name:
    return make_name(C="FR", O="Lab", CN=cn)


def make_defect(defect: str, *, now: Optional[dt.datetime] = None) -> Broken:
    """Make ``defect`` (a key of :data:`DEFECTS`) with fresh P-256 keys, checked at ``now``.

    The control is a root CA and a server certificate for ``localhost`` and
    127.0.0.1 made by pkilesson; the defect changes only what
    :data:`DEFECTS` says it changes (see :func:`differences`).
    """
    if defect not in DEFECTS:
        raise PkiLessonError(_("There is no defect {defect} in the lab.").format(defect=repr(defect)),
                             _("pick one of {names}.").format(names=", ".join(DEFECTS)))
    now = resolve_now(now)
    # Every defect is checked at ``now`` (so Python's ssl, which only knows the real clock, can
    # join in): the CA started 90 days ago, the leaf yesterday.
    start = now - dt.timedelta(days=1)
    ca = CertificateAuthority.create(_name("Lab Root CA"), key_type="p256", now=now - dt.timedelta(days=90))
    key = generate_key("p256")
    csr = create_csr(key, _name("localhost"), ["localhost", "127.0.0.1"])
    if defect == "missing-intermediate":
        inter_key = generate_key("p256")
        inter = CertificateAuthority(inter_key, ca.issue(create_csr(inter_key, _name("Lab Issuing CA")),
                                                         INTERMEDIATE_CA, now=start))
        leaf = inter.issue(csr, SERVER, now=start)
        control = Broken("none", leaf, key, (ca.certificate,), (inter.certificate,), "server", "localhost", now,
                         issuer=inter.certificate, origin=N_("pkilesson: a root, an intermediate given, a server"))
        return replace(control, defect=defect, intermediates=(), control=control)
    control = Broken("none", ca.issue(csr, SERVER, now=start), key, (ca.certificate,), (), "server", "localhost",
                     now, issuer=ca.certificate)
    if defect == "none":
        return control
    broken = replace(_break(defect, control, ca, now), control=control)
    return broken


def _break(defect: str, control: Broken, ca: CertificateAuthority, now: dt.datetime) -> Broken:
    """``control`` with the one change of ``defect``."""
    leaf, signer = control.leaf, ca.key

    def changed(**kwargs) -> Broken:
        return replace(control, defect=defect, leaf=_rebuild.rebuild(leaf, signer, **kwargs),
                       origin=N_("pkilesson's control, signed again by its CA with one change"))

    if defect == "no-san":
        return changed(drop=(x509.SubjectAlternativeName,))
    if defect == "same-subject":
        return changed(subject=ca.subject)
    if defect == "reused-serial":
        other_key = generate_key("p256")
        second = ca.issue(create_csr(other_key, _name("client.localhost"), ["client.localhost"]), CLIENT, serial=1,
                          now=control.leaf.not_valid_before_utc)
        return replace(changed(serial=1), others=(second,))
    if defect == "v1-leaf":
        return replace(control, defect=defect, leaf=_rebuild.as_version1(leaf, signer),
                       origin=N_("pkilesson's control cut to version 1 (no version field, no extensions), signed again"))
    if defect == "ca-no-key-usage":
        root = _rebuild.rebuild(ca.certificate, ca.key, drop=(x509.KeyUsage,))
        return replace(control, defect=defect, roots=(root,), issuer=root,
                       origin=N_("pkilesson's control; its CA certificate signed again without keyUsage"))
    if defect == "client-as-server":
        return changed(put=((x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False),))
    if defect == "missing-eku":
        return changed(drop=(x509.ExtendedKeyUsage,))
    if defect == "expired":
        return changed(not_before=now - dt.timedelta(days=60), not_after=now - dt.timedelta(days=30))
    if defect == "not-yet-valid":
        return changed(not_before=now + dt.timedelta(days=10), not_after=now + dt.timedelta(days=375))
    if defect == "other-ca":
        other = CertificateAuthority.create(_name("Other CA"), key_type="p256", now=now - dt.timedelta(days=90))
        return replace(control, defect=defect, roots=(other.certificate,),
                       origin=N_("pkilesson's control; the verifier is given another CA to trust"))
    # flipped-signature
    der = bytearray(leaf.public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0x01  # inside the signature value: the last bytes of the certificate
    return replace(control, defect=defect, leaf=x509.load_der_x509_certificate(bytes(der)),
                   origin=N_("pkilesson's control with one bit of its signature flipped"))


def differences(broken: Broken, control: Optional[Broken] = None) -> tuple[str, ...]:
    """What differs between ``broken`` and its control (``broken.control`` unless given).

    Each item names where: ``leaf: <field>`` (see
    :func:`pkilesson.verify._rebuild.differences`; ``leaf: extensions`` when one of
    the two has none at all), ``trusted: <field>`` (or ``trusted: another
    certificate`` when the trusted CA has another key), ``untrusted: N
    certificate(s) -> M``, and ``purpose``, ``host`` or ``at``.
    """
    control = control or broken.control
    if control is None:
        return ()
    found = [f"leaf: {name}" for name in _certificate_differences(control.leaf, broken.leaf)]
    if len(control.roots) != len(broken.roots):
        found.append(f"trusted: {len(control.roots)} certificate(s) -> {len(broken.roots)}")
    for left, right in zip(control.roots, broken.roots):
        if _rebuild.differences(left, right) and left.public_key() != right.public_key():
            found.append("trusted: another certificate")
        else:
            found += [f"trusted: {name}" for name in _certificate_differences(left, right)]
    if len(control.intermediates) != len(broken.intermediates):
        found.append(f"untrusted: {len(control.intermediates)} certificate(s) -> {len(broken.intermediates)}")
    else:
        for left, right in zip(control.intermediates, broken.intermediates):
            found += [f"untrusted: {name}" for name in _certificate_differences(left, right)]
    found += [name for name in ("purpose", "host", "at") if getattr(control, name) != getattr(broken, name)]
    return tuple(found)


def _certificate_differences(a: x509.Certificate, b: x509.Certificate) -> list[str]:
    names = list(_rebuild.differences(a, b))
    if (len(a.extensions) == 0) != (len(b.extensions) == 0):
        names = [n for n in names if not n.startswith("extensions.")] + ["extensions"]
    return names
