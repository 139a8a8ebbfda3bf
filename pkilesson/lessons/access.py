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
did when it was recorded (:data:`RECORDED`, read from
``data/access-recorded.json``, which ``python -m pkilesson.lessons.access
--record`` writes on the machine it names), clearly marked as recorded, with
the command that installs what is missing.

This module holds the lesson's diagram and exercises; the rest lives in
private modules and is importable from here: the clients
(``_access_clients``), the MariaDB scenarios and :func:`strict_verdicts`
(``_access_mariadb``), the nginx scenarios (``_access_nginx``), :class:`Tries`
and the recorded outcomes (``_access_tries``), and :func:`record`
(``_access_record``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Optional, Union

from .._catalog import N_, _
from ..decoding import _facts as facts
from ..draw import _dot as dot
from ..draw import _sources as sources
from ..draw.render import Diagram
from ..pki.certificates import load_certificate
from ..tls.mariadb import MariaDB, oneline
from ..tls.nginx import subject_dn
from ..tls.servers import ServerMissing
from ._access_clients import OTHER, SECOND, _second, make_other_ca_client, make_second_client
from ._access_mariadb import MARIADB_SCENARIOS, mariadb_scenario, strict_verdicts
from ._access_nginx import NGINX_SCENARIOS, nginx_scenario
from ._access_record import record
from ._access_tries import RECORDED, Tries, _missing_words
from .exercises import exercise

__all__ = ["Tries", "MARIADB_SCENARIOS", "NGINX_SCENARIOS", "SECOND", "OTHER", "mariadb_scenario",
           "nginx_scenario", "make_other_ca_client", "strict_verdicts", "access_diagram", "RECORDED", "record",
           "make_second_client"]


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
    clients = [("yours", _("your client"), "client-cert.pem", yours)]
    for folder, label in ((SECOND, _("the second client")), (OTHER, _("a client of another CA"))):
        if (directory / folder / "client-cert.pem").is_file():
            clients.append((folder.replace("-", "_"), label, f"{folder}/client-cert.pem",
                            load_certificate(directory / folder / "client-cert.pem")))
    graph = dot.new_graph("access", _("Who verifies whom, and where the rule sits: 1. the TLS handshake verifies, "
                                       "2. the rule allows (drawn from your files: pkilesson's checks)"), rankdir="TB")
    with graph.subgraph(name="cluster_server") as cluster:
        cluster.attr(label=dot.html("<b>" + dot.text(_("the server: MariaDB or nginx")) + "</b>"), style="rounded",
                     color="#bdbdbd", id="cluster_server", labelloc="t")
        sources.cert_node(cluster, "ca_cert", "ca-cert.pem", _("CA certificate"), ca_cert, now,
                          extra=[_("the server's trust store:"), "--ssl-ca, ssl_client_certificate"])
        dot.add_node(cluster, "server", "party", dot.node_label(_("the server"), "server-cert.pem, server-key.pem",
                                                                [_("requires a client certificate")]))
        rule = [dot.text(line) for line in (_("MariaDB: REQUIRE SUBJECT"), oneline(yours), _("nginx: map of allowed"),
                                            "$ssl_client_s_dn", subject_dn(yours))]
        dot.add_node(cluster, "rule", "message", dot.html("<b>" + dot.text(_("the rule (authorization)")) + "</b>",
                                                          *rule))
    graph.edge("server", "rule", label=_("2. then"), id="server-then-rule", style="dashed", color=dot.UNCHECKED,
               fontcolor=dot.UNCHECKED)
    for node, label, file_name, certificate in clients:
        signed = facts.signed_with(certificate, ca_cert.public_key())
        allowed = certificate.subject == yours.subject and certificate.issuer == yours.issuer
        sources.cert_node(graph, node, file_name, label, certificate, now)
        sources.edge(graph, "server", node, f"server-verifies-{node}",
                     [(_("1. TLS: signed by the CA it trusts"), signed, "" if signed else _("refused here"))])
        sources.edge(graph, "rule", node, f"rule-allows-{node}",
                     [(_("2. allowed"), allowed if signed else None, _("never asked") if not signed else "")])
    return Diagram("access", _("who verifies whom, and where the authorization rule sits"), graph.source)


# -- exercises -------------------------------------------------------------------------------------------------


@exercise("07.require", N_("Write the REQUIRE clause that lets the second client in, and nobody else."),
          N_("the text after REQUIRE, as a string, e.g. \"X509\""))
def _require(answer, directory="lab") -> tuple[bool, str]:
    directory = Path(directory)
    if not isinstance(answer, str) or not answer.strip():
        return False, _("give the clause as a string, e.g. \"SUBJECT '/C=FR/O=.../CN=...'\".")
    second = _second(directory)
    try:
        with MariaDB(directory) as db:
            db.add_account("exercise", answer)
            tries = {_("your client"): db.connect("exercise"),
                     _("the second client"): db.connect("exercise", client=second),
                     _("no certificate"): db.connect("exercise", client=None)}
    except ServerMissing as error:
        expected = oneline(load_certificate(second / "client-cert.pem"))
        found = re.search(r"SUBJECT\s+'([^']*)'", answer, re.I)
        right = bool(found) and found.group(1) == expected
        compared = _("{why}, so the clause was compared with the second client's subject, {expected!r}, instead of "
                     "being tried: ").format(why=_missing_words(error), expected=expected)
        return right, compared + (_("it names it.") if right else _("it does not."))
    got_in = [who for who, attempt in tries.items() if attempt.accepted]
    summary = _("MariaDB, with REQUIRE {clause}, let in: {who}.").format(clause=answer.strip(),
                                                                          who=", ".join(got_in) or _("nobody"))
    right = got_in == [_("the second client")]
    return right, summary + ("" if right else " " + _("Name the second client's subject (and its issuer)."))


@exercise("07.status", N_("Which HTTP status does nginx send a client whose certificate the CA signed, but whose "
                          "name is not on the list?"), N_("a number, e.g. 200"))
def _status(answer) -> tuple[bool, str]:
    try:
        number = int(str(answer).strip().split()[0])
    except (ValueError, IndexError):
        return False, _("give the status as a number, e.g. 200.")
    if number == 403:
        return True, _("403 Forbidden: the TLS handshake verified the certificate (client_verify=SUCCESS in the "
                       "access log), then the rule refused the name.")
    if number == 400:
        return False, _("400 is nginx's answer to a certificate it could not verify, or none; this one was verified.")
    return False, _("{number} is not what the second client got: look at its try in the 'names' scenario.").format(
        number=number)


@exercise("07.who-refuses", N_("A client certificate from another CA, on an account with REQUIRE X509: what refuses "
                               "it? (a) the TLS handshake, before any account is looked at; (b) the account's REQUIRE "
                               "X509; (c) nothing: REQUIRE X509 accepts any certificate."), N_("one letter, e.g. \"a\""))
def _who_refuses(answer) -> tuple[bool, str]:
    letter = str(answer).strip().strip("()").lower()[:1]
    if letter not in ("a", "b", "c"):
        return False, _("answer with one letter: \"a\", \"b\" or \"c\".")
    if letter == "a":
        return True, _("the server's TLS library refuses the certificate (the client gets a TLS error: the alert "
                       "unknown ca, or a lost connection) and the account is never looked at: the error log says "
                       "'unauthenticated'.")
    return False, _("look at the other CA's try in the X509 scenario: the client got a TLS error, not "
                    "'Access denied', and the server logged the connection as unauthenticated.")


if __name__ == "__main__":  # pragma: no cover
    import sys

    if sys.argv[1:] == ["--record"]:
        print(_("Wrote {file}").format(file=record()))
    else:
        print(_("usage: python -m pkilesson.lessons.access --record"))
