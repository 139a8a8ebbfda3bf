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
from ..errors import PkiLessonError
from ._sources import Source
from ..pki.artifacts import Artifacts
from .render import Diagram
from ..pki.workspace import Workspace
from ..verify.verification import CHAIN_CHECKS

__all__ = ["CHAIN_CHECKS", "chain_checks", "chain_diagram"]

_CHECK_LABELS = {
    "signature": "signature",
    "issuer_name": "issuer = issuer's subject",
    "key_id": "AKI = issuer's SKI",
    "validity": "validity",
    "ca_flag": "issuer CA:TRUE",
    "key_usage": "issuer keyCertSign",
    "eku": "EKU",
}


def _link_checks(child, issuer, first: bool, purpose: Optional[str], now) -> dict:
    """{check: (result, detail)} for ``child`` signed by ``issuer``."""
    out = {}
    out["signature"] = (True, "") if facts.signed_with(child, issuer.public_key()) else (False, "does not verify")
    out["issuer_name"] = (True, "") if child.issuer == issuer.subject else (
        False, f"{facts.name(child.issuer)} is not {facts.name(issuer.subject)}")
    aki, ski = facts.key_id(child, "aki"), facts.key_id(issuer, "ski")
    out["key_id"] = (None, "no AKI" if aki is None else "issuer has no SKI") if aki is None or ski is None else (
        (True, "") if aki == ski else (False, "they differ"))
    problems = [f"{facts.name(c.subject)} {p}" for c in (child, issuer) for p in [facts.time_problem(c, now)] if p]
    out["validity"] = (False, "; ".join(problems)) if problems else (True, f"at {now:%Y-%m-%d}")
    basic = facts.extension(issuer, x509.BasicConstraints)
    out["ca_flag"] = (True, "") if basic is not None and basic.ca else (
        False, "no basicConstraints" if basic is None else "CA:FALSE")
    if facts.extension(issuer, x509.KeyUsage) is None:
        out["key_usage"] = (False, "no keyUsage")
    else:
        ok = "key_cert_sign" in facts.key_usage_of(issuer)
        out["key_usage"] = (True, "") if ok else (False, "keyCertSign not set")
    if not first:
        out["eku"] = (None, "leaf only")
    elif purpose is None:
        out["eku"] = (None, "no purpose given")
    else:
        usage = facts.extension(child, x509.ExtendedKeyUsage)
        wanted = facts.PURPOSE_EKU[purpose]
        if usage is None:
            out["eku"] = (None, "no EKU: RFC 5280 allows any purpose")
        else:
            word = facts.EKU_NAMES[wanted]
            out["eku"] = (True, word) if wanted in usage else (False, f"no {word}")
    return out


def _chain_of(chain, purpose: Optional[str]) -> list:
    if isinstance(chain, (Artifacts, Workspace, str, Path)):
        if purpose not in ("server", "client"):
            raise PkiLessonError(
                "Which chain: the server's or the client's certificate?", "pass purpose='server' or purpose='client'."
            )
        files, where = sources.gather(chain)
        return [sources.require(files, purpose, "cert", where), sources.require(files, "ca", "cert", where)]
    chain = list(chain) if isinstance(chain, (list, tuple)) else None
    if not chain or not all(isinstance(c, x509.Certificate) for c in chain):
        raise PkiLessonError(
            "A chain is a list of certificates, the leaf first and the root last.",
            "pass e.g. [server_certificate, ca_certificate], or a workspace folder with purpose='server'.",
        )
    return chain


def _check_purpose(purpose: Optional[str]) -> None:
    if purpose not in (None, "server", "client"):
        raise PkiLessonError(f"Unknown purpose {purpose!r}.", "pass purpose='server', 'client' or None.")


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
        {name: result for name, (result, _) in _link_checks(chain[i], chain[i + 1], i == 0, purpose, now).items()}
        for i in range(len(chain) - 1)
    )


def _merge(computed: list[dict], given) -> list[dict]:
    """``computed`` with the results of ``given`` (one mapping per link) put in their place."""
    if given is None:
        return computed
    if isinstance(given, Mapping) or not isinstance(given, Sequence) or len(given) != len(computed):
        raise PkiLessonError(
            f"checks= must give one mapping per link of the chain ({len(computed)} here).",
            "pass e.g. [{'signature': False}] for a chain of two certificates.",
        )
    merged = []
    for link, (mine, theirs) in enumerate(zip(computed, given)):
        if not isinstance(theirs, Mapping):
            raise PkiLessonError(f"checks[{link}] is not a mapping.", "give {'check name': True, False or None}.")
        row = dict(mine)
        for name, result in theirs.items():
            if name not in CHAIN_CHECKS or not isinstance(result, (bool, type(None))):
                raise PkiLessonError(
                    f"checks[{link}] has {name!r}: {result!r}.",
                    f"use the names {', '.join(CHAIN_CHECKS)} with True, False or None.",
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
    title = (f"The chain of {leaf_name}" + (f", checked as a {purpose} certificate" if purpose else "")
             + f" at {now:%Y-%m-%d %H:%M}Z")
    graph = dot.new_graph("chain", title, rankdir="TB")
    words = [f"{title}: each certificate, from the leaf up, and the checks on each link."]
    last = len(chain) - 1
    for i, certificate in enumerate(chain):
        if i == 0 and last > 0:
            role = f"leaf ({purpose})" if purpose else "leaf"
        elif i < last:
            role = "intermediate CA"
        elif certificate.issuer == certificate.subject:
            role = "root CA"
        else:
            role = "last certificate given"
        extra = ["the trust anchor: trusted because it is in", "the trust store, not for its self-signature"] \
            if i == last and certificate.issuer == certificate.subject and last > 0 else []
        subtitle = "CA certificate" if facts.is_ca(certificate) else "certificate"
        words.append(sources.cert_node(graph, f"cert{i}", f"{i}. {role}", subtitle, certificate, now, ids=True,
                                       extra=extra))
    for i, link in enumerate(links):
        rows = [(_CHECK_LABELS[name], *link[name]) for name in CHAIN_CHECKS]
        sources.edge(graph, f"cert{i}", f"cert{i + 1}", f"link{i}", rows, title=f"{i} signed by {i + 1}?")
        words.append(f"Link {i} signed by {i + 1}: {sources.said(rows)}.")
    ghost = chain[last].issuer != chain[last].subject
    if ghost:
        dot.add_node(graph, "issuer_missing", "ghost",
                     dot.node_label(facts.name(chain[last].issuer), "issuer: not given",
                                    ["so nothing about it is checked"]))
        dot.add_edge(graph, f"cert{last}", "issuer_missing", f"link{last}", None,
                     dot.check_table("signed by?", [("not checked", None, "issuer certificate not given")]),
                     style="dotted")
        words.append(f"Its issuer, {facts.name(chain[last].issuer)}, is not given: nothing about it is checked.")
    kinds = sorted({"ca-cert" if facts.is_ca(c) else "cert" for c in chain}, key=["cert", "ca-cert"].index)
    dot.add_legend(graph, kinds + (["ghost"] if ghost else []))
    return Diagram("chain", title, graph.source, "\n".join(words))
