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
"""

from __future__ import annotations

import html
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

__all__ = ["LESSONS", "Lesson", "LessonStatus", "Report", "Tool", "Use", "doctor"]

#: The Helvetica-compatible font the diagrams are laid out for (the browser tests check the same file).
LIBERATION = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
_APT = "sudo apt-get install"


@dataclass(frozen=True)
class Use:
    """Where a lesson uses one tool, and what happens there without it.

    ``tool``: a key of the report's tools (``openssl``, ``renderer``,
    ``ipywidgets``, ``curl``, ``mariadb``, ``nginx``, ``checker:NAME``
    for one column of the lab, ``checkers`` for all of them); ``sections``:
    the notebook's headings (``##`` or ``###``) where it is used.
    """

    tool: str
    sections: tuple[str, ...]
    without: str


@dataclass(frozen=True)
class Lesson:
    number: str
    title: str
    uses: tuple[Use, ...]


_DIAGRAMS = "each diagram shows its title and why it cannot be drawn"
_SHOWN = "the openssl commands are shown, not run"
_RECORDED = "the server is not started: the scenario shows what it did when recorded on another machine, and says so"
#: The Download/Restore widget (pkilesson.lessons.keepwork) in each lesson's closing section.
_KEEP = Use("ipywidgets", ("What comes next",), "the Download/Restore widget says to use pkilesson pack and unpack "
            "in a terminal instead")

#: The lessons and where each uses a tool (tests/test_doctor.py checks every section against the notebooks).
LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "Overview", (
        Use("renderer", ("The picture: the source's schema, drawn from your files", "Mutual TLS at a glance"),
            _DIAGRAMS),
        Use("ipywidgets", ("Summary",), _KEEP.without),
    )),
    Lesson("01", "The certificate authority", (
        Use("openssl", ("The source's step 1, run for real", "Pitfall 1: keys that everyone can read",
                        "The source's CA certificate and ours, field by field",
                        "Pitfall 2: a CA certificate without `keyUsage`"),
            _SHOWN + "; the openssl configuration section is not shown"),
        Use("renderer", ("Saving: the files in `lab/`", "Your turn: the widget"), _DIAGRAMS),
        Use("ipywidgets", ("Your turn: the widget",), "the panel is not shown"),
        _KEEP,
    )),
    Lesson("02", "The server's certificate", (
        Use("openssl", ("The source's step 2, run for real", "Pitfall 1: a version 1 certificate, with no extensions",
                        "Pitfall 2: no subjectAltName", "Pitfall 4: a server named like its CA"), _SHOWN),
        Use("renderer", ("Saving: the files in `lab/`", "Your turn: the widget"), _DIAGRAMS),
        Use("ipywidgets", ("Your turn: the widget",), "the panel is not shown"),
        _KEEP,
    )),
    Lesson("03", "The client's certificate", (
        Use("openssl", ("The source's step 3, run for real", "The signing request", "Saving the client's files",
                        "Pitfall: without extendedKeyUsage, a client's certificate passes as a server's"),
            _SHOWN + "; the source's files, which they make, are missing"),
        Use("renderer", ("The same step with pkilesson", "The diagram"), _DIAGRAMS),
        Use("ipywidgets", ("The same step with pkilesson",), "the panel is not shown"),
        _KEEP,
    )),
    Lesson("04", "Verification", (
        Use("openssl", ("The source's step 4, run for real", "The same command on your files",
                        "A strict `openssl verify`", "The source's certificates through the same verifiers",
                        "\"Verify OK\" is not mutual authentication"),
            _SHOWN + "; the source's own certificates, which its openssl commands make, are missing"),
        Use("checkers", ("Break it yourself: one defect, every checker on this machine",
                         "Where the checkers disagree"),
            "the checker's column says 'not run' and names the package to install"),
        Use("renderer", ("Try it: the verify panel", "The source's certificates through the same verifiers",
                         "Break it yourself: one defect, every checker on this machine"), _DIAGRAMS),
        Use("ipywidgets", ("Try it: the verify panel", "Break it yourself: one defect, every checker on this machine"),
            "the panels are not shown"),
        _KEEP,
    )),
    Lesson("05", "Mutual TLS", (
        Use("openssl", ("The same server, seen by OpenSSL's own client", "7. The source recipe's certificates"),
            _SHOWN + "; the source recipe's handshakes do not run"),
        Use("checkers", ("The source's server certificate, asked of every checker",),
            "the checker's column says 'not run' and names the package to install"),
        Use("checker:chromium", ("A browser does mutual TLS",), "the browser's visits say 'not run' and why"),
        Use("curl", ("The same with curl",), "curl's requests say 'not run' and how to install it"),
        Use("renderer", ("Who holds what",), _DIAGRAMS),
        Use("ipywidgets", ("Try it: the scenario panel",), "the panel is not shown"),
        _KEEP,
    )),
    Lesson("06", "Going further", (
        Use("openssl", ("The CRL, decoded", "The server refuses the revoked laptop",
                        "Verification: the intermediate is given, not trusted",
                        "Part 3 · A private key protected by a passphrase", "What a guess costs"), _SHOWN),
        Use("renderer", ("Verification: the intermediate is given, not trusted", "Try it: the chain panel"),
            _DIAGRAMS),
        Use("ipywidgets", ("Try it: the chain panel",), "the panel is not shown"),
        _KEEP,
    )),
    Lesson("07", "Real servers: MariaDB and nginx", (
        Use("mariadb", ("Your client certificate", "Rule 1: `REQUIRE SSL`", "Rule 2: `REQUIRE X509`",
                        "Rule 3: `REQUIRE SUBJECT ... AND ISSUER ...`",
                        "Part 3 · The source's own files in the server they were written for"), _RECORDED),
        Use("pymysql", ("Your client certificate", "Part 3 · The source's own files in the server they were written for"),
            _RECORDED),
        Use("nginx", ("Verified, or not", "Allowed by name", "Revoked"), _RECORDED),
        Use("curl", ("Verified, or not", "Allowed by name", "Revoked"), _RECORDED),
        Use("openssl", ("Part 3 · The source's own files in the server they were written for",),
            "the source's files are not made: its MariaDB part shows the outcome recorded elsewhere, saying so"),
        Use("renderer", ("The picture: who verifies whom, and where the rule sits",), _DIAGRAMS),
        _KEEP,
    )),
)


@dataclass(frozen=True)
class Tool:
    """One tool as found here.

    Attributes:
        key: ``python``, ``openssl``, ``checker:gnutls``...
        name: what the report calls it.
        present: whether the lessons can use it here.
        detail: its version and path when present; why not, when absent.
        install: the command that installs it ("" when present or when no package fixes it).
        required: False for advice only (a font): its absence skips nothing.
    """

    key: str
    name: str
    present: bool
    detail: str
    install: str = ""
    required: bool = True

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
    others = [t.name for t in tools if not t.key.startswith("checker:")]
    if len(checkers) > 1:
        others.append(f"lab checkers {', '.join(checkers)}")
    elif checkers:
        others.append(f"lab checker {checkers[0]}")
    return ", ".join(others)


def _install_line(tools) -> str:
    apt, other = [], []
    for tool in tools:
        if tool.install.startswith(_APT + " "):
            apt += [p for p in tool.install[len(_APT) + 1:].split() if p not in apt]
        elif tool.install and tool.install not in other:
            other.append(tool.install)
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
            return "Every lesson runs fully on this machine."
        return (f"{len(skipping)} of {len(self.lessons)} lessons skip something here ({', '.join(skipping)}); "
                f"to run them all: {self.install or 'see each tool above'}.")

    def __str__(self) -> str:
        lines = ["The tools (what the lessons find here):"]
        width = max(len(t.name) for t in self.tools)
        for tool in self.tools:
            mark = "ok" if tool.present else ("MISSING" if tool.required else "advised")
            lines.append(f"  {mark:8s} {tool.name:{width}s}  {tool.detail}")
            if not tool.present and tool.install:
                lines.append(f"  {'':8s} {'':{width}s}  install: {tool.install}")
        lines.append("")
        lines.append("The lessons:")
        for status in self.lessons:
            head = f"  {status.lesson.number} {status.lesson.title}"
            if status.runs_fully:
                lines.append(f"{head}: runs fully")
                continue
            lines.append(f"{head}: skips")
            for use, tools in status.grouped():
                where = f" in {', '.join(f'‘{s}’' for s in use.sections)}" if use.sections else ""
                lines.append(f"    - without {_names(tools)}{where}: {use.without}")
        lines.append("")
        lines.append(self.summary())
        if self.advice:
            lines.append(f"Advised: {self.advice} (the diagrams' text fits its boxes in a Linux browser).")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # the text a notebook keeps beside the table: the report
        printer.text(str(self))

    def _repr_html_(self) -> str:
        good, bad = "var(--jp-success-color1, #2e7d32)", "var(--jp-error-color1, #c62828)"
        cell = 'style="text-align: left; vertical-align: top; overflow-wrap: anywhere"'
        rows = []
        for status in self.lessons:
            if status.runs_fully:
                what = f'<span style="color: {good}">runs fully</span>'
            else:
                what = "<ul style='margin: 0; padding-left: 1.2em'>" + "".join(
                    f"<li>without <b>{html.escape(_names(tools))}</b>"
                    + (" in " + ", ".join(f"<i>{html.escape(s)}</i>" for s in use.sections) if use.sections else "")
                    + f": {html.escape(use.without)}</li>" for use, tools in status.grouped()) + "</ul>"
            rows.append(f"<tr><th scope='row' {cell}>{status.lesson.number} {html.escape(status.lesson.title)}</th>"
                        f"<td {cell}>{what}</td></tr>")
        tools = []
        for tool in self.tools:
            mark = "ok" if tool.present else ("missing" if tool.required else "advised")
            colour = good if tool.present else bad
            fix = f"<br><code>{html.escape(tool.install)}</code>" if not tool.present and tool.install else ""
            tools.append(f"<tr><th scope='row' {cell}>{html.escape(tool.name)}</th>"
                         f"<td {cell}><b style='color: {colour}'>{mark}</b></td>"
                         f"<td {cell}>{html.escape(tool.detail)}{fix}</td></tr>")
        colour = good if self.ok else bad
        return (
            "<div class='pkilesson-doctor' style='max-width: 100%'>"
            f"<p><b style='color: {colour}'>{html.escape(self.summary())}</b></p>"
            f"<details{'' if self.ok else ' open'}><summary>The lessons on this machine</summary>"
            "<table style='table-layout: fixed; width: 100%'><tr><th scope='col' style='width: 16em; "
            f"text-align: left'>lesson</th><th scope='col' style='text-align: left'>here</th></tr>{''.join(rows)}"
            "</table></details>"
            f"<details{'' if self.ok else ' open'}><summary>The tools: what the lessons find here</summary>"
            "<table style='table-layout: fixed; width: 100%'><tr><th scope='col' style='width: 16em; "
            "text-align: left'>tool</th><th scope='col' style='width: 5em; text-align: left'>here</th>"
            f"<th scope='col' style='text-align: left'>version, path or why not</th></tr>{''.join(tools)}</table>"
            "</details></div>"
        )


# -- the tools -------------------------------------------------------------------------------------------------


def _first_line(argv: list, *, stderr: bool = False) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=20,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return ""
    text = (done.stderr if stderr else done.stdout) or done.stdout or done.stderr
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else ""


def _python() -> Tool:
    version = sys.version.split()[0]
    present = sys.version_info >= (3, 11)
    return Tool("python", "Python", present, f"Python {version} ({sys.executable}); pkilesson needs 3.11 or newer "
                "(CI tests 3.11 and 3.13)", "" if present else "install Python 3.11 or newer")


def _package(module: str, distribution: str, what: str) -> Tool:
    from importlib import metadata

    try:
        __import__(module)
        version = metadata.version(distribution)
    except ImportError:
        return Tool(module, module, False, f"the Python package {distribution} is not installed ({what})",
                    f"pip install {distribution}")
    except metadata.PackageNotFoundError:
        version = "(version unknown)"
    return Tool(module, module, True, f"{distribution} {version}")


def _openssl() -> Tool:
    from ..pki.openssl import openssl_path, openssl_version

    path = openssl_path()
    if path is None:
        return Tool("openssl", "openssl command", False, "the openssl command is not on the PATH",
                    f"{_APT} openssl")
    return Tool("openssl", "openssl command", True, f"{openssl_version() or 'openssl (version unknown)'} ({path})")


def _renderer() -> Tool:
    from ..errors import RenderError
    from ..draw.render import find_renderer, render_svg

    name = "Graphviz renderer"
    try:
        renderer = find_renderer()
        svg = render_svg("digraph doctor { a -> b }")
    except RenderError as exc:
        return Tool("renderer", name, False, exc.problem,
                    f"pip install graphviz-pure==0.2.2 (or {_APT} graphviz)")
    if "<svg" not in svg:
        return Tool("renderer", name, False, f"the {renderer} drew no SVG", f"{_APT} graphviz")
    return Tool("renderer", name, True, str(renderer))


def _checkers() -> list[Tool]:
    """Every column of the verdict matrix, as the matrix itself finds it: its cells on a correct chain."""
    from ..verify.defects import make_defect
    from ..errors import PkiLessonError
    from ..verify.matrix import CHECKERS, PACKAGES, verdict_matrix

    try:
        cells = verdict_matrix(make_defect("none")).cells
    except (PkiLessonError, OSError) as exc:  # the lab itself cannot run here: every column says so
        return [Tool(f"checker:{name}", f"lab checker {name}", False, f"the lab could not run here: {exc}")
                for name in CHECKERS]
    tools = []
    for cell in cells:
        name = f"lab checker {cell.checker}"
        key = f"checker:{cell.checker}"
        if cell.accepted is True:
            tools.append(Tool(key, name, True, cell.version))
        elif cell.accepted is False:
            tools.append(Tool(key, name, False, f"it ran but refused a correct certificate ({cell.version}): "
                                                f"{cell.words}"))
        else:
            absent = "not installed" in cell.words
            if cell.checker in PACKAGES and absent:
                install = f"{_APT} {PACKAGES[cell.checker]}"
            elif cell.checker == "pkilint" and absent:
                install = "pip install pkilint"
            else:
                install = ""
            tools.append(Tool(key, name, False, cell.words, install))
    return tools


def _curl() -> Tool:
    from ..verify.browser import CURL_PACKAGE, curl_path

    path = curl_path()
    if path is None:
        return Tool("curl", "curl", False, "the curl command is not on the PATH", f"{_APT} {CURL_PACKAGE}")
    version = " ".join(_first_line([path, "--version"]).split()[:2]) or "curl"
    return Tool("curl", "curl", True, f"{version} ({path})")


def _font() -> Tool:
    name = "fonts-liberation"
    if LIBERATION.is_file():
        return Tool("font", name, True, f"{LIBERATION} (Helvetica's metrics, which the diagrams are laid out with)",
                    required=False)
    return Tool("font", name, False, f"{LIBERATION} is missing: in a Linux browser on this machine the diagrams' text "
                "may overflow its boxes (the browser tests need it too); no lesson skips anything",
                f"{_APT} fonts-liberation", required=False)


def server_path(program: str) -> Optional[str]:
    """``program`` as lesson 07 finds it (:func:`pkilesson.tls.servers.program`): on the PATH, else in an sbin folder."""
    from ..tls.servers import program as find

    return find(program)


#: Lesson 07's servers: the programs each start needs (pkilesson.tls.mariadb, pkilesson.tls.nginx).
_SERVERS = {
    "mariadb": ("MariaDB server", ("mariadbd", "mariadb-install-db", "mariadb")),
    "nginx": ("nginx web server", ("nginx",)),
}


def _server(kind: str) -> Tool:
    from ..tls.servers import install_command

    what, programs = _SERVERS[kind]
    found = {name: server_path(name) for name in programs}
    absent = [name for name, path in found.items() if path is None]
    if absent:
        return Tool(kind, what, False, f"{', '.join(absent)} not installed (its start needs {', '.join(programs)}; "
                    "looked on the PATH, then in the sbin folders)", install_command(kind))
    if kind == "mariadb":
        from ..tls.mariadb import mariadb_version as version_of
    else:
        from ..tls.nginx import nginx_version as version_of
    return Tool(kind, what, True, f"{version_of() or programs[0]} ({found[programs[0]]})")


def _pymysql() -> Tool:
    from ..tls.mariadb import missing_pymysql

    tool = _package("pymysql", "PyMySQL", "lesson 07's Python client of MariaDB")
    return tool if tool.present else Tool(tool.key, tool.name, False, tool.detail, missing_pymysql().install)


def _tools() -> list[Tool]:
    return [
        _python(),
        _package("ipywidgets", "ipywidgets", "the lessons' panels and the Download/Restore widget"),
        _openssl(),
        _renderer(),
        *_checkers(),
        _curl(),
        _font(),
        _server("mariadb"),
        _pymysql(),
        _server("nginx"),
    ]


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
