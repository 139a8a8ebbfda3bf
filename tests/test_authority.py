"""The CA and its profiles: what each certificate carries, and what the CA refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID

from pkilesson import (
    CLIENT,
    ROOT_CA,
    SERVER,
    CertificateAuthority,
    InvalidCertificateError,
    InvalidRequestError,
    IssuanceError,
    check_serial,
    create_csr,
    generate_key,
    is_self_issued,
)
from pkilesson.pki.profiles import key_usage_of

from conftest import NOW


@pytest.fixture(scope="module")
def ca():
    return CertificateAuthority.create("/C=FR/O=Lab/CN=Lab Root CA", key_type="p256", now=NOW)


@pytest.fixture(scope="module")
def server_csr():
    return create_csr(generate_key("p256"), "/C=FR/O=Lab/CN=localhost", ["localhost", "127.0.0.1"])


def ext(cert, oid):
    return cert.extensions.get_extension_for_oid(oid)


def test_root_ca_profile(ca):
    cert = ca.certificate
    assert cert.version == x509.Version.v3
    assert is_self_issued(cert)
    basic = ext(cert, ExtensionOID.BASIC_CONSTRAINTS)
    assert basic.critical and basic.value.ca and basic.value.path_length is None
    usage = ext(cert, ExtensionOID.KEY_USAGE)
    assert usage.critical and key_usage_of(cert) == ("key_cert_sign", "crl_sign")
    ski = ext(cert, ExtensionOID.SUBJECT_KEY_IDENTIFIER).value
    assert ski == x509.SubjectKeyIdentifier.from_public_key(cert.public_key())
    assert ext(cert, ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value.key_identifier == ski.digest
    assert cert.not_valid_before_utc == NOW
    assert cert.not_valid_after_utc == NOW + dt.timedelta(days=ROOT_CA.default_days)
    cert.verify_directly_issued_by(cert)


def test_server_profile(ca, server_csr):
    cert = ca.issue(server_csr, SERVER, now=NOW)
    assert cert.version == x509.Version.v3
    assert cert.issuer == ca.subject and cert.subject == server_csr.subject
    basic = ext(cert, ExtensionOID.BASIC_CONSTRAINTS)
    assert basic.critical and not basic.value.ca
    assert ext(cert, ExtensionOID.KEY_USAGE).critical
    assert key_usage_of(cert) == ("digital_signature",)  # EC key: no keyEncipherment
    assert list(ext(cert, ExtensionOID.EXTENDED_KEY_USAGE).value) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert [str(n.value) for n in ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value] == ["localhost", "127.0.0.1"]
    ca_ski = ext(ca.certificate, ExtensionOID.SUBJECT_KEY_IDENTIFIER).value.digest
    assert ext(cert, ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value.key_identifier == ca_ski
    assert ext(cert, ExtensionOID.SUBJECT_KEY_IDENTIFIER).value == x509.SubjectKeyIdentifier.from_public_key(
        cert.public_key()
    )
    cert.verify_directly_issued_by(ca.certificate)


def test_rsa_server_adds_key_encipherment(ca):
    csr = create_csr(generate_key("rsa2048"), "/CN=localhost", ["localhost"])
    assert key_usage_of(ca.issue(csr, SERVER, now=NOW)) == ("digital_signature", "key_encipherment")
    assert key_usage_of(ca.issue(csr, CLIENT, now=NOW)) == ("digital_signature",)


def test_client_profile(ca):
    csr = create_csr(generate_key("p384"), "/CN=alice", ["alice@lab.example"])
    cert = ca.issue(csr, CLIENT, now=NOW)
    assert list(ext(cert, ExtensionOID.EXTENDED_KEY_USAGE).value) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert isinstance(ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value[0], x509.RFC822Name)


def test_sans_argument_overrides_the_request(ca, server_csr):
    cert = ca.issue(server_csr, SERVER, sans=["server.example"], now=NOW)
    assert [n.value for n in ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value] == ["server.example"]


def test_random_serials_are_large_and_distinct(ca, server_csr):
    serials = {ca.issue(server_csr, now=NOW).serial_number for _ in range(20)}
    assert len(serials) == 20
    assert all(s.bit_length() > 64 for s in serials)


def test_fixed_serial_like_the_source(ca, server_csr):
    assert ca.issue(server_csr, serial=1, now=NOW).serial_number == 1


@pytest.mark.parametrize("serial, message", [(0, "not positive"), (-5, "not positive"), (1 << 160, "20 octets"),
                                            ("01", "integer"), (True, "integer")])
def test_bad_serials(serial, message):
    with pytest.raises(IssuanceError, match=message):
        check_serial(serial)


def test_same_subject_as_ca_is_refused(ca):
    """The source's classic trap: the leaf gets the CA's name, OpenSSL says 'self-signed'."""
    csr = create_csr(generate_key("p256"), ca.subject, ["localhost"])
    with pytest.raises(IssuanceError, match="CA's own subject.*error 18"):
        ca.issue(csr, SERVER, now=NOW)
    cert = ca.issue(csr, SERVER, allow_same_subject=True, now=NOW)
    assert is_self_issued(cert)


def test_same_subject_refusal_states_openssl_s_whole_rule(ca):
    """Not 'no authorityKeyIdentifier' alone: the AKI against the SKI, and the key type against the signature."""
    csr = create_csr(generate_key("p256"), ca.subject, ["localhost"])
    with pytest.raises(IssuanceError) as refused:
        ca.issue(csr, SERVER, now=NOW)
    problem = refused.value.problem
    assert "authorityKeyIdentifier" in problem and "subjectKeyIdentifier" in problem
    assert "key type" in problem and "signature" in problem and "without checking its signature" in problem
    assert "which have no authorityKeyIdentifier" not in problem


def test_server_without_san_is_refused(ca):
    csr = create_csr(generate_key("p256"), "/CN=localhost")
    with pytest.raises(IssuanceError, match="needs a subjectAltName.*sans="):
        ca.issue(csr, SERVER, now=NOW)
    assert ca.issue(csr, SERVER, sans=["localhost"], now=NOW)


def test_csr_with_bad_signature_is_refused(ca, server_csr):
    from cryptography.hazmat.primitives import serialization

    from pkilesson import load_csr
    from pkilesson.pki.pem import to_pem

    der = bytearray(server_csr.public_bytes(serialization.Encoding.DER))
    der[der.index(b"localhost")] ^= 0x01
    with pytest.raises(InvalidRequestError, match="does not verify"):
        ca.issue(load_csr(to_pem("CERTIFICATE REQUEST", bytes(der))), now=NOW)


@pytest.mark.parametrize("days, message", [(0, "impossible"), (-1, "impossible"), (3.5, "whole number"),
                                           (10**7, "9999-12-31")])
def test_impossible_validity(ca, server_csr, days, message):
    with pytest.raises(IssuanceError, match=message):
        ca.issue(server_csr, days=days, now=NOW)


def test_leaf_cannot_outlive_its_ca(ca, server_csr):
    with pytest.raises(IssuanceError, match="outlive its CA.*at most 3650 days"):
        ca.issue(server_csr, days=4000, now=NOW)


def test_ca_not_yet_valid_or_expired(ca, server_csr):
    with pytest.raises(IssuanceError, match="not valid yet"):
        ca.issue(server_csr, now=NOW - dt.timedelta(days=1))
    with pytest.raises(IssuanceError, match="expired"):
        ca.issue(server_csr, now=NOW + dt.timedelta(days=4000))


def test_naive_now_is_refused(server_csr):
    with pytest.raises(IssuanceError, match="no time zone"):
        CertificateAuthority.create("/CN=x", key_type="p256", now=dt.datetime(2026, 1, 1))


def test_now_in_another_zone_is_converted(server_csr):
    paris = dt.timezone(dt.timedelta(hours=1))
    ca = CertificateAuthority.create("/CN=x", key_type="p256", now=dt.datetime(2026, 1, 1, 1, 0, tzinfo=paris))
    assert ca.certificate.not_valid_before_utc == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def test_wrong_key_for_the_ca_certificate(ca):
    with pytest.raises(InvalidCertificateError, match="does not belong to the CA certificate"):
        CertificateAuthority(generate_key("p256"), ca.certificate)


def test_a_leaf_cannot_act_as_ca(ca, server_csr):
    key = generate_key("p256")
    leaf = ca.issue(create_csr(key, "/CN=leaf.example", ["leaf.example"]), now=NOW)
    fake = CertificateAuthority(key, leaf)
    with pytest.raises(IssuanceError, match="CA:FALSE"):
        fake.issue(server_csr, now=NOW)


def test_ca_is_immutable(ca):
    with pytest.raises(AttributeError):
        ca.key = None


def test_load_round_trip(ca):
    from pkilesson import certificate_to_pem, private_key_to_pem

    again = CertificateAuthority.load(certificate_to_pem(ca.certificate), private_key_to_pem(ca.key, "pw"), "pw")
    assert again.certificate == ca.certificate


def test_non_ca_profile_for_create():
    with pytest.raises(IssuanceError, match="not a CA profile"):
        CertificateAuthority.create("/CN=x", key_type="p256", profile=SERVER, now=NOW)


def test_ed25519_ca_is_an_explicit_choice():
    """pyca/cryptography's verifier refuses Ed25519 signatures: the CA says so unless asked."""
    from pkilesson import verify_certificate

    with pytest.raises(IssuanceError, match="CA's key is ed25519.*refuses.*Ed25519.*p256"):
        CertificateAuthority.create("/CN=x", key_type="ed25519", now=NOW)
    ca = CertificateAuthority.create("/CN=x", key_type="ed25519", allow_ed25519=True, now=NOW)
    cert = ca.issue(create_csr(generate_key("p256"), "/CN=localhost", ["localhost"]), SERVER, now=NOW)
    verdict = verify_certificate(cert, [ca.certificate], host="localhost", now=NOW)
    assert not verdict.valid and "Forbidden public key algorithm" in verdict.reason


def test_ed25519_leaf_under_an_ecdsa_ca_is_valid(ca):
    from pkilesson import verify_certificate

    cert = ca.issue(create_csr(generate_key("ed25519"), "/CN=localhost", ["localhost"]), SERVER, now=NOW)
    assert verify_certificate(cert, [ca.certificate], host="localhost", now=NOW).valid
