"""``pkilesson doctor``: the tools found here, and each one made absent (PATH and import hiding).

A tool is hidden by giving the doctor a PATH made of links to every program
of the real PATH (and of the sbin folders) but that one, and a Python module
by putting None in ``sys.modules``: the doctor then looks as it would on a
machine without it. What it finds must be what the lessons and the lab's
verdict matrix find, and every lesson that needs a missing tool must say so.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from conftest import REQUIRE_TOOLS, require_tool
from pkilesson.lessons import doctor as doctor_module
from pkilesson.cli import main
from pkilesson.lessons.doctor import LESSONS, doctor
from pkilesson.verify.matrix import CHECKERS

ROOT = Path(__file__).parent.parent
IN_PROCESS = {"python-ssl", "python-ssl-strict", "pyca"}  # checkers that need nothing but Python


def _no_sbin(monkeypatch) -> None:
    """Programs only where PATH says: no sbin folder looked in (as lesson 07's servers look, pkilesson.tls.servers)."""
    from pkilesson.tls import _server  # where program() reads _SBIN (pkilesson.tls.servers re-exports program)

    monkeypatch.setattr(_server, "_SBIN", ())


def _lesson(report, number):
    return next(s for s in report.lessons if s.lesson.number == number)


def _skipping(report) -> set[str]:
    return {s.lesson.number for s in report.lessons if not s.runs_fully}


def _farm(tmp_path, hidden: set[str]) -> str:
    """A folder of links to every program on the PATH and in the sbin folders, except ``hidden``."""
    farm = tmp_path / "bin"
    farm.mkdir()
    for folder in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/local/sbin", "/usr/sbin", "/sbin"]:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            target = Path(folder) / name
            if name in hidden or (farm / name).exists() or not os.access(target, os.X_OK) or target.is_dir():
                continue
            (farm / name).symlink_to(target)
    return str(farm)


def test_the_checkers_are_the_matrix_own_and_found_as_the_matrix_finds_them():
    from pkilesson.verify.defects import make_defect
    from pkilesson.verify.matrix import verdict_matrix

    report = doctor()
    rows = [t.key for t in report.tools if t.key.startswith("checker:")]
    assert rows == [f"checker:{name}" for name in CHECKERS]  # read from the matrix at run time, in its order
    cells = {c.checker: c for c in verdict_matrix(make_defect("none")).cells}
    for name in CHECKERS:
        assert report.tool(f"checker:{name}").present == (cells[name].accepted is True), name
    for name in IN_PROCESS:
        assert report.tool(f"checker:{name}").present
    if REQUIRE_TOOLS:  # CI installs every tool: every lesson runs fully
        assert report.ok, str(report)


def test_openssl_and_its_version_as_the_lessons_find_them(openssl_cli):
    from pkilesson.pki.openssl import openssl_version

    tool = doctor().tool("openssl")
    assert tool.present and openssl_version() in tool.detail and openssl_cli in tool.detail


def test_the_renderer_draws_here():
    from pkilesson.draw.render import find_renderer

    tool = doctor().tool("renderer")
    assert tool.present and str(find_renderer()) == tool.detail


def test_the_servers_of_lesson_07_are_found_off_a_user_path(monkeypatch):
    for program, package in (("mariadbd", "mariadb-server"), ("mariadb-install-db", "mariadb-server"),
                             ("mariadb", "mariadb-client"), ("nginx", "nginx")):
        if doctor_module.server_path(program) is None:
            require_tool(program, "a server of lesson 07", package)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # a user's PATH on Debian: no sbin folder
    report = doctor()
    for kind in ("mariadb", "nginx"):
        tool = report.tool(kind)
        assert tool.present, tool.detail
    assert "MariaDB" in report.tool("mariadb").detail and "nginx/" in report.tool("nginx").detail
    from pkilesson.tls.servers import program

    assert report.tool("mariadb").detail.endswith(f"({program('mariadbd')})")
    assert report.tool("nginx").detail.endswith(f"({program('nginx')})")


def test_without_any_tool_every_lesson_says_what_it_skips_and_how_to_install_it(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("PKILESSON_GRAPHVIZ", raising=False)
    _no_sbin(monkeypatch)
    monkeypatch.setattr("pkilesson.lessons._doctor_tools.LIBERATION", tmp_path / "no-font.ttf")  # where _font reads it
    monkeypatch.setattr("pkilesson.draw.render._bundled", lambda: None)  # graphviz-pure as if not installed
    monkeypatch.setitem(sys.modules, "pkilint", None)  # import hiding: 'import pkilint' fails
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    monkeypatch.setitem(sys.modules, "pymysql", None)
    report = doctor()
    present = {t.key for t in report.tools if t.present}
    assert present == {"python"} | {f"checker:{name}" for name in IN_PROCESS}
    for tool in report.tools:
        if not tool.present:
            assert tool.install, f"{tool.name}: no install command"
    assert "sudo apt-get install openssl" in report.tool("openssl").install
    assert report.tool("checker:gnutls").install == "sudo apt-get install gnutls-bin"
    assert report.tool("checker:pkilint").install == "pip install pkilint"
    assert "PyMySQL" in report.tool("pymysql").install
    assert "graphviz" in report.tool("renderer").install
    assert not report.ok and _skipping(report) == {lesson.number for lesson in LESSONS}
    assert not report.tool("font").required  # advice only
    assert "fonts-liberation" in report.advice and "fonts-liberation" not in report.install
    text = str(report)
    assert "MISSING" in text and "04 Verification: skips" in text and "gnutls-cli, nss, go" in text
    # The command: exit 1, and the JSON a script reads.
    assert main(["doctor"]) == 1
    assert "lessons skip something here" in capsys.readouterr().out
    assert main(["doctor", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and all(not lesson["runs_fully"] for lesson in data["lessons"])
    assert {"openssl", "gnutls-bin", "libnss3-tools", "golang-go", "chromium", "curl", "mariadb-server",
            "mariadb-client", "nginx"} <= set(data["install"].replace(";", " ").split())
    four = next(lesson for lesson in data["lessons"] if lesson["lesson"] == "04")
    assert any(s["tool"] == "checker:nss" and s["install"] == "sudo apt-get install libnss3-tools"
               for s in four["skipped"])


#: program hidden -> (tools then missing, lessons then skipping something)
HIDDEN = {
    "openssl": ({"openssl", "checker:openssl", "checker:openssl-strict"}, {"01", "02", "03", "04", "05", "06", "07"}),
    "go": ({"checker:go"}, {"04", "05"}),
    "curl": ({"curl"}, {"05", "07"}),
    "chromium": ({"checker:chromium"}, {"04", "05"}),
    "nginx": ({"nginx"}, {"07"}),
    "mariadbd": ({"mariadb"}, {"07"}),
}
PACKAGES = {"openssl": "openssl", "go": "golang-go", "curl": "curl", "chromium": "chromium", "nginx": "nginx",
            "mariadbd": "mariadb-server"}


@pytest.mark.parametrize("program", HIDDEN)
def test_one_program_hidden(program, tmp_path, monkeypatch):
    """Only that program's rows go missing, and only the lessons that use it skip something because of it."""
    if doctor_module.server_path(program) is None:
        require_tool(program, "to be hidden from the doctor", PACKAGES[program])
    monkeypatch.setenv("PATH", _farm(tmp_path, {program, "chromium-browser"} if program == "chromium" else {program}))
    _no_sbin(monkeypatch)
    report = doctor()
    tools, lessons = HIDDEN[program]
    missing = {t.key for t in report.tools if not t.present and t.required}
    assert tools <= missing
    assert lessons <= _skipping(report)
    if REQUIRE_TOOLS:  # every other tool is installed (CI): exactly these
        assert missing == tools and _skipping(report) == lessons
    for status in report.lessons:
        because = [tool for tool, _ in status.missing if tool.key in tools]
        assert bool(because) == (status.lesson.number in lessons), status.lesson.number
        assert all(tool.install.endswith(PACKAGES[program]) or PACKAGES[program] in tool.install for tool in because)
    assert main(["doctor"]) == 1


# -- the lessons' table, against the notebooks ------------------------------------------------------------------

#: A call in a code cell -> the tool it needs (what each function does without it is in its module).
MARKERS = {
    "openssl": r"\b(run_openssl|run_source_step|openssl_verify|openssl_s_client|openssl_config_section|source_\w+)\(",
    "renderer": r"\b(\w+_diagram|StepPanel|ChainPanel|VerifyPanel|BreakItPanel)\(",
    "ipywidgets": r"\b(\w+Panel|keep_work)\(",
    "checkers": r"\b(verdict_matrix|disagreements|BreakItPanel)\(",
    "checker:chromium": r"\bchromium_mtls\(",
    "curl": r"\b(curl_mtls|nginx_scenario)\(",
    "mariadb": r"\bmariadb_scenario\(",
    "nginx": r"\bnginx_scenario\(",
}


def _notebook(number: str):
    found = sorted((ROOT / "notebooks").glob(f"{number}-*.ipynb"))
    return json.loads(found[0].read_text()) if found else None


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.number for lesson in LESSONS])
def test_the_table_names_every_section_that_uses_a_tool(lesson):
    """Each section the doctor names is a heading of the notebook, and each call that needs a tool is in a
    section the doctor names for it: what the doctor says a lesson skips is what the lesson skips."""
    notebook = _notebook(lesson.number)
    if notebook is None:
        pytest.skip(f"there is no notebooks/{lesson.number}-*.ipynb yet")
    headings = set()
    calls = []
    h2 = h3 = None
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for line in source.splitlines():
                if line.startswith("# "):  # a part of a lesson (07's Part 1, 2, 3)
                    h2, h3 = line[2:].strip(), None
                    headings.add(h2)
                elif line.startswith("## "):
                    h2, h3 = line[3:].strip(), None
                    headings.add(h2)
                elif line.startswith("### "):
                    h3 = line[4:].strip()
                    headings.add(h3)
            continue
        for tool, pattern in MARKERS.items():
            if re.search(pattern, source):
                calls.append((tool, h2, h3, source.splitlines()[0]))
    for use in lesson.uses:
        for section in use.sections:
            assert section in headings, f"{lesson.number}: the doctor names a section {section!r} the notebook lacks"
    for tool, h2, h3, first in calls:
        sections = {s for use in lesson.uses if use.tool == tool for s in use.sections}
        assert {h2, h3} & sections, (f"{lesson.number}: {first!r} (in {h3 or h2!r}) needs {tool}, and the doctor's "
                                     f"table does not name that section for it")


def test_a_lab_that_cannot_run_here_is_said_not_raised(tmp_path, monkeypatch):
    """No temporary folder to work in (a full or read-only disk): every lab column says why, the doctor goes on."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    report = doctor()
    for name in CHECKERS:
        tool = report.tool(f"checker:{name}")
        assert not tool.present and tool.detail.startswith("the lab could not run here")
    assert not report.ok and {"04", "05"} <= _skipping(report)


def test_a_notebook_shows_the_table_and_keeps_the_report_as_text():
    from IPython.lib.pretty import pretty

    report = doctor()
    assert pretty(report) == str(report) and "Tool(" not in pretty(report)
    page = report._repr_html_()
    assert "<table" in page and "scope='col'" in page and ("<details>" in page) == report.ok
