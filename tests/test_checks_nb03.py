"""The checks of notebook 03: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils import metrics, noise
from utils.checks import nb03, solution_code

# ---- Right answers ------------------------------------------------------------


def mask_pixels(images, fraction, seed):
    keep = np.random.default_rng(seed).uniform(size=np.shape(images)) >= fraction
    return (images * keep).astype("float32")


def add_gaussian_noise(images, stddev, seed):
    noisy = images + np.random.default_rng(seed).normal(0, stddev, np.shape(images))
    return np.clip(noisy, 0, 1).astype("float32")


def salt_and_pepper(images, fraction, seed):
    rng = np.random.default_rng(seed)
    hit = rng.uniform(size=images.shape) < fraction
    salt = rng.uniform(size=images.shape) < 0.5
    return np.where(hit, salt, images).astype("float32")


def keras_salt_and_pepper(images, fraction, seed):
    """Another right answer: keras.random, a tensor returned."""
    generator = keras.random.SeedGenerator(seed)
    hit = keras.random.uniform(images.shape, seed=generator) < fraction
    salt = keras.ops.cast(keras.random.uniform(images.shape, seed=generator) < 0.5, "float32")
    return keras.ops.where(hit, salt, images)


# ---- Plausible wrong corruptions ------------------------------------------------


def mask_keeps_fraction(images, fraction, seed):
    keep = np.random.default_rng(seed).uniform(size=np.shape(images)) < fraction
    return (images * keep).astype("float32")


def mask_scales(images, fraction, seed):
    return (images * np.random.default_rng(seed).uniform(size=images.shape)).astype(
        "float32"
    )


def mask_like_dropout(images, fraction, seed):
    keep = np.random.default_rng(seed).uniform(size=images.shape) >= fraction
    return (images * keep / (1 - fraction)).astype("float32")


def mask_in_place(images, fraction, seed):
    images[np.random.default_rng(seed).uniform(size=images.shape) < fraction] = 0.0
    return images


def mask_whole_images(images, fraction, seed):
    drop = np.random.default_rng(seed).uniform(size=(len(images), 1)) < fraction
    return (images * ~drop).astype("float32")


def mask_shared_by_all_images(images, fraction, seed):
    keep = np.random.default_rng(seed).uniform(size=images.shape[1:]) >= fraction
    return (images * keep).astype("float32")


def mask_ignores_seed(images, fraction, seed):
    keep = np.random.default_rng().uniform(size=images.shape) >= fraction
    return (images * keep).astype("float32")


def gaussian_float64(images, stddev, seed):
    noisy = images + np.random.default_rng(seed).normal(0, stddev, images.shape)
    return np.clip(noisy, 0, 1)


def gaussian_unclipped(images, stddev, seed):
    noisy = images + np.random.default_rng(seed).normal(0, stddev, images.shape)
    return noisy.astype("float32")


def gaussian_variance(images, stddev, seed):
    noisy = images + np.random.default_rng(seed).normal(0, stddev**2, images.shape)
    return np.clip(noisy, 0, 1).astype("float32")


def gaussian_uniform(images, stddev, seed):
    noisy = images + np.random.default_rng(seed).uniform(-stddev, stddev, images.shape)
    return np.clip(noisy, 0, 1).astype("float32")


def gaussian_positive(images, stddev, seed):
    noisy = images + np.abs(np.random.default_rng(seed).normal(0, stddev, images.shape))
    return np.clip(noisy, 0, 1).astype("float32")


def gaussian_same_for_every_image(images, stddev, seed):
    noise_ = np.random.default_rng(seed).normal(0, stddev, images.shape[1:])
    return np.clip(images + noise_, 0, 1).astype("float32")


def gaussian_in_place(images, stddev, seed):
    images += np.random.default_rng(seed).normal(0, stddev, images.shape).astype(
        "float32"
    )
    np.clip(images, 0, 1, out=images)
    return images


def gaussian_clip_then_add(images, stddev, seed):
    """Clips the noise, not the result: black pixels only ever get brighter... and
    the sum can leave [0, 1], so it is clipped afterwards too, wrongly twice."""
    noise_ = np.random.default_rng(seed).normal(0, stddev, images.shape)
    return np.clip(images + np.clip(noise_, 0, 1), 0, 1).astype("float32")


def sp_twice_the_fraction(images, fraction, seed):
    rng = np.random.default_rng(seed)
    pepper = rng.uniform(size=images.shape) < fraction
    salt = rng.uniform(size=images.shape) < fraction
    out = np.where(pepper, 0.0, images)
    return np.where(salt & ~pepper, 1.0, out).astype("float32")


def sp_salt_only(images, fraction, seed):
    hit = np.random.default_rng(seed).uniform(size=images.shape) < fraction
    return np.where(hit, 1.0, images).astype("float32")


def sp_random_values(images, fraction, seed):
    rng = np.random.default_rng(seed)
    hit = rng.uniform(size=images.shape) < fraction
    return np.where(hit, rng.uniform(size=images.shape), images).astype("float32")


def sp_keeps_fraction(images, fraction, seed):
    rng = np.random.default_rng(seed)
    hit = rng.uniform(size=images.shape) >= fraction
    salt = rng.uniform(size=images.shape) < 0.5
    return np.where(hit, salt, images).astype("float32")


def sp_same_for_every_image(images, fraction, seed):
    rng = np.random.default_rng(seed)
    hit = rng.uniform(size=images.shape[1:]) < fraction
    salt = rng.uniform(size=images.shape[1:]) < 0.5
    return np.where(hit, salt, images).astype("float32")


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


# ---- Other plausible wrong answers ------------------------------------------


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
    (nb03.q1, mask_keeps_fraction, "not the share kept"),
    (nb03.q1, mask_scales, "it does not add or scale"),
    (nb03.q1, mask_like_dropout, "as dropout does"),
    (nb03.q1, mask_in_place, "you changed `images` in place"),
    (nb03.q1, mask_whole_images, "you masked whole images"),
    (nb03.q1, mask_shared_by_all_images, "every image got the same corruption"),
    (nb03.q1, mask_ignores_seed, "the same seed gave a different result"),
    (nb03.q1, lambda images, fraction, seed: images[:, :100], "expected the shape"),
    (nb03.q1, lambda images, fraction, seed: None, "returned None"),
    (nb03.q1, np.ones((2, 784)), "expected the function mask_pixels"),
    (nb03.q2, gaussian_unclipped, "clip the result"),
    (nb03.q2, gaussian_float64, "expected float32 values, got float64"),
    (nb03.q2, gaussian_variance, "not the variance"),
    (nb03.q2, gaussian_uniform, "draw from a normal distribution"),
    (nb03.q2, gaussian_positive, "centred on 0"),
    (nb03.q2, gaussian_same_for_every_image, "every image got the same corruption"),
    (nb03.q2, gaussian_in_place, "you changed `images` in place"),
    (nb03.q2, gaussian_clip_then_add, "centred on 0"),
    (nb03.q2, mask_pixels, "additive noise adds a random number to every pixel"),
    (nb03.q3, sp_twice_the_fraction, "salt and pepper together"),
    (nb03.q3, sp_salt_only, "with a fair coin"),
    (nb03.q3, sp_random_values, "exactly 0 (pepper) or 1 (salt)"),
    (nb03.q3, sp_keeps_fraction, "not the share kept"),
    (nb03.q3, sp_same_for_every_image, "every image got the same corruption"),
    (nb03.q3, add_gaussian_noise, "exactly 0 (pepper) or 1 (salt)"),
    (nb03.q4, "b", "no pattern in it to learn"),
    (nb03.q4, "c", "never negative"),
    (nb03.q4, "d", "the clean images are the same in both set-ups"),
    (nb03.q4, "yes", "expected one of ['a', 'b', 'c', 'd']"),
    (nb03.q5, psnr_whole_batch, "one MSE over the whole batch"),
    (nb03.q5, psnr_twenty, "20 log10 goes with the root"),
    (nb03.q5, psnr_natural_log, "base-10 logarithm"),
    (nb03.q5, psnr_flipped, "the sign is flipped"),
    (nb03.q5, psnr_per_image, "expected one number"),
    (nb03.q5, lambda x, x_hat: 1 / 0, "raised ZeroDivisionError"),
    (nb03.q7, lambda hidden_units: dense(hidden_units, name="hidden"), "'encoder'"),
    (
        nb03.q7,
        lambda hidden_units: dense(hidden_units, hidden="relu"),
        "sigmoid on the encoder",
    ),
    (
        nb03.q7,
        lambda hidden_units: dense(hidden_units, output=None),
        "sigmoid on the output",
    ),
    (nb03.q7, lambda hidden_units: dense(500), "use hidden_units"),
    (nb03.q7, lambda hidden_units: dense(784), "Dense layer of 500 units"),
    (nb03.q7, dense(500), "pass the function itself"),
    (nb03.q8, hole_errors_over_all_pixels, "averaged over every pixel"),
    (nb03.q8, hole_errors_swapped, "the two values are swapped"),
    (nb03.q8, hole_errors_outside_is_everything, "also counts the hole's pixels"),
    (nb03.q8, hole_errors_absolute, "no absolute value or square root"),
    (nb03.q8, lambda x, x_hat, hole: 0.5, "expected two numbers"),
    (
        nb03.q9,
        lambda corrupted, x_hat, hole: x_hat * (1 - hole) + corrupted * hole,
        "the two parts are swapped",
    ),
    (nb03.q9, lambda corrupted, x_hat, hole: x_hat, "the model's output everywhere"),
    (nb03.q9, lambda corrupted, x_hat, hole: corrupted, "the hole is still empty"),
    (nb03.q9, paste_in_place, "changed an input array in place"),
    (
        nb03.q9,
        lambda corrupted, x_hat, hole: (corrupted + x_hat) / 2,
        "expected the known pixels outside the hole",
    ),
]

# A PSNR table like the notebook's (dB, per noise type and level), and one where the three
# corruptions come out within 1 dB of each other.
BASELINE = {
    "gaussian": {0.1: 22.67, 0.3: 13.33},
    "masking": {0.1: 19.96, 0.3: 15.01},
    "salt-and-pepper": {0.1: 13.23, 0.3: 8.42},
}
EVEN = {name: {0.3: 12.0 + 0.1 * i} for i, name in enumerate(BASELINE)}


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


@pytest.mark.parametrize(
    "prediction, table, message",
    [
        ("a", BASELINE, "the lowest is salt-and-pepper"),
        ("c", BASELINE, "squared errors punish a few large misses"),
        ("d", BASELINE, "a spread of 6.6 dB"),
        ("b", EVEN, "within 0.2 dB of each other"),
        ("e", BASELINE, "expected one of ['a', 'b', 'c', 'd']"),
        ("b", [1, 2, 3], "pass the dictionary the PSNR cell computed"),
        ("b", {name: {0.1: 3.0} for name in BASELINE}, "baseline_psnr[name][0.3]"),
    ],
)
def test_wrong_predictions_get_what_the_run_measured(prediction, table, message, capsys):
    nb03.q6(prediction, table)
    printed = capsys.readouterr().out
    assert printed.startswith("❌ q6 not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {nb03.q6.hint_text}" in printed


@pytest.mark.parametrize(
    "prediction, table", [("b", BASELINE), (" B ", BASELINE), ("d", EVEN)]
)
def test_right_predictions_pass(prediction, table, capsys):
    nb03.q6(prediction, table)
    assert capsys.readouterr().out.startswith("✅ q6 passed"), prediction


def test_every_question_of_notebook_03_has_wrong_answers_tested():
    # q11 and q12 are tested in tests/test_checks_nb03_context.py.
    tested = {question.name for question, _, _ in WRONG_ANSWERS} | {"q6", "q10", "q11", "q12"}
    assert tested == {f"q{n}" for n in range(1, 13)}
    defined = {name for name in dir(nb03) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb03.q1, mask_pixels),
        (nb03.q1, lambda images, fraction, seed: noise.masking(images, fraction, seed)),
        (nb03.q2, add_gaussian_noise),
        (nb03.q2, lambda images, stddev, seed: noise.gaussian(images, stddev, seed)),
        (nb03.q3, salt_and_pepper),
        (nb03.q3, keras_salt_and_pepper),
        (nb03.q3, lambda images, level, seed: noise.salt_and_pepper(images, level, seed)),
        (nb03.q4, " A "),
        (nb03.q5, psnr_by_hand),
        (nb03.q5, lambda x, x_hat: metrics.psnr(x, x_hat)),
        (nb03.q7, dense),
        (nb03.q8, hole_errors),
        (nb03.q9, paste_known_pixels),
        (nb03.q9, lambda corrupted, x_hat, hole: np.where(hole == 1, x_hat, corrupted)),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    question(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


@pytest.mark.parametrize("name", [f"q{n}" for n in range(1, 11)])
def test_hints_come_in_levels_and_do_not_give_the_code(name):
    question = getattr(nb03, name)
    assert len(question.hints) >= 2
    lines = [line.strip() for line in solution_code("03", name).splitlines()]
    for hint in question.hints:
        for line in lines:
            assert len(line) < 25 or line not in hint, (name, line)


def test_unfinished_todo_stops_the_check():
    def unfinished(images, fraction, seed):
        raise NotImplementedError("q1 is not done yet")

    with pytest.raises(NotImplementedError):
        nb03.q1(unfinished)


# ---- q10: the challenge --------------------------------------------------------------

BLANK_IMAGES = np.zeros((500, 784), "float32")


def blank_drawer(image_shape=(784,), weights=False):
    """A denoiser that outputs a blank image (sigmoid of -20) whatever it is given."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input(image_shape)
    if image_shape == (784,):
        layer = keras.layers.Dense(784, activation="sigmoid")
    else:
        layer = keras.layers.Conv2D(image_shape[-1], 1, activation="sigmoid")
    model = keras.Model(inputs, layer(inputs))
    if not weights:
        kernel, bias = layer.get_weights()
        layer.set_weights([np.zeros_like(kernel), np.full_like(bias, -20.0)])
    return model


def two_input_denoiser():
    # Both inputs feed the output: Keras 3.13 refuses a model with an unused input.
    noisy, clean = keras.Input((784,)), keras.Input((784,))
    both = keras.layers.Add()([noisy, clean])
    return keras.Model([noisy, clean], keras.layers.Dense(784)(both))


@pytest.mark.parametrize(
    "answer, images, message",
    [
        (blank_drawer(weights=True), BLANK_IMAGES, "not yet above"),
        (blank_drawer(), noise.gaussian(BLANK_IMAGES, 0.4, seed=0), "adds the noise"),
        (blank_drawer(), BLANK_IMAGES[:100], "expected at least 500 clean test images"),
        (two_input_denoiser(), BLANK_IMAGES, "one input (the noisy image)"),
        (blank_drawer((28, 28, 2)), BLANK_IMAGES, "expected a model that maps"),
        ("model", BLANK_IMAGES, "expected the trained denoiser"),
    ],
)
def test_challenge_refuses_weak_models_and_other_noise(answer, images, message, capsys):
    nb03.q10(answer, images)
    printed = capsys.readouterr().out
    assert printed.startswith("❌ q10 not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {nb03.q10.hint_text}" in printed


@pytest.mark.parametrize("image_shape", [(784,), (28, 28, 1)])
def test_challenge_passes_a_denoiser_that_removes_the_noise(image_shape, capsys):
    nb03.q10(blank_drawer(image_shape), BLANK_IMAGES)
    printed = capsys.readouterr().out
    assert printed.startswith("✅ q10 passed"), printed
    assert "Gaussian noise of σ = 0.4" in printed


def test_challenge_thresholds_are_lower_in_fast_mode():
    assert nb03.CHALLENGE_PSNR["fast"] < nb03.CHALLENGE_PSNR["full"]
    assert nb03.CHALLENGE_STDDEV == 0.4
