"""Lesson 03's exercises: the client certificate's extendedKeyUsage, which one passes as a server's, what differs.

These read the learner's own files: lab/ (``directory=``) and the source's in lab/source (``source=``).
"""

from __future__ import annotations

from pathlib import Path as _Path

from ._answers import EKU, EXTENSION, Term, Vocabulary, listed, read_one, read_set, squash
from ._exercise_kit import _LAB, _extra, _load, _misplaced, _wrong_format, exercise


def _ekus(certificate) -> set:
    """The EKU purposes of a certificate by their names (empty set: no EKU extension)."""
    from cryptography import x509

    from ..decoding.meanings import oid_name

    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return set()
    return {oid_name(oid.dotted_string) for oid in usage}


@exercise("03.client-eku", "Which extendedKeyUsage purpose does lab/client-cert.pem carry?",
          'one extendedKeyUsage purpose, e.g. "codeSigning": its name, the decoded view\'s label ("Code Signing") '
          'or its OID; "none" if the certificate has no extendedKeyUsage')
def _client_eku(answer, directory=_LAB) -> tuple[bool, str]:
    path = _Path(directory) / "client-cert.pem"
    reading = read_set(answer, EKU, none_words=())
    said_none = "none" in {squash(w) for w in reading.unknown}
    reading.unknown = [w for w in reading.unknown if squash(w) != "none"]
    if reading.problem:
        return _wrong_format("03.client-eku", reading.problem)
    if reading.empty and not said_none:
        return _wrong_format("03.client-eku", "no name found")
    have = _ekus(_load(path))
    given = reading.names
    hints = _misplaced(reading, EKU)
    if not have:
        if said_none and not given and not hints:
            return True, f"{path} has no extendedKeyUsage at all: it may be used for any purpose, a server's included."
        hints.append(f"{path} has no extendedKeyUsage at all: the answer is \"none\"")
        return False, "; ".join(hints) + "."
    if not hints and given == have:
        return True, (f"{path} says {', '.join(sorted(have))}: it may authenticate a TLS client "
                      "and nothing else (RFC 5280 §4.2.1.12).")
    if "serverAuth" in given - have:
        hints.append("serverAuth is the server's purpose; look at the client's extendedKeyUsage in the decoded view")
    elif given - have:
        hints.append(f"{listed(_extra(reading, given - have, EKU))}: not in the extendedKeyUsage of {path}")
    if said_none:
        hints.append(f"{path} has an extendedKeyUsage")
    if have - given:
        hints.append(f"missing {len(have - given)} purpose{'s' if len(have - given) > 1 else ''}: look for "
                     f"'extendedKeyUsage' in the decoded view of {path}")
    return False, "; ".join(hints) + "."


_WHO = Vocabulary("answer", [
    Term("source", "answer", "source", ("the source's", "source's", "sources", "the source", "theirs")),
    Term("yours", "answer", "yours", ("ours", "mine", "your", "my", "you", "pkilesson", "pkilesson's")),
    Term("both", "answer", "both", ("all", "either")),
    Term("none", "answer", "none", ("neither", "nobody", "no one", "nothing")),
])


@exercise("03.sslserver", "Which client certificate does 'openssl verify -purpose sslserver' accept: "
                          "'source', 'yours', 'both' or 'none'?",
          'one word: "source", "yours", "both" or "none"')
def _sslserver(answer, directory=_LAB, source=None) -> tuple[bool, str]:
    from ..verify.verifiers import openssl_verify

    reading = read_one(answer, _WHO)
    if reading.problem or len(reading.found) != 1 or reading.unknown or reading.strangers:
        return _wrong_format("03.sslserver", reading.problem)
    given = next(iter(reading.found))
    source = _Path(source) if source is not None else _Path(directory) / "source"
    accepted, how = {}, "as openssl answered just now"
    for who, folder in (("source", source), ("yours", _Path(directory))):
        outcome = openssl_verify("client-cert.pem", folder, purpose="sslserver")
        if outcome.ran:
            accepted[who] = bool(outcome.accepted)
        else:  # no CLI: OpenSSL's rule, a purpose is refused only by an EKU (or keyUsage) that excludes it
            ekus = _ekus(_load(folder / "client-cert.pem")) if (folder / "client-cert.pem").is_file() else set()
            accepted[who] = not ekus or "serverAuth" in ekus
            how = "by OpenSSL's rule (the openssl command is not installed here)"
    truth = {(True, True): "both", (True, False): "source", (False, True): "yours", (False, False): "none"}[
        (accepted["source"], accepted["yours"])]
    said = []
    for who, key, folder in (("the source's", "source", source), ("yours", "yours", _Path(directory))):
        ekus = _ekus(_load(folder / "client-cert.pem")) if (folder / "client-cert.pem").is_file() else set()
        usage = f"extendedKeyUsage {', '.join(sorted(ekus))}" if ekus else "no extendedKeyUsage"
        said.append(f"{who} has {usage}: {'accepted' if accepted[key] else 'refused'}")
    if given != truth:
        predicted = {"source": given in ("source", "both"), "yours": given in ("yours", "both")}
        wrong = [f"{'the source' if who == 'source' else 'yours'} {'accepted' if predicted[who] else 'refused'}"
                 for who in ("source", "yours") if predicted[who] != accepted[who]]
        return False, (f"your answer has {listed(wrong)}, and that is not what openssl says. Look at each "
                       "certificate's extendedKeyUsage in the comparison above: which of them forbids the server purpose?")
    return True, (f"{truth} ({how}): {'; '.join(said)}. Without an EKU nothing forbids the server purpose, so a "
                  "client's certificate passes as a server's.")


@exercise("03.differences", "Besides the serial, subject, key (and its subjectKeyIdentifier) and signature, "
                            "which extensions differ between lab/server-cert.pem and lab/client-cert.pem?",
          'a set of extension names, e.g. {"basicConstraints"}: the names the comparison\'s rows show '
          "(subjectAltName, keyUsage...), OpenSSL's labels (Subject Alternative Name) or the usual abbreviations "
          "(SAN, KU, EKU)")
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
        return _wrong_format("03.differences", "no extension name found")
    diff = compare(_load(_Path(directory) / "server-cert.pem"), _load(_Path(directory) / "client-cert.pem"))
    differing = {}
    for row in diff.differences:
        oid = row.key[4:] if row.key.startswith("ext:") else None
        if oid and oid_name(oid) != "subjectKeyIdentifier":
            differing[oid_name(oid)] = row.values
    given = reading.names
    hints = _misplaced(reading, EXTENSION)
    shown = "; ".join(f"{name}: server {v[0] or 'absent'}, client {v[1] or 'absent'}" for name, v in sorted(differing.items()))
    if not hints and given == set(differing):
        return True, shown + "."
    extra, missing = given - set(differing), set(differing) - given
    if extra:
        hints.append(f"{listed(_extra(reading, extra, EXTENSION))}: the same in both certificates")
    if missing:
        hints.append(f"missing one: also {listed(sorted(missing))} differ{'s' if len(missing) == 1 else ''}: "
                     "compare(server_cert, client_cert) lists it among the differences")
    return False, "; ".join(hints) + "."
