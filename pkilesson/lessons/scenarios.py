"""Lesson 05's mutual-TLS scenarios, run for real, and what *both* sides saw, side by side.

Each scenario changes one thing in the handshake of :func:`~pkilesson.tls.loopback.handshake`
(the client's certificate, what the server requires, the host name, a CRL)
and runs it on 127.0.0.1 with the workspace's files. :func:`both_sides` shows
the two :class:`~pkilesson.tls.loopback.SideReport` in two columns: the verdict, the
TLS version and cipher, the peer's certificate as each side saw it, the error,
and the handshake messages and alerts as they crossed the wire.

The builders make what a scenario needs from the workspace's CA:
:func:`other_ca_client` (a client whose certificate another CA signed),
:func:`expired_client` (your client's key and name, its dates in the past),
:func:`revocation_list` (a CRL naming certificates, in memory). The
CertificateVerify functions redo, in the open, the signature with which each
side proves it holds its private key (RFC 8446 §4.4.3).

This module runs and shows the scenarios. The builders live in
:mod:`pkilesson.lessons._scenario_parties`, the CertificateVerify functions in
:mod:`pkilesson.lessons._certificate_verify`, the command transcripts in
:mod:`pkilesson.lessons._scenario_commands`: import them all from here.

>>> from pkilesson import make_artifacts, Settings
>>> lab = make_artifacts(Settings(key_type="p256"))
>>> run_scenario("no-client-certificate", lab).server.error
'PEER_DID_NOT_RETURN_A_CERTIFICATE'
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable, Optional, Union

from .._catalog import N_, _, tr
from ..errors import PkiLessonError
from ..tls.loopback import HandshakeReport, Party, SideReport, handshake, party_of
from ._certificate_verify import (
    CertificateVerifyCheck, certificate_verify_content, check_certificate_verify, sign_certificate_verify,
)
from ._scenario_commands import Interop, openssl_s_client, pkilesson_command  # Interop: what openssl_s_client gives
from ._scenario_parties import (
    client_as_server, common_name_fallback, expired_client, other_ca_client, revocation_list, server_with_crl, trust_of,
)

__all__ = [
    "BothSides", "both_sides", "summary", "refused_by", "Scenario", "SCENARIOS", "run_scenario", "client_as_server",
    "Note", "source_handshake", "common_name_fallback", "trust_of", "other_ca_client",
    "expired_client", "revocation_list", "server_with_crl", "certificate_verify_content",
    "sign_certificate_verify", "CertificateVerifyCheck", "check_certificate_verify", "pkilesson_command",
    "openssl_s_client",
]



# -- what both sides saw ---------------------------------------------------------------------------


def _peer_text(side: SideReport) -> str:
    if not side.peer_subject:
        return _("no certificate") if side.ok else "-"
    sans = (_(" (subjectAltName {names})").format(names=", ".join(side.peer_sans)) if side.peer_sans
            else _(" (no subjectAltName)"))
    return side.peer_subject + sans


def _arrow(message: str) -> str:
    """'sent X' as '→ X', 'received X' as '← X'."""
    verb, _space, name = message.partition(" ")
    return f"{'→' if verb == 'sent' else '←'} {name}"


@dataclass(frozen=True)
class BothSides:
    """One handshake as each side saw it: two columns, the client's and the server's.

    In Jupyter it displays as an HTML table; ``str()`` gives the same as text. A ``title`` the catalogue
    knows (a scenario's) is shown in the current language.
    A sent message is marked →, a received one ←; alerts and CertificateVerify
    stand out.
    """

    report: HandshakeReport
    title: str = ""

    def rows(self) -> list[tuple[str, str, str]]:
        """(row label, the client's value, the server's value), as shown."""
        return [(label, left, right) for _key, label, left, right in self._rows()]

    def _rows(self) -> list[tuple[str, str, str, str]]:
        """(row key, row label, the client's value, the server's value): the key says what the row is, whatever
        the language of its label."""
        client, server = self.report.client, self.report.server
        verdict = {True: _("accepted"), False: _("refused")}
        rows = [("verdict", _("verdict"), verdict[client.ok], verdict[server.ok])]
        for key, label, attribute in (("version", _("TLS version"), "version"), ("cipher", _("cipher"), "cipher")):
            rows.append((key, label, getattr(client, attribute) or "-", getattr(server, attribute) or "-"))
        rows.append(("peer", _("the peer's certificate"), _peer_text(client), _peer_text(server)))
        rows.append(("error", _("error"), client.error or "-", server.error or "-"))
        rows.append(("data", _("data received"), _data(client), _data(server)))
        return rows

    def __str__(self) -> str:
        width = 40
        lines = [tr(self.title)] if self.title else []
        lines.append(summary(self.report))
        client_head = _("the client (connects to {host})").format(host=self.report.host)
        server_head = _("the server")
        lines.append(f"{'':<22} {client_head:<{width}} {server_head}")
        for label, left, right in self.rows():
            lines.append(f"{label:<22} {left:<{width}} {right}")
        lines.append(_("messages, as each side saw them (→ sent, ← received):"))
        client, server = self.report.client.messages, self.report.server.messages
        for index in range(max(len(client), len(server))):
            left = _arrow(client[index]) if index < len(client) else ""
            right = _arrow(server[index]) if index < len(server) else ""
            lines.append(f"{'':<22} {left:<{width}} {right}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text view: the same two columns
        printer.text(str(self))

    def _repr_html_(self) -> str:
        """Both sides in two columns of fixed widths (every table alike). The message lists are shown in
        full once per kind of handshake (with or without a client certificate): the first accepted one;
        a later table says which messages it shares with that one and lists only what differs, the
        whole list folded."""
        good, bad = "var(--jp-success-color1, #2e7d32)", "var(--jp-error-color1, #c62828)"

        # JupyterLab right-aligns table cells by default; widgets' HTML has a tall line height.
        left = "text-align: left; vertical-align: top; padding: 0.2em 1.2em 0.2em 0.3em; line-height: 1.4; " \
               "overflow-wrap: anywhere"

        def cell(key: str, value: str, side: SideReport) -> str:
            style, text = left, html.escape(value)
            if key == "verdict":  # a word and a sign, not only a colour
                style += f"; color: {good if side.ok else bad}; font-weight: bold"
                text = f"{'✓' if side.ok else '✗'} {text}"
            elif key == "error" and value != "-":
                style += f"; color: {bad}"
            return f'<td style="{style}">{text}</td>'

        def items(messages, start: int = 1) -> str:
            out = []
            for message in messages:
                text = html.escape(_arrow(message))
                if "Alert" in message:
                    text = f'<span style="color: {bad}; font-weight: bold">✗ {text}</span>'
                elif "CertificateVerify" in message:
                    text = f"<b>{text}</b>"
                out.append(f"<li>{text}</li>")
            if not out:
                return ""
            return f'<ol start="{start}" style="margin: 0; padding-left: 2em; {left}">{"".join(out)}</ol>'

        def messages(side: SideReport) -> str:
            mine = list(side.messages)
            if not mine:
                return html.escape(_("(none)"))
            reference = _REFERENCES.get(_kind(self.report))
            if reference is None or reference is self.report:
                return items(mine)
            theirs = list(getattr(reference, side.role).messages)
            same = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
            if same == len(mine) == len(theirs):
                shown = "<i>{}</i>".format(html.escape(
                    _("the same {count} messages as the accepted handshake shown first").format(count=same)))
            elif same == 0:
                return items(mine)
            else:
                shown = ("<i>{}</i>".format(html.escape(
                    _("1 to {count}: as in the accepted handshake shown first, then:").format(count=same)))
                         + items(mine[same:], same + 1))
            every = html.escape(_("all {count} messages").format(count=len(mine)))
            return f"{shown}<details><summary>{every}</summary>{items(mine)}</details>"

        if self.report.ok:
            _REFERENCES.setdefault(_kind(self.report), self.report)
        title = f"<b>{html.escape(tr(self.title))}</b>: " if self.title else ""
        colour = good if self.report.ok else bad
        sign = "✓" if self.report.ok else "✗"
        head = (f"<caption style='text-align: left; caption-side: top; line-height: 1.4; padding-bottom: 0.4em'>{title}"
                f"<span style='color: {colour}'>{sign} {html.escape(summary(self.report))}</span></caption>")
        columns = '<colgroup><col style="width: 10em"><col style="width: 50%"><col style="width: 50%"></colgroup>'
        rows = "".join(
            f'<tr><th style="{left}">{html.escape(label)}</th>{cell(key, one, self.report.client)}'
            f'{cell(key, other, self.report.server)}</tr>'
            for key, label, one, other in self._rows()
        )
        rows += (
            f'<tr><th style="{left}">' + html.escape(_("messages")) + '<br><span style="font-weight: normal">'
            + html.escape(_("(→ sent, ← received)")) + '</span></th>'
            f'<td style="{left}">{messages(self.report.client)}</td>'
            f'<td style="{left}">{messages(self.report.server)}</td></tr>'
        )
        connects = html.escape(_("(connects to {host})").format(host=self.report.host))
        client, server = html.escape(_("the client")), html.escape(_("the server"))
        header = (
            f'<tr><th style="{left}"></th><th style="{left}">{client} '
            f'<span style="font-weight: normal">{connects}</span></th>'
            f'<th style="{left}">{server}</th></tr>'
        )
        return (
            '<table class="pkilesson-both-sides" style="border-collapse: collapse; text-align: left; '
            f'table-layout: fixed; width: 100%">{head}{columns}{header}{rows}</table>'
        )


#: The first accepted handshake shown, per kind (with or without a client certificate): its messages
#: are listed in full; later tables of the same kind show what differs from it.
_REFERENCES: dict = {}


def _kind(report: HandshakeReport) -> str:
    asked = any("CertificateRequest" in m for m in report.server.messages + report.client.messages)
    return "mutual" if asked else "server only"


def refused_by(report: HandshakeReport) -> Optional[str]:
    """Which side refused: the one that sent a fatal alert ('client' or 'server'), None when both accepted."""
    if report.ok:
        return None
    for side in (report.client, report.server):
        if any(m.startswith("sent Alert") for m in side.messages):
            return side.role
    return next(side.role for side in (report.client, report.server) if not side.ok)


def summary(report: HandshakeReport) -> str:
    """One line: accepted (version, cipher, who saw whom), or which side refused, why, and the alert it sent."""
    client, server = report.client, report.server
    if report.ok:
        if not server.peer_subject:
            return _("accepted by both sides ({version}, {cipher}); the server saw no client certificate, the client "
                     "saw {peer} for {host}").format(version=client.version, cipher=client.cipher,
                                                     peer=client.peer_subject, host=report.host)
        return _("accepted by both sides ({version}, {cipher}); the server saw {seen}, the client saw {peer} for "
                 "{host}").format(version=client.version, cipher=client.cipher, seen=server.peer_subject,
                                  peer=client.peer_subject, host=report.host)
    who = refused_by(report)
    side = client if who == "client" else server
    alert = next((m[len("sent "):] for m in side.messages if m.startswith("sent Alert")), None)
    if who == "client":
        told = _("; it sent {alert} to the server").format(alert=alert) if alert else ""
        return _("refused by the client: {error}{told}").format(error=side.error.rstrip("."), told=told)
    told = _("; it sent {alert} to the client").format(alert=alert) if alert else ""
    return _("refused by the server: {error}{told}").format(error=side.error.rstrip("."), told=told)


def _data(side: SideReport) -> str:
    return repr(side.received.decode(errors="replace")) if side.received else "-"


def both_sides(report: HandshakeReport, title: str = "") -> BothSides:
    """``report`` shown as two columns: what the client saw, what the server saw."""
    if not isinstance(report, HandshakeReport):
        raise PkiLessonError(_("both_sides shows a handshake's report, not a {kind}.").format(kind=type(report).__name__),
                             _("pass what handshake(...) returned."))
    return BothSides(report, title)


@dataclass(frozen=True)
class Note:
    """A sentence shown instead of a result that could not be produced here."""

    text: str

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.text)

    def _repr_html_(self) -> str:
        return f'<p class="pkilesson-note"><i>{html.escape(self.text)}</i></p>'


def source_handshake(source, *, strict: bool = True, posing: bool = False) -> Union[BothSides, Note]:
    """The source recipe's certificates (the folder of ``lesson.run_source_step``) in a real handshake.

    ``strict`` sets ``VERIFY_X509_STRICT`` on both sides. With ``posing``,
    the source's client certificate and key act as a server
    (:func:`client_as_server`). Without the ``openssl`` CLI the source's
    files do not exist, and a :class:`Note` says so.
    """
    from ..pki.artifacts import load_artifacts

    if not getattr(source, "ran", False):
        return Note(_("The openssl command is not installed here, so the source's certificates were not made: "
                      "there is no handshake to run with them."))
    recipe = load_artifacts(source.folder)
    mode = _("strict (VERIFY_X509_STRICT)") if strict else _("relaxed (no VERIFY_X509_STRICT)")
    if posing:
        return both_sides(client_as_server(recipe, strict=strict),
                          _("the source's client certificate posing as a server, {mode}").format(mode=mode))
    return both_sides(handshake(recipe, strict=strict), _("the source's certificates, {mode}").format(mode=mode))


@dataclass(frozen=True)
class Scenario:
    """One scenario: a title, what it shows, and how to run it on a workspace's artifacts.

    ``title`` and ``shows`` are English, marked with ``N_``: ``tr(scenario.title)`` shows them in the current
    language."""

    title: str
    shows: str
    run: Callable[..., HandshakeReport]


def _no_certificate(lab, require: bool) -> HandshakeReport:
    return handshake(lab, client=party_of(lab, "client", with_certificate=False), require_client_certificate=require)


#: The scenarios of lesson 05, in the order the lesson runs them.
SCENARIOS: dict[str, Scenario] = {
    "success": Scenario(N_("both sides accept"), N_("Each side presents its certificate and proves it holds the key."),
                        lambda lab: handshake(lab)),
    "no-client-certificate": Scenario(
        N_("the client sends no certificate"), N_("A server that requires one refuses: alert certificate_required."),
        lambda lab: _no_certificate(lab, True)),
    "not-required": Scenario(
        N_("a server that does not require one"), N_("Without CERT_REQUIRED, a client with no certificate gets in."),
        lambda lab: _no_certificate(lab, False)),
    "other-ca": Scenario(
        N_("a client certificate from another CA"), N_("The server trusts only its CA: alert unknown_ca."),
        lambda lab: handshake(lab, client=other_ca_client(lab))),
    "expired": Scenario(
        N_("an expired client certificate"), N_("The same client, its dates in the past: alert certificate_expired."),
        lambda lab: handshake(lab, client=expired_client(lab))),
    "server-as-client": Scenario(
        N_("the server's certificate used as a client's"), N_("Its extendedKeyUsage says serverAuth: alert "
                                                              "unsupported_certificate."),
        lambda lab: handshake(lab, client=Party((lab.server_certificate,), lab.server_key, trust_of(lab)))),
    "wrong-host": Scenario(
        N_("the client connects to another name"), N_("The server's subjectAltName lacks www.example.com: the client "
                                                      "refuses."), lambda lab: handshake(lab, host="www.example.com")),
    "revoked": Scenario(
        N_("a revoked client certificate"), N_("The server loads a CRL that names the client: alert "
                                               "certificate_revoked."),
        lambda lab: handshake(lab, server=server_with_crl(lab, revocation_list(lab.ca, [lab.client_certificate])))),
}


def run_scenario(name: str, artifacts) -> HandshakeReport:
    """Run scenario ``name`` (a key of :data:`SCENARIOS`) with the workspace's ``artifacts``."""
    if not isinstance(name, str) or name not in SCENARIOS:
        raise PkiLessonError(_("There is no scenario {name!r}.").format(name=name),
                             _("pick one of {names}.").format(names=", ".join(SCENARIOS)))
    return SCENARIOS[name].run(artifacts)

