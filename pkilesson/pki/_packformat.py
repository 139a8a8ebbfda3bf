"""The pack archive's format: its names, its limits, its error, and what :func:`pack` and :func:`unpack` return.

Shared by the packing side (:mod:`pkilesson.pki.pack`, which re-exports the
public names) and the unpacking side (:mod:`pkilesson.pki._unpack`): the
manifest's name and format version, the ``lab/`` and ``notebooks/`` folders
of the archive, the size limits, :class:`PackError`, :class:`Packed` and
:class:`Unpacked`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .._catalog import N_, _, ngettext, tr
from ..errors import WorkspaceError, argument_error

#: The manifest's name in the archive.
MANIFEST = "pkilesson-pack.json"
_FORMAT = "pkilesson-pack"
_VERSION = 1
_LAB = "lab/"
_NOTEBOOKS = "notebooks/"
#: The most entries an archive may hold.
MAX_MEMBERS = 2000
#: The largest archive accepted (and written).
MAX_ARCHIVE_BYTES = 32 * 1024 * 1024
#: The most bytes an archive's files may hold once decompressed, all together.
MAX_CONTENT_BYTES = 64 * 1024 * 1024
_MAX_NAME = 255
_MAX_PATH = 1024
_MAX_DEPTH = 16
_PRIVATE_MARK = b"PRIVATE KEY-----"
#: Names pkilesson's own writes leave only when interrupted (pkilesson.pki.workspace), never packed.
_LEFTOVERS = (".pkilesson-journal", ".pkilesson-tmp", ".pkilesson-old")
_SKIPPED_FOLDERS = (".ipynb_checkpoints", "__pycache__")


class PackError(WorkspaceError):
    """An archive cannot be made or restored: what is wrong, and how to fix it."""


@dataclass(frozen=True)
class Packed:
    """An archive made by :func:`pack`.

    Attributes:
        data: the zip archive's bytes.
        files: the workspace's files, as paths inside it (``ca-key.pem``, ``intermediate/root-cert.pem``).
        keys: those holding a private key.
        notebooks: the notebooks' names.
        skipped: what was left out, each with why.
    """

    data: bytes
    files: tuple[str, ...]
    keys: tuple[str, ...]
    notebooks: tuple[str, ...]
    skipped: tuple[str, ...] = ()

    @property
    def warning(self) -> str:
        """What the learner must know about the keys inside ("" when there is none)."""
        if not self.keys:
            return ""
        return ngettext("the archive holds {count} private key ({names}): whoever has it can sign certificates as "
                        "your CA and pass as your server or client; keep it to yourself, and delete it when you no "
                        "longer need it",
                        "the archive holds {count} private keys ({names}): whoever has it can sign certificates as "
                        "your CA and pass as your server or client; keep it to yourself, and delete it when you no "
                        "longer need it", len(self.keys)).format(count=len(self.keys), names=", ".join(self.keys))

    def __str__(self) -> str:
        # Translators: the thousands separator of a size in bytes (10,652 bytes).
        size = f"{len(self.data):,}".replace(",", _(","))
        lines = [_("{files} workspace file(s) ({keys} private key(s)), {notebooks} notebook(s), {size} bytes").format(
            files=len(self.files), keys=len(self.keys), notebooks=len(self.notebooks), size=size)]
        lines += ["  " + _("left out: {why}").format(why=why) for why in self.skipped]
        return "\n".join(lines)


@dataclass(frozen=True)
class Unpacked:
    """What :func:`unpack` restored: the workspace's folder and files, the keys among them, the notebooks."""

    directory: Path
    files: tuple[Path, ...]
    keys: tuple[Path, ...]
    notebooks: tuple[Path, ...]

    def __str__(self) -> str:
        lines = [_("restored {files} file(s) into {folder}/ ({keys} private key(s), mode 0600; folders 0700)").format(
            files=len(self.files), folder=self.directory, keys=len(self.keys))]
        if self.notebooks:
            lines.append(_("restored {count} notebook(s): {names}").format(
                count=len(self.notebooks), names=", ".join(str(p) for p in self.notebooks)))
        return "\n".join(lines)


def _as_folder(value: object, parameter: str) -> Path:
    if not isinstance(value, (str, os.PathLike)) or isinstance(value, bytes):
        raise argument_error(parameter, N_("a folder's path (a str or a pathlib.Path)"), value)
    if isinstance(value, str) and not value.strip():
        raise PackError(_("The {parameter} is empty.").format(parameter=tr(parameter)), _("name a folder, e.g. lab."))
    return Path(value)
