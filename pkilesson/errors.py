"""The one exception family of pkilesson.

Every error a learner can cause (a malformed PEM, the wrong key for a
certificate, an impossible date, a name that is not a DNS name...) is raised
as a :class:`PkiLessonError`. Its message says what is wrong *and* how to fix
it, so a notebook or the command line can show it on one line instead of a
traceback.
"""

from __future__ import annotations

from ._catalog import N_, _, tr

__all__ = [
    "PkiLessonError",
    "InvalidKeyError",
    "InvalidNameError",
    "InvalidRequestError",
    "InvalidCertificateError",
    "IssuanceError",
    "WorkspaceError",
    "OpenSSLError",
    "DecodeError",
    "RenderError",
    "ArgumentError",
]


def _one_line(text: str) -> str:
    """``text`` on one line: a control character from the input (a newline in a path) is shown escaped, as ``\\n``."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class PkiLessonError(Exception):
    """Base class: something the learner gave us is wrong.

    ``problem`` says what is wrong, ``fix`` says what to do about it; the
    string form joins both on one line.
    """

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = _one_line(problem)
        self.fix = _one_line(fix)
        problem, fix = self.problem, self.fix
        # Translators: the one-line form of every error: what is wrong, then how to fix it.
        super().__init__(_("{problem} Fix: {fix}").format(problem=problem, fix=fix) if fix else problem)

    def _render_traceback_(self) -> list[str]:
        """What IPython (and so Jupyter) shows instead of a traceback: the problem, then its fix.

        A lesson shows some failures on purpose (a forged request, a wrong
        passphrase); a stack trace would read as "the lesson is broken".
        ``raise`` in plain Python still gives the full traceback.
        """
        # Translators: the second line of an error shown in a notebook (the first is the error's class and problem).
        return [f"{type(self).__name__}: {self.problem}"] + ([_("Fix: {fix}").format(fix=self.fix)] if self.fix else [])


class InvalidKeyError(PkiLessonError):
    """A private key could not be made, read or used."""


class InvalidNameError(PkiLessonError):
    """A distinguished name, DNS name, IP address or e-mail address is invalid."""


class InvalidRequestError(PkiLessonError):
    """A certificate signing request (CSR) is malformed or its signature fails."""


class InvalidCertificateError(PkiLessonError):
    """A certificate is malformed or does not fit the key given with it."""


class IssuanceError(PkiLessonError):
    """The CA refuses to issue a certificate (dates, names, profile)."""


class WorkspaceError(PkiLessonError):
    """A workspace file is missing, unreadable, or would be overwritten."""


class OpenSSLError(PkiLessonError):
    """The ``openssl`` command line tool is absent or a command failed."""


class RenderError(PkiLessonError):
    """A diagram cannot be drawn: no Graphviz renderer, or the renderer failed."""


class DecodeError(PkiLessonError):
    """A file could not be decoded: not PEM or DER, damaged, or of a kind we do not explain."""


class ArgumentError(PkiLessonError, TypeError):
    """A function was given an argument of the wrong type.

    The message names the parameter and what it expects. It is both a
    :class:`PkiLessonError` (one line with a fix, as the lessons show
    errors) and a :class:`TypeError` (what Python code expects of a wrong
    type).
    """


def argument_error(parameter: str, expected: str, value: object, fix: str = "") -> ArgumentError:
    """``parameter= must be <expected>, got <type>``: the error of a wrong argument."""
    got = "None" if value is None else type(value).__name__
    expected = tr(expected)  # marked with N_ by the caller, where it is a phrase ("a tuple of parts")
    return ArgumentError(_("{parameter}= must be {expected}, got {got}.").format(parameter=parameter, expected=expected,
                                                                             got=got),
                         fix or _("pass {expected} as {parameter}=.").format(expected=expected, parameter=parameter))


def check_bool(value: object, parameter: str) -> bool:
    """``value`` if it is True or False, else an :class:`ArgumentError` naming ``parameter``."""
    if not isinstance(value, bool):
        raise argument_error(parameter, N_("True or False"), value)
    return value
