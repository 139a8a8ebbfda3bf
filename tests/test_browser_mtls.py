"""The source's conclusion done by a real browser and by curl: mutual TLS on 127.0.0.1, end to end.

Headless Chromium (Debian's, driven over its own DevTools protocol: its own TLS, no proxy) holds the
learner's client certificate and key in a throwaway NSS database and picks it with no click; the server
(Python's ssl, CERT_REQUIRED) says which certificate it accepted. Without a client certificate, or with
one from another CA, the server refuses and Chromium shows its error. The same with curl --cert/--key/--cacert.

Each case needs its own NSS database, so each starts its own browser (about a second each); the workspace is
made once for the module. Needs chromium, NSS's certutil and pk12util, and curl: skips without them, fails under
CI (PKILESSON_REQUIRE_TOOLS=1).
"""

from __future__ import annotations

import pytest

from conftest import require_tool
from pkilesson import Settings, make_artifacts
from pkilesson.verify.browser import BrowserReport, CurlReport, NotRun, chromium_mtls, curl_mtls
from pkilesson.pki.certificates import certificate_to_pem
from pkilesson.pki.keys import private_key_to_pem
from pkilesson.lessons.scenarios import other_ca_client
from pkilesson.tls.loopback import party_of


@pytest.fixture(scope="module")
def chromium_tools():
    require_tool("chromium", "the browser of the mutual-TLS lesson", "chromium")
    require_tool("certutil", "Chromium's trust store, an NSS database", "libnss3-tools")
    require_tool("pk12util", "imports the client's certificate and key into Chromium's NSS database", "libnss3-tools")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A learner's eight files (P-256, for speed), in a folder as lessons 01 to 03 leave them."""
    folder = tmp_path_factory.mktemp("mtls") / "lab"
    make_artifacts(Settings(key_type="p256")).save(folder)
    return folder


@pytest.fixture(scope="module")
def stranger(workspace):
    """A correct client certificate and key, issued by another CA, as files beside the workspace's."""
    from pkilesson import load_artifacts

    party = other_ca_client(load_artifacts(workspace))
    (workspace / "other-cert.pem").write_bytes(certificate_to_pem(party.chain[0]))
    (workspace / "other-key.pem").write_bytes(private_key_to_pem(party.key))
    (workspace / "other-key.pem").chmod(0o600)
    return party


def test_chromium_with_the_client_certificate_is_accepted(chromium_tools, workspace):
    report = chromium_mtls(workspace)
    assert isinstance(report, BrowserReport), report
    assert report.accepted and report.browser_error is None, report
    assert report.server.outcome == "accepted" and report.server.subject == "CN=client.localhost,O=pkilesson,C=FR"
    assert report.server.issuer == "CN=pkilesson Root CA,O=pkilesson,C=FR"
    assert "accepted the connection, with the client certificate CN=client.localhost,O=pkilesson,C=FR" in \
        " ".join(report.page.split())
    assert report.version.startswith("Chromium 1") and "AutoSelectCertificateForUrls" in report.command
    assert report.said.startswith("page loaded: TLS 1.3, ") and "certificate localhost issued by pkilesson Root CA" in \
        report.said, report.said  # Chromium's own account of the connection (its securityDetails)
    assert f"Chromium said (its own words): {report.said}" in str(report) and "accepted" in report._repr_html_()


def test_chromium_without_a_client_certificate_is_refused(chromium_tools, workspace):
    from pkilesson import load_artifacts

    report = chromium_mtls(workspace, client=party_of(load_artifacts(workspace), "client", with_certificate=False))
    assert not report.accepted, report
    assert report.browser_error == "net::ERR_BAD_SSL_CLIENT_AUTH_CERT", report
    assert report.server.outcome == "refused" and report.server.error == "PEER_DID_NOT_RETURN_A_CERTIFICATE"
    assert "ERR_BAD_SSL_CLIENT_AUTH_CERT" in report.page  # the error page Chromium shows
    assert report.client == "with no client certificate"


def test_chromium_with_another_ca_s_client_certificate_is_refused(chromium_tools, workspace, stranger):
    report = chromium_mtls(workspace, client=stranger)
    assert not report.accepted and report.browser_error == "net::ERR_BAD_SSL_CLIENT_AUTH_CERT", report
    assert report.server.outcome == "refused", report
    assert report.server.error == "certificate verify failed: unable to get local issuer certificate"
    assert "CN=mallory.localhost,O=Elsewhere,C=FR" in report.client and "Other CA" in report.client


def test_curl_with_without_and_with_another_ca_s_certificate(workspace, stranger):
    require_tool("curl", "the command a learner types for mutual TLS", "curl")
    accepted = curl_mtls(workspace)
    assert isinstance(accepted, CurlReport) and accepted.accepted and accepted.status == 0, accepted
    assert accepted.command == ("curl --silent --show-error --cacert ca-cert.pem --cert client-cert.pem --key "
                                "client-key.pem --resolve localhost:PORT:127.0.0.1 https://localhost:PORT/")
    assert accepted.server.subject == "CN=client.localhost,O=pkilesson,C=FR"
    assert "with the client certificate CN=client.localhost,O=pkilesson,C=FR" in accepted.words
    assert accepted.version.startswith("curl ")
    without = curl_mtls(workspace, cert=None)
    assert not without.accepted and without.status != 0 and "--cert" not in without.command, without
    assert "alert certificate required" in without.words and without.words.startswith("curl: ("), without
    assert without.server.error == "PEER_DID_NOT_RETURN_A_CERTIFICATE"
    other = curl_mtls(workspace, cert="other-cert.pem", key="other-key.pem")
    assert not other.accepted and "alert unknown ca" in other.words, other
    assert other.server.error == "certificate verify failed: unable to get local issuer certificate"


def test_without_the_tools_it_says_how_to_install_them(workspace, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    browser = chromium_mtls(workspace)
    assert isinstance(browser, NotRun) and browser.accepted is None
    assert "sudo apt-get install chromium libnss3-tools" in browser.reason and "not run here" in str(browser)
    curl = curl_mtls(workspace)
    assert isinstance(curl, NotRun) and "sudo apt-get install curl" in curl.reason


def test_the_command_line_runs_the_browser_and_curl_as_the_client(chromium_tools, workspace, capsys):
    """pkilesson mtls DIR --client chromium|curl: accepted with the workspace's client files, refused without."""
    from pkilesson.cli import main

    require_tool("curl", "the command a learner types for mutual TLS", "curl")
    for program in ("chromium", "curl"):
        assert main(["mtls", str(workspace), "--client", program]) == 0
        out = capsys.readouterr().out
        assert ": accepted" in out and "CN=client.localhost" in out, out
        assert main(["mtls", str(workspace), "--client", program, "--no-client-cert"]) == 1
        out = capsys.readouterr().out
        assert "refused" in out and "PEER_DID_NOT_RETURN_A_CERTIFICATE" in out, out
    assert main(["mtls", str(workspace), "--client", "curl", "--json"]) == 2
    assert "--json are for the Python client" in capsys.readouterr().err
