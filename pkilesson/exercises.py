"""Exercises with self-checks: the learner answers, :func:`check` says whether it is right and why.

Each exercise is a function registered under an id (``"01.ca-key-usage"``)
that takes the learner's answer and returns ``(correct, why)``. Where the
right answer depends on the learner's own files, the function reads them
(from ``lab/`` by default), so the check is about *their* certificate.

>>> check("01.ca-key-usage", {"keyCertSign", "cRLSign"}).correct
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Callable

from .errors import PkiLessonError

__all__ = ["Feedback", "check", "exercise", "EXERCISES"]

#: id -> (question, checking function)
EXERCISES: dict[str, tuple[str, Callable[..., tuple[bool, str]]]] = {}


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


def exercise(exercise_id: str, question: str):
    """Register a checking function ``f(answer, **context) -> (correct, why)`` under ``exercise_id``."""

    def register(function):
        EXERCISES[exercise_id] = (question, function)
        return function

    return register


def check(exercise_id: str, answer: Any, **context) -> Feedback:
    """Check ``answer`` to exercise ``exercise_id``; ``context`` passes e.g. ``directory=``."""
    if exercise_id not in EXERCISES:
        raise PkiLessonError(
            f"There is no exercise {exercise_id!r}.", f"use one of {', '.join(sorted(EXERCISES))}."
        )
    _, function = EXERCISES[exercise_id]
    correct, why = function(answer, **context)
    return Feedback(exercise_id, bool(correct), why)


def _words(answer) -> set[str]:
    """An answer given as a string ('a, b') or a collection, as a set of lower-case words."""
    if isinstance(answer, str):
        answer = answer.replace(",", " ").split()
    try:
        return {str(a).strip().lower() for a in answer}
    except TypeError:
        return {str(answer).strip().lower()}


# -- 01: the CA -------------------------------------------------------------------------------


@exercise("01.ca-key-usage", "Which keyUsage bits does a root CA certificate need? (a set of names)")
def _ca_key_usage(answer) -> tuple[bool, str]:
    if answer is None:
        return False, "replace None with your answer, then run the cell again."
    given = _words(answer)
    wanted = {"keycertsign", "crlsign"}
    if given == wanted:
        return True, "keyCertSign lets the CA sign certificates, cRLSign lets it sign revocation lists (RFC 5280 §4.2.1.3)."
    if "keycertsign" not in given:
        return False, "without keyCertSign a strict verifier refuses every certificate this CA signs."
    if given - wanted:
        return False, f"{', '.join(sorted(given - wanted))}: a CA key that only signs certificates and CRLs needs nothing more."
    return False, "the CA also signs revocation lists: which bit allows that?"


# -- 01 and 02: the CA, the server ------------------------------------------------------------
# These read the learner's own files in lab/ (directory=...), and the source's in lab/source/.

_ANSWER_FIRST = "replace None with your answer, then run the cell again."


def _file_names(answer) -> set[str]:
    """File names from an answer, without any folder: 'lab/source/ca-key.pem' is 'ca-key.pem'."""
    return {word.rsplit("/", 1)[-1] for word in _words(answer)}


@exercise("01.readable-keys", "Which files in lab/source/ must stay secret, yet every user of this machine may read? "
                              "(file names, or 'none')")
def _readable_keys(answer, directory="lab") -> tuple[bool, str]:
    import stat
    from pathlib import Path

    if answer is None:
        return False, _ANSWER_FIRST
    folder = Path(directory) / "source"
    keys = sorted(folder.glob("*-key.pem"))
    if not keys:
        return False, f"there is no key file in {folder}/ yet: run lesson.run_source_step(1) first."
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in keys}
    readable = {name for name, mode in modes.items() if mode & 0o004}
    shown = ", ".join(f"{name} {mode:04o}" for name, mode in modes.items())
    given = _file_names(answer) - {"none"}
    if given == readable:
        if not readable:
            return True, f"none ({shown}): your umask keeps new files private, so the shell's redirect did too."
        return True, (f"{', '.join(sorted(readable))} ({shown}): the last digit, 4, lets every user read the file, "
                      "and whoever reads a private key can sign as its owner.")
    public = {name for name in given if not name.endswith("-key.pem")}
    if public:
        return False, f"{', '.join(sorted(public))}: certificates and CSRs are public by design; only keys are secret."
    if given < readable:
        return False, f"right so far, but {len(readable)} key files in {folder}/ are readable by everyone: find the others."
    return False, f"look at lesson.file_mode() of each *-key.pem in {folder}/: a mode ending in 4 means everyone reads."


@exercise("01.ca-valid-until", "Until which day (UTC) is the CA certificate in lab/ valid? Read its notAfter "
                                "(YYYY-MM-DD)")
def _ca_valid_until(answer, directory="lab") -> tuple[bool, str]:
    import datetime as dt
    from pathlib import Path

    from .certificates import load_certificate

    if answer is None:
        return False, _ANSWER_FIRST
    path = Path(directory) / "ca-cert.pem"
    if not path.exists():
        return False, f"there is no {path} yet: run the notebook from the top (it saves the CA there)."
    certificate = load_certificate(path)
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if isinstance(answer, dt.datetime):
        given = answer.astimezone(dt.timezone.utc).date().isoformat() if answer.tzinfo else answer.date().isoformat()
    elif isinstance(answer, dt.date):
        given = answer.isoformat()
    else:
        given = str(answer).strip()[:10]
    days = (end - start).days
    if given == end.date().isoformat():
        return True, (f"{path} ends {end:%Y-%m-%d %H:%M:%S}Z (its notAfter), {days} days after its notBefore. Every "
                      "certificate it signs must end by then: pkilesson's CA refuses to sign one that would outlive it.")
    years = round(days / 365.25)
    try:
        calendar = start.replace(year=start.year + years).date().isoformat() if years else ""
    except ValueError:  # 29 February, and the year after the years is not a leap year
        calendar = start.replace(year=start.year + years, day=28).date().isoformat()
    if calendar and given == calendar:
        return False, (f"{given} is {years} calendar years after {start:%Y-%m-%d}, but the CA was made for {days} days, "
                       f"not {years} years: the 29 Februaries in between make {days} days end on "
                       f"{end:%Y-%m-%d}. Read the date in the certificate rather than computing it.")
    return False, f"look for 'Not after' in the decoded view of {path} (the date before the 'T')."


@exercise("02.csr-proves", "What does the signature on a CSR prove? (a) that the requester owns the name it asks "
                           "for; (b) that the requester holds the private key matching the public key inside; "
                           "(c) that the CA approved the request")
def _csr_proves(answer) -> tuple[bool, str]:
    if answer is None:
        return False, _ANSWER_FIRST
    given = str(answer).strip().strip("()").lower()
    if given == "b":
        return True, ("the CSR is signed with the private key whose public half it carries (proof of possession, "
                      "RFC 2986). It says nothing about the name: anyone can ask for CN=localhost.")
    if given == "a":
        return False, "anyone can write any name in a CSR: checking the name is the CA's job, before it signs."
    if given == "c":
        return False, "the requester signs the CSR, not the CA: the CA's signature is on the certificate."
    return False, "answer with one letter: 'a', 'b' or 'c'."


def _san_words(answer) -> set[str]:
    """Names from an answer: 'DNS:localhost, IP Address:127.0.0.1' (as decode shows them) or a list."""
    if isinstance(answer, str):
        answer = answer.lower().replace("ip address:", "ip:").replace(",", " ").split()
    items = answer
    try:
        items = list(items)
    except TypeError:
        items = [items]
    words = set()
    for item in items:
        word = str(item).strip().lower()
        for prefix in ("dns:", "ip address:", "ip:"):
            if word.startswith(prefix):
                word = word[len(prefix):].strip()
        if word:
            words.add(word)
    return words


@exercise("02.server-names", "Which names does a strict client (a browser, pyca/cryptography) accept for the server "
                             "certificate in lab/? (list them)")
def _server_names(answer, directory="lab") -> tuple[bool, str]:
    from pathlib import Path

    from cryptography import x509

    from .certificates import load_certificate

    if answer is None:
        return False, _ANSWER_FIRST
    path = Path(directory) / "server-cert.pem"
    if not path.exists():
        return False, f"there is no {path} yet: run the notebook from the top (it saves the server's files there)."
    certificate = load_certificate(path)
    try:
        sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = {str(n.value).lower() for n in sans if isinstance(n, (x509.DNSName, x509.IPAddress))}
    except x509.ExtensionNotFound:
        names = set()
    given = _san_words(answer) - {"none"}
    if given == names:
        if not names:
            return True, f"none: {path} has no subjectAltName, so strict clients match no name at all."
        return True, (f"{', '.join(sorted(names))}: the subjectAltName of {path}. Strict clients match the host "
                      "name against these entries only; HTTPS clients MUST NOT use the CN (RFC 9110 §4.3.4).")
    cns = {a.value.lower() for a in certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)}
    if given - names and (given - names) <= cns:
        return False, "the CN alone is not enough: strict clients read only the subjectAltName."
    if given < names:
        return False, f"right so far, but the subjectAltName of {path} has {len(names)} entries: find the others."
    return False, f"look for 'subjectAltName' in the decoded view of {path}."


@exercise("02.issuer-serial", "Serial numbers must be unique per CA. Which two fields of a certificate, together, "
                              "name it in a revocation list (CRL) or an OCSP request?")
def _issuer_serial(answer) -> tuple[bool, str]:
    if answer is None:
        return False, _ANSWER_FIRST
    given = {w.replace("_", "").replace("-", "") for w in _words(answer)} - {"and", "the", "name", "number", "+", "&"}
    given = {"serial" if w == "serialnumber" else "issuer" if w == "issuername" else w for w in given}
    if given == {"issuer", "serial"}:
        return True, ("issuer and serial number: a CRL, signed by its issuer, lists revoked certificates by serial "
                      "(RFC 5280 §5.1.2.6); OCSP's CertID holds hashes of the issuer's name and key, and the serial "
                      "(RFC 6960 §4.1.1). Two certificates from one CA with serial 01 cannot be told apart there.")
    if "subject" in given:
        return False, "a subject repeats across a server's renewals: revocation names a certificate another way."
    return False, "one of the two is the serial number; the other says who issued it."


# -- 03 and 04: the client, verification ---------------------------------------------------------
# These read the learner's own files: lab/ (directory=...) and the source's in lab/source (source=...).

from pathlib import Path as _Path

_LAB = _Path("lab")
_UNANSWERED = "replace None with your answer, then run the cell again."
_EKU_ALIASES = {
    "serverauth": "serverAuth", "tlswebserverauthentication": "serverAuth", "1.3.6.1.5.5.7.3.1": "serverAuth",
    "id-kp-serverauth": "serverAuth", "clientauth": "clientAuth", "tlswebclientauthentication": "clientAuth",
    "1.3.6.1.5.5.7.3.2": "clientAuth", "id-kp-clientauth": "clientAuth", "none": "none",
}
_EXTENSION_NAMES = {
    "2.5.29.17": "subjectAltName", "2.5.29.37": "extendedKeyUsage", "2.5.29.15": "keyUsage",
    "2.5.29.19": "basicConstraints", "2.5.29.35": "authorityKeyIdentifier", "2.5.29.14": "subjectKeyIdentifier",
}
_EXTENSION_ALIASES = {
    "san": "subjectAltName", "subjectaltname": "subjectAltName", "eku": "extendedKeyUsage",
    "extendedkeyusage": "extendedKeyUsage", "ku": "keyUsage", "keyusage": "keyUsage",
    "basicconstraints": "basicConstraints", "aki": "authorityKeyIdentifier",
    "authoritykeyidentifier": "authorityKeyIdentifier", "ski": "subjectKeyIdentifier",
    "subjectkeyidentifier": "subjectKeyIdentifier",
}


def _ekus(certificate) -> set:
    """The EKU purposes of a certificate by their OpenSSL names (empty set: no EKU extension)."""
    from cryptography import x509

    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return set()
    names = {"1.3.6.1.5.5.7.3.1": "serverAuth", "1.3.6.1.5.5.7.3.2": "clientAuth"}
    return {names.get(oid.dotted_string, oid.dotted_string) for oid in usage}


def _load(path):
    from .certificates import load_certificate

    return load_certificate(_Path(path))


@exercise("03.client-eku", "Which extendedKeyUsage purpose does lab/client-cert.pem carry?")
def _client_eku(answer, directory=_LAB) -> tuple[bool, str]:
    if answer is None:
        return False, _UNANSWERED
    have = _ekus(_load(_Path(directory) / "client-cert.pem"))
    parts = answer.split(",") if isinstance(answer, str) else answer
    given = {_EKU_ALIASES.get(w, w) for w in (str(p).replace(" ", "").lower() for p in parts) if w}
    if not have:
        right = given == {"none"}
        return right, f"{directory}/client-cert.pem has no extendedKeyUsage at all: it may be used for any purpose, a server's included."
    if given == have:
        return True, (f"{directory}/client-cert.pem says {', '.join(sorted(have))}: it may authenticate a TLS client "
                      "and nothing else (RFC 5280 §4.2.1.12).")
    if "serverAuth" in given and "serverAuth" not in have:
        return False, "serverAuth is the server's purpose; look at the client's extendedKeyUsage in the decoded view."
    return False, f"look for 'extendedKeyUsage' in the decoded view of {directory}/client-cert.pem."


@exercise("03.sslserver", "Which client certificate does 'openssl verify -purpose sslserver' accept: "
                          "'source', 'yours', 'both' or 'none'?")
def _sslserver(answer, directory=_LAB, source=None) -> tuple[bool, str]:
    from .verifiers import openssl_verify

    if answer is None:
        return False, _UNANSWERED
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
    given = str(answer).strip().lower()
    given = {"ours": "yours", "mine": "yours", "the source's": "source", "neither": "none"}.get(given, given)
    said = []
    for who, folder in (("the source's", source), ("yours", _Path(directory))):
        ekus = _ekus(_load(folder / "client-cert.pem")) if (folder / "client-cert.pem").is_file() else set()
        usage = f"extendedKeyUsage {', '.join(sorted(ekus))}" if ekus else "no extendedKeyUsage"
        verdict = "accepted" if accepted["source" if who == "the source's" else "yours"] else "refused"
        said.append(f"{who} has {usage}: {verdict}")
    if given != truth:
        return False, ("look at each certificate's extendedKeyUsage in the comparison above: which of them "
                       "forbids the server purpose?")
    return True, (f"{truth} ({how}): {'; '.join(said)}. Without an EKU nothing forbids the server purpose, so a "
                  "client's certificate passes as a server's.")


@exercise("03.differences", "Besides the serial, subject, key (and its subjectKeyIdentifier) and signature, "
                            "which extensions differ between lab/server-cert.pem and lab/client-cert.pem?")
def _differences(answer, directory=_LAB) -> tuple[bool, str]:
    from .compare import compare

    if answer is None:
        return False, _UNANSWERED
    diff = compare(_load(_Path(directory) / "server-cert.pem"), _load(_Path(directory) / "client-cert.pem"))
    differing = {}
    for row in diff.differences:
        oid = row.key[4:] if row.key.startswith("ext:") else None
        if oid and _EXTENSION_NAMES.get(oid, oid) != "subjectKeyIdentifier":
            differing[_EXTENSION_NAMES.get(oid, oid)] = row.values
    given = {_EXTENSION_ALIASES.get(w, w) for w in _words(answer)} - {"subjectKeyIdentifier", "and", "the"}
    shown = "; ".join(f"{name}: server {v[0] or 'absent'}, client {v[1] or 'absent'}" for name, v in sorted(differing.items()))
    if given == set(differing):
        return True, shown + "."
    missing, extra = set(differing) - given, given - set(differing)
    if extra:
        return False, f"{', '.join(sorted(extra))}: the same in both certificates (or not an extension name here)."
    return False, f"also {', '.join(sorted(missing))}: compare(server_cert, client_cert) lists it among the differences."


@exercise("04.predict-source", "Predict the verdicts on the source's server-cert.pem (in lab/source/) of "
                               "(the source's openssl verify, our strict openssl verify, pyca/cryptography): "
                               "True for OK, False for refused")
def _predict_source(answer, directory=_LAB, source=None, host="localhost") -> tuple[bool, str]:
    from .verifiers import library_verify, openssl_verify

    if answer is None:
        return False, _UNANSWERED
    words = {"ok": True, "accept": True, "accepted": True, "true": True, "yes": True,
             "refuse": False, "refused": False, "false": False, "no": False}
    try:
        given = tuple(a if isinstance(a, bool) else words[str(a).strip().lower()] for a in answer)
    except (KeyError, TypeError):
        return False, "answer with three values, e.g. (True, False, False)."
    if len(given) != 3:
        return False, "answer with three values: (the source's command, the strict command, pyca/cryptography)."
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
                          "(a whole number of days from now)")
def _days_left(answer, directory=_LAB, now=None) -> tuple[bool, str]:
    from ._time import resolve_now

    if answer is None:
        return False, _UNANSWERED
    certificate = _load(_Path(directory) / "server-cert.pem")
    now = resolve_now(now)
    end = certificate.not_valid_after_utc
    days = int((end - now).total_seconds() // 86400)
    try:
        given = int(answer)
    except (TypeError, ValueError):
        return False, "answer with a whole number of days, e.g. 100."
    why = (f"notAfter is {end:%Y-%m-%d %H:%M}Z: at {days} days from now the certificate still verifies, "
           f"at {days + 1} it has expired (RFC 5280 §4.1.2.5; the verifier compares the time of the check with it).")
    return abs(given - days) <= 1, why


@exercise("04.mutual-needs", "openssl verify said OK for both certificates. Which of (a)-(f) does mutual TLS "
                             "still need? (a set of letters)")
def _mutual_needs(answer) -> tuple[bool, str]:
    if answer is None:
        return False, _UNANSWERED
    given = {letter for word in _words(answer) for letter in word.strip("()") if letter.isalpha()}
    wanted = {"a", "b", "c", "d"}
    reasons = {
        "e": "(e) is wrong: a private key never leaves its owner; the handshake proves possession with a signature.",
        "f": "(f) is wrong: the CA takes no part in the handshake; each side checks the other's certificate "
             "against its own copy of ca-cert.pem.",
    }
    for letter in ("e", "f"):
        if letter in given:
            return False, reasons[letter]
    if given == wanted:
        return True, ("the server must ask for and require a client certificate (a); each side must trust the CA (b); "
                      "each proves it holds its private key, TLS 1.3's CertificateVerify (c, RFC 8446 §4.4.3); "
                      "and each checks the other's name and purpose (d). The source's openssl verify only checked that each "
                      "certificate chains up to ca-cert.pem: no connection, no key, no name, no purpose.")
    missing = len(wanted - given)
    return False, f"{missing} more of the letters {'is' if missing == 1 else 'are'} needed: what does a handshake do that openssl verify does not?"

# -- 04: the break-it lab's quiz ------------------------------------------------------------------


@exercise("04.predict", "For a defect, predict each checker's verdict: {checker: True (accepts) or False (refuses)}")
def _predict(answer, defect: str = "no-san") -> tuple[bool, str]:
    """The learner's predictions against the live verdict matrix of ``defect``."""
    from .defects import make_defect
    from .matrix import verdict_matrix

    if not isinstance(answer, dict) or not answer:
        return False, "answer with a dict such as {'openssl': True, 'pyca': False}"
    matrix = verdict_matrix(make_defect(defect))
    wrong, unknown, skipped = [], [], []
    for checker, guess in answer.items():
        try:
            cell = matrix.cell(checker)
        except StopIteration:
            unknown.append(checker)
            continue
        if cell.accepted is None:
            skipped.append(checker)
        elif bool(guess) != cell.accepted:
            wrong.append(f"{checker} {cell.word} ({cell.detail})")
    if unknown:
        return False, f"unknown checker(s) {', '.join(unknown)}: use {', '.join(c.checker for c in matrix.cells)}"
    if wrong:
        return False, "not quite: " + "; ".join(wrong)
    note = f" ({', '.join(skipped)} could not run here)" if skipped else ""
    return True, f"every prediction matches what the checkers said about '{matrix.broken.title}'{note}."


# -- 05 and 06: mutual TLS, revocation, an intermediate CA -------------------------------------------
# These run real handshakes on 127.0.0.1 with the learner's files in lab/ (directory=...).

_NOT_ANSWERED = "replace None with your answer, then run the cell again."


@exercise("05.alert", "A client presents a certificate signed by a CA the server does not trust. Which alert "
                      "does the server send? (its name, as in the messages column)")
def _alert_other_ca(answer, directory="lab") -> tuple[bool, str]:
    from .scenarios import other_ca_client
    from .tls import handshake
    from .workflow import load_artifacts

    if answer is None:
        return False, _NOT_ANSWERED
    from .tls import _ALERTS

    lab = load_artifacts(directory)
    report = handshake(lab, client=other_ca_client(lab))
    sent = [m for m in report.server.messages if m.startswith("sent Alert")]
    if not sent:
        return False, f"this time the server sent no alert ({report.server.error or 'it accepted'}): run it again."
    name = sent[0].split()[2]  # 'sent Alert unknown_ca (fatal)'
    code = next((str(number) for number, alert in _ALERTS.items() if alert == name), name)
    given = str(answer).strip().lower().replace(" ", "_").replace("tlsv1_alert_", "").removeprefix("alert_")
    if given in (name, code):
        return True, (f"{name}: the server found no CA it trusts that signed the client's certificate "
                      f"({report.server.error}). 'Signed by a CA' is not enough: it must be a CA the server trusts.")
    return False, "run the 'other CA' scenario and read the server's column: the last message it sent is the alert."


@exercise("05.possession", "Which handshake message proves that the client holds client-key.pem?")
def _possession(answer, directory="lab") -> tuple[bool, str]:
    from .tls import handshake
    from .workflow import load_artifacts

    if answer is None:
        return False, _NOT_ANSWERED
    given = str(answer).strip().lower().replace(" ", "").replace("_", "")
    if given == "certificateverify":
        report = handshake(load_artifacts(directory))
        seen = "sent CertificateVerify" in report.client.messages and "received CertificateVerify" in report.server.messages
        return True, ("CertificateVerify: the client signs the hash of the handshake so far with client-key.pem, and "
                      "the server checks that signature with the public key in client-cert.pem (RFC 8446 §4.4.3). "
                      + ("Just now the client sent it and the server received it." if seen else ""))
    if given == "certificate":
        return False, "the Certificate message carries client-cert.pem, which is public: anyone can send a copy of it."
    if given == "finished":
        return False, ("Finished is a MAC over the handshake with keys from the key exchange: it proves the handshake "
                       "was not tampered with, not who holds client-key.pem.")
    return False, "look at the messages the client sends after the server's CertificateRequest."


@exercise("05.new-client", "Issue a new client certificate with your CA (lab/) and pass the client's Party: "
                           "the server must accept it")
def _new_client(answer, directory="lab") -> tuple[bool, str]:
    from .scenarios import summary
    from .tls import Party, handshake
    from .workflow import load_artifacts

    if answer is None:
        return False, _NOT_ANSWERED
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
                          "gets a newer CRL, refuse every client?")
def _crl_stale(answer, directory="lab") -> tuple[bool, str]:
    import datetime as dt
    from pathlib import Path

    from .revocation import CRL_FILE, load_crl

    if answer is None:
        return False, _NOT_ANSWERED
    path = Path(directory) / CRL_FILE
    if not path.is_file():
        return False, f"there is no {path} yet: run the revocation part of the notebook (pkilesson revoke) first."
    end = load_crl(path).next_update_utc
    given = answer.date().isoformat() if isinstance(answer, dt.datetime) else str(answer).strip()[:10]
    if given == end.date().isoformat():
        return True, (f"{end:%Y-%m-%d %H:%M}Z is the CRL's nextUpdate. After it OpenSSL refuses every client "
                      "certificate with 'CRL has expired' (error 12), revoked or not: the server must fetch a fresh "
                      "CRL before then.")
    return False, f"look for 'Next update' in the decoded view of {path}."


@exercise("06.minimal-chain", "In lab/intermediate/, which certificates must the server send so that a client "
                              "trusting only root-cert.pem accepts it? (a) server-cert.pem alone; (b) server-cert.pem "
                              "then intermediate-cert.pem; (c) those two and root-cert.pem")
def _minimal_chain(answer, directory="lab") -> tuple[bool, str]:
    from pathlib import Path

    from .hierarchy import load_hierarchy
    from .tls import Party, handshake

    if answer is None:
        return False, _NOT_ANSWERED
    folder = Path(directory) / "intermediate"
    h = load_hierarchy(folder)
    chains = {"a": h.chain("server")[:1], "b": h.chain("server"), "c": h.chain("server") + (h.root_certificate,)}
    outcomes = {}
    for letter, chain in chains.items():
        report = handshake(server=Party(chain, h.server_key, (h.root_certificate,)), client=h.party("client"))
        outcomes[letter] = "accepted" if report.ok else f"refused ({report.client.error or report.server.error})"
    told = "; ".join(f"({letter}) {outcome}" for letter, outcome in outcomes.items())
    given = str(answer).strip().strip("()").lower()
    if given not in chains:
        return False, "answer with one letter: 'a', 'b' or 'c'."
    if given == "b":
        return True, (f"just now: {told}. The client has the root; it needs the intermediate to link the server's "
                      "certificate to it. Sending the root too is allowed but useless: the client only trusts its own copy.")
    if given == "c":
        return False, f"just now: {told}. (c) works, but is more than needed: which certificate does the client already have?"
    return False, f"just now: {told}. Without the intermediate, the client cannot link server-cert.pem to the root."


@exercise("06.offline", "Which private keys must be at hand to issue a new client certificate in lab/intermediate/? "
                        "(root, intermediate, or both)")
def _offline(answer, directory="lab") -> tuple[bool, str]:
    from pathlib import Path

    from .csr import create_csr
    from .hierarchy import load_hierarchy
    from .keys import generate_key
    from .profiles import CLIENT
    from .scenarios import summary
    from .tls import Party, handshake

    if answer is None:
        return False, _NOT_ANSWERED
    given = {w.replace("-key.pem", "").replace("key", "").strip() for w in _words(answer)} - {"", "and", "the"}
    if given == {"both"}:
        given = {"root", "intermediate"}
    if given != {"intermediate"}:
        if "root" in given:
            return False, "the root signed the intermediate once; who signs the leaves?"
        return False, "answer 'root', 'intermediate' or 'both'."
    h = load_hierarchy(Path(directory) / "intermediate")  # no passphrase: the root's key is not read
    key = generate_key("p256")
    certificate = h.intermediate.issue(create_csr(key, "/CN=exercise.localhost", ["exercise.localhost"]), CLIENT)
    report = handshake(server=h.party("server"),
                       client=Party((certificate, h.intermediate.certificate), key, (h.root_certificate,)))
    return report.ok, (f"the intermediate's key alone: just now it issued CN=exercise.localhost without the root's key "
                       f"ever being read, and the server said: {summary(report)}. The root's key is needed only to "
                       "sign (or revoke) an intermediate: it can stay offline.")
