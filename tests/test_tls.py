"""Mutual TLS on 127.0.0.1 with Python's ssl: every scenario asserts what *both* sides saw.

Real handshakes, real clock (ssl checks dates against the current time), the
loopback address only; each server is a context manager that closes its
socket and joins its thread (ResourceWarning is an error in this suite).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import random
import signal
import ssl
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout

import pytest
from cryptography import x509

from pkilesson import (
    CLIENT,
    INTERMEDIATE_CA,
    SERVER,
    CertificateAuthority,
    PkiLessonError,
    Settings,
    create_csr,
    generate_key,
    make_artifacts,
    run_workflow,
)
from pkilesson.cli import main
from pkilesson.pki.revocation import load_crl, make_crl, revoke
from pkilesson.tls.loopback import CLIENT_CONTEXTS, LoopbackServer, Party, _connect, handshake, party_of

#: What the running Python's ssl.create_default_context() sets; 3.13 made both defaults.
DEFAULT_FLAGS = ssl.create_default_context().verify_flags
DEFAULT_STRICT = bool(DEFAULT_FLAGS & ssl.VERIFY_X509_STRICT)
DEFAULT_PARTIAL_CHAIN = bool(DEFAULT_FLAGS & ssl.VERIFY_X509_PARTIAL_CHAIN)


def test_python_3_13_made_the_default_context_strict():
    """The fact the lessons and the default client context rest on (Python 3.13's "What's New")."""
    assert DEFAULT_STRICT is DEFAULT_PARTIAL_CHAIN is (sys.version_info >= (3, 13))


@pytest.fixture(scope="module", params=["p256", "rsa2048"])
def lab(request):
    """Made 60 days ago (valid now), so an expired certificate can be issued under the same CA."""
    return make_artifacts(Settings(key_type=request.param), now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=60))


def test_success_each_side_sees_the_other(lab):
    report = handshake(lab)
    assert report.ok and report.reason() == ""
    assert report.server.peer_subject == "CN=client.localhost,O=pkilesson,C=FR"
    assert report.client.peer_subject == "CN=localhost,O=pkilesson,C=FR"
    assert report.client.peer_sans == ("localhost", "127.0.0.1")
    assert report.client.version == report.server.version == "TLSv1.3"
    assert report.server.received == b"hello from the client\n"
    assert report.client.received == b"hello from the server\n"
    # The messages as they crossed the wire: the client proved possession of its key.
    assert report.client.messages[:2] == ("sent ClientHello", "received ServerHello")
    assert "received CertificateRequest" in report.client.messages
    assert "sent CertificateVerify" in report.client.messages
    assert "received CertificateVerify" in report.server.messages


def test_client_without_certificate_is_refused(lab):
    report = handshake(lab, client=party_of(lab, "client", with_certificate=False))
    assert not report.ok
    assert report.server.error == "PEER_DID_NOT_RETURN_A_CERTIFICATE"
    assert report.client.error == "TLSV13_ALERT_CERTIFICATE_REQUIRED"
    assert "received Alert certificate_required (fatal)" in report.client.messages
    assert "sent Certificate" in report.client.messages and "sent CertificateVerify" not in report.client.messages


def test_each_side_greets_the_other_in_the_lessons_language(lab):
    """The line each side sends once the handshake is done is our words, so a French lesson's are French
    (the same bytes as before in English)."""
    from pkilesson import set_language

    set_language("fr")
    try:
        report = handshake(lab)
    finally:
        set_language("en")
    assert report.server.received == "bonjour de la part du client\n".encode()
    assert report.client.received == "bonjour de la part du serveur\n".encode()


def test_server_that_does_not_ask_accepts_anyone(lab):
    """The source's conclusion leaves this out: without CERT_REQUIRED, nobody is authenticated."""
    report = handshake(lab, client=party_of(lab, "client", with_certificate=False), require_client_certificate=False)
    assert report.ok and report.server.peer_subject is None
    assert "received CertificateRequest" not in report.client.messages


def test_client_certificate_from_another_ca(lab):
    other = CertificateAuthority.create("/CN=Other CA", key_type="p256")
    key = generate_key("p256")
    stranger = other.issue(create_csr(key, "/CN=mallory.example", ["mallory.example"]), CLIENT)
    report = handshake(lab, client=Party((stranger,), key, (lab.ca.certificate,)))
    assert not report.ok
    assert report.server.error == "certificate verify failed: unable to get local issuer certificate"
    assert report.client.error == "TLSV1_ALERT_UNKNOWN_CA"


def test_expired_client_certificate(lab):
    key = generate_key("p256")
    csr = create_csr(key, "/CN=old.example", ["old.example"])
    expired = lab.ca.issue(csr, CLIENT, days=1, now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30))
    report = handshake(lab, client=Party((expired,), key, (lab.ca.certificate,)))
    assert report.server.error == "certificate verify failed: certificate has expired"
    assert report.client.error == "SSLV3_ALERT_CERTIFICATE_EXPIRED"


def test_server_certificate_used_as_a_client_s(lab):
    report = handshake(lab, client=Party((lab.server_certificate,), lab.server_key, (lab.ca.certificate,)))
    assert report.server.error == "certificate verify failed: unsuitable certificate purpose"
    assert report.client.error == "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE"


def test_wrong_host_name(lab):
    report = handshake(lab, host="other.example")
    assert report.client.error.startswith("certificate verify failed: Hostname mismatch")
    assert report.server.error == "SSLV3_ALERT_BAD_CERTIFICATE"
    assert handshake(lab, host="127.0.0.1").ok


def test_client_trusting_another_ca_refuses_the_server(lab):
    other = CertificateAuthority.create("/CN=Other CA", key_type="p256")
    report = handshake(lab, client=Party((lab.client_certificate,), lab.client_key, (other.certificate,)))
    # OpenSSL's server sends its CA too (it builds the chain from its trust store), so the client
    # meets a self-signed certificate it does not trust.
    assert report.client.error == "certificate verify failed: self-signed certificate in certificate chain"
    assert report.server.error == "TLSV1_ALERT_UNKNOWN_CA"


def test_revoked_client_certificate(tmp_path):
    result = run_workflow(tmp_path / "lab", Settings(key_type="p256"))
    lab = result.artifacts
    crl = revoke(tmp_path / "lab", tmp_path / "lab" / "client-cert.pem", reason="keyCompromise")
    assert load_crl(tmp_path / "lab" / "ca-crl.pem") == crl
    server = Party((lab.server_certificate,), lab.server_key, (lab.ca.certificate,), (crl,))
    report = handshake(lab, server=server)
    assert report.server.error == "certificate verify failed: certificate revoked"
    assert report.client.error == "SSLV3_ALERT_CERTIFICATE_REVOKED"
    fresh = make_crl(lab.ca, [])
    assert handshake(lab, server=Party((lab.server_certificate,), lab.server_key, (lab.ca.certificate,), (fresh,))).ok


@pytest.fixture(scope="module")
def source(openssl_cli, tmp_path_factory):
    """The source recipe's files (steps 1 to 3, by the openssl CLI): its CA has no keyUsage."""
    from pkilesson.lessons.lesson import run_source_step
    from pkilesson.pki.artifacts import load_artifacts

    folder = tmp_path_factory.mktemp("source")
    run_source_step(3, folder)
    for name in ("server-req.pem", "client-req.pem"):
        assert (folder / name).exists()
    return load_artifacts(folder)


def test_source_recipe_certificates_strict_and_relaxed(source):
    """The source's files: refused under VERIFY_X509_STRICT (CA without keyUsage), accepted
    when relaxed (VERIFY_X509_STRICT cleared on both sides, whatever this Python's defaults), with
    or without the host name check: the server's certificate has no subjectAltName, and ssl
    falls back to its CN, localhost."""
    assert source.server_certificate.subject.rfc4514_string() == "CN=localhost,O=Lab,C=FR"
    with pytest.raises(x509.ExtensionNotFound):
        source.server_certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    strict = handshake(source)
    assert not strict.ok and "key usage" in strict.reason().lower()
    assert strict.client.error == "certificate verify failed: CA cert does not include key usage extension"
    relaxed = handshake(source, strict=False, check_hostname=False)
    assert relaxed.ok, relaxed.reason()
    by_cn = handshake(source, strict=False)
    assert by_cn.ok and by_cn.client.peer_subject == "CN=localhost,O=Lab,C=FR", by_cn.reason()
    assert handshake(source, strict=False, host="other.example").client.error.startswith(
        "certificate verify failed: Hostname mismatch")


def test_default_client_context_is_the_running_python_s(source):
    """client_context="default" is ssl.create_default_context() as this Python makes it: on 3.13 it
    refuses the source's chain (VERIFY_X509_STRICT: the CA has no keyUsage), on 3.11 it accepts it,
    host name matched through the CN. "default-strict" refuses it on every Python."""
    report = handshake(source, strict=False, client_context="default")
    if DEFAULT_STRICT:
        assert not report.ok
        assert report.client.error == "certificate verify failed: CA cert does not include key usage extension"
        assert report.reason().startswith("the client refused: ")
    else:
        assert report.ok, report.reason()
        assert report.client.peer_subject == "CN=localhost,O=Lab,C=FR"
    explicit = handshake(source, strict=False, client_context="default-strict")
    assert explicit.client.error == "certificate verify failed: CA cert does not include key usage extension"
    assert explicit.reason().startswith("the client refused: ")


def test_default_client_contexts_accept_pkilesson_s_certificates_and_check_the_name(lab):
    for name in ("default", "default-strict"):
        report = handshake(lab, client_context=name)
        assert report.ok and report.server.peer_subject == "CN=client.localhost,O=pkilesson,C=FR", report.reason()
        assert report.client.version == "TLSv1.3" and "sent CertificateVerify" in report.client.messages
        wrong = handshake(lab, host="other.example", client_context=name)
        assert wrong.client.error.startswith("certificate verify failed: Hostname mismatch")


def test_default_client_context_falls_back_to_the_cn(lab):
    """hostname_checks_common_name keeps its default (True): a server certificate without
    subjectAltName, whose CN is localhost, passes the name check for localhost, strict or not."""
    key = generate_key("p256")
    no_san = dataclasses.replace(SERVER, needs_san=False)
    certificate = lab.ca.issue(create_csr(key, "/CN=localhost"), no_san)
    assert not any(isinstance(e.value, x509.SubjectAlternativeName) for e in certificate.extensions)
    server = Party((certificate,), key, (lab.ca.certificate,))
    for name in ("default", "default-strict"):
        assert handshake(lab, server=server, client_context=name).ok
        wrong = handshake(lab, server=server, host="other.example", client_context=name)
        assert wrong.client.error.startswith("certificate verify failed: Hostname mismatch"), wrong.client.error


def test_default_client_context_trusts_an_intermediate_alone_where_python_says_so():
    """VERIFY_X509_PARTIAL_CHAIN, set by 3.13's default context: a client that trusts only the
    intermediate CA accepts the server's chain; pkilesson's own context (and 3.11's default) needs the root."""
    root = CertificateAuthority.create("/CN=Root", key_type="p256")
    inter_key = generate_key("p256")
    inter = CertificateAuthority(inter_key, root.issue(create_csr(inter_key, "/CN=Issuing CA"), INTERMEDIATE_CA))
    server_key, client_key = generate_key("p256"), generate_key("p256")
    server_cert = inter.issue(create_csr(server_key, "/CN=localhost", ["localhost"]), SERVER)
    client_cert = inter.issue(create_csr(client_key, "/CN=client.example", ["client.example"]), CLIENT)
    server = Party((server_cert, inter.certificate), server_key, (root.certificate,))
    client = Party((client_cert, inter.certificate), client_key, (inter.certificate,))
    own = handshake(server=server, client=client)
    assert own.client.error == "certificate verify failed: unable to get issuer certificate"
    for name in ("default", "default-strict"):
        report = handshake(server=server, client=client, client_context=name)
        if DEFAULT_PARTIAL_CHAIN:
            assert report.ok and report.server.peer_subject == "CN=client.example", report.reason()
        else:
            assert report.client.error == "certificate verify failed: unable to get issuer certificate"


def test_client_context_choices(lab):
    assert set(CLIENT_CONTEXTS) == {"pkilesson", "default", "default-strict"}
    with pytest.raises(PkiLessonError, match="Unknown client context 'lax'"):
        handshake(lab, client_context="lax")
    with pytest.raises(PkiLessonError, match="checks the host name"):
        handshake(lab, client_context="default", check_hostname=False)


def test_intermediate_ca_full_chain():
    root = CertificateAuthority.create("/CN=Root", key_type="p256")
    inter_key = generate_key("p256")
    inter = CertificateAuthority(inter_key, root.issue(create_csr(inter_key, "/CN=Issuing CA"), INTERMEDIATE_CA))
    server_key, client_key = generate_key("p256"), generate_key("p256")
    server_cert = inter.issue(create_csr(server_key, "/CN=localhost", ["localhost"]), SERVER)
    client_cert = inter.issue(create_csr(client_key, "/CN=client.example", ["client.example"]), CLIENT)
    full = handshake(server=Party((server_cert, inter.certificate), server_key, (root.certificate,)),
                     client=Party((client_cert, inter.certificate), client_key, (root.certificate,)))
    assert full.ok and full.server.peer_subject == "CN=client.example"
    partial = handshake(server=Party((server_cert,), server_key, (root.certificate,)),
                        client=Party((client_cert, inter.certificate), client_key, (root.certificate,)))
    assert not partial.ok and "unable to get local issuer certificate" in partial.client.error


def test_load_sequential_and_concurrent_no_leak(lab):
    """200 sequential handshakes, then 20 concurrent clients, against one server: no failure,
    no thread left behind, bounded in time."""
    threads_before = threading.active_count()
    server, client = party_of(lab, "server"), party_of(lab, "client")
    start = time.monotonic()
    with LoopbackServer(server, lifetime=240) as listening:
        for _ in range(200):
            assert _connect(listening.port, client, "localhost", strict=True, check_hostname=True).ok
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(lambda _: _connect(listening.port, client, "localhost", strict=True,
                                                       check_hostname=True), range(20)))
        assert all(r.ok for r in results), [r.error for r in results if not r.ok]
        deadline = time.monotonic() + 10
        while len(listening.reports) < 220 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(listening.reports) == 220 and all(r.ok for r in listening.reports)
    assert time.monotonic() - start < 200
    assert threading.active_count() == threads_before


def run_cli(*args) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(map(str, args)))
    return code, out.getvalue()


def test_mtls_command(tmp_path, capsys):
    lab = tmp_path / "lab"
    run_workflow(lab, Settings(key_type="p256"))
    assert run_cli("mtls", lab) == (0, run_cli("mtls", lab)[1])
    code, out = run_cli("mtls", lab)
    assert code == 0 and "the server saw the client CN=client.localhost" in out
    code, out = run_cli("mtls", lab, "--no-client-cert")
    assert code == 1 and out.strip() == (
        "handshake refused: the server refused: PEER_DID_NOT_RETURN_A_CERTIFICATE; "
        "the client was told TLSV13_ALERT_CERTIFICATE_REQUIRED"
    )
    code, out = run_cli("mtls", lab, "--json", "--host", "other.example")
    report = json.loads(out)
    assert code == 1 and report["result"] == "refused" and report["server"]["error"] == "SSLV3_ALERT_BAD_CERTIFICATE"
    code, out = run_cli("revoke", lab, lab / "client-cert.pem", "--reason", "superseded")
    assert code == 0 and "lists 1 certificate(s), CRL number 1" in out
    code, out = run_cli("mtls", lab, "--crl", lab / "ca-crl.pem")
    assert code == 1 and "the server refused: certificate verify failed: certificate revoked" in out
    code, out = run_cli("mtls", lab, "--client-cert", lab / "server-cert.pem", "--client-key", lab / "server-key.pem")
    assert code == 1 and "UNSUPPORTED_CERTIFICATE" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["mtls", "{lab}", "--client-cert", "{lab}/client-cert.pem"], "without --client-key"),
        (["mtls", "{lab}", "--client-key", "{lab}/client-key.pem"], "without --client-cert"),
        (["mtls", "{missing}"], "ca-cert.pem is missing"),
        (["mtls", "{lab}", "--crl", "{lab}/ca-cert.pem"], "Expected a certificate revocation list"),
        (["mtls", "{lab}", "--client-cert", "{lab}/client-cert.pem", "--client-key", "{lab}/server-key.pem"],
         "do not load into ssl"),
        (["revoke", "{lab}", "{lab}/client-cert.pem", "--reason", "stolen"], "Unknown revocation reason"),
        (["revoke", "{lab}", "{other}/server-cert.pem"], "not issued by the workspace's CA"),
    ],
)
def test_mtls_and_revoke_bad_input(tmp_path, capsys, args, message):
    lab, other = tmp_path / "lab", tmp_path / "other"
    run_workflow(lab, Settings(key_type="p256"))
    run_workflow(other, Settings(key_type="p256"))
    code = main([a.format(lab=lab, other=other, missing=tmp_path / "missing") for a in args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_handshake_needs_parties():
    with pytest.raises(PkiLessonError, match="No server or client"):
        handshake()


# -- issue #11: no secret copies, hosts checked before any socket, arguments checked at the door -------


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=["KILL", "TERM", "HUP"])
def test_no_copy_of_a_key_outlives_a_killed_handshake(tmp_path, signum):
    """Finding 8: a signal during 'mtls' left /tmp/pkilesson-tls-*/key.pem, a copy of the server key.

    A forked child runs handshakes one after the other with $TMPDIR in a
    fresh folder; it is killed at random moments, then the folder must hold
    nothing (the keys went to in-memory files, never to a disk).
    """
    lab = make_artifacts(Settings(key_type="p256"), now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    rng = random.Random(signum)
    for _ in range(3):
        ready_read, ready_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGHUP, signal.SIG_DFL)
                tempfile.tempdir = str(scratch)
                os.environ["TMPDIR"] = str(scratch)
                os.write(ready_write, b"x")
                while True:
                    handshake(lab)
            finally:
                os._exit(0)
        os.close(ready_write)
        os.read(ready_read, 1)
        os.close(ready_read)
        time.sleep(rng.uniform(0.01, 0.15))
        os.kill(pid, signum)
        os.waitpid(pid, 0)
    left = [p for p in scratch.rglob("*")]
    assert left == [], left
    assert not any(b"PRIVATE KEY" in p.read_bytes() for p in scratch.rglob("*") if p.is_file())


@pytest.mark.parametrize("host", ["", ".", "..", "a..b", "a" * 64 + ".example", "*.example.com", "bad_host"])
def test_a_bad_host_is_refused_before_any_socket(lab, host):
    """Finding 5: 'mtls --host ""' (or '.', 'a..b', a 64-character label) stalled 12 s, then a traceback."""
    started = time.monotonic()
    with pytest.raises(PkiLessonError) as info:
        handshake(lab, host=host)
    assert time.monotonic() - started < 1
    assert "\n" not in str(info.value) and " Fix: " in str(info.value)


def test_handshake_takes_a_workspace_folder_and_checks_its_arguments(tmp_path, lab):
    """Finding 11: handshake("dir") raised AttributeError from deep inside."""
    folder = tmp_path / "lab"
    run_workflow(folder, Settings(key_type="p256"))
    assert handshake(str(folder)).ok
    assert handshake(folder).ok
    with pytest.raises(PkiLessonError, match="ca-cert.pem is missing"):
        handshake(str(tmp_path / "empty"))
    with pytest.raises(TypeError, match="strict= must be True or False"):
        handshake(lab, strict="yes")
    with pytest.raises(TypeError, match="server= must be a pkilesson.tls.loopback.Party"):
        handshake(lab, server="server")
    with pytest.raises(TypeError, match="chain= must be a certificate"):
        Party((42,))
    with pytest.raises(TypeError, match="party= must be a pkilesson.tls.loopback.Party"):
        LoopbackServer(None)
    party = Party(folder / "server-cert.pem", folder / "server-key.pem", [folder / "ca-cert.pem"])
    assert party.chain[0].subject.rfc4514_string() == "CN=localhost,O=pkilesson,C=FR"
