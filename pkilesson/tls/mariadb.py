"""MariaDB on 127.0.0.1 with a workspace's files: the server the source's recipe was written for.

The source's ``openssl`` commands come from the MySQL manual's "Creating
SSL Certificates and Keys Using openssl". :class:`MariaDB` starts Debian's
MariaDB with them: ``mariadb-install-db`` makes a data folder in a
throwaway folder, then ``mariadbd`` listens on a free port of 127.0.0.1
and on its own socket there, with ``--ssl-ca`` (the workspace's
``ca-cert.pem``: the CA whose client certificates it verifies),
``--ssl-cert`` and ``--ssl-key`` (``server-cert.pem``, ``server-key.pem``).
Its root account is reached only through that socket, in a 0700 folder;
the accounts a lesson makes have no password, so that the certificate is
all a client shows.

Authentication says who the client is; an account's ``REQUIRE`` clause
says who may use it (authorization): ``REQUIRE SSL`` (any TLS connection),
``REQUIRE X509`` (a client certificate the server verified against
``--ssl-ca``), ``REQUIRE SUBJECT '...' AND ISSUER '...'`` (that very
name, from that CA). :meth:`MariaDB.connect` tries an account with the
``mariadb`` command or with PyMySQL, and returns an
:class:`~pkilesson.tls.servers.Attempt`: the client's words and the lines the
server wrote for that connection in its error log and general log.
"""

from __future__ import annotations

import os
import re
import shlex
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Optional, Union

from cryptography import x509

from .._catalog import N_, _
from ..errors import PkiLessonError, argument_error
from ..pki.workspace import Workspace
from ._attempt import Attempt, _Log, settle, strip_stamp, words
from ._process import answers, run_in_group
from ._server import (CLIENT_TIMEOUT, _SHORT, Server, ServerFailed, ServerMissing, _client_files, _first_line, missing,
                      program, relative)

__all__ = ["MariaDB", "mariadb_version", "client_version", "pymysql_version", "oneline", "require_subject"]

#: Small, so that a lesson's server starts fast and holds little: 16 MB of cache, a 4 MB redo log.
_SMALL = ("--innodb-buffer-pool-size=16M", "--innodb-log-file-size=4M", "--innodb-use-native-aio=0")
_USER = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_CONNECT = re.compile(r"\sConnect\t")  # the general log's line for each connection, and its refusal


def mariadb_version() -> Optional[str]:
    """``mariadbd --version``, e.g. ``mariadbd Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu ...``, or None."""
    server = program("mariadbd")
    line = _first_line([server, "--version"]) if server else None
    return re.sub(r"^\S*/", "", line) if line else None  # 'mariadbd Ver ...', not its path


def client_version() -> Optional[str]:
    """``mariadb --version`` up to its platform, e.g. ``mariadb Ver 15.1 Distrib 10.11.19-MariaDB``, or None."""
    client = program("mariadb")
    line = _first_line([client, "--version"]) if client else None
    return re.sub(r"^\S*/", "", line.split(", for ")[0]) if line else None  # 'mariadb Ver ...', not its path


def pymysql_version() -> Optional[str]:
    try:
        import pymysql
    except ImportError:
        return None
    return pymysql.VERSION_STRING


# -- names as MariaDB compares them ----------------------------------------------------------------------

def oneline(name: Union[x509.Name, x509.Certificate]) -> str:
    """A name as MariaDB compares it in ``REQUIRE SUBJECT``/``ISSUER``: ``/C=FR/O=pkilesson/CN=client.localhost``.

    That is OpenSSL's one-line form: each attribute in the certificate's
    order, ``/SHORT=value``, with bytes outside printable ASCII written
    ``\\xHH``. A certificate gives its subject.
    """
    if isinstance(name, x509.Certificate):
        name = name.subject
    if not isinstance(name, x509.Name):
        raise argument_error("name", "an x509.Name or a certificate", name)
    parts = []
    for attribute in name:
        label = _SHORT.get(attribute.oid, attribute.oid.dotted_string)
        value = attribute.value if isinstance(attribute.value, str) else attribute.value.decode("latin-1")
        text = "".join(chr(b) if 0x20 <= b <= 0x7E else f"\\x{b:02X}" for b in value.encode("utf-8"))
        parts.append(f"/{label}={text}")
    return "".join(parts)


def require_subject(certificate: x509.Certificate, *, issuer: bool = True) -> str:
    """The ``REQUIRE`` clause that lets in this certificate's subject only (``AND ISSUER`` its CA's name)."""
    if not isinstance(certificate, x509.Certificate):
        raise argument_error("certificate", "an x509.Certificate", certificate)
    clause = f"SUBJECT {_quote(oneline(certificate.subject))}"
    return clause + (f" AND ISSUER {_quote(oneline(certificate.issuer))}" if issuer else "")


def _quote(text: str) -> str:
    """An SQL string literal (MariaDB's default mode: backslash escapes)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


# -- the server ------------------------------------------------------------------------------------------


class MariaDB(Server):
    """Debian's MariaDB on 127.0.0.1, with ``directory``'s CA, server certificate and key.

    ``with MariaDB("lab") as db:`` starts it (about two seconds); leaving
    the block stops it and removes its folder. ``crl``: a CRL file it loads
    (``--ssl-crl``). ``port``: a port of 127.0.0.1 (default: a free one).
    """

    kind = "mariadb"
    name = "MariaDB"

    def __init__(self, directory: Union[str, Path] = "lab", *, port: Optional[int] = None,
                 crl: Union[str, Path, None] = None) -> None:
        super().__init__(directory, crl=crl, port=port)
        self.version = self.tls_library = ""
        self.accounts: dict[str, str] = {}

    # -- start ------------------------------------------------------------------------------------------
    def _start(self) -> None:
        tools = {name: program(name) for name in ("mariadbd", "mariadb-install-db", "mariadb")}
        if not all(tools.values()):
            raise missing("mariadb", "MariaDB (" + ", ".join(n for n, p in tools.items() if not p) + ")")
        self._tools = tools
        self._as_root = ["--user=root"] if os.geteuid() == 0 else []  # mariadbd refuses root without it
        data = self.folder / "data"
        status = run_in_group([tools["mariadb-install-db"], "--no-defaults", f"--datadir={data}",
                               "--auth-root-authentication-method=normal", "--skip-test-db", *self._as_root,
                               *_SMALL], self.folder, self.folder / "install.log")
        if status != 0:
            said = (self.folder / "install.log").read_text(errors="replace").strip().splitlines()
            raise ServerFailed(_("mariadb-install-db failed (exit status {status}): {words}").format(
                status=status, words=" | ".join(said[-3:])), _("read its words above; the temporary folder may be full."))
        self.socket = self.folder / "mariadb.sock"
        self.error_log = _Log(self.folder / "error.log", "error log")
        self.general_log = _Log(self.folder / "general.log", "general log")
        self._retrying(self._start_once, self._port)
        self._setup()

    def _start_once(self, port: int) -> None:
        for log in (self.error_log, self.general_log):
            log.path.unlink(missing_ok=True)
        tls = [f"--ssl-ca={self.files['ca']}", f"--ssl-cert={self.files['cert']}", f"--ssl-key={self.files['key']}"]
        if self.crl:
            tls.append(f"--ssl-crl={self.crl}")
        self.argv = [self._tools["mariadbd"], "--no-defaults", f"--datadir={self.folder / 'data'}",
                     f"--socket={self.socket}", f"--port={port}", "--bind-address=127.0.0.1",
                     f"--pid-file={self.folder / 'mariadb.pid'}", f"--log-error={self.error_log.path}",
                     "--general-log", f"--general-log-file={self.general_log.path}", "--log-warnings=2",
                     "--skip-name-resolve", *tls, *_SMALL, *self._as_root]
        self._spawn_and_wait(self.argv, lambda: "ready for connections" in self.error_log.text() and answers(port),
                             self.error_log, "mariadbd")

    def _setup(self) -> None:
        """Root only through the socket (its folder is 0700): drop the network root and anonymous accounts."""
        others = self.sql("SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.user "
                          "WHERE (User = 'root' AND Host <> 'localhost') OR User = ''").split()
        if others:
            self.sql(f"DROP USER {', '.join(others)}")
        self.version, self.tls_library = self.sql("SELECT @@version, @@version_ssl_library").split("\t")
        self.error_log.mark()
        self.general_log.mark()

    @property
    def description(self) -> str:
        return words(N_("MariaDB {version} (its TLS library: {library})"), version=self.version,
                     library=self.tls_library)

    def sql(self, statements: str) -> str:
        """Run SQL as root through the server's socket; returns what it printed (tab-separated rows)."""
        if not self.running:
            raise ServerFailed(_("The MariaDB server is not running."),
                               _("start it: {code}").format(code="with MariaDB(directory) as db: ..."))
        done = subprocess.run([self._tools["mariadb"], "--no-defaults", f"--socket={self.socket}", "-u", "root",
                               "--batch", "--skip-column-names", "-e", statements], capture_output=True, text=True,
                              timeout=CLIENT_TIMEOUT, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise PkiLessonError(_("MariaDB refused the statement: {words}").format(words=done.stderr.strip()),
                                 _("check the SQL (a REQUIRE clause: SSL, X509, or SUBJECT '...' AND ISSUER '...')."))
        return done.stdout.strip()

    # -- accounts ----------------------------------------------------------------------------------------
    def add_account(self, user: str, require: str = "") -> str:
        """Make (or remake) account ``user``@'%' with no password and the ``REQUIRE`` clause ``require``.

        ``require`` is what follows REQUIRE: ``"SSL"``, ``"X509"``, or
        ``require_subject(certificate)``; empty for none. Returns the SQL run.
        """
        if not isinstance(user, str) or not _USER.match(user):
            raise PkiLessonError(_("Account name {user!r} is not one this lesson makes.").format(user=user),
                                 _("use lower-case letters, digits and _, starting with a letter (at most 32)."))
        if not isinstance(require, str):
            raise argument_error("require", "the text after REQUIRE, e.g. 'X509'", require)
        statement = f"CREATE OR REPLACE USER '{user}'@'%'" + (f" REQUIRE {require.strip()}" if require.strip() else "")
        self.sql(statement)
        self.accounts[user] = statement
        self.error_log.mark()
        self.general_log.mark()
        return statement

    # -- clients -----------------------------------------------------------------------------------------
    def connect(self, user: str, *, client: Union[str, Path, None] = "default", tls: bool = True,
                verify_server: bool = True, host: str = "127.0.0.1", tool: str = "mariadb",
                scenario: str = "") -> Attempt:
        """One client's try at account ``user``: the ``mariadb`` command (``tool="mariadb"``) or PyMySQL.

        ``client``: a folder holding client-cert.pem and client-key.pem (by
        default the server's workspace), or None for no certificate.
        ``tls=False`` connects without TLS (``--skip-ssl``); ``verify_server``
        checks the server's certificate against ca-cert.pem and ``host``
        (``--ssl-verify-server-cert``; PyMySQL's ``ssl_verify_cert`` and
        ``ssl_verify_identity``).
        """
        if tool not in ("mariadb", "pymysql"):
            raise PkiLessonError(_("There is no client {tool!r} here.").format(tool=tool),
                                 _("use tool='mariadb' or tool='pymysql'."))
        if host not in ("127.0.0.1", "localhost"):
            raise PkiLessonError(_("{host!r} is not this machine's loopback name.").format(host=host),
                                 _("use '127.0.0.1' or 'localhost'."))
        cert, key = _client_files(self.directory if client == "default" else client)
        scenario = scenario or self._scenario(user, cert, tls)
        setting = self.accounts.get(user) or words(N_("(no account {user} was made)"), user=repr(user))
        self.error_log.mark()
        self.general_log.mark()
        if tool == "mariadb":
            command, accepted, client_words, client_name = self._mariadb(user, cert, key, tls, verify_server, host)
        else:
            command, accepted, client_words, client_name = self._pymysql(user, cert, key, tls, verify_server, host)
        settle((self.error_log, self.general_log))
        said = [("error log", strip_stamp(line)) for line in self.error_log.read()]
        said += [("general log", strip_stamp(line)) for line in self.general_log.read() if _CONNECT.search(line)]
        said.sort(key=lambda pair: pair[0] == "error log")  # the connection first, then what went wrong
        return Attempt(self.description, setting, client_name, scenario, command, accepted, client_words, tuple(said))

    def _scenario(self, user: str, cert: Optional[Path], tls: bool) -> str:
        who = f"{relative(cert, self.directory)}" if cert else "no client certificate"
        return f"account {user}, {'TLS' if tls else 'no TLS'}, {who}"

    def _mariadb(self, user, cert, key, tls, verify_server, host):
        argv = ["mariadb", "--no-defaults", "--protocol=TCP", "-h", host, "-P", "PORT", "-u", user]
        if not tls:
            argv.append("--skip-ssl")
        else:
            argv.append(f"--ssl-ca={relative(self.files['ca'], self.directory)}")
            if cert:
                argv += [f"--ssl-cert={relative(cert, self.directory)}", f"--ssl-key={relative(key, self.directory)}"]
            if verify_server:
                argv.append("--ssl-verify-server-cert")
        argv += ["--batch", "--skip-column-names", "-e", "SELECT CURRENT_USER(); SHOW STATUS LIKE \"Ssl_version\""]
        run = [self._tools["mariadb"], *argv[1:]]
        run[run.index("PORT")] = str(self.port)
        done = subprocess.run(run, cwd=self.directory, capture_output=True, text=True, timeout=CLIENT_TIMEOUT,
                              stdin=subprocess.DEVNULL)
        if done.returncode == 0:
            rows = [" ".join(line.split("\t")) for line in done.stdout.strip().splitlines()]
            said = words(N_("in, as {answer}"), answer="; ".join(rows))
        else:
            said = " ".join(done.stderr.split()) or words(N_("exit status {status}"), status=done.returncode)
        return shlex.join(argv), done.returncode == 0, said, words(N_("the mariadb command ({version})"),
                                                                   version=client_version())

    def _pymysql(self, user, cert, key, tls, verify_server, host):
        try:
            import pymysql
        except ImportError:
            raise missing_pymysql() from None
        options = {"host": host, "port": self.port, "user": user, "connect_timeout": 10}
        shown = {"host": host, "port": "PORT", "user": user}
        if tls:
            options.update(ssl_ca=str(self.files["ca"]), ssl_verify_cert=verify_server,
                           ssl_verify_identity=verify_server)
            shown.update(ssl_ca=relative(self.files["ca"], self.directory), ssl_verify_cert=verify_server,
                         ssl_verify_identity=verify_server)
            if cert:
                options.update(ssl_cert=str(cert), ssl_key=str(key))
                shown.update(ssl_cert=relative(cert, self.directory), ssl_key=relative(key, self.directory))
        call = "pymysql.connect(" + ", ".join(f"{k}={v!r}" if v != "PORT" else f"{k}=PORT"
                                              for k, v in shown.items()) + ")"
        name = words(N_("PyMySQL {version} (Python {python}, its ssl module: {openssl})"),
                     version=pymysql.VERSION_STRING, python=sys.version.split()[0], openssl=ssl.OPENSSL_VERSION)
        try:
            connection = pymysql.connect(**options)
        except Exception as error:  # the driver's own error, in its own words
            return call, False, f"{type(error).__name__}: {error}", name
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT CURRENT_USER()")
                account = cursor.fetchone()[0]
                cursor.execute("SHOW STATUS LIKE 'Ssl_version'")
                version = cursor.fetchone()
        finally:
            connection.close()
        return call, True, words(N_("in, as {answer}"),
                                 answer=f"{account}; {' '.join(version or ('Ssl_version', '(none)'))}"), name

    # -- for pkilesson serve -------------------------------------------------------------------------------
    def how_to_connect(self) -> str:
        """Three accounts made for the workspace's client, and the commands that try them."""
        client_cert = Workspace(self.directory).file("client", "cert")
        from ..pki.certificates import load_certificate

        self.add_account("tls_only", "SSL")
        self.add_account("any_client", "X509")
        if client_cert.is_file():
            self.add_account("this_client", require_subject(load_certificate(client_cert)))
        base = (f"mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P {self.port} "
                f"--ssl-ca=ca-cert.pem --ssl-verify-server-cert")
        listens = _("{server} listens on 127.0.0.1:{port}, with {folder}/'s ca-cert.pem, server-cert.pem and "
                    "server-key.pem and the CRL {crl} (its folder: {temporary}).") if self.crl else \
            _("{server} listens on 127.0.0.1:{port}, with {folder}/'s ca-cert.pem, server-cert.pem and "
              "server-key.pem (its folder: {temporary}).")
        lines = [listens.format(server=self.description, port=self.port, folder=self.directory, crl=self.crl,
                                temporary=self.folder), "", _("Its accounts (no passwords: the certificate is the test):")]
        lines += [f"  {statement}" for statement in self.accounts.values()]
        lines += ["", _("From {folder}/, try them:").format(folder=self.directory),
                  f"  {base} -u tls_only -e 'SELECT CURRENT_USER()'",
                  f"  {base} --ssl-cert=client-cert.pem --ssl-key=client-key.pem -u any_client "
                  "-e 'SELECT CURRENT_USER()'"]
        if "this_client" in self.accounts:
            lines.append(f"  {base} --ssl-cert=client-cert.pem --ssl-key=client-key.pem -u this_client "
                         "-e 'SELECT CURRENT_USER()'")
        return "\n".join(lines)

    def log_tail(self) -> str:
        return " | ".join(self.error_log.text().strip().splitlines()[-3:])


def missing_pymysql() -> ServerMissing:
    install = "python -m pip install PyMySQL==1.2.4"
    return ServerMissing(_("PyMySQL is not installed in this Python."),
                         _("install it ({command}; binder/requirements.txt pins it), then run again.").format(
                             command=install), install)
