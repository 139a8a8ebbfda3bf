"""The doctor's checks, one per tool the lessons use: each finds its tool as the lessons do, and says how."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Optional

from .._catalog import N_, Text
from ._doctor_report import _APT, Tool

__all__ = ["LIBERATION", "server_path"]

#: The Helvetica-compatible font the diagrams are laid out for (the browser tests check the same file).
LIBERATION = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


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
    return Tool("python", "Python", present, install="" if present else N_("install Python 3.11 or newer"),
                detail=Text(N_("Python {version} ({path}); pkilesson needs 3.11 or newer (CI tests 3.11 and 3.13)"),
                         version=version, path=sys.executable))


def _package(module: str, distribution: str, what: str) -> Tool:
    from importlib import metadata

    try:
        __import__(module)
        version = metadata.version(distribution)
    except ImportError:
        return Tool(module, module, False, install=f"pip install {distribution}",
                    detail=Text(N_("the Python package {package} is not installed ({what})"), package=distribution,
                                what=Text(what)))
    except metadata.PackageNotFoundError:
        return Tool(module, module, True, detail=Text(N_("{package} (version unknown)"), package=distribution))
    return Tool(module, module, True, f"{distribution} {version}")


def _openssl() -> Tool:
    from ..pki.openssl import openssl_path, openssl_version

    path = openssl_path()
    if path is None:
        return Tool("openssl", N_("openssl command"), False, install=f"{_APT} openssl",
                    detail=Text(N_("the openssl command is not on the PATH")))
    version = openssl_version()
    if not version:
        return Tool("openssl", N_("openssl command"), True,
                    detail=Text(N_("openssl (version unknown) ({path})"), path=path))
    return Tool("openssl", N_("openssl command"), True, f"{version} ({path})")


def _renderer() -> Tool:
    from ..errors import RenderError
    from ..draw.render import find_renderer, render_svg

    name = N_("Graphviz renderer")
    try:
        renderer = find_renderer()
        svg = render_svg("digraph doctor { a -> b }")
    except RenderError as exc:
        return Tool("renderer", name, False, exc.problem,
                    f"pip install graphviz-pure==0.2.2 (or {_APT} graphviz)")
    if "<svg" not in svg:
        return Tool("renderer", name, False, install=f"{_APT} graphviz",
                    detail=Text(N_("the {renderer} drew no SVG"), renderer=renderer))
    # the same words as str(renderer), shown in the messages' language
    what = N_("graphviz-pure, installed with pkilesson") if renderer.name == "bundled" else N_("Graphviz's dot")
    return Tool("renderer", name, True, detail=Text(N_("{name} renderer ({what}: {path})"), name=renderer.name,
                                                    what=Text(what), path=renderer.path))


def _checkers() -> list[Tool]:
    """Every column of the verdict matrix, as the matrix itself finds it: its cells on a correct chain."""
    from ..verify.defects import make_defect
    from ..errors import PkiLessonError
    from ..verify.matrix import CHECKERS, PACKAGES, verdict_matrix

    try:
        cells = verdict_matrix(make_defect("none")).cells
    except (PkiLessonError, OSError) as exc:  # the lab itself cannot run here: every column says so
        return [Tool(f"checker:{name}", f"lab checker {name}", False,
                     detail=Text(N_("the lab could not run here: {error}"), error=exc)) for name in CHECKERS]
    tools = []
    for cell in cells:
        name = f"lab checker {cell.checker}"
        key = f"checker:{cell.checker}"
        if cell.accepted is True:
            tools.append(Tool(key, name, True, cell.version))
        elif cell.accepted is False:
            tools.append(Tool(key, name, False, detail=Text(N_("it ran but refused a correct certificate ({version}): "
                                                               "{words}"), version=cell.version, words=cell.words)))
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
        return Tool("curl", "curl", False, install=f"{_APT} {CURL_PACKAGE}",
                    detail=Text(N_("the curl command is not on the PATH")))
    version = " ".join(_first_line([path, "--version"]).split()[:2]) or "curl"
    return Tool("curl", "curl", True, f"{version} ({path})")


def _font() -> Tool:
    name = "fonts-liberation"
    if LIBERATION.is_file():
        return Tool("font", name, True, required=False,
                    detail=Text(N_("{file} (Helvetica's metrics, which the diagrams are laid out with)"),
                                file=LIBERATION))
    return Tool("font", name, False, install=f"{_APT} fonts-liberation", required=False,
                detail=Text(N_("{file} is missing: in a Linux browser on this machine the diagrams' text may overflow "
                               "its boxes (the browser tests need it too); no lesson skips anything"), file=LIBERATION))


def server_path(program: str) -> Optional[str]:
    """``program`` as lesson 07 finds it (:func:`pkilesson.tls.servers.program`): on the PATH, else in an sbin folder."""
    from ..tls.servers import program as find

    return find(program)


#: Lesson 07's servers: the programs each start needs (pkilesson.tls.mariadb, pkilesson.tls.nginx).
_SERVERS = {
    "mariadb": (N_("MariaDB server"), ("mariadbd", "mariadb-install-db", "mariadb")),
    "nginx": (N_("nginx web server"), ("nginx",)),
}


def _server(kind: str) -> Tool:
    from ..tls.servers import install_command

    what, programs = _SERVERS[kind]
    found = {name: server_path(name) for name in programs}
    absent = [name for name, path in found.items() if path is None]
    if absent:
        return Tool(kind, what, False, install=install_command(kind),
                    detail=Text(N_("{absent} not installed (its start needs {programs}; looked on the PATH, then "
                                   "in the sbin folders)"), absent=", ".join(absent), programs=", ".join(programs)))
    if kind == "mariadb":
        from ..tls.mariadb import mariadb_version as version_of
    else:
        from ..tls.nginx import nginx_version as version_of
    return Tool(kind, what, True, f"{version_of() or programs[0]} ({found[programs[0]]})")


def _pymysql() -> Tool:
    from ..tls.mariadb import missing_pymysql

    tool = _package("pymysql", "PyMySQL", N_("lesson 07's Python client of MariaDB"))
    return tool if tool.present else Tool(tool.key, tool.name, False, tool.detail, missing_pymysql().install)


def _tools() -> list[Tool]:
    return [
        _python(),
        _package("ipywidgets", "ipywidgets", N_("the lessons' panels and the Download/Restore widget")),
        _openssl(),
        _renderer(),
        *_checkers(),
        _curl(),
        _font(),
        _server("mariadb"),
        _pymysql(),
        _server("nginx"),
    ]
