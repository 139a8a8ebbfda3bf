"""Lessons 01 and 02: the helpers their cells call, their exercises, and the facts they show live.

The facts are tested against the real openssl CLI, so that a lesson's text
cannot silently become false on a machine whose OpenSSL behaves otherwise.
"""

from __future__ import annotations

import dataclasses
import os
import stat

import pytest
from cryptography import x509

from conftest import NOW, require_tool
from pkilesson import (
    SERVER,
    CertificateAuthority,
    PkiLessonError,
    create_csr,
    format_subj,
    generate_key,
    load_certificate,
    load_csr,
    verify_certificate,
)
from pkilesson.lessons import lesson
from pkilesson.lessons.exercises import check


@pytest.fixture(scope="module")
def p256_ca():
    return CertificateAuthority.create("/C=FR/O=Lab/CN=Test Root", key_type="p256")


# -- run_openssl and its transcript ----------------------------------------------------------


def test_transcript_reads_like_a_terminal():
    done = lesson.Transcript("openssl verify x.pem", "error 92 at 1 depth lookup\n", 2)
    assert str(done).splitlines() == ["$ openssl verify x.pem", "error 92 at 1 depth lookup", "(exit status 2: failure)"]
    assert done.ran and not done.ok


def test_run_openssl_without_the_cli_shows_the_command(monkeypatch, tmp_path):
    from pkilesson.lessons import _transcripts  # where run_openssl looks openssl_path up

    monkeypatch.setattr(_transcripts, "openssl_path", lambda: None)
    done = lesson.run_openssl("openssl version", tmp_path)
    assert not done.ran and not done.ok
    assert "shown, not run" in str(done) and str(done).startswith("$ openssl version")


def test_run_openssl_keeps_a_failure_as_a_result(openssl_cli, tmp_path):
    done = lesson.run_openssl("openssl verify -CAfile missing.pem missing.pem", tmp_path)
    assert done.ran and done.returncode != 0
    assert "missing.pem" in done.output
    assert "(exit status" in str(done)


def test_run_openssl_redirect_follows_the_umask(openssl_cli, tmp_path):
    old = os.umask(0o022)
    try:
        lesson.run_openssl("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 > k.pem", tmp_path)
        lesson.run_openssl("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out o.pem", tmp_path)
    finally:
        os.umask(old)
    assert lesson.file_mode(tmp_path / "k.pem") == "0644"  # the source's pitfall 1
    assert lesson.file_mode(tmp_path / "o.pem") == "0600"  # -out: OpenSSL makes it owner-only


def test_transcript_displays_as_text_in_ipython():
    from IPython.lib.pretty import pretty

    assert pretty(lesson.Transcript("openssl version", "OpenSSL 3\n", 0)).startswith("$ openssl version\nOpenSSL 3")


# -- the OpenSSL configuration's section --------------------------------------------------------


def test_config_section_from_openssl_conf(monkeypatch, tmp_path):
    conf = tmp_path / "o.cnf"
    conf.write_text("[ req ]\nx509_extensions = v3_ca\n\n[ v3_ca ]\nbasicConstraints = critical,CA:true\n"
                    "# keyUsage = cRLSign, keyCertSign\n\n[ other ]\nkeyUsage = digitalSignature\n")
    monkeypatch.setenv("OPENSSL_CONF", str(conf))
    text = lesson.openssl_config_section("v3_ca")
    assert text.splitlines() == [f"# {conf}, section [ v3_ca ]", "basicConstraints = critical,CA:true",
                                 "# keyUsage = cRLSign, keyCertSign"]
    assert "has no section [ nothing ]" in lesson.openssl_config_section("nothing")


def test_config_section_unreadable_file(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENSSL_CONF", str(tmp_path / "absent.cnf"))
    assert lesson.openssl_config_section().startswith("(Cannot read")


def test_config_section_of_the_installed_openssl(openssl_cli, monkeypatch):
    monkeypatch.delenv("OPENSSL_CONF", raising=False)
    text = lesson.openssl_config_section("v3_ca")
    assert text.startswith("# ") and "basicConstraints" in text


# -- write_pem and make_probe ------------------------------------------------------------------


def test_write_pem_writes_certificates_and_csrs_only(tmp_path, p256_ca):
    path = lesson.write_pem(p256_ca.certificate, tmp_path / "a" / "b" / "ca.pem")
    assert load_certificate(path) == p256_ca.certificate
    csr = create_csr(generate_key("p256"), "/CN=x.test", ["x.test"])
    assert load_csr(lesson.write_pem(csr, tmp_path / "req.pem")) == csr
    with pytest.raises(PkiLessonError, match="not a .*PrivateKey.*Fix: save a private key"):
        lesson.write_pem(p256_ca.key, tmp_path / "key.pem")
    assert not (tmp_path / "key.pem").exists()


def test_make_probe_is_a_correct_leaf_of_that_ca(tmp_path, p256_ca):
    probe = lesson.make_probe(p256_ca, tmp_path / "probe" / "probe-cert.pem")
    assert load_certificate(tmp_path / "probe" / "probe-cert.pem") == probe.certificate
    assert probe.certificate.issuer == p256_ca.subject
    basic = probe.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert basic.ca is False
    assert verify_certificate(probe.certificate, [p256_ca.certificate], host="probe.localhost").valid


# -- the facts lesson 01 shows ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def source_step2(tmp_path_factory):
    """The source's steps 1 and 2, run with the real openssl CLI in a fresh folder."""
    require_tool("openssl", "the lessons run the source's commands")
    folder = tmp_path_factory.mktemp("source")
    return lesson.run_source_step(2, folder)


def test_source_ca_fails_strict_verification_only(source_step2):
    folder = source_step2.folder
    source_ca = CertificateAuthority.load(folder / "ca-cert.pem", folder / "ca-key.pem")
    probe = lesson.make_probe(source_ca, folder / "probe-cert.pem")
    plain = lesson.run_openssl("openssl verify -CAfile ca-cert.pem probe-cert.pem", folder)
    strict = lesson.run_openssl("openssl verify -x509_strict -CAfile ca-cert.pem probe-cert.pem", folder)
    assert plain.ok
    assert not strict.ok and "CA cert does not include key usage extension" in strict.output
    verdict = verify_certificate(probe.certificate, [source_ca.certificate], host="probe.localhost")
    assert not verdict.valid and "2.5.29.15" in verdict.reason


def test_our_ca_passes_strict_verification(openssl_cli, tmp_path):
    ca = lesson.make_step(1).ca
    lesson.write_pem(ca.certificate, tmp_path / "ca-cert.pem")
    lesson.make_probe(ca, tmp_path / "probe" / "probe-cert.pem")
    assert lesson.run_openssl("openssl verify -x509_strict -CAfile ca-cert.pem probe/probe-cert.pem", tmp_path).ok


def test_source_key_modes(source_step2):
    mode = stat.S_IMODE((source_step2.folder / "server-key.pem").stat().st_mode)
    assert mode == 0o666 & ~_umask()


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


# -- the facts lesson 02 shows ---------------------------------------------------------------------


def test_source_leaf_is_version_1_without_extensions_before_openssl_3_2(source_step2):
    from pkilesson.pki.openssl import openssl_version

    certificate = source_step2.load_certificate()
    version = openssl_version().split()[1]
    major, minor = (int(part) for part in version.split(".")[:2])
    if (major, minor) < (3, 2):
        assert certificate.version == x509.Version.v1 and len(certificate.extensions) == 0
        verdict = verify_certificate(certificate, [load_certificate(source_step2.folder / "ca-cert.pem")],
                                     host="localhost")
        assert "X509v3" in verdict.reason
    else:
        assert certificate.version == x509.Version.v3
    assert certificate.serial_number == 1


def test_cn_fallback_of_openssl_on_the_source_leaf(source_step2):
    folder = source_step2.folder
    assert lesson.run_openssl("openssl verify -CAfile ca-cert.pem -verify_hostname localhost server-cert.pem", folder).ok
    other = lesson.run_openssl("openssl verify -CAfile ca-cert.pem -verify_hostname example.com server-cert.pem", folder)
    assert not other.ok and "error 62" in other.output


def test_a_v3_leaf_without_san_fails_pyca_for_that_reason(p256_ca):
    key = generate_key("p256")
    bare = p256_ca.issue(create_csr(key, "/CN=localhost"), dataclasses.replace(SERVER, needs_san=False))
    verdict = verify_certificate(bare, [p256_ca.certificate], host="localhost")
    assert not verdict.valid and "no subjectAltName" in verdict.reason


def test_a_forged_csr_fails_its_signature():
    csr = create_csr(generate_key("p256"), "/CN=localhost", ["localhost"])
    from cryptography.hazmat.primitives.serialization import Encoding

    forged = load_csr(csr.public_bytes(Encoding.DER).replace(b"localhost", b"evil.test"))
    assert format_subj(forged.subject) == "/CN=evil.test" and not forged.is_signature_valid


def test_fixed_serial_twice_gives_two_certificates_with_one_issuer_and_serial(p256_ca):
    choices = dataclasses.replace(lesson.DEFAULT_CHOICES[2], key_type="p256", serial=1)
    first, second = (lesson.make_step(2, choices, ca=p256_ca) for _ in range(2))
    assert (first.certificate.issuer, first.certificate.serial_number) == (second.certificate.issuer, 1)
    assert first.certificate != second.certificate


def test_the_source_clash_gives_error_18_and_ours_with_an_aki_does_not(source_step2, tmp_path):
    from pkilesson.pki.openssl import key_commands, leaf_commands

    folder = source_step2.folder
    subj = format_subj(load_certificate(folder / "ca-cert.pem").subject)
    for step in (key_commands("clash", source=True), leaf_commands("clash", subj=subj, serial="03", source=True)):
        for command in step.commands:
            assert lesson.run_openssl(str(command), folder).ok
    clash = lesson.run_openssl("openssl verify -CAfile ca-cert.pem clash-cert.pem", folder)
    assert not clash.ok and "error 18" in clash.output and "self-signed certificate" in clash.output

    ca = lesson.make_step(1).ca
    lesson.write_pem(ca.certificate, tmp_path / "ca-cert.pem")
    allowed = ca.issue(create_csr(generate_key(), ca.subject, ["localhost"]), SERVER, allow_same_subject=True)
    lesson.write_pem(allowed, tmp_path / "probe" / "clash-cert.pem")
    assert lesson.run_openssl("openssl verify -CAfile ca-cert.pem probe/clash-cert.pem", tmp_path).ok


# -- the exercises of 01 and 02 --------------------------------------------------------------------


def test_every_exercise_says_to_answer_first():
    for exercise in ("01.readable-keys", "01.ca-valid-until", "02.csr-proves", "02.server-names", "02.issuer-serial"):
        feedback = check(exercise, None)
        assert not feedback and "replace None" in feedback.why


def test_readable_keys_reads_the_real_modes(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name, mode in (("ca-key.pem", 0o644), ("server-key.pem", 0o600), ("ca-cert.pem", 0o644)):
        (source / name).write_text("x")
        (source / name).chmod(mode)
    assert check("01.readable-keys", "ca-key.pem", directory=tmp_path)
    assert check("01.readable-keys", ["lab/source/ca-key.pem"], directory=tmp_path)
    assert "public by design" in check("01.readable-keys", "ca-key.pem, ca-cert.pem", directory=tmp_path).why
    assert not check("01.readable-keys", "server-key.pem", directory=tmp_path)
    (source / "ca-key.pem").chmod(0o600)
    assert check("01.readable-keys", "none", directory=tmp_path)
    assert "run lesson.run_source_step(1)" in check("01.readable-keys", "x", directory=tmp_path / "empty").why


def test_ca_valid_until_reads_the_lab_ca(tmp_path):
    import datetime as dt

    ca = lesson.make_step(1, now=NOW).ca
    lesson.write_pem(ca.certificate, tmp_path / "ca-cert.pem")
    end = ca.certificate.not_valid_after_utc
    assert check("01.ca-valid-until", end.date().isoformat(), directory=tmp_path)
    assert check("01.ca-valid-until", end, directory=tmp_path)
    assert not check("01.ca-valid-until", (end - dt.timedelta(days=1)).date(), directory=tmp_path)
    assert "no " in check("01.ca-valid-until", "2030-01-01", directory=tmp_path / "none").why


def test_csr_proves_and_issuer_serial():
    assert check("02.csr-proves", "b") and check("02.csr-proves", "(B)")
    assert "anyone can write any name" in check("02.csr-proves", "a").why
    assert not check("02.csr-proves", "c")
    assert check("02.issuer-serial", "issuer, serial number")
    assert check("02.issuer-serial", ["serialNumber", "issuer"])
    assert not check("02.issuer-serial", "subject serial")


def test_server_names_reads_the_lab_certificate(tmp_path, p256_ca):
    csr = create_csr(generate_key("p256"), "/CN=www.test", ["www.test", "127.0.0.1"])
    lesson.write_pem(p256_ca.issue(csr, SERVER), tmp_path / "server-cert.pem")
    assert check("02.server-names", "DNS:www.test, IP Address:127.0.0.1", directory=tmp_path)
    assert check("02.server-names", ["127.0.0.1", "WWW.test"], directory=tmp_path)
    assert "find the others" in check("02.server-names", "www.test", directory=tmp_path).why
    bare = p256_ca.issue(create_csr(generate_key("p256"), "/CN=www.test"), dataclasses.replace(SERVER, needs_san=False))
    lesson.write_pem(bare, tmp_path / "server-cert.pem")
    assert "CN alone is not enough" in check("02.server-names", "www.test", directory=tmp_path).why
    assert check("02.server-names", "none", directory=tmp_path)


# -- the step panels lessons 01 and 02 show --------------------------------------------------------


def test_step_1_panel_hides_only_its_san_field():
    """Step 1 has no subjectAltName field; hiding it must not hide the others, nor a later panel's."""
    from pkilesson.lessons.widgets import StepPanel

    first = StepPanel(1)
    assert first.controls["sans"].layout.display == "none"
    shown = [name for name, control in first.controls.items() if name != "sans"]
    assert all(first.controls[name].layout.display != "none" for name in shown)
    second = StepPanel(2, ca=first.result.ca)
    assert all(control.layout.display != "none" for control in second.controls.values())
