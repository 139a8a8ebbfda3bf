"""pkilesson.lessons.lesson: what each notebook starts from, one step from choices, the source's own commands."""

from __future__ import annotations

import os

import pytest
from cryptography import x509

from pkilesson import FILE_NAMES, PkiLessonError, WorkspaceError, key_matches, load_certificate, verify_certificate
from pkilesson.lessons.lesson import Choices, file_mode, make_step, prepare, run_source_step

from conftest import NOW


def test_step_1_needs_nothing(tmp_path):
    prepared = prepare(1, tmp_path / "lab", now=NOW)
    assert prepared.ca is None and prepared.items == {}
    assert "starts from nothing" in str(prepared)
    assert not (tmp_path / "lab").exists()


def test_step_2_makes_the_ca_then_loads_it(tmp_path):
    lab = tmp_path / "lab"
    first = prepare(2, lab)
    assert str(first).startswith("Made the CA (step 1) with default settings")
    assert sorted(os.listdir(lab)) == ["ca-cert.pem", "ca-key.pem"]
    assert file_mode(lab / "ca-key.pem") == "0600"
    again = prepare(3, lab)
    assert str(again).startswith("Loaded the files of the CA (step 1)")
    assert again.ca.certificate == first.ca.certificate


def test_step_4_completes_a_partial_workspace(tmp_path):
    lab = tmp_path / "lab"
    prepare(2, lab)
    prepared = prepare(4, lab)
    assert "Loaded the files of the CA (step 1)" in str(prepared)
    assert "Made the server (step 2), the client (step 3)" in str(prepared)
    assert sorted(os.listdir(lab)) == sorted(FILE_NAMES)
    items = prepared.items
    assert verify_certificate(items[("server", "cert")], [items[("ca", "cert")]], host="localhost").valid
    assert verify_certificate(items[("client", "cert")], [items[("ca", "cert")]], client=True).valid


def test_prepare_never_overwrites_a_half_made_step(tmp_path):
    lab = tmp_path / "lab"
    prepare(4, lab)
    os.remove(lab / "server-cert.pem")
    before = (lab / "server-key.pem").read_bytes()
    with pytest.raises(WorkspaceError, match="holds server-key.pem, server-req.pem but not the rest"):
        prepare(4, lab)
    assert (lab / "server-key.pem").read_bytes() == before


def test_prepare_refuses_leaves_without_their_ca(tmp_path):
    lab = tmp_path / "lab"
    prepare(4, lab)
    os.remove(lab / "ca-key.pem")
    os.remove(lab / "ca-cert.pem")
    with pytest.raises(WorkspaceError, match="no CA"):
        prepare(2, lab)


def test_make_step_from_choices():
    ca_step = make_step(1, Choices(key_type="p256", common_name="Classroom CA", days=30, serial=7), now=NOW)
    assert ca_step.certificate.serial_number == 7
    assert ca_step.certificate.subject.rfc4514_string() == "CN=Classroom CA,O=pkilesson,C=FR"
    assert (ca_step.certificate.not_valid_after_utc - ca_step.certificate.not_valid_before_utc).days == 30
    server = make_step(2, Choices(key_type="ed25519", common_name="server.example", sans=("server.example", "::1"),
                                  days=10), ca=ca_step.ca, now=NOW)
    assert key_matches(server.key, server.certificate.public_key())
    assert server.csr is not None and server.certificate.issuer == ca_step.certificate.subject
    assert verify_certificate(server.certificate, [ca_step.certificate], host="::1", now=NOW).valid
    items = server.items()
    assert set(items) == {("ca", "key"), ("ca", "cert"), ("server", "key"), ("server", "req"), ("server", "cert")}


@pytest.mark.parametrize(
    "step, choices, message",
    [
        (1, Choices(key_type="ed25519", common_name="CA"), "CA's key is ed25519"),
        (1, Choices(key_type="p256", common_name=""), "empty"),
        (1, Choices(key_type="p256", common_name="CA", country="France"), "two letters"),
        (2, Choices(key_type="p256", common_name="localhost", sans=()), "needs a subjectAltName"),
        (2, Choices(key_type="p256", common_name="localhost", sans=("bad_name",)), "underscores"),
        (2, Choices(key_type="p256", common_name="localhost", sans=("localhost",), days=5000), "outlive its CA"),
        (3, Choices(key_type="rsa1024", common_name="c", sans=("c.example",)), "Unknown key type"),
    ],
)
def test_make_step_bad_choices(step, choices, message):
    ca = make_step(1, Choices(key_type="p256", common_name="Lab CA", days=3650), now=NOW).ca
    with pytest.raises(PkiLessonError, match=message):
        make_step(step, choices, ca=ca, now=NOW)


def test_make_step_needs_a_ca_and_a_step():
    with pytest.raises(PkiLessonError, match="needs the CA"):
        make_step(2)
    with pytest.raises(PkiLessonError, match="no step 5"):
        make_step(5)


def test_save_keeps_existing_files_unless_asked(tmp_path):
    lab = tmp_path / "lab"
    first = make_step(1, Choices(key_type="p256", common_name="First CA", days=100), now=NOW)
    assert first.save(lab) == f"Wrote ca-key.pem, ca-cert.pem in {lab}/."
    second = make_step(1, Choices(key_type="p256", common_name="Second CA", days=100), now=NOW)
    assert second.save(lab).startswith("Kept ca-key.pem, ca-cert.pem already in")
    assert load_certificate(lab / "ca-cert.pem") == first.certificate
    second.save(lab, overwrite=True)
    assert load_certificate(lab / "ca-cert.pem") == second.certificate
    assert file_mode(lab / "ca-key.pem") == "0600"


def test_source_steps_run_the_document_s_commands(openssl_cli, tmp_path):
    folder = tmp_path / "source"
    old = os.umask(0o022)
    try:
        server = run_source_step(2, folder)  # runs step 1 first
    finally:
        os.umask(old)
    assert server.ran and server.commands.splitlines()[0] == "openssl genrsa 2048 > server-key.pem"
    assert "-set_serial 01" in server.commands
    assert file_mode(folder / "server-key.pem") == "0644"  # the shell's '>' follows the umask
    certificate = server.load_certificate()
    assert certificate.serial_number == 1
    assert server.load_csr().subject == certificate.subject
    assert key_matches(server.load_key(), certificate.public_key())
    verify = run_source_step(4, folder)
    assert verify.ran and "server-cert.pem: OK" in str(verify)
    if certificate.version == x509.Version.v1:  # OpenSSL before 3.2
        assert len(certificate.extensions) == 0


def test_source_steps_without_the_cli(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    shown = run_source_step(1, tmp_path / "source")
    assert not shown.ran and shown.load_certificate() is None
    assert "openssl genrsa 2048 > ca-key.pem" in str(shown) and "not installed" in str(shown)
