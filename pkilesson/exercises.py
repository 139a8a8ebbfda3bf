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
    given = _words(answer)
    wanted = {"keycertsign", "crlsign"}
    if given == wanted:
        return True, "keyCertSign lets the CA sign certificates, cRLSign lets it sign revocation lists (RFC 5280 §4.2.1.3)."
    if "keycertsign" not in given:
        return False, "without keyCertSign a strict verifier refuses every certificate this CA signs."
    if given - wanted:
        return False, f"{', '.join(sorted(given - wanted))}: a CA key that only signs certificates and CRLs needs nothing more."
    return False, "the CA also signs revocation lists: which bit allows that?"


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
