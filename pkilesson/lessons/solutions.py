"""The exercises' model answers and their checks, for teachers: read from the notebooks and the checks themselves.

The learners' notebooks keep each solution folded (a ``<details>`` block
titled *Solution*, right after the exercise's ``check(...)`` cell). For the
teacher's guide, :func:`solutions` collects, for every exercise a notebook
asks: its id, the lesson and section, the check's own question and expected
format (:data:`pkilesson.lessons.exercises.FORMATS`), the checking function (its
name and module), and the notebook's model answer, as written there.
:func:`markdown` writes them as the guide's section; ``docs/teaching.md``
holds that section between two markers, and ``python -m pkilesson.lessons.solutions
--write docs/teaching.md`` writes it again (a test checks the guide is up to
date with the notebooks).

    python -m pkilesson.lessons.solutions                      # print the section
    python -m pkilesson.lessons.solutions --write docs/teaching.md
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

__all__ = ["BEGIN", "END", "Solution", "markdown", "solutions", "update"]

#: The markers around the generated section in the guide.
BEGIN = "<!-- solutions: written by `python -m pkilesson.lessons.solutions --write docs/teaching.md`; do not edit by hand -->"
END = "<!-- end of the solutions -->"
_CHECK = re.compile(r"""\bcheck\(\s*["']([0-9]{2}\.[a-z0-9-]+)["']""")
_SOLUTION = re.compile(r"<details>\s*<summary>\s*Solution\s*</summary>(.*?)</details>", re.S)
_IMPORT = re.compile(r"^\s*(?:from\s+(pkilesson(?:\.\w+)*)\s+import|import\s+(pkilesson(?:\.\w+)*))", re.M)


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


def _default_notebooks() -> Path:
    return Path(__file__).resolve().parents[2] / "notebooks"


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


def solutions(notebooks: Union[str, Path, None] = None) -> list[Solution]:
    """Every exercise the notebooks in ``notebooks`` (default: the project's) check, in lesson order."""
    from .exercises import EXERCISES, FORMATS

    folder = Path(notebooks) if notebooks is not None else _default_notebooks()
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
                answer = ""
                for after in cells[index + 1:index + 3]:
                    folded = _SOLUTION.search("".join(after["source"])) if after["cell_type"] == "markdown" else None
                    if folded:
                        answer = folded.group(1).strip()
                        break
                question, function = EXERCISES.get(exercise, ("", None))
                module = inspect.getmodule(function) if function is not None else None
                where = module.__name__.replace(".", "/") + ".py" if module is not None else ""
                found.append(Solution(exercise, path.name, section, question, FORMATS.get(exercise, ""),
                                      function.__name__ if function else "", where, answer))
    return found


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().splitlines())


def markdown(notebooks: Union[str, Path, None] = None) -> str:
    """The guide's section: every exercise, its check and its model answer (the notebook's own words)."""
    lines = [BEGIN, ""]
    lesson = None
    for item in solutions(notebooks):
        if item.notebook[:2] != lesson:
            lesson = item.notebook[:2]
            lines += [f"#### Lesson {lesson}: `notebooks/{item.notebook}`", ""]
        lines.append(f"**`{item.exercise}`** (section *{item.section}*)")
        lines.append("")
        if item.question:
            lines.append(f"- The check's question: {item.question}")
        if item.format:
            lines.append(f"- The answer it expects: {item.format}")
        if item.check:
            lines.append(f"- Checked by `{item.check}` in [`{item.where}`](../{item.where}); "
                         f"in the notebook: `check(\"{item.exercise}\", answer)`")
        else:
            lines.append("- **No check is registered under this id**: the notebook's cell raises.")
        lines.append("- The model answer, as the notebook folds it:")
        lines.append("")
        lines.append(_quoted(item.answer) if item.answer else "> **(the notebook has no folded solution here)**")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def update(guide: Union[str, Path], notebooks: Union[str, Path, None] = None) -> bool:
    """Write the section into ``guide`` between :data:`BEGIN` and :data:`END`; True if it changed."""
    path = Path(guide)
    text = path.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        from ..errors import PkiLessonError

        raise PkiLessonError(f"{path} has no section between the markers {BEGIN!r} and {END!r}.",
                             "put both markers where the solutions go, then run again.")
    new = text[:start] + markdown(notebooks) + text[end + len(END):]
    if new == text:
        return False
    from ..pki.workspace import write_file

    write_file(path, new.encode("utf-8"), overwrite=True)
    return True


def main(argv: Optional[list] = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pkilesson.lessons.solutions", description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, help="the notebooks' folder (default: the project's)")
    parser.add_argument("--write", type=Path, metavar="GUIDE.md", help="write the section into this guide")
    args = parser.parse_args(argv)
    if args.write:
        changed = update(args.write, args.notebooks)
        print(f"{args.write}: {'written' if changed else 'already up to date'}")
    else:
        sys.stdout.write(markdown(args.notebooks) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
