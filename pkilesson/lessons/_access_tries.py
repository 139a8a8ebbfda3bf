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

from .._catalog import N_, _, tr
from ..errors import PkiLessonError
from ..tls.servers import Attempt, ServerMissing, shown_html, shown_words  # an attempt's field as shown

__all__ = ["Tries", "RECORDED", "RECORDED_FILE"]

#: Where the recording is written and read: the package's data, shipped in the wheel.
RECORDED_FILE = Path(__file__).parent / "data" / "access-recorded.json"
#: Every scenario as it ran when recorded (``_meta``: when, on which machine, with which versions).
RECORDED = json.loads(RECORDED_FILE.read_text(encoding="utf-8"))


#: The servers' logs by the names the tries give them (data: English), as a learner reads them.
_LOGS = {"error log": N_("error log"), "general log": N_("general log"), "access log": N_("access log")}


def _log(name: str) -> str:
    return tr(_LOGS[name]) if name in _LOGS else name


def _verdict(attempt: Attempt) -> str:
    """The attempt's verdict (data: "accepted" or "refused") in the current language."""
    return _("accepted") if attempt.accepted else _("refused")


def _title(title: str) -> str:
    """A scenario's title (data, English: "MariaDB, " then the scenario's table entry) in the current language."""
    server, comma, what = title.partition(", ")
    return f"{server}, {tr(what)}" if comma else tr(title)


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
        lines = [_("{number}. {scenario}: {verdict}").format(number=number, scenario=tr(attempt.scenario),
                                                            verdict=_verdict(attempt).upper()),
                 "   " + _("rule: {setting}").format(setting=shown_words(attempt.setting)),
                 f"   $ {shown_words(attempt.command)}",
                 "   " + _("{client} said: {words}").format(client=shown_words(attempt.client),
                                                          words=shown_words(attempt.client_words))]
        lines += ["   " + _("the server's {log}: {line}").format(log=_log(log), line=line)
                  for log, line in attempt.server_words] or \
                 ["   " + _("the server's logs: nothing for this connection")]
        return lines

    def __str__(self) -> str:
        head = [_("RECORDED, not run here: {recorded}").format(recorded=self.recorded)] if self.recorded else []
        server = shown_words(self.attempts[0].server) if self.attempts else ""
        head.append(_("{title} (server: {server})").format(title=_title(self.title), server=server))
        return "\n".join(head + [line for i, a in enumerate(self.attempts, 1) for line in self._lines(a, i)])

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        e, w = html.escape, shown_html

        cell = "style='text-align: left; vertical-align: top; overflow-wrap: anywhere; word-break: break-word'"
        banner = ""
        if self.recorded:
            banner = ("<p style='border: 2px dashed var(--jp-warn-color1, #e65100); padding: 4px'>"
                      + _("<b>RECORDED, not run here</b>: {recorded}").format(recorded=e(self.recorded)) + "</p>")
        rows = []
        for number, a in enumerate(self.attempts, 1):
            colour = "var(--jp-success-color1, #2e7d32)" if a.accepted else "var(--jp-error-color1, #c62828)"
            said = "<br>".join(_("<i>{log}</i>: <code>{line}</code>").format(log=e(_log(log)), line=e(line))
                               for log, line in a.server_words)
            command = e(_("command"))
            rows.append(
                f"<tr><td {cell}>{number}</td><td {cell}>{e(tr(a.scenario))}<details><summary>{command}"
                f"</summary><code>$ {w(a.command)}</code></details></td><td {cell}><code>{w(a.setting)}</code></td>"
                f"<td {cell}><b style='color: {colour}'>{e(_verdict(a))}</b></td>"
                f"<td {cell}>" + _("<i>{client}</i>:<br><code>{words}</code>").format(client=w(a.client),
                                                                                    words=w(a.client_words))
                + f"</td><td {cell}>" + (said or e(_("nothing for this connection"))) + "</td></tr>")
        server = w(self.attempts[0].server) if self.attempts else ""
        widths = "".join(f"<col style='width: {w}%'>" for w in (3, 17, 20, 9, 25, 26))
        head = "".join(f"<th {cell}>{e(h, quote=False)}</th>" for h in ("#", _("who connects"), _("the server's rule"), _("verdict"),
                                                            _("the client said (its own words)"),
                                                            _("the server said (its logs)")))
        title = _("<b>{title}</b> (server: {server})").format(title=e(_title(self.title)), server=server)
        return (f"<div class='pkilesson-tries'>{banner}<p>{title}</p>"
                f"<table style='table-layout: fixed; width: 100%'><colgroup>{widths}</colgroup><tr>{head}</tr>"
                + "".join(rows) + "</table></div>")


# -- recorded outcomes --------------------------------------------------------------------------------------


def _recorded(key: str, why: str) -> Tries:
    entry = RECORDED.get(key)
    if entry is None:
        raise PkiLessonError(_("{why} and no outcome of {key!r} was recorded.").format(why=why, key=key),
                             _("install it and run again."))
    attempts = tuple(Attempt.from_dict(a) for a in entry["attempts"])
    meta = RECORDED["_meta"]
    return Tries(entry["title"], attempts, _("{why}. What follows is what it did when recorded {when} on {machine}.")
                 .format(why=why, when=meta["when"], machine=meta["machine"]))


def _missing_words(error: ServerMissing) -> str:
    return _("{problem}; to install it: {install}").format(problem=error.problem.rstrip("."), install=error.install)
