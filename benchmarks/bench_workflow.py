#!/usr/bin/env python3
"""How long the four steps take, four ways; a report, not a test (exit 0 always).

    python benchmarks/bench_workflow.py [--runs N] [--inner K] [--json FILE]

(a) shell:   the source document's openssl commands (8 steps + 2 verify) as a
             bash script, run with 'bash script.sh' in a fresh folder;
(b) cli:     'pkilesson workflow DIR' as a process, in a fresh folder;
(c) library: pkilesson.run_workflow(DIR) in this process (make, write, verify);
(d) raw:     the same work written directly with pyca/cryptography in this
             process (3 RSA-2048 keys, CA and leaf certificates with the same
             extensions as pkilesson's profiles, 2 CSRs with SAN, 8 PEM files
             with 0600 keys, verification with cryptography's PolicyBuilder).

Each round runs the four kinds once, in a rotating order, so that they share
the machine's noise; the medians over --runs rounds are reported with the
ratios (b)/(a) and (c)/(d) against the goals (b) <= 0.5 x (a) and
(c) <= 1.15 x (d).

RSA key generation dominates (c) and (d) and varies a lot between runs, so a
second comparison times (c) and (d) without it: the same three pre-generated
keys go to pkilesson's lower-level functions (CertificateAuthority.create(key=),
create_csr, ca.issue, Workspace.save_*, verify_certificate) and to the raw
code; that pair runs --inner times per round, with a breakdown by phase.
Last, the import time of 'pkilesson.cli' from 'python -X importtime'.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

from cryptography import __version__ as CRYPTOGRAPHY_VERSION
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import verification as pyca
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import pkilesson
from pkilesson import CLIENT, SERVER, CertificateAuthority, Workspace, create_csr, verify_certificate
from pkilesson.pki import openssl as ossl

GOAL_CLI_VS_SHELL = 0.5
GOAL_LIBRARY_VS_RAW = 1.15

# The names pkilesson's default Settings use, so (c) and (d) make the same certificates.
ORGANIZATION, COUNTRY = "pkilesson", "FR"
CA_CN, SERVER_SANS, CLIENT_CN = "pkilesson Root CA", ("localhost", "127.0.0.1"), "client.localhost"
CA_DAYS, LEAF_DAYS = 3650, 365


# -- helpers -----------------------------------------------------------------------


def fresh_dir(parent: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix="run-", dir=parent))


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000.0


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "pkilesson"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "pkilesson.cli"]


# -- (a) the source's openssl commands as a shell script ------------------------------


def shell_script() -> str:
    lines = ["#!/usr/bin/env bash", "# The source document's commands (pkilesson.pki.openssl.source_recipe()).", "set -euo pipefail"]
    for step in ossl.source_recipe():
        lines.append(f"# {step.title}")
        lines += [str(command) for command in step.commands]
    return "\n".join(lines) + "\n"


def run_shell(parent: Path, script: str) -> float:
    folder = fresh_dir(parent)
    (folder / "script.sh").write_text(script)
    start = time.perf_counter()
    done = subprocess.run(["bash", "script.sh"], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"(a) the shell script failed: {done.stderr.decode(errors='replace').strip()}")
    shutil.rmtree(folder)
    return elapsed


# -- (b) pkilesson workflow DIR as a process -------------------------------------------


def run_cli(parent: Path, command: list[str]) -> float:
    folder = fresh_dir(parent)
    start = time.perf_counter()
    done = subprocess.run([*command, "workflow", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"(b) pkilesson workflow failed: {done.stderr.decode(errors='replace').strip()}")
    shutil.rmtree(folder)
    return elapsed


# -- (c) the library in-process ----------------------------------------------------------


def run_library(parent: Path) -> float:
    folder = fresh_dir(parent)
    start = time.perf_counter()
    result = pkilesson.run_workflow(folder)
    elapsed = time.perf_counter() - start
    if not result.ok:
        raise RuntimeError(f"(c) run_workflow did not verify: {result.server_verdict}; {result.client_verdict}")
    shutil.rmtree(folder)
    return elapsed


# -- (d) raw pyca/cryptography in-process -----------------------------------------------


def _name(cn: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, COUNTRY),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def _general_name(text: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(text))
    except ValueError:
        return x509.DNSName(text)


def _raw_ca(key: rsa.RSAPrivateKey, now: dt.datetime) -> x509.Certificate:
    name, public = _name(CA_CN), key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )


def _raw_csr(key: rsa.RSAPrivateKey, cn: str, sans: list[x509.GeneralName]) -> x509.CertificateSigningRequest:
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_name(cn))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .sign(key, hashes.SHA256())
    )


def _raw_leaf(
    csr: x509.CertificateSigningRequest, ca_key: rsa.RSAPrivateKey, ca_cert: x509.Certificate, server: bool,
    now: dt.datetime,
) -> x509.Certificate:
    if not csr.is_signature_valid:  # a CA checks the proof of possession, as ca.issue does
        raise ValueError("bad CSR signature")
    public = csr.public_key()
    sans = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=server,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    purpose = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    return (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
        .add_extension(sans, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([purpose]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def _raw_write(path: Path, data: bytes, private: bool) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def raw_sign_write_verify(folder: Path, keys: tuple, marks: Optional[list[float]] = None) -> bool:
    """Everything after key generation; ``marks`` collects the phase boundaries."""
    ca_key, server_key, client_key = keys
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    ca = _raw_ca(ca_key, now)
    server_csr = _raw_csr(server_key, SERVER_SANS[0], [_general_name(n) for n in SERVER_SANS])
    server_cert = _raw_leaf(server_csr, ca_key, ca, True, now)
    client_csr = _raw_csr(client_key, CLIENT_CN, [x509.DNSName(CLIENT_CN)])
    client_cert = _raw_leaf(client_csr, ca_key, ca, False, now)
    if marks is not None:
        marks.append(time.perf_counter())
    pem = serialization.Encoding.PEM
    for file_name, data, private in (
        ("ca-key.pem", _key_pem(ca_key), True),
        ("ca-cert.pem", ca.public_bytes(pem), False),
        ("server-key.pem", _key_pem(server_key), True),
        ("server-req.pem", server_csr.public_bytes(pem), False),
        ("server-cert.pem", server_cert.public_bytes(pem), False),
        ("client-key.pem", _key_pem(client_key), True),
        ("client-req.pem", client_csr.public_bytes(pem), False),
        ("client-cert.pem", client_cert.public_bytes(pem), False),
    ):
        _raw_write(folder / file_name, data, private)
    if marks is not None:
        marks.append(time.perf_counter())
    builder = pyca.PolicyBuilder().store(pyca.Store([ca])).time(now)
    builder.build_server_verifier(x509.DNSName(SERVER_SANS[0])).verify(server_cert, [])
    builder.build_client_verifier().verify(client_cert, [])
    return True


def raw_keys() -> tuple:
    return tuple(rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(3))


def run_raw(parent: Path) -> float:
    folder = fresh_dir(parent)
    start = time.perf_counter()
    raw_sign_write_verify(folder, raw_keys())
    elapsed = time.perf_counter() - start
    shutil.rmtree(folder)
    return elapsed


# -- (c') and (d') without key generation -----------------------------------------------


def library_sign_write_verify(folder: Path, keys: tuple, marks: Optional[list[float]] = None) -> bool:
    ca_key, server_key, client_key = keys
    now = dt.datetime.now(dt.timezone.utc)
    subject = lambda cn: f"/C={COUNTRY}/O={ORGANIZATION}/CN={cn}"  # noqa: E731
    ca = CertificateAuthority.create(subject(CA_CN), key=ca_key, days=CA_DAYS, now=now)
    server_csr = create_csr(server_key, subject(SERVER_SANS[0]), list(SERVER_SANS))
    server_cert = ca.issue(server_csr, SERVER, days=LEAF_DAYS, now=now)
    client_csr = create_csr(client_key, subject(CLIENT_CN), [CLIENT_CN])
    client_cert = ca.issue(client_csr, CLIENT, days=LEAF_DAYS, now=now)
    if marks is not None:
        marks.append(time.perf_counter())
    ws = Workspace(folder)
    ws.save_key("ca", ca.key)
    ws.save_certificate("ca", ca.certificate)
    ws.save_key("server", server_key)
    ws.save_csr("server", server_csr)
    ws.save_certificate("server", server_cert)
    ws.save_key("client", client_key)
    ws.save_csr("client", client_csr)
    ws.save_certificate("client", client_cert)
    if marks is not None:
        marks.append(time.perf_counter())
    roots = [ca.certificate]
    server_ok = verify_certificate(server_cert, roots, host=SERVER_SANS[0], now=now)
    client_ok = verify_certificate(client_cert, roots, client=True, now=now)
    if not (server_ok and client_ok):
        raise RuntimeError(f"(c') did not verify: {server_ok}; {client_ok}")
    return True


PHASES = ("sign", "write", "verify")


def timed_phases(parent: Path, work: Callable, keys: tuple) -> tuple[float, dict[str, float]]:
    folder = fresh_dir(parent)
    marks: list[float] = []
    start = time.perf_counter()
    work(folder, keys, marks)
    end = time.perf_counter()
    shutil.rmtree(folder)
    bounds = [start, *marks, end]
    return end - start, {phase: bounds[i + 1] - bounds[i] for i, phase in enumerate(PHASES)}


# -- import time ---------------------------------------------------------------------------


def import_time(module: str = "pkilesson.cli") -> dict:
    """Sum of self times reported by -X importtime, and the cumulative time of ``module``."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    total_us, cumulative_us, heaviest = 0, None, []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumul_us, name = line[len("import time:"):].split("|")
        total_us += int(self_us)
        name = name[1:]  # one space after the bar; nested imports are indented further
        if not name.startswith(" "):
            heaviest.append((int(cumul_us), name))
        if name.strip() == module:
            cumulative_us = int(cumul_us)
    return {"total_self_us": total_us, "module_cumulative_us": cumulative_us, "top_level": sorted(heaviest)[-5:]}


def interpreter_startup(runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, stdin=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


# -- main -----------------------------------------------------------------------------------


def verdict(ratio: float, goal: float) -> str:
    return "meets the goal" if ratio <= goal else "MISSES the goal"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds of the four kinds (default 7)")
    parser.add_argument("--inner", type=int, default=5,
                        help="runs of the keygen-free pair per round (default 5)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    runs, inner = max(1, args.runs), max(1, args.inner)

    openssl = ossl.openssl_path()
    command = cli_command()
    script = shell_script()
    kinds: dict[str, Callable[[Path], float]] = {}
    if openssl:
        kinds["a"] = lambda parent: run_shell(parent, script)
    kinds["b"] = lambda parent: run_cli(parent, command)
    kinds["c"] = run_library
    kinds["d"] = run_raw
    labels = {
        "a": "(a) shell: source openssl commands",
        "b": "(b) cli: pkilesson workflow DIR",
        "c": "(c) library: run_workflow(DIR)",
        "d": "(d) raw pyca/cryptography",
        "c'": "(c') library, keys given",
        "d'": "(d') raw, keys given",
    }
    samples: dict[str, list[float]] = {k: [] for k in [*kinds, "c'", "d'"]}
    phases: dict[str, dict[str, list[float]]] = {k: {p: [] for p in PHASES} for k in ("c'", "d'")}

    print(f"pkilesson {pkilesson.__version__}, cryptography {CRYPTOGRAPHY_VERSION}, Python {platform.python_version()}, "
          f"{ossl.openssl_version() or 'no openssl CLI'}, {os.cpu_count()} CPUs")
    print(f"CLI: {' '.join(command)}; {runs} rounds, keygen-free pair x{inner} per round")
    if not openssl:
        print("(a) skipped: the openssl command is not installed")

    with tempfile.TemporaryDirectory(prefix="pkilesson-bench-") as tmp:
        parent = Path(tmp)
        # Warm-up, not timed: caches, lazy imports, the page cache for openssl and python.
        for run in kinds.values():
            run(parent)
        order = list(kinds)
        for round_no in range(runs):
            rotated = order[round_no % len(order):] + order[: round_no % len(order)]
            for kind in rotated:
                samples[kind].append(kinds[kind](parent))
            for i in range(inner):
                keys = raw_keys()
                pair = [("c'", library_sign_write_verify), ("d'", raw_sign_write_verify)]
                if (round_no + i) % 2:
                    pair.reverse()
                for kind, work in pair:
                    total, parts = timed_phases(parent, work, keys)
                    samples[kind].append(total)
                    for phase, value in parts.items():
                        phases[kind][phase].append(value)
            print(f"  round {round_no + 1}/{runs}: " + ", ".join(
                f"{k} {samples[k][-1] * 1000:.0f} ms" for k in kinds), flush=True)

    medians = {k: median_ms(v) for k, v in samples.items() if v}
    print("\nMedians (ms) over", runs, "rounds" + f" ({runs * inner} runs for c', d')")
    for kind, value in medians.items():
        spread = samples[kind]
        print(f"  {labels[kind]:<38} {value:9.1f}   (min {min(spread) * 1000:.1f}, max {max(spread) * 1000:.1f})")
    print("\n  phase (ms)   " + "".join(f"{p:>9}" for p in PHASES))
    for kind in ("c'", "d'"):
        print(f"  {kind:<12} " + "".join(f"{median_ms(phases[kind][p]):9.2f}" for p in PHASES))

    ratios = {}
    print("\nRatios")
    if "a" in medians:
        ratios["b/a"] = medians["b"] / medians["a"]
        print(f"  (b)/(a)   = {ratios['b/a']:.2f}   goal <= {GOAL_CLI_VS_SHELL}: {verdict(ratios['b/a'], GOAL_CLI_VS_SHELL)}")
    ratios["c/d"] = medians["c"] / medians["d"]
    ratios["c'/d'"] = medians["c'"] / medians["d'"]
    print(f"  (c)/(d)   = {ratios['c/d']:.2f}   goal <= {GOAL_LIBRARY_VS_RAW}: {verdict(ratios['c/d'], GOAL_LIBRARY_VS_RAW)}"
          "  (noisy: RSA key generation dominates)")
    keygen_free = ratios["c'/d'"]
    print(f"  (c')/(d') = {keygen_free:.2f}   same goal without key generation: "
          f"{verdict(keygen_free, GOAL_LIBRARY_VS_RAW)}")

    imports = [import_time() for _ in range(runs)]
    total_ms = statistics.median(i["total_self_us"] for i in imports) / 1000
    module_ms = statistics.median(i["module_cumulative_us"] or 0 for i in imports) / 1000
    startup_ms = interpreter_startup(runs)
    print(f"\nImport: python -X importtime -c 'import pkilesson.cli': total {total_ms:.1f} ms "
          f"(sum of self times; pkilesson.cli cumulative {module_ms:.1f} ms), median of {runs}")
    print("  heaviest top-level imports (cumulative us): " + ", ".join(
        f"{name} {us}" for us, name in reversed(imports[-1]["top_level"])))
    print(f"  python -c pass: {startup_ms:.1f} ms")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "environment": {
                "pkilesson": pkilesson.__version__, "cryptography": CRYPTOGRAPHY_VERSION,
                "python": platform.python_version(), "openssl": ossl.openssl_version(),
                "platform": platform.platform(), "cpus": os.cpu_count(), "cli": command,
            },
            "runs": runs, "inner": inner,
            "medians_ms": medians,
            "samples_ms": {k: [s * 1000 for s in v] for k, v in samples.items()},
            "phases_median_ms": {k: {p: median_ms(v) for p, v in d.items()} for k, d in phases.items()},
            "ratios": ratios,
            "goals": {"b/a": GOAL_CLI_VS_SHELL, "c/d": GOAL_LIBRARY_VS_RAW, "c'/d'": GOAL_LIBRARY_VS_RAW},
            "import_ms": {"total_self": total_ms, "pkilesson.cli_cumulative": module_ms,
                          "python_startup": startup_ms},
        }, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    try:
        code = main()
    except Exception as exc:  # a report, not a test: say what broke, exit 0
        print(f"bench_workflow: {type(exc).__name__}: {exc}", file=sys.stderr)
        code = 0
    sys.exit(code)
