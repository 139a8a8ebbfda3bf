"""A CRL decodes like every other artifact: each revoked serial with its date and reason, the CRL's
dates, number and authorityKeyIdentifier, and its signature checked with the CA's certificate."""

from __future__ import annotations

import datetime as dt

from pkilesson import Settings, decode, run_workflow
from pkilesson.pki.revocation import revoke


def test_decoded_crl_shows_the_reason_dates_number_and_aki(tmp_path):
    result = run_workflow(tmp_path / "lab", Settings(key_type="p256"))
    now = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)
    crl = revoke(tmp_path / "lab", tmp_path / "lab" / "client-cert.pem", reason="keyCompromise", now=now)
    decoded = decode(crl, issuer=result.artifacts.ca.certificate, now=now)
    serial = f"{result.artifacts.client_certificate.serial_number:x}"
    assert decoded.field("revoked").value.endswith(f"{serial} on 2026-11-26T12:00:00Z, reason keyCompromise")
    assert decoded.field("this_update").value == "2026-11-26T12:00:00Z"
    assert decoded.field("next_update").value == "2026-12-03T12:00:00Z"
    text = str(decoded)
    assert "cRLNumber (not critical): 1" in text and "authorityKeyIdentifier" in text
    assert decoded.signature.valid
    assert decoded.to_dict()["revoked"][0]["reason"] == "keyCompromise"
