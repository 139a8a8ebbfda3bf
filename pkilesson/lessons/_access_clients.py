"""Lesson 07's clients besides the workspace's own: a second client of the same CA, and a client of another CA."""

from __future__ import annotations

from pathlib import Path
from typing import Union

from .._catalog import _
from ..errors import WorkspaceError
from ..pki.workspace import Workspace

__all__ = ["SECOND", "OTHER", "make_other_ca_client", "make_second_client"]

#: The folders, inside the workspace, of the second client of the same CA and of the client of another CA.
SECOND, OTHER = "second-client", "other-ca-client"


def _folder(directory: Path, name: str, fix: str) -> Path:
    folder = directory / name
    if not (folder / "client-cert.pem").is_file() or not (folder / "client-key.pem").is_file():
        raise WorkspaceError(_("{folder}/ does not hold client-cert.pem and client-key.pem.").format(folder=folder), fix)
    return folder


def _second(directory: Path) -> Path:
    return _folder(directory, SECOND, _("make the second client first (lesson 07 shows how) in {folder}/.").format(
        folder=directory / SECOND))


def _other(directory: Path) -> Path:
    return _folder(directory, OTHER, _("make it first: make_other_ca_client({folder!r}).").format(folder=str(directory)))


def make_other_ca_client(directory: Union[str, Path] = "lab") -> str:
    """A correct client certificate (and its key) signed by *another* CA, written to ``DIR/other-ca-client/``.

    ``mallory.localhost`` of *Elsewhere*, from a new CA named *Other CA*
    (:func:`pkilesson.lessons.scenarios.other_ca_client`): nothing is wrong with it
    but its issuer. Returns what was written.
    """
    from .scenarios import other_ca_client
    from ..pki.artifacts import load_artifacts

    directory = Path(directory)
    stranger = other_ca_client(load_artifacts(directory))
    written = Workspace(directory / OTHER).save_files({("client", "key"): stranger.key,
                                                       ("client", "cert"): stranger.chain[0]}, overwrite=True)
    issuer = stranger.chain[0].issuer.rfc4514_string()
    return _("Wrote {files} in {folder}/ (issued by {issuer}).").format(
        files=", ".join(p.name for p in written), folder=directory / OTHER, issuer=issuer)


def make_second_client(directory: Union[str, Path] = "lab") -> str:
    """A second client certificate of the workspace's own CA, ``second.localhost``, written to ``DIR/second-client/``.

    What lesson 07 makes step by step in its cells (a new key, a CSR, the CA's
    signature with :data:`~pkilesson.pki.profiles.CLIENT`), for the recordings and
    the tests. Returns what was written.
    """
    from ..pki.csr import create_csr
    from ..pki.keys import generate_key
    from ..pki.profiles import CLIENT

    directory = Path(directory)
    ca = Workspace(directory).load_authority()
    key = generate_key("p256")
    csr = create_csr(key, "/C=FR/O=pkilesson/CN=second.localhost", ["second.localhost"])
    written = Workspace(directory / SECOND).save_files({("client", "key"): key, ("client", "req"): csr,
                                                        ("client", "cert"): ca.issue(csr, CLIENT)})
    return _("Wrote {files} in {folder}/.").format(files=", ".join(p.name for p in written), folder=directory / SECOND)
