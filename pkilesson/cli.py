"""``pkilesson``: the command-line front of the lessons.

    pkilesson workflow DIR      steps 1-4 of the source, with correct defaults
    pkilesson verify --ca CA.pem CERT.pem (--host NAME | --ip ADDR | --client) [--crl CRL.pem]
    pkilesson mtls DIR          one mutual-TLS handshake on 127.0.0.1
    pkilesson revoke DIR CERT.pem
    pkilesson inspect FILE [--asn1] [--json] [--issuer CA.pem]
    pkilesson diagram DIR [-o FILE.svg] [--kind workspace|chain|mtls] [--step N]
    pkilesson lab --list | pkilesson lab NAME [-o DIR] [--json]
    pkilesson doctor [--json]   what each lesson runs fully here, what it skips, what to install
    pkilesson pack DIR -o FILE.zip | pkilesson unpack FILE.zip DIR   keep and resume a learner's work

The options are in :mod:`pkilesson._cli_parser`, the commands in
:mod:`pkilesson._cli_commands`.

Every command takes ``--lang en|fr`` (before or after its name); without it the
language is the locale's (LC_ALL, LC_MESSAGES, LANG: ``fr_FR.UTF-8`` gives French),
English otherwise. ``--json`` output is the same in every language; the tools' own
words (OpenSSL's, Python's, pyca/cryptography's) stay as the tools print them.

Exit codes: 0 success, 1 a certificate did not verify (doctor: a lesson
skips something here), 2 bad input (one
line on standard error says what is wrong and how to fix it).

Every command refuses bad input before it writes anything; a reader that
stops early (``| head``) ends the output quietly; text that the terminal's
encoding cannot show is escaped, never an error; a library warning is one
line, ``pkilesson: warning: ...``.
"""

from __future__ import annotations

import os
import sys
from typing import Optional, Sequence

from . import _catalog
from ._catalog import _
from .errors import PkiLessonError
from .i18n import LANGUAGES, language_from_environment
from ._cli_commands import (_cli_terms, _diagram, _doctor, _inspect, _lab, _mtls, _pack, _revoke, _serve, _unpack,
                            _verify, _workflow)
from ._cli_parser import build_parser

__all__ = ["main"]


def _cli_words(text: str) -> str:
    return " ".join(_cli_terms(text).split())  # one line, whatever the message held


def _error(text: str) -> None:
    try:
        print("pkilesson: " + _("error: {message}").format(message=_cli_words(text)), file=sys.stderr)
    except (OSError, ValueError):  # standard error closed too: nothing more to say
        pass


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A library warning as one line, without the source line Python shows by default."""
    try:
        print("pkilesson: " + _("warning: {message}").format(message=_cli_words(str(message))), file=sys.stderr)
    except (OSError, ValueError):
        pass


def _quiet_broken_pipe() -> int:
    """The reader (e.g. head) stopped early: not an error of ours; drop what is left of the output."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 0


def _language_option(argv: Sequence[str]) -> Optional[str]:
    """The value of the last ``--lang en|fr`` in ``argv`` (before ``--``), read before the parser is made,
    so that its help and its errors are in that language too; None when there is none (or a wrong one,
    which the parser then refuses)."""
    found = None
    for number, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[number + 1] if arg == "--lang" and number + 1 < len(argv) else \
            arg.partition("=")[2] if arg.startswith("--lang=") else None
        if value is not None:
            found = value if value in LANGUAGES else None
    return found


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command; its messages are in the language of ``--lang``, else of the locale; the language the
    library had before is back when it returns (``main`` may be called from Python)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    with _catalog.speaking(_language_option(argv) or language_from_environment(os.environ)):
        return _main(argv)


def _main(argv: list[str]) -> int:
    import warnings

    for stream in (sys.stdout, sys.stderr):  # a terminal in another encoding: escape, never fail
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        args = build_parser().parse_args(argv)
        if getattr(args, "lang", None):
            _catalog.use(args.lang)
        try:
            commands = {"workflow": _workflow, "verify": _verify, "inspect": _inspect, "diagram": _diagram,
                        "mtls": _mtls, "revoke": _revoke, "lab": _lab, "serve": _serve, "doctor": _doctor,
                        "pack": _pack, "unpack": _unpack}
            code = commands[args.command](args)
            sys.stdout.flush()  # a broken pipe shows here, not at exit
            return code
        except PkiLessonError as exc:
            _error(str(exc))
            return 2
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return _quiet_broken_pipe()
        except OSError as exc:  # the library turns these into PkiLessonErrors; this is the last net
            from .pki.pem import os_problem

            problem, fix = os_problem(exc, exc.filename or "a file", "use")
            _error(_("{problem} Fix: {fix}").format(problem=problem, fix=fix))
            return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
