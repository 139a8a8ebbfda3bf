"""The look of every diagram: one shape and colour per kind of artifact, check colours, the legend.

Internal to :mod:`pkilesson.draw.diagrams`. Labels are Graphviz HTML-like labels;
every piece of text from a file goes through :func:`text`, which escapes it.
"""

from __future__ import annotations

import re
import textwrap
from typing import Iterable, Optional, Sequence, Union

from .._catalog import N_, _, tr

FONT = "Helvetica"

#: kind -> node attributes. Colours avoid green and red, which mean a check's result.
NODE_STYLES = {
    "key": {"shape": "box", "style": "rounded,filled", "fillcolor": "#f3e5f5", "color": "#6a1b9a"},
    "csr": {"shape": "tab", "style": "filled", "fillcolor": "#e3f2fd", "color": "#1565c0"},
    "cert": {"shape": "note", "style": "filled", "fillcolor": "#fff8e1", "color": "#ef6c00"},
    "ca-cert": {"shape": "note", "style": "filled,bold", "fillcolor": "#ffe0b2", "color": "#e65100"},
    "party": {"shape": "ellipse", "style": "filled", "fillcolor": "#eceff1", "color": "#37474f"},
    "message": {"shape": "box", "style": "rounded", "color": "#37474f"},
    "ghost": {"shape": "box", "style": "dashed", "color": "#9e9e9e", "fontcolor": "#616161"},
}
#: kind -> what the legend calls it (translated where it is drawn).
KIND_NAMES = {
    "key": N_("private key (secret: shown by its public half)"),
    "csr": N_("certificate signing request (CSR)"),
    "cert": N_("certificate"),
    "ca-cert": N_("CA certificate"),
    "party": N_("a program: one side of the handshake"),
    "message": N_("a handshake message (sender → receiver)"),
    "ghost": N_("not there (yet)"),
}

PASSED, FAILED, UNCHECKED = "#2e7d32", "#c62828", "#757575"
#: A problem written inside a filled box (an expired certificate): darker than FAILED, so that it keeps
#: WCAG AA contrast (4.5:1) on every fill; the check words on white keep the colours above (5.1, 5.6, 4.6:1).
FAILED_TEXT = "#b71c1c"
#: A check's result in a word (translated where it is shown: :func:`result_word`).
RESULT_WORDS = {True: N_("ok"), False: N_("FAILED"), None: N_("not checked")}


def result_word(result: Optional[bool]) -> str:
    """:data:`RESULT_WORDS` of ``result``, in the messages' language."""
    return tr(RESULT_WORDS[result])


def check_words(name: str, result: Optional[bool], detail: str = "") -> str:
    """One check in words: ``name: ok`` or ``name: FAILED (detail)``."""
    if detail:
        return _("{check}: {result} ({detail})").format(check=name, result=result_word(result), detail=detail)
    return _("{check}: {result}").format(check=name, result=result_word(result))

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text(value: object) -> str:
    """``value`` as text safe inside an HTML-like label (escaped, control characters replaced)."""
    s = _CONTROL.sub("?", str(value))
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def colour_of(result: Optional[bool]) -> str:
    return UNCHECKED if result is None else PASSED if result else FAILED


def overall(results: Iterable[Optional[bool]]) -> Optional[bool]:
    """False if any result failed, True if at least one passed and none failed, else None."""
    results = list(results)
    if any(r is False for r in results):
        return False
    return True if any(r is True for r in results) else None


def html(*rows: str) -> str:
    """An HTML-like label whose rows are already-escaped fragments."""
    return "<" + "<br/>".join(rows) + ">"


def small(fragment: str) -> str:
    return f'<font point-size="10">{fragment}</font>'


def coloured(fragment: str, colour: str) -> str:
    return f'<font color="{colour}">{fragment}</font>'


def node_label(title: str, subtitle: str, lines: Sequence[str] = ()) -> str:
    """A node's label: the file name in bold, what it is (both cut at :data:`CLIP` characters), then
    facts (escaped fragments)."""
    return html(f"<b>{text(clip(title))}</b>", text(clip(subtitle)), *(small(line) for line in lines))


#: Characters per line of a check's text: a long check is wrapped, so that its label stays narrow.
WRAP = 34


#: Characters of one fact in a box: a longer one (a 64-character name, a long list of names) is cut
#: with an ellipsis (the whole is in the diagram's description and in the decoded view).
CLIP = 44


def clip(value: object, width: int = CLIP) -> str:
    """``value`` as text of at most ``width`` characters (an ellipsis marks a cut)."""
    value = str(value)
    return value if len(value) <= width else value[: width - 1].rstrip() + "…"


def wrap(value: str, width: int = WRAP) -> list[str]:
    """``value`` in lines of at most ``width`` characters (a longer word is cut)."""
    return textwrap.wrap(value, width, break_long_words=True, break_on_hyphens=False) or [""]


_lines = wrap


def check_table(title: Union[str, Sequence[str]], rows: Sequence[tuple[str, Optional[bool], str]],
                width: int = WRAP) -> str:
    """An edge label: a title (one line or several), then each check: ``name: ok (detail)``, wrapped at
    ``width`` characters (the result word ends the name's last line, the detail follows)."""
    titles = [title] if isinstance(title, str) else list(title)
    cells = [f'<tr><td align="left"><b>{text(line)}</b></td></tr>' for line in titles if line]
    for name, result, detail in rows:
        word = coloured(text(result_word(result)), colour_of(result))
        lines = [text(line) for line in _lines(_("{check}:").format(check=name), width)]
        lines[-1] += f" {word}"
        if detail:
            words = _lines(f"({detail})", width)
            if len(_lines(check_words(name, result, detail), width)) == len(lines):  # fits: same line
                lines[-1] += f" {text(words[0])}"
                words = []
            lines += [text(line) for line in words]
        cells += [f'<tr><td align="left">{line}</td></tr>' for line in lines]
    return '<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">' + "".join(cells) + "</table>>"


def new_graph(name: str, title: str, rankdir: str = "TB"):
    import graphviz

    graph = graphviz.Digraph(
        name,
        graph_attr={
            "label": html(*(f"<b>{text(line)}</b>" for line in _lines(title, 72))),
            "labelloc": "t",
            "fontname": FONT,
            "rankdir": rankdir,
            "nodesep": "0.4",
            "ranksep": "0.6",
            "newrank": "true",
        },
        node_attr={"fontname": FONT, "fontsize": "11", "margin": "0.12,0.06"},
        edge_attr={"fontname": FONT, "fontsize": "9"},
    )
    return graph


def add_node(graph, node_id: str, kind: str, label: str, **extra: str) -> None:
    attrs = dict(NODE_STYLES[kind])
    attrs.update(extra)
    graph.node(node_id, label=label, id=node_id, **{"class": kind}, **attrs)


def add_edge(graph, tail: str, head: str, edge_id: str, result: Optional[bool], label: str, *,
             upward: bool = False, **extra: str) -> None:
    """An edge coloured by the result of what it claims (green holds, red fails, grey not checked).

    ``upward``: the head is drawn above the tail (Graphviz lays the edge out from head to tail, and the
    arrow still points from ``tail`` to ``head``).
    """
    colour = colour_of(result)
    attrs = {"color": colour, "fontcolor": colour, "penwidth": "1.2" if result is None else "2"}
    attrs.update(extra)
    state = {True: "passed", False: "failed", None: "unchecked"}[result]
    if upward:
        tail, head = head, tail
        attrs["dir"] = "back"
    graph.edge(tail, head, label=label, id=edge_id, **{"class": f"check-{state}"}, **attrs)


def add_legend(graph, kinds: Sequence[str], edges: bool = True) -> None:
    """One table node naming each kind drawn, and what the edge colours mean."""
    rows = []
    for kind in kinds:
        style = NODE_STYLES[kind]
        fill = style.get("fillcolor", "white")
        rows.append(
            f'<tr><td bgcolor="{fill}" color="{style["color"]}" border="1" width="18" height="12"></td>'
            f'<td align="left" border="0">{text(tr(KIND_NAMES[kind]))}</td></tr>'
        )
    if edges:
        for colour, meaning in (
            (PASSED, _("arrow: checked, holds")),
            (FAILED, _("arrow: checked, FAILS")),
            (UNCHECKED, _("arrow: not checked")),
        ):
            rows.append(
                f'<tr><td border="0"><font color="{colour}"><b>---&gt;</b></font></td>'
                f'<td align="left" border="0">{text(meaning)}</td></tr>'
            )
    legend = text(_("legend"))
    label = (
        '<<table border="1" color="#bdbdbd" cellborder="0" cellspacing="2" cellpadding="2">'
        f'<tr><td colspan="2"><b>{legend}</b></td></tr>' + "".join(rows) + "</table>>"
    )
    graph.node("legend", label=label, shape="plaintext", id="legend", **{"class": "legend"})
