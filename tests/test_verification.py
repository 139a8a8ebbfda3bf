"""Verification with pyca/cryptography's verifier: valid chains, and the verdicts on broken ones."""

from __future__ import annotations

import datetime as dt

import pytest

from pkilesson import (
    CLIENT,
    SERVER,
    CertificateAuthority,
    PkiLessonError,
    create_csr,
    generate_key,
    verify_certificate,
)

from conftest import NOW


def test_workflow_certificates_are_valid(artifacts):
    roots = [artifacts.ca.certificate]
    for host in ("localhost", "127.0.0.1"):
        verdict = verify_certificate(artifacts.server_certificate, roots, host=host, now=NOW)
        assert verdict.valid, verdict.reason
        assert verdict.chain == (artifacts.server_certificate, artifacts.ca.certificate)
        assert str(verdict) == f"valid for server {host} (chain of 2)"
    client = verify_certificate(artifacts.client_certificate, roots, client=True, now=NOW)
    assert client and client.chain[0] == artifacts.client_certificate


def test_wrong_host(rsa_artifacts):
    verdict = verify_certificate(rsa_artifacts.server_certificate, [rsa_artifacts.ca.certificate], host="other.example", now=NOW)
    assert not verdict and verdict.chain == ()
    assert "other.example" in verdict.reason or "subject" in verdict.reason.lower()


def test_client_certificate_cannot_pose_as_server(rsa_artifacts):
    """With EKU, the client certificate fails as a server's (pitfall 5 fixed)."""
    verdict = verify_certificate(rsa_artifacts.client_certificate, [rsa_artifacts.ca.certificate], host="client.localhost", now=NOW)
    assert not verdict.valid
    assert "EKU" in verdict.reason or "extended key usage" in verdict.reason.lower()


def test_server_certificate_cannot_pose_as_client(rsa_artifacts):
    verdict = verify_certificate(rsa_artifacts.server_certificate, [rsa_artifacts.ca.certificate], client=True, now=NOW)
    assert not verdict.valid


def test_expired_and_not_yet_valid(rsa_artifacts):
    roots = [rsa_artifacts.ca.certificate]
    later = verify_certificate(rsa_artifacts.server_certificate, roots, host="localhost", now=NOW + dt.timedelta(days=366))
    earlier = verify_certificate(rsa_artifacts.server_certificate, roots, host="localhost", now=NOW - dt.timedelta(days=1))
    assert not later.valid and not earlier.valid
    assert later.reason != earlier.reason or "valid" in later.reason


def test_another_ca(rsa_artifacts):
    other = CertificateAuthority.create("/CN=Other CA", key_type="p256", now=NOW)
    verdict = verify_certificate(rsa_artifacts.server_certificate, [other.certificate], host="localhost", now=NOW)
    # pyca/cryptography finds no issuer for the leaf among the trusted roots.
    assert not verdict.valid and "candidates exhausted" in verdict.reason


def test_intermediates_are_used():
    root = CertificateAuthority.create("/CN=Root", key_type="p256", now=NOW)
    from pkilesson import INTERMEDIATE_CA

    inter_key = generate_key("p256")
    inter_cert = root.issue(create_csr(inter_key, "/CN=Intermediate"), INTERMEDIATE_CA, now=NOW)
    inter = CertificateAuthority(inter_key, inter_cert)
    leaf = inter.issue(create_csr(generate_key("p256"), "/CN=localhost", ["localhost"]), SERVER, now=NOW)
    assert not verify_certificate(leaf, [root.certificate], host="localhost", now=NOW).valid
    verdict = verify_certificate(leaf, [root.certificate], host="localhost", intermediates=[inter_cert], now=NOW)
    assert verdict.valid and len(verdict.chain) == 3
    assert not verify_certificate(leaf, [root.certificate], host="localhost", intermediates=[inter_cert],
                                  max_depth=0, now=NOW).valid
    client = inter.issue(create_csr(generate_key("p256"), "/CN=c.example", ["c.example"]), CLIENT, now=NOW)
    assert verify_certificate(client, [root.certificate], client=True, intermediates=[inter_cert], now=NOW).valid


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "Say what the certificate is for"),
        ({"host": "localhost", "client": True}, "Say what the certificate is for"),
        ({"host": "bad_name"}, "underscores"),
        ({"host": "*.example.com"}, "not a valid DNS name"),
    ],
)
def test_bad_arguments(rsa_artifacts, kwargs, message):
    with pytest.raises(PkiLessonError, match=message):
        verify_certificate(rsa_artifacts.server_certificate, [rsa_artifacts.ca.certificate], now=NOW, **kwargs)


def test_no_roots(rsa_artifacts):
    with pytest.raises(PkiLessonError, match="No trusted CA"):
        verify_certificate(rsa_artifacts.server_certificate, [], host="localhost", now=NOW)
