"""Keep and resume a learner's work: a workspace and their notebooks in one zip file, and back.

A Binder session is ephemeral: after some idle minutes the learner's
``lab/`` folder (keys, certificates, CRLs) and their notebooks are gone.
:func:`pack` puts them in one zip archive (``pkilesson pack lab -o
lab.zip``, or the Download button of :mod:`pkilesson.lessons.keepwork`);
:func:`unpack` puts them back (``pkilesson unpack lab.zip lab``, or the
Restore button).

**What is packed.** The workspace folder, whole: every regular file and
folder under it (the subfolders lessons 03 to 06 make, such as
``lab/intermediate/``), private keys included, with their modes; and the
learner's **answers**, which live in their notebooks: the exercises' cells
where they replaced ``None`` by their answer, with the checks' verdicts in
the outputs. So the notebooks (``*.ipynb`` of one folder, by default the
one holding the workspace, as the lessons keep ``lab/`` beside them) are
packed as they were last saved, outputs included. Links, FIFOs, sockets and
devices are left out and listed; so are pkilesson's own leftovers of an
interrupted write.

**The archive.** ``lab/...`` holds the workspace, ``notebooks/NAME.ipynb``
the notebooks, and ``pkilesson-pack.json`` the manifest: every file's name,
mode, size and SHA-256, and which hold a private key. The archive holds
private keys: it is written with mode 0600, and whoever has it can sign as
the learner's CA (:attr:`Packed.warning` says so).

**Unpacking refuses, before writing anything:** a file that is not a zip
archive or has no manifest, a name that climbs out (``../x``), is absolute
(``/etc/x``, ``C:x``), holds a backslash or a NUL, or lies outside ``lab/``
and ``notebooks/``; a symbolic link, a device, a FIFO or a socket entry; an
encrypted entry; two entries of one name; a file whose size or SHA-256 is
not the manifest's; more than :data:`MAX_MEMBERS` entries, an archive over
:data:`MAX_ARCHIVE_BYTES` or contents over :data:`MAX_CONTENT_BYTES` once
decompressed (a zip bomb declares sizes it cannot keep: nothing is read
beyond the sizes declared). It never overwrites: the workspace folder must
be new or empty, and no notebook may exist where it would go. It writes all
or nothing: the workspace is made in a temporary folder beside its place
and renamed into place in one step, the notebooks as one set
(:func:`pkilesson.pki.workspace.write_files`, under the folder's lock). Private
keys come back 0600, other files as they were (never more than 0644), every
folder 0700.

Unpacking lives in :mod:`pkilesson.pki._unpack`, the archive's names,
limits and result types in :mod:`pkilesson.pki._packformat`; the public
names of both are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import stat
import zipfile
from pathlib import Path
from typing import Union

from ._packformat import (MANIFEST, MAX_ARCHIVE_BYTES, MAX_CONTENT_BYTES, MAX_MEMBERS, _FORMAT, _LAB, _LEFTOVERS,
                          _MAX_DEPTH, _NOTEBOOKS, _PRIVATE_MARK, _SKIPPED_FOLDERS, _VERSION, PackError, Packed,
                          Unpacked, _as_folder)
from .._catalog import N_, _
from ._unpack import unpack
from .pem import os_problem

__all__ = ["MANIFEST", "MAX_ARCHIVE_BYTES", "MAX_CONTENT_BYTES", "MAX_MEMBERS", "Packed", "Unpacked", "pack",
           "unpack", "write_pack"]


# -- packing ------------------------------------------------------------------------------------------------


def _read(path: Path) -> tuple[bytes, int]:
    """A regular file's bytes and mode, opened without following a link (nothing else is read)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise PackError(*os_problem(exc, path, N_("read"))) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PackError(_("{path} changed while it was read.").format(path=path), _("run again."))
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_CONTENT_BYTES:
                raise PackError(_("{path} is larger than {size} MB.").format(
                    path=path, size=MAX_CONTENT_BYTES // (1024 * 1024)),
                                _("move it out of the workspace: an archive to download must stay small."))
            chunks.append(chunk)
        return b"".join(chunks), stat.S_IMODE(info.st_mode)
    except OSError as exc:
        raise PackError(*os_problem(exc, path, N_("read"))) from None
    finally:
        os.close(fd)


def _leftover(name: str) -> bool:
    return name == _LEFTOVERS[0] or (name.startswith(".") and name.endswith(_LEFTOVERS[1:]))


def _walk(folder: Path, inside: str, files: dict, folders: list, skipped: list, depth: int = 0) -> None:
    """Every regular file and folder under ``folder``, read under its lock (one writer at a time)."""
    from .pem import file_kind
    from .workspace import locked

    if depth > _MAX_DEPTH:
        raise PackError(_("{folder} is more than {depth} folders deep.").format(folder=folder, depth=_MAX_DEPTH),
                        _("pack the workspace folder itself."))
    with locked(folder):
        try:
            names = sorted(os.listdir(folder))
        except OSError as exc:
            raise PackError(*os_problem(exc, folder, N_("list"))) from None
        for name in names:
            path = folder / name
            shown = f"{inside}{name}"
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise PackError(*os_problem(exc, path, N_("look at"))) from None
            if stat.S_ISDIR(info.st_mode):
                if name in _SKIPPED_FOLDERS:
                    skipped.append(_("{name}/ (Jupyter's or Python's own copies)").format(name=shown))
                    continue
                folders.append(shown)
                _walk(path, shown + "/", files, folders, skipped, depth + 1)
            elif stat.S_ISREG(info.st_mode):
                if _leftover(name):
                    skipped.append(_("{name} (left by an interrupted write)").format(name=shown))
                    continue
                files[shown] = _read(path)
            else:
                skipped.append(_("{name} ({kind}: only regular files and folders are packed)").format(
                    name=shown, kind=file_kind(info.st_mode)))


def _notebooks(folder: Path, skipped: list) -> dict:
    """The ``*.ipynb`` regular files of ``folder`` (not its subfolders), by name."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise PackError(*os_problem(exc, folder, N_("list the notebooks of"))) from None
    found = {}
    for name in names:
        if not name.endswith(".ipynb"):
            continue
        info = os.lstat(folder / name)
        if not stat.S_ISREG(info.st_mode):
            skipped.append(_("{name} (not a regular file)").format(name=name))
            continue
        found[name] = _read(folder / name)
    return found


def _zip_info(name: str, mode: int, folder: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])
    info.create_system = 3  # Unix: the mode below is meaningful
    info.external_attr = ((stat.S_IFDIR if folder else stat.S_IFREG) | mode) << 16
    if folder:
        info.external_attr |= 0x10  # MS-DOS directory flag
    else:
        info.compress_type = zipfile.ZIP_DEFLATED
    return info


def pack(directory: Union[str, os.PathLike], *, notebooks: Union[str, os.PathLike, None, bool] = None) -> Packed:
    """The workspace ``directory`` and the notebooks beside it, as a zip archive in memory.

    ``notebooks``: the folder whose ``*.ipynb`` are packed (default: the one
    holding ``directory``, where the lessons keep ``lab/``); False packs none.
    Raises :class:`~pkilesson.errors.WorkspaceError` when the folder is not
    there, nothing is to be packed, or the whole is too large.
    """
    directory = _as_folder(directory, N_("workspace folder"))
    try:
        info = os.stat(directory)
    except FileNotFoundError:
        raise PackError(_("There is no folder {folder} to pack.").format(folder=directory),
                        _("give the workspace folder, e.g. lab (the lessons make it beside the notebooks).")
                        ) from None
    except OSError as exc:
        raise PackError(*os_problem(exc, directory, N_("open the folder"))) from None
    if not stat.S_ISDIR(info.st_mode):
        raise PackError(_("{folder} is a file, not a folder.").format(folder=directory),
                        _("give the workspace folder, e.g. lab."))
    files: dict = {}
    folders: list = []
    skipped: list = []
    _walk(directory, "", files, folders, skipped)
    books: dict = {}
    if notebooks is not False:
        where = directory.absolute().parent if notebooks in (None, True) else \
            _as_folder(notebooks, N_("notebooks folder"))
        books = _notebooks(where, skipped)
    if not files and not books:
        raise PackError(_("{folder} holds no file, and there is no notebook beside it: there is nothing to pack."
                          ).format(folder=directory),
                        _("run a lesson first (it writes its files into lab/), then pack."))
    total = sum(len(data) for data, _mode in [*files.values(), *books.values()])
    if total > MAX_CONTENT_BYTES:
        raise PackError(_("The workspace and notebooks hold {size} MB, more than the {most} MB an archive may hold."
                          ).format(size=total // (1024 * 1024), most=MAX_CONTENT_BYTES // (1024 * 1024)),
                        _("move large files out of the workspace, or clear the notebooks' outputs (Edit > Clear "
                          "Outputs of All Cells), save, then pack."))
    keys = tuple(name for name, (data, _mode) in files.items() if _PRIVATE_MARK in data)
    entries = [{"name": _LAB + name, "mode": f"{mode:04o}", "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(), "private_key": name in keys}
               for name, (data, mode) in files.items()]
    entries += [{"name": _NOTEBOOKS + name, "mode": f"{mode:04o}", "size": len(data),
                 "sha256": hashlib.sha256(data).hexdigest(), "private_key": False}
                for name, (data, mode) in books.items()]
    from .._version import __version__

    manifest = {"format": _FORMAT, "version": _VERSION, "pkilesson": __version__,
                "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "workspace": directory.absolute().name, "folders": [_LAB + f for f in folders], "files": entries}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_zip_info(MANIFEST, 0o644), json.dumps(manifest, indent=1).encode())
        for folder in folders:
            archive.writestr(_zip_info(f"{_LAB}{folder}/", 0o700, folder=True), b"")
        for name, (data, mode) in files.items():
            archive.writestr(_zip_info(_LAB + name, mode & 0o777), data)
        for name, (data, mode) in books.items():
            archive.writestr(_zip_info(_NOTEBOOKS + name, mode & 0o777), data)
    data = buffer.getvalue()
    if len(data) > MAX_ARCHIVE_BYTES:
        raise PackError(_("The archive would be {size} MB, more than {most} MB.").format(
            size=len(data) // (1024 * 1024), most=MAX_ARCHIVE_BYTES // (1024 * 1024)),
            _("clear the notebooks' outputs (Edit > Clear Outputs of All Cells), save, then pack."))
    return Packed(data, tuple(files), keys, tuple(books), tuple(skipped))


def write_pack(directory: Union[str, os.PathLike], output: Union[str, os.PathLike], *,
               notebooks: Union[str, os.PathLike, None, bool] = None, overwrite: bool = False) -> Packed:
    """:func:`pack`, written to ``output`` with mode 0600 (it holds keys); never replaced without ``overwrite``."""
    from .workspace import write_file

    directory = _as_folder(directory, N_("workspace folder"))
    output = _as_folder(output, N_("archive's path"))
    try:
        inside = output.absolute().resolve().is_relative_to(directory.absolute().resolve())
    except OSError:
        inside = False
    if inside:
        raise PackError(_("{output} is inside the folder being packed, {folder}.").format(
            output=output, folder=directory),
            _("write the archive beside it, e.g. -o {name}.").format(name=f"{directory.absolute().name}.zip"))
    packed = pack(directory, notebooks=notebooks)
    write_file(output, packed.data, private=True, overwrite=overwrite)
    return packed

