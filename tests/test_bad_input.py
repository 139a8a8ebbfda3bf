"""Bad input anywhere gets one clear error from our family, never a deep traceback.

Each loader is fed random bytes, truncated and bit-flipped versions of real
files, and files of the wrong kind; the only exception allowed out is a
PkiLessonError whose message is one line with a fix.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings, strategies as st

from pkilesson import (
    CertificateAuthority,
    PkiLessonError,
    certificate_to_pem,
    csr_to_pem,
    load_certificate,
    load_certificates,
    load_csr,
    load_private_key,
    private_key_to_pem,
)
from pkilesson.pki.pem import read_pem_blocks, to_pem

from conftest import NOW

LOADERS = {
    "certificate": (load_certificate, "CERTIFICATE"),
    "bundle": (load_certificates, "CERTIFICATE"),
    "csr": (load_csr, "CERTIFICATE REQUEST"),
    "key": (load_private_key, "PRIVATE KEY"),
}


def samples(artifacts):
    return {
        "certificate": artifacts.server_certificate.public_bytes(serialization.Encoding.DER),
        "bundle": artifacts.server_certificate.public_bytes(serialization.Encoding.DER),
        "csr": artifacts.server_csr.public_bytes(serialization.Encoding.DER),
        "key": artifacts.server_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    }


def check_clean_error(exc: PkiLessonError):
    text = str(exc)
    assert "\n" not in text and "Fix: " in text, text
    assert exc.problem and exc.fix


def expect_ok_or_clean_error(loader, data):
    try:
        loader(data)
    except PkiLessonError as exc:
        check_clean_error(exc)


@pytest.mark.parametrize("kind", list(LOADERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_der_and_pem(rsa_artifacts, kind, data):
    loader, label = LOADERS[kind]
    der = bytearray(samples(rsa_artifacts)[kind])
    how = data.draw(st.sampled_from(["flip", "truncate", "random"]))
    if how == "flip":
        index = data.draw(st.integers(0, len(der) - 1))
        der[index] ^= data.draw(st.integers(1, 255))
    elif how == "truncate":
        der = der[: data.draw(st.integers(0, len(der) - 1))]
    else:
        der = bytearray(data.draw(st.binary(min_size=0, max_size=400)))
    expect_ok_or_clean_error(loader, bytes(der))
    expect_ok_or_clean_error(loader, to_pem(label, bytes(der)) if der else b"")


@pytest.mark.parametrize("kind", list(LOADERS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=2000), junk=st.text(max_size=5))
def test_damaged_pem_text(rsa_artifacts, kind, cut, junk):
    loader, label = LOADERS[kind]
    text = to_pem(label, samples(rsa_artifacts)[kind]).decode()
    cut = min(cut, len(text) - 1)
    expect_ok_or_clean_error(loader, text[:cut] + junk + text[cut + 1 :])


def test_wrong_kinds_everywhere(rsa_artifacts):
    files = {
        "certificate": certificate_to_pem(rsa_artifacts.server_certificate),
        "csr": csr_to_pem(rsa_artifacts.server_csr),
        "key": private_key_to_pem(rsa_artifacts.server_key),
    }
    for kind, (loader, _) in LOADERS.items():
        for other, data in files.items():
            if other == kind or (kind == "bundle" and other == "certificate"):
                continue
            with pytest.raises(PkiLessonError) as info:
                loader(data)
            check_clean_error(info.value)
            assert "Expected" in str(info.value) or "holds" in str(info.value)


def test_bundles(rsa_artifacts):
    two = certificate_to_pem(rsa_artifacts.server_certificate) + certificate_to_pem(rsa_artifacts.ca.certificate)
    assert load_certificates(two) == [rsa_artifacts.server_certificate, rsa_artifacts.ca.certificate]
    with pytest.raises(PkiLessonError, match="2 PEM blocks.*one file per item"):
        load_certificate(two)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"hello", "neither PEM"),
        (b"-----BEGIN CERTIFICATE-----\nAAA=\n-----END CERTIFICATE REQUEST-----\n", "ends with"),
        (b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", "is empty"),
        (b"-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n", "not valid base64"),
        ("-----BEGIN CERTIFICATE-----\nÿÿ\n-----END CERTIFICATE-----\n", "not valid base64"),
        (12345, "got int"),
    ],
)
def test_pem_armour_errors(data, message):
    with pytest.raises(PkiLessonError, match=message) as info:
        load_certificate(data)
    check_clean_error(info.value)


def test_legacy_encrypted_pem_headers(rsa_artifacts):
    legacy = rsa_artifacts.server_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(b"pw"),
    )
    with pytest.raises(PkiLessonError, match="legacy encrypted key format.*pkcs8 -topk8"):
        load_private_key(legacy, passphrase="pw")


def test_ca_load_with_swapped_files(rsa_artifacts):
    cert = certificate_to_pem(rsa_artifacts.ca.certificate)
    key = private_key_to_pem(rsa_artifacts.ca.key)
    with pytest.raises(PkiLessonError, match="Expected a (certificate|private key), but the data holds a (private key|certificate)"):
        CertificateAuthority.load(key, cert)
    with pytest.raises(PkiLessonError, match="does not belong"):
        CertificateAuthority.load(certificate_to_pem(rsa_artifacts.server_certificate), key)


def test_issue_with_a_non_csr(rsa_artifacts):
    with pytest.raises(PkiLessonError, match="signs certificate signing requests; it was given a Certificate"):
        rsa_artifacts.ca.issue(rsa_artifacts.server_certificate, now=NOW)  # type: ignore[arg-type]


def test_wrong_types_get_our_errors(rsa_artifacts):
    """A learner passing the wrong object gets our error, not an AttributeError from deep inside."""
    from pkilesson import create_csr, make_name, parse_general_names, verify_certificate

    cert, key = rsa_artifacts.server_certificate, rsa_artifacts.server_key
    calls = [
        lambda: private_key_to_pem(cert),
        lambda: private_key_to_pem(key.public_key()),
        lambda: create_csr("not a key", "/CN=x"),
        lambda: create_csr(key.public_key(), "/CN=x"),
        lambda: CertificateAuthority.create("/CN=x", key=cert, now=NOW),
        lambda: CertificateAuthority(key, "cert"),
        lambda: make_name({1: "x"}),
        lambda: parse_general_names(None),
        lambda: parse_general_names(5),
        lambda: verify_certificate("cert", [rsa_artifacts.ca.certificate], host="localhost", now=NOW),
        lambda: verify_certificate(cert, ["root"], host="localhost", now=NOW),
        lambda: verify_certificate(cert, [rsa_artifacts.ca.certificate], host="localhost", intermediates=[1], now=NOW),
    ]
    for call in calls:
        with pytest.raises(PkiLessonError) as info:
            call()
        check_clean_error(info.value)


def test_a_single_root_is_accepted(rsa_artifacts):
    from pkilesson import verify_certificate

    assert verify_certificate(rsa_artifacts.server_certificate, rsa_artifacts.ca.certificate, host="localhost", now=NOW)


def test_a_file_name_given_as_text(tmp_path, monkeypatch, rsa_artifacts):
    """Learners write load_certificate("server-cert.pem"): a one-line string naming a file is read."""
    (tmp_path / "server-cert.pem").write_bytes(certificate_to_pem(rsa_artifacts.server_certificate))
    monkeypatch.chdir(tmp_path)
    assert load_certificate("server-cert.pem") == rsa_artifacts.server_certificate
    with pytest.raises(PkiLessonError, match="no file named 'client-cert.pem'") as info:
        load_certificate("client-cert.pem")
    check_clean_error(info.value)


# -- issue #11: only regular files are read; every PEM label is read; a PKCS#12 file is named ------------


@pytest.mark.parametrize("make", ["fifo", "folder", "device", "socket"])
def test_only_regular_files_are_read_at_once(tmp_path, make):
    """Finding 6: inspect and verify blocked forever on a FIFO."""
    import socket

    path = tmp_path / "thing.pem"
    if make == "fifo":
        os.mkfifo(path)
    elif make == "folder":
        path.mkdir()
    elif make == "device":
        path = Path(os.devnull)
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()
    kind = {"fifo": "is a FIFO", "folder": "is a folder", "device": "is a character device", "socket": "socket"}[make]
    for loader in (load_certificate, load_certificates, load_csr, load_private_key):
        for data in (path, str(path)):
            with pytest.raises(PkiLessonError, match=kind) as info:
                loader(data)
            check_clean_error(info.value)


def test_unreadable_paths_are_one_clear_error(tmp_path):
    """Finding 5: a 300-character name (ENAMETOOLONG) gave a traceback."""
    for path in (tmp_path / ("x" * 300), tmp_path / "missing.pem", tmp_path / "nofolder" / "x.pem"):
        with pytest.raises(PkiLessonError) as info:
            load_certificate(path)
        check_clean_error(info.value)


@pytest.mark.parametrize("label", ["X9.42 DH PARAMETERS", "private key", "EC PARAMETERS", "SSH2 PUBLIC KEY"])
def test_every_rfc_7468_label_is_read(label):
    """Finding 12: 'X9.42 DH PARAMETERS' and lowercase labels were 'no matching END'."""
    block = to_pem(label, b"\x30\x03\x02\x01\x05")
    blocks = read_pem_blocks(block, "the file")
    assert [b.label for b in blocks] == [label]
    with pytest.raises(PkiLessonError, match=f"Expected a private key, but the data holds .*") as info:
        load_private_key(block)
    check_clean_error(info.value)
    assert "END" not in str(info.value)


def test_a_pkcs12_file_is_named_as_such(rsa_artifacts):
    """Finding 12: a PKCS#12 file was 'not a valid private key'."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    for encryption in (serialization.NoEncryption(), serialization.BestAvailableEncryption(b"pw")):
        p12 = pkcs12.serialize_key_and_certificates(b"server", rsa_artifacts.server_key,
                                                    rsa_artifacts.server_certificate, None, encryption)
        for loader in (load_private_key, load_certificate):
            with pytest.raises(PkiLessonError, match=r"PKCS#12 bundle.*openssl pkcs12") as info:
                loader(p12)
            check_clean_error(info.value)


def test_openssl_ecparam_genkey_output_is_a_key():
    """Finding 12: 'openssl ecparam -genkey' writes EC PARAMETERS before the key: the key is read."""
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    params = to_pem("EC PARAMETERS", bytes.fromhex("06082a8648ce3d030107"))
    sec1 = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())
    assert load_private_key(params + sec1).private_numbers() == key.private_numbers()
