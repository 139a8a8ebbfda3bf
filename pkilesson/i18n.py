"""The language of pkilesson's messages: English (the default) or French.

    import pkilesson
    pkilesson.set_language("fr")     # the first cell of a French notebook

The library never reads the environment by itself, so a notebook or a test gives
the same words on every machine; the command line does
(:func:`language_from_environment`, or its ``--lang`` option).

The catalogues are kept with Babel (a test tool, not needed to run pkilesson)::

    python -m pkilesson.i18n extract   # pkilesson/locale/pkilesson.pot from the sources (_ and ngettext)
    python -m pkilesson.i18n update    # merge the .pot into pkilesson/locale/fr/LC_MESSAGES/pkilesson.po
    python -m pkilesson.i18n compile   # the .po into the .mo that pkilesson reads
    python -m pkilesson.i18n check     # exit 1, saying why, unless the three are in step and complete
"""

from __future__ import annotations

from typing import Mapping

from . import _catalog
from ._catalog import _
from .errors import ArgumentError, argument_error

__all__ = ["LANGUAGES", "set_language", "language", "language_from_environment"]

#: The languages of pkilesson's messages, English first (the messages as the code writes them).
LANGUAGES = ("en", "fr")


def set_language(code: str) -> None:
    """Give every message from now on in ``code``: ``"en"`` or ``"fr"``."""
    if not isinstance(code, str):
        raise argument_error("code", '"en" or "fr"', code)
    if code not in LANGUAGES:
        raise ArgumentError(
            _("There is no {code!r} edition of pkilesson's messages: the languages are en and fr.").format(code=code),
            _('call pkilesson.set_language("fr") for French, or pkilesson.set_language("en") for English.'))
    if not _catalog.available(code):
        raise ArgumentError(
            _("The {code!r} message catalogue is missing from this installation ({path}).").format(
                code=code, path=_catalog.LOCALE_DIR / code / "LC_MESSAGES" / f"{_catalog.DOMAIN}.mo"),
            _("reinstall pkilesson (pip install -e .), or run python -m pkilesson.i18n compile in its source."))
    _catalog.use(code)


def language() -> str:
    """The language of the messages now: ``"en"`` or ``"fr"``."""
    return _catalog.current()


def language_from_environment(environ: Mapping[str, str]) -> str:
    """``"fr"`` when the locale's messages are French (``fr_FR.UTF-8``, ``fr_CA``, ``fr``...), else ``"en"``.

    The first of LC_ALL, LC_MESSAGES and LANG that is set and not empty decides, as POSIX says.
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            code = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


if __name__ == "__main__":  # pragma: no cover - python -m pkilesson.i18n
    import sys

    from ._locale_tools import main

    sys.exit(main(sys.argv[1:]))
