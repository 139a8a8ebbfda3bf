"""Verification, explained: every check a verifier makes, in order, and the first that fails.

The verdict is pyca/cryptography's verifier (:func:`~pkilesson.verify_certificate`).
This module builds the chain from the leaf to a trusted root and reports
each check with the field it looks at, its value, and a fix for the first
one that fails. The explanation always agrees with the verdict:

* valid: every check passes; a rule of a stricter profile that the
  verifier does not enforce (the CA/Browser Forum's) is a *warning*;
* invalid: the first failed check is named with its fix; when none of the
  checks below explains the refusal, a last check, ``policy``, carries the
  verifier's own reason.

>>> import datetime as dt
>>> from pkilesson import make_artifacts, Settings
>>> now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
>>> lab = make_artifacts(Settings(key_type="p256"), now=now)
>>> report = explain(lab.server_certificate, [lab.ca.certificate], host="other.example", now=now)
>>> report.first_failure.name, report.fix
('host_name', "add subjectAltName DNS:other.example to the server's certificate, or connect with a name it has")
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from cryptography import x509
from cryptography.x509.oid import NameOID

from ..decoding import _facts as facts
from ..pki._time import resolve_now
from ..pki.names import format_general_name
from .verification import Verdict, verify_certificate

__all__ = ["Check", "Explanation", "explain", "CHECKS"]

#: Every check, in the order they are made, with what it looks at.
CHECKS = {
    "issuer_found": "a certificate whose subject is the issuer name is among the trusted roots or intermediates",
    "signature": "the signature verifies with the issuer's public key",
    "issuer_name": "the issuer name is exactly the issuer's subject name",
    "key_id": "the authorityKeyIdentifier equals the issuer's subjectKeyIdentifier",
    "validity": "the time of the check is within the certificate's notBefore..notAfter",
    "ca_flag": "the issuer's basicConstraints says CA:TRUE",
    "key_usage": "the issuer's keyUsage includes keyCertSign",
    "path_length": "the issuer's pathLenConstraint allows the CAs below it",
    "extensions": "every extension of the certificate can be read (well-formed DER, no duplicates)",
    "version": "the leaf is an X.509 version 3 certificate",
    "eku": "the leaf's extendedKeyUsage allows the purpose (serverAuth or clientAuth)",
    "host_name": "the server's subjectAltName holds the name the client connects to",
    "client_san": "the client's certificate has a subjectAltName (pyca/cryptography's client verifier requires one)",
    "leaf_key_usage": "the leaf's keyUsage fits an end entity (no keyCertSign without CA:TRUE)",
    "leaf_ca_flag": "the leaf is not a CA (basicConstraints CA:TRUE is for issuers only)",
    "criticality": "each extension is marked critical or not as the profile requires",
    "name_constraints": "the names of the leaf fit every CA's nameConstraints",
    "key_algorithm": "every key is of an allowed algorithm and size (RSA >= 2048 bits, P-256/P-384/P-521)",
    "serial": "the serial number is positive and at most 20 octets (RFC 5280 §4.1.2.2)",
    "names": "issuer and subject names are present as the profile requires",
    "required_extensions": "the extensions the profile requires are present, and forbidden ones absent",
    "policy": "everything else pyca/cryptography's verifier requires",
}

#: pyca/cryptography's reasons for refusing, mapped to a named check and a fix (checked in order).
_REASONS = (
    ("basicConstraints.cA must not be asserted in an EE", "leaf_ca_flag",
     "issue the leaf with basicConstraints=critical,CA:FALSE; a CA certificate cannot be a server's or client's"),
    ("incorrect criticality", "criticality", "mark the extension critical (or not) as RFC 5280 and the profile say"),
    ("MUST be critical", "criticality", "mark the subjectAltName critical when the subject is empty"),
    ("MUST NOT be critical", "criticality", "mark the subjectAltName not critical when the subject is not empty"),
    ("name constraint", "name_constraints", "issue the leaf with names inside the CA's permitted subtrees"),
    ("Forbidden public key algorithm", "key_algorithm", "use RSA (2048+ bits) or ECDSA P-256/P-384 keys"),
    ("RSA key is too weak", "key_algorithm", "use an RSA key of at least 2048 bits"),
    ("serial", "serial", "issue it with a random positive serial of at most 20 octets (pkilesson does by default)"),
    ("non-empty Issuer", "names", "give the CA a non-empty subject name"),
    ("missing required extension", "required_extensions", "add the extension the verifier names as missing"),
    ("prohibited extension", "required_extensions", "remove the extension this certificate may not carry"),
    ("unaccounted-for critical extensions", "required_extensions",
     "remove the unknown critical extension, or mark it not critical"),
    ("authorityKeyIdentifier must contain keyIdentifier", "key_id", "give the authorityKeyIdentifier a keyIdentifier"),
    ("signature does not match", "signature", "issue it again with the key of its issuer"),
)
#: What pyca/cryptography's message says -> the checks that can be that refusal (checked in order).
_VERIFIER_SAID = (
    ("must be an X509v3 certificate", ("version",)),
    ("has no subjectAltName", ("host_name", "client_san")),
    ("no matching subjectAltName", ("host_name",)),
    ("required EKU not found", ("eku",)),
    ("not valid at validation time", ("validity",)),
    ("signature does not match", ("signature",)),
    ("all candidates exhausted with no interior errors", ("issuer_found", "issuer_name", "path_length")),
    ("invalid extension: 2.5.29.15:", ("key_usage", "leaf_key_usage")),
    ("invalid extension: 2.5.29.19:", ("ca_flag", "leaf_ca_flag")),
    ("invalid extension: 2.5.29.17:", ("client_san", "host_name")),
    ("invalid extension: 2.5.29.35:", ("key_id",)),
    ("basicConstraints.cA must not be asserted", ("leaf_ca_flag",)),
    ("path length", ("path_length",)),
    ("exceeds max depth", ("path_length",)),
    ("EE keyUsage must not assert keyCertSign", ("leaf_key_usage",)),
    ("basicConstraints.cA must be asserted in a CA certificate", ("ca_flag",)),
    ("keyUsage.keyCertSign must be asserted", ("key_usage",)),
    ("duplicate extension", ("extensions",)),
    ("ASN.1 parsing error", ("extensions",)),
)
#: The extensions pyca/cryptography names by OID in "invalid extension: <OID>: ...".
_EXTENSION_NAMES = {
    "2.5.29.14": "subjectKeyIdentifier", "2.5.29.15": "keyUsage", "2.5.29.17": "subjectAltName",
    "2.5.29.19": "basicConstraints", "2.5.29.35": "authorityKeyIdentifier", "2.5.29.37": "extendedKeyUsage",
    "2.5.29.30": "nameConstraints", "2.5.29.32": "certificatePolicies",
}
_MAX_CHAIN = 10


@dataclass(frozen=True)
class Check:
    """One check: its name (a key of :data:`CHECKS`), the result and the evidence.

    ``passed`` is None for a check that does not apply (e.g. no AKI to compare).
    ``link`` is the index of the certificate checked (0 = the leaf) for the
    checks made between a certificate and its issuer.
    """

    name: str
    passed: Optional[bool]
    field: str
    detail: str
    fix: str = ""
    link: Optional[int] = None

    def to_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "field": self.field, "detail": self.detail}


@dataclass(frozen=True)
class Explanation:
    """A verification explained: pyca/cryptography's verdict, the chain, every check, the warnings.

    The verdict and its ``reason`` are pyca/cryptography's own; the checks,
    the fixes and the warnings are pkilesson's explanation of it. ``decisive``
    is the check that the verifier's message points at (the one it refused
    on); other failed checks come after it in :attr:`failures`.
    """

    verdict: Verdict
    chain: tuple[x509.Certificate, ...] = field(repr=False)
    checks: tuple[Check, ...]
    warnings: tuple[str, ...]
    decisive: Optional[Check] = None

    @property
    def valid(self) -> bool:
        return self.verdict.valid

    @property
    def first_failure(self) -> Optional[Check]:
        """The check the verifier refused on (None when valid)."""
        if self.decisive is not None:
            return self.decisive
        return next((c for c in self.checks if c.passed is False), None)

    @property
    def failures(self) -> tuple[Check, ...]:
        """Every failed check: the one the verifier refused on first, then the others in order."""
        first = self.first_failure
        if first is None:
            return ()
        return (first, *(c for c in self.checks if c.passed is False and c is not first))

    @property
    def fix(self) -> Optional[str]:
        failure = self.first_failure
        return failure.fix if failure else None

    def link_checks(self) -> tuple[dict, ...]:
        """Per link of the chain, {check name: passed}, as :func:`~pkilesson.draw.diagrams.chain_diagram` takes ``checks=``."""
        from .verification import CHAIN_CHECKS

        links: list[dict] = [dict() for _ in range(max(len(self.chain) - 1, 0))]
        for check in self.checks:
            if check.name in CHAIN_CHECKS and check.link is not None and check.link < len(links):
                known = links[check.link].get(check.name)
                # Several checks of one name on a link (both certificates' validity): a failure wins.
                if known is not False and check.passed is not None:
                    links[check.link][check.name] = check.passed
                else:
                    links[check.link].setdefault(check.name, check.passed)
        return tuple(links)

    def to_dict(self) -> dict:
        failure = self.first_failure
        return {
            "verdict": "valid" if self.valid else "invalid",
            "checks": [c.to_dict() for c in self.checks],
            "first_failure": failure.name if failure else None,
            "other_failures": [c.name for c in self.failures[1:]],
            "fix": self.fix,
            "warnings": list(self.warnings),
            "reason": self.verdict.reason or None,
            "verifier": verifier_version(),
            "chain": [c.subject.rfc4514_string() for c in self.chain],
        }

    def __str__(self) -> str:
        mark = {True: "ok  ", False: "FAIL", None: "--  "}
        lines = [f"{verifier_version()} says: {self.verdict}", "pkilesson's explanation, check by check:"]
        for c in self.checks:
            where = f"[{c.link}] " if c.link is not None else ""
            lines.append(f"  {mark[c.passed]} {where}{c.name}: {c.field}: {c.detail}")
        if self.first_failure:
            lines.append(f"the check it refused on: {self.first_failure.name}. Fix: {self.fix}")
            others = [c.name for c in self.failures[1:]]
            if others:
                lines.append(f"also failed: {', '.join(others)}")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def explain(
    certificate: x509.Certificate,
    roots: Sequence[x509.Certificate],
    *,
    host: Optional[str] = None,
    client: bool = False,
    intermediates: Iterable[x509.Certificate] = (),
    max_depth: Optional[int] = None,
    now: Optional[dt.datetime] = None,
) -> Explanation:
    """Verify ``certificate`` as :func:`~pkilesson.verify_certificate` does, and explain the verdict.

    Takes the same arguments; raises :class:`~pkilesson.errors.PkiLessonError`
    for bad arguments only.
    """
    from ..pki.certificates import as_certificate
    from .verification import _certificates

    now = resolve_now(now)
    if not isinstance(certificate, x509.Certificate):  # a path, PEM or bytes; anything else: verify_certificate says
        certificate = as_certificate(certificate, "certificate", to_verify=True)
    intermediates = _certificates(intermediates, "intermediates")
    verdict = verify_certificate(
        certificate, roots, host=host, client=client, intermediates=intermediates, max_depth=max_depth, now=now
    )
    roots = _certificates(roots, "roots")
    chain = list(verdict.chain) if verdict.valid else _build_chain(certificate, roots, intermediates)
    purpose = "client" if client else "server"
    checks = _parse_checks(chain) + _chain_checks(chain, roots, now) + _leaf_checks(certificate, purpose, host)
    if max_depth is not None and len(chain) - 2 > max_depth and chain[-1] in roots:
        checks.append(Check("path_length", False, "chain length",
                            f"{len(chain) - 2} intermediates, more than max_depth {max_depth}",
                            f"allow a longer chain (--max-depth {len(chain) - 2})"))
    warnings = _profile_warnings(certificate, chain, purpose)
    failed = [c for c in checks if c.passed is False]
    if verdict.valid and failed:
        # Stricter than the verdict: report as warnings, so the explanation agrees with it.
        warnings = tuple(f"{c.name} ({c.field}): {c.detail}" for c in failed) + warnings
        checks = [Check(c.name, None, c.field, f"not required by this verifier: {c.detail}", "", c.link)
                  if c.passed is False else c for c in checks]
    decisive = None
    if not verdict.valid:
        decisive = _decisive(verdict, checks, chain)
        if decisive is None:
            decisive = _unexplained(verdict.reason)
            checks.append(decisive)
    return Explanation(verdict, tuple(chain), tuple(checks), tuple(warnings), decisive)


def verifier_version() -> str:
    """The verifier behind every verdict here: ``pyca/cryptography 50.0.2``."""
    import cryptography

    return f"pyca/cryptography {cryptography.__version__}"


def _decisive(verdict: Verdict, checks: list, chain: list) -> Optional[Check]:
    """The failed check that the verifier's message points at, or None."""
    names = next((n for text, n in _VERIFIER_SAID if text in verdict.reason), ())
    candidates = [c for name in names for c in checks if c.name == name and c.passed is False]
    if verdict.processing is not None and len(candidates) > 1:
        which = [facts.name(c.subject) for c in chain if c.subject.rfc4514_string() == verdict.processing]
        about = [c for c in candidates if which and c.field.endswith(which[0])]
        candidates = about or candidates
    return candidates[0] if candidates else None


def _unexplained(reason: str) -> Check:
    """A check made of the verifier's reason when none of pkilesson's checks failed for it."""
    oid = next((o for o in _EXTENSION_NAMES if f"invalid extension: {o}:" in reason), None)
    if oid is not None and "missing required extension" in reason:
        name = _EXTENSION_NAMES[oid]
        return Check("required_extensions", False, name, reason,
                     f"add the missing {name} extension" + (" (authorityKeyIdentifier=keyid names the CA's "
                                                            "subjectKeyIdentifier)" if oid == "2.5.29.35" else ""))
    name, fix = next(((n, f) for text, n, f in _REASONS if text in reason),
                     ("policy", "read the verifier's reason: the certificate breaks a rule of its profile"))
    return Check(name, False, "pyca/cryptography", reason, fix)


def _build_chain(leaf, roots, intermediates) -> list:
    """Leaf first, following issuer names (preferring a signature that verifies), up to a root if possible."""
    chain = [leaf]
    pool = list(roots) + [c for c in intermediates if c not in roots]
    while len(chain) < _MAX_CHAIN and chain[-1] not in roots:
        current = chain[-1]
        named = [c for c in pool if c.subject == current.issuer and c not in chain]
        if not named:
            break
        signed = [c for c in named if _signed(current, c)]
        candidates = signed or named
        chain.append(next((c for c in candidates if c in roots), candidates[0]))
    return chain


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
            out.append(Check("extensions", False, f"extensions of {facts.name(certificate.subject)}", problem,
                             "issue the certificate again: one of its extensions is malformed or repeated", index))
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
                    "issuer_found", False, "issuer", f"no trusted root or given intermediate has the subject "
                    f"{facts.name(child.issuer)}",
                    "give the CA certificate that signed it as a trusted root (--ca), or the missing intermediate "
                    "(--untrusted)", index))
            checks.append(validity)
            break
        link = _link(child, chain[index + 1], index, chain)
        checks += link[:3] + [validity] + link[3:]
    return checks


def _validity(certificate, index, length, now) -> Check:
    who = facts.name(certificate.subject)
    problem = facts.time_problem(certificate, now)
    window = f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M:%S}Z to {certificate.not_valid_after_utc:%Y-%m-%d %H:%M:%S}Z"
    detail = window + (f": {problem}" if problem else f", checked at {now:%Y-%m-%d %H:%M}Z")
    if problem and "expired" in problem:
        fix = f"issue {who} again (renew it): it expired"
    else:
        fix = f"{who} is not valid yet: check the clock, or wait until its notBefore"
    return Check("validity", problem is None, f"validity of {who}", detail, fix, min(index, max(length - 2, 0)))


def _link(child, issuer, index, chain) -> list:
    out = []
    issuer_name = facts.name(issuer.subject)
    good = _signed(child, issuer)
    out.append(Check("signature", good, "signatureValue",
                     f"{'verifies' if good else 'does not verify'} with the public key of {issuer_name}",
                     f"issue it again with the key of {issuer_name}, or give the CA that really signed it", index))
    same = child.issuer == issuer.subject
    out.append(Check("issuer_name", same, "issuer",
                     f"{facts.name(child.issuer)} {'=' if same else '≠'} subject of {issuer_name}",
                     "the issuer name must equal the CA's subject name exactly", index))
    aki_ext, ski_ext = _ext(child, x509.AuthorityKeyIdentifier), _ext(issuer, x509.SubjectKeyIdentifier)
    aki = aki_ext.key_identifier if aki_ext is not None else None
    ski = ski_ext.digest if ski_ext is not None else None
    if aki is None or ski is None:
        out.append(Check("key_id", None, "authorityKeyIdentifier",
                         "no AKI to compare" if aki is None else "the issuer has no SKI", "", index))
    else:
        out.append(Check("key_id", aki == ski, "authorityKeyIdentifier",
                         f"{aki.hex(':')} {'=' if aki == ski else '≠'} SKI {ski.hex(':')} of {issuer_name}",
                         "set authorityKeyIdentifier=keyid so it names the CA's subjectKeyIdentifier", index))
    if _unreadable(issuer):
        unread = "not checked: cryptography cannot read its extensions"
        return out + [Check(n, None, f"{n} of {issuer_name}", unread, "", index) for n in ("ca_flag", "key_usage")]
    basic = _ext(issuer, x509.BasicConstraints)
    ca = basic is not None and basic.ca
    detail = facts.basic_constraints(issuer)
    out.append(Check("ca_flag", ca, f"basicConstraints of {issuer_name}", detail,
                     f"make {issuer_name} with basicConstraints=critical,CA:TRUE", index))
    usage = _ext(issuer, x509.KeyUsage)
    if usage is None:
        out.append(Check("key_usage", False, f"keyUsage of {issuer_name}", "no keyUsage extension",
                         "the CA certificate lacks keyUsage keyCertSign: make it with "
                         "keyUsage=critical,keyCertSign,cRLSign", index))
    else:
        can = usage.key_cert_sign
        out.append(Check("key_usage", can, f"keyUsage of {issuer_name}", facts.key_usage(issuer),
                         "the CA certificate lacks keyUsage keyCertSign: add it", index))
    if basic is not None and basic.ca and basic.path_length is not None:
        below = sum(1 for c in chain[1:index + 1] if c.subject != c.issuer)
        fits = below <= basic.path_length
        out.append(Check("path_length", fits, f"pathLenConstraint of {issuer_name}",
                         f"pathlen:{basic.path_length}, {below} CA certificate(s) below it",
                         f"raise pathlen of {issuer_name} or shorten the chain", index))
    return out


def _leaf_checks(leaf, purpose, host) -> list:
    out = []
    v3 = leaf.version == x509.Version.v3
    out.append(Check("version", v3, "version", f"version {leaf.version.value + 1}",
                     "issue it as version 3 with extensions (openssl x509 -req ... -extfile), as OpenSSL 3.2+ does"))
    if _unreadable(leaf):
        unread = "not checked: cryptography cannot read its extensions"
        return out + [Check(n, None, n, unread, "", 0) for n in ("eku", "host_name", "leaf_key_usage")]
    usage = _ext(leaf, x509.ExtendedKeyUsage)
    wanted = facts.PURPOSE_EKU[purpose]
    word = facts.EKU_NAMES[wanted]
    if usage is None:
        out.append(Check("eku", None, "extendedKeyUsage", "absent: RFC 5280 then allows any purpose",
                         f"add extendedKeyUsage {word}", 0))
    else:
        present = ", ".join(facts.EKU_NAMES.get(o, o.dotted_string) for o in usage)
        other = "clientAuth" if purpose == "server" else "serverAuth"
        out.append(Check("eku", wanted in usage, "extendedKeyUsage", present,
                         f"add extendedKeyUsage {word}" + (f" (this is a {('client' if purpose == 'server' else 'server')} "
                                                          f"certificate, {other}, used as a {purpose}'s)"
                                                          if other in present else ""), 0))
    if purpose == "server" and host is not None:
        out.append(_host_check(leaf, host))
    if purpose == "client":
        sans = _ext(leaf, x509.SubjectAlternativeName)
        out.append(Check("client_san", sans is not None, "subjectAltName",
                         ", ".join(format_general_name(n) for n in sans) if sans is not None else "absent",
                         "add a subjectAltName naming the client (e.g. DNS:client.localhost): pyca/cryptography's "
                         "client verifier requires one, as the CA/Browser Forum's profile does", 0))
    usage = _ext(leaf, x509.KeyUsage)
    basic = _ext(leaf, x509.BasicConstraints)
    if usage is None:
        out.append(Check("leaf_key_usage", None, "keyUsage", "absent: any use allowed", ""))
    else:
        bad = usage.key_cert_sign and not (basic is not None and basic.ca)
        out.append(Check("leaf_key_usage", not bad, "keyUsage", facts.key_usage(leaf),
                         "remove keyCertSign: only a CA (CA:TRUE) may have it"))
    return out


def _host_check(leaf, host) -> Check:
    sans = _ext(leaf, x509.SubjectAlternativeName)
    kind = "IP" if _is_ip(host) else "DNS"
    fix = f"add subjectAltName {kind}:{host} to the server's certificate, or connect with a name it has"
    if sans is None:
        cn = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        detail = "no subjectAltName" + (f" (CN={cn[0].value}: modern verifiers ignore the CN)" if cn else "")
        return Check("host_name", False, "subjectAltName", detail, fix, 0)
    names = [format_general_name(n) for n in sans]
    matched = _matches(sans, host)
    return Check("host_name", matched, "subjectAltName",
                 f"{', '.join(names)} {'matches' if matched else 'does not match'} {host}", fix, 0)


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
            warnings.append(f"cn-not-in-san: the subject CN {attribute.value!r} is not one of the subjectAltName "
                            "entries; the CA/Browser Forum requires a CN, if present, to repeat one")
    if leaf.version == x509.Version.v3 and not _unreadable(leaf) and _ext(leaf, x509.ExtendedKeyUsage) is None:
        if purpose == "server":
            warnings.append("no-eku: the server certificate has no extendedKeyUsage; RFC 5280 then allows any "
                            "purpose, but the CA/Browser Forum's Baseline Requirements require extKeyUsage with "
                            "id-kp-serverAuth in a TLS server (subscriber) certificate. Fix: add extendedKeyUsage "
                            "serverAuth")
        else:
            warnings.append("no-eku: the client certificate has no extendedKeyUsage; RFC 5280 then allows any "
                            "purpose, so it also passes as a server's certificate. Fix: add extendedKeyUsage "
                            "clientAuth")
    root = chain[-1] if chain else None
    if root is not None and root.subject == root.issuer:
        aki = _ext(root, x509.AuthorityKeyIdentifier)
        if aki is not None:
            extra = bool(aki.authority_cert_issuer or aki.authority_cert_serial_number is not None)
        else:  # absent, or unreadable by cryptography's API: read the bytes
            extra = bool(_aki_fields(root) & {"authorityCertIssuer", "authorityCertSerialNumber"})
        if extra:
            warnings.append("root-aki-issuer-serial: the root's authorityKeyIdentifier carries an issuer name "
                            "and/or serial number; the CA/Browser Forum allows only keyIdentifier there")
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
