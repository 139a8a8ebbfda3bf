"""The break-it lab's widget and quiz, driven headlessly."""

from __future__ import annotations

import html

from pkilesson.lessons.exercises import check
from pkilesson.lessons.widgets import BreakItPanel


def test_panel_shows_matrix_field_and_chain(openssl_cli):
    panel = BreakItPanel("ca-no-key-usage")
    assert panel.matrix.cell("openssl").accepted is True and panel.matrix.cell("pyca").accepted is False
    assert "CA cert does not include key usage extension" in html.unescape(panel.matrix_view.value)
    assert 'class="chosen"' in panel.field_view.value and "<svg" in panel.diagram_view.value
    assert "basicConstraints (critical)" in panel.field_view.value  # the CA's extensions, keyUsage absent
    assert "keyUsage (" not in panel.field_view.value
    assert "edge check-failed" in html.unescape(panel.diagram_view.value)  # the failed keyCertSign link, in red
    panel.picker.value = "none"
    panel.button.click()
    assert panel.matrix.cell("pyca").accepted is True
    assert "Nothing is wrong" in panel.field_view.value
    assert "check-failed" not in html.unescape(panel.diagram_view.value)


def test_panel_without_a_chain(openssl_cli):
    panel = BreakItPanel("other-ca")
    assert "No chain could be built" in panel.diagram_view.value
    assert "tbsCertificate.issuer" in panel.field_view.value
    assert "<th>Issuer</th>" in panel.field_view.value  # the field at fault, its value and meaning, above its bytes


def test_predict_the_verdict(openssl_cli):
    right = check("04.predict", {"openssl": True, "openssl-strict": False, "pyca": False}, defect="ca-no-key-usage")
    assert right.correct and "CA without keyUsage" in right.why
    wrong = check("04.predict", {"openssl": False}, defect="ca-no-key-usage")
    assert not wrong.correct and "openssl accepts" in wrong.why
    assert not check("04.predict", {"nonsense": True}).correct
    assert not check("04.predict", "yes").correct
