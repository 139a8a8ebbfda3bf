"""Nothing lost under faults (issue #11): a set of files is written all or nothing.

Each test breaks a real write: a folder, a link, a FIFO or an immutable file
in the way, an OS error injected at every system call of the swap, a full
disk (a tiny tmpfs), ``kill -9`` at random moments. Afterwards the folder
holds the old set or the new one, complete, and nothing else.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from pkilesson import FILE_NAMES, Settings, Workspace, WorkspaceError, make_artifacts, verify_certificate
from pkilesson.pki import _atomic as atomic_module
from pkilesson.pki import _lock as lock_module
from pkilesson.pki.artifacts import load_artifacts
from pkilesson.verify.workflow import run_workflow
from pkilesson.pki.workspace import write_file, write_files

from conftest import NOW


@pytest.fixture(scope="module")
def two_sets():
    """Two complete sets of the eight files from two different CAs (so a mix never verifies)."""
    return make_artifacts(Settings(key_type="p256"), now=NOW), make_artifacts(Settings(key_type="p256"), now=NOW)


def contents(folder: Path) -> dict:
    return {name: (folder / name).read_bytes() for name in sorted(os.listdir(folder))}


def pem_set(artifacts, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("set") / "ws"
    artifacts.save(Workspace(folder))
    return contents(folder)


@pytest.fixture(scope="module")
def pems(two_sets, tmp_path_factory):
    return tuple(pem_set(a, tmp_path_factory) for a in two_sets)


def assert_complete_and_verifies(folder: Path) -> None:
    lab = load_artifacts(folder)
    assert verify_certificate(lab.server_certificate, [lab.ca.certificate], host="localhost", now=NOW).valid
    assert verify_certificate(lab.client_certificate, [lab.ca.certificate], client=True, now=NOW).valid


# -- refusals before the first write ------------------------------------------------------------------


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_folder_in_place_of_a_file_changes_nothing(tmp_path, two_sets, pems, overwrite):
    """Finding 1: the old CA key was replaced before the folder in place of server-req.pem was met."""
    folder = tmp_path / "ws"
    two_sets[0].save(Workspace(folder))
    (folder / "server-req.pem").unlink()
    (folder / "server-req.pem").mkdir()
    before = {n: b for n, b in pems[0].items() if n != "server-req.pem"}
    with pytest.raises(WorkspaceError, match="server-req.pem is a folder, not a file; nothing was written"):
        two_sets[1].save(Workspace(folder), overwrite=overwrite)
    assert {n: (folder / n).read_bytes() for n in before} == before
    assert sorted(os.listdir(folder)) == sorted(FILE_NAMES)


@pytest.mark.parametrize("make", ["dangling link", "link to a file", "fifo"])
def test_anything_but_a_regular_file_in_the_way_is_refused_first(tmp_path, two_sets, make):
    """Finding 4: a dangling symlink passed the 'nothing written' check and 7 files were left behind."""
    folder = tmp_path / "ws"
    folder.mkdir()
    target = folder / "client-cert.pem"
    if make == "dangling link":
        target.symlink_to(tmp_path / "nowhere")
    elif make == "link to a file":
        (tmp_path / "elsewhere.pem").write_text("mine")
        target.symlink_to(tmp_path / "elsewhere.pem")
    else:
        os.mkfifo(target)
    with pytest.raises(WorkspaceError, match="already holds client-cert.pem; nothing was written"):
        Workspace(folder).ensure_free()  # what run_workflow checks before making anything
    kind = "a FIFO" if make == "fifo" else "a symbolic link"
    for overwrite in (False, True):
        with pytest.raises(WorkspaceError, match=f"client-cert.pem is {kind}.*, not a file; nothing was written"):
            two_sets[0].save(Workspace(folder), overwrite=overwrite)
    assert os.listdir(folder) == ["client-cert.pem"]
    if make == "link to a file":
        assert (tmp_path / "elsewhere.pem").read_text() == "mine"


def test_an_immutable_file_changes_nothing(tmp_path, two_sets, pems):
    """Finding 1 (chattr +i): the set is kept whole when one file cannot be replaced."""
    folder = tmp_path / "ws"
    two_sets[0].save(Workspace(folder))
    immutable = folder / "server-key.pem"
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", immutable], capture_output=True).returncode:
        pytest.skip("chattr +i needs root on a file system with attributes; the injected EPERM below covers it")
    try:
        with pytest.raises(WorkspaceError, match="nothing was changed"):
            two_sets[1].save(Workspace(folder), overwrite=True)
    finally:
        subprocess.run(["chattr", "-i", immutable], check=True)
    assert contents(folder) == pems[0]


def test_a_read_only_folder_changes_nothing(tmp_path, two_sets, pems):
    """A folder its user may read but not write: refused, nothing changed (as nobody when the tests run as root,
    since root writes anywhere)."""
    import tempfile

    from conftest import NOBODY, run_unprivileged

    base = Path(tempfile.mkdtemp(prefix="pkilesson-ro-"))  # in /tmp, which everyone may enter (pytest's is 0700)
    folder = base / "ws"
    try:
        os.chmod(base, 0o755)
        two_sets[0].save(Workspace(folder))
        if os.geteuid() == 0:  # nobody owns the workspace
            for path in (folder, *folder.iterdir()):
                os.chown(path, NOBODY, NOBODY)
        os.chmod(folder, 0o500)
        said, _, _ = run_unprivileged(lambda: two_sets[1].save(Workspace(folder), overwrite=True))
        os.chmod(folder, 0o700)
        assert said.startswith("WorkspaceError: ") and "permission denied" in said and str(folder) in said, said
        assert contents(folder) == pems[0]
    finally:
        os.chmod(folder, 0o700)
        shutil.rmtree(base)


def test_a_full_disk_changes_nothing(tmp_path, two_sets, pems):
    """A real ENOSPC: a tmpfs just big enough for one set (root only; the injected ENOSPC covers the rest)."""
    mount = tmp_path / "small"
    mount.mkdir()
    size = 4096 * (len(FILE_NAMES) + 4)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", mount],
                                           capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    try:
        folder = mount / "ws"
        two_sets[0].save(Workspace(folder))
        assert contents(folder) == pems[0]
        with pytest.raises(WorkspaceError, match="no space left on the device; nothing was changed"):
            two_sets[1].save(Workspace(folder), overwrite=True)
        assert contents(folder) == pems[0]
    finally:
        subprocess.run(["umount", mount], check=True)


# -- an OS error injected at every step of the swap ---------------------------------------------------


class _FailingOs:
    """``os`` for the workspace's writer (pkilesson.pki._atomic and _lock), whose ``fail_at``-th call among the
    file system calls raises."""

    CALLS = ("open", "write", "fsync", "link", "replace", "rename", "unlink", "mkdir", "fchmod")

    def __init__(self, fail_at: int, code: int) -> None:
        self.fail_at, self.code, self.count = fail_at, code, 0

    def __getattr__(self, name):
        real = getattr(os, name)
        if name not in self.CALLS:
            return real

        def call(*args, **kwargs):
            self.count += 1
            if self.count == self.fail_at:
                raise OSError(self.code, os.strerror(self.code))
            return real(*args, **kwargs)

        return call


def _patch_os(monkeypatch, fake) -> None:
    """One ``os`` for the writer's two modules (the lock and roll-back, the swap), so one count spans both."""
    for module in (lock_module, atomic_module):
        monkeypatch.setattr(module, "os", fake)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EPERM], ids=["ENOSPC", "EIO", "EPERM"])
def test_an_os_error_at_any_step_leaves_the_old_set_or_the_new_one(tmp_path, two_sets, pems, monkeypatch, code):
    probe = _FailingOs(0, code)
    folder = tmp_path / "probe"
    two_sets[0].save(Workspace(folder))
    _patch_os(monkeypatch, probe)
    two_sets[1].save(Workspace(folder), overwrite=True)
    monkeypatch.undo()
    steps = probe.count
    assert steps > 30  # 8 temporary files written and synced, 8 backups, 8 swaps, the journal
    outcomes = set()
    for fail_at in range(1, steps + 1):
        folder = tmp_path / f"ws{fail_at}"
        two_sets[0].save(Workspace(folder))
        _patch_os(monkeypatch, _FailingOs(fail_at, code))
        try:
            two_sets[1].save(Workspace(folder), overwrite=True)
        except WorkspaceError as exc:
            assert "\n" not in str(exc) and " Fix: " in str(exc)
            failed = True
        else:
            failed = False
        monkeypatch.undo()
        Workspace(folder).listing()  # the next command: it cleans what a failed cleanup left
        now = contents(folder)
        assert now == (pems[0] if failed else pems[1]), f"fault at call {fail_at} of {steps}"
        outcomes.add(failed)
    assert outcomes == {True, False}  # faults before the commit roll back; after it, the new set stands


def test_a_failed_first_write_leaves_no_folder_behind(tmp_path, two_sets, monkeypatch):
    _patch_os(monkeypatch, _FailingOs(3, errno.ENOSPC))
    with pytest.raises(WorkspaceError, match="no space left"):
        two_sets[0].save(Workspace(tmp_path / "new" / "ws"))
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


# -- kill -9 at random moments --------------------------------------------------------------------------


def _write_forever(folder: Path, sets) -> None:
    """In a forked child: replace the set again and again until killed."""
    try:
        for turn in range(10 ** 6):
            sets[turn % 2].save(Workspace(folder), overwrite=True)
    finally:
        os._exit(0)


def test_kill_9_during_overwrite_leaves_one_complete_set(tmp_path, two_sets, pems):
    """Finding 8 (kill -9 during workflow left temporary key copies) and the all-or-nothing swap under SIGKILL."""
    folder = tmp_path / "ws"
    two_sets[0].save(Workspace(folder))
    rng = random.Random(11)
    seen = set()
    for _ in range(25):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            _write_forever(folder, two_sets)
        time.sleep(rng.uniform(0.005, 0.08))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        lab = load_artifacts(folder)  # takes the lock: rolls back what the killed writer left
        assert contents(folder) in pems, sorted(os.listdir(folder))
        for name in FILE_NAMES:
            mode = stat.S_IMODE((folder / name).stat().st_mode)
            assert mode == 0o600 if name.endswith("-key.pem") else not mode & 0o022, (name, oct(mode))
        seen.add(lab.ca.certificate == two_sets[0].ca.certificate)
    assert_complete_and_verifies(folder)
    assert seen == {True, False}  # the kills landed on both sets: the writes really ran


def test_a_journal_left_by_a_killed_writer_is_rolled_back_by_a_reader(tmp_path, two_sets, pems, monkeypatch):
    """A writer killed between two swaps: the next reader puts the old files back before reading."""
    folder = tmp_path / "ws"
    two_sets[0].save(Workspace(folder))

    class Killed(BaseException):
        pass

    real_replace = os.replace
    calls = []

    def replace_then_die(src, dst, *args, **kwargs):
        real_replace(src, dst, *args, **kwargs)
        calls.append(dst)
        if len(calls) == 4:  # four of the eight swapped in, then the process "dies": no undo runs
            raise Killed()

    monkeypatch.setattr(atomic_module, "_undo", lambda *args: None)
    monkeypatch.setattr(os, "replace", replace_then_die)
    with pytest.raises(Killed):
        two_sets[1].save(Workspace(folder), overwrite=True)
    monkeypatch.undo()
    assert (folder / ".pkilesson-journal").exists()
    assert contents(folder) != pems[0]  # half swapped, as a kill would leave it
    assert load_artifacts(folder).ca.certificate == two_sets[0].ca.certificate
    assert contents(folder) == pems[0]


# -- permissions ---------------------------------------------------------------------------------------


def test_folders_made_for_keys_are_0700_whatever_the_umask(tmp_path, two_sets):
    """Finding 7: under umask 000 the workspace folder was 0777 and held ca-key.pem."""
    old = os.umask(0)
    try:
        two_sets[0].save(Workspace(tmp_path / "new" / "ws"))
    finally:
        os.umask(old)
    for folder in (tmp_path / "new", tmp_path / "new" / "ws"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in FILE_NAMES:
        assert stat.S_IMODE((tmp_path / "new" / "ws" / name).stat().st_mode) == (
            0o600 if name.endswith("-key.pem") else 0o644)


def test_a_folder_writable_by_others_is_refused(tmp_path, two_sets):
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o777)
    with pytest.raises(WorkspaceError, match=r"writable by every user \(mode 0777\).*chmod 700"):
        two_sets[0].save(Workspace(folder))
    with pytest.raises(WorkspaceError, match="writable by every user"):
        run_workflow(folder, Settings(key_type="p256"), now=NOW)
    with pytest.raises(WorkspaceError, match="writable by every user"):
        write_file(folder / "key.pem", b"-----BEGIN PRIVATE KEY-----", private=True)
    assert os.listdir(folder) == []
    write_file(folder / "public.svg", b"<svg/>")  # a public file may go there


def test_a_private_key_is_never_replaced_by_anything_else(tmp_path, two_sets):
    """Finding 10: 'diagram -o lab/ca-key.pem --overwrite' replaced the CA key by an SVG."""
    folder = tmp_path / "ws"
    two_sets[0].save(Workspace(folder))
    before = (folder / "ca-key.pem").read_bytes()
    with pytest.raises(WorkspaceError, match="holds a private key: pkilesson never replaces a key"):
        write_file(folder / "ca-key.pem", b"<svg/>", overwrite=True)
    (tmp_path / "renamed.txt").write_bytes(before)
    with pytest.raises(WorkspaceError, match="holds a private key"):
        write_file(tmp_path / "renamed.txt", b"<svg/>", overwrite=True)
    assert (folder / "ca-key.pem").read_bytes() == before
    assert (tmp_path / "renamed.txt").read_bytes() == before


def test_write_files_checks_its_arguments(tmp_path):
    with pytest.raises(TypeError, match="data= must be bytes"):
        write_file(tmp_path / "x.txt", "text")
    with pytest.raises(TypeError, match="files= must be a mapping whose keys are plain file names"):
        write_files(tmp_path, {"a/b": b"x"})
    with pytest.raises(TypeError, match="overwrite= must be True or False"):
        write_files(tmp_path, {"a": b"x"}, overwrite="yes")
    assert os.listdir(tmp_path) == []
