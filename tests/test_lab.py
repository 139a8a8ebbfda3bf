"""``pkilesson lab``: the break-it lab from the terminal, and every cell checked against its tool run by hand.

For each defect, ``pkilesson lab NAME -o DIR --json`` writes the files and the verdicts; the test then
runs each checker itself on those files (the openssl CLI, pkilint's two commands, pyca/cryptography's
verifier in another Python process, and a real handshake whose client is another Python process running
the command the cell shows) and requires the same verdict and the same words.
"""

from __future__ import annotations

import json
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pkilesson.cli import main
from pkilesson.defects import DEFECTS


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
    from pkilesson.tls import LoopbackServer, Party

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


@pytest.mark.parametrize("name", list(DEFECTS))
def test_every_cell_matches_the_tool_run_by_hand(name, tmp_path, capsys, openssl_cli):
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
    assert list(cells) == ["openssl", "openssl-strict", "python-ssl", "python-ssl-strict", "pyca", "pkilint"]
    for cell in cells.values():
        assert set(cell) == {"name", "version", "command", "accepted", "words"} and cell["accepted"] in (True, False)
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
