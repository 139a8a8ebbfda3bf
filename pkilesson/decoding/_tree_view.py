"""The byte view: an ASN.1 tree as ``openssl asn1parse`` prints it, as an HTML table, and its hex dump.

Every row carries ``data-path``, ``data-offset`` and ``data-length``;
:func:`highlight` marks one node's bytes in the hex dump (header in blue,
content in yellow), which is what a notebook widget calls when a field is chosen.
"""

from __future__ import annotations

import re
from html import escape
from typing import Optional

from .._catalog import _, ngettext
from ._html import _VISIBLE_FIELD, _wrap, shorten

_SHOWN = 16  # content bytes shown per row of the byte table
_EXCERPT_LINES = 8  # hex-dump lines shown before the highlighted part is cut
_CONTEXT_LINES = 2  # hex-dump lines shown before and after the highlighted part
_BRANCH_ROWS = 12  # rows of a field's own subtree shown before "more nodes inside"


def shown_value(value: str) -> str:
    """A node's value (English, as the JSON keeps it: ``19 bytes``) in the messages' language."""
    count = re.fullmatch(r"(\d+) bytes", value)
    if count:
        # Translators: English says "bytes" even for one; the two forms are for languages that do not.
        return ngettext("{count} bytes", "{count} bytes", int(count.group(1))).format(count=count.group(1))
    if value == "(invalid OID)":
        return _("(invalid OID)")
    return _("(not decodable)") if value == "(not decodable)" else value


def tree_text(tree) -> str:
    """The tree as ``openssl asn1parse`` prints it, with each node's name."""
    lines = []
    secret, inside = _("(secret, not shown)"), _("  (inside)")
    for depth, node in tree.nodes():
        value = secret if node.secret else shown_value(node.value)
        mark = inside if node.encapsulated else ""
        lines.append(
            f"{node.offset:5}: hl={node.header_length} l={node.length:4} {'  ' * depth}{node.tag:<18} "
            f"{node.name}{'  = ' + value if value else ''}{mark}"
        )
    return "\n".join(lines)


def _hex_preview(tree, node) -> str:
    if node.secret:
        return '<span class="secret">' + escape(_("secret, not shown")) + "</span>"
    if node.constructed:
        return ""
    content = tree.content_hex(node) or ""
    short = content[: 2 * _SHOWN]
    return escape(" ".join(short[i : i + 2] for i in range(0, len(short), 2)) + (" …" if len(content) > len(short) else ""))


def _last(name: str) -> str:
    """A node's own name, its parents' left out (the indentation shows them; ``data-path`` has the whole)."""
    return name.rsplit(".", 1)[-1]


def _tree_row(tree, depth: int, node, chosen: Optional[str]) -> str:
    value = _("(secret, not shown)") if node.secret else shown_value(node.value)
    css = ' class="chosen"' if chosen is not None and node.name == chosen else ""
    return (
        f'<tr data-path="{escape(node.name)}" data-offset="{node.offset}" data-length="{node.end - node.offset}"{css}>'
        f"<td>{node.offset}</td><td>{node.header_length}</td><td>{node.length}</td>"
        f'<td class="m" style="padding-left:{8 + 14 * depth}px">{escape(node.tag)}</td>'
        f"<td><code>{escape(_last(node.name))}</code>{_inside_html() if node.encapsulated else ''}"
        f'<div class="meaning">{escape(node.type)}</div></td>'
        f'<td>{escape(shorten(value, _VISIBLE_FIELD))}</td><td class="hex">{_hex_preview(tree, node)}</td></tr>'
    )


def _inside_html() -> str:
    return " <em>" + escape(_("(inside)")) + "</em>"


def _tree_head() -> str:
    """The byte table's heading: hl and l are openssl asn1parse's own (header length, length)."""
    names = (_("offset"), "hl", "l", _("tag"), _("name"), _("value"), _("bytes"))
    return "<tr>" + "".join(f"<th>{escape(n)}</th>" for n in names) + "</tr>"


def tree_html(tree, chosen: Optional[str] = None) -> str:
    rows = "".join(_tree_row(tree, depth, node, chosen) for depth, node in tree.nodes())
    return f'<table class="tree">{_tree_head()}{rows}</table>'


def _branch(tree, node) -> tuple[list, list]:
    """(the nodes from the root down to ``node``'s parent, ``node`` and the nodes inside it), with depths."""
    above, inside, depth_of = [], [], None
    for depth, candidate in tree.nodes():
        if depth_of is None:
            if candidate is node:
                depth_of = depth
                inside.append((depth, candidate))
            elif candidate.offset <= node.offset and node.end <= candidate.end and candidate.constructed:
                above = [(d, n) for d, n in above if d < depth] + [(depth, candidate)]
        elif depth > depth_of:
            inside.append((depth, candidate))
        else:
            break
    return above, inside


def branch_html(tree, node, limit: int = _BRANCH_ROWS) -> str:
    """``node``'s own branch of the tree: the nodes that hold it, from the root, then it and what it holds
    (the first ``limit`` of them; the whole tree says the rest)."""
    above, inside = _branch(tree, node)
    more = len(inside) - 1 - limit  # inside[0] is the node itself
    rows = [_tree_row(tree, depth, n, node.name) for depth, n in above + inside[: limit + 1]]
    if more > 0:
        words = ngettext("⋮ {count} more node inside it: see the whole tree below",
                         "⋮ {count} more nodes inside it: see the whole tree below", more).format(count=more)
        rows.append(f'<tr><td colspan="7">{escape(words)}</td></tr>')
    return f'<table class="tree branch">{_tree_head()}{"".join(rows)}</table>'


def hex_dump_html(tree, start: int = -1, end: int = -1, header_end: int = -1) -> str:
    """The whole DER as a hex dump, bytes ``start``..``end`` marked (secret bytes as ``··``)."""
    secret = bytearray(len(tree.data))
    for _unused, node in tree.nodes():
        if node.secret:
            first = node.offset + node.header_length
            secret[first : node.end] = b"\x01" * node.length
    lines = []
    for line_start in range(0, len(tree.data), 16):
        cells = []
        for index in range(line_start, min(line_start + 16, len(tree.data))):
            text = "··" if secret[index] else f"{tree.data[index]:02x}"
            if start <= index < end:
                css = ' class="hdr"' if index < header_end else ""
                text = f"<mark{css}>{text}</mark>"
            cells.append(text)
        lines.append(f"{line_start:06x}  " + " ".join(cells))
    return f'<pre class="hex">{chr(10).join(lines)}</pre>'


def highlight(tree, path: str) -> str:
    """HTML of node ``path``'s bytes marked (header in blue, content in yellow): its lines of the hex dump
    with a few lines of context, then its own branch of the tree; the whole dump and the whole tree
    follow, each folded."""
    node = tree.find(path)
    marked = (node.offset, node.end, node.offset + node.header_length)
    dump = hex_dump_html(tree, *marked)
    caption = _("{name}: bytes {first} to {last} ({header} of tag and length, underlined, then {content} of "
                "content), marked below; then its branch of the tree, from the whole {schema} down to it").format(
        name="\0", first=node.offset, last=node.end - 1, header=node.header_length, content=node.length,
        schema=tree.schema or _("file"))
    caption = "<p>" + escape(caption).replace("\0", f"<code>{escape(node.name)}</code>", 1) + "</p>"
    nodes = sum(1 for _unused in tree.nodes())
    whole = _("The whole file in hex ({count} bytes), these bytes marked").format(count=len(tree.data))
    marked = _("The tree ({count} nodes), this one marked").format(count=nodes)
    return _wrap(
        caption + _excerpt(dump, node.offset, node.end) + branch_html(tree, node)
        + f"<details><summary>{escape(whole)}</summary>{dump}</details>"
        + f"<details><summary>{escape(marked)}</summary>{tree_html(tree, chosen=path)}</details>"
    )


def _excerpt(dump: str, start: int, end: int, context: int = _CONTEXT_LINES) -> str:
    """The lines of a hex dump holding bytes ``start``..``end`` (the first and last few when there are many),
    with ``context`` lines before and after."""
    lines = dump.removeprefix('<pre class="hex">').removesuffix("</pre>").split("\n")
    first, last = start // 16, max(start, end - 1) // 16
    shown = lines[first : last + 1]
    if len(shown) > _EXCERPT_LINES:
        hidden = len(shown) - _EXCERPT_LINES + 1
        shown = shown[: _EXCERPT_LINES - 2] + ["        " + escape(_("⋮ ({count} more lines)").format(count=hidden))] + shown[-1:]
    before = lines[max(0, first - context) : first]
    after = lines[last + 1 : last + 1 + context]
    return f'<pre class="hex excerpt">{chr(10).join(before + shown + after)}</pre>'
