"""Turning a diagram's DOT source into SVG with a Graphviz renderer.

Two renderers can draw the lessons' diagrams:

* ``bundled``: ``graphviz-pure``, a port of Graphviz 16.1.0 shipped as a
  program inside its wheel (a dependency of pkilesson), so a plain ``pip
  install`` draws with no system package;
* ``system``: the ``dot`` program of a Graphviz installed on the machine
  (``apt-get install graphviz``, ``brew install graphviz``).

By default (``auto``) the bundled renderer is used when installed, else the
system ``dot``: the bundled one gives the same bytes on every machine. The
environment variable ``PKILESSON_GRAPHVIZ`` (``auto``, ``bundled`` or
``system``), or the ``renderer=`` argument, forces a choice.
"""

from __future__ import annotations

import base64
import html
import re

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from .._catalog import N_, _, tr
from ..errors import RenderError

__all__ = ["RENDERERS", "Renderer", "Diagram", "find_renderer", "render_svg"]

#: The renderer choices, for ``renderer=`` and ``PKILESSON_GRAPHVIZ``.
RENDERERS = ("auto", "bundled", "system")
_ENV = "PKILESSON_GRAPHVIZ"
_BUNDLED_DIST = "graphviz-pure"
_BUNDLED_PIN = "graphviz-pure==0.2.2"
_TIMEOUT = 60


@dataclass(frozen=True)
class Renderer:
    """A Graphviz program that can draw SVG.

    Attributes:
        name: ``"bundled"`` (graphviz-pure, from pip) or ``"system"`` (``dot``).
        path: the program's path.
    """

    name: str
    path: Path

    def __str__(self) -> str:
        what = "graphviz-pure, installed with pkilesson" if self.name == "bundled" else "Graphviz's dot"
        return f"{self.name} renderer ({what}: {self.path})"


@functools.lru_cache(maxsize=None)
def _bundled_in_distribution() -> Optional[Path]:
    """The graphviz-pure program as pip installed it, found through its metadata.

    This finds it even when the environment's scripts folder is not on PATH
    (a Jupyter kernel started from a virtualenv that was not activated).
    """
    from importlib import metadata

    try:
        dist = metadata.distribution(_BUNDLED_DIST)
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name in ("graphviz-pure", "graphviz-pure.exe"):
            path = Path(dist.locate_file(file)).resolve()
            if path.is_file():
                return path
    return None


def _bundled() -> Optional[Path]:
    path = _bundled_in_distribution()
    if path is not None and path.is_file():
        return path
    found = shutil.which("graphviz-pure")
    return Path(found) if found else None


def _system() -> Optional[Path]:
    found = shutil.which("dot")
    return Path(found) if found else None


#: How to install Graphviz (translated where it is shown); {debian} and {macos} are the commands.
_INSTALL_GRAPHVIZ = N_("install Graphviz (Debian/Ubuntu: {debian}; macOS: {macos})")


def _install_graphviz() -> str:
    return tr(_INSTALL_GRAPHVIZ).format(debian="apt-get install graphviz", macos="brew install graphviz")


def find_renderer(renderer: Optional[str] = None) -> Renderer:
    """The renderer to use: ``renderer``, else ``$PKILESSON_GRAPHVIZ``, else ``"auto"``.

    ``"auto"`` prefers the bundled graphviz-pure and falls back to a system
    ``dot``. Raises :class:`~pkilesson.errors.RenderError`, naming the fix,
    when the chosen renderer (or, for ``"auto"``, any renderer) is missing.
    """
    source = "renderer="
    if renderer is None:
        renderer, source = os.environ.get(_ENV, "").strip() or "auto", f"{_ENV}="
    choice = str(renderer).lower()
    if choice not in RENDERERS:
        raise RenderError(
            _("Unknown Graphviz renderer {setting}.").format(setting=f"{source}{renderer!r}"),
            _("use one of {names}.").format(names=", ".join(RENDERERS)),
        )
    if choice in ("auto", "bundled"):
        path = _bundled()
        if path is not None:
            return Renderer("bundled", path)
        if choice == "bundled":
            raise RenderError(
                _("The bundled Graphviz renderer (graphviz-pure) is not installed, and {setting} asks for it.").format(
                    setting=f"{source}bundled"),
                _("pip install {pin} (pkilesson's own dependency), or use the system's dot with {setting}.").format(
                    pin=_BUNDLED_PIN, setting=f"{_ENV}=system"),
            )
    path = _system()
    if path is not None:
        return Renderer("system", path)
    if choice == "system":
        raise RenderError(
            _("There is no 'dot' program on the PATH, and {setting} asks for it.").format(setting=f"{source}system"),
            _("{install}, or use the bundled renderer with {setting}.").format(install=_install_graphviz(),
                                                                               setting=f"{_ENV}=bundled"),
        )
    raise RenderError(
        _("No Graphviz renderer to draw the diagram: neither graphviz-pure (installed by pip with pkilesson) nor a "
          "'dot' program on the PATH."),
        _("pip install {pin}, or {install}.").format(pin=_BUNDLED_PIN, install=_install_graphviz()),
    )


def render_svg(dot_source: str, renderer: Optional[str] = None) -> str:
    """Lay out and draw ``dot_source`` as SVG text with :func:`find_renderer`'s choice.

    Raises :class:`~pkilesson.errors.RenderError` when no renderer is found,
    the program cannot run, or it rejects the source.
    """
    if not isinstance(dot_source, str):
        raise RenderError(_("dot_source= must be Graphviz DOT text (a str), got {type}.").format(
            type=type(dot_source).__name__), _("pass a diagram's .source, e.g. workspace_diagram('lab').source."))
    program = find_renderer(renderer)
    try:
        done = subprocess.run(
            [str(program.path), "-Tsvg"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            _("The {program} took more than {seconds} s to draw the diagram.").format(program=program,
                                                                                      seconds=_TIMEOUT),
            _("draw a smaller diagram, or try the other renderer (PKILESSON_GRAPHVIZ=bundled or system)."),
        ) from None
    except OSError as exc:
        raise RenderError(
            _("The {program} cannot run: {reason}.").format(program=program, reason=exc.strerror or exc),
            _("reinstall it (pip install --force-reinstall {pin}, or {install}), or try the other one "
              "(PKILESSON_GRAPHVIZ=bundled or system).").format(pin=_BUNDLED_PIN, install=_install_graphviz()),
        ) from None
    if done.returncode != 0 or not done.stdout.lstrip().startswith(b"<"):
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(
            _("The {program} failed (exit {status}): {message}.").format(
                program=program, status=done.returncode, message=message[-1] if message else _("no message")),
            _("try the other renderer (PKILESSON_GRAPHVIZ=bundled or system); if both fail, report the diagram's "
              ".source with the message."),
        )
    return done.stdout.decode("utf-8")


#: Graphviz's own ``<title>`` in each graph, cluster, node and edge group: its name in the DOT source
#: ("cert0", "cluster_ca", "cert0->cert1"), which a browser shows as a tooltip where the SVG is drawn
#: inline (the panels); the diagram's own ``<title>`` and ``<desc>`` say what it shows, in words.
_GRAPHVIZ_TITLE = re.compile(r'(<g id="[^"]*" class="(?:graph|cluster|node|edge)\b[^"]*"[^>]*>)\s*<title>[^<]*</title>')


def _accessible(svg: str, title: str, description: str) -> str:
    """``svg`` with a ``<title>`` and a ``<desc>`` as the root's first children (what screen readers
    read for the picture), ``role="img"``, and no Graphviz names as tooltips."""
    svg = _GRAPHVIZ_TITLE.sub(r"\1", svg)
    start = svg.find("<svg")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        return svg
    head = svg[start:end]
    if head.endswith("/"):
        return svg
    words = f"<title>{html.escape(title, quote=False)}</title><desc>{html.escape(description, quote=False)}</desc>"
    role = "" if " role=" in head else ' role="img"'
    return f"{svg[:end]}{role}>\n{words}{svg[end + 1:]}"


@dataclass(frozen=True)
class Diagram:
    """A diagram: its Graphviz DOT ``source``, drawn on demand.

    Attributes:
        kind: ``"workspace"``, ``"chain"`` or ``"mtls"``.
        title: one line saying what it shows.
        source: the Graphviz DOT source.
        description: what it shows in words, every check with its result (the SVG's ``<desc>``, for
            screen readers; the notebook shows it folded under the picture).
    """

    kind: str
    title: str
    source: str
    description: str = ""

    def svg(self, renderer: Optional[str] = None) -> str:
        """The diagram as SVG text, with its ``<title>`` and ``<desc>``; ``renderer`` is ``"auto"``,
        ``"bundled"`` or ``"system"`` (default: ``$PKILESSON_GRAPHVIZ``, else ``"auto"``; see
        :mod:`pkilesson.draw.render`)."""
        return _accessible(render_svg(self.source, renderer), self.title, self.description or self.title)

    def save(self, path: Union[str, Path], *, overwrite: bool = False, renderer: Optional[str] = None) -> Path:
        """Write the SVG to ``path`` (atomically; an existing file only with ``overwrite``)."""
        from ..pki.workspace import write_file

        return write_file(path, self.svg(renderer).encode("utf-8"), overwrite=overwrite)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """What Jupyter displays (and keeps in the saved notebook): the SVG.

        Beside ``image/svg+xml``, a ``text/html`` version holds the same SVG as
        an image scaled down to the width of the notebook (JupyterLab shows an
        SVG output at its natural size, and a wide diagram ran off the right
        edge), then the diagram in words, folded; frontends prefer the HTML,
        static viewers show either. The diagrams are drawn narrow enough for
        their smallest text to stay at 10 px or more in JupyterLab's default
        layout (about 950 px for outputs).
        """
        try:
            svg = self.svg()
        except RenderError as exc:
            return {"text/plain": f"{self.title}\n" + _("(cannot draw it: {error})").format(error=exc)}
        image = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        alt = html.escape(self.title, quote=True)
        page = (f'<img class="pkilesson-diagram" alt="{alt}" style="max-width: 100%; height: auto" '
                f'src="data:image/svg+xml;base64,{image}">')
        if self.description:
            page += words_html(self.description)
        return {"image/svg+xml": svg, "text/html": page, "text/plain": self.title}

    def __repr__(self) -> str:
        return f"<Diagram {self.kind}: {self.title}>"


def words_html(description: str) -> str:
    """A diagram's description under it, folded: one sentence per line."""
    lines = "".join(f"<li>{html.escape(line)}</li>" for line in description.split("\n") if line.strip())
    summary = html.escape(_("The diagram in words"))
    return (f'<details class="pkilesson-diagram-words"><summary>{summary}</summary>'
            f'<ul style="margin: 0.2em 0">{lines}</ul></details>')
