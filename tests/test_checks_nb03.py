"""The checks of notebook 03: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils import metrics
from utils.checks import nb03

# ---- Right answers ------------------------------------------------------------


def mask_pixels(x, fraction, seed):
    keep = np.random.default_rng(seed).uniform(size=np.shape(x)) >= fraction
    return x * keep


def psnr_by_hand(x, x_hat):
    mse = np.mean((x - x_hat) ** 2, axis=1)
    return float(np.mean(10 * np.log10(1.0 / mse)))


def dense(hidden_units=500, hidden="sigmoid", output="sigmoid", name="encoder"):
    inputs = keras.Input((784,))
    codes = keras.layers.Dense(hidden_units, activation=hidden, name=name)(inputs)
    return keras.Model(inputs, keras.layers.Dense(784, activation=output)(codes))


def hole_errors(x, x_hat, hole):
    squared = (x - x_hat) ** 2
    return float(squared[hole == 1].mean()), float(squared[hole == 0].mean())


def paste_known_pixels(corrupted, x_hat, hole):
    return corrupted * (1 - hole) + x_hat * hole


# ---- Plausible wrong answers --------------------------------------------------


def mask_keeps_fraction(x, fraction, seed):
    keep = np.random.default_rng(seed).uniform(size=np.shape(x)) < fraction
    return x * keep


def mask_scales(x, fraction, seed):
    return x * np.random.default_rng(seed).uniform(size=np.shape(x))


def mask_in_place(x, fraction, seed):
    x[np.random.default_rng(seed).uniform(size=np.shape(x)) < fraction] = 0.0
    return x


def mask_one_per_image_row(x, fraction, seed):
    drop = np.random.default_rng(seed).uniform(size=(len(x), 1)) < fraction
    return x * ~drop


def mask_shared_by_all_images(x, fraction, seed):
    keep = np.random.default_rng(seed).uniform(size=np.shape(x)[1:]) >= fraction
    return x * keep


def mask_ignores_seed(x, fraction, seed):
    return x * (np.random.default_rng().uniform(size=np.shape(x)) >= fraction)


def psnr_whole_batch(x, x_hat):
    return float(10 * np.log10(1.0 / np.mean((x - x_hat) ** 2)))


def psnr_twenty(x, x_hat):
    return float(np.mean(20 * np.log10(1.0 / np.mean((x - x_hat) ** 2, axis=1))))


def psnr_natural_log(x, x_hat):
    return float(np.mean(10 * np.log(1.0 / np.mean((x - x_hat) ** 2, axis=1))))


def psnr_flipped(x, x_hat):
    return float(np.mean(10 * np.log10(np.mean((x - x_hat) ** 2, axis=1))))


def psnr_per_image(x, x_hat):
    return 10 * np.log10(1.0 / np.mean((x - x_hat) ** 2, axis=1))


def hole_errors_over_all_pixels(x, x_hat, hole):
    squared = (x - x_hat) ** 2
    return float(np.mean(squared * hole)), float(np.mean(squared * (1 - hole)))


def hole_errors_swapped(x, x_hat, hole):
    return hole_errors(x, x_hat, hole)[::-1]


def hole_errors_outside_is_everything(x, x_hat, hole):
    squared = (x - x_hat) ** 2
    return float(squared[hole == 1].mean()), float(squared.mean())


def hole_errors_absolute(x, x_hat, hole):
    absolute = np.abs(x - x_hat)
    return float(absolute[hole == 1].mean()), float(absolute[hole == 0].mean())


def paste_in_place(corrupted, x_hat, hole):
    corrupted[hole == 1] = x_hat[hole == 1]
    return corrupted


WRONG_ANSWERS = [
    (nb03.q1, mask_keeps_fraction, "`fraction` is the share set to 0"),
    (nb03.q1, mask_scales, "it does not add or scale"),
    (nb03.q1, mask_in_place, "you changed x in place"),
    (nb03.q1, mask_one_per_image_row, "you masked whole images"),
    (nb03.q1, mask_shared_by_all_images, "every image got the same mask"),
    (nb03.q1, mask_ignores_seed, "the same seed gave a different mask"),
    (nb03.q1, lambda x, fraction, seed: x[:, :100], "expected the shape of x"),
    (nb03.q1, np.ones((2, 784)), "expected the function mask_pixels"),
    (nb03.q2, psnr_whole_batch, "one MSE over the whole batch"),
    (nb03.q2, psnr_twenty, "20 log10 goes with the root"),
    (nb03.q2, psnr_natural_log, "base-10 logarithm"),
    (nb03.q2, psnr_flipped, "the sign is flipped"),
    (nb03.q2, psnr_per_image, "expected one number"),
    (nb03.q2, lambda x, x_hat: 1 / 0, "raised ZeroDivisionError"),
    (nb03.q3, lambda hidden_units: dense(hidden_units, name="hidden"), "'encoder'"),
    (
        nb03.q3,
        lambda hidden_units: dense(hidden_units, hidden="relu"),
        "sigmoid on the encoder",
    ),
    (
        nb03.q3,
        lambda hidden_units: dense(hidden_units, output=None),
        "sigmoid on the output",
    ),
    (nb03.q3, lambda hidden_units: dense(500), "use hidden_units"),
    (nb03.q3, lambda hidden_units: dense(784), "Dense layer of 500 units"),
    (nb03.q3, dense(500), "pass the function itself"),
    (nb03.q4, "a", "no pattern in it to learn"),
    (nb03.q4, "c", "never negative"),
    (nb03.q4, "yes", "expected one of ['a', 'b', 'c']"),
    (nb03.q5, hole_errors_over_all_pixels, "averaged over every pixel"),
    (nb03.q5, hole_errors_swapped, "the two values are swapped"),
    (nb03.q5, hole_errors_outside_is_everything, "also counts the hole's pixels"),
    (nb03.q5, hole_errors_absolute, "no absolute value or square root"),
    (nb03.q5, lambda x, x_hat, hole: 0.5, "expected two numbers"),
    (
        nb03.q6,
        lambda corrupted, x_hat, hole: x_hat * (1 - hole) + corrupted * hole,
        "the two parts are swapped",
    ),
    (nb03.q6, lambda corrupted, x_hat, hole: x_hat, "the model's output everywhere"),
    (nb03.q6, lambda corrupted, x_hat, hole: corrupted, "the hole is still empty"),
    (nb03.q6, paste_in_place, "changed an input array in place"),
    (
        nb03.q6,
        lambda corrupted, x_hat, hole: (corrupted + x_hat) / 2,
        "expected the known pixels outside the hole",
    ),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_03_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 7)}
    defined = {name for name in dir(nb03) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb03.q1, mask_pixels),
        (nb03.q2, psnr_by_hand),
        (nb03.q2, lambda x, x_hat: metrics.psnr(x, x_hat)),
        (nb03.q3, dense),
        (nb03.q4, " B "),
        (nb03.q5, hole_errors),
        (nb03.q6, paste_known_pixels),
        (nb03.q6, lambda corrupted, x_hat, hole: np.where(hole == 1, x_hat, corrupted)),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    question(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_unfinished_todo_stops_the_check():
    def unfinished(x, fraction, seed):
        raise NotImplementedError("q1 is not done yet")

    with pytest.raises(NotImplementedError):
        nb03.q1(unfinished)
