"""The doctor's report: each tool as found here, each lesson's status, as text, HTML and JSON."""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass

from .._catalog import _, ngettext, shown, tr
from ._doctor_lessons import Lesson, Use

__all__ = ["LessonStatus", "Report", "Tool"]

_APT = "sudo apt-get install"


@dataclass(frozen=True)
class Tool:
    """One tool as found here.

    Attributes:
        key: ``python``, ``openssl``, ``checker:gnutls``...
        name: what the report calls it.
        present: whether the lessons can use it here.
        detail: its version and path when present; why not, when absent (a :class:`~pkilesson._catalog.Text`
            when it is one of our messages: English as data, for ``--json``, and shown in the current language).
        install: the command that installs it ("" when present or when no package fixes it).
        required: False for advice only (a font): its absence skips nothing.
    """

    key: str
    name: str
    present: bool
    detail: str
    install: str = ""
    required: bool = True

    @property
    def shown_detail(self) -> str:
        """``detail`` in the current language."""
        return shown(self.detail)

    @property
    def shown_name(self) -> str:
        """``name`` in the current language."""
        if self.key.startswith("checker:"):
            return _("lab checker {name}").format(name=self.key.split(":", 1)[1])
        return tr(self.name)

    def to_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "present": self.present, "detail": self.detail,
                "install": self.install or None, "required": self.required}


@dataclass(frozen=True)
class LessonStatus:
    """One lesson here: the tools it misses, each with what is skipped (sections and how) and the install."""

    lesson: Lesson
    missing: tuple[tuple[Tool, Use], ...]

    @property
    def runs_fully(self) -> bool:
        return not self.missing

    def grouped(self) -> list[tuple[Use, list[Tool]]]:
        """The missing tools by the use they stop (every absent lab checker stops the same sections)."""
        groups: dict = {}
        for tool, use in self.missing:
            groups.setdefault(id(use), (use, []))[1].append(tool)
        return list(groups.values())

    def to_dict(self) -> dict:
        return {"lesson": self.lesson.number, "title": self.lesson.title, "runs_fully": self.runs_fully,
                "skipped": [{"tool": tool.key, "name": tool.name, "why": tool.detail, "sections": list(use.sections),
                             "what": use.without, "install": tool.install or None} for tool, use in self.missing]}


def _names(tools: list) -> str:
    """``openssl command``, or ``lab checkers gnutls, nss`` for several columns of the lab."""
    checkers = [t.key.split(":", 1)[1] for t in tools if t.key.startswith("checker:")]
    others = [t.shown_name for t in tools if not t.key.startswith("checker:")]
    if checkers:
        others.append(ngettext("lab checker {names}", "lab checkers {names}", len(checkers)).format(
            names=", ".join(checkers)))
    return ", ".join(others)


def _install_line(tools, shown=False) -> str:
    apt, other = [], []
    for tool in tools:
        if tool.install.startswith(_APT + " "):
            apt += [p for p in tool.install[len(_APT) + 1:].split() if p not in apt]
        elif tool.install and tool.install not in other:
            other.append(tool.install)
    if shown:  # an install that is words ("install Python 3.11 or newer"), in the current language
        other = [tr(words) for words in other]
    return "; ".join(([f"{_APT} {' '.join(apt)}"] if apt else []) + other)


@dataclass(frozen=True)
class Report:
    """What :func:`doctor` found: every tool, and every lesson's status."""

    tools: tuple[Tool, ...]
    lessons: tuple[LessonStatus, ...]

    @property
    def ok(self) -> bool:
        """True when every lesson runs fully here."""
        return all(status.runs_fully for status in self.lessons)

    def tool(self, key: str) -> Tool:
        return next(t for t in self.tools if t.key == key)

    @property
    def install(self) -> str:
        """One command line installing everything the lessons miss here (Debian or Ubuntu), "" if nothing."""
        return _install_line(t for t in self.tools if not t.present and t.required)

    @property
    def advice(self) -> str:
        """The command installing what is only advised (the font), "" if nothing."""
        return _install_line(t for t in self.tools if not t.present and not t.required)

    def to_dict(self) -> dict:
        """The JSON of ``pkilesson doctor --json``."""
        return {"ok": self.ok, "python": sys.version.split()[0], "tools": [t.to_dict() for t in self.tools],
                "lessons": [s.to_dict() for s in self.lessons], "install": self.install or None,
                "advice": self.advice or None}

    def summary(self) -> str:
        skipping = [s.lesson.number for s in self.lessons if not s.runs_fully]
        if not skipping:
            return _("Every lesson runs fully on this machine.")
        install = _install_line((t for t in self.tools if not t.present and t.required), shown=True)
        return _("{count} of {total} lessons skip something here ({lessons}); to run them all: {install}.").format(
            count=len(skipping), total=len(self.lessons), lessons=", ".join(skipping),
            install=install or _("see each tool above"))

    def __str__(self) -> str:
        lines = [_("The tools (what the lessons find here):")]
        width = max(len(t.shown_name) for t in self.tools)
        marks = {"ok": _("ok"), "missing": _("MISSING"), "advised": _("advised")}
        mark_width = max(8, *(len(m) for m in marks.values()))
        for tool in self.tools:
            mark = marks["ok" if tool.present else ("missing" if tool.required else "advised")]
            lines.append(f"  {mark:{mark_width}s} {tool.shown_name:{width}s}  {tool.shown_detail}")
            if not tool.present and tool.install:
                lines.append(f"  {'':{mark_width}s} {'':{width}s}  " + _("install: {command}").format(command=tr(tool.install)))
        lines.append("")
        lines.append(_("The lessons:"))
        for status in self.lessons:
            head = f"  {status.lesson.number} {tr(status.lesson.title)}"
            if status.runs_fully:
                lines.append(_("{lesson}: runs fully").format(lesson=head))
                continue
            lines.append(_("{lesson}: skips").format(lesson=head))
            for use, tools in status.grouped():
                where = (" " + _("in {sections}").format(sections=", ".join(f"‘{tr(s)}’" for s in use.sections))
                         if use.sections else "")
                lines.append("    - " + _("without {tools}{where}: {what}").format(tools=_names(tools), where=where,
                                                                                    what=tr(use.without)))
        lines.append("")
        lines.append(self.summary())
        if self.advice:
            lines.append(_("Advised: {command} (the diagrams' text fits its boxes in a Linux browser).").format(
                command=self.advice))
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # the text a notebook keeps beside the table: the report
        printer.text(str(self))

    def _repr_html_(self) -> str:
        good, bad = "var(--jp-success-color1, #2e7d32)", "var(--jp-error-color1, #c62828)"
        cell = 'style="text-align: left; vertical-align: top; overflow-wrap: anywhere"'
        rows = []
        for status in self.lessons:
            if status.runs_fully:
                what = f'<span style="color: {good}">' + _("runs fully") + "</span>"
            else:
                what = "<ul style='margin: 0; padding-left: 1.2em'>" + "".join(
                    "<li>" + _("without {tools}{where}: {what}").format(
                        tools=f"<b>{html.escape(_names(tools))}</b>",
                        where=(" " + _("in {sections}").format(
                            sections=", ".join(f"<i>{html.escape(tr(s))}</i>" for s in use.sections))
                            if use.sections else ""),
                        what=html.escape(tr(use.without))) + "</li>" for use, tools in status.grouped()) + "</ul>"
            rows.append(f"<tr><th scope='row' {cell}>{status.lesson.number} {html.escape(tr(status.lesson.title))}"
                        f"</th><td {cell}>{what}</td></tr>")
        tools = []
        marks = {"ok": _("ok"), "missing": _("missing"), "advised": _("advised")}
        for tool in self.tools:
            mark = marks["ok" if tool.present else ("missing" if tool.required else "advised")]
            colour = good if tool.present else bad
            fix = f"<br><code>{html.escape(tr(tool.install))}</code>" if not tool.present and tool.install else ""
            tools.append(f"<tr><th scope='row' {cell}>{html.escape(tool.shown_name)}</th>"
                         f"<td {cell}><b style='color: {colour}'>{mark}</b></td>"
                         f"<td {cell}>{html.escape(tool.shown_detail)}{fix}</td></tr>")
        colour = good if self.ok else bad
        return (
            "<div class='pkilesson-doctor' style='max-width: 100%'>"
            f"<p><b style='color: {colour}'>{html.escape(self.summary())}</b></p>"
            f"<details{'' if self.ok else ' open'}><summary>" + _("The lessons on this machine") + "</summary>"
            "<table style='table-layout: fixed; width: 100%'><tr><th scope='col' style='width: 16em; "
            "text-align: left'>" + _("lesson") + "</th><th scope='col' style='text-align: left'>" + _("here")
            + f"</th></tr>{''.join(rows)}</table></details>"
            f"<details{'' if self.ok else ' open'}><summary>" + _("The tools: what the lessons find here") + "</summary>"
            "<table style='table-layout: fixed; width: 100%'><tr><th scope='col' style='width: 16em; "
            "text-align: left'>" + _("tool") + "</th><th scope='col' style='width: 5em; text-align: left'>" + _("here")
            + "</th><th scope='col' style='text-align: left'>" + _("version, path or why not")
            + f"</th></tr>{''.join(tools)}</table></details></div>"
        )
