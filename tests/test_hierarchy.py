"""Lesson 06's library side: an intermediate CA (files, chains, handshakes), and key protection."""

from __future__ import annotations

import stat
import subprocess

import pytest
from cryptography import x509

from pkilesson import (
    INTERMEDIATE_CA,
    SERVER,
    CertificateAuthority,
    InvalidKeyError,
    PkiLessonError,
    WorkspaceError,
    create_csr,
    generate_key,
    load_private_key,
    private_key_to_pem,
)
from pkilesson.verify.explain import explain
from pkilesson.pki.hierarchy import HIERARCHY_FILES, load_hierarchy, make_hierarchy
from pkilesson.pki.protection import key_protection
from pkilesson.tls.loopback import handshake

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def hierarchy():
    return make_hierarchy()


def test_root_intermediate_leaves(hierarchy):
    root, inter = hierarchy.root_certificate, hierarchy.intermediate.certificate
    assert root.issuer == root.subject and inter.issuer == root.subject
    assert hierarchy.server_certificate.issuer == inter.subject == hierarchy.client_certificate.issuer
    basic = inter.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca and basic.value.path_length == 0
    assert [c.subject.rfc4514_string() for c in hierarchy.chain("client")] == [
        "CN=client.localhost,O=pkilesson,C=FR", "CN=pkilesson Issuing CA,O=pkilesson,C=FR"]
    assert hierarchy.party("server").trusts == (root,)
    assert hierarchy.party("server", full_chain=False).chain == (hierarchy.server_certificate,)
    with pytest.raises(PkiLessonError, match="Unknown role"):
        hierarchy.chain("ca")


def test_verification_needs_the_intermediate(hierarchy):
    roots = [hierarchy.root_certificate]
    given = explain(hierarchy.server_certificate, roots, host="localhost", intermediates=[hierarchy.intermediate.certificate])
    assert given.valid and len(given.chain) == 3
    missing = explain(hierarchy.server_certificate, roots, host="localhost")
    assert not missing.valid and missing.first_failure.name == "issuer_found"


def test_handshake_with_and_without_the_chain(hierarchy):
    assert handshake(server=hierarchy.party("server"), client=hierarchy.party("client")).ok
    no_chain = handshake(server=hierarchy.party("server", full_chain=False), client=hierarchy.party("client"))
    assert no_chain.client.error == "certificate verify failed: unable to get local issuer certificate"
    client_alone = handshake(server=hierarchy.party("server"), client=hierarchy.party("client", full_chain=False))
    assert client_alone.server.error == "certificate verify failed: unable to get local issuer certificate"


def test_path_length_zero_refuses_a_ca_below_the_intermediate(hierarchy):
    key = generate_key("p256")
    sub = CertificateAuthority(key, hierarchy.intermediate.issue(create_csr(key, "/CN=Sub CA"), INTERMEDIATE_CA, days=30))
    leaf_key = generate_key("p256")
    leaf = sub.issue(create_csr(leaf_key, "/CN=deep.localhost", ["deep.localhost"]), SERVER, days=10)
    result = explain(leaf, [hierarchy.root_certificate], host="deep.localhost",
                     intermediates=[hierarchy.intermediate.certificate, sub.certificate])
    assert not result.valid and result.first_failure.name == "path_length"


def test_save_and_load_keep_the_root_key_offline(hierarchy, tmp_path):
    folder = tmp_path / "intermediate"
    written = hierarchy.save(folder, root_passphrase=PASSPHRASE)
    assert sorted(p.name for p in written) == sorted(HIERARCHY_FILES)
    for path in written:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert (mode == 0o600) if path.name.endswith("-key.pem") else not (mode & 0o022)
    assert b"ENCRYPTED PRIVATE KEY" in (folder / "root-key.pem").read_bytes()
    assert b"ENCRYPTED" not in (folder / "intermediate-key.pem").read_bytes()
    with pytest.raises(WorkspaceError, match="already holds"):
        hierarchy.save(folder, root_passphrase=PASSPHRASE)
    offline = load_hierarchy(folder)
    assert offline.root is None and offline.root_certificate == hierarchy.root_certificate
    assert offline.chain("server") == hierarchy.chain("server")
    assert handshake(server=offline.party("server"), client=offline.party("client")).ok
    with pytest.raises(PkiLessonError, match="without the root's key"):
        offline.save(tmp_path / "elsewhere", root_passphrase=PASSPHRASE)
    online = load_hierarchy(folder, root_passphrase=PASSPHRASE)
    assert online.root.key.public_key() == hierarchy.root.key.public_key()
    with pytest.raises(InvalidKeyError, match="passphrase is wrong"):
        load_hierarchy(folder, root_passphrase="not it")


def test_load_refuses_missing_files_and_a_wrong_chain_file(hierarchy, tmp_path):
    folder = tmp_path / "intermediate"
    with pytest.raises(WorkspaceError, match="lacks"):
        load_hierarchy(folder)
    hierarchy.save(folder, root_passphrase=PASSPHRASE)
    (folder / "server-chain.pem").write_bytes((folder / "intermediate-cert.pem").read_bytes())
    with pytest.raises(WorkspaceError, match="does not start with server-cert.pem"):
        load_hierarchy(folder)


def test_the_chain_file_verifies_with_openssl(openssl_cli, hierarchy, tmp_path):
    folder = tmp_path / "intermediate"
    hierarchy.save(folder, root_passphrase=PASSPHRASE)

    def verify(*args):
        return subprocess.run([openssl_cli, "verify", "-CAfile", "root-cert.pem", *args], cwd=folder,
                              capture_output=True, text=True)

    assert verify("-untrusted", "intermediate-cert.pem", "server-cert.pem").returncode == 0
    alone = verify("server-cert.pem")
    assert alone.returncode != 0 and "unable to get local issuer certificate" in alone.stdout + alone.stderr


# -- key protection ---------------------------------------------------------------------------------


def test_key_protection_of_plain_and_encrypted_keys():
    key = generate_key("p256")
    plain = key_protection(private_key_to_pem(key))
    assert not plain.encrypted and plain.label == "PRIVATE KEY" and "not encrypted" in str(plain)
    protected = key_protection(private_key_to_pem(key, PASSPHRASE))
    assert protected.encrypted and (protected.scheme, protected.kdf, protected.prf, protected.cipher) == (
        "PBES2", "PBKDF2", "HMAC-SHA256", "AES-256-CBC")
    assert protected.iterations >= 1 and protected.salt_bytes >= 8
    assert f"{protected.iterations} iterations" in str(protected)


def test_key_protection_never_needs_the_passphrase_and_refuses_damage():
    pem = private_key_to_pem(generate_key("p256"), PASSPHRASE)
    damaged = pem.replace(b"\n", b"", 2)[:-60] + b"\n-----END ENCRYPTED PRIVATE KEY-----\n"
    with pytest.raises(InvalidKeyError):
        key_protection(damaged)


def test_key_protection_of_openssl_s_own_encrypted_key(openssl_cli, tmp_path):
    subprocess.run([openssl_cli, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256",
                    "-pass", "pass:abcd", "-out", "k.pem"], cwd=tmp_path, check=True, capture_output=True)
    protection = key_protection((tmp_path / "k.pem").read_bytes())
    assert protection.encrypted and protection.kdf == "PBKDF2" and protection.cipher == "AES-256-CBC"


def test_wrong_or_missing_passphrase():
    pem = private_key_to_pem(generate_key("p256"), PASSPHRASE)
    with pytest.raises(InvalidKeyError, match="protected by a passphrase"):
        load_private_key(pem)
    with pytest.raises(InvalidKeyError, match="passphrase is wrong"):
        load_private_key(pem, passphrase="wrong")
    assert load_private_key(pem, passphrase=PASSPHRASE)


def test_chain_handshake_every_combination(hierarchy):
    from pkilesson.tls.chains import chain_handshake

    accepted = {(sends, trusts) for sends in ((), ("intermediate",), ("root",), ("intermediate", "root"))
                for trusts in (("root",), ("intermediate",), ("intermediate", "root"))
                if chain_handshake(hierarchy, sends=sends, trusts=trusts).ok}
    # The client needs a path to a self-signed certificate it trusts: the root, reached through the intermediate
    # (sent, or in its own store). Trusting only the intermediate is not enough without VERIFY_X509_PARTIAL_CHAIN.
    assert accepted == {(("intermediate",), ("root",)), (("intermediate", "root"), ("root",)),
                        ((), ("intermediate", "root")), (("intermediate",), ("intermediate", "root")),
                        (("root",), ("intermediate", "root")), (("intermediate", "root"), ("intermediate", "root"))}
    with pytest.raises(PkiLessonError, match="Unknown part"):
        chain_handshake(hierarchy, sends=("leaf",))
    with pytest.raises(PkiLessonError, match="trusts nothing"):
        chain_handshake(hierarchy, trusts=())


def test_seconds_per_guess():
    protected = key_protection(private_key_to_pem(generate_key("p256"), PASSPHRASE))
    seconds = protected.seconds_per_guess(rounds=3)
    assert 0 < seconds < 1
    assert key_protection(private_key_to_pem(generate_key("p256"))).seconds_per_guess() is None
