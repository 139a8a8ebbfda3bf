"""Go's verdict, in its own words: ``crypto/x509``'s ``Certificate.Verify`` on the lab's files.

Go's standard library verifies the certificates of Kubernetes, etcd, Vault,
Docker and most cloud-native mutual TLS. pkilesson keeps a small Go program,
``pkilesson/data/goverify/main.go`` (standard library only), and builds it
with the machine's ``go`` on first use into pkilesson's cache folder
(``~/.cache/pkilesson/goverify-<hash>``; the hash covers the source and Go's
version, so a new Go or a changed program gets a new build). It calls
``Verify`` with the trusted CAs as ``Roots``, the given intermediates, the
host name (``DNSName``), the purpose (``KeyUsages``: ``ExtKeyUsageServerAuth``
or ``ExtKeyUsageClientAuth``) and the time of the check (``CurrentTime``),
and prints Go's error as Go words it. Without ``go``, the verdict is ``None``
and says how to install it (Debian: ``golang-go``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

from .._catalog import N_, Text
from ._stack import ToolVerdict, cache_dir, lines_of, not_installed, run_tool

__all__ = ["PACKAGE", "SOURCE", "go_version", "goverify", "goverify_argv", "go_verify"]

#: The Debian package with the go command.
PACKAGE = "golang-go"
#: The Go program, kept in the package.
SOURCE = Path(__file__).parent / "data" / "goverify" / "main.go"


def _go_env() -> dict:
    """The go command's environment: nothing fetched (standard library only), a cache even without HOME."""
    env = dict(os.environ, GOPROXY="off", GOTOOLCHAIN="local", CGO_ENABLED="0")
    if not env.get("GOCACHE") and not (env.get("XDG_CACHE_HOME") or env.get("HOME")):
        env["GOCACHE"] = str(cache_dir() / "go-build")
    return env


def go_version() -> Optional[str]:
    """``go version`` of the machine's go (e.g. ``go version go1.19.8 linux/amd64``), None without go."""
    go = shutil.which("go")
    return None if go is None else _go_version(go)


@functools.lru_cache(maxsize=None)
def _go_version(go: str) -> Optional[str]:
    try:
        done = subprocess.run([go, "version"], capture_output=True, text=True, timeout=30, env=_go_env(),
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.startswith("go version") else None


_built: dict = {}


def goverify() -> Path:
    """The built program: from the cache, or built now with ``go build`` (a few seconds, once).

    Raises :class:`RuntimeError` with go's own words when go is missing or the build fails.
    """
    version = go_version()
    if version is None:
        raise RuntimeError("go is not installed")
    source = SOURCE.read_bytes()
    digest = hashlib.sha256(source + version.encode()).hexdigest()[:16]
    if digest in _built:
        return _built[digest]
    target = cache_dir() / f"goverify-{digest}"
    if not os.access(target, os.X_OK):
        with tempfile.TemporaryDirectory(prefix="goverify-", dir=target.parent) as work:
            (Path(work) / "main.go").write_bytes(source)
            built = Path(work) / "goverify"
            done = subprocess.run([shutil.which("go"), "build", "-trimpath", "-o", str(built), "main.go"], cwd=work,
                                  capture_output=True, text=True, timeout=600, env=_go_env(),
                                  stdin=subprocess.DEVNULL)
            if done.returncode != 0:
                raise RuntimeError(f"go build failed: {'; '.join(lines_of(done))}")
            os.replace(built, target)  # one step: another process never sees half a program
    _built[digest] = target
    return target


def goverify_argv(purpose: str, host: Optional[str], at: dt.datetime, *, untrusted: bool = False,
                  program: str = "goverify") -> list[str]:
    """The program's command line on the lab's files."""
    argv = [program, "-roots", "ca-cert.pem"]
    if untrusted:
        argv += ["-untrusted", "untrusted.pem"]
    if purpose == "server" and host:
        argv += ["-host", host]
    return argv + ["-purpose", purpose, "-at", at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "leaf-cert.pem"]


def go_verify(folder: Path, purpose: str, host: Optional[str], at: dt.datetime, *,
              untrusted: bool = False) -> ToolVerdict:
    """Go's verdict on ``folder``'s files (ca-cert.pem, leaf-cert.pem, untrusted.pem)."""
    shown = shlex.join(goverify_argv(purpose, host, at, untrusted=untrusted))
    command = f"{shown}  # goverify: go build {SOURCE}"
    if go_version() is None:
        return not_installed("go", PACKAGE, command, N_("Go (the go command)"))
    try:
        program = goverify()
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        return ToolVerdict(None, Text(N_("the Go program could not be built here: {error}"), error=str(error)),
                           go_version(), command)
    command = f"{shlex.join(goverify_argv(purpose, host, at, untrusted=untrusted, program=str(program)))}" \
              f"  # built from {SOURCE}"
    done = run_tool(goverify_argv(purpose, host, at, untrusted=untrusted, program=str(program)), folder)
    said = lines_of(done)
    words = said[0] if said else Text(N_("(goverify printed nothing; exit status {status})"), status=done.returncode)
    version = _program_version(str(program))
    if done.returncode not in (0, 1):
        return ToolVerdict(None, words, version, command)
    return ToolVerdict(done.returncode == 0, words, version, command)


@functools.lru_cache(maxsize=None)
def _program_version(program: str) -> str:
    done = subprocess.run([program, "-version"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    return done.stdout.strip() or "Go crypto/x509"
