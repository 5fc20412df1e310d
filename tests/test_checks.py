"""The checks of notebook 00: every wrong answer gets a clear message and a hint.

The right answers are checked by nbval, which runs the solution notebook and compares the
check cells' "passed" lines with the stored ones.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint, verdict
from utils import checks, layers
from utils.checks import nb00


def untied_autoencoder(num_inputs, num_hidden):
    inputs = keras.Input((num_inputs,))
    codes = keras.layers.Dense(num_hidden, activation="sigmoid")(inputs)
    return keras.Model(
        inputs, keras.layers.Dense(num_inputs, activation="sigmoid")(codes)
    )


def tied_with_linear_output(num_inputs, num_hidden):
    inputs = keras.Input((num_inputs,))
    encoder = keras.layers.Dense(num_hidden, activation="sigmoid")
    return keras.Model(inputs, layers.DenseTranspose(encoder)(encoder(inputs)))


def tied_hard_coded(num_inputs, num_hidden):
    inputs = keras.Input((num_inputs,))
    encoder = keras.layers.Dense(3, activation="sigmoid")
    outputs = layers.DenseTranspose(encoder, activation="sigmoid")(encoder(inputs))
    return keras.Model(inputs, outputs)


def relu_autoencoder(num_inputs, code_size):
    inputs = keras.Input((num_inputs,))
    codes = keras.layers.Dense(code_size, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(num_inputs)(codes))


def wide_linear_autoencoder(num_inputs, code_size):
    inputs = keras.Input((num_inputs,))
    return keras.Model(
        inputs, keras.layers.Dense(num_inputs)(keras.layers.Dense(num_inputs)(inputs))
    )


def uncentred_directions(x, k):
    return np.linalg.svd(x, full_matrices=False)[2][:k].T


def unnormalised_directions(x, k):
    return 3.0 * np.linalg.svd(x - x.mean(0), full_matrices=False)[2][:k].T


WRONG_ANSWERS = [
    (nb00.q1, "not a function", "expected the function build_tied_autoencoder"),
    (nb00.q1, lambda n, h: "model", "to return a Keras model"),
    (nb00.q1, untied_autoencoder, "expected one layers.DenseTranspose decoder"),
    (nb00.q1, tied_with_linear_output, "expected a sigmoid on the decoder"),
    (nb00.q1, tied_hard_coded, "use num_inputs and num_hidden"),
    (
        nb00.q2,
        lambda p, r: float(np.abs(p - r).sum()),
        "expected a whole number of bits",
    ),
    (nb00.q2, lambda p, r: int(np.sum(r < 0.5)), "you counted"),
    (nb00.q2, lambda p, r: 1 / 0, "raised ZeroDivisionError"),
    (nb00.q3, relu_autoencoder, "the model is not linear"),
    (nb00.q3, wide_linear_autoencoder, "narrowest Dense layer to have 20 units"),
    (nb00.q4, 19, "with 19 units the error is still far above zero"),
    (nb00.q4, 25, "what is the smallest"),
    (nb00.q4, 10, "with 10 units the error is still large"),
    (nb00.q4, "20", "expected a whole number"),
    (nb00.q5, uncentred_directions, "subtract the mean first"),
    (nb00.q5, unnormalised_directions, "orthonormal columns"),
    (nb00.q5, lambda x, k: np.eye(4)[:, :k], "away from the top principal subspace"),
    (nb00.q6, "a", "more epochs do not help"),
    (nb00.q6, "c", "smaller learning rate"),
    (nb00.q6, "d", "expected one of ['a', 'b', 'c']"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_00_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 7)}


def test_right_answers_pass(capsys):
    assert verdict(nb00.q4, 20, capsys).startswith("✅ q4 passed")
    assert verdict(nb00.q6, " B ", capsys).startswith("✅ q6 passed")
    assert verdict(
        nb00.q2, lambda p, r: int(np.sum((r > 0.5) != (p > 0.5))), capsys
    ).startswith("✅")


def test_unfinished_todo_stops_the_check():
    def unfinished(num_inputs, num_hidden):
        raise NotImplementedError("q1 is not done yet")

    with pytest.raises(NotImplementedError):
        nb00.q1(unfinished)


def test_hint_and_solution(capsys):
    nb00.q2.hint()
    assert "reconstructions > 0.5" in capsys.readouterr().out
    nb00.q5.solution()
    printed = capsys.readouterr().out
    assert "np.linalg.svd" in printed and "BEGIN SOLUTION" not in printed
    assert not printed.startswith(" ")  # the function's indentation is removed


def test_solution_regions_parse_and_reject_broken_markers():
    items = checks.solution_regions(
        "a\n    # BEGIN SOLUTION q2: do it\n    x = 1\n    # END SOLUTION\nb"
    )
    assert items[0] == "a" and items[2] == "b"
    assert items[1] == {
        "question": "q2",
        "indent": "    ",
        "task": "do it",
        "lines": ["    x = 1"],
    }
    for broken in [
        "# BEGIN SOLUTION q1\nx",
        "# END SOLUTION",
        "# BEGIN SOLUTION q1\n# BEGIN SOLUTION q2",
    ]:
        with pytest.raises(ValueError, match="Expected # (END|BEGIN) SOLUTION"):
            checks.solution_regions(broken)


# ---- The framework as a learner meets it (hints in levels, not attempted, summary) -------

import json as _json
import re as _re
from collections import Counter
from pathlib import Path as _Path

_SOLUTIONS = sorted((_Path(__file__).resolve().parents[1] / "solutions").glob("*.ipynb"))


def _regions():
    for path in _SOLUTIONS:
        for cell in _json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for item in checks.solution_regions("".join(cell["source"])):
                if isinstance(item, dict):
                    yield path.name[:2], item


def test_a_todo_left_is_not_attempted_in_one_line_not_wrong():
    def unfinished(num_inputs, num_hidden):
        raise NotImplementedError("q1 is not done yet")

    question = checks.Question("xx", "q1", lambda f: f(5, 3), "a nudge")
    with pytest.raises(checks.NotAttempted) as raised:
        question(unfinished)
    lines = raised.value._render_traceback_()
    assert len(lines) == 1 and "q1 not attempted yet" in lines[0]
    assert not question.attempted and not question.passed


def test_hints_come_in_levels_and_every_suggested_command_works(capsys):
    question = checks.Question("xx", "q1", lambda a: checks.expect(a == 1, "no"), ["nudge", "more"])
    question(2)
    printed = capsys.readouterr().out
    assert "Hint: nudge" in printed and "more" not in printed.replace("stronger", "")
    commands = _re.findall(r"check\.q1\.(\w+)\((\d*)\)", printed)
    assert ("hint", "2") in commands and ("solution", "") in commands
    question.hint(2)
    assert "Hint 2 of 2 for q1: more" in capsys.readouterr().out
    question.hint(5)
    assert "No stronger hint" in capsys.readouterr().out
    with pytest.raises(ValueError, match="Expected a hint level of 1 or more"):
        question.hint(0)
    with pytest.raises(ValueError, match="Expected a hint string"):
        checks.Question("xx", "q9", lambda a: None, [])


def test_summary_shows_attempted_passed_and_hints(capsys):
    checks.QUESTIONS.pop("yy", None)
    first = checks.Question("yy", "q1", lambda a: checks.expect(a == 1, "no"), ["n", "m"])
    checks.Question("yy", "q2", lambda a: None, "n")
    first(2)
    first(1)
    capsys.readouterr()
    assert checks.summary("yy") is None
    rows = capsys.readouterr().out.splitlines()
    assert rows[1].split() == ["q1", "yes", checks.PASS_MARK, "1"]
    assert rows[2].split() == ["q2", "no", "0"]
    assert rows[-1] == "1 of 2 passed."
    with pytest.raises(ValueError, match="Expected the number of a notebook"):
        checks.summary("zz")
