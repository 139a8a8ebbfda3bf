"""The environment Binder builds is the one CI tests: same pins, same files."""

from __future__ import annotations

import re
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
    assert sys.version_info >= (3, 10)
