"""Decoding: the explained fields, the byte view, the signature opened, comparisons, HTML and the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from html import escape
from html.parser import HTMLParser

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from pkilesson import (
    CLIENT,
    CertificateAuthority,
    DecodeError,
    compare,
    create_csr,
    decode,
    decode_all,
    generate_key,
    private_key_to_pem,
)
from pkilesson.pki.pem import to_pem

from conftest import NOW


def test_certificate_fields_and_validity(artifacts):
    view = decode(artifacts.server_certificate, now=NOW, issuer=artifacts.ca.certificate)
    cert = artifacts.server_certificate
    assert view.kind == "certificate" and view.encoding == "object"
    data = view.to_dict()
    assert data["version"] == 3
    assert int(data["serial"], 16) == cert.serial_number and data["serial"] == data["serial"].lower()
    assert data["not_before"] == "2026-11-26T12:00:00Z" and data["not_after"] == "2027-11-26T12:00:00Z"
    assert data["subject"] == cert.subject.rfc4514_string() and data["issuer"] == cert.issuer.rfc4514_string()
    assert view.field("validity").value == "valid for 365 more days"
    assert [e["name"] for e in data["extensions"]] == [
        "subjectAltName", "basicConstraints", "keyUsage", "extendedKeyUsage", "subjectKeyIdentifier",
        "authorityKeyIdentifier"]
    assert data["fingerprints"]["sha256"] == cert.fingerprint(hashes.SHA256()).hex()
    assert data["signature"]["valid"] is True
    for item in view.fields:
        assert item.value and item.meaning.endswith(".") and item.label
        if item.path:
            view.asn1.find(item.path)  # every field points at real bytes


@pytest.mark.parametrize("days, expected", [
    (-2, "not valid yet: starts in 2 days"),
    (0, "valid for 365 more days"),
    (364, "valid for 1 more days"),
    (365, "valid for less than a day more"),
    (400, "expired 35 days ago"),
])
def test_validity_is_relative_to_now(rsa_artifacts, days, expected):
    view = decode(rsa_artifacts.server_certificate, now=NOW + dt.timedelta(days=days))
    assert view.field("validity").value == expected
    assert (expected.startswith("valid for")) is (not view.warnings)


def test_rsa_walkthrough_recovers_the_digest_of_the_tbs(rsa_artifacts):
    check = decode(rsa_artifacts.server_certificate, now=NOW, issuer=rsa_artifacts.ca.certificate).signature
    assert check.signed_bytes == rsa_artifacts.server_certificate.tbs_certificate_bytes
    assert check.digest == hashlib.sha256(check.signed_bytes).digest()
    assert check.rsa.padding_ok and check.rsa.encoded[:2] == b"\x00\x01" and check.rsa.padding_length >= 8
    assert check.rsa.digest_algorithm == "sha256"
    assert check.rsa.recovered_digest == check.digest
    assert check.rsa.digest_info_tree.find("digest").length == 32
    assert check.valid is True and "Recovered digest: equals" in str(check)


def test_wrong_issuer_fails_and_shows_no_padding(rsa_artifacts):
    check = decode(rsa_artifacts.server_certificate, now=NOW, issuer=rsa_artifacts.client_certificate).signature
    assert check.valid is False and "does not match" in check.reason
    assert not check.rsa.padding_ok and check.rsa.recovered_digest is None


def test_no_issuer_means_not_checked_unless_self_signed(rsa_artifacts):
    assert decode(rsa_artifacts.server_certificate, now=NOW).signature.valid is None
    ca = decode(rsa_artifacts.ca.certificate, now=NOW).signature
    assert ca.valid is True and "its own public key" in ca.checked_with


def test_ecdsa_signature_opened(now):
    lab_ca = CertificateAuthority.create("/CN=EC CA", key_type="p384", now=now)
    csr = create_csr(generate_key("p256"), "/CN=client", sans=["client.example"])
    cert = lab_ca.issue(csr, CLIENT, now=now)
    check = decode(cert, now=now, issuer=lab_ca.certificate).signature
    assert (check.ecdsa_r, check.ecdsa_s) == decode_dss_signature(cert.signature)
    assert check.digest_algorithm == "sha384" and check.digest == hashlib.sha384(cert.tbs_certificate_bytes).digest()
    assert check.valid is True and "x coordinate" in str(check)
    tree = decode(cert, now=now).asn1
    assert tree.find("signature").children[0].type == "ECDSA_Sig_Value"


def test_ed25519_signature_has_no_separate_digest(now):
    ca = CertificateAuthority.create("/CN=Ed CA", key_type="ed25519", allow_ed25519=True, now=now)
    check = decode(ca.certificate, now=now).signature
    assert check.digest is None and check.valid is True
    assert "SHA-512(R ‖ A ‖ signed bytes)" in str(check)


def test_csr_proof_of_possession(rsa_artifacts):
    view = decode(rsa_artifacts.server_csr, now=NOW)
    assert view.field("proof_of_possession").value == "the self-signature checks"
    der = bytearray(rsa_artifacts.server_csr.public_bytes(serialization.Encoding.DER))
    at = der.index(b"localhost")
    der[at] = ord("L")  # the subject changes after signing
    broken = decode(bytes(der), now=NOW)
    assert broken.kind == "csr" and broken.field("proof_of_possession").value.startswith("FAILS")
    assert broken.warnings


def test_asn1_tree_names_from_the_modules(rsa_artifacts):
    tree = decode(rsa_artifacts.server_certificate, now=NOW).asn1
    after = tree.find("tbsCertificate.validity.notAfter")
    assert after.tag == "UTCTime" and after.value == "2027-11-26 12:00:00Z" and after.type == "Time: utcTime"
    assert tree.find("tbsCertificate.version").tag == "[0]"
    assert tree.find("tbsCertificate.subjectPublicKeyInfo.subjectPublicKey.publicExponent").value == "65537"
    san = tree.find("tbsCertificate.extensions[0].extnValue[0]")
    assert san.value == "localhost" and san.type == "GeneralName: dNSName" and san.encapsulated
    assert tree.to_dict()["children"][0]["name"] == "tbsCertificate"
    with pytest.raises(DecodeError, match="No field named"):
        tree.find("tbsCertificate.nothing")


def secrets_of(key) -> list[str]:
    """Every private number of ``key``, in the forms an output could show."""
    if isinstance(key, rsa.RSAPrivateKey):
        n = key.private_numbers()
        values = [n.d, n.p, n.q, n.dmp1, n.dmq1, n.iqmp]
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        values = [key.private_numbers().private_value]
    else:
        raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        values = [int.from_bytes(raw, "big")]
    forms = []
    for value in values:
        hexa = f"{value:x}"
        forms += [hexa[:24], hexa.upper()[:24], str(value)[:24], ":".join(hexa[i:i + 2] for i in range(0, 24, 2))]
    return forms


KEY_FORMATS = [(t, f) for t in ("rsa2048", "p256", "p384", "ed25519") for f in ("PKCS8", "TraditionalOpenSSL", "object")
               if (t, f) != ("ed25519", "TraditionalOpenSSL")]  # Ed25519 keys have only the PKCS#8 form


@pytest.mark.parametrize("key_type, fmt", KEY_FORMATS)
def test_private_keys_never_show_private_numbers(key_type, fmt):
    """PKCS#8, PKCS#1 / SEC 1 (TraditionalOpenSSL) and key objects: no private number in any output."""
    key = generate_key(key_type)
    if fmt == "object":
        data = key
    else:
        data = key.private_bytes(serialization.Encoding.PEM, getattr(serialization.PrivateFormat, fmt),
                                 serialization.NoEncryption())
    view = decode(data, now=NOW)
    assert view.kind == "private key" and "PRIVATE key" in view.warnings[0]
    outputs = [str(view), repr(view), view._repr_html_(), json.dumps(view.to_dict(asn1=True)), str(view.asn1),
               view.asn1._repr_html_(), view.highlight(view.asn1.root.name), repr(view.asn1), view.asn1.data.hex()]
    pem_body = private_key_to_pem(key).decode().splitlines()[1]
    for secret in secrets_of(key) + [pem_body]:
        for text in outputs:
            assert secret.lower() not in text.lower()
    assert any(n.secret for _, n in view.asn1.nodes())


def test_public_key_file(rsa_artifacts):
    pem = rsa_artifacts.server_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    view = decode(pem, now=NOW)
    assert view.kind == "public key" and view.to_dict()["public_key"]["size"] == 2048
    assert view.asn1.find("subjectPublicKey.modulus").encapsulated


def test_crl(rsa_artifacts):
    ca = rsa_artifacts.ca
    revoked = x509.RevokedCertificateBuilder().serial_number(rsa_artifacts.client_certificate.serial_number) \
        .revocation_date(NOW).build()
    crl = (x509.CertificateRevocationListBuilder().issuer_name(ca.certificate.subject).last_update(NOW)
           .next_update(NOW + dt.timedelta(days=7)).add_revoked_certificate(revoked)
           .add_extension(x509.CRLNumber(1), critical=False).sign(ca.key, hashes.SHA256()))
    view = decode(crl.public_bytes(serialization.Encoding.PEM), now=NOW + dt.timedelta(days=8), issuer=ca.certificate)
    data = view.to_dict()
    assert data["type"] == "crl" and int(data["revoked"][0]["serial"], 16) == rsa_artifacts.client_certificate.serial_number
    assert view.signature.valid is True and "stale" in view.warnings[0]
    assert view.asn1.find("tbsCertList.thisUpdate").value == "2026-11-26 12:00:00Z"


def test_compare_server_and_client(rsa_artifacts):
    diff = compare(rsa_artifacts.server_certificate, rsa_artifacts.client_certificate, now=NOW)
    assert diff.row("ext:2.5.29.37").values == (
        "not critical: TLS Web Server Authentication", "not critical: TLS Web Client Authentication"
    )
    assert diff.row("ext:2.5.29.19").same and diff.row("issuer").same
    keys = {r.key for r in diff.differences}
    assert {"serial", "subject", "ext:2.5.29.17", "ext:2.5.29.15", "ext:2.5.29.37"} <= keys
    assert "sha256" not in keys
    assert "≠ extendedKeyUsage" in str(diff)
    with pytest.raises(DecodeError, match="Cannot compare"):
        compare(rsa_artifacts.server_certificate, rsa_artifacts.server_csr, now=NOW)


def test_compare_sees_a_change_of_criticality_alone(rsa_artifacts):
    """Two certificates equal but for extendedKeyUsage being marked critical: one difference."""
    from cryptography import x509 as cx509

    original = rsa_artifacts.server_certificate
    builder = (
        cx509.CertificateBuilder().subject_name(original.subject).issuer_name(original.issuer)
        .public_key(original.public_key()).serial_number(original.serial_number)
        .not_valid_before(original.not_valid_before_utc).not_valid_after(original.not_valid_after_utc)
    )
    for ext in original.extensions:
        critical = True if isinstance(ext.value, cx509.ExtendedKeyUsage) else ext.critical
        builder = builder.add_extension(ext.value, critical=critical)
    changed = builder.sign(rsa_artifacts.ca.key, original.signature_hash_algorithm)
    diff = compare(original, changed, now=NOW)
    assert [r.key for r in diff.differences] == ["ext:2.5.29.37"]
    assert diff.row("ext:2.5.29.37").values[1].startswith("critical: ")


# -- HTML ---------------------------------------------------------------------------------------


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.rows, self.marks, self.stack, self.text = [], [], 0, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "tr" and "data-path" in attrs:
            self.rows.append(attrs)
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data):
        if "mark" in self.stack:
            self.marks += len(data.split())
        self.text.append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    assert collector.stack == [], "every tag is closed"
    return collector


def test_html_view_structure_and_themes(rsa_artifacts):
    view = decode(rsa_artifacts.server_certificate, now=NOW, issuer=rsa_artifacts.ca.certificate)
    html = view._repr_html_()
    page = parse(html)
    field_rows = [r for r in page.rows if "data-offset" not in r]
    assert [r["data-path"] for r in field_rows] == [f.path for f in view.fields]
    byte_rows = [r for r in page.rows if "data-offset" in r]
    assert [(int(r["data-offset"]), r["data-path"]) for r in byte_rows] == [(n.offset, n.name) for _, n in view.asn1.nodes()]
    text = "".join(page.text)
    assert "valid for 365 more days" in text and "Recovered digest" in text
    assert "var(--jp-" in html and "color:inherit" in html
    for light_only in ("#fff", "background:#", "background-color:#"):
        assert light_only not in html.lower()
    assert not re.search(r"(?:color|background)[^;{}]*white", html.lower())  # white-space is no colour


def test_highlight_marks_exactly_the_fields_bytes(rsa_artifacts):
    view = decode(rsa_artifacts.server_certificate, now=NOW)
    node = view.asn1.find("tbsCertificate.validity.notAfter")
    marked = view.highlight("tbsCertificate.validity.notAfter")
    page = parse(marked)
    first, rest = marked.split("<details>", 1)
    assert parse(first + "</div>").marks == node.end - node.offset == 15  # shown first, before any click
    assert page.marks == 2 * 15  # and again in the whole dump, folded
    chosen = [attrs for tag, attrs in page.tags if tag == "tr" and attrs.get("class") == "chosen"]
    # marked in its own branch of the tree, shown first, and in the whole tree, folded
    assert [c["data-path"] for c in chosen] == ["tbsCertificate.validity.notAfter"] * 2
    with pytest.raises(DecodeError):
        view.highlight("no.such.field")


def test_comparison_html(rsa_artifacts):
    page = parse(compare(rsa_artifacts.server_certificate, rsa_artifacts.client_certificate, now=NOW)._repr_html_())
    differs = [attrs for tag, attrs in page.tags if tag == "tr" and attrs.get("class") == "differs"]
    assert len(differs) >= 5


def test_comparison_rows_explained_once(rsa_artifacts):
    """A comparison shows values; each field's meaning is written in its decoded view, not again here (#12)."""
    comparison = compare(rsa_artifacts.server_certificate, rsa_artifacts.client_certificate, now=NOW)
    html = comparison._repr_html_()
    text = re.sub(r'title="[^"]*"', "", html)  # hover reminders aside, what a learner reads
    rows = comparison.rows + comparison.summary
    assert not [r.label for r in rows if escape(r.meaning) in text]
    assert "decoded view" in text
    decoded = re.sub(r'title="[^"]*"', "", comparison.left._repr_html_())
    for row in comparison.rows:  # explained where the field is decoded, once
        assert decoded.count(escape(row.meaning)) == 1, row.label


# -- the command line ------------------------------------------------------------------------------


def inspect(*args):
    return subprocess.run([sys.executable, "-m", "pkilesson.cli", "inspect", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_cli_json_has_the_fields_of_the_issue(workspace_dir):
    done = inspect(workspace_dir / "server-cert.pem", "--json", "--asn1", "--issuer", workspace_dir / "ca-cert.pem",
                   "--at", "2026-11-26T12:00:00Z")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"type", "version", "serial", "subject", "issuer", "not_before", "not_after", "public_key", "extensions",
            "fingerprints", "signature", "asn1"} <= set(data)
    assert data["not_after"].endswith("Z") and data["public_key"]["algorithm"] == "RSA"
    assert data["public_key"]["size"] == 2048 and data["signature"]["valid"] is True
    assert set(data["extensions"][0]) == {"oid", "name", "critical", "value"}
    assert set(data["asn1"]) >= {"offset", "header_length", "length", "tag", "name", "children"}
    assert data["validity"] == "valid for 365 more days"


def test_cli_text_bundle_and_key(workspace_dir, tmp_path):
    bundle = tmp_path / "chain.pem"
    bundle.write_bytes((workspace_dir / "server-cert.pem").read_bytes() + (workspace_dir / "ca-cert.pem").read_bytes())
    done = inspect(bundle)
    assert done.returncode == 0 and "block 1 of 2 (a bundle)" in done.stdout and "block 2 of 2" in done.stdout
    data = json.loads(inspect(bundle, "--json").stdout)
    assert data["type"] == "bundle" and [i["type"] for i in data["items"]] == ["certificate", "certificate"]
    done = inspect(workspace_dir / "server-key.pem", "--asn1")
    assert done.returncode == 0 and "(secret, not shown)" in done.stdout and "PRIVATE key" in done.stdout


@pytest.mark.parametrize("content, fragment", [
    (b"", "is empty"),
    (b"hello", "neither PEM"),
    (b"\x30\x82\x01", "not valid DER"),
    (b"-----BEGIN CERTIFICATE-----\nMII=\n", "no matching '-----END'"),
    (b"-----BEGIN DH PARAMETERS-----\nMAA=\n-----END DH PARAMETERS-----\n", "does not decode"),
])
def test_cli_bad_input_exits_2_with_one_line(tmp_path, content, fragment):
    path = tmp_path / "bad.pem"
    path.write_bytes(content)
    done = inspect(path)
    assert done.returncode == 2 and fragment in done.stderr and "Fix:" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_decode_refuses_a_bundle_but_decode_all_reads_each(rsa_artifacts):
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (rsa_artifacts.server_certificate, rsa_artifacts.ca.certificate))
    with pytest.raises(DecodeError, match="bundle of 2 PEM blocks.*decode_all"):
        decode(pem, now=NOW)
    assert [d.title for d in decode_all(pem, now=NOW)][1].endswith("pkilesson Root CA")


def test_wrong_pem_label(rsa_artifacts):
    der = rsa_artifacts.server_certificate.public_bytes(serialization.Encoding.DER)
    with pytest.raises(DecodeError, match="not a valid private key .its PEM label says PRIVATE KEY"):
        decode(to_pem("PRIVATE KEY", der), now=NOW)


def test_encrypted_key_is_refused_with_a_fix(rsa_artifacts):
    with pytest.raises(DecodeError, match="encrypted.*Fix: decrypt"):
        decode(private_key_to_pem(rsa_artifacts.server_key, "pw"), now=NOW)


def test_der_input_is_detected(artifacts):
    for obj, kind in ((artifacts.server_certificate, "certificate"), (artifacts.server_csr, "csr")):
        assert decode(obj.public_bytes(serialization.Encoding.DER), now=NOW).kind == kind
    key_der = artifacts.client_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption())
    assert decode(key_der, now=NOW).kind == "private key"
    assert isinstance(artifacts.client_key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey))


def test_a_csr_always_says_which_extensions_it_requests(rsa_artifacts):
    """Issue #12: 02's comparison said 'Requested extensions: none | (absent)' although ours asks for a SAN."""
    from pkilesson import create_csr, generate_key

    bare = create_csr(generate_key("p256"), "/CN=localhost")
    row = compare(bare, rsa_artifacts.server_csr, now=NOW).row("requested_extensions")
    assert row.values == ("none", "subjectAltName") and not row.same
