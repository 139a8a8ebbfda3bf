"""The library contract (issue #11, finding 11): wrong arguments get our error, never a raw one.

Hypothesis drives the public functions with one argument replaced by a value
of the wrong type (None, numbers, text, bytes, lists, mappings, objects...),
the others valid. Each call must return, or raise a
:class:`~pkilesson.errors.PkiLessonError` (one line with a fix) or a
``TypeError`` naming the parameter. Before, 330 of 907 such calls raised
``AttributeError``, ``TypeError`` or ``OverflowError`` from deep inside.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from cryptography import x509
from hypothesis import HealthCheck, given, settings, strategies as st

from pkilesson import PkiLessonError, Settings, Workspace, make_artifacts
from pkilesson.decoding import asn1
from pkilesson.pki import authority
from pkilesson.pki import certificates
from pkilesson.pki import csr
from pkilesson.draw import diagrams
from pkilesson.verify import explain
from pkilesson.pki import hierarchy
from pkilesson.tls import chains
from pkilesson.pki import keys
from pkilesson.pki import names
from pkilesson.pki import pem
from pkilesson.draw import render
from pkilesson.verify import workflow
from pkilesson.pki import revocation
from pkilesson.lessons import scenarios
from pkilesson.tls import loopback as tls
from pkilesson.verify import verification
from pkilesson.pki import workspace
from pkilesson.pki.certificates import certificate_to_pem
from pkilesson.pki.csr import csr_to_pem
from pkilesson.pki.keys import private_key_to_pem
from pkilesson.pki.profiles import CLIENT, ROOT_CA, SERVER

from conftest import NOW

#: Values of the wrong type for nearly every parameter; never an absolute path or '..' (nothing escapes tmp).
JUNK = [
    None, True, False, 0, -1, 2 ** 200, 3.5, float("nan"), "", " ", "\x00", "x" * 300, "zz", b"", b"\x30\x00",
    b"\xff" * 8, [], [None], [1, 2], (), {}, {"a": 1}, object(), Path("nowhere/x.pem"), {1, 2}, 1j, bytearray(b"x"),
]
junk = st.one_of(
    st.sampled_from(JUNK),
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(alphabet=st.characters(blacklist_characters="/\\.", blacklist_categories=("Cs",)), max_size=12),
    st.binary(max_size=16), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Valid arguments: a lab in memory and on disk, a CSR, a CRL, a hierarchy."""
    base = tmp_path_factory.mktemp("contract")
    lab = make_artifacts(Settings(key_type="p256"), now=NOW)
    folder = base / "lab"
    lab.save(Workspace(folder))
    (base / "out").mkdir()
    crl = revocation.make_crl(lab.ca, [], now=NOW)
    entry = x509.RevokedCertificateBuilder().serial_number(5).revocation_date(NOW).build()
    return {
        "base": base, "lab": lab, "folder": folder, "crl": crl, "entry": entry,
        "key": lab.server_key, "cert": lab.server_certificate, "csr": lab.server_csr, "ca": lab.ca,
        "root": lab.ca.certificate, "name": lab.server_certificate.subject,
        "hierarchy": hierarchy.make_hierarchy(now=NOW),
    }


def cases(w) -> dict:
    """name -> (function, valid keyword arguments); one argument at a time gets junk."""
    lab, key, cert, ca = w["lab"], w["key"], w["cert"], w["ca"]
    pem_cert, pem_key, pem_csr = certificate_to_pem(cert), private_key_to_pem(key), csr_to_pem(w["csr"])
    out = w["base"] / "out"
    diagram = render.Diagram("workspace", "t", "digraph { a }")
    return {
        # keys
        "generate_key": (keys.generate_key, dict(key_type="p256")),
        "key_type_of": (keys.key_type_of, dict(key=key)),
        "describe_key_type": (keys.describe_key_type, dict(key_type="p256")),
        "private_key_to_pem": (keys.private_key_to_pem, dict(key=key, passphrase=None)),
        "public_key_to_pem": (keys.public_key_to_pem, dict(key=key)),
        "load_private_key": (keys.load_private_key, dict(data=pem_key, passphrase=None)),
        "signature_hash": (keys.signature_hash, dict(key=key)),
        "spki_sha256": (keys.spki_sha256, dict(key=key)),
        "key_matches": (keys.key_matches, dict(private_key=key, public_key=key.public_key())),
        "require_private_key": (keys.require_private_key, dict(key=key)),
        # names
        "make_name": (names.make_name, dict(fields={"CN": "x"})),
        "parse_subj": (names.parse_subj, dict(subj="/CN=x")),
        "format_subj": (names.format_subj, dict(name=w["name"])),
        "common_name": (names.common_name, dict(name=w["name"])),
        "parse_general_name": (names.parse_general_name, dict(text="localhost")),
        "parse_general_names": (names.parse_general_names, dict(values=["localhost"])),
        "format_general_name": (names.format_general_name, dict(name=x509.DNSName("localhost"))),
        "check_dns_name": (names.check_dns_name, dict(name="localhost", allow_wildcard=True)),
        "to_name": (names.to_name, dict(value="/CN=x")),
        # CSRs and certificates
        "create_csr": (csr.create_csr, dict(key=key, subject="/CN=x", sans=["localhost"])),
        "load_csr": (csr.load_csr, dict(data=pem_csr)),
        "csr_to_pem": (csr.csr_to_pem, dict(csr=w["csr"])),
        "check_csr_signature": (csr.check_csr_signature, dict(csr=w["csr"])),
        "requested_sans": (csr.requested_sans, dict(csr=w["csr"])),
        "load_certificate": (certificates.load_certificate, dict(data=pem_cert, to_verify=False)),
        "load_certificates": (certificates.load_certificates, dict(data=pem_cert, to_verify=False)),
        "certificate_to_pem": (certificates.certificate_to_pem, dict(certificate=cert)),
        "check_key_pair": (certificates.check_key_pair, dict(key=key, certificate=cert)),
        "is_self_issued": (certificates.is_self_issued, dict(certificate=cert)),
        # the CA
        "check_serial": (authority.check_serial, dict(serial=1)),
        "CertificateAuthority": (authority.CertificateAuthority, dict(key=ca.key, certificate=ca.certificate)),
        "CertificateAuthority.create": (authority.CertificateAuthority.create, dict(
            subject="/CN=CA", key=None, key_type="p256", days=30, serial=None, profile=ROOT_CA, allow_ed25519=False,
            now=NOW)),
        "CertificateAuthority.load": (authority.CertificateAuthority.load, dict(
            certificate=certificate_to_pem(ca.certificate), key=private_key_to_pem(ca.key), passphrase=None)),
        "issue": (ca.issue, dict(csr=w["csr"], profile=SERVER, sans=None, days=30, serial=None,
                                 allow_same_subject=False, now=NOW)),
        # verification
        "verify_certificate": (verification.verify_certificate, dict(
            certificate=cert, roots=[w["root"]], host="localhost", intermediates=(), max_depth=None, now=NOW)),
        "explain": (explain.explain, dict(certificate=cert, roots=[w["root"]], host="localhost", intermediates=(),
                                          max_depth=None, now=NOW)),
        # PEM
        "read_pem_blocks": (pem.read_pem_blocks, dict(data=pem_cert, what="a certificate")),
        "single_pem_block": (pem.single_pem_block, dict(data=pem_cert, what="a certificate", labels=("CERTIFICATE",))),
        "as_bytes": (pem.as_bytes, dict(data=pem_cert, what="a certificate")),
        "to_pem": (pem.to_pem, dict(label="CERTIFICATE", der=b"\x30\x00")),
        "der_tree": (asn1.der_tree, dict(der=cert.public_bytes(pem_encoding()), schema="Certificate", private=False)),
        # files and the workspace
        "write_file": (workspace.write_file, dict(path=out / "f.txt", data=b"x", private=False, overwrite=True)),
        "write_files": (workspace.write_files, dict(folder=out, files={"g.txt": b"x"}, overwrite=True)),
        "Workspace": (workspace.Workspace, dict(path=w["folder"])),
        "Workspace.file_name": (workspace.Workspace.file_name, dict(role="server", kind="cert")),
        "Workspace.existing": (Workspace(w["folder"]).existing, dict(names=["ca-key.pem"])),
        "Workspace.load_key": (Workspace(w["folder"]).load_key, dict(role="server", passphrase=None)),
        "Workspace.save_files": (Workspace(out / "ws").save_files, dict(items={("server", "cert"): cert},
                                                                         overwrite=True)),
        # the workflow
        "Settings": (Settings, dict(key_type="p256", server_names=("localhost",), client_name="client.localhost",
                                    days=30, ca_days=60, serials=(1, 2), ca_name="CA", organization="O",
                                    country="FR")),
        "make_artifacts": (workflow.make_artifacts, dict(settings=Settings(key_type="p256"), now=NOW)),
        "run_workflow": (workflow.run_workflow, dict(directory=out / "wf", settings=Settings(key_type="p256"),
                                                     overwrite=True, now=NOW)),
        "load_artifacts": (workflow.load_artifacts, dict(directory=w["folder"])),
        "ensure_workflow": (workflow.ensure_workflow, dict(directory=w["folder"], settings=Settings(), now=NOW)),
        "verify_artifacts": (workflow.verify_artifacts, dict(artifacts=lab, host="localhost", now=NOW)),
        "steps_of": (workflow.steps_of, dict(artifacts=lab, settings=Settings(key_type="p256"))),
        "Artifacts.save": (lab.save, dict(workspace=out / "saved", overwrite=True)),
        # revocation
        "make_crl": (revocation.make_crl, dict(ca=ca, revoked=[w["entry"]], number=1, days=7, now=NOW)),
        "load_crl": (revocation.load_crl, dict(data=revocation.crl_to_pem(w["crl"]))),
        "crl_to_pem": (revocation.crl_to_pem, dict(crl=w["crl"])),
        "is_revoked": (revocation.is_revoked, dict(crl=w["crl"], certificate=cert)),
        "revoke": (revocation.revoke, dict(directory=w["folder"], certificate=cert, reason="keyCompromise", days=7,
                                           now=NOW)),
        # TLS (the junk is refused before any socket; valid calls run real handshakes)
        "Party": (tls.Party, dict(chain=(cert,), key=key, trusts=(w["root"],), crls=())),
        "party_of": (tls.party_of, dict(artifacts=lab, role="server", with_certificate=True)),
        "handshake": (tls.handshake, dict(artifacts=lab, host="localhost", strict=True, check_hostname=True,
                                          require_client_certificate=True, client_context="pkilesson")),
        # diagrams
        "find_renderer": (render.find_renderer, dict(renderer="auto")),
        "render_svg": (render.render_svg, dict(dot_source="digraph { a }", renderer="auto")),
        "Diagram.save": (diagram.save, dict(path=out / "d.svg", overwrite=True, renderer="auto")),
        "workspace_diagram": (diagrams.workspace_diagram, dict(source=w["folder"], step=None, now=NOW)),
        "chain_diagram": (diagrams.chain_diagram, dict(chain=w["folder"], purpose="server", checks=None, now=NOW)),
        "mtls_diagram": (diagrams.mtls_diagram, dict(source=lab, host="localhost", now=NOW)),
        # scenarios and the hierarchy
        "trust_of": (scenarios.trust_of, dict(artifacts=lab)),
        "other_ca_client": (scenarios.other_ca_client, dict(artifacts=lab, name="mallory.localhost")),
        "expired_client": (scenarios.expired_client, dict(artifacts=lab, days=30, ended_days_ago=1, now=NOW)),
        "revocation_list": (scenarios.revocation_list, dict(ca=ca, certificates=[cert], reason="keyCompromise",
                                                            now=NOW)),
        "server_with_crl": (scenarios.server_with_crl, dict(artifacts=lab, crl=w["crl"])),
        "run_scenario": (scenarios.run_scenario, dict(name="success", artifacts=lab)),
        "both_sides": (scenarios.both_sides, dict(report=None, title="")),
        "certificate_verify_content": (scenarios.certificate_verify_content, dict(transcript_hash=b"h" * 32,
                                                                                  side="client")),
        "sign_certificate_verify": (scenarios.sign_certificate_verify, dict(key=key, transcript_hash=b"h" * 32,
                                                                            side="client")),
        "check_certificate_verify": (scenarios.check_certificate_verify, dict(
            certificate=cert, signature=b"s", transcript_hash=b"h" * 32, side="client")),
        "make_hierarchy": (hierarchy.make_hierarchy, dict(key_type="p256", server_names=("localhost",),
                                                          client_name="client.localhost", now=NOW)),
        "load_hierarchy": (hierarchy.load_hierarchy, dict(directory=out / "h", root_passphrase=None)),
        "chain_handshake": (chains.chain_handshake, dict(hierarchy=w["hierarchy"], sends=("intermediate",),
                                                            trusts=("root",))),
        "Hierarchy.party": (w["hierarchy"].party, dict(role="server", full_chain=True)),
    }


def pem_encoding():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def check_error(name: str, parameter: str, value, exc: BaseException) -> None:
    where = f"{name}({parameter}={value!r:.60})"
    if isinstance(exc, PkiLessonError):
        text = str(exc)
        assert "\n" not in text and " Fix: " in text, f"{where}: {text!r}"
    elif isinstance(exc, TypeError):
        assert f"{parameter}=" in str(exc) or parameter in str(exc), f"{where}: a TypeError not naming it: {exc!r}"
    else:
        raise AssertionError(f"{where} raised {type(exc).__name__}: {exc}") from exc


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(data=st.data())
def test_wrong_arguments_get_the_error_contract(world, tmp_path, monkeypatch, data):
    monkeypatch.chdir(tmp_path)  # text that names a file names one here, never elsewhere
    table = cases(world)
    name = data.draw(st.sampled_from(sorted(table)), label="function")
    function, valid = table[name]
    if not valid:
        return
    parameter = data.draw(st.sampled_from(sorted(valid)), label="parameter")
    value = data.draw(junk, label="value")
    try:
        function(**{**valid, parameter: value})
    except Exception as exc:  # the contract: ours, or a TypeError naming the parameter
        check_error(name, parameter, value, exc)


@pytest.mark.parametrize("value", JUNK, ids=lambda v: type(v).__name__)
def test_every_function_with_every_junk_value(world, tmp_path, monkeypatch, value):
    """The same contract, exhaustively over the fixed junk list (no sampling: every pair is tried)."""
    monkeypatch.chdir(tmp_path)
    failures = []
    for name, (function, valid) in cases(world).items():
        for parameter in valid:
            try:
                function(**{**valid, parameter: value})
            except Exception as exc:
                try:
                    check_error(name, parameter, value, exc)
                except AssertionError as failure:
                    failures.append(str(failure).splitlines()[0])
    assert failures == []


def test_the_valid_arguments_are_valid(world, tmp_path, monkeypatch):
    """The baseline each junk value replaces works: the errors above come from the junk alone."""
    monkeypatch.chdir(tmp_path)
    for name, (function, valid) in cases(world).items():
        if name in ("both_sides", "load_hierarchy", "revoke"):  # report=None, no saved hierarchy, revoked once
            continue
        function(**valid)
