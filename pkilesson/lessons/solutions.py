"""The exercises' model answers and their checks, for teachers: read from the notebooks and the checks themselves.

The learners' notebooks keep each solution folded (a ``<details>`` block
titled *Solution*, right after the exercise's ``check(...)`` cell). For the
teacher's guide, :func:`solutions` collects, for every exercise a notebook
asks: its id, the lesson and section, the check's own question and expected
format (:data:`pkilesson.lessons.exercises.FORMATS`), the checking function (its
name and module), and the notebook's model answer, as written there.
:func:`markdown` writes them as the guide's section; each guide holds that
section between two markers (:func:`markers`), and ``python -m pkilesson.lessons.solutions
--write docs/teaching.md`` writes it again (a test checks the guide is up to
date with the notebooks).

Each edition has its guide: ``lang="en"`` reads ``notebooks/`` for ``docs/teaching.md``,
``lang="fr"`` reads ``notebooks/fr/`` for ``docs/enseignement.md``. The language sets the
section's labels (:data:`_EDITIONS`, plain strings here, not catalogue messages: the section
is a document, not something pkilesson shows) and the language the checks' questions and
formats are given in (the message catalogue's, for the time of the call).

    python -m pkilesson.lessons.solutions                      # print the section
    python -m pkilesson.lessons.solutions --write docs/teaching.md
    python -m pkilesson.lessons.solutions --lang fr --write docs/enseignement.md
"""

from __future__ import annotations

import importlib
import inspect
import json
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Optional, Union

from .._catalog import speaking

__all__ = ["BEGIN", "END", "LANGUAGES", "Solution", "markdown", "markers", "solutions", "update"]

_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class _Edition:
    """One edition's guide section: where its notebooks are, its markers and its labels (``str.format`` fields)."""

    notebooks: str
    begin: str
    end: str
    lesson: str
    exercise: str
    question: str
    format: str
    checked: str
    unchecked: str
    answer: str
    no_answer: str


_EDITIONS = {
    "en": _Edition(
        notebooks="notebooks",
        begin="<!-- solutions: written by `python -m pkilesson.lessons.solutions --write docs/teaching.md`; "
              "do not edit by hand -->",
        end="<!-- end of the solutions -->",
        lesson="#### Lesson {lesson}: `{path}`",
        exercise="**`{exercise}`** (section *{section}*)",
        question="- The check's question: {question}",
        format="- The answer it expects: {format}",
        checked="- Checked by `{check}` in [`{where}`](../{where}); in the notebook: `check(\"{exercise}\", answer)`",
        unchecked="- **No check is registered under this id**: the notebook's cell raises.",
        answer="- The model answer, as the notebook folds it:",
        no_answer="> **(the notebook has no folded solution here)**",
    ),
    "fr": _Edition(
        notebooks="notebooks/fr",
        begin="<!-- solutions : écrites par `python -m pkilesson.lessons.solutions --lang fr --write "
              "docs/enseignement.md` ; ne pas modifier à la main -->",
        end="<!-- fin des solutions -->",
        lesson="#### Leçon {lesson} : `{path}`",
        exercise="**`{exercise}`** (section *{section}*)",
        question="- La question que pose la vérification : {question}",
        format="- La réponse attendue : {format}",
        checked="- La fonction qui vérifie la réponse : `{check}`, dans [`{where}`](../{where}) ; dans le notebook : "
                "`check(\"{exercise}\", réponse)`",
        unchecked="- **Aucune vérification n'est enregistrée sous cet identifiant** : la cellule du notebook "
                  "lève une exception.",
        answer="- Le corrigé, tel que le notebook le donne (replié sous « Solution ») :",
        no_answer="> **(le notebook n'a pas ici de solution repliée)**",
    ),
}
#: The editions that have a guide section: English first.
LANGUAGES = tuple(_EDITIONS)
#: The markers around the generated section in the English guide (:func:`markers` gives each edition's).
BEGIN, END = _EDITIONS["en"].begin, _EDITIONS["en"].end
_CHECK = re.compile(r"""\bcheck\(\s*["']([0-9]{2}\.[a-z0-9-]+)["']""")
_SOLUTION = re.compile(r"<details>\s*<summary>\s*Solution\s*</summary>(.*?)</details>", re.S)
_IMPORT = re.compile(r"^\s*(?:from\s+(pkilesson(?:\.\w+)*)\s+import|import\s+(pkilesson(?:\.\w+)*))", re.M)
_LINK = re.compile(r"\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Solution:
    """One exercise, as a teacher needs it."""

    exercise: str
    notebook: str
    section: str
    question: str
    format: str
    check: str
    where: str
    answer: str


def _edition(lang: str) -> _Edition:
    if lang not in _EDITIONS:
        from ..errors import ArgumentError

        raise ArgumentError(f"There is no {lang!r} guide: the languages are {', '.join(LANGUAGES)}.",
                            f"pass one of {', '.join(LANGUAGES)}.")
    return _EDITIONS[lang]


def markers(lang: str = "en") -> tuple[str, str]:
    """The two markers around the generated section in the ``lang`` guide: (begin, end)."""
    edition = _edition(lang)
    return edition.begin, edition.end


def _folder(notebooks: Union[str, Path, None], lang: str) -> Path:
    """``notebooks``, or the ``lang`` edition's folder (checking ``lang`` either way)."""
    edition = _edition(lang)
    return Path(notebooks) if notebooks is not None else _ROOT / edition.notebooks


def _load_registering_modules(cells: list) -> None:
    """Import the pkilesson modules a notebook imports: some register their lesson's exercises (07's, in access)."""
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        for found in _IMPORT.finditer("".join(cell["source"])):
            name = found.group(1) or found.group(2)
            try:
                importlib.import_module(name)
            except ImportError:
                pass


def _folded_answer(cells: list, index: int) -> str:
    """The model answer folded in one of the two cells after the check's cell ``index`` ("" if there is none)."""
    for after in cells[index + 1:index + 3]:
        folded = _SOLUTION.search("".join(after["source"])) if after["cell_type"] == "markdown" else None
        if folded:
            return folded.group(1).strip()
    return ""


def solutions(notebooks: Union[str, Path, None] = None, lang: str = "en") -> list[Solution]:
    """Every exercise the notebooks in ``notebooks`` (default: the ``lang`` edition's) check, in lesson order;
    the checks' questions and formats in ``lang``."""
    from ._exercise_kit import format_of, question_of
    from .exercises import EXERCISES  # importing it registers lessons 01 to 06's checks

    folder = _folder(notebooks, lang)
    found: list[Solution] = []
    for path in sorted(folder.glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        _load_registering_modules(cells)
        section = ""
        for index, cell in enumerate(cells):
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                for line in source.splitlines():
                    if re.match(r"#{1,3} ", line):
                        section = line.lstrip("#").strip()
                continue
            for match in _CHECK.finditer(source):
                exercise = match.group(1)
                function = EXERCISES[exercise][1] if exercise in EXERCISES else None
                module = inspect.getmodule(function) if function is not None else None
                where = module.__name__.replace(".", "/") + ".py" if module is not None else ""
                question = expected = ""
                if function is not None:
                    with speaking(lang):  # only here: an import above must not run its module in French
                        question, expected = question_of(exercise), format_of(exercise)
                found.append(Solution(exercise, path.name, section, question, expected,
                                      function.__name__ if function else "", where, _folded_answer(cells, index)))
    return found


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().splitlines())


def _from_root(folder: Path) -> Optional[PurePosixPath]:
    """``folder`` from the project's root, or None when it lies elsewhere."""
    try:
        return PurePosixPath(folder.resolve().relative_to(_ROOT).as_posix())
    except ValueError:
        return None


def _rebased(answer: str, folder: Optional[PurePosixPath]) -> str:
    """The answer's relative links, written for the notebook's folder, made to work from the guide's (``docs/``):
    ``../`` then the target from the root, as the checks' links are written."""
    if folder is None:
        return answer

    def rebase(match: re.Match) -> str:
        target = match.group(1)
        if re.match(r"[a-z][a-z0-9+.-]*:|[#/]", target, re.I):  # a URL, an anchor, an absolute path
            return match.group(0)
        return f"]({posixpath.join('..', posixpath.normpath(posixpath.join(folder.as_posix(), target)))})"

    return _LINK.sub(rebase, answer)


def markdown(notebooks: Union[str, Path, None] = None, lang: str = "en") -> str:
    """The ``lang`` guide's section: every exercise, its check and its model answer (the notebook's own words)."""
    edition = _edition(lang)
    folder = _folder(notebooks, lang)
    shown = _from_root(folder)
    lines = [edition.begin, ""]
    lesson = None
    for item in solutions(folder, lang):
        if item.notebook[:2] != lesson:
            lesson = item.notebook[:2]
            path = f"{shown}/{item.notebook}" if shown is not None else (folder / item.notebook).as_posix()
            lines += [edition.lesson.format(lesson=lesson, path=path), ""]
        lines.append(edition.exercise.format(exercise=item.exercise, section=item.section))
        lines.append("")
        if item.question:
            lines.append(edition.question.format(question=item.question))
        if item.format:
            lines.append(edition.format.format(format=item.format))
        if item.check:
            lines.append(edition.checked.format(check=item.check, where=item.where, exercise=item.exercise))
        else:
            lines.append(edition.unchecked)
        lines.append(edition.answer)
        lines.append("")
        lines.append(_quoted(_rebased(item.answer, shown)) if item.answer else edition.no_answer)
        lines.append("")
    lines.append(edition.end)
    return "\n".join(lines)


def update(guide: Union[str, Path], notebooks: Union[str, Path, None] = None, lang: str = "en") -> bool:
    """Write the ``lang`` section into ``guide`` between its :func:`markers`; True if it changed."""
    begin, end = markers(lang)
    path = Path(guide)
    text = path.read_text(encoding="utf-8")
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        from ..errors import PkiLessonError

        raise PkiLessonError(f"{path} has no section between the markers {begin!r} and {end!r}.",
                             "put both markers where the solutions go, then run again.")
    new = text[:start] + markdown(notebooks, lang) + text[stop + len(end):]
    if new == text:
        return False
    from ..pki.workspace import write_file

    write_file(path, new.encode("utf-8"), overwrite=True)
    return True


def main(argv: Optional[list] = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pkilesson.lessons.solutions", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="the edition: its notebooks (default folder), labels and questions' language")
    parser.add_argument("--notebooks", type=Path, help="the notebooks' folder (default: the edition's)")
    parser.add_argument("--write", type=Path, metavar="GUIDE.md", help="write the section into this guide")
    args = parser.parse_args(argv)
    if args.write:
        changed = update(args.write, args.notebooks, args.lang)
        print(f"{args.write}: {'written' if changed else 'already up to date'}")
    else:
        sys.stdout.write(markdown(args.notebooks, args.lang) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
