"""pkilint, DigiCert's X.509 linter, finds no ERROR or FATAL in what we make.

The certificates are linted with the RFC 5280 validators of pkilint's
``lint_pkix_cert`` command, and each issuer/subject pair with those of
``lint_pkix_signer_signee_cert_chain``, through pkilint's Python API, built
exactly as those two commands build them (the last four tests check that
against the commands themselves: same validations, same findings).

One finding is allowed, and only for one value: pkilint's DNS name syntax
check wants a name with a top-level domain, so it reports the single-label
``localhost`` (the lesson's default server name, RFC 6761) as invalid. Every
other ERROR or FATAL fails the test, with each finding listed.

Some tests lint deliberately bad certificates (the source recipe's version 1
leaves, a leaf without extensions, a pair whose issuer did not sign) to show
that the lint is not vacuous.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import replace
from typing import Iterable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pkilint import report
from pkilint.bin import lint_pkix_signer_signee_cert_chain
from pkilint.validation import ValidationFindingSeverity as Severity

from pkilesson import (
    CLIENT,
    SERVER,
    Artifacts,
    CertificateAuthority,
    IssuanceError,
    Settings,
    create_csr,
    generate_key,
    make_artifacts,
    make_name,
)
from pkilesson.verify.lint import ALLOWED, Finding, _certificate_validator, blocking, lint_certificate, lint_pair
from pkilesson.pki.names import parse_general_name
from pkilesson.pki import openssl as ossl

from conftest import NOW

ROLES = ("ca", "server", "client")
PAIRS = ("server", "client")  # CA -> server, CA -> client


# -- findings ----------------------------------------------------------------


def listing(findings: Iterable[Finding]) -> str:
    lines = [f"  {f}" for f in findings]
    return "\n".join(lines) if lines else "  (none)"


# -- the allow-list ------------------------------------------------------------


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def is_allowed(finding: Finding) -> bool:
    return any(entry.covers(finding) for entry in ALLOWED)


def at_least(findings: Iterable[Finding], severity: Severity) -> list[Finding]:
    """The findings of ``severity`` or worse (FATAL is 0, ERROR 1, WARNING 2...)."""
    return [f for f in findings if f.severity <= severity]


# -- pkilint, set up as its two commands set it up ------------------------------


def certificate_of(artifacts: Artifacts, role: str) -> x509.Certificate:
    return {
        "ca": artifacts.ca.certificate,
        "server": artifacts.server_certificate,
        "client": artifacts.client_certificate,
    }[role]


def codes(findings: Iterable[Finding], severity: Severity) -> set[str]:
    return {f.code for f in findings if f.severity == severity}


# -- fixtures ------------------------------------------------------------------


#: What is linted: the workflow for each key type. Ed25519 appears twice: the
#: workflow's own way (Ed25519 leaves under a P-256 CA, since pyca/cryptography's
#: verifier refuses Ed25519 CA signatures) and an all-Ed25519 set whose CA a
#: lesson makes with allow_ed25519=True.
CASES = {
    "rsa2048": Settings(key_type="rsa2048"),
    "rsa3072": Settings(key_type="rsa3072"),
    "p256": Settings(key_type="p256"),
    "p384": Settings(key_type="p384"),
    "ed25519-leaves": Settings(key_type="ed25519", ca_key_type="p256"),
    "ed25519-ca": Settings(key_type="ed25519", ca_key_type="ed25519"),
}


def make_for_lint(settings: Settings) -> Artifacts:
    """``make_artifacts(settings, now=NOW)``, or, for an Ed25519 CA that it
    refuses, the same steps with ``allow_ed25519=True``."""
    try:
        return make_artifacts(settings, now=NOW)
    except IssuanceError:
        if (settings.ca_key_type or settings.key_type) != "ed25519":
            raise
    ca = CertificateAuthority.create(
        settings.subject(settings.ca_name), key_type="ed25519", days=settings.ca_days,
        allow_ed25519=True, now=NOW,
    )
    server_key, client_key = generate_key(settings.key_type), generate_key(settings.key_type)
    server_csr = create_csr(server_key, settings.subject(settings.server_cn), settings.server_names)
    client_csr = create_csr(
        client_key, settings.subject(settings.client_name), [parse_general_name(settings.client_name)]
    )
    return Artifacts(
        ca,
        server_key, server_csr, ca.issue(server_csr, SERVER, days=settings.days, now=NOW),
        client_key, client_csr, ca.issue(client_csr, CLIENT, days=settings.days, now=NOW),
    )


@pytest.fixture(scope="module", params=list(CASES))
def made(request) -> Artifacts:
    """The workflow's artifacts (server names localhost, 127.0.0.1) for each case."""
    return make_for_lint(CASES[request.param])


def test_the_ed25519_ca_stand_in_makes_what_make_artifacts_makes():
    """Same names, dates and extensions as make_artifacts, only the CA key differs."""
    ed = make_for_lint(CASES["ed25519-ca"])
    assert ed.ca.certificate.signature_algorithm_oid == x509.SignatureAlgorithmOID.ED25519
    ref = make_artifacts(CASES["ed25519-leaves"], now=NOW)
    for role in ROLES:
        a, b = certificate_of(ed, role), certificate_of(ref, role)
        assert (a.subject, a.issuer, a.not_valid_before_utc, a.not_valid_after_utc) == (
            b.subject, b.issuer, b.not_valid_before_utc, b.not_valid_after_utc)
        assert [(e.oid, e.critical) for e in a.extensions] == [(e.oid, e.critical) for e in b.extensions]
        for kind in (x509.SubjectAlternativeName, x509.BasicConstraints, x509.KeyUsage, x509.ExtendedKeyUsage):
            try:
                expected = b.extensions.get_extension_for_class(kind)
            except x509.ExtensionNotFound:
                continue
            assert a.extensions.get_extension_for_class(kind) == expected


@pytest.fixture(scope="module", params=list(CASES))
def named_server(request) -> Artifacts:
    """The same, with server names that all pass pkilint's syntax checks."""
    return make_for_lint(replace(CASES[request.param], server_names=("server.example", "127.0.0.1")))


# -- our certificates are clean -------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_certificate_has_no_error(made, role):
    findings = lint_certificate(certificate_of(made, role), f"{role}-cert.pem")
    bad = blocking(findings)
    assert not bad, f"pkilint (RFC 5280) reports on the {role} certificate:\n{listing(bad)}"


@pytest.mark.parametrize("role", PAIRS)
def test_issuer_subject_pair_has_no_error(made, role):
    findings = lint_pair(made.ca.certificate, certificate_of(made, role))
    bad = at_least(findings, Severity.ERROR)
    assert not bad, f"pkilint (issuer/subject) reports on CA -> {role}:\n{listing(bad)}"


def test_the_allow_list_is_needed_for_localhost(made):
    """The default server certificate yields exactly the allowed finding, about 'localhost'."""
    serious = at_least(lint_certificate(made.server_certificate, "server-cert.pem"), Severity.ERROR)
    assert len(serious) == 1, f"expected exactly the localhost finding, got:\n{listing(serious)}"
    (finding,) = serious
    assert finding.severity == Severity.ERROR
    assert finding.code == "pkix.invalid_domain_name_syntax"
    assert finding.path.endswith(".extnValue.subjectAltName.0.dNSName"), finding.path
    assert finding.value == "localhost"
    assert is_allowed(finding)


def test_the_allow_list_allows_nothing_else():
    """The same code about another name still fails: the entry is for 'localhost' only."""
    artifacts = make_artifacts(Settings(key_type="p256"), now=NOW)
    key = generate_key("p256")
    builder = (
        x509.CertificateBuilder()
        .subject_name(make_name(O="Lab", CN="intranet"))
        .issuer_name(artifacts.ca.subject)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(NOW)
        .not_valid_after(NOW + dt.timedelta(days=30))
    )
    sans = (x509.DNSName("intranet"), x509.DNSName("localhost"))
    ca_ski = artifacts.ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    for ext, critical in SERVER.extensions(key.public_key(), artifacts.ca.key.public_key(), sans, ca_ski):
        builder = builder.add_extension(ext, critical=critical)
    findings = lint_certificate(builder.sign(artifacts.ca.key, hashes.SHA256()))
    serious = at_least(findings, Severity.ERROR)
    assert {(f.code, f.value) for f in serious} == {
        ("pkix.invalid_domain_name_syntax", "intranet"),
        ("pkix.invalid_domain_name_syntax", "localhost"),
    }, listing(serious)
    assert [f.value for f in blocking(findings)] == ["intranet"], listing(blocking(findings))


@pytest.mark.parametrize("role", ROLES)
def test_fully_qualified_server_names_lint_clean(named_server, role):
    """With server.example instead of localhost: nothing at NOTICE or worse, no allow-list needed."""
    if role == "server":
        san = named_server.server_certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        assert san.value.get_values_for_type(x509.DNSName) == ["server.example"]
    findings = lint_certificate(certificate_of(named_server, role), f"{role}-cert.pem")
    noted = at_least(findings, Severity.NOTICE)
    assert not noted, f"pkilint reports on the {role} certificate:\n{listing(noted)}"
    if role != "ca":
        pair = at_least(lint_pair(named_server.ca.certificate, certificate_of(named_server, role)), Severity.NOTICE)
        assert not pair, f"pkilint (issuer/subject) reports on CA -> {role}:\n{listing(pair)}"


def test_warnings_and_notices_are_the_observed_ones(made):
    """Below ERROR, pkilint says exactly this about our three certificates.

    WARNING: none. (The source recipe's leaves get
    pkix.certificate_skid_end_entity_missing; ours carry a subjectKeyIdentifier.)
    NOTICE: none.
    INFO: pkix.subject_key_identifier_method_1_identified on each certificate:
    our SKI is the SHA-1 of the subjectPublicKey bit string, RFC 5280 4.2.1.2
    method (1), which is what cryptography's SubjectKeyIdentifier.from_public_key
    and OpenSSL's subjectKeyIdentifier=hash compute. Informative only.
    Issuer/subject pairs: no finding at any severity.
    """
    seen = {
        (role, f.severity.name, f.code)
        for role in ROLES
        for f in lint_certificate(certificate_of(made, role), f"{role}-cert.pem")
        if f.severity in (Severity.WARNING, Severity.NOTICE, Severity.INFO)
    }
    expected = {(role, "INFO", "pkix.subject_key_identifier_method_1_identified") for role in ROLES}
    assert seen == expected, f"new: {sorted(seen - expected)}; gone: {sorted(expected - seen)}"
    for role in PAIRS:
        pair = lint_pair(made.ca.certificate, certificate_of(made, role))
        assert not pair, f"pkilint (issuer/subject) CA -> {role}:\n{listing(pair)}"


# -- the lint is not vacuous -----------------------------------------------------


def test_lint_flags_the_source_recipes_certificates(openssl_cli, tmp_path):
    """The source's openssl commands: a CA without keyUsage, leaves without extensions."""
    for step in ossl.source_recipe():
        ossl.run_step(step, tmp_path)
    ca = x509.load_pem_x509_certificate((tmp_path / "ca-cert.pem").read_bytes())
    ca_findings = lint_certificate(ca, "ca-cert.pem")
    assert "pkix.ca_certificate_no_ku_extension" in codes(ca_findings, Severity.ERROR), listing(ca_findings)
    for role in PAIRS:
        leaf = x509.load_pem_x509_certificate((tmp_path / f"{role}-cert.pem").read_bytes())
        findings = lint_certificate(leaf, f"{role}-cert.pem")
        if leaf.version is not x509.Version.v1:
            # OpenSSL 3.2 and later add subject/authority key identifiers and
            # so write version 3; the CA's finding above still stands.
            continue
        assert codes(findings, Severity.ERROR) == {
            "pkix.certificate_version_is_not_v3",
            "pkix.authority_key_identifier_extension_absent",
        }, listing(findings)
        assert codes(findings, Severity.WARNING) == {"pkix.certificate_skid_end_entity_missing"}, listing(findings)
        pair = lint_pair(ca, leaf)
        assert codes(pair, Severity.ERROR) == {"pkix.authority_key_id_extension_missing"}, listing(pair)


def test_lint_flags_a_leaf_built_without_extensions():
    """A leaf with no extension at all (so no SAN, no AKI) signed by our CA."""
    artifacts = make_artifacts(Settings(key_type="p256"), now=NOW)
    key = generate_key("p256")
    leaf = (
        x509.CertificateBuilder()
        .subject_name(make_name(O="Lab", CN="server.example"))
        .issuer_name(artifacts.ca.subject)
        .public_key(key.public_key())
        .serial_number(5)
        .not_valid_before(NOW)
        .not_valid_after(NOW + dt.timedelta(days=30))
        .sign(artifacts.ca.key, hashes.SHA256())
    )
    findings = lint_certificate(leaf)
    assert codes(findings, Severity.ERROR) == {"pkix.authority_key_identifier_extension_absent"}, listing(findings)
    assert codes(findings, Severity.WARNING) == {"pkix.certificate_skid_end_entity_missing"}, listing(findings)
    # A missing subjectAltName alone is no RFC 5280 error while the subject is
    # not empty: the SAN is required by the CA/Browser Forum and by TLS
    # clients, so the library refuses it itself.
    with pytest.raises(IssuanceError):
        artifacts.ca.issue(create_csr(key, "/O=Lab/CN=server.example"), SERVER, now=NOW)
    with pytest.raises(IssuanceError):
        artifacts.ca.issue(create_csr(key, "/O=Lab/CN=client"), CLIENT, now=NOW)


def test_pair_lint_flags_an_issuer_that_did_not_sign():
    ours = make_artifacts(Settings(key_type="p256"), now=NOW)
    other = make_artifacts(Settings(key_type="p256"), now=NOW)  # same CA name, another key
    findings = lint_pair(other.ca.certificate, ours.server_certificate)
    assert codes(findings, Severity.ERROR) == {
        "pkix.issuer_and_subject_key_identifier_not_equal",
        "pkix.signature_verification_failed",
    }, listing(findings)


# -- the set-up mirrors pkilint's commands ------------------------------------------


# pkilint's commands are run as processes: run in-process, their
# argparse.FileType arguments are never closed, which this project's
# error::ResourceWarning filter turns into failures.


def _pkilint(command: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", f"pkilint.bin.{command}", *args],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )


def _lines(csv_text: str) -> list[str]:
    """The CSV list of validations as the command prints it: one line each, a blank line last."""
    return csv_text.splitlines() + [""]


def test_certificate_validators_are_those_of_lint_pkix_cert():
    done = _pkilint("lint_pkix_cert", "validations")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == _lines(report.report_included_validations(_certificate_validator()))


def test_pair_validators_are_those_of_the_chain_lint():
    chain = lint_pkix_signer_signee_cert_chain
    done = _pkilint("lint_pkix_signer_signee_cert_chain", "validations")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == _lines(report.report_included_validations(
        chain.create_decoder_validation_container(),
        chain.create_issuer_validation_container(),
        chain.create_subject_validation_container(),
    ))


def _cli_findings(output: str) -> set[tuple[str, str, str]]:
    return {
        (item["severity"], item["code"], result["node_path"])
        for result in json.loads(output)["results"]
        for item in result["finding_descriptions"]
    }


def _api_findings(findings: Iterable[Finding]) -> set[tuple[str, str, str]]:
    return {(f.severity.name, f.code, f.path) for f in findings}


def test_api_findings_equal_lint_pkix_cert_output(tmp_path, rsa_artifacts):
    path = tmp_path / "server-cert.pem"
    path.write_bytes(_pem(rsa_artifacts.server_certificate))
    done = _pkilint("lint_pkix_cert", "lint", "-f", "JSON", "-s", "ALL", str(path))
    api = lint_certificate(rsa_artifacts.server_certificate)
    assert _cli_findings(done.stdout) == _api_findings(api), done.stderr
    assert done.returncode == len(api)  # the command exits with its count of findings


def test_api_findings_equal_chain_lint_output(tmp_path):
    ours = make_artifacts(Settings(key_type="p256"), now=NOW)
    other = make_artifacts(Settings(key_type="p256", ca_name="Other CA"), now=NOW)
    subject = tmp_path / "subject.pem"
    subject.write_bytes(_pem(ours.server_certificate))
    for issuer in (ours.ca.certificate, other.ca.certificate):
        path = tmp_path / "issuer.pem"
        path.write_bytes(_pem(issuer))
        done = _pkilint("lint_pkix_signer_signee_cert_chain", "lint", "-f", "JSON", "-s", "ALL", str(path), str(subject))
        api = lint_pair(issuer, ours.server_certificate)
        assert _cli_findings(done.stdout) == _api_findings(api), done.stderr
        assert done.returncode == len(api)
