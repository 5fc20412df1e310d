"""The workshop runner names the failing cell and collects headline metrics."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

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
