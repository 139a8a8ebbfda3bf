"""One writer per workspace (issue #11): concurrent revocations and overwrites lose nothing.

Before the folder lock, 20 concurrent ``revoke()`` calls lost entries in 20
of 20 trials (371 of 400 entries missing from the final CRL, 368 CRL numbers
used twice), and 8 concurrent ``pkilesson revoke`` processes in 4 of 4.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from pkilesson import CLIENT, Settings, Workspace, create_csr, generate_key, make_artifacts, verify_certificate
from pkilesson.pki.certificates import certificate_to_pem
from pkilesson.pki.revocation import CRL_FILE, load_crl, revoke
from pkilesson.pki.artifacts import load_artifacts
from pkilesson.verify.workflow import run_workflow

from conftest import NOW

N = 20


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A workspace and N client certificates its CA issued."""
    folder = tmp_path_factory.mktemp("lab") / "ws"
    artifacts = make_artifacts(Settings(key_type="p256"), now=NOW)
    artifacts.save(Workspace(folder))
    clients = [artifacts.ca.issue(create_csr(generate_key("p256"), f"/CN=c{i}", [f"c{i}.localhost"]), CLIENT, now=NOW)
               for i in range(N)]
    return folder, clients


def crl_number(crl: x509.CertificateRevocationList) -> int:
    return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number


def check_one_crl_lists_all(folder: Path, clients, crls) -> None:
    final = load_crl(folder / CRL_FILE)
    assert sorted(entry.serial_number for entry in final) == sorted(c.serial_number for c in clients)
    assert crl_number(final) == N
    # Each revocation made the next CRL: numbers 1..N, each used once, each CRL one entry longer.
    assert sorted(crl_number(crl) for crl in crls) == list(range(1, N + 1))
    assert all(len(list(crl)) == crl_number(crl) for crl in crls)


def test_20_concurrent_revocations_20_times_lose_nothing(lab):
    folder, clients = lab
    for _ in range(20):
        (folder / CRL_FILE).unlink(missing_ok=True)
        start = threading.Barrier(N)
        crls, errors = [], []

        def work(certificate):
            start.wait()
            try:
                crls.append(revoke(folder, certificate, now=NOW))
            except Exception as exc:  # collected: a thread's exception would be lost
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        check_one_crl_lists_all(folder, clients, crls)


def test_20_concurrent_revoking_processes_lose_nothing(lab, tmp_path):
    """The same across processes (as 'pkilesson revoke &' would run): forked children, one revocation each."""
    folder, clients = lab
    for _ in range(2):
        (folder / CRL_FILE).unlink(missing_ok=True)
        go_read, go_write = os.pipe()
        children = []
        for index, certificate in enumerate(clients):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                code = 1
                try:
                    os.close(go_write)
                    os.read(go_read, 1)  # all start together
                    crl = revoke(folder, certificate, now=NOW)
                    (tmp_path / f"crl{index}.der").write_bytes(crl.public_bytes(Encoding.DER))
                    code = 0
                finally:
                    os._exit(code)
            children.append(pid)
        os.close(go_read)
        os.close(go_write)  # end of file for every child: go
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
        assert codes == [0] * N
        crls = [x509.load_der_x509_crl((tmp_path / f"crl{i}.der").read_bytes()) for i in range(N)]
        check_one_crl_lists_all(folder, clients, crls)


def test_concurrent_overwrites_leave_one_set_that_verifies(tmp_path):
    """Finding 9: three simultaneous 'workflow --overwrite' all reported success on a mixed set."""
    folder = tmp_path / "ws"
    run_workflow(folder, Settings(key_type="p256"), now=NOW)
    for trial in range(8):
        start = threading.Barrier(3)
        results, errors = [], []

        def work():
            start.wait()
            try:
                results.append(run_workflow(folder, Settings(key_type="p256"), overwrite=True, now=NOW))
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and all(result.ok for result in results)
        final = load_artifacts(folder)
        assert any(final.ca.certificate == r.artifacts.ca.certificate and
                   final.client_certificate == r.artifacts.client_certificate for r in results)
        roots = [final.ca.certificate]
        assert verify_certificate(final.server_certificate, roots, host="localhost", now=NOW).valid
        assert verify_certificate(final.client_certificate, roots, client=True, now=NOW).valid
        assert certificate_to_pem(final.server_certificate) == (folder / "server-cert.pem").read_bytes()
