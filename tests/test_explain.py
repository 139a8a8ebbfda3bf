"""Verification explained: every check in order, the first failure and its fix, always agreeing
with pyca/cryptography's verdict; and the x509-limbo vectors through `pkilesson verify`."""

from __future__ import annotations

import datetime as dt
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from pkilesson import CLIENT, SERVER, CertificateAuthority, create_csr, generate_key
from pkilesson.cli import main
from pkilesson.verify.explain import CHECKS, explain

from conftest import NOW

LIMBO = json.loads((Path(__file__).parent / "data" / "limbo" / "limbo-subset.json").read_text())["testcases"]

#: Where pyca/cryptography (and so pkilesson) deliberately differs from x509-limbo's expected verdict.
DIVERGENCES = {
    # from the suite's own skip list for pyca/cryptography
    "pathlen::self-issued-certs-pathlen": "pyca counts self-issued intermediates against pathLen",
    "pathlen::max-chain-depth-1-self-issued": "same: self-issued certificates count towards the depth",
    "rfc5280::serial::zero": "pyca accepts a zero serial (with a deprecation warning)",
    "rfc5280::ski::root-missing-ski": "pyca does not require SKI on a root",
    "rfc5280::ski::intermediate-missing-ski": "pyca does not require SKI on an intermediate",
    "rfc5280::aki::intermediate-missing-aki": "pyca does not require AKI on an intermediate",
    "webpki::aki::root-with-aki-ski-mismatch": "pyca ignores a root's AKI",
    "webpki::forbidden-rsa-not-divisible-by-8-in-root": "pyca accepts such a root key",
    "rfc5280::ca-as-leaf": "pyca refuses CA:TRUE in an end-entity certificate",
    "pathlen::validation-ignores-pathlen-in-leaf": "pyca refuses CA:TRUE in an end-entity certificate",
    # CA/Browser Forum profile rules the verifier does not enforce: our warnings name them
    **{c["id"]: "cn-not-in-san" for c in LIMBO if c["id"].startswith("webpki::cn::")},
    "webpki::aki::root-with-aki-authoritycertissuer": "root-aki-issuer-serial",
    "webpki::aki::root-with-aki-authoritycertserialnumber": "root-aki-issuer-serial",
    "webpki::aki::root-with-aki-all-fields": "root-aki-issuer-serial",
}
PROFILE_RULES = {"cn-not-in-san", "root-aki-issuer-serial"}


def test_divergences_are_the_documented_22():
    assert len(DIVERGENCES) == 22 and all(key in {c["id"] for c in LIMBO} for key in DIVERGENCES)


def run_cli(args) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(args)
    return code, out.getvalue()


def limbo_args(case, folder: Path) -> list:
    def write(name, pems):
        path = folder / name
        path.write_text("".join(pems))
        return str(path)

    args = ["verify", "--json", "--ca", write("roots.pem", case["trusted_certs"])]
    if case["untrusted_intermediates"]:
        args += ["--untrusted", write("intermediates.pem", case["untrusted_intermediates"])]
    if case["validation_kind"] == "SERVER":
        name = case["expected_peer_name"]
        args += ["--ip" if name["kind"] == "IP" else "--host", name["value"]]
    else:
        args += ["--client"]
    if case["validation_time"]:
        args += ["--at", case["validation_time"]]
    if case["max_chain_depth"] is not None:
        args += ["--max-depth", str(case["max_chain_depth"])]
    return args + [write("peer.pem", [case["peer_certificate"]])]


@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
def test_limbo_vectors_through_pkilesson_verify(tmp_path, capsys):
    """All 152 cases: the verdict agrees with x509-limbo's wherever pyca/cryptography does (130),
    the 22 known divergences diverge as documented, the JSON explanation is consistent with the
    verdict, and a profile-rule divergence is named by a warning."""
    agreed, diverged, decided = [], [], {}
    for case in LIMBO:
        code, out = run_cli(limbo_args(case, tmp_path))
        expected_valid = case["expected_result"] == "SUCCESS"
        if code == 2:  # bad input: the peer name itself is not a DNS name
            assert case["id"] == "rfc5280::san::underscore-dns", capsys.readouterr().err
            assert "underscores" in capsys.readouterr().err
            agreed.append(case["id"])  # no certificate can be valid for a name that is not a DNS name
            continue
        report = json.loads(out)
        valid = report["verdict"] == "valid"
        assert code == (0 if valid else 1)
        assert (report["first_failure"] is None) == valid, case["id"]
        assert (report["fix"] is None) == valid, case["id"]
        failures = [c for c in report["checks"] if c["passed"] is False]
        assert bool(failures) == (not valid)
        if not valid:  # the check the verifier refused on first, then every other failed check
            assert [report["first_failure"], *report["other_failures"]] == [
                next(c["name"] for c in failures if c["name"] == report["first_failure"]),
                *[c["name"] for c in failures if c is not next(f for f in failures if f["name"] == report["first_failure"])],
            ], case["id"]
            decided[report["first_failure"]] = decided.get(report["first_failure"], 0) + 1
        assert all(c["name"] in CHECKS for c in report["checks"])
        if valid == expected_valid:
            agreed.append(case["id"])
            assert case["id"] not in DIVERGENCES, case["id"]
        else:
            diverged.append(case["id"])
            reason = DIVERGENCES[case["id"]]
            if reason in PROFILE_RULES:
                assert any(w.startswith(reason) for w in report["warnings"]), (case["id"], report["warnings"])
    assert len(agreed) == 130 and sorted(diverged) == sorted(DIVERGENCES)
    # pyca/cryptography's messages name the check for most refusals; "policy" is what no check of ours names.
    assert decided.get("policy", 0) <= 12, decided


# -- the defects of the lessons, each with its first failure and fix ---------------------------------


@pytest.fixture(scope="module")
def ca():
    return CertificateAuthority.create("/O=Lab/CN=Lab CA", key_type="p256", now=NOW)


def leaf(ca, profile=SERVER, sans=("localhost",), cn=None, **kwargs):
    csr = create_csr(generate_key("p256"), f"/O=Lab/CN={cn or sans[0]}", list(sans) or None)
    return ca.issue(csr, profile, sans=list(sans) if sans else None, now=NOW, **kwargs)


def test_valid_chain_lists_every_check_in_order(ca):
    report = explain(leaf(ca), [ca.certificate], host="localhost", now=NOW)
    assert report.valid and report.first_failure is None and report.fix is None and report.warnings == ()
    assert [c.name for c in report.checks] == [
        "signature", "issuer_name", "key_id", "validity", "ca_flag", "key_usage", "validity",
        "version", "eku", "host_name", "leaf_key_usage",
    ]
    assert all(c.passed for c in report.checks)
    assert report.to_dict()["verdict"] == "valid"


def test_wrong_host_name(ca):
    report = explain(leaf(ca), [ca.certificate], host="server.example", now=NOW)
    assert not report.valid and report.first_failure.name == "host_name"
    assert report.fix.startswith("add subjectAltName DNS:server.example")
    report = explain(leaf(ca), [ca.certificate], host="10.1.2.3", now=NOW)
    assert report.fix.startswith("add subjectAltName IP:10.1.2.3")


def test_client_certificate_as_a_server_s(ca):
    report = explain(leaf(ca, CLIENT), [ca.certificate], host="localhost", now=NOW)
    assert report.first_failure.name == "eku"
    assert "client certificate, clientAuth, used as a server's" in report.fix


def test_expired_and_not_yet_valid(ca):
    later = explain(leaf(ca), [ca.certificate], host="localhost", now=NOW + dt.timedelta(days=400))
    assert later.first_failure.name == "validity" and "renew" in later.fix
    earlier = explain(leaf(ca), [ca.certificate], host="localhost", now=NOW - dt.timedelta(days=1))
    assert earlier.first_failure.name == "validity" and "not valid yet" in earlier.fix


def test_signed_by_another_ca(ca):
    other = CertificateAuthority.create("/O=Lab/CN=Other CA", key_type="p256", now=NOW)
    report = explain(leaf(ca), [other.certificate], host="localhost", now=NOW)
    assert report.first_failure.name == "issuer_found" and "--ca" in report.fix


def test_impostor_ca_with_the_same_name(ca):
    """Same subject as the real CA, another key: the signature check fails."""
    impostor = CertificateAuthority.create(ca.subject, key_type="p256", now=NOW)
    report = explain(leaf(ca), [impostor.certificate], host="localhost", now=NOW)
    assert not report.valid and report.first_failure.name == "signature"


def test_ca_without_key_usage(ca):
    """The source's CA: basicConstraints CA:TRUE but no keyUsage (built here with cryptography)."""
    key = generate_key("p256")
    name = x509.Name.from_rfc4514_string("CN=Source CA,O=Lab")
    root = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(NOW).not_valid_after(NOW + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    source_ca = CertificateAuthority(key, root)
    report = explain(leaf(source_ca), [root], host="localhost", now=NOW)
    assert not report.valid and report.first_failure.name == "key_usage"
    assert report.fix.startswith("the CA certificate lacks keyUsage keyCertSign")


def test_missing_intermediate_then_given():
    from pkilesson import INTERMEDIATE_CA

    root = CertificateAuthority.create("/CN=Root", key_type="p256", now=NOW)
    inter_key = generate_key("p256")
    inter = CertificateAuthority(inter_key, root.issue(create_csr(inter_key, "/CN=Intermediate"), INTERMEDIATE_CA,
                                                       now=NOW))
    cert = inter.issue(create_csr(generate_key("p256"), "/CN=localhost", ["localhost"]), SERVER, now=NOW)
    missing = explain(cert, [root.certificate], host="localhost", now=NOW)
    assert missing.first_failure.name == "issuer_found" and "--untrusted" in missing.fix
    given = explain(cert, [root.certificate], host="localhost", intermediates=[inter.certificate], now=NOW)
    assert given.valid and len(given.chain) == 3
    assert [c.link for c in given.checks if c.name == "signature"] == [0, 1]
    too_deep = explain(cert, [root.certificate], host="localhost", intermediates=[inter.certificate],
                       max_depth=0, now=NOW)
    assert not too_deep.valid and too_deep.first_failure.name == "path_length"


def test_cn_not_in_san_is_a_warning_not_a_failure(ca):
    report = explain(leaf(ca, sans=("localhost",), cn="Web server"), [ca.certificate], host="localhost", now=NOW)
    assert report.valid and report.first_failure is None
    assert report.warnings[0].startswith("cn-not-in-san: the subject CN 'Web server'")


def test_failed_check_turns_the_chain_diagram_red(ca):
    from pkilesson.draw.diagrams import chain_diagram

    report = explain(leaf(ca), [ca.certificate], host="localhost", now=NOW + dt.timedelta(days=400))
    links = report.link_checks()
    assert links[0]["validity"] is False and links[0]["signature"] is True
    svg = chain_diagram(list(report.chain), purpose="server", checks=links, now=NOW + dt.timedelta(days=400)).svg()
    assert "#c62828" in svg.lower() or "red" in svg.lower()


def test_source_recipe_v1_leaf(openssl_cli, tmp_path):
    from pkilesson import load_certificate
    from pkilesson.lessons.lesson import run_source_step

    run_source_step(2, tmp_path)
    report = explain(load_certificate(tmp_path / "server-cert.pem"), [load_certificate(tmp_path / "ca-cert.pem")],
                     host="localhost")
    assert not report.valid
    names = [c.name for c in report.checks if c.passed is False]
    assert "key_usage" in names  # the source's CA has no keyUsage
    if load_certificate(tmp_path / "server-cert.pem").version == x509.Version.v1:  # OpenSSL < 3.2
        assert "version" in names and "host_name" in names


def test_cli_text_output(tmp_path, rsa_artifacts):
    from pkilesson import Workspace

    rsa_artifacts.save(Workspace(tmp_path))
    code, out = run_cli(["verify", "--ca", str(tmp_path / "ca-cert.pem"), str(tmp_path / "client-cert.pem"),
                         "--host", "localhost", "--at", "2026-12-01T00:00:00Z"])
    # pyca/cryptography refuses on the name: its words, then our explanation naming that check first.
    lines = out.splitlines()
    assert code == 1 and lines[0].endswith("client-cert.pem: invalid for server localhost")
    assert lines[1].startswith("  pyca/cryptography ") and "says: validation failed: leaf certificate has no " \
        "matching subjectAltName" in lines[1] and "encountered processing" not in out
    assert lines[2].startswith("  pkilesson's explanation: the check it refused on is host_name")
    assert "eku fails too" in lines[3] and "Fix: add extendedKeyUsage serverAuth" in lines[3]
    code, out = run_cli(["verify", "--ca", str(tmp_path / "ca-cert.pem"), str(tmp_path / "server-cert.pem"),
                         "--host", "localhost", "--at", "2026-12-01T00:00:00Z", "--explain"])
    assert code == 0 and "ok   [0] signature" in out and "host_name" in out
