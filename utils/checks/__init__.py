"""The exercise-check framework: ``check.q1(answer)`` says right, or what is wrong and a hint.

Each notebook has a module here (``nb00``, ...) defining its questions. A question checks
the behaviour of the answer (shapes, parameter counts, values on fixed data, properties of
the output), never the text of the learner's code. ``check.q1.hint()`` prints a nudge,
``check.q1.hint(2)`` a stronger hint, ``check.q1.solution()`` the solution code, read from
the solution notebook, and ``check.summary()`` a table of the notebook's questions.

In a solution notebook, the code of question N sits between two marker lines::

    # BEGIN SOLUTION qN: what the learner should write (shown in the exercise)
    ...
    # END SOLUTION

``tools/make_exercises.py`` replaces each such region by a TODO that raises
``NotImplementedError``.
"""

import json
import re
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
BEGIN = re.compile(
    r"^(?P<indent>\s*)# BEGIN SOLUTION (?P<question>q\d+)(?::\s*(?P<task>.*))?$"
)
END = re.compile(r"^\s*# END SOLUTION\s*$")
PASS_MARK = "✅"
FAIL_MARK = "❌"
TODO_MARK = "⏸"


class Wrong(Exception):
    """Raised by a check function to say what is wrong with an answer."""


def solution_regions(source):
    """Split cell source into pieces: str lines outside regions, dicts for regions.

    Returns:
        list of items; each region is ``{"question", "indent", "task", "lines"}``.
    Raises:
        ValueError: on a BEGIN without END, an END without BEGIN, or nested regions.
    """
    items, region = [], None
    for number, line in enumerate(source.splitlines(), start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if region is not None:
                raise ValueError(
                    f"Expected # END SOLUTION before line {number}. Received: nested BEGIN"
                )
            region = {
                "question": begin["question"],
                "indent": begin["indent"],
                "task": (begin["task"] or "").strip(),
                "lines": [],
            }
        elif end:
            if region is None:
                raise ValueError(
                    f"Expected # BEGIN SOLUTION before line {number}. Received: a lone END"
                )
            items.append(region)
            region = None
        elif region is not None:
            region["lines"].append(line)
        else:
            items.append(line)
    if region is not None:
        raise ValueError(
            f"Expected # END SOLUTION for {region['question']}. Received: end of cell"
        )
    return items


class NotAttempted(NotImplementedError):
    """Raised by ``check.qN(...)`` when the learner's TODO still raises ``NotImplementedError``.

    IPython shows an exception through its ``_render_traceback_`` method when it has one, so
    the learner sees one line, not a traceback through the checking code, and "Run All"
    stops at this check.
    """

    def _render_traceback_(self):
        return [f"{TODO_MARK} {self}"]


# What a generated TODO raises (tools/make_exercises.py writes it): "q1 not attempted yet: ..."
TODO_MESSAGE = re.compile(r"^q\d+ not attempted yet\b")


def todo_message(question):
    """Return the message of the ``NotImplementedError`` that a TODO for ``question`` raises."""
    return (
        f"{question} not attempted yet: replace this line with your code "
        "(see the TODO above), then run the cell again."
    )


def show_todos_in_one_line(shell=None):
    """Make IPython show a TODO's ``NotImplementedError`` as one line, not a traceback.

    A learner who runs all cells meets the first TODO: the cell stops "Run All" there, as
    any error does, but shows only ``⏸ q1 not attempted yet: ...``. Any other exception
    (a ``NotImplementedError`` of the learner's own included) keeps its full traceback.

    Args:
        shell: the IPython shell; by default the running one. Outside IPython (a plain
            Python script) nothing changes.
    Returns:
        bool, whether a handler was registered.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False

    def handler(shell, etype, value, tb, tb_offset=None):
        if TODO_MESSAGE.match(str(value)):
            line = f"{TODO_MARK} {value}"
            # IPython shows an exception through its _render_traceback_ when it has one.
            value._render_traceback_ = lambda: [line]
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)

    shell.set_custom_exc((NotImplementedError,), handler)
    return True


QUESTIONS = {}  # notebook number -> its Questions in order, for summary()


class Question:
    """One checked exercise of a notebook.

    Args:
        notebook: str, the notebook's number such as ``"00"``.
        name: str, ``"q1"``, ``"q2"``, ...
        check: function taking the learner's answer; raises ``Wrong(message)`` when it is
            wrong and returns a short success message otherwise.
        hint: str or list of str, the hints from a nudge to a strong one; the first is shown
            with a wrong answer, ``hint(2)`` shows the second. None of them is the code:
            ``solution()`` prints that.

    The learner reaches a question as ``check.qN`` (each notebook imports its checks as
    ``check``), so every command a message suggests is spelled that way.
    """

    def __init__(self, notebook, name, check, hint):
        hints = [hint] if isinstance(hint, str) else list(hint)
        if not hints or not all(isinstance(h, str) and h for h in hints):
            raise ValueError(
                f"Expected a hint string or a list of them for {name}. Received: {hint!r}"
            )
        self.notebook, self.name, self.check, self.hints = notebook, name, check, hints
        self.hint_text = hints[0]
        self.attempted = self.passed = False
        self.hints_used = 0
        QUESTIONS.setdefault(notebook, []).append(self)

    @property
    def command(self):
        """How the learner types this question: ``check.q1``."""
        return f"check.{self.name}"

    def evaluate(self, *answer):
        """Return (passed, message) without printing.

        Raises:
            NotImplementedError: when the learner's code still raises it (a TODO left).
        """
        try:
            message = self.check(*answer)
        except Wrong as wrong:
            return False, str(wrong)
        except NotImplementedError:
            raise
        except Exception as error:  # the learner's code failed inside the check
            return False, f"running your answer raised {type(error).__name__}: {error}"
        return True, message or "correct"

    def __call__(self, *answer):
        """Check an answer and print the verdict (and the first hint when it is wrong).

        Raises:
            NotAttempted: when the answer's TODO still raises ``NotImplementedError``.
        """
        try:
            passed, message = self.evaluate(*answer)
        except NotImplementedError:
            raise NotAttempted(
                f"{self.name} not attempted yet: write your code in place of the TODO above, "
                "run that cell, then this one."
            ) from None
        self.attempted = True
        self.passed = self.passed or passed
        if passed:
            print(f"{PASS_MARK} {self.name} passed: {message}")
            return
        self.hints_used = max(self.hints_used, 1)
        print(f"{FAIL_MARK} {self.name} not yet: {message}")
        print(f"   Hint: {self.hints[0]}")
        more = f"{self.command}.hint(2) for a stronger hint, " if len(self.hints) > 1 else ""
        print(f"   ({more}{self.command}.solution() for the answer.)")

    def hint(self, level=1):
        """Print hint number ``level`` (1 is a nudge; higher levels say more).

        Raises:
            ValueError: when ``level`` is not a positive whole number.
        """
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise ValueError(
                f"Expected a hint level of 1 or more. Received: {level!r}"
            )
        shown = min(level, len(self.hints))
        self.hints_used = max(self.hints_used, shown)
        print(f"Hint {shown} of {len(self.hints)} for {self.name}: {self.hints[shown - 1]}")
        if level > len(self.hints):
            print(f"   (No stronger hint: {self.command}.solution() prints the code.)")
        elif level < len(self.hints):
            print(f"   ({self.command}.hint({level + 1}) says more.)")

    def solution(self):
        """Print the solution code, read from this notebook's solution notebook."""
        self.hints_used = len(self.hints) + 1
        print(solution_code(self.notebook, self.name))


def summary(notebook):
    """Print a table of ``notebook``'s questions: attempted, passed, hints used.

    Args:
        notebook: str, the notebook's number such as ``"00"``.
    Returns:
        None: the table is printed (a returned table would show a second time).
    Raises:
        ValueError: when no questions are defined for ``notebook``.
    """
    import pandas as pd

    questions = QUESTIONS.get(notebook)
    if not questions:
        raise ValueError(
            f"Expected the number of a notebook with checks, such as '00'. Received: {notebook!r}"
        )
    table = pd.DataFrame(
        [
            {
                "question": q.name,
                "attempted": "yes" if q.attempted else "no",
                "passed": PASS_MARK if q.passed else ("" if not q.attempted else FAIL_MARK),
                "hints used": (
                    "solution" if q.hints_used > len(q.hints) else str(q.hints_used)
                ),
            }
            for q in questions
        ]
    )
    passed = sum(q.passed for q in questions)
    print(table.to_string(index=False))
    print(f"{passed} of {len(questions)} passed.")


def solution_code(notebook, question, solutions_dir=None):
    """Return the solution lines of ``question`` in ``solutions/<notebook>_*.ipynb``."""
    folder = Path(solutions_dir or REPO_ROOT / "solutions")
    matches = sorted(folder.glob(f"{notebook}_*.ipynb"))
    if not matches:
        raise ValueError(
            f"Expected a solution notebook {folder}/{notebook}_*.ipynb. Received: none"
        )
    cells = json.loads(matches[0].read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        source = "".join(cell["source"])
        for item in solution_regions(source):
            if isinstance(item, dict) and item["question"] == question:
                indent = len(item["indent"])
                return "\n".join(line[indent:] for line in item["lines"])
    raise ValueError(
        f"Expected a region for {question} in {matches[0].name}. Received: none"
    )


# ---- Helpers for writing checks ---------------------------------------------------------


def expect(condition, message):
    """Raise ``Wrong(message)`` unless ``condition`` holds."""
    if not condition:
        raise Wrong(message)


def expect_model(answer, what="a Keras model"):
    """Raise ``Wrong`` unless ``answer`` is a ``keras.Model``; return it."""
    import keras

    expect(
        isinstance(answer, keras.Model),
        f"expected {what} (a keras.Model), received {type(answer).__name__}",
    )
    return answer


def expect_callable(answer, what="a function"):
    """Raise ``Wrong`` unless ``answer`` is a function (not a model or layer); return it."""
    import keras

    expect(
        not isinstance(answer, (keras.Model, keras.layers.Layer)),
        f"expected {what}, received a Keras {type(answer).__name__}: pass the function "
        "itself, not what it returned",
    )
    expect(callable(answer), f"expected {what}, received {type(answer).__name__}")
    return answer


def expect_choice(answer, choices):
    """Raise ``Wrong`` unless ``answer`` is one of the letters in ``choices``."""
    letter = answer.strip().lower() if isinstance(answer, str) else answer
    expect(letter in choices, f"expected one of {sorted(choices)}, received {answer!r}")
    return letter


def trainable_count(model):
    """Return the number of trainable parameters of a Keras model."""
    return int(sum(int(np.prod(w.shape)) for w in model.trainable_weights))


def expect_pixels_in_and_out(model, pixels=784):
    """Raise ``Wrong`` unless ``model`` maps (None, pixels) to (None, pixels) and ends in a
    sigmoid ``Dense`` layer; return the model's ``Dense`` layers in order."""
    import keras

    expect(
        tuple(model.input_shape) == (None, pixels)
        and tuple(model.output_shape) == (None, pixels),
        f"expected (None, {pixels}) in and out, got {model.input_shape} -> "
        f"{model.output_shape}",
    )
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    expect(
        bool(dense) and dense[-1].activation is keras.activations.sigmoid,
        "expected a sigmoid on the output layer: pixels lie in [0, 1]",
    )
    return dense


def expect_dense_layer(model, name, units, note=""):
    """Raise ``Wrong`` unless ``model`` has a ``Dense`` layer ``name`` of ``units`` units;
    return it. ``note`` follows "of N units" in the message, e.g. " by default"."""
    import keras

    names = [layer.name for layer in model.layers]
    expect(name in names, f"expected a layer named '{name}', found {names}")
    layer = model.get_layer(name)
    expect(
        isinstance(layer, keras.layers.Dense) and layer.units == units,
        f"expected the '{name}' layer to be a Dense layer of {units} units{note}, "
        f"found {type(layer).__name__} with {getattr(layer, 'units', '?')} units",
    )
    return layer


def dense_parameters(sizes):
    """Parameters of a chain of Dense layers through ``sizes`` (kernels and biases)."""
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def to_numpy(value, dtype=None):
    """Return a model's or a learner's output as a NumPy array, on every backend.

    ``np.asarray`` fails on a PyTorch tensor that requires gradients (a model's output);
    ``keras.ops.convert_to_numpy`` detaches it first. Lists and arrays pass through.
    """
    import keras

    if not isinstance(value, (np.ndarray, list, tuple, int, float)):
        value = keras.ops.convert_to_numpy(value)
    return np.asarray(value, dtype=dtype)
