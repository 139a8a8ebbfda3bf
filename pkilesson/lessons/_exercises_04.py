"""Lesson 04's exercises: verdicts on the source's certificate, days left, what mutual TLS needs, the break-it quiz.

The break-it lab's quiz (``04.predict``) asks each checker's verdict on a defect.

These read the learner's own files: lab/ (``directory=``) and the source's in lab/source (``source=``).
"""

from __future__ import annotations

from pathlib import Path as _Path

from .._catalog import N_, _, ngettext
from ._answers import listed, read_boolean, read_booleans, read_letters, read_whole_number, squash
from ._exercise_kit import _LAB, _load, _wrong_format, exercise


@exercise("04.predict-source", N_("Predict the verdicts on the source's server-cert.pem (in lab/source/) of "
                                  "(the source's openssl verify, our strict openssl verify, pyca/cryptography): "
                                  "True for OK, False for refused"),
          N_("three verdicts in this order: (the source's openssl verify, the strict openssl verify, "
             "pyca/cryptography), True for OK and False for refused, e.g. (True, True, True)"))
def _predict_source(answer, directory=_LAB, source=None, host="localhost") -> tuple[bool, str]:
    from ..verify.verifiers import library_verify, openssl_verify

    given = read_booleans(answer)
    if given is None:
        return False, _("answer with three values, e.g. (True, False, False).")
    if len(given) != 3:
        return False, _("answer with three values, not {count}: (the source's command, the strict command, "
                        "pyca/cryptography).").format(count=len(given))
    if None in given:
        return _wrong_format("04.predict-source", _("each verdict is True (OK) or False (refused)"))
    folder = _Path(source) if source is not None else _Path(directory) / "source"
    if not (folder / "server-cert.pem").is_file():
        return False, _("{folder}/ holds no server-cert.pem: the source's commands did not run here "
                        "(they need the openssl command), so there are no verdicts to check against.").format(
            folder=folder)
    outcomes = (
        openssl_verify("server-cert.pem", folder),
        openssl_verify("server-cert.pem", folder, strict=True, purpose="sslserver", host=host),
        library_verify("server-cert.pem", folder, host=host),
    )
    labels = (_("the source's command"), _("the strict command"), "pyca/cryptography")
    ran = [o for o in outcomes if o.ran]
    wrong = [label for label, o, g in zip(labels, outcomes, given) if o.ran and o.accepted != g]
    told = _("; ").join(_("{label}: {verdict}").format(label=label, verdict=o.verdict)
                        for label, o in zip(labels, outcomes))
    if wrong:
        return False, _("your guess for {names} is wrong. What does each one demand that the source's files "
                        "lack (a CA keyUsage, a version 3 leaf)?").format(names=_(" and ").join(wrong))
    note = "" if len(ran) == 3 else _(" (openssl is not installed here: only pyca/cryptography's verdict was checked)")
    return True, told + note + "."


@exercise("04.days-left", N_("For how many more days does pyca/cryptography accept lab/server-cert.pem? "
                             "(a whole number of days from now; one day either way counts)"),
          N_("a whole number of days, e.g. 100; one day either way counts as right"))
def _days_left(answer, directory=_LAB, now=None) -> tuple[bool, str]:
    from ..pki._time import resolve_now

    given = read_whole_number(answer)
    if given is None:
        return False, _("answer with a whole number of days, e.g. 100.")
    certificate = _load(_Path(directory) / "server-cert.pem")
    now = resolve_now(now)
    end = certificate.not_valid_after_utc
    days = int((end - now).total_seconds() // 86400)
    if abs(given - days) <= 1:
        return True, _("notAfter is {end:%Y-%m-%d %H:%M}Z: at {days} days from now the certificate still verifies, "
                       "at {after} it has expired (RFC 5280 §4.1.2.5; the verifier compares the time of the "
                       "check with it).").format(end=end, days=days, after=days + 1)
    verdict = (_("{given} is too many: notAfter is {end:%Y-%m-%d %H:%M}Z; count the whole days from now "
                 "({now:%Y-%m-%d %H:%M}Z) until then, or try the panel's days from now.") if given > days else
               _("{given} is too few: notAfter is {end:%Y-%m-%d %H:%M}Z; count the whole days from now "
                 "({now:%Y-%m-%d %H:%M}Z) until then, or try the panel's days from now."))
    return False, verdict.format(given=given, end=end, now=now)


@exercise("04.mutual-needs", N_("openssl verify said OK for both certificates. Which of (a)-(f) does mutual TLS "
                                "still need? (a set of letters)"),
          N_('a set of letters, e.g. {"a", "f"}'))
def _mutual_needs(answer) -> tuple[bool, str]:
    given, stray, problem = read_letters(answer, "abcdef")
    if problem or stray:
        detail = problem or _("{stray}: the choices are (a) to (f)").format(stray=listed(repr(s) for s in stray))
        return _wrong_format("04.mutual-needs", detail)
    wanted = {"a", "b", "c", "d"}
    reasons = {
        "e": _("(e) is wrong: a private key never leaves its owner; the handshake proves possession with a "
               "signature."),
        "f": _("(f) is wrong: the CA takes no part in the handshake; each side checks the other's certificate "
               "against its own copy of ca-cert.pem."),
    }
    hints = [reasons[letter] for letter in ("e", "f") if letter in given]
    if not hints and given == wanted:
        return True, _("the server must ask for and require a client certificate (a); each side must trust the CA "
                       "(b); each proves it holds its private key, TLS 1.3's CertificateVerify (c, RFC 8446 §4.4.3); "
                       "and each checks the other's name and purpose (d). The source's openssl verify only checked "
                       "that each certificate chains up to ca-cert.pem: no connection, no key, no name, no purpose.")
    missing = len(wanted - given)
    if missing:
        hints.append(ngettext("missing: {count} more of the letters is needed: what does a handshake do that openssl "
                              "verify does not?",
                              "missing: {count} more of the letters are needed: what does a handshake do that openssl "
                              "verify does not?", missing).format(count=missing))
    return False, " ".join(hints)


# -- 04: the break-it lab's quiz ------------------------------------------------------------------

_CHECKER_SPELLINGS = {
    "pyca": ("pyca/cryptography", "cryptography", "pyca cryptography"),
    "python-ssl": ("python", "ssl", "python ssl module"),
    "python-ssl-strict": ("python strict", "strict python-ssl", "ssl strict", "strict ssl"),
    "openssl-strict": ("strict openssl", "openssl -x509_strict", "openssl x509_strict", "openssl strict"),
    "openssl": ("openssl verify",),
}


@exercise("04.predict", N_("For a defect, predict each checker's verdict: {shape}"),
          N_("a dict {shape}, e.g. {example}, with the matrix's column names (openssl, openssl-strict, python-ssl, "
             "python-ssl-strict, pyca, pkilint, gnutls, gnutls-cli, nss, go, chromium); leave out the ones you do "
             "not want to predict"),
          shape="{checker: True (accepts) or False (refuses)}", example='{"openssl": True, "pyca": False}')
def _predict(answer, defect: str = "no-san") -> tuple[bool, str]:
    """The learner's predictions against the live verdict matrix of ``defect``."""
    from ..verify.defects import make_defect
    from ..verify.matrix import CHECKERS, verdict_matrix

    if not isinstance(answer, dict) or not answer:
        return False, _("answer with a dict such as {example}").format(example="{'openssl': True, 'pyca': False}")
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
        return False, _("unknown checker(s) {names}: use {checkers}").format(names=", ".join(unknown),
                                                                            checkers=", ".join(CHECKERS))
    if unreadable:
        return _wrong_format("04.predict", _("{values} is not True or False").format(values=_("; ").join(unreadable)))
    matrix = verdict_matrix(make_defect(defect))
    wrong, skipped = [], []
    for checker, guess in guesses.items():
        cell = matrix.cell(checker)
        if cell.accepted is None:
            skipped.append(checker)
        elif guess != cell.accepted:
            wrong.append(f"{checker} {cell.word} ({cell.detail})")
    if wrong:
        return False, _("not quite: {wrong}").format(wrong=_("; ").join(wrong))
    note = _(" ({names} could not run here)").format(names=", ".join(skipped)) if skipped else ""
    return True, _("every prediction matches what the checkers said about '{defect}'{note}.").format(
        defect=matrix.broken.title, note=note)
