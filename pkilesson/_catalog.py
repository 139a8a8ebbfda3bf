"""The message catalogue: every text a learner reads goes through :func:`_` (or :func:`ngettext`).

A leaf: it imports nothing of pkilesson, so any module may use it, :mod:`pkilesson.errors` included.
English is the source language (the messages as the code writes them); French comes from
``locale/fr/LC_MESSAGES/pkilesson.mo``, compiled from ``pkilesson.po`` beside it with
``python -m pkilesson.i18n compile``. The language is the process's: :func:`use` sets it
(no checks: :func:`pkilesson.set_language` is the checked way), :func:`current` reads it.

Write ``_("... {name} ...").format(name=...)``, never an f-string: the extractor
(``python -m pkilesson.i18n extract``) reads the literal the call holds. A text made once, when its
module is imported (a table of meanings, a check's description), is marked with :func:`N_` where it
is written and translated with :func:`tr` where it is shown, so it follows a later ``set_language``.
"""

from __future__ import annotations

import gettext
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["_", "N_", "tr", "pgettext", "ngettext", "Text", "shown", "current", "use", "speaking", "available",
           "LOCALE_DIR", "DOMAIN"]

#: Where the catalogues are: ``LOCALE_DIR/<code>/LC_MESSAGES/DOMAIN.mo``.
LOCALE_DIR = Path(__file__).resolve().with_name("locale")
DOMAIN = "pkilesson"

_language = "en"
_loaded: dict[str, gettext.NullTranslations] = {}


def _translations(code: str) -> gettext.NullTranslations:
    """The catalogue of ``code``, read once; English (the messages themselves) when there is none."""
    found = _loaded.get(code)
    if found is None:
        found = gettext.NullTranslations()
        if code != "en":
            try:
                found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code])
            except OSError:  # no catalogue: the English messages, never an error in the middle of a message
                pass
        _loaded[code] = found
    return found


def available(code: str) -> bool:
    """True for English, and for a language whose compiled catalogue is installed."""
    return code == "en" or type(_translations(code)) is not gettext.NullTranslations


def current() -> str:
    """The language messages are given in now: ``"en"`` or ``"fr"``."""
    return _language


def use(code: str) -> None:
    """Give the messages in ``code`` from now on (no checks: see :func:`pkilesson.i18n.set_language`)."""
    global _language
    _language = code


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Messages in ``code`` inside the block, then in the language they were in before (whatever happens)."""
    was = current()
    use(code)
    try:
        yield
    finally:
        use(was)


def _(message: str) -> str:
    """``message`` in the current language (itself when the catalogue has no translation for it)."""
    return _translations(_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` for the count ``n``, in the current language (French: 0 and 1 take the singular)."""
    return _translations(_language).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """``message`` itself, marked for the catalogue: translate it later with :func:`tr`, where it is shown."""
    return message


def tr(text: str) -> str:
    """``text``, a message marked with :func:`N_` (held in a variable), in the current language."""
    return _translations(_language).gettext(text)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, as meant in ``context`` (one English word, two French genders:
    a certificate "accepted" is accepté, a handshake acceptée)."""
    return _translations(_language).pgettext(context, message)


# -- a text that is data in English and shown in the messages' language --------------------------
#
# A check's detail and fix, a warning, a defect's title are both *shown* (the explanation, the
# matrix) and *data* (``--json``, compared by tests and by code): :class:`Text` is the English
# string itself (``==``, ``json.dumps``, ``repr``, ``in``, slicing all see the English), and
# ``str(text)``, ``f"{text}"`` and ``"...{x}...".format(x=text)`` give it in the current language,
# translated when it is shown, not when it was made.
#
#     >>> t = Text(N_("{count} CA certificate(s) below it"), count=2)
#     >>> t == "2 CA certificate(s) below it", str(t), f"[{t}]"
#     (True, '2 CA certificate(s) below it', '[2 CA certificate(s) below it]')


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
