"""Mutual TLS for real, on 127.0.0.1: a server that requires a client certificate, and a client.

Both sides are Python's own ``ssl`` module (OpenSSL underneath), configured as
a careful application would: TLS 1.2 or newer, ``VERIFY_X509_STRICT``, the
server in ``CERT_REQUIRED`` mode, the client checking the server's name.
The client can instead be ``ssl.create_default_context()`` exactly as the
running Python makes it (``client_context="default"``): Python 3.13's sets
``VERIFY_X509_STRICT`` and ``VERIFY_X509_PARTIAL_CHAIN``, 3.11's neither.
:func:`handshake` runs one connection and returns what *each side* saw,
taken from the real connection: the TLS version, the cipher, the peer's
certificate, the error if any, and the handshake messages and alerts as
they crossed the wire. How each side's ``ssl`` context is made (its files,
its settings, the messages it records) is in :mod:`pkilesson.tls._contexts`.

>>> from pkilesson import make_artifacts, Settings
>>> lab = make_artifacts(Settings(key_type="p256"))
>>> report = handshake(lab)
>>> report.ok, report.server.peer_subject
(True, 'CN=client.localhost,O=pkilesson,C=FR')
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
import threading
from dataclasses import dataclass
from typing import Optional

from cryptography import x509

from .._catalog import _, tr
from ..errors import PkiLessonError, argument_error, check_bool
from ..pki.names import check_dns_name
from ..pki.party import Party
from ._contexts import CLIENT_CONTEXTS, _check_client_context, _context, _Files
from ._contexts import MemoryFiles, _ALERTS  # noqa: F401 (read here: verify's HTTPS server, lessons.exercises)
from ._contexts import _REFUSED, _SIDES, shown_error, shown_message

__all__ = ["CLIENT_CONTEXTS", "Party", "SideReport", "HandshakeReport", "LoopbackServer", "handshake", "party_of"]

#: Every blocking socket operation gives up after this many seconds.
TIMEOUT = 10.0
#: How long the client waits for the server's first answer (or its alert) after the handshake.
_ANSWER_WAIT = 3.0


def _check_host(host) -> str:
    """The name the client connects to: a DNS name (no wildcard) or an IP address, checked before any socket."""
    if not isinstance(host, str):
        raise argument_error("host", "a host name or an IP address (a str)", host)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        check_dns_name(host, allow_wildcard=False)
    return host


def party_of(artifacts, role: str, *, with_certificate: bool = True) -> Party:
    """The server's or client's :class:`Party` from the workflow's :class:`~pkilesson.pki.artifacts.Artifacts`."""
    from ..pki.artifacts import _check_artifacts

    _check_artifacts(artifacts)
    check_bool(with_certificate, "with_certificate")
    if role not in ("server", "client"):
        raise PkiLessonError(_("Unknown role {role!r}.").format(role=role), _("use 'server' or 'client'."))
    certificate = getattr(artifacts, f"{role}_certificate")
    key = getattr(artifacts, f"{role}_key")
    trust = (artifacts.ca.certificate,)
    if not with_certificate:
        return Party((), None, trust)
    return Party((certificate,), key, trust)


@dataclass(frozen=True)
class SideReport:
    """What one side saw of the connection."""

    role: str
    ok: bool
    error: str = ""
    version: Optional[str] = None
    cipher: Optional[str] = None
    peer_subject: Optional[str] = None
    peer_sans: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    received: bytes = b""

    def __str__(self) -> str:
        role = tr(_SIDES.get(self.role, self.role))
        if self.ok:
            peer = _("peer {subject}").format(subject=self.peer_subject) if self.peer_subject else \
                _("no peer certificate")
            return _("{role}: accepted ({version}, {cipher}); {peer}").format(
                role=role, version=self.version, cipher=self.cipher, peer=peer)
        return _("{role}: refused: {error}").format(role=role, error=shown_error(self.error))


@dataclass(frozen=True)
class HandshakeReport:
    """Both sides of one handshake, from the real connection."""

    server: SideReport
    client: SideReport
    host: str

    @property
    def ok(self) -> bool:
        return self.server.ok and self.client.ok

    def reason(self) -> str:
        """One line: who refused the handshake and why, and what the other side was told
        (empty when both sides accepted), in the messages' language."""
        return self._reason(translate=True)

    def _reason(self, *, translate: bool) -> str:
        """:meth:`reason`, translated or in English (``to_dict``'s, which never changes with the language)."""
        refused = [s for s in (self.client, self.server) if not s.ok]
        if not refused:
            return ""
        # The side that decided reports its own reason; the other one only received an alert.
        deciding = next((s for s in refused if "ALERT" not in s.error), refused[0])
        other = next((s for s in refused if s is not deciding), None)
        line = _REFUSED[(deciding.role, other is not None)]
        show = shown_error if translate else str
        return (tr(line) if translate else line).format(error=show(deciding.error),
                                                       told=show(other.error) if other is not None else "")

    def to_dict(self) -> dict:
        def side(s: SideReport) -> dict:
            return {"accepted": s.ok, "error": s.error or None, "version": s.version, "cipher": s.cipher,
                    "peer_subject": s.peer_subject, "peer_sans": list(s.peer_sans), "messages": list(s.messages)}

        return {"result": "accepted" if self.ok else "refused", "host": self.host,
                "server": side(self.server), "client": side(self.client), "reason": self._reason(translate=False) or None}

    def __str__(self) -> str:
        lines = [str(self.client), str(self.server)]
        lines += [_("messages seen by the client:")] + [f"  {shown_message(m)}" for m in self.client.messages]
        return "\n".join(lines)


# -- the two sides on 127.0.0.1: what each saw, the server, the client ------------------------------


def _describe(error: BaseException) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return error.reason or str(error)
    if isinstance(error, (ConnectionError, TimeoutError, socket.timeout)):
        return f"connection closed by the peer ({type(error).__name__})"
    return str(error) or type(error).__name__


def _peer(connection: ssl.SSLSocket) -> tuple[Optional[str], tuple[str, ...]]:
    der = connection.getpeercert(binary_form=True)
    if not der:
        return None, ()
    certificate = x509.load_der_x509_certificate(der)
    try:
        sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = tuple(str(n.value) for n in sans)
    except x509.ExtensionNotFound:
        names = ()
    return certificate.subject.rfc4514_string(), names


class LoopbackServer:
    """A TLS server on 127.0.0.1 (an ephemeral port) that answers each connection once, in a thread.

    Use it as a context manager: the listening socket and the thread are
    always closed and joined on exit. Each connection's :class:`SideReport`
    is appended to ``reports``. ``lifetime`` bounds how long it serves.
    """

    def __init__(self, party: Party, *, require_client_certificate: bool = True, strict: bool = True,
                 lifetime: float = 60.0) -> None:
        if not isinstance(party, Party):
            raise argument_error("party", "a pkilesson.tls.loopback.Party", party,
                                 _("build it with Party(chain, key, trusts)."))
        check_bool(require_client_certificate, "require_client_certificate")
        check_bool(strict, "strict")
        if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)) or not 0 < lifetime < 86400:
            raise PkiLessonError(_("lifetime={lifetime!r} is not a number of seconds between 0 and 86400.").format(
                lifetime=lifetime), _("give lifetime=60, for example."))
        self.party, self.lifetime = party, lifetime
        self.require_client_certificate, self.strict = require_client_certificate, strict
        self.reports: list[SideReport] = []
        self._files: Optional[_Files] = None
        self._socket: Optional[socket.socket] = None
        self._thread: Optional[threading.Thread] = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.port = 0

    def __enter__(self) -> "LoopbackServer":
        self._files = _Files(self.party)
        try:
            self._messages: list = []
            self._context = _context("server", self._files, strict=self.strict,
                                     require_client_certificate=self.require_client_certificate,
                                     check_hostname=False, messages=self._messages)
            self._files.close()  # the context holds the key in memory now: no copy outlives this line
            self._socket = socket.create_server(("127.0.0.1", 0))
            self._socket.settimeout(0.05)  # how soon the thread notices it should stop
            self.port = self._socket.getsockname()[1]
            self._deadline = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=self.lifetime)
            self._thread = threading.Thread(target=self._serve, name="pkilesson-tls-server", daemon=True)
            self._thread.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(TIMEOUT + 5)
        if self._socket is not None:
            self._socket.close()
        if self._files is not None:
            self._files.close()

    def _serve(self) -> None:
        while not self._stop.is_set() and dt.datetime.now(dt.timezone.utc) < self._deadline:
            try:
                raw, _address = self._socket.accept()
            except (socket.timeout, OSError):
                continue
            self._answer(raw)

    def _answer(self, raw: socket.socket) -> None:
        messages: list = []
        raw.settimeout(TIMEOUT)
        with self._lock:
            self._messages.clear()
        connection = self._context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
        try:
            connection.do_handshake()
            subject, sans = _peer(connection)
            version, cipher = connection.version(), connection.cipher()[0]
            received = connection.recv(1024)
            connection.sendall(_greeting(_("hello from the server")))
            report = SideReport("server", True, "", version, cipher, subject, sans, (), received)
        except (ssl.SSLError, OSError) as error:
            report = SideReport("server", False, _describe(error))
            _linger(connection)
        finally:
            connection.close()
        with self._lock:
            messages = tuple(self._messages)
        self.reports.append(SideReport(**{**report.__dict__, "messages": messages}))


def _greeting(words: str) -> bytes:
    """What a side sends once the handshake is done: one line of our words, in the lesson's language."""
    return (words + "\n").encode("utf-8")


def _linger(raw: socket.socket) -> None:
    """Close gently after a refusal: half-close, then drain what the peer still sends.

    Closing at once with unread bytes makes the kernel send a reset, and the
    peer can lose the alert that says why it was refused.
    """
    try:  # the plain socket's methods: the TLS layer has failed
        socket.socket.shutdown(raw, socket.SHUT_WR)
        raw.settimeout(2)
        while socket.socket.recv(raw, 4096):
            pass
    except OSError:
        pass


def _connect(port: int, party: Party, host: str, *, strict: bool, check_hostname: bool,
             client_context: str = "pkilesson") -> SideReport:
    _check_client_context(client_context, check_hostname)
    files = _Files(party)
    messages: list = []
    try:
        context = _context("client", files, strict=strict, require_client_certificate=False,
                           check_hostname=check_hostname, messages=messages, client_context=client_context)
        files.close()  # the context holds the key in memory now
        raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        try:
            connection = context.wrap_socket(raw, server_hostname=host, do_handshake_on_connect=False)
        except (ValueError, UnicodeError):
            raw.close()
            raise PkiLessonError(_("{host!r} cannot be sent as a server name.").format(host=host),
                                 _("give a host name such as localhost, or an IP address.")) from None
        try:
            connection.do_handshake()
            subject, sans = _peer(connection)
            version, cipher = connection.version(), connection.cipher()[0]
            connection.sendall(_greeting(_("hello from the client")))
            # TLS 1.3: a server that refuses the client's certificate says so only now, with an
            # alert right after the client's Finished. A server that stays silent has accepted.
            connection.settimeout(_ANSWER_WAIT)
            try:
                received = connection.recv(1024)
            except (socket.timeout, TimeoutError):
                received = b""
            else:
                if not received:
                    raise ConnectionResetError("the server closed the connection")
            return SideReport("client", True, "", version, cipher, subject, sans, tuple(messages), received)
        except (ssl.SSLError, OSError) as error:
            report = SideReport("client", False, _describe(error), messages=tuple(messages))
            _linger(connection)
            return report
        finally:
            connection.close()
    finally:
        files.close()


def handshake(
    artifacts=None,
    *,
    server: Optional[Party] = None,
    client: Optional[Party] = None,
    host: str = "localhost",
    strict: bool = True,
    check_hostname: bool = True,
    require_client_certificate: bool = True,
    client_context: str = "pkilesson",
) -> HandshakeReport:
    """Run one mutual-TLS handshake on 127.0.0.1 and report what each side saw.

    The parties come from the workflow's ``artifacts`` unless given:
    ``server=``/``client=`` replace either (e.g. a client without a
    certificate, or one whose certificate another CA signed). ``strict``
    sets ``VERIFY_X509_STRICT`` on both sides (``strict=False`` clears it);
    ``check_hostname`` makes the client check ``host`` against the server's
    subjectAltName (and, by ``ssl``'s default, its CN when it has none).

    ``client_context`` chooses the client's ``ssl`` context (see
    :data:`CLIENT_CONTEXTS`):

    - ``"pkilesson"`` (the default): ``ssl.SSLContext(PROTOCOL_TLS_CLIENT)``,
      TLS 1.2 or newer, ``VERIFY_X509_STRICT`` as ``strict`` says;
    - ``"default"``: ``ssl.create_default_context(cafile=...)`` of the running
      Python with every default untouched (Python 3.13 sets
      ``VERIFY_X509_STRICT`` and ``VERIFY_X509_PARTIAL_CHAIN``, 3.11 neither;
      ``hostname_checks_common_name`` stays at its default); a client that
      trusts no CA then loads the system's, as an application would;
    - ``"default-strict"``: the same with ``VERIFY_X509_STRICT`` set explicitly.

    With either default context ``strict`` applies to the server only, and
    ``check_hostname=False`` is refused (it would change a default).
    The client's certificate, and CRLs when its party has some, are loaded
    into whichever context it uses.
    """
    _check_client_context(client_context, check_hostname)
    _check_host(host)
    check_bool(strict, "strict")
    check_bool(require_client_certificate, "require_client_certificate")
    for name, party in (("server", server), ("client", client)):
        if party is not None and not isinstance(party, Party):
            raise argument_error(name, "a pkilesson.tls.loopback.Party", party,
                                 _("build it with Party(chain, key, trusts)."))
    if server is None or client is None:
        if artifacts is None:
            raise PkiLessonError(_("No server or client to run."),
                                 _("pass the workflow's artifacts, or server= and client=."))
        if isinstance(artifacts, (str, os.PathLike)):  # a workspace folder
            from ..pki.artifacts import load_artifacts

            artifacts = load_artifacts(artifacts)
        server = server or party_of(artifacts, "server")
        client = client or party_of(artifacts, "client")
    with LoopbackServer(server, require_client_certificate=require_client_certificate, strict=strict) as listening:
        client_report = _connect(listening.port, client, host, strict=strict, check_hostname=check_hostname,
                                 client_context=client_context)
        deadline = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=TIMEOUT)
        while not listening.reports and dt.datetime.now(dt.timezone.utc) < deadline:
            threading.Event().wait(0.01)
        server_report = listening.reports[0] if listening.reports else SideReport("server", False, "no connection seen")
    return HandshakeReport(server_report, client_report, host)
