"""The diagrams, drawn for real from real files and read back from the SVG.

Every test that draws runs twice: with the bundled renderer (graphviz-pure,
a pinned dependency, so it must be there) and with the system's Graphviz
``dot`` (skipped when absent, a failure under PKILESSON_REQUIRE_TOOLS=1).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import platform
import ssl
import subprocess

import cryptography
import pytest
from cryptography import x509

from pkilesson import (
    CertificateAuthority,
    INTERMEDIATE_CA,
    SERVER,
    InvalidCertificateError,
    InvalidKeyError,
    PkiLessonError,
    Settings,
    Workspace,
    WorkspaceError,
    create_csr,
    generate_key,
    make_artifacts,
    private_key_to_pem,
    set_language,
    spki_sha256,
)
from pkilesson.draw._dot import FAILED_TEXT, NODE_STYLES
from pkilesson.draw.diagrams import CHAIN_CHECKS, Diagram, chain_checks, chain_diagram, mtls_diagram, workspace_diagram
from pkilesson.pki.openssl import source_recipe

from conftest import NOW, require_tool
from svgutil import GREEN, GREY, RED, SVG, classes, groups, lines, parse, stroke, text_colours

PYCA = f"pyca/cryptography {cryptography.__version__}"

FILES = [("ca", "key"), ("ca", "cert"), ("server", "key"), ("server", "req"), ("server", "cert"),
         ("client", "key"), ("client", "req"), ("client", "cert")]
SCHEMA_EDGES = ["ca_cert-public_key_of-ca_key"] + [
    f"{role}_{edge}" for role in ("server", "client") for edge in (
        f"req-public_key_of-{role}_key", f"cert-requested_by-{role}_req", f"cert-public_key_of-{role}_key",
        "cert-signed_by-ca_key")
]
VERIFY_EDGES = ["server_cert-verified_against-ca_cert", "client_cert-verified_against-ca_cert"]


@pytest.fixture(params=["bundled", "system"])
def renderer(request) -> str:
    if request.param == "system":
        require_tool("dot", "the system Graphviz renderer", "graphviz")
    return request.param


@pytest.fixture(scope="module")
def p256():
    """A quick second set of artifacts (P-256), made at NOW."""
    return make_artifacts(Settings(key_type="p256"), now=NOW)


def draw(diagram: Diagram, renderer: str):
    root = parse(diagram.svg(renderer))
    return root, groups(root)


def said(group) -> str:
    """A label's text as one line (a long check is wrapped over several lines to keep the picture narrow)."""
    return " ".join(lines(group))


def heading(g) -> str:
    """The diagram's title as drawn (a long one is wrapped: its lines above every node)."""
    top = min(float(t.get("y")) for node in g.values() if "node" in classes(node) for t in node.iter(f"{SVG}text"))
    return " ".join(t.text for t in g["graph0"].findall(f"{SVG}text") if float(t.get("y")) < top)


def fingerprint_line(key) -> str:
    digest = spki_sha256(key).upper()
    return "SHA-256 " + ":".join(digest[i:i + 2] for i in range(0, 12, 2)) + "... (public half)"


# -- the source's schema -------------------------------------------------------------------


def test_workspace_diagram_draws_the_eight_files_with_their_facts(renderer, workspace_dir, rsa_artifacts, now):
    diagram = workspace_diagram(workspace_dir, now=now)
    root, g = draw(diagram, renderer)
    assert diagram.kind == "workspace" and diagram.title == f"The workspace after step 4 ({workspace_dir})"
    assert heading(g) == diagram.title
    for role, kind in FILES:
        node = g[f"{role}_{kind}"]
        assert lines(node)[0] == f"{role}-{kind}.pem"
        assert classes(node) >= {"node", {"key": "key", "req": "csr"}.get(kind, "ca-cert" if role == "ca" else "cert")}
    assert lines(g["server_key"]) == [
        "server-key.pem", "private key (secret)", "RSA 2048 bits", fingerprint_line(rsa_artifacts.server_key),
        "stays with the server",
    ]
    server = rsa_artifacts.server_certificate
    serial = server.serial_number.to_bytes((server.serial_number.bit_length() + 7) // 8, "big")
    assert lines(g["server_cert"]) == [
        "server-cert.pem", "certificate", "subject CN=localhost", "issuer CN=pkilesson Root CA",
        f"serial {':'.join(f'{b:02X}' for b in serial[:6])}... ({server.serial_number.bit_length()} bits)",
        "valid 2026-11-26 to 2027-11-26", "CA:FALSE", "SAN DNS:localhost, IP:127.0.0.1", "EKU serverAuth",
    ]
    assert lines(g["ca_cert"])[2:4] == ["subject CN=pkilesson Root CA", "issuer: its own name (self-issued)"]
    assert "valid 2026-11-26 to 2036-11-23" in lines(g["ca_cert"])
    assert lines(g["client_req"]) == [
        "client-req.pem", "signing request", "subject CN=client.localhost", "asks for SAN DNS:client.localhost",
    ]


def test_workspace_diagram_checks_every_link_in_the_files(renderer, workspace_dir, now):
    _, g = draw(workspace_diagram(workspace_dir, now=now), renderer)
    for edge in SCHEMA_EDGES + VERIFY_EDGES:
        assert "check-passed" in classes(g[edge]) and stroke(g[edge]) == GREEN, edge
    assert lines(g["ca_cert-public_key_of-ca_key"]) == ["public key of: ok", "signed by (self-signed): ok"]
    assert lines(g["server_req-public_key_of-server_key"]) == [
        "public key of: ok", "signed by (proof of possession): ok"]
    assert lines(g["server_cert-requested_by-server_req"]) == ["requested by: ok"]
    assert lines(g["client_cert-signed_by-ca_key"]) == ["signed by: ok"]
    assert said(g["server_cert-verified_against-ca_cert"]) == "step 4, verified as a server for localhost: ok"
    assert said(g["client_cert-verified_against-ca_cert"]) == "step 4, verified as a client: ok"
    legend = lines(g["legend"])
    assert legend[0] == "legend" and "private key (secret: shown by its public half)" in legend
    assert "not there (yet)" not in legend  # nothing is missing


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_step_view_shows_what_exists_after_each_step(renderer, rsa_artifacts, now, step):
    diagram = workspace_diagram(rsa_artifacts, step=step, now=now)
    assert diagram.title == f"The workspace after step {step}"
    _, g = draw(diagram, renderer)
    made_in = {"ca": 1, "server": 2, "client": 3}
    for role, kind in FILES:
        node = g[f"{role}_{kind}"]
        if made_in[role] <= step:
            assert "ghost" not in classes(node)
        else:
            assert "ghost" in classes(node)
            assert lines(node) == [f"{role}-{kind}.pem", f"not made yet (step {made_in[role]})"]
    for edge in VERIFY_EDGES:
        if step == 4:
            assert stroke(g[edge]) == GREEN
        else:
            assert "check-unchecked" in classes(g[edge]) and stroke(g[edge]) == GREY
            assert said(g[edge]).endswith("(step 4)")
    assert lines(g["server_cert-signed_by-ca_key"]) == (["signed by: ok"] if step >= 2 else ["signed by (step 2)"])
    assert ("not there (yet)" in lines(g["legend"])) == (step < 3)


def test_a_folder_part_way_through_draws_what_is_there(renderer, tmp_path, rsa_artifacts, now):
    ws = Workspace(tmp_path / "lab")
    ws.save_key("ca", rsa_artifacts.ca.key)
    ws.save_certificate("ca", rsa_artifacts.ca.certificate)
    ws.save_key("server", rsa_artifacts.server_key)
    _, g = draw(workspace_diagram(ws, now=now), renderer)
    assert heading(g) == f"The workspace after step 1 ({ws.path})"
    assert "key" in classes(g["server_key"])  # made early: drawn, though step 2 is not finished
    assert lines(g["server_req"])[1] == "not made yet (step 2)"
    _, g = draw(workspace_diagram(ws, step=2, now=now), renderer)
    assert lines(g["server_cert"])[1] == "missing (step 2)"
    assert lines(g["client_cert"])[1] == "not made yet (step 3)"


def test_files_that_do_not_belong_together_are_drawn_red(renderer, tmp_path, rsa_artifacts, p256, now):
    """server-cert.pem from another workspace: another key, another CA."""
    ws = Workspace(tmp_path / "lab")
    rsa_artifacts.save(ws)
    ws.save_certificate("server", p256.server_certificate, overwrite=True)
    _, g = draw(workspace_diagram(ws, now=now), renderer)
    assert said(g["server_cert-public_key_of-server_key"]) == "public key of: FAILED (another key's)"
    assert said(g["server_cert-requested_by-server_req"]) == "requested by: FAILED (public key differs)"
    assert said(g["server_cert-signed_by-ca_key"]) == "signed by: FAILED (signature does not verify)"
    verified = said(g["server_cert-verified_against-ca_cert"])
    assert verified.startswith("step 4, verified as a server for localhost: FAILED (")
    for edge in ("server_cert-public_key_of-server_key", "server_cert-requested_by-server_req",
                 "server_cert-signed_by-ca_key", "server_cert-verified_against-ca_cert"):
        assert stroke(g[edge]) == RED and "check-failed" in classes(g[edge])
        assert text_colours(g[edge])["FAILED"] == RED
    for edge in SCHEMA_EDGES + VERIFY_EDGES:
        if not edge.startswith("server_cert"):
            assert stroke(g[edge]) == GREEN, edge


def test_expired_certificates_are_marked_at_the_time_given(renderer, workspace_dir, now):
    """The date said is the certificate's notAfter; the time of the check follows (issue #12)."""
    later = now + dt.timedelta(days=400)
    _, g = draw(workspace_diagram(workspace_dir, now=later), renderer)
    assert lines(g["server_cert"])[-5:-3] == ["EXPIRED on 2027-11-26 12:00Z", "(checked at 2027-12-31 12:00Z)"]
    assert text_colours(g["server_cert"])["EXPIRED on 2027-11-26 12:00Z"] == FAILED_TEXT
    assert not [line for line in lines(g["ca_cert"]) if "EXPIRED" in line]
    _, g = draw(workspace_diagram(workspace_dir, now=now - dt.timedelta(days=1)), renderer)
    assert lines(g["server_cert"])[-5:-3] == ["NOT VALID YET: starts on 2026-11-26 12:00Z",
                                              "(checked at 2026-11-25 12:00Z)"]
    assert stroke(g["server_cert-verified_against-ca_cert"]) == RED
    assert stroke(g["server_cert-signed_by-ca_key"]) == GREEN  # the signature does not expire


def test_a_passphrase_protected_key_is_drawn_without_its_fingerprint(renderer, tmp_path, rsa_artifacts, now):
    ws = Workspace(tmp_path / "lab")
    rsa_artifacts.save(ws)
    ws.save_key("ca", rsa_artifacts.ca.key, passphrase="lesson", overwrite=True)
    _, g = draw(workspace_diagram(ws, now=now), renderer)
    assert lines(g["ca_key"]) == ["ca-key.pem", "private key (secret)", "encrypted with a passphrase", "stays with the CA"]
    assert said(g["ca_cert-public_key_of-ca_key"]).startswith("public key of: not checked (the key is encrypted)")
    assert lines(g["server_cert-signed_by-ca_key"]) == ["signed by: ok"]  # checked with ca-cert.pem's key


def test_the_source_recipes_files_show_what_they_lack(renderer, tmp_path, openssl_cli):
    """The source's own openssl commands: the CA has no keyUsage (pitfall 2); the serials are 01 and 02."""
    script = "\n".join(str(step) for step in source_recipe()[:6])
    subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, check=True, capture_output=True, timeout=120)
    _, g = draw(workspace_diagram(tmp_path), renderer)
    assert "serial 01" in lines(g["server_cert"]) and "serial 02" in lines(g["client_cert"])
    assert "asks for no SAN" in lines(g["server_req"])
    for edge in SCHEMA_EDGES:
        assert stroke(g[edge]) == GREEN, edge  # the files do belong together...
    assert stroke(g["server_cert-verified_against-ca_cert"]) == RED  # ...but a strict verifier refuses them
    server = x509.load_pem_x509_certificate((tmp_path / "server-cert.pem").read_bytes())
    ca = x509.load_pem_x509_certificate((tmp_path / "ca-cert.pem").read_bytes())
    (link,) = chain_checks([server, ca], purpose="server")
    assert link["signature"] is True and link["issuer_name"] is True and link["ca_flag"] is True
    assert link["key_usage"] is False  # "CA cert does not include key usage extension"
    _, g = draw(chain_diagram([server, ca], purpose="server"), renderer)
    assert "issuer keyCertSign: FAILED (no keyUsage)" in said(g["link0"])
    if server.version == x509.Version.v1:  # OpenSSL before 3.2
        assert "X.509 version 1: no extensions" in lines(g["cert0"])
        assert "EKU: not checked (no EKU: RFC 5280 allows any purpose)" in said(g["link0"])


# -- the chain view ----------------------------------------------------------------------------


def test_chain_diagram_names_every_check_on_every_link(renderer, rsa_artifacts, now):
    chain = [rsa_artifacts.server_certificate, rsa_artifacts.ca.certificate]
    diagram = chain_diagram(chain, purpose="server", now=now)
    _, g = draw(diagram, renderer)
    assert diagram.title == "The chain of CN=localhost, checked as a server certificate at 2026-11-26 12:00Z"
    assert lines(g["link0"]) == [
        "0 signed by 1?", "signature: ok", "issuer = issuer's subject: ok", "AKI = issuer's SKI: ok",
        "validity: ok (at 2026-11-26)", "issuer CA:TRUE: ok", "issuer keyCertSign: ok", "EKU: ok (serverAuth)",
    ]
    assert stroke(g["link0"]) == GREEN
    assert lines(g["cert0"])[:2] == ["0. leaf (server)", "certificate"]
    assert lines(g["cert1"])[:2] == ["1. root CA", "CA certificate"]
    assert lines(g["cert1"])[-2:] == ["the trust anchor: trusted because it is in",
                                      "the trust store, not for its self-signature"]
    ski = x509.SubjectKeyIdentifier.from_public_key(rsa_artifacts.ca.certificate.public_key()).digest
    assert f"SKI {':'.join(f'{b:02X}' for b in ski[:6])}..." in lines(g["cert1"])
    assert f"AKI {':'.join(f'{b:02X}' for b in ski[:6])}..." in lines(g["cert0"])


def test_a_failed_check_given_from_outside_is_drawn_red(renderer, rsa_artifacts, now):
    """The overlay a later lesson uses: one mapping per link, check name -> True, False or None."""
    diagram = chain_diagram(rsa_artifacts, purpose="client", checks=[{"signature": False, "eku": None}], now=now)
    _, g = draw(diagram, renderer)
    assert lines(g["link0"])[1:3] == ["signature: FAILED", "issuer = issuer's subject: ok"]
    assert lines(g["link0"])[-1] == "EKU: not checked"
    assert stroke(g["link0"]) == RED and "check-failed" in classes(g["link0"])
    colours = text_colours(g["link0"])
    assert colours["FAILED"] == RED and colours["ok"] == GREEN and colours["not checked"] == GREY


def test_chain_checks_find_what_is_wrong_with_a_chain(rsa_artifacts, now):
    server, client, root = rsa_artifacts.server_certificate, rsa_artifacts.client_certificate, rsa_artifacts.ca.certificate
    assert chain_checks([server, root], purpose="server", now=now) == ({name: True for name in CHAIN_CHECKS},)
    (link,) = chain_checks([client, root], purpose="server", now=now)
    assert link["eku"] is False  # a client certificate is not a server's
    (link,) = chain_checks([server, client], purpose="server", now=now)  # the client did not sign the server's
    assert {k: v for k, v in link.items() if v is False} == {
        "signature": False, "issuer_name": False, "key_id": False, "ca_flag": False, "key_usage": False}
    (link,) = chain_checks([server, root], now=now + dt.timedelta(days=366))
    assert link["validity"] is False and link["eku"] is None  # no purpose given: EKU not checked


def test_chain_with_an_intermediate(renderer, now):
    root = CertificateAuthority.create("/O=Lab/CN=Lab Root", key_type="p256", now=now)
    inter_key = generate_key("p256")
    inter_cert = root.issue(create_csr(inter_key, "/O=Lab/CN=Lab Issuing CA"), INTERMEDIATE_CA, now=now)
    leaf = CertificateAuthority(inter_key, inter_cert).issue(
        create_csr(generate_key("p256"), "/O=Lab/CN=localhost", ["localhost"]), SERVER, now=now)
    chain = [leaf, inter_cert, root.certificate]
    assert chain_checks(chain, purpose="server", now=now) == (
        {name: True for name in CHAIN_CHECKS}, {**{name: True for name in CHAIN_CHECKS}, "eku": None})
    _, g = draw(chain_diagram(chain, purpose="server", checks=[{}, {"key_usage": False}], now=now), renderer)
    assert [lines(g[f"cert{i}"])[0] for i in range(3)] == ["0. leaf (server)", "1. intermediate CA", "2. root CA"]
    assert "CA:TRUE, pathlen:0" in lines(g["cert1"])
    assert stroke(g["link0"]) == GREEN and stroke(g["link1"]) == RED
    assert lines(g["link1"])[-2:] == ["issuer keyCertSign: FAILED", "EKU: not checked (leaf only)"]


def test_a_chain_without_its_issuer_shows_the_missing_issuer(renderer, rsa_artifacts, now):
    _, g = draw(chain_diagram([rsa_artifacts.client_certificate], now=now), renderer)
    assert lines(g["issuer_missing"])[:2] == ["CN=pkilesson Root CA", "issuer: not given"]
    assert stroke(g["link0"]) == GREY


# -- mutual TLS ------------------------------------------------------------------------------


def test_mtls_diagram_shows_each_side_with_its_own_key_and_the_handshake(renderer, workspace_dir, now):
    _, g = draw(mtls_diagram(workspace_dir, now=now), renderer)
    assert lines(g["server"]) == ["server program", "localhost", "asks for and requires", "a client certificate",
                                  "trusts its copy of ca-cert.pem"]
    assert lines(g["client"]) == ["client program", "CN=client.localhost", "connects to localhost",
                                  "trusts its copy of ca-cert.pem"]
    assert lines(g["server_key"])[-1] == "stays with the server: never sent"
    assert lines(g["message1"]) == ["1. ClientHello"]
    hello = ("2. ServerHello, CertificateRequest, Certificate (server-cert.pem), CertificateVerify (signed with "
             "server-key.pem), Finished")
    assert said(g["message2"]) == (
        f"{hello} no handshake at 2026-11-26 12:00Z (ssl knows only the real clock); {PYCA} at that time: "
        "server-cert.pem verified as a server for localhost: ok")
    assert said(g["message3"]).endswith(f"no handshake at 2026-11-26 12:00Z (ssl knows only the real clock); {PYCA} "
                                        "at that time: client-cert.pem verified as a client: ok")
    # The direction: 1 and 3 go from the client to the server, 2 the other way.
    for number, sender, receiver in ((1, "client", "server"), (2, "server", "client"), (3, "client", "server")):
        assert f"message{number}-from-{sender}" in g and f"message{number}-to-{receiver}" in g
    for edge in ("server_cert-signed_by-ca_cert", "client_cert-signed_by-ca_cert", "message2-to-client",
                 "message3-to-server", "server_cert-public_key_of-server_key"):
        assert stroke(g[edge]) == GREEN, edge
    for role in ("server", "client"):
        assert said(g[f"{role}-presents-{role}_cert"]) == "presents: not checked"
        assert said(g[f"{role}-uses-{role}_key"]) == "signs CertificateVerify with: not checked"


def test_mtls_diagram_shows_a_failed_check_for_the_wrong_host(renderer, rsa_artifacts, now):
    _, g = draw(mtls_diagram(rsa_artifacts, host="www.example.org", now=now), renderer)
    assert lines(g["client"])[2] == "connects to www.example.org"
    assert (f"no handshake at 2026-11-26 12:00Z (ssl knows only the real clock); {PYCA} at that "
            "time: server-cert.pem verified as a server for www.example.org: FAILED (") in said(g["message2"])
    assert stroke(g["message2-to-client"]) == RED and stroke(g["message3-to-server"]) == GREEN


def test_mtls_diagram_at_the_real_time_runs_a_real_handshake(renderer, workspace_dir):
    """Now, each side's check is what its Python ssl said in a real handshake on 127.0.0.1, named with its version."""
    python = f"Python {platform.python_version()} ssl on {' '.join(ssl.OPENSSL_VERSION.split()[:2])}, strict"
    _, g = draw(mtls_diagram(workspace_dir), renderer)
    assert said(g["message2"]).endswith(f"Finished the client, {python}, checked server-cert.pem for localhost: ok")
    assert said(g["message3"]).endswith(f"Finished the server, {python}, checked client-cert.pem: ok")
    _, g = draw(mtls_diagram(workspace_dir, host="www.example.org"), renderer)
    refused = said(g["message2"]).split("Finished ", 1)[1]
    assert refused.startswith(f"the client, {python}, checked server-cert.pem for www.example.org: FAILED "
                              "(certificate verify failed: Hostname mismatch")
    assert said(g["message3"]).endswith(
        "Finished the server never saw client-cert.pem: the client stopped at message 2: not checked")
    assert stroke(g["message2-to-client"]) == RED and stroke(g["message3-to-server"]) == GREY


def test_mtls_diagram_of_the_source_files_credits_python_s_ssl_not_pyca(renderer, tmp_path, openssl_cli):
    """The source's files: Python's strict ssl refuses the CA without keyUsage; pyca's v1 complaint is not the client's."""
    from pkilesson.lessons.lesson import run_source_step

    source = run_source_step(4, tmp_path / "source")
    _, g = draw(mtls_diagram(source.folder), renderer)
    told = said(g["message2"]).split("Finished ", 1)[1]
    assert "the client, Python " in told and "CA cert does not include key usage extension" in told
    assert "X509v3" not in told and "pyca" not in told


# -- what a diagram is, and what it never holds ------------------------------------------------


def test_diagrams_are_immutable_and_say_what_they_are(rsa_artifacts, now):
    diagram = workspace_diagram(rsa_artifacts, now=now)
    with pytest.raises(dataclasses.FrozenInstanceError):
        diagram.source = "digraph {}"
    assert diagram.source.startswith("digraph workspace {")
    assert repr(diagram) == "<Diagram workspace: The workspace after step 4>"
    assert diagram == workspace_diagram(rsa_artifacts, now=now)  # same files, same time: same diagram


def test_no_diagram_holds_private_key_material(rsa_artifacts, now):
    secrets = []
    for key in (rsa_artifacts.ca.key, rsa_artifacts.server_key, rsa_artifacts.client_key):
        body = private_key_to_pem(key).decode().splitlines()[1:-1]
        secrets += body[1:-1]  # every full base64 line of the PKCS#8 key
        numbers = key.private_numbers()
        secrets += [f"{numbers.d:x}"[:16], f"{numbers.p:x}"[:16], str(numbers.d)[:16]]
    for diagram in (workspace_diagram(rsa_artifacts, now=now), mtls_diagram(rsa_artifacts, now=now),
                    chain_diagram(rsa_artifacts, purpose="server", now=now)):
        for text in (diagram.source, diagram.svg()):
            assert "PRIVATE KEY" not in text
            assert not [s for s in secrets if s.lower() in text.lower()]


# -- bad input: one clear error ----------------------------------------------------------------


def test_bad_sources_and_arguments_give_one_clear_error(tmp_path, rsa_artifacts, now):
    cases = [
        (lambda: workspace_diagram(tmp_path), WorkspaceError, "holds none of the eight files"),
        (lambda: workspace_diagram(tmp_path / "nowhere"), WorkspaceError, "is not a folder"),
        (lambda: workspace_diagram(42), PkiLessonError, "not a int"),
        (lambda: workspace_diagram(rsa_artifacts, step=5), PkiLessonError, "There is no step 5"),
        (lambda: workspace_diagram(rsa_artifacts, now=dt.datetime(2026, 1, 1)), PkiLessonError, "no time zone"),
        (lambda: chain_diagram([]), PkiLessonError, "list of certificates"),
        (lambda: chain_diagram(rsa_artifacts), PkiLessonError, "Which chain"),
        (lambda: chain_diagram(rsa_artifacts, purpose="admin"), PkiLessonError, "Unknown purpose"),
        (lambda: chain_diagram(rsa_artifacts, purpose="server", checks={"signature": False}), PkiLessonError,
         "one mapping per link"),
        (lambda: chain_diagram(rsa_artifacts, purpose="server", checks=[{"signature": 0}]), PkiLessonError,
         "'signature': 0"),
        (lambda: chain_diagram(rsa_artifacts, purpose="server", checks=[{"colour": False}]), PkiLessonError,
         "'colour'"),
    ]
    for call, error, fragment in cases:
        with pytest.raises(error) as caught:
            call()
        assert fragment in str(caught.value) and "Fix: " in str(caught.value), str(caught.value)


def test_missing_and_broken_files_are_named(tmp_path, rsa_artifacts):
    ws = Workspace(tmp_path / "lab")
    rsa_artifacts.save(ws)
    (ws.path / "client-cert.pem").unlink()
    with pytest.raises(WorkspaceError, match=r"client-cert.pem is missing .* Fix: run step 3 first"):
        mtls_diagram(ws)
    with pytest.raises(WorkspaceError, match="client-cert.pem is missing"):
        chain_diagram(ws, purpose="client")
    (ws.path / "server-key.pem").write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(InvalidKeyError, match="^server-key.pem: .* Fix: "):
        workspace_diagram(ws)
    ws.save_key("server", rsa_artifacts.server_key, overwrite=True)
    (ws.path / "server-cert.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(InvalidCertificateError, match="^server-cert.pem: .* Fix: "):
        workspace_diagram(ws)


# -- readable at the notebook's width (issue #12) ---------------------------------------------------

#: JupyterLab at 1400x900 with the file browser open leaves about 950 px for an output.
OUTPUT_PX = 948


def readable_at_notebook_width(svg: str) -> tuple[float, float]:
    """(drawn width in CSS px, smallest text in CSS px once scaled down to the notebook's width)."""
    root = parse(svg)
    width = float(root.get("width").removesuffix("pt")) * 4 / 3
    sizes = [float(t.get("font-size")) * 4 / 3 for t in root.iter("{http://www.w3.org/2000/svg}text")]
    return width, min(sizes) * min(1.0, OUTPUT_PX / width)


@pytest.fixture(scope="module")
def long_names():
    """The longest names a learner can type in the step panels: a 64-character CN, five long SANs."""
    from pkilesson.lessons.lesson import Choices, make_step

    cn = "A very long common name for the certificate authority of lab 01"
    ca = make_step(1, Choices(key_type="rsa2048", common_name=cn), now=NOW)
    sans = tuple(f"a-rather-long-host-name-number-{i}.classroom.example.org" for i in range(5))
    server = make_step(2, Choices(key_type="p256", common_name=cn.replace("authority", "server   "), sans=sans),
                       ca=ca.ca, now=NOW)
    client = make_step(3, Choices(key_type="p256", common_name="client " + "x" * 57, sans=sans[:1]), ca=ca.ca, now=NOW)
    return {**ca.items(), **server.items(), **client.items()}


def test_every_diagram_keeps_its_text_at_10px_or_more_at_the_notebooks_width(rsa_artifacts, long_names, now):
    """Every picture drawn narrow enough that, scaled to 948 px, its smallest text is still 10 px (issue #12)."""
    later = now + dt.timedelta(days=4000)
    root = CertificateAuthority.create("/O=Lab/CN=Lab Root", key_type="p256", now=now)
    inter_key = generate_key("p256")
    inter_cert = root.issue(create_csr(inter_key, "/O=Lab/CN=Lab Issuing CA"), INTERMEDIATE_CA, now=now)
    leaf = CertificateAuthority(inter_key, inter_cert).issue(
        create_csr(generate_key("p256"), "/O=Lab/CN=localhost", ["localhost"]), SERVER, now=now)
    diagrams = {
        **{f"workspace step {step}": workspace_diagram(source, step=step, now=when)
           for step in (1, 2, 3, 4) for source in (rsa_artifacts, long_names) for when in (now, later)},
        "workspace": workspace_diagram(long_names, now=later),
        "mtls": mtls_diagram(rsa_artifacts, now=now),
        "mtls, wrong host": mtls_diagram(rsa_artifacts, host="a-rather-long-host-name.example.org", now=later),
        "mtls, long names": mtls_diagram(long_names, now=now),
        "chain of 3": chain_diagram([leaf, inter_cert, root.certificate], purpose="server", now=later),
        "chain, long names": chain_diagram([long_names[("server", "cert")], long_names[("ca", "cert")]],
                                           purpose="client", now=later),
    }
    for name, diagram in diagrams.items():
        width, smallest = readable_at_notebook_width(diagram.svg())
        assert smallest >= 10.0, f"{name}: {width:.0f} px wide, smallest text {smallest:.1f} px at {OUTPUT_PX} px"


def test_the_french_diagrams_of_the_default_workflow_keep_their_text_at_10px_or_more(rsa_artifacts, now):
    """The French edition's pictures of the default workflow (RSA, the source's names), at every step, valid and
    expired, stay as readable as the English ones at the notebook's width (issue #15: French words are longer)."""
    later = now + dt.timedelta(days=4000)
    set_language("fr")
    try:
        diagrams = {
            **{f"workspace step {step}": workspace_diagram(rsa_artifacts, step=step, now=when)
               for step in (1, 2, 3, 4) for when in (now, later)},
            "mtls": mtls_diagram(rsa_artifacts, now=now),
            "mtls, later": mtls_diagram(rsa_artifacts, now=later),
            "chain": chain_diagram(rsa_artifacts, purpose="server", now=later),
        }
        for name, diagram in diagrams.items():
            width, smallest = readable_at_notebook_width(diagram.svg())
            assert smallest >= 10.0, f"{name}: {width:.0f} px wide, smallest text {smallest:.1f} px at {OUTPUT_PX} px"
    finally:
        set_language("en")


def test_a_certificates_facts_are_in_french_on_a_french_diagram_and_english_as_data(rsa_artifacts, now):
    """A node's facts are words a learner reads (French after set_language("fr")) and data compared in
    code (English, whatever the language); X.509's names and OpenSSL's values stay as the standard has them."""
    from pkilesson.decoding import _facts as facts

    later, earlier = now + dt.timedelta(days=4000), now - dt.timedelta(days=1)
    ca = rsa_artifacts.ca.certificate
    set_language("fr")
    try:
        lines = [line for line, _problem in facts.certificate_lines(ca, later, ids=True)]
        assert lines[:2] == ["subject CN=pkilesson Root CA", "issuer: its own name (self-issued)"]
        assert lines[2].startswith("serial ") and lines[3].startswith("valid ") and lines[4].startswith("EXPIRED on ")
        shown = [str(line) for line in lines]
        assert shown[:2] == ["sujet CN=pkilesson Root CA", "émetteur : son propre nom (auto-émis)"]
        assert shown[2].startswith("n° de série ") and shown[3].startswith("valide du ")
        assert shown[4].startswith("EXPIRÉ le ") and shown[5].startswith("(vérifié le ")
        assert "CA:TRUE" in shown and "keyUsage keyCertSign, cRLSign" in shown
        assert str(facts.certificate_lines(ca, earlier)[4][0]).startswith("PAS ENCORE VALIDE : dès le ")
        problem = facts.time_problem(ca, later)
        assert problem.startswith("expired on ") and str(problem).startswith("expiré le ")
        for diagram in (workspace_diagram(rsa_artifacts, now=later), mtls_diagram(rsa_artifacts, now=now),
                        chain_diagram(rsa_artifacts, purpose="server", now=later)):
            for english in ("subject CN=", "issuer: its own", "issuer CN=", "serial ", "valid 20", "EXPIRED",
                            "checked at"):
                assert english not in diagram.source and english not in diagram.description, (diagram.kind, english)
        assert "émetteur : son propre nom (auto-émis)" in diagram.source and "EXPIRÉ le " in diagram.description
    finally:
        set_language("en")
    assert str(facts.certificate_lines(ca, later)[1][0]) == "issuer: its own name (self-issued)"


def test_every_diagram_says_what_it_shows_in_words(rsa_artifacts, now):
    """<title> and <desc> first in every SVG (screen readers); every check in the description, with its word."""
    for diagram in (workspace_diagram(rsa_artifacts, step=2, now=now), mtls_diagram(rsa_artifacts, now=now),
                    chain_diagram(rsa_artifacts, purpose="server", checks=[{"signature": False}], now=now)):
        root = parse(diagram.svg())
        title, desc = root[0], root[1]
        assert title.tag.endswith("title") and title.text == diagram.title
        assert desc.tag.endswith("desc") and desc.text == diagram.description and root.get("role") == "img"
    words = chain_diagram(rsa_artifacts, purpose="server", checks=[{"signature": False}], now=now).description
    assert "Link 0 signed by 1: signature: FAILED; issuer = issuer's subject: ok" in words
    words = workspace_diagram(rsa_artifacts, step=2, now=now).description
    assert "Arrow from server-cert.pem to ca-key.pem: signed by: ok." in words
    assert "client-cert.pem: not made yet (step 3)." in words


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_diagram_text_meets_wcag_aa_contrast(renderer, workspace_dir, now):
    """Every coloured text on its background at 4.5:1 or more (WCAG AA): the check words on the white page,
    a problem inside a box on every box's fill, a ghost's text on white (issue #12)."""
    later = now + dt.timedelta(days=4000)  # every certificate expired: problems drawn in red inside the boxes
    root, g = draw(workspace_diagram(workspace_dir, now=later), renderer)
    fills = {kind: style.get("fillcolor", "#ffffff") for kind, style in NODE_STYLES.items()}
    for group in g.values():
        kinds = classes(group) & set(fills)
        background = fills[kinds.pop()] if kinds and "node" in classes(group) else "#ffffff"
        for piece, colour in text_colours(group).items():
            if colour and colour.startswith("#") and piece:
                assert contrast(colour, background) >= 4.5, (group.get("id"), piece, colour, background)
    for colour in (GREEN, RED, GREY, NODE_STYLES["ghost"]["fontcolor"]):
        assert contrast(colour, "#ffffff") >= 4.5
