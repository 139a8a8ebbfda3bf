"""Signing requests: build, load, and the proof of possession."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from pkilesson import (
    InvalidRequestError,
    check_csr_signature,
    create_csr,
    csr_to_pem,
    generate_key,
    key_matches,
    load_csr,
    make_name,
    requested_sans,
)
from pkilesson.pki.pem import to_pem


@pytest.fixture(scope="module")
def key():
    return generate_key("p256")


def test_csr_carries_name_key_and_requested_sans(key):
    csr = create_csr(key, "/C=FR/O=Lab/CN=localhost", ["localhost", "127.0.0.1"])
    assert csr.subject == make_name(C="FR", O="Lab", CN="localhost")
    assert key_matches(key, csr.public_key())
    assert [str(n.value) for n in requested_sans(csr)] == ["localhost", "127.0.0.1"]
    check_csr_signature(csr)


def test_csr_without_sans_like_the_source(key):
    csr = create_csr(key, {"CN": "server"})
    assert requested_sans(csr) == []
    assert len(csr.extensions) == 0


@pytest.mark.parametrize("key_type", ["rsa2048", "ed25519", "p384"])
def test_pem_round_trip(key_type):
    csr = create_csr(generate_key(key_type), "/CN=x.example", ["x.example"])
    pem = csr_to_pem(csr)
    assert pem.startswith(b"-----BEGIN CERTIFICATE REQUEST-----")
    again = load_csr(pem)
    assert again == csr
    check_csr_signature(again)


def test_tampered_csr_fails_proof_of_possession(key):
    """Change one byte of the subject: the self-signature no longer verifies."""
    csr = create_csr(key, "/CN=aaaa.example")
    der = bytearray(csr.public_bytes(serialization.Encoding.DER))
    index = der.index(b"aaaa.example")
    der[index] = ord("b")
    tampered = load_csr(to_pem("CERTIFICATE REQUEST", bytes(der)))
    assert tampered.subject.rfc4514_string() == "CN=baaa.example"
    with pytest.raises(InvalidRequestError, match="does not verify"):
        check_csr_signature(tampered)


def test_loading_garbage(key):
    with pytest.raises(InvalidRequestError, match="not valid base64"):
        load_csr(b"-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n")
    with pytest.raises(InvalidRequestError, match="not a valid PKCS#10"):
        load_csr(to_pem("CERTIFICATE REQUEST", b"\x30\x03\x02\x01\x01"))
    with pytest.raises(InvalidRequestError, match="holds a private key"):
        from pkilesson import private_key_to_pem

        load_csr(private_key_to_pem(key))
    with pytest.raises(InvalidRequestError, match="is empty"):
        load_csr(b"")
    with pytest.raises(InvalidRequestError, match="no matching '-----END'"):
        load_csr(csr_to_pem(create_csr(key, "/CN=x"))[:-30])


def test_bad_san_in_request(key):
    from pkilesson import InvalidNameError

    with pytest.raises(InvalidNameError, match="underscores"):
        create_csr(key, "/CN=x", ["bad_name"])


def test_request_ext_is_san_only(key):
    csr = create_csr(key, "/CN=x", ["x.example"])
    assert [e.oid for e in csr.extensions] == [x509.oid.ExtensionOID.SUBJECT_ALTERNATIVE_NAME]
