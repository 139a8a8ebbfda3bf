"""Headless Chromium driven over its DevTools pipe (``--remote-debugging-pipe``): the launch and the protocol.

:class:`Chromium` starts the machine's Chromium with a throwaway ``HOME``
whose NSS database trusts the CA given (and holds a client's certificate
for mutual TLS), speaks the DevTools protocol to it over a pipe, and
:meth:`Chromium.visit` navigates, giving a :class:`Visit`: Chromium's own
network error, or the connection it made and the page's text. The verdict
and the mutual-TLS demonstrations that use it are in
:mod:`pkilesson.verify.browser`, which re-exports these names.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .._catalog import N_, Text

#: The flags Chromium runs with here: headless, and nothing fetched in the background.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                  "--no-default-browser-check", "--password-store=basic")
#: Seconds a navigation may take on loopback; the browser's start is bounded by the same.
NAVIGATION_TIMEOUT = 20.0
#: The Debian package.
CHROMIUM_PACKAGE = "chromium"


class BrowserUnavailable(RuntimeError):
    """Chromium (or NSS's tools, which give it its trust store) is not installed, or did not start.

    Its message is a :class:`~pkilesson.verify._text.Text` (``args[0]``): English as data, shown in the
    messages' language."""


def chromium_path() -> Optional[str]:
    """The machine's Chromium (``chromium`` or ``chromium-browser`` on the PATH), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _install_words() -> str:
    missing = [p for p, tool in ((CHROMIUM_PACKAGE, chromium_path()), ("libnss3-tools", shutil.which("certutil")),
                                 ("libnss3-tools", shutil.which("pk12util"))) if tool is None]
    return f"sudo apt-get install {' '.join(dict.fromkeys(missing))}"


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
            return Text(N_("page loaded: {protocol}, {cipher}; certificate {subject} issued by {issuer}"),
                        protocol=s.get("protocol", "?"), cipher=s.get("cipher", "?"),
                        subject=s.get("subjectName", "?"), issuer=s.get("issuer", "?"))
        return Text(N_("page loaded"))


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
            raise BrowserUnavailable(Text(N_("Chromium or NSS's tools are not installed here; on Debian or Ubuntu: "
                                             "{command}"), command=_install_words()))
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
                raise BrowserUnavailable(Text(N_("Chromium did not start: {error}; {log}"),
                                              error=f"{type(error).__name__} {error}", log=log)) from None
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

