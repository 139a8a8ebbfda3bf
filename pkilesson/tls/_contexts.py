"""How each side of :mod:`pkilesson.tls.loopback` makes its ``ssl.SSLContext``, and what it records.

``ssl`` reads certificates and keys from paths only: :class:`MemoryFiles`
gives it in-memory files (``memfd_create`` on Linux, a private temporary
folder elsewhere), and ``_Files`` one party's chain, key, trusted CAs and
CRLs. ``_context`` builds the server's or the client's context (the client
as :data:`CLIENT_CONTEXTS` names them) and records each handshake message
and alert as it crosses the wire, by name (``_HANDSHAKE``, ``_ALERTS``).
"""

from __future__ import annotations

import os
import re
import ssl
import tempfile
from pathlib import Path
from typing import Optional

from cryptography.hazmat.primitives import serialization

from .._catalog import N_, _, tr
from ..pki.certificates import certificate_to_pem
from ..errors import PkiLessonError, check_bool
from ..pki.keys import private_key_to_pem
from ..pki.party import Party

__all__ = ["CLIENT_CONTEXTS", "MemoryFiles"]

#: The client contexts :func:`~pkilesson.tls.loopback.handshake` can use (its ``client_context=``): name -> what it is.
CLIENT_CONTEXTS = {
    "pkilesson": "ssl.SSLContext(PROTOCOL_TLS_CLIENT), TLS 1.2 or newer, VERIFY_X509_STRICT set when strict, "
                 "cleared when not",
    "default": "ssl.create_default_context(cafile=...) as the running Python makes it, nothing changed",
    "default-strict": "ssl.create_default_context(cafile=...) with VERIFY_X509_STRICT set explicitly",
}

_CONTENT = {20: "ChangeCipherSpec", 21: "Alert", 22: "Handshake", 23: "ApplicationData", 256: "Header"}
_HANDSHAKE = {
    0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket", 5: "EndOfEarlyData",
    8: "EncryptedExtensions", 11: "Certificate", 12: "ServerKeyExchange", 13: "CertificateRequest",
    14: "ServerHelloDone", 15: "CertificateVerify", 16: "ClientKeyExchange", 20: "Finished", 24: "KeyUpdate",
}
_ALERTS = {
    0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure",
    42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
    46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error",
    51: "decrypt_error", 70: "protocol_version", 80: "internal_error", 86: "inappropriate_fallback",
    90: "user_canceled", 109: "missing_extension", 112: "unrecognized_name", 116: "certificate_required",
}


# -- what a report shows of each side: its name, its error, its messages --------------------------

#: A side's name as a report shows it.
_SIDES = {"server": N_("server"), "client": N_("client")}
#: Who refused, and what the other side was told: (the deciding side, told) -> the line.
_REFUSED = {("server", False): N_("the server refused: {error}"),
            ("client", False): N_("the client refused: {error}"),
            ("server", True): N_("the server refused: {error}; the client was told {told}"),
            ("client", True): N_("the client refused: {error}; the server was told {told}")}
#: pkilesson's own words in a side's error (the rest is ssl's or OpenSSL's, quoted as they give it).
_OWN_ERRORS = {"no connection seen": N_("no connection seen"),
               "the server closed the connection": N_("the server closed the connection")}


def shown_error(error: str) -> str:
    """A side's ``error`` as a learner reads it: pkilesson's own words translated, ssl's left as they are."""
    if error in _OWN_ERRORS:
        return tr(_OWN_ERRORS[error])
    closed = re.fullmatch(r"connection closed by the peer \((\w+)\)", error)
    if closed:
        return _("connection closed by the peer ({exception})").format(exception=closed.group(1))
    # Translators: ssl's or OpenSSL's own words, in English: show them as a quote.
    return _("{tool_words}").format(tool_words=error) if error else error


def shown_message(message: str) -> str:
    """A recorded message, ``sent X`` or ``received X``, as a learner reads it (X, TLS's name, stays as it is)."""
    direction, _space, name = message.partition(" ")
    if direction == "sent":
        return _("sent {message}").format(message=name)
    if direction == "received":
        return _("received {message}").format(message=name)
    return message


# -- files for ssl: it reads certificates and keys from paths ---------------------------------------


class MemoryFiles:
    """PEM files for ``ssl``, which reads certificates and keys from paths only.

    On Linux each file is an anonymous in-memory file (``memfd_create``),
    opened by ``ssl`` through ``/proc/self/fd/N``: it never touches a disk
    and vanishes with the process, however it ends (``kill -9`` included).
    Elsewhere the files go to a private temporary folder (0700, keys 0600)
    that :meth:`close` removes; callers close it as soon as their contexts
    have loaded the files, so it exists for milliseconds.
    """

    def __init__(self) -> None:
        self._fds: list[int] = []
        self._dir: Optional[tempfile.TemporaryDirectory] = None

    def add(self, name: str, data: bytes, private: bool = False) -> str:
        """A path ``ssl`` can open that reads ``data``."""
        if _MEMFD:
            fd = os.memfd_create(f"pkilesson-{name}", os.MFD_CLOEXEC)
            self._fds.append(fd)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            return f"/proc/self/fd/{fd}"
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="pkilesson-tls-")
            os.chmod(self._dir.name, 0o700)
        path = Path(self._dir.name) / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return str(path)

    def close(self) -> None:
        while self._fds:
            os.close(self._fds.pop())
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


class _Files(MemoryFiles):
    """One party's PEM files for ``ssl`` (see :class:`MemoryFiles`): its chain, key, trusted CAs and CRLs."""

    def __init__(self, party: Party) -> None:
        super().__init__()
        self.chain = self.key = self.trust = self.crl = None
        try:
            if party.chain:
                if party.key is None:
                    raise PkiLessonError(_("A certificate was given without its private key."), _("give the key too."))
                self.chain = self.add("chain.pem", b"".join(certificate_to_pem(c) for c in party.chain))
                self.key = self.add("key.pem", private_key_to_pem(party.key), private=True)
            if party.trusts:
                self.trust = self.add("trust.pem", b"".join(certificate_to_pem(c) for c in party.trusts))
            if party.crls:
                self.crl = self.add("crl.pem", b"".join(c.public_bytes(serialization.Encoding.PEM)
                                                        for c in party.crls))
        except BaseException:
            self.close()
            raise


def _memfd_works() -> bool:
    """Whether ``ssl`` can read an in-memory file through ``/proc/self/fd`` here (Linux with /proc)."""
    if not hasattr(os, "memfd_create"):
        return False
    try:
        fd = os.memfd_create("pkilesson-probe", os.MFD_CLOEXEC)
    except OSError:
        return False
    try:
        os.write(fd, b"probe")
        with open(f"/proc/self/fd/{fd}", "rb") as handle:
            return handle.read() == b"probe"
    except OSError:
        return False
    finally:
        os.close(fd)


_MEMFD = _memfd_works()


# -- each side's context: its settings, and the messages it records ---------------------------------


def _check_client_context(client_context: str, check_hostname: bool) -> None:
    check_bool(check_hostname, "check_hostname")
    if not isinstance(client_context, str) or client_context not in CLIENT_CONTEXTS:
        raise PkiLessonError(_("Unknown client context {context!r}.").format(context=client_context),
                             _("use one of {names}.").format(names=", ".join(map(repr, CLIENT_CONTEXTS))))
    if client_context != "pkilesson" and not check_hostname:
        raise PkiLessonError(_("The {context!r} client context checks the host name: its defaults stay as they are.")
                             .format(context=client_context),
                             _("use client_context='pkilesson' with check_hostname=False."))


def _context(side: str, files: _Files, *, strict: bool, require_client_certificate: bool, check_hostname: bool,
             messages: list, client_context: str = "pkilesson") -> ssl.SSLContext:
    default = side == "client" and client_context != "pkilesson"
    try:
        if side == "server":
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.verify_mode = ssl.CERT_REQUIRED if require_client_certificate else ssl.CERT_NONE
        elif default:
            # Python's own defaults, untouched: verify flags, hostname_checks_common_name, minimum version.
            # Without a CA file it loads the system's CAs, as an application's would.
            context = ssl.create_default_context(cafile=files.trust)
        else:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = check_hostname
            context.verify_mode = ssl.CERT_REQUIRED
        if not default:
            context.minimum_version = ssl.TLSVersion.TLSv1_2
        if files.trust and not default:
            context.load_verify_locations(cafile=files.trust)
        if files.crl:
            context.load_verify_locations(cafile=files.crl)
            context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
        if files.chain:
            context.load_cert_chain(files.chain, files.key)
    except ssl.SSLError as exc:
        problem = {"server": N_("The server's files do not load into ssl: {reason}."),
                   "client": N_("The client's files do not load into ssl: {reason}.")}[side]
        raise PkiLessonError(tr(problem).format(reason=exc.reason or exc),
                             _("check that each key belongs to its certificate.")) from None
    if client_context == "default-strict" and side == "client":
        context.verify_flags |= ssl.VERIFY_X509_STRICT
    elif not default:
        if strict:
            context.verify_flags |= ssl.VERIFY_X509_STRICT
        else:  # relaxed explicitly, whatever this Python's defaults
            context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    if hasattr(context, "_msg_callback"):  # the messages as they cross the wire (CPython 3.8+)
        def record(_conn, direction, _version, content_type, msg_type, _data):
            if int(content_type) not in (20, 21, 22, 23):
                return  # record headers and TLS 1.3's inner content type: not messages
            kind = _CONTENT[int(content_type)]
            if kind == "Handshake":
                name = _HANDSHAKE.get(int(msg_type), f"handshake type {int(msg_type)}")
            elif kind == "Alert":
                level = "fatal" if _data[:1] == b"\x02" else "warning"
                name = f"Alert {_ALERTS.get(_data[1] if len(_data) > 1 else -1, 'unknown')} ({level})"
            else:
                name = kind
            messages.append(f"{'sent' if direction == 'write' else 'received'} {name}")

        context._msg_callback = record
    return context
