"""The break-it lab's defects: each made live, and what pyca/cryptography's explained verdict says."""

from __future__ import annotations

import pytest
from cryptography import x509

from pkilesson import PkiLessonError
from pkilesson.defects import DEFECTS, make_defect
from pkilesson.explain import explain

from conftest import NOW

#: defect -> (valid for pyca/cryptography?, first failed check of the explanation)
EXPECTED = {
    "none": (True, None),
    "no-san": (False, "host_name"),
    "same-subject": (False, "required_extensions"),  # no AKI, as the source's leaves
    "reused-serial": (True, None),  # no verifier sees it: it breaks revocation (one serial, two certificates)
    "v1-leaf": (False, "key_usage"),  # the source's CA lacks keyUsage; the leaf is v1 too
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


@pytest.mark.parametrize("name", [n for n in DEFECTS if n != "v1-leaf"])
def test_defect_verdicts(name):
    broken = make_defect(name, now=NOW)
    assert broken.purpose == "server"
    report = explain(broken.leaf, list(broken.roots), host=broken.host, intermediates=list(broken.intermediates),
                     now=broken.at)
    valid, first = EXPECTED[name]
    assert report.valid is valid, report
    assert (report.first_failure.name if report.first_failure else None) == first
    assert broken.title and broken.what and (broken.fix or name == "none")


def test_v1_leaf_from_the_real_openssl(openssl_cli, tmp_path):
    broken = make_defect("v1-leaf", now=NOW, folder=tmp_path)
    assert broken.origin == "the source's openssl commands, run here" and broken.key is not None
    report = explain(broken.leaf, list(broken.roots), host="localhost", now=broken.at)
    assert not report.valid and report.first_failure.name == "key_usage"


def test_v1_leaf_from_the_shipped_files(monkeypatch, tmp_path):
    """Without the openssl CLI, the lab uses the files OpenSSL 3.0 made (lesson material)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    broken = make_defect("v1-leaf", now=NOW)
    assert broken.origin.startswith("files shipped with pkilesson") and broken.key is None
    assert broken.leaf.version == x509.Version.v1 and len(broken.leaf.extensions) == 0
    report = explain(broken.leaf, list(broken.roots), host="localhost", now=broken.at)
    failed = {c.name for c in report.checks if c.passed is False}
    assert {"key_usage", "version", "host_name"} <= failed


def test_reused_serial_shows_two_certificates_with_one_serial():
    broken = make_defect("reused-serial", now=NOW)
    (other,) = broken.others
    assert broken.leaf.serial_number == other.serial_number == 1
    assert broken.leaf.issuer == other.issuer and broken.leaf != other


def test_missing_intermediate_then_given():
    broken = make_defect("missing-intermediate", now=NOW)
    report = explain(broken.leaf, list(broken.roots), host="localhost", intermediates=list(broken.others), now=broken.at)
    assert report.valid


def test_unknown_defect():
    with pytest.raises(PkiLessonError, match="no defect 'typo'"):
        make_defect("typo")
