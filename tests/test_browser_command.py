"""`python3 workshop.py test --browser` runs only the browser test, in .venv-browser, and
the other test runs leave it out. Nothing here installs or starts anything."""

import subprocess
import tomllib
from pathlib import Path

import pytest

import workshop

ROOT = Path(__file__).resolve().parents[1]


def test_browser_is_an_option_of_test_and_runs_on_its_own(capsys):
    args, extra = workshop.parse_args(["test", "--browser", "-x"])
    assert (args.command, args.browser, extra) == ("test", True, ["-x"])
    with pytest.raises(SystemExit) as exit_info:
        workshop.parse_args(["test", "--browser", "--backend", "jax"])
    assert exit_info.value.code == 2
    assert "--browser runs on its own" in capsys.readouterr().err


@pytest.mark.parametrize("returncode, expected", [(0, 0), (1, 1), (5, 1)])
def test_command_browser_runs_the_marked_test_in_its_layer(
    monkeypatch, returncode, expected
):
    calls = []

    def run(command, **kwargs):  # stands in for pytest
        calls.append((command, kwargs))
        return subprocess.CompletedProcess(command, returncode)

    monkeypatch.delenv("WORKSHOP_NO_VENV", raising=False)
    monkeypatch.setattr(workshop.subprocess, "run", run)
    monkeypatch.setattr(
        workshop, "ensure_layer", lambda name: f"/.venv-{name}/bin/python"
    )
    assert workshop.command_browser(["-x"]) == expected
    ((command, kwargs),) = calls
    assert command == [
        "/.venv-browser/bin/python",
        "-m",
        "pytest",
        "-m",
        "browser",
        "-rs",  # a skip (no Chromium, no Playwright) prints its reason
        "-x",
        "tests/browser",
    ]
    assert kwargs["env"]["WORKSHOP_FAST"] == "1"


def test_the_other_test_runs_leave_the_browser_test_out():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    addopts = options["ini_options"]["addopts"]
    assert addopts[addopts.index("-m") + 1] == "not browser"
    tests = sorted((ROOT / "tests" / "browser").glob("test_*.py"))
    assert tests and all(
        "pytestmark = pytest.mark.browser" in path.read_text() for path in tests
    )
