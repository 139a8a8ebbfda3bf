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

>>> from pkilesson import make_artifacts, Settings
>>> lab = make_artifacts(Settings(key_type="p256"))
>>> run_scenario("no-client-certificate", lab).server.error
'PEER_DID_NOT_RETURN_A_CERTIFICATE'
"""

from __future__ import annotations

import datetime as dt
import html
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Union

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from ..pki._time import resolve_now
from ..pki.authority import CertificateAuthority
from ..pki.csr import create_csr
from ..errors import PkiLessonError, argument_error
from ..pki.keys import PrivateKey, generate_key, signature_hash
from .lesson import LAB, Transcript
from ..pki.openssl import openssl_path
from ..pki.profiles import CLIENT
from ..pki.revocation import REASONS, make_crl
from ..tls.loopback import TIMEOUT, HandshakeReport, LoopbackServer, Party, SideReport, handshake, party_of

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
        return "no certificate" if side.ok else "-"
    sans = f" (subjectAltName {', '.join(side.peer_sans)})" if side.peer_sans else " (no subjectAltName)"
    return side.peer_subject + sans


def _arrow(message: str) -> str:
    """'sent X' as '→ X', 'received X' as '← X'."""
    verb, _, name = message.partition(" ")
    return f"{'→' if verb == 'sent' else '←'} {name}"


@dataclass(frozen=True)
class BothSides:
    """One handshake as each side saw it: two columns, the client's and the server's.

    In Jupyter it displays as an HTML table; ``str()`` gives the same as text.
    A sent message is marked →, a received one ←; alerts and CertificateVerify
    stand out.
    """

    report: HandshakeReport
    title: str = ""

    def rows(self) -> list[tuple[str, str, str]]:
        """(row label, the client's value, the server's value), as shown."""
        client, server = self.report.client, self.report.server
        verdict = {True: "accepted", False: "refused"}
        rows = [("verdict", verdict[client.ok], verdict[server.ok])]
        for label, attribute in (("TLS version", "version"), ("cipher", "cipher")):
            rows.append((label, getattr(client, attribute) or "-", getattr(server, attribute) or "-"))
        rows.append(("the peer's certificate", _peer_text(client), _peer_text(server)))
        rows.append(("error", client.error or "-", server.error or "-"))
        rows.append(("data received", _data(client), _data(server)))
        return rows

    def __str__(self) -> str:
        width = 40
        lines = [self.title] if self.title else []
        lines.append(summary(self.report))
        lines.append(f"{'':<22} {'the client (connects to ' + self.report.host + ')':<{width}} the server")
        for label, left, right in self.rows():
            lines.append(f"{label:<22} {left:<{width}} {right}")
        lines.append("messages, as each side saw them (→ sent, ← received):")
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

        def cell(label: str, value: str) -> str:
            style, text = left, html.escape(value)
            if label == "verdict":  # a word and a sign, not only a colour
                style += f"; color: {good if value == 'accepted' else bad}; font-weight: bold"
                text = f"{'✓' if value == 'accepted' else '✗'} {text}"
            elif label == "error" and value != "-":
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
                return "(none)"
            reference = _REFERENCES.get(_kind(self.report))
            if reference is None or reference is self.report:
                return items(mine)
            theirs = list(getattr(reference, side.role).messages)
            same = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
            if same == len(mine) == len(theirs):
                shown = f"<i>the same {same} messages as the accepted handshake shown first</i>"
            elif same == 0:
                return items(mine)
            else:
                shown = (f"<i>1 to {same}: as in the accepted handshake shown first, then:</i>"
                         + items(mine[same:], same + 1))
            return (f"{shown}<details><summary>all {len(mine)} messages</summary>{items(mine)}</details>")

        if self.report.ok:
            _REFERENCES.setdefault(_kind(self.report), self.report)
        title = f"<b>{html.escape(self.title)}</b>: " if self.title else ""
        colour = good if self.report.ok else bad
        sign = "✓" if self.report.ok else "✗"
        head = (f"<caption style='text-align: left; caption-side: top; line-height: 1.4; padding-bottom: 0.4em'>{title}"
                f"<span style='color: {colour}'>{sign} {html.escape(summary(self.report))}</span></caption>")
        columns = '<colgroup><col style="width: 10em"><col style="width: 50%"><col style="width: 50%"></colgroup>'
        rows = "".join(
            f'<tr><th style="{left}">{html.escape(label)}</th>{cell(label, one)}{cell(label, other)}</tr>'
            for label, one, other in self.rows()
        )
        rows += (
            f'<tr><th style="{left}">messages<br><span style="font-weight: normal">(→ sent, ← received)</span></th>'
            f'<td style="{left}">{messages(self.report.client)}</td>'
            f'<td style="{left}">{messages(self.report.server)}</td></tr>'
        )
        header = (
            f'<tr><th style="{left}"></th><th style="{left}">the client '
            f'<span style="font-weight: normal">(connects to {html.escape(self.report.host)})</span></th>'
            f'<th style="{left}">the server</th></tr>'
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
        seen = server.peer_subject or "no client certificate"
        return (f"accepted by both sides ({client.version}, {client.cipher}); the server saw {seen}, "
                f"the client saw {client.peer_subject} for {report.host}")
    who = refused_by(report)
    side = client if who == "client" else server
    alert = next((m[len("sent "):] for m in side.messages if m.startswith("sent Alert")), None)
    told = f"; it sent {alert} to the {'server' if who == 'client' else 'client'}" if alert else ""
    return f"refused by the {who}: {side.error.rstrip('.')}{told}"


def _data(side: SideReport) -> str:
    return repr(side.received.decode(errors="replace")) if side.received else "-"


def both_sides(report: HandshakeReport, title: str = "") -> BothSides:
    """``report`` shown as two columns: what the client saw, what the server saw."""
    if not isinstance(report, HandshakeReport):
        raise PkiLessonError(f"both_sides shows a handshake's report, not a {type(report).__name__}.",
                             "pass what handshake(...) returned.")
    return BothSides(report, title)


# -- the scenarios' parties ---------------------------------------------------------------------------


def _artifacts(artifacts):
    from ..pki.artifacts import _check_artifacts

    return _check_artifacts(artifacts)


def _days(value, parameter: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise argument_error(parameter, "a whole number of days", value)
    if not least <= value <= 36500:
        raise PkiLessonError(f"{parameter}={value} is out of range.", f"give {least} to 36500 days.")
    return value


def _side(side) -> str:
    if not isinstance(side, str) or side not in _CONTEXTS:
        raise PkiLessonError(f"Unknown side {side!r}.", "use 'client' or 'server'.")
    return side


def trust_of(artifacts) -> tuple[x509.Certificate, ...]:
    """What each side of the workspace trusts: its copy of ``ca-cert.pem``."""
    return (_artifacts(artifacts).ca.certificate,)


def other_ca_client(artifacts, *, name: str = "mallory.localhost") -> Party:
    """A client with a correct client certificate for ``name``, signed by *another* CA.

    The client trusts the workspace's CA, so it accepts the server: only the
    server's check of the client's certificate can fail.
    """
    _artifacts(artifacts)
    if not isinstance(name, str):
        raise argument_error("name", "a client name such as 'mallory.localhost'", name)
    other = CertificateAuthority.create("/C=FR/O=Elsewhere/CN=Other CA", key_type="p256")
    key = generate_key("p256")
    certificate = other.issue(create_csr(key, f"/C=FR/O=Elsewhere/CN={name}", [name]), CLIENT)
    return Party((certificate,), key, trust_of(artifacts))


def expired_client(artifacts, *, days: int = 30, ended_days_ago: int = 1, now: Optional[dt.datetime] = None) -> Party:
    """The workspace's client, its key and names, in a certificate that ended ``ended_days_ago`` days ago.

    Signed by the workspace's CA with the client profile, valid ``days`` days.
    pkilesson's CA refuses to sign a certificate that starts before the CA
    itself (a lesson's CA is often minutes old), so this one is built with
    pyca/cryptography directly and signed with the CA's key: RFC 5280 path
    validation checks each certificate's dates against the time of the check
    only, so the verdict is about the expiry and nothing else.
    """
    _artifacts(artifacts)
    _days(days, "days", 1)
    _days(ended_days_ago, "ended_days_ago", 0)
    now = resolve_now(now)
    ca, certificate = artifacts.ca, artifacts.client_certificate
    end = now - dt.timedelta(days=ended_days_ago)
    sans = tuple(certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateBuilder().subject_name(certificate.subject).issuer_name(ca.subject)
        .public_key(artifacts.client_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(end - dt.timedelta(days=days)).not_valid_after(end)
    )
    for extension, critical in CLIENT.extensions(artifacts.client_key.public_key(), ca.key.public_key(), sans, ski):
        builder = builder.add_extension(extension, critical=critical)
    expired = builder.sign(ca.key, signature_hash(ca.key))
    return Party((expired,), artifacts.client_key, trust_of(artifacts))


def revocation_list(ca: CertificateAuthority, certificates, *, reason: str = "keyCompromise",
                    now: Optional[dt.datetime] = None) -> x509.CertificateRevocationList:
    """A CRL of ``ca`` naming ``certificates`` (by serial), in memory: nothing is written.

    :func:`~pkilesson.pki.revocation.revoke` does the same on a workspace and
    writes ``ca-crl.pem`` (lesson 06).
    """
    from ..pki.certificates import as_certificate

    if not isinstance(reason, str) or reason not in REASONS:
        raise PkiLessonError(f"Unknown revocation reason {reason!r}.", f"use one of {', '.join(REASONS)}.")
    if isinstance(certificates, (str, bytes, x509.Certificate)) or not isinstance(certificates, (list, tuple)):
        raise argument_error("certificates", "a list of certificates", certificates)
    certificates = [as_certificate(c, "certificates") for c in certificates]
    now = resolve_now(now)
    entries = []
    for certificate in certificates:
        builder = x509.RevokedCertificateBuilder().serial_number(certificate.serial_number).revocation_date(now)
        if reason != "unspecified":
            builder = builder.add_extension(x509.CRLReason(REASONS[reason]), critical=False)
        entries.append(builder.build())
    return make_crl(ca, entries, now=now)


def server_with_crl(artifacts, crl: x509.CertificateRevocationList) -> Party:
    """The workspace's server, checking clients against ``crl`` too (``VERIFY_CRL_CHECK_LEAF``)."""
    _artifacts(artifacts)
    return Party((artifacts.server_certificate,), artifacts.server_key, trust_of(artifacts), (crl,))


def _client_name(certificate: x509.Certificate) -> str:
    try:
        sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return str(next(iter(sans)).value)
    except (x509.ExtensionNotFound, StopIteration):
        return certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value


def client_as_server(artifacts, *, strict: bool = True) -> HandshakeReport:
    """Whoever holds the client's key poses as a *server* named as the client, with the client's certificate.

    The connecting client sends no certificate and the rogue server asks for
    none: the only question is whether the client accepts a client
    certificate as a server's. It must not, and does not when the certificate's
    extendedKeyUsage says clientAuth only; without extendedKeyUsage (the
    source's), nothing forbids it.
    """
    rogue = Party((artifacts.client_certificate,), artifacts.client_key, trust_of(artifacts))
    return handshake(artifacts, server=rogue, client=party_of(artifacts, "client", with_certificate=False),
                     host=_client_name(artifacts.client_certificate), strict=strict, require_client_certificate=False)


def common_name_fallback(artifacts, host: str = "localhost") -> dict[bool, str]:
    """Python's own client, once with ``hostname_checks_common_name`` True (its default) and once False.

    Against the workspace's server (relaxed: no ``VERIFY_X509_STRICT``, no
    client certificate asked), connecting to ``host``. For a server
    certificate without subjectAltName (the source's), only the CN can match:
    {True: 'accepted (TLSv1.3)', False: 'refused: ... Hostname mismatch ...'}.
    """
    import socket
    import ssl
    import tempfile

    from ..pki.certificates import certificate_to_pem

    results = {}
    with tempfile.TemporaryDirectory(prefix="pkilesson-cn-") as folder:
        trust = Path(folder) / "ca-cert.pem"
        trust.write_bytes(certificate_to_pem(artifacts.ca.certificate))
        with LoopbackServer(party_of(artifacts, "server"), strict=False, require_client_certificate=False) as server:
            for flag in (True, False):
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                context.load_verify_locations(cafile=str(trust))
                context.hostname_checks_common_name = flag
                try:
                    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as raw:
                        with context.wrap_socket(raw, server_hostname=host) as connection:
                            connection.sendall(b"hello\n")
                            connection.recv(1024)
                            results[flag] = f"accepted ({connection.version()})"
                except (ssl.SSLError, OSError) as error:
                    reason = getattr(error, "verify_message", None) or getattr(error, "reason", None) or str(error)
                    results[flag] = f"refused: {reason}"
            deadline = time.monotonic() + TIMEOUT
            while len(server.reports) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
    return results


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
        return Note("The openssl command is not installed here, so the source's certificates were not made: "
                    "there is no handshake to run with them.")
    recipe = load_artifacts(source.folder)
    mode = "strict (VERIFY_X509_STRICT)" if strict else "relaxed (no VERIFY_X509_STRICT)"
    if posing:
        return both_sides(client_as_server(recipe, strict=strict),
                          f"the source's client certificate posing as a server, {mode}")
    return both_sides(handshake(recipe, strict=strict), f"the source's certificates, {mode}")


@dataclass(frozen=True)
class Scenario:
    """One scenario: a title, what it shows, and how to run it on a workspace's artifacts."""

    title: str
    shows: str
    run: Callable[..., HandshakeReport]


def _no_certificate(lab, require: bool) -> HandshakeReport:
    return handshake(lab, client=party_of(lab, "client", with_certificate=False), require_client_certificate=require)


#: The scenarios of lesson 05, in the order the lesson runs them.
SCENARIOS: dict[str, Scenario] = {
    "success": Scenario("both sides accept", "Each side presents its certificate and proves it holds the key.",
                        lambda lab: handshake(lab)),
    "no-client-certificate": Scenario(
        "the client sends no certificate", "A server that requires one refuses: alert certificate_required.",
        lambda lab: _no_certificate(lab, True)),
    "not-required": Scenario(
        "a server that does not require one", "Without CERT_REQUIRED, a client with no certificate gets in.",
        lambda lab: _no_certificate(lab, False)),
    "other-ca": Scenario(
        "a client certificate from another CA", "The server trusts only its CA: alert unknown_ca.",
        lambda lab: handshake(lab, client=other_ca_client(lab))),
    "expired": Scenario(
        "an expired client certificate", "The same client, its dates in the past: alert certificate_expired.",
        lambda lab: handshake(lab, client=expired_client(lab))),
    "server-as-client": Scenario(
        "the server's certificate used as a client's", "Its extendedKeyUsage says serverAuth: alert "
        "unsupported_certificate.",
        lambda lab: handshake(lab, client=Party((lab.server_certificate,), lab.server_key, trust_of(lab)))),
    "wrong-host": Scenario(
        "the client connects to another name", "The server's subjectAltName lacks www.example.com: the client "
        "refuses.", lambda lab: handshake(lab, host="www.example.com")),
    "revoked": Scenario(
        "a revoked client certificate", "The server loads a CRL that names the client: alert certificate_revoked.",
        lambda lab: handshake(lab, server=server_with_crl(lab, revocation_list(lab.ca, [lab.client_certificate])))),
}


def run_scenario(name: str, artifacts) -> HandshakeReport:
    """Run scenario ``name`` (a key of :data:`SCENARIOS`) with the workspace's ``artifacts``."""
    if not isinstance(name, str) or name not in SCENARIOS:
        raise PkiLessonError(f"There is no scenario {name!r}.", f"pick one of {', '.join(SCENARIOS)}.")
    return SCENARIOS[name].run(artifacts)


# -- CertificateVerify, in the open ---------------------------------------------------------------------

_CONTEXTS = {"client": b"TLS 1.3, client CertificateVerify", "server": b"TLS 1.3, server CertificateVerify"}


def certificate_verify_content(transcript_hash: bytes, side: str = "client") -> bytes:
    """What a TLS 1.3 CertificateVerify signs (RFC 8446 §4.4.3).

    64 spaces, the context string ``TLS 1.3, client CertificateVerify`` (or
    server), a zero byte, then the hash of the handshake messages so far.
    """
    _side(side)
    if not isinstance(transcript_hash, bytes) or not transcript_hash:
        raise PkiLessonError("The transcript hash must be non-empty bytes.", "pass hashlib.sha256(...).digest().")
    return b"\x20" * 64 + _CONTEXTS[side] + b"\x00" + transcript_hash


def _scheme(key) -> tuple[str, Callable, Callable]:
    """The TLS 1.3 signature scheme for a key, and how to sign and verify with it."""
    public = key.public_key() if hasattr(key, "private_bytes") else key
    if isinstance(public, rsa.RSAPublicKey):  # TLS 1.3 signs with RSA only as RSASSA-PSS (RFC 8446 §4.4.3)
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        return ("rsa_pss_rsae_sha256", lambda k, m: k.sign(m, pss, hashes.SHA256()),
                lambda p, s, m: p.verify(s, m, pss, hashes.SHA256()))
    if isinstance(public, ec.EllipticCurvePublicKey):
        digest = {256: hashes.SHA256, 384: hashes.SHA384, 521: hashes.SHA512}[public.curve.key_size]
        name = f"ecdsa_{public.curve.name}_{digest.name}"
        return (name, lambda k, m: k.sign(m, ec.ECDSA(digest())), lambda p, s, m: p.verify(s, m, ec.ECDSA(digest())))
    if isinstance(public, ed25519.Ed25519PublicKey):
        return "ed25519", lambda k, m: k.sign(m), lambda p, s, m: p.verify(s, m)
    raise PkiLessonError(f"No TLS 1.3 signature scheme here for a {type(public).__name__}.",
                         "use an RSA, EC P-256/P-384 or Ed25519 key.")


def sign_certificate_verify(key: PrivateKey, transcript_hash: bytes, side: str = "client") -> bytes:
    """The signature a CertificateVerify carries: ``key`` signs :func:`certificate_verify_content`."""
    from ..pki.keys import as_private_key

    key = as_private_key(key)
    _side(side)
    _, sign, _ = _scheme(key)
    return sign(key, certificate_verify_content(transcript_hash, side))


@dataclass(frozen=True)
class CertificateVerifyCheck:
    """The receiving side's check of a CertificateVerify: valid or not, and with what."""

    valid: bool
    scheme: str
    signed_bytes: int
    certificate: str

    def __bool__(self) -> bool:
        return self.valid

    def __str__(self) -> str:
        result = "VERIFIES" if self.valid else "does NOT verify"
        return (f"{self.scheme} signature over {self.signed_bytes} bytes {result} with the public key of "
                f"{self.certificate}")


def check_certificate_verify(certificate: x509.Certificate, signature: bytes, transcript_hash: bytes,
                             side: str = "client") -> CertificateVerifyCheck:
    """What the other side does with a CertificateVerify: check it with the *certificate's* public key."""
    from ..pki.certificates import as_certificate

    certificate = as_certificate(certificate)
    if not isinstance(signature, (bytes, bytearray)):
        raise argument_error("signature", "bytes (the CertificateVerify's signature)", signature)
    _side(side)
    public = certificate.public_key()
    scheme, _, verify = _scheme(public)
    content = certificate_verify_content(transcript_hash, side)
    try:
        verify(public, signature, content)
        valid = True
    except InvalidSignature:
        valid = False
    return CertificateVerifyCheck(valid, scheme, len(content), certificate.subject.rfc4514_string())


# -- commands, as a terminal shows them ------------------------------------------------------------------


def pkilesson_command(arguments: str) -> Transcript:
    """Run the ``pkilesson ARGUMENTS`` command, as a terminal would, and keep what it printed and its exit status.

    The real command (``python -m pkilesson.cli``, the code of the ``pkilesson``
    script) runs in a new Python process, in this folder.
    """
    command = [sys.executable, "-m", "pkilesson.cli", *shlex.split(arguments)]
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return Transcript(f"pkilesson {arguments}", "(the command did not finish within 120 s: stopped.)", -1)
    out, code = done.stdout, done.returncode
    return Transcript(f"pkilesson {arguments}", out, code)


@dataclass(frozen=True)
class Interop:
    """``openssl s_client`` against pkilesson's server: what s_client printed, what the server saw."""

    client: Transcript
    server: Optional[SideReport]

    def __str__(self) -> str:
        seen = f"what our server saw: {self.server}" if self.server else "(our server saw no connection)"
        return f"{self.client}\n{seen}" if self.client.ran else str(self.client)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def openssl_s_client(artifacts, folder: Union[str, Path] = LAB, *, host: str = "localhost") -> Interop:
    """OpenSSL's own client against pkilesson's server (127.0.0.1, requiring a client certificate).

    ``openssl s_client`` runs in ``folder`` with its files (``ca-cert.pem``,
    ``client-cert.pem``, ``client-key.pem``); the server is made from
    ``artifacts``. Without the CLI, the command is shown, not run.
    """
    options = (f"-servername {host} -CAfile ca-cert.pem -cert client-cert.pem -key client-key.pem "
               f"-verify_hostname {host} -verify_return_error -brief")
    if openssl_path() is None:
        return Interop(Transcript(f"openssl s_client -connect 127.0.0.1:PORT {options}", "", None), None)
    with LoopbackServer(party_of(artifacts, "server"), lifetime=TIMEOUT + 5) as server:
        command = f"openssl s_client -connect 127.0.0.1:{server.port} {options}"
        argv = [openssl_path(), *shlex.split(command)[1:]]
        try:  # end of input: s_client leaves after the handshake
            done = subprocess.run(argv, cwd=folder, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=TIMEOUT)
            run = Transcript(command, done.stdout + done.stderr, done.returncode)
        except subprocess.TimeoutExpired:
            run = Transcript(command, f"(s_client did not finish within {TIMEOUT:g} s: stopped.)", -1)
        deadline = time.monotonic() + TIMEOUT
        while not server.reports and time.monotonic() < deadline:
            time.sleep(0.01)
        report = server.reports[0] if server.reports else None
    return Interop(run, report)
