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
    assert "\nopenssl genrsa 2048 > ca-key.pem\n" in out  # the source, verbatim, flush left (pastes into a shell)
    assert "-set_serial 01" in out and "-set_serial 02" in out
    assert "\nopenssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server-key.pem\n" in out
    assert "\ncat > server-ext.cnf <<'EOF'\nbasicConstraints=critical,CA:FALSE\n" in out and "\nEOF\n" in out
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
        (["workflow", "{d}", "--ca-key-type", "ed25519"], ["invalid choice"]),  # --key-type ed25519 alone works
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


# -- issue #11: the CLI contract everywhere -----------------------------------------------------------


@pytest.fixture(scope="module")
def small_lab(tmp_path_factory):
    """A p256 workspace made in-process (fast), for the commands that only read it."""
    from pkilesson import Settings, run_workflow

    folder = tmp_path_factory.mktemp("small") / "lab"
    run_workflow(folder, Settings(key_type="p256"))
    return folder


def snapshot(folder):
    return {name: (folder / name).read_bytes() for name in sorted(os.listdir(folder)) if (folder / name).is_file()}


def test_overwrite_with_a_folder_in_the_way_keeps_every_old_file(tmp_path, small_lab, capsys):
    """Finding 1: the old CA key was lost before 'server-req.pem is a folder' stopped the run."""
    import shutil

    folder = tmp_path / "lab"
    shutil.copytree(small_lab, folder)
    (folder / "server-req.pem").unlink()
    (folder / "server-req.pem").mkdir()
    before = snapshot(folder)
    assert main(["workflow", str(folder), "--overwrite", "--key-type", "p256"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "server-req.pem is a folder, not a file; nothing was written" in err
    assert snapshot(folder) == before


def test_a_wildcard_server_name_works_end_to_end(tmp_path, capsys):
    """Finding 3: all eight files were written, then exit 2 with a message that did not hold."""
    assert main(["workflow", str(tmp_path / "w"), "--key-type", "p256", "--server-name", "*.example.com"]) == 0
    out = capsys.readouterr().out
    assert "server-cert.pem: valid for server www.example.com (chain of 2)" in out
    assert main(["verify", "--ca", str(tmp_path / "w" / "ca-cert.pem"), str(tmp_path / "w" / "server-cert.pem"),
                 "--host", "*.example.com"]) == 2
    err = capsys.readouterr().err
    assert "one host name is needed" in err and "whole leftmost label" not in err


@pytest.mark.parametrize("make", ["dangling link", "fifo"])
def test_something_in_the_way_stops_workflow_before_it_writes(tmp_path, capsys, make):
    """Finding 4: a dangling symlink passed the check; 7 files were left behind."""
    folder = tmp_path / "lab"
    folder.mkdir()
    if make == "fifo":
        os.mkfifo(folder / "client-cert.pem")
    else:
        (folder / "client-cert.pem").symlink_to(tmp_path / "nowhere")
    assert main(["workflow", str(folder), "--key-type", "p256"]) == 2
    assert "already holds client-cert.pem; nothing was written" in capsys.readouterr().err
    assert main(["workflow", str(folder), "--key-type", "p256", "--overwrite"]) == 2
    err = capsys.readouterr().err
    assert "client-cert.pem is a" in err and "not a file; nothing was written" in err and "overwrite=True" not in err
    assert os.listdir(folder) == ["client-cert.pem"]


@pytest.mark.parametrize("args, fragments", [
    (["workflow", "{long}"], ["too long", "255"]),
    (["workflow", ""], ["folder name is empty"]),
    (["verify", "--ca", "{lab}/ca-cert.pem", "{lab}/server-cert.pem", "--host", "localhost", "--max-depth", "256"],
     ["256 is more than 255"]),
    (["mtls", "{lab}", "--host", ""], ["--host", "empty"]),
    (["mtls", "{lab}", "--host", "."], ["--host", "not a host name"]),
    (["mtls", "{lab}", "--host", ".."], ["--host", "not a host name"]),
    (["mtls", "{lab}", "--host", "a..b"], ["--host", "two dots"]),
    (["mtls", "{lab}", "--host", "a" * 64], ["--host", "at most 63"]),
    (["revoke", "{lab}", "{lab}/ca-cert.pem"], ["the CA's own certificate"]),
    (["diagram", "{lab}", "-o", "{tmp}/null"], ["is a character device, not a file"]),
    (["diagram", "{lab}", "-o", "{tmp}/null", "--overwrite"], ["is a character device, not a file"]),
    (["diagram", "{lab}", "-o", "{lab}/ca-key.pem", "--overwrite"], ["holds a private key", "never replaces a key"]),
    (["diagram", "{lab}", "-o", "{tmp}/stdout-link", "--overwrite"], ["is a symbolic link, not a file"]),
    (["diagram", "{lab}", "-o", "{tmp}/fifo", "--overwrite"], ["is a FIFO", "not a file"]),
    (["workflow", "{lab}"], ["already holds", "pass --overwrite"]),
])
def test_bad_input_is_one_line_exit_2_in_cli_terms(tmp_path, small_lab, capsys, args, fragments):
    """Finding 5, 10, 12: tracebacks, wrong exit codes, and 'overwrite=True' where the CLI takes --overwrite.

    The device is a private copy of /dev/null's node: were the refusal to regress, the test would replace
    that copy, not the machine's /dev/null (as the code before issue #11 did with --overwrite).
    """
    if "{tmp}/null" in args:
        try:
            os.mknod(tmp_path / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device node needs root; the FIFO and link cases cover non-regular files")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "stdout-link").symlink_to("/proc/self/fd/1")
    before = snapshot(small_lab)
    cwd = os.getcwd()
    os.chdir(tmp_path)  # 'workflow ""' must not write into the current folder
    try:
        code = main([a.format(lab=small_lab, tmp=tmp_path, long="x" * 300) for a in args])
    except SystemExit as exited:  # argparse's refusals exit (as the console script does)
        code = exited.code
    finally:
        os.chdir(cwd)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err and "overwrite=True" not in err, err
    for fragment in fragments:
        assert fragment in err, err
    assert snapshot(small_lab) == before
    assert sorted(os.listdir(tmp_path)) == sorted(["fifo", "stdout-link"] + (["null"] if "{tmp}/null" in args else []))
    if "{tmp}/null" in args:
        assert stat.S_ISCHR((tmp_path / "null").lstat().st_mode)


@pytest.mark.parametrize("args", [
    ["inspect", "{fifo}"],
    ["inspect", "{lab}/server-cert.pem", "--issuer", "{fifo}"],
    ["verify", "--ca", "{fifo}", "{lab}/server-cert.pem", "--host", "localhost"],
    ["verify", "--ca", "{lab}/ca-cert.pem", "--untrusted", "{fifo}", "{lab}/server-cert.pem", "--host", "localhost"],
    ["verify", "--ca", "{lab}/ca-cert.pem", "{fifo}", "--client"],
    ["mtls", "{lab}", "--crl", "{fifo}"],
])
def test_a_fifo_is_refused_at_once(tmp_path, small_lab, args):
    """Finding 6: inspect, verify, --untrusted and --issuer blocked forever on a FIFO."""
    os.mkfifo(tmp_path / "fifo")
    done = run(*[a.format(lab=small_lab, fifo=tmp_path / "fifo") for a in args])  # run() times out at 120 s
    assert_one_line_error(done, 2, "is a FIFO (named pipe), not a regular file")


def test_umask_000_and_a_folder_writable_by_others(tmp_path):
    """Finding 7: under umask 000 the workspace folder was 0777 and held ca-key.pem."""
    done = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.umask(0); from pkilesson.cli import main; "
         "sys.exit(main(sys.argv[1:]))", "workflow", str(tmp_path / "a" / "lab"), "--key-type", "p256"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == stat.S_IMODE((tmp_path / "a" / "lab").stat().st_mode) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    assert_one_line_error(run("workflow", shared, "--key-type", "p256"), 2, "writable by every user", "chmod 700")
    assert os.listdir(shared) == []


def test_a_reader_that_stops_early_ends_the_output_quietly(small_lab):
    """Finding 5: 'workflow ... | head -1' and 'inspect --asn1 ... | head -1' gave a BrokenPipeError traceback."""
    for args in (["inspect", "--asn1", small_lab / "server-cert.pem"], ["verify", "--explain", "--ca",
                 small_lab / "ca-cert.pem", small_lab / "server-cert.pem", "--host", "localhost"]):
        process = subprocess.Popen([sys.executable, "-m", "pkilesson.cli", *map(str, args)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.close()  # the reader is gone before the first byte
        err = process.stderr.read().decode()
        process.stderr.close()
        assert process.wait(timeout=120) == 0 and err == "", err


def test_output_is_encodable_on_any_stdout(tmp_path):
    """Finding 5: a non-UTF-8 stdout with Unicode names gave a UnicodeEncodeError traceback."""
    done = subprocess.run([sys.executable, "-m", "pkilesson.cli", "workflow", str(tmp_path / "lab"), "--key-type",
                           "p256", "--ca-name", "École 雪 CA"], capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    assert b"CN=\\xc9cole \\u96ea CA" in done.stdout


def test_library_warnings_are_one_line_without_source(tmp_path, small_lab):
    """Finding 5: cryptography's deprecation warning was printed with its source line on an exit-0 run."""
    from cryptography.hazmat.primitives import serialization

    from pkilesson.pki.pem import to_pem

    der = bytearray(load_certificate(small_lab / "server-cert.pem").public_bytes(serialization.Encoding.DER))
    at = der.index(bytes.fromhex("a003020102"))  # version, then the serial: INTEGER, its length, its bytes
    assert der[at + 5] == 2
    der[at + 7] |= 0x80  # the serial's first byte: now a negative number
    (tmp_path / "negative.pem").write_bytes(to_pem("CERTIFICATE", bytes(der)))
    done = run("verify", "--ca", small_lab / "ca-cert.pem", tmp_path / "negative.pem", "--host", "localhost")
    assert done.returncode == 1 and "serial number cannot be negative" in done.stdout, done
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith("pkilesson: warning: ") for line in lines), done.stderr
    assert "Parsed a serial number which wasn't positive" in done.stderr


def test_unreadable_and_unsearchable_folders_are_one_line(small_lab):
    """Finding 5: a parent folder that is not searchable (workflow, mtls, revoke) and an unreadable ca-key.pem
    (diagram) gave tracebacks. Run as nobody when the tests run as root (root reads and enters anything), in a
    forked child, so no interpreter has to be started by a user who may not reach it."""
    import shutil
    import tempfile

    from conftest import NOBODY, run_unprivileged

    base = Path(tempfile.mkdtemp(prefix="pkilesson-perm-"))
    try:
        os.chmod(base, 0o755)
        shut, lab = base / "shut", base / "lab"
        shutil.copytree(small_lab, shut / "lab")
        shutil.copytree(small_lab, lab)
        if os.geteuid() == 0:
            for root, dirs, files in os.walk(base):
                for name in dirs + files:
                    os.chown(os.path.join(root, name), NOBODY, NOBODY)
        os.chmod(shut, 0o600)  # not searchable: nothing below it can be reached
        os.chmod(lab / "ca-key.pem", 0)
        commands = [
            (["workflow", shut / "lab" / "new"], "permission denied"),
            (["mtls", shut / "lab"], "permission denied"),
            (["revoke", shut / "lab", lab / "client-cert.pem"], "permission denied"),
            (["diagram", lab, "-o", "-"], "ca-key.pem: Cannot read a private key"),
        ]

        def run_main(args):
            os.chdir(base)
            os.environ["HOME"] = str(base)
            return main([str(a) for a in args])

        for args, fragment in commands:
            code, _, err = run_unprivileged(run_main, args)
            done = subprocess.CompletedProcess(args, int(code) if code.isdigit() else code, "", err)
            assert_one_line_error(done, 2, fragment)
    finally:
        os.chmod(base / "shut", 0o700)
        shutil.rmtree(base)


def test_diagram_of_a_workspace_with_a_negative_serial(tmp_path, small_lab, capsys):
    """Finding 5: 'diagram' of a workspace whose certificate has a negative serial gave a traceback."""
    import shutil
    import warnings

    from cryptography.hazmat.primitives import serialization

    from pkilesson.pki.pem import to_pem

    folder = tmp_path / "lab"
    shutil.copytree(small_lab, folder)
    der = bytearray(load_certificate(folder / "server-cert.pem").public_bytes(serialization.Encoding.DER))
    at = der.index(bytes.fromhex("a003020102"))
    der[at + 7] |= 0x80
    (folder / "server-cert.pem").write_bytes(to_pem("CERTIFICATE", bytes(der)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["diagram", str(folder), "-o", str(tmp_path / "d.svg"), "--dot"])
    assert code == 0 and "negative" in (tmp_path / "d.svg").read_text()
