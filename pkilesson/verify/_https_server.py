"""A small HTTPS server on 127.0.0.1 for the browser and curl: what it saw of each connection.

:class:`HttpsServer` (Python's ``ssl``, strict, TLS 1.2 or newer) can
require a client certificate; its page says which one it accepted, and it
keeps a :class:`Seen` per connection. :mod:`pkilesson.verify.browser` uses
it (and re-exports both names).
"""

from __future__ import annotations

import html
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Optional

from cryptography import x509

from .._catalog import N_, _, Text
from ..pki.certificates import certificate_to_pem
from ..pki.keys import private_key_to_pem
from ..tls.loopback import MemoryFiles, _linger


@dataclass(frozen=True)
class Seen:
    """What the server saw of one connection.

    ``outcome``: ``"accepted"`` (the handshake completed), ``"refused"`` (the
    server refused, ``error`` says why in Python ``ssl``'s words) or
    ``"closed"`` (the browser closed it before the end: it does so to pick a
    client certificate, then connects again). ``subject``/``issuer``: the
    client certificate accepted, if any.
    """

    outcome: str
    error: str = ""
    subject: Optional[str] = None
    issuer: Optional[str] = None
    request: str = ""

    def __str__(self) -> str:
        if self.outcome == "accepted":
            who = _("the client certificate {subject} (issued by {issuer})").format(
                subject=self.subject, issuer=self.issuer) if self.subject else _("no client certificate")
            if self.request:
                return _("accepted, with {who}; request: {request}").format(who=who, request=self.request)
            return _("accepted, with {who}").format(who=who)
        outcome = {"refused": _("refused"), "closed": _("closed")}.get(self.outcome, self.outcome)
        return _("{outcome}: {error}").format(outcome=outcome, error=self.error)


def _ssl_words(error: BaseException) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return error.reason or str(error)
    return str(error) or type(error).__name__


def _page(subject: Optional[str], issuer: Optional[str]) -> str:
    """The page the server sends once it accepted a connection, in the current language (its ids for tests)."""
    def e(text: str) -> str:  # the words: <, > and & escaped, quotes kept (the English page is as it always was)
        return html.escape(text, quote=False)

    if subject:
        who = e(_("the client certificate {subject}, issued by {issuer}")).format(
            subject=f"<b id='subject'>{html.escape(subject)}</b>", issuer=f"<b id='issuer'>{html.escape(issuer)}</b>")
    else:
        who = "<b id='subject'>" + e(_("no client certificate")) + "</b>"
    title, heading = e(_("pkilesson mutual TLS")), e(_("pkilesson's HTTPS server on 127.0.0.1"))
    accepted = e(_("The server accepted the connection, with {who}.")).format(who=who)
    return f"<!doctype html><title>{title}</title><h1>{heading}</h1><p>{accepted}</p>"


class HttpsServer:
    """An HTTPS server on 127.0.0.1 (a port the system picks), each connection answered in a thread.

    ``chain``/``key``: what it presents; ``trusts``: the CAs it accepts
    client certificates from; ``require_client_certificate``: ``CERT_REQUIRED``
    (else it asks for none). Its page says which client certificate it
    accepted. Use it as a context manager: the socket and threads are closed
    on exit, and it serves ``lifetime`` seconds at most.

    ``check_delay``: seconds the server waits, once the client's
    ``Certificate`` message has arrived, before checking it, as a busy server
    would. In TLS 1.3 the client has finished its handshake by then and sends
    its request; a refused client then reads the server's alert as the answer
    to that request, and Chromium names it (``net::ERR_BAD_SSL_CLIENT_AUTH_CERT``).
    Without the wait the alert can reach Chromium before it uses the
    connection, and it says only ``net::ERR_SOCKET_NOT_CONNECTED``. The wait
    uses CPython's message callback (``SSLContext._msg_callback``, as
    :mod:`pkilesson.tls.loopback` does); where it is missing there is no wait.
    """

    def __init__(self, chain, key, trusts=(), *, require_client_certificate: bool = True, lifetime: float = 60.0,
                 check_delay: float = 0.2):
        self.chain, self.key, self.trusts = tuple(chain), key, tuple(trusts)
        self.require_client_certificate, self.lifetime = require_client_certificate, lifetime
        self.check_delay = check_delay
        self.seen: list[Seen] = []
        self.port = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> "HttpsServer":
        files = MemoryFiles()
        try:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.verify_flags |= ssl.VERIFY_X509_STRICT
            context.load_cert_chain(files.add("chain.pem", b"".join(certificate_to_pem(c) for c in self.chain)),
                                    files.add("key.pem", private_key_to_pem(self.key), private=True))
            if self.trusts:
                context.load_verify_locations(files.add("trust.pem",
                                                        b"".join(certificate_to_pem(c) for c in self.trusts)))
            context.verify_mode = ssl.CERT_REQUIRED if self.require_client_certificate else ssl.CERT_NONE
            if self.require_client_certificate and self.check_delay and hasattr(context, "_msg_callback"):
                delay = self.check_delay

                def slow_check(_connection, direction, _version, content_type, message_type, _data):
                    # The client's Certificate message has arrived: wait before checking it (see the class).
                    if direction == "read" and int(content_type) == 22 and int(message_type) == 11:
                        time.sleep(delay)

                context._msg_callback = slow_check
        finally:
            files.close()  # the context holds them in memory now
        self._context = context
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.05)
        self.port = self._socket.getsockname()[1]
        self._deadline = time.monotonic() + self.lifetime
        thread = threading.Thread(target=self._serve, name="pkilesson-https", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(15)
        self._socket.close()

    def _serve(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            try:
                raw, _address = self._socket.accept()
            except (socket.timeout, OSError):
                continue
            thread = threading.Thread(target=self._answer, args=(raw,), name="pkilesson-https-connection",
                                      daemon=True)
            self._threads.append(thread)
            thread.start()

    def _answer(self, raw: socket.socket) -> None:
        raw.settimeout(10)
        connection = self._context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
        try:
            connection.do_handshake()
        except (ssl.SSLEOFError, ConnectionError) as error:
            connection.close()
            self.seen.append(Seen("closed", Text(N_("the client closed the connection during the handshake "
                                                    "({words})"), words=_ssl_words(error))))
            return
        except (ssl.SSLError, OSError) as error:
            self.seen.append(Seen("refused", _ssl_words(error)))
            _linger(connection)
            connection.close()
            return
        with connection:
            der = connection.getpeercert(binary_form=True)
            subject = issuer = None
            if der:
                certificate = x509.load_der_x509_certificate(der)
                subject, issuer = certificate.subject.rfc4514_string(), certificate.issuer.rfc4514_string()
            request = b""
            try:
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    request += chunk
            except (ssl.SSLError, OSError) as error:  # TLS 1.3: a refusal can come after the handshake
                self.seen.append(Seen("refused" if not isinstance(error, ssl.SSLEOFError) else "closed",
                                      _ssl_words(error)))
                _linger(connection)
                return
            line = request.split(b"\r\n", 1)[0].decode("latin-1")
            self.seen.append(Seen("accepted", "", subject, issuer, line))
            body = _page(subject, issuer).encode()
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
                    "Cache-Control: no-store\r\nConnection: close\r\n\r\n").encode()
            try:
                connection.sendall(head + body)
            except OSError:
                pass

    def verdict(self) -> Optional[Seen]:
        """The server's decision: the last connection it accepted or refused (not one the client closed)."""
        decided = [s for s in self.seen if s.outcome != "closed"]
        accepted = [s for s in decided if s.outcome == "accepted" and s.request.startswith("GET / ")]
        return accepted[-1] if accepted else (decided[-1] if decided else (self.seen[-1] if self.seen else None))
