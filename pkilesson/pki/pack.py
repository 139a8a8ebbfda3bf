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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from ..errors import WorkspaceError, argument_error
from .pem import os_problem, read_regular_file

__all__ = ["MANIFEST", "MAX_ARCHIVE_BYTES", "MAX_CONTENT_BYTES", "MAX_MEMBERS", "Packed", "Unpacked", "pack",
           "unpack", "write_pack"]

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
        return (f"the archive holds {len(self.keys)} private key{'s' if len(self.keys) > 1 else ''} "
                f"({', '.join(self.keys)}): whoever has it can sign certificates as your CA and pass as your "
                "server or client; keep it to yourself, and delete it when you no longer need it")

    def __str__(self) -> str:
        lines = [f"{len(self.files)} workspace file(s) ({len(self.keys)} private key(s)), "
                 f"{len(self.notebooks)} notebook(s), {len(self.data):,} bytes"]
        lines += [f"  left out: {why}" for why in self.skipped]
        return "\n".join(lines)


@dataclass(frozen=True)
class Unpacked:
    """What :func:`unpack` restored: the workspace's folder and files, the keys among them, the notebooks."""

    directory: Path
    files: tuple[Path, ...]
    keys: tuple[Path, ...]
    notebooks: tuple[Path, ...]

    def __str__(self) -> str:
        lines = [f"restored {len(self.files)} file(s) into {self.directory}/ ({len(self.keys)} private key(s), "
                 "mode 0600; folders 0700)"]
        if self.notebooks:
            lines.append(f"restored {len(self.notebooks)} notebook(s): {', '.join(str(p) for p in self.notebooks)}")
        return "\n".join(lines)


# -- packing ------------------------------------------------------------------------------------------------


def _as_folder(value: object, parameter: str) -> Path:
    if not isinstance(value, (str, os.PathLike)) or isinstance(value, bytes):
        raise argument_error(parameter, "a folder's path (a str or a pathlib.Path)", value)
    if isinstance(value, str) and not value.strip():
        raise PackError(f"The {parameter} is empty.", "name a folder, e.g. lab.")
    return Path(value)


def _read(path: Path) -> tuple[bytes, int]:
    """A regular file's bytes and mode, opened without following a link (nothing else is read)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise PackError(*os_problem(exc, path, "read")) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PackError(f"{path} changed while it was read.", "run again.")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_CONTENT_BYTES:
                raise PackError(f"{path} is larger than {MAX_CONTENT_BYTES // (1024 * 1024)} MB.",
                                "move it out of the workspace: an archive to download must stay small.")
            chunks.append(chunk)
        return b"".join(chunks), stat.S_IMODE(info.st_mode)
    except OSError as exc:
        raise PackError(*os_problem(exc, path, "read")) from None
    finally:
        os.close(fd)


def _leftover(name: str) -> bool:
    return name == _LEFTOVERS[0] or (name.startswith(".") and name.endswith(_LEFTOVERS[1:]))


def _walk(folder: Path, inside: str, files: dict, folders: list, skipped: list, depth: int = 0) -> None:
    """Every regular file and folder under ``folder``, read under its lock (one writer at a time)."""
    from .pem import file_kind
    from .workspace import locked

    if depth > _MAX_DEPTH:
        raise PackError(f"{folder} is more than {_MAX_DEPTH} folders deep.", "pack the workspace folder itself.")
    with locked(folder):
        try:
            names = sorted(os.listdir(folder))
        except OSError as exc:
            raise PackError(*os_problem(exc, folder, "list")) from None
        for name in names:
            path = folder / name
            shown = f"{inside}{name}"
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise PackError(*os_problem(exc, path, "look at")) from None
            if stat.S_ISDIR(info.st_mode):
                if name in _SKIPPED_FOLDERS:
                    skipped.append(f"{shown}/ (Jupyter's or Python's own copies)")
                    continue
                folders.append(shown)
                _walk(path, shown + "/", files, folders, skipped, depth + 1)
            elif stat.S_ISREG(info.st_mode):
                if _leftover(name):
                    skipped.append(f"{shown} (left by an interrupted write)")
                    continue
                files[shown] = _read(path)
            else:
                skipped.append(f"{shown} ({file_kind(info.st_mode)}: only regular files and folders are packed)")


def _notebooks(folder: Path, skipped: list) -> dict:
    """The ``*.ipynb`` regular files of ``folder`` (not its subfolders), by name."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise PackError(*os_problem(exc, folder, "list the notebooks of")) from None
    found = {}
    for name in names:
        if not name.endswith(".ipynb"):
            continue
        info = os.lstat(folder / name)
        if not stat.S_ISREG(info.st_mode):
            skipped.append(f"{name} (not a regular file)")
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
    directory = _as_folder(directory, "workspace folder")
    try:
        info = os.stat(directory)
    except FileNotFoundError:
        raise PackError(f"There is no folder {directory} to pack.",
                        "give the workspace folder, e.g. lab (the lessons make it beside the notebooks).") from None
    except OSError as exc:
        raise PackError(*os_problem(exc, directory, "open the folder")) from None
    if not stat.S_ISDIR(info.st_mode):
        raise PackError(f"{directory} is a file, not a folder.", "give the workspace folder, e.g. lab.")
    files: dict = {}
    folders: list = []
    skipped: list = []
    _walk(directory, "", files, folders, skipped)
    books: dict = {}
    if notebooks is not False:
        where = directory.absolute().parent if notebooks in (None, True) else _as_folder(notebooks, "notebooks folder")
        books = _notebooks(where, skipped)
    if not files and not books:
        raise PackError(f"{directory} holds no file, and there is no notebook beside it: there is nothing to pack.",
                        "run a lesson first (it writes its files into lab/), then pack.")
    total = sum(len(data) for data, _ in files.values()) + sum(len(data) for data, _ in books.values())
    if total > MAX_CONTENT_BYTES:
        raise PackError(f"The workspace and notebooks hold {total // (1024 * 1024)} MB, more than the "
                        f"{MAX_CONTENT_BYTES // (1024 * 1024)} MB an archive may hold.",
                        "move large files out of the workspace, or clear the notebooks' outputs (Edit > Clear "
                        "Outputs of All Cells), save, then pack.")
    keys = tuple(name for name, (data, _) in files.items() if _PRIVATE_MARK in data)
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
        raise PackError(f"The archive would be {len(data) // (1024 * 1024)} MB, more than "
                        f"{MAX_ARCHIVE_BYTES // (1024 * 1024)} MB.",
                        "clear the notebooks' outputs (Edit > Clear Outputs of All Cells), save, then pack.")
    return Packed(data, tuple(files), keys, tuple(books), tuple(skipped))


def write_pack(directory: Union[str, os.PathLike], output: Union[str, os.PathLike], *,
               notebooks: Union[str, os.PathLike, None, bool] = None, overwrite: bool = False) -> Packed:
    """:func:`pack`, written to ``output`` with mode 0600 (it holds keys); never replaced without ``overwrite``."""
    from .workspace import write_file

    directory = _as_folder(directory, "workspace folder")
    output = _as_folder(output, "archive's path")
    try:
        inside = output.absolute().resolve().is_relative_to(directory.absolute().resolve())
    except OSError:
        inside = False
    if inside:
        raise PackError(f"{output} is inside the folder being packed, {directory}.",
                        f"write the archive beside it, e.g. -o {directory.absolute().name}.zip.")
    packed = pack(directory, notebooks=notebooks)
    write_file(output, packed.data, private=True, overwrite=overwrite)
    return packed


# -- unpacking ----------------------------------------------------------------------------------------------


def _refuse(problem: str, fix: str = "make the archive again with pkilesson pack (or the Download button).") -> None:
    raise PackError(f"{problem} Nothing was written.", fix)


def _check_name(name: str) -> None:
    """Refuse a name that could land anywhere but under the target folders."""
    shown = name if len(name) <= 80 else name[:77] + "..."
    if "\0" in name or "\\" in name:
        _refuse(f"The archive names a file {shown!r} holding a NUL or a backslash.")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        _refuse(f"The archive names an absolute path, {shown!r}: unpacking it would write outside the folder.")
    if len(name) > _MAX_PATH:
        _refuse(f"The archive names a path of {len(name)} characters.")
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        _refuse(f"The archive names {shown!r}, which climbs out of the folder or is empty: unpacking it would "
                "write outside the folder.")
    if any(len(part.encode("utf-8", "surrogateescape")) > _MAX_NAME for part in parts) or len(parts) > _MAX_DEPTH + 2:
        _refuse(f"The archive names {shown!r}: a name too long or too deep.")


def _kind(info: zipfile.ZipInfo) -> Optional[int]:
    """The entry's file type bits, when the archive says (made on Unix)."""
    mode = info.external_attr >> 16
    return stat.S_IFMT(mode) if info.create_system == 3 and mode else None


def _entries(archive: zipfile.ZipFile) -> tuple[dict, list, dict]:
    """(the manifest, the folder entries, the file entries by name), every name and kind checked."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        _refuse(f"The archive holds {len(infos)} entries, more than {MAX_MEMBERS}.")
    seen, folders, files = set(), [], {}
    declared = 0
    for info in infos:
        name = info.filename
        _check_name(name)
        if name in seen or name.rstrip("/") in seen:
            _refuse(f"The archive holds two entries named {name!r}.")
        seen.add(name.rstrip("/"))
        if info.flag_bits & 0x1:
            _refuse(f"The archive's entry {name!r} is encrypted.")
        kind = _kind(info)
        if kind == stat.S_IFLNK:
            _refuse(f"The archive's entry {name!r} is a symbolic link: unpacking it could write or point outside "
                    "the folder.")
        if kind not in (None, stat.S_IFREG, stat.S_IFDIR):
            _refuse(f"The archive's entry {name!r} is a device, FIFO or socket, not a file.")
        folder = info.is_dir() or kind == stat.S_IFDIR
        if name == MANIFEST:
            if folder:
                _refuse(f"The archive's {MANIFEST} is a folder.")
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
            _refuse(f"The archive holds {name!r}, outside lab/ and notebooks/: it was not made by pkilesson pack.")
        declared += info.file_size
        if declared > MAX_CONTENT_BYTES:
            _refuse(f"The archive's files would take more than {MAX_CONTENT_BYTES // (1024 * 1024)} MB once "
                    "decompressed (a zip bomb, or not a learner's workspace).")
        files[name] = info
    if MANIFEST not in files:
        _refuse(f"The archive has no {MANIFEST}: it was not made by pkilesson pack.")
    manifest_info = files.pop(MANIFEST)
    if manifest_info.file_size > 4 * 1024 * 1024:
        _refuse(f"The archive's {MANIFEST} is too large.")
    try:
        manifest = json.loads(_member(archive, manifest_info))
        assert manifest["format"] == _FORMAT and isinstance(manifest["files"], list)
        listed = {entry["name"]: entry for entry in manifest["files"]}
        for entry in listed.values():
            assert isinstance(entry["sha256"], str) and isinstance(entry["size"], int) \
                and isinstance(entry["private_key"], bool)
            int(entry["mode"], 8)
    except (ValueError, KeyError, TypeError, AssertionError, AttributeError):
        _refuse(f"The archive's {MANIFEST} is damaged or not pkilesson's.")
    if manifest.get("version") != _VERSION:
        _refuse(f"The archive was made by a pkilesson whose format is {manifest.get('version')!r}, not "
                f"{_VERSION}.", "unpack it with the pkilesson that made it.")
    if set(listed) != set(files):
        odd = sorted(set(listed) ^ set(files))
        _refuse(f"The archive's files and its manifest differ ({', '.join(odd[:5])}).")
    return listed, folders, files


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, never more than it declares (zipfile stops there; its CRC is checked at the end)."""
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        _refuse(f"The archive's entry {info.filename!r} cannot be read: {exc}.")
    if len(data) != info.file_size:
        _refuse(f"The archive's entry {info.filename!r} holds {len(data)} bytes, not the {info.file_size} it declares.")
    return data


def _open(archive: Union[bytes, bytearray, memoryview, str, os.PathLike]) -> zipfile.ZipFile:
    if isinstance(archive, (bytes, bytearray, memoryview)):
        data = bytes(archive)
        where = "The uploaded file"
    elif isinstance(archive, (str, os.PathLike)):
        data = read_regular_file(archive, "a pkilesson archive", PackError)
        where = str(archive)
    else:
        raise argument_error("archive", "the archive's path, or its bytes", archive)
    if len(data) > MAX_ARCHIVE_BYTES:
        _refuse(f"{where} is {len(data) // (1024 * 1024)} MB, more than the {MAX_ARCHIVE_BYTES // (1024 * 1024)} MB "
                "an archive of pkilesson may be.", "give the archive made by pkilesson pack (or Download).")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        _refuse(f"{where} is not a zip archive.", "give the .zip file made by pkilesson pack (or Download).")


def _target_free(directory: Path) -> None:
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise PackError(*os_problem(exc, directory, "look at")) from None
    if not stat.S_ISDIR(info.st_mode):
        _refuse(f"{directory} exists and is not a folder.", "unpack into a new folder's name.")
    try:
        there = sorted(os.listdir(directory))
    except OSError as exc:
        raise PackError(*os_problem(exc, directory, "list")) from None
    if there:
        shown = ", ".join(there[:4]) + (", ..." if len(there) > 4 else "")
        _refuse(f"{directory} already holds files ({shown}): unpacking never overwrites.",
                f"unpack into a new folder (e.g. restored/{directory.name}, its notebooks then going into "
                f"restored/), or move {directory} away first.")


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
    directory = _as_folder(directory, "workspace folder")
    if notebooks is not None:
        books_folder = _as_folder(notebooks, "notebooks folder")
    else:  # beside the workspace, where the lessons keep lab/
        books_folder = directory.parent if directory.name not in ("", "..") else directory.absolute().parent
    with _open(archive) as zipped:
        listed, folders, infos = _entries(zipped)
        contents = {}
        for name, info in infos.items():
            data = _member(zipped, info)
            entry = listed[name]
            if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
                _refuse(f"The archive's {name} is not the file its manifest describes (size or SHA-256 differ): "
                        "the archive is damaged or was changed.")
            contents[name] = data
    work = {name[len(_LAB):]: data for name, data in contents.items() if name.startswith(_LAB)}
    books = {name[len(_NOTEBOOKS):]: data for name, data in contents.items() if name.startswith(_NOTEBOOKS)}
    for name in work:  # every file's folder is a folder, never a file of the archive
        parts = name.split("/")
        for depth in range(1, len(parts)):
            if "/".join(parts[:depth]) in work:
                _refuse(f"The archive holds {'/'.join(parts[:depth])} both as a file and as a folder.")
    _target_free(directory)
    taken = [name for name in books if os.path.lexists(books_folder / name)]
    if taken:
        _refuse(f"{books_folder} already holds {', '.join(taken)}: unpacking never overwrites a notebook.",
                "unpack into a new folder, whose notebooks then sit beside its workspace (pkilesson unpack FILE "
                "NEW/lab), or choose where the notebooks go (--notebooks NEW-FOLDER).")
    return _write(directory, books_folder, listed, folders, work, books)


def _write(directory: Path, books_folder: Path, listed: dict, folders: list, work: dict, books: dict) -> Unpacked:
    from .workspace import _make_folder, _write_new, write_files

    parent = directory.absolute().parent
    made = _make_folder(parent)
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{directory.absolute().name}.", suffix=".unpacking", dir=parent))
    except OSError as exc:
        raise PackError(*os_problem(exc, parent, "create a folder in")) from None
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
            raise PackError(*os_problem(exc, parent, "write in")) from None
        if books:
            written_books = write_files(books_folder, books, create=True)
        try:
            os.rename(temp, directory)  # one step; onto an empty folder too (refused if it filled meanwhile)
        except OSError as exc:
            _refuse(f"{directory} could not be put in place ({exc.strerror}); it may have been filled meanwhile.",
                    "unpack into a new folder.")
    except BaseException:
        for path in written_books:  # ours: written just above, as a set
            try:
                path.unlink()
            except OSError:
                pass
        shutil.rmtree(temp, ignore_errors=True)
        from .workspace import _remove_folders

        _remove_folders(made)
        raise
    return Unpacked(directory, tuple(directory / name for name in work), tuple(keys), tuple(written_books))
