"""What every lesson panel shares: the layout of its controls, a :class:`~pkilesson.errors.PkiLessonError`
shown in one line with its fix, a view a failed click left greyed, a diagram inline with its words, and
the base class Jupyter displays. The panels are in :mod:`pkilesson.lessons.widgets`.
"""

from __future__ import annotations

import html

import ipywidgets as w

from .._catalog import _
from ..decoding.decode import Decoded
from ..errors import PkiLessonError

_WIDE = w.Layout(width="28em")
_STYLE = {"description_width": "10.5em"}  # "CN (common name)" fits


def _error_html(exc: PkiLessonError) -> str:
    return (
        '<div class="pkilesson-error" style="color: var(--jp-error-color1, #c62828); font-weight: bold">'
        f"✗ {html.escape(exc.problem)}</div>"
        '<div class="pkilesson-fix">' + html.escape(_("Fix: {fix}")).format(fix=html.escape(exc.fix)) + "</div>"
    )


def _stale_note() -> str:
    note = _("✗ Not updated: the last choices failed (the error above). Greyed below: the result of the choices before.")
    return f'<div class="pkilesson-stale-note" style="font-weight: bold">{html.escape(note, quote=False)}</div>'


def _stale(view: w.HTML) -> None:
    """A view a failed click did not update: greyed, and saying so in words (colour is never the only sign)."""
    if not view.value or view.value.startswith('<div class="pkilesson-stale"'):
        return
    view.value = (f'<div class="pkilesson-stale">{_stale_note()}<div style="opacity: 0.5; filter: grayscale(1)" '
                  f'aria-disabled="true">{view.value}</div></div>')


def _svg_html(diagram) -> str:
    """The diagram's SVG inline, at its drawn size or scaled down to the notebook's width, then the
    diagram in words (folded). The diagrams are drawn narrow enough for their smallest text to stay
    at 10 px or more in JupyterLab's default layout."""
    import re

    from ..draw.render import words_html

    try:
        svg = diagram.svg()
    except PkiLessonError as exc:  # no renderer: the diagram's one clear error instead
        return _error_html(exc)
    svg = svg[svg.find("<svg"):]
    drawn = re.match(r'<svg width="([\d.]+)pt"', svg)
    if drawn:
        pixels = float(drawn.group(1)) * 4 / 3  # 1pt = 4/3 CSS px
        svg = f'<svg style="width: {pixels:.0f}px; max-width: 100%; height: auto"{svg[4:]}'
    words = words_html(diagram.description) if diagram.description else ""
    return f'<div class="pkilesson-diagram">{svg}{words}</div>'


def _at_fault_html(decoded: Decoded, path: str) -> str:
    """The fields stored at ``path`` or inside it (label, value, meaning), above their bytes."""
    from ..decoding._views import fields_html

    fields = [f for f in decoded.fields if f.path == path or f.path.startswith((path + ".", path + "["))]
    return fields_html(fields) if fields else ""


class _Panel:
    """What every panel shares: Jupyter displays its ``widget``."""

    widget: w.Widget

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

