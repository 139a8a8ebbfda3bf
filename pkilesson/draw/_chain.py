"""A chain, link by link: what a verifier checks between a certificate and its issuer.

Internal to :mod:`pkilesson.draw.diagrams`, which exports :data:`CHAIN_CHECKS`,
:func:`chain_checks` and :func:`chain_diagram`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Mapping, Optional, Sequence, Union

from cryptography import x509

from . import _dot as dot
from ..decoding import _facts as facts
from . import _sources as sources
from ..pki._time import resolve_now
from .._catalog import N_, _, tr
from ..errors import PkiLessonError
from ._sources import Source
from ..pki.artifacts import Artifacts
from .render import Diagram
from ..pki.workspace import Workspace
from ..verify.verification import CHAIN_CHECKS

__all__ = ["CHAIN_CHECKS", "chain_checks", "chain_diagram"]

#: check -> its label on a link (translated where it is drawn).
_CHECK_LABELS = {
    "signature": N_("signature"),
    "issuer_name": N_("issuer = issuer's subject"),
    "key_id": N_("AKI = issuer's SKI"),
    "validity": N_("validity"),
    "ca_flag": N_("issuer CA:TRUE"),
    "key_usage": N_("issuer keyCertSign"),
    "eku": N_("EKU"),
}


def _link_checks(child, issuer, first: bool, purpose: Optional[str], now) -> dict:
    """{check: (result, detail)} for ``child`` signed by ``issuer``."""
    out = {}
    out["signature"] = (True, "") if facts.signed_with(child, issuer.public_key()) else (False, _("does not verify"))
    out["issuer_name"] = (True, "") if child.issuer == issuer.subject else (
        False, _("{issuer} is not {subject}").format(issuer=facts.name(child.issuer), subject=facts.name(issuer.subject)))
    aki, ski = facts.key_id(child, "aki"), facts.key_id(issuer, "ski")
    out["key_id"] = (None, _("no AKI") if aki is None else _("issuer has no SKI")) if aki is None or ski is None else (
        (True, "") if aki == ski else (False, _("they differ")))
    problems = [f"{facts.name(c.subject)} {p}" for c in (child, issuer) for p in [facts.time_problem(c, now)] if p]
    out["validity"] = (False, _("; ").join(problems)) if problems else (
        True, _("at {date}").format(date=f"{now:%Y-%m-%d}"))
    basic = facts.extension(issuer, x509.BasicConstraints)
    out["ca_flag"] = (True, "") if basic is not None and basic.ca else (
        False, _("no basicConstraints") if basic is None else "CA:FALSE")
    if facts.extension(issuer, x509.KeyUsage) is None:
        out["key_usage"] = (False, _("no keyUsage"))
    else:
        ok = "key_cert_sign" in facts.key_usage_of(issuer)
        out["key_usage"] = (True, "") if ok else (False, _("keyCertSign not set"))
    if not first:
        out["eku"] = (None, _("leaf only"))
    elif purpose is None:
        out["eku"] = (None, _("no purpose given"))
    else:
        usage = facts.extension(child, x509.ExtendedKeyUsage)
        wanted = facts.PURPOSE_EKU[purpose]
        if usage is None:
            out["eku"] = (None, _("no EKU: RFC 5280 allows any purpose"))
        else:
            word = facts.EKU_NAMES[wanted]
            out["eku"] = (True, word) if wanted in usage else (False, _("no {eku}").format(eku=word))
    return out


def _chain_of(chain, purpose: Optional[str]) -> list:
    if isinstance(chain, (Artifacts, Workspace, str, Path)):
        if purpose not in ("server", "client"):
            raise PkiLessonError(
                _("Which chain: the server's or the client's certificate?"),
                _("pass purpose='server' or purpose='client'."),
            )
        files, where = sources.gather(chain)
        return [sources.require(files, purpose, "cert", where), sources.require(files, "ca", "cert", where)]
    chain = list(chain) if isinstance(chain, (list, tuple)) else None
    if not chain or not all(isinstance(c, x509.Certificate) for c in chain):
        raise PkiLessonError(
            _("A chain is a list of certificates, the leaf first and the root last."),
            _("pass e.g. [server_certificate, ca_certificate], or a workspace folder with purpose='server'."),
        )
    return chain


def _check_purpose(purpose: Optional[str]) -> None:
    if purpose not in (None, "server", "client"):
        raise PkiLessonError(_("Unknown purpose {purpose!r}.").format(purpose=purpose),
                             _("pass purpose='server', 'client' or None."))


def chain_checks(
    chain: Sequence[x509.Certificate], *, purpose: Optional[str] = None, now: Optional[dt.datetime] = None
) -> tuple[dict[str, Optional[bool]], ...]:
    """The result of each of :data:`CHAIN_CHECKS` on each link of ``chain``.

    ``chain`` lists certificates from the leaf to the root; link ``i`` is
    ``chain[i]`` signed by ``chain[i + 1]``, so there are ``len(chain) - 1``
    results, each ``{check: True | False | None}``. ``purpose``
    (``"server"``, ``"client"`` or None) is what the leaf's EKU is checked for.
    """
    _check_purpose(purpose)
    chain = _chain_of(chain, purpose)
    now = resolve_now(now)
    return tuple(
        {name: result for name, (result, _detail) in _link_checks(chain[i], chain[i + 1], i == 0, purpose, now).items()}
        for i in range(len(chain) - 1)
    )


def _merge(computed: list[dict], given) -> list[dict]:
    """``computed`` with the results of ``given`` (one mapping per link) put in their place."""
    if given is None:
        return computed
    if isinstance(given, Mapping) or not isinstance(given, Sequence) or len(given) != len(computed):
        raise PkiLessonError(
            _("checks= must give one mapping per link of the chain ({count} here).").format(count=len(computed)),
            _("pass e.g. {example} for a chain of two certificates.").format(example="[{'signature': False}]"),
        )
    merged = []
    for link, (mine, theirs) in enumerate(zip(computed, given)):
        if not isinstance(theirs, Mapping):
            raise PkiLessonError(_("checks[{link}] is not a mapping.").format(link=link),
                                 _("give {example}.").format(example="{'check name': True, False or None}"))
        row = dict(mine)
        for name, result in theirs.items():
            if name not in CHAIN_CHECKS or not isinstance(result, (bool, type(None))):
                raise PkiLessonError(
                    _("checks[{link}] has {name!r}: {result!r}.").format(link=link, name=name, result=result),
                    _("use the names {names} with True, False or None.").format(names=", ".join(CHAIN_CHECKS)),
                )
            row[name] = (result, mine[name][1] if result == mine[name][0] else "")
        merged.append(row)
    return merged


def chain_diagram(
    chain: Union[Sequence[x509.Certificate], Source],
    *,
    purpose: Optional[str] = None,
    checks: Optional[Sequence[Mapping[str, Optional[bool]]]] = None,
    now: Optional[dt.datetime] = None,
) -> Diagram:
    """A chain from the leaf up to the root, each link labelled with every check and its result.

    ``chain`` is a list of certificates, leaf first and root last (as
    ``Verdict.chain``), or a workspace folder / Workspace / Artifacts, whose
    ``purpose`` certificate and ``ca-cert.pem`` form the chain. ``purpose``
    (``"server"`` or ``"client"``) is what the leaf's EKU is checked for.

    The results are computed from the certificates at ``now`` (see
    :func:`chain_checks`). ``checks`` replaces some of them: one mapping per
    link, ``{check name: True | False | None}`` with the names of
    :data:`CHAIN_CHECKS`; a failed check (False) is drawn in red, and so is
    its link.
    """
    _check_purpose(purpose)
    chain = _chain_of(chain, purpose)
    now = resolve_now(now)
    computed = [_link_checks(chain[i], chain[i + 1], i == 0, purpose, now) for i in range(len(chain) - 1)]
    links = _merge(computed, checks)
    leaf_name = facts.name(chain[0].subject)
    title = {None: _("The chain of {leaf} at {time}Z"),
             "server": _("The chain of {leaf}, checked as a server certificate at {time}Z"),
             "client": _("The chain of {leaf}, checked as a client certificate at {time}Z")}[purpose].format(
        leaf=leaf_name, time=f"{now:%Y-%m-%d %H:%M}")
    graph = dot.new_graph("chain", title, rankdir="TB")
    words = [_("{title}: each certificate, from the leaf up, and the checks on each link.").format(title=title)]
    last = len(chain) - 1
    for i, certificate in enumerate(chain):
        if i == 0 and last > 0:
            role = {None: _("leaf"), "server": _("leaf (server)"), "client": _("leaf (client)")}[purpose]
        elif i < last:
            role = _("intermediate CA")
        elif certificate.issuer == certificate.subject:
            role = _("root CA")
        else:
            role = _("last certificate given")
        extra = [_("the trust anchor: trusted because it is in"), _("the trust store, not for its self-signature")] \
            if i == last and certificate.issuer == certificate.subject and last > 0 else []
        subtitle = _("CA certificate") if facts.is_ca(certificate) else _("certificate")
        words.append(sources.cert_node(graph, f"cert{i}", f"{i}. {role}", subtitle, certificate, now, ids=True,
                                       extra=extra))
    for i, link in enumerate(links):
        rows = [(tr(_CHECK_LABELS[name]), *link[name]) for name in CHAIN_CHECKS]
        sources.edge(graph, f"cert{i}", f"cert{i + 1}", f"link{i}", rows,
                     title=_("{child} signed by {issuer}?").format(child=i, issuer=i + 1))
        words.append(_("Link {child} signed by {issuer}: {checks}.").format(child=i, issuer=i + 1,
                                                                            checks=sources.said(rows)))
    ghost = chain[last].issuer != chain[last].subject
    if ghost:
        dot.add_node(graph, "issuer_missing", "ghost",
                     dot.node_label(facts.name(chain[last].issuer), _("issuer: not given"),
                                    [dot.text(_("so nothing about it is checked"))]))
        dot.add_edge(graph, f"cert{last}", "issuer_missing", f"link{last}", None,
                     dot.check_table(_("signed by?"), [(_("not checked"), None, _("issuer certificate not given"))]),
                     style="dotted")
        words.append(_("Its issuer, {issuer}, is not given: nothing about it is checked.").format(
            issuer=facts.name(chain[last].issuer)))
    kinds = sorted({"ca-cert" if facts.is_ca(c) else "cert" for c in chain}, key=["cert", "ca-cert"].index)
    dot.add_legend(graph, kinds + (["ghost"] if ghost else []))
    return Diagram("chain", title, graph.source, "\n".join(words))
