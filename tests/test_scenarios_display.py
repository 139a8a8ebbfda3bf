"""Lesson 05's handshake tables (issue #12): one full message list per kind of handshake, then only what
differs; every table the same widths; every verdict a word and a sign, not only a colour."""

from __future__ import annotations

import re

import pytest

from pkilesson import Settings, make_artifacts
from pkilesson.lessons import scenarios
from pkilesson.lessons.scenarios import both_sides, run_scenario


@pytest.fixture(scope="module")
def lab():
    return make_artifacts(Settings(key_type="p256"))


@pytest.fixture
def fresh():
    """A fresh kernel: no handshake shown yet."""
    saved = dict(scenarios._REFERENCES)
    scenarios._REFERENCES.clear()
    yield
    scenarios._REFERENCES.clear()
    scenarios._REFERENCES.update(saved)


def listed(page: str) -> list[list[str]]:
    """The messages listed outside the folds, per side: [client's, server's]."""
    cells = re.search(r"<th[^>]*>messages<br>.*?</th>(.*)</tr>", page, re.S).group(1)
    sides = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
    return [re.findall(r"<li>(.*?)</li>", re.sub(r"<details>.*?</details>", "", side, flags=re.S)) for side in sides]


def test_the_first_accepted_handshake_lists_every_message_and_later_ones_what_differs(lab, fresh):
    first = both_sides(run_scenario("success", lab))._repr_html_()
    client, server = listed(first)
    assert len(client) == len(server) >= 10 and "<details>" not in first  # the whole list, once
    expired = both_sides(run_scenario("expired", lab))._repr_html_()
    client, server = listed(expired)
    assert len(client) <= 3 and len(server) <= 3  # only what differs...
    assert re.search(r"1 to \d+: as in the accepted handshake shown first, then:", expired)
    assert "certificate_expired" in server[-1] and "✗" in server[-1]
    assert re.findall(r"<summary>all (\d+) messages</summary>", expired)  # ...the whole list folded
    again = both_sides(run_scenario("success", lab))._repr_html_()
    assert listed(again) == [[], []] and "the same" in again and "messages as the accepted handshake shown first" in again


def test_another_kind_of_handshake_has_its_own_full_list(lab, fresh):
    both_sides(run_scenario("success", lab))._repr_html_()
    without = both_sides(run_scenario("not-required", lab))._repr_html_()  # no client certificate asked for
    client, server = listed(without)
    assert len(client) >= 8 and "<details>" not in without


def test_every_table_has_the_same_column_widths_and_words_for_its_verdicts(lab, fresh):
    for name in ("success", "wrong-host"):
        page = both_sides(run_scenario(name, lab))._repr_html_()
        assert "table-layout: fixed; width: 100%" in page and '<col style="width: 10em">' in page
        verdict = re.search(r"<th[^>]*>verdict</th>(.*?)</tr>", page, re.S).group(1)
        assert ("✓ accepted" in verdict) == (name == "success") and ("✗ refused" in verdict) == (name != "success")
