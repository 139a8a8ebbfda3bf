"""What every HTML view shares: the style sheet (it inherits the notebook's colours) and long values folded.

:func:`shorten` cuts long hex tokens (moduli, signatures, fingerprints) to a
readable prefix; :func:`value_html` shows that prefix, opening to the whole value.
"""

from __future__ import annotations

import re
from html import escape

from .._catalog import _

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

_VISIBLE = 96  # characters of a learner's row shown before it is folded
_VISIBLE_FIELD = 160  # characters of a field's value (in the folded tables) shown before it is folded
#: Long hex: a SHA-256 fingerprint in colon form and longer (moduli, points, signatures); bare digests stay whole.
_LONG_TOKEN = re.compile(r"(?:[0-9A-Fa-f]{2}:){31,}[0-9A-Fa-f]{2}|(?:0x)?[0-9A-Fa-f]{65,}")


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
        return _("{items}, … {count} more").format(items=head, count=text.count(", ") - head.count(", "))
    return text[: limit - 1].rstrip() + "…"


def value_html(value: str, code: bool = True, limit: int = _VISIBLE_FIELD) -> str:
    """A value in HTML: as is when short, else its shortened form, opening to the whole value."""
    shown = shorten(value, limit)

    def tag(text: str) -> str:
        return f"<code>{escape(text)}</code>" if code else escape(text)

    if shown == value:
        return tag(value)
    hint = escape(_("show the whole value"))
    return (f'<details class="long"><summary title="{hint}"><span>{tag(shown)}</span>'
            f"</summary>{tag(value)}</details>")
