"""Truth tests: what `pkilesson.decoding.decode` says agrees with the real `openssl` on the same files.

For the workflow's files (RSA, P-256, P-384, Ed25519 leaves) and the files
the source recipe's exact commands make (v1 leaves, RSA keys):

* `openssl asn1parse`: the offset, depth, header length and length of EVERY
  node, and with `-strparse` those of the DER inside extensions, RSA public
  keys and ECDSA signatures;
* `openssl x509 -text -noout`, `-serial`, `-fingerprint`: version, serial,
  signature algorithm, names, dates, key size, modulus or curve, every
  extension's value and criticality, fingerprints;
* `openssl req -text -noout`: subject, key, requested extensions;
* `openssl pkey -text_pub -noout`: the public part of each private key.

Every test takes the `openssl_cli` fixture (skips when absent, fails in CI).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from pkilesson import Workspace, decode, make_artifacts
from pkilesson.pki.openssl import run_step, source_recipe

from conftest import ARTIFACT_SETTINGS, NOW

pytestmark = pytest.mark.openssl

TIMEOUT = 60
EXTENSION_OIDS = {
    "X509v3 Subject Alternative Name": "2.5.29.17",
    "X509v3 Basic Constraints": "2.5.29.19",
    "X509v3 Key Usage": "2.5.29.15",
    "X509v3 Extended Key Usage": "2.5.29.37",
    "X509v3 Subject Key Identifier": "2.5.29.14",
    "X509v3 Authority Key Identifier": "2.5.29.35",
}
FILES = ["ca-key.pem", "ca-cert.pem", "server-key.pem", "server-req.pem", "server-cert.pem",
         "client-key.pem", "client-req.pem", "client-cert.pem"]


def openssl(cli: str, *args: str) -> str:
    done = subprocess.run([cli, *args], capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory, openssl_cli):
    """The source recipe's exact commands, run for real (v1 leaves with OpenSSL < 3.2, RSA keys)."""
    folder = tmp_path_factory.mktemp("decode-source")
    for step in source_recipe():
        run_step(step, folder)
    return folder


@pytest.fixture(scope="module", params=[*ARTIFACT_SETTINGS, "source"])
def folder(request, tmp_path_factory, openssl_cli):
    """The eight files: made by the library for each key type, or by the source's commands."""
    if request.param == "source":
        return request.getfixturevalue("source_dir")
    folder = tmp_path_factory.mktemp(f"decode-{request.param}")
    make_artifacts(ARTIFACT_SETTINGS[request.param], now=NOW).save(Workspace(folder))
    return folder


def asn1parse(cli: str, path: Path, *extra: str) -> list[tuple[int, int, int, int]]:
    """(offset, depth, header length, length) of each line of `openssl asn1parse`."""
    lines = openssl(cli, "asn1parse", "-in", str(path), *extra).splitlines()
    nodes = []
    for line in lines:
        match = re.match(r"\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)", line)
        assert match, line
        nodes.append(tuple(int(g) for g in match.groups()))
    return nodes


@pytest.mark.parametrize("name", FILES)
def test_every_node_agrees_with_asn1parse(openssl_cli, folder, name):
    view = decode(folder / name, now=NOW)
    ours = [(n.offset, depth, n.header_length, n.length) for depth, n in view.asn1.nodes() if not n.encapsulated]
    assert ours == asn1parse(openssl_cli, folder / name)
    assert all(n.name for _, n in view.asn1.nodes()), "every node has a name"


@pytest.mark.parametrize("name", ["ca-cert.pem", "server-cert.pem", "client-cert.pem", "server-req.pem"])
def test_der_inside_strings_agrees_with_strparse(openssl_cli, folder, name):
    """The DER inside extnValue, an RSA subjectPublicKey or an ECDSA signature: `asn1parse -strparse`."""
    view = decode(folder / name, now=NOW)
    holders = [n for _, n in view.asn1.nodes() if not n.encapsulated and n.children and n.children[0].encapsulated]
    if view.kind == "certificate" and view.field("version").value.startswith("3"):
        assert any(n.name.endswith("extnValue") for n in holders)
    for holder in holders:
        inner = holder.children[0]
        base = inner.offset
        ours = [(n.offset - base, depth, n.header_length, n.length) for depth, n in inner.walk()]
        assert ours == asn1parse(openssl_cli, folder / name, "-strparse", str(holder.offset)), holder.name


def text_block(text: str, title: str) -> str:
    """The lines indented under `title` in `openssl x509 -text` output, joined."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip().startswith(title):
            indent = len(line) - len(line.lstrip())
            block = []
            for following in lines[index + 1 :]:
                if len(following) - len(following.lstrip()) <= indent:
                    break
                block.append(following.strip())
            return " ".join(block)
    raise AssertionError(f"{title!r} not in openssl's output")


def extensions_in(text: str) -> dict:
    """{oid: (critical, value)} of the extensions `openssl x509/req -text` lists."""
    found = {}
    for match in re.finditer(r"^\s+(X509v3 [A-Z][A-Za-z ]*):( critical)?\s*$", text, re.M):
        found[EXTENSION_OIDS[match.group(1)]] = (bool(match.group(2)), text_block(text, match.group(1) + ":"))
    return found


def openssl_name(text: str) -> str:
    """`C = FR, O = Lab, CN = x` (openssl -text) as `/C=FR/O=Lab/CN=x` (our -subj form)."""
    return "/" + "/".join(part.replace(" = ", "=", 1) for part in text.split(", "))


def hex_of(block: str) -> str:
    return block.replace(":", "").replace(" ", "").lower()


def public_key_agrees(view, text: str) -> None:
    """Key size, and the modulus, the EC point or the Ed25519 key, as openssl prints them."""
    facts = view.to_dict()["public_key"]
    value = view.field("public_key" if view.kind != "private key" else "public_part").value
    if facts["algorithm"] == "Ed25519":
        assert "ED25519 Public-Key:" in text
        assert hex_of(text_block(text, "pub:")) in value
        return
    assert f"Public-Key: ({facts['size']} bit)" in text
    if facts["algorithm"] == "RSA":
        modulus = hex_of(text_block(text, "Modulus:")).lstrip("0")
        assert f"modulus n = {modulus};" in value
        assert re.search(r"Exponent: (\d+)", text).group(1) in value
    else:
        curve = {"secp256r1": "prime256v1", "secp384r1": "secp384r1"}[facts["curve"]]
        assert f"ASN1 OID: {curve}" in text
        assert hex_of(text_block(text, "pub:")) in value


@pytest.mark.parametrize("role", ["ca", "server", "client"])
def test_certificate_fields_agree_with_x509_text(openssl_cli, folder, role):
    path = folder / f"{role}-cert.pem"
    text = openssl(openssl_cli, "x509", "-in", str(path), "-text", "-noout")
    view = decode(path, now=NOW)
    data = view.to_dict()
    version = int(re.search(r"Version: (\d) \(0x\d\)", text).group(1))
    assert data["version"] == version and view.field("version").value.startswith(f"{version} (0x{version - 1})")
    serial = openssl(openssl_cli, "x509", "-in", str(path), "-serial", "-noout").strip().split("=", 1)[1]
    assert data["serial"] == serial.lower()
    assert str(int(serial, 16)) in view.field("serial").value
    algorithm = re.search(r"Signature Algorithm: (\S+)", text).group(1)
    assert view.field("signature_algorithm").value.lower() == algorithm.lower()
    assert view.field("issuer").value == openssl_name(re.search(r"Issuer: (.*)", text).group(1))
    assert view.field("subject").value == openssl_name(re.search(r"Subject: (.*)", text).group(1))
    for label, key in (("Not Before", "not_before"), ("Not After ", "not_after")):
        when = dt.datetime.strptime(re.search(rf"{label}: (.*) GMT", text).group(1), "%b %d %H:%M:%S %Y")
        assert data[key] == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    public_key_agrees(view, text)
    theirs = extensions_in(text)
    ours = {e["oid"]: (e["critical"], e["value"]) for e in data["extensions"]}
    assert ours == theirs
    if version == 1:
        assert theirs == {} and view.field("extensions").value == "none (version 1)"
    for digest in ("sha256", "sha1"):
        line = openssl(openssl_cli, "x509", "-in", str(path), "-noout", "-fingerprint", f"-{digest}")
        assert data["fingerprints"][digest] == hex_of(line.strip().split("=", 1)[1])


@pytest.mark.parametrize("role", ["server", "client"])
def test_csr_fields_agree_with_req_text(openssl_cli, folder, role):
    path = folder / f"{role}-req.pem"
    text = openssl(openssl_cli, "req", "-in", str(path), "-text", "-noout")
    view = decode(path, now=NOW)
    assert view.field("subject").value == openssl_name(re.search(r"Subject: (.*)", text).group(1))
    public_key_agrees(view, text)
    requested = {e["oid"]: (e["critical"], e["value"]) for e in view.to_dict()["extensions"]}
    assert requested == extensions_in(text)
    if not requested:  # the source's CSR: openssl prints an empty "Requested Extensions:"
        assert view.field("requested_extensions").value == "none"
    verify = subprocess.run([openssl_cli, "req", "-in", str(path), "-verify", "-noout"], capture_output=True,
                            text=True, timeout=TIMEOUT)
    assert ("verify OK" in verify.stdout + verify.stderr) is (view.signature.valid is True)


@pytest.mark.parametrize("role", ["ca", "server", "client"])
def test_key_public_part_agrees_with_pkey_text_pub(openssl_cli, folder, role):
    path = folder / f"{role}-key.pem"
    text = openssl(openssl_cli, "pkey", "-in", str(path), "-text_pub", "-noout")
    view = decode(path, now=NOW)
    public_key_agrees(view, text)
    spki = subprocess.run([openssl_cli, "pkey", "-in", str(path), "-pubout", "-outform", "DER"], capture_output=True,
                          timeout=TIMEOUT, check=True).stdout
    assert view.to_dict()["public_key"]["sha256"] == hashlib.sha256(spki).hexdigest()


def test_source_leaves_are_explained_as_version_1(openssl_cli, source_dir):
    from pkilesson.pki.openssl import openssl_version

    release = re.match(r"OpenSSL (\d+)\.(\d+)", openssl_version() or "")
    if release is None or (int(release.group(1)), int(release.group(2))) >= (3, 2):
        pytest.skip("OpenSSL 3.2+ makes v3 leaves")
    view = decode(source_dir / "server-cert.pem", now=NOW, issuer=source_dir / "ca-cert.pem")
    assert view.to_dict()["version"] == 1 and view.to_dict()["extensions"] == []
    assert any("version 1" in w for w in view.warnings)
    assert view.signature.valid is True
    assert view.signature.rsa.recovered_digest == hashlib.sha256(view.signature.signed_bytes).digest()

