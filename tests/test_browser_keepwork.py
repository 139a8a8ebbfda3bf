"""Download my lab / Restore my lab in a real JupyterLab, clicked in Debian's chromium (driven by Playwright).

As tests/test_browser.py does, a JupyterLab server runs on 127.0.0.1 (a free
port, a random token) over a temporary folder, and chromium (never a
downloaded browser) opens a notebook there: a lesson's workspace made by
``ensure_workflow``, then the ``keep_work()`` cell a lesson's closing
section holds (and the doctor's table, lesson 00's first cell: both must
pass axe-core and fit their box). The test clicks *Download my lab*, then the link it shows,
and catches the browser's download (Playwright's download event); it
removes ``lab/`` as the end of a Binder session would, gives the downloaded
file to *Restore my lab* (its button opens the browser's file chooser), and checks that
every file came back with its bytes and its mode (keys 0600, folders 0700),
and the notebook beside it.

Needs /usr/bin/chromium (Debian package 'chromium'): skips without it, fails
under CI (PKILESSON_REQUIRE_TOOLS=1).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import time
import zipfile
from pathlib import Path

import pytest

from labserver import chromium, jupyterlab, kernel_idle, need_chromium, start_run_all, wait_all_run

ROOT = Path(__file__).parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
NOTEBOOK = "keep.ipynb"
AXE = ROOT / "tests" / "data" / "axe-core" / "axe.min.js"
CELLS = [
    "from pathlib import Path\nimport pkilesson\nlab = Path('lab')\nartifacts, how = pkilesson.ensure_workflow(lab)\n"
    "(lab / 'intermediate').mkdir(mode=0o700, exist_ok=True)\n"
    "(lab / 'intermediate' / 'root-key.pem').write_bytes((lab / 'ca-key.pem').read_bytes())\n"
    "(lab / 'intermediate' / 'root-key.pem').chmod(0o600)\nprint(how)",
    "from pkilesson.lessons.keepwork import keep_work\nkeep_work()",
    "from pkilesson.lessons.doctor import doctor\ndoctor()",  # lesson 00's first cell: measured here with the widget
]


def _notebook() -> dict:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": source.splitlines(keepends=True)} for source in CELLS]
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                        "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 over a folder holding notebooks/keep.ipynb; yields (base, token, folder)."""
    need_chromium()
    folder = tmp_path_factory.mktemp("keepwork-root")
    (folder / "notebooks").mkdir()
    (folder / "notebooks" / NOTEBOOK).write_text(json.dumps(_notebook()))
    with jupyterlab(folder) as (base, token):
        yield base, token, folder


@pytest.fixture(scope="module")
def browser():
    need_chromium()
    with chromium() as launched:
        yield launched


def _digests(folder: Path) -> dict:
    """Every file and folder under ``folder``: path -> (mode, SHA-256, None for a folder)."""
    found = {}
    for where, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(where) / name
            data = None if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path.relative_to(folder))] = (stat.S_IMODE(os.lstat(path).st_mode), data)
    return found


def _give(page, path: Path) -> None:
    """Click Restore my lab and choose ``path`` in the file chooser it opens (as a learner does)."""
    with page.expect_file_chooser() as chooser:
        page.click(".jp-OutputArea-output button:has-text('Restore my lab')")
    chooser.value.set_files(str(path))


def _axe(page) -> list:
    """axe-core's serious and critical violations inside the outputs (WCAG 2.x A and AA), as tests/test_browser.py
    checks every lesson's outputs (the widget goes into every lesson); axe-core is vendored in tests/data/axe-core/."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing (axe-core 4.14.1, vendored with tests/test_browser.py)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const report = await axe.run({include: [['.jp-Notebook .jp-OutputArea-output']]}, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
                resultTypes: ['violations']});
            return report.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}));
        }""")


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def test_download_then_restore_in_jupyterlab(browser, lab, tmp_path):
    base, token, folder = lab
    here = folder / "notebooks"
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{base}/lab/tree/notebooks/{NOTEBOOK}?reset&token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached")
        deadline = time.monotonic() + 90
        while not kernel_idle(base, token, NOTEBOOK):
            assert time.monotonic() < deadline, "the kernel did not start"
            time.sleep(0.5)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached")
        start_run_all(page)
        wait_all_run(page)
        button = page.locator(".jp-OutputArea-output button:has-text('Download my lab')")
        button.wait_for()
        before = _digests(here / "lab")
        assert before["ca-key.pem"][0] == 0o600 and before["intermediate"][0] == 0o700

        # Download my lab: the button makes the link, the link saves the archive (the browser's own download).
        button.click()
        link = page.locator(".jp-OutputArea-output a[download]")
        link.wait_for()
        assert link.get_attribute("href").startswith("data:application/zip;base64,")
        assert "private keys" in page.inner_text(".pkilesson-download")
        with page.expect_download() as caught:
            link.click()
        download = caught.value
        assert download.suggested_filename.startswith("lab-") and download.suggested_filename.endswith(".zip")
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        with zipfile.ZipFile(saved) as archive:
            assert archive.read("lab/ca-key.pem") == (here / "lab" / "ca-key.pem").read_bytes()
            assert f"notebooks/{NOTEBOOK}" in archive.namelist()
        _screenshot(page, "keepwork-download.png")
        assert _axe(page) == [], "axe-core: serious or critical violations in the widget or the doctor's table"
        assert "lessons" in page.inner_text(".pkilesson-doctor")
        page.locator(".pkilesson-doctor").scroll_into_view_if_needed()
        _screenshot(page, "doctor.png")
        wide = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output')]
            .filter(o => o.scrollWidth > o.clientWidth + 1).map(o => o.textContent.slice(0, 60))""")
        assert wide == [], "an output wider than its box"

        # The session ends: lab/ is gone. Restore my lab, with the downloaded file.
        shutil.rmtree(here / "lab")
        _give(page, saved)
        page.wait_for_function("() => document.querySelector('.jp-Notebook').innerText.includes('Restored')",
                               timeout=60_000)
        _screenshot(page, "keepwork-restored.png")
        assert _digests(here / "lab") == before  # every file, its bytes and its mode; every folder 0700
        assert stat.S_IMODE(os.stat(here / "lab").st_mode) == 0o700
        books = here / f"{saved.stem}-notebooks"
        assert (books / NOTEBOOK).is_file()
        assert f"{saved.stem}-notebooks/" in page.inner_text(".jp-Notebook")

        # Once more: lab/ holds files now, and Restore says so instead of overwriting them.
        _give(page, saved)
        page.wait_for_function("() => document.querySelector('.jp-Notebook').innerText.includes('already holds')",
                               timeout=60_000)
        assert _digests(here / "lab") == before
    finally:
        page.close()
