"""Lesson 05's scenarios: each runs a real handshake on 127.0.0.1; both sides' outcomes are asserted.

Real clock (Python's ssl checks dates against it); the workspace is made
now, as a learner's would be, so the expired certificate has to be built
without pkilesson's CA (see expired_client).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from pkilesson import CLIENT, Settings, create_csr, generate_key, make_artifacts, run_workflow
from pkilesson.errors import PkiLessonError
from pkilesson.lessons.scenarios import (
    SCENARIOS,
    BothSides,
    Note,
    both_sides,
    check_certificate_verify,
    certificate_verify_content,
    client_as_server,
    common_name_fallback,
    expired_client,
    openssl_s_client,
    other_ca_client,
    pkilesson_command,
    refused_by,
    revocation_list,
    run_scenario,
    server_with_crl,
    sign_certificate_verify,
    source_handshake,
    summary,
)
from pkilesson.tls.loopback import Party, handshake


@pytest.fixture(scope="module", params=["p256", "rsa2048"])
def lab(request):
    return make_artifacts(Settings(key_type=request.param))


#: scenario -> (who refuses, what the refusing side says, the alert it sends); None: both accept.
EXPECTED = {
    "success": None,
    "no-client-certificate": ("server", "PEER_DID_NOT_RETURN_A_CERTIFICATE", "certificate_required"),
    "not-required": None,
    "other-ca": ("server", "certificate verify failed: unable to get local issuer certificate", "unknown_ca"),
    "expired": ("server", "certificate verify failed: certificate has expired", "certificate_expired"),
    "server-as-client": ("server", "certificate verify failed: unsuitable certificate purpose", "unsupported_certificate"),
    "wrong-host": ("client", "certificate verify failed: Hostname mismatch, certificate is not valid for "
                             "'www.example.com'.", "bad_certificate"),
    "revoked": ("server", "certificate verify failed: certificate revoked", "certificate_revoked"),
}


def test_every_scenario_is_expected():
    assert list(SCENARIOS) == list(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_scenario_both_sides(lab, name):
    report = run_scenario(name, lab)
    expected = EXPECTED[name]
    if expected is None:
        assert report.ok and refused_by(report) is None
        assert report.client.version == report.server.version == "TLSv1.3"
        assert report.server.received == b"hello from the client\n"
        assert summary(report).startswith("accepted by both sides (TLSv1.3")
        return
    who, error, alert = expected
    other = "client" if who == "server" else "server"
    refusing, told = getattr(report, who), getattr(report, other)
    assert not report.ok and refused_by(report) == who
    assert refusing.error == error
    assert f"sent Alert {alert} (fatal)" in refusing.messages
    assert f"received Alert {alert} (fatal)" in told.messages
    assert summary(report) == f"refused by the {who}: {error.rstrip('.')}; it sent Alert {alert} (fatal) to the {other}"


def test_not_required_means_no_certificate_request_and_no_identity(lab):
    report = run_scenario("not-required", lab)
    assert report.server.peer_subject is None
    assert "received CertificateRequest" not in report.client.messages
    assert "sent Certificate" not in report.client.messages


def test_a_stranger_gets_in_when_the_server_does_not_require(lab):
    report = handshake(lab, client=other_ca_client(lab), require_client_certificate=False)
    assert report.ok and report.server.peer_subject is None


def test_other_ca_client_is_a_correct_client_certificate_from_elsewhere(lab):
    party = other_ca_client(lab, name="eve.localhost")
    certificate = party.chain[0]
    assert certificate.issuer.rfc4514_string() == "CN=Other CA,O=Elsewhere,C=FR"
    assert certificate.subject.rfc4514_string() == "CN=eve.localhost,O=Elsewhere,C=FR"
    assert party.trusts == (lab.ca.certificate,)


def test_expired_client_is_the_same_client_with_past_dates(lab):
    now = dt.datetime.now(dt.timezone.utc)
    party = expired_client(lab, now=now)
    expired = party.chain[0]
    assert expired.subject == lab.client_certificate.subject
    assert expired.public_key() == lab.client_certificate.public_key()
    assert expired.not_valid_after_utc < now and party.key is lab.client_key
    assert expired.extensions.get_extension_for_class(type(lab.client_certificate.extensions[0].value)) is not None
    expired.verify_directly_issued_by(lab.ca.certificate)


def test_revocation_list_in_memory(lab):
    from cryptography import x509

    crl = revocation_list(lab.ca, [lab.client_certificate], reason="keyCompromise")
    entry = crl.get_revoked_certificate_by_serial_number(lab.client_certificate.serial_number)
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == x509.ReasonFlags.key_compromise
    assert crl.is_signature_valid(lab.ca.key.public_key())
    plain = revocation_list(lab.ca, [lab.client_certificate], reason="unspecified")
    assert len(plain.get_revoked_certificate_by_serial_number(lab.client_certificate.serial_number).extensions) == 0
    with pytest.raises(PkiLessonError, match="Unknown revocation reason"):
        revocation_list(lab.ca, [], reason="stolen")
    # The CRL names the client only: a new client of the same CA is accepted by the same server.
    key = generate_key("p256")
    bob = lab.ca.issue(create_csr(key, "/CN=bob.localhost", ["bob.localhost"]), CLIENT)
    assert handshake(lab, server=server_with_crl(lab, crl), client=Party((bob,), key, (lab.ca.certificate,))).ok


def test_client_as_server_is_refused_for_its_purpose(lab):
    for strict in (True, False):
        report = client_as_server(lab, strict=strict)
        assert refused_by(report) == "client"
        assert report.client.error == "certificate verify failed: unsuitable certificate purpose"
        assert report.host == "client.localhost"


def test_both_sides_text_and_html(lab):
    view = both_sides(run_scenario("no-client-certificate", lab), "no certificate")
    text = str(view)
    assert text.splitlines()[0] == "no certificate"
    assert "refused by the server" in text and "← Alert certificate_required (fatal)" in text
    page = view._repr_html_()
    assert "pkilesson-both-sides" in page and "certificate_required" in page
    assert "text-align: left" in page  # JupyterLab right-aligns table cells unless told
    # Only the server's CertificateVerify: sent (server's column), received (client's); the client had no key.
    assert page.count("<b>→ CertificateVerify</b>") == page.count("<b>← CertificateVerify</b>") == 1
    labels = [row[0] for row in view.rows()]
    assert labels == ["verdict", "TLS version", "cipher", "the peer's certificate", "error", "data received"]
    with pytest.raises(PkiLessonError):
        both_sides("not a report")


@pytest.mark.parametrize("key_type, scheme", [("rsa2048", "rsa_pss_rsae_sha256"), ("p256", "ecdsa_secp256r1_sha256"),
                                              ("p384", "ecdsa_secp384r1_sha384"), ("ed25519", "ed25519")])
def test_certificate_verify_by_the_key_and_not_by_another(key_type, scheme):
    lab = make_artifacts(Settings(key_type=key_type, ca_key_type="p256"))
    transcript = hashlib.sha256(b"handshake").digest()
    content = certificate_verify_content(transcript)
    assert content == b" " * 64 + b"TLS 1.3, client CertificateVerify\x00" + transcript and len(content) == 130
    good = check_certificate_verify(lab.client_certificate, sign_certificate_verify(lab.client_key, transcript), transcript)
    assert good and good.scheme == scheme and "VERIFIES" in str(good)
    thief = check_certificate_verify(lab.client_certificate, sign_certificate_verify(generate_key(key_type), transcript),
                                     transcript)
    assert not thief and "does NOT verify" in str(thief)
    # The context string binds the side: a server's signature is not a client's.
    server_side = sign_certificate_verify(lab.client_key, transcript, side="server")
    assert not check_certificate_verify(lab.client_certificate, server_side, transcript)


def test_certificate_verify_bad_input():
    with pytest.raises(PkiLessonError, match="side"):
        certificate_verify_content(b"x", side="middle")
    with pytest.raises(PkiLessonError, match="transcript hash"):
        certificate_verify_content(b"")


def test_a_thief_without_the_key_cannot_even_load(lab):
    from pkilesson import key_type_of

    thief_key = generate_key(key_type_of(lab.client_key))  # as lesson 05 makes it: the same type, not the same key
    with pytest.raises(PkiLessonError, match="KEY_VALUES_MISMATCH"):
        handshake(lab, client=Party((lab.client_certificate,), thief_key, (lab.ca.certificate,)))


def test_pkilesson_command_runs_the_command(tmp_path):
    run_workflow(tmp_path / "lab", Settings(key_type="p256"))
    done = pkilesson_command(f"mtls {tmp_path / 'lab'}")
    assert done.returncode == 0 and "handshake accepted by both sides" in done.output
    assert str(done).startswith(f"$ pkilesson mtls {tmp_path / 'lab'}") and str(done).endswith("(exit status 0: success)")
    refused = pkilesson_command(f"mtls {tmp_path / 'lab'} --json --no-client-cert")
    assert refused.returncode == 1 and json.loads(refused.output)["result"] == "refused"
    bad = pkilesson_command("mtls --no-such-option")
    assert bad.returncode == 2


def test_openssl_s_client_without_the_cli(monkeypatch, tmp_path):
    import pkilesson.lessons._scenario_commands as commands  # where openssl_s_client looks openssl_path up

    monkeypatch.setattr(commands, "openssl_path", lambda: None)
    interop = openssl_s_client(None, tmp_path)
    assert not interop.client.ran and interop.server is None and "not installed" in str(interop)


def test_openssl_s_client_against_our_server(openssl_cli, tmp_path):
    result = run_workflow(tmp_path / "lab", Settings(key_type="p256"))
    interop = openssl_s_client(result.artifacts, tmp_path / "lab")
    assert interop.client.returncode == 0, interop.client.output
    assert "Verification: OK" in interop.client.output and "Verified peername: localhost" in interop.client.output
    assert interop.server.ok and interop.server.peer_subject == "CN=client.localhost,O=pkilesson,C=FR"
    assert "what our server saw: server: accepted" in str(interop)


def test_the_source_recipe_strict_relaxed_posing(openssl_cli, tmp_path):
    from pkilesson.lessons.lesson import run_source_step
    from pkilesson.pki.artifacts import load_artifacts

    source = run_source_step(3, tmp_path / "source")
    strict = source_handshake(source, strict=True)
    assert isinstance(strict, BothSides) and refused_by(strict.report) == "client"
    assert strict.report.client.error == "certificate verify failed: CA cert does not include key usage extension"
    relaxed = source_handshake(source, strict=False)
    assert relaxed.report.ok and relaxed.report.client.peer_sans == ()  # matched through the CN
    posing = source_handshake(source, strict=False, posing=True)
    assert posing.report.ok and posing.report.client.peer_subject == "CN=client,O=Lab,C=FR"
    assert common_name_fallback(load_artifacts(source.folder)) == {
        True: "accepted (TLSv1.3)",
        False: "refused: Hostname mismatch, certificate is not valid for 'localhost'.",
    }


def test_the_source_recipe_without_openssl():
    class NotRun:
        ran = False

    note = source_handshake(NotRun())
    assert isinstance(note, Note) and "not installed" in str(note) and "pkilesson-note" in note._repr_html_()


def test_common_name_fallback_does_not_matter_with_a_san(lab):
    assert common_name_fallback(lab) == {True: "accepted (TLSv1.3)", False: "accepted (TLSv1.3)"}


def test_unknown_scenario(lab):
    with pytest.raises(PkiLessonError, match="no scenario"):
        run_scenario("nope", lab)
