"""Lesson 07's MariaDB scenarios (one account rule each), and the strict verifiers on the source's files."""

from __future__ import annotations

from pathlib import Path
from typing import Union

from .._catalog import N_, _
from ..errors import PkiLessonError, WorkspaceError
from ..pki.certificates import load_certificate
from ..tls import mariadb as mariadb_server
from ..tls.mariadb import MariaDB, require_subject
from ..tls.servers import Attempt, ServerMissing, missing
from ._access_clients import _other, _second  # the tries name their folders, second-client/ and other-ca-client/
from ._access_tries import Tries, _missing_words, _recorded

__all__ = ["MARIADB_SCENARIOS", "mariadb_scenario", "strict_verdicts"]

#: Scenario -> what it shows.
MARIADB_SCENARIOS = {
    "connect": N_("your client certificate, with the mariadb command and with PyMySQL (account REQUIRE X509)"),
    "ssl": N_("REQUIRE SSL: any TLS connection, with or without a certificate"),
    "x509": N_("REQUIRE X509: any client certificate the server verified"),
    "subject": N_("REQUIRE SUBJECT ... AND ISSUER ...: this client only"),
    "source": N_("the source's own files: its server's and its client's certificates"),
}


def mariadb_scenario(name: str, directory: Union[str, Path] = "lab") -> Tries:
    """Run MariaDB scenario ``name`` (see :data:`MARIADB_SCENARIOS`) with ``directory``'s files, or show it recorded."""
    if name not in MARIADB_SCENARIOS:
        raise PkiLessonError(_("There is no MariaDB scenario {name!r}.").format(name=name),
                             _("use one of {names}.").format(names=", ".join(MARIADB_SCENARIOS)))
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
        return [db.connect("any_client", scenario=N_("your client (client-cert.pem), the mariadb command")),
                db.connect("any_client", tool="pymysql", scenario=N_("your client (client-cert.pem), PyMySQL"))]


def _mariadb_ssl(directory: Path) -> list[Attempt]:
    with MariaDB(directory) as db:
        db.add_account("tls_only", "SSL")
        return [db.connect("tls_only", tls=False, scenario=N_("your client, without TLS (--skip-ssl)")),
                db.connect("tls_only", client=None, scenario=N_("TLS, no client certificate"))]


def _mariadb_x509(directory: Path) -> list[Attempt]:
    second, other = _second(directory), _other(directory)
    with MariaDB(directory) as db:
        db.add_account("any_client", "X509")
        return [db.connect("any_client", client=None, scenario=N_("TLS, no client certificate")),
                db.connect("any_client", scenario=N_("your client (client-cert.pem)")),
                db.connect("any_client", client=second, scenario=N_("the second client (second-client/)")),
                db.connect("any_client", client=other, scenario=N_("a client of another CA (other-ca-client/)"))]


def _mariadb_subject(directory: Path) -> list[Attempt]:
    second = _second(directory)
    with MariaDB(directory) as db:
        db.add_account("this_client", require_subject(load_certificate(directory / "client-cert.pem")))
        return [db.connect("this_client", scenario=N_("your client (client-cert.pem)")),
                db.connect("this_client", client=second, scenario=N_("the second client (second-client/)"))]


def _mariadb_source(directory: Path) -> list[Attempt]:
    source = directory / "source"
    if not (source / "client-cert.pem").is_file():
        from ..pki.openssl import openssl_path

        if openssl_path() is None:
            raise ServerMissing(_("The openssl command, which makes the source's files, is not installed here."),
                                _("install it (sudo apt-get install openssl), then run again."),
                                "sudo apt-get install openssl")
        raise WorkspaceError(_("{folder}/ does not hold the source's files.").format(folder=source),
                             _("run them first: lesson.run_source_step(4)."))
    with MariaDB(source) as db:
        db.add_account("source_client", require_subject(load_certificate(source / "client-cert.pem")))
        return [db.connect("source_client", host="localhost",
                           scenario=N_("the source's client, connecting to the name localhost")),
                db.connect("source_client", host="127.0.0.1",
                           scenario=N_("the source's client, connecting to the address 127.0.0.1")),
                db.connect("source_client", host="localhost", tool="pymysql",
                           scenario=N_("the source's client with PyMySQL, to the name localhost")),
                db.connect("source_client", host="127.0.0.1", verify_server=False,
                           scenario=N_("the source's client, to 127.0.0.1, without --ssl-verify-server-cert"))]


_MARIADB = {"connect": _mariadb_connect, "ssl": _mariadb_ssl, "x509": _mariadb_x509, "subject": _mariadb_subject,
            "source": _mariadb_source}


def strict_verdicts(folder: Union[str, Path] = "lab/source") -> str:
    """Lesson 04's strict verifiers on the source's client and server certificates, each in its own words."""
    import cryptography

    from . import lesson
    from ..verify.verification import verify_certificate

    folder = Path(folder)
    if not (folder / "client-cert.pem").is_file():
        return _("(The source's files are not in {folder}/: the openssl command makes them; install it to see "
                 "this.)").format(folder=folder)
    from ..pki.openssl import openssl_version

    ca = load_certificate(folder / "ca-cert.pem")
    lines = [_("the openssl command: {version}").format(version=openssl_version() or _("not installed")),
             str(lesson.run_openssl("openssl verify -x509_strict -CAfile ca-cert.pem client-cert.pem server-cert.pem",
                                    folder))]
    for name, purpose in (("client-cert.pem", {"client": True}), ("server-cert.pem", {"host": "localhost"})):
        verdict = verify_certificate(load_certificate(folder / name), [ca], **purpose)
        lines.append(_("pyca/cryptography {version}'s verifier on {file}: {verdict}").format(
            version=cryptography.__version__, file=name, verdict=verdict))
    return "\n".join(lines)
