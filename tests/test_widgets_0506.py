"""Lesson 05's scenario panel, driven headlessly: pick a scenario, press Run, read both sides' reports.

Each click runs a real handshake on 127.0.0.1 (real clock).
"""

from __future__ import annotations

import html

import pytest

from pkilesson import PkiLessonError, Settings, make_artifacts
from pkilesson.lessons.scenarios import SCENARIOS
from pkilesson.lessons.widgets import ScenarioPanel


@pytest.fixture(scope="module")
def lab():
    return make_artifacts(Settings(key_type="p256"))


def test_the_default_scenario_runs_without_a_click(lab):
    panel = ScenarioPanel(lab)
    assert panel.scenario.value == "success" and panel.report.ok
    assert [value for _, value in panel.scenario.options] == list(SCENARIOS)
    page = html.unescape(panel.view.value)
    assert "accepted by both sides (TLSv1.3" in page and "→ CertificateVerify" in page
    assert "both sides accept" in panel.status.value
    assert "PRIVATE KEY-----" not in panel.view.value + panel.status.value


@pytest.mark.parametrize("name, who, alert", [
    ("no-client-certificate", "server", "certificate_required"),
    ("expired", "server", "certificate_expired"),
    ("wrong-host", "client", "bad_certificate"),
    ("revoked", "server", "certificate_revoked"),
])
def test_choosing_a_scenario_and_pressing_run_updates_the_views(lab, name, who, alert):
    panel = ScenarioPanel(lab)
    before = panel.report
    panel.scenario.value = name
    assert panel.report is before  # choosing alone runs nothing: the button does
    panel.button.click()
    assert panel.report is not before and not panel.report.ok
    page = html.unescape(panel.view.value)
    assert f"refused by the {who}" in page and f"Alert {alert} (fatal)" in page
    assert html.escape(SCENARIOS[name].title) in panel.status.value


def test_an_error_shows_in_the_panel_not_as_a_traceback(lab, monkeypatch):
    import pkilesson.lessons.scenarios as scenarios

    panel = ScenarioPanel(lab)

    def broken(name, artifacts):
        raise PkiLessonError("The server's files do not load.", "make them again.")

    monkeypatch.setattr(scenarios, "run_scenario", broken)
    panel.button.click()
    assert "pkilesson-error" in panel.status.value and "make them again." in panel.status.value
    assert panel.view.value == ""


def test_unknown_start(lab):
    with pytest.raises(PkiLessonError, match="no scenario"):
        ScenarioPanel(lab, start="nope")


# -- lesson 06: the chain panel --------------------------------------------------------------------


@pytest.fixture(scope="module")
def hierarchy():
    from pkilesson.pki.hierarchy import make_hierarchy

    return make_hierarchy()


def test_chain_panel_defaults_to_the_chain_file_and_the_root(hierarchy):
    from pkilesson.lessons.widgets import ChainPanel

    panel = ChainPanel(hierarchy)
    assert {p: box.value for p, box in panel.sends.items()} == {"intermediate": True, "root": False}
    assert {p: box.value for p, box in panel.trusts.items()} == {"intermediate": False, "root": True}
    assert panel.report.ok and "accepted by both sides" in html.unescape(panel.view.value)
    assert "server-cert.pem, intermediate-cert.pem" in panel.status.value


@pytest.mark.parametrize("sends, trusts, error", [
    ((), ("root",), "unable to get local issuer certificate"),
    (("intermediate", "root"), ("intermediate",), "unable to get issuer certificate"),
    (("root",), ("root",), "unable to get local issuer certificate"),
])
def test_chain_panel_refusals(hierarchy, sends, trusts, error):
    from pkilesson.lessons.widgets import ChainPanel

    panel = ChainPanel(hierarchy)
    for part, box in panel.sends.items():
        box.value = part in sends
    for part, box in panel.trusts.items():
        box.value = part in trusts
    panel.button.click()
    assert not panel.report.ok and panel.report.client.error == f"certificate verify failed: {error}"
    assert "refused by the client" in html.unescape(panel.view.value)


def test_chain_panel_trusting_nothing_is_an_error_in_the_panel(hierarchy):
    from pkilesson.lessons.widgets import ChainPanel

    panel = ChainPanel(hierarchy)
    panel.trusts["root"].value = False
    panel.button.click()
    assert "pkilesson-error" in panel.status.value and "trusts nothing" in panel.status.value
    assert panel.view.value == "" and panel.report.ok  # the last report is kept
