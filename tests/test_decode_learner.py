"""Issue #19, a novice's path: decode() shows first what a learner needs, in plain words, in one screen;
every field, the signature opened and the bytes stay one click away in the same output."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from pkilesson import compare, decode, generate_key, private_key_to_pem
from pkilesson.lessons.prose import EXPERT

from conftest import NOW

MAX_ROWS = 10  # rows a learner sees without a click
MAX_ROW_TEXT = 120  # characters of visible text in one of them
#: Words of the RFCs that the learner's rows never use (they stay in "Every field").
JARGON = re.compile(r"basicConstraints|keyUsage|extendedKeyUsage|subjectAltName|KeyIdentifier|SubjectPublicKeyInfo"
                    r"|SPKI|TBS|PKCS|DER\b|ASN\.1|OID|serverAuth|clientAuth|critical|modulus|exponent|"
                    + "|".join(v for k, v in EXPERT.items() if k != "bytes"))  # dates look like hex bytes


class Visible(HTMLParser):
    """What shows before any click (every <details> closed but its <summary>): the table rows outside the
    folds with their visible text, and the text of each top-level fold (not the folds of long values)."""

    def __init__(self):
        super().__init__()
        self.stack, self.rows, self.text, self.folded = [], [], [], []
        self.fold = None  # the stack depth of the top-level fold we are in

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "wbr"):
            return
        if tag == "tr" and self.fold is None:
            self.rows.append("")
        if tag == "details" and self.fold is None and dict(attrs).get("class") != "long":
            self.fold = len(self.stack)
            self.folded.append("")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()
        if self.fold is not None and len(self.stack) == self.fold:
            self.fold = None

    def handle_data(self, data):
        if "style" in self.stack:
            return
        if self.fold is not None:
            self.folded[-1] += data
        if self.stack.count("details") == self.stack.count("summary"):  # shown before any click
            self.text.append(data)
            if self.fold is None and "tr" in self.stack:
                self.rows[-1] += data


def visible(page: str) -> Visible:
    parser = Visible()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], "every tag is closed"
    return parser


def check_one_screen(view) -> Visible:
    """At most MAX_ROWS rows outside <details>, none longer than MAX_ROW_TEXT characters, no RFC words."""
    page = visible(view._repr_html_())
    assert 1 <= len(page.rows) <= MAX_ROWS, page.rows
    for row in page.rows:
        assert len(row) <= MAX_ROW_TEXT, row
        assert not JARGON.search(row), row
    return page


def rows(view) -> dict:
    return {row.key: row.value for row in view.summary}


@pytest.fixture(scope="module")
def crl(rsa_artifacts):
    ca = rsa_artifacts.ca
    revoked = (x509.RevokedCertificateBuilder().serial_number(rsa_artifacts.client_certificate.serial_number)
               .revocation_date(NOW).add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
               .build())
    return (x509.CertificateRevocationListBuilder().issuer_name(ca.certificate.subject).last_update(NOW)
            .next_update(NOW + dt.timedelta(days=7)).add_revoked_certificate(revoked)
            .add_extension(x509.CRLNumber(1), critical=False).sign(ca.key, hashes.SHA256()))


def views(rsa_artifacts, crl):
    a = rsa_artifacts
    return {
        "server certificate": decode(a.server_certificate, now=NOW, issuer=a.ca.certificate),
        "CA certificate": decode(a.ca.certificate, now=NOW),
        "client certificate": decode(a.client_certificate, now=NOW, issuer=a.ca.certificate),
        "CSR": decode(a.server_csr, now=NOW),
        "CRL": decode(crl, now=NOW, issuer=a.ca.certificate),
        "private key": decode(a.server_key, now=NOW),
        "public key": decode(a.server_key.public_key(), now=NOW),
    }


@pytest.mark.parametrize("kind", ["server certificate", "CA certificate", "client certificate", "CSR", "CRL",
                                  "private key", "public key"])
def test_the_default_view_fits_one_screen_and_folds_every_field(rsa_artifacts, crl, kind):
    view = views(rsa_artifacts, crl)[kind]
    page = check_one_screen(view)
    assert [len(r) > 0 for r in page.rows] == [True] * len(page.rows)
    everything = html.unescape(page.folded[0])
    assert page.folded[0].startswith(f"Every field ({len(view.fields)})")
    for item in view.fields:  # today's field table, whole, inside the first fold
        assert item.label in everything and item.value in everything and item.meaning in everything
    shown = "".join(page.text)
    for item in view.fields:  # long values show a prefix before the click
        if len(item.value) > 200:
            assert item.value not in shown
    if view.signature is not None:
        assert any(f.startswith("The signature, opened") for f in page.folded)
    assert any(f.startswith("The bytes (DER") for f in page.folded)


def test_the_learner_rows_of_the_workflow(rsa_artifacts, crl):
    v = {kind: rows(view) for kind, view in views(rsa_artifacts, crl).items()}
    server, ca, client = v["server certificate"], v["CA certificate"], v["client certificate"]
    assert server["for_whom"] == "localhost (organisation pkilesson, country FR)"
    assert server["names"] == "localhost, 127.0.0.1" and client["names"] == "client.localhost"
    assert server["signed_by"] == "pkilesson Root CA (organisation pkilesson, country FR)"
    assert server["valid_from"] == "2026-11-26 12:00 UTC"
    assert server["valid_until"] == "2027-11-26 12:00 UTC (expires in 365 days)"
    assert server["purpose"] == "a TLS server; not a CA; its key may sign and encrypt keys"
    assert client["purpose"] == "a TLS client; not a CA; its key may sign"
    assert server["key"] == "RSA, 2048 bits"
    spki = rsa_artifacts.server_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert server["key_fingerprint"].replace(":", "").lower() == hashes_sha256(spki)
    assert server["signature"] == "valid: checked with the public key of pkilesson Root CA"
    assert ca["signed_by"] == "itself (self-signed)" and "names" not in ca
    assert ca["purpose"] == "a CA: it may sign certificates and revocation lists"
    assert ca["signature"] == "valid: checked with its own public key"
    csr = v["CSR"]
    assert csr["for_whom"].startswith("localhost") and csr["names"] == "localhost, 127.0.0.1"
    assert csr["key_fingerprint"] == server["key_fingerprint"] == v["private key"]["key_fingerprint"]
    assert csr["proof_of_possession"].startswith("ok: ")
    serial = f"{rsa_artifacts.client_certificate.serial_number:x}"
    assert v["CRL"]["revoked"].endswith(f"1 certificate, by serial: {serial.zfill(len(serial) + len(serial) % 2)} "
                                        "(key stolen or lost)")
    assert v["CRL"]["next_update"] == "2026-12-03 12:00 UTC (due in 7 days)"
    assert v["public key"]["key_fingerprint"] == server["key_fingerprint"]


def hashes_sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_the_learner_rows_follow_now_and_the_issuer(rsa_artifacts):
    later = decode(rsa_artifacts.server_certificate, now=NOW + dt.timedelta(days=400))
    assert rows(later)["valid_until"].endswith("(expired 35 days ago)") and "signature" not in rows(later)
    early = decode(rsa_artifacts.server_certificate, now=NOW - dt.timedelta(days=2))
    assert rows(early)["valid_from"].endswith("(not valid yet: starts in 2 days)")
    wrong = decode(rsa_artifacts.server_certificate, now=NOW, issuer=rsa_artifacts.server_certificate)
    assert rows(wrong)["signature"].startswith("FAILS with the public key of localhost: ")


def test_the_text_form_starts_with_the_learner_rows_then_every_field(rsa_artifacts):
    text = str(decode(rsa_artifacts.server_certificate, now=NOW))
    head, tail = text.split("\nEvery field:\n")
    assert "For whom:" in head and "May be used for:" in head and "modulus" not in head
    assert "Serial number:" in tail and "modulus n = " in tail and "Signature:" in tail


def test_the_text_a_notebook_stores_beside_the_html_is_the_learner_rows(rsa_artifacts):
    from IPython.lib.pretty import pretty

    view = decode(rsa_artifacts.server_certificate, now=NOW)
    text = pretty(view)
    assert text.splitlines()[1].startswith("  For whom:") and "modulus" not in text and len(text) < 1000
    assert text.endswith(f"({len(view.fields)} fields: print() shows every one)")
    diff = pretty(compare(rsa_artifacts.server_certificate, rsa_artifacts.client_certificate, now=NOW))
    assert "≠ May be used for" in diff and "modulus" not in diff and len(diff) < 1500
    assert repr(view).startswith("Decoded(kind='certificate'")  # repr() itself is unchanged


def test_long_values_open_to_the_whole_value(rsa_artifacts):
    view = decode(rsa_artifacts.server_certificate, now=NOW)
    page = view._repr_html_()
    modulus = f"{rsa_artifacts.server_key.public_key().public_numbers().n:x}"
    assert modulus in page and modulus not in "".join(visible(page).text)
    fingerprint = rows(view)["key_fingerprint"]
    assert f'<details class="long"><summary title="show the whole value"><span>{fingerprint[:23]}…</span></summary>' \
           f"{fingerprint}</details>" in page
    assert "overflow-wrap:anywhere" in page


def test_a_long_list_of_names_shows_whole_names_then_how_many_more():
    from pkilesson.decoding._views import shorten

    names = ", ".join(f"host{i}.a-rather-long-subdomain.example.org" for i in range(20))
    shown = shorten(names)
    assert re.fullmatch(r"(host\d+\.a-rather-long-subdomain\.example\.org, )+… (\d+) more", shown), shown
    assert shown.count("host") + int(shown.split("… ")[1].split()[0]) == 20 and len(shown) <= 96


def test_a_private_key_file_shows_its_mode_and_never_its_secret(tmp_path):
    key = generate_key("p256")
    path = tmp_path / "server-key.pem"
    path.write_bytes(private_key_to_pem(key))
    path.chmod(0o644)
    view = decode(path, now=NOW)
    page = check_one_screen(view)
    assert rows(view)["file_mode"] == "0644: others can read it, not only its owner"
    assert "chmod 600" in "".join(page.text)  # the warning, in full
    secret = f"{key.private_numbers().private_value:x}"
    assert secret not in view._repr_html_() and secret not in str(view)


def test_comparison_shows_the_learner_rows_side_by_side_first(rsa_artifacts):
    diff = compare(rsa_artifacts.server_certificate, rsa_artifacts.client_certificate, now=NOW)
    page = visible(diff._repr_html_())
    assert len(page.rows) <= MAX_ROWS + 1  # and the header
    shown = {r.key: r.same for r in diff.summary}
    assert shown["purpose"] is False and shown["signed_by"] is True and shown["for_whom"] is False
    assert page.folded[0].startswith(f"Every field ({len(diff.rows)}): {len(diff.differences)} differ, listed first")
    assert "In short:" in str(diff) and "≠ extendedKeyUsage" in str(diff)


def test_highlight_shows_the_marked_bytes_first_and_folds_the_rest(rsa_artifacts):
    """The field's lines of hex with two lines of context, its own branch of the tree, the rest folded (issue #12)."""
    view = decode(rsa_artifacts.server_certificate, now=NOW)
    spki = view.asn1.find("tbsCertificate.subjectPublicKeyInfo")
    html_ = view.highlight(spki.name)
    page = visible(html_)
    excerpt = re.search(r'<pre class="hex excerpt">(.*?)</pre>', html_, re.S).group(1).split("\n")
    assert "(12 more lines)" in "".join(page.text) and len(excerpt) == 8 + 2 + 2
    assert int(excerpt[0][:6], 16) == (spki.offset // 16 - 2) * 16  # two lines before the field's first
    assert "<mark" not in excerpt[0] + excerpt[1] + excerpt[-1] + excerpt[-2]
    # its branch: the header, the nodes that hold it (Certificate, tbsCertificate), it, and what it holds
    branch = re.search(r'<table class="tree branch">(.*?)</table>', html_, re.S).group(1)
    paths = re.findall(r'<tr data-path="([^"]*)"', branch)
    assert paths[:3] == ["Certificate", "tbsCertificate", spki.name]
    assert all(p.startswith(spki.name) for p in paths[2:]) and len(paths) == len(page.rows) - 1 <= 3 + 12
    assert [f.split(" (")[0] for f in page.folded] == ["The whole file in hex", "The tree"]
    branch = re.search(r'<table class="tree branch">(.*?)</table>', view.highlight("tbsCertificate.validity.notAfter"),
                       re.S).group(1)
    assert re.findall(r'<tr data-path="([^"]*)"', branch) == [
        "Certificate", "tbsCertificate", "tbsCertificate.validity", "tbsCertificate.validity.notAfter"]
    whole = visible(view.highlight("tbsCertificate"))  # a big field: its first nodes, then how many more
    assert len(whole.rows) == 1 + 1 + 1 + 12 + 1 and re.search(r"⋮ \d+ more nodes inside it", whole.rows[-1])


# -- the source's v1 files, made by the real openssl ------------------------------------------------


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    from pkilesson.lessons.lesson import run_source_step
    from conftest import require_tool

    require_tool("openssl", "the source's commands are run by the real openssl")
    folder = tmp_path_factory.mktemp("source")
    assert run_source_step(3, folder).ran
    return folder


def test_the_learner_rows_of_the_source_s_v1_files(source):
    ca = decode(source / "ca-cert.pem")
    server = decode(source / "server-cert.pem", issuer=source / "ca-cert.pem")
    request, key = decode(source / "server-req.pem"), decode(source / "ca-key.pem")
    for view in (ca, server, request, key):
        check_one_screen(view)
    assert rows(ca)["signed_by"] == "itself (self-signed)"
    assert rows(ca)["purpose"] == "a CA, but with no list of what its key may do: strict checkers refuse what it signs"
    assert "no key usage" in "".join(visible(ca._repr_html_()).text)  # the warning, in plain words first
    assert rows(server)["for_whom"] == "localhost (organisation Lab, country FR)"
    assert rows(server)["signed_by"] == "Lab CA (organisation Lab, country FR)"
    assert rows(server)["purpose"].startswith("not said: a version 1 certificate")
    assert rows(server)["names"] == "none listed (only the name above)"
    assert rows(server)["signature"] == "valid: checked with the public key of Lab CA"
    assert rows(request)["names"] == "none" and rows(request)["proof_of_possession"].startswith("ok")
    assert rows(key)["key_fingerprint"] == rows(ca)["key_fingerprint"]
    assert rows(key)["file_mode"].startswith("0644")
