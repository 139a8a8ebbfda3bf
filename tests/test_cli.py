"""The command line: `pkilesson workflow` and `pkilesson verify`, run as real processes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pkilesson import FILE_NAMES, Workspace, load_certificate, verify_certificate
from pkilesson.cli import main

from conftest import NOW


def run(*args, cwd=None):
    """Run `python -m pkilesson.cli ...` in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "pkilesson.cli", *map(str, args)],
        capture_output=True, text=True, timeout=120, cwd=cwd,
    )


def assert_one_line_error(done, code=2, *fragments):
    assert done.returncode == code, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def workflow_dir(tmp_path_factory):
    """`pkilesson workflow DIR` with defaults, once for the module."""
    directory = tmp_path_factory.mktemp("wf") / "lab"
    done = run("workflow", directory)
    assert done.returncode == 0, done.stderr
    return directory, done.stdout


def test_workflow_writes_the_eight_files_and_reports_each_step(workflow_dir):
    directory, out = workflow_dir
    assert sorted(os.listdir(directory)) == sorted(FILE_NAMES)
    for name in FILE_NAMES:
        if name.endswith("-key.pem"):
            assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600
            assert f"wrote {name}  (mode 0600)" in out
    for number in (1, 2, 3, 4):
        assert f"\nStep {number}: " in out
    assert "    openssl genrsa 2048 > ca-key.pem\n" in out  # the source, verbatim
    assert "-set_serial 01" in out and "-set_serial 02" in out
    assert "    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server-key.pem\n" in out
    assert "    cat > server-ext.cnf <<'EOF'\n    basicConstraints=critical,CA:FALSE\n" in out
    assert "-addext subjectAltName=DNS:localhost,IP:127.0.0.1" in out
    assert "server-cert.pem: valid for server localhost (chain of 2)" in out
    assert "client-cert.pem: valid for client (chain of 2)" in out


def test_workflow_output_names_the_real_serials(workflow_dir):
    directory, out = workflow_dir
    serial = load_certificate(directory / "server-cert.pem").serial_number
    assert f"-set_serial {hex(serial)}" in out


def test_workflow_refuses_to_overwrite_and_changes_nothing(workflow_dir):
    directory, _ = workflow_dir
    before = {name: (directory / name).read_bytes() for name in FILE_NAMES}
    done = run("workflow", directory)
    assert_one_line_error(done, 2, "already holds", "nothing was written", "--overwrite")
    assert {name: (directory / name).read_bytes() for name in FILE_NAMES} == before


def test_workflow_overwrite_replaces_all(tmp_path):
    (tmp_path / "server-cert.pem").write_text("old")
    assert run("workflow", tmp_path, "--overwrite", "--key-type", "p256").returncode == 0
    assert load_certificate(tmp_path / "server-cert.pem").public_key().curve.name == "secp256r1"


def test_workflow_options(tmp_path, capsys):
    code = main([
        "workflow", str(tmp_path), "--key-type", "ed25519", "--ca-key-type", "p384", "--days", "30",
        "--ca-days", "90", "--server-name", "server.example", "--server-name", "::1",
        "--client-name", "alice@lab.example", "--ca-name", "Classroom CA", "--fixed-serials",
    ])
    out = capsys.readouterr().out
    assert code == 0, out
    ws = Workspace(tmp_path)
    server, client, ca = ws.load_certificate("server"), ws.load_certificate("client"), ws.load_certificate("ca")
    assert (server.serial_number, client.serial_number) == (1, 2)
    assert (server.not_valid_after_utc - server.not_valid_before_utc).days == 30
    assert (ca.not_valid_after_utc - ca.not_valid_before_utc).days == 90
    assert server.subject.rfc4514_string() == "CN=server.example,O=pkilesson,C=FR"
    assert ca.subject.rfc4514_string() == "CN=Classroom CA,O=pkilesson,C=FR"
    assert verify_certificate(server, [ca], host="::1").valid
    assert verify_certificate(client, [ca], client=True).valid
    assert "server-cert.pem: valid for server server.example" in out


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["workflow", "{d}", "--key-type", "rsa1024"], ["invalid choice: 'rsa1024'"]),
        (["workflow", "{d}", "--days", "0"], ["not a positive number of days"]),
        (["workflow", "{d}", "--days", "soon"], ["not a whole number"]),
        (["workflow", "{d}", "--days", "4000"], ["outlive its CA", "at most"]),
        (["workflow", "{d}", "--server-name", "bad_name"], ["bad_name", "underscores"]),
        (["workflow", "{d}", "--client-name", "a..b"], ["two dots"]),
        (["workflow", "{d}", "--key-type", "ed25519"], ["CA's key is ed25519", "p256"]),
        (["workflow", "{d}", "--ca-name", "localhost"], ["CA's own subject"]),
        (["workflow", "{d}", "--ca-name", ""], ["empty"]),
        (["workflow", "{f}"], ["is a file, not a folder"]),
        (["frobnicate"], ["invalid choice"]),
        ([], ["required"]),
    ],
)
def test_workflow_bad_input_one_line(tmp_path, args, fragments):
    (tmp_path / "file").write_text("x")
    args = [a.format(d=tmp_path / "ws", f=tmp_path / "file") for a in args]
    done = run(*args)
    assert_one_line_error(done, 2, *fragments)
    assert not (tmp_path / "ws").exists() or os.listdir(tmp_path / "ws") == []


def test_verify_valid_server_and_client(workflow_dir):
    directory, _ = workflow_dir
    ca = directory / "ca-cert.pem"
    done = run("verify", "--ca", ca, directory / "server-cert.pem", "--host", "localhost")
    assert done.returncode == 0 and "valid for server localhost" in done.stdout
    done = run("verify", "--ca", ca, directory / "server-cert.pem", "--ip", "127.0.0.1")
    assert done.returncode == 0 and "valid for server 127.0.0.1" in done.stdout
    done = run("verify", "--ca", ca, "--client", directory / "client-cert.pem")
    assert done.returncode == 0 and "valid for client" in done.stdout


def test_verify_invalid_exits_1(workflow_dir):
    directory, _ = workflow_dir
    ca = directory / "ca-cert.pem"
    done = run("verify", "--ca", ca, directory / "client-cert.pem", "--host", "localhost")
    assert done.returncode == 1 and "invalid for server localhost" in done.stdout
    done = run("verify", "--ca", ca, directory / "server-cert.pem", "--host", "other.example")
    assert done.returncode == 1
    done = run("verify", "--ca", ca, directory / "server-cert.pem", "--host", "localhost", "--at", "2099-01-01T00:00:00Z")
    assert done.returncode == 1


def test_verify_at_a_fixed_instant(workflow_dir):
    directory, _ = workflow_dir
    start = load_certificate(directory / "server-cert.pem").not_valid_before_utc
    at = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    done = run("verify", "--ca", directory / "ca-cert.pem", directory / "server-cert.pem", "--host", "localhost", "--at", at)
    assert done.returncode == 0, done


@pytest.mark.parametrize(
    "make_args, fragments",
    [
        (lambda d, t: ["verify", "--ca", d / "ca-cert.pem", t / "missing.pem", "--host", "localhost"], ["Cannot read", "missing.pem"]),
        (lambda d, t: ["verify", "--ca", d / "ca-key.pem", d / "server-cert.pem", "--host", "localhost"], ["holds a private key"]),
        (lambda d, t: ["verify", "--ca", d / "ca-cert.pem", d / "server-req.pem", "--host", "localhost"], ["Expected a certificate", "signing request"]),
        (lambda d, t: ["verify", "--ca", d / "ca-cert.pem", t / "empty.pem", "--client"], ["is empty"]),
        (lambda d, t: ["verify", "--ca", d / "ca-cert.pem", t / "garbage.pem", "--client"], ["neither PEM"]),
        (lambda d, t: ["verify", "--ca", d / "ca-cert.pem", t / "cut.pem", "--client"], ["no matching '-----END'"]),
        (lambda d, t: ["verify", "--ca", d / "ca-cert.pem", d / "server-cert.pem", "--host", "bad_host"], ["underscores"]),
        (lambda d, t: ["verify", "--ca", d / "ca-cert.pem", d / "server-cert.pem", "--host", "localhost", "--at", "tomorrow"], ["ISO 8601"]),
        (lambda d, t: ["verify", "--ca", d / "ca-cert.pem", d / "server-cert.pem"], ["one of the arguments --host --ip --client is required"]),
        (lambda d, t: ["verify", "--ca", d / "ca-cert.pem", d / "server-cert.pem", "--host", "a", "--client"], ["not allowed with"]),
        (lambda d, t: ["verify", d / "server-cert.pem", "--client"], ["--ca"]),
    ],
)
def test_verify_bad_input_one_line(workflow_dir, tmp_path, make_args, fragments):
    directory, _ = workflow_dir
    (tmp_path / "empty.pem").write_bytes(b"")
    (tmp_path / "garbage.pem").write_bytes(b"hello world")
    (tmp_path / "cut.pem").write_bytes((directory / "server-cert.pem").read_bytes()[:200])
    assert_one_line_error(run(*make_args(directory, tmp_path)), 2, *fragments)


def test_cli_does_not_import_jupyter_or_widgets():
    """The CLI starts lean: no Jupyter, widgets or graphviz on import."""
    code = "import sys, pkilesson.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in {'jupyterlab', 'ipywidgets', 'IPython', 'graphviz', 'notebook', 'jupyter_server'}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "pkilesson"
    assert script.exists(), "pip install -e . installs the 'pkilesson' command"
    done = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "workflow" in done.stdout and "verify" in done.stdout
