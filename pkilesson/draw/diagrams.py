"""Diagrams of who signed what and who trusts whom, drawn from the learner's real files.

Three pictures, each from a workspace folder, a :class:`~pkilesson.pki.workspace.Workspace`
or the :class:`~pkilesson.pki.artifacts.Artifacts` of the workflow:

* :func:`workspace_diagram`: the source document's schema, one node per key,
  signing request and certificate, with the arrows "signed by", "public key
  of" and "requested by" checked in the files; ``step=1..4`` draws what
  exists after that step (later files are drawn as "not made yet");
* :func:`chain_diagram`: a chain leaf -> (intermediates) -> root, each link
  labelled with what a verifier checks there and the result;
* :func:`mtls_diagram`: the mutual-TLS handshake between the server and the
  client, each with its own key and certificate, both trusting the same CA.

Every arrow that states a fact about the files is checked: green when it
holds, red when it does not, grey when it was not checked. Each function
returns a :class:`Diagram`; Jupyter shows it as SVG, ``diagram.svg()`` gives
the SVG text and ``diagram.source`` the Graphviz DOT source. Layout is left
to Graphviz (see :mod:`pkilesson.draw.render` for the renderer). A diagram never
contains private key material: a key is shown by its type and the
fingerprint of its public half.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from . import _dot as dot
from ..decoding import _facts as facts
from . import _sources as sources
from ._chain import CHAIN_CHECKS, chain_checks, chain_diagram
from ._sources import KINDS, ROLE_TITLES, STEP_OF, Source
from ..pki._time import resolve_now
from ..pki.keys import key_matches
from .render import Diagram
from ..pki.workspace import ROLES, Workspace
from .._catalog import _, tr

__all__ = ["Diagram", "CHAIN_CHECKS", "chain_checks", "workspace_diagram", "chain_diagram", "mtls_diagram"]


# -- the source's schema, step by step ---------------------------------------------------------


def workspace_diagram(source: Source, *, step: Optional[int] = None, now: Optional[dt.datetime] = None) -> Diagram:
    """The source document's schema drawn from real files: the CA, the server and the client.

    ``source`` is a workspace folder, a :class:`~pkilesson.pki.workspace.Workspace`
    or :class:`~pkilesson.pki.artifacts.Artifacts`. ``step`` (1 to 4) draws what
    exists after that step, the files of later steps as "not made yet" and
    step 4's verification of both certificates against ``ca-cert.pem``
    (at ``now``) only from step 4. By default every file present is drawn,
    and a missing one as "missing". ``now`` also marks certificates that
    are expired or not yet valid.
    """
    now = resolve_now(now)
    files, where = sources.gather(source)
    done = sources.reached(files)
    if step is None:
        shown, upto = files, 4
        title = _("The workspace after step {step}").format(step=done) if done else \
            _("The workspace, step 1 not finished")
    else:
        upto = sources.check_step(step)
        shown = {k: v for k, v in files.items() if STEP_OF[k[0]] <= step}
        title = _("The workspace after step {step}").format(step=step)
    title += f" ({where})" if where else ""
    graph = dot.new_graph("workspace", title, rankdir="TB")
    ghosts = False
    words = [_("{title}: each file of the CA, the server and the client, and what is checked between them.").format(
        title=title)]
    for role in ROLES:
        with graph.subgraph(name=f"cluster_{role}") as cluster:
            cluster.attr(
                label=dot.html(dot.text(_("{role} (step {step})")).format(
                    role=f"<b>{dot.text(tr(ROLE_TITLES[role]))}</b>", step=STEP_OF[role])),
                style="rounded", color="#bdbdbd", id=f"cluster_{role}", labelloc="t",
            )
            for kind in (KINDS[role] if role == "ca" else ("cert", "req", "key")):
                node_id, file_name = f"{role}_{kind}", Workspace.file_name(role, kind)
                value = shown.get((role, kind))
                if value is None:
                    ghosts = True
                    why = (_("missing (step {step})") if STEP_OF[role] <= (step or done) else
                           _("not made yet (step {step})")).format(step=STEP_OF[role])
                    label = dot.node_label(file_name, why)
                    dot.add_node(cluster, node_id, "ghost", label)
                    words.append(_("{file}: {state}.").format(file=file_name, state=why))
                elif kind == "key":
                    words.append(sources.key_node(cluster, node_id, file_name, value, tr(ROLE_TITLES[role])))
                elif kind == "req":
                    lines = [_("subject {name}").format(name=facts.name(value.subject))]
                    requested = facts.sans(value)
                    lines.append(_("asks for {sans}").format(sans=requested) if requested else _("asks for no SAN"))
                    dot.add_node(cluster, node_id, "csr",
                                 dot.node_label(file_name, _("signing request"), [dot.text(dot.clip(x)) for x in lines]))
                    words.append(_("{file}: signing request, {facts}.").format(file=file_name, facts=", ".join(lines)))
                else:
                    subtitle = _("CA certificate") if role == "ca" else _("certificate")
                    words.append(sources.cert_node(cluster, node_id, file_name, subtitle, value, now))
    # Top to bottom: the CA's key and certificate, then each certificate, its request and its key;
    # the server on the left, the client on the right. The picture stays narrow enough for its text
    # to be read at the notebook's width; an arrow to the CA points up.
    for tail, head, edge_id, edge_step, rows in _workspace_edges(shown, now):
        upward = head.startswith("ca_")
        ends = dict(zip(("tail", "head"), (Workspace.file_name(*node.split("_")) for node in (tail, head))))
        if edge_step <= upto and all(tuple(node.split("_")) in shown for node in (tail, head)):
            sources.edge(graph, tail, head, edge_id, rows, upward=upward)
            words.append(_("Arrow from {tail} to {head}: {checks}.").format(**ends, checks=sources.said(rows)))
        else:  # not there yet: drawn dotted and grey, unchecked
            label = dot.html(*(dot.text(line) for name, _result, _detail in rows
                               for line in dot.wrap(_("{check} (step {step})").format(check=name, step=edge_step))))
            dot.add_edge(graph, tail, head, edge_id, None, label, style="dotted", upward=upward)
            words.append(_("Arrow from {tail} to {head}: {checks}: not there yet (step {step}).").format(
                **ends, checks=_("; ").join(name for name, _result, _detail in rows), step=edge_step))
    dot.add_legend(graph, ["key", "csr", "cert", "ca-cert"] + (["ghost"] if ghosts else []))
    graph.body.append("\t{rank=same; legend; ca_key}\n")
    return Diagram("workspace", title, graph.source, "\n".join(words))


def _workspace_edges(files: dict, now: dt.datetime):
    """(tail, head, id, step, rows) for every arrow of the schema; rows are checked where both files are there."""
    ca_key, ca_cert = files.get(("ca", "key")), files.get(("ca", "cert"))
    ca_public = sources.public(ca_key) or sources.public(ca_cert)

    def owns(key, thing) -> tuple[Optional[bool], str]:
        if key is None or thing is None:
            return None, ""
        if isinstance(key, sources.EncryptedKey):
            return None, _("the key is encrypted")
        return (True, "") if key_matches(key, thing.public_key()) else (False, _("another key's"))

    def signed(certificate) -> tuple[Optional[bool], str]:
        if certificate is None or ca_public is None:
            return None, ""
        return (True, "") if facts.signed_with(certificate, ca_public) else (False, _("signature does not verify"))

    yield "ca_cert", "ca_key", "ca_cert-public_key_of-ca_key", 1, [
        (_("public key of"), *owns(ca_key, ca_cert)), (_("signed by (self-signed)"), *signed(ca_cert))
    ]
    for role in ("server", "client"):
        key, csr, cert = files.get((role, "key")), files.get((role, "req")), files.get((role, "cert"))
        pop = None if csr is None else facts.csr_signed(csr) and owns(key, csr)[0] is not False
        step = STEP_OF[role]
        yield f"{role}_req", f"{role}_key", f"{role}_req-public_key_of-{role}_key", step, [
            (_("public key of"), *owns(key, csr)),
            (_("signed by (proof of possession)"), pop, "" if pop is not False else _("signature does not verify")),
        ]
        if cert is not None and csr is not None:
            same_key = cert.public_key() == csr.public_key()
            same_name = cert.subject == csr.subject
            requested = (same_key and same_name, "" if same_key and same_name else
                         _("public key differs") if not same_key else _("subject differs"))
        else:
            requested = (None, "")
        yield f"{role}_cert", f"{role}_req", f"{role}_cert-requested_by-{role}_req", step, [
            (_("requested by"), *requested)
        ]
        yield f"{role}_cert", f"{role}_key", f"{role}_cert-public_key_of-{role}_key", step, [
            (_("public key of"), *owns(key, cert))
        ]
        yield f"{role}_cert", "ca_key", f"{role}_cert-signed_by-ca_key", step, [(_("signed by"), *signed(cert))]
        if cert is not None and ca_cert is not None:
            label, result, detail = sources.verified(role, cert, ca_cert, now)
        else:
            label, result, detail = sources.verified_as(role), None, ""
        yield f"{role}_cert", "ca_cert", f"{role}_cert-verified_against-ca_cert", 4, [
            (_("step 4, {check}").format(check=label), result, detail)
        ]


# -- mutual TLS ---------------------------------------------------------------------------


def mtls_diagram(source: Source, *, host: Optional[str] = None, now: Optional[dt.datetime] = None) -> Diagram:
    """The mutual-TLS handshake: the server and the client, each with its own key and certificate.

    Both keep a copy of ``ca-cert.pem`` as their trust anchor. The numbered
    arrows are the TLS 1.3 handshake (RFC 8446): the client's hello, the
    server's certificate and proof of its key, then the client's. Each side's
    check of the other's certificate is a real handshake on 127.0.0.1 with
    Python's ``ssl`` when ``now`` is the real time; at another time it is
    pyca/cryptography's verdict at ``now``, labelled as such. The client
    checks the server's for ``host`` (default: the first name in the server
    certificate).
    """
    now = resolve_now(now)
    files, where = sources.gather(source)
    ca_cert = sources.require(files, "ca", "cert", where)
    server_key, server_cert = (sources.require(files, "server", kind, where) for kind in ("key", "cert"))
    client_key, client_cert = (sources.require(files, "client", kind, where) for kind in ("key", "cert"))
    host = host or facts.server_name(server_cert)
    title = _("Mutual TLS (the TLS 1.3 handshake): each side proves who it is with its own key; both trust the "
              "same CA")
    graph = dot.new_graph("mtls", title, rankdir="TB")
    # Top to bottom: the CA; each side's certificate, key and program (the client on the left, the
    # server on the right); then the messages between the two programs, first to last.
    words = [_("{title}.").format(title=title)]
    with graph.subgraph(name="cluster_ca") as cluster:
        cluster.attr(label=dot.html(f"<b>{dot.text(tr(ROLE_TITLES['ca']))}</b>"), style="rounded", color="#bdbdbd",
                     id="cluster_ca", labelloc="t")
        words.append(sources.cert_node(cluster, "ca_cert", "ca-cert.pem", _("CA certificate"), ca_cert, now,
                                       extra=[_("each side keeps a copy:"), _("its trust anchor")]))
    sides = (("client", client_key, client_cert), ("server", server_key, server_cert))
    for role, key, cert in sides:
        with graph.subgraph(name=f"cluster_{role}") as cluster:
            name = host if role == "server" else facts.name(cert.subject)
            cluster.attr(label=dot.html(f"<b>{dot.text(tr(ROLE_TITLES[role]))}</b>"), style="rounded",
                         color="#bdbdbd", id=f"cluster_{role}", labelloc="t")
            duty = [_("asks for and requires"), _("a client certificate")] if role == "server" else \
                [dot.clip(_("connects to {host}").format(host=host))]
            program = (_("The server program ({name}): {duty}; it trusts its copy of ca-cert.pem, presents "
                         "server-cert.pem and signs CertificateVerify with server-key.pem.") if role == "server" else
                       _("The client program ({name}): {duty}; it trusts its copy of ca-cert.pem, presents "
                         "client-cert.pem and signs CertificateVerify with client-key.pem."))
            words.append(program.format(name=name, duty=" ".join(duty)))
            words.append(sources.cert_node(cluster, f"{role}_cert", f"{role}-cert.pem", _("certificate"), cert, now))
            owner = _("the server: never sent") if role == "server" else _("the client: never sent")
            words.append(sources.key_node(cluster, f"{role}_key", f"{role}-key.pem", key, owner))
            dot.add_node(cluster, role, "party",
                         dot.node_label(_("server program") if role == "server" else _("client program"), str(name),
                                        [*(dot.text(d) for d in duty), dot.text(_("trusts its copy of ca-cert.pem"))]))
    for role, key, cert in sides:
        signed = [(_("signed by the CA"), *((True, "") if facts.signed_with(cert, ca_cert.public_key()) else
                                            (False, _("signature does not verify"))))]
        owned = [(_("public key of"), *((True, "") if key_matches(key, cert.public_key()) else
                                        (False, _("another key's"))))]
        sources.edge(graph, f"{role}_cert", "ca_cert", f"{role}_cert-signed_by-ca_cert", signed, upward=True)
        sources.edge(graph, f"{role}_cert", f"{role}_key", f"{role}_cert-public_key_of-{role}_key", owned)
        words.append(_("Arrow from {cert} to ca-cert.pem: {signed}; from {cert} to {key}: {owned}.").format(
            cert=f"{role}-cert.pem", key=f"{role}-key.pem", signed=sources.said(signed), owned=sources.said(owned)))
        dot.add_edge(graph, role, f"{role}_key", f"{role}-uses-{role}_key", None,
                     dot.check_table("", [(_("signs CertificateVerify with"), None, "")], width=18), style="dashed",
                     upward=True)
        dot.add_edge(graph, role, f"{role}_cert", f"{role}-presents-{role}_cert", None,
                     dot.check_table("", [(_("presents"), None, "")]), style="dashed", upward=True)
    graph.body.append("\t{rank=same; client; server}\n")
    graph.edge("client", "server", style="invis")  # the client on the left
    checks = sources.handshake_checks((server_key, server_cert), (client_key, client_cert), ca_cert, host, now)
    handshake = (
        ("client", "server", ["1. ClientHello"], None),
        ("server", "client", ["2. ServerHello, CertificateRequest,", "Certificate (server-cert.pem),",
                              _("CertificateVerify (signed with"), _("{key}), Finished").format(key="server-key.pem")],
         "server"),
        ("client", "server", ["3. Certificate (client-cert.pem),",
                              _("CertificateVerify (signed with"), _("{key}), Finished").format(key="client-key.pem")],
         "client"),
    )
    # The messages hang below the two programs, first to last, as in a sequence diagram: both
    # edges of a message are laid out program -> message so that Graphviz centres it between the
    # two; the receiver's arrow is turned around (upward).
    above = None
    for number, (sender, receiver, message, checked) in enumerate(handshake, 1):
        rows = []
        if checked:
            rows = [checks[checked]]
        result = dot.overall(r for _name, r, _detail in rows)
        node = f"message{number}"
        dot.add_node(graph, node, "message", dot.check_table(message, rows, width=40), color=dot.colour_of(result))
        line = _("Message from the server to the client: {message}") if sender == "server" else \
            _("Message from the client to the server: {message}")
        words.append(line.format(message=" ".join(message))
                     + (_("; {checks}.").format(checks=sources.said(rows)) if rows else "."))
        dot.add_edge(graph, sender, node, f"{node}-from-{sender}", result, "", penwidth="2.5")
        dot.add_edge(graph, node, receiver, f"{node}-to-{receiver}", result, "", penwidth="2.5", upward=True)
        if above:
            graph.edge(above, node, style="invis")
        above = node
    dot.add_legend(graph, ["party", "message", "key", "cert", "ca-cert"])
    graph.body.append("\t{rank=same; legend; ca_cert}\n")  # beside the CA, where there is room
    return Diagram("mtls", title, graph.source, "\n".join(words))
