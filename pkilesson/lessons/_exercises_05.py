"""Lesson 05's exercises: mutual TLS, the server's alert, the message that proves possession, a new client.

These run real handshakes on 127.0.0.1 with the learner's files in lab/ (``directory=``).
"""

from __future__ import annotations

from ._answers import Term, Vocabulary, listed, read_one, squash
from ._exercise_kit import _wrong_format, exercise


def _alerts() -> Vocabulary:
    from ..tls.loopback import _ALERTS

    return Vocabulary("TLS alert", [
        Term(name, "TLS alert", name, (str(number), f"tlsv1_alert_{name}", f"sslv3_alert_{name}", f"alert_{name}",
                                       f"alert {number}"))
        for number, name in _ALERTS.items()
    ])


#: Words around an alert's name in the messages column ("sent Alert unknown_ca (fatal)") or in OpenSSL's
#: error names (TLSV1_ALERT_UNKNOWN_CA).
_ALERT_NOISE = {"sent", "received", "alert", "fatal", "warning", "tlsv1", "sslv3", "tls"}


@exercise("05.alert", "A client presents a certificate signed by a CA the server does not trust. Which alert "
                      "does the server send? (its name, as in the messages column)",
          'one alert name as the messages column shows it, e.g. "handshake_failure" (its number counts too)')
def _alert_other_ca(answer, directory="lab") -> tuple[bool, str]:
    from .scenarios import other_ca_client
    from ..tls.loopback import handshake
    from ..pki.artifacts import load_artifacts

    def quiet(text):  # 'sent Alert unknown_ca (fatal)', as the messages column shows it, is 'unknown_ca'
        if not isinstance(text, str):
            return text
        return " ".join(w for w in text.replace("(", " ").replace(")", " ").split() if squash(w) not in _ALERT_NOISE)

    if isinstance(answer, (list, tuple, set, frozenset)):
        answer = [quiet(item) for item in answer]
    reading = read_one(quiet(answer), _alerts())
    if reading.problem or reading.strangers or reading.unknown or len(reading.found) != 1:
        detail = reading.problem or (f"{listed(repr(w) for w in reading.unknown)}: no TLS alert name"
                                     if reading.unknown else "")
        return _wrong_format("05.alert", detail)
    given = next(iter(reading.found))
    lab = load_artifacts(directory)
    report = handshake(lab, client=other_ca_client(lab))
    sent = [m for m in report.server.messages if m.startswith("sent Alert")]
    if not sent:
        return False, f"this time the server sent no alert ({report.server.error or 'it accepted'}): run it again."
    name = sent[0].split()[2]  # 'sent Alert unknown_ca (fatal)'
    if given == name:
        return True, (f"{name}: the server found no CA it trusts that signed the client's certificate "
                      f"({report.server.error}). 'Signed by a CA' is not enough: it must be a CA the server trusts.")
    return False, (f"{given} is not the alert this server sent: run the 'other CA' scenario and read the server's "
                   "column: the last message it sent is the alert.")


_MESSAGES = Vocabulary("handshake message", [
    Term(name, "handshake message", name) for name in (
        "ClientHello", "ServerHello", "HelloRetryRequest", "EncryptedExtensions", "CertificateRequest", "Certificate",
        "CertificateVerify", "Finished", "NewSessionTicket", "KeyUpdate", "ChangeCipherSpec", "ServerKeyExchange",
        "ClientKeyExchange", "ServerHelloDone")
])


@exercise("05.possession", "Which handshake message proves that the client holds client-key.pem?",
          'one handshake message name, e.g. "ServerHello"')
def _possession(answer, directory="lab") -> tuple[bool, str]:
    from ..tls.loopback import handshake
    from ..pki.artifacts import load_artifacts

    reading = read_one(answer, _MESSAGES)
    if reading.problem or reading.strangers or reading.unknown or len(reading.found) != 1:
        detail = reading.problem or (f"{listed(repr(w) for w in reading.unknown)}: no handshake message name"
                                     if reading.unknown else "")
        return _wrong_format("05.possession", detail)
    given = next(iter(reading.found))
    if given == "CertificateVerify":
        report = handshake(load_artifacts(directory))
        seen = "sent CertificateVerify" in report.client.messages and "received CertificateVerify" in report.server.messages
        return True, ("CertificateVerify: the client signs the hash of the handshake so far with client-key.pem, and "
                      "the server checks that signature with the public key in client-cert.pem (RFC 8446 §4.4.3). "
                      + ("Just now the client sent it and the server received it." if seen else ""))
    if given == "Certificate":
        return False, "the Certificate message carries client-cert.pem, which is public: anyone can send a copy of it."
    if given == "Finished":
        return False, ("Finished is a MAC over the handshake with keys from the key exchange: it proves the handshake "
                       "was not tampered with, not who holds client-key.pem.")
    return False, (f"{given} proves nothing about client-key.pem: look at the messages the client sends after the "
                   "server's CertificateRequest.")


@exercise("05.new-client", "Issue a new client certificate with your CA (lab/) and pass the client's Party: "
                           "the server must accept it",
          "a pkilesson.tls.loopback.Party: Party((certificate,), key, trust_of(lab)), the new certificate, its key, "
          "the CA the client trusts")
def _new_client(answer, directory="lab") -> tuple[bool, str]:
    from .scenarios import summary
    from ..tls.loopback import Party, handshake
    from ..pki.artifacts import load_artifacts

    if not isinstance(answer, Party) or not answer.chain:
        return False, "pass a Party((certificate,), key, (lab.ca.certificate,)): the client's certificate, its key, its trust."
    lab = load_artifacts(directory)
    if answer.chain[0] == lab.client_certificate:
        return False, f"that is {directory}/client-cert.pem itself: issue a new one with lab.ca.issue(...)."
    report = handshake(lab, client=answer)
    if not report.ok:
        return False, f"the handshake was {summary(report)}."
    return True, (f"{summary(report)}. The server never saw this certificate before: it trusts it because your CA "
                  "signed it, it says clientAuth, and the client proved it holds the key.")
