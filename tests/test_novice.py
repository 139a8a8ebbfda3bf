"""A novice's path (issue #19): every term explained before it is needed, expert talk folded away.

The lessons are read in order, 00 to the last; each also runs on its own, so each explains (or links
to docs/glossary.md) every term the first time *it* uses it. The main path of each lesson (its
Markdown less the <details> blocks) has at most 10% of its words in expert sentences
(pkilesson.lessons.prose.EXPERT says what counts).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pkilesson.lessons.glossary import TERMS, anchor, first_uses
from pkilesson.lessons.prose import prose_report

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
GLOSSARY = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")


def test_every_term_has_an_entry_in_the_glossary():
    headings = re.findall(r"^## (.+)$", GLOSSARY, re.M)
    assert sorted(headings) == sorted(TERMS)
    for heading in headings:  # two or three plain sentences each
        body = GLOSSARY.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", body.strip()) if s]
        assert 1 <= len(sentences) <= 4, (heading, sentences)


def test_no_term_is_used_before_it_is_explained_in_lesson_order():
    missing = [str(use) for use in first_uses(LESSONS) if not use.explained]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_each_lesson_explains_its_terms_on_its_own(lesson):
    missing = [str(use) for use in first_uses([lesson]) if not use.explained]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_the_main_path_has_at_most_ten_percent_expert_prose(lesson):
    report = prose_report(lesson)
    assert report.expert_share <= 0.10, f"{report}:\n" + "\n".join(f"- {s}" for s in report.sentences)


def test_glossary_links_point_at_real_entries():
    anchors = {anchor(term) for term in TERMS}
    for lesson in LESSONS:
        text = lesson.read_text(encoding="utf-8")
        for target in re.findall(r"glossary\.md#([\w-]+)", text):
            assert target in anchors, (lesson.name, target)
