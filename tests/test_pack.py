"""``pkilesson pack`` / ``unpack`` and the Download/Restore widget, headless: bytes and modes kept, archives that
climb out, hold links or devices, lie about their sizes or overwrite anything refused, before anything is written."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from pkilesson import PkiLessonError
from pkilesson.cli import main
from pkilesson.pki.pack import MANIFEST, MAX_ARCHIVE_BYTES, MAX_CONTENT_BYTES, pack, unpack, write_pack


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _tree(root: Path) -> dict:
    """Every file and folder under ``root``: relative path -> (mode, sha256 or None for a folder)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            found[rel] = (_mode(path), None if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest())
    return found


@pytest.fixture
def learner(tmp_path, workspace_dir):
    """A learner's folder: two notebooks beside lab/, which holds the eight files and an intermediate/ folder."""
    home = tmp_path / "home"
    home.mkdir()
    workspace_dir.rename(home / "lab")
    lab = home / "lab"
    sub = lab / "intermediate"
    sub.mkdir(mode=0o700)
    (sub / "root-key.pem").write_bytes((lab / "ca-key.pem").read_bytes())
    os.chmod(sub / "root-key.pem", 0o600)
    (sub / "server-chain.pem").write_bytes((lab / "server-cert.pem").read_bytes() + (lab / "ca-cert.pem").read_bytes())
    os.chmod(sub / "server-chain.pem", 0o644)
    for name in ("01-certificate-authority.ipynb", "02-server-certificate.ipynb"):
        cells = [{"cell_type": "code", "source": ['check("01.ca-key-usage", {"keyCertSign", "cRLSign"})'],
                  "outputs": [{"output_type": "execute_result", "data": {"text/plain": ["Right: ..."]}}]}]
        (home / name).write_text(json.dumps({"cells": cells, "nbformat": 4}))
    return home


def test_round_trip_keeps_bytes_and_modes(learner, tmp_path):
    packed = write_pack(learner / "lab", tmp_path / "lab.zip")
    assert _mode(tmp_path / "lab.zip") == 0o600  # it holds keys
    assert set(packed.keys) == {"ca-key.pem", "server-key.pem", "client-key.pem", "intermediate/root-key.pem"}
    assert "intermediate/root-key.pem" in packed.warning and "keep it to yourself" in packed.warning
    assert packed.notebooks == ("01-certificate-authority.ipynb", "02-server-certificate.ipynb")
    done = unpack(tmp_path / "lab.zip", tmp_path / "back" / "lab")
    before, after = _tree(learner / "lab"), _tree(tmp_path / "back" / "lab")
    assert {k: v[1] for k, v in after.items()} == {k: v[1] for k, v in before.items()}  # the same bytes
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}  # the same modes
    for key in ("ca-key.pem", "intermediate/root-key.pem"):
        assert after[key][0] == 0o600
    assert _mode(tmp_path / "back" / "lab") == 0o700 and after["intermediate"][0] == 0o700
    assert len(done.keys) == 4
    for name in packed.notebooks:  # beside the workspace, as the lessons keep them
        assert (tmp_path / "back" / name).read_bytes() == (learner / name).read_bytes()


def test_modes_come_back_whatever_the_umask(learner, tmp_path):
    data = pack(learner / "lab", notebooks=False).data
    old = os.umask(0o777)
    try:
        unpack(data, tmp_path / "strict" / "lab")
    finally:
        os.umask(old)
    lab = tmp_path / "strict" / "lab"
    assert _mode(lab / "ca-cert.pem") == 0o644 and _mode(lab / "ca-key.pem") == 0o600
    assert _mode(lab) == 0o700 and _mode(lab / "intermediate") == 0o700


def test_a_key_comes_back_0600_even_if_it_was_packed_readable(learner, tmp_path):
    os.chmod(learner / "lab" / "ca-key.pem", 0o644)  # as the source's 'genrsa > ca-key.pem' leaves it
    unpack(pack(learner / "lab", notebooks=False).data, tmp_path / "r" / "lab")
    assert _mode(tmp_path / "r" / "lab" / "ca-key.pem") == 0o600


def test_links_fifos_and_leftovers_are_left_out_and_listed(learner):
    lab = learner / "lab"
    (lab / "passwd").symlink_to("/etc/passwd")
    os.mkfifo(lab / "pipe")
    (lab / ".ipynb_checkpoints").mkdir()
    packed = pack(lab)
    assert "passwd" not in packed.files and "pipe" not in packed.files
    said = " ".join(packed.skipped)
    assert "passwd (a symbolic link" in said and "pipe (a FIFO" in said and ".ipynb_checkpoints/" in said


def test_unpack_never_overwrites(learner, tmp_path):
    data = pack(learner / "lab").data
    target = tmp_path / "again"
    unpack(data, target / "lab")
    before = _tree(target)
    with pytest.raises(PkiLessonError, match="already holds files.*never overwrites.*Nothing was written"):
        unpack(data, target / "lab")
    # a fresh workspace folder, but a notebook of the same name where the notebooks go: nothing at all
    with pytest.raises(PkiLessonError, match="01-certificate-authority.ipynb.*never overwrites a notebook"):
        unpack(data, target / "lab2", notebooks=target)
    assert _tree(target) == before and not (target / "lab2").exists()
    # an empty folder is filled
    (tmp_path / "empty").mkdir()
    unpack(data, tmp_path / "empty", notebooks=tmp_path / "books")
    assert (tmp_path / "empty" / "ca-key.pem").exists() and _mode(tmp_path / "empty") == 0o700


def test_the_command_line(learner, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(learner)
    assert main(["pack", "lab", "-o", str(tmp_path / "lab.zip")]) == 0
    out, err = capsys.readouterr()
    assert "mode 0600" in out and "2 notebook(s)" in out
    assert err.count("\n") == 1 and err.startswith("pkilesson: warning: the archive holds 4 private keys")
    assert main(["pack", "lab", "-o", str(tmp_path / "lab.zip")]) == 2  # never replaced without --overwrite
    assert "pass --overwrite" in capsys.readouterr().err
    assert main(["pack", "lab", "-o", str(tmp_path / "lab.zip"), "--overwrite", "--no-notebooks"]) == 0
    assert "0 notebook(s)" in capsys.readouterr().out
    assert main(["pack", "lab", "-o", "lab/inside.zip"]) == 2
    assert "inside the folder being packed" in capsys.readouterr().err
    assert main(["unpack", str(tmp_path / "lab.zip"), str(tmp_path / "new" / "lab")]) == 0
    assert "restored 10 file(s)" in capsys.readouterr().out
    assert main(["unpack", str(tmp_path / "lab.zip"), str(tmp_path / "new" / "lab")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("pkilesson: error: ") and "never overwrites" in err
    assert main(["pack", "nothing-here", "-o", str(tmp_path / "x.zip")]) == 2
    assert "There is no folder nothing-here" in capsys.readouterr().err


def test_nothing_to_pack_is_said(tmp_path):
    (tmp_path / "lab").mkdir()
    with pytest.raises(PkiLessonError, match="nothing to pack"):
        pack(tmp_path / "lab")
    (tmp_path / "file").write_text("x")
    with pytest.raises(PkiLessonError, match="is a file, not a folder"):
        pack(tmp_path / "file")


# -- archives that must be refused --------------------------------------------------------------------------------


def _rebuild(data: bytes, extra=(), drop=(), change=None) -> bytes:
    """The archive ``data`` made again with ``extra`` (ZipInfo, bytes) pairs added to it and to its manifest."""
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read(MANIFEST))
    for info, content in extra:
        if not info.filename.endswith("/"):
            manifest["files"].append({"name": info.filename, "mode": "0644", "size": len(content),
                                      "sha256": hashlib.sha256(content).hexdigest(), "private_key": False})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = json.dumps(manifest).encode() if info.filename == MANIFEST else source.read(info)
            if change and info.filename in change:
                content = change[info.filename]
            target.writestr(info, content)
        for info, content in extra:
            target.writestr(info, content)
    return out.getvalue()


def _entry(name: str, kind: int = stat.S_IFREG, mode: int = 0o644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (kind | mode) << 16
    return info


BAD = {
    "climbs out": (_entry("lab/../../x"), b"x", "climbs out"),
    "parent": (_entry("../x"), b"x", "climbs out"),
    "absolute": (_entry("/tmp/pkilesson-evil"), b"x", "absolute path"),
    "drive": (_entry("C:evil"), b"x", "absolute path"),
    "backslash": (_entry("lab\\..\\x"), b"x", "backslash"),
    "symlink": (_entry("lab/link", stat.S_IFLNK, 0o777), b"/etc/passwd", "symbolic link"),
    "device": (_entry("lab/null", stat.S_IFCHR), b"", "device, FIFO or socket"),
    "fifo": (_entry("lab/pipe", stat.S_IFIFO), b"", "device, FIFO or socket"),
    "outside": (_entry("evil.sh"), b"x", "outside lab/ and notebooks/"),
    "nested notebook": (_entry("notebooks/sub/x.ipynb"), b"{}", "outside lab/ and notebooks/"),
    "duplicate": (_entry("lab/ca-cert.pem"), b"x", "two entries"),
}


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("case", BAD)
def test_refused_before_anything_is_written(case, learner, tmp_path):
    info, content, words = BAD[case]
    data = _rebuild(pack(learner / "lab").data, extra=[(info, content)])
    before = _tree(tmp_path)
    with pytest.raises(PkiLessonError, match=words):
        unpack(data, tmp_path / "target" / "lab")
    assert _tree(tmp_path) == before
    assert not Path("/tmp/pkilesson-evil").exists()


def test_a_changed_file_or_a_foreign_zip_is_refused(learner, tmp_path):
    data = pack(learner / "lab").data
    changed = _rebuild(data, change={"lab/ca-cert.pem": b"not the CA"})
    with pytest.raises(PkiLessonError, match="not the file its manifest describes"):
        unpack(changed, tmp_path / "a" / "lab")
    with pytest.raises(PkiLessonError, match="no pkilesson-pack.json"):
        unpack(_rebuild(data, drop={MANIFEST}), tmp_path / "b" / "lab")
    with pytest.raises(PkiLessonError, match="not a zip archive"):
        unpack(b"PK\x03\x04 garbage", tmp_path / "c" / "lab")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr(_entry("lab/x"), b"x")
    encrypted = bytearray(plain.getvalue())  # zipfile writes no encrypted entry: set the flag bit by hand
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        encrypted[encrypted.index(signature) + offset] |= 0x1
    with pytest.raises(PkiLessonError, match="encrypted"):
        unpack(bytes(encrypted), tmp_path / "d" / "lab")
    assert not any((tmp_path / name).exists() for name in "abcd")


def test_zip_bombs_and_huge_archives_are_refused_unread(learner, tmp_path):
    bomb = _entry("lab/zeros")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    data = _rebuild(pack(learner / "lab").data, extra=[(bomb, bytes(MAX_CONTENT_BYTES + 1))])
    assert len(data) < 1024 * 1024  # a few hundred kB that would decompress to 64 MB
    with pytest.raises(PkiLessonError, match="more than 64 MB once decompressed"):
        unpack(data, tmp_path / "bomb" / "lab")
    with pytest.raises(PkiLessonError, match="more than the 32 MB"):
        unpack(bytes(MAX_ARCHIVE_BYTES + 1), tmp_path / "huge" / "lab")
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for index in range(2001):
            archive.writestr(_entry(f"lab/f{index}"), b"")
    with pytest.raises(PkiLessonError, match="2001 entries"):
        unpack(many.getvalue(), tmp_path / "many" / "lab")
    assert not any((tmp_path / name).exists() for name in ("bomb", "huge", "many"))


# -- the widget, headless (tests/test_browser_keepwork.py clicks it in JupyterLab) ------------------------------


def test_download_link_holds_the_archive_and_restore_brings_it_back(learner, tmp_path, monkeypatch):
    from pkilesson.lessons.keepwork import KeepWork

    monkeypatch.chdir(learner)
    panel = KeepWork()
    panel.download.click()
    link = panel.link.value
    assert "download='lab-" in link and "private keys" in link
    data = base64.b64decode(link.split("base64,", 1)[1].split("'", 1)[0])
    assert zipfile.ZipFile(io.BytesIO(data)).read("lab/ca-key.pem") == (learner / "lab" / "ca-key.pem").read_bytes()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.chdir(fresh)
    panel = KeepWork()
    done = panel.restore(data, "lab-20261130-1015.zip")
    assert done is not None and "Restored" in panel.status.value
    assert _mode(fresh / "lab" / "ca-key.pem") == 0o600
    assert (fresh / "lab-20261130-1015-notebooks" / "01-certificate-authority.ipynb").exists()
    assert panel.restore(data, "lab-20261130-1015.zip") is None  # lab/ is not empty now
    assert "already holds files" in panel.status.value and "Rename" in panel.status.value


def test_wrong_arguments_name_the_parameter(learner, tmp_path):
    data = pack(learner / "lab").data
    for call, words in ((lambda: pack(123), "workspace folder"), (lambda: pack(b"lab"), "workspace folder"),
                        (lambda: pack(""), "is empty"), (lambda: unpack(42, tmp_path / "x"), "archive="),
                        (lambda: unpack(data, None), "workspace folder"),
                        (lambda: unpack(data, tmp_path / "y", notebooks=3), "notebooks folder"),
                        (lambda: write_pack(learner / "lab", 7), "archive's path")):
        with pytest.raises(PkiLessonError, match=words):
            call()
