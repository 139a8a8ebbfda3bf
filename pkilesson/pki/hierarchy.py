"""An intermediate CA: the root signs it once, then its key can go offline; the intermediate signs the leaves.

The source's CA signs the server's and the client's certificates itself, so
its key must stay at hand for every new certificate. Real PKIs put an
*intermediate* (issuing) CA between the two: the root signs the
intermediate's certificate (``INTERMEDIATE_CA``: ``CA:TRUE, pathLen 0``, it may
sign leaves but no further CA) and is needed again only to renew or revoke
it. Servers and clients trust the root alone; each sends its certificate
*and* the intermediate's (its chain file), so the other side can build the
path leaf → intermediate → root.

>>> h = make_hierarchy()
>>> [c.subject.rfc4514_string() for c in h.chain("server")]
['CN=localhost,O=pkilesson,C=FR', 'CN=pkilesson Issuing CA,O=pkilesson,C=FR']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from cryptography import x509

from ._time import resolve_now
from .authority import CertificateAuthority
from .certificates import certificate_to_pem, load_certificate, load_certificates
from .csr import create_csr
from .._catalog import N_, Text, _
from ..errors import PkiLessonError, WorkspaceError, argument_error
from .keys import PrivateKey, generate_key, load_private_key, private_key_to_pem
from .party import Party
from .profiles import CLIENT, INTERMEDIATE_CA, SERVER
from .workspace import write_files

__all__ = ["Hierarchy", "make_hierarchy", "load_hierarchy", "HIERARCHY_FILES", "ROOT_NAME", "INTERMEDIATE_NAME"]

ROOT_NAME = "/C=FR/O=pkilesson/CN=pkilesson Offline Root CA"
INTERMEDIATE_NAME = "/C=FR/O=pkilesson/CN=pkilesson Issuing CA"
#: The files :meth:`Hierarchy.save` writes, and what each holds.
HIERARCHY_FILES = {
    "root-cert.pem": Text(N_("the root's certificate: the one trust anchor servers and clients keep")),
    "root-key.pem": Text(N_("the root's key, encrypted with a passphrase: it goes offline")),
    "intermediate-cert.pem": Text(N_("the intermediate's certificate, signed by the root")),
    "intermediate-key.pem": Text(N_("the intermediate's key: it signs the leaves")),
    "server-key.pem": Text(N_("the server's key: it signs the server's CertificateVerify")),
    "server-cert.pem": Text(N_("the server's certificate, signed by the intermediate")),
    "server-chain.pem": Text(N_("the server's chain file: its certificate, then the intermediate's")),
    "client-key.pem": Text(N_("the client's key: it signs the client's CertificateVerify")),
    "client-cert.pem": Text(N_("the client's certificate, signed by the intermediate")),
    "client-chain.pem": Text(N_("the client's chain file: its certificate, then the intermediate's")),
}
_ROLES = ("server", "client")


@dataclass(frozen=True)
class Hierarchy:
    """A root, an intermediate CA it signed, and a server and a client the intermediate signed.

    ``root`` is None when the hierarchy was loaded without the root's
    passphrase: its certificate (``root_certificate``) is all anyone needs
    to verify, and the intermediate alone issues new leaves.
    """

    root_certificate: x509.Certificate
    intermediate: CertificateAuthority = field(repr=False)
    server_key: PrivateKey = field(repr=False)
    server_certificate: x509.Certificate
    client_key: PrivateKey = field(repr=False)
    client_certificate: x509.Certificate
    root: Optional[CertificateAuthority] = field(default=None, repr=False)

    def chain(self, role: str) -> tuple[x509.Certificate, x509.Certificate]:
        """What ``role`` ('server' or 'client') sends in the handshake: its certificate, then the intermediate's."""
        _check_role(role)
        return getattr(self, f"{role}_certificate"), self.intermediate.certificate

    def party(self, role: str, *, full_chain: bool = True) -> Party:
        """``role``'s side of a handshake: its chain (or its certificate alone), its key, trusting the root only."""
        chain = self.chain(role) if full_chain else self.chain(role)[:1]
        return Party(chain, getattr(self, f"{role}_key"), (self.root_certificate,))

    def save(self, directory: Union[str, Path], *, root_passphrase: Union[str, bytes], overwrite: bool = False) -> list[Path]:
        """Write :data:`HIERARCHY_FILES` into ``directory``: keys 0600, the root's key encrypted.

        Without ``overwrite`` nothing is written if any of the files exists; the
        set is written all or nothing (:func:`~pkilesson.pki.workspace.write_files`).
        """
        if self.root is None:
            raise PkiLessonError(_("This hierarchy was loaded without the root's key: it cannot be saved whole."),
                                 _("save the hierarchy that make_hierarchy() returned."))
        folder = Path(directory)
        files = {
            "root-cert.pem": certificate_to_pem(self.root_certificate),
            "root-key.pem": private_key_to_pem(self.root.key, root_passphrase),
            "intermediate-cert.pem": certificate_to_pem(self.intermediate.certificate),
            "intermediate-key.pem": private_key_to_pem(self.intermediate.key),
        }
        for role in _ROLES:
            files[f"{role}-key.pem"] = private_key_to_pem(getattr(self, f"{role}_key"))
            files[f"{role}-cert.pem"] = certificate_to_pem(getattr(self, f"{role}_certificate"))
            files[f"{role}-chain.pem"] = b"".join(certificate_to_pem(c) for c in self.chain(role))
        # All or nothing, under the folder's lock; the folder made 0700 (it holds keys), whatever the umask.
        return write_files(folder, files, private=[name for name in files if name.endswith("-key.pem")],
                           overwrite=overwrite)


def _check_hierarchy(hierarchy) -> None:
    if not isinstance(hierarchy, Hierarchy):
        raise argument_error("hierarchy", N_("a Hierarchy"), hierarchy,
                             _("pass make_hierarchy() or load_hierarchy('folder')."))


#: What a party can send or trust in :func:`~pkilesson.tls.chains.chain_handshake`.
CHAIN_PARTS = ("intermediate", "root")


def _check_parts(parts, parameter: str) -> None:
    if isinstance(parts, str) or not isinstance(parts, (tuple, list)):
        raise argument_error(parameter, f"a tuple of parts, from {CHAIN_PARTS}", parts)


def _check_role(role: str) -> None:
    if not isinstance(role, str) or role not in _ROLES:
        raise PkiLessonError(_("Unknown role {role!r}.").format(role=role), _("use 'server' or 'client'."))


def make_hierarchy(
    *,
    key_type: str = "p256",
    root_name: str = ROOT_NAME,
    intermediate_name: str = INTERMEDIATE_NAME,
    server_names: tuple[str, ...] = ("localhost", "127.0.0.1"),
    client_name: str = "client.localhost",
    now: Optional[dt.datetime] = None,
) -> Hierarchy:
    """Root → intermediate (``INTERMEDIATE_CA``, pathLen 0) → a server and a client, all in memory.

    The root lasts 10 years, the intermediate 5, the leaves 1 (each ends
    inside its issuer's validity). EC P-256 keys by default: any key type
    works, P-256 is quick to make.
    """
    now = resolve_now(now)
    if isinstance(server_names, str) or not isinstance(server_names, (tuple, list)) or not server_names:
        raise argument_error("server_names", N_("a non-empty tuple of names such as ('localhost', '127.0.0.1')"),
                             server_names)
    if not isinstance(server_names[0], str):
        raise argument_error("server_names", N_("a tuple of names (str)"), server_names[0])
    root = CertificateAuthority.create(root_name, key_type=key_type, now=now)
    inter_key = generate_key(key_type)
    intermediate = CertificateAuthority(
        inter_key, root.issue(create_csr(inter_key, intermediate_name), INTERMEDIATE_CA, now=now))
    server_key, client_key = generate_key(key_type), generate_key(key_type)
    organization = "/C=FR/O=pkilesson"
    server = intermediate.issue(create_csr(server_key, f"{organization}/CN={server_names[0]}", list(server_names)),
                                SERVER, now=now)
    client = intermediate.issue(create_csr(client_key, f"{organization}/CN={client_name}", [client_name]), CLIENT,
                                now=now)
    return Hierarchy(root.certificate, intermediate, server_key, server, client_key, client, root)


def load_hierarchy(directory: Union[str, Path], *, root_passphrase: Union[str, bytes, None] = None) -> Hierarchy:
    """Read the files :meth:`Hierarchy.save` wrote. The root's key is read only with ``root_passphrase``.

    Without it, ``root`` is None: the root's key stays where it is (offline),
    and everything else works.
    """
    from .workspace import _as_path, _lstat

    folder = _as_path(directory, "directory")
    missing = [name for name in HIERARCHY_FILES if _lstat(folder / name) is None]
    if missing:
        raise WorkspaceError(_("{folder}/ lacks {names}.").format(folder=folder, names=", ".join(missing)),
                             _("make the files again: make_hierarchy().save(folder, root_passphrase=...)."))
    root_certificate = load_certificate(folder / "root-cert.pem")
    intermediate = CertificateAuthority(load_private_key(folder / "intermediate-key.pem"),
                                        load_certificate(folder / "intermediate-cert.pem"))
    root = None
    if root_passphrase is not None:
        root = CertificateAuthority(load_private_key(folder / "root-key.pem", root_passphrase), root_certificate)
    parts = {}
    for role in _ROLES:
        chain = load_certificates(folder / f"{role}-chain.pem")
        if chain[0] != load_certificate(folder / f"{role}-cert.pem"):
            raise WorkspaceError(_("{chain} does not start with {certificate}.").format(
                chain=f"{folder}/{role}-chain.pem", certificate=f"{role}-cert.pem"),
                _("write the chain file again: the certificate first, then the intermediate's."))
        parts[role] = (load_private_key(folder / f"{role}-key.pem"), chain[0])
    return Hierarchy(root_certificate, intermediate, *parts["server"], *parts["client"], root)
