"""Checks for notebook 03, the denoising autoencoder and filling in missing pixels."""

import keras
import numpy as np

from utils import metrics
from utils.checks import (
    Question,
    Wrong,
    expect,
    expect_callable,
    expect_choice,
    expect_dense_layer,
    expect_model,
    expect_pixels_in_and_out,
    to_numpy,
    trainable_count,
)


def _close(a, b, tolerance=1e-3):
    return bool(np.isclose(float(a), float(b), atol=tolerance, rtol=0.0))


def _check_mask_pixels(mask_pixels):
    expect_callable(mask_pixels, "the function mask_pixels")
    x = np.full((200, 784), 0.7, dtype="float32")
    original = x.copy()
    masked = np.asarray(mask_pixels(x, 0.3, 0), dtype="float32")
    expect(
        masked.shape == x.shape,
        f"expected the shape of x {x.shape}, got {masked.shape}",
    )
    expect(
        np.array_equal(x, original),
        "you changed x in place: return a new array (for example x * keep) so the "
        "clean images stay clean",
    )
    expect(
        np.all(np.isclose(masked, 0.0) | np.isclose(masked, 0.7)),
        "on an image of 0.7 everywhere, every pixel should stay 0.7 or become 0; found "
        "other values: masking multiplies by 0 or 1, it does not add or scale",
    )
    zero_share = float(np.mean(masked == 0.0))
    expect(
        abs(zero_share - 0.7) > 0.02,
        f"you set {zero_share:.0%} of the pixels to 0 with fraction=0.3: `fraction` is "
        "the share set to 0, so keep a pixel when its random draw is >= fraction",
    )
    per_image = np.mean(masked == 0.0, axis=1)
    expect(
        not np.all(np.isin(per_image, (0.0, 1.0))),
        "you masked whole images: each pixel of each image is kept or set to 0 on its "
        "own draw",
    )
    expect(
        abs(zero_share - 0.3) < 0.02,
        "expected about 30% of the pixels at 0 with fraction=0.3, found "
        f"{zero_share:.0%}",
    )
    expect(
        not np.all(masked == masked[0]),
        "every image got the same mask: draw one random number per pixel of every "
        "image (an array of x's shape)",
    )
    again = np.asarray(mask_pixels(x, 0.3, 0), dtype="float32")
    expect(
        np.array_equal(again, masked),
        "the same seed gave a different mask: draw from np.random.default_rng(seed)",
    )
    other = np.asarray(mask_pixels(x, 0.3, 1), dtype="float32")
    expect(
        not np.array_equal(other, masked),
        "seed=0 and seed=1 gave the same mask: use the seed argument for the generator",
    )
    images = np.random.default_rng(5).uniform(size=(50, 784)).astype("float32")
    masked = np.asarray(mask_pixels(images, 0.1, 2), dtype="float32")
    expect(
        np.all((masked == 0.0) | np.isclose(masked, images)),
        "on real-valued images each pixel should keep its own value or become 0",
    )
    expect(
        abs(float(np.mean(masked == 0.0)) - 0.1) < 0.02,
        "with fraction=0.1 about 10% of the pixels should be 0",
    )
    return "each pixel is set to 0 with probability `fraction`, independently."


def _check_psnr(psnr_by_hand):
    expect_callable(psnr_by_hand, "the function psnr_by_hand")
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(6, 784)).astype("float32")
    spreads = np.array([0.01, 0.02, 0.05, 0.1, 0.2, 0.3], "float32")[:, None]
    x_hat = np.clip(x + spreads * rng.standard_normal(x.shape), 0, 1).astype("float32")
    got = psnr_by_hand(x, x_hat)
    expect(
        np.ndim(got) == 0,
        f"expected one number (the mean over images), got shape {np.shape(got)}",
    )
    got = float(got)
    expected = metrics.psnr(x, x_hat)
    mse = np.mean((x - x_hat) ** 2, axis=1)
    wrong = [
        (
            10 * np.log10(1.0 / np.mean(mse)),
            "you took one MSE over the whole batch: compute the PSNR of each "
            + "image, then average",
        ),
        (
            np.mean(20 * np.log10(1.0 / mse)),
            "20 log10 goes with the root of the MSE: use 10 log10(1 / MSE)",
        ),
        (
            np.mean(10 * np.log10(1.0 / np.sqrt(mse))),
            "10 log10 goes with the MSE itself, not its square root",
        ),
        (
            np.mean(10 * np.log(1.0 / mse)),
            "use the base-10 logarithm (np.log10): decibels are base 10",
        ),
        (
            -expected,
            "the sign is flipped: 10 log10(1 / MSE) is positive when the MSE is "
            + "below 1",
        ),
    ]
    for value, message in wrong:
        expect(not _close(got, value, 1e-2), f"{message} (you got {got:.2f} dB)")
    expect(
        _close(got, expected, 1e-2),
        f"expected {expected:.2f} dB on the test images, got {got:.2f} dB",
    )
    noisier = float(psnr_by_hand(x, np.clip(x_hat + 0.1, 0, 1)))
    expect(noisier < got, "a worse reconstruction should have a lower PSNR")
    return f"mean over images of 10 log10(1 / MSE): {expected:.2f} dB on the test pair."


def _check_dense_autoencoder(build):
    expect_callable(build, "the function build_dense_autoencoder")
    model = expect_model(
        build(500), "build_dense_autoencoder(500) to return a Keras model"
    )
    expect_pixels_in_and_out(model)
    encoder = expect_dense_layer(model, "encoder", 500)
    expect(
        encoder.activation is keras.activations.sigmoid,
        "expected a sigmoid on the encoder, as in the course (activation='sigmoid')",
    )
    count = trainable_count(model)
    expect(
        count == 785284,
        f"expected 784*500 + 500 + 500*784 + 784 = 785,284 parameters, found {count:,}",
    )
    probe = np.random.default_rng(0).uniform(size=(4, 784)).astype("float32")
    outputs = to_numpy(model(probe))
    expect(
        outputs.min() >= 0.0 and outputs.max() <= 1.0,
        "the outputs leave [0, 1]: end with a sigmoid",
    )
    small = build(64)
    expect(
        trainable_count(small) == 784 * 64 + 64 + 64 * 784 + 784,
        "build_dense_autoencoder(64) should have 101,200 parameters: use hidden_units",
    )
    return "784 -> 500 (sigmoid) -> 784 (sigmoid), 785,284 parameters."


def _check_clean_target(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "the noise is random and new every epoch: there is no pattern in it to learn, "
        "and the clean target asks the network to remove it",
    )
    expect(
        letter != "c",
        "cross-entropy is never negative for targets in [0, 1], noisy or not",
    )
    return (
        "with the clean target, copying the input is no longer the best answer: the "
        "network must know what digits look like to undo the corruption."
    )


def _holes():
    hole = np.zeros((4, 28, 28), "float32")
    for index, (top, left) in enumerate([(0, 0), (5, 9), (20, 3), (11, 22)]):
        hole[index, top : top + 6, left : left + 6] = 1.0
    return hole


def _check_hole_errors(hole_errors):
    expect_callable(hole_errors, "the function hole_errors")
    hole = _holes()
    x = np.zeros_like(hole)
    checker = (np.indices((28, 28)).sum(axis=0) % 2).astype("float32")
    inside_values = np.where(checker == 1, 0.7, 0.3)[None]
    x_hat = np.where(hole == 1, inside_values, 0.1).astype("float32")
    result = hole_errors(x, x_hat, hole)
    try:
        inside, outside = (float(value) for value in result)
    except (TypeError, ValueError):
        raise Wrong(
            f"expected two numbers (inside, outside), got {type(result).__name__}"
        ) from None
    expected_inside = float(np.mean((x_hat - x)[hole == 1] ** 2))  # 0.29
    expected_outside = 0.01
    expect(
        not (_close(inside, expected_outside) and _close(outside, expected_inside)),
        "the two values are swapped: return (inside the hole, outside the hole)",
    )
    squared = (x_hat - x) ** 2
    expect(
        not _close(inside, np.mean(squared * hole)),
        f"your error inside the hole ({inside:.4f}) is averaged over every pixel: "
        "divide the sum inside the hole by the number of hole pixels",
    )
    expect(
        not (
            _close(inside, np.mean(np.abs(x_hat - x)[hole == 1]))
            or _close(inside, np.sqrt(expected_inside))
        ),
        f"got {inside:.4f} inside the hole: use the mean of the squared differences, "
        "with no absolute value or square root",
    )
    expect(
        _close(inside, expected_inside),
        f"expected a mean squared error of {expected_inside:.4f} inside the hole, "
        f"got {inside:.4f}",
    )
    expect(
        not _close(outside, np.mean(squared)),
        f"your error outside the hole ({outside:.4f}) also counts the hole's pixels: "
        "use the pixels where hole == 0",
    )
    expect(
        _close(outside, expected_outside),
        f"expected a mean squared error of {expected_outside:.4f} outside the hole, "
        f"got {outside:.4f}",
    )
    flat = hole_errors(x.reshape(4, -1), x_hat.reshape(4, -1), hole.reshape(4, -1))
    expect(
        all(_close(a, b) for a, b in zip(flat, (expected_inside, expected_outside))),
        "flat images of shape (n, 784) gave other values than (n, 28, 28): work on "
        "the arrays elementwise, whatever their shape",
    )
    return "mean squared error over the hole's pixels, and over all the others."


def _check_paste(paste_known_pixels):
    expect_callable(paste_known_pixels, "the function paste_known_pixels")
    rng = np.random.default_rng(3)
    hole = _holes()
    x = rng.uniform(size=hole.shape).astype("float32")
    corrupted = x * (1.0 - hole)
    x_hat = rng.uniform(size=hole.shape).astype("float32")
    saved = corrupted.copy(), x_hat.copy()
    pasted = np.asarray(paste_known_pixels(corrupted, x_hat, hole), dtype="float32")
    expect(
        np.array_equal(corrupted, saved[0]) and np.array_equal(x_hat, saved[1]),
        "you changed an input array in place: return a new array",
    )
    expect(
        pasted.shape == hole.shape,
        f"expected the shape {hole.shape}, got {pasted.shape}",
    )
    expected = corrupted * (1.0 - hole) + x_hat * hole
    expect(
        not np.allclose(pasted, x_hat * (1.0 - hole) + corrupted * hole),
        "the two parts are swapped: keep the known pixels outside the hole and take "
        "the model's pixels inside it",
    )
    expect(
        not np.allclose(pasted, x_hat),
        "you returned the model's output everywhere: outside the hole the known "
        "pixels are exact, keep them",
    )
    expect(
        not np.allclose(pasted, corrupted),
        "the hole is still empty: fill it with the model's pixels",
    )
    expect(
        np.allclose(pasted, expected, atol=1e-6),
        "expected the known pixels outside the hole and the model's inside it",
    )
    return "known pixels outside the hole, the model's guess inside it."


q1 = Question(
    "03",
    "q1",
    _check_mask_pixels,
    "rng = np.random.default_rng(seed); keep = rng.uniform(size=x.shape) >= fraction; "
    "return x * keep.",
)
q2 = Question(
    "03",
    "q2",
    _check_psnr,
    "mse = np.mean((x - x_hat) ** 2, axis=1) gives one MSE per image; "
    "return float(np.mean(10 * np.log10(1.0 / mse))).",
)
q3 = Question(
    "03",
    "q3",
    _check_dense_autoencoder,
    "keras.Input((784,)), keras.layers.Dense(hidden_units, activation='sigmoid', "
    "name='encoder'), then keras.layers.Dense(784, activation='sigmoid').",
)
q4 = Question(
    "03",
    "q4",
    _check_clean_target,
    "if the target were the noisy input itself, which function would give a loss of "
    "zero?",
)
q5 = Question(
    "03",
    "q5",
    _check_hole_errors,
    "squared = (x - x_hat) ** 2; inside = squared[hole == 1].mean(); "
    "outside = squared[hole == 0].mean(); return float(inside), float(outside).",
)
q6 = Question(
    "03",
    "q6",
    _check_paste,
    "hole is 1 in the hole and 0 elsewhere: corrupted * (1 - hole) + x_hat * hole.",
)


def summary():
    """Print a table of notebook 03's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("03")
