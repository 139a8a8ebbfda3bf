"""A leaf named like its CA: the six cases of issue #10 item 3, judged by the real openssl verify."""

from __future__ import annotations

import pytest
from cryptography import x509

from conftest import NOW
from pkilesson import CertificateAuthority, PkiLessonError
from pkilesson.verify import selfissued
from pkilesson.verify.selfissued import CASES, openssl_reading, same_subject_cases

#: What OpenSSL 3.0 said when the issue was measured (OpenSSL 3.0.19) and on this machine (3.0.22).
MEASURED = {"v1": False, "aki+ski": True, "aki only": False, "ski only": False, "v3, no key ids": False,
            "other key type": True}


@pytest.fixture(scope="module")
def rsa_ca():
    return CertificateAuthority.create("/C=FR/O=Lab/CN=Lab CA", key_type="rsa2048", now=NOW)


@pytest.fixture(scope="module")
def table(openssl_cli, tmp_path_factory):
    """The cases at the real time, with the real openssl verify."""
    return same_subject_cases(tmp_path_factory.mktemp("same-subject"))


def _openssl_minor(version: str) -> tuple[int, int]:
    major, minor = version.split()[1].split(".")[:2]
    return int(major), int(minor)


def test_each_case_carries_what_its_name_says(rsa_ca, tmp_path, monkeypatch):
    monkeypatch.setattr(selfissued, "openssl_path", lambda: None)
    cases = same_subject_cases(tmp_path, ca=rsa_ca, now=NOW).cases
    assert [c.name for c in cases] == list(CASES)
    by_name = {c.name: c.certificate for c in cases}
    for certificate in by_name.values():
        assert certificate.subject == certificate.issuer == rsa_ca.subject
        assert certificate.verify_directly_issued_by(rsa_ca.certificate) is None

    def has(name, kind):
        try:
            by_name[name].extensions.get_extension_for_class(kind)
            return True
        except x509.ExtensionNotFound:
            return False

    assert by_name["v1"].version == by_name["other key type"].version == x509.Version.v1
    assert (has("aki+ski", x509.AuthorityKeyIdentifier), has("aki+ski", x509.SubjectKeyIdentifier)) == (True, True)
    assert (has("aki only", x509.AuthorityKeyIdentifier), has("aki only", x509.SubjectKeyIdentifier)) == (True, False)
    assert (has("ski only", x509.AuthorityKeyIdentifier), has("ski only", x509.SubjectKeyIdentifier)) == (False, True)
    assert not has("v3, no key ids", x509.AuthorityKeyIdentifier) and has("v3, no key ids", x509.SubjectAlternativeName)
    assert by_name["other key type"].public_key().__class__ is not by_name["v1"].public_key().__class__


def test_our_reading_of_openssl_s_rule(rsa_ca, tmp_path, monkeypatch):
    monkeypatch.setattr(selfissued, "openssl_path", lambda: None)
    table = same_subject_cases(tmp_path, ca=rsa_ca, now=NOW)
    assert {c.name: c.predicted_ok for c in table.cases} == MEASURED
    assert "no subjectKeyIdentifier to compare" in table.case("aki only").reading
    assert "do not fit" in table.case("other key type").reading


def test_without_the_cli_the_openssl_column_says_so(rsa_ca, tmp_path, monkeypatch):
    monkeypatch.setattr(selfissued, "openssl_path", lambda: None)
    table = same_subject_cases(tmp_path, ca=rsa_ca, now=NOW)
    assert table.openssl is None
    assert all(c.openssl_ok is None and "not installed" in c.openssl_words for c in table.cases)
    assert "not installed" in str(table) and "not guessed" in table._repr_html_()


def test_openssl_agrees_with_the_measurements_and_with_our_reading(table):
    for case in table.cases:
        assert case.openssl_ok == case.predicted_ok, (case.name, case.openssl_words)
    if _openssl_minor(table.openssl) < (3, 2):  # the measurement of the issue was made on OpenSSL 3.0
        assert {c.name: c.openssl_ok for c in table.cases} == MEASURED
    refused = [c for c in table.cases if not c.openssl_ok]
    assert all(c.openssl_words == "error 18 at 0 depth lookup: self-signed certificate" for c in refused)


def test_the_table_names_the_openssl_that_ran_and_quotes_it(table):
    assert table.openssl.startswith("OpenSSL ")
    html = table._repr_html_()
    assert table.openssl in html and "our reading" in html
    assert "self-signed certificate" in str(table)


def test_the_source_s_leaf_is_the_v1_case_on_openssl_before_3_2(openssl_cli, tmp_path):
    """The source's own clash (x509 -req) falls in the case its version makes: v1 before 3.2, aki+ski after."""
    from pkilesson import format_subj, load_certificate
    from pkilesson.lessons import lesson
    from pkilesson.pki.openssl import key_commands, leaf_commands, openssl_version

    lesson.run_source_step(1, tmp_path)
    subj = format_subj(load_certificate(tmp_path / "ca-cert.pem").subject)
    for step in (key_commands("clash", source=True), leaf_commands("clash", subj=subj, serial="03", source=True)):
        for command in step.commands:
            assert lesson.run_openssl(str(command), tmp_path).ok
    clash = load_certificate(tmp_path / "clash-cert.pem")
    flagged, _ = openssl_reading(clash)
    verdict = lesson.run_openssl("openssl verify -CAfile ca-cert.pem clash-cert.pem", tmp_path)
    assert verdict.ok is not flagged
    if _openssl_minor(openssl_version()) < (3, 2):
        assert clash.version == x509.Version.v1 and flagged and "error 18" in verdict.output


def test_with_an_ec_ca_the_other_key_type_is_rsa(tmp_path, monkeypatch):
    monkeypatch.setattr(selfissued, "openssl_path", lambda: None)
    ec_ca = CertificateAuthority.create("/CN=EC CA", key_type="p256", now=NOW)
    table = same_subject_cases(tmp_path, ca=ec_ca, now=NOW)
    assert "rsa2048 under the CA's p256" in table.case("other key type").carries
    assert table.case("other key type").predicted_ok and not table.case("v1").predicted_ok


def test_bad_input():
    with pytest.raises(PkiLessonError, match="CertificateAuthority"):
        same_subject_cases(ca="ca-cert.pem")
    with pytest.raises(PkiLessonError, match="no case"):
        selfissued.SameSubjectTable((), "rsa2048", None).case("v2")


def test_the_row_labels_are_translated_and_the_names_stay_data(rsa_ca, tmp_path, monkeypatch):
    """A French table labels its rows in French (« aki seul »); Case.name, the data, stays the English name."""
    from pkilesson import set_language

    monkeypatch.setattr(selfissued, "openssl_path", lambda: None)
    table = same_subject_cases(tmp_path, ca=rsa_ca, now=NOW)
    english = str(table), table._repr_html_()
    assert "- aki only: " in english[0] and "<b>v3, no key ids</b>" in english[1]
    set_language("fr")
    try:
        text, page = str(table), table._repr_html_()
    finally:
        set_language("en")
    assert [c.name for c in table.cases] == list(CASES)
    assert "- aki seul : version 3, " in text and "- v1 : " in text
    assert "<b>v3, sans identifiants de clé</b>" in page and "<b>aki+ski</b>" in page and "<b>v1</b>" in page
    assert not any(name in text + page for name in ("aki only", "ski only", "no key ids", "other key type"))
    assert (str(table), table._repr_html_()) == english
