"""``pkilesson lab``: the break-it lab from the terminal, and every cell checked against its tool run by hand.

For each defect, ``pkilesson lab NAME -o DIR --json`` writes the files and the verdicts; the test then
runs each checker itself on those files (the openssl CLI, pkilint's two commands, pyca/cryptography's
verifier in another Python process, and a real handshake whose client is another Python process running
the command the cell shows; GnuTLS's certtool and gnutls-cli, NSS's certutil and vfychain, the Go
program built here with ``go build``, and Chromium from the shell with ``--dump-dom`` against a server
of this test's own) and requires the same verdict and the same words.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shlex
import shutil
import ssl
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from conftest import REQUIRE_TOOLS
from pkilesson.cli import main
from pkilesson.verify.defects import DEFECTS


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list(capsys):
    code, out, _ = run(["lab", "--list"], capsys)
    lines = out.splitlines()
    assert code == 0 and [line.split("  ")[0] for line in lines] == list(DEFECTS)
    assert lines[1] == "no-san  no subjectAltName"
    assert list(DEFECTS) == ["none", "no-san", "same-subject", "reused-serial", "v1-leaf", "ca-no-key-usage",
                             "client-as-server", "missing-eku", "expired", "not-yet-valid", "other-ca",
                             "flipped-signature", "missing-intermediate"]


def test_bad_input_exit_codes(capsys, tmp_path):
    code, _, err = run(["lab", "typo"], capsys)
    assert code == 2 and err.count("\n") == 1 and "There is no defect 'typo'" in err and "lab --list" in err
    for argv in (["lab"], ["lab", "--list", "none"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and ("name a defect" in err or "--list takes no defect" in err)
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    code, _, err = run(["lab", "none", "-o", str(full)], capsys)
    assert code == 2 and "not an empty folder" in err and sorted(p.name for p in full.iterdir()) == ["keep.txt"]


def test_text_output_quotes_each_tool(capsys, tmp_path, openssl_cli):
    code, out, _ = run(["lab", "ca-no-key-usage", "-o", str(tmp_path / "lab")], capsys)
    assert code == 0
    assert "openssl-strict     refuses  error 92 at 1 depth lookup: CA cert does not include key usage extension" in out
    assert "pkilesson's explanation (ours): pyca/cryptography refused on the check key_usage" in out
    assert f"The files, in {tmp_path / 'lab'}/" in out and "leaf-key.pem" in out


def _pyca_by_hand(folder: Path, host: str, at: str) -> tuple[bool, str]:
    """pyca/cryptography's verifier, called in another Python process on the written files."""
    script = f"""
import datetime as dt
from cryptography import x509
from cryptography.x509 import verification as v
roots = x509.load_pem_x509_certificates(open("ca-cert.pem", "rb").read())
leaf = x509.load_pem_x509_certificate(open("leaf-cert.pem", "rb").read())
at = dt.datetime.fromisoformat({at!r}.replace("Z", "+00:00"))
verifier = v.PolicyBuilder().store(v.Store(roots)).time(at).build_server_verifier(x509.DNSName({host!r}))
try:
    verifier.verify(leaf, [])
    print("OK")
except v.VerificationError as exc:
    print(str(exc))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, timeout=60)
    said = done.stdout.strip()
    return said == "OK", said


def _python_ssl_by_hand(folder: Path, host: str, strict: bool) -> tuple[bool, str]:
    """The handshake: pkilesson's loopback server presents the leaf; the client is another Python process."""
    from pkilesson import load_certificate, load_private_key
    from pkilesson.tls.loopback import LoopbackServer, Party

    party = Party((load_certificate(folder / "leaf-cert.pem"),), load_private_key(folder / "leaf-key.pem"), ())
    flags = "context.verify_flags |= ssl.VERIFY_X509_STRICT\n" if strict else ""
    with LoopbackServer(party, require_client_certificate=False, strict=False, lifetime=30) as server:
        script = f"""
import socket, ssl
context = ssl.create_default_context(cafile="ca-cert.pem")
{flags}try:
    with context.wrap_socket(socket.create_connection(("127.0.0.1", {server.port}), timeout=10),
                             server_hostname={host!r}) as connection:
        print("OK")
except (ssl.SSLError, OSError) as error:
    print(str(error))
"""
        done = subprocess.run([sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, timeout=60)
    said = done.stdout.strip()
    return said == "OK", said


def _pkilint_by_hand(folder: Path, command: str) -> tuple[bool, set]:
    """pkilint's own commands on the files: the ERROR/FATAL codes they print."""
    bin_dir = Path(sys.executable).parent
    codes = set()
    for part in command.split(" ; "):
        argv = shlex.split(part)
        done = subprocess.run([str(bin_dir / argv[0]), *argv[1:]], cwd=folder, capture_output=True, text=True,
                              timeout=120)
        for line in done.stdout.splitlines():
            line = line.strip()
            if line.endswith(("(ERROR)", "(FATAL)")) or "(ERROR):" in line or "(FATAL):" in line:
                codes.add(line.split(" (")[0])
    codes.discard("pkix.invalid_domain_name_syntax")  # the 'localhost' finding pkilesson allows, said in its words
    return not codes, codes


def _have(tool: str, package: str) -> bool:
    """Whether ``tool`` is installed; under CI (PKILESSON_REQUIRE_TOOLS=1) a missing one fails the test."""
    if shutil.which(tool):
        return True
    if REQUIRE_TOOLS:
        pytest.fail(f"PKILESSON_REQUIRE_TOOLS=1 but the '{tool}' command is not installed (a column of the lab); "
                    f"Debian: apt-get install {package}")
    return False


#: Each new column's commands, and their Debian package.
STACK_TOOLS = {"gnutls": {"certtool": "gnutls-bin"}, "gnutls-cli": {"gnutls-cli": "gnutls-bin"},
               "nss": {"certutil": "libnss3-tools", "vfychain": "libnss3-tools"}, "go": {"go": "golang-go"},
               "chromium": {"chromium": "chromium", "certutil": "libnss3-tools"}}


@pytest.fixture(scope="module")
def goverify_by_hand(tmp_path_factory):
    """The lab's Go program, built here by the test itself with ``go build`` (not pkilesson's cached build)."""
    if not _have("go", "golang-go"):
        return None
    from pkilesson.verify.golang import SOURCE

    out = tmp_path_factory.mktemp("goverify") / "goverify"
    env = dict(os.environ, GOPROXY="off", GOTOOLCHAIN="local", CGO_ENABLED="0")
    subprocess.run(["go", "build", "-o", str(out), str(SOURCE)], cwd=out.parent, env=env, check=True, timeout=600,
                   capture_output=True)
    return out


def _certtool_by_hand(folder: Path, cell: dict) -> None:
    done = subprocess.run(shlex.split(cell["command"]), cwd=folder, capture_output=True, text=True, timeout=60)
    assert (done.returncode == 0) is cell["accepted"], (cell, done.stdout)
    assert cell["words"].startswith("Chain verification output: ")
    assert cell["words"] in [line.strip() for line in done.stdout.splitlines()], (cell, done.stdout)


def _gnutls_cli_by_hand(folder: Path, cell: dict) -> None:
    """gnutls-cli, the cell's command, against pkilesson's loopback server presenting the leaf."""
    from pkilesson import load_certificate, load_private_key
    from pkilesson.tls.loopback import LoopbackServer, Party

    command, _, note = cell["command"].partition("  # PORT: ")
    assert note == "a server on 127.0.0.1 presenting leaf-cert.pem with leaf-key.pem"
    party = Party((load_certificate(folder / "leaf-cert.pem"),), load_private_key(folder / "leaf-key.pem"), ())
    with LoopbackServer(party, require_client_certificate=False, strict=False, lifetime=30) as server:
        done = subprocess.run(["bash", "-c", command.replace("PORT", str(server.port))], cwd=folder,
                              capture_output=True, text=True, timeout=60)
    lines = [line.strip() for line in (done.stdout + done.stderr).splitlines()]
    assert (done.returncode == 0 and "- Handshake was completed" in lines) is cell["accepted"], (cell, lines)
    assert all(part in lines for part in cell["words"].split("; ")), (cell, lines)


def _nss_by_hand(folder: Path, cell: dict, database: Path) -> None:
    """The cell's three commands (a new database, the CA trusted in it, vfychain), NSSDB a new folder."""
    commands, _, note = cell["command"].partition("  # ")
    assert note == "NSSDB: a new, empty folder"
    database.mkdir()
    for part in commands.split(" && "):
        done = subprocess.run([a.replace("NSSDB", str(database)) for a in shlex.split(part)], cwd=folder,
                              capture_output=True, text=True, timeout=60)
    said = " ".join(line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip())
    assert (done.returncode == 0) is cell["accepted"] and said == cell["words"], (cell, said)


def _go_by_hand(folder: Path, cell: dict, program: Path) -> None:
    argv = shlex.split(cell["command"].partition("  # ")[0])
    assert Path(argv[0]).name.startswith("goverify-")
    done = subprocess.run([str(program), *argv[1:]], cwd=folder, capture_output=True, text=True, timeout=60)
    assert (done.returncode == 0) is cell["accepted"] and done.stdout.strip() == cell["words"], (cell, done.stdout)


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<p>served by the test's own HTTPS server</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _chromium_by_hand(folder: Path, cell: dict) -> None:
    """The cell's shell script (Chromium with --dump-dom) against an HTTPS server of the test's own."""
    script, _, note = cell["command"].partition("  # PORT: ")
    assert note.startswith("a server on 127.0.0.1 presenting leaf-cert.pem with leaf-key.pem")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "leaf-cert.pem", folder / "leaf-key.pem")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.handle_error = lambda *args: None  # a refused handshake is the browser's verdict, not the server's error
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:  # mktemp's folder under a short path: Chromium's sockets in it must fit in 108 bytes
        with tempfile.TemporaryDirectory(prefix="pkl-") as temp:
            done = subprocess.run(["bash", "-c", script.replace("PORT", str(server.server_address[1]))], cwd=folder,
                                  env=dict(os.environ, TMPDIR=temp), capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    failed = re.findall(r"Page load failed: (net::ERR_[A-Z_]+)", done.stderr)
    if cell["accepted"]:
        assert not failed and "served by the test's own HTTPS server" in done.stdout, (cell, done.stderr[-2000:])
    else:
        assert failed == [cell["words"]], (cell, failed, done.stderr[-2000:])


@pytest.mark.parametrize("name", list(DEFECTS))
def test_every_cell_matches_the_tool_run_by_hand(name, tmp_path, capsys, openssl_cli, goverify_by_hand):
    folder = tmp_path / "lab"
    code, out, _ = run(["lab", name, "-o", str(folder), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"defect", "title", "purpose", "host", "at", "files", "checkers", "first_failure", "fix"}
    assert data["defect"] == name and data["purpose"] == "server" and data["at"].endswith("Z")
    assert sorted(Path(p).name for p in data["files"].values()) == sorted(p.name for p in folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "leaf-key.pem").stat().st_mode) == 0o600
    cells = {c["name"]: c for c in data["checkers"]}
    assert list(cells) == ["openssl", "openssl-strict", "python-ssl", "python-ssl-strict", "pyca", "pkilint",
                           "gnutls", "gnutls-cli", "nss", "go", "chromium"]
    present = {checker: all(_have(t, p) for t, p in tools.items()) for checker, tools in STACK_TOOLS.items()}
    for cell in cells.values():
        assert set(cell) == {"name", "version", "command", "accepted", "words"}
        if present.get(cell["name"], True):
            assert cell["accepted"] in (True, False), cell
        else:  # not on this machine: a null cell that says how to install it
            assert cell["accepted"] is None and "sudo apt-get install" in cell["words"], cell
    if present["gnutls"]:
        _certtool_by_hand(folder, cells["gnutls"])
    if present["gnutls-cli"]:
        _gnutls_cli_by_hand(folder, cells["gnutls-cli"])
    if present["nss"]:
        _nss_by_hand(folder, cells["nss"], tmp_path / "nssdb")
    if present["go"]:
        _go_by_hand(folder, cells["go"], goverify_by_hand)
    if present["chromium"]:
        _chromium_by_hand(folder, cells["chromium"])
    for checker in ("openssl", "openssl-strict"):
        cell = cells[checker]
        done = subprocess.run(shlex.split(cell["command"]), cwd=folder, capture_output=True, text=True, timeout=60)
        assert (done.returncode == 0) is cell["accepted"], (checker, cell, done.stdout, done.stderr)
        assert all(part in done.stdout + done.stderr for part in cell["words"].split("; ")), (cell, done.stdout)
    for checker, strict in (("python-ssl", False), ("python-ssl-strict", True)):
        accepted, said = _python_ssl_by_hand(folder, data["host"], strict)
        assert accepted is cells[checker]["accepted"], (checker, said, cells[checker])
        if not accepted:
            assert said == cells[checker]["words"]
    accepted, said = _pyca_by_hand(folder, data["host"], data["at"])
    assert accepted is cells["pyca"]["accepted"], (said, cells["pyca"])
    if not accepted:
        assert said.startswith(cells["pyca"]["words"]) and "encountered processing" not in cells["pyca"]["words"]
    accepted, codes = _pkilint_by_hand(folder, cells["pkilint"]["command"])
    assert accepted is cells["pkilint"]["accepted"], (codes, cells["pkilint"])
    assert all(code in cells["pkilint"]["words"] for code in codes)
