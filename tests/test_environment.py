"""The environment Binder builds is the one CI tests: same pins, same files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).parent.parent


def pins(path: Path) -> dict[str, str]:
    result = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{path.name}: '{line}' is not pinned with =="
            result[re.sub(r"[-_.]+", "-", name).lower()] = version
    return result


def test_binder_requirements_are_fully_pinned_and_installed_here():
    """./dev installs binder/requirements.txt: what runs these tests is what Binder builds."""
    wanted = pins(ROOT / "binder" / "requirements.txt")
    for name in ("cryptography", "jupyterlab", "ipywidgets", "graphviz"):
        assert name in wanted, name
    for name, version in wanted.items():
        assert metadata.version(name) == version, f"{name}: installed {metadata.version(name)}, pinned {version}"


def test_test_requirements_are_pinned_and_installed_here():
    for name, version in pins(ROOT / "requirements-test.txt").items():
        assert metadata.version(name) == version, name


def test_binder_files():
    assert "openssl" in (ROOT / "binder" / "apt.txt").read_text().split()
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    assert "pip install --no-deps ." in (ROOT / "binder" / "postBuild").read_text()
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_dev_script_installs_the_binder_pins():
    dev = (ROOT / "dev").read_text()
    assert "-r binder/requirements.txt" in dev


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "./dev lessons" in readme and "./dev test" in readme
    assert "mybinder.org/v2/gh/" in readme and "urlpath=lab/tree/notebooks/00-overview.ipynb" in readme
    assert (ROOT / "notebooks" / "00-overview.ipynb").exists()


def test_supported_python():
    assert sys.version_info >= (3, 11)


def test_the_claimed_pythons_are_the_tested_ones():
    """pyproject's requires-python, the dev script's check, the README and CI's list say the same:
    3.11 at least, and CI runs 3.11 (the oldest claimed) and 3.13; Binder runs one of them."""
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^requires-python = ">=3\.11"$', text, re.M), "pyproject.toml: requires-python"
    dev = (ROOT / "dev").read_text()
    assert "sys.version_info < (3, 11)" in dev and "needs Python 3.11 or newer (CI tests 3.11 and 3.13)" in dev
    tested = re.search(r"^PYTHONS=\(([^)]*)\)", (ROOT / ".ci" / "run").read_text(), re.M)
    assert tested and tested.group(1).split() == ["3.11", "3.13"], ".ci/run: PYTHONS"
    assert "./dev test" in (ROOT / ".ci" / "run").read_text()
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "Python 3.11 or newer" in readme and "Python 3.10" not in readme
    assert "CI runs the whole suite on Python 3.11, the oldest supported, and on 3.13" in readme
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime.removeprefix("python-") in tested.group(1).split()


def test_dev_refuses_a_python_it_cannot_run(tmp_path):
    done = subprocess.run([str(ROOT / "dev"), "test"], env={**os.environ, "PYTHON": str(tmp_path / "python3.9")},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "pkilesson needs Python 3.11 or newer (CI tests 3.11 and 3.13)" in done.stderr
    assert "does not run" in done.stderr


def test_a_failed_install_leaves_no_venv_behind(tmp_path):
    """The dev script in a copy of the project, pip without any package index: the install fails,
    and the venv it was creating (named for this Python) is removed, so no later run trusts it."""
    for name in ("dev", "pyproject.toml", "requirements-test.txt", "binder/requirements.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    env = {**os.environ, "PYTHON": sys.executable, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1",
           "PIP_FIND_LINKS": ""}
    done = subprocess.run([str(tmp_path / "dev"), "test"], env=env, capture_output=True, text=True, timeout=300)
    venv = tmp_path / f".venv-{sys.version_info.major}.{sys.version_info.minor}"
    assert done.returncode != 0
    assert f"dev: creating {venv.name} with {sys.executable}" in done.stderr
    assert f"dev: install failed: removed the half-built {venv.name}" in done.stderr
    assert not venv.exists()
