"""What lessons 03 and 04 call: every verifier on the same files, the source's files beside ours,
one field's bytes, and the self-checked exercises 03.* and 04.*."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from pkilesson import (
    CLIENT,
    DecodeError,
    PkiLessonError,
    Settings,
    Workspace,
    decode,
    make_artifacts,
    verify_certificate,
)
from pkilesson.verify import verifiers
from pkilesson.lessons.exercises import check
from pkilesson.decoding.fieldbytes import field_bytes
from pkilesson.lessons.lesson import SourceStep, file_mode, prepare, run_source_step
from pkilesson.lessons.twins import (
    NotRun,
    source_chain_diagram,
    source_compared,
    source_decoded,
    source_explained,
    source_file_mode,
)
from pkilesson.verify.verifiers import copy_certificates, every_verifier, library_verify, openssl_verify

from conftest import NOW


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """lab/ with the eight files of the default workflow, made now (openssl checks against the real clock),
    and the source's own files in lab/source/ when the openssl CLI is there."""
    folder = tmp_path_factory.mktemp("lesson") / "lab"
    prepare(4, folder)
    return folder


@pytest.fixture(scope="module")
def source(lab):
    """The source's four steps, run for real in lab/source/ (skips without the openssl CLI)."""
    from conftest import require_tool

    require_tool("openssl", "the source's own commands make these files")
    return run_source_step(4, lab / "source")


@pytest.fixture
def no_cli(monkeypatch):
    """As if the openssl command were not installed."""
    monkeypatch.setattr(verifiers, "openssl_path", lambda: None)


# -- prepare(3): the CA and the server ----------------------------------------------------------------


def test_prepare_3_makes_then_loads_the_ca_and_the_server(tmp_path):
    folder = tmp_path / "lab"
    first = prepare(3, folder)
    assert str(first) == f"Made the CA (step 1), the server (step 2) with default settings and wrote them to {folder}/."
    assert sorted(p.name for p in folder.iterdir()) == [
        "ca-cert.pem", "ca-key.pem", "server-cert.pem", "server-key.pem", "server-req.pem"]
    again = prepare(3, folder)
    assert str(again) == f"Loaded the files of the CA (step 1), the server (step 2) from {folder}/."
    assert again.items[("server", "cert")] == first.items[("server", "cert")]


# -- the verifiers, on our files -----------------------------------------------------------------------


def test_our_files_pass_every_verifier(lab, openssl_cli):
    verdicts = every_verifier(lab)
    for name in ("server-cert.pem", "client-cert.pem"):
        for verifier in ("source", "strict", "pyca"):
            outcome = verdicts.outcome(name, verifier)
            assert outcome.ran and outcome.accepted, outcome
            assert outcome.verdict == "OK" and outcome.reason == ""
    strict = verdicts.outcome("server-cert.pem", "strict").command
    assert strict == ("openssl verify -x509_strict -CAfile ca-cert.pem -purpose sslserver "
                      "-verify_hostname localhost server-cert.pem")
    assert "OK" in verdicts._repr_html_() and "refused" not in verdicts._repr_html_()
    assert "server-cert.pem" in str(verdicts)


def test_our_client_certificate_is_refused_as_a_server(lab, openssl_cli):
    outcome = openssl_verify("client-cert.pem", lab, purpose="sslserver")
    assert outcome.command == "openssl verify -CAfile ca-cert.pem -purpose sslserver client-cert.pem"
    assert outcome.ran and outcome.accepted is False
    assert outcome.reason == "error 26 at 0 depth lookup: unsuitable certificate purpose"
    assert str(outcome).endswith("=> REFUSED")
    refused = library_verify("client-cert.pem", lab, host="client.localhost")
    assert refused.accepted is False and refused.reason == "validation failed: required EKU not found"


def test_library_verify_says_what_it_ran(lab):
    outcome = library_verify("server-cert.pem", lab, host="localhost")
    assert outcome.command == "verify_certificate(server-cert.pem, [ca-cert.pem], host='localhost')"
    assert outcome.accepted and str(outcome).startswith(">>> verify_certificate(")
    with pytest.raises(PkiLessonError, match="has no nothing.pem"):
        library_verify("nothing.pem", lab, client=True)


def test_openssl_verify_refuses_an_unknown_purpose(lab):
    with pytest.raises(PkiLessonError, match="Unknown purpose"):
        openssl_verify("server-cert.pem", lab, purpose="server")


def test_without_the_cli_commands_are_shown_not_run(lab, no_cli, tmp_path):
    outcome = openssl_verify("client-cert.pem", lab, purpose="sslserver")
    assert not outcome.ran and outcome.accepted is None and outcome.verdict == "not run"
    assert "not installed" in str(outcome) and outcome.command.startswith("openssl verify")
    missing = library_verify("client-cert.pem", tmp_path, host="client")  # the source's files were never made
    assert not missing.ran and missing.accepted is None and "not installed" in str(missing)
    assert library_verify("server-cert.pem", lab, host="localhost").accepted  # files that exist are verified
    verdicts = every_verifier(tmp_path)  # no files either: nothing to verify, and no error
    assert all(o.accepted is None for _, row in verdicts.rows for o in row)
    assert "not run" in verdicts._repr_html_()


# -- the source's files through the same verifiers ------------------------------------------------------


def test_the_source_passes_only_its_own_command(source):
    verdicts = every_verifier(source.folder)
    for name in ("server-cert.pem", "client-cert.pem"):
        assert verdicts.outcome(name, "source").accepted is True
        strict = verdicts.outcome(name, "strict")
        assert strict.accepted is False
        assert strict.reason == "error 92 at 1 depth lookup: CA cert does not include key usage extension"
        pyca = verdicts.outcome(name, "pyca")
        assert pyca.accepted is False
        assert pyca.reason == "validation failed: certificate must be an X509v3 certificate"
    with pytest.raises(PkiLessonError, match="No 'other'"):
        verdicts.outcome("server-cert.pem", "other")


def test_pitfall_the_source_client_passes_as_a_server(source):
    """No extendedKeyUsage: -purpose sslserver accepts it, and -verify_hostname accepts its CN."""
    assert openssl_verify("client-cert.pem", source.folder, purpose="sslserver").accepted is True
    assert openssl_verify("client-cert.pem", source.folder, purpose="sslserver", host="client").accepted is True


def test_it_is_the_eku_that_refuses(lab):
    """Our client profile minus its EKU: pyca/cryptography accepts it as a server's certificate too."""
    ws = Workspace(lab)
    ca = ws.load_authority()
    no_eku = ca.issue(ws.load_csr("client"), dataclasses.replace(CLIENT, extended_key_usage=()))
    assert verify_certificate(no_eku, [ca.certificate], host="client.localhost").valid
    no_san = ca.issue(ws.load_csr("client"), dataclasses.replace(CLIENT, needs_san=False), sans=[])
    refused = verify_certificate(no_san, [ca.certificate], client=True)
    assert not refused.valid and "2.5.29.17" in refused.reason


def test_a_copy_of_the_certificates_verifies_without_any_key(lab, openssl_cli, tmp_path):
    names = copy_certificates(lab, tmp_path / "copy")
    assert names == ["ca-cert.pem", "client-cert.pem", "server-cert.pem"]
    assert not list((tmp_path / "copy").glob("*key*"))
    assert openssl_verify("server-cert.pem", tmp_path / "copy", strict=True, purpose="sslserver",
                          host="localhost").accepted
    with pytest.raises(PkiLessonError, match="holds no certificate"):
        copy_certificates(tmp_path / "copy" / "nothing", tmp_path / "other")


# -- twins: the source's files beside ours ----------------------------------------------------------------


def test_twins_show_the_source_files(source, lab):
    step3 = SourceStep(3, "", source.folder, True)
    assert source_file_mode(step3, "client-key.pem") == "0644"
    assert file_mode(lab / "client-key.pem") == "0600"
    assert source_decoded(step3, "client-cert.pem").field("version").value == "1 (0x0)"
    comparison = source_compared(step3, "client-cert.pem", Workspace(lab).load_certificate("client"))
    assert comparison.row("ext:2.5.29.37").values[0] is None
    assert "TLS Web Client Authentication" in comparison.row("ext:2.5.29.37").values[1]
    explanation = source_explained(step3, "server", host="localhost")
    failed = {c.name for c in explanation.checks if c.passed is False}
    assert {"key_usage", "version", "host_name"} <= failed
    assert "keyUsage" in source_chain_diagram(step3, "server").source


def test_twins_without_the_source_files_say_so(tmp_path):
    not_run = SourceStep(3, "openssl genrsa 2048 > client-key.pem", tmp_path, False)
    for result in (source_decoded(not_run, "client-cert.pem"),
                   source_compared(not_run, "client-cert.pem", b""),
                   source_explained(not_run, "server", host="localhost"),
                   source_chain_diagram(not_run, "server")):
        assert isinstance(result, NotRun) and "not installed" in str(result)
        assert "not installed" in result._repr_html_()
    assert "not installed" in source_file_mode(not_run, "client-key.pem")
    with pytest.raises(PkiLessonError, match="run_source_step"):
        source_decoded("lab/source", "client-cert.pem")


# -- one field's bytes ------------------------------------------------------------------------------------


def test_field_bytes_of_the_client_eku():
    artifacts = make_artifacts(Settings(key_type="p256"), now=NOW)
    decoded = decode(artifacts.client_certificate, now=NOW)
    eku = field_bytes(decoded, "ext:2.5.29.37")
    assert eku.hex == "30130603551d25040c300a06082b06010505070302"
    der = decoded.asn1.data
    assert der[eku.offset : eku.offset + 21].hex() == eku.hex
    text = str(eku)
    assert "1.3.6.1.5.5.7.3.2" in text and "2.5.29.37" in text
    assert text.splitlines()[1].startswith("30 13 06 03 55 1d 25")
    assert "<pre" in eku._repr_html_()


def test_field_bytes_refuses_computed_and_secret_fields():
    artifacts = make_artifacts(Settings(key_type="p256"), now=NOW)
    with pytest.raises(DecodeError, match="computed"):
        field_bytes(decode(artifacts.client_certificate, now=NOW), "sha256")
    with pytest.raises(DecodeError, match="secret"):
        field_bytes(decode(artifacts.client_key, now=NOW), "private_part")
    with pytest.raises(DecodeError, match="Expected a decoded"):
        field_bytes(artifacts.client_certificate, "serial")


# -- the exercises -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", ["03.client-eku", "03.sslserver", "03.differences",
                                      "04.predict-source", "04.days-left", "04.mutual-needs"])
def test_an_unanswered_exercise_says_what_to_do(exercise, lab):
    feedback = check(exercise, None, **({"directory": lab} if exercise != "04.mutual-needs" else {}))
    assert not feedback and "replace None" in str(feedback)


def test_03_client_eku_reads_the_learners_file(lab):
    assert check("03.client-eku", "clientAuth", directory=lab)
    assert check("03.client-eku", "TLS Web Client Authentication", directory=lab)
    assert check("03.client-eku", "1.3.6.1.5.5.7.3.2", directory=lab)
    wrong = check("03.client-eku", "serverAuth", directory=lab)
    assert not wrong and "server's purpose" in wrong.why


def test_03_client_eku_on_a_certificate_without_eku(source):
    assert check("03.client-eku", "none", directory=source.folder)


def test_03_sslserver_runs_openssl(lab, source):
    right = check("03.sslserver", "source", directory=lab, source=source.folder)
    assert right and "as openssl answered just now" in right.why
    wrong = check("03.sslserver", "both", directory=lab, source=source.folder)
    assert not wrong and "extendedKeyUsage" in wrong.why


def test_03_sslserver_without_the_cli_uses_openssls_rule(lab, no_cli):
    right = check("03.sslserver", "source", directory=lab)  # no lab/source files either
    assert right and "by OpenSSL's rule" in right.why


def test_03_differences_follow_the_key_type(lab, tmp_path):
    assert check("03.differences", "extendedKeyUsage, subjectAltName, keyUsage", directory=lab)  # RSA server
    missing = check("03.differences", "eku san", directory=lab)
    assert not missing and "also keyUsage" in missing.why
    extra = check("03.differences", "eku san keyUsage basicConstraints", directory=lab)
    assert not extra and "basicConstraints" in extra.why
    ec = tmp_path / "ec"
    make_artifacts(Settings(key_type="p256")).save(Workspace(ec))
    assert check("03.differences", "SAN and EKU", directory=ec)  # EC server: keyUsage is the same


def test_04_predict_source(lab, source):
    right = check("04.predict-source", (True, False, False), directory=lab, source=source.folder)
    assert right and "error 92" in right.why
    assert check("04.predict-source", ("ok", "refused", "refused"), directory=lab, source=source.folder)
    wrong = check("04.predict-source", (True, True, False), directory=lab, source=source.folder)
    assert not wrong and "the strict command" in wrong.why and "pyca" not in wrong.why
    assert "three values" in check("04.predict-source", (True,), directory=lab, source=source.folder).why


def test_04_predict_source_without_the_source_files(tmp_path):
    feedback = check("04.predict-source", (True, False, False), directory=tmp_path)
    assert not feedback and "did not run" in feedback.why


def test_04_days_left(workspace_dir):
    # The workflow's certificates were made at NOW for 365 days.
    assert check("04.days-left", 365, directory=workspace_dir, now=NOW)
    assert check("04.days-left", "364", directory=workspace_dir, now=NOW)
    later = NOW + dt.timedelta(days=100, hours=1)
    assert check("04.days-left", 264, directory=workspace_dir, now=later)
    wrong = check("04.days-left", 300, directory=workspace_dir, now=NOW)
    assert not wrong and "notAfter is 2027-11-26" in wrong.why
    assert "whole number" in check("04.days-left", "soon", directory=workspace_dir, now=NOW).why


def test_04_mutual_needs():
    assert check("04.mutual-needs", {"a", "b", "c", "d"})
    assert check("04.mutual-needs", "(a), (b), (c), (d)")
    assert check("04.mutual-needs", "abcd")
    assert "private key never leaves" in check("04.mutual-needs", "a b c d e").why
    assert "takes no part" in check("04.mutual-needs", {"a", "f"}).why
    assert "1 more of the letters is needed" in check("04.mutual-needs", "a b c").why


def test_exercise_files_are_relative_to_the_lab_by_default(lab, monkeypatch):
    monkeypatch.chdir(lab.parent)
    assert check("03.client-eku", "clientAuth")
