"""The break-it lab's verdict matrix: for each defect, each checker's verdict, computed live, in its own words.

A checker missing from the machine is skipped (its cell says "not run"), never faked; under CI
(PKILESSON_REQUIRE_TOOLS=1) the openssl CLI must be there.
"""

from __future__ import annotations

import html as html_lib
import ssl

import pytest

from pkilesson.defects import DEFECTS, make_defect
from pkilesson.matrix import CHECKERS, verdict_matrix

#: Is the running Python's default context strict (3.13+ with OpenSSL 3)? Then "python-ssl" is strict too.
DEFAULT_STRICT = bool(ssl.create_default_context().verify_flags & ssl.VERIFY_X509_STRICT)

A, R = True, False  # accepts, refuses
#: defect -> verdicts of openssl, openssl -x509_strict (with -purpose and -verify_hostname),
#: Python ssl with VERIFY_X509_STRICT, pyca/cryptography, pkilint; and a Python ssl context without it.
#: Each defect differs from the control in one field only (tests/test_defects.py), so each row is that field's.
EXPECTED = {
    #                        openssl strict  py-strict pyca  pkilint py-relaxed
    "none":                 (A,      A,      A,        A,    A,      A),
    "no-san":               (A,      A,      A,        R,    A,      A),  # OpenSSL and ssl fall back to the CN
    "same-subject":         (A,      A,      A,        A,    A,      A),  # with AKI and SKI: no error 18
    "reused-serial":        (A,      A,      A,        A,    A,      A),  # one certificate at a time: no one sees it
    "v1-leaf":              (A,      A,      A,        R,    R,      A),  # under a correct CA only pyca and pkilint
    "ca-no-key-usage":      (A,      R,      R,        R,    R,      A),
    "client-as-server":     (A,      R,      R,        R,    A,      R),  # ssl's client checks the SSL server purpose
    "missing-eku":          (A,      A,      A,        A,    A,      A),  # no EKU: any purpose (RFC 5280)
    "expired":              (R,      R,      R,        R,    A,      R),
    "not-yet-valid":        (R,      R,      R,        R,    A,      R),
    "other-ca":             (R,      R,      R,        R,    R,      R),  # pkilint: the pair does not match
    "flipped-signature":    (R,      R,      R,        R,    R,      R),
    "missing-intermediate": (R,      R,      R,        R,    R,      R),  # pkilint: the pair does not match
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
    # python-ssl is ssl.create_default_context() of the running Python: strict on 3.13, not on 3.11.
    assert matrix.cell("python-ssl").accepted is (py_strict if DEFAULT_STRICT else py_relaxed), matrix
    assert matrix.cell("pyca").accepted is pyca, matrix
    assert matrix.cell("pkilint").accepted is pkilint, matrix
    assert matrix.explanation.valid is pyca
    for cell in matrix.cells:  # each cell names its tool, its version and what ran; never an object dump
        assert cell.version and cell.command and cell.words, cell
        assert "encountered processing" not in cell.words and "<Certificate" not in cell.words, cell
    html = matrix._repr_html_()
    assert html.count("<tr>") == len(CHECKERS) + 1 and html_lib.escape(matrix.broken.title) in html
    assert "(ours)" in html and "its own words" in html


def test_what_the_checkers_say(openssl_cli):
    """Each cell quotes its tool: OpenSSL's error line, Python's exception, pyca's message, pkilint's codes."""
    import cryptography

    ca = verdict_matrix(make_defect("ca-no-key-usage"))
    assert ca.cell("openssl-strict").words == "error 92 at 1 depth lookup: CA cert does not include key usage extension"
    assert ca.cell("openssl-strict").version.startswith("OpenSSL ")
    assert ca.cell("python-ssl-strict").words.startswith(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: CA cert does not include key usage extension")
    assert ca.cell("python-ssl-strict").version.startswith("Python ") and ssl.OPENSSL_VERSION in \
        ca.cell("python-ssl-strict").version
    assert ca.cell("pyca").words == ("validation failed: candidates exhausted: invalid extension: 2.5.29.15: "
                                     "Certificate is missing required extension")
    assert ca.cell("pyca").version == f"pyca/cryptography {cryptography.__version__}"
    assert ca.explanation.first_failure.name == "key_usage"
    assert ca.cell("pkilint").words.startswith("pkix.ca_certificate_no_ku_extension (ERROR)")
    v1 = verdict_matrix(make_defect("v1-leaf"))
    assert v1.cell("pyca").words == "validation failed: certificate must be an X509v3 certificate"
    # pkilesson's explanation names the check pyca refused on first, then the others.
    assert v1.explanation.first_failure.name == "version"
    assert "refused on the check version" in str(v1) and "also failed: host_name" in str(v1)


def test_without_openssl_the_cells_say_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    matrix = verdict_matrix(make_defect("no-san"))
    assert matrix.cell("openssl").accepted is None and "not installed" in matrix.cell("openssl").words
    assert matrix.cell("pyca").accepted is False


def test_python_ssl_only_runs_at_the_real_time(openssl_cli):
    import datetime as dt

    matrix = verdict_matrix(make_defect("none", now=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)))
    assert matrix.cell("python-ssl").accepted is None and "real time" in matrix.cell("python-ssl").words
    assert matrix.cell("openssl").accepted is True  # openssl verify -attime
