"""Exercises with self-checks: the learner answers, :func:`check` says whether it is right and why.

Each exercise is a function registered under an id (``"01.ca-key-usage"``)
that takes the learner's answer and returns ``(correct, why)``. Where the
right answer depends on the learner's own files, the function reads them
(from ``lab/`` by default), so the check is about *their* certificate.

Every check reads answers the same way (:mod:`pkilesson.lessons._answers`): case,
spaces, underscores and hyphens do not matter; a name may be written as the
RFC writes it (``keyCertSign``), as the decoded view labels it (``Certificate
Sign``) or by its OID; a set, a list, a tuple or one comma-separated string
counts where several items are asked, a string (or a one-item collection)
where one is. A wrong answer gets a hint about what is actually wrong: what
is missing, what is extra, or the expected format.

:data:`FORMATS` gives the format each exercise expects, in words a question
can quote; ``check(id, None)`` says it too.

>>> check("01.ca-key-usage", {"keyCertSign", "cRLSign"}).correct
True
>>> check("01.ca-key-usage", ["Certificate Sign", "CRL Sign"]).correct
True
"""

from __future__ import annotations

import html
import stat
from dataclasses import dataclass
from pathlib import Path as _Path
from typing import Any, Callable, Optional

from ._answers import (
    EKU,
    EXTENSION,
    FIELD,
    KEY_USAGE,
    Reading,
    Term,
    Vocabulary,
    a_kind,
    listed,
    read_boolean,
    read_booleans,
    read_date,
    read_file_names,
    read_host_names,
    read_letters,
    read_one,
    read_set,
    read_whole_number,
    squash,
)
from ..errors import PkiLessonError

__all__ = ["Feedback", "check", "exercise", "EXERCISES", "FORMATS"]

#: id -> (question, checking function)
EXERCISES: dict[str, tuple[str, Callable[..., tuple[bool, str]]]] = {}
#: id -> the answer's expected format, in words a question can quote (e.g. 'a set of names, e.g. {"x"}').
FORMATS: dict[str, str] = {}


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: right or not, and why."""

    exercise: str
    correct: bool
    why: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return f"{'Right' if self.correct else 'Not yet'}: {self.why}"

    def _repr_html_(self) -> str:
        colour = "var(--jp-success-color1, #2e7d32)" if self.correct else "var(--jp-warn-color1, #e65100)"
        mark = "✔ Right" if self.correct else "✘ Not yet"
        return (
            f'<div class="pkilesson-feedback"><b style="color: {colour}">{mark}</b>: '
            f"{html.escape(self.why)}</div>"
        )


def exercise(exercise_id: str, question: str, format: str = ""):
    """Register a checking function ``f(answer, **context) -> (correct, why)`` under ``exercise_id``.

    ``format`` is the answer's expected format (:data:`FORMATS`); ``check`` never calls ``f`` with None.
    """

    def register(function):
        EXERCISES[exercise_id] = (question, function)
        FORMATS[exercise_id] = format
        return function

    return register


def check(exercise_id: str, answer: Any, **context) -> Feedback:
    """Check ``answer`` to exercise ``exercise_id``; ``context`` passes e.g. ``directory=``."""
    if exercise_id not in EXERCISES:
        raise PkiLessonError(
            f"There is no exercise {exercise_id!r}.", f"use one of {', '.join(sorted(EXERCISES))}."
        )
    _, function = EXERCISES[exercise_id]
    if answer is None:
        return Feedback(exercise_id, False, f"replace None with your answer ({FORMATS[exercise_id]}), "
                                            "then run the cell again.")
    try:
        correct, why = function(answer, **context)
    except PkiLessonError as error:  # e.g. a file the check needs is missing or damaged: say so, do not raise
        return Feedback(exercise_id, False, f"the check could not run: {error}")
    return Feedback(exercise_id, bool(correct), why)


# -- wording the hints -----------------------------------------------------------------------------------


def _wrong_format(exercise_id: str, detail: str = "") -> tuple[bool, str]:
    """A format problem: what is wrong with the answer's shape, and the shape expected."""
    return False, f"wrong format{f' ({detail})' if detail else ''}: give {FORMATS[exercise_id]}."


def _as_written(written: str, term: Term) -> str:
    """``"Certificate Sign" (keyCertSign)`` when the learner used another spelling, else ``keyCertSign``."""
    return term.name if squash(written) == squash(term.name) else f'"{written}" ({term.name})'


def _misplaced(reading: Reading, vocabulary: Vocabulary) -> list[str]:
    """Hints for the words that are no term of ``vocabulary``: another kind's terms, then unknown words."""
    hints = [f"{_as_written(written, term)} is {_article(term.kind)} {term.kind}, not {_article(vocabulary.kind)} "
             f"{vocabulary.kind}" for written, term in reading.strangers]
    if reading.unknown:
        names = ", ".join(t.name for t in vocabulary.terms)
        words = listed(f'"{w}"' for w in reading.unknown)
        hints.append(f"{words} {'is' if len(reading.unknown) == 1 else 'are'} no {vocabulary.kind} name "
                     f"(the names: {names}; the decoded view's labels count too)")
    return hints


def _article(words: str) -> str:
    return "an" if words[:1].lower() in "aeiou" else "a"


def _extra(reading: Reading, names: set[str], vocabulary: Vocabulary) -> list[str]:
    """The terms in ``names`` as the learner wrote them."""
    return [_as_written(reading.found[name], vocabulary[name]) for name in sorted(names)]


def _is(items: list) -> str:
    return "is" if len(items) == 1 else "are"


# -- 01: the CA -------------------------------------------------------------------------------


_CA_BITS = {
    "keyCertSign": "the bit that lets the CA sign certificates: without it a strict verifier refuses every "
                   "certificate this CA signs",
    "cRLSign": "the bit that lets the CA sign revocation lists (CRLs)",
}


@exercise("01.ca-key-usage", "Which keyUsage bits does a root CA certificate need, and no more?",
          'a set of keyUsage bit names, e.g. {"digitalSignature"}; the RFC 5280 names (keyCertSign) and the '
          'decoded view\'s labels ("Certificate Sign") both count, in any case and order')
def _ca_key_usage(answer) -> tuple[bool, str]:
    reading = read_set(answer, KEY_USAGE)
    if reading.problem:
        return _wrong_format("01.ca-key-usage", reading.problem)
    wanted = set(_CA_BITS)
    given = reading.names
    hints = _misplaced(reading, KEY_USAGE)
    if not hints and given == wanted:
        labels = [f'"{w}" is another name of {n}' for n, w in reading.found.items() if squash(w) != squash(n)]
        note = f" ({'; '.join(labels)}.)" if labels else ""
        return True, ("keyCertSign lets the CA sign certificates, cRLSign lets it sign revocation lists "
                      "(RFC 5280 §4.2.1.3)." + note)
    extra = _extra(reading, given - wanted, KEY_USAGE)
    if extra:
        hints.append(f"{listed(extra)} {_is(extra)} not needed: a root CA's key signs only certificates and CRLs")
    hints += [f"missing {_CA_BITS[name]}" for name in sorted(wanted - given)]
    if not hints:
        return _wrong_format("01.ca-key-usage", "no name found")
    return False, "; ".join(hints) + "."


def _holds_private_key(path: _Path) -> bool:
    if path.name.endswith("-key.pem"):
        return True
    try:
        with path.open("rb") as file:
            return b"PRIVATE KEY-----" in file.read(4096)
    except OSError:
        return False


#: The key files of lab/source/ whose mode lesson 01 shows: an answer must name these (when readable).
_SHOWN_IN_LESSON_01 = {"ca-key.pem"}


@exercise("01.readable-keys", "Which files in lab/source/ must stay secret, yet every user of this machine may read?",
          'a list of file names in lab/source/, e.g. ["x-key.pem"], or "none"; lesson.file_mode(path) gives a '
          "file's mode, print(pkilesson.Workspace(source.folder).listing()) lists the source's files with theirs. "
          "The key files made by later lessons may be named too, or left out")
def _readable_keys(answer, directory="lab") -> tuple[bool, str]:
    folder = _Path(directory) / "source"
    files = {p.name: p for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}
    keys = {name: stat.S_IMODE(p.stat().st_mode) for name, p in files.items() if _holds_private_key(p)}
    if not keys:
        return False, f"there is no key file in {folder}/ yet: run lesson.run_source_step(1) first."
    names = read_file_names(answer)
    if names is None:
        return _wrong_format("01.readable-keys", f"{a_kind(answer)} is not a list of file names")
    readable = {name for name, mode in keys.items() if mode & 0o004}
    given = {name for name in names if squash(name) != "none"}
    said_none = len(given) < len(names)
    shown = ", ".join(f"{name} {mode:04o}" for name, mode in keys.items())
    hints = []
    absent = sorted(given - set(files))
    if absent:
        hints.append(f"{listed(absent)}: no such file in {folder}/")
    public = sorted((given & set(files)) - set(keys))
    if public:
        hints.append(f"{listed(public)}: certificates and CSRs are public by design; only keys are secret")
    private = sorted((given & set(keys)) - readable)
    if private:
        modes = ", ".join(f"{name} is {keys[name]:04o}" for name in private)
        hints.append(f"{listed(private)}: a key, but only its owner can read it ({modes}: the last digit is 0)")
    required = readable & _SHOWN_IN_LESSON_01
    missing = required - given
    if readable and not given and not hints:
        hints.append(f"{'none' if said_none else 'nothing'} given, but {len(readable)} key file"
                     f"{'s' if len(readable) > 1 else ''} in {folder}/ can be read by everyone")
    elif missing:
        hints.append(f"missing the key file whose mode lesson 01 printed ({len(missing)} file): a mode ending in 4 "
                     "lets every user read it")
    if hints:
        return False, "; ".join(hints) + "."
    if not readable:
        return True, f"none ({shown}): your umask keeps new files private, so the shell's redirect did too."
    others = sorted(readable - given)
    also = (f" Also readable by everyone now: {listed(others)}, made by the source's same redirect in later "
            "lessons." if others else "")
    return True, (f"{listed(sorted(given))} ({shown}): the last digit, 4, lets every user read the file, and whoever "
                  f"reads a private key can sign as its owner.{also}")


def _label(path: _Path, *keys: str) -> str:
    """The decoded view's label of the first of ``keys`` it shows ('Valid until', 'Not after'), quoted."""
    from ..decoding.decode import decode

    try:
        view = decode(path)
    except PkiLessonError:
        return repr(keys[-1])
    rows = (*getattr(view, "summary", ()), *view.fields)
    labels = list(dict.fromkeys(f.label for k in keys for f in rows if f.key == k))
    return " or ".join(f"'{label}'" for label in labels) or repr(keys[-1])


@exercise("01.ca-valid-until", "Until which day (UTC) is the CA certificate in lab/ valid? Read its notAfter "
                                '("Not after" in the decoded view of lab/ca-cert.pem)',
          'a date as "YYYY-MM-DD" (the day in UTC), e.g. "2030-01-31", read in the decoded view of lab/ca-cert.pem: '
          'decode(lab / "ca-cert.pem"); a date or datetime object counts too')
def _ca_valid_until(answer, directory="lab", now=None) -> tuple[bool, str]:
    from ..pki._time import resolve_now
    from ..pki.certificates import load_certificate

    path = _Path(directory) / "ca-cert.pem"
    if not path.exists():
        return False, f"there is no {path} yet: run the notebook from the top (it saves the CA there)."
    given = read_date(answer)
    if given is None:
        return _wrong_format("01.ca-valid-until", f"{answer!r} is not a date")
    certificate = load_certificate(path)
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    days = (end - start).days
    if given == end.date():
        return True, (f"{path} ends {end:%Y-%m-%d %H:%M:%S}Z (its notAfter), {days} days after its notBefore. Every "
                      "certificate it signs must end by then: pkilesson's CA refuses to sign one that would outlive it.")
    years = round(days / 365.25)
    try:
        calendar = start.replace(year=start.year + years).date() if years else None
    except ValueError:  # 29 February, and the year after the years is not a leap year
        calendar = start.replace(year=start.year + years, day=28).date()
    if calendar and given == calendar:
        return False, (f"{given} is {years} calendar years after {start:%Y-%m-%d}, but the CA was made for {days} days, "
                       f"not {years} years: the 29 Februaries in between make {days} days end on "
                       f"{end:%Y-%m-%d}. Read the date in the certificate rather than computing it.")
    today = resolve_now(now)
    if given == (today + (end - start)).date() and start.date() != today.date():
        return False, (f"{given} is {days} days from today: the end of a CA made today, like the one this notebook "
                       f"made in memory. The CA in {path} was made earlier, on {start:%Y-%m-%d} (its notBefore), and "
                       f"saving kept it: read the notAfter of {path} itself, decode(lab / \"ca-cert.pem\").")
    if abs((given - end.date()).days) == 1:
        return False, (f"one day off: the notAfter is an instant in UTC; give its day in UTC, as the decoded view "
                       f"of {path} writes it ({_label(path, 'valid_until', 'not_after')}).")
    return False, f"look for {_label(path, 'valid_until', 'not_after')} in the decoded view of {path} (the date before the time)."


# -- 02: the server ------------------------------------------------------------------------------------

def _one_letter(exercise_id: str, answer, choices: str) -> tuple[Optional[str], Optional[tuple[bool, str]]]:
    """(the letter, None), or (None, the format hint)."""
    letters, stray, problem = read_letters(answer, choices)
    if problem or stray or len(letters) != 1:
        detail = problem or (f"{listed(repr(s) for s in stray)} {'is' if len(stray) == 1 else 'are'} not one of "
                             f"the choices" if stray else f"{len(letters)} letters where one is asked")
        return None, _wrong_format(exercise_id, detail)
    return letters.pop(), None


@exercise("02.csr-proves", "What does the signature on a CSR prove? (a) that the requester owns the name it asks "
                           "for; (b) that the requester holds the private key matching the public key inside; "
                           "(c) that the CA approved the request",
          'one letter: "a", "b" or "c"')
def _csr_proves(answer) -> tuple[bool, str]:
    given, problem = _one_letter("02.csr-proves", answer, "abc")
    if problem:
        return problem
    if given == "b":
        return True, ("the CSR is signed with the private key whose public half it carries (proof of possession, "
                      "RFC 2986). It says nothing about the name: anyone can ask for CN=localhost.")
    if given == "a":
        return False, "(a) is wrong: anyone can write any name in a CSR; checking the name is the CA's job, before it signs."
    return False, "(c) is wrong: the requester signs the CSR, not the CA; the CA's signature is on the certificate."


@exercise("02.server-names", "Which names does a strict client (a browser, pyca/cryptography) accept for the server "
                             "certificate in lab/? Host names and IP addresses both count",
          'a list of every host name and IP address the certificate is valid for, e.g. ["www.example.test", '
          '"192.0.2.1"]: IP addresses count as names; the decoded view\'s "DNS:" and "IP Address:" prefixes may '
          'stay; "none" if there is none')
def _server_names(answer, directory="lab") -> tuple[bool, str]:
    from cryptography import x509

    from ..pki.certificates import load_certificate

    path = _Path(directory) / "server-cert.pem"
    if not path.exists():
        return False, f"there is no {path} yet: run the notebook from the top (it saves the server's files there)."
    names = read_host_names(answer)
    if names is None:
        return _wrong_format("02.server-names", f"{a_kind(answer)} is not a list of names")
    certificate = load_certificate(path)
    try:
        sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        sans = []
    dns = {str(n.value).lower().rstrip(".") for n in sans if isinstance(n, x509.DNSName)}
    ips = {str(n.value) for n in sans if isinstance(n, x509.IPAddress)}
    wanted = dns | ips
    given = set(names) - {"none"}
    if given == wanted:
        if not wanted:
            return True, f"none: {path} has no subjectAltName, so strict clients match no name at all."
        note = (" A client that connects to an IP address matches it against the IP Address entries, a host name "
                "against the DNS entries." if ips and dns else "")
        return True, (f"{', '.join(sorted(wanted))}: the subjectAltName of {path}. Strict clients match the host "
                      "name against these entries only; HTTPS clients MUST NOT use the CN (RFC 9110 §4.3.4)." + note)
    cns = {a.value.lower() for a in certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)}
    extra, missing = given - wanted, wanted - given
    hints = []
    if extra & cns:
        hints.append(f"{listed(sorted(extra & cns))}: the CN alone is not enough: strict clients read only the "
                     "subjectAltName")
    if extra - cns:
        hints.append(f"{listed(sorted(extra - cns))}: not in the subjectAltName of {path}")
    if missing:
        hosts, addresses = len(missing - ips), len(missing & ips)
        kinds = []
        if hosts:
            kinds.append(f"{hosts} host name{'s' if hosts > 1 else ''}")
        if addresses:
            kinds.append(f"{addresses} IP address{'es' if addresses > 1 else ''} (an IP address counts as a name: a "
                         "client that connects to that address checks it)")
        hints.append(f"{'right so far, but ' if not extra else ''}missing {listed(kinds)} of the {len(wanted)} entries "
                     f"in the subjectAltName of {path}: find the others")
    return False, "; ".join(hints) + "."


_ISSUER_SERIAL = {
    "issuer": "the field that says who issued the certificate (serials are unique per CA only)",
    "serialNumber": "the number the CA gives each certificate it issues",
}


@exercise("02.issuer-serial", "Serial numbers must be unique per CA. Which two fields of a certificate, together, "
                              "name it in a revocation list (CRL) or an OCSP request?",
          'a set of two field names, e.g. {"Version", "Subject"}; the decoded view\'s labels ("Serial number") and '
          "the RFC 5280 names (serialNumber) both count")
def _issuer_serial(answer) -> tuple[bool, str]:
    reading = read_set(answer, FIELD)
    if reading.problem:
        return _wrong_format("02.issuer-serial", reading.problem)
    wanted, given = set(_ISSUER_SERIAL), reading.names
    hints = _misplaced(reading, FIELD)
    if not hints and given == wanted:
        return True, ("issuer and serial number: a CRL, signed by its issuer, lists revoked certificates by serial "
                      "(RFC 5280 §5.1.2.6); OCSP's CertID holds hashes of the issuer's name and key, and the serial "
                      "(RFC 6960 §4.1.1). Two certificates from one CA with serial 01 cannot be told apart there.")
    extra = given - wanted
    if "subject" in extra:
        hints.append(f"{_as_written(reading.found['subject'], FIELD['subject'])}: a subject repeats across a server's "
                     "renewals; revocation names a certificate another way")
        extra.discard("subject")
    if extra:
        hints.append(f"{listed(_extra(reading, extra, FIELD))}: not one of the two")
    hints += [f"missing {_ISSUER_SERIAL[name]}" for name in sorted(wanted - given)]
    return False, "; ".join(hints) + "."


# -- 03 and 04: the client, verification ---------------------------------------------------------
# These read the learner's own files: lab/ (directory=...) and the source's in lab/source (source=...).

_LAB = _Path("lab")


def _ekus(certificate) -> set:
    """The EKU purposes of a certificate by their names (empty set: no EKU extension)."""
    from cryptography import x509

    from ..decoding.meanings import oid_name

    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return set()
    return {oid_name(oid.dotted_string) for oid in usage}


def _load(path):
    from ..pki.certificates import load_certificate

    return load_certificate(_Path(path))


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


@exercise("04.predict-source", "Predict the verdicts on the source's server-cert.pem (in lab/source/) of "
                               "(the source's openssl verify, our strict openssl verify, pyca/cryptography): "
                               "True for OK, False for refused",
          "three verdicts in this order: (the source's openssl verify, the strict openssl verify, "
          "pyca/cryptography), True for OK and False for refused, e.g. (True, True, True)")
def _predict_source(answer, directory=_LAB, source=None, host="localhost") -> tuple[bool, str]:
    from ..verify.verifiers import library_verify, openssl_verify

    given = read_booleans(answer)
    if given is None:
        return False, "answer with three values, e.g. (True, False, False)."
    if len(given) != 3:
        return False, (f"answer with three values, not {len(given)}: (the source's command, the strict command, "
                       "pyca/cryptography).")
    if None in given:
        return _wrong_format("04.predict-source", "each verdict is True (OK) or False (refused)")
    folder = _Path(source) if source is not None else _Path(directory) / "source"
    if not (folder / "server-cert.pem").is_file():
        return False, (f"{folder}/ holds no server-cert.pem: the source's commands did not run here "
                       "(they need the openssl command), so there are no verdicts to check against.")
    outcomes = (
        openssl_verify("server-cert.pem", folder),
        openssl_verify("server-cert.pem", folder, strict=True, purpose="sslserver", host=host),
        library_verify("server-cert.pem", folder, host=host),
    )
    labels = ("the source's command", "the strict command", "pyca/cryptography")
    ran = [o for o in outcomes if o.ran]
    wrong = [label for label, o, g in zip(labels, outcomes, given) if o.ran and o.accepted != g]
    told = "; ".join(f"{label}: {o.verdict}" for label, o in zip(labels, outcomes))
    if wrong:
        return False, ("your guess for " + " and ".join(wrong) + " is wrong. What does each one "
                       "demand that the source's files lack (a CA keyUsage, a version 3 leaf)?")
    note = "" if len(ran) == 3 else " (openssl is not installed here: only pyca/cryptography's verdict was checked)"
    return True, told + note + "."


@exercise("04.days-left", "For how many more days does pyca/cryptography accept lab/server-cert.pem? "
                          "(a whole number of days from now; one day either way counts)",
          "a whole number of days, e.g. 100; one day either way counts as right")
def _days_left(answer, directory=_LAB, now=None) -> tuple[bool, str]:
    from ..pki._time import resolve_now

    given = read_whole_number(answer)
    if given is None:
        return False, "answer with a whole number of days, e.g. 100."
    certificate = _load(_Path(directory) / "server-cert.pem")
    now = resolve_now(now)
    end = certificate.not_valid_after_utc
    days = int((end - now).total_seconds() // 86400)
    if abs(given - days) <= 1:
        return True, (f"notAfter is {end:%Y-%m-%d %H:%M}Z: at {days} days from now the certificate still verifies, "
                      f"at {days + 1} it has expired (RFC 5280 §4.1.2.5; the verifier compares the time of the "
                      "check with it).")
    return False, (f"{given} is too {'many' if given > days else 'few'}: notAfter is {end:%Y-%m-%d %H:%M}Z; count the "
                   f"whole days from now ({now:%Y-%m-%d %H:%M}Z) until then, or try the panel's days from now.")


@exercise("04.mutual-needs", "openssl verify said OK for both certificates. Which of (a)-(f) does mutual TLS "
                             "still need? (a set of letters)",
          'a set of letters, e.g. {"a", "f"}')
def _mutual_needs(answer) -> tuple[bool, str]:
    given, stray, problem = read_letters(answer, "abcdef")
    if problem or stray:
        detail = problem or f"{listed(repr(s) for s in stray)}: the choices are (a) to (f)"
        return _wrong_format("04.mutual-needs", detail)
    wanted = {"a", "b", "c", "d"}
    reasons = {
        "e": "(e) is wrong: a private key never leaves its owner; the handshake proves possession with a signature.",
        "f": "(f) is wrong: the CA takes no part in the handshake; each side checks the other's certificate "
             "against its own copy of ca-cert.pem.",
    }
    hints = [reasons[letter] for letter in ("e", "f") if letter in given]
    if not hints and given == wanted:
        return True, ("the server must ask for and require a client certificate (a); each side must trust the CA (b); "
                      "each proves it holds its private key, TLS 1.3's CertificateVerify (c, RFC 8446 §4.4.3); "
                      "and each checks the other's name and purpose (d). The source's openssl verify only checked that each "
                      "certificate chains up to ca-cert.pem: no connection, no key, no name, no purpose.")
    missing = len(wanted - given)
    if missing:
        hints.append(f"missing: {missing} more of the letters {'is' if missing == 1 else 'are'} needed: what does a "
                     "handshake do that openssl verify does not?")
    return False, " ".join(hints)


# -- 04: the break-it lab's quiz ------------------------------------------------------------------

_CHECKER_SPELLINGS = {
    "pyca": ("pyca/cryptography", "cryptography", "pyca cryptography"),
    "python-ssl": ("python", "ssl", "python ssl module"),
    "python-ssl-strict": ("python strict", "strict python-ssl", "ssl strict", "strict ssl"),
    "openssl-strict": ("strict openssl", "openssl -x509_strict", "openssl x509_strict"),
    "openssl": ("openssl verify",),
}


@exercise("04.predict", "For a defect, predict each checker's verdict: {checker: True (accepts) or False (refuses)}",
          'a dict {checker: True (accepts) or False (refuses)}, e.g. {"openssl": True, "pyca": False}, with the '
          "matrix's column names (openssl, openssl-strict, python-ssl, python-ssl-strict, pyca, pkilint, gnutls, "
          "gnutls-cli, nss, go, chromium); leave out the ones you do not want to predict")
def _predict(answer, defect: str = "no-san") -> tuple[bool, str]:
    """The learner's predictions against the live verdict matrix of ``defect``."""
    from ..verify.defects import make_defect
    from ..verify.matrix import CHECKERS, verdict_matrix

    if not isinstance(answer, dict) or not answer:
        return False, "answer with a dict such as {'openssl': True, 'pyca': False}"
    by_spelling = {squash(name): name for name in CHECKERS}
    by_spelling.update({squash(s): name for name, spellings in _CHECKER_SPELLINGS.items() for s in spellings})
    guesses, unknown, unreadable = {}, [], []
    for checker, guess in answer.items():
        name = by_spelling.get(squash(checker))
        verdict = read_boolean(guess)
        if name is None:
            unknown.append(str(checker))
        elif verdict is None:
            unreadable.append(f"{checker}: {guess!r}")
        else:
            guesses[name] = verdict
    if unknown:
        return False, f"unknown checker(s) {', '.join(unknown)}: use {', '.join(CHECKERS)}"
    if unreadable:
        return _wrong_format("04.predict", f"{'; '.join(unreadable)} is not True or False")
    matrix = verdict_matrix(make_defect(defect))
    wrong, skipped = [], []
    for checker, guess in guesses.items():
        cell = matrix.cell(checker)
        if cell.accepted is None:
            skipped.append(checker)
        elif guess != cell.accepted:
            wrong.append(f"{checker} {cell.word} ({cell.detail})")
    if wrong:
        return False, "not quite: " + "; ".join(wrong)
    note = f" ({', '.join(skipped)} could not run here)" if skipped else ""
    return True, f"every prediction matches what the checkers said about '{matrix.broken.title}'{note}."


# -- 05 and 06: mutual TLS, revocation, an intermediate CA -------------------------------------------
# These run real handshakes on 127.0.0.1 with the learner's files in lab/ (directory=...).


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


@exercise("06.crl-stale", "After which day (UTC, YYYY-MM-DD) does a server that loads lab/ca-crl.pem, and never "
                          "gets a newer CRL, refuse every client?",
          'a date as "YYYY-MM-DD" (the day in UTC), e.g. "2030-01-31"; a date or datetime object counts too')
def _crl_stale(answer, directory="lab") -> tuple[bool, str]:
    from ..pki.revocation import CRL_FILE, load_crl

    path = _Path(directory) / CRL_FILE
    if not path.is_file():
        return False, f"there is no {path} yet: run the revocation part of the notebook (pkilesson revoke) first."
    given = read_date(answer)
    if given is None:
        return _wrong_format("06.crl-stale", f"{answer!r} is not a date")
    crl = load_crl(path)
    end = crl.next_update_utc
    if given == end.date():
        return True, (f"{end:%Y-%m-%d %H:%M}Z is the CRL's nextUpdate. After it OpenSSL refuses every client "
                      "certificate with 'CRL has expired' (error 12), revoked or not: the server must fetch a fresh "
                      "CRL before then.")
    if given == crl.last_update_utc.date():
        return False, (f"{given} is when the CA issued this CRL ({_label(path, 'this_update')}): the CRL is good "
                       "from then on. Which date says when it goes stale?")
    if abs((given - end.date()).days) == 1:
        return False, "one day off: give the day of the CRL's nextUpdate in UTC, as the decoded view writes it."
    return False, f"look for {_label(path, 'next_update')} in the decoded view of {path}."


@exercise("06.minimal-chain", "In lab/intermediate/, which certificates must the server send so that a client "
                              "trusting only root-cert.pem accepts it? (a) server-cert.pem alone; (b) server-cert.pem "
                              "then intermediate-cert.pem; (c) those two and root-cert.pem",
          'one letter: "a", "b" or "c"')
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
        outcomes[letter] = "accepted" if report.ok else f"refused ({report.client.error or report.server.error})"
    told = "; ".join(f"({letter}) {outcome}" for letter, outcome in outcomes.items())
    if given == "b":
        return True, (f"just now: {told}. The client has the root; it needs the intermediate to link the server's "
                      "certificate to it. Sending the root too is allowed but useless: the client only trusts its own copy.")
    if given == "c":
        return False, f"just now: {told}. (c) works, but is more than needed: which certificate does the client already have?"
    return False, f"just now: {told}. Without the intermediate, the client cannot link server-cert.pem to the root."


_KEYS = Vocabulary("key", [
    Term("root", "key", "root", ("root-key.pem", "root key", "root CA", "root CA key", "the root's key", "root's",
                                 "the root")),
    Term("intermediate", "key", "intermediate",
         ("intermediate-key.pem", "intermediate key", "intermediate CA", "intermediate CA key", "intermediate's",
          "sub CA", "issuing CA", "the intermediate", "the intermediate's key")),
    Term("both", "key", "both", ("all", "root and intermediate")),
])


@exercise("06.offline", "Which private keys must be at hand to issue a new client certificate in lab/intermediate/? "
                        "(root, intermediate, or both)",
          'one word: "root", "intermediate" or "both"')
def _offline(answer, directory="lab") -> tuple[bool, str]:
    from ..pki.csr import create_csr
    from ..pki.hierarchy import load_hierarchy
    from ..pki.keys import generate_key
    from ..pki.profiles import CLIENT
    from .scenarios import summary
    from ..tls.loopback import Party, handshake

    reading = read_set(answer, _KEYS)
    if reading.problem or reading.unknown or reading.strangers or not reading.found:
        return False, "answer 'root', 'intermediate' or 'both'."
    given = reading.names
    if "both" in given:
        given = (given - {"both"}) | {"root", "intermediate"}
    if given != {"intermediate"}:
        return False, "the root signed the intermediate once; who signs the leaves?"
    h = load_hierarchy(_Path(directory) / "intermediate")  # no passphrase: the root's key is not read
    key = generate_key("p256")
    certificate = h.intermediate.issue(create_csr(key, "/CN=exercise.localhost", ["exercise.localhost"]), CLIENT)
    report = handshake(server=h.party("server"),
                       client=Party((certificate, h.intermediate.certificate), key, (h.root_certificate,)))
    return report.ok, (f"the intermediate's key alone: just now it issued CN=exercise.localhost without the root's key "
                       f"ever being read, and the server said: {summary(report)}. The root's key is needed only to "
                       "sign (or revoke) an intermediate: it can stay offline.")
