"""Lesson 03's exercises: the client certificate's extendedKeyUsage, which one passes as a server's, what differs.

These read the learner's own files: lab/ (``directory=``) and the source's in lab/source (``source=``).
"""

from __future__ import annotations

from pathlib import Path as _Path

from .._catalog import N_, _, ngettext, tr
from ._answers import EKU, EXTENSION, NONE_WORDS, Term, Vocabulary, listed, read_one, read_set, squash
from ._exercise_kit import _LAB, _extra, _joined, _load, _misplaced, _wrong_format, exercise


def _ekus(certificate) -> set:
    """The EKU purposes of a certificate by their names (empty set: no EKU extension)."""
    from cryptography import x509

    from ..decoding.meanings import oid_name

    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return set()
    return {oid_name(oid.dotted_string) for oid in usage}


@exercise("03.client-eku", N_("Which extendedKeyUsage purpose does lab/client-cert.pem carry?"),
          N_('one extendedKeyUsage purpose, e.g. "codeSigning": its name, the decoded view\'s label ("Code Signing") '
             'or its OID; "none" if the certificate has no extendedKeyUsage'))
def _client_eku(answer, directory=_LAB) -> tuple[bool, str]:
    path = _Path(directory) / "client-cert.pem"
    reading = read_set(answer, EKU, none_words=())
    said_none = bool(NONE_WORDS & {squash(w) for w in reading.unknown})
    reading.unknown = [w for w in reading.unknown if squash(w) not in NONE_WORDS]
    if reading.problem:
        return _wrong_format("03.client-eku", reading.problem)
    if reading.empty and not said_none:
        return _wrong_format("03.client-eku", _("no name found"))
    have = _ekus(_load(path))
    given = reading.names
    hints = _misplaced(reading, EKU)
    if not have:
        if said_none and not given and not hints:
            return True, _("{path} has no extendedKeyUsage at all: it may be used for any purpose, a server's "
                           "included.").format(path=path)
        hints.append(_("{path} has no extendedKeyUsage at all: the answer is \"none\"").format(path=path))
        return False, _joined(hints)
    if not hints and given == have:
        return True, _("{path} says {purposes}: it may authenticate a TLS client and nothing else "
                       "(RFC 5280 §4.2.1.12).").format(path=path, purposes=", ".join(sorted(have)))
    if "serverAuth" in given - have:
        hints.append(_("serverAuth is the server's purpose; look at the client's extendedKeyUsage in the decoded view"))
    elif given - have:
        hints.append(_("{names}: not in the extendedKeyUsage of {path}").format(
            names=listed(_extra(reading, given - have, EKU)), path=path))
    if said_none:
        hints.append(_("{path} has an extendedKeyUsage").format(path=path))
    if have - given:
        hints.append(ngettext("missing {count} purpose: look for 'extendedKeyUsage' in the decoded view of {path}",
                              "missing {count} purposes: look for 'extendedKeyUsage' in the decoded view of {path}",
                              len(have - given)).format(count=len(have - given), path=path))
    return False, _joined(hints)


_WHO = Vocabulary("answer", [
    Term("source", "answer", "source", ("the source's", "source's", "sources", "the source", "theirs",
                                        "la source", "le document source", "celui de la source",
                                        "celui du document source", "document source")),
    Term("yours", "answer", "yours", ("ours", "mine", "your", "my", "you", "pkilesson", "pkilesson's",
                                      "le vôtre", "vôtre", "votre", "le mien", "mien", "le nôtre", "nôtre", "le tien",
                                      "tien", "celui de pkilesson", "vous", "moi")),
    Term("both", "answer", "both", ("all", "either", "les deux", "tous les deux", "l'un et l'autre", "tous",
                                    "deux")),
    Term("none", "answer", "none", ("neither", "nobody", "no one", "nothing", "aucun", "aucun des deux",
                                    "ni l'un ni l'autre", "personne", "rien")),
])


#: What each certificate got, by (whose, accepted): "{usage}" is its extendedKeyUsage.
_SAID = {
    ("source", True): N_("the source's has {usage}: accepted"),
    ("source", False): N_("the source's has {usage}: refused"),
    ("yours", True): N_("yours has {usage}: accepted"),
    ("yours", False): N_("yours has {usage}: refused"),
}
#: What an answer predicted, by (whose, accepted).
_PREDICTED = {
    ("source", True): N_("the source accepted"),
    ("source", False): N_("the source refused"),
    ("yours", True): N_("yours accepted"),
    ("yours", False): N_("yours refused"),
}


@exercise("03.sslserver", N_("Which client certificate does 'openssl verify -purpose sslserver' accept: "
                             "'source', 'yours', 'both' or 'none'?"),
          N_('one word: "source", "yours", "both" or "none"'))
def _sslserver(answer, directory=_LAB, source=None) -> tuple[bool, str]:
    from ..verify.verifiers import openssl_verify

    reading = read_one(answer, _WHO)
    if reading.problem or len(reading.found) != 1 or reading.unknown or reading.strangers:
        return _wrong_format("03.sslserver", reading.problem)
    given = next(iter(reading.found))
    source = _Path(source) if source is not None else _Path(directory) / "source"
    accepted, how = {}, _("as openssl answered just now")
    for who, folder in (("source", source), ("yours", _Path(directory))):
        outcome = openssl_verify("client-cert.pem", folder, purpose="sslserver")
        if outcome.ran:
            accepted[who] = bool(outcome.accepted)
        else:  # no CLI: OpenSSL's rule, a purpose is refused only by an EKU (or keyUsage) that excludes it
            ekus = _ekus(_load(folder / "client-cert.pem")) if (folder / "client-cert.pem").is_file() else set()
            accepted[who] = not ekus or "serverAuth" in ekus
            how = _("by OpenSSL's rule (the openssl command is not installed here)")
    truth = {(True, True): "both", (True, False): "source", (False, True): "yours", (False, False): "none"}[
        (accepted["source"], accepted["yours"])]
    said = []
    for key, folder in (("source", source), ("yours", _Path(directory))):
        ekus = _ekus(_load(folder / "client-cert.pem")) if (folder / "client-cert.pem").is_file() else set()
        usage = (_("extendedKeyUsage {purposes}").format(purposes=", ".join(sorted(ekus))) if ekus
                 else _("no extendedKeyUsage"))
        said.append(tr(_SAID[key, accepted[key]]).format(usage=usage))
    if given != truth:
        predicted = {"source": given in ("source", "both"), "yours": given in ("yours", "both")}
        wrong = [tr(_PREDICTED[who, predicted[who]]) for who in ("source", "yours") if predicted[who] != accepted[who]]
        return False, _("your answer has {wrong}, and that is not what openssl says. Look at each certificate's "
                        "extendedKeyUsage in the comparison above: which of them forbids the server purpose?").format(
            wrong=listed(wrong))
    return True, _("{answer} ({how}): {said}. Without an EKU nothing forbids the server purpose, so a client's "
                   "certificate passes as a server's.").format(answer=truth, how=how, said=_("; ").join(said))


@exercise("03.differences", N_("Besides the serial, subject, key (and its subjectKeyIdentifier) and signature, "
                               "which extensions differ between lab/server-cert.pem and lab/client-cert.pem?"),
          N_('a set of extension names, e.g. {"basicConstraints"}: the names the comparison\'s rows show '
             "(subjectAltName, keyUsage...), OpenSSL's labels (Subject Alternative Name) or the usual abbreviations "
             "(SAN, KU, EKU)"))
def _differences(answer, directory=_LAB) -> tuple[bool, str]:
    from ..decoding.compare import compare
    from ..decoding.meanings import oid_name

    reading = read_set(answer, EXTENSION)
    if reading.problem:
        return _wrong_format("03.differences", reading.problem)
    reading.found.pop("subjectKeyIdentifier", None)  # the question leaves it out: naming it is no mistake
    reading.strangers = [(w, t) for w, t in reading.strangers  # nor are the fields the question sets aside
                         if t.name not in ("serialNumber", "subject", "subjectPublicKeyInfo", "signatureValue",
                                           "signatureAlgorithm")]
    if reading.empty:
        return _wrong_format("03.differences", _("no extension name found"))
    diff = compare(_load(_Path(directory) / "server-cert.pem"), _load(_Path(directory) / "client-cert.pem"))
    differing = {}
    for row in diff.differences:
        oid = row.key[4:] if row.key.startswith("ext:") else None
        if oid and oid_name(oid) != "subjectKeyIdentifier":
            differing[oid_name(oid)] = row.values
    given = reading.names
    hints = _misplaced(reading, EXTENSION)
    shown = _joined([_("{name}: server {server}, client {client}").format(
        name=name, server=v[0] or _("absent"), client=v[1] or _("absent")) for name, v in sorted(differing.items())])
    if not hints and given == set(differing):
        return True, shown
    extra, missing = given - set(differing), set(differing) - given
    if extra:
        hints.append(_("{names}: the same in both certificates").format(names=listed(_extra(reading, extra, EXTENSION))))
    if missing:
        hints.append(ngettext("missing one: also {names} differs: compare(server_cert, client_cert) lists it among the "
                              "differences",
                              "missing one: also {names} differ: compare(server_cert, client_cert) lists it among the "
                              "differences", len(missing)).format(names=listed(sorted(missing))))
    return False, _joined(hints)
