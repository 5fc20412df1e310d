"""Fixtures of the browser test: JupyterLab on localhost and headless Chromium driving it.

JupyterLab runs from the Python environment that holds it (.venv), in a temporary copy of
the repository, so the notebooks it opens and saves are copies and its kernel is the
project's Python. Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright's
Python package; where either is missing, the tests here are skipped with the reason.
"""

import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "browser"
CHROMIUM_ENV = "WORKSHOP_CHROMIUM"
# Without these a Chromium on a closed network hangs at start-up, reaching for updates,
# sync and QUIC; the sandbox needs privileges a container or CI runner does not give.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What the copy of the repository leaves out: environments, caches, build outputs.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv*", "build", "__pycache__", ".*_cache", ".ipynb_checkpoints", ".gl"
)
SERVER_START_SECONDS = 90


def chromium_executable():
    """Return the path of Chromium (``$WORKSHOP_CHROMIUM`` or ``chromium`` on PATH), or None."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def jupyter_python():
    """Return the Python whose environment holds JupyterLab (its kernel runs the notebooks).

    In .venv-browser, a layer over .venv, JupyterLab is .venv's: its application files
    (share/jupyter/lab) and the widget extension live under .venv's prefix, so the server
    runs on .venv's Python. Elsewhere (WORKSHOP_NO_VENV=1) it is the current Python.
    """
    spec = importlib.util.find_spec("jupyterlab")
    if spec is None or spec.origin is None:
        return None
    # <prefix>/lib/pythonX.Y/site-packages/jupyterlab/__init__.py
    prefix = Path(spec.origin).parents[4]
    python = prefix / "bin" / "python"
    return str(python) if python.exists() else sys.executable


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(url, process, log_path):
    """Poll ``url`` until JupyterLab answers; fail with its log if it exits or stalls."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited at start:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(
        f"JupyterLab did not answer within {SERVER_START_SECONDS} s:\n"
        f"{log_path.read_text()[-3000:]}"
    )


@pytest.fixture(scope="session")
def playwright_api():
    """Playwright's sync API, or a skip that says how to get it."""
    if importlib.util.find_spec("playwright") is None:
        pytest.skip(
            "Playwright is not installed in this Python: run "
            "`python3 workshop.py test --browser`, which installs .venv-browser"
        )
    from playwright import sync_api

    return sync_api


@pytest.fixture(scope="session")
def chromium(playwright_api):
    """A headless Chromium (Debian's), launched by Playwright; skipped where there is none."""
    executable = chromium_executable()
    if executable is None:
        pytest.skip(
            "Chromium not found: install it (`apt-get install chromium` as root) or set "
            f"{CHROMIUM_ENV} to its path"
        )
    with playwright_api.sync_playwright() as playwright:
        # launch() gives each run a fresh, temporary user-data-dir.
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def workspace():
    """A temporary copy of the repository: JupyterLab's root folder."""
    with tempfile.TemporaryDirectory(prefix="workshop-browser-") as folder:
        copy = Path(folder) / "workshop"
        shutil.copytree(ROOT, copy, ignore=NOT_COPIED, symlinks=True)
        yield copy


@pytest.fixture(scope="session")
def jupyterlab(chromium, workspace):
    """Start JupyterLab on localhost (a free port, a token); yield its address and token.

    Its settings, workspaces and runtime files live in a temporary folder, so no state of
    an earlier session (open tabs, a dismissed dialog) changes what the test sees, and it
    never reaches for news or updates. The kernel inherits fast mode and shows plots inline.
    """
    python = jupyter_python()
    if python is None:
        pytest.skip(
            "JupyterLab is not installed in this Python (requirements.txt has it)"
        )
    port, token = free_port(), secrets.token_hex(16)
    home = workspace.parent / "jupyter"
    env = {
        **os.environ,
        "WORKSHOP_FAST": "1",
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    env.pop("MPLBACKEND", None)  # the tests' Agg would hide the notebook's figures
    command = [
        python,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--allow-root",  # CI containers run as root; it changes nothing else
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={workspace}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, read by lab_page
    ]
    log_path = home / "jupyterlab.log"
    labconfig = home / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    # No "Would you like to get notified about official Jupyter news?" over the notebook.
    (labconfig / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}'
    )
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, cwd=workspace, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/api/status?token={token}", process, log_path)
        yield {"url": base, "token": token, "root": workspace, "log": log_path}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture()
def page(chromium, jupyterlab):
    """A fresh browser page (1400 x 1000) whose JavaScript errors are collected."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots():
    """build/browser/, emptied: one PNG per step of the test."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS
