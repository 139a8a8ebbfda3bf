"""Restoring a pack archive: every name, kind, size and checksum checked first, then all or nothing.

The unpacking side of :mod:`pkilesson.pki.pack` (which re-exports
:func:`unpack`; its documentation lists what is refused): the archive is
opened and its entries checked against the manifest before anything is
written; the workspace is made in a temporary folder beside its place and
renamed into place in one step, the notebooks written as one set.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path
from typing import Optional, Union

from .._catalog import N_, _
from ..errors import argument_error
from ._packformat import (MANIFEST, MAX_ARCHIVE_BYTES, MAX_CONTENT_BYTES, MAX_MEMBERS, _FORMAT, _LAB, _MAX_DEPTH,
                          _MAX_NAME, _MAX_PATH, _NOTEBOOKS, _PRIVATE_MARK, _VERSION, PackError, Unpacked, _as_folder)
from .pem import os_problem, read_regular_file

def _refuse(problem: str, fix: str = "") -> None:
    fix = fix or _("make the archive again with pkilesson pack (or the Download my lab button).")
    raise PackError(_("{problem} Nothing was written.").format(problem=problem), fix)


def _check_name(name: str) -> None:
    """Refuse a name that could land anywhere but under the target folders."""
    shown = name if len(name) <= 80 else name[:77] + "..."
    if "\0" in name or "\\" in name:
        _refuse(_("The archive names a file {name!r} holding a NUL or a backslash.").format(name=shown))
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        _refuse(_("The archive names an absolute path, {name!r}: unpacking it would write outside the folder.").format(
            name=shown))
    if len(name) > _MAX_PATH:
        _refuse(_("The archive names a path of {length} characters.").format(length=len(name)))
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        _refuse(_("The archive names {name!r}, which climbs out of the folder or is empty: unpacking it would write "
                  "outside the folder.").format(name=shown))
    if any(len(part.encode("utf-8", "surrogateescape")) > _MAX_NAME for part in parts) or len(parts) > _MAX_DEPTH + 2:
        _refuse(_("The archive names {name!r}: a name too long or too deep.").format(name=shown))


def _kind(info: zipfile.ZipInfo) -> Optional[int]:
    """The entry's file type bits, when the archive says (made on Unix)."""
    mode = info.external_attr >> 16
    return stat.S_IFMT(mode) if info.create_system == 3 and mode else None


def _entries(archive: zipfile.ZipFile) -> tuple[dict, list, dict]:
    """(the manifest, the folder entries, the file entries by name), every name and kind checked."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        _refuse(_("The archive holds {count} entries, more than {most}.").format(count=len(infos), most=MAX_MEMBERS))
    seen, folders, files = set(), [], {}
    declared = 0
    for info in infos:
        name = info.filename
        _check_name(name)
        if name in seen or name.rstrip("/") in seen:
            _refuse(_("The archive holds two entries named {name!r}.").format(name=name))
        seen.add(name.rstrip("/"))
        if info.flag_bits & 0x1:
            _refuse(_("The archive's entry {name!r} is encrypted.").format(name=name))
        kind = _kind(info)
        if kind == stat.S_IFLNK:
            _refuse(_("The archive's entry {name!r} is a symbolic link: unpacking it could write or point outside the "
                      "folder.").format(name=name))
        if kind not in (None, stat.S_IFREG, stat.S_IFDIR):
            _refuse(_("The archive's entry {name!r} is a device, FIFO or socket, not a file.").format(name=name))
        folder = info.is_dir() or kind == stat.S_IFDIR
        if name == MANIFEST:
            if folder:
                _refuse(_("The archive's {manifest} is a folder.").format(manifest=MANIFEST))
        elif name.startswith(_LAB) and name != _LAB:
            if folder:
                folders.append(name.rstrip("/")[len(_LAB):])
                continue
        elif name.startswith(_NOTEBOOKS) and not folder and "/" not in name[len(_NOTEBOOKS):] \
                and name.endswith(".ipynb"):
            pass
        elif name in (_LAB, _NOTEBOOKS) and folder:
            continue
        else:
            _refuse(_("The archive holds {name!r}, outside lab/ and notebooks/: it was not made by pkilesson pack."
                      ).format(name=name))
        declared += info.file_size
        if declared > MAX_CONTENT_BYTES:
            _refuse(_("The archive's files would take more than {size} MB once decompressed (a zip bomb, or not a "
                      "learner's workspace).").format(size=MAX_CONTENT_BYTES // (1024 * 1024)))
        files[name] = info
    if MANIFEST not in files:
        _refuse(_("The archive has no {manifest}: it was not made by pkilesson pack.").format(manifest=MANIFEST))
    manifest_info = files.pop(MANIFEST)
    if manifest_info.file_size > 4 * 1024 * 1024:
        _refuse(_("The archive's {manifest} is too large.").format(manifest=MANIFEST))
    try:
        manifest = json.loads(_member(archive, manifest_info))
        assert manifest["format"] == _FORMAT and isinstance(manifest["files"], list)
        listed = {entry["name"]: entry for entry in manifest["files"]}
        for entry in listed.values():
            assert isinstance(entry["sha256"], str) and isinstance(entry["size"], int) \
                and isinstance(entry["private_key"], bool)
            int(entry["mode"], 8)
    except (ValueError, KeyError, TypeError, AssertionError, AttributeError):
        _refuse(_("The archive's {manifest} is damaged or not pkilesson's.").format(manifest=MANIFEST))
    if manifest.get("version") != _VERSION:
        _refuse(_("The archive was made by a pkilesson whose format is {version!r}, not {ours}.").format(
            version=manifest.get("version"), ours=_VERSION), _("unpack it with the pkilesson that made it."))
    if set(listed) != set(files):
        odd = sorted(set(listed) ^ set(files))
        _refuse(_("The archive's files and its manifest differ ({names}).").format(names=", ".join(odd[:5])))
    return listed, folders, files


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, never more than it declares (zipfile stops there; its CRC is checked at the end)."""
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        _refuse(_("The archive's entry {name!r} cannot be read: {reason}.").format(name=info.filename, reason=exc))
    if len(data) != info.file_size:
        _refuse(_("The archive's entry {name!r} holds {size} bytes, not the {declared} it declares.").format(
            name=info.filename, size=len(data), declared=info.file_size))
    return data


def _open(archive: Union[bytes, bytearray, memoryview, str, os.PathLike]) -> zipfile.ZipFile:
    if isinstance(archive, (bytes, bytearray, memoryview)):
        data = bytes(archive)
        where = _("The uploaded file")
    elif isinstance(archive, (str, os.PathLike)):
        data = read_regular_file(archive, N_("a pkilesson archive"), PackError)
        where = str(archive)
    else:
        raise argument_error("archive", N_("the archive's path, or its bytes"), archive)
    if len(data) > MAX_ARCHIVE_BYTES:
        _refuse(_("{where} is {size} MB, more than the {most} MB an archive of pkilesson may be.").format(
            where=where, size=len(data) // (1024 * 1024), most=MAX_ARCHIVE_BYTES // (1024 * 1024)),
            _("give the archive made by pkilesson pack (or Download my lab)."))
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        _refuse(_("{where} is not a zip archive.").format(where=where),
                _("give the .zip file made by pkilesson pack (or Download my lab)."))


def _target_free(directory: Path) -> None:
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise PackError(*os_problem(exc, directory, N_("look at"))) from None
    if not stat.S_ISDIR(info.st_mode):
        _refuse(_("{folder} exists and is not a folder.").format(folder=directory),
                _("unpack into a new folder's name."))
    try:
        there = sorted(os.listdir(directory))
    except OSError as exc:
        raise PackError(*os_problem(exc, directory, N_("list"))) from None
    if there:
        shown = ", ".join(there[:4]) + (", ..." if len(there) > 4 else "")
        _refuse(_("{folder} already holds files ({names}): unpacking never overwrites.").format(folder=directory,
                                                                                              names=shown),
                _("unpack into a new folder (e.g. restored/{name}, its notebooks then going into restored/), or move "
                  "{folder} away first.").format(name=directory.name, folder=directory))


def _restored_mode(entry: dict, data: bytes) -> int:
    """0600 for a private key (whatever the archive says), else the packed mode, never more than 0644."""
    if entry["private_key"] or _PRIVATE_MARK in data:
        return 0o600
    return int(entry["mode"], 8) & 0o644 or 0o600


def unpack(archive: Union[bytes, bytearray, memoryview, str, os.PathLike], directory: Union[str, os.PathLike], *,
           notebooks: Union[str, os.PathLike, None] = None) -> Unpacked:
    """Restore an archive of :func:`pack`: the workspace into ``directory``, the notebooks into ``notebooks``.

    ``archive``: the archive's path or its bytes. ``directory`` must not
    exist, or be an empty folder; ``notebooks`` (default: the folder holding
    ``directory``) must not hold a notebook of the same name. Everything is
    checked before anything is written (see the module's documentation);
    then the whole is written, or nothing.
    """
    directory = _as_folder(directory, N_("workspace folder"))
    if notebooks is not None:
        books_folder = _as_folder(notebooks, N_("notebooks folder"))
    else:  # beside the workspace, where the lessons keep lab/
        books_folder = directory.parent if directory.name not in ("", "..") else directory.absolute().parent
    with _open(archive) as zipped:
        listed, folders, infos = _entries(zipped)
        contents = {}
        for name, info in infos.items():
            data = _member(zipped, info)
            entry = listed[name]
            if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
                _refuse(_("The archive's {name} is not the file its manifest describes (size or SHA-256 differ): the "
                          "archive is damaged or was changed.").format(name=name))
            contents[name] = data
    work = {name[len(_LAB):]: data for name, data in contents.items() if name.startswith(_LAB)}
    books = {name[len(_NOTEBOOKS):]: data for name, data in contents.items() if name.startswith(_NOTEBOOKS)}
    for name in work:  # every file's folder is a folder, never a file of the archive
        parts = name.split("/")
        for depth in range(1, len(parts)):
            if "/".join(parts[:depth]) in work:
                _refuse(_("The archive holds {name} both as a file and as a folder.").format(
                    name="/".join(parts[:depth])))
    _target_free(directory)
    taken = [name for name in books if os.path.lexists(books_folder / name)]
    if taken:
        _refuse(_("{folder} already holds {names}: unpacking never overwrites a notebook.").format(
            folder=books_folder, names=", ".join(taken)),
            _("unpack into a new folder, whose notebooks then sit beside its workspace (pkilesson unpack FILE "
              "NEW/lab), or choose where the notebooks go (--notebooks NEW-FOLDER)."))
    return _write(directory, books_folder, listed, folders, work, books)


def _write(directory: Path, books_folder: Path, listed: dict, folders: list, work: dict, books: dict) -> Unpacked:
    from ._atomic import _make_folder, _write_new, write_files

    parent = directory.absolute().parent
    made = _make_folder(parent)
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{directory.absolute().name}.", suffix=".unpacking", dir=parent))
    except OSError as exc:
        raise PackError(*os_problem(exc, parent, N_("create a folder in"))) from None
    written_books: list[Path] = []
    keys = []
    try:
        try:
            os.chmod(temp, 0o700)
            for folder in sorted(set(folders) | {str(Path(n).parent) for n in work if "/" in n}, key=len):
                (temp / folder).mkdir(mode=0o700, parents=True, exist_ok=True)
                os.chmod(temp / folder, 0o700)  # whatever the umask
            for name, data in work.items():
                mode = _restored_mode(listed[_LAB + name], data)
                _write_new(temp / name, data, mode=mode)
                if mode == 0o600 and _PRIVATE_MARK in data:
                    keys.append(directory / name)
        except OSError as exc:
            raise PackError(*os_problem(exc, parent, N_("write in"))) from None
        if books:
            written_books = write_files(books_folder, books, create=True)
        try:
            os.rename(temp, directory)  # one step; onto an empty folder too (refused if it filled meanwhile)
        except OSError as exc:
            _refuse(_("{folder} could not be put in place ({reason}); it may have been filled meanwhile.").format(
                folder=directory, reason=exc.strerror), _("unpack into a new folder."))
    except BaseException:
        for path in written_books:  # ours: written just above, as a set
            try:
                path.unlink()
            except OSError:
                pass
        shutil.rmtree(temp, ignore_errors=True)
        from ._atomic import _remove_folders

        _remove_folders(made)
        raise
    return Unpacked(directory, tuple(directory / name for name in work), tuple(keys), tuple(written_books))
