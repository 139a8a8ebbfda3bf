"""Shared fixtures: a fixed clock, workflow artifacts, and system tools.

A test that needs a system tool (the openssl CLI) asks for its fixture; the
fixture skips with a clear reason when the tool is absent, and fails
instead when PKILESSON_REQUIRE_TOOLS=1 (set by .ci/run), so CI never passes
by skipping.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from pkilesson import Settings, make_artifacts

#: The fixed "now" of the tests: every time-dependent call gets it.
NOW = dt.datetime(2026, 11, 26, 12, 0, 0, tzinfo=dt.timezone.utc)

REQUIRE_TOOLS = os.environ.get("PKILESSON_REQUIRE_TOOLS") == "1"


def require_tool(name: str, why: str, package: str = "") -> str:
    """The path of system tool ``name``, or skip (fail under CI) with ``why``; ``package``: its Debian package."""
    path = shutil.which(name)
    if path is None:
        message = f"the '{name}' command is not installed ({why}); Debian: apt-get install {package or name}"
        if REQUIRE_TOOLS:
            pytest.fail(f"PKILESSON_REQUIRE_TOOLS=1 but {message}")
        pytest.skip(message)
    return path


@pytest.fixture
def now() -> dt.datetime:
    return NOW


@pytest.fixture(scope="session")
def openssl_cli() -> str:
    return require_tool("openssl", "needed for interop with the real OpenSSL")


ARTIFACT_SETTINGS = {
    "rsa2048": Settings(key_type="rsa2048"),
    "p256": Settings(key_type="p256"),
    "p384": Settings(key_type="p384"),
    "ed25519-leaves": Settings(key_type="ed25519", ca_key_type="p256"),
}


@pytest.fixture(scope="session", params=list(ARTIFACT_SETTINGS))
def artifacts(request):
    """The workflow's artifacts made at NOW, for several key types."""
    return make_artifacts(ARTIFACT_SETTINGS[request.param], now=NOW)


@pytest.fixture(scope="session")
def rsa_artifacts():
    """The default workflow (RSA 2048), made at NOW."""
    return make_artifacts(Settings(), now=NOW)


@pytest.fixture
def workspace_dir(tmp_path, rsa_artifacts):
    """A folder holding the eight files of the default workflow."""
    from pkilesson import Workspace

    rsa_artifacts.save(Workspace(tmp_path / "ws"))
    return tmp_path / "ws"
