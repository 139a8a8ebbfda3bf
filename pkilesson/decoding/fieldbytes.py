"""One field of a decoded artifact, down to its bytes: the DER of that field alone, and its nodes.

:meth:`~pkilesson.decoding.decode.Decoded.highlight` marks a field in the byte view of
the whole file; a lesson that wants to show *one* extension (say the
client's extendedKeyUsage) uses :func:`field_bytes` instead: the field's
bytes in hex, then its nodes as ``openssl asn1parse`` would list them, with
their names from the ASN.1 modules.

>>> import datetime as dt
>>> from pkilesson import make_artifacts, Settings, decode
>>> now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
>>> lab = make_artifacts(Settings(key_type="p256"), now=now)
>>> eku = field_bytes(decode(lab.client_certificate, now=now), "ext:2.5.29.37")
>>> eku.hex
'30130603551d25040c300a06082b06010505070302'
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .._catalog import _, ngettext
from .decode import Decoded
from ._tree_view import shown_value
from ..errors import DecodeError

__all__ = ["FieldBytes", "field_bytes"]


@dataclass(frozen=True)
class FieldBytes:
    """The bytes of one field: where they are in the file, their hex, and the nodes inside."""

    label: str
    path: str
    offset: int
    hex: str
    lines: tuple[str, ...]

    def __str__(self) -> str:
        size = len(self.hex) // 2
        spaced = " ".join(self.hex[i : i + 2] for i in range(0, len(self.hex), 2))
        head = ngettext("{label}, {path}: {count} byte from offset {offset}",
                        "{label}, {path}: {count} bytes from offset {offset}", size).format(
            label=self.label, path=self.path, count=size, offset=self.offset)
        return "\n".join([head, spaced, *self.lines])

    def _repr_html_(self) -> str:
        return (f'<pre class="pkilesson-field-bytes" style="white-space:pre-wrap;overflow-wrap:anywhere">'
                f"{html.escape(str(self))}</pre>")


def field_bytes(decoded: Decoded, key: str) -> FieldBytes:
    """The bytes of field ``key`` of ``decoded`` (``"ext:2.5.29.37"``, ``"serial"``...).

    Raises :class:`~pkilesson.errors.DecodeError` when the field has no bytes
    of its own (a fingerprint) or its bytes are secret.
    """
    if not isinstance(decoded, Decoded):
        raise DecodeError(_("Expected a decoded artifact, got {type}.").format(type=type(decoded).__name__),
                          _("pass decode(...)'s result."))
    item = decoded.field(key)
    if not item.path:
        raise DecodeError(_("{field} is computed, not stored in the file: it has no bytes of its own.").format(
            field=item.label), _("pick a field with a place in the file, e.g. 'serial' or 'ext:2.5.29.37'."))
    tree = decoded.asn1
    top = tree.find(item.path)
    lines, top_depth = [], None
    for depth, node in tree.nodes():
        if top_depth is None and node is not top:
            continue
        if top_depth is None:
            top_depth = depth
        elif depth <= top_depth:
            break  # past the field's last node
        if node.secret:
            raise DecodeError(_("{field} holds secret bytes.").format(field=item.label),
                              _("pkilesson never shows private key material."))
        value = f" = {shown_value(node.value)}" if node.value else ""
        inside = _("  (inside)") if node.encapsulated else ""
        lines.append(f"{node.offset:5}: {'  ' * (depth - top_depth)}{node.tag:<18} {node.name}{value}{inside}")
    whole = tree.data[top.offset : top.end].hex()
    return FieldBytes(item.label, item.path, top.offset, whole, tuple(lines))
