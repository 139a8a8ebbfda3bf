"""The self-checks of lessons 05 and 06: each reads the learner's files and runs real handshakes."""

from __future__ import annotations

import pytest

from pkilesson import CLIENT, Settings, create_csr, generate_key, run_workflow
from pkilesson.lessons.exercises import check
from pkilesson.pki.hierarchy import make_hierarchy
from pkilesson.pki.revocation import load_crl, revoke
from pkilesson.tls.loopback import Party


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exercises") / "lab"
    result = run_workflow(folder, Settings(key_type="p256"))
    make_hierarchy().save(folder / "intermediate", root_passphrase="a passphrase")
    return folder, result.artifacts


def test_unanswered(lab):
    folder, _ = lab
    for exercise in ("05.alert", "05.possession", "05.new-client", "06.crl-stale", "06.minimal-chain", "06.offline"):
        feedback = check(exercise, None, directory=folder)
        assert not feedback and "replace None" in feedback.why


def test_05_alert(lab):
    folder, _ = lab
    assert check("05.alert", "unknown_ca", directory=folder)
    assert check("05.alert", "48", directory=folder)
    assert check("05.alert", "TLSV1_ALERT_UNKNOWN_CA", directory=folder)
    assert not check("05.alert", "bad_certificate", directory=folder)


def test_05_possession(lab):
    folder, _ = lab
    right = check("05.possession", "CertificateVerify", directory=folder)
    assert right and "Just now the client sent it" in right.why
    assert "public" in check("05.possession", "Certificate", directory=folder).why
    assert not check("05.possession", "Finished", directory=folder)


def test_05_new_client(lab):
    folder, artifacts = lab
    key = generate_key("p256")
    bob = artifacts.ca.issue(create_csr(key, "/CN=bob.localhost", ["bob.localhost"]), CLIENT)
    right = check("05.new-client", Party((bob,), key, (artifacts.ca.certificate,)), directory=folder)
    assert right and "CN=bob.localhost" in right.why
    same = check("05.new-client", Party((artifacts.client_certificate,), artifacts.client_key,
                                        (artifacts.ca.certificate,)), directory=folder)
    assert not same and "itself" in same.why
    server = check("05.new-client", Party((artifacts.server_certificate,), artifacts.server_key,
                                          (artifacts.ca.certificate,)), directory=folder)
    assert not server and "unsuitable certificate purpose" in server.why
    assert not check("05.new-client", "bob", directory=folder)


def test_06_crl_stale(lab):
    folder, _ = lab
    assert "no " in check("06.crl-stale", "2030-01-01", directory=folder).why
    revoke(folder, folder / "client-cert.pem")
    end = load_crl(folder / "ca-crl.pem").next_update_utc
    assert check("06.crl-stale", end.date().isoformat(), directory=folder)
    assert check("06.crl-stale", end, directory=folder)
    assert not check("06.crl-stale", "1999-01-01", directory=folder)


def test_06_minimal_chain(lab):
    folder, _ = lab
    right = check("06.minimal-chain", "b", directory=folder)
    assert right and "(a) refused" in right.why and "(b) accepted" in right.why and "(c) accepted" in right.why
    assert not check("06.minimal-chain", "(c)", directory=folder)
    assert not check("06.minimal-chain", "a", directory=folder)
    assert "one letter" in check("06.minimal-chain", "d", directory=folder).why


def test_06_offline(lab):
    folder, _ = lab
    right = check("06.offline", "intermediate", directory=folder)
    assert right and "accepted by both sides" in right.why
    assert check("06.offline", "intermediate-key.pem", directory=folder)
    assert not check("06.offline", "both", directory=folder)
    assert not check("06.offline", "root", directory=folder)
