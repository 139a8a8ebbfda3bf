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
from pkilesson.i18n import language_from_environment

#: The fixed "now" of the tests: every time-dependent call gets it.
NOW = dt.datetime(2026, 11, 26, 12, 0, 0, tzinfo=dt.timezone.utc)

REQUIRE_TOOLS = os.environ.get("PKILESSON_REQUIRE_TOOLS") == "1"

# The command line speaks the locale's language (LC_ALL > LC_MESSAGES > LANG, pkilesson.i18n): the tests expect
# English unless they ask for French, so a French developer's locale gets LC_MESSAGES=C here (LC_ALL, which would
# outrank it, dropped). The library itself never reads the locale.
if language_from_environment(os.environ) != "en":
    os.environ.pop("LC_ALL", None)
    os.environ["LC_MESSAGES"] = "C"


def require_tool(name: str, why: str, package: str = "", find=shutil.which) -> str:
    """The path of system tool ``name``, or skip (fail under CI) with ``why``; ``package``: its Debian package(s);
    ``find``: how to look for it (the PATH by default)."""
    path = find(name)
    if path is None:
        message = f"the '{name}' command is not installed ({why}); Debian: apt-get install {package or name}"
        if REQUIRE_TOOLS:
            pytest.fail(f"PKILESSON_REQUIRE_TOOLS=1 but {message}")
        pytest.skip(message)
    return path


def require_module(name: str, why: str, package: str = "") -> None:
    """Skip (fail under CI) with ``why`` unless the Python module ``name`` can be imported; ``package``: what
    pip installs (requirements-test.txt pins it)."""
    import importlib.util

    if importlib.util.find_spec(name) is None:
        message = f"the Python module '{name}' is not installed ({why}); pip install {package or name}"
        if REQUIRE_TOOLS:
            pytest.fail(f"PKILESSON_REQUIRE_TOOLS=1 but {message}")
        pytest.skip(message)


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


NOBODY = 65534


def run_unprivileged(function, *args):
    """Run ``function(*args)`` without root's powers: as nobody (uid/gid 65534) in a forked child of this process.

    Root ignores file permissions, so a permission test run as root would test nothing; the child drops
    to nobody before it calls ``function``, with no new interpreter to start (an interpreter under /root,
    which nobody may not enter, does not matter). When not root, the child just runs as this user.
    Returns (what ``function`` returned, or the text of the exception it raised; what it wrote to stdout;
    what it wrote to stderr), every value as text.
    """
    import sys
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as result:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 0
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdout = os.fdopen(1, "w", closefd=False)
                sys.stderr = os.fdopen(2, "w", closefd=False)
                if os.geteuid() == 0:
                    os.setgroups([])
                    os.setgid(NOBODY)
                    os.setuid(NOBODY)
                try:
                    value = repr(function(*args))
                except BaseException as exc:  # the outcome under test, reported to the parent
                    value = f"{type(exc).__name__}: {exc}"
                sys.stdout.flush()
                sys.stderr.flush()
                os.write(result.fileno(), value.encode("utf-8", "replace"))
            except BaseException:
                code = 70
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, "the unprivileged child failed"
        texts = []
        for handle in (result, out, err):
            handle.seek(0)
            texts.append(handle.read().decode("utf-8", "replace"))
        return tuple(texts)
