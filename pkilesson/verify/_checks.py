"""The checks themselves: each one :func:`pkilesson.verify.explain.explain` makes, with its evidence and fix.

A :class:`Check` is one line of the explained check list; the functions here
make them from a chain (the parse, each link between a certificate and its
issuer, the leaf for its purpose and host name) and collect the warnings of
the CA/Browser Forum's profile that the verifier does not enforce.
:mod:`pkilesson.verify.explain` orders them, finds the one the verifier
refused on, and re-exports :class:`Check`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Optional

from cryptography import x509
from cryptography.x509.oid import NameOID

from ..decoding import _facts as facts
from ..pki.names import format_general_name
from .._catalog import N_, Text


@dataclass(frozen=True)
class Check:
    """One check: its name (a key of :data:`~pkilesson.verify.explain.CHECKS`), the result and the evidence.

    ``passed`` is None for a check that does not apply (e.g. no AKI to compare).
    ``link`` is the index of the certificate checked (0 = the leaf) for the
    checks made between a certificate and its issuer. ``field``, ``detail`` and
    ``fix`` are English as data (:meth:`to_dict`, ``==``) and in the messages'
    language when shown (a :class:`~pkilesson.verify._text.Text`).
    """

    name: str
    passed: Optional[bool]
    field: str
    detail: str
    fix: str = ""
    link: Optional[int] = None

    def to_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "field": self.field, "detail": self.detail}


def _unreadable(certificate) -> Optional[str]:
    """Why the certificate's extensions cannot be read, or None."""
    try:
        certificate.extensions
    except Exception as exc:  # cryptography's parse errors: ValueError, DuplicateExtension...
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def _ext(certificate, cls):
    """An extension's value, or None when absent or when the extensions cannot be read."""
    return None if _unreadable(certificate) else facts.extension(certificate, cls)


def _signed(child, issuer) -> bool:
    try:
        return facts.signed_with(child, issuer.public_key())
    except Exception:  # an issuer key cryptography cannot load
        return False


def _parse_checks(chain) -> list:
    out = []
    for index, certificate in enumerate(chain):
        problem = _unreadable(certificate)
        if problem:
            out.append(Check("extensions", False, Text(N_("extensions of {name}"), name=facts.name(certificate.subject)),
                             problem, Text(N_("issue the certificate again: one of its extensions is malformed or "
                                              "repeated")), index))
    return out


def _chain_checks(chain, roots, now) -> list:
    """Per link (a certificate and its issuer), in the order of the lessons: signature, issuer
    name, key identifiers, the certificate's validity, then the issuer's CA flag, keyCertSign
    and path length; last, the root's own validity (or the missing issuer)."""
    checks = []
    for index, child in enumerate(chain):
        validity = _validity(child, index, len(chain), now)
        if index == len(chain) - 1:
            if child not in roots:
                checks.append(Check(
                    "issuer_found", False, "issuer",
                    Text(N_("no trusted root or given intermediate has the subject {name}"),
                         name=facts.name(child.issuer)),
                    Text(N_("give the CA certificate that signed it as a trusted root (--ca), or the missing "
                            "intermediate (--untrusted)")), index))
            checks.append(validity)
            break
        link = _link(child, chain[index + 1], index, chain)
        checks += link[:3] + [validity] + link[3:]
    return checks


def _validity(certificate, index, length, now) -> Check:
    """As :func:`~pkilesson.decoding._facts.time_problem` says it (RFC 5280: bounds included), in words shown
    in the messages' language."""
    who = facts.name(certificate.subject)
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    window = Text(N_("{start}Z to {end}Z"), start=f"{start:%Y-%m-%d %H:%M:%S}", end=f"{end:%Y-%m-%d %H:%M:%S}")
    checked = f"{now:%Y-%m-%d %H:%M}"
    expired = now > end
    if now < start:
        problem = Text(N_("not valid yet: starts on {start}Z (checked at {now}Z)"), start=f"{start:%Y-%m-%d %H:%M}",
                       now=checked)
    elif expired:
        problem = Text(N_("expired on {end}Z (checked at {now}Z)"), end=f"{end:%Y-%m-%d %H:%M}", now=checked)
    else:
        problem = None
    detail = (Text(N_("{window}: {problem}"), window=window, problem=problem) if problem
              else Text(N_("{window}, checked at {now}Z"), window=window, now=checked))
    if expired:
        fix = Text(N_("issue {name} again (renew it): it expired"), name=who)
    else:
        fix = Text(N_("{name} is not valid yet: check the clock, or wait until its notBefore"), name=who)
    return Check("validity", problem is None, Text(N_("validity of {name}"), name=who), detail, fix,
                 min(index, max(length - 2, 0)))


def _link(child, issuer, index, chain) -> list:
    out = []
    issuer_name = facts.name(issuer.subject)
    good = _signed(child, issuer)
    out.append(Check("signature", good, "signatureValue",
                     Text(N_("verifies with the public key of {issuer}"), issuer=issuer_name) if good
                     else Text(N_("does not verify with the public key of {issuer}"), issuer=issuer_name),
                     Text(N_("issue it again with the key of {issuer}, or give the CA that really signed it"),
                          issuer=issuer_name), index))
    same = child.issuer == issuer.subject
    out.append(Check("issuer_name", same, "issuer",
                     Text(N_("{name} {sign} subject of {issuer}"), name=facts.name(child.issuer),
                          sign="=" if same else "≠", issuer=issuer_name),
                     Text(N_("the issuer name must equal the CA's subject name exactly")), index))
    aki_ext, ski_ext = _ext(child, x509.AuthorityKeyIdentifier), _ext(issuer, x509.SubjectKeyIdentifier)
    aki = aki_ext.key_identifier if aki_ext is not None else None
    ski = ski_ext.digest if ski_ext is not None else None
    if aki is None or ski is None:
        out.append(Check("key_id", None, "authorityKeyIdentifier",
                         Text(N_("no AKI to compare")) if aki is None else Text(N_("the issuer has no SKI")), "",
                         index))
    else:
        out.append(Check("key_id", aki == ski, "authorityKeyIdentifier",
                         Text(N_("{aki} {sign} SKI {ski} of {issuer}"), aki=aki.hex(":"),
                              sign="=" if aki == ski else "≠", ski=ski.hex(":"), issuer=issuer_name),
                         Text(N_("set authorityKeyIdentifier=keyid so it names the CA's subjectKeyIdentifier")),
                         index))
    if _unreadable(issuer):
        unread = Text(N_("not checked: cryptography cannot read its extensions"))
        return out + [Check(n, None, Text(N_("{extension} of {issuer}"), extension=n, issuer=issuer_name), unread,
                            "", index) for n in ("ca_flag", "key_usage")]
    basic = _ext(issuer, x509.BasicConstraints)
    ca = basic is not None and basic.ca
    detail = facts.basic_constraints(issuer) if basic is not None else Text(N_("no basicConstraints"))
    out.append(Check("ca_flag", ca, Text(N_("{extension} of {issuer}"), extension="basicConstraints",
                                         issuer=issuer_name), detail,
                     Text(N_("make {issuer} with basicConstraints=critical,CA:TRUE"), issuer=issuer_name), index))
    usage = _ext(issuer, x509.KeyUsage)
    field = Text(N_("{extension} of {issuer}"), extension="keyUsage", issuer=issuer_name)
    if usage is None:
        out.append(Check("key_usage", False, field, Text(N_("no keyUsage extension")),
                         Text(N_("the CA certificate lacks keyUsage keyCertSign: make it with "
                                 "keyUsage=critical,keyCertSign,cRLSign")), index))
    else:
        can = usage.key_cert_sign
        out.append(Check("key_usage", can, field, facts.key_usage(issuer),
                         Text(N_("the CA certificate lacks keyUsage keyCertSign: add it")), index))
    if basic is not None and basic.ca and basic.path_length is not None:
        below = sum(1 for c in chain[1:index + 1] if c.subject != c.issuer)
        fits = below <= basic.path_length
        out.append(Check("path_length", fits, Text(N_("{extension} of {issuer}"), extension="pathLenConstraint",
                                                   issuer=issuer_name),
                         Text(N_("pathlen:{pathlen}, {count} CA certificate(s) below it"),
                              pathlen=basic.path_length, count=below),
                         Text(N_("raise pathlen of {issuer} or shorten the chain"), issuer=issuer_name), index))
    return out


def _leaf_checks(leaf, purpose, host) -> list:
    out = []
    v3 = leaf.version == x509.Version.v3
    out.append(Check("version", v3, "version", Text(N_("version {number}"), number=leaf.version.value + 1),
                     Text(N_("issue it as version 3 with extensions (openssl x509 -req ... -extfile), as OpenSSL "
                             "3.2+ does"))))
    if _unreadable(leaf):
        unread = Text(N_("not checked: cryptography cannot read its extensions"))
        return out + [Check(n, None, n, unread, "", 0) for n in ("eku", "host_name", "leaf_key_usage")]
    usage = _ext(leaf, x509.ExtendedKeyUsage)
    wanted = facts.PURPOSE_EKU[purpose]
    word = facts.EKU_NAMES[wanted]
    if usage is None:
        out.append(Check("eku", None, "extendedKeyUsage", Text(N_("absent: RFC 5280 then allows any purpose")),
                         Text(N_("add extendedKeyUsage {eku}"), eku=word), 0))
    else:
        present = ", ".join(facts.EKU_NAMES.get(o, o.dotted_string) for o in usage)
        other = "clientAuth" if purpose == "server" else "serverAuth"
        if other not in present:
            fix = Text(N_("add extendedKeyUsage {eku}"), eku=word)
        elif purpose == "server":
            fix = Text(N_("add extendedKeyUsage {eku} (this is a client certificate, {other}, used as a server's)"),
                       eku=word, other=other)
        else:
            fix = Text(N_("add extendedKeyUsage {eku} (this is a server certificate, {other}, used as a client's)"),
                       eku=word, other=other)
        out.append(Check("eku", wanted in usage, "extendedKeyUsage", present, fix, 0))
    if purpose == "server" and host is not None:
        out.append(_host_check(leaf, host))
    if purpose == "client":
        sans = _ext(leaf, x509.SubjectAlternativeName)
        out.append(Check("client_san", sans is not None, "subjectAltName",
                         ", ".join(format_general_name(n) for n in sans) if sans is not None else Text(N_("absent")),
                         Text(N_("add a subjectAltName naming the client (e.g. DNS:client.localhost): "
                                 "pyca/cryptography's client verifier requires one, as the CA/Browser Forum's profile "
                                 "does")), 0))
    usage = _ext(leaf, x509.KeyUsage)
    basic = _ext(leaf, x509.BasicConstraints)
    if usage is None:
        out.append(Check("leaf_key_usage", None, "keyUsage", Text(N_("absent: any use allowed")), ""))
    else:
        bad = usage.key_cert_sign and not (basic is not None and basic.ca)
        out.append(Check("leaf_key_usage", not bad, "keyUsage", facts.key_usage(leaf),
                         Text(N_("remove keyCertSign: only a CA (CA:TRUE) may have it"))))
    return out


def _host_check(leaf, host) -> Check:
    sans = _ext(leaf, x509.SubjectAlternativeName)
    kind = "IP" if _is_ip(host) else "DNS"
    fix = Text(N_("add subjectAltName {kind}:{host} to the server's certificate, or connect with a name it has"),
               kind=kind, host=host)
    if sans is None:
        cn = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        detail = (Text(N_("no subjectAltName (CN={cn}: modern verifiers ignore the CN)"), cn=cn[0].value) if cn
                  else Text(N_("no subjectAltName")))
        return Check("host_name", False, "subjectAltName", detail, fix, 0)
    names = ", ".join(format_general_name(n) for n in sans)
    matched = _matches(sans, host)
    return Check("host_name", matched, "subjectAltName",
                 Text(N_("{names} matches {host}"), names=names, host=host) if matched
                 else Text(N_("{names} does not match {host}"), names=names, host=host), fix, 0)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _matches(sans, host: str) -> bool:
    if _is_ip(host):
        wanted = ipaddress.ip_address(host)
        return any(isinstance(n, x509.IPAddress) and n.value == wanted for n in sans)
    host = host.lower()
    for name in sans.get_values_for_type(x509.DNSName):
        name = name.lower()
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def _profile_warnings(leaf, chain, purpose) -> tuple:
    """Rules of the CA/Browser Forum's profile that pyca/cryptography's verifier does not enforce."""
    warnings = []
    sans = _ext(leaf, x509.SubjectAlternativeName)
    for attribute in leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
        if sans is not None and not _cn_in_san(str(attribute.value), sans):
            warnings.append(Text(N_("cn-not-in-san: the subject CN {cn} is not one of the subjectAltName entries; "
                                    "the CA/Browser Forum requires a CN, if present, to repeat one"),
                                 cn=repr(attribute.value)))
    if leaf.version == x509.Version.v3 and not _unreadable(leaf) and _ext(leaf, x509.ExtendedKeyUsage) is None:
        if purpose == "server":
            warnings.append(Text(N_("no-eku: the server certificate has no extendedKeyUsage; RFC 5280 then allows "
                                    "any purpose, but the CA/Browser Forum's Baseline Requirements require "
                                    "extKeyUsage with id-kp-serverAuth in a TLS server (subscriber) certificate. "
                                    "Fix: add extendedKeyUsage serverAuth")))
        else:
            warnings.append(Text(N_("no-eku: the client certificate has no extendedKeyUsage; RFC 5280 then allows "
                                    "any purpose, so it also passes as a server's certificate. Fix: add "
                                    "extendedKeyUsage clientAuth")))
    root = chain[-1] if chain else None
    if root is not None and root.subject == root.issuer:
        aki = _ext(root, x509.AuthorityKeyIdentifier)
        if aki is not None:
            extra = bool(aki.authority_cert_issuer or aki.authority_cert_serial_number is not None)
        else:  # absent, or unreadable by cryptography's API: read the bytes
            extra = bool(_aki_fields(root) & {"authorityCertIssuer", "authorityCertSerialNumber"})
        if extra:
            warnings.append(Text(N_("root-aki-issuer-serial: the root's authorityKeyIdentifier carries an issuer "
                                    "name and/or serial number; the CA/Browser Forum allows only keyIdentifier "
                                    "there")))
    return tuple(warnings)


def _aki_fields(certificate) -> set:
    """The fields present in the certificate's authorityKeyIdentifier, read from its DER bytes.

    Read from the bytes (with the RFC 5280 ASN.1 module) because cryptography's
    API refuses an AKI that has an issuer without a serial, or the reverse.
    """
    from cryptography.hazmat.primitives import serialization

    from ..decoding.asn1 import der_tree

    try:
        tree = der_tree(certificate.public_bytes(serialization.Encoding.DER), "Certificate")
    except Exception:  # bytes the tree cannot name: no warning rather than a wrong one
        return set()
    nodes = [node for _, node in tree.nodes()]
    aki_prefixes = [
        node.name.rsplit(".", 1)[0] for node in nodes
        if node.name.endswith(".extnID") and str(getattr(node, "value", "")).startswith("2.5.29.35")
    ]
    fields = set()
    for prefix in aki_prefixes:
        for node in nodes:
            if node.name.startswith(prefix + ".extnValue."):
                fields.add(node.name[len(prefix + ".extnValue."):].split(".")[0].split("[")[0])
    return fields


def _cn_in_san(cn: str, sans) -> bool:
    for name in sans:
        if isinstance(name, x509.DNSName) and name.value == cn:
            return True
        if isinstance(name, x509.IPAddress) and str(name.value) == cn:
            return True
    return False
