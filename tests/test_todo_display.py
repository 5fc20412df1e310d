"""A TODO left in an exercise stops a cell with one line, not a traceback (issue 12, point 5)."""

import pytest

from tools.make_exercises import todo_lines
from utils.checks import show_todos_in_one_line

InteractiveShell = pytest.importorskip("IPython.core.interactiveshell").InteractiveShell


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    yield shell
    shell.set_custom_exc((), None)
    InteractiveShell.clear_instance()


def run(shell, code, capsys):
    result = shell.run_cell(code)
    return result, capsys.readouterr().out


def test_a_todo_shows_one_line_and_fails_the_cell(shell, capsys):
    assert show_todos_in_one_line(shell)
    region = {"question": "q3", "indent": "    ", "task": "the encoder"}
    code = "def encode(x):\n" + "\n".join(todo_lines(region)) + "\n\nencode(1)\n"
    result, shown = run(shell, code, capsys)
    assert isinstance(result.error_in_exec, NotImplementedError)  # Run All stops here
    lines = [line for line in shown.splitlines() if line.strip()]
    assert len(lines) == 1, shown
    assert lines[0].startswith("⏸ q3 not attempted yet: replace this line")


def test_other_errors_keep_their_traceback(shell, capsys):
    show_todos_in_one_line(shell)
    result, shown = run(shell, "raise NotImplementedError('my own stub')", capsys)
    assert isinstance(result.error_in_exec, NotImplementedError)
    assert "Traceback" in shown and "my own stub" in shown
    result, shown = run(shell, "1 / 0", capsys)
    assert "ZeroDivisionError" in shown and "Traceback" in shown


def test_outside_ipython_nothing_is_registered():
    class NotAShell:
        pass

    assert show_todos_in_one_line(NotAShell()) is False
