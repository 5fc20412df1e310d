"""`python3 workshop.py test --stack colab`: Colab's versions of what Colab has, the rest
at requirements.txt's pins, in its own environment .venv-colab. Nothing here installs
anything: subprocess.run is replaced where a command would run."""

import subprocess
import sys

import pytest

import workshop
from utils.colab import NOT_FOR_COLAB, requirements


def versions(path):
    return {
        workshop.package_key(name): line.split("==", 1)[1]
        for name, line in requirements(path)
    }


def test_stack_option_parses_and_defaults_to_the_pinned_stack():
    args, extra = workshop.parse_args(["test", "--stack", "colab", "-x"])
    assert (args.stack, args.backend, extra) == ("colab", None, ["-x"])
    assert workshop.parse_args(["test"])[0].stack == "pinned"
    args, _ = workshop.parse_args(["test", "--stack", "colab", "--backend", "tensorflow"])
    assert args.backend == "tensorflow"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--backend", "jax"], "Expected --backend tensorflow (or none) with --stack colab"),
        (["--backend", "torch"], "Received: 'torch'"),
        (["--browser"], "--browser runs on the pinned stack only"),
    ],
)
def test_colab_stack_refuses_other_backends_and_the_browser(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        workshop.parse_args(["test", "--stack", "colab", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_unknown_stack_is_a_clear_error(capsys):
    with pytest.raises(SystemExit):
        workshop.parse_args(["test", "--stack", "conda"])
    assert "invalid choice: 'conda'" in capsys.readouterr().err


def test_colab_stack_takes_colab_versions_and_adds_only_what_colab_lacks():
    colab = versions(workshop.COLAB_CONSTRAINTS)
    pinned = versions(workshop.REQUIREMENTS)
    stack = {
        workshop.package_key(line.split("==")[0]): line.split("==")[1]
        for line in workshop.colab_stack_requirements()
    }
    assert "jupyter" not in stack  # Colab brings its own notebook server
    for name, version in stack.items():
        assert version == colab.get(name, pinned[name]), name
    assert stack["keras"] == colab["keras"] and stack["numpy"] == colab["numpy"]
    lacking = set(stack) - set(colab)
    # What Colab lacks: what utils.colab installs there, and the test tools.
    assert "mlxtend" in lacking and "nbval" in lacking
    assert lacking <= set(pinned)
    assert set(pinned) - set(stack) == workshop.COLAB_LEAVES_OUT
    assert workshop.COLAB_LEAVES_OUT <= NOT_FOR_COLAB


def test_colab_stack_is_built_once_as_a_full_venv_and_rebuilt_on_change(
    tmp_path, monkeypatch
):
    (tmp_path / "requirements.txt").write_text(
        "keras==3.15.1\nmlxtend==0.23.4\njupyter==1.1.1\n"
    )
    constraints = tmp_path / "constraints-colab.txt"
    constraints.write_text("# Colab\nkeras==3.13.2\njax==0.7.2\n")
    monkeypatch.setattr(workshop, "ROOT", tmp_path)
    monkeypatch.setattr(workshop, "REQUIREMENTS", tmp_path / "requirements.txt")
    monkeypatch.setattr(workshop, "COLAB_CONSTRAINTS", constraints)
    python = workshop.venv_python(tmp_path / ".venv-colab")
    calls = []

    def run(command, **kwargs):  # stands in for venv and pip: nothing is installed
        calls.append(command)
        if "venv" in command:
            python.parent.mkdir(parents=True, exist_ok=True)
            python.touch()
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(workshop.subprocess, "run", run)
    assert workshop.ensure_colab_stack() == str(python)
    venv_call, pip_call = calls
    assert venv_call == [
        sys.executable, "-m", "venv", "--clear", str(tmp_path / ".venv-colab")
    ]  # with its own pip: not a layer over .venv
    assert pip_call[:4] == [str(python), "-m", "pip", "install"]
    assert pip_call[-4:] == ["-c", str(constraints), "keras==3.13.2", "mlxtend==0.23.4"]

    calls.clear()  # the stamp matches: nothing runs
    assert workshop.ensure_colab_stack() == str(python)
    assert calls == []

    constraints.write_text("keras==3.13.1\n")  # Colab moved: rebuilt from empty
    assert workshop.ensure_colab_stack() == str(python)
    assert len(calls) == 2 and "--clear" in calls[0] and "keras==3.13.1" in calls[1]


@pytest.mark.parametrize("no_venv", [False, True])
def test_command_test_on_colab_stack_runs_everything_on_tensorflow_there(
    monkeypatch, no_venv
):
    calls = []
    if no_venv:  # the stack is its own environment either way
        monkeypatch.setenv("WORKSHOP_NO_VENV", "1")
    else:
        monkeypatch.delenv("WORKSHOP_NO_VENV", raising=False)
    monkeypatch.setenv("KERAS_BACKEND", "jax")

    def run(command, **kwargs):
        calls.append((command, kwargs))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(workshop.subprocess, "run", run)
    monkeypatch.setattr(workshop, "ensure_colab_stack", lambda: "/s/.venv-colab/bin/python")
    assert workshop.command_test(["-x"], stack="colab") == 0
    ((command, kwargs),) = calls
    assert command == ["/s/.venv-colab/bin/python", "-m", "pytest", "-x"]
    assert kwargs["env"]["KERAS_BACKEND"] == "tensorflow"
    assert kwargs["env"]["WORKSHOP_FAST"] == "1"
    assert kwargs["env"][workshop.STACK_ENV] == "colab"
