"""Version-dependent facts the lessons state: each shown with the running versions, each checked here live."""

from __future__ import annotations

import datetime as dt
import ssl
import sys

import cryptography
import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from pkilesson import CertificateAuthority
from pkilesson.lessons import lesson
from pkilesson.pki.hierarchy import make_hierarchy
from pkilesson.tls.chains import partial_chain_verdicts
from pkilesson.pki.keys import generate_key, signature_hash

_SSL_OPENSSL_3 = ssl.OPENSSL_VERSION_INFO[:2] >= (3, 0)


def test_versions_names_every_build_a_verdict_depends_on(monkeypatch):
    line = lesson.versions()
    assert f"Python {sys.version.split()[0]}" in line and ssl.OPENSSL_VERSION in line
    assert f"pyca/cryptography {cryptography.__version__}" in line
    monkeypatch.setattr("pkilesson.pki.openssl.openssl_path", lambda: None)
    assert "openssl command: not installed" in lesson.versions()


def test_the_source_ca_passes_3_12_s_default_context_and_fails_3_13_s(openssl_cli, tmp_path):
    """Lesson 01: strict flag off accepts, on refuses (error 92's check), with OpenSSL 3.0+ under ssl."""
    lesson.run_source_step(1, tmp_path)
    source_ca = CertificateAuthority.load(tmp_path / "ca-cert.pem", tmp_path / "ca-key.pem")
    probe = lesson.make_probe(source_ca, tmp_path / "probe-cert.pem")
    text = lesson.default_context_verdicts(source_ca.certificate, probe)
    lines = text.splitlines()
    assert lines[0] == lesson.versions()
    default_strict = bool(ssl.create_default_context().verify_flags & ssl.VERIFY_X509_STRICT)
    assert lines[1].endswith(": yes" if default_strict else ": no") and default_strict == (sys.version_info >= (3, 13))
    assert "off (as Python 3.12 and earlier): accepted" in lines[2]
    if _SSL_OPENSSL_3:
        assert "on (as Python 3.13 makes it): refused" in lines[3]
        assert "CA cert does not include key usage extension" in lines[3]


def test_our_ca_passes_both_default_contexts(tmp_path):
    ca = lesson.make_step(1, lesson.Choices(key_type="p256", common_name="Lab CA")).ca
    text = lesson.default_context_verdicts(ca.certificate, lesson.make_probe(ca, tmp_path / "probe.pem"))
    assert text.count(": accepted") == 2


def test_default_context_verdicts_bad_input():
    with pytest.raises(lesson.PkiLessonError, match="StepResult"):
        lesson.default_context_verdicts("ca-cert.pem", "probe-cert.pem")


def test_partial_chain_is_the_default_context_s_since_3_13_and_never_pkilesson_s():
    """Lesson 06 (issue #10 item 9): pkilesson.tls.loopback refuses on every Python; the flag, not the version, accepts."""
    text = partial_chain_verdicts(make_hierarchy())
    lines = text.splitlines()
    default = bool(ssl.create_default_context().verify_flags & ssl.VERIFY_X509_PARTIAL_CHAIN)
    assert lines[1].endswith(str(default)) and default == (sys.version_info >= (3, 13))
    assert "PARTIAL_CHAIN off: refused: certificate verify failed: unable to get issuer certificate" in lines[2]
    assert "PARTIAL_CHAIN on: accepted" in lines[3]


def test_pkilesson_tls_never_sets_partial_chain(monkeypatch):
    from pkilesson.tls import loopback as tls

    made = []
    original = tls._context

    def spy(*args, **kwargs):
        context = original(*args, **kwargs)
        made.append(context.verify_flags)
        return context

    monkeypatch.setattr(tls, "_context", spy)
    from pkilesson.tls.chains import chain_handshake

    report = chain_handshake(make_hierarchy(), sends=("intermediate", "root"), trusts=("intermediate",))
    assert not report.client.ok
    assert made and all(not flags & ssl.VERIFY_X509_PARTIAL_CHAIN for flags in made)


def test_x509_strict_wants_a_critical_basic_constraints_in_ca_certificates(openssl_cli, tmp_path):
    """Lesson 01's note: error 89 with -x509_strict on OpenSSL 3.0+, accepted without it."""
    from pkilesson.pki.openssl import openssl_version

    now = dt.datetime.now(dt.timezone.utc)
    key, leaf_key = generate_key("p256"), generate_key("p256")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Non-critical CA")])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    ca = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
          .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=False).add_extension(ski, False)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
          .sign(key, signature_hash(key)))
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "leaf")]))
            .issuer_name(name).public_key(leaf_key.public_key()).serial_number(2)
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False)
            .sign(key, signature_hash(key)))
    lesson.write_pem(ca, tmp_path / "ca.pem")
    lesson.write_pem(leaf, tmp_path / "leaf.pem")
    assert lesson.run_openssl("openssl verify -CAfile ca.pem leaf.pem", tmp_path).ok
    strict = lesson.run_openssl("openssl verify -x509_strict -CAfile ca.pem leaf.pem", tmp_path)
    major = int(openssl_version().split()[1].split(".")[0])
    if major >= 3:
        assert not strict.ok and "error 89" in strict.output
        assert "Basic Constraints of CA cert not marked critical" in strict.output
