"""What every exercise's check uses: the registry, the wording of the hints, the learner's files.

:func:`exercise` registers a checking function under its id in :data:`EXERCISES`
and its expected format in :data:`FORMATS`; :func:`pkilesson.lessons.exercises.check`
looks them up (07's checks, in :mod:`pkilesson.lessons.access`, register here too).
Lessons 01 to 06's checks (``_exercises_01`` ... ``_exercises_06``) word their
hints with the helpers below, so a wrong format, a misplaced name or an extra
item reads the same in every lesson, and read the learner's files with them.
"""

from __future__ import annotations

from pathlib import Path as _Path
from typing import Callable, Optional

from ._answers import Reading, Term, Vocabulary, listed, read_letters, squash
from ..errors import PkiLessonError

__all__ = ["exercise", "EXERCISES", "FORMATS"]

#: id -> (question, checking function)
EXERCISES: dict[str, tuple[str, Callable[..., tuple[bool, str]]]] = {}
#: id -> the answer's expected format, in words a question can quote (e.g. 'a set of names, e.g. {"x"}').
FORMATS: dict[str, str] = {}


def exercise(exercise_id: str, question: str, format: str = ""):
    """Register a checking function ``f(answer, **context) -> (correct, why)`` under ``exercise_id``.

    ``format`` is the answer's expected format (:data:`FORMATS`); ``check`` never calls ``f`` with None.
    """

    def register(function):
        EXERCISES[exercise_id] = (question, function)
        FORMATS[exercise_id] = format
        return function

    return register


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


def _one_letter(exercise_id: str, answer, choices: str) -> tuple[Optional[str], Optional[tuple[bool, str]]]:
    """(the letter, None), or (None, the format hint)."""
    letters, stray, problem = read_letters(answer, choices)
    if problem or stray or len(letters) != 1:
        detail = problem or (f"{listed(repr(s) for s in stray)} {'is' if len(stray) == 1 else 'are'} not one of "
                             f"the choices" if stray else f"{len(letters)} letters where one is asked")
        return None, _wrong_format(exercise_id, detail)
    return letters.pop(), None


# -- the learner's files --------------------------------------------------------------------------------

_LAB = _Path("lab")


def _load(path):
    from ..pki.certificates import load_certificate

    return load_certificate(_Path(path))


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
