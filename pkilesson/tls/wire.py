"""What crossed the wire in a real TLS handshake: the key exchange, and what the certificate's key signed.

:func:`observe` runs one handshake on 127.0.0.1 against pkilesson's
:class:`~pkilesson.tls.loopback.LoopbackServer`, with a client that records every
handshake message through OpenSSL's message callback (the plaintext of each
message, before encryption or after decryption). From those bytes it reads:

* the ServerHello: the TLS version, the cipher suite, and the key-exchange
  *group* of the ``key_share`` extension (x25519...), with the server's
  ephemeral share: the traffic keys come from this exchange;
* each CertificateVerify (TLS 1.3, RFC 8446 §4.4.3): its signature scheme, and
  whether its signature checks, with the public key of the certificate sent
  just before it, over the transcript of the handshake so far.

So a lesson can show, from the real handshake, that a TLS 1.3 server's
certificate key *signs* and encrypts nothing.

>>> from pkilesson import make_artifacts, Settings
>>> seen = observe(make_artifacts(Settings(key_type="p256")))
>>> seen.version, seen.server_signature.valid
('TLS 1.3', True)
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import sys
from dataclasses import dataclass, field
from typing import Optional

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

from .._catalog import N_, _, tr
from ..errors import PkiLessonError
from ._contexts import _Files, shown_error
from .loopback import TIMEOUT, LoopbackServer, Party, party_of

__all__ = ["GROUPS", "SIGNATURE_SCHEMES", "Signed", "WireReport", "observe", "parse_hello"]

#: TLS named groups (IANA "TLS Supported Groups"), by code point.
GROUPS = {
    0x0017: "secp256r1", 0x0018: "secp384r1", 0x0019: "secp521r1", 0x001D: "x25519", 0x001E: "x448",
    0x0100: "ffdhe2048", 0x0101: "ffdhe3072", 0x0102: "ffdhe4096", 0x0103: "ffdhe6144", 0x0104: "ffdhe8192",
    0x11EB: "SecP256r1MLKEM768", 0x11EC: "X25519MLKEM768", 0x11ED: "SecP384r1MLKEM1024",
}
#: TLS signature schemes (RFC 8446 §4.2.3), by code point.
SIGNATURE_SCHEMES = {
    0x0401: "rsa_pkcs1_sha256", 0x0501: "rsa_pkcs1_sha384", 0x0601: "rsa_pkcs1_sha512",
    0x0403: "ecdsa_secp256r1_sha256", 0x0503: "ecdsa_secp384r1_sha384", 0x0603: "ecdsa_secp521r1_sha512",
    0x0804: "rsa_pss_rsae_sha256", 0x0805: "rsa_pss_rsae_sha384", 0x0806: "rsa_pss_rsae_sha512",
    0x0807: "ed25519", 0x0808: "ed448",
    0x0809: "rsa_pss_pss_sha256", 0x080A: "rsa_pss_pss_sha384", 0x080B: "rsa_pss_pss_sha512",
}
_SUITES = {0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384", 0x1303: "TLS_CHACHA20_POLY1305_SHA256"}
_VERSIONS = {0x0304: "TLS 1.3", 0x0303: "TLS 1.2"}
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
# RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest.
_RETRY = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
_CERTIFICATE, _CERTIFICATE_VERIFY, _CLIENT_HELLO, _SERVER_HELLO = 11, 15, 1, 2
_AFTER_HANDSHAKE = (4, 24)  # NewSessionTicket, KeyUpdate: not part of the transcript


@dataclass(frozen=True)
class Signed:
    """One CertificateVerify: who sent it, its scheme, and whether it checks with the sender's certificate key.

    ``valid`` is None when it could not be checked (not TLS 1.3, or an
    unknown scheme); ``key`` describes the certificate's public key.
    """

    sender: str
    scheme: str
    key: str
    valid: Optional[bool]
    detail: str = ""

    def __str__(self) -> str:
        detail = tr(_DETAILS[self.detail]) if self.detail in _DETAILS else self.detail
        if self.detail.endswith(" signs other bytes") and self.detail != "this version signs other bytes":
            detail = _("{version} signs other bytes").format(version=self.detail[:-len(" signs other bytes")])
        verdict = {True: _("valid"), False: _("INVALID"), None: _("not checked ({detail})").format(detail=detail)}
        key = _("no certificate") if self.key == "no certificate" else self.key
        return tr(_SIGNED[self.sender]).format(key=key, scheme=self.scheme, verdict=verdict[self.valid])


_SIGNED = {
    "server": N_("the server's certificate key ({key}) signed its CertificateVerify ({scheme}); checked here "
                 "with that certificate's public key over the handshake transcript: {verdict}"),
    "client": N_("the client's certificate key ({key}) signed its CertificateVerify ({scheme}); checked here "
                 "with that certificate's public key over the handshake transcript: {verdict}"),
}
_DETAILS = {"no certificate was sent": N_("no certificate was sent"), "unknown scheme": N_("unknown scheme"),
            "this version signs other bytes": N_("this version signs other bytes")}


@dataclass(frozen=True)
class WireReport:
    """What one handshake's messages said, read from their bytes, and each side's verdict."""

    ok: bool
    error: str
    version: Optional[str]
    cipher_suite: Optional[str]
    group: Optional[str]
    server_share: bytes = field(repr=False)
    offered_groups: tuple[str, ...]
    signatures: tuple[Signed, ...]
    python: str
    openssl: str

    @property
    def server_signature(self) -> Optional[Signed]:
        return next((s for s in self.signatures if s.sender == "server"), None)

    def verdict(self) -> str:
        """One line: accepted (the version and group) or refused (why)."""
        if self.ok:
            return _("accepted ({version}, key exchange {group})").format(version=self.version, group=self.group)
        if self.error.startswith("the server refused: "):
            error = _("the server refused: {error}").format(error=shown_error(self.error[len("the server refused: "):]))
        else:
            error = shown_error(self.error)
        return _("refused: {error}").format(error=error)

    def __str__(self) -> str:
        lines = [_("A real handshake on 127.0.0.1: Python {python}'s ssl, {openssl}; read from the messages on the "
                   "wire.").format(python=self.python, openssl=self.openssl),
                 "  " + _("result: {verdict}").format(verdict=self.verdict())]
        if self.version:
            lines.append("  " + _("version (ServerHello's supported_versions): {version}; cipher suite: {suite}").format(
                version=self.version, suite=self.cipher_suite))
        if self.group:
            lines.append("  " + _("key exchange (ServerHello's key_share): {group}; the client offered {offered}; the "
                                  "server's ephemeral share: {size} bytes, {start}...").format(
                group=self.group, offered=", ".join(self.offered_groups), size=len(self.server_share),
                start=self.server_share[:8].hex()))
        lines += [f"  {signed}" for signed in self.signatures]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


# -- reading the messages ----------------------------------------------------------------------------


def _extensions(data: bytes) -> dict[int, bytes]:
    found, pos = {}, 2
    end = 2 + int.from_bytes(data[:2], "big")
    while pos + 4 <= end:
        kind, size = int.from_bytes(data[pos:pos + 2], "big"), int.from_bytes(data[pos + 2:pos + 4], "big")
        found[kind] = data[pos + 4:pos + 4 + size]
        pos += 4 + size
    return found


def _group_name(code: int) -> str:
    return f"{GROUPS.get(code, 'unknown group')} (0x{code:04x})"


def parse_hello(message: bytes) -> dict:
    """The fields of a ClientHello or ServerHello (with its 4-byte handshake header) that a lesson shows.

    Returns ``{"type", "retry", "cipher_suite", "version", "groups", "share"}``:
    for a ClientHello, ``groups`` are those of its key shares; for a
    ServerHello, the one chosen and ``share`` the server's public share.
    Raises :class:`PkiLessonError` on bytes that are not a hello.
    """
    try:
        kind, body = message[0], message[4:]
        if kind not in (_CLIENT_HELLO, _SERVER_HELLO):
            raise ValueError
        random = body[2:34]
        pos = 35 + body[34]
        info = {"type": "ClientHello" if kind == _CLIENT_HELLO else "ServerHello",
                "retry": kind == _SERVER_HELLO and random == _RETRY}
        if kind == _CLIENT_HELLO:
            pos += 2 + int.from_bytes(body[pos:pos + 2], "big")
            pos += 1 + body[pos]
            extensions = _extensions(body[pos:])
            shares, groups, at = extensions.get(0x0033, b"\x00\x00"), [], 2
            while at + 4 <= len(shares):
                groups.append(_group_name(int.from_bytes(shares[at:at + 2], "big")))
                at += 4 + int.from_bytes(shares[at + 2:at + 4], "big")
            return {**info, "cipher_suite": None, "version": None, "groups": tuple(groups), "share": b""}
        suite = int.from_bytes(body[pos:pos + 2], "big")
        extensions = _extensions(body[pos + 3:])
        chosen = extensions.get(0x002B)
        version = _VERSIONS.get(int.from_bytes(chosen, "big")) if chosen else _VERSIONS.get(int.from_bytes(body[:2], "big"))
        share, groups = extensions.get(0x0033, b""), ()
        if len(share) >= 2:
            groups = (_group_name(int.from_bytes(share[:2], "big")),)
            share = share[4:4 + int.from_bytes(share[2:4], "big")]
        return {**info, "cipher_suite": _SUITES.get(suite, f"0x{suite:04x}"), "version": version,
                "groups": groups, "share": bytes(share)}
    except (IndexError, ValueError):
        raise PkiLessonError(_("These bytes are not a TLS ClientHello or ServerHello."),
                             _("give a whole handshake message, header included (type, then a 3-byte length).")) from None


def _first_certificate(message: bytes) -> Optional[x509.Certificate]:
    """The first certificate of a TLS 1.3 Certificate message (header included), or None when it is empty."""
    body = message[4:]
    pos = 1 + body[0]  # certificate_request_context
    if int.from_bytes(body[pos:pos + 3], "big") == 0:
        return None
    size = int.from_bytes(body[pos + 3:pos + 6], "big")
    return x509.load_der_x509_certificate(body[pos + 6:pos + 6 + size])


def _describe_key(key) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size} bits"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    return type(key).__name__.lstrip("_").replace("PublicKey", "")


def _check(key, scheme: str, signature: bytes, content: bytes) -> Optional[bool]:
    digest = _HASHES.get(scheme.rsplit("_", 1)[-1])
    try:
        if scheme.startswith("rsa_pss") and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, content, padding.PSS(padding.MGF1(digest()), digest.digest_size), digest())
        elif scheme.startswith("ecdsa") and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, content, ec.ECDSA(digest()))
        elif scheme == "ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, content)
        elif scheme == "ed448" and isinstance(key, ed448.Ed448PublicKey):
            key.verify(signature, content)
        else:
            return None
    except InvalidSignature:
        return False
    return True


def _signatures(handshake: list[tuple[str, bytes]], version: Optional[str], suite: Optional[str]) -> tuple[Signed, ...]:
    """Check every CertificateVerify against the transcript before it (RFC 8446 §4.4.1, §4.4.3)."""
    digest = hashes.SHA384 if suite and suite.endswith("SHA384") else hashes.SHA256
    found, transcript, certificate = [], [], {}
    for index, (sender, message) in enumerate(handshake):
        kind = message[0]
        if kind == _SERVER_HELLO and parse_hello(message)["retry"]:
            # A HelloRetryRequest: the first ClientHello enters the transcript as its hash (§4.4.1).
            first = hashlib.new(digest.name, b"".join(transcript)).digest()
            transcript = [bytes([254, 0, 0, len(first)]) + first]
        if kind == _CERTIFICATE:
            certificate[sender] = _first_certificate(message)
        if kind == _CERTIFICATE_VERIFY:
            code = int.from_bytes(message[4:6], "big")
            scheme = SIGNATURE_SCHEMES.get(code, f"0x{code:04x}")
            signature = message[8:8 + int.from_bytes(message[6:8], "big")]
            public = certificate[sender].public_key() if certificate.get(sender) else None
            key = _describe_key(public) if public is not None else "no certificate"
            if version != "TLS 1.3":
                found.append(Signed(sender, scheme, key, None, f"{version or 'this version'} signs other bytes"))
            elif public is None:
                found.append(Signed(sender, scheme, key, None, "no certificate was sent"))
            else:
                context = f"TLS 1.3, {sender} CertificateVerify".encode()
                content = b" " * 64 + context + b"\x00" + hashlib.new(digest.name, b"".join(transcript)).digest()
                valid = _check(public, scheme, signature, content)
                found.append(Signed(sender, scheme, key, valid, "" if valid is not None else "unknown scheme"))
        transcript.append(message)
    return tuple(found)


# -- the handshake -----------------------------------------------------------------------------------


def _client_context(files: _Files, *, default_context: bool, strict: Optional[bool], partial_chain: Optional[bool],
                    records: list) -> ssl.SSLContext:
    if default_context:  # as applications make it; given a cafile, it loads no system CA
        context = ssl.create_default_context(cafile=str(files.trust) if files.trust else None)
    else:  # as pkilesson.tls.loopback makes it: checks the host name, requires a certificate
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
    for flag, wanted in ((ssl.VERIFY_X509_STRICT, strict), (ssl.VERIFY_X509_PARTIAL_CHAIN, partial_chain)):
        if wanted is True:
            context.verify_flags |= flag
        elif wanted is False:
            context.verify_flags &= ~flag
    try:
        if files.trust and not default_context:
            context.load_verify_locations(cafile=str(files.trust))
        if files.chain:
            context.load_cert_chain(str(files.chain), str(files.key))
    except ssl.SSLError as exc:
        raise PkiLessonError(_("The client's files do not load into ssl: {reason}.").format(reason=exc.reason or exc),
                             _("check that the key belongs to the certificate.")) from None

    def record(_connection, direction, _version, content_type, _kind, data):
        if int(content_type) == 22:  # a handshake message, in clear: ssl hands it over decrypted
            records.append(("client" if direction == "write" else "server", bytes(data)))

    if not hasattr(context, "_msg_callback"):
        raise PkiLessonError(_("This Python's ssl module has no message callback: the handshake cannot be read."),
                             _("use CPython 3.8 or later."))
    context._msg_callback = record
    return context


def _reason(error: BaseException) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return error.reason or str(error)
    return f"connection closed by the peer ({type(error).__name__})"


def observe(
    artifacts=None,
    *,
    server: Optional[Party] = None,
    client: Optional[Party] = None,
    host: str = "localhost",
    require_client_certificate: bool = False,
    default_context: bool = False,
    strict: Optional[bool] = True,
    partial_chain: Optional[bool] = False,
) -> WireReport:
    """Run one handshake on 127.0.0.1 and read what its messages say.

    The server is pkilesson's :class:`~pkilesson.tls.loopback.LoopbackServer`. The
    client is set up as :mod:`pkilesson.tls.loopback` sets it up (its own
    ``SSLContext``), or with the running Python's ``ssl.create_default_context()``
    when ``default_context``; either checks ``host``. ``strict`` and
    ``partial_chain`` turn ``VERIFY_X509_STRICT`` and
    ``VERIFY_X509_PARTIAL_CHAIN`` on (True) or off (False), or leave the
    context's default (None); Python 3.13's default context turns both on,
    3.12's neither. The parties come from the
    workflow's ``artifacts`` unless given; by default the client sends no
    certificate and the server does not ask for one (``require_client_certificate``).
    """
    if server is None:
        if artifacts is None:
            raise PkiLessonError(_("No server to run."), _("pass the workflow's artifacts, or server=Party(...)."))
        server = party_of(artifacts, "server")
    if client is None:
        if artifacts is None:
            raise PkiLessonError(_("No client to run."), _("pass the workflow's artifacts, or client=Party(...)."))
        client = party_of(artifacts, "client", with_certificate=require_client_certificate)
    if not isinstance(server, Party) or not isinstance(client, Party):
        raise PkiLessonError(_("server and client must be pkilesson.tls.loopback.Party objects."),
                             _("build them with Party(chain, key, trusts)."))
    records: list[tuple[str, bytes]] = []
    files = _Files(client)
    try:
        context = _client_context(files, default_context=default_context, strict=strict,
                                  partial_chain=partial_chain, records=records)
        with LoopbackServer(server, require_client_certificate=require_client_certificate) as listening:
            error = ""
            raw = socket.create_connection(("127.0.0.1", listening.port), timeout=TIMEOUT)
            connection = context.wrap_socket(raw, server_hostname=host, do_handshake_on_connect=False)
            try:
                connection.do_handshake()
                connection.sendall(b"hello from the client\n")
                if not connection.recv(1024):
                    error = "the server closed the connection"
            except (ssl.SSLError, OSError) as refused:
                error = _reason(refused)
            finally:
                connection.close()
        # The server's thread has ended here: its verdict is in listening.reports.
        server_report = listening.reports[0] if listening.reports else None
    finally:
        files.close()
    if not error and server_report is not None and not server_report.ok:
        error = f"the server refused: {server_report.error}"
    handshake = [(sender, message) for sender, message in records if message and message[0] not in _AFTER_HANDSHAKE]
    hellos = [parse_hello(m) for _sender, m in handshake if m[0] in (_CLIENT_HELLO, _SERVER_HELLO)]
    server_hello = next((h for h in reversed(hellos) if h["type"] == "ServerHello"), None)
    client_hello = next((h for h in hellos if h["type"] == "ClientHello"), None)
    version = server_hello["version"] if server_hello else None
    suite = server_hello["cipher_suite"] if server_hello else None
    return WireReport(
        ok=not error,
        error=error,
        version=version,
        cipher_suite=suite,
        group=server_hello["groups"][0] if server_hello and server_hello["groups"] else None,
        server_share=server_hello["share"] if server_hello else b"",
        offered_groups=client_hello["groups"] if client_hello else (),
        signatures=_signatures(handshake, version, suite),
        python=sys.version.split()[0],
        openssl=ssl.OPENSSL_VERSION,
    )
