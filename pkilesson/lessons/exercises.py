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

Each lesson's checks live in their own module (``_exercises_01`` ... ``_exercises_06``;
07's in :mod:`pkilesson.lessons.access`), registered with :func:`exercise`
(:mod:`pkilesson.lessons._exercise_kit`); importing this module registers them.

The feedback is in the language of :func:`pkilesson.set_language` (English by default), and a French learner
may answer in French: « signature de certificat », « l'émetteur et le numéro de série », « aucun », « vrai »
count as the English names and words they stand for (:mod:`pkilesson.lessons._vocabularies`).

:data:`FORMATS` gives the format each exercise expects, in words a question
can quote (written in English, marked for the catalogue: the hints give it in the current
language); ``check(id, None)`` says it too.

>>> check("01.ca-key-usage", {"keyCertSign", "cRLSign"}).correct
True
>>> check("01.ca-key-usage", ["Certificate Sign", "CRL Sign"]).correct
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from . import _exercises_01, _exercises_02, _exercises_03, _exercises_04, _exercises_05, _exercises_06
from ._exercise_kit import EXERCISES, FORMATS, exercise, format_of
from .._catalog import _
from ..errors import PkiLessonError

__all__ = ["Feedback", "check", "exercise", "EXERCISES", "FORMATS"]

#: The modules that register each lesson's exercises (importing them registers them), in lesson order.
_LESSONS = (_exercises_01, _exercises_02, _exercises_03, _exercises_04, _exercises_05, _exercises_06)


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: right or not, and why."""

    exercise: str
    correct: bool
    why: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return (_("Right: {why}") if self.correct else _("Not yet: {why}")).format(why=self.why)

    def _repr_html_(self) -> str:
        colour = "var(--jp-success-color1, #2e7d32)" if self.correct else "var(--jp-warn-color1, #e65100)"
        mark = _("✔ Right") if self.correct else _("✘ Not yet")
        said = _("{mark}: {why}").format(mark=f'<b style="color: {colour}">{html.escape(mark)}</b>',
                                         why=html.escape(self.why))
        return f'<div class="pkilesson-feedback">{said}</div>'


def check(exercise_id: str, answer: Any, **context) -> Feedback:
    """Check ``answer`` to exercise ``exercise_id``; ``context`` passes e.g. ``directory=``."""
    if exercise_id not in EXERCISES:
        raise PkiLessonError(
            _("There is no exercise {exercise!r}.").format(exercise=exercise_id),
            _("use one of {names}.").format(names=", ".join(sorted(EXERCISES)))
        )
    function = EXERCISES[exercise_id][1]
    if answer is None:
        return Feedback(exercise_id, False, _("replace None with your answer ({format}), then run the cell again.")
                        .format(format=format_of(exercise_id)))
    try:
        correct, why = function(answer, **context)
    except PkiLessonError as error:  # e.g. a file the check needs is missing or damaged: say so, do not raise
        return Feedback(exercise_id, False, _("the check could not run: {error}").format(error=error))
    return Feedback(exercise_id, bool(correct), why)
