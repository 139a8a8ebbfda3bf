"""The first ten minutes (issue #17): what the README shows runs as shown, and the command line's small surprises.

Each test holds one item of the issue: the README's `$ pkilesson ...` lines, the openssl commands that
`pkilesson workflow` prints (pasted into bash as printed), Ed25519 keys alone, `diagram` without `-o`,
`verify --json --explain`, errors in command-line terms, and `verify --crl`.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from pkilesson.cli import main

ROOT = Path(__file__).resolve().parent.parent
PKILESSON = Path(sys.executable).parent / "pkilesson"


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def readme_examples() -> list[tuple[str, list[str]]]:
    """Each `$ pkilesson ...` line of the README's console blocks, with the output lines shown under it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                command = line[2:].split("  #")[0].strip()
                examples.append((command, []))
            elif examples and line.strip():
                examples[-1][1].append(line)
    return examples


def test_the_readme_examples_run_and_print_what_the_readme_shows(tmp_path):
    examples = readme_examples()
    assert examples and all(command.startswith("pkilesson ") for command, _ in examples)
    for command, shown in examples:
        argv = shlex.split(command)
        done = subprocess.run([str(PKILESSON), *argv[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        printed = done.stdout.splitlines()
        for line in shown:
            assert line in printed, (command, line, done.stdout)


def test_the_printed_openssl_commands_run_as_printed_in_bash(tmp_path, capsys, openssl_cli):
    """Paste each 'same result with openssl' block into bash in an empty folder: the files are made and verify."""
    code, out, _ = run(["workflow", tmp_path / "lab", "--key-type", "p256"], capsys)
    assert code == 0
    blocks, taking = [], False
    for line in out.splitlines():
        if line.startswith("  same result with openssl"):
            taking = True
            continue
        if line.startswith("  ") or not line.strip() or line.startswith("Step ") or line.startswith("Both "):
            taking = False
            continue
        if taking:
            blocks.append(line)
    assert any(line == "EOF" for line in blocks), "a here-document's EOF is printed flush left"
    script = "set -euo pipefail\n" + "\n".join(blocks) + "\n"
    shell = tmp_path / "by-hand"
    shell.mkdir()
    done = subprocess.run(["bash", "-c", script], cwd=shell, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for name in ("ca-key.pem", "ca-cert.pem", "server-key.pem", "server-cert.pem", "client-key.pem", "client-cert.pem"):
        assert (shell / name).is_file(), name
    assert "server-cert.pem: OK" in done.stdout and "client-cert.pem: OK" in done.stdout


def test_ed25519_keys_alone_get_a_p256_ca(tmp_path, capsys):
    code, out, err = run(["workflow", tmp_path / "lab", "--key-type", "ed25519"], capsys)
    assert code == 0, err
    assert out.splitlines()[0].endswith("(Ed25519 keys; the CA's key: EC P-256 (secp256r1))")
    assert "Both certificates verify against ca-cert.pem." in out


def test_diagram_without_o_writes_to_standard_output(tmp_path, capsys):
    assert run(["workflow", tmp_path / "lab", "--key-type", "p256"], capsys)[0] == 0
    code, out, _ = run(["diagram", tmp_path / "lab", "--dot"], capsys)
    assert code == 0 and out.startswith("digraph workspace {")
    code, out, _ = run(["diagram", tmp_path / "lab"], capsys)
    assert code == 0 and "<svg" in out and "</svg>" in out


def test_verify_json_and_explain_are_alternatives(tmp_path, capsys):
    assert run(["workflow", tmp_path / "lab", "--key-type", "p256"], capsys)[0] == 0
    with pytest.raises(SystemExit) as exited:
        main(["verify", "--ca", str(tmp_path / "lab" / "ca-cert.pem"), str(tmp_path / "lab" / "server-cert.pem"),
              "--host", "localhost", "--json", "--explain"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.count("\n") == 1 and "--explain: not allowed with argument --json" in err


def test_errors_speak_the_command_line_s_words(tmp_path, capsys):
    lab = tmp_path / "lab"
    assert run(["workflow", lab, "--key-type", "p256"], capsys)[0] == 0
    code, _, err = run(["workflow", lab, "--key-type", "p256"], capsys)
    assert code == 2 and "--overwrite" in err and "overwrite=True" not in err
    (tmp_path / "d.svg").write_text("mine")
    code, _, err = run(["diagram", lab, "-o", tmp_path / "d.svg"], capsys)
    assert code == 2 and "already exists" in err and "choose another name" in err and "folder" not in err
    code, out, _ = run(["inspect", lab / "server-cert.pem"], capsys)
    assert code == 0 and "(--issuer FILE)" in out and "issuer=" not in out


def test_verify_crl_says_revoked_and_which_check(tmp_path, capsys):
    lab = tmp_path / "lab"
    assert run(["workflow", lab, "--key-type", "p256"], capsys)[0] == 0
    assert run(["revoke", lab, lab / "client-cert.pem"], capsys)[0] == 0
    ca, crl = lab / "ca-cert.pem", lab / "ca-crl.pem"
    code, out, _ = run(["verify", "--ca", ca, lab / "client-cert.pem", "--client", "--crl", crl], capsys)
    assert code == 1
    assert "pyca/cryptography's verifier checks none; pkilesson's check of" in out and "REVOKED: serial" in out
    code, out, _ = run(["verify", "--ca", ca, lab / "server-cert.pem", "--host", "localhost", "--crl", crl], capsys)
    assert code == 0 and "not revoked: the CRL's signature verifies with the key of" in out
    code, out, _ = run(["verify", "--ca", ca, lab / "client-cert.pem", "--client", "--crl", crl, "--json"], capsys)
    import json

    data = json.loads(out)
    assert code == 1 and data["revocation"]["revoked"] is True and data["revocation"]["checked_by"] == "pkilesson"
    # A CRL that the trusted CA did not sign is not believed: the check stops at its signature.
    other = tmp_path / "other"
    assert run(["workflow", other, "--key-type", "p256"], capsys)[0] == 0
    assert run(["revoke", other, other / "client-cert.pem"], capsys)[0] == 0
    code, out, _ = run(["verify", "--ca", ca, lab / "client-cert.pem", "--client", "--crl", other / "ca-crl.pem"],
                       capsys)
    assert code == 1 and "not checked: the CRL's signature does not verify with any trusted CA certificate" in out
