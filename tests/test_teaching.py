"""docs/teaching.md stays true to the notebooks: every section it names is a heading of that lesson, every
exercise the notebooks check has its model answer and its check in the guide, and the generated section is the
one ``python -m pkilesson.lessons.solutions`` writes from the notebooks as they are."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pkilesson.lessons.exercises import EXERCISES
from pkilesson.lessons.solutions import BEGIN, END, markdown, solutions

ROOT = Path(__file__).parent.parent
GUIDE = ROOT / "docs" / "teaching.md"
NOTEBOOKS = ROOT / "notebooks"


def _headings() -> dict:
    found = {}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        found[path.name[:2]] = {line.lstrip("#").strip() for cell in cells if cell["cell_type"] == "markdown"
                                for line in "".join(cell["source"]).splitlines() if re.match(r"#{1,3} ", line)}
    return found


def _prose() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    return text[:text.index(BEGIN)]


def test_every_section_named_is_a_heading_of_its_lesson():
    """**NN** sets the lesson; each ‘heading’ after it must be one of that notebook's headings."""
    headings = _headings()
    lesson, named = None, 0
    for match in re.finditer(r"\*\*(0\d)\*\*|‘([^’]+)’", _prose()):
        if match.group(1):
            lesson = match.group(1)
            continue
        heading = " ".join(match.group(2).split())  # a quote may wrap across lines
        assert lesson in headings, f"‘{heading}’: no lesson named before it, or no notebook {lesson}"
        assert heading in headings[lesson], f"lesson {lesson} has no heading ‘{heading}’"
        named += 1
    assert named > 40


def test_every_lesson_has_its_section_in_the_guide():
    prose = _prose()
    for number in _headings():
        assert re.search(rf"^### {number} · ", prose, re.M), f"the guide has no section for lesson {number}"


def test_every_exercise_has_its_model_answer_and_its_check():
    found = solutions(NOTEBOOKS)
    assert found, "no exercise found in the notebooks"
    for item in found:
        assert item.answer, f"{item.notebook}: {item.exercise} has no folded Solution after its check cell"
        assert item.check, f"{item.notebook}: check({item.exercise!r}) names no registered exercise"
    asked = {item.exercise for item in found}
    lessons = {item.notebook[:2] for item in found}
    registered = {name for name in EXERCISES if name[:2] in lessons}
    assert registered <= asked, f"exercises no notebook asks: {sorted(registered - asked)}"


def test_the_generated_section_is_up_to_date():
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index(BEGIN):text.index(END) + len(END)]
    if section != markdown(NOTEBOOKS):
        pytest.fail("docs/teaching.md's solutions differ from the notebooks': run "
                    "'python -m pkilesson.lessons.solutions --write docs/teaching.md' and commit the guide")
    for item in solutions(NOTEBOOKS):
        assert f"**`{item.exercise}`**" in section
