"""The workflow checks every input before its first write (issue #11): a refusal writes nothing."""

from __future__ import annotations

import os

import pytest

from pkilesson import (
    FILE_NAMES, InvalidNameError, IssuanceError, PkiLessonError, Settings, Workspace, WorkspaceError,
    make_artifacts, run_workflow, verify_certificate,
)
from pkilesson.pki.artifacts import load_artifacts
from pkilesson.verify.workflow import ensure_workflow

from conftest import NOW


def test_a_wildcard_server_name_is_supported(tmp_path):
    """Finding 3: '*.example.com' wrote all eight files, then failed step 4 with a message that did not hold."""
    result = run_workflow(tmp_path / "ws", Settings(key_type="p256", server_names=("*.example.com",)), now=NOW)
    assert result.ok
    assert result.server_verdict.peer_name == "www.example.com"  # step 4 checks a name the wildcard covers
    server = result.artifacts.server_certificate
    roots = [result.artifacts.ca.certificate]
    assert verify_certificate(server, roots, host="mail.example.com", now=NOW).valid
    assert not verify_certificate(server, roots, host="a.b.example.com", now=NOW).valid  # one label only
    assert not verify_certificate(server, roots, host="example.com", now=NOW).valid
    assert "-verify_hostname www.example.com" in str(result.steps[3].ours[0])
    mixed = Settings(key_type="p256", server_names=("*.example.com", "api.example.com", "127.0.0.1"))
    assert mixed.server_cn == "*.example.com" and mixed.verify_host == "api.example.com"


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(serials=(1,)), IssuanceError, "serials must be two numbers"),
    (dict(serials=(1, 1)), IssuanceError, "both get serial 1.*never give two certificates the same serial"),
    (dict(serials=(0, 2)), IssuanceError, "not positive"),
    (dict(serials=("1", "2")), IssuanceError, "must be an integer"),
    (dict(server_names=()), InvalidNameError, "The server has no name"),
    (dict(server_names=("alice@lab.example",)), InvalidNameError, "DNS name or an IP address"),
    (dict(server_names=5), TypeError, "server_names= must be a tuple"),
    (dict(key_type=2048), TypeError, "key_type= must be one of"),
    (dict(ca_key_type="dsa"), PkiLessonError, "Unknown key type 'dsa'"),
    (dict(days=0), IssuanceError, "at least 1 day"),
    (dict(ca_days=1.5), TypeError, "ca_days= must be a whole number"),
    (dict(ca_name=""), InvalidNameError, "empty"),
    (dict(client_name="a..b"), InvalidNameError, "two dots"),
    (dict(country="France"), InvalidNameError, "two letters"),
])
def test_bad_settings_are_refused_when_made(kwargs, error, message):
    """Finding 11: Settings(serials=(1,)) failed deep inside; Settings(serials=(1, 1)) issued two certificates
    with one serial."""
    with pytest.raises(error, match=message) as info:
        Settings(**kwargs)
    assert isinstance(info.value, PkiLessonError) and "\n" not in str(info.value)


def test_settings_take_a_list_or_a_comma_separated_string_of_names():
    assert Settings(server_names=["localhost", "::1"]).server_names == ("localhost", "::1")
    assert Settings(server_names="localhost, 127.0.0.1").server_names == ("localhost", "127.0.0.1")
    assert Settings(serials=[1, 2]).serials == (1, 2)


def test_a_refusal_at_any_step_writes_nothing(tmp_path):
    """Every input is checked, and everything made in memory, before the first write."""
    refused = [
        Settings(key_type="p256", ca_name="localhost"),  # the CA's own subject: refused when issuing
        Settings(key_type="ed25519", ca_key_type="ed25519"),  # an Ed25519 CA: refused when the CA is made
        Settings(key_type="p256", days=4000),  # outlives its CA
    ]
    for settings in refused:
        with pytest.raises(PkiLessonError):
            run_workflow(tmp_path / "new" / "ws", settings, now=NOW)
        assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("directory, error, message", [
    ("", WorkspaceError, "is empty"),
    ("   ", WorkspaceError, "is empty"),
    (None, TypeError, "workspace folder= must be a path"),
    (42, TypeError, "workspace folder= must be a path"),
    (b"lab", TypeError, "workspace folder= must be a path"),
])
def test_a_workspace_needs_a_real_folder_name(tmp_path, monkeypatch, directory, error, message):
    """Finding 12: 'workflow ""' wrote into the current folder; run_workflow(None), Workspace(42): raw errors."""
    monkeypatch.chdir(tmp_path)
    for call in (lambda: Workspace(directory), lambda: run_workflow(directory, Settings(key_type="p256"), now=NOW),
                 lambda: load_artifacts(directory), lambda: ensure_workflow(directory, now=NOW)):
        with pytest.raises(error, match=message):
            call()
    assert os.listdir(tmp_path) == []


def test_wrong_types_to_the_workflow_name_the_parameter(tmp_path):
    with pytest.raises(TypeError, match="settings= must be a pkilesson.Settings"):
        run_workflow(tmp_path / "ws", {"key_type": "p256"})
    with pytest.raises(TypeError, match="overwrite= must be True or False"):
        run_workflow(tmp_path / "ws", Settings(key_type="p256"), overwrite="yes")
    with pytest.raises(TypeError, match="settings= must be"):
        make_artifacts("p256")
    assert os.listdir(tmp_path) == []


def test_the_verdict_is_about_the_files_on_disk(tmp_path):
    result = run_workflow(tmp_path / "ws", Settings(key_type="p256"), now=NOW)
    assert result.ok and sorted(os.listdir(tmp_path / "ws")) == sorted(FILE_NAMES)
    assert result.written == tuple(tmp_path / "ws" / name for name in FILE_NAMES)
    again = load_artifacts(tmp_path / "ws")
    assert again.server_certificate == result.artifacts.server_certificate
