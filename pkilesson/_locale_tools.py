"""Keeping the message catalogues with Babel: ``python -m pkilesson.i18n extract|update|compile|check``.

Babel is a tool of the build and the tests (requirements-test.txt), not of pkilesson at run time:
the lessons read the committed ``.mo`` with the standard library's :mod:`gettext`.

    extract   the messages of the sources (``_("...")`` and ``ngettext("...", "...", n)``) into
              pkilesson/locale/pkilesson.pot (left as it is when its messages have not changed)
    update    the .pot merged into pkilesson/locale/fr/LC_MESSAGES/pkilesson.po: a new message
              arrives empty, a changed one fuzzy (with its old translation, to review), a removed one goes
    compile   the .po into the .mo beside it (complete, non-fuzzy translations only)
    check     exit 1, with one line per problem, unless the .pot is the sources', every French
              translation is there, not fuzzy, with the message's own {placeholders} and French
              spacing, and the .mo is the .po's
"""

from __future__ import annotations

import gettext
import io
import re
import string
from pathlib import Path

from ._catalog import DOMAIN, LOCALE_DIR
from ._version import __version__
from .errors import PkiLessonError

__all__ = ["main", "extract_catalog", "compile_catalog", "placeholders", "spacing_problems", "problems",
           "POT", "PO", "MO", "KEYWORDS"]

PACKAGE = Path(__file__).resolve().parent
POT = LOCALE_DIR / f"{DOMAIN}.pot"
PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
#: The functions whose literal arguments are messages: _(message), N_(message) (marked where it is
#: written, translated where it is shown), ngettext(singular, plural, n) and pgettext(context, message).
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
#: A comment just above a message that begins so is shown to the translator.
COMMENT_TAG = "Translators:"


def _babel():
    try:
        from babel.messages import catalog, extract, mofile, pofile
    except ImportError:
        raise PkiLessonError("Babel is not installed: the message catalogues are kept with it.",
                             "pip install babel (or pip install -r requirements-test.txt); "
                             "pkilesson itself runs without it.") from None
    return catalog, extract, mofile, pofile


def _new_catalog(locale=None):
    """An empty catalogue: the template (``locale=None``) or the French translation."""
    catalog, *_ = _babel()
    if locale is None:
        comment = ("# The messages of pkilesson, as its sources write them (English).\n"
                   "# Made by python -m pkilesson.i18n extract: do not edit by hand.")
    else:
        comment = ("# The French messages of pkilesson: translate each msgstr, by meaning, in the glossary's terms\n"
                   "# (docs/glossaire.md); keep every {placeholder}; a space (U+0020) before : ; ! ? and », after «.\n"
                   "# Then python -m pkilesson.i18n compile, and check.")
    made = catalog.Catalog(locale=locale, domain=DOMAIN, project="pkilesson", version=__version__,
                           copyright_holder="the pkilesson authors", msgid_bugs_address="pkilesson's issues",
                           fuzzy=False, header_comment=comment)
    if locale is not None:
        made.revision_date = made.creation_date
        made.last_translator = "the pkilesson authors"
    if locale == "fr":  # gettext's French rule (0 and 1 singular), not CLDR's three forms (the "many" of millions)
        made.mime_headers = [("Plural-Forms", "nplurals=2; plural=(n > 1);"), ("Language-Team", "French")]
    return made


def extract_catalog():
    """The messages of the package's sources, as a Babel catalogue (locations by file, no line numbers)."""
    _, extract, _, _ = _babel()
    template = _new_catalog()
    found = extract.extract_from_dir(PACKAGE, keywords=KEYWORDS, comment_tags=(COMMENT_TAG,),
                                     strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(f"pkilesson/{Path(filename).as_posix()}", lineno)],
                     auto_comments=comments, context=context)
    return template


def _read(path: Path, locale=None):
    _, _, _, pofile = _babel()
    with open(path, "rb") as handle:
        return pofile.read_po(handle, locale=locale, domain=DOMAIN)


def _write(path: Path, catalog) -> None:
    _, _, _, pofile = _babel()
    buffer = io.BytesIO()
    pofile.write_po(buffer, catalog, width=116, sort_by_file=True, include_lineno=False, ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def _key(message):
    return (message.context, message.id if isinstance(message.id, str) else tuple(message.id))


def messages(catalog) -> dict:
    """What a catalogue says, without its header or dates: each message's key -> (its files, its comments)."""
    return {_key(m): (sorted({path for path, _ in m.locations}), tuple(m.auto_comments))
            for m in catalog if m.id}


def extract(pot: Path = POT) -> bool:
    """Write the .pot from the sources; False when it already held their messages (then left untouched)."""
    template = extract_catalog()
    if pot.exists() and messages(_read(pot)) == messages(template):
        return False
    _write(pot, template)
    return True


def update(pot: Path = POT, po: Path = PO) -> None:
    """Merge the .pot into the French .po (creating it the first time)."""
    template = _read(pot)
    if po.exists():
        catalog = _read(po, locale="fr")
    else:
        catalog = _new_catalog(locale="fr")
    catalog.update(template, update_creation_date=False)
    _write(po, catalog)


def compile_catalog(po: Path = PO, mo: Path = MO) -> None:
    """Compile the .po into the .mo that pkilesson reads (fuzzy or empty translations are left out)."""
    mo.parent.mkdir(parents=True, exist_ok=True)
    mo.write_bytes(_compiled(po).getvalue())


def placeholders(text: str) -> list[str]:
    """The ``{name}`` fields of a message (``{name!r}``, ``{count:04o}`` as written), sorted; ValueError if malformed."""
    fields = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            fields.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return sorted(fields)


#: French punctuation that takes a space before it (a normal space: see spacing_problems).
_TIGHT = re.compile(r"\S(?P<mark>[:;!?»])(?=\s|$)|«(?=\S)")


def spacing_problems(text: str) -> list[str]:
    """French spacing: a space before : ; ! ? and », after «, and that space a normal one (U+0020).

    Not U+00A0 or U+202F: the command line puts every message on one line with ``str.split()``,
    which takes both for spaces, and a Latin-1 terminal has no U+202F; one kind of space everywhere.
    A colon or ? not followed by a space (https://, 12:00, ?x=) is not punctuation and is left alone.
    """
    found = [f"no space before {match['mark']!r}" if match["mark"] else "no space after '«'"
             for match in _TIGHT.finditer(text)]
    found += [f"U+{ord(ch):04X} instead of a normal space" for ch in sorted(set(text) & {"\u00a0", "\u202f"})]
    return found


def problems(pot: Path = POT, po: Path = PO, mo: Path = MO) -> list[str]:
    """Every way the catalogues are out of step, one line each; empty when all is well."""
    found = []
    template = _read(pot)
    if messages(template) != messages(extract_catalog()):
        found.append(f"{pot.name} is not the sources' messages: run python -m pkilesson.i18n extract")
    french = _read(po, locale="fr")
    for message in template:
        if not message.id:
            continue
        translated = french.get(message.id, message.context)
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        where = f"{po.name}: {ids[0]!r}"
        if translated is None:
            found.append(f"{where} is missing: run python -m pkilesson.i18n update, then translate it")
            continue
        strings = [translated.string] if isinstance(translated.string, str) else list(translated.string)
        if translated.fuzzy or not all(strings):
            found.append(f"{where} is {'fuzzy' if translated.fuzzy else 'untranslated'}: translate it")
            continue
        try:
            wanted = placeholders(ids[0])
            if any(placeholders(text) != wanted for text in strings):
                found.append(f"{where}: the translation's placeholders are not {wanted}")
        except ValueError as exc:
            found.append(f"{where}: a malformed placeholder ({exc})")
        found += [f"{where}: {problem}" for text in strings for problem in spacing_problems(text)]
    stale = {_key(m) for m in french if m.id} - {_key(m) for m in template if m.id}
    found += [f"{po.name}: {key[1]!r} is no longer in the sources: run python -m pkilesson.i18n update"
              for key in sorted(stale, key=repr)]
    if not mo.exists() or _mo_messages(mo) != _mo_messages(_compiled(po)):
        found.append(f"{mo.name} is not the compiled {po.name}: run python -m pkilesson.i18n compile")
    return found


def _compiled(po: Path) -> io.BytesIO:
    """The .mo that ``po`` compiles to, in memory."""
    _, _, mofile, _ = _babel()
    buffer = io.BytesIO()
    mofile.write_mo(buffer, _read(po, locale="fr"), use_fuzzy=False)
    buffer.seek(0)
    return buffer


def _mo_messages(mo) -> dict:
    """A compiled catalogue's messages, read by the standard library as pkilesson reads them."""
    if isinstance(mo, Path):
        with open(mo, "rb") as handle:
            return dict(gettext.GNUTranslations(handle)._catalog)
    return dict(gettext.GNUTranslations(mo)._catalog)


def main(argv: list[str]) -> int:
    command = argv[0] if len(argv) == 1 else ""
    try:
        if command == "extract":
            print(f"wrote {POT}" if extract() else f"{POT} already holds the sources' messages")
        elif command == "update":
            update()
            print(f"wrote {PO}")
        elif command == "compile":
            compile_catalog()
            print(f"wrote {MO}")
        elif command == "check":
            found = problems()
            for problem in found:
                print(problem)
            count = sum(1 for m in _read(POT) if m.id)
            print(f"{len(found)} problem(s)" if found else f"the catalogues are in step: {count} messages, all in French")
            return 1 if found else 0
        else:
            print("usage: python -m pkilesson.i18n extract|update|compile|check")
            return 2
    except PkiLessonError as exc:
        print(f"pkilesson.i18n: error: {exc}")
        return 2
    return 0
