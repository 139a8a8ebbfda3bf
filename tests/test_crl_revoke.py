"""Revocation keeps the CA's list honest (issue #11): what revoke() refuses, and what it carries over."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from cryptography import x509

from pkilesson import IssuanceError, PkiLessonError, Settings, Workspace, WorkspaceError, make_artifacts
from pkilesson.pki.certificates import certificate_to_pem
from pkilesson.pki.keys import signature_hash
from pkilesson.pki.revocation import CRL_FILE, crl_to_pem, is_revoked, load_crl, make_crl, revoke

from conftest import NOW


@pytest.fixture(scope="module")
def sets():
    return make_artifacts(Settings(key_type="p256"), now=NOW), make_artifacts(Settings(key_type="p256"), now=NOW)


@pytest.fixture
def lab(tmp_path, sets):
    folder = tmp_path / "lab"
    sets[0].save(Workspace(folder))
    return folder


def crl_number(crl) -> int:
    return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number


def test_a_crl_without_a_number_is_carried_over(lab, sets):
    """Finding 5: a ca-crl.pem without CRL Number ('openssl ca -gencrl' with no crlnumber file): traceback."""
    ca = sets[0].ca
    entry = x509.RevokedCertificateBuilder().serial_number(12345).revocation_date(NOW).build()
    unnumbered = (x509.CertificateRevocationListBuilder().issuer_name(ca.subject).last_update(NOW)
                  .next_update(NOW + dt.timedelta(days=7)).add_revoked_certificate(entry)
                  .sign(ca.key, signature_hash(ca.key)))
    (lab / CRL_FILE).write_bytes(crl_to_pem(unnumbered))
    crl = revoke(lab, lab / "client-cert.pem", now=NOW)
    assert crl_number(crl) == 1
    assert sorted(e.serial_number for e in crl) == sorted([12345, sets[0].client_certificate.serial_number])
    assert crl_number(revoke(lab, lab / "server-cert.pem", now=NOW)) == 2


@pytest.mark.parametrize("foreign", ["another CA's", "same name, another key"])
def test_a_crl_this_ca_did_not_sign_is_refused(lab, sets, foreign):
    """Finding 12: a foreign ca-crl.pem had its entries re-signed with no issuer or signature check."""
    other = sets[1].ca
    entry = x509.RevokedCertificateBuilder().serial_number(666).revocation_date(NOW).build()
    crl = make_crl(other, [entry], now=NOW)  # both CAs are 'pkilesson Root CA': only the signature differs
    if foreign == "another CA's":
        builder = (x509.CertificateRevocationListBuilder().issuer_name(x509.Name.from_rfc4514_string("CN=Other CA"))
                   .last_update(NOW).next_update(NOW + dt.timedelta(days=1)).add_revoked_certificate(entry))
        crl = builder.sign(other.key, signature_hash(other.key))
    (lab / CRL_FILE).write_bytes(crl_to_pem(crl))
    before = (lab / CRL_FILE).read_bytes()
    with pytest.raises(WorkspaceError, match="was not signed by this workspace's CA.*move .* away"):
        revoke(lab, lab / "client-cert.pem", now=NOW)
    assert (lab / CRL_FILE).read_bytes() == before


def test_the_ca_cannot_revoke_itself(lab):
    """Finding 12: the CA could list its own certificate in its own CRL."""
    with pytest.raises(IssuanceError, match="the CA's own certificate.*make a new CA"):
        revoke(lab, lab / "ca-cert.pem", now=NOW)
    assert not (lab / CRL_FILE).exists()


def test_revoke_checks_every_argument_before_writing(lab, sets):
    bad = [
        (dict(reason=5), "Unknown revocation reason"),
        (dict(days="7"), "days= must be a whole number"),
        (dict(days=0), "impossible"),
        (dict(now="today"), "now must be a datetime"),
    ]
    for kwargs, message in bad:
        with pytest.raises(PkiLessonError, match=message):
            revoke(lab, lab / "client-cert.pem", **{"now": NOW, **kwargs})
    with pytest.raises(TypeError, match="certificate= must be a certificate"):
        revoke(lab, None, now=NOW)
    with pytest.raises(TypeError, match="workspace folder= must be a path"):
        revoke(None, lab / "client-cert.pem", now=NOW)
    assert not (lab / CRL_FILE).exists()


def test_revoke_takes_the_certificate_as_a_path_pem_or_object(lab, sets):
    server, client = sets[0].server_certificate, sets[0].client_certificate
    revoke(lab, certificate_to_pem(client).decode(), now=NOW)
    crl = revoke(lab, server, now=NOW)
    assert is_revoked(crl, client) and is_revoked(lab / CRL_FILE, lab / "server-cert.pem")
    assert load_crl(lab / CRL_FILE) == crl


def test_revoke_refuses_a_folder_writable_by_others(lab):
    os.chmod(lab, 0o777)
    try:
        with pytest.raises(WorkspaceError, match="writable by every user"):
            revoke(lab, lab / "client-cert.pem", now=NOW)
    finally:
        os.chmod(lab, 0o700)
    assert not (lab / CRL_FILE).exists()


def test_make_crl_checks_its_arguments(sets):
    ca = sets[0].ca
    with pytest.raises(TypeError, match="ca= must be a CertificateAuthority"):
        make_crl(None, [])
    with pytest.raises(TypeError, match="revoked= must be a list"):
        make_crl(ca, [1])
    with pytest.raises(PkiLessonError, match="CRL number .* out of range"):
        make_crl(ca, [], number=2 ** 160)
    with pytest.raises(TypeError, match="crl= must be a CRL"):
        crl_to_pem(None)
