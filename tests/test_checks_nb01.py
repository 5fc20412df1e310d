"""The checks of notebook 01: every wrong answer gets a clear message and a hint."""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils import layers
from utils.checks import nb01


def dense(code_size, code_activation="relu", output_activation="sigmoid", name="code"):
    inputs = keras.Input((784,))
    codes = keras.layers.Dense(code_size, activation=code_activation, name=name)(inputs)
    return keras.Model(
        inputs, keras.layers.Dense(784, activation=output_activation)(codes)
    )


def deep_untied(hidden_sizes):
    inputs = keras.Input((784,))
    x = inputs
    for units in list(hidden_sizes) + list(reversed(hidden_sizes))[1:]:
        x = keras.layers.Dense(units, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(784, activation="sigmoid")(x))


def tied_first_three_only(hidden_sizes):
    inputs = keras.Input((784,))
    x, encoders = inputs, []
    for units in (128, 64, 32):
        encoders.append(keras.layers.Dense(units, activation="relu"))
        x = encoders[-1](x)
    for dense_layer in reversed(encoders):
        x = layers.DenseTranspose(dense_layer, activation="relu")(x)
    return keras.Model(inputs, x)


def bce(x, x_hat, clip=True, reduce=np.mean, sign=-1.0):
    if clip:
        x_hat = np.clip(x_hat, 1e-7, 1 - 1e-7)
    return float(reduce(sign * (x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat))))


WRONG_ANSWERS = [
    (nb01.q1, dense(32), "expected the function build_dense_autoencoder"),
    (nb01.q1, lambda size: dense(size, name="hidden"), "expected a layer named 'code'"),
    (nb01.q1, lambda size: dense(size, code_activation="sigmoid"), "expected a ReLU"),
    (nb01.q1, lambda size: dense(size, output_activation=None), "expected a sigmoid"),
    (nb01.q1, lambda size: dense(32), "use code_size"),
    (
        nb01.q2,
        lambda x, x_hat: bce(x, x_hat, reduce=np.sum),
        "you summed over the pixels",
    ),
    (nb01.q2, lambda x, x_hat: bce(x, x_hat, sign=1.0), "needs a minus sign"),
    (nb01.q2, lambda x, x_hat: bce(x, x_hat, clip=False), "clip x̂"),
    (nb01.q2, lambda x, x_hat: float(np.mean((x - x_hat) ** 2)), "expected"),
    (nb01.q3, ("a", 0.058), "but the cross-entropy of a perfect copy in this run is above 0.01"),
    (nb01.q3, ("c", 0.058), "you predicted between 0.001 and 0.01"),
    (nb01.q3, ("d", 0.0), "is exactly 0"),
    (nb01.q3, ("d", [0.058]), "pass the value the cell computed"),
    (nb01.q3, ("e", 0.058), "expected one of ['a', 'b', 'c', 'd']"),
    (nb01.q4, "b", "no weight penalty"),
    (nb01.q4, "c", "far too little"),
    (nb01.q5, "a", "would not reconstruct random noise"),
    (nb01.q5, "c", "not underfit"),
    (nb01.q6, deep_untied, "tie the decoder"),
    (nb01.q6, tied_first_three_only, "loop over hidden_sizes"),
    (
        nb01.q7,
        lambda x, x_hat: np.mean((x - x_hat) ** 2, axis=1),
        "you averaged over the pixels",
    ),
    (
        nb01.q7,
        lambda x, x_hat: np.sqrt(np.sum((x - x_hat) ** 2, axis=1)),
        "square root",
    ),
    (nb01.q7, lambda x, x_hat: np.sum((x - x_hat) ** 2), "one value per image"),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    if question is not nb01.q3:
        assert_wrong_with_hint(question, answer, message, capsys)
        return
    question(*answer)  # a prediction and the value the run computed
    printed = capsys.readouterr().out
    assert printed.startswith("❌ q3 not yet:") and message in printed, printed
    assert f"Hint: {question.hint_text}" in printed


def test_every_question_of_notebook_01_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS} | {"q8"}  # q8 below
    assert tested == {f"q{n}" for n in range(1, 9)}
    defined = {name for name in dir(nb01) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


def tied_deep(hidden_sizes):
    inputs = keras.Input((784,))
    x, encoders = inputs, []
    for units in hidden_sizes:
        encoders.append(keras.layers.Dense(units, activation="relu"))
        x = encoders[-1](x)
    for position, dense_layer in enumerate(reversed(encoders)):
        last = position == len(encoders) - 1
        x = layers.DenseTranspose(dense_layer, activation="sigmoid" if last else "relu")(x)
    return keras.Model(inputs, x)


def test_right_answers_pass(capsys):
    right = [
        (nb01.q1, (lambda size: dense(size),)),
        (nb01.q2, (bce,)),
        (nb01.q3, ("d", 0.0581)),
        (nb01.q4, (" A ",)),
        (nb01.q5, ("b",)),
        (nb01.q6, (tied_deep,)),
        (nb01.q7, (lambda x, x_hat: np.sum((x - x_hat) ** 2, axis=1),)),
    ]
    for question, answer in right:
        question(*answer)
        assert capsys.readouterr().out.startswith(f"✅ {question.name} passed"), question.name


def test_floor_outcome_covers_every_range():
    assert [nb01.floor_outcome(v) for v in (0.0, 1e-5, 0.005, 0.06)] == list("abcd")


def test_hints_come_in_two_levels_without_the_solution_lines():
    from utils import checks

    for question in (getattr(nb01, f"q{n}") for n in range(1, 9)):
        assert len(question.hints) == 2, question.name
        for line in checks.solution_code("01", question.name).splitlines():
            line = line.strip()
            if len(line) >= 25:
                assert all(line not in hint for hint in question.hints), (question.name, line)


# ---- q8: the challenge ---------------------------------------------------------------

# 500 copies of one binary image: a model whose decoder bias draws it scores almost 0.
PATTERN = (np.random.default_rng(0).uniform(size=784) < 0.2).astype("float32")
CHALLENGE_IMAGES = np.tile(PATTERN, (500, 1))


def challenge_model(code_size=32, skip=False, name="code", exact=False):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((784,))
    code_layer = keras.layers.Dense(code_size, activation="relu", name=name)
    codes = code_layer(inputs)
    if skip:
        codes = keras.layers.Concatenate()([codes, inputs])
    pixels = keras.layers.Dense(784, activation="sigmoid")
    model = keras.Model(inputs, pixels(codes))
    if exact:  # no weights, and biases of ±20: the pattern, to within 2e-9
        code_layer.set_weights(
            [np.zeros((784, code_size), "float32"), np.zeros(code_size, "float32")]
        )
        pixels.set_weights(
            [np.zeros((code_size, 784), "float32"), 20 * (2 * PATTERN - 1)]
        )
    return model


@pytest.mark.parametrize(
    "answer, images, message",
    [
        (challenge_model(), CHALLENGE_IMAGES, "not yet below"),
        (challenge_model(code_size=64), CHALLENGE_IMAGES, "the code at 32 or fewer"),
        (challenge_model(skip=True), CHALLENGE_IMAGES, "around the 'code' layer"),
        (challenge_model(name="hidden"), CHALLENGE_IMAGES, "a layer named 'code'"),
        (dense(32), CHALLENGE_IMAGES[:100], "expected at least 500 test images"),
        ("autoencoder", CHALLENGE_IMAGES, "expected the trained autoencoder"),
    ],
)
def test_challenge_refuses_weak_or_unconstrained_models(
    answer, images, message, capsys
):
    nb01.q8(answer, images)
    printed = capsys.readouterr().out
    assert printed.startswith("❌ q8 not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {nb01.q8.hint_text}" in printed


def test_challenge_passes_a_model_that_draws_the_images(capsys):
    nb01.q8(challenge_model(exact=True), CHALLENGE_IMAGES)
    printed = capsys.readouterr().out
    assert printed.startswith("✅ q8 passed"), printed
    assert "through a code of 32 numbers" in printed


def test_challenge_thresholds_are_looser_in_fast_mode():
    assert nb01.CHALLENGE_BCE["fast"] > nb01.CHALLENGE_BCE["full"] > 0.0581  # the floor
