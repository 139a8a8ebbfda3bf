"""The widget panels, driven headlessly: change a value, press the button, check the new artifact and views."""

from __future__ import annotations

import html

import pytest
from cryptography import x509

from pkilesson import PkiLessonError, key_type_of
from pkilesson.lessons.lesson import DEFAULT_CHOICES, Choices, make_step, prepare
from pkilesson.lessons.widgets import StepPanel, VerifyPanel

from conftest import NOW


@pytest.fixture(scope="module")
def ca():
    return make_step(1, Choices(key_type="p256", common_name="Lab CA", days=3650), now=NOW).ca


def test_defaults_fill_every_view_without_a_click():
    panel = StepPanel(1, now=NOW)
    assert panel.result.choices == DEFAULT_CHOICES[1]
    assert "pkilesson Root CA" in panel.decoded_view.value
    assert panel.diagram_view.value.startswith('<div class="pkilesson-diagram"') and "<?xml" not in panel.diagram_view.value
    assert "<svg" in panel.diagram_view.value and "ca-cert.pem" in html.unescape(panel.diagram_view.value)
    assert panel.field.value == "tbsCertificate.version"
    assert 'class="chosen"' in panel.bytes_view.value  # the chosen field's bytes are marked
    assert "PRIVATE KEY-----" not in panel.decoded_view.value + panel.diagram_view.value + panel.bytes_view.value


def test_changing_key_type_and_subject_regenerates(ca):
    panel = StepPanel(1, now=NOW)
    before = panel.result.certificate
    panel.controls["key_type"].value = "p384"
    panel.controls["common_name"].value = "Classroom CA"
    panel.button.click()
    assert panel.result.certificate != before
    assert key_type_of(panel.result.key) == "p384"
    assert panel.result.certificate.subject.rfc4514_string() == "CN=Classroom CA,O=pkilesson,C=FR"
    assert "Classroom CA" in panel.decoded_view.value and "Classroom CA" in html.unescape(panel.diagram_view.value)
    assert "P-384" in panel.decoded_view.value or "secp384r1" in panel.decoded_view.value


def test_fixed_serial_like_the_source(ca):
    panel = StepPanel(2, ca=ca, now=NOW)
    panel.controls["serial_mode"].value = "fixed"
    panel.controls["serial"].value = 1
    panel.button.click()
    assert panel.result.certificate.serial_number == 1
    panel.controls["serial_mode"].value = "random"
    panel.button.click()
    assert panel.result.certificate.serial_number.bit_length() > 64


def test_server_sans_and_validity(ca):
    panel = StepPanel(2, ca=ca, now=NOW)
    panel.controls["sans"].value = "server.example, 10.0.0.1"
    panel.controls["days"].value = 30
    panel.button.click()
    sans = panel.result.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(n.value) for n in sans] == ["server.example", "10.0.0.1"]
    certificate = panel.result.certificate
    assert (certificate.not_valid_after_utc - certificate.not_valid_before_utc).days == 30
    assert "server.example" in html.unescape(panel.diagram_view.value)


@pytest.mark.parametrize(
    "control, value, message",
    [("common_name", "", "empty"), ("sans", "bad_name", "underscores"), ("sans", "", "needs a subjectAltName"),
     ("country", "FRA", "two letters"), ("days", 5000, "outlive its CA")],
)
def test_bad_choice_shows_one_clear_error_and_keeps_the_last_result(ca, control, value, message):
    panel = StepPanel(2, ca=ca, now=NOW)
    kept = panel.result
    panel.controls[control].value = value
    panel.button.click()
    assert message in panel.status.value and "Fix:" in panel.status.value
    assert "Traceback" not in panel.status.value
    assert "leave the field out" not in panel.status.value  # a box of the panel cannot be left out
    assert panel.result is kept
    # The views of the last good result stay, greyed, and say in words that they were not updated.
    for view in (panel.diagram_view, panel.decoded_view, panel.bytes_view):
        assert view.value.startswith('<div class="pkilesson-stale">') and "✗ Not updated" in view.value
    panel.controls[control].value = {"days": 30, "sans": "localhost"}.get(control, "localhost" if control != "country" else "FR")
    panel.button.click()
    assert panel.result is not kept and "pkilesson-stale" not in panel.diagram_view.value + panel.decoded_view.value


def test_choosing_a_field_highlights_its_bytes(ca):
    panel = StepPanel(3, ca=ca, now=NOW)
    first = panel.bytes_view.value
    panel.field.value = "tbsCertificate.validity.notAfter"
    assert panel.bytes_view.value != first
    assert panel.bytes_view.value == panel.decoded.highlight("tbsCertificate.validity.notAfter")


def test_panels_refuse_bad_setup():
    with pytest.raises(PkiLessonError, match="no step 4 panel"):
        StepPanel(4)
    with pytest.raises(PkiLessonError, match="needs the CA"):
        StepPanel(2)


def test_verify_panel(tmp_path):
    prepared = prepare(4, tmp_path / "lab")
    panel = VerifyPanel(prepared.items)
    assert "valid for server localhost" in panel.status.value and "<svg" in panel.diagram_view.value
    panel.controls["host"].value = "other.example"
    panel.button.click()
    assert "✗ server-cert.pem" in panel.status.value and "invalid for server other.example" in panel.status.value
    panel.controls["which"].value = "client"
    panel.controls["days_later"].value = 400
    panel.button.click()
    assert "invalid for client" in panel.status.value and not panel.verdict.valid
    panel.controls["days_later"].value = 0
    panel.button.click()
    assert panel.verdict.valid
    assert panel.status.value.count("✗") == 0 and "✓ client-cert.pem" in panel.status.value
    panel.controls["which"].value = "server"
    panel.controls["host"].value = "bad_name"
    panel.button.click()
    assert "underscores" in panel.status.value and "✗ Not updated" in panel.diagram_view.value


def test_panel_displays_as_a_widget(ca):
    bundle = StepPanel(2, ca=ca, now=NOW)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
