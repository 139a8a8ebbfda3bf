"""The lessons' workspace folder and its three steps: ``lab/`` beside the notebooks, step 1 the CA, 2 the
server, 3 the client (4 verifies them). :mod:`pkilesson.lessons.lesson` re-exports :data:`LAB`.
"""

from __future__ import annotations

import os
from pathlib import Path

from .._catalog import _
from ..errors import PkiLessonError

__all__ = ["LAB", "ROLE_OF_STEP"]

#: The lessons' workspace: the folder ``lab`` beside the notebooks.
LAB = Path(os.environ.get("PKILESSON_LAB", "lab"))
ROLE_OF_STEP = {1: "ca", 2: "server", 3: "client"}


def _check_step(step: int, allowed=(1, 2, 3)) -> str:
    if step not in allowed:
        raise PkiLessonError(_("There is no step {step!r} here.").format(step=step),
                             _("use one of {steps}.").format(steps=", ".join(map(str, allowed))))
    return ROLE_OF_STEP.get(step, "")
