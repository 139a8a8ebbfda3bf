"""Lesson 07's tries, shown: :class:`Tries` (a scenario's attempts, as text and as a table), and the outcomes recorded.

:data:`RECORDED` is read from ``data/access-recorded.json``, which ``python -m
pkilesson.lessons.access --record`` writes (generated: do not edit it by
hand); where a server is missing, a scenario shows its recorded tries instead,
marked as recorded, with the command that installs what is missing.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import PkiLessonError
from ..tls.servers import Attempt, ServerMissing

__all__ = ["Tries", "RECORDED", "RECORDED_FILE"]

#: Where the recording is written and read: the package's data, shipped in the wheel.
RECORDED_FILE = Path(__file__).parent / "data" / "access-recorded.json"
#: Every scenario as it ran when recorded (``_meta``: when, on which machine, with which versions).
RECORDED = json.loads(RECORDED_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Tries:
    """The tries of one scenario: live here, or recorded elsewhere (``recorded`` says when, and why)."""

    title: str
    attempts: tuple[Attempt, ...]
    recorded: Optional[str] = None

    def __iter__(self):
        return iter(self.attempts)

    def __getitem__(self, index: int) -> Attempt:
        return self.attempts[index]

    def __len__(self) -> int:
        return len(self.attempts)

    def _lines(self, attempt: Attempt, number: int) -> list[str]:
        lines = [f"{number}. {attempt.scenario}: {attempt.verdict.upper()}",
                 f"   rule: {attempt.setting}", f"   $ {attempt.command}",
                 f"   {attempt.client} said: {attempt.client_words}"]
        lines += [f"   the server's {log}: {line}" for log, line in attempt.server_words] or \
                 ["   the server's logs: nothing for this connection"]
        return lines

    def __str__(self) -> str:
        head = [f"RECORDED, not run here: {self.recorded}"] if self.recorded else []
        server = self.attempts[0].server if self.attempts else ""
        head.append(f"{self.title} (server: {server})")
        return "\n".join(head + [line for i, a in enumerate(self.attempts, 1) for line in self._lines(a, i)])

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        e = html.escape
        cell = "style='text-align: left; vertical-align: top; overflow-wrap: anywhere; word-break: break-word'"
        banner = ""
        if self.recorded:
            banner = ("<p style='border: 2px dashed var(--jp-warn-color1, #e65100); padding: 4px'>"
                      f"<b>RECORDED, not run here</b>: {e(self.recorded)}</p>")
        rows = []
        for number, a in enumerate(self.attempts, 1):
            colour = "var(--jp-success-color1, #2e7d32)" if a.accepted else "var(--jp-error-color1, #c62828)"
            said = "<br>".join(f"<i>{e(log)}</i>: <code>{e(line)}</code>" for log, line in a.server_words)
            rows.append(
                f"<tr><td {cell}>{number}</td><td {cell}>{e(a.scenario)}<details><summary>command</summary>"
                f"<code>$ {e(a.command)}</code></details></td><td {cell}><code>{e(a.setting)}</code></td>"
                f"<td {cell}><b style='color: {colour}'>{a.verdict}</b></td>"
                f"<td {cell}><i>{e(a.client)}</i>:<br><code>{e(a.client_words)}</code></td>"
                f"<td {cell}>{said or 'nothing for this connection'}</td></tr>")
        server = e(self.attempts[0].server) if self.attempts else ""
        widths = "".join(f"<col style='width: {w}%'>" for w in (3, 17, 20, 9, 25, 26))
        head = "".join(f"<th {cell}>{h}</th>" for h in ("#", "who connects", "the server's rule", "verdict",
                                                         "the client said (its own words)",
                                                         "the server said (its logs)"))
        return (f"<div class='pkilesson-tries'>{banner}<p><b>{e(self.title)}</b> (server: {server})</p>"
                f"<table style='table-layout: fixed; width: 100%'><colgroup>{widths}</colgroup><tr>{head}</tr>"
                + "".join(rows) + "</table></div>")


# -- recorded outcomes --------------------------------------------------------------------------------------


def _recorded(key: str, why: str) -> Tries:
    entry = RECORDED.get(key)
    if entry is None:
        raise PkiLessonError(f"{why} and no outcome of {key!r} was recorded.", "install it and run again.")
    attempts = tuple(Attempt.from_dict(a) for a in entry["attempts"])
    return Tries(entry["title"], attempts, f"{why}. What follows is what it did when recorded "
                                           f"{RECORDED['_meta']['when']} on {RECORDED['_meta']['machine']}.")


def _missing_words(error: ServerMissing) -> str:
    return f"{error.problem.rstrip('.')}; to install it: {error.install}"
