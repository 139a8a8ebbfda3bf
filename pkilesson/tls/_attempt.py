"""One client's try at a real server: :class:`Attempt`, and the server's log lines that belong to it.

:class:`_Log` reads a log file from where the last read stopped, :func:`settle`
waits until the server has written everything it says about a connection, and
:func:`strip_stamp` takes the date off a line: what is left is the server's
own words, which an :class:`Attempt` shows beside the client's.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from .._catalog import N_, Text, _, current, tr

__all__ = ["Attempt", "settle", "strip_stamp", "words", "shown_words", "shown_html"]


# -- the server's log, read attempt by attempt -------------------------------------------------------------


class _Log:
    """A log file read from where the last read stopped: the lines one attempt added."""

    def __init__(self, path: Path, label: str) -> None:
        self.path, self.label, self.offset = path, label, 0

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def mark(self) -> None:
        self.offset = self.size()

    def read(self) -> list[str]:
        try:
            with open(self.path, "rb") as file:
                file.seek(self.offset)
                data = file.read()
        except OSError:
            return []
        end = data.rfind(b"\n") + 1  # whole lines only; the rest is read next time
        self.offset += end
        return [line for line in data[:end].decode("utf-8", "replace").splitlines() if line.strip()]

    def text(self) -> str:
        try:
            return self.path.read_text(errors="replace")
        except OSError:
            return ""


def settle(logs: Iterable[_Log], *, quiet: float = 0.2, timeout: float = 3.0) -> None:
    """Wait until the logs have grown and then stayed the same for ``quiet`` seconds (at most ``timeout``).

    A server writes some lines after the client has gone (MariaDB's "Aborted connection", nginx's
    access log at the end of a request): waiting for quiet collects them with their attempt.
    """
    logs = list(logs)
    start = [log.offset for log in logs]
    deadline = time.monotonic() + timeout
    sizes, since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = [log.size() for log in logs]
        if now != sizes:
            sizes, since = now, time.monotonic()
        elif any(s > o for s, o in zip(now, start)) and time.monotonic() - since >= quiet:
            return
        time.sleep(0.03)


# -- one client's try ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One client's try at a real server, as both sides told it.

    Attributes:
        server: the server and its version (and its TLS library), e.g. ``MariaDB 10.11.19-...``.
        setting: the server's rule for this try, as configured (an SQL statement, an nginx directive).
        client: the client program and its version.
        scenario: the try in words (who connects, with which certificate); a lesson's, marked with ``N_``, is
            shown translated.
        command: the command line or call that ran (``PORT`` for the port).
        accepted: whether the client got in.
        client_words: what the client printed or raised, in its own words.
        server_words: what the server logged for this connection: (which log, the line) pairs.
        recorded: None for a live try; else when and where the outcome was recorded.
    """

    server: str
    setting: str
    client: str
    scenario: str
    command: str
    accepted: bool
    client_words: str
    server_words: tuple[tuple[str, str], ...] = ()
    recorded: Optional[str] = None

    @property
    def verdict(self) -> str:
        return "accepted" if self.accepted else "refused"

    def server_says(self, text: str) -> bool:
        """Whether one of the server's lines contains ``text``."""
        return any(text in line for _log, line in self.server_words)

    def to_dict(self) -> dict:
        return {"server": self.server, "setting": self.setting, "client": self.client, "scenario": self.scenario,
                "command": self.command, "accepted": self.accepted, "client_words": self.client_words,
                "server_words": [list(pair) for pair in self.server_words]}

    @classmethod
    def from_dict(cls, data: dict, recorded: Optional[str] = None) -> "Attempt":
        return cls(data["server"], data["setting"], data["client"], data["scenario"], data["command"],
                   data["accepted"], data["client_words"], tuple(tuple(p) for p in data["server_words"]), recorded)

    def _header(self) -> str:
        return f"{self.scenario}: {self.verdict.upper()}"

    def _verdict_word(self) -> str:
        """:attr:`verdict` (data: always English) as a learner reads it."""
        return _("accepted") if self.accepted else _("refused")

    def __str__(self) -> str:
        lines = []
        server, setting, client, command, said = (shown_words(v) for v in (
            self.server, self.setting, self.client, self.command, self.client_words))
        if self.recorded:
            lines.append(_("RECORDED, not run here: {recorded}").format(recorded=self.recorded))
        lines += [_("{scenario}: {verdict}").format(scenario=tr(self.scenario), verdict=self._verdict_word().upper()),
                  "  " + _("server: {server}").format(server=server),
                  "  " + _("its rule: {setting}").format(setting=setting),
                  "  " + _("client: {client}").format(client=client), f"  $ {command}",
                  "  " + _("the client said (its own words): {words}").format(words=said)]
        if self.server_words:
            lines += ["  " + _("the server said ({log}): {line}").format(log=_log_name(log), line=line)
                      for log, line in self.server_words]
        else:
            lines.append("  " + _("the server said: nothing in its logs"))
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = "var(--jp-success-color1, #2e7d32)" if self.accepted else "var(--jp-error-color1, #c62828)"
        e = html.escape
        w = shown_html
        rows = [(_("server"), w(self.server)), (_("its rule"), f"<code>{w(self.setting)}</code>"),
                (_("client"), w(self.client)), (_("command"), f"<code>$ {w(self.command)}</code>"),
                (_("the client said (its own words)"), f"<code>{w(self.client_words)}</code>")]
        # Translators: between a label and what follows it (French: a space before the colon).
        colon = e(_(": "))
        said = "<br>".join(f"<i>{e(_log_name(log))}</i>{colon}<code>{e(line)}</code>"
                           for log, line in self.server_words)
        rows.append((_("the server said"), said or e(_("nothing in its logs"))))
        banner = ""
        if self.recorded:
            recorded = e(_("RECORDED, not run here"))
            banner = (f"<p style='border: 2px dashed var(--jp-warn-color1, #e65100); padding: 4px'>"
                      f"<b>{recorded}</b>{colon}{e(self.recorded)}</p>")
        cell = "style='text-align: left; vertical-align: top; overflow-wrap: anywhere; word-break: break-word'"
        table = "".join(f"<tr><th {cell}>{k}</th><td {cell}>{v}</td></tr>" for k, v in rows)
        return (f"<div class='pkilesson-attempt'>{banner}<p><b>{e(tr(self.scenario))}</b>{colon}"
                f"<b style='color: {colour}'>{e(self._verdict_word())}</b></p><table style='table-layout: fixed; width: 100%'>"
                f"<colgroup><col style='width: 25%'><col style='width: 75%'></colgroup>{table}</table></div>")


#: The servers' logs, by the name an attempt records (data: always English).
_LOGS = {"error log": N_("error log"), "general log": N_("general log"), "access log": N_("access log")}


def _log_name(log: str) -> str:
    return tr(_LOGS[log]) if log in _LOGS else log


def strip_stamp(line: str) -> str:
    """A log line without its leading date and time (the rest is the server's own words)."""
    line = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+\s+", "", line)  # MariaDB's error log
    line = re.sub(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d ", "", line)  # nginx's error log
    return re.sub(r"^\d{6}\s+\d\d:\d\d:\d\d\s+", "", line).strip()  # MariaDB's general log


# -- pkilesson's words inside an attempt's fields --------------------------------------------------------
#
# An attempt's server, rule, client, command and client's words are data: recorded in
# data/access-recorded.json, written by --json, compared by tests; English. A few hold pkilesson's own
# words around the tools' (a client's description, "in, as ...", "page: ..."). A live attempt makes them
# with :func:`words`, a :class:`~pkilesson._catalog.Text` of one of the templates below (English as data,
# translated when shown). A recorded one is a plain string: :func:`shown_words` recognises the template it
# was made from (each template is also a pattern, its values the tools' words) and shows it translated.

#: Every template an attempt's field is made from: a value's pattern when it is not "anything" (``.+?``).
_TEMPLATES = {
    N_("MariaDB {version} (its TLS library: {library})"): {},
    N_("the mariadb command ({version})"): {},
    N_("PyMySQL {version} (Python {python}, its ssl module: {openssl})"): {"version": r"\S+", "python": r"\S+"},
    N_("Python {python}'s ssl module ({openssl})"): {"python": r"\S+"},
    N_("in, as {answer}"): {},
    N_("exit status {status}"): {"status": r"-?\d+"},
    N_("{status}; page: {page}"): {"status": r"HTTP[^;]*|\(no answer\)"},
    N_("{status}; empty page"): {"status": r"HTTP[^;]*|\(no answer\)"},
    N_("{code}; GET {url} over it"): {"url": r"https://\S+"},
    N_("(no account {user} was made)"): {"user": r"'[a-z][a-z0-9_]*'"},
}


def _pattern(template: str, values: dict) -> "re.Pattern[str]":
    parts = re.split(r"\{(\w+)\}", template)  # literal, name, literal, name, ..., literal
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>{values.get(part, '.+?')})"
                              for i, part in enumerate(parts)), re.S)


_PATTERNS = tuple((template, _pattern(template, values)) for template, values in _TEMPLATES.items())


def words(template: str, **values) -> Text:
    """One of the templates above with its values: English as data, in the current language when shown."""
    assert template in _TEMPLATES, template  # a new template needs its pattern, for the recorded outcomes
    return Text(template, **values)


def shown_words(value: str) -> str:
    """An attempt's field as a learner reads it: a template's words in the current language, the tools' kept."""
    if isinstance(value, Text):
        return value.shown()
    if current() != "en":
        for template, pattern in _PATTERNS:
            found = pattern.fullmatch(value)
            if found:
                return tr(template).format(**found.groupdict())
    return value


def shown_html(value: str) -> str:
    """An attempt's field as a learner reads it (:func:`shown_words`), escaped for HTML."""
    return html.escape(shown_words(value))
