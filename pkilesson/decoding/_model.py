"""What :func:`~pkilesson.decoding.decode.decode` returns: a :class:`Decoded` artifact made of :class:`Field` rows.

They live here, below both :mod:`pkilesson.decoding.decode` (which detects the
kind and re-exports them) and the modules that build each kind's fields, so
that neither imports the other. Their text and HTML come from the views,
imported when asked for.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Optional

from .._catalog import N_, _, tr
from .asn1 import Asn1Tree
from ..errors import DecodeError
from .signatures import SignatureCheck

__all__ = ["Field", "Decoded", "kind_shown"]

#: The kinds of artifact as a learner reads them (the kinds themselves are data, and stay English).
_KIND_WORDS = {"certificate": N_("certificate"), "csr": N_("csr"), "crl": N_("crl"), "private key": N_("private key"),
               "public key": N_("public key")}


def kind_shown(kind: str) -> str:
    """A kind (``"csr"``...) as a message shows it, in the current language."""
    return tr(_KIND_WORDS[kind]) if kind in _KIND_WORDS else kind


@dataclass(frozen=True)
class Field:
    """One field of the explained view.

    Attributes:
        key: a stable identifier (``"serial"``, ``"ext:2.5.29.17"``), used by comparisons.
        label: the field's name for people (``"Serial number"``).
        value: its value, as text.
        meaning: one plain sentence saying what it is for.
        path: the name of its node in the byte view (``"tbsCertificate.serialNumber"``), or ``""``.
        critical: for an extension, whether it is marked critical; None for other fields.
    """

    key: str
    label: str
    value: str
    meaning: str
    path: str = ""
    critical: Optional[bool] = None


@dataclass(frozen=True)
class Decoded:
    """One artifact, decoded and explained.

    Attributes:
        kind: one of :data:`~pkilesson.decoding.decode.KINDS`.
        title: a one-line description (``"certificate /C=FR/O=Lab/CN=localhost"``).
        encoding: ``"PEM"``, ``"DER"`` or ``"object"`` (decoded from a Python object).
        fields: the explained fields, in the order of the file.
        asn1: the byte view (private values redacted).
        signature: the signature opened (certificates, CSRs, CRLs), else None.
        warnings: sentences a learner must read (a private key, an expired certificate...).
        now: the instant that dates were compared with.
        summary: the learner's rows, in plain words: for whom, signed by, valid from and until, what it
            may be used for, its key (for a CSR: who asks, which names, its key, the proof it holds the
            key; for a CRL: who publishes it, which serials it revokes, when the next one is due). The
            HTML view shows them first and folds everything else away.
    """

    kind: str
    title: str
    encoding: str
    fields: tuple[Field, ...]
    asn1: Asn1Tree = field(repr=False)
    signature: Optional[SignatureCheck] = field(repr=False)
    warnings: tuple[str, ...]
    now: dt.datetime
    _json: str = field(repr=False, compare=False, default="{}")
    summary: tuple[Field, ...] = field(repr=False, default=())

    def field(self, key: str) -> Field:
        """The field with this key (``"serial"``, ``"not_after"``, ``"ext:2.5.29.19"``...)."""
        for item in self.fields:
            if item.key == key:
                return item
        raise DecodeError(
            _("This {kind} has no field {key!r}.").format(kind=kind_shown(self.kind), key=key),
            _("use one of: {keys}.").format(keys=", ".join(f.key for f in self.fields)),
        )

    def to_dict(self, *, asn1: bool = False) -> dict:
        """Plain data for JSON (the fields ``pkilesson inspect --json`` prints)."""
        data = json.loads(self._json)
        if asn1:
            data["asn1"] = self.asn1.to_dict()
        return data

    def highlight(self, path: str) -> str:
        """HTML of the byte view with the bytes of node ``path`` marked (a field's ``path``)."""
        from ._tree_view import highlight

        return highlight(self.asn1, path)

    def __str__(self) -> str:
        from ._views import decoded_text

        return decoded_text(self)

    def _repr_html_(self) -> str:
        from ._views import decoded_html

        return decoded_html(self)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """What a notebook stores as text beside the HTML: the learner's rows, not every field."""
        from ._views import decoded_summary_text

        printer.text(decoded_summary_text(self))
