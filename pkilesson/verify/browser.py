"""A real browser and curl on 127.0.0.1: Chromium's verdict on a server certificate, and mutual TLS.

**Chromium, driven by its own DevTools protocol.** :class:`Chromium` starts
the machine's headless Chromium (Debian's ``chromium``; never a downloaded
one) with ``HOME`` set to a new private folder whose NSS database,
``~/.pki/nssdb``, trusts the CA given (``certutil -A -t C,,``) and, for
mutual TLS, holds the client's certificate and key (``pk12util -i``). Python
speaks the DevTools protocol to it over a pipe (``--remote-debugging-pipe``):
``Page.navigate`` to ``https://HOST:PORT/`` answers with Chromium's own
network error when the navigation fails (``net::ERR_CERT_COMMON_NAME_INVALID``,
``net::ERR_BAD_SSL_CLIENT_AUTH_CERT``...), and the page's text is read back
with ``Runtime.evaluate``. TLS is Chromium's own: nothing stands between the
browser and the server (unlike Playwright's ``client_certificates``, which
makes the TLS connection in a proxy of its driver). ``HOST`` is resolved to
127.0.0.1 by ``--host-resolver-rules``, and every other name to nothing: the
browser reaches no other machine.

**The client certificate, chosen with no click.** Chromium asks the user to
pick a client certificate, and a headless one waits forever, unless a rule
picks it: the managed policy ``AutoSelectCertificateForUrls`` (a JSON file
under ``/etc/chromium/policies/managed/``, for the whole machine) or the
same rule as the profile's content setting ``auto_select_certificate``. The
second needs no administrator and touches nothing outside the throwaway
profile: :class:`Chromium` writes ``{"https://HOST:PORT,*": {"setting":
{"filters": [{}]}}}`` into the profile's ``Default/Preferences`` before the
start (the filter ``{}``: the one certificate in that database).

**The servers.** :class:`HttpsServer` is a small HTTPS server on 127.0.0.1
(Python's ``ssl``, strict, TLS 1.2 or newer) that can require a client
certificate; its page says which client certificate it accepted, and it
keeps what it saw of each connection (:attr:`HttpsServer.seen`).

:func:`chromium_verdict` is the ``chromium`` column of the break-it lab;
:func:`chromium_mtls` and :func:`curl_mtls` are the source's conclusion done
by a browser and by the command a learner would type.
"""

from __future__ import annotations

import html
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from cryptography import x509

from ._stack import ToolVerdict, at_the_real_time, lines_of, not_installed, run_tool
from ..pki.certificates import certificate_to_pem
from ..pki.keys import private_key_to_pem
from ..tls.loopback import MemoryFiles, _linger

__all__ = ["CHROMIUM_FLAGS", "Chromium", "HttpsServer", "Seen", "Visit", "BrowserReport", "CurlReport", "NotRun",
           "chromium_path", "chromium_verdict", "chromium_mtls", "curl_argv", "curl_mtls", "curl_path",
           "BrowserUnavailable"]

#: The flags Chromium runs with here: headless, and nothing fetched in the background.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                  "--no-default-browser-check", "--password-store=basic")
#: Seconds a navigation may take on loopback; the browser's start is bounded by the same.
NAVIGATION_TIMEOUT = 20.0
#: The Debian packages.
CHROMIUM_PACKAGE, CURL_PACKAGE = "chromium", "curl"


class BrowserUnavailable(RuntimeError):
    """Chromium (or NSS's tools, which give it its trust store) is not installed, or did not start."""


def chromium_path() -> Optional[str]:
    """The machine's Chromium (``chromium`` or ``chromium-browser`` on the PATH), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def curl_path() -> Optional[str]:
    return shutil.which("curl")


def _install_words() -> str:
    missing = [p for p, tool in ((CHROMIUM_PACKAGE, chromium_path()), ("libnss3-tools", shutil.which("certutil")),
                                 ("libnss3-tools", shutil.which("pk12util"))) if tool is None]
    return f"sudo apt-get install {' '.join(dict.fromkeys(missing))}"


# -- the server ------------------------------------------------------------------------------------




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
            who = f"the client certificate {self.subject} (issued by {self.issuer})" if self.subject else \
                "no client certificate"
            return f"accepted, with {who}" + (f"; request: {self.request}" if self.request else "")
        return f"{self.outcome}: {self.error}"


def _ssl_words(error: BaseException) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return error.reason or str(error)
    return str(error) or type(error).__name__


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
                raw, _ = self._socket.accept()
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
            self.seen.append(Seen("closed", f"the client closed the connection during the handshake "
                                            f"({_ssl_words(error)})"))
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
            who = (f"the client certificate <b id='subject'>{html.escape(subject)}</b>, issued by "
                   f"<b id='issuer'>{html.escape(issuer)}</b>") if subject else "<b id='subject'>no client certificate</b>"
            body = (f"<!doctype html><title>pkilesson mutual TLS</title><h1>pkilesson's HTTPS server on 127.0.0.1</h1>"
                    f"<p>The server accepted the connection, with {who}.</p>").encode()
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


# -- the browser -------------------------------------------------------------------------------------

#: Started by the child (a tiny Python) before Chromium: the pipe's ends at the descriptors 3 and 4 it reads.
_EXEC_WITH_PIPE = ("import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); os.dup2(r, 3); os.dup2(w, 4); "
                   "[os.close(fd) for fd in (r, w) if fd not in (3, 4)]; os.execv(sys.argv[3], sys.argv[3:])")


@dataclass(frozen=True)
class Visit:
    """One navigation: Chromium's network error (None when the page loaded) and what the page showed."""

    url: str
    error: Optional[str]
    text: str
    security: dict = field(default_factory=dict)

    @property
    def loaded(self) -> bool:
        return self.error is None

    def words(self) -> str:
        """Chromium's words: its network error, or the connection it made (from its securityDetails)."""
        if self.error:
            return self.error
        s = self.security
        if s:
            return (f"page loaded: {s.get('protocol', '?')}, {s.get('cipher', '?')}; certificate "
                    f"{s.get('subjectName', '?')} issued by {s.get('issuer', '?')}")
        return "page loaded"


class Chromium:
    """Headless Chromium with a throwaway ``HOME``: its NSS database trusts ``trusted``.

    ``client``: a (chain, key) pair imported into that database, picked with
    no click for ``auto_select`` (a list of ``https://HOST:PORT`` origins).
    ``hosts``: the names mapped to 127.0.0.1 (every other name resolves to
    nothing). Use it as a context manager; :meth:`visit` navigates.
    """

    def __init__(self, trusted=(), *, client=None, auto_select=(), hosts=("localhost",)) -> None:
        self.trusted, self.client, self.auto_select, self.hosts = tuple(trusted), client, tuple(auto_select), hosts
        self.version = ""
        self._process: Optional[subprocess.Popen] = None
        self._home: Optional[tempfile.TemporaryDirectory] = None
        self._buffer = b""
        self._next = 0
        self.events: list[dict] = []

    def __enter__(self) -> "Chromium":
        from .nss import make_database

        binary = chromium_path()
        if binary is None or not shutil.which("certutil") or not shutil.which("pk12util"):
            raise BrowserUnavailable(f"Chromium or NSS's tools are not installed here; on Debian or Ubuntu: "
                                     f"{_install_words()}")
        self._home = tempfile.TemporaryDirectory(prefix="pkilesson-chromium-")
        home = Path(self._home.name)
        try:
            make_database(home / ".pki" / "nssdb", self.trusted, client=self.client, work=home)
            profile = home / "profile"
            if self.auto_select:
                (profile / "Default").mkdir(parents=True)
                rules = {f"{origin},*": {"setting": {"filters": [{}]}} for origin in self.auto_select}
                (profile / "Default" / "Preferences").write_text(json.dumps(
                    {"profile": {"content_settings": {"exceptions": {"auto_select_certificate": rules}}}}))
            rules = ", ".join([f"MAP {host} 127.0.0.1" for host in self.hosts] + ["MAP * ~NOTFOUND"])
            argv = [binary, *CHROMIUM_FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}",
                    f"--host-resolver-rules={rules}", "about:blank"]
            to_child, self._to_browser = os.pipe()
            self._from_browser, from_child = os.pipe()
            self._log = open(home / "chromium.log", "wb")
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-c", _EXEC_WITH_PIPE, str(to_child), str(from_child), *argv],
                    pass_fds=(to_child, from_child), env=dict(os.environ, HOME=str(home)), stdin=subprocess.DEVNULL,
                    stdout=self._log, stderr=self._log, start_new_session=True)
            finally:
                os.close(to_child)
                os.close(from_child)
            product = self.send("Browser.getVersion", timeout=NAVIGATION_TIMEOUT)["product"]
            self.version = f"Chromium {product.split('/', 1)[-1]}"
        except BaseException as error:
            log = self._tail()
            self.__exit__(None, None, None)
            if isinstance(error, (TimeoutError, EOFError, OSError)):
                raise BrowserUnavailable(f"Chromium did not start: {type(error).__name__} {error}; {log}") from None
            raise
        return self

    def _tail(self) -> str:
        try:
            text = (Path(self._home.name) / "chromium.log").read_text(errors="replace")
        except (OSError, AttributeError):
            return ""
        useful = [line for line in text.splitlines() if "dbus" not in line and line.strip()]
        return " | ".join(useful[-3:])

    def send(self, method: str, params: Optional[dict] = None, session: Optional[str] = None,
             timeout: float = NAVIGATION_TIMEOUT) -> dict:
        """One DevTools command; its result (raises RuntimeError with Chromium's message on an error)."""
        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def visit(self, url: str, *, read_text: bool = True) -> Visit:
        """Open ``url``: Chromium's network error, or the page's connection; and the text it shows."""
        pages = [t for t in self.send("Target.getTargets")["targetInfos"]
                 if t["type"] == "page" and t["url"] == "about:blank" and not t.get("attached")]
        target = pages[0]["targetId"] if pages else self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Network.enable", {}, session)
        self.events.clear()
        navigation = self.send("Page.navigate", {"url": url}, session)
        text = ""
        if read_text:
            text = self.send("Runtime.evaluate", {
                "expression": "new Promise(done => { const text = () => done(document.body ? document.body.innerText "
                              ": ''); if (document.readyState === 'complete') text(); "
                              "else addEventListener('load', text); })",
                "awaitPromise": True, "returnByValue": True}, session).get("result", {}).get("value", "")
        security = {}
        for event in self.events:
            if event.get("method") == "Network.responseReceived" and event["params"].get("type") == "Document":
                security = event["params"]["response"].get("securityDetails", {}) or {}
        return Visit(url, navigation.get("errorText") or None, text or "", security)

    def __exit__(self, *exc) -> None:
        process = self._process
        if process is not None:
            # The profile and its database are thrown away: no need for a graceful Browser.close.
            try:  # the browser and its helpers (zygote, renderers), in the session it was started in
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            process.wait(10)
            self._process = None
        for fd in ("_to_browser", "_from_browser"):
            if getattr(self, fd, None) is not None:
                os.close(getattr(self, fd))
                setattr(self, fd, None)
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None
        if self._home is not None:
            self._home.cleanup()
            self._home = None


def _command(host: str, presented: str, client: str = "") -> str:
    """The same navigation as a shell script (``--dump-dom`` prints the page, or ``Page load failed: net::ERR_...``)."""
    flags = " ".join(CHROMIUM_FLAGS)
    import_client = "; pk12util -i client.p12 -d sql:$HOME/.pki/nssdb" if client else ""
    note = f"; client.p12: {client} in one PKCS#12 file" if client else ""
    return (f"HOME=$(mktemp -d); mkdir -p $HOME/.pki/nssdb; certutil -N -d sql:$HOME/.pki/nssdb --empty-password; "
            f"certutil -A -d sql:$HOME/.pki/nssdb -n lab-ca -t C,, -a -i ca-cert.pem{import_client}; "
            f"chromium {flags} --host-resolver-rules='MAP {host} 127.0.0.1, MAP * ~NOTFOUND' "
            f"--dump-dom https://{host}:PORT/  # PORT: a server on 127.0.0.1 presenting {presented}{note}; pkilesson "
            "drives the same browser over its DevTools protocol (--remote-debugging-pipe) and quotes Page.navigate's "
            "errorText")


def chromium_verdict(chain, key, trusted, host: Optional[str], *, purpose: str = "server", at=None,
                     presented: str = "leaf-cert.pem with leaf-key.pem") -> ToolVerdict:
    """Chromium's verdict on a server's ``chain``: a real navigation to ``https://host:PORT/`` on 127.0.0.1.

    The browser trusts ``trusted`` (its NSS database); the server presents
    ``chain`` with ``key``. The words are Chromium's network error, or the
    connection it made. ``None`` (with the reason) when Chromium is missing,
    the certificate is a client's, there is no key, or ``at`` is not now.
    """
    host = host or "localhost"
    command = _command(host, presented)
    if chromium_path() is None or not shutil.which("certutil"):
        return not_installed("chromium", _install_words().split("install ", 1)[1], command,
                             "Chromium (or NSS's certutil, which gives it its trust store)")
    if key is None:
        return ToolVerdict(None, "no private key for this certificate: a server needs one", "Chromium", command)
    if purpose != "server":
        return ToolVerdict(None, "a browser checks a server's certificate only", "Chromium", command)
    if at is not None and not at_the_real_time(at):
        return ToolVerdict(None, "Chromium checks dates at the real time only; this check is at another time",
                           "Chromium", command)
    try:
        with HttpsServer(chain, key, require_client_certificate=False, lifetime=NAVIGATION_TIMEOUT * 2) as server, \
                Chromium(trusted, hosts=(host,)) as browser:
            visit = browser.visit(f"https://{host}:{server.port}/", read_text=False)
    except BrowserUnavailable as error:
        return ToolVerdict(None, str(error), "Chromium", command)
    return ToolVerdict(visit.loaded, visit.words(), browser.version, command)


# -- mutual TLS: Chromium and curl with the learner's files -------------------------------------------------


@dataclass(frozen=True)
class NotRun:
    """A demonstration that could not run here (the tool is missing): what, and why, in plain words."""

    what: str
    reason: str
    accepted = None

    def __str__(self) -> str:
        return f"{self.what}: not run here. {self.reason}"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        return f"<p><b>{html.escape(self.what)}</b>: not run here. {html.escape(self.reason)}</p>"


def _artifacts(workspace):
    from ..pki.artifacts import Artifacts, load_artifacts

    return workspace if isinstance(workspace, Artifacts) else load_artifacts(workspace)


@dataclass(frozen=True)
class BrowserReport:
    """Chromium against a server that requires a client certificate: what each side said."""

    url: str
    client: str
    accepted: bool
    browser_error: Optional[str]
    page: str
    server: Optional[Seen]
    version: str
    command: str
    connections: tuple = ()
    said: str = ""

    def __str__(self) -> str:
        said = self.said or self.browser_error or "the page loaded"
        lines = [f"{self.version}, {self.client}: {'accepted' if self.accepted else 'refused'}",
                 f"  Chromium said (its own words): {said}",
                 f"  the server (Python's ssl) said: {self.server or 'nothing: no connection'}"]
        page = " ".join(self.page.split())
        if page:
            lines.append(f"  the page: {page[:300]}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text/plain: what each side said
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = "var(--jp-success-color1, #2e7d32)" if self.accepted else "var(--jp-error-color1, #c62828)"
        said = self.said or self.browser_error or "the page loaded"
        page = html.escape(" ".join(self.page.split())[:400])
        return (f"<div class='pkilesson-browser'><p><b>{html.escape(self.version)}</b>, {html.escape(self.client)}: "
                f"<b style='color: {colour}'>{'accepted' if self.accepted else 'refused'}</b></p><table>"
                f"<tr><th>Chromium said (its own words)</th><td><code>{html.escape(said)}</code></td></tr>"
                f"<tr><th>the server (Python's <code>ssl</code>) said</th>"
                f"<td>{html.escape(str(self.server or 'nothing: no connection'))}</td></tr>"
                f"<tr><th>the page Chromium showed</th><td><q>{page}</q></td></tr></table></div>")


def chromium_mtls(workspace, *, client=None, host: str = "localhost") -> Union[BrowserReport, NotRun]:
    """Headless Chromium, with a client certificate, opens a page on a server that requires one.

    ``workspace``: a folder with the eight files (``lab``) or the workflow's
    :class:`~pkilesson.pki.artifacts.Artifacts`. The server presents
    ``server-cert.pem`` with ``server-key.pem`` and requires a client
    certificate from ``ca-cert.pem``'s CA. The browser trusts ``ca-cert.pem``
    and holds ``client`` (a :class:`~pkilesson.tls.loopback.Party`; the workspace's
    client by default; a party without a certificate sends none). Raises
    :class:`BrowserUnavailable` when Chromium or NSS's tools are missing.
    """
    from ..tls.loopback import Party, party_of

    lab = _artifacts(workspace)
    client = client if client is not None else party_of(lab, "client")
    if not isinstance(client, Party):
        from ..errors import argument_error

        raise argument_error("client", "a pkilesson.tls.loopback.Party (party_of(lab, 'client'), other_ca_client(lab)...)",
                             client)
    material = (client.chain, client.key) if client.chain else None
    described = (f"the client certificate {client.chain[0].subject.rfc4514_string()} (issued by "
                 f"{client.chain[0].issuer.rfc4514_string()})") if client.chain else "no client certificate"
    try:
        with HttpsServer((lab.server_certificate,), lab.server_key, (lab.ca.certificate,),
                         require_client_certificate=True, lifetime=NAVIGATION_TIMEOUT * 2) as server:
            origin = f"https://{host}:{server.port}"
            with Chromium((lab.ca.certificate,), client=material, auto_select=(origin,) if material else (),
                          hosts=(host,)) as browser:
                visit = browser.visit(origin + "/")
    except BrowserUnavailable as error:
        return NotRun(f"Chromium, {described}", str(error))
    seen = server.verdict()
    accepted = visit.loaded and seen is not None and seen.outcome == "accepted"
    command = _command(host, "server-cert.pem, requiring a client certificate from ca-cert.pem's CA",
                       "client-cert.pem and client-key.pem" if material else "")
    if material:
        command += (f"; the certificate is picked by the rule AutoSelectCertificateForUrls "
                    f"{{\"pattern\": \"https://{host}:PORT\", \"filter\": {{}}}} (the profile's content setting)")
    return BrowserReport(visit.url, f"with {described}", accepted, visit.error, visit.text, seen, browser.version,
                         command, tuple(server.seen), visit.words())


@dataclass(frozen=True)
class CurlReport:
    """``curl`` against the same server: its exit status and its own words, and what the server said."""

    command: str
    accepted: bool
    words: str
    server: Optional[Seen]
    version: str
    status: int

    def __str__(self) -> str:
        return (f"$ {self.command}\n{self.version}: {'accepted' if self.accepted else 'refused'} "
                f"(exit status {self.status})\n  curl said (its own words): {self.words}\n"
                f"  the server (Python's ssl) said: {self.server or 'nothing: no connection'}")

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = "var(--jp-success-color1, #2e7d32)" if self.accepted else "var(--jp-error-color1, #c62828)"
        return (f"<div class='pkilesson-curl'><pre>$ {html.escape(self.command)}</pre><p>{html.escape(self.version)}: "
                f"<b style='color: {colour}'>{'accepted' if self.accepted else 'refused'}</b> (exit status "
                f"{self.status})</p><table><tr><th>curl said (its own words)</th><td><code>"
                f"{html.escape(self.words)}</code></td></tr><tr><th>the server (Python's <code>ssl</code>) said</th>"
                f"<td>{html.escape(str(self.server or 'nothing: no connection'))}</td></tr></table></div>")


def curl_argv(port, host: str = "localhost", *, cert: Optional[str] = "client-cert.pem",
              key: Optional[str] = "client-key.pem", cacert: str = "ca-cert.pem") -> list[str]:
    argv = ["curl", "--silent", "--show-error", "--cacert", cacert]
    if cert:
        argv += ["--cert", cert, "--key", key or cert]
    return argv + ["--resolve", f"{host}:{port}:127.0.0.1", f"https://{host}:{port}/"]


def curl_mtls(directory: Union[str, Path], *, cert: Optional[str] = "client-cert.pem",
              key: Optional[str] = "client-key.pem", host: str = "localhost") -> Union[CurlReport, NotRun]:
    """``curl --cert client-cert.pem --key client-key.pem --cacert ca-cert.pem`` in ``directory``.

    The server presents ``directory``'s server-cert.pem and requires a client
    certificate from its ca-cert.pem's CA; ``cert=None`` sends none. Where
    curl is missing, the result is a :class:`NotRun` that says how to install it.
    """
    directory = Path(directory)
    if curl_path() is None:
        return NotRun(f"curl {'with ' + cert if cert else 'without a client certificate'}",
                      f"curl is not installed here; on Debian or Ubuntu: sudo apt-get install {CURL_PACKAGE}")
    lab = _artifacts(directory)
    version_line = run_tool([curl_path(), "--version"], directory).stdout.splitlines()[:1]
    version = " ".join(version_line[0].split()[:2]) if version_line else "curl"
    with HttpsServer((lab.server_certificate,), lab.server_key, (lab.ca.certificate,),
                     require_client_certificate=True, lifetime=NAVIGATION_TIMEOUT * 2) as server:
        argv = curl_argv(server.port, host, cert=cert, key=key)
        done = run_tool([curl_path(), *argv[1:]], directory)
    said = lines_of(done)
    accepted = done.returncode == 0
    if accepted:  # the page it received, its tags left out
        words = "the page: " + " ".join(re.sub(r"<[^>]*>", " ", done.stdout).split())
    else:
        words = "; ".join(line for line in said if line.startswith("curl:")) or f"exit status {done.returncode}"
    return CurlReport(shlex.join(curl_argv("PORT", host, cert=cert, key=key)), accepted, words, server.verdict(),
                      version, done.returncode)
