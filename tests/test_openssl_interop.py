"""Interop with the real ``openssl`` command line tool.

What the library makes must be what OpenSSL accepts, and the "corrected"
openssl commands the lessons print must make what the library makes:

* ``openssl verify`` accepts the workflow's chain for the right purpose and
  name, and rejects the client certificate as a server certificate (EKU);
* every private key belongs to its certificate, is PKCS#8 and mode 0600;
* the corrected commands, run on the library's own keys, rebuild the
  library's certificates field by field;
* the source recipe's exact commands make files the library reads, with the
  flaws the lessons point out (v1 leaves, world-readable keys, a CA
  certificate without keyUsage);
* ``openssl s_server`` and ``openssl s_client`` complete a mutual-TLS
  handshake on 127.0.0.1 with the files ``pkilesson workflow`` writes, and
  the server refuses a client without a certificate.

Every test takes the ``openssl_cli`` fixture: it skips when the CLI is
absent (and fails under CI, where PKILESSON_REQUIRE_TOOLS=1).
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path
from typing import Optional

import pytest
from cryptography import x509

import pkilesson
from pkilesson import CertificateAuthority, Settings, load_certificate, load_csr, load_private_key
from pkilesson.cli import main as cli_main
from pkilesson.pki.keys import key_type_of
from pkilesson.pki.openssl import openssl_version, run_step, source_recipe
from pkilesson.pki.artifacts import steps_of

from conftest import NOW

pytestmark = pytest.mark.openssl

#: The workflows under test, by key type. Ed25519 keys are for leaves only:
#: the library refuses an Ed25519 CA (pyca's verifier forbids Ed25519 signatures).
SETTINGS = {
    "rsa2048": Settings(key_type="rsa2048"),
    "p256": Settings(key_type="p256"),
    "p384": Settings(key_type="p384"),
    "ed25519": Settings(key_type="ed25519", ca_key_type="p256"),
}
ROLES = ["ca", "server", "client"]
#: ``-attime`` for NOW: the tests' artifacts are valid from NOW on, whatever the real date.
ATTIME = str(int(NOW.timestamp()))
#: Upper bound of any one openssl command, in seconds.
TIMEOUT = 60


def openssl(cli: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``openssl ARGS`` in ``cwd``: bounded in time, no stdin, output captured as text."""
    return subprocess.run(
        [cli, *args], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT
    )


def output_of(done: subprocess.CompletedProcess) -> str:
    return done.stdout + done.stderr


def openssl_release() -> Optional[tuple[int, int]]:
    """(major, minor) of the openssl CLI, or None when its banner is not OpenSSL's."""
    match = re.match(r"OpenSSL (\d+)\.(\d+)", openssl_version() or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


# -- the workflow's files, made at NOW ----------------------------------------


@pytest.fixture(scope="module", params=list(SETTINGS))
def workflow(request, tmp_path_factory, openssl_cli):
    """``run_workflow`` at NOW for one key type: its result (the files are in result.workspace.path)."""
    folder = tmp_path_factory.mktemp(f"workflow-{request.param}") / "ws"
    return pkilesson.run_workflow(folder, SETTINGS[request.param], now=NOW)


def settings_of(result) -> Settings:
    """The Settings a workflow result was made with (its key types)."""
    artifacts = result.artifacts
    return Settings(key_type=key_type_of(artifacts.server_key), ca_key_type=key_type_of(artifacts.ca.key))


def verify(cli: str, folder: Path, cert: str, *options: str) -> subprocess.CompletedProcess:
    """``openssl verify -x509_strict -attime NOW OPTIONS -CAfile ca-cert.pem CERT``."""
    return openssl(
        cli, "verify", "-x509_strict", "-attime", ATTIME, *options, "-CAfile", "ca-cert.pem", cert, cwd=folder
    )


def test_server_certificate_verifies_for_its_host_name(openssl_cli, workflow):
    """openssl, strict, accepts server-cert.pem for TLS servers and the name localhost."""
    done = verify(openssl_cli, workflow.workspace.path, "server-cert.pem",
                  "-purpose", "sslserver", "-verify_hostname", "localhost")
    assert done.returncode == 0, output_of(done)
    assert "server-cert.pem: OK" in done.stdout


def test_server_certificate_verifies_for_its_ip_address(openssl_cli, workflow):
    """openssl, strict, accepts server-cert.pem for the IP address 127.0.0.1 (an IP SAN, not a DNS one)."""
    done = verify(openssl_cli, workflow.workspace.path, "server-cert.pem",
                  "-purpose", "sslserver", "-verify_ip", "127.0.0.1")
    assert done.returncode == 0, output_of(done)
    assert "server-cert.pem: OK" in done.stdout


def test_client_certificate_verifies_for_tls_clients(openssl_cli, workflow):
    """openssl, strict, accepts client-cert.pem for TLS clients."""
    done = verify(openssl_cli, workflow.workspace.path, "client-cert.pem", "-purpose", "sslclient")
    assert done.returncode == 0, output_of(done)
    assert "client-cert.pem: OK" in done.stdout


@pytest.mark.parametrize(
    "cert, purpose", [("client-cert.pem", "sslserver"), ("server-cert.pem", "sslclient")]
)
def test_each_leaf_is_refused_for_the_other_purpose(openssl_cli, workflow, cert, purpose):
    """The extendedKeyUsage keeps each leaf to its role: the client's certificate is
    not a server's, and the server's is not a client's (error 26)."""
    done = verify(openssl_cli, workflow.workspace.path, cert, "-purpose", purpose)
    assert done.returncode != 0
    assert "unsuitable certificate purpose" in output_of(done)


def test_server_certificate_is_refused_for_another_name(openssl_cli, workflow):
    """The subjectAltName binds the server certificate to its names only (error 62)."""
    done = verify(openssl_cli, workflow.workspace.path, "server-cert.pem",
                  "-purpose", "sslserver", "-verify_hostname", "other.example")
    assert done.returncode != 0
    assert "hostname mismatch" in output_of(done)


def test_library_verdict_agrees_with_openssl(openssl_cli, workflow):
    """Step 4 of the library (pyca) and strict openssl agree: the workflow's chain is valid."""
    assert workflow.ok, (workflow.server_verdict.reason, workflow.client_verdict.reason)
    for cert, options in (
        ("server-cert.pem", ("-purpose", "sslserver", "-verify_hostname", "localhost")),
        ("client-cert.pem", ("-purpose", "sslclient")),
    ):
        done = verify(openssl_cli, workflow.workspace.path, cert, *options)
        assert done.returncode == 0, output_of(done)


# -- the private keys -----------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_private_key_matches_its_certificate(openssl_cli, workflow, role):
    """openssl derives from X-key.pem the same public key that X-cert.pem carries."""
    folder = workflow.workspace.path
    from_key = openssl(openssl_cli, "pkey", "-in", f"{role}-key.pem", "-pubout", cwd=folder)
    from_cert = openssl(openssl_cli, "x509", "-in", f"{role}-cert.pem", "-noout", "-pubkey", cwd=folder)
    assert from_key.returncode == 0, output_of(from_key)
    assert from_cert.returncode == 0, output_of(from_cert)
    assert "BEGIN PUBLIC KEY" in from_key.stdout
    assert from_key.stdout == from_cert.stdout


@pytest.mark.parametrize("role", ROLES)
def test_private_key_file_is_owner_only_pkcs8(openssl_cli, workflow, role):
    """X-key.pem is mode 0600 and PKCS#8 (BEGIN PRIVATE KEY), which openssl reads as such."""
    path = workflow.workspace.path / f"{role}-key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----\n")
    done = openssl(openssl_cli, "pkey", "-in", path.name, "-noout", cwd=path.parent)
    assert done.returncode == 0, output_of(done)


# -- the corrected commands rebuild the library's certificates ---------------------


def _is_genpkey(step_commands) -> bool:
    return all(command.argv[:2] == ("openssl", "genpkey") for command in step_commands.commands)


def _is_verify(step_commands) -> bool:
    return all(command.argv[:2] == ("openssl", "verify") for command in step_commands.commands)


def rebuild_with_openssl(result, folder: Path) -> dict:
    """Run the corrected req/x509 commands of ``result`` on its own keys, in ``folder``.

    Returns {role: (library's certificate, openssl's certificate)}.
    """
    for role in ROLES:
        shutil.copy2(result.workspace.path / f"{role}-key.pem", folder / f"{role}-key.pem")
    for step in steps_of(result.artifacts, settings_of(result)):
        for step_commands in step.ours:
            if not _is_genpkey(step_commands) and not _is_verify(step_commands):
                run_step(step_commands, folder)
    mine = result.artifacts
    library = {"ca": mine.ca.certificate, "server": mine.server_certificate, "client": mine.client_certificate}
    return {role: (library[role], load_certificate(folder / f"{role}-cert.pem")) for role in ROLES}


@pytest.fixture(scope="module")
def rebuilt(workflow, tmp_path_factory):
    """The workflow's certificates, rebuilt by openssl with the corrected commands."""
    return rebuild_with_openssl(workflow, tmp_path_factory.mktemp("rebuilt"))


def _extensions(certificate: x509.Certificate) -> dict:
    return {e.oid: (e.critical, e.value) for e in certificate.extensions}


@pytest.mark.parametrize("role", ROLES)
def test_corrected_commands_rebuild_the_certificate(openssl_cli, rebuilt, role):
    """The corrected openssl commands give the same subject, issuer, serial, version,
    digest, validity length and extensions (OID, criticality, value) as the library."""
    ours, theirs = rebuilt[role]
    assert theirs.subject == ours.subject
    assert theirs.issuer == ours.issuer
    assert theirs.serial_number == ours.serial_number
    assert theirs.version == ours.version == x509.Version.v3
    assert type(theirs.signature_hash_algorithm) is type(ours.signature_hash_algorithm)
    assert theirs.signature_algorithm_oid == ours.signature_algorithm_oid
    assert (theirs.not_valid_after_utc - theirs.not_valid_before_utc) == (
        ours.not_valid_after_utc - ours.not_valid_before_utc
    )
    assert len(theirs.extensions) == len(ours.extensions)
    assert _extensions(theirs) == _extensions(ours)
    assert theirs.public_key() == ours.public_key()


@pytest.mark.parametrize(
    "role",
    [
        "ca",
        "server",
        "client",
    ],
)
def test_corrected_commands_keep_the_extension_order(openssl_cli, rebuilt, role):
    """The corrected commands write the extensions in the library's order, as
    Profile.extensions() promises ("the order is the one OpenSSL uses")."""
    ours, theirs = rebuilt[role]
    assert [e.oid for e in theirs.extensions] == [e.oid for e in ours.extensions]
    assert list(theirs.extensions) == list(ours.extensions)


@pytest.mark.parametrize("key_type, ca_key_type", [("p384", "p256"), ("ed25519", "p384")])
def test_corrected_commands_sign_with_the_cas_digest(openssl_cli, tmp_path, key_type, ca_key_type):
    """With a CA key of another type than the leaves', the corrected commands still
    sign the leaves with the CA's digest, as the library does."""
    result = pkilesson.run_workflow(
        tmp_path / "ws", Settings(key_type=key_type, ca_key_type=ca_key_type), now=NOW
    )
    folder = tmp_path / "rebuilt"
    folder.mkdir()
    pairs = rebuild_with_openssl(result, folder)
    for role in ROLES:
        ours, theirs = pairs[role]
        assert type(theirs.signature_hash_algorithm) is type(ours.signature_hash_algorithm), role


@pytest.mark.parametrize("key_type", ["rsa2048", "p256"])
def test_printed_steps_are_a_runnable_shell_script(openssl_cli, tmp_path, key_type):
    """What the CLI and the notebooks print for our steps 1-4 (extension files written
    with cat <<EOF, then the commands) runs as it is in bash and verifies strictly.
    Real clock: step 4's openssl verify checks dates against the current time."""
    workflow = pkilesson.run_workflow(tmp_path / "ws", Settings(key_type=key_type))
    script = "set -e\n" + "\n".join(
        str(step_commands) for step in steps_of(workflow.artifacts, settings_of(workflow)) for step_commands in step.ours
    )
    (tmp_path / "run").mkdir()
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path / "run", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "server-cert.pem: OK" in done.stdout and "client-cert.pem: OK" in done.stdout
    rebuilt = load_certificate(tmp_path / "run" / "server-cert.pem")
    assert rebuilt.serial_number == workflow.artifacts.server_certificate.serial_number
    assert _extensions(rebuilt).keys() == _extensions(workflow.artifacts.server_certificate).keys()


def test_corrected_genpkey_commands_make_owner_only_keys(openssl_cli, workflow, tmp_path):
    """The corrected key commands (openssl genpkey -out) make a key of the chosen type, mode 0600."""
    for step in steps_of(workflow.artifacts, settings_of(workflow)):
        for step_commands in step.ours:
            if _is_genpkey(step_commands):
                run_step(step_commands, tmp_path)
    expected = {
        "ca": key_type_of(workflow.artifacts.ca.key),
        "server": key_type_of(workflow.artifacts.server_key),
        "client": key_type_of(workflow.artifacts.client_key),
    }
    for role in ROLES:
        path = tmp_path / f"{role}-key.pem"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----\n")
        assert key_type_of(load_private_key(path)) == expected[role]


# -- the source recipe, run as written --------------------------------------------


@pytest.fixture(scope="module")
def source_folder(tmp_path_factory, openssl_cli):
    """The source recipe's exact commands (with -subj), run under umask 022, real clock."""
    folder = tmp_path_factory.mktemp("source")
    previous = os.umask(0o022)
    try:
        for step_commands in source_recipe():
            run_step(step_commands, folder)
    finally:
        os.umask(previous)
    return folder


def test_source_files_load_into_the_library(openssl_cli, source_folder):
    """Every file the source recipe makes is read by the library without error."""
    for role in ROLES:
        load_private_key(source_folder / f"{role}-key.pem")
        load_certificate(source_folder / f"{role}-cert.pem")
    for role in ("server", "client"):
        load_csr(source_folder / f"{role}-req.pem")
    ca = CertificateAuthority.load(source_folder / "ca-cert.pem", source_folder / "ca-key.pem")
    assert ca.certificate.subject == ca.certificate.issuer


def test_source_leaves_are_version_1_without_extensions(openssl_cli, source_folder):
    """'openssl x509 -req' without -extfile makes v1 leaves with no extension (before OpenSSL 3.2)."""
    release = openssl_release()
    if release is None or release >= (3, 2):
        pytest.skip(f"OpenSSL 3.2+ writes v3 leaves with SKI/AKI ({openssl_version()})")
    for role in ("server", "client"):
        cert = load_certificate(source_folder / f"{role}-cert.pem")
        assert cert.version == x509.Version.v1
        assert len(cert.extensions) == 0


def test_source_genrsa_keys_are_readable_by_everyone(openssl_cli, source_folder):
    """'openssl genrsa 2048 > X-key.pem' leaves the private keys mode 0644 under umask 022."""
    for role in ROLES:
        mode = stat.S_IMODE((source_folder / f"{role}-key.pem").stat().st_mode)
        assert mode == 0o644, oct(mode)


def test_source_server_certificate_fails_library_verification(openssl_cli, source_folder):
    """pyca's strict verifier refuses the source's server certificate for localhost."""
    ca = load_certificate(source_folder / "ca-cert.pem")
    verdict = pkilesson.verify_certificate(
        load_certificate(source_folder / "server-cert.pem"), [ca], host="localhost"
    )
    assert not verdict.valid
    assert verdict.reason


@pytest.mark.parametrize("cert", ["server-cert.pem", "client-cert.pem"])
def test_source_ca_fails_strict_openssl_verify(openssl_cli, source_folder, cert):
    """Plain 'openssl verify' accepts the source's chain; with -x509_strict the CA
    certificate (depth 1) is refused for lacking the keyUsage extension (error 92)."""
    plain = openssl(openssl_cli, "verify", "-CAfile", "ca-cert.pem", cert, cwd=source_folder)
    assert plain.returncode == 0, output_of(plain)
    assert f"{cert}: OK" in plain.stdout
    strict = openssl(openssl_cli, "verify", "-x509_strict", "-CAfile", "ca-cert.pem", cert, cwd=source_folder)
    assert strict.returncode != 0
    assert "key usage" in output_of(strict)
    assert "at 1 depth" in output_of(strict)


# -- a real mutual-TLS handshake with s_server and s_client ----------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop a process this test started: terminate, then kill, always reaped."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class SServer:
    """``openssl s_server`` for one connection on 127.0.0.1, started and stopped by a test.

    Its standard input stays open (at end of input s_server would shut down)
    and a thread collects its output, so the test can wait for ``ACCEPT``.
    """

    def __init__(self, cli: str, folder: Path, *options: str) -> None:
        self.cli, self.folder, self.options = cli, folder, options
        self.process: Optional[subprocess.Popen] = None
        self.lines: "queue.Queue[Optional[str]]" = queue.Queue()
        self.seen: list[str] = []
        self.port = 0

    def _pump(self, stream) -> None:
        for raw in stream:
            self.lines.put(raw.decode(errors="replace"))
        self.lines.put(None)

    def _start_once(self) -> bool:
        self.port = _free_port()
        argv = [self.cli, "s_server", "-accept", f"127.0.0.1:{self.port}", "-naccept", "1", *self.options]
        self.process = subprocess.Popen(
            argv, cwd=self.folder, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        self.lines, self.seen = queue.Queue(), []
        self.reader = threading.Thread(target=self._pump, args=(self.process.stdout,), daemon=True)
        self.reader.start()
        while True:
            try:
                line = self.lines.get(timeout=TIMEOUT)
            except queue.Empty:
                return False
            if line is None:  # exited before listening (the port was taken meanwhile)
                return False
            self.seen.append(line)
            if line.startswith("ACCEPT"):
                return True

    def __enter__(self) -> "SServer":
        for _ in range(3):
            if self._start_once():
                return self
            self._close()
        raise AssertionError("openssl s_server did not start listening:\n" + "".join(self.seen))

    def output(self) -> str:
        """Wait for the server to finish its one connection; everything it printed."""
        try:
            self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            pass  # reported by the assertions on the output; __exit__ stops it
        self._close()
        return "".join(self.seen)

    def _close(self) -> None:
        if self.process is None:
            return
        _stop(self.process)
        self.process.stdin.close()
        self.reader.join(timeout=10)
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.seen.append(line)
        self.process.stdout.close()
        self.process = None

    def __exit__(self, *exc_info) -> None:
        self._close()


SERVER_OPTIONS = (
    "-Verify", "1", "-verify_return_error",
    "-cert", "server-cert.pem", "-key", "server-key.pem", "-CAfile", "ca-cert.pem",
    # No TLS 1.3 session tickets: nothing is sent after the handshake, so a client
    # that leaves at once cannot make the server's last write fail (a TCP reset).
    "-num_tickets", "0",
)


def s_client(cli: str, folder: Path, port: int, *options: str, hold_stdin: bool = False):
    """Run ``openssl s_client`` against 127.0.0.1:PORT, bounded in time.

    With ``hold_stdin`` its input stays open, so it leaves only when the
    server ends the connection (e.g. with an alert); else it leaves at once
    after the handshake (end of input).
    """
    argv = [cli, "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", "ca-cert.pem",
            "-verify_return_error", "-verify_hostname", "localhost", *options]
    if not hold_stdin:
        return subprocess.run(argv, cwd=folder, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=TIMEOUT)
    read_end, write_end = os.pipe()
    try:
        return subprocess.run(argv, cwd=folder, stdin=read_end, capture_output=True, text=True, timeout=TIMEOUT)
    finally:
        os.close(read_end)
        os.close(write_end)


@pytest.fixture(params=["rsa2048", "p256"])
def cli_workspace(request, tmp_path, capsys):
    """The files 'pkilesson workflow DIR --key-type K' writes, with the real clock."""
    folder = tmp_path / "ws"
    assert cli_main(["workflow", str(folder), "--key-type", request.param]) == 0
    assert "Both certificates verify against ca-cert.pem." in capsys.readouterr().out
    return folder


@pytest.mark.parametrize("version, client_flags", [("TLSv1.3", ()), ("TLSv1.2", ("-tls1_2",))])
def test_mutual_tls_handshake_succeeds(openssl_cli, cli_workspace, version, client_flags):
    """s_client verifies the server (CA, name localhost) and the server, which
    demands a client certificate, verifies and sees the client's."""
    with SServer(openssl_cli, cli_workspace, *SERVER_OPTIONS) as server:
        client = s_client(openssl_cli, cli_workspace, server.port,
                          "-cert", "client-cert.pem", "-key", "client-key.pem", *client_flags)
        server_output = server.output()
    assert client.returncode == 0, client.stdout + client.stderr
    assert "Verify return code: 0 (ok)" in client.stdout
    assert "Verified peername: localhost" in client.stdout
    assert f"New, {version}, Cipher is" in client.stdout
    assert "subject=C = FR, O = pkilesson, CN = localhost" in client.stdout
    assert "Client certificate" in server_output, server_output
    assert "subject=C = FR, O = pkilesson, CN = client.localhost" in server_output
    assert "1 server accepts that finished" in server_output


@pytest.mark.parametrize(
    "client_flags, alert",
    [((), "alert certificate required"), (("-tls1_2",), "alert handshake failure")],
)
def test_mutual_tls_handshake_fails_without_client_certificate(openssl_cli, cli_workspace, client_flags, alert):
    """A server started with -Verify -verify_return_error refuses a client that
    sends no certificate; the client receives the server's alert."""
    with SServer(openssl_cli, cli_workspace, *SERVER_OPTIONS) as server:
        client = s_client(openssl_cli, cli_workspace, server.port, *client_flags, hold_stdin=True)
        server_output = server.output()
    assert "peer did not return a certificate" in server_output, server_output
    assert "0 server accepts that finished" in server_output
    assert client.returncode != 0
    assert alert in client.stderr, client.stderr


# -- pkilesson's TLS peers against OpenSSL's ------------------------------------


def test_our_server_with_openssl_s_client(openssl_cli, cli_workspace):
    """pkilesson's LoopbackServer (CERT_REQUIRED, strict) accepts openssl s_client with the
    client's certificate, and refuses it without one; each side says what it saw."""
    from pkilesson.tls.loopback import LoopbackServer, party_of
    from pkilesson.pki.artifacts import load_artifacts

    lab = load_artifacts(cli_workspace)
    with LoopbackServer(party_of(lab, "server")) as server:
        client = s_client(openssl_cli, cli_workspace, server.port, "-cert", "client-cert.pem", "-key",
                          "client-key.pem", hold_stdin=False)
        deadline = time.monotonic() + TIMEOUT
        while not server.reports and time.monotonic() < deadline:
            time.sleep(0.01)
        refused = s_client(openssl_cli, cli_workspace, server.port, hold_stdin=True)
        while len(server.reports) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert "Verify return code: 0 (ok)" in client.stdout and "Verified peername: localhost" in client.stdout
    accepted, rejected = server.reports[:2]
    assert accepted.ok and accepted.peer_subject == "CN=client.localhost,O=pkilesson,C=FR", accepted
    assert not rejected.ok and rejected.error == "PEER_DID_NOT_RETURN_A_CERTIFICATE"
    assert "alert certificate required" in refused.stderr


def test_openssl_s_server_with_our_client(openssl_cli, cli_workspace):
    """openssl s_server -Verify 1 -verify_return_error accepts pkilesson's client, which checks
    the server for the name localhost with VERIFY_X509_STRICT."""
    from pkilesson.tls.loopback import _connect, party_of
    from pkilesson.pki.artifacts import load_artifacts

    lab = load_artifacts(cli_workspace)
    with SServer(openssl_cli, cli_workspace, *SERVER_OPTIONS) as server:
        report = _connect(server.port, party_of(lab, "client"), "localhost", strict=True, check_hostname=True)
        server_output = server.output()
    assert report.version in ("TLSv1.3", "TLSv1.2") and report.peer_subject == "CN=localhost,O=pkilesson,C=FR"
    assert "subject=C = FR, O = pkilesson, CN = client.localhost" in server_output, server_output
    assert "1 server accepts that finished" in server_output
