"""The setup check a teacher runs first: what this machine has for each lesson, what will be skipped, how to fix it.

``pkilesson doctor`` (and :func:`doctor` as the first cell of lesson 00)
looks at:

- **Python** (pkilesson needs 3.11 or newer) and **ipywidgets** (the panels
  and the Download/Restore widget);
- the **openssl command** and its version (:func:`pkilesson.pki.openssl.openssl_path`,
  as the lessons find it);
- the **Graphviz renderer** (:func:`pkilesson.draw.render.find_renderer`, then a
  one-edge graph drawn with it, so a renderer that is there but broken shows);
- **every checker of the break-it lab's verdict matrix**, found by asking the
  matrix itself: :func:`~pkilesson.verify.matrix.verdict_matrix` runs on the
  control (``make_defect("none")``, a correct chain) and each cell says
  whether its checker ran; the list of checkers is the matrix's own, read at
  run time, so the doctor and the matrix never disagree (about a second and
  a half with every checker present: Chromium starts once);
- **curl** (lesson 05), as :func:`pkilesson.verify.browser.curl_path` finds it;
- **fonts-liberation**, the Helvetica-compatible font the diagrams are laid
  out for in a Linux browser (advice: no lesson skips anything without it);
- the servers of lesson 07, as :mod:`pkilesson.tls.servers` finds them (on the
  PATH, then in the ``sbin`` folders a user's PATH often lacks): MariaDB
  (``mariadbd``, ``mariadb-install-db`` and the ``mariadb`` client) and
  ``nginx``.

Then, per lesson (:data:`LESSONS`: the sections that use each tool, read
from the notebooks), what runs fully here and what is skipped and why, with
the command that installs what is missing. :attr:`Report.ok` is True when
every lesson runs fully (``pkilesson doctor`` exits 0, else 1).

The table of the lessons is in ``_doctor_lessons``, the report's classes in
``_doctor_report``, the check of each tool in ``_doctor_tools``; all are
importable from here.
"""

from __future__ import annotations

from ._doctor_lessons import LESSONS, Lesson, Use
from ._doctor_report import LessonStatus, Report, Tool
from ._doctor_tools import LIBERATION, _tools, server_path

__all__ = ["LESSONS", "Lesson", "LessonStatus", "Report", "Tool", "Use", "doctor", "LIBERATION", "server_path"]


def _status(lesson: Lesson, tools: dict) -> LessonStatus:
    missing = []
    for use in lesson.uses:
        if use.tool == "checkers":
            keys = [key for key in tools if key.startswith("checker:")]
        else:
            keys = [use.tool]
        for key in keys:
            tool = tools.get(key)
            if tool is not None and not tool.present:
                missing.append((tool, use))
    return LessonStatus(lesson, tuple(missing))


def doctor() -> Report:
    """Look at this machine: every tool the lessons use, then what each lesson runs fully or skips here."""
    tools = _tools()
    by_key = {tool.key: tool for tool in tools}
    return Report(tuple(tools), tuple(_status(lesson, by_key) for lesson in LESSONS))
