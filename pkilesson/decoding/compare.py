"""Two artifacts side by side, field by field: the server's certificate and the
client's, or the source recipe's certificate and pkilesson's.

>>> import datetime as dt
>>> from pkilesson import make_artifacts, Settings, compare
>>> now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
>>> lab = make_artifacts(Settings(key_type="p256"), now=now)
>>> diff = compare(lab.server_certificate, lab.client_certificate, now=now)
>>> diff.row("ext:2.5.29.37").values
('not critical: TLS Web Server Authentication', 'not critical: TLS Web Client Authentication')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from .._catalog import _
from ._model import kind_shown
from .decode import Decoded, decode
from ..errors import DecodeError

__all__ = ["Row", "Comparison", "compare"]

#: Fields that differ between any two artifacts, so they are listed but not counted as differences.
_ALWAYS_DIFFERENT = {"sha256", "sha1"}


@dataclass(frozen=True)
class Row:
    """One field of the comparison: its label, its value in each artifact (None when absent)."""

    key: str
    label: str
    values: tuple[Optional[str], Optional[str]]
    meaning: str

    @property
    def same(self) -> bool:
        return self.values[0] == self.values[1]


@dataclass(frozen=True)
class Comparison:
    """The field-by-field comparison of two decoded artifacts.

    Attributes:
        left, right: the two artifacts, decoded (A and B).
        rows: every field, in the left artifact's order.
        summary: the learner's rows of both (for whom, signed by, may be used for, key...) side by side:
            what the HTML view shows first.
    """

    left: Decoded
    right: Decoded
    rows: tuple[Row, ...]
    summary: tuple[Row, ...] = ()

    @property
    def differences(self) -> tuple[Row, ...]:
        """The rows whose values differ (fingerprints excepted: they always do)."""
        return tuple(r for r in self.rows if not r.same and r.key not in _ALWAYS_DIFFERENT)

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise DecodeError(_("No field {key!r} in either artifact.").format(key=key),
                          _("use one of: {keys}.").format(keys=", ".join(r.key for r in self.rows)))

    def __str__(self) -> str:
        from ._compare_view import comparison_text

        return comparison_text(self)

    def _repr_html_(self) -> str:
        from ._compare_view import comparison_html

        return comparison_html(self)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """What a notebook stores as text beside the HTML: the learner's rows side by side, not every field."""
        from ._compare_view import comparison_summary_text

        printer.text(comparison_summary_text(self))


def compare(left, right, *, now: Optional[dt.datetime] = None) -> Comparison:
    """Compare two artifacts (anything :func:`~pkilesson.decoding.decode` takes), field by field.

    Rows follow the left artifact's order; fields only the right one has come last. The learner's
    rows (:attr:`~pkilesson.decoding.decode.Decoded.summary`) are compared the same way.
    """
    a = left if isinstance(left, Decoded) else decode(left, now=now)
    b = right if isinstance(right, Decoded) else decode(right, now=now)
    if a.kind != b.kind:
        raise DecodeError(
            _("Cannot compare a {kind} with a {other} field by field.").format(kind=kind_shown(a.kind),
                                                                              other=kind_shown(b.kind)),
            _("compare two certificates, two CSRs or two keys."),
        )
    return Comparison(a, b, _rows(a.fields, b.fields), _rows(a.summary, b.summary))


def _rows(left, right) -> tuple[Row, ...]:
    right_fields = {f.key: f for f in right}
    rows = []
    for item in left:
        other = right_fields.pop(item.key, None)
        label = item.label.split(" (")[0] if item.critical is not None else item.label
        rows.append(Row(item.key, label, (_shown(item), _shown(other)), item.meaning))
    for item in right_fields.values():
        label = item.label.split(" (")[0] if item.critical is not None else item.label
        rows.append(Row(item.key, label, (None, _shown(item)), item.meaning))
    return tuple(rows)


def _shown(field) -> Optional[str]:
    """A field's value as compared: an extension's criticality is part of it."""
    if field is None:
        return None
    if field.critical is None:
        return field.value
    return (_("critical: {value}") if field.critical else _("not critical: {value}")).format(value=field.value)
