"""Plain text and HTML of a comparison: the learner's rows side by side, then every field, differences first.

Each field is explained once, in its decoded view; a comparison shows the values
(a field's meaning is a hover reminder).
"""

from __future__ import annotations

from html import escape

from ._html import _VISIBLE, _VISIBLE_FIELD, _wrap, value_html


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
