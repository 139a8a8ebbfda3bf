"""Bad input to the decoder: only our error family, never a crash or a hang.

The fuzz test feeds 10,000 inputs (hypothesis; ``FUZZ_EXAMPLES`` below):
real certificates, CSRs, keys and CRL-shaped files with bytes flipped,
inserted, deleted or cut, random bytes, and all of these wrapped in PEM
armour of a right or wrong label. Each input must decode, or raise a
:class:`~pkilesson.errors.PkiLessonError` whose message is one line with a
fix; a decoded one must also render as text, HTML and JSON. It runs in about
half a minute here; ``deadline=None`` because the first examples pay for the
ASN.1 modules' import.
"""

from __future__ import annotations

import json
import random

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings, strategies as st

from pkilesson import DecodeError, PkiLessonError, decode, decode_all
from pkilesson.pki.pem import to_pem

from conftest import NOW

#: How many inputs the fuzz test tries (the issue asks for at least 10,000).
FUZZ_EXAMPLES = 10_000
LABELS = ["CERTIFICATE", "CERTIFICATE REQUEST", "PRIVATE KEY", "PUBLIC KEY", "X509 CRL", "EC PRIVATE KEY"]


def samples(artifacts) -> list[bytes]:
    der = serialization.Encoding.DER
    return [
        artifacts.server_certificate.public_bytes(der),
        artifacts.ca.certificate.public_bytes(der),
        artifacts.server_csr.public_bytes(der),
        artifacts.server_key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        artifacts.server_key.public_key().public_bytes(der, serialization.PublicFormat.SubjectPublicKeyInfo),
    ]


def check_decodes_or_fails_cleanly(data) -> None:
    try:
        items = decode_all(data, now=NOW)
    except PkiLessonError as exc:
        text = str(exc)
        assert "\n" not in text and "Fix: " in text and exc.problem and exc.fix, text
        return
    for item in items:  # whatever decodes must also render
        assert str(item) and item._repr_html_()
        json.dumps(item.to_dict(asn1=True))


@st.composite
def damaged(draw, originals):
    data = bytearray(draw(st.sampled_from(originals)))
    how = draw(st.sampled_from(["flip", "flip", "cut", "insert", "delete", "random", "length"]))
    if how == "flip":
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
    elif how == "cut":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "insert":
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=8))
    elif how == "delete":
        at = draw(st.integers(0, len(data) - 1))
        del data[at : at + draw(st.integers(1, 8))]
    elif how == "length":  # the length bytes of a node near the start: the riskiest for a TLV walker
        at = draw(st.integers(1, min(40, len(data) - 1)))
        data[at] = draw(st.sampled_from([0x00, 0x7F, 0x80, 0x81, 0x84, 0x85, 0xFF]))
    else:
        data = bytearray(draw(st.binary(max_size=300)))
        if draw(st.booleans()):
            data[:0] = b"\x30"
    if draw(st.booleans()) and data:
        return to_pem(draw(st.sampled_from(LABELS)), bytes(data))
    return bytes(data)


def test_fuzz_only_our_errors(rsa_artifacts):
    originals = samples(rsa_artifacts)

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(damaged(originals))
    def run(data):
        check_decodes_or_fails_cleanly(data)

    run()


@pytest.mark.parametrize("case", ["empty", "blank", "bad base64", "truncated PEM", "no end", "wrong label",
                                  "unknown label", "random DER", "text", "trailing bytes", "indefinite length",
                                  "deep nesting"])
def test_named_bad_inputs(rsa_artifacts, case):
    cert = rsa_artifacts.server_certificate.public_bytes(serialization.Encoding.DER)
    pem = to_pem("CERTIFICATE", cert)
    data = {
        "empty": b"",
        "blank": b"  \n\n",
        "bad base64": b"-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n",
        "truncated PEM": pem[: len(pem) // 2] + b"\n-----END CERTIFICATE-----\n",
        "no end": pem[:200],
        "wrong label": to_pem("X509 CRL", cert),
        "unknown label": to_pem("DH PARAMETERS", b"\x30\x00"),
        "random DER": b"\x30" + random.Random(3).randbytes(500),
        "text": "ceci n'est pas un certificat",
        "trailing bytes": cert + b"\x00\x00",
        "indefinite length": b"\x30\x80" + cert[4:] + b"\x00\x00",
        "deep nesting": b"\x30\x02" * 60,
    }[case]
    with pytest.raises(PkiLessonError) as info:
        decode(data, now=NOW)
    assert "Fix: " in str(info.value) and "\n" not in str(info.value)


def test_bad_arguments():
    with pytest.raises(PkiLessonError, match="got int"):
        decode(12345, now=NOW)
    with pytest.raises(PkiLessonError, match="no time zone"):
        decode(b"", now=NOW.replace(tzinfo=None))


def test_duplicate_extension_found_by_the_fuzzer(rsa_artifacts):
    """A flipped byte turned keyUsage (2.5.29.15) into a second subjectKeyIdentifier (2.5.29.14):
    cryptography raises DuplicateExtension when the extensions are read; we say the file is damaged."""
    from cryptography.hazmat.primitives import serialization

    der = bytearray(rsa_artifacts.server_certificate.public_bytes(serialization.Encoding.DER))
    key_usage = bytes.fromhex("0603551d0f")  # OID 2.5.29.15
    der[der.index(key_usage) + 4] = 0x0E
    with pytest.raises(DecodeError, match="not a valid certificate"):
        decode(bytes(der), now=NOW)
