"""The workspace: the eight files, atomic no-clobber writes, 0600 keys, clear load errors."""

from __future__ import annotations

import os
import stat

import pytest

from pkilesson import FILE_NAMES, InvalidKeyError, InvalidCertificateError, Workspace, WorkspaceError, load_certificate
from pkilesson.pki.workspace import write_file


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_eight_file_names_are_the_source_s():
    assert FILE_NAMES == (
        "ca-key.pem", "ca-cert.pem", "server-key.pem", "server-req.pem", "server-cert.pem",
        "client-key.pem", "client-req.pem", "client-cert.pem",
    )


def test_save_writes_eight_files_with_private_keys_0600(workspace_dir):
    assert sorted(os.listdir(workspace_dir)) == sorted(FILE_NAMES)  # no temp files left
    for name in FILE_NAMES:
        expected = 0o600 if name.endswith("-key.pem") else 0o644 & ~_umask()
        assert mode(workspace_dir / name) == expected, name


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_keys_are_0600_even_with_a_permissive_umask(tmp_path, rsa_artifacts):
    old = os.umask(0)
    try:
        Workspace(tmp_path).save_key("server", rsa_artifacts.server_key)
    finally:
        os.umask(old)
    assert mode(tmp_path / "server-key.pem") == 0o600


def test_existing_file_is_never_replaced_without_overwrite(workspace_dir, rsa_artifacts):
    ws = Workspace(workspace_dir)
    before = (workspace_dir / "server-cert.pem").read_bytes()
    with pytest.raises(WorkspaceError, match="server-cert.pem already exists.*overwrite=True"):
        ws.save_certificate("server", rsa_artifacts.client_certificate)
    assert (workspace_dir / "server-cert.pem").read_bytes() == before
    ws.save_certificate("server", rsa_artifacts.client_certificate, overwrite=True)
    assert load_certificate(workspace_dir / "server-cert.pem") == rsa_artifacts.client_certificate


def test_overwriting_a_key_keeps_it_private(workspace_dir, rsa_artifacts):
    os.chmod(workspace_dir / "client-key.pem", 0o644)  # as the source's genrsa leaves it
    Workspace(workspace_dir).save_key("client", rsa_artifacts.client_key, overwrite=True)
    assert mode(workspace_dir / "client-key.pem") == 0o600


def test_artifacts_save_checks_all_files_before_writing(tmp_path, rsa_artifacts):
    (tmp_path / "client-req.pem").write_text("mine")
    with pytest.raises(WorkspaceError, match="already holds client-req.pem; nothing was written"):
        rsa_artifacts.save(Workspace(tmp_path))
    assert os.listdir(tmp_path) == ["client-req.pem"]
    assert (tmp_path / "client-req.pem").read_text() == "mine"


def test_load_round_trip(workspace_dir, rsa_artifacts):
    ws = Workspace(workspace_dir)
    assert ws.load_certificate("server") == rsa_artifacts.server_certificate
    assert ws.load_csr("client") == rsa_artifacts.client_csr
    assert ws.load_authority().certificate == rsa_artifacts.ca.certificate
    assert ws.existing() == list(FILE_NAMES)


def test_missing_file_says_which_and_which_step(tmp_path):
    with pytest.raises(WorkspaceError, match="client-cert.pem is missing in .* run step 3"):
        Workspace(tmp_path).load_certificate("client")


def test_broken_file_says_which(workspace_dir):
    (workspace_dir / "server-cert.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(InvalidCertificateError, match=r"^server-cert.pem: The certificate's bytes are not"):
        Workspace(workspace_dir).load_certificate("server")
    (workspace_dir / "ca-key.pem").write_bytes((workspace_dir / "client-cert.pem").read_bytes())
    with pytest.raises(InvalidKeyError, match="^ca-key.pem: Expected a private key, but the data holds a certificate"):
        Workspace(workspace_dir).load_key("ca")


def test_mismatched_ca_files(workspace_dir):
    (workspace_dir / "ca-key.pem").write_bytes((workspace_dir / "server-key.pem").read_bytes())
    with pytest.raises(InvalidCertificateError, match="ca-key.pem and ca-cert.pem: The private key does not belong"):
        Workspace(workspace_dir).load_authority()


def test_unknown_file_kind():
    with pytest.raises(WorkspaceError, match="no ca-req.pem"):
        Workspace(".").file("ca", "req")


def test_write_file_refuses_a_folder_and_unwritable_places(tmp_path):
    with pytest.raises(WorkspaceError, match="is a folder"):
        write_file(tmp_path, b"x")
    with pytest.raises(WorkspaceError, match="Cannot write in"):
        write_file(tmp_path / "nope" / "f.pem", b"x")


def test_workspace_path_that_is_a_file(tmp_path, rsa_artifacts):
    (tmp_path / "f").write_text("x")
    with pytest.raises(WorkspaceError, match="is a file, not a folder"):
        Workspace(tmp_path / "f").save_certificate("ca", rsa_artifacts.ca.certificate)


def test_write_is_atomic_no_partial_file_on_failure(tmp_path):
    """A write that fails midway leaves neither a partial target nor a temp file."""
    with pytest.raises(TypeError):
        write_file(tmp_path / "x.pem", object())  # type: ignore[arg-type]
    assert os.listdir(tmp_path) == []


def test_load_artifacts_and_ensure_workflow(tmp_path, workspace_dir, rsa_artifacts):
    from pkilesson.pki.artifacts import load_artifacts
    from pkilesson.verify.workflow import ensure_workflow

    from pkilesson import key_matches

    again = load_artifacts(workspace_dir)
    assert again.ca.certificate == rsa_artifacts.ca.certificate
    assert (again.server_csr, again.server_certificate) == (rsa_artifacts.server_csr, rsa_artifacts.server_certificate)
    assert (again.client_csr, again.client_certificate) == (rsa_artifacts.client_csr, rsa_artifacts.client_certificate)
    assert key_matches(again.server_key, rsa_artifacts.server_key) and key_matches(again.client_key, rsa_artifacts.client_key)
    loaded, message = ensure_workflow(workspace_dir)
    assert message.startswith("Loaded the eight files")
    assert loaded.server_certificate == rsa_artifacts.server_certificate
    made, message = ensure_workflow(tmp_path / "new")
    assert message.startswith("Made the eight files") and sorted(os.listdir(tmp_path / "new")) == sorted(FILE_NAMES)
    os.remove(tmp_path / "new" / "client-cert.pem")
    with pytest.raises(WorkspaceError, match="already holds"):
        ensure_workflow(tmp_path / "new")
