"""Lesson 06's exercises: when a CRL goes stale, the minimal chain, which CA key must be at hand.

These run real handshakes on 127.0.0.1 with the learner's files in lab/ (``directory=``).
"""

from __future__ import annotations

from pathlib import Path as _Path

from .._catalog import N_, _
from ._answers import Term, Vocabulary, read_date, read_set
from ._exercise_kit import _label, _one_letter, _wrong_format, exercise


@exercise("06.crl-stale", N_("After which day (UTC, YYYY-MM-DD) does a server that loads lab/ca-crl.pem, and "
                             "never gets a newer CRL, refuse every client?"),
          N_('a date as "YYYY-MM-DD" (the day in UTC), e.g. "2030-01-31"; a date or datetime object counts too'))
def _crl_stale(answer, directory="lab") -> tuple[bool, str]:
    from ..pki.revocation import CRL_FILE, load_crl

    path = _Path(directory) / CRL_FILE
    if not path.is_file():
        return False, _("there is no {path} yet: run the revocation part of the notebook (pkilesson revoke) "
                        "first.").format(path=path)
    given = read_date(answer)
    if given is None:
        return _wrong_format("06.crl-stale", _("{answer!r} is not a date").format(answer=answer))
    crl = load_crl(path)
    end = crl.next_update_utc
    if given == end.date():
        return True, _("{end:%Y-%m-%d %H:%M}Z is the CRL's nextUpdate. After it OpenSSL refuses every client "
                       "certificate with 'CRL has expired' (error 12), revoked or not: the server must fetch a fresh "
                       "CRL before then.").format(end=end)
    if given == crl.last_update_utc.date():
        return False, _("{given} is when the CA issued this CRL ({label}): the CRL is good from then on. Which date "
                        "says when it goes stale?").format(given=given, label=_label(path, "this_update"))
    if abs((given - end.date()).days) == 1:
        return False, _("one day off: give the day of the CRL's nextUpdate in UTC, as the decoded view writes it.")
    return False, _("look for {label} in the decoded view of {path}.").format(label=_label(path, "next_update"),
                                                                              path=path)


@exercise("06.minimal-chain", N_("In lab/intermediate/, which certificates must the server send so that a client "
                                 "trusting only root-cert.pem accepts it? (a) server-cert.pem alone; (b) "
                                 "server-cert.pem then intermediate-cert.pem; (c) those two and root-cert.pem"),
          N_('one letter: "a", "b" or "c"'))
def _minimal_chain(answer, directory="lab") -> tuple[bool, str]:
    from ..pki.hierarchy import load_hierarchy
    from ..tls.loopback import Party, handshake

    given, problem = _one_letter("06.minimal-chain", answer, "abc")
    if problem:
        return problem
    folder = _Path(directory) / "intermediate"
    h = load_hierarchy(folder)
    chains = {"a": h.chain("server")[:1], "b": h.chain("server"), "c": h.chain("server") + (h.root_certificate,)}
    outcomes = {}
    for letter, chain in chains.items():
        report = handshake(server=Party(chain, h.server_key, (h.root_certificate,)), client=h.party("client"))
        outcomes[letter] = (_("accepted") if report.ok else
                            _("refused ({error})").format(error=report.client.error or report.server.error))
    told = _("; ").join(f"({letter}) {outcome}" for letter, outcome in outcomes.items())
    if given == "b":
        return True, _("just now: {told}. The client has the root; it needs the intermediate to link the server's "
                       "certificate to it. Sending the root too is allowed but useless: the client only trusts its "
                       "own copy.").format(told=told)
    if given == "c":
        return False, _("just now: {told}. (c) works, but is more than needed: which certificate does the client "
                        "already have?").format(told=told)
    return False, _("just now: {told}. Without the intermediate, the client cannot link server-cert.pem to the "
                    "root.").format(told=told)


_KEYS = Vocabulary("key", [
    Term("root", "key", "root", ("root-key.pem", "root key", "root CA", "root CA key", "the root's key", "root's",
                                 "the root", "racine", "la racine", "clé racine", "la clé racine", "clé de la racine",
                                 "la clé de la racine", "AC racine", "l'AC racine", "clé de l'AC racine")),
    Term("intermediate", "key", "intermediate",
         ("intermediate-key.pem", "intermediate key", "intermediate CA", "intermediate CA key", "intermediate's",
          "sub CA", "issuing CA", "the intermediate", "the intermediate's key", "intermédiaire", "l'intermédiaire",
          "clé intermédiaire", "la clé intermédiaire", "clé de l'intermédiaire", "la clé de l'intermédiaire",
          "AC intermédiaire", "l'AC intermédiaire", "clé de l'AC intermédiaire")),
    Term("both", "key", "both", ("all", "root and intermediate", "les deux", "toutes", "tous", "toutes les deux",
                                 "racine et intermédiaire")),
])


@exercise("06.offline", N_("Which private keys must be at hand to issue a new client certificate in "
                           "lab/intermediate/? (root, intermediate, or both)"),
          N_('one word: "root", "intermediate" or "both"'))
def _offline(answer, directory="lab") -> tuple[bool, str]:
    from ..pki.csr import create_csr
    from ..pki.hierarchy import load_hierarchy
    from ..pki.keys import generate_key
    from ..pki.profiles import CLIENT
    from .scenarios import summary
    from ..tls.loopback import Party, handshake

    reading = read_set(answer, _KEYS)
    if reading.problem or reading.unknown or reading.strangers or not reading.found:
        return False, _("answer 'root', 'intermediate' or 'both'.")
    given = reading.names
    if "both" in given:
        given = (given - {"both"}) | {"root", "intermediate"}
    if given != {"intermediate"}:
        return False, _("the root signed the intermediate once; who signs the leaves?")
    h = load_hierarchy(_Path(directory) / "intermediate")  # no passphrase: the root's key is not read
    key = generate_key("p256")
    certificate = h.intermediate.issue(create_csr(key, "/CN=exercise.localhost", ["exercise.localhost"]), CLIENT)
    report = handshake(server=h.party("server"),
                       client=Party((certificate, h.intermediate.certificate), key, (h.root_certificate,)))
    return report.ok, _("the intermediate's key alone: just now it issued CN=exercise.localhost without the root's "
                        "key ever being read, and the server said: {summary}. The root's key is needed only to sign "
                        "(or revoke) an intermediate: it can stay offline.").format(summary=summary(report))
