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

The browser's launch and DevTools pipe are in :mod:`pkilesson.verify._chromium`,
the server in :mod:`pkilesson.verify._https_server`; their public names are
re-exported here.
"""

from __future__ import annotations

import html
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from . import _chromium
from .._catalog import N_, _, shown, Text
from ._chromium import (CHROMIUM_FLAGS, NAVIGATION_TIMEOUT, BrowserUnavailable, Chromium, Visit, _install_words,
                        chromium_path)
from ._https_server import HttpsServer, Seen
from ._stack import ToolVerdict, at_the_real_time, lines_of, not_installed, run_tool

__all__ = ["CHROMIUM_FLAGS", "Chromium", "HttpsServer", "Seen", "Visit", "BrowserReport", "CurlReport", "NotRun",
           "chromium_path", "chromium_verdict", "chromium_mtls", "curl_argv", "curl_mtls", "curl_path",
           "BrowserUnavailable"]

#: The Debian packages (Chromium's is the one :mod:`._chromium` names in its install hint).
CHROMIUM_PACKAGE, CURL_PACKAGE = _chromium.CHROMIUM_PACKAGE, "curl"


def curl_path() -> Optional[str]:
    return shutil.which("curl")


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
                             N_("Chromium (or NSS's certutil, which gives it its trust store)"))
    if key is None:
        return ToolVerdict(None, Text(N_("no private key for this certificate: a server needs one")), "Chromium",
                           command)
    if purpose != "server":
        return ToolVerdict(None, Text(N_("a browser checks a server's certificate only")), "Chromium", command)
    if at is not None and not at_the_real_time(at):
        return ToolVerdict(None, Text(N_("Chromium checks dates at the real time only; this check is at another "
                                         "time")), "Chromium", command)
    try:
        with HttpsServer(chain, key, require_client_certificate=False, lifetime=NAVIGATION_TIMEOUT * 2) as server, \
                Chromium(trusted, hosts=(host,)) as browser:
            visit = browser.visit(f"https://{host}:{server.port}/", read_text=False)
    except BrowserUnavailable as error:
        return ToolVerdict(None, _message(error), "Chromium", command)
    return ToolVerdict(visit.loaded, visit.words(), browser.version, command)


# -- mutual TLS: Chromium and curl with the learner's files -------------------------------------------------


@dataclass(frozen=True)
class NotRun:
    """A demonstration that could not run here (the tool is missing): what, and why, in plain words."""

    what: str
    reason: str
    accepted = None

    def __str__(self) -> str:
        return _("{what}: not run here. {reason}").format(what=self.what, reason=self.reason)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        return "<p>" + _("<b>{what}</b>: not run here. {reason}").format(
            what=html.escape(shown(self.what)), reason=html.escape(shown(self.reason))) + "</p>"


def _message(error: BaseException):
    """The error's message as made: a Text stays one (English as data, shown in the messages' language)."""
    return error.args[0] if error.args and isinstance(error.args[0], Text) else str(error)


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
        said = self.said or self.browser_error or _("the page loaded")
        lines = [f"{self.version}, {self.client}: " + (_("accepted") if self.accepted else _("refused")),
                 "  " + _("Chromium said (its own words): {words}").format(words=said),
                 "  " + _("the server (Python's ssl) said: {words}").format(
                     words=self.server or _("nothing: no connection"))]
        page = " ".join(self.page.split())
        if page:
            lines.append("  " + _("the page: {text}").format(text=page[:300]))
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text/plain: what each side said
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = "var(--jp-success-color1, #2e7d32)" if self.accepted else "var(--jp-error-color1, #c62828)"
        said = self.said or self.browser_error or _("the page loaded")
        page = html.escape(" ".join(self.page.split())[:400])
        verdict = _("accepted") if self.accepted else _("refused")
        server = html.escape(str(self.server or _("nothing: no connection")))
        return (f"<div class='pkilesson-browser'><p><b>{html.escape(self.version)}</b>, {html.escape(shown(self.client))}: "
                f"<b style='color: {colour}'>{verdict}</b></p><table>"
                "<tr><th>" + _("Chromium said (its own words)") + f"</th><td><code>{html.escape(shown(said))}</code>"
                "</td></tr><tr><th>" + _("the server (Python's <code>ssl</code>) said") + "</th>"
                f"<td>{server}</td></tr>"
                "<tr><th>" + _("the page Chromium showed") + f"</th><td><q>{page}</q></td></tr></table></div>")


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
    described = Text(N_("the client certificate {subject} (issued by {issuer})"),
                     subject=client.chain[0].subject.rfc4514_string(),
                     issuer=client.chain[0].issuer.rfc4514_string()) if client.chain \
        else Text(N_("no client certificate"))
    try:
        with HttpsServer((lab.server_certificate,), lab.server_key, (lab.ca.certificate,),
                         require_client_certificate=True, lifetime=NAVIGATION_TIMEOUT * 2) as server:
            origin = f"https://{host}:{server.port}"
            with Chromium((lab.ca.certificate,), client=material, auto_select=(origin,) if material else (),
                          hosts=(host,)) as browser:
                visit = browser.visit(origin + "/")
    except BrowserUnavailable as error:
        return NotRun(Text(N_("Chromium, {client}"), client=described), _message(error))
    seen = server.verdict()
    accepted = visit.loaded and seen is not None and seen.outcome == "accepted"
    command = _command(host, "server-cert.pem, requiring a client certificate from ca-cert.pem's CA",
                       "client-cert.pem and client-key.pem" if material else "")
    if material:
        command += (f"; the certificate is picked by the rule AutoSelectCertificateForUrls "
                    f"{{\"pattern\": \"https://{host}:PORT\", \"filter\": {{}}}} (the profile's content setting)")
    return BrowserReport(visit.url, Text(N_("with {client}"), client=described), accepted, visit.error, visit.text, seen, browser.version,
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
        verdict = _("accepted") if self.accepted else _("refused")
        return (f"$ {self.command}\n{self.version}: "
                + _("{verdict} (exit status {status})").format(verdict=verdict, status=self.status) + "\n  "
                + _("curl said (its own words): {words}").format(words=self.words) + "\n  "
                + _("the server (Python's ssl) said: {words}").format(words=self.server or _("nothing: no connection")))

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = "var(--jp-success-color1, #2e7d32)" if self.accepted else "var(--jp-error-color1, #c62828)"
        word = _("accepted") if self.accepted else _("refused")
        server = html.escape(str(self.server or _("nothing: no connection")))
        verdict = f"<b style='color: {colour}'>{word}</b>"
        return (f"<div class='pkilesson-curl'><pre>$ {html.escape(self.command)}</pre><p>{html.escape(self.version)}: "
                + _("{verdict} (exit status {status})").format(verdict=verdict, status=self.status)
                + "</p><table><tr><th>" + _("curl said (its own words)") + "</th><td><code>"
                f"{html.escape(shown(self.words))}</code></td></tr><tr><th>"
                + _("the server (Python's <code>ssl</code>) said") + "</th>"
                f"<td>{server}</td></tr></table></div>")


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
        return NotRun(Text(N_("curl with {file}"), file=cert) if cert else Text(N_("curl without a client certificate")),
                      Text(N_("curl is not installed here; on Debian or Ubuntu: sudo apt-get install {package}"),
                           package=CURL_PACKAGE))
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
        words = Text(N_("the page: {text}"), text=" ".join(re.sub(r"<[^>]*>", " ", done.stdout).split()))
    else:
        words = "; ".join(line for line in said if line.startswith("curl:")) or Text(N_("exit status {status}"),
                                                                                    status=done.returncode)
    return CurlReport(shlex.join(curl_argv("PORT", host, cert=cert, key=key)), accepted, words, server.verdict(),
                      version, done.returncode)
