"""Lesson 07: the learner's files in real servers, and the difference between "signed by our CA" and "allowed in".

Each scenario starts a real server (:class:`~pkilesson.tls.mariadb.MariaDB`
or :class:`~pkilesson.tls.nginx.Nginx`) on 127.0.0.1 with the workspace's
files, lets a few clients try, stops it, and returns :class:`Tries`: for
each client, what it said and what the server logged, each in its own words.
The clients are the workspace's own (``DIR/client-*.pem``), a second client
of the same CA (``DIR/second-client/``), a client of another CA
(``DIR/other-ca-client/``) and, for MariaDB, the source's files
(``DIR/source/``, made by :func:`pkilesson.lessons.lesson.run_source_step`).

Where a server (or curl, or PyMySQL) is missing, a scenario returns what it
did when it was recorded (:data:`RECORDED`, made by ``python -m
pkilesson.lessons.access --record`` on the machine it names), clearly marked as
recorded, with the command that installs what is missing.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from ..draw import _dot as dot
from ..decoding import _facts as facts
from ..draw import _sources as sources
from ._access_recorded import RECORDED
from ..pki.certificates import load_certificate
from ..errors import PkiLessonError, WorkspaceError
from .exercises import exercise
from ..tls.mariadb import MariaDB, oneline, require_subject
from ..tls.nginx import Nginx, subject_dn
from ..draw.render import Diagram
from ..tls import mariadb as mariadb_server
from ..tls import nginx as nginx_server
from ..tls.servers import Attempt, ServerMissing, missing
from ..pki.workspace import Workspace

__all__ = ["Tries", "MARIADB_SCENARIOS", "NGINX_SCENARIOS", "SECOND", "OTHER", "mariadb_scenario",
           "nginx_scenario", "make_other_ca_client", "strict_verdicts", "access_diagram", "RECORDED", "record"]

#: The folders, inside the workspace, of the second client of the same CA and of the client of another CA.
SECOND, OTHER = "second-client", "other-ca-client"
#: Scenario -> what it shows.
MARIADB_SCENARIOS = {
    "connect": "your client certificate, with the mariadb command and with PyMySQL (account REQUIRE X509)",
    "ssl": "REQUIRE SSL: any TLS connection, with or without a certificate",
    "x509": "REQUIRE X509: any client certificate the server verified",
    "subject": "REQUIRE SUBJECT ... AND ISSUER ...: this client only",
    "source": "the source's own files: its server's and its client's certificates",
}
NGINX_SCENARIOS = {
    "verify": "ssl_verify_client on: with and without a client certificate, curl and Python's ssl",
    "names": "a map of the allowed subjects: the second client is verified, and refused",
    "before-crl": "both clients on the list, no CRL loaded",
    "crl": "both clients on the list, and ssl_crl with the CA's CRL",
}


@dataclass(frozen=True)
class Tries:
    """The tries of one scenario: live here, or recorded elsewhere (``recorded`` says when, and why)."""

    title: str
    attempts: tuple[Attempt, ...]
    recorded: Optional[str] = None

    def __iter__(self):
        return iter(self.attempts)

    def __getitem__(self, index: int) -> Attempt:
        return self.attempts[index]

    def __len__(self) -> int:
        return len(self.attempts)

    def _lines(self, attempt: Attempt, number: int) -> list[str]:
        lines = [f"{number}. {attempt.scenario}: {attempt.verdict.upper()}",
                 f"   rule: {attempt.setting}", f"   $ {attempt.command}",
                 f"   {attempt.client} said: {attempt.client_words}"]
        lines += [f"   the server's {log}: {line}" for log, line in attempt.server_words] or \
                 ["   the server's logs: nothing for this connection"]
        return lines

    def __str__(self) -> str:
        head = [f"RECORDED, not run here: {self.recorded}"] if self.recorded else []
        server = self.attempts[0].server if self.attempts else ""
        head.append(f"{self.title} (server: {server})")
        return "\n".join(head + [line for i, a in enumerate(self.attempts, 1) for line in self._lines(a, i)])

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        e = html.escape
        cell = "style='text-align: left; vertical-align: top; overflow-wrap: anywhere; word-break: break-word'"
        banner = ""
        if self.recorded:
            banner = ("<p style='border: 2px dashed var(--jp-warn-color1, #e65100); padding: 4px'>"
                      f"<b>RECORDED, not run here</b>: {e(self.recorded)}</p>")
        rows = []
        for number, a in enumerate(self.attempts, 1):
            colour = "var(--jp-success-color1, #2e7d32)" if a.accepted else "var(--jp-error-color1, #c62828)"
            said = "<br>".join(f"<i>{e(log)}</i>: <code>{e(line)}</code>" for log, line in a.server_words)
            rows.append(
                f"<tr><td {cell}>{number}</td><td {cell}>{e(a.scenario)}<details><summary>command</summary>"
                f"<code>$ {e(a.command)}</code></details></td><td {cell}><code>{e(a.setting)}</code></td>"
                f"<td {cell}><b style='color: {colour}'>{a.verdict}</b></td>"
                f"<td {cell}><i>{e(a.client)}</i>:<br><code>{e(a.client_words)}</code></td>"
                f"<td {cell}>{said or 'nothing for this connection'}</td></tr>")
        server = e(self.attempts[0].server) if self.attempts else ""
        widths = "".join(f"<col style='width: {w}%'>" for w in (3, 17, 20, 9, 25, 26))
        head = "".join(f"<th {cell}>{h}</th>" for h in ("#", "who connects", "the server's rule", "verdict",
                                                         "the client said (its own words)",
                                                         "the server said (its logs)"))
        return (f"<div class='pkilesson-tries'>{banner}<p><b>{e(self.title)}</b> (server: {server})</p>"
                f"<table style='table-layout: fixed; width: 100%'><colgroup>{widths}</colgroup><tr>{head}</tr>"
                + "".join(rows) + "</table></div>")


# -- the clients -------------------------------------------------------------------------------------------


def _folder(directory: Path, name: str, fix: str) -> Path:
    folder = directory / name
    if not (folder / "client-cert.pem").is_file() or not (folder / "client-key.pem").is_file():
        raise WorkspaceError(f"{folder}/ does not hold client-cert.pem and client-key.pem.", fix)
    return folder


def _second(directory: Path) -> Path:
    return _folder(directory, SECOND, f"make the second client first (lesson 07 shows how) in {directory / SECOND}/.")


def _other(directory: Path) -> Path:
    return _folder(directory, OTHER, f"make it first: make_other_ca_client({str(directory)!r}).")


def make_other_ca_client(directory: Union[str, Path] = "lab") -> str:
    """A correct client certificate (and its key) signed by *another* CA, written to ``DIR/other-ca-client/``.

    ``mallory.localhost`` of *Elsewhere*, from a new CA named *Other CA*
    (:func:`pkilesson.lessons.scenarios.other_ca_client`): nothing is wrong with it
    but its issuer. Returns what was written.
    """
    from .scenarios import other_ca_client
    from ..pki.artifacts import load_artifacts

    directory = Path(directory)
    stranger = other_ca_client(load_artifacts(directory))
    written = Workspace(directory / OTHER).save_files({("client", "key"): stranger.key,
                                                       ("client", "cert"): stranger.chain[0]}, overwrite=True)
    issuer = stranger.chain[0].issuer.rfc4514_string()
    return f"Wrote {', '.join(p.name for p in written)} in {directory / OTHER}/ (issued by {issuer})."


def make_second_client(directory: Union[str, Path] = "lab") -> str:
    """A second client certificate of the workspace's own CA, ``second.localhost``, written to ``DIR/second-client/``.

    What lesson 07 makes step by step in its cells (a new key, a CSR, the CA's
    signature with :data:`~pkilesson.pki.profiles.CLIENT`), for the recordings and
    the tests. Returns what was written.
    """
    from ..pki.csr import create_csr
    from ..pki.keys import generate_key
    from ..pki.profiles import CLIENT

    directory = Path(directory)
    ca = Workspace(directory).load_authority()
    key = generate_key("p256")
    csr = create_csr(key, "/C=FR/O=pkilesson/CN=second.localhost", ["second.localhost"])
    written = Workspace(directory / SECOND).save_files({("client", "key"): key, ("client", "req"): csr,
                                                        ("client", "cert"): ca.issue(csr, CLIENT)})
    return f"Wrote {', '.join(p.name for p in written)} in {directory / SECOND}/."


# -- recorded outcomes --------------------------------------------------------------------------------------


def _recorded(key: str, why: str) -> Tries:
    entry = RECORDED.get(key)
    if entry is None:
        raise PkiLessonError(f"{why} and no outcome of {key!r} was recorded.", "install it and run again.")
    attempts = tuple(Attempt.from_dict(a) for a in entry["attempts"])
    return Tries(entry["title"], attempts, f"{why}. What follows is what it did when recorded "
                                           f"{RECORDED['_meta']['when']} on {RECORDED['_meta']['machine']}.")


def _missing_words(error: ServerMissing) -> str:
    return f"{error.problem.rstrip('.')}; to install it: {error.install}"


# -- MariaDB -----------------------------------------------------------------------------------------------


def mariadb_scenario(name: str, directory: Union[str, Path] = "lab") -> Tries:
    """Run MariaDB scenario ``name`` (see :data:`MARIADB_SCENARIOS`) with ``directory``'s files, or show it recorded."""
    if name not in MARIADB_SCENARIOS:
        raise PkiLessonError(f"There is no MariaDB scenario {name!r}.", f"use one of {', '.join(MARIADB_SCENARIOS)}.")
    directory = Path(directory)
    title = f"MariaDB, {MARIADB_SCENARIOS[name]}"
    try:
        for tool in ("mariadbd", "mariadb-install-db", "mariadb"):
            if mariadb_server.program(tool) is None:
                raise missing("mariadb", f"MariaDB ({tool})")
        return Tries(title, tuple(_MARIADB[name](directory)))
    except ServerMissing as error:
        return _recorded(f"mariadb-{name}", _missing_words(error))


def _mariadb_connect(directory: Path) -> list[Attempt]:
    with MariaDB(directory) as db:
        db.add_account("any_client", "X509")
        return [db.connect("any_client", scenario="your client (client-cert.pem), the mariadb command"),
                db.connect("any_client", tool="pymysql", scenario="your client (client-cert.pem), PyMySQL")]


def _mariadb_ssl(directory: Path) -> list[Attempt]:
    with MariaDB(directory) as db:
        db.add_account("tls_only", "SSL")
        return [db.connect("tls_only", tls=False, scenario="your client, without TLS (--skip-ssl)"),
                db.connect("tls_only", client=None, scenario="TLS, no client certificate")]


def _mariadb_x509(directory: Path) -> list[Attempt]:
    second, other = _second(directory), _other(directory)
    with MariaDB(directory) as db:
        db.add_account("any_client", "X509")
        return [db.connect("any_client", client=None, scenario="TLS, no client certificate"),
                db.connect("any_client", scenario="your client (client-cert.pem)"),
                db.connect("any_client", client=second, scenario=f"the second client ({SECOND}/)"),
                db.connect("any_client", client=other, scenario=f"a client of another CA ({OTHER}/)")]


def _mariadb_subject(directory: Path) -> list[Attempt]:
    second = _second(directory)
    with MariaDB(directory) as db:
        db.add_account("this_client", require_subject(load_certificate(directory / "client-cert.pem")))
        return [db.connect("this_client", scenario="your client (client-cert.pem)"),
                db.connect("this_client", client=second, scenario=f"the second client ({SECOND}/)")]


def _mariadb_source(directory: Path) -> list[Attempt]:
    source = directory / "source"
    if not (source / "client-cert.pem").is_file():
        from ..pki.openssl import openssl_path

        if openssl_path() is None:
            raise ServerMissing("The openssl command, which makes the source's files, is not installed here.",
                                "install it (sudo apt-get install openssl), then run again.",
                                "sudo apt-get install openssl")
        raise WorkspaceError(f"{source}/ does not hold the source's files.",
                             "run them first: lesson.run_source_step(4).")
    with MariaDB(source) as db:
        db.add_account("source_client", require_subject(load_certificate(source / "client-cert.pem")))
        return [db.connect("source_client", host="localhost",
                           scenario="the source's client, connecting to the name localhost"),
                db.connect("source_client", host="127.0.0.1",
                           scenario="the source's client, connecting to the address 127.0.0.1"),
                db.connect("source_client", host="localhost", tool="pymysql",
                           scenario="the source's client with PyMySQL, to the name localhost"),
                db.connect("source_client", host="127.0.0.1", verify_server=False,
                           scenario="the source's client, to 127.0.0.1, without --ssl-verify-server-cert")]


_MARIADB = {"connect": _mariadb_connect, "ssl": _mariadb_ssl, "x509": _mariadb_x509, "subject": _mariadb_subject,
            "source": _mariadb_source}


def strict_verdicts(folder: Union[str, Path] = "lab/source") -> str:
    """Lesson 04's strict verifiers on the source's client and server certificates, each in its own words."""
    import cryptography

    from . import lesson
    from ..verify.verification import verify_certificate

    folder = Path(folder)
    if not (folder / "client-cert.pem").is_file():
        return f"(The source's files are not in {folder}/: the openssl command makes them; install it to see this.)"
    from ..pki.openssl import openssl_version

    ca = load_certificate(folder / "ca-cert.pem")
    lines = [f"the openssl command: {openssl_version() or 'not installed'}", str(lesson.run_openssl("openssl verify -x509_strict -CAfile ca-cert.pem client-cert.pem server-cert.pem",
                                    folder))]
    for name, purpose in (("client-cert.pem", {"client": True}), ("server-cert.pem", {"host": "localhost"})):
        verdict = verify_certificate(load_certificate(folder / name), [ca], **purpose)
        lines.append(f"pyca/cryptography {cryptography.__version__}'s verifier on {name}: {verdict}")
    return "\n".join(lines)


# -- nginx --------------------------------------------------------------------------------------------------


def nginx_scenario(name: str, directory: Union[str, Path] = "lab") -> Tries:
    """Run nginx scenario ``name`` (see :data:`NGINX_SCENARIOS`) with ``directory``'s files, or show it recorded."""
    if name not in NGINX_SCENARIOS:
        raise PkiLessonError(f"There is no nginx scenario {name!r}.", f"use one of {', '.join(NGINX_SCENARIOS)}.")
    directory = Path(directory)
    title = f"nginx, {NGINX_SCENARIOS[name]}"
    try:
        for tool, kind in (("nginx", "nginx"), ("curl", "curl")):  # before the files: a missing CRL is no reason
            if nginx_server.program(tool) is None:
                raise missing(kind, tool)
        return Tries(title, tuple(_NGINX[name](directory)))
    except ServerMissing as error:
        return _recorded(f"nginx-{name}", _missing_words(error))


def _nginx_verify(directory: Path) -> list[Attempt]:
    other = _other(directory)
    with Nginx(directory) as web:
        return [web.request(scenario="your client (client-cert.pem), curl"),
                web.request(client=None, scenario="no client certificate, curl"),
                web.request(client=other, scenario=f"a client of another CA ({OTHER}/), curl"),
                web.request(tool="python", scenario="your client (client-cert.pem), Python's ssl")]


def _nginx_names(directory: Path) -> list[Attempt]:
    second = _second(directory)
    with Nginx(directory, allowed=[directory / "client-cert.pem"]) as web:
        return [web.request(scenario="your client (client-cert.pem)"),
                web.request(client=second, scenario=f"the second client ({SECOND}/)")]


def _nginx_both(directory: Path, crl: Optional[Path]) -> list[Attempt]:
    second = _second(directory)
    allowed = [directory / "client-cert.pem", second / "client-cert.pem"]
    with Nginx(directory, allowed=allowed, crl=crl) as web:
        return [web.request(scenario="your client (client-cert.pem)"),
                web.request(client=second, scenario=f"the second client ({SECOND}/)")]


def _nginx_crl(directory: Path) -> list[Attempt]:
    crl = directory / "ca-crl.pem"
    if not crl.is_file():
        raise WorkspaceError(f"{crl} is missing.", f"revoke a certificate first: pkilesson revoke {directory} CERT.pem.")
    return _nginx_both(directory, crl)


_NGINX = {"verify": _nginx_verify, "names": _nginx_names, "before-crl": lambda d: _nginx_both(d, None),
          "crl": _nginx_crl}


# -- the diagram ---------------------------------------------------------------------------------------------


def access_diagram(directory: Union[str, Path] = "lab", *, now: Optional[dt.datetime] = None) -> Diagram:
    """Who verifies whom, and where the authorization rule sits: the server, three clients, one rule.

    Drawn from the files: step 1 (TLS) is pkilesson's check that each
    client certificate's signature verifies with ``ca-cert.pem``'s key;
    step 2 (the account's or the site's rule) compares each subject with
    the one rule that names your client. The servers' own verdicts are the
    live tries of the lesson.
    """
    from ..pki._time import resolve_now

    now = resolve_now(now)
    directory = Path(directory)
    ca_cert = load_certificate(directory / "ca-cert.pem")
    yours = load_certificate(directory / "client-cert.pem")
    clients = [("yours", "your client", "client-cert.pem", yours)]
    for folder, label in ((SECOND, "the second client"), (OTHER, "a client of another CA")):
        if (directory / folder / "client-cert.pem").is_file():
            clients.append((folder.replace("-", "_"), label, f"{folder}/client-cert.pem",
                            load_certificate(directory / folder / "client-cert.pem")))
    graph = dot.new_graph("access", "Who verifies whom, and where the rule sits: 1. the TLS handshake verifies, "
                                     "2. the rule allows (drawn from your files: pkilesson's checks)", rankdir="TB")
    with graph.subgraph(name="cluster_server") as cluster:
        cluster.attr(label=dot.html("<b>the server: MariaDB or nginx</b>"), style="rounded", color="#bdbdbd",
                     id="cluster_server", labelloc="t")
        sources.cert_node(cluster, "ca_cert", "ca-cert.pem", "CA certificate", ca_cert, now,
                          extra=["the server's trust store:", "--ssl-ca, ssl_client_certificate"])
        dot.add_node(cluster, "server", "party", dot.node_label("the server", "server-cert.pem, server-key.pem",
                                                                ["requires a client certificate"]))
        rule = [dot.text(line) for line in ("MariaDB: REQUIRE SUBJECT", oneline(yours), "nginx: map of allowed",
                                            "$ssl_client_s_dn", subject_dn(yours))]
        dot.add_node(cluster, "rule", "message", dot.html("<b>the rule (authorization)</b>", *rule))
    graph.edge("server", "rule", label="2. then", id="server-then-rule", style="dashed", color=dot.UNCHECKED,
               fontcolor=dot.UNCHECKED)
    for node, label, file_name, certificate in clients:
        signed = facts.signed_with(certificate, ca_cert.public_key())
        allowed = certificate.subject == yours.subject and certificate.issuer == yours.issuer
        sources.cert_node(graph, node, file_name, label, certificate, now)
        sources.edge(graph, "server", node, f"server-verifies-{node}",
                     [("1. TLS: signed by the CA it trusts", signed, "" if signed else "refused here")])
        sources.edge(graph, "rule", node, f"rule-allows-{node}",
                     [("2. allowed", allowed if signed else None, "never asked" if not signed else "")])
    return Diagram("access", "who verifies whom, and where the authorization rule sits", graph.source)


# -- exercises -------------------------------------------------------------------------------------------------


@exercise("07.require", "Write the REQUIRE clause that lets the second client in, and nobody else.",
          "the text after REQUIRE, as a string, e.g. \"X509\"")
def _require(answer, directory="lab") -> tuple[bool, str]:
    directory = Path(directory)
    if not isinstance(answer, str) or not answer.strip():
        return False, "give the clause as a string, e.g. \"SUBJECT '/C=FR/O=.../CN=...'\"."
    second = _second(directory)
    try:
        with MariaDB(directory) as db:
            db.add_account("exercise", answer)
            tries = {"your client": db.connect("exercise"), "the second client": db.connect("exercise", client=second),
                     "no certificate": db.connect("exercise", client=None)}
    except ServerMissing as error:
        expected = oneline(load_certificate(second / "client-cert.pem"))
        found = re.search(r"SUBJECT\s+'([^']*)'", answer, re.I)
        right = bool(found) and found.group(1) == expected
        return right, (f"{_missing_words(error)}, so the clause was compared with the second client's subject, "
                       f"{expected!r}, instead of being tried: " + ("it names it." if right else "it does not."))
    got_in = [who for who, attempt in tries.items() if attempt.accepted]
    summary = f"MariaDB, with REQUIRE {answer.strip()}, let in: {', '.join(got_in) or 'nobody'}."
    return got_in == ["the second client"], summary + ("" if got_in == ["the second client"] else
                                                        " Name the second client's subject (and its issuer).")


@exercise("07.status", "Which HTTP status does nginx send a client whose certificate the CA signed, but whose "
                       "name is not on the list?", "a number, e.g. 200")
def _status(answer) -> tuple[bool, str]:
    try:
        number = int(str(answer).strip().split()[0])
    except (ValueError, IndexError):
        return False, "give the status as a number, e.g. 200."
    if number == 403:
        return True, ("403 Forbidden: the TLS handshake verified the certificate (client_verify=SUCCESS in the access "
                      "log), then the rule refused the name.")
    if number == 400:
        return False, "400 is nginx's answer to a certificate it could not verify, or none; this one was verified."
    return False, f"{number} is not what the second client got: look at its try in the 'names' scenario."


@exercise("07.who-refuses", "A client certificate from another CA, on an account with REQUIRE X509: what refuses it? "
                            "(a) the TLS handshake, before any account is looked at; (b) the account's REQUIRE X509; "
                            "(c) nothing: REQUIRE X509 accepts any certificate.", "one letter, e.g. \"a\"")
def _who_refuses(answer) -> tuple[bool, str]:
    letter = str(answer).strip().strip("()").lower()[:1]
    if letter not in ("a", "b", "c"):
        return False, "answer with one letter: \"a\", \"b\" or \"c\"."
    if letter == "a":
        return True, ("the server's TLS library refuses the certificate (the client gets a TLS error: the alert "
                      "unknown ca, or a lost connection) and the account is never looked at: the error log says "
                      "'unauthenticated'.")
    return False, ("look at the other CA's try in the X509 scenario: the client got a TLS error, not "
                   "'Access denied', and the server logged the connection as unauthenticated.")


# -- recording --------------------------------------------------------------------------------------------------


def record(path: Union[str, Path, None] = None) -> Path:
    """Run every scenario here, in a new workspace, and write them to ``_access_recorded.py`` (or ``path``)."""
    import pprint
    import tempfile

    from . import lesson
    from ..pki.revocation import revoke
    from ..pki.running import versions
    from ..pki.artifacts import Settings
    from ..verify.workflow import run_workflow

    outcomes = {}
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder) / "lab"
        run_workflow(directory, Settings())
        make_second_client(directory)
        make_other_ca_client(directory)
        lesson.run_source_step(4, directory / "source")
        for name in MARIADB_SCENARIOS:
            outcomes[f"mariadb-{name}"] = mariadb_scenario(name, directory)
        for name in ("verify", "names", "before-crl"):
            outcomes[f"nginx-{name}"] = nginx_scenario(name, directory)
        revoke(directory, load_certificate(directory / SECOND / "client-cert.pem"))
        outcomes["nginx-crl"] = nginx_scenario("crl", directory)
    for key_, tries in outcomes.items():
        if tries.recorded:
            raise PkiLessonError(f"{key_} did not run live here ({tries.recorded}).", "install it, then record.")
    import platform

    machine = _os_name() + f", {platform.machine()}"
    data = {"_meta": {"when": dt.date.today().isoformat(), "machine": machine,
                      "versions": versions(), "servers": {k: t.attempts[0].server for k, t in outcomes.items()}}}
    for key_, tries in outcomes.items():
        data[key_] = {"title": tries.title, "attempts": [_portless(a.to_dict()) for a in tries.attempts]}
    path = Path(path or Path(__file__).with_name("_access_recorded.py"))
    path.write_text('"""Lesson 07\'s scenarios as they ran when recorded (python -m pkilesson.lessons.access --record).\n\n'
                    'Generated: do not edit. pkilesson.lessons.access shows them, marked as recorded, where a server is '
                    'missing.\n"""\n\nRECORDED = ' + pprint.pformat(data, width=116, sort_dicts=False) + "\n")
    return path


def _os_name() -> str:
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        import platform

        return platform.platform()
    found = re.search(r'^PRETTY_NAME="?([^"\n]*)', text, re.M)
    return found.group(1) if found else "Linux"


def _portless(data: dict) -> dict:
    """The recorded words without the port of the day (nginx logs the Host header with it)."""
    data["server_words"] = [[log, re.sub(r"(localhost|127\.0\.0\.1):\d+", r"\1:PORT", line)]
                            for log, line in data["server_words"]]
    return data


if __name__ == "__main__":  # pragma: no cover
    import sys

    if sys.argv[1:] == ["--record"]:
        print(f"Wrote {record()}")
    else:
        print("usage: python -m pkilesson.lessons.access --record")
