"""The runner's calibration figure and its word on whether the machine was busy."""

import os
import time

from tools import run_notebooks


def test_calibration_is_a_positive_time_that_grows_with_the_work():
    seconds = run_notebooks.calibrate(repeats=1)
    assert 0.0 < seconds < 60.0


def test_others_share_subtracts_our_own_cpu_time():
    ticks = os.sysconf("SC_CLK_TCK")
    before, after = (0, 0), (4 * ticks, 10 * ticks)  # 4 s busy of 10 s of CPU
    assert run_notebooks.others_share(before, after, own_seconds=3.0) == 0.1
    assert run_notebooks.others_share(before, after, own_seconds=5.0) == 0.0
    assert run_notebooks.others_share(None, after, own_seconds=1.0) is None


def test_a_busy_machine_is_named_in_the_row_and_the_total():
    assert run_notebooks.load_note(0.5).startswith("BUSY: other processes used 50%")
    assert run_notebooks.load_note(0.05) == "quiet: others 5%"
    assert run_notebooks.load_note(None) == "load unknown"
    rows = [
        run_notebooks.Row("00_a", "ok", 1.5, "x = 1", None, 0.91, "quiet: others 2%"),
        run_notebooks.Row("01_b", "ok", 2.0, "-", None, 1.80, "BUSY: others 60%"),
    ]
    table = run_notebooks.summary_table(rows, "full")
    assert "| 00_a | ok | 1.5 s | x = 1 | 0.91 s | quiet: others 2% |" in table
    assert "| total | 2/2 ok | 3.5 s | | | 1 busy |" in table


def test_cpu_readings_move_forward_while_we_compute():
    first = run_notebooks.cpu_jiffies()
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:
        pass
    second = run_notebooks.cpu_jiffies()
    assert second[1] > first[1] and second[0] >= first[0]


def test_cell_times_are_read_and_never_stored(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = new_notebook(
        cells=[new_code_cell("import time\ntime.sleep(0.3)"), new_code_cell("1 + 1")]
    )
    path = tmp_path / "98_timed.ipynb"
    nbformat.write(notebook, path)
    executed, error = run_notebooks.execute(path, timeout=120)
    assert error is None
    timed = sorted(run_notebooks.cell_seconds(executed), reverse=True)
    assert timed[0][1:] == (0, "import time") and timed[0][0] >= 0.3
    stripped = run_notebooks.without_timing(executed)
    assert all("execution" not in cell.metadata for cell in stripped.cells)
    assert "execution" in executed.cells[0].metadata  # the build copy keeps them
