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
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from cryptography import x509

from .._catalog import N_, _, Text
from ..decoding import _facts as facts
from ..pki._time import resolve_now
from ._checks import Check, _chain_checks, _leaf_checks, _parse_checks, _profile_warnings, _signed
from .verification import Verdict, verify_certificate

__all__ = ["Check", "Explanation", "explain", "CHECKS"]

#: Every check, in the order they are made, with what it looks at (in English: ``tr(CHECKS[name])`` shows it in
#: the messages' language).
CHECKS = {
    "issuer_found": N_("a certificate whose subject is the issuer name is among the trusted roots or intermediates"),
    "signature": N_("the signature verifies with the issuer's public key"),
    "issuer_name": N_("the issuer name is exactly the issuer's subject name"),
    "key_id": N_("the authorityKeyIdentifier equals the issuer's subjectKeyIdentifier"),
    "validity": N_("the time of the check is within the certificate's notBefore..notAfter"),
    "ca_flag": N_("the issuer's basicConstraints says CA:TRUE"),
    "key_usage": N_("the issuer's keyUsage includes keyCertSign"),
    "path_length": N_("the issuer's pathLenConstraint allows the CAs below it"),
    "extensions": N_("every extension of the certificate can be read (well-formed DER, no duplicates)"),
    "version": N_("the leaf is an X.509 version 3 certificate"),
    "eku": N_("the leaf's extendedKeyUsage allows the purpose (serverAuth or clientAuth)"),
    "host_name": N_("the server's subjectAltName holds the name the client connects to"),
    "client_san": N_("the client's certificate has a subjectAltName (pyca/cryptography's client verifier requires one)"),
    "leaf_key_usage": N_("the leaf's keyUsage fits an end entity (no keyCertSign without CA:TRUE)"),
    "leaf_ca_flag": N_("the leaf is not a CA (basicConstraints CA:TRUE is for issuers only)"),
    "criticality": N_("each extension is marked critical or not as the profile requires"),
    "name_constraints": N_("the names of the leaf fit every CA's nameConstraints"),
    "key_algorithm": N_("every key is of an allowed algorithm and size (RSA >= 2048 bits, P-256/P-384/P-521)"),
    "serial": N_("the serial number is positive and at most 20 octets (RFC 5280 §4.1.2.2)"),
    "names": N_("issuer and subject names are present as the profile requires"),
    "required_extensions": N_("the extensions the profile requires are present, and forbidden ones absent"),
    "policy": N_("everything else pyca/cryptography's verifier requires"),
}

#: pyca/cryptography's reasons for refusing, mapped to a named check and a fix (checked in order).
_REASONS = (
    ("basicConstraints.cA must not be asserted in an EE", "leaf_ca_flag",
     N_("issue the leaf with basicConstraints=critical,CA:FALSE; a CA certificate cannot be a server's or client's")),
    ("incorrect criticality", "criticality", N_("mark the extension critical (or not) as RFC 5280 and the profile say")),
    ("MUST be critical", "criticality", N_("mark the subjectAltName critical when the subject is empty")),
    ("MUST NOT be critical", "criticality", N_("mark the subjectAltName not critical when the subject is not empty")),
    ("name constraint", "name_constraints", N_("issue the leaf with names inside the CA's permitted subtrees")),
    ("Forbidden public key algorithm", "key_algorithm", N_("use RSA (2048+ bits) or ECDSA P-256/P-384 keys")),
    ("RSA key is too weak", "key_algorithm", N_("use an RSA key of at least 2048 bits")),
    ("serial", "serial", N_("issue it with a random positive serial of at most 20 octets (pkilesson does by default)")),
    ("non-empty Issuer", "names", N_("give the CA a non-empty subject name")),
    ("missing required extension", "required_extensions", N_("add the extension the verifier names as missing")),
    ("prohibited extension", "required_extensions", N_("remove the extension this certificate may not carry")),
    ("unaccounted-for critical extensions", "required_extensions",
     N_("remove the unknown critical extension, or mark it not critical")),
    ("authorityKeyIdentifier must contain keyIdentifier", "key_id", N_("give the authorityKeyIdentifier a keyIdentifier")),
    ("signature does not match", "signature", N_("issue it again with the key of its issuer")),
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

        links: list[dict] = [dict() for _unused in range(max(len(self.chain) - 1, 0))]
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
        # Translators: the mark before each check; the three are padded to one width, so the checks line up.
        mark = {True: _("ok  "), False: _("FAIL"), None: _("--  ")}
        lines = [_("{verifier} says: {verdict}").format(verifier=verifier_version(), verdict=self.verdict),
                 _("pkilesson's explanation, check by check:")]
        for c in self.checks:
            where = f"[{c.link}] " if c.link is not None else ""
            lines.append(f"  {mark[c.passed]} {where}" + _("{name}: {field}: {detail}").format(name=c.name, field=c.field, detail=c.detail))
        if self.first_failure:
            lines.append(_("the check it refused on: {check}. Fix: {fix}").format(check=self.first_failure.name,
                                                                                   fix=self.fix))
            others = [c.name for c in self.failures[1:]]
            if others:
                lines.append(_("also failed: {checks}").format(checks=", ".join(others)))
        lines += [_("warning: {message}").format(message=w) for w in self.warnings]
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
        checks.append(Check("path_length", False, Text(N_("chain length")),
                            Text(N_("{count} intermediates, more than max_depth {most}"), count=len(chain) - 2,
                                 most=max_depth),
                            Text(N_("allow a longer chain (--max-depth {count})"), count=len(chain) - 2)))
    warnings = _profile_warnings(certificate, chain, purpose)
    failed = [c for c in checks if c.passed is False]
    if verdict.valid and failed:
        # Stricter than the verdict: report as warnings, so the explanation agrees with it.
        warnings = tuple(Text(N_("{check} ({field}): {detail}"), check=c.name, field=c.field, detail=c.detail)
                         for c in failed) + warnings
        checks = [Check(c.name, None, c.field, Text(N_("not required by this verifier: {detail}"), detail=c.detail),
                        "", c.link)
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
        if oid == "2.5.29.35":
            fix = Text(N_("add the missing {extension} extension (authorityKeyIdentifier=keyid names the CA's "
                          "subjectKeyIdentifier)"), extension=name)
        else:
            fix = Text(N_("add the missing {extension} extension"), extension=name)
        return Check("required_extensions", False, name, reason, fix)
    name, fix = next(((n, f) for text, n, f in _REASONS if text in reason),
                     ("policy", N_("read the verifier's reason: the certificate breaks a rule of its profile")))
    return Check(name, False, "pyca/cryptography", reason, Text(fix))


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

