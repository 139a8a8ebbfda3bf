"""The CA hierarchy's chains in real handshakes: which certificates a server sends, which the client trusts.

The root and intermediate's files are :mod:`pkilesson.pki.hierarchy`; here the
server sends its certificate plus a chosen part of its chain, and the client
trusts a chosen part, over a real TLS handshake on 127.0.0.1.
"""

from __future__ import annotations

import ssl

from .._catalog import N_, _, tr
from ..errors import PkiLessonError
from ..pki.hierarchy import CHAIN_PARTS, Hierarchy, _check_hierarchy, _check_parts
from ..pki.running import versions
from .loopback import Party, handshake
from .wire import observe

__all__ = ["chain_handshake", "partial_chain_verdicts", "CHAIN_PARTS"]

#: A part of the chain (one of CHAIN_PARTS) as a line of :func:`partial_chain_verdicts` names it.
_PARTS = {"intermediate": N_("intermediate"), "root": N_("root")}


def chain_handshake(hierarchy: Hierarchy, *, sends: tuple[str, ...] = ("intermediate",),
                    trusts: tuple[str, ...] = ("root",)):
    """One handshake where the server sends its certificate plus ``sends``, and the client trusts ``trusts``.

    ``sends`` and ``trusts`` name parts of :data:`CHAIN_PARTS`. The client
    always sends its full chain and the server trusts the root, so the
    result is about the server's chain and the client's trust store only.
    """
    _check_hierarchy(hierarchy)
    _check_parts(sends, "sends"), _check_parts(trusts, "trusts")
    for part in (*sends, *trusts):
        if part not in CHAIN_PARTS:
            raise PkiLessonError(_("Unknown part {part!r}.").format(part=part),
                                 _("use {parts}.").format(parts=_(" or ").join(CHAIN_PARTS)))
    if not trusts:
        raise PkiLessonError(_("The client trusts nothing: it can accept no server."), _("trust the root, at least."))
    server, client = _chain_parties(hierarchy, sends, trusts)
    return handshake(server=server, client=client)


def _chain_parties(hierarchy: Hierarchy, sends: tuple[str, ...], trusts: tuple[str, ...]) -> tuple[Party, Party]:
    certificate = {"intermediate": hierarchy.intermediate.certificate, "root": hierarchy.root_certificate}
    chain = (hierarchy.server_certificate, *(certificate[p] for p in CHAIN_PARTS if p in sends))
    server = Party(chain, hierarchy.server_key, (hierarchy.root_certificate,))
    client = Party(hierarchy.chain("client"), hierarchy.client_key, tuple(certificate[p] for p in CHAIN_PARTS if p in trusts))
    return server, client


def partial_chain_verdicts(hierarchy: Hierarchy, *, sends: tuple[str, ...] = ("intermediate", "root"),
                           trusts: tuple[str, ...] = ("intermediate",)) -> str:
    """The same handshake as :func:`chain_handshake`, the client's ``VERIFY_X509_PARTIAL_CHAIN`` off then on.

    Off is how :mod:`pkilesson.tls.loopback` (its own ``SSLContext``: the same on Python
    3.11 and 3.13) and Python 3.12's ``ssl.create_default_context()`` verify; on, how Python
    3.13's default context does (CPython issue 107361): a certificate of the
    trust store may then end the chain though it is not self-signed. The
    first lines name the versions that ran and what this Python's default
    context sets.
    """
    _check_hierarchy(hierarchy)
    _check_parts(sends, "sends"), _check_parts(trusts, "trusts")
    for part in (*sends, *trusts):
        if part not in CHAIN_PARTS:
            raise PkiLessonError(_("Unknown part {part!r}.").format(part=part),
                                 _("use {parts}.").format(parts=_(" or ").join(CHAIN_PARTS)))
    server, client = _chain_parties(hierarchy, sends, trusts)
    default = bool(ssl.create_default_context().verify_flags & ssl.VERIFY_X509_PARTIAL_CHAIN)
    lines = [versions(), _("this Python's create_default_context() sets VERIFY_X509_PARTIAL_CHAIN: {set}").format(
        set=default)]
    for flag in (False, True):
        seen = observe(server=server, client=client, require_client_certificate=True, partial_chain=flag)
        line = _("the server sends its certificate + {sends}, the client trusts {trusts}, VERIFY_X509_PARTIAL_CHAIN "
                 "on: {verdict}") if flag else _("the server sends its certificate + {sends}, the client trusts "
                                                 "{trusts}, VERIFY_X509_PARTIAL_CHAIN off: {verdict}")
        lines.append("  " + line.format(sends=" + ".join(tr(_PARTS[p]) for p in sends) or _("nothing"),
                                        trusts=" + ".join(tr(_PARTS[p]) for p in trusts), verdict=seen.verdict()))
    return "\n".join(lines)
