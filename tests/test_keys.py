"""Keys: every type we offer, PEM round trips, and clear errors on bad input."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings, strategies as st

from pkilesson import (
    KEY_TYPES,
    InvalidKeyError,
    PkiLessonError,
    generate_key,
    key_matches,
    key_type_of,
    load_private_key,
    private_key_to_pem,
    public_key_to_pem,
    spki_sha256,
)
from pkilesson.pki.keys import signature_hash

# Keys are slow to make (RSA 4096 above all): make each type once.
KEYS = {name: generate_key(name) for name in KEY_TYPES}


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_generate_key_gives_the_asked_type(key_type):
    assert key_type_of(KEYS[key_type]) == key_type
    assert key_type_of(KEYS[key_type].public_key()) == key_type


def test_default_is_rsa_2048_like_the_source():
    key = generate_key()
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    assert key.public_key().public_numbers().e == 65537


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_pem_is_pkcs8_and_round_trips(key_type):
    pem = private_key_to_pem(KEYS[key_type])
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    again = load_private_key(pem)
    assert key_matches(again, KEYS[key_type].public_key())


@pytest.mark.parametrize("key_type", ["p256", "ed25519"])
def test_passphrase_round_trip_and_errors(key_type):
    pem = private_key_to_pem(KEYS[key_type], passphrase="correct horse")
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert key_matches(load_private_key(pem, passphrase="correct horse"), KEYS[key_type])
    with pytest.raises(InvalidKeyError, match="passphrase is wrong"):
        load_private_key(pem, passphrase="wrong")
    with pytest.raises(InvalidKeyError, match="protected by a passphrase"):
        load_private_key(pem)


def test_passphrase_given_for_plain_key_is_ignored():
    pem = private_key_to_pem(KEYS["p256"])
    assert key_matches(load_private_key(pem, passphrase="unused"), KEYS["p256"])


def test_empty_passphrase_is_refused():
    with pytest.raises(InvalidKeyError, match="passphrase is empty"):
        private_key_to_pem(KEYS["p256"], passphrase="")


def test_legacy_pkcs1_rsa_key_loads():
    """OpenSSL 1.x's genrsa wrote 'BEGIN RSA PRIVATE KEY' (PKCS#1)."""
    pem = KEYS["rsa2048"].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    assert pem.startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert key_matches(load_private_key(pem), KEYS["rsa2048"])


def test_der_key_loads():
    der = KEYS["p384"].private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert key_matches(load_private_key(der), KEYS["p384"])


def test_unknown_key_type():
    with pytest.raises(InvalidKeyError, match="Unknown key type 'rsa1024'.*rsa2048"):
        generate_key("rsa1024")


def test_key_type_accepts_spellings():
    assert key_type_of(generate_key("RSA-2048")) == "rsa2048"
    assert key_type_of(generate_key("P_256")) == "p256"


@pytest.mark.parametrize(
    "make",
    [
        lambda: dsa.generate_private_key(2048),
        lambda: ed448.Ed448PrivateKey.generate(),
        lambda: ec.generate_private_key(ec.SECP256K1()),
    ],
    ids=["dsa", "ed448", "secp256k1"],
)
def test_unsupported_key_types_are_refused_on_load(make):
    pem = make().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(InvalidKeyError, match="not used in these lessons"):
        load_private_key(pem)


def test_certificate_given_as_key(rsa_artifacts):
    from pkilesson import certificate_to_pem

    with pytest.raises(InvalidKeyError, match="Expected a private key, but the data holds a certificate"):
        load_private_key(certificate_to_pem(rsa_artifacts.ca.certificate))


def test_public_key_pem_and_fingerprint():
    key = KEYS["ed25519"]
    assert public_key_to_pem(key).startswith(b"-----BEGIN PUBLIC KEY-----")
    assert public_key_to_pem(key) == public_key_to_pem(key.public_key())
    assert spki_sha256(key) == spki_sha256(key.public_key())
    assert len(spki_sha256(key)) == 64
    assert spki_sha256(key) != spki_sha256(KEYS["p256"])


def test_key_matches_tells_pairs_apart():
    assert key_matches(KEYS["p256"], KEYS["p256"].public_key())
    assert not key_matches(KEYS["p256"], KEYS["p384"].public_key())


def test_signature_hash_per_type():
    assert signature_hash(KEYS["rsa2048"]).name == "sha256"
    assert signature_hash(KEYS["p256"]).name == "sha256"
    assert signature_hash(KEYS["p384"]).name == "sha384"
    assert signature_hash(KEYS["ed25519"]) is None


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_passphrase_round_trips(passphrase):
    pem = private_key_to_pem(KEYS["p256"], passphrase=passphrase)
    assert key_matches(load_private_key(pem, passphrase=passphrase), KEYS["p256"])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_loader(data):
    with pytest.raises(PkiLessonError):
        load_private_key(data)


# -- issue #11: arguments checked at the door; paths, bytes and PEM text accepted where a key is expected --


def test_wrong_key_arguments_name_the_parameter(tmp_path):
    from pkilesson import PkiLessonError, key_matches, public_key_to_pem, spki_sha256
    from pkilesson.pki.keys import key_type_of, signature_hash

    key = generate_key("p256")
    calls = {
        "passphrase": lambda: private_key_to_pem(key, passphrase=5),
        "key": lambda: public_key_to_pem(None),
        "private_key": lambda: key_matches(None, key.public_key()),
        "public_key": lambda: key_matches(key, 3.5),
        "key_type": lambda: generate_key(2048),
    }
    for parameter, call in calls.items():
        with pytest.raises(TypeError, match=f"^{parameter}= must be ") as info:
            call()
        assert isinstance(info.value, PkiLessonError) and " Fix: " in str(info.value)
    for call in (lambda: spki_sha256(object()), lambda: key_type_of(None), lambda: signature_hash("x")):
        with pytest.raises(PkiLessonError):
            call()


def test_a_key_file_path_or_pem_is_accepted_where_a_key_is_expected(tmp_path):
    from pkilesson import key_matches, public_key_to_pem

    key = generate_key("p256")
    pem = private_key_to_pem(key)
    (tmp_path / "key.pem").write_bytes(pem)
    for given in (tmp_path / "key.pem", str(tmp_path / "key.pem"), pem, pem.decode()):
        assert public_key_to_pem(given) == public_key_to_pem(key)
        assert key_matches(given, key.public_key())
        assert private_key_to_pem(given) == pem
