"""Lesson 05's exercises: mutual TLS, the server's alert, the message that proves possession, a new client.

These run real handshakes on 127.0.0.1 with the learner's files in lab/ (``directory=``).
"""

from __future__ import annotations

from .._catalog import N_, _
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
_ALERT_NOISE = {"sent", "received", "alert", "fatal", "warning", "tlsv1", "sslv3", "tls",
                "envoyé", "envoyée", "reçu", "reçue", "alerte", "fatale", "avertissement"}


@exercise("05.alert", N_("A client presents a certificate signed by a CA the server does not trust. Which alert "
                         "does the server send? (its name, as in the messages column)"),
          N_('one alert name as the messages column shows it, e.g. "handshake_failure" (its number counts too)'))
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
        detail = reading.problem or (_("{words}: no TLS alert name").format(words=listed(repr(w) for w in reading.unknown))
                                     if reading.unknown else "")
        return _wrong_format("05.alert", detail)
    given = next(iter(reading.found))
    lab = load_artifacts(directory)
    report = handshake(lab, client=other_ca_client(lab))
    sent = [m for m in report.server.messages if m.startswith("sent Alert")]
    if not sent:
        return False, _("this time the server sent no alert ({error}): run it again.").format(
            error=report.server.error or _("it accepted"))
    name = sent[0].split()[2]  # 'sent Alert unknown_ca (fatal)'
    if given == name:
        return True, _("{name}: the server found no CA it trusts that signed the client's certificate ({error}). "
                       "'Signed by a CA' is not enough: it must be a CA the server trusts.").format(
            name=name, error=report.server.error)
    return False, _("{given} is not the alert this server sent: run the 'other CA' scenario and read the server's "
                    "column: the last message it sent is the alert.").format(given=given)


_MESSAGES = Vocabulary("handshake message", [
    Term(name, "handshake message", name) for name in (
        "ClientHello", "ServerHello", "HelloRetryRequest", "EncryptedExtensions", "CertificateRequest", "Certificate",
        "CertificateVerify", "Finished", "NewSessionTicket", "KeyUpdate", "ChangeCipherSpec", "ServerKeyExchange",
        "ClientKeyExchange", "ServerHelloDone")
])


@exercise("05.possession", N_("Which handshake message proves that the client holds client-key.pem?"),
          N_('one handshake message name, e.g. "ServerHello"'))
def _possession(answer, directory="lab") -> tuple[bool, str]:
    from ..tls.loopback import handshake
    from ..pki.artifacts import load_artifacts

    reading = read_one(answer, _MESSAGES)
    if reading.problem or reading.strangers or reading.unknown or len(reading.found) != 1:
        detail = reading.problem or (_("{words}: no handshake message name").format(
            words=listed(repr(w) for w in reading.unknown)) if reading.unknown else "")
        return _wrong_format("05.possession", detail)
    given = next(iter(reading.found))
    if given == "CertificateVerify":
        report = handshake(load_artifacts(directory))
        seen = "sent CertificateVerify" in report.client.messages and "received CertificateVerify" in report.server.messages
        return True, (_("CertificateVerify: the client signs the hash of the handshake so far with client-key.pem, "
                        "and the server checks that signature with the public key in client-cert.pem "
                        "(RFC 8446 §4.4.3). ")
                      + (_("Just now the client sent it and the server received it.") if seen else ""))
    if given == "Certificate":
        return False, _("the Certificate message carries client-cert.pem, which is public: anyone can send a copy of "
                        "it.")
    if given == "Finished":
        return False, _("Finished is a MAC over the handshake with keys from the key exchange: it proves the "
                        "handshake was not tampered with, not who holds client-key.pem.")
    return False, _("{given} proves nothing about client-key.pem: look at the messages the client sends after the "
                    "server's CertificateRequest.").format(given=given)


@exercise("05.new-client", N_("Issue a new client certificate with your CA (lab/) and pass the client's Party: "
                              "the server must accept it"),
          N_("a pkilesson.tls.loopback.Party: Party((certificate,), key, trust_of(lab)), the new certificate, its "
             "key, the CA the client trusts"))
def _new_client(answer, directory="lab") -> tuple[bool, str]:
    from .scenarios import summary
    from ..tls.loopback import Party, handshake
    from ..pki.artifacts import load_artifacts

    if not isinstance(answer, Party) or not answer.chain:
        return False, _("pass a Party((certificate,), key, (lab.ca.certificate,)): the client's certificate, its key, "
                        "its trust.")
    lab = load_artifacts(directory)
    if answer.chain[0] == lab.client_certificate:
        return False, _("that is {directory}/client-cert.pem itself: issue a new one with lab.ca.issue(...).").format(
            directory=directory)
    report = handshake(lab, client=answer)
    if not report.ok:
        return False, _("the handshake was {summary}.").format(summary=summary(report))
    return True, _("{summary}. The server never saw this certificate before: it trusts it because your CA signed it, "
                   "it says clientAuth, and the client proved it holds the key.").format(summary=summary(report))
