"""Lesson 04's exercises: verdicts on the source's certificate, days left, what mutual TLS needs, the break-it quiz.

The break-it lab's quiz (``04.predict``) asks each checker's verdict on a defect.

These read the learner's own files: lab/ (``directory=``) and the source's in lab/source (``source=``).
"""

from __future__ import annotations

from pathlib import Path as _Path

from ._answers import listed, read_boolean, read_booleans, read_letters, read_whole_number, squash
from ._exercise_kit import _LAB, _load, _wrong_format, exercise


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
