"""The break-it lab's defects: each made live, and what pyca/cryptography's explained verdict says."""

from __future__ import annotations

import pytest
from cryptography import x509

from pkilesson import PkiLessonError
from pkilesson.verify.defects import DEFECTS, differences, make_defect
from pkilesson.verify.explain import explain

from conftest import NOW

#: defect -> (valid for pyca/cryptography?, the check pyca/cryptography refused on)
EXPECTED = {
    "none": (True, None),
    "no-san": (False, "host_name"),
    "same-subject": (True, None),  # with the control's AKI and SKI, the name clash alone passes
    "reused-serial": (True, None),  # no verifier sees it: it breaks revocation (one serial, two certificates)
    "v1-leaf": (False, "version"),  # "certificate must be an X509v3 certificate"
    "ca-no-key-usage": (False, "key_usage"),
    "client-as-server": (False, "eku"),
    "missing-eku": (True, None),  # RFC 5280: no EKU means any purpose
    "expired": (False, "validity"),
    "not-yet-valid": (False, "validity"),
    "other-ca": (False, "issuer_found"),
    "flipped-signature": (False, "signature"),
    "missing-intermediate": (False, "issuer_found"),
}


def test_every_defect_has_an_expectation():
    assert set(EXPECTED) == set(DEFECTS)


@pytest.mark.parametrize("name", list(DEFECTS))
def test_defect_verdicts(name):
    broken = make_defect(name, now=NOW)
    assert broken.purpose == "server"
    report = explain(broken.leaf, list(broken.roots), host=broken.host, intermediates=list(broken.intermediates),
                     now=broken.at)
    valid, first = EXPECTED[name]
    assert report.valid is valid, report
    assert (report.first_failure.name if report.first_failure else None) == first
    assert broken.title and broken.what and (broken.fix or name == "none")


@pytest.mark.parametrize("name", list(DEFECTS))
def test_one_defect_at_a_time(name):
    """Each defect differs from its control in exactly what DEFECTS says, and the control is valid everywhere."""
    broken = make_defect(name, now=NOW)
    assert differences(broken) == DEFECTS[name].differs, differences(broken)
    control = broken.control or broken
    assert control.defect == "none" and differences(control) == ()
    assert explain(control.leaf, list(control.roots), host=control.host, intermediates=list(control.intermediates),
                   now=control.at).valid
    if name != "none":  # the same keys: the defect's leaf key is the control's
        assert broken.key is control.key
        assert broken.leaf.public_key() == control.leaf.public_key()


def test_differences_sees_every_field():
    """The comparison itself: a changed field is seen, the same certificate shows none."""
    control = make_defect("none", now=NOW)
    assert differences(control, control) == ()
    broken = make_defect("ca-no-key-usage", now=NOW)
    assert differences(broken, broken.control) == ("trusted: extensions.keyUsage",)
    assert "leaf: version" in differences(make_defect("v1-leaf", now=NOW))


def test_v1_leaf_is_version_1_with_no_extension():
    broken = make_defect("v1-leaf", now=NOW)
    assert broken.leaf.version == x509.Version.v1 and len(broken.leaf.extensions) == 0
    assert broken.leaf.serial_number == broken.control.leaf.serial_number
    assert broken.leaf.subject == broken.control.leaf.subject
    # signed again by the control's CA: its signature verifies with the CA's key
    from pkilesson.decoding._facts import signed_with

    assert signed_with(broken.leaf, broken.roots[0].public_key())


def test_v1_leaf_passes_openssl_strict(openssl_cli, tmp_path):
    """Under a correct CA a version 1 leaf passes strict openssl verify (the CN stands in for the name)."""
    import subprocess

    from pkilesson.verify.matrix import write_lab_files

    write_lab_files(make_defect("v1-leaf"), tmp_path / "lab")
    done = subprocess.run(["openssl", "verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname",
                           "localhost", "-CAfile", "ca-cert.pem", "leaf-cert.pem"], cwd=tmp_path / "lab",
                          capture_output=True, text=True)
    assert done.returncode == 0 and "leaf-cert.pem: OK" in done.stdout, done.stdout + done.stderr


def test_reused_serial_shows_two_certificates_with_one_serial():
    broken = make_defect("reused-serial", now=NOW)
    (other,) = broken.others
    assert broken.leaf.serial_number == other.serial_number == 1
    assert broken.leaf.issuer == other.issuer and broken.leaf != other


def test_missing_intermediate_then_given():
    broken = make_defect("missing-intermediate", now=NOW)
    assert broken.intermediates == () and broken.control.intermediates == (broken.issuer,)
    report = explain(broken.leaf, list(broken.roots), host="localhost", intermediates=[broken.issuer], now=broken.at)
    assert report.valid


def test_unknown_defect():
    with pytest.raises(PkiLessonError, match="no defect 'typo'"):
        make_defect("typo")
