"""Plain text and HTML of a comparison: the learner's rows side by side, then every field, differences first.

Each field is explained once, in its decoded view; a comparison shows the values
(a field's meaning is a hover reminder).
"""

from __future__ import annotations

from html import escape

from .._catalog import N_, _, tr
from ._html import _VISIBLE, _VISIBLE_FIELD, _wrap, value_html


def _absent(value):
    return value if value is not None else _("(absent)")


def _said(label: str, value: str) -> str:
    return _("{label}: {value}").format(label=label, value=value)


def _comparison_summary_lines(comparison) -> list[str]:
    lines = [f"A: {comparison.left.title}", f"B: {comparison.right.title}"]
    if comparison.summary:
        lines.append(_("In short:"))
    for row in comparison.summary:
        a, b = (_absent(v) for v in row.values)
        lines += [f"  = {_said(row.label, a)}"] if row.same else [f"  ≠ {row.label}", f"      A: {a}", f"      B: {b}"]
    return lines


def comparison_summary_text(comparison) -> str:
    """Both titles and the learner's rows side by side: a notebook's text beside the HTML."""
    if not comparison.summary:
        return comparison_text(comparison)
    return "\n".join(_comparison_summary_lines(comparison) + [
        _("{count} of {total} fields differ (fingerprints aside): print() shows every one.").format(
            count=len(comparison.differences), total=len(comparison.rows))])


def comparison_text(comparison) -> str:
    lines = _comparison_summary_lines(comparison)
    if comparison.summary:
        lines.append(_("Every field:"))
    for row in comparison.rows:
        a, b = (_absent(v) for v in row.values)
        if row.same:
            lines.append(f"  = {_said(row.label, a)}")
        else:
            lines += [f"  ≠ {row.label}", f"      A: {a}", f"      B: {b}"]
    lines.append(_differ(comparison))
    return "\n".join(lines)


def _differ(comparison) -> str:
    # Translators: English says "fields differ" even for 0 or 1.
    return _("{count} fields differ (fingerprints aside).").format(count=len(comparison.differences))


def _differs(row) -> str:
    return "" if row.same else ' class="differs"'


def _sign(row) -> str:
    return "=" if row.same else "≠"


def _side_by_side(row, code: bool = True) -> str:
    limit = _VISIBLE_FIELD if code else _VISIBLE
    absent = "<em>" + escape(_("(absent)")) + "</em>"
    a, b = (value_html(v, code, limit) if v is not None else absent for v in row.values)
    if row.same:
        return f'<td colspan="2">{a}</td>'
    return f"<td>{a}</td><td>{b}</td>"


def comparison_html(comparison) -> str:
    """The learner's rows side by side first (the differing ones marked), then every field, differences first, folded."""
    titles = (f"<div>A: {escape(comparison.left.title)}</div><div>B: {escape(comparison.right.title)}</div>"
              f"<p>{escape(_differ(comparison))}</p>")
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
    full = f'<p class="meaning">{escape(tr(_EXPLAINED_ONCE))}</p><table>{head}{rows}</table>'
    if short:
        heading = _("Every field ({total}): {count} differ, listed first").format(
            total=len(comparison.rows), count=len(comparison.differences))
        full = f"<details><summary>{escape(heading)}</summary>{full}</details>"
    return _wrap(titles + short + full)


#: Each field is explained once, where it is decoded; a comparison shows values (the meaning is a hover reminder).
_EXPLAINED_ONCE = N_("What each field means is written once, in its decoded view (decode(A) or decode(B)); "
                     "here only the values, side by side (hover a row for a reminder).")
