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
    (nb01.q3, "a", "no weight decay"),
    (nb01.q3, "c", "any value strictly between 0 and 1"),
    (nb01.q4, "a", "would not reconstruct random noise"),
    (nb01.q4, "c", "not underfit"),
    (nb01.q5, deep_untied, "tie the decoder"),
    (nb01.q5, tied_first_three_only, "loop over hidden_sizes"),
    (
        nb01.q6,
        lambda x, x_hat: np.mean((x - x_hat) ** 2, axis=1),
        "you averaged over the pixels",
    ),
    (
        nb01.q6,
        lambda x, x_hat: np.sqrt(np.sum((x - x_hat) ** 2, axis=1)),
        "square root",
    ),
    (nb01.q6, lambda x, x_hat: np.sum((x - x_hat) ** 2), "one value per image"),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_01_has_wrong_answers_tested():
    assert {question.name for question, _, _ in WRONG_ANSWERS} == {
        f"q{n}" for n in range(1, 7)
    }
