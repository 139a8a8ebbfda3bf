"""The teachers' guides stay true to the notebooks: docs/teaching.md to notebooks/, its French edition
docs/enseignement.md to notebooks/fr/. In each guide, every section it names is a heading of that lesson, every
lesson has its section, every exercise the notebooks check has its model answer and its check in the guide, and
the generated section is the one ``python -m pkilesson.lessons.solutions [--lang fr]`` writes from the notebooks
as they are. The French guide is the English one's twin: the same command blocks in the same order, the same
notebook sections named in the same order, the glossary's words and French spacing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pkilesson._locale_tools import spacing_problems
from pkilesson.lessons.exercises import EXERCISES
from pkilesson.lessons.solutions import BEGIN, END, LANGUAGES, markdown, markers, solutions
from test_french_notebooks import forbidden_in, prose

ROOT = Path(__file__).parent.parent
#: Each guide: its file and the notebooks it speaks of.
GUIDES = {
    "en": (ROOT / "docs" / "teaching.md", ROOT / "notebooks"),
    "fr": (ROOT / "docs" / "enseignement.md", ROOT / "notebooks" / "fr"),
}
#: **NN** sets the lesson; a ‘heading’ after it names one of that lesson's sections (a quote may wrap lines).
_NAMED = re.compile(r"\*\*(0\d)\*\*|‘([^’]+)’")
_COMMAND_BLOCK = re.compile(r"^```[^\n]*\n.*?^```$", re.S | re.M)


def _headings(notebooks: Path) -> dict[str, list[str]]:
    """Each lesson's headings (levels 1 to 3), in the notebook's order."""
    found = {}
    for path in sorted(notebooks.glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        found[path.name[:2]] = [line.lstrip("#").strip() for cell in cells if cell["cell_type"] == "markdown"
                                for line in "".join(cell["source"]).splitlines() if re.match(r"#{1,3} ", line)]
    return found


def _prose(lang: str) -> str:
    """The guide's hand-written part: everything before the generated section."""
    text = GUIDES[lang][0].read_text(encoding="utf-8")
    return text[:text.index(markers(lang)[0])]


def _named(lang: str) -> list[tuple[str, str]]:
    """Every (lesson, heading) the hand-written part names, in its order."""
    lesson, named = None, []
    for match in _NAMED.finditer(_prose(lang)):
        if match.group(1):
            lesson = match.group(1)
        else:
            named.append((lesson, " ".join(match.group(2).split())))
    return named


@pytest.fixture(params=LANGUAGES)
def lang(request) -> str:
    return request.param


def test_every_guide_has_its_edition():
    assert set(GUIDES) == set(LANGUAGES)
    assert markers("en") == (BEGIN, END)
    assert markers("fr") != markers("en")


def test_every_section_named_is_a_heading_of_its_lesson(lang):
    headings = _headings(GUIDES[lang][1])
    named = _named(lang)
    for lesson, heading in named:
        assert lesson in headings, f"‘{heading}’: no lesson named before it, or no notebook {lesson}"
        assert heading in headings[lesson], f"lesson {lesson} has no heading ‘{heading}’"
    assert len(named) > 40


def test_every_lesson_has_its_section_in_the_guide(lang):
    prose_part = _prose(lang)
    for number in _headings(GUIDES[lang][1]):
        assert re.search(rf"^### {number} · ", prose_part, re.M), f"the guide has no section for lesson {number}"


def test_every_exercise_has_its_model_answer_and_its_check(lang):
    found = solutions(GUIDES[lang][1], lang)
    assert found, "no exercise found in the notebooks"
    for item in found:
        assert item.answer, f"{item.notebook}: {item.exercise} has no folded Solution after its check cell"
        assert item.check, f"{item.notebook}: check({item.exercise!r}) names no registered exercise"
        assert item.question and item.format, f"{item.exercise}: the check states no question or format"
    asked = {item.exercise for item in found}
    lessons = {item.notebook[:2] for item in found}
    registered = {name for name in EXERCISES if name[:2] in lessons}
    assert registered <= asked, f"exercises no notebook asks: {sorted(registered - asked)}"


def test_the_generated_section_is_up_to_date(lang):
    guide, notebooks = GUIDES[lang]
    begin, end = markers(lang)
    text = guide.read_text(encoding="utf-8")
    assert text.count(begin) == 1 and text.count(end) == 1, f"{guide.name}: each marker once"
    section = text[text.index(begin):text.index(end) + len(end)]
    if section != markdown(notebooks, lang):
        command = "python -m pkilesson.lessons.solutions" + (f" --lang {lang}" if lang != "en" else "")
        pytest.fail(f"docs/{guide.name}'s solutions differ from the notebooks': run "
                    f"'{command} --write docs/{guide.name}' and commit the guide")
    for item in solutions(notebooks, lang):
        assert f"**`{item.exercise}`**" in section


def test_the_generated_sections_ask_the_same_exercises_in_the_same_order():
    english, french = (solutions(GUIDES[lang][1], lang) for lang in ("en", "fr"))
    assert [(s.exercise, s.check, s.where) for s in french] == [(s.exercise, s.check, s.where) for s in english]


def test_the_french_section_is_french_and_its_links_work_from_docs():
    """Its questions and formats come from the catalogue in French, and the English comes back after; the
    answers' links (written for notebooks/fr/) lead to files that exist, from docs/."""
    from pkilesson.i18n import language

    section = markdown(GUIDES["fr"][1], "fr")
    assert language() == "en"
    assert "- La question que pose la vérification : Quels bits keyUsage" in section
    assert "The check's question" not in section and "- Le corrigé" in section
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", section):
        assert (ROOT / "docs" / target).resolve().exists(), f"a link of the French section leads nowhere: {target}"


# -- the French guide, twin of the English one -------------------------------------------------------------------


def test_the_french_guide_has_the_english_guides_command_blocks():
    """Commands and code stay as they are: every fenced block, in the same order."""
    english, french = (_COMMAND_BLOCK.findall(GUIDES[lang][0].read_text(encoding="utf-8")) for lang in ("en", "fr"))
    assert english, "the English guide has no command block"
    assert french == english


def test_the_french_guide_names_the_english_guides_sections_in_the_same_order():
    """A heading is matched to its twin by its place in the notebook: the French notebooks have the English ones'
    headings, one for one."""
    places = {}
    for lang in ("en", "fr"):
        headings = _headings(GUIDES[lang][1])
        places[lang] = [(lesson, headings[lesson].index(heading)) for lesson, heading in _named(lang)]
    english_headings, french_headings = _headings(GUIDES["en"][1]), _headings(GUIDES["fr"][1])
    assert [len(h) for h in french_headings.values()] == [len(h) for h in english_headings.values()]
    assert places["fr"] == places["en"]


def test_the_french_guide_speaks_the_glossarys_words_with_french_spacing():
    """In its hand-written part (the generated one quotes the catalogue and the notebooks, which their own tests
    check); and no U+00A0 or U+202F anywhere."""
    text = GUIDES["fr"][0].read_text(encoding="utf-8")
    assert forbidden_in(prose(_prose("fr"))) == []
    ours = re.sub(r"```.*?```|`[^`\n]*`|<!--.*?-->|\]\([^)\s]*\)", " ", _prose("fr"), flags=re.S)
    assert spacing_problems(ours) == []
    assert not set(text) & {"\u00a0", "\u202f"}
