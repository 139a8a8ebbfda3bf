"""pkilesson.lessons._answers: the one normalisation every exercise check uses, and the labels it must know.

The labels are taken from the lessons' own views (decode, compare), so a view that
renames a label fails here rather than in a learner's notebook.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest
from cryptography import x509

from pkilesson import Settings, compare, decode, make_artifacts
from pkilesson.lessons._answers import (
    EKU,
    EXTENSION,
    FIELD,
    KEY_USAGE,
    read_booleans,
    read_date,
    read_file_names,
    read_host_names,
    read_letters,
    read_one,
    read_set,
    read_whole_number,
    squash,
)

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def made():
    return make_artifacts(Settings(), now=NOW)  # RSA: the server's keyUsage adds Key Encipherment


def test_squash_ignores_case_spaces_underscores_hyphens_and_quotes():
    assert squash('"Key-Cert Sign"') == squash("key_cert_sign") == squash("KEYCERTSIGN") == "keycertsign"
    assert squash("1.3.6.1.5.5.7.3.2") == "1.3.6.1.5.5.7.3.2"  # the dots of an OID stay


def test_every_key_usage_label_of_the_decoded_view_is_its_rfc_name(made):
    shown = decode(made.ca.certificate, now=NOW).field("ext:2.5.29.15").value  # "Certificate Sign, CRL Sign"
    assert read_set(shown, KEY_USAGE).names == {"keyCertSign", "cRLSign"}
    server = decode(made.server_certificate, now=NOW).field("ext:2.5.29.15").value
    assert read_set(server, KEY_USAGE).names == {"digitalSignature", "keyEncipherment"}
    for label, name in (("Certificate Sign", "keyCertSign"), ("CRL Sign", "cRLSign"), ("Digital Signature", "digitalSignature"),
                        ("Key Encipherment", "keyEncipherment"), ("Non Repudiation", "nonRepudiation"),
                        ("content_commitment", "nonRepudiation"), ("crl_sign", "cRLSign")):
        assert KEY_USAGE.lookup(label).name == name, label


def test_every_eku_label_of_the_decoded_view_is_its_rfc_name(made):
    for certificate, name in ((made.server_certificate, "serverAuth"), (made.client_certificate, "clientAuth")):
        shown = decode(certificate, now=NOW).field("ext:2.5.29.37").value  # "TLS Web Server Authentication"
        assert read_one(shown, EKU).names == {name}
    oid = x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH
    assert read_one(oid, EKU).names == {"clientAuth"}
    assert read_one("id-kp-serverAuth", EKU).names == {"serverAuth"}


def test_compare_and_decode_labels_name_the_fields_and_extensions(made):
    diff = compare(made.server_certificate, made.client_certificate, now=NOW)
    for row in diff.rows:
        if row.key.startswith("ext:"):
            assert EXTENSION.lookup(row.label) is not None, row.label
            assert EXTENSION.lookup(row.key) is not None, row.key
    labels = {f.key: f.label for f in decode(made.server_certificate, now=NOW).fields}
    for key, name in (("serial", "serialNumber"), ("issuer", "issuer"), ("subject", "subject"),
                      ("not_after", "notAfter"), ("not_before", "notBefore"), ("version", "version"),
                      ("signature_algorithm", "signatureAlgorithm"), ("public_key", "subjectPublicKeyInfo")):
        assert FIELD.lookup(labels[key]).name == name, labels[key]


def test_a_set_may_be_a_collection_or_one_string():
    wanted = {"issuer", "serialNumber"}
    for answer in (["Issuer", "Serial number"], ("serial_number", "ISSUER"), {"issuer", "serialNumber"},
                   frozenset({"Serial Number", "issuer"}), "issuer, serial number", "Issuer and Serial number",
                   "issuer serial", '{"issuer", "serialNumber"}', "tbsCertificate.issuer; tbsCertificate.serialNumber"):
        reading = read_set(answer, FIELD)
        assert reading.names == wanted and not reading.unknown and not reading.strangers, answer


def test_words_of_another_kind_and_unknown_words_are_told_apart():
    reading = read_set({"keyCertSign", "serverAuth", "frobnicate"}, KEY_USAGE)
    assert reading.names == {"keyCertSign"}
    assert [(w, t.name) for w, t in reading.strangers] == [("serverAuth", "serverAuth")]
    assert reading.unknown == ["frobnicate"]
    assert read_set(42, KEY_USAGE).problem == "an int is not a collection of names"


def test_one_item_may_be_a_string_or_a_one_item_collection():
    assert read_one(["clientAuth"], EKU).names == {"clientAuth"}
    assert read_one("TLS Web Client Authentication", EKU).names == {"clientAuth"}
    assert "2 items" in read_one(["clientAuth", "serverAuth"], EKU).problem


def test_letters():
    for answer in ({"a", "b"}, "a, b", "(a) (b)", "ab", "A and B", ["(a)", "b)"]):
        assert read_letters(answer, "abcdef") == ({"a", "b"}, [], ""), answer
    assert read_letters("a g", "abcdef")[1] == ["g"]


def test_dates():
    day = dt.date(2036, 11, 27)
    for answer in ("2036-11-27", " 2036/11/27 ", "2036-11-27T09:30:00Z", "2036-11-27 09:30 UTC (expires in 3650 days)",
                   "notAfter=Nov 27 09:30:00 2036 GMT", day, dt.datetime(2036, 11, 27, 9, 30, tzinfo=dt.timezone.utc),
                   dt.datetime(2036, 11, 27, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))):
        assert read_date(answer) == day, answer
    assert read_date("2036-11-27T23:30:00-05:00") == dt.date(2036, 11, 28)  # its UTC day
    assert read_date("27/11/2036") is None and read_date("soon") is None and read_date(20361127) is None


def test_file_and_host_names():
    assert read_file_names(["lab/source/ca-key.pem", "server-key.pem"]) == ["ca-key.pem", "server-key.pem"]
    assert read_file_names("ca-key.pem, client-key.pem") == ["ca-key.pem", "client-key.pem"]
    assert read_file_names(3) is None
    assert read_host_names("DNS:localhost, IP Address:127.0.0.1") == ["localhost", "127.0.0.1"]
    assert read_host_names(["LOCALHOST.", ipaddress.ip_address("::1"), x509.DNSName("a.test")]) == ["localhost", "::1", "a.test"]


def test_numbers_and_verdicts():
    assert [read_whole_number(a) for a in (364, "364", "364 days", 364.0, True, "soon", 1.5)] == [364, 364, 364, 364, None, None, None]
    assert read_booleans("True, False, ok") == [True, False, True]
    assert read_booleans(("accepted", "refused", "maybe")) == [True, False, None]
    assert read_booleans(3) is None
