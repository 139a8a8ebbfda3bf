"""Lesson 07's nginx scenarios: ssl_verify_client, a map of the allowed subjects, and a CRL."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from .._catalog import N_, _
from ..errors import PkiLessonError, WorkspaceError
from ..tls import nginx as nginx_server
from ..tls.nginx import Nginx
from ..tls.servers import Attempt, ServerMissing, missing
from ._access_clients import _other, _second  # the tries name their folders, second-client/ and other-ca-client/
from ._access_tries import Tries, _missing_words, _recorded

__all__ = ["NGINX_SCENARIOS", "nginx_scenario"]

NGINX_SCENARIOS = {
    "verify": N_("ssl_verify_client on: with and without a client certificate, curl and Python's ssl"),
    "names": N_("a map of the allowed subjects: the second client is verified, and refused"),
    "before-crl": N_("both clients on the list, no CRL loaded"),
    "crl": N_("both clients on the list, and ssl_crl with the CA's CRL"),
}


def nginx_scenario(name: str, directory: Union[str, Path] = "lab") -> Tries:
    """Run nginx scenario ``name`` (see :data:`NGINX_SCENARIOS`) with ``directory``'s files, or show it recorded."""
    if name not in NGINX_SCENARIOS:
        raise PkiLessonError(_("There is no nginx scenario {name!r}.").format(name=name),
                             _("use one of {names}.").format(names=", ".join(NGINX_SCENARIOS)))
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
        return [web.request(scenario=N_("your client (client-cert.pem), curl")),
                web.request(client=None, scenario=N_("no client certificate, curl")),
                web.request(client=other, scenario=N_("a client of another CA (other-ca-client/), curl")),
                web.request(tool="python", scenario=N_("your client (client-cert.pem), Python's ssl"))]


def _nginx_names(directory: Path) -> list[Attempt]:
    second = _second(directory)
    with Nginx(directory, allowed=[directory / "client-cert.pem"]) as web:
        return [web.request(scenario=N_("your client (client-cert.pem)")),
                web.request(client=second, scenario=N_("the second client (second-client/)"))]


def _nginx_both(directory: Path, crl: Optional[Path]) -> list[Attempt]:
    second = _second(directory)
    allowed = [directory / "client-cert.pem", second / "client-cert.pem"]
    with Nginx(directory, allowed=allowed, crl=crl) as web:
        return [web.request(scenario=N_("your client (client-cert.pem)")),
                web.request(client=second, scenario=N_("the second client (second-client/)"))]


def _nginx_crl(directory: Path) -> list[Attempt]:
    crl = directory / "ca-crl.pem"
    if not crl.is_file():
        raise WorkspaceError(_("{file} is missing.").format(file=crl),
                             _("revoke a certificate first: pkilesson revoke {folder} CERT.pem.").format(folder=directory))
    return _nginx_both(directory, crl)


_NGINX = {"verify": _nginx_verify, "names": _nginx_names, "before-crl": lambda d: _nginx_both(d, None),
          "crl": _nginx_crl}
