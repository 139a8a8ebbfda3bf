"""pkilesson.pki.openssl: the source's commands are the document's, and the runner's errors are clear."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pkilesson import OpenSSLError
from pkilesson.pki.openssl import Command, key_commands, run, source_recipe, verify_commands

SOURCE = (Path(__file__).parent.parent / "docs" / "source-workflow-fr.md").read_text()


def source_lines() -> list[str]:
    """The commands of the document's ```bash blocks."""
    return [line.strip() for block in re.findall(r"```bash\n(.*?)```", SOURCE, re.S) for line in block.splitlines() if line.strip()]


def test_source_recipe_is_the_document_s_commands_verbatim():
    """Every command of source_recipe(), less the -subj we add, is a line of the document, in order."""
    ours = []
    for step in source_recipe():
        for command in step.commands:
            text = str(command)
            ours.append(re.sub(r" -subj ('[^']*'|\S+)", "", text))
    assert ours == source_lines()


def test_command_text_quotes_like_a_shell():
    command = Command(("openssl", "req", "-subj", "/O=My Lab/CN=x"), None)
    assert str(command) == "openssl req -subj '/O=My Lab/CN=x'"
    assert str(Command(("openssl", "genrsa", "2048"), "k.pem")) == "openssl genrsa 2048 > k.pem"


def test_key_commands_per_type():
    assert str(key_commands("ca", "p384")) == "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ca-key.pem"
    assert str(key_commands("client", "ed25519")) == "openssl genpkey -algorithm ED25519 -out client-key.pem"
    assert str(verify_commands("client")) == "openssl verify -x509_strict -CAfile ca-cert.pem -purpose sslclient client-cert.pem"


def test_runner_refuses_other_programs(tmp_path):
    with pytest.raises(OpenSSLError, match="is not an openssl command"):
        run("rm -rf /", tmp_path)


def test_runner_reports_openssl_s_own_message(openssl_cli, tmp_path):
    with pytest.raises(OpenSSLError, match=r"failed \(exit 1\).*Fix: ") as info:
        run("openssl x509 -in missing.pem -noout", tmp_path)
    assert "\n" not in str(info.value)
    done = run("openssl x509 -in missing.pem -noout", tmp_path, check=False)
    assert not done.ok and done.stderr


def test_runner_redirect_writes_like_a_shell(openssl_cli, tmp_path):
    done = run("openssl genrsa 2048 > key.pem", tmp_path)
    assert done.ok and (tmp_path / "key.pem").read_text().startswith("-----BEGIN PRIVATE KEY-----")


def test_runner_without_the_cli(tmp_path, monkeypatch):
    """With no openssl on PATH, one clear error naming the package to install."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(OpenSSLError, match="not installed here.*apt-get install openssl"):
        run("openssl version", tmp_path)
