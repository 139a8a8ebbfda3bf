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

Exit codes: 0 success, 1 a certificate did not verify (doctor: a lesson
skips something here), 2 bad input (one
line on standard error says what is wrong and how to fix it).

Every command refuses bad input before it writes anything; a reader that
stops early (``| head``) ends the output quietly; text that the terminal's
encoding cannot show is escaped, never an error; a library warning is one
line, ``pkilesson: warning: ...``.
"""

from __future__ import annotations

import sys
from typing import Optional, Sequence

from .errors import PkiLessonError
from ._cli_commands import (_cli_terms, _diagram, _doctor, _inspect, _lab, _mtls, _pack, _revoke, _serve, _unpack,
                            _verify, _workflow)
from ._cli_parser import build_parser

__all__ = ["main"]


def _cli_words(text: str) -> str:
    return " ".join(_cli_terms(text).split())  # one line, whatever the message held


def _error(text: str) -> None:
    try:
        print(f"pkilesson: error: {_cli_words(text)}", file=sys.stderr)
    except (OSError, ValueError):  # standard error closed too: nothing more to say
        pass


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A library warning as one line, without the source line Python shows by default."""
    try:
        print(f"pkilesson: warning: {_cli_words(str(message))}", file=sys.stderr)
    except (OSError, ValueError):
        pass


def _quiet_broken_pipe() -> int:
    """The reader (e.g. head) stopped early: not an error of ours; drop what is left of the output."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    import warnings

    for stream in (sys.stdout, sys.stderr):  # a terminal in another encoding: escape, never fail
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        args = build_parser().parse_args(argv)
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
            _error(f"{problem} Fix: {fix}")
            return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
