"""A real JupyterLab server on 127.0.0.1 and Debian's chromium, for the browser tests and benchmarks/bench_panels.py.

:func:`jupyterlab` starts ``jupyter lab`` over a folder (a free port, a random
token, no news, no update check; every cell laid out, so off-screen outputs
can be measured), waits until it answers, and always stops it.
:func:`chromium` launches /usr/bin/chromium through Playwright, never a
downloaded browser, with the flags this closed network needs.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
#: Helvetica-compatible metrics: the diagrams are laid out with Helvetica's widths (README, Diagrams).
LIBERATION = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


def missing_browser() -> str:
    """Why the browser tests cannot run here ("" when they can)."""
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (Debian: apt-get install chromium)"
    if not LIBERATION.exists():
        return (f"fonts-liberation is not installed ({LIBERATION} is missing; the diagrams' text would not fit "
                "their boxes): Debian: apt-get install fonts-liberation")
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def jupyterlab(folder: Path, *, timeout: float = 90) -> Iterator[tuple[str, str]]:
    """``jupyter lab`` over ``folder`` on 127.0.0.1; yields (base URL, token); its log is folder/jupyterlab.log."""
    settings = folder / "settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True, exist_ok=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    # Every cell attached and laid out, on screen or not, so that every output can be measured
    # (the default, contentVisibility, skips the layout of cells off screen; what shows is the same).
    (settings / "notebook-extension").mkdir(parents=True, exist_ok=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    with open(folder / "jupyterlab.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}", "--allow-root",
             "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             "--ServerApp.port_retries=0"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(folder / "settings")),
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (folder / "jupyterlab.log").read_text()[-3000:])
                time.sleep(0.5)
            yield base, token
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=20)


@contextmanager
def chromium():
    """Debian's chromium, launched by Playwright (headless); closed on exit."""
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def kernel_idle(base: str, token: str, name: str) -> bool:
    """True once the server has a session for notebook ``name`` whose kernel is idle."""
    import json

    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as reply:
        sessions = json.load(reply)
    # "notebooks/04-verification.ipynb" is not "notebooks/fr/04-verification.ipynb": the path after notebooks/
    return any(s["path"].endswith(f"notebooks/{name}") and s["kernel"]["execution_state"] == "idle" for s in sessions)


def start_run_all(page) -> None:
    """Run > Run All Cells, until a cell has started (a click that lands while the kernel connects runs nothing)."""
    started = ("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]"
               ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))")
    for _ in range(3):
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        try:
            page.wait_for_function(started, timeout=10_000)
            return
        except Exception:
            continue


def wait_all_run(page, timeout_ms: int = 120_000) -> None:
    """Wait until every code cell has run (a number in each prompt) and the kernel is idle."""
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=timeout_ms,
    )
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached")


def need_chromium() -> None:
    """Skip the calling test when the browser cannot run here; fail instead under PKILESSON_REQUIRE_TOOLS=1 (CI)."""
    import pytest
    from conftest import REQUIRE_TOOLS

    message = missing_browser()
    if message:
        if REQUIRE_TOOLS:
            pytest.fail(f"PKILESSON_REQUIRE_TOOLS=1 but {message}")
        pytest.skip(message)
