"""A text that is data in English and shown in the messages' language.

A check's detail and fix, a warning, a defect's title are both *shown* (the explanation, the
matrix) and *data* (``--json``, compared by tests and by code): :class:`Text` is the English
string itself (``==``, ``json.dumps``, ``repr``, ``in``, slicing all see the English), and
``str(text)``, ``f"{text}"`` and ``"...{x}...".format(x=text)`` give it in the current language
(:func:`pkilesson.set_language`), translated when it is shown, not when it was made.

    >>> t = Text(N_("{count} CA certificate(s) below it"), count=2)
    >>> t == "2 CA certificate(s) below it", str(t), f"[{t}]"
    (True, '2 CA certificate(s) below it', '[2 CA certificate(s) below it]')
"""

from __future__ import annotations

from .._catalog import N_, tr

__all__ = ["Text", "shown", "N_"]


def _english(value):
    """``value`` as data: a :class:`Text` gives its English string, anything else itself."""
    return str.__str__(value) if isinstance(value, Text) else value


class Text(str):
    """``message`` (marked with :func:`~pkilesson._catalog.N_`) formatted with ``values``: English as a
    string, in the current language when shown. A value that is a :class:`Text` follows it."""

    def __new__(cls, message: str, **values) -> "Text":
        self = super().__new__(cls, message.format(**{k: _english(v) for k, v in values.items()}))
        self._message = message
        self._values = values
        return self

    def shown(self) -> str:
        """The text in the current language (a plain ``str``)."""
        return tr(self._message).format(**self._values)

    def __str__(self) -> str:
        return self.shown()

    def __format__(self, spec: str) -> str:
        return format(self.shown(), spec)

    def __reduce__(self):
        return (_remake, (self._message, self._values))


def _remake(message: str, values: dict) -> Text:
    return Text(message, **values)


def shown(value) -> str:
    """``value`` as shown: a :class:`Text` in the current language, anything else as ``str`` gives it."""
    return value.shown() if isinstance(value, Text) else str(value)
