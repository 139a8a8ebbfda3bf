"""Lesson 07's real servers (issue #18): MariaDB and nginx started from a workspace's files, on 127.0.0.1.

Every scenario is asserted on both sides: what the client said and what the
server wrote in its logs. Every test checks that it leaves no process and no
folder behind, even when it fails (the ``nothing_left`` fixture lists this
process's descendants and pkilesson's server folders before and after).
The servers are Debian's: a test that needs one skips, naming the package,
where it is missing, and fails under PKILESSON_REQUIRE_TOOLS=1 (CI).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pkilesson import CLIENT, PkiLessonError, Settings, Workspace, create_csr, generate_key, load_certificate
from pkilesson.lessons import lesson
from pkilesson import run_workflow
from pkilesson.lessons.access import (RECORDED, SECOND, access_diagram, make_other_ca_client, make_second_client,
                              mariadb_scenario, nginx_scenario)
from pkilesson.lessons.exercises import check
from pkilesson.tls.mariadb import MariaDB, oneline, require_subject
from pkilesson.tls.nginx import Nginx, subject_dn
from pkilesson.pki.revocation import revoke
from pkilesson.tls.servers import PACKAGES, ServerFailed, install_command, leftover_folders, program, serve_main

from conftest import REQUIRE_TOOLS, require_tool

ROOT = Path(__file__).resolve().parent.parent


def need(name: str, kind: str) -> str:
    """The path of program ``name`` (PATH or sbin), or skip naming the Debian packages (fail under CI)."""
    return require_tool(name, "lesson 07's real servers", " ".join(PACKAGES[kind]), find=program)


@pytest.fixture
def mariadb():
    for name in ("mariadbd", "mariadb-install-db", "mariadb"):
        need(name, "mariadb")


@pytest.fixture
def nginx():
    need("nginx", "nginx")
    need("curl", "curl")


@pytest.fixture
def pymysql():
    try:
        import pymysql as module
    except ImportError:
        message = "PyMySQL is not installed (pip install PyMySQL==1.2.4, pinned in binder/requirements.txt)"
        if REQUIRE_TOOLS:
            pytest.fail(f"PKILESSON_REQUIRE_TOOLS=1 but {message}")
        pytest.skip(message)
    return module


# -- nothing left behind -------------------------------------------------------------------------------------


def descendants(pid: int = None) -> dict[int, str]:
    """{pid: command line} of every process below ``pid`` (default: this one), from /proc."""
    pid = pid or os.getpid()
    parents, names = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            names[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found[child] = names.get(child, "")
                frontier.append(child)
    return found


def servers_anywhere() -> dict[int, str]:
    """{pid: command line} of every process, whoever its parent now, started in a pkilesson server folder."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if "pkilesson-nginx-" in command or "pkilesson-mariadb-" in command or "nginx: worker" in command:
                found[int(entry.name)] = command
    return found


@pytest.fixture(autouse=True)
def nothing_left():
    """Fail a test that leaves a process or a server folder behind; then remove what it left (by pid)."""
    before, folders = set(descendants()) | set(servers_anywhere()), set(leftover_folders())
    yield
    deadline = time.monotonic() + 5
    while True:
        left = {pid: cmd for pid, cmd in {**descendants(), **servers_anywhere()}.items()
                if pid not in before and "<defunct>" not in cmd}
        new_folders = set(leftover_folders()) - folders
        if (not left and not new_folders) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert not left, f"processes left running: {left}"
    assert not new_folders, f"folders left behind: {new_folders}"


# -- a workspace with every client -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The default workflow's files, a second client of the same CA, a client of another CA."""
    directory = tmp_path_factory.mktemp("servers") / "lab"
    run_workflow(directory, Settings())
    make_second_client(directory)
    make_other_ca_client(directory)
    return directory


def said(attempt, log: str) -> str:
    return "\n".join(line for which, line in attempt.server_words if which == log)


# -- MariaDB: each rule, both sides ------------------------------------------------------------------------------


def test_mariadb_your_client_gets_in_with_the_command_and_with_pymysql(lab, mariadb, pymysql):
    command, driver = mariadb_scenario("connect", lab)
    assert command.accepted and driver.accepted
    for attempt in (command, driver):
        assert attempt.client_words.startswith("in, as any_client@%; Ssl_version TLSv1.")
        assert "Connect\tany_client@127.0.0.1 on  using SSL/TLS" in said(attempt, "general log")
    assert command.client.startswith("the mariadb command (mariadb Ver ")
    assert driver.client.startswith(f"PyMySQL {pymysql.VERSION_STRING} (Python ")
    assert command.server.startswith("MariaDB ") and "its TLS library: " in command.server


def test_mariadb_require_ssl_refuses_plain_tcp_and_lets_in_tls_without_a_certificate(lab, mariadb):
    plain, tls = mariadb_scenario("ssl", lab)
    assert not plain.accepted
    assert plain.client_words == ("ERROR 1045 (28000): Access denied for user 'tls_only'@'127.0.0.1' "
                                  "(using password: NO)")
    assert "[Warning] Access denied for user 'tls_only'@'127.0.0.1'" in said(plain, "error log")
    assert "tls_only@127.0.0.1 on  using TCP/IP" in said(plain, "general log")
    assert tls.accepted and "using SSL/TLS" in said(tls, "general log")


def test_mariadb_require_x509_lets_in_every_client_the_ca_signed(lab, mariadb):
    none, yours, second, other = mariadb_scenario("x509", lab)
    assert not none.accepted and "Access denied for user 'any_client'" in none.client_words
    assert "Access denied for user 'any_client'" in said(none, "error log")
    assert "using SSL/TLS" in said(none, "general log")  # encrypted, refused by the account's rule
    assert yours.accepted and second.accepted
    # Another CA: refused in the handshake, before any account is looked at.
    # The client reads the alert, or a reset if the server closed first: timing decides, both are TLS errors.
    assert not other.accepted and ("alert unknown ca" in other.client_words or
                                   "Lost connection to server at 'sending authentication information'"
                                   in other.client_words), other.client_words
    assert "user: 'unauthenticated'" in said(other, "error log") and not said(other, "general log")


def test_mariadb_require_subject_refuses_the_second_client_and_logs_why(lab, mariadb):
    yours, second = mariadb_scenario("subject", lab)
    assert yours.accepted and not second.accepted
    assert "Access denied for user 'this_client'" in second.client_words
    expected = oneline(load_certificate(lab / "client-cert.pem"))
    actual = oneline(load_certificate(lab / SECOND / "client-cert.pem"))
    assert f"X509 subject mismatch: should be '{expected}' but is '{actual}'" in said(second, "error log")


def test_mariadb_with_the_source_files(lab, mariadb, pymysql, openssl_cli):
    lesson.run_source_step(4, lab / "source")
    by_name, by_address, driver, unchecked = mariadb_scenario("source", lab)
    assert by_name.accepted and driver.accepted
    assert unchecked.accepted and "--ssl-verify-server-cert" not in unchecked.command  # the client checked nothing
    assert not by_address.accepted
    assert "Validation of SSL server certificate failed" in by_address.client_words
    assert "user: 'unauthenticated'" in said(by_address, "error log")


def test_names_as_each_server_compares_them_with_accents_commas_and_quotes(lab, mariadb, nginx):
    """oneline() and subject_dn() give exactly the server's own forms: the servers let the client in."""
    folder = lab.parent / "accents"
    ca = Workspace(lab).load_authority()
    key = generate_key("p256")
    csr = create_csr(key, '/C=FR/O=Café, "Ltd"; <co>/CN=élodie.localhost', ["elodie.localhost"])
    certificate = ca.issue(csr, CLIENT)
    Workspace(folder).save_files({("client", "key"): key, ("client", "cert"): certificate}, overwrite=True)
    assert subject_dn(certificate) == r'CN=\C3\A9lodie.localhost,O=Caf\C3\A9\, \"Ltd\"\; \<co\>,C=FR'
    assert oneline(certificate) == r'/C=FR/O=Caf\xC3\xA9, "Ltd"; <co>/CN=\xC3\xA9lodie.localhost'
    with MariaDB(lab) as db:
        db.add_account("elodie", require_subject(certificate))
        assert db.connect("elodie", client=folder).accepted
        assert not db.connect("elodie").accepted
    with Nginx(lab, allowed=[certificate]) as web:
        attempt = web.request(client=folder)
        assert attempt.accepted and subject_dn(certificate) in attempt.client_words
        assert web.request().client_words.startswith("HTTP 403")


# -- nginx: each rule, both sides -----------------------------------------------------------------------------


def test_nginx_requires_a_certificate_from_its_ca(lab, nginx):
    yours, none, other, python = nginx_scenario("verify", lab)
    assert yours.accepted and yours.client_words == "HTTP 200; page: hello, CN=client.localhost,O=pkilesson,C=FR"
    assert 'client_verify=SUCCESS client_s_dn="CN=client.localhost,O=pkilesson,C=FR"' in said(yours, "access log")
    assert not none.accepted and none.client_words == "HTTP 400; page: 400 No required SSL certificate was sent"
    assert "client sent no required SSL certificate" in said(none, "error log")
    assert "400 client_verify=NONE" in said(none, "access log")
    assert not other.accepted and other.client_words == "HTTP 400; page: 400 The SSL certificate error"
    assert "client SSL certificate verify error: (" in said(other, "error log")
    assert "400 client_verify=FAILED:" in said(other, "access log")
    assert python.accepted and python.client_words.startswith("HTTP/1.1 200 OK; page: hello, CN=client.localhost")
    assert python.client.startswith(f"Python {sys.version.split()[0]}'s ssl module")


def test_nginx_verifies_the_second_client_then_refuses_its_name(lab, nginx):
    yours, second = nginx_scenario("names", lab)
    assert yours.accepted
    assert not second.accepted and second.client_words == "HTTP 403; page: 403 Forbidden"
    assert '403 client_verify=SUCCESS client_s_dn="CN=second.localhost,O=pkilesson,C=FR"' in said(second, "access log")


def test_nginx_ssl_crl_refuses_a_revoked_client_that_the_list_allows(lab, nginx, tmp_path):
    import shutil

    copy = tmp_path / "lab"
    shutil.copytree(lab, copy)
    assert all(a.accepted for a in nginx_scenario("before-crl", copy))
    revoke(copy, load_certificate(copy / SECOND / "client-cert.pem"))
    yours, second = nginx_scenario("crl", copy)
    assert yours.accepted and "ssl_crl ca-crl.pem;" in yours.setting
    assert not second.accepted and second.client_words == "HTTP 400; page: 400 The SSL certificate error"
    assert "(23:certificate revoked)" in said(second, "error log")
    assert "client_verify=FAILED:certificate revoked" in said(second, "access log")


# -- recorded outcomes ------------------------------------------------------------------------------------------


def test_a_missing_server_shows_its_recorded_outcome_and_how_to_install_it(lab, monkeypatch):
    import pkilesson.tls.mariadb as module

    monkeypatch.setattr(module, "program", lambda name: None)
    tries = mariadb_scenario("subject", lab)
    assert tries.recorded and install_command("mariadb") in tries.recorded and RECORDED["_meta"]["when"] in tries.recorded
    assert str(tries).startswith("RECORDED, not run here: ") and "RECORDED, not run here" in tries._repr_html_()
    assert [a.accepted for a in tries] == [True, False]


def test_without_any_server_every_scenario_is_shown_recorded(lab, monkeypatch):
    import pkilesson.tls.mariadb
    import pkilesson.tls.nginx
    from pkilesson.lessons.access import MARIADB_SCENARIOS, NGINX_SCENARIOS

    for module in (pkilesson.tls.mariadb, pkilesson.tls.nginx):
        monkeypatch.setattr(module, "program", lambda name: None)
    shown = [mariadb_scenario(n, lab) for n in MARIADB_SCENARIOS] + [nginx_scenario(n, lab) for n in NGINX_SCENARIOS]
    assert all(t.recorded and "to install it: sudo apt-get install " in t.recorded for t in shown)
    assert all(len(t) >= 2 for t in shown)


def test_the_recorded_outcomes_are_what_the_servers_do_here(lab, mariadb, nginx, pymysql, openssl_cli, tmp_path):
    """Every recorded scenario, run live now: the same tries, the same verdicts, the same key words."""
    import shutil

    copy = tmp_path / "lab"
    shutil.copytree(lab, copy)
    lesson.run_source_step(4, copy / "source")
    live = {f"mariadb-{n}": mariadb_scenario(n, copy) for n in ("connect", "ssl", "x509", "subject", "source")}
    live.update({f"nginx-{n}": nginx_scenario(n, copy) for n in ("verify", "names", "before-crl")})
    revoke(copy, load_certificate(copy / SECOND / "client-cert.pem"))
    live["nginx-crl"] = nginx_scenario("crl", copy)
    assert set(live) == set(RECORDED) - {"_meta"}
    for key, tries in live.items():
        recorded = RECORDED[key]["attempts"]
        assert [a.scenario for a in tries] == [r["scenario"] for r in recorded], key
        assert [a.accepted for a in tries] == [r["accepted"] for r in recorded], key
        for attempt, then in zip(tries, recorded):
            assert _gist(attempt.client_words) == _gist(then["client_words"]), (key, attempt)
            assert [log for log, _ in attempt.server_words] == [log for log, _ in then["server_words"]], key


def _gist(words: str) -> str:
    """What a client's words say, whatever the details: in, an HTTP status, an error (its number varies by timing)."""
    return re.match(r"in,|HTTP(?:/1\.1)? \d+|ERROR|\w+Error", words).group()


# -- exercises and the diagram ----------------------------------------------------------------------------------


def test_exercise_require_is_checked_by_the_real_server(lab, mariadb):
    second = load_certificate(lab / SECOND / "client-cert.pem")
    assert check("07.require", require_subject(second), directory=lab)
    wrong = check("07.require", "X509", directory=lab)
    assert not wrong and "your client, the second client" in wrong.why
    assert check("07.status", 403) and not check("07.status", "400")
    assert check("07.who-refuses", "(a)") and not check("07.who-refuses", "b")


def test_the_access_diagram_draws_both_steps_for_each_client(lab):
    source = access_diagram(lab).source
    assert 'id="server-verifies-yours"' in source and 'id="rule-allows-second_client"' in source
    assert 'id="server-verifies-other_ca_client" class="check-failed"' in source.replace("\n", " ") or \
        "check-failed" in source
    assert access_diagram(lab).svg().startswith("<?xml") or "<svg" in access_diagram(lab).svg()


# -- leaving nothing behind ------------------------------------------------------------------------------------


def test_an_exception_or_ctrl_c_inside_the_block_stops_the_server_and_removes_its_folder(lab, nginx):
    for error in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)):
            with Nginx(lab) as web:
                folder, pid = web.folder, web.process.pid
                raise error
        assert not folder.exists()
        assert pid not in descendants()


def test_a_failed_start_leaves_nothing(lab, nginx, mariadb):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for server in (Nginx(lab, port=port), MariaDB(lab, port=port)):
            with pytest.raises(ServerFailed, match="in use|already have another server running") as caught:
                server.start()
            assert "in use" in caught.value.log
            assert server.folder is None and server.process is None


def test_a_server_dies_with_a_killed_python_and_its_folder_goes_at_the_next_start(lab, nginx):
    if program("setpriv") is None:
        pytest.skip("util-linux's setpriv is not installed: a server cannot be tied to its parent's life")
    script = ("import sys, time; from pkilesson.tls.nginx import Nginx\n"
              f"web = Nginx({str(lab)!r}).start()\n"
              "print(web.folder, web.process.pid, flush=True); time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        folder, pid = child.stdout.readline().split()
        child.send_signal(signal.SIGKILL)
        child.wait()
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid), "nginx outlived its Python"
        assert Path(folder).exists()  # nobody could remove it...
        with Nginx(lab):  # ...until the next start sweeps it
            assert not Path(folder).exists()
    finally:
        child.kill()
        child.wait()
        child.stdout.close()


def _state(pid) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0]
    except (OSError, IndexError):
        return "zombie"


@pytest.mark.parametrize("kind", ["nginx", "mariadb"])
def test_serve_prints_how_to_connect_and_ctrl_c_leaves_nothing(lab, kind, request):
    request.getfixturevalue(kind)
    script = f"import sys; from pkilesson.tls.servers import serve_main; sys.exit(serve_main({kind!r}, {str(lab)!r}))"
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, cwd=lab)
    try:
        lines = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = child.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        text = "".join(lines)
        command = next(line.strip() for line in lines if line.strip().startswith(("curl ", "mariadb ")))
        if kind == "mariadb":
            assert "REQUIRE X509" in text and "REQUIRE SUBJECT '/C=FR/O=pkilesson/CN=client.localhost'" in text
            command = command.replace("'SELECT CURRENT_USER()'", "SELECT CURRENT_USER()")
            done = subprocess.run(command.split(" -e ")[0].split() + ["-e", "SELECT CURRENT_USER()"], cwd=lab,
                                  capture_output=True, text=True, timeout=30)
            assert "tls_only@%" in done.stdout, done.stderr
        else:
            done = subprocess.run(command.split(), cwd=lab, capture_output=True, text=True, timeout=30)
            assert done.stdout == "hello, CN=client.localhost,O=pkilesson,C=FR\n", done.stderr
        folder = Path(text.split("(its folder: ")[1].split(")")[0])
        assert folder.is_dir()
        child.send_signal(signal.SIGINT)
        rest = child.communicate(timeout=30)[0]
        assert child.returncode == 0 and "Stopped" in rest and "its folder is removed" in rest
        assert not folder.exists()
    finally:
        child.kill()
        child.wait()
        child.stdout.close()


# -- bad input ------------------------------------------------------------------------------------------------


def test_bad_input_is_one_error_with_a_fix(lab, tmp_path):
    for call in (lambda: MariaDB(tmp_path / "nowhere"), lambda: Nginx(tmp_path / "nowhere"),
                 lambda: Nginx(lab, allowed=[123]), lambda: Nginx(lab, port=80), lambda: MariaDB(lab, port="x"),
                 lambda: MariaDB(lab, crl=tmp_path / "none.pem"), lambda: serve_main("apache", lab),
                 lambda: mariadb_scenario("nope", lab), lambda: nginx_scenario("nope", lab),
                 lambda: MariaDB(3)):
        with pytest.raises(PkiLessonError) as caught:
            call()
        assert "Fix: " in str(caught.value) and "\n" not in str(caught.value)


def test_bad_account_and_client_choices(lab, mariadb):
    with MariaDB(lab) as db:
        for call in (lambda: db.add_account("Robert'); DROP", "X509"), lambda: db.connect("x", tool="psql"),
                     lambda: db.connect("x", host="example.com"), lambda: db.add_account("ok", "NONSENSE"),
                     lambda: db.connect("x", client=tmp_missing(lab))):
            with pytest.raises(PkiLessonError):
                call()


def tmp_missing(lab) -> Path:
    return lab / "no-such-client"


def test_packages_named_for_each_server():
    assert PACKAGES["mariadb"] == ("mariadb-server", "mariadb-client") and install_command("nginx").endswith("nginx")
    text = (ROOT / ".ci" / "run").read_text()
    for package in ("mariadb-server", "mariadb-client", "nginx", "curl"):
        assert f" {package}" in text.split("apt_install openssl")[1].splitlines()[0], package


def test_pkilesson_serve_nginx_answers_then_stops_on_ctrl_c(lab, nginx):
    """The command line: `pkilesson serve nginx DIR` prints how to connect; curl gets in with the client's files;
    Ctrl-C stops the server, exit 0, and its folder is gone."""
    import re
    import shlex
    import signal
    import subprocess
    import sys
    from pathlib import Path

    curl = need("curl", "curl")
    command = [str(Path(sys.executable).parent / "pkilesson"), "serve", "nginx", str(lab)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        printed = []
        for line in process.stdout:
            printed.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        text = "".join(printed)
        folder = re.search(r"\(its folder: ([^)]+)\)", text).group(1)
        assert Path(folder).is_dir(), text
        first = next(line.strip() for line in printed if line.strip().startswith("curl ") and "--cert" in line)
        done = subprocess.run([curl, *shlex.split(first)[1:], "--silent", "--show-error", "--write-out",
                               "%{http_code}", "--output", "/dev/null"],
                              cwd=lab, capture_output=True, text=True, timeout=30)
        assert done.stdout.strip() == "200", (done.stdout, done.stderr)
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)  # reads both pipes to the end and closes them
    assert process.returncode == 0 and "its folder is removed" in rest
    assert not Path(folder).exists()
