"""decode and 'pkilesson inspect' warn where a strict verifier or a careless umask would bite (issue #10 item 12)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from conftest import NOW
from pkilesson import CertificateAuthority, decode, generate_key, private_key_to_pem
from pkilesson.cli import main
from pkilesson.decoding.decode import decode_all
from pkilesson.pki.keys import signature_hash

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX permission bits")


def _ca_without_key_usage() -> x509.Certificate:
    """What 'openssl req -new -x509' makes with the stock configuration: CA:TRUE, no keyUsage."""
    key = generate_key("p256")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Lab CA")])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(NOW).not_valid_after(NOW + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, signature_hash(key)))


def _write(path, data: bytes, mode: int):
    path.write_bytes(data)
    path.chmod(mode)
    return path


# -- a CA certificate without keyUsage ------------------------------------------------------------------


def test_a_ca_certificate_without_key_usage_gets_a_warning_with_the_fix():
    view = decode(_ca_without_key_usage(), now=NOW)
    warning = next(w for w in view.warnings if "without keyUsage" in w)
    assert "-x509_strict" in warning and "error 92" in warning and "pyca/cryptography" in warning
    assert "OpenSSL 3.0" in warning and "Python 3.13" in warning
    assert "Fix:" in warning and "keyCertSign" in warning
    assert warning in view.to_dict()["warnings"]


def test_no_warning_for_a_ca_with_key_usage_or_a_leaf_without_it():
    ca = CertificateAuthority.create("/CN=Good CA", key_type="p256", now=NOW)
    assert not any("keyUsage" in w for w in decode(ca.certificate, now=NOW).warnings)
    key = generate_key("p256")
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "leaf")]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(2)
            .not_valid_before(NOW).not_valid_after(NOW + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca.key, signature_hash(ca.key)))
    assert not any("keyUsage" in w for w in decode(leaf, now=NOW).warnings)


# -- a private key read from a file: its real mode --------------------------------------------------------


@posix_only
def test_a_key_file_readable_by_others_says_its_mode_and_the_fix(tmp_path):
    path = _write(tmp_path / "ca-key.pem", private_key_to_pem(generate_key("p256")), 0o644)
    for data in (path, str(path)):
        view = decode(data, now=NOW)
        assert view.field("file_mode").value.startswith("0644")
        assert "Its mode is 0644" in view.warnings[0] and "every other user" in view.warnings[0]
        assert f"chmod 600 {path}" in view.warnings[0]
        assert view.to_dict()["file"] == {"path": str(path), "mode": "0644", "group_or_others_can_read": True}


@posix_only
def test_group_readable_is_named_too(tmp_path):
    path = _write(tmp_path / "k.pem", private_key_to_pem(generate_key("p256")), 0o640)
    warning = decode(path, now=NOW).warnings[0]
    assert "its group can read it" in warning and "chmod 600" in warning


@posix_only
def test_an_owner_only_key_file_is_said_to_be_so(tmp_path):
    path = _write(tmp_path / "ca-key.pem", private_key_to_pem(generate_key("p256")), 0o600)
    view = decode(path, now=NOW)
    assert view.field("file_mode").value == "0600 (only its owner can read it)"
    assert "only its owner can read it" in view.warnings[0] and "chmod" not in view.warnings[0]
    assert view.to_dict()["file"]["group_or_others_can_read"] is False


def test_a_key_from_memory_has_no_mode_to_report():
    key = generate_key("p256")
    for data in (key, private_key_to_pem(key)):
        view = decode(data, now=NOW)
        assert "mode 0600" in view.warnings[0] and "file_mode" not in [f.key for f in view.fields]


@posix_only
def test_a_bundle_file_reports_the_mode_on_its_key_only(tmp_path):
    ca = CertificateAuthority.create("/CN=Bundle CA", key_type="p256", now=NOW)
    pem = ca.certificate.public_bytes(serialization.Encoding.PEM) + private_key_to_pem(ca.key)
    items = decode_all(_write(tmp_path / "bundle.pem", pem, 0o644), now=NOW)
    assert [i.kind for i in items] == ["certificate", "private key"]
    assert "file_mode" not in [f.key for f in items[0].fields] and "0644" in items[1].warnings[0]


# -- the command line --------------------------------------------------------------------------------------


@posix_only
def test_inspect_says_the_key_file_s_real_mode(tmp_path, capsys):
    path = _write(tmp_path / "server-key.pem", private_key_to_pem(generate_key("p256")), 0o644)
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Its mode is 0644" in out and f"chmod 600 {path}" in out and "File mode: 0644" in out
    assert "(mode 0600)." not in out  # not the generic advice, which said nothing of the real mode


def test_inspect_warns_about_a_ca_without_key_usage(tmp_path, capsys):
    path = tmp_path / "ca-cert.pem"
    path.write_bytes(_ca_without_key_usage().public_bytes(serialization.Encoding.PEM))
    assert main(["inspect", str(path), "--at", "2026-11-26T12:00:00Z"]) == 0
    out = capsys.readouterr().out
    assert "! A CA certificate (basicConstraints CA:TRUE) without keyUsage" in out and "Fix:" in out
