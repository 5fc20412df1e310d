"""notebooks/ is generated from solutions/, and an exercise stops at its first TODO."""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tools import make_exercises
from utils.config import REPO_URL

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_solution_notebooks():
    assert SOLUTIONS, "no solution notebooks found"


def test_notebooks_match_what_the_generator_writes():
    drift = make_exercises.drift()
    assert not drift, f"out of date (run `python3 workshop.py sync`): {drift}"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_exercise_differs_only_in_todos_and_outputs(solution):
    exercise = json.loads(
        (ROOT / "notebooks" / solution.name).read_text(encoding="utf-8")
    )
    stored = json.loads(solution.read_text(encoding="utf-8"))
    assert len(exercise["cells"]) == len(stored["cells"])
    regions = todos = 0
    for ours, theirs in zip(exercise["cells"], stored["cells"]):
        source, solution_source = "".join(ours["source"]), "".join(theirs["source"])
        if ours["cell_type"] == "code":
            assert ours["outputs"] == [] and ours["execution_count"] is None
            regions += solution_source.count("# BEGIN SOLUTION")
            todos += source.count("raise NotImplementedError(")
            assert "# BEGIN SOLUTION" not in source
        elif "Open In Colab" not in source:
            assert source == solution_source
    assert regions == todos > 0


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_badge_and_setup_use_the_one_repository_url(solution):
    text = solution.read_text(encoding="utf-8")
    owner_repo = REPO_URL.replace("https://github.com/", "")
    assert (
        f"colab.research.google.com/github/{owner_repo}/blob/main/solutions/{solution.name}"
        in text
    )
    assert f'\\"WORKSHOP_REPO_URL\\", \\"{REPO_URL}\\"' in text


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_exercise_runs_until_its_first_todo(solution):
    exercise = nbformat.read(ROOT / "notebooks" / solution.name, as_version=4)
    first_todo = next(
        i
        for i, c in enumerate(exercise.cells)
        if "raise NotImplementedError(" in c.source
    )
    # Run only up to the cell after the first TODO (its check); later cells are not needed.
    exercise.cells = exercise.cells[: first_todo + 2]
    client = NotebookClient(
        exercise,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    )
    with pytest.raises(CellExecutionError) as failure:
        client.execute()
    assert "NotImplementedError" in str(failure.value) or "not attempted yet" in str(
        failure.value
    )
    failed = [
        i
        for i, c in enumerate(exercise.cells)
        if any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    assert failed and failed[0] in (first_todo, first_todo + 1), (failed, first_todo)
    if failed[0] == first_todo + 1:  # the check cell: one line, no traceback through checks
        (error,) = [o for o in exercise.cells[failed[0]].outputs if o.output_type == "error"]
        assert len(error.traceback) == 1 and "not attempted yet" in error.traceback[0], error


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_readme_lists_each_notebook_with_its_colab_badge(solution):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    owner_repo = REPO_URL.replace("https://github.com/", "")
    badge = f"colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{solution.name}"
    assert badge in readme
