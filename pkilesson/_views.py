"""Plain text (terminals) and HTML (Jupyter) for the decoded views.

The HTML inherits the notebook's colours: text uses ``inherit``, lines and
highlights use JupyterLab's CSS variables with translucent fallbacks, and
nothing sets a white or black background, so it reads in light and dark
themes alike. Every byte-view row carries ``data-path``, ``data-offset`` and
``data-length``; :func:`highlight` marks one node's bytes in the hex dump,
which is what a notebook widget calls when a field is chosen.
"""

from __future__ import annotations

import textwrap
from html import escape
from typing import Optional

__all__ = ["tree_text", "tree_html", "hex_dump_html", "highlight", "decoded_text", "decoded_html",
           "signature_text", "signature_html", "comparison_text", "comparison_html", "STYLE"]

STYLE = """<style>
.pkl{color:inherit;font-family:var(--jp-ui-font-family,sans-serif);line-height:1.35}
.pkl table{border-collapse:collapse;margin:4px 0}
.pkl th,.pkl td,.jp-RenderedHTMLCommon .pkl th,.jp-RenderedHTMLCommon .pkl td{border-bottom:1px solid var(--jp-border-color2,rgba(128,128,128,.35));padding:2px 8px;
 text-align:left;vertical-align:top;background:transparent;color:inherit}
.pkl code,.pkl .hex,.pkl pre{font-family:var(--jp-code-font-family,monospace);font-size:.92em;background:transparent;color:inherit}
.pkl .meaning{opacity:.78;font-size:.92em}
.pkl .warn{border-left:4px solid var(--jp-warn-color1,#d97706);padding:2px 8px;margin:4px 0}
.pkl .ok{color:var(--jp-success-color1,#2e7d32)} .pkl .bad{color:var(--jp-error-color1,#c62828)}
.pkl mark{background:var(--jp-warn-color3,rgba(255,193,7,.35));color:inherit;outline:1px solid var(--jp-warn-color1,#d97706)}
.pkl mark.hdr{background:var(--jp-info-color3,rgba(33,150,243,.30))}
.pkl tr[data-offset]:hover,.pkl tr.chosen{background:var(--jp-layout-color2,rgba(128,128,128,.18))}
.pkl tr.differs td{font-weight:600}
.pkl .secret{opacity:.6;font-style:italic}
</style>"""

_SHOWN = 32  # content bytes shown per row of the byte table
_HASH_LABEL = {"sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512", "sha1": "SHA-1"}


def _wrap(body: str) -> str:
    return f'<div class="pkl">{STYLE}{body}</div>'


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


def tree_html(tree, chosen: Optional[str] = None) -> str:
    rows = []
    for depth, node in tree.nodes():
        value = "(secret, not shown)" if node.secret else node.value
        css = ' class="chosen"' if chosen is not None and node.name == chosen else ""
        rows.append(
            f'<tr data-path="{escape(node.name)}" data-offset="{node.offset}" data-length="{node.end - node.offset}"{css}>'
            f"<td>{node.offset}</td><td>{node.header_length}</td><td>{node.length}</td>"
            f'<td style="padding-left:{8 + 14 * depth}px"><code>{escape(node.tag)}</code></td>'
            f"<td><code>{escape(node.name)}</code>{' <em>(inside)</em>' if node.encapsulated else ''}"
            f'<div class="meaning">{escape(node.type)}</div></td>'
            f'<td>{escape(value)}</td><td class="hex">{_hex_preview(tree, node)}</td></tr>'
        )
    head = "<tr><th>offset</th><th>hl</th><th>l</th><th>tag</th><th>name</th><th>value</th><th>bytes</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


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
    """HTML of the byte view with node ``path``'s bytes marked: header in blue, content in yellow."""
    node = tree.find(path)
    dump = hex_dump_html(tree, node.offset, node.end, node.offset + node.header_length)
    caption = (
        f"<p><code>{escape(node.name)}</code>: bytes {node.offset} to {node.end - 1} "
        f"({node.header_length} of tag and length, {node.length} of content)</p>"
    )
    return _wrap(caption + dump + tree_html(tree, chosen=path))


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
        f'<tr><th>{escape(label)}</th><td class="{css if label == "Result" else ""}"><code>{escape(value)}</code></td></tr>'
        for label, value in _signature_steps(check)
    )
    body = f"<table>{rows}</table>"
    return _wrap(body) if wrap else body


# -- a decoded artifact ----------------------------------------------------------------------


def decoded_text(decoded) -> str:
    lines = [f"{decoded.title} ({decoded.encoding})"]
    lines += [f"! {w}" for w in decoded.warnings]
    for item in decoded.fields:
        value = item.value if len(item.value) <= 100 else "\n" + textwrap.fill(item.value, 96, initial_indent="      ", subsequent_indent="      ", break_on_hyphens=False)
        lines.append(f"  {item.label}: {value}")
        lines.append(textwrap.fill(item.meaning, 96, initial_indent="      ", subsequent_indent="      "))
    if decoded.signature is not None:
        lines.append(signature_text(decoded.signature))
    return "\n".join(lines)


def decoded_html(decoded) -> str:
    warnings = "".join(f'<div class="warn">{escape(w)}</div>' for w in decoded.warnings)
    rows = "".join(
        f'<tr data-path="{escape(f.path)}"><th>{escape(f.label)}</th>'
        f'<td><code style="word-break:break-all">{escape(f.value)}</code><div class="meaning">{escape(f.meaning)}</div></td></tr>'
        for f in decoded.fields
    )
    body = f"<h4>{escape(decoded.title)} <small>({escape(decoded.encoding)})</small></h4>{warnings}<table>{rows}</table>"
    if decoded.signature is not None:
        body += f"<details><summary>The signature, opened</summary>{signature_html(decoded.signature, wrap=False)}</details>"
    body += f"<details><summary>The bytes (DER, {len(decoded.asn1.data)} bytes)</summary>{tree_html(decoded.asn1)}</details>"
    return _wrap(body)


# -- a comparison ------------------------------------------------------------------------------


def comparison_text(comparison) -> str:
    left, right = comparison.left.title, comparison.right.title
    lines = [f"A: {left}", f"B: {right}"]
    for row in comparison.rows:
        a, b = (v if v is not None else "(absent)" for v in row.values)
        if row.same:
            lines.append(f"  = {row.label}: {a}")
        else:
            lines += [f"  ≠ {row.label}", f"      A: {a}", f"      B: {b}"]
    lines.append(f"{len(comparison.differences)} fields differ (fingerprints aside).")
    return "\n".join(lines)


def comparison_html(comparison) -> str:
    rows = []
    for row in comparison.rows:
        a, b = (escape(v) if v is not None else "<em>(absent)</em>" for v in row.values)
        css = "" if row.same else ' class="differs"'
        mark = "=" if row.same else "≠"
        rows.append(
            f"<tr{css}><td>{mark}</td><th>{escape(row.label)}<div class=\"meaning\">{escape(row.meaning)}</div></th>"
            f'<td><code style="word-break:break-all">{a}</code></td><td><code style="word-break:break-all">{b}</code></td></tr>'
        )
    head = (f"<tr><th></th><th>field</th><th>A: {escape(comparison.left.title)}</th>"
            f"<th>B: {escape(comparison.right.title)}</th></tr>")
    summary = f"<p>{len(comparison.differences)} fields differ (fingerprints aside).</p>"
    return _wrap(f"{summary}<table>{head}{''.join(rows)}</table>")
