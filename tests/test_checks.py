"""The checks of notebook 00: every wrong answer gets a clear message and a hint.

The right answers are checked by nbval, which runs the solution notebook and compares the
check cells' "passed" lines with the stored ones.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint, verdict
from utils import checks, data, layers
from utils.checks import nb00


class SolutionTranspose(keras.layers.Layer):
    """The notebook's solution of q1, to derive the typical wrong layers from."""

    def __init__(self, tied_to, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.tied_to = tied_to
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.bias = self.add_weight(
            name="bias", shape=(self.tied_to.kernel.shape[0],), initializer="zeros"
        )

    def call(self, inputs):
        kernel = keras.ops.transpose(self.tied_to.kernel)
        return self.activation(keras.ops.matmul(inputs, kernel) + self.bias)

    def get_config(self):
        return {
            **super().get_config(),
            "tied_to": keras.saving.serialize_keras_object(self.tied_to),
            "activation": keras.activations.serialize(self.activation),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["tied_to"] = keras.saving.deserialize_keras_object(config["tied_to"])
        return cls(**config)


class BiasSizedByInputs(SolutionTranspose):
    """A typical bug: the bias sized by the layer's inputs (m), not its outputs (n)."""

    def build(self, input_shape):
        self.bias = self.add_weight(name="bias", shape=(input_shape[-1],))


class OwnKernel(SolutionTranspose):
    """Untied: a kernel of its own, initialised as a copy of the Dense kernel."""

    def build(self, input_shape):
        super().build(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=tuple(reversed(self.tied_to.kernel.shape)),
            initializer=keras.initializers.Constant(
                keras.ops.convert_to_numpy(self.tied_to.kernel).T
            ),
        )

    def call(self, inputs):
        return self.activation(keras.ops.matmul(inputs, self.kernel) + self.bias)


class NoTranspose(SolutionTranspose):
    def call(self, inputs):
        return self.activation(keras.ops.matmul(inputs, self.tied_to.kernel) + self.bias)


class NoActivation(SolutionTranspose):
    def call(self, inputs):
        kernel = keras.ops.transpose(self.tied_to.kernel)
        return keras.ops.matmul(inputs, kernel) + self.bias


class NoBias(SolutionTranspose):
    def call(self, inputs):
        kernel = keras.ops.transpose(self.tied_to.kernel)
        return self.activation(keras.ops.matmul(inputs, kernel))


class FrozenKernel(SolutionTranspose):
    """The kernel read through stop_gradient: the decoder's gradient never reaches it."""

    def call(self, inputs):
        kernel = keras.ops.stop_gradient(keras.ops.transpose(self.tied_to.kernel))
        return self.activation(keras.ops.matmul(inputs, kernel) + self.bias)


class ConfigWithoutTie(SolutionTranspose):
    def get_config(self):
        return {**keras.layers.Layer.get_config(self), "activation": "sigmoid"}


class ConfigWithoutActivation(SolutionTranspose):
    def get_config(self):
        config = super().get_config()
        config.pop("activation")
        return config


def untied_autoencoder(num_inputs, num_hidden):
    inputs = keras.Input((num_inputs,))
    codes = keras.layers.Dense(num_hidden, activation="sigmoid", name="encoder")(inputs)
    return keras.Model(
        inputs, keras.layers.Dense(num_inputs, activation="sigmoid")(codes)
    )


def tied_with_linear_output(num_inputs, num_hidden):
    inputs = keras.Input((num_inputs,))
    encoder = keras.layers.Dense(num_hidden, activation="sigmoid", name="encoder")
    return keras.Model(inputs, SolutionTranspose(encoder)(encoder(inputs)))


def tied_hard_coded(num_inputs, num_hidden):
    inputs = keras.Input((num_inputs,))
    encoder = keras.layers.Dense(3, activation="sigmoid", name="encoder")
    outputs = SolutionTranspose(encoder, activation="sigmoid")(encoder(inputs))
    return keras.Model(inputs, outputs)


def tied_autoencoder(num_inputs, num_hidden):
    inputs = keras.Input((num_inputs,))
    encoder = keras.layers.Dense(num_hidden, activation="sigmoid", name="encoder")
    outputs = SolutionTranspose(encoder, activation="sigmoid")(encoder(inputs))
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


SWEEP = {19: 0.0265, 20: 0.0008}  # errors as in a full-mode run: a 33-fold fall

WRONG_ANSWERS = [
    (nb00.q1, SolutionTranspose(keras.layers.Dense(3)), "expected your class"),
    (nb00.q1, keras.layers.Dense, "creating your layer"),
    (nb00.q1, NoTranspose, "raised"),
    (nb00.q1, BiasSizedByInputs, "a bias of 5 values"),
    (nb00.q1, OwnKernel, "a tied layer has no kernel of its own"),
    (nb00.q1, NoActivation, "without the activation"),
    (nb00.q1, NoBias, "leave out the bias"),
    (nb00.q1, FrozenKernel, "changed the encoder's kernel differently"),
    (nb00.q1, ConfigWithoutTie, "get_config must return everything __init__ needs"),
    (nb00.q1, ConfigWithoutActivation, "does get_config keep the activation"),
    (nb00.q2, "not a function", "expected the function build_tied_autoencoder"),
    (nb00.q2, lambda n, h: "model", "to return a Keras model"),
    (nb00.q2, untied_autoencoder, "expected one decoder layer tied to the encoder"),
    (nb00.q2, tied_with_linear_output, "expected a sigmoid on the decoder"),
    (nb00.q2, tied_hard_coded, "use num_inputs and num_hidden"),
    (
        nb00.q3,
        lambda p, r: float(np.abs(p - r).sum()),
        "expected a whole number of bits",
    ),
    (nb00.q3, lambda p, r: int(np.sum(r < 0.5)), "you counted"),
    (nb00.q3, lambda p, r: 1 / 0, "raised ZeroDivisionError"),
    (nb00.q4, relu_autoencoder, "the model is not linear"),
    (nb00.q4, wide_linear_autoencoder, "narrowest Dense layer to have 20 units"),
    (nb00.q5, ("c", SWEEP), "but in this run the error falls more than tenfold"),
    (nb00.q5, ("a", SWEEP), "you predicted that the error stays about the same"),
    (nb00.q5, ("b", {19: 0.03, 20: 0.01}), "falls two- to tenfold"),
    (nb00.q5, ("b", [0.0265, 0.0008]), "pass the sweep's errors as a dict"),
    (nb00.q5, ("e", SWEEP), "expected one of ['a', 'b', 'c', 'd']"),
    (nb00.q6, 19, "with 19 units the error is still far above zero"),
    (nb00.q6, 25, "what is the smallest"),
    (nb00.q6, 10, "with 10 units the error is still large"),
    (nb00.q6, "20", "expected a whole number"),
    (nb00.q7, uncentred_directions, "subtract the mean first"),
    (nb00.q7, unnormalised_directions, "orthonormal columns"),
    (nb00.q7, lambda x, k: np.eye(4)[:, :k], "away from the top principal subspace"),
    (nb00.q8, "a", "more epochs do not help"),
    (nb00.q8, "b", "smaller learning rate"),
    (nb00.q8, "d", "expected one of ['a', 'b', 'c']"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    if question is not nb00.q5:
        assert_wrong_with_hint(question, answer, message, capsys)
        return
    printed = verdict_of(question, answer, capsys)  # a prediction and the sweep's errors
    assert printed.startswith(f"❌ {question.name} not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {question.hint_text}" in printed


def verdict_of(question, answers, capsys):
    question(*answers)
    return capsys.readouterr().out


def test_every_question_of_notebook_00_has_wrong_answers_tested():
    below = {"q9", "q10", "q11"}  # tested below, with the arguments they take
    tested = {question.name for question, _, _ in WRONG_ANSWERS} | below
    assert tested == {f"q{n}" for n in range(1, 12)}
    defined = {name for name in dir(nb00) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


def test_right_answers_pass(capsys):
    assert verdict(nb00.q1, SolutionTranspose, capsys).startswith("✅ q1 passed")
    assert verdict(nb00.q1, layers.DenseTranspose, capsys).startswith("✅ q1 passed")
    assert verdict(nb00.q2, tied_autoencoder, capsys).startswith("✅ q2 passed")
    assert verdict(nb00.q6, 20, capsys).startswith("✅ q6 passed")
    assert verdict(nb00.q8, " C ", capsys).startswith("✅ q8 passed")
    assert verdict_of(nb00.q5, ("b", SWEEP), capsys).startswith("✅ q5 passed")
    assert verdict(
        nb00.q3, lambda p, r: int(np.sum((r > 0.5) != (p > 0.5))), capsys
    ).startswith("✅")


def test_knee_outcome_covers_every_ratio():
    assert [nb00.knee_outcome(e19, 1.0) for e19 in (0.9, 1.5, 5.0, 33.0)] == list("adcb")


def test_hints_do_not_give_the_solution_lines():
    for question in (getattr(nb00, f"q{n}") for n in range(1, 12)):
        assert len(question.hints) == 2, question.name
        code = checks.solution_code("00", question.name)
        for line in code.splitlines():
            line = line.strip()
            if len(line) >= 25:
                assert all(line not in hint for hint in question.hints), (question.name, line)


def test_unfinished_todo_stops_the_check():
    def unfinished(num_inputs, num_hidden):
        raise NotImplementedError("q2 is not done yet")

    with pytest.raises(NotImplementedError):
        nb00.q2(unfinished)


def test_hint_and_solution(capsys):
    nb00.q3.hint()
    assert "bit" in capsys.readouterr().out
    nb00.q7.solution()
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


# ---- q9: the challenge on the bowl ---------------------------------------------------

BOWL_TEST = data.curved_surface(num_samples=3000, seed=0)[2400:]


def bowl_autoencoder(code_size=2, hidden_units=8, skip=False, code_name="code"):
    """An untrained non-linear autoencoder for 3-D points, as the notebook builds it."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(hidden_units, activation="tanh")(inputs)
    codes = keras.layers.Dense(code_size, name=code_name)(hidden)
    if skip:
        codes = keras.layers.Concatenate()([codes, inputs])
    hidden = keras.layers.Dense(hidden_units, activation="tanh")(codes)
    return keras.Model(inputs, keras.layers.Dense(3)(hidden))


def exact_bowl_autoencoder():
    """Codes (x, y), decoded to (x, y, x² + y²): the bowl's points come back exactly."""
    inputs = keras.Input((3,))
    code_layer = keras.layers.Dense(2, name="code")
    codes = code_layer(inputs)
    code_layer.set_weights([np.eye(3, 2, dtype="float32"), np.zeros(2, "float32")])
    lift = keras.layers.Lambda(
        lambda c: keras.ops.concatenate(
            [c, keras.ops.sum(c * c, axis=1, keepdims=True)], axis=1
        ),
        output_shape=(3,),
    )
    return keras.Model(inputs, lift(codes))


CHALLENGE_WRONG = [
    (bowl_autoencoder(), "not yet below"),
    (bowl_autoencoder(code_size=3), "keeps the code at 2 or fewer"),
    (bowl_autoencoder(skip=True), "around the 'code' layer"),
    (bowl_autoencoder(code_name="bottleneck"), "expected a layer named 'code'"),
    ("model", "expected the trained autoencoder"),
]


@pytest.mark.parametrize("answer, message", CHALLENGE_WRONG)
def test_challenge_refuses_weak_or_unconstrained_models(answer, message, capsys):
    nb00.q9(answer, BOWL_TEST)
    printed = capsys.readouterr().out
    assert printed.startswith("❌ q9 not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {nb00.q9.hint_text}" in printed


def test_challenge_wants_the_test_points(capsys):
    nb00.q9(exact_bowl_autoencoder(), BOWL_TEST[:100])
    assert "expected at least 500 test points" in capsys.readouterr().out


def test_challenge_passes_a_model_that_decodes_the_bowl_exactly(capsys):
    nb00.q9(exact_bowl_autoencoder(), BOWL_TEST)
    printed = capsys.readouterr().out
    assert printed.startswith("✅ q9 passed"), printed
    assert "through a code of 2 numbers" in printed


def test_challenge_thresholds_are_looser_in_fast_mode():
    assert nb00.CHALLENGE_MSE["fast"] > nb00.CHALLENGE_MSE["full"] > 0


# ---- q10: the hidden code from W and b; q11: predict the saturation run ------------


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


FIVE_BIT_MODEL = tied_autoencoder(5, 3)  # untrained: its encoder still has W and b

HIDDEN_CODE_WRONG = [
    (lambda W, b, x: x @ W + b, "apply the sigmoid"),
    (lambda W, b, x: sigmoid(x @ W), "you left out the bias b"),
    (lambda W, b, x: sigmoid(-(x @ W + b)), "the sign is flipped"),
    (lambda W, b, x: np.tanh(x @ W + b), "tanh is not the encoder's activation"),
    (lambda W, b, x: sigmoid(W @ x + b), "raised ValueError"),
    (lambda W, b, x: sigmoid(x @ W + b).T, "expected a code of shape (4, 3)"),
    (
        lambda W, b, x: sigmoid(np.atleast_2d(x) @ W + b),
        "expected a code of shape (3,)",
    ),
    ("hidden_code", "expected the function hidden_code"),
]


@pytest.mark.parametrize("answer, message", HIDDEN_CODE_WRONG)
def test_hidden_code_wrong_answers_get_a_message_and_a_hint(answer, message, capsys):
    printed = verdict_of(nb00.q10, (answer, FIVE_BIT_MODEL), capsys)
    assert printed.startswith("❌ q10 not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {nb00.q10.hint_text}" in printed


def test_hidden_code_wants_the_five_bit_model(capsys):
    answer = (lambda W, b, x: sigmoid(x @ W + b), "model")
    printed = verdict_of(nb00.q10, answer, capsys)
    assert "expected the trained five_bit_model" in printed


@pytest.mark.parametrize(
    "answer",
    [
        lambda W, b, x: sigmoid(x @ W + b),
        lambda W, b, x: keras.ops.sigmoid(keras.ops.matmul(x, W) + b),
        lambda W, b, x: 0.5 * (1 + np.tanh(0.5 * (np.dot(x, W) + b))),
    ],
)
def test_hidden_code_right_answers_pass(answer, capsys):
    printed = verdict_of(nb00.q10, (answer, FIVE_BIT_MODEL), capsys)
    assert printed.startswith("✅ q10 passed"), printed


SATURATED = {"huge": 0.61, "default": 0.13}  # a run in which the huge weights stalled


@pytest.mark.parametrize(
    "answer, message",
    [
        (("a", SATURATED), "you predicted that the run from huge weights ends with"),
        (("b", SATURATED), "but in this run the run from the default initialiser"),
        (("c", {"huge": 0.2, "default": 0.15}), "within a factor 2"),
        (("d", SATURATED), "expected one of ['a', 'b', 'c']"),
        (("c", [0.61, 0.13]), "pass the run's final losses as a dict"),
    ],
)
def test_saturation_wrong_predictions_get_a_message_and_a_hint(answer, message, capsys):
    printed = verdict_of(nb00.q11, answer, capsys)
    assert printed.startswith("❌ q11 not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {nb00.q11.hint_text}" in printed


def test_saturation_prediction_follows_the_run(capsys):
    assert verdict_of(nb00.q11, (" C ", SATURATED), capsys).startswith("✅ q11 passed")
    lower = {"huge": 0.05, "default": 0.2}
    assert verdict_of(nb00.q11, ("a", lower), capsys).startswith("✅ q11 passed")
    outcomes = [nb00.saturation_outcome(h, 1.0) for h in (0.3, 0.5, 1.9, 2.1)]
    assert outcomes == list("abbc")
