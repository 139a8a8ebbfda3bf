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

from .._catalog import N_, _, ngettext, tr
from ._answers import Reading, Term, Vocabulary, listed, read_letters, squash
from ..errors import PkiLessonError

__all__ = ["exercise", "EXERCISES", "FORMATS"]

#: id -> (question, checking function)
EXERCISES: dict[str, tuple[str, Callable[..., tuple[bool, str]]]] = {}
#: id -> the answer's expected format, in words a question can quote (e.g. 'a set of names, e.g. {"x"}').
FORMATS: dict[str, str] = {}
#: id -> (question, format, code): the texts as marked, before ``code`` (Python literals) is put in their fields.
_TEXTS: dict[str, tuple[str, str, dict[str, str]]] = {}


def exercise(exercise_id: str, question: str, format: str = "", **code: str):
    """Register a checking function ``f(answer, **context) -> (correct, why)`` under ``exercise_id``.

    ``format`` is the answer's expected format (:data:`FORMATS`); ``check`` never calls ``f`` with None.
    ``question`` and ``format`` are marked with ``N_`` where they are written: :func:`format_of` gives the
    format in the current language. ``code`` fills their ``{fields}`` with Python literals that no language
    changes (a dict written ``{"openssl": True}`` inside a message would break its French spacing rules).
    """

    def register(function):
        EXERCISES[exercise_id] = (question.format(**code) if code else question, function)
        FORMATS[exercise_id] = format.format(**code) if code else format
        _TEXTS[exercise_id] = (question, format, code)
        return function

    return register


def format_of(exercise_id: str) -> str:
    """The format :data:`FORMATS` gives for ``exercise_id``, in the current language."""
    _question, written, code = _TEXTS.get(exercise_id, ("", FORMATS[exercise_id], {}))
    if not written:
        return ""
    return tr(written).format(**code) if code else tr(written)


def question_of(exercise_id: str) -> str:
    """The question of ``exercise_id``, in the current language."""
    question, _format, code = _TEXTS.get(exercise_id, (EXERCISES[exercise_id][0], "", {}))
    return tr(question).format(**code) if code else tr(question)


# -- wording the hints -----------------------------------------------------------------------------------


def _wrong_format(exercise_id: str, detail: str = "") -> tuple[bool, str]:
    """A format problem: what is wrong with the answer's shape, and the shape expected."""
    if detail:
        return False, _("wrong format ({detail}): give {format}.").format(detail=detail, format=format_of(exercise_id))
    return False, _("wrong format: give {format}.").format(format=format_of(exercise_id))


#: Each kind of name the checks read, with its article ("a keyUsage bit"), and as a heading ("keyUsage bit"),
#: in the current language with tr. A kind not listed is worded in English.
_KINDS = {
    "keyUsage bit": (N_("a keyUsage bit"), N_("keyUsage bit")),
    "extendedKeyUsage purpose": (N_("an extendedKeyUsage purpose"), N_("extendedKeyUsage purpose")),
    "extension": (N_("an extension"), N_("extension")),
    "certificate field": (N_("a certificate field"), N_("certificate field")),
    "answer": (N_("an answer"), N_("answer")),
    "key": (N_("a key"), N_("key")),
    "TLS alert": (N_("a TLS alert"), N_("TLS alert")),
    "handshake message": (N_("a handshake message"), N_("handshake message")),
}


def _a(kind: str) -> str:
    """``kind`` with its article: 'an extension', 'un bit keyUsage'."""
    return tr(_KINDS[kind][0]) if kind in _KINDS else f"{_article(kind)} {kind}"


def _kind(kind: str) -> str:
    """``kind`` as is: 'extension', 'bit keyUsage'."""
    return tr(_KINDS[kind][1]) if kind in _KINDS else kind


def _as_written(written: str, term: Term) -> str:
    """``"Certificate Sign" (keyCertSign)`` when the learner used another spelling, else ``keyCertSign``."""
    return term.name if squash(written) == squash(term.name) else _('"{written}" ({name})').format(written=written,
                                                                                                  name=term.name)


def _misplaced(reading: Reading, vocabulary: Vocabulary) -> list[str]:
    """Hints for the words that are no term of ``vocabulary``: another kind's terms, then unknown words."""
    hints = [_("{term} is {a_kind}, not {a_wanted}").format(term=_as_written(written, term), a_kind=_a(term.kind),
                                                              a_wanted=_a(vocabulary.kind))
             for written, term in reading.strangers]
    if reading.unknown:
        names = ", ".join(t.name for t in vocabulary.terms)
        words = listed(_("\"{word}\"").format(word=w) for w in reading.unknown)
        hints.append(ngettext("{words} is no {kind} name (the names: {names}; the decoded view's labels count too)",
                              "{words} are no {kind} name (the names: {names}; the decoded view's labels count too)",
                              len(reading.unknown)).format(words=words, kind=_kind(vocabulary.kind), names=names))
    return hints


def _article(words: str) -> str:
    return "an" if words[:1].lower() in "aeiou" else "a"


def _extra(reading: Reading, names: set[str], vocabulary: Vocabulary) -> list[str]:
    """The terms in ``names`` as the learner wrote them."""
    return [_as_written(reading.found[name], vocabulary[name]) for name in sorted(names)]


def _joined(hints: list[str]) -> str:
    """The hints in one sentence: 'a; b.' ('a ; b.' in French)."""
    return _("; ").join(hints) + "."


def _one_letter(exercise_id: str, answer, choices: str) -> tuple[Optional[str], Optional[tuple[bool, str]]]:
    """(the letter, None), or (None, the format hint)."""
    letters, stray, problem = read_letters(answer, choices)
    if problem or stray or len(letters) != 1:
        detail = problem or (ngettext("{stray} is not one of the choices", "{stray} are not one of the choices",
                                      len(stray)).format(stray=listed(repr(s) for s in stray)) if stray
                             else ngettext("{count} letter where one is asked", "{count} letters where one is asked",
                                           len(letters)).format(count=len(letters)))
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
    return _(" or ").join(f"'{label}'" for label in labels) or repr(keys[-1])
