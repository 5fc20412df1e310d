"""The workshop runner names the failing cell and collects headline metrics; the command
line parses its options, refuses an unknown backend and fails when no test ran."""

import subprocess
import sys
import sysconfig

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import workshop
from tools import run_notebooks


def test_a_failing_notebook_names_its_cell_and_error(tmp_path):
    notebook = new_notebook(
        cells=[
            new_code_cell("print('HEADLINE: answer = 42')"),
            new_code_cell("# divide\nratio = 1 / 0"),
            new_code_cell("print('never runs')"),
        ]
    )
    path = tmp_path / "99_broken.ipynb"
    nbformat.write(notebook, path)
    executed, error = run_notebooks.execute(path, timeout=120)
    assert error.startswith("cell 1 (`# divide`): ZeroDivisionError")
    assert run_notebooks.headlines(executed) == ["answer = 42"]
    assert executed.cells[2].outputs == []


def test_summary_table_lists_each_notebook():
    rows = [("00_a", "ok", 1.5, "x = 1", None), ("01_b", "FAILED", 2.0, "-", "cell 3")]
    table = run_notebooks.summary_table(rows, "fast")
    assert "| 00_a | ok | 1.5 s | x = 1 |" in table
    assert "| total | 1/2 ok | 3.5 s | |" in table


def test_unknown_notebook_number_is_a_clear_error():
    with pytest.raises(SystemExit, match=r"Expected notebook numbers among \['00'"):
        run_notebooks.find_notebooks(only=["99"])


# The command line, `python3 workshop.py test [--backend NAME] [--notebooks] [pytest args]`.
# Nothing here installs anything: subprocess.run is replaced where a command would run.


def test_test_options_are_ours_and_the_rest_goes_to_pytest():
    args, extra = workshop.parse_args(
        ["test", "--backend", "jax", "-k", "vae", "--notebooks", "-x"]
    )
    assert (args.command, args.backend, args.notebooks) == ("test", "jax", True)
    assert extra == ["-k", "vae", "-x"]
    args, extra = workshop.parse_args(["test"])
    assert (args.backend, args.notebooks, extra) == (None, False, [])


def test_a_pytest_option_is_not_taken_for_an_abbreviation_of_ours():
    args, extra = workshop.parse_args(["test", "--note"])
    assert not args.notebooks and extra == ["--note"]


def test_unknown_backend_is_a_clear_error_before_anything_is_installed(capsys):
    with pytest.raises(SystemExit) as exit_info:
        workshop.parse_args(["test", "--backend", "mxnet"])
    assert exit_info.value.code == 2
    assert (
        "Expected --backend to be one of tensorflow, jax, torch. Received: 'mxnet'"
        in capsys.readouterr().err
    )
    with pytest.raises(ValueError, match="Received: 'theano'"):
        workshop.check_backend("theano")


def test_other_commands_refuse_unknown_options(capsys):
    with pytest.raises(SystemExit):
        workshop.parse_args(["doctor", "--backend", "jax"])
    assert "unrecognized arguments: --backend jax" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        workshop.parse_args(["run", "--store"])
    assert "add --full" in capsys.readouterr().err


def test_jax_and_torch_run_the_unit_tests_unless_notebooks_are_asked_for():
    unit_only = ["python", "-m", "pytest", "-o", "testpaths=tests"]
    assert workshop.pytest_command("python", "jax", False, ["-x"]) == unit_only + ["-x"]
    everything = ["python", "-m", "pytest"]  # pyproject.toml: tests and solutions
    assert workshop.pytest_command("python", "torch", True, []) == everything
    assert workshop.pytest_command("python", "tensorflow", False, []) == everything
    assert workshop.pytest_command("python", None, False, []) == everything


def test_no_tests_collected_is_a_failure(capsys):
    assert workshop.exit_code(5) == 1
    assert "collected no tests" in capsys.readouterr().out
    assert [workshop.exit_code(code) for code in (0, 1, 2)] == [0, 1, 2]


def fake_pytest(calls, returncode):
    def run(command, **kwargs):
        calls.append((command, kwargs))
        return subprocess.CompletedProcess(command, returncode)

    return run


@pytest.mark.parametrize("returncode, expected", [(0, 0), (1, 1), (5, 1)])
def test_command_test_sets_the_backend_and_fails_on_no_tests(
    monkeypatch, returncode, expected
):
    calls = []
    monkeypatch.delenv("WORKSHOP_NO_VENV", raising=False)
    monkeypatch.setattr(workshop.subprocess, "run", fake_pytest(calls, returncode))
    monkeypatch.setattr(
        workshop,
        "ensure_backend_environment",
        lambda backend: f"/layer-{backend}/bin/python",
    )
    assert workshop.command_test(["-x"], backend="jax") == expected
    ((command, kwargs),) = calls
    assert command == [
        "/layer-jax/bin/python",
        "-m",
        "pytest",
        "-o",
        "testpaths=tests",
        "-x",
    ]
    assert kwargs["env"]["KERAS_BACKEND"] == "jax"
    assert kwargs["env"]["WORKSHOP_FAST"] == "1"


def test_default_test_is_tensorflow_in_this_python_with_the_notebooks(monkeypatch):
    calls = []
    monkeypatch.delenv("WORKSHOP_NO_VENV", raising=False)
    monkeypatch.setattr(workshop.subprocess, "run", fake_pytest(calls, 0))
    assert workshop.command_test([]) == 0
    ((command, kwargs),) = calls
    assert command == [sys.executable, "-m", "pytest"]
    assert kwargs["env"]["KERAS_BACKEND"] == "tensorflow"


def test_without_a_venv_the_backend_is_only_an_environment_variable(monkeypatch):
    monkeypatch.setenv("WORKSHOP_NO_VENV", "1")
    assert workshop.ensure_backend_environment("torch") == sys.executable


def layered_setup(tmp_path, monkeypatch):
    """A fake repository root with both requirements files; returns the layer's python."""
    (tmp_path / "requirements.txt").write_text("keras==3.15.1\n")
    (tmp_path / "requirements-jax.txt").write_text("jax==0.10.2\n")
    monkeypatch.delenv("WORKSHOP_NO_VENV", raising=False)
    monkeypatch.setattr(workshop, "ROOT", tmp_path)
    monkeypatch.setattr(workshop, "REQUIREMENTS", tmp_path / "requirements.txt")
    return workshop.venv_python(tmp_path / ".venv-jax")


def test_a_backend_layer_is_built_over_venv_then_reused(tmp_path, monkeypatch):
    python = layered_setup(tmp_path, monkeypatch)
    site_packages = tmp_path / ".venv-jax" / "site-packages"
    calls = []

    def run(command, **kwargs):  # stands in for venv and pip: nothing is installed
        calls.append(command)
        if "venv" in command:
            python.parent.mkdir(parents=True, exist_ok=True)
            python.touch()
            site_packages.mkdir(parents=True, exist_ok=True)
        return subprocess.CompletedProcess(command, 0, stdout=f"{site_packages}\n")

    monkeypatch.setattr(workshop.subprocess, "run", run)
    assert workshop.ensure_backend_environment("jax") == str(python)
    venv_call, _, pip_call = calls
    assert venv_call[1:] == [
        "-m",
        "venv",
        "--clear",
        "--without-pip",
        str(tmp_path / ".venv-jax"),
    ]
    assert pip_call[:4] == [str(python), "-m", "pip", "install"]
    assert pip_call[-2:] == ["-r", str(tmp_path / "requirements-jax.txt")]
    pth = (site_packages / workshop.LAYER_PTH).read_text()
    assert pth.startswith("import site; site.addsitedir(")
    assert repr(sysconfig.get_paths()["purelib"]) in pth

    calls.clear()  # the stamp matches: nothing runs
    assert workshop.ensure_backend_environment("jax") == str(python)
    assert calls == []

    (tmp_path / "requirements.txt").write_text("keras==3.15.2\n")  # .venv changed
    assert workshop.ensure_backend_environment("jax") == str(python)
    assert len(calls) == 3 and "--clear" in calls[0]


def test_a_stored_run_writes_its_own_runtime_sentence_and_row(tmp_path, monkeypatch):
    import nbformat

    from tools import readme_tables, run_notebooks

    header = (
        "# 03 · Title\n\n**Time:** about 45 minutes. Running the whole notebook took\n"
        "3.9 minutes (236 s) on a 2-core CPU in full mode (measured with\n"
        "`python3 workshop.py run`); a GPU is not needed.\n"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(header)])
    monkeypatch.setattr(run_notebooks, "machine_description", lambda: "2 CPUs, no GPU")
    record = run_notebooks.run_record("03_x", 185.26, 0.517, "quiet: others 3%", ["h = 1"])
    text = run_notebooks.with_runtime(notebook, record).cells[0].source
    assert "3.1 minutes (185 s) on 2 CPUs, no GPU (quiet)" in text
    assert "236 s" not in text and text.endswith("a GPU is not needed.\n")
    # Running it again replaces the generated sentence itself.
    record["seconds"] = 200.0
    again = run_notebooks.with_runtime(notebook, record).cells[0].source
    assert "3.3 minutes (200 s)" in again and again.count("Running the whole notebook") == 1
    monkeypatch.setattr(readme_tables, "NOTEBOOK_RUNS", tmp_path / "notebooks.json")
    run_notebooks.save_run_record(record)
    assert readme_tables.load_rows(tmp_path / "notebooks.json", "notebooks") == {"03_x": record}


def test_every_solution_has_a_runtime_sentence_the_runner_can_rewrite():
    import nbformat

    from tools import run_notebooks
    from tools.make_exercises import SOLUTIONS

    for path in sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb")):
        first = nbformat.read(path, as_version=4).cells[0].source
        assert run_notebooks.RUNTIME_PATTERN.search(first), path.name
