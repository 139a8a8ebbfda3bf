"""pkilesson.tls.wire: a real handshake read from its messages: the key exchange, and what the certificate key signed."""

from __future__ import annotations

import ssl

import pytest

from pkilesson import PkiLessonError, Settings, make_artifacts
from pkilesson.tls import wire
from pkilesson.tls.loopback import Party
from pkilesson.tls.wire import observe, parse_hello


@pytest.fixture(scope="module")
def p256_lab():
    return make_artifacts(Settings(key_type="p256"))


def test_the_rsa_server_key_only_signs_and_the_traffic_keys_come_from_an_ephemeral_group(rsa_artifacts_now):
    seen = observe(rsa_artifacts_now)
    assert seen.ok and seen.version == "TLS 1.3"
    assert seen.group and seen.group.split()[0] in wire.GROUPS.values()
    assert len(seen.server_share) >= 32
    signed = seen.server_signature
    assert signed.valid is True and signed.key == "RSA 2048 bits" and signed.scheme.startswith("rsa_pss")
    assert [s.sender for s in seen.signatures] == ["server"]  # no client certificate was asked for
    assert seen.python in str(seen) and ssl.OPENSSL_VERSION in str(seen)


def test_the_share_is_new_at_every_handshake(p256_lab):
    first, second = observe(p256_lab), observe(p256_lab)
    assert first.group == second.group and first.server_share != second.server_share


def test_mutual_tls_checks_both_certificate_verify_messages(p256_lab):
    seen = observe(p256_lab, require_client_certificate=True)
    assert seen.ok
    assert [(s.sender, s.valid, s.scheme) for s in seen.signatures] == [
        ("server", True, "ecdsa_secp256r1_sha256"), ("client", True, "ecdsa_secp256r1_sha256")]


def test_a_changed_transcript_breaks_the_signature_check(p256_lab):
    records = []
    original = wire._client_context

    def keep(*args, **kwargs):
        context = original(*args, **kwargs)
        callback = context._msg_callback

        def both(*values):
            callback(*values)
            if int(values[3]) == 22:
                records.append(("client" if values[1] == "write" else "server", bytes(values[5])))
        context._msg_callback = both
        return context

    wire._client_context = keep
    try:
        seen = observe(p256_lab)
    finally:
        wire._client_context = original
    assert seen.server_signature.valid
    handshake = [r for r in records if r[1][0] not in (4, 24)]
    suite = seen.cipher_suite
    assert wire._signatures(handshake, "TLS 1.3", suite)[0].valid is True
    tampered = [(handshake[0][0], handshake[0][1][:-1] + bytes([handshake[0][1][-1] ^ 1]))] + handshake[1:]
    assert wire._signatures(tampered, "TLS 1.3", suite)[0].valid is False


def test_a_refused_handshake_says_why(p256_lab):
    other = make_artifacts(Settings(key_type="p256"))
    seen = observe(server=Party((p256_lab.server_certificate,), p256_lab.server_key, ()),
                   client=Party((), None, (other.ca.certificate,)))
    assert not seen.ok and "certificate verify failed" in seen.error
    assert seen.verdict().startswith("refused: ")


def test_partial_chain_lets_a_trusted_intermediate_end_the_chain():
    """Python 3.13's default context sets VERIFY_X509_PARTIAL_CHAIN; pkilesson.tls.loopback's own context does not."""
    from pkilesson.pki.hierarchy import make_hierarchy
    from pkilesson.tls.chains import chain_handshake

    h = make_hierarchy()
    intermediate = h.intermediate.certificate
    server = Party((h.server_certificate, intermediate, h.root_certificate), h.server_key, (h.root_certificate,))
    client = Party((), None, (intermediate,))
    assert not observe(server=server, client=client).ok
    assert observe(server=server, client=client, partial_chain=True).ok
    refused = chain_handshake(h, sends=("intermediate", "root"), trusts=("intermediate",))
    assert not refused.client.ok and "unable to get issuer certificate" in refused.client.error


def test_parse_hello_refuses_other_bytes():
    with pytest.raises(PkiLessonError, match="not a TLS ClientHello or ServerHello"):
        parse_hello(b"\x0b\x00\x00\x00")
    with pytest.raises(PkiLessonError, match="not a TLS"):
        parse_hello(b"\x02\x00")


def test_a_hello_retry_request_is_recognised():
    body = b"\x03\x03" + wire._RETRY + b"\x00" + b"\x13\x01" + b"\x00" + b"\x00\x06" + b"\x00\x2b\x00\x02\x03\x04"
    hello = parse_hello(b"\x02" + len(body).to_bytes(3, "big") + body)
    assert hello["retry"] and hello["version"] == "TLS 1.3" and hello["cipher_suite"] == "TLS_AES_128_GCM_SHA256"


def test_bad_parties():
    with pytest.raises(PkiLessonError, match="No server"):
        observe()
    with pytest.raises(PkiLessonError, match="Party"):
        observe(server="server-cert.pem", client="client-cert.pem")


@pytest.fixture(scope="module")
def rsa_artifacts_now():
    """The default workflow (RSA), made at the real time: Python's ssl checks dates against the real clock."""
    return make_artifacts(Settings())
