"""Lesson 02's exercises: what a CSR's signature proves, the server certificate's names, issuer and serial.
"""

from __future__ import annotations

from pathlib import Path as _Path

from .._catalog import N_, _, ngettext, tr
from ._answers import FIELD, NONE_WORDS, a_kind, listed, read_host_names, read_set
from ._exercise_kit import _as_written, _extra, _joined, _misplaced, _one_letter, _wrong_format, exercise


@exercise("02.csr-proves", N_("What does the signature on a CSR prove? (a) that the requester owns the name it "
                              "asks for; (b) that the requester holds the private key matching the public key "
                              "inside; (c) that the CA approved the request"),
          N_('one letter: "a", "b" or "c"'))
def _csr_proves(answer) -> tuple[bool, str]:
    given, problem = _one_letter("02.csr-proves", answer, "abc")
    if problem:
        return problem
    if given == "b":
        return True, _("the CSR is signed with the private key whose public half it carries (proof of possession, "
                       "RFC 2986). It says nothing about the name: anyone can ask for CN=localhost.")
    if given == "a":
        return False, _("(a) is wrong: anyone can write any name in a CSR; checking the name is the CA's job, before "
                        "it signs.")
    return False, _("(c) is wrong: the requester signs the CSR, not the CA; the CA's signature is on the certificate.")


@exercise("02.server-names", N_("Which names does a strict client (a browser, pyca/cryptography) accept for the "
                                "server certificate in lab/? Host names and IP addresses both count"),
          N_('a list of every host name and IP address the certificate is valid for, e.g. ["www.example.test", '
             '"192.0.2.1"]: IP addresses count as names; the decoded view\'s "DNS:" and "IP Address:" prefixes may '
             'stay; "none" if there is none'))
def _server_names(answer, directory="lab") -> tuple[bool, str]:
    from cryptography import x509

    from ..pki.certificates import load_certificate

    path = _Path(directory) / "server-cert.pem"
    if not path.exists():
        return False, _("there is no {path} yet: run the notebook from the top (it saves the server's files "
                        "there).").format(path=path)
    names = read_host_names(answer)
    if names is None:
        return _wrong_format("02.server-names", _("{kind} is not a list of names").format(kind=a_kind(answer)))
    certificate = load_certificate(path)
    try:
        sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        sans = []
    dns = {str(n.value).lower().rstrip(".") for n in sans if isinstance(n, x509.DNSName)}
    ips = {str(n.value) for n in sans if isinstance(n, x509.IPAddress)}
    wanted = dns | ips
    given = set(names) - NONE_WORDS
    if given == wanted:
        if not wanted:
            return True, _("none: {path} has no subjectAltName, so strict clients match no name at all.").format(
                path=path)
        note = (_(" A client that connects to an IP address matches it against the IP Address entries, a host name "
                  "against the DNS entries.") if ips and dns else "")
        return True, _("{names}: the subjectAltName of {path}. Strict clients match the host name against these "
                       "entries only; HTTPS clients MUST NOT use the CN (RFC 9110 §4.3.4).").format(
            names=", ".join(sorted(wanted)), path=path) + note
    cns = {a.value.lower() for a in certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)}
    extra, missing = given - wanted, wanted - given
    hints = []
    if extra & cns:
        hints.append(_("{names}: the CN alone is not enough: strict clients read only the subjectAltName").format(
            names=listed(sorted(extra & cns))))
    if extra - cns:
        hints.append(_("{names}: not in the subjectAltName of {path}").format(names=listed(sorted(extra - cns)),
                                                                               path=path))
    if missing:
        hosts, addresses = len(missing - ips), len(missing & ips)
        kinds = []
        if hosts:
            kinds.append(ngettext("{count} host name", "{count} host names", hosts).format(count=hosts))
        if addresses:
            kinds.append(ngettext("{count} IP address (an IP address counts as a name: a client that connects to "
                                  "that address checks it)",
                                  "{count} IP addresses (an IP address counts as a name: a client that connects to "
                                  "that address checks it)", addresses).format(count=addresses))
        hint = (_("missing {kinds} of the {count} entries in the subjectAltName of {path}: find the others") if extra
                else _("right so far, but missing {kinds} of the {count} entries in the subjectAltName of {path}: "
                       "find the others"))
        hints.append(hint.format(kinds=listed(kinds), count=len(wanted), path=path))
    return False, _joined(hints)


_ISSUER_SERIAL = {
    "issuer": N_("the field that says who issued the certificate (serials are unique per CA only)"),
    "serialNumber": N_("the number the CA gives each certificate it issues"),
}


@exercise("02.issuer-serial", N_("Serial numbers must be unique per CA. Which two fields of a certificate, "
                                 "together, name it in a revocation list (CRL) or an OCSP request?"),
          N_('a set of two field names, e.g. {"Version", "Subject"}; the decoded view\'s labels ("Serial number") '
             "and the RFC 5280 names (serialNumber) both count"))
def _issuer_serial(answer) -> tuple[bool, str]:
    reading = read_set(answer, FIELD)
    if reading.problem:
        return _wrong_format("02.issuer-serial", reading.problem)
    wanted, given = set(_ISSUER_SERIAL), reading.names
    hints = _misplaced(reading, FIELD)
    if not hints and given == wanted:
        return True, _("issuer and serial number: a CRL, signed by its issuer, lists revoked certificates by serial "
                       "(RFC 5280 §5.1.2.6); OCSP's CertID holds hashes of the issuer's name and key, and the serial "
                       "(RFC 6960 §4.1.1). Two certificates from one CA with serial 01 cannot be told apart there.")
    extra = given - wanted
    if "subject" in extra:
        hints.append(_("{name}: a subject repeats across a server's renewals; revocation names a certificate another "
                       "way").format(name=_as_written(reading.found["subject"], FIELD["subject"])))
        extra.discard("subject")
    if extra:
        hints.append(_("{names}: not one of the two").format(names=listed(_extra(reading, extra, FIELD))))
    hints += [_("missing {what}").format(what=tr(_ISSUER_SERIAL[name])) for name in sorted(wanted - given)]
    return False, _joined(hints)
