"""The break-it lab's verdict matrix: for each defect, each checker's verdict, computed live, in its own words.

A checker missing from the machine is skipped (its cell says "not run" and how to install it), never
faked; under CI (PKILESSON_REQUIRE_TOOLS=1) the openssl CLI, GnuTLS's and NSS's tools, go and chromium
must be there. Each defect's matrix is made once and shared by the tests of this module.
"""

from __future__ import annotations

import functools
import html as html_lib
import ssl

import pytest

from conftest import require_tool
from pkilesson.verify.defects import DEFECTS, make_defect
from pkilesson.verify.matrix import CHECKERS, PACKAGES, verdict_matrix


@functools.lru_cache(maxsize=None)
def matrix_of(name: str):
    """The live matrix of defect ``name``, made once per test run (each costs about a second)."""
    return verdict_matrix(make_defect(name))

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


#: defect -> verdicts of the other stacks: GnuTLS's certtool, gnutls-cli (a handshake), NSS's vfychain,
#: Go's crypto/x509, Chromium (a navigation). Measured live; the disagreements are the lesson.
STACKS = {
    #                        certtool gnutls-cli nss  go  chromium
    "none":                 (A,       A,         A,   A,  A),
    "no-san":               (A,       A,         A,   R,  R),  # GnuTLS falls back to the CN; NSS checks no name
    "same-subject":         (A,       A,         A,   A,  A),
    "reused-serial":        (A,       A,         A,   A,  A),
    "v1-leaf":              (A,       A,         A,   R,  R),  # Go and Chromium: no SAN, no CN fallback
    "ca-no-key-usage":      (A,       A,         A,   A,  A),  # none of them requires the CA's keyUsage
    "client-as-server":     (R,       R,         R,   R,  R),
    "missing-eku":          (A,       A,         A,   A,  A),
    "expired":              (R,       R,         R,   R,  R),
    "not-yet-valid":        (R,       R,         R,   R,  R),
    "other-ca":             (R,       R,         R,   R,  R),
    "flipped-signature":    (R,       R,         R,   R,  R),
    "missing-intermediate": (R,       R,         R,   R,  R),
}
#: Each stack's words on the defects where it refuses, as it says them (a part of them).
STACK_WORDS = {
    ("no-san", "go"): "x509: certificate relies on legacy Common Name field, use SANs instead",
    ("no-san", "chromium"): "net::ERR_CERT_COMMON_NAME_INVALID",
    ("v1-leaf", "chromium"): "net::ERR_CERT_COMMON_NAME_INVALID",
    ("client-as-server", "gnutls"): "The certificate chain does not match the intended purpose.",
    ("client-as-server", "gnutls-cli"): "- Status: The certificate is NOT trusted. The certificate chain does not "
                                        "match the intended purpose.",
    ("client-as-server", "nss"): "ERROR -8101: Certificate type not approved for application.",
    ("client-as-server", "go"): "x509: certificate specifies an incompatible key usage",
    ("client-as-server", "chromium"): "net::ERR_CERT_INVALID",
    ("expired", "chromium"): "net::ERR_CERT_DATE_INVALID",
    ("not-yet-valid", "nss"): "ERROR -8181: Peer's Certificate has expired.",  # NSS's one error for both
    ("other-ca", "chromium"): "net::ERR_CERT_AUTHORITY_INVALID",
    ("other-ca", "nss"): "ERROR -8179: Peer's Certificate issuer is not recognized.",
}
NEW = ("gnutls", "gnutls-cli", "nss", "go", "chromium")
#: The commands each new column needs, and their Debian package.
TOOLS = {"certtool": "gnutls-bin", "gnutls-cli": "gnutls-bin", "vfychain": "libnss3-tools",
         "certutil": "libnss3-tools", "pk12util": "libnss3-tools", "go": "golang-go", "chromium": "chromium"}


@pytest.fixture(scope="module")
def stacks():
    """Every other stack's tool, or skip (fail under CI) naming the one missing and its package."""
    for tool, package in TOOLS.items():
        require_tool(tool, "a column of the break-it lab's verdict matrix", package)


def test_every_defect_is_in_the_table():
    assert set(EXPECTED) == set(DEFECTS) == set(STACKS) and list(CHECKERS)[0] == "openssl"
    assert list(CHECKERS)[-5:] == list(NEW)


@pytest.mark.parametrize("name", list(DEFECTS))
def test_each_checker_s_verdict(openssl_cli, name):
    matrix = matrix_of(name)
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


@pytest.mark.parametrize("name", list(DEFECTS))
def test_each_other_stack_s_verdict(stacks, name):
    """GnuTLS, NSS, Go and Chromium: each one's verdict, its version, and its words where it refuses."""
    matrix = matrix_of(name)
    for checker, expected in zip(NEW, STACKS[name]):
        cell = matrix.cell(checker)
        assert cell.accepted is expected, (checker, cell)
        assert (name, checker) not in STACK_WORDS or STACK_WORDS[name, checker] in cell.words, (checker, cell)
    assert matrix.cell("gnutls").version.startswith("GnuTLS certtool 3.")
    assert matrix.cell("gnutls-cli").version.startswith("GnuTLS gnutls-cli 3.")
    assert matrix.cell("nss").version.startswith("NSS 3.")
    assert matrix.cell("go").version.startswith("Go go1.") and matrix.cell("go").version.endswith("crypto/x509")
    assert matrix.cell("chromium").version.startswith("Chromium 1")
    if STACKS[name][4]:  # Chromium's words when it loads the page: the connection it made, from its own report
        assert matrix.cell("chromium").words.startswith("page loaded: TLS 1.3, ")
    else:
        assert matrix.cell("chromium").words.startswith("net::ERR_CERT_"), matrix.cell("chromium")


def test_what_the_checkers_say(openssl_cli):
    """Each cell quotes its tool: OpenSSL's error line, Python's exception, pyca's message, pkilint's codes."""
    import cryptography

    ca = matrix_of("ca-no-key-usage")
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
    v1 = matrix_of("v1-leaf")
    assert v1.cell("pyca").words == "validation failed: certificate must be an X509v3 certificate"
    # pkilesson's explanation names the check pyca refused on first, then the others.
    assert v1.explanation.first_failure.name == "version"
    assert "refused on the check version" in str(v1) and "also failed: host_name" in str(v1)


def test_without_openssl_the_cells_say_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    matrix = verdict_matrix(make_defect("no-san"))
    assert matrix.cell("openssl").accepted is None and "not installed" in matrix.cell("openssl").words
    assert matrix.cell("pyca").accepted is False
    for checker in NEW:  # a missing tool: a null cell that says how to install it, never an error
        cell = matrix.cell(checker)
        assert cell.accepted is None and "is not installed here" in cell.words, cell
        assert f"sudo apt-get install {PACKAGES[checker]}" in cell.words, cell
        assert cell.version.endswith(": not installed") and cell.command, cell


def test_python_ssl_only_runs_at_the_real_time(openssl_cli):
    import datetime as dt

    matrix = verdict_matrix(make_defect("none", now=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)))
    assert matrix.cell("python-ssl").accepted is None and "real time" in matrix.cell("python-ssl").words
    assert matrix.cell("openssl").accepted is True  # openssl verify -attime
    for checker in ("gnutls", "gnutls-cli", "chromium"):  # no option for another time: not run, and why
        assert matrix.cell(checker).accepted is None and "real time only" in matrix.cell(checker).words


def test_other_stacks_check_at_another_time(stacks):
    """NSS (vfychain -b) and Go (VerifyOptions.CurrentTime) check at the lab's instant, whatever the clock."""
    import datetime as dt

    later = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    matrix = verdict_matrix(make_defect("none", now=later))
    assert matrix.cell("nss").accepted is True and "-b 3001010000Z" in matrix.cell("nss").command
    assert matrix.cell("go").accepted is True and "-at 2030-01-01T00:00:00Z" in matrix.cell("go").command
    expired = verdict_matrix(make_defect("expired", now=later))
    assert expired.cell("go").words.startswith("x509: certificate has expired or is not yet valid: current time "
                                               "2030-01-01T00:00:00Z is after")


def test_disagreements_are_computed_from_the_cells(openssl_cli, monkeypatch):
    """Where the checkers disagree: the defects with both verdicts, each refusal in its checker's words."""
    from pkilesson.verify import matrix as lab

    monkeypatch.setattr(lab, "verdict_matrix", lambda broken: matrix_of(broken.defect))
    found = lab.disagreements(("none", "no-san", "ca-no-key-usage", "expired"))
    disputed = [m.broken.defect for m in found.disputed()]
    assert "none" not in disputed and "no-san" in disputed and "ca-no-key-usage" in disputed
    for matrix in found.matrices:  # disputed exactly when some accept and others refuse
        verdicts = {c.accepted for c in matrix.cells} - {None}
        assert (matrix.broken.defect in disputed) is (verdicts == {True, False})
    line = next(line for line in found.lines() if line.startswith("no-san "))
    for cell in matrix_of("no-san").cells:
        if cell.accepted is False:
            assert f"{cell.checker}: {cell.words}" in line
    assert "Where the checkers disagree" in str(found) and found._repr_html_().count("<tr>") == 5


def test_every_stack_accepts_a_workspace_s_own_server_certificate(openssl_cli, stacks, tmp_path):
    """case_from_folder: pkilesson's own server certificate, asked of every checker, is accepted by all."""
    from pkilesson import Settings, make_artifacts
    from pkilesson.verify.matrix import case_from_folder

    make_artifacts(Settings(key_type="p256")).save(tmp_path / "lab")
    matrix = verdict_matrix(case_from_folder(tmp_path / "lab"))
    assert matrix.broken.title == f"{tmp_path / 'lab'}/server-cert.pem"
    assert [c.checker for c in matrix.cells if c.accepted is not True] == [], matrix
