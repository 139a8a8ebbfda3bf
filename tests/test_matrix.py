"""The break-it lab's verdict matrix: for each defect, each checker's verdict, computed live.

A checker missing from the machine is skipped (its cell says "not run"), never faked; under CI
(PKILESSON_REQUIRE_TOOLS=1) the openssl CLI must be there.
"""

from __future__ import annotations

import html as html_lib

import pytest

from pkilesson.defects import DEFECTS, make_defect
from pkilesson.matrix import _DEFAULT_STRICT, CHECKERS, verdict_matrix

A, R = True, False  # accepts, refuses
#: defect -> verdicts of openssl, openssl -x509_strict (with -purpose and -verify_hostname),
#: Python ssl with VERIFY_X509_STRICT, pyca/cryptography, pkilint; and Python ssl's non-strict context.
EXPECTED = {
    #                        openssl strict  py-strict pyca  pkilint py-relaxed
    "none":                 (A,      A,      A,        A,    A,      A),
    "no-san":               (A,      A,      A,        R,    A,      A),  # OpenSSL and ssl fall back to the CN
    "same-subject":         (R,      R,      R,        R,    R,      R),  # error 18: self-signed certificate
    "reused-serial":        (A,      A,      A,        A,    A,      A),  # one certificate at a time: no one sees it
    "v1-leaf":              (A,      R,      R,        R,    R,      A),
    "ca-no-key-usage":      (A,      R,      R,        R,    R,      A),
    "client-as-server":     (A,      R,      R,        R,    A,      R),  # ssl's client checks the SSL server purpose
    "missing-eku":          (A,      A,      A,        A,    A,      A),  # no EKU: any purpose (RFC 5280)
    "expired":              (R,      R,      R,        R,    A,      R),
    "not-yet-valid":        (R,      R,      R,        R,    A,      R),
    "other-ca":             (R,      R,      R,        R,    R,      R),
    "flipped-signature":    (R,      R,      R,        R,    R,      R),
    "missing-intermediate": (R,      R,      R,        R,    A,      R),
}


def test_every_defect_is_in_the_table():
    assert set(EXPECTED) == set(DEFECTS) and list(CHECKERS)[0] == "openssl"


@pytest.mark.parametrize("name", list(DEFECTS))
def test_each_checker_s_verdict(openssl_cli, name):
    matrix = verdict_matrix(make_defect(name))
    openssl, strict, py_strict, pyca, pkilint, py_relaxed = EXPECTED[name]
    assert matrix.cell("openssl").accepted is openssl, matrix
    assert matrix.cell("openssl-strict").accepted is strict, matrix
    assert matrix.cell("python-ssl-strict").accepted is py_strict, matrix
    assert matrix.cell("python-ssl").accepted is (py_strict if _DEFAULT_STRICT else py_relaxed), matrix
    assert matrix.cell("pyca").accepted is pyca, matrix
    assert matrix.cell("pkilint").accepted is pkilint, matrix
    assert matrix.explanation.valid is pyca
    html = matrix._repr_html_()
    assert html.count("<tr>") == len(CHECKERS) + 1 and html_lib.escape(matrix.broken.title) in html


def test_what_the_checkers_say(openssl_cli):
    ca = verdict_matrix(make_defect("ca-no-key-usage"))
    assert ca.cell("openssl-strict").detail == "error 92 at 1 depth lookup: CA cert does not include key usage extension"
    assert ca.cell("python-ssl-strict").detail == "certificate verify failed: CA cert does not include key usage extension"
    assert ca.cell("pyca").detail == "key_usage: no keyUsage extension"
    assert "pkix.ca_certificate_no_ku_extension" in ca.cell("pkilint").detail
    same = verdict_matrix(make_defect("same-subject"))
    assert same.cell("openssl").detail.startswith("error 18 at 0 depth lookup: self-signed certificate")


def test_without_openssl_the_cells_say_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    matrix = verdict_matrix(make_defect("no-san"))
    assert matrix.cell("openssl").accepted is None and "not installed" in matrix.cell("openssl").detail
    assert matrix.cell("pyca").accepted is False


def test_python_ssl_only_runs_at_the_real_time(openssl_cli):
    import datetime as dt

    matrix = verdict_matrix(make_defect("none", now=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)))
    assert matrix.cell("python-ssl").accepted is None and "real time" in matrix.cell("python-ssl").detail
    assert matrix.cell("openssl").accepted is True  # openssl verify -attime
