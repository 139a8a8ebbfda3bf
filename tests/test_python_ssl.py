"""Mutual TLS with Python's own ``ssl`` module and the workflow's files.

A server and a client, each with an ``ssl.SSLContext`` as an application
would build it (strict X.509 checks, TLS 1.2 at least), shake hands over a
loopback socket with the files ``run_workflow`` writes (real clock: the
``ssl`` module checks dates against the real time):

* the handshake succeeds, each side sees the other's certificate, and the
  client checks the server's name (DNS name and IP address);
* it fails for a wrong server name and for a client without a certificate;
* the source recipe's certificates are refused by a strict context (the CA
  certificate lacks keyUsage) and accepted by a lax one (pitfall 2), lax
  meaning VERIFY_X509_STRICT cleared explicitly: Python 3.13's
  ``ssl.create_default_context()`` sets it, 3.11's does not, and the
  untouched default context refuses or accepts them accordingly.

Only the last test needs the openssl CLI (to run the source recipe).
"""

from __future__ import annotations

import socket
import ssl
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from pkilesson import Settings, run_workflow
from pkilesson.pki.openssl import run_step, source_recipe

#: Upper bound of every blocking socket operation, in seconds.
TIMEOUT = 10
GREETING = b"hello"

CLIENT_SUBJECT = ((("countryName", "FR"),), (("organizationName", "pkilesson"),), (("commonName", "client.localhost"),))
SERVER_SUBJECT = ((("countryName", "FR"),), (("organizationName", "pkilesson"),), (("commonName", "localhost"),))

TLS_VERSIONS = {"TLSv1.3": ssl.TLSVersion.TLSv1_3, "TLSv1.2": ssl.TLSVersion.TLSv1_2}


@pytest.fixture(params=["rsa2048", "p256"])
def files(request, tmp_path) -> Path:
    """The eight files of run_workflow for one key type, made with the real clock."""
    result = run_workflow(tmp_path / "ws", Settings(key_type=request.param))
    assert result.ok
    return result.workspace.path


def _set_strict(context: ssl.SSLContext, strict: Optional[bool]) -> None:
    """True sets VERIFY_X509_STRICT, False clears it (lax whatever the Python's default), None leaves it."""
    if strict:
        context.verify_flags |= ssl.VERIFY_X509_STRICT
    elif strict is not None:
        context.verify_flags &= ~ssl.VERIFY_X509_STRICT


def server_context(folder: Path, *, strict: bool = True) -> ssl.SSLContext:
    """A server that demands a client certificate issued by ca-cert.pem."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(folder / "ca-cert.pem")
    _set_strict(context, strict)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(folder / "server-cert.pem", folder / "server-key.pem")
    return context


def client_context(folder: Path, *, strict: Optional[bool] = True, with_certificate: bool = True) -> ssl.SSLContext:
    """A client that trusts ca-cert.pem only, checks the server's name, and shows client-cert.pem.

    Python's default context; ``strict=None`` leaves its VERIFY_X509_STRICT as the running Python sets it.
    """
    context = ssl.create_default_context(cafile=str(folder / "ca-cert.pem"))
    _set_strict(context, strict)
    if with_certificate:
        context.load_cert_chain(folder / "client-cert.pem", folder / "client-key.pem")
    return context


@dataclass
class Outcome:
    """What one side of a connection saw."""

    peer_certificate: Optional[dict] = None
    version: Optional[str] = None
    received: bytes = b""
    error: Optional[BaseException] = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.received == GREETING


def _close_gracefully(tls: ssl.SSLSocket) -> None:
    """After a failure: end our side (TCP FIN) and wait for the peer to end its own.

    Closing at once, with the peer's bytes unread, would send a TCP reset that
    can overtake the TLS alert just sent; this way the peer reads the alert.
    """
    try:
        tls.shutdown(socket.SHUT_WR)  # also drops the TLS layer: recv() below reads raw bytes
        while tls.recv(4096):
            pass
    except OSError:
        pass


def _talk(tls: ssl.SSLSocket, outcome: Outcome) -> None:
    """Handshake, then send a greeting and read the peer's: the first read is where a
    TLS 1.3 client learns that the server refused its certificate."""
    try:
        tls.do_handshake()
        outcome.peer_certificate = tls.getpeercert()
        outcome.version = tls.version()
        tls.sendall(GREETING)
        while len(outcome.received) < len(GREETING):
            chunk = tls.recv(len(GREETING) - len(outcome.received))
            if not chunk:
                break
            outcome.received += chunk
    except OSError as exc:  # ssl.SSLError is an OSError
        outcome.error = exc
        _close_gracefully(tls)


def handshake(
    server_ctx: ssl.SSLContext, client_ctx: ssl.SSLContext, server_hostname: Optional[str]
) -> tuple[Outcome, Outcome]:
    """One connection over 127.0.0.1, the server in a thread: (server's outcome, client's)."""
    server, client = Outcome(), Outcome()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(TIMEOUT)
        port = listener.getsockname()[1]

        def serve() -> None:
            try:
                conn, _ = listener.accept()
            except OSError as exc:
                server.error = exc
                return
            conn.settimeout(TIMEOUT)
            with server_ctx.wrap_socket(conn, server_side=True, do_handshake_on_connect=False) as tls:
                _talk(tls, server)

        thread = threading.Thread(target=serve, name="tls-server", daemon=True)
        thread.start()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
                with client_ctx.wrap_socket(
                    raw, server_hostname=server_hostname, do_handshake_on_connect=False
                ) as tls:
                    _talk(tls, client)
        finally:
            thread.join(3 * TIMEOUT)
        assert not thread.is_alive(), "the server thread did not finish"
    return server, client


@pytest.mark.parametrize("version", list(TLS_VERSIONS))
@pytest.mark.parametrize("server_hostname", ["localhost", "127.0.0.1"])
def test_mutual_tls_succeeds(files, server_hostname, version):
    """Both strict contexts accept the workflow's certificates: the client checks the
    server's name (a DNS or an IP subjectAltName), the server sees the client's certificate."""
    client_ctx = client_context(files)
    client_ctx.maximum_version = TLS_VERSIONS[version]
    server, client = handshake(server_context(files), client_ctx, server_hostname)
    assert server.error is None and client.error is None, (server.error, client.error)
    assert server.ok and client.ok
    assert server.version == client.version == version
    assert server.peer_certificate["subject"] == CLIENT_SUBJECT
    assert server.peer_certificate["subjectAltName"] == (("DNS", "client.localhost"),)
    assert client.peer_certificate["subject"] == SERVER_SUBJECT
    assert client.peer_certificate["subjectAltName"] == (("DNS", "localhost"), ("IP Address", "127.0.0.1"))


def test_wrong_server_name_is_refused(files):
    """A client that expects other.example refuses the certificate of localhost,
    and the server receives its alert."""
    server, client = handshake(server_context(files), client_context(files), "other.example")
    assert isinstance(client.error, ssl.SSLCertVerificationError), client.error
    assert "Hostname mismatch" in client.error.verify_message
    assert client.peer_certificate is None
    assert isinstance(server.error, ssl.SSLError), server.error
    assert "alert" in str(server.error)
    assert not server.ok


@pytest.mark.parametrize(
    "version, alert",
    [("TLSv1.3", "TLSV13_ALERT_CERTIFICATE_REQUIRED"), ("TLSv1.2", "SSLV3_ALERT_HANDSHAKE_FAILURE")],
)
def test_client_without_certificate_is_refused(files, version, alert):
    """The server, with CERT_REQUIRED, refuses a client that sends no certificate;
    the client receives the alert (in TLS 1.3 only at its first read)."""
    client_ctx = client_context(files, with_certificate=False)
    client_ctx.maximum_version = TLS_VERSIONS[version]
    server, client = handshake(server_context(files), client_ctx, "localhost")
    assert isinstance(server.error, ssl.SSLError), server.error
    assert server.error.reason == "PEER_DID_NOT_RETURN_A_CERTIFICATE"
    assert server.peer_certificate is None
    assert isinstance(client.error, ssl.SSLError), client.error
    assert client.error.reason == alert
    assert not client.ok


@pytest.fixture(scope="module")
def source_files(tmp_path_factory, openssl_cli) -> Path:
    """The source recipe's files, made by the openssl CLI with its exact commands."""
    folder = tmp_path_factory.mktemp("source")
    for step in source_recipe():
        run_step(step, folder)
    return folder


@pytest.mark.skipif(ssl.OPENSSL_VERSION_INFO < (3, 0), reason="OpenSSL 3.0 added the strict CA keyUsage check")
@pytest.mark.parametrize("strict_side", ["client", "server"])
def test_source_certificates_fail_strict_checks_only(openssl_cli, source_files, strict_side):
    """Pitfall 2: the source's CA certificate has no keyUsage. A strict context
    (VERIFY_X509_STRICT) refuses the chain it signed, with an error saying so; a lax
    one (the flag cleared on both sides) accepts it (with check_hostname=False, so the
    strict flag is the only difference)."""

    def contexts(strict: bool) -> tuple[ssl.SSLContext, ssl.SSLContext]:
        server_ctx = server_context(source_files, strict=strict and strict_side == "server")
        client_ctx = client_context(source_files, strict=strict and strict_side == "client")
        client_ctx.check_hostname = False
        return server_ctx, client_ctx

    server, client = handshake(*contexts(strict=False), "localhost")
    assert server.ok and client.ok, (server.error, client.error)
    assert server.peer_certificate["subject"][-1] == (("commonName", "client"),)
    assert "subjectAltName" not in server.peer_certificate  # a v1 certificate: no extension at all

    server, client = handshake(*contexts(strict=True), "localhost")
    refusing, other = (client, server) if strict_side == "client" else (server, client)
    assert isinstance(refusing.error, ssl.SSLCertVerificationError), refusing.error
    assert "key usage" in refusing.error.verify_message
    assert isinstance(other.error, ssl.SSLError), other.error
    assert not other.ok


@pytest.mark.skipif(ssl.OPENSSL_VERSION_INFO < (3, 0), reason="OpenSSL 3.0 added the strict CA keyUsage check")
def test_source_certificates_and_the_untouched_default_context(openssl_cli, source_files):
    """ssl.create_default_context() as the running Python makes it, host name checked: Python 3.13's
    sets VERIFY_X509_STRICT and refuses the source's chain; 3.11's does not, and accepts it, the
    name localhost matched through the server certificate's CN (it has no subjectAltName)."""
    client_ctx = client_context(source_files, strict=None)
    default_strict = bool(client_ctx.verify_flags & ssl.VERIFY_X509_STRICT)
    assert default_strict is (sys.version_info >= (3, 13))
    assert client_ctx.check_hostname and client_ctx.hostname_checks_common_name
    server, client = handshake(server_context(source_files, strict=False), client_ctx, "localhost")
    if default_strict:
        assert isinstance(client.error, ssl.SSLCertVerificationError), client.error
        assert client.error.verify_message == "CA cert does not include key usage extension"
        assert isinstance(server.error, ssl.SSLError) and not server.ok, server.error
    else:
        assert server.ok and client.ok, (server.error, client.error)
        assert client.peer_certificate["subject"][-1] == (("commonName", "localhost"),)
        assert "subjectAltName" not in client.peer_certificate
