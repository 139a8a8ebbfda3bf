"""Where a diagram's files come from, and the nodes and checks the diagrams share.

Internal to :mod:`pkilesson.draw.diagrams`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Optional, Union

from cryptography.hazmat.primitives import serialization

from . import _dot as dot
from ..decoding import _facts as facts
from .._catalog import N_, _, shown
from ..errors import PkiLessonError, WorkspaceError
from ..pki.keys import key_type_of
from ..pki.pem import read_regular_file
from ..verify.verification import verify_certificate
from ..pki.artifacts import Artifacts
from ..pki.workspace import ROLES, Workspace, _lstat

KINDS = {"ca": ("key", "cert"), "server": ("key", "req", "cert"), "client": ("key", "req", "cert")}
STEP_OF = {"ca": 1, "server": 2, "client": 3}
#: role -> its title on a diagram (translated where it is drawn).
ROLE_TITLES = {"ca": N_("the CA"), "server": N_("the server"), "client": N_("the client")}


class EncryptedKey:
    """A passphrase-protected key file: there, but its public half is unknown without the passphrase."""


#: What a diagram is drawn from: a workspace folder, a Workspace, the workflow's Artifacts, or a
#: mapping {(role, kind): key, CSR or certificate} of what exists so far (kind: "key", "req", "cert").
Source = Union[Artifacts, Workspace, str, Path, Mapping]


def _key_for_its_public_half(path: Path):
    """A key file read for its public half only, quickly; None when it needs the full loader.

    A diagram shows a key by its type and public fingerprint, so the slow
    consistency check of an RSA private key (tens of ms per key) is skipped
    here. A file this cannot read goes to Workspace.load_key, whose error
    names the file and the fix.
    """
    try:
        data = read_regular_file(path, "a private key")
    except PkiLessonError:  # unreadable, or not a regular file: the full loader says so
        return None
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in data:
        return EncryptedKey()
    try:
        key = serialization.load_pem_private_key(data, password=None, unsafe_skip_rsa_key_validation=True)
        key_type_of(key)
    except Exception:  # anything unusual: the full loader decides and explains
        return None
    return key


def gather(source) -> tuple[dict, Optional[Path]]:
    """{(role, kind): key, CSR or certificate} for the files present, and the folder if any."""
    if isinstance(source, Artifacts):
        return source.items(), None
    if isinstance(source, Mapping):
        unknown = [k for k in source if not (isinstance(k, tuple) and len(k) == 2 and k[1] in KINDS.get(k[0], ()))]
        if unknown:
            raise PkiLessonError(
                _("Unknown diagram items {items!r}.").format(items=unknown),
                _("use keys such as ('ca', 'key'), ('ca', 'cert'), ('server', 'req'), ('client', 'cert')."),
            )
        return {k: v for k, v in source.items() if v is not None}, None
    if isinstance(source, (str, os.PathLike)):
        source = Workspace(source)
    if not isinstance(source, Workspace):
        raise PkiLessonError(
            _("A diagram is drawn from a workspace folder or the workflow's artifacts, not a {type}.").format(
                type=type(source).__name__),
            _("pass the folder (e.g. 'lab') or the artifacts from make_artifacts() / ensure_workflow()."),
        )
    info = _lstat(source.path)
    if info is None or not os.path.isdir(source.path):
        raise WorkspaceError(
            _("{folder} is not a folder.").format(folder=source.path),
            _("give the workspace folder, e.g. the one 'pkilesson workflow DIR' made."),
        )
    found: dict = {}
    with source.locked():  # never half of a set being replaced
        for role in ROLES:
            for kind in KINDS[role]:
                path = source.file(role, kind)
                if _lstat(path) is None:
                    continue
                if kind == "key":
                    found[(role, kind)] = _key_for_its_public_half(path) or source.load_key(role)
                else:
                    found[(role, kind)] = (source.load_csr if kind == "req" else source.load_certificate)(role)
    if not found:
        raise WorkspaceError(
            _("{folder} holds none of the eight files of the workflow.").format(folder=source.path),
            _("run step 1 first (or 'pkilesson workflow {folder}').").format(folder=source.path),
        )
    return found, source.path


def reached(files: dict) -> int:
    """The last step whose files are all there (4 once the eight are: step 4 only reads them)."""
    step = 0
    for role in ROLES:
        if all((role, kind) in files for kind in KINDS[role]):
            step += 1
        else:
            break
    return 4 if step == 3 else step


def check_step(step) -> int:
    if isinstance(step, bool) or step not in (1, 2, 3, 4):
        raise PkiLessonError(_("There is no step {step!r} in the workflow.").format(step=step),
                             _("give step=1, 2, 3 or 4."))
    return step


def require(files: dict, role: str, kind: str, where: Optional[Path]):
    value = files.get((role, kind))
    if value is None:
        name = Workspace.file_name(role, kind)
        raise WorkspaceError(
            _("{file} is missing in {folder}.").format(file=name, folder=where) if where else
            _("{file} is missing.").format(file=name),
            _("run step {step} first (or 'pkilesson workflow {folder}').").format(step=STEP_OF[role],
                                                                                 folder=where or "DIR"),
        )
    return value


def public(value):
    return None if value is None or isinstance(value, EncryptedKey) else value.public_key()


def key_node(graph, node_id: str, file_name: str, key, owner: str) -> str:
    """Draw a key by its type and its public half's fingerprint; returns the node in words."""
    if isinstance(key, EncryptedKey):
        lines = [_("encrypted with a passphrase"), _("stays with {owner}").format(owner=owner)]
    else:
        lines = [facts.key_kind(key), _("{fingerprint} (public half)").format(fingerprint=facts.fingerprint(key)),
                 _("stays with {owner}").format(owner=owner)]
    label = dot.node_label(file_name, _("private key (secret)"), [dot.text(dot.clip(x)) for x in lines])
    dot.add_node(graph, node_id, "key", label)
    return _("{file}: private key (secret), {facts}.").format(file=file_name, facts=", ".join(lines))


def cert_node(graph, node_id: str, title: str, subtitle: str, certificate, now, *, ids=False, extra=()) -> str:
    """Draw a certificate with its facts (a problem in red, in capitals); returns the node in words."""
    facts_ = facts.certificate_lines(certificate, now, ids=ids)
    lines = [dot.coloured(dot.text(dot.clip(line)), dot.FAILED_TEXT) if problem else dot.text(dot.clip(line))
             for line, problem in facts_]
    lines += [dot.text(dot.clip(line)) for line in extra]
    kind = "ca-cert" if facts.is_ca(certificate) else "cert"
    dot.add_node(graph, node_id, kind, dot.node_label(title, subtitle, lines))
    return _("{title}: {subtitle}, {facts}.").format(
        title=title, subtitle=subtitle,
        facts=", ".join([shown(line) for line, _problem in facts_] + [" ".join(extra)] * bool(extra)))


def edge(graph, tail, head, edge_id, rows, title="", *, upward: bool = False, **extra) -> None:
    """An edge whose label lists (name, result, detail) rows; coloured by their overall result."""
    result = dot.overall(r for _name, r, _detail in rows)
    dot.add_edge(graph, tail, head, edge_id, result, dot.check_table(title, rows), upward=upward, **extra)


def said(rows) -> str:
    """Checks in words: ``name: ok (detail); ...``."""
    return _("; ").join(dot.check_words(name, result, detail) for name, result, detail in rows)


def handshake_checks(server: tuple, client: tuple, ca_certificate, host: str, now) -> dict:
    """Each side's check of the other's certificate, as {role whose certificate: (label, result, detail)}.

    At the real time (within a minute) a real handshake runs on 127.0.0.1 and
    each row is what that side's Python ``ssl`` said (pkilesson's careful
    contexts: ``VERIFY_X509_STRICT``, the server requiring a client
    certificate). At another time no handshake can run (``ssl`` only knows
    the real clock): each row is then pyca/cryptography's verdict at ``now``,
    labelled as pyca/cryptography's. ``server``/``client``: (key, certificate).
    """
    import datetime as dt
    import platform
    import ssl

    from ..verify.explain import verifier_version

    real = abs((now - dt.datetime.now(dt.timezone.utc)).total_seconds()) <= 60
    keys_known = not any(isinstance(key, EncryptedKey) for key, _cert in (server, client))
    if not (real and keys_known):
        why = _("no handshake: the keys are encrypted") if not keys_known else \
            _("no handshake at {time}Z (ssl knows only the real clock)").format(time=f"{now:%Y-%m-%d %H:%M}")
        out = {}
        for role, (_key, certificate) in (("server", server), ("client", client)):
            label, result, detail = verified(role, certificate, ca_certificate, now, host)
            out[role] = (_("{why}; {verifier} at that time: {file} {label}").format(
                why=why, verifier=verifier_version(), file=f"{role}-cert.pem", label=label), result, detail)
        return out
    from ..tls.loopback import Party, handshake

    trust = (ca_certificate,)
    report = handshake(server=Party((server[1],), server[0], trust), client=Party((client[1],), client[0], trust),
                       host=host)
    python = _("Python {version} ssl on {openssl}, strict").format(version=platform.python_version(),
                                                                   openssl=" ".join(ssl.OPENSSL_VERSION.split()[:2]))
    client_ok = report.client.ok or "certificate verify failed" not in report.client.error
    checked = {"server": (_("the client, {python}, checked server-cert.pem for {host}").format(
        python=python, host=host), client_ok, "" if client_ok else report.client.error)}
    if not client_ok:
        checked["client"] = (_("the server never saw client-cert.pem: the client stopped at message 2"), None, "")
    else:
        server_ok = report.server.ok
        checked["client"] = (_("the server, {python}, checked client-cert.pem").format(python=python), server_ok,
                             "" if server_ok else report.server.error)
    return checked


def verified_as(role: str, host: Optional[str] = None) -> str:
    """``verified as a server for HOST`` or ``verified as a client``: a step-4 arrow's label."""
    if role == "client":
        return _("verified as a client for {host}").format(host=host) if host else _("verified as a client")
    return _("verified as a server for {host}").format(host=host) if host else _("verified as a server")


def verified(role: str, certificate, ca_certificate, now, host: Optional[str] = None) -> tuple:
    """pyca/cryptography's verdict on ``certificate`` against the CA, as a (label, result, detail) row.

    A server certificate is checked for ``host``, by default its first name.
    """
    host = (host or facts.server_name(certificate)) if role == "server" else None
    label = verified_as(role, host)
    if role == "server" and host is None:
        return label, None, _("no name to check")
    try:
        verdict = verify_certificate(certificate, [ca_certificate], host=host, client=role == "client", now=now)
    except PkiLessonError as exc:
        return label, None, exc.problem
    return label, verdict.valid, "" if verdict.valid else verdict.reason
