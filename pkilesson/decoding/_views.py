"""Plain text (terminals) and HTML (Jupyter) for the decoded views.

A decoded artifact's HTML shows the learner's rows first (for whom, signed
by, valid from and until, what it may be used for, its key: a few rows in
plain words that fit one screen); every field with its meaning, the
signature opened and the bytes are each one click away, folded in a
``<details>`` of the same output. Long values (moduli, signatures,
fingerprints) show a readable prefix and open to the whole value, and long
tokens wrap, so nothing runs past the notebook's width.

The HTML inherits the notebook's colours: text uses ``inherit``, lines and
highlights use JupyterLab's CSS variables with translucent fallbacks, and
nothing sets a white or black background, so it reads in light and dark
themes alike. Every byte-view row carries ``data-path``, ``data-offset`` and
``data-length``; :func:`highlight` marks one node's bytes in the hex dump,
which is what a notebook widget calls when a field is chosen.
"""

from __future__ import annotations

import re
import textwrap
from html import escape
from typing import Optional

__all__ = ["tree_text", "tree_html", "branch_html", "hex_dump_html", "highlight", "decoded_text", "decoded_html", "learner_table",
           "fields_table", "fields_html", "shorten", "value_html", "signature_text", "signature_html", "comparison_text",
           "comparison_html", "decoded_summary_text", "comparison_summary_text", "STYLE"]

STYLE = """<style>
.pkl{color:inherit;font-family:var(--jp-ui-font-family,sans-serif);line-height:1.35;max-width:100%}
.pkl table{border-collapse:collapse;margin:4px 0;max-width:100%}
.pkl td,.pkl pre{overflow-wrap:anywhere} .pkl table.learner th{white-space:nowrap}
.pkl table.tree td:nth-child(-n+3){white-space:nowrap} .pkl table.tree td:nth-child(4),.pkl table.tree td:nth-child(5){overflow-wrap:normal}
.pkl details{margin:4px 0} .pkl summary{cursor:pointer}
.pkl details.long{margin:0} .pkl details.long[open]>summary>span{display:none}
.pkl th,.pkl td,.jp-RenderedHTMLCommon .pkl th,.jp-RenderedHTMLCommon .pkl td{border-bottom:1px solid var(--jp-border-color2,rgba(128,128,128,.35));padding:2px 8px;
 text-align:left;vertical-align:top;background:transparent;color:inherit}
.pkl code,.pkl .hex,.pkl pre,.pkl td.m{font-family:var(--jp-code-font-family,monospace);font-size:.92em;background:transparent;color:inherit}
.pkl .meaning{opacity:.78;font-size:.92em}
.pkl .warn{border-left:4px solid var(--jp-warn-color1,#d97706);padding:2px 8px;margin:4px 0}
.pkl .ok{color:var(--jp-success-color1,#2e7d32)} .pkl .bad{color:var(--jp-error-color1,#c62828)}
.pkl mark{background:var(--jp-warn-color3,rgba(255,193,7,.35));color:inherit;outline:1px solid var(--jp-warn-color1,#d97706)}
.pkl mark.hdr{background:var(--jp-info-color3,rgba(33,150,243,.30));text-decoration:underline}
.pkl tr[data-offset]:hover,.pkl tr.chosen{background:var(--jp-layout-color2,rgba(128,128,128,.18))}
.pkl tr.differs td{font-weight:600}
.pkl .secret{opacity:.6;font-style:italic}
</style>"""

_SHOWN = 16  # content bytes shown per row of the byte table
_VISIBLE = 96  # characters of a learner's row shown before it is folded
_VISIBLE_FIELD = 160  # characters of a field's value (in the folded tables) shown before it is folded
#: Long hex: a SHA-256 fingerprint in colon form and longer (moduli, points, signatures); bare digests stay whole.
_LONG_TOKEN = re.compile(r"(?:[0-9A-Fa-f]{2}:){31,}[0-9A-Fa-f]{2}|(?:0x)?[0-9A-Fa-f]{65,}")
_EXCERPT_LINES = 8  # hex-dump lines shown before the highlighted part is cut
_CONTEXT_LINES = 2  # hex-dump lines shown before and after the highlighted part
_BRANCH_ROWS = 12  # rows of a field's own subtree shown before "more nodes inside"
_HASH_LABEL = {"sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512", "sha1": "SHA-1"}


def _wrap(body: str) -> str:
    return f'<div class="pkl">{STYLE}{body}</div>'


def shorten(value: str, limit: int = _VISIBLE) -> str:
    """``value`` as shown before it is opened: each long hex token cut to a readable prefix, then the whole cut
    to ``limit`` characters (an ellipsis marks every cut)."""
    def cut(match: re.Match) -> str:
        token = match.group(0)
        return token[: 23 if ":" in token else 16] + "…"

    text = _LONG_TOKEN.sub(cut, value)
    if len(text) <= limit:
        return text
    head = text[: limit - 12]
    if ", " in head and ";" not in text:  # a list: whole items, then how many more
        head = head[: head.rindex(", ")]
        return f"{head}, … {text.count(', ') - head.count(', ')} more"
    return text[: limit - 1].rstrip() + "…"


def value_html(value: str, code: bool = True, limit: int = _VISIBLE_FIELD) -> str:
    """A value in HTML: as is when short, else its shortened form, opening to the whole value."""
    shown = shorten(value, limit)

    def tag(text: str) -> str:
        return f"<code>{escape(text)}</code>" if code else escape(text)

    if shown == value:
        return tag(value)
    return (f'<details class="long"><summary title="show the whole value"><span>{tag(shown)}</span></summary>'
            f"{tag(value)}</details>")


# -- the byte view ---------------------------------------------------------------------


def tree_text(tree) -> str:
    """The tree as ``openssl asn1parse`` prints it, with each node's name."""
    lines = []
    for depth, node in tree.nodes():
        value = "(secret, not shown)" if node.secret else node.value
        mark = "  (inside)" if node.encapsulated else ""
        lines.append(
            f"{node.offset:5}: hl={node.header_length} l={node.length:4} {'  ' * depth}{node.tag:<18} "
            f"{node.name}{'  = ' + value if value else ''}{mark}"
        )
    return "\n".join(lines)


def _hex_preview(tree, node) -> str:
    if node.secret:
        return '<span class="secret">secret, not shown</span>'
    if node.constructed:
        return ""
    content = tree.content_hex(node) or ""
    short = content[: 2 * _SHOWN]
    return escape(" ".join(short[i : i + 2] for i in range(0, len(short), 2)) + (" …" if len(content) > len(short) else ""))


def _last(name: str) -> str:
    """A node's own name, its parents' left out (the indentation shows them; ``data-path`` has the whole)."""
    return name.rsplit(".", 1)[-1]


def _tree_row(tree, depth: int, node, chosen: Optional[str]) -> str:
    value = "(secret, not shown)" if node.secret else node.value
    css = ' class="chosen"' if chosen is not None and node.name == chosen else ""
    return (
        f'<tr data-path="{escape(node.name)}" data-offset="{node.offset}" data-length="{node.end - node.offset}"{css}>'
        f"<td>{node.offset}</td><td>{node.header_length}</td><td>{node.length}</td>"
        f'<td class="m" style="padding-left:{8 + 14 * depth}px">{escape(node.tag)}</td>'
        f"<td><code>{escape(_last(node.name))}</code>{' <em>(inside)</em>' if node.encapsulated else ''}"
        f'<div class="meaning">{escape(node.type)}</div></td>'
        f'<td>{escape(shorten(value, _VISIBLE_FIELD))}</td><td class="hex">{_hex_preview(tree, node)}</td></tr>'
    )


_TREE_HEAD = "<tr><th>offset</th><th>hl</th><th>l</th><th>tag</th><th>name</th><th>value</th><th>bytes</th></tr>"


def tree_html(tree, chosen: Optional[str] = None) -> str:
    rows = "".join(_tree_row(tree, depth, node, chosen) for depth, node in tree.nodes())
    return f'<table class="tree">{_TREE_HEAD}{rows}</table>'


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
        rows.append(f'<tr><td colspan="7">⋮ {more} more nodes inside it: see the whole tree below</td></tr>')
    return f'<table class="tree branch">{_TREE_HEAD}{"".join(rows)}</table>'


def hex_dump_html(tree, start: int = -1, end: int = -1, header_end: int = -1) -> str:
    """The whole DER as a hex dump, bytes ``start``..``end`` marked (secret bytes as ``··``)."""
    secret = bytearray(len(tree.data))
    for _, node in tree.nodes():
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
    caption = (
        f"<p><code>{escape(node.name)}</code>: bytes {node.offset} to {node.end - 1} "
        f"({node.header_length} of tag and length, underlined, then {node.length} of content), marked below; "
        f"then its branch of the tree, from the whole {escape(tree.schema or 'file')} down to it</p>"
    )
    nodes = sum(1 for _ in tree.nodes())
    return _wrap(
        caption + _excerpt(dump, node.offset, node.end) + branch_html(tree, node)
        + f"<details><summary>The whole file in hex ({len(tree.data)} bytes), these bytes marked</summary>{dump}</details>"
        + f"<details><summary>The tree ({nodes} nodes), this one marked</summary>{tree_html(tree, chosen=path)}</details>"
    )


def _excerpt(dump: str, start: int, end: int, context: int = _CONTEXT_LINES) -> str:
    """The lines of a hex dump holding bytes ``start``..``end`` (the first and last few when there are many),
    with ``context`` lines before and after."""
    lines = dump.removeprefix('<pre class="hex">').removesuffix("</pre>").split("\n")
    first, last = start // 16, max(start, end - 1) // 16
    shown = lines[first : last + 1]
    if len(shown) > _EXCERPT_LINES:
        hidden = len(shown) - _EXCERPT_LINES + 1
        shown = shown[: _EXCERPT_LINES - 2] + [f"        ⋮ ({hidden} more lines)"] + shown[-1:]
    before = lines[max(0, first - context) : first]
    after = lines[last + 1 : last + 1 + context]
    return f'<pre class="hex excerpt">{chr(10).join(before + shown + after)}</pre>'


# -- the signature -----------------------------------------------------------------------


def _hex_lines(data: bytes, width: int = 32, indent: str = "      ") -> str:
    text = data.hex()
    return "\n".join(indent + text[i : i + 2 * width] for i in range(0, len(text), 2 * width))


def _verdict(check) -> str:
    if check.valid is None:
        return f"not checked: {check.reason.removeprefix('not checked: ')}"
    return f"VALID, checked with {check.checked_with}" if check.valid else f"INVALID ({check.reason}), checked with {check.checked_with}"


def _signature_steps(check) -> list[tuple[str, str]]:
    steps = [
        ("Algorithm", f"{check.algorithm}: {check.meaning}"),
        ("Signed bytes", f"{check.signed_field}, {len(check.signed_bytes)} bytes"),
    ]
    if check.digest is not None:
        steps.append((f"{_HASH_LABEL.get(check.digest_algorithm, check.digest_algorithm)} of the signed bytes", check.digest.hex()))
    steps.append(("Signature value", f"{len(check.signature)} bytes"))
    if check.rsa is not None:
        rsa = check.rsa
        steps.append(("s^e mod n", f"{rsa.encoded[:12].hex()} … {rsa.encoded[-(len(rsa.digest_info) or 12):].hex()}"))
        if rsa.padding_ok:
            steps.append(("PKCS#1 v1.5 padding", f"00 01, then {rsa.padding_length} bytes ff, then 00: correct"))
            steps.append(("DigestInfo", f"{rsa.digest_algorithm}: {rsa.recovered_digest.hex() if rsa.recovered_digest else '?'}"))
            same = rsa.recovered_digest == check.digest
            steps.append(("Recovered digest", "equals the digest of the signed bytes" if same else "DIFFERS from the digest of the signed bytes"))
        else:
            steps.append(("PKCS#1 v1.5 padding", "absent: the block is noise, so this key did not make this signature"))
    if check.ecdsa_r is not None:
        steps.append(("r", f"{check.ecdsa_r:x}"))
        steps.append(("s", f"{check.ecdsa_s:x}"))
        steps.append(("How it is checked", "from the digest, r, s and the public key the verifier computes a curve point; "
                      "the signature is valid when its x coordinate, modulo the group order, equals r"))
    if check.algorithm.lower() == "ed25519":
        steps.append(("R, S", f"{check.signature[:32].hex()}, {check.signature[32:].hex()}"))
        steps.append(("How it is checked", "S·B = R + k·A, where k = SHA-512(R ‖ A ‖ signed bytes) (RFC 8032): "
                      "no separate digest"))
    steps.append(("Result", _verdict(check)))
    return steps


def signature_text(check) -> str:
    lines = ["Signature:"]
    for label, value in _signature_steps(check):
        lines.append(f"  {label}: {value}")
    return "\n".join(lines)


def signature_html(check, wrap: bool = True) -> str:
    css = "ok" if check.valid else "bad" if check.valid is False else ""
    rows = "".join(
        f'<tr><th>{escape(label)}</th><td class="{css if label == "Result" else ""}">{value_html(value)}</td></tr>'
        for label, value in _signature_steps(check)
    )
    body = f"<table>{rows}</table>"
    return _wrap(body) if wrap else body


# -- a decoded artifact ----------------------------------------------------------------------


def _plain_warning(warning: str) -> Optional[str]:
    from ._fields import PLAIN_WARNINGS

    return PLAIN_WARNINGS.get(warning)


def _summary_lines(decoded, plain: bool = False) -> list[str]:
    lines = [f"{decoded.title} ({decoded.encoding})"]
    lines += [f"! {(_plain_warning(w) or w) if plain else w}" for w in decoded.warnings]
    width = max((len(row.label) for row in decoded.summary), default=0) + 1
    for row in decoded.summary:
        lines.append(f"  {row.label + ':':<{width}} {row.value}")
    return lines


def decoded_summary_text(decoded) -> str:
    """The title, the warnings (in plain words) and the learner's rows: a notebook's text beside the HTML."""
    if not decoded.summary:
        return decoded_text(decoded)
    return "\n".join(_summary_lines(decoded, plain=True) + [f"({len(decoded.fields)} fields: print() shows every one)"])


def decoded_text(decoded) -> str:
    """The learner's rows first, then every field with its meaning, then the signature opened."""
    lines = _summary_lines(decoded)
    if decoded.summary:
        lines.append("Every field:")
    for item in decoded.fields:
        value = item.value if len(item.value) <= 100 else "\n" + textwrap.fill(item.value, 96, initial_indent="      ", subsequent_indent="      ", break_on_hyphens=False)
        lines.append(f"  {item.label}: {value}")
        lines.append(textwrap.fill(item.meaning, 96, initial_indent="      ", subsequent_indent="      "))
    if decoded.signature is not None:
        lines.append(signature_text(decoded.signature))
    return "\n".join(lines)


def _warning_html(warning: str) -> str:
    plain = _plain_warning(warning)
    if plain is None:
        return f'<div class="warn">{escape(warning)}</div>'
    return f'<div class="warn">{escape(plain)}<details><summary>Why, and the fix</summary>{escape(warning)}</details></div>'


def fields_table(fields) -> str:
    """Fields as table rows: label, value (long ones folded) and meaning; each row's ``data-path`` names its bytes."""
    rows = "".join(
        f'<tr data-path="{escape(f.path)}"><th>{escape(f.label)}</th>'
        f'<td>{value_html(f.value)}<div class="meaning">{escape(f.meaning)}</div></td></tr>'
        for f in fields
    )
    return f"<table>{rows}</table>"


def fields_html(fields) -> str:
    """Some fields of a decoded artifact (label, value, meaning) on their own."""
    return _wrap(fields_table(fields))


def learner_table(rows) -> str:
    """The learner's rows: a label and a value in plain words, each hint a tooltip."""
    body = "".join(
        f'<tr title="{escape(r.meaning)}"><th>{escape(r.label)}</th><td>{value_html(r.value, False, _VISIBLE)}</td></tr>'
        for r in rows
    )
    return f'<table class="learner">{body}</table>'


def decoded_html(decoded) -> str:
    """The learner's rows, then every field, the signature opened and the bytes, each folded."""
    warnings = "".join(_warning_html(w) for w in decoded.warnings)
    body = f"<h4>{escape(decoded.title)} <small>({escape(decoded.encoding)})</small></h4>{warnings}"
    if decoded.summary:
        body += learner_table(decoded.summary)
        body += (f"<details><summary>Every field ({len(decoded.fields)}), with what each means</summary>"
                 f"{fields_table(decoded.fields)}</details>")
    else:  # no learner's rows: the fields themselves
        body += fields_table(decoded.fields)
    if decoded.signature is not None:
        body += f"<details><summary>The signature, opened</summary>{signature_html(decoded.signature, wrap=False)}</details>"
    body += f"<details><summary>The bytes (DER, {len(decoded.asn1.data)} bytes)</summary>{tree_html(decoded.asn1)}</details>"
    return _wrap(body)


# -- a comparison ------------------------------------------------------------------------------


def _absent(value):
    return value if value is not None else "(absent)"


def _comparison_summary_lines(comparison) -> list[str]:
    lines = [f"A: {comparison.left.title}", f"B: {comparison.right.title}"]
    if comparison.summary:
        lines.append("In short:")
    for row in comparison.summary:
        a, b = (_absent(v) for v in row.values)
        lines += [f"  = {row.label}: {a}"] if row.same else [f"  ≠ {row.label}", f"      A: {a}", f"      B: {b}"]
    return lines


def comparison_summary_text(comparison) -> str:
    """Both titles and the learner's rows side by side: a notebook's text beside the HTML."""
    if not comparison.summary:
        return comparison_text(comparison)
    return "\n".join(_comparison_summary_lines(comparison) + [
        f"{len(comparison.differences)} of {len(comparison.rows)} fields differ (fingerprints aside): "
        "print() shows every one."])


def comparison_text(comparison) -> str:
    lines = _comparison_summary_lines(comparison)
    if comparison.summary:
        lines.append("Every field:")
    for row in comparison.rows:
        a, b = (_absent(v) for v in row.values)
        if row.same:
            lines.append(f"  = {row.label}: {a}")
        else:
            lines += [f"  ≠ {row.label}", f"      A: {a}", f"      B: {b}"]
    lines.append(f"{len(comparison.differences)} fields differ (fingerprints aside).")
    return "\n".join(lines)


def _differs(row) -> str:
    return "" if row.same else ' class="differs"'


def _sign(row) -> str:
    return "=" if row.same else "≠"


def _side_by_side(row, code: bool = True) -> str:
    limit = _VISIBLE_FIELD if code else _VISIBLE
    a, b = (value_html(v, code, limit) if v is not None else "<em>(absent)</em>" for v in row.values)
    if row.same:
        return f'<td colspan="2">{a}</td>'
    return f"<td>{a}</td><td>{b}</td>"


def comparison_html(comparison) -> str:
    """The learner's rows side by side first (the differing ones marked), then every field, differences first, folded."""
    titles = (f"<div>A: {escape(comparison.left.title)}</div><div>B: {escape(comparison.right.title)}</div>"
              f"<p>{len(comparison.differences)} fields differ (fingerprints aside).</p>")
    head = "<tr><th></th><th></th><th>A</th><th>B</th></tr>"
    short = ""
    if comparison.summary:
        rows = "".join(
            f'<tr{_differs(r)} title="{escape(r.meaning)}"><td>{_sign(r)}</td><th>{escape(r.label)}</th>{_side_by_side(r, False)}</tr>'
            for r in comparison.summary
        )
        short = f'<table class="learner">{head}{rows}</table>'
    ordered = sorted(comparison.rows, key=lambda r: r.same)
    rows = "".join(
        f'<tr{_differs(r)} title="{escape(r.meaning)}"><td>{_sign(r)}</td>'
        f'<th>{escape(r.label)}</th>{_side_by_side(r)}</tr>'
        for r in ordered
    )
    full = f'<p class="meaning">{_EXPLAINED_ONCE}</p><table>{head}{rows}</table>'
    if short:
        full = (f"<details><summary>Every field ({len(comparison.rows)}): {len(comparison.differences)} differ, "
                f"listed first</summary>{full}</details>")
    return _wrap(titles + short + full)


#: Each field is explained once, where it is decoded; a comparison shows values (the meaning is a hover reminder).
_EXPLAINED_ONCE = ("What each field means is written once, in its decoded view (decode(A) or decode(B)); "
                   "here only the values, side by side (hover a row for a reminder).")
