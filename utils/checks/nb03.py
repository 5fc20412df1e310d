"""Checks for notebook 03, the denoising autoencoder and filling in missing pixels."""

import keras
import numpy as np

from utils import metrics, noise, plots
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


# ---- q1-q3: the three corruptions, compared with utils.noise -------------------------

_RNG = np.random.default_rng(5)
# Images like MNIST's: about half the pixels are background (0), the rest ink in (0, 1].
MIXED = np.where(
    _RNG.uniform(size=(300, 784)) < 0.5, 0.0, _RNG.uniform(0.05, 1.0, (300, 784))
).astype("float32")
GRAY = np.full((200, 784), 0.5, "float32")  # mid-gray: noise can go both ways
SQUARE = _RNG.uniform(size=(6, 28, 28)).astype("float32")  # another shape


def _corrupt(function, images, level, seed):
    """Call ``function(images, level, seed=seed)`` on a copy; return a float array.

    Raises ``Wrong`` for an input changed in place, another shape, a dtype that is not
    float32, or values that are not finite.
    """
    given = images.copy()
    output = function(given, level, seed=seed)
    expect(
        np.array_equal(given, images),
        "you changed `images` in place: return a new array, so that the clean images "
        "(the targets of training) stay clean",
    )
    expect(output is not None, "your function returned None: return the corrupted copy")
    output = to_numpy(output)
    expect(
        output.shape == images.shape,
        f"expected the shape of `images` {images.shape}, got {output.shape}",
    )
    expect(
        output.dtype == np.float32,
        f"expected float32 values, got {output.dtype}: NumPy draws float64 numbers, "
        "so convert the result with .astype('float32') (Keras trains in float32, and "
        "float64 doubles the memory of the training set)",
    )
    expect(bool(np.all(np.isfinite(output))), "the output has NaN or infinite values")
    return output


def _expect_in_unit_range(output, what):
    low, high = float(output.min()), float(output.max())
    expect(
        low >= 0.0 and high <= 1.0,
        f"{what} range over [{low:.2f}, {high:.2f}]: pixel values must stay in [0, 1]; "
        "clip the result (np.clip or keras.ops.clip)",
    )


def _expect_seeded(function, images, level, output):
    """The same seed gives the same output; another seed another one; and every image
    gets its own draw."""
    expect(
        not np.all(output == output[:1]),
        "every image got the same corruption: draw one random number per pixel of "
        "every image (an array of the shape of `images`), not one per pixel position",
    )
    again = to_numpy(function(images.copy(), level, seed=0))
    expect(
        np.array_equal(again, output),
        "the same seed gave a different result: make the generator from `seed` "
        "(np.random.default_rng(seed) or keras.random.SeedGenerator(seed))",
    )
    other = to_numpy(function(images.copy(), level, seed=1))
    expect(
        not np.array_equal(other, output),
        "seed=0 and seed=1 gave the same result: use the `seed` argument",
    )


def _expect_share(share, expected, what, tolerance):
    expect(
        abs(share - expected) <= tolerance,
        f"expected about {expected:.0%} of the pixels {what}, found {share:.1%}",
    )


def _check_mask_pixels(mask_pixels):
    expect_callable(mask_pixels, "the function mask_pixels")
    fraction = 0.3
    masked = _corrupt(mask_pixels, MIXED, fraction, 0)
    inked = MIXED > 0
    ratio = masked[inked] / MIXED[inked]
    expect(
        not np.any(np.isclose(ratio, 1.0 / (1.0 - fraction), atol=1e-3)),
        "some kept pixels were multiplied by 1 / (1 - fraction), as dropout does: "
        "masking noise leaves the kept pixels as they are",
    )
    _expect_in_unit_range(masked, "masked values")
    _expect_seeded(mask_pixels, GRAY, fraction, _corrupt(mask_pixels, GRAY, fraction, 0))
    expect(
        bool(np.all(np.isclose(ratio, 0.0) | np.isclose(ratio, 1.0))),
        "each pixel should keep its own value or become 0; found other values: masking "
        "multiplies by 0 or 1, it does not add or scale",
    )
    zeroed = float(np.mean(np.isclose(ratio, 0.0)))
    expect(
        abs(zeroed - (1.0 - fraction)) > 0.03,
        f"you set {zeroed:.0%} of the inked pixels to 0 with fraction=0.3: `fraction` "
        "is the share set to 0, not the share kept",
    )
    per_image = ((masked == 0.0) & inked).sum(axis=1) / inked.sum(axis=1)
    expect(
        not np.all(np.isin(per_image, (0.0, 1.0))),
        "you masked whole images: each pixel of each image is kept or set to 0 on its "
        "own draw",
    )
    _expect_share(zeroed, fraction, "set to 0 with fraction=0.3", 0.015)
    reference = noise.masking(MIXED, fraction, seed=0)
    _expect_share(
        float(np.mean(_corrupt(mask_pixels, MIXED, 0.1, 2)[inked] == 0.0)),
        0.1,
        "set to 0 with fraction=0.1",
        0.015,
    )
    squares = _corrupt(mask_pixels, SQUARE, fraction, 0)
    expect(
        bool(np.all((squares == 0.0) | (squares == SQUARE))),
        "on images of shape (n, 28, 28) some pixels changed to values other than 0",
    )
    return (
        f"each pixel is set to 0 with probability `fraction`: {zeroed:.1%} of the inked "
        f"pixels here, {np.mean(reference[inked] == 0.0):.1%} with noise.masking."
    )


def _check_gaussian(add_gaussian_noise):
    expect_callable(add_gaussian_noise, "the function add_gaussian_noise")
    stddev = 0.2
    noisy = _corrupt(add_gaussian_noise, GRAY, stddev, 0)
    _expect_in_unit_range(noisy, "noisy values")
    _expect_seeded(add_gaussian_noise, GRAY, stddev, noisy)
    changed = float(np.mean(noisy != GRAY))
    expect(
        changed > 0.99,
        f"only {changed:.0%} of the pixels changed: additive noise adds a random "
        "number to every pixel",
    )
    difference = noisy - GRAY
    reference = noise.gaussian(GRAY, stddev, seed=0) - GRAY
    spread, expected = float(difference.std()), float(reference.std())
    expect(
        abs(spread - stddev**2) > 0.01,
        f"the noise has a standard deviation of {spread:.3f}, about stddev² = "
        f"{stddev**2:.2f}: `stddev` is the standard deviation itself, not the variance",
    )
    expect(
        abs(float(difference.mean())) < 0.01,
        f"the noise averages {difference.mean():+.3f}, not 0: Gaussian noise is "
        "centred on 0, so it darkens as many pixels as it brightens",
    )
    expect(
        abs(spread - expected) < 0.01,
        f"the noise has a standard deviation of {spread:.3f} with stddev=0.2; "
        f"noise.gaussian gives {expected:.3f} (a little under 0.2, from the clipping): "
        "draw from a normal distribution with standard deviation `stddev`",
    )
    background = _corrupt(add_gaussian_noise, MIXED, 0.3, 3)[MIXED == 0]
    reference_background = noise.gaussian(MIXED, 0.3, seed=3)[MIXED == 0]
    expect(
        abs(float(background.mean()) - float(reference_background.mean())) < 0.01,
        f"on black pixels your noise averages {background.mean():.3f}, noise.gaussian "
        f"{reference_background.mean():.3f}: add the noise first, then clip",
    )
    squares = _corrupt(add_gaussian_noise, SQUARE, stddev, 0)
    _expect_in_unit_range(squares, "on (n, 28, 28) images the noisy values")
    return (
        f"every pixel moved by N(0, stddev²) and clipped: a spread of {spread:.3f} with "
        f"stddev=0.2, {expected:.3f} with noise.gaussian."
    )


def _check_salt_and_pepper(salt_and_pepper):
    expect_callable(salt_and_pepper, "the function salt_and_pepper")
    fraction = 0.2
    output = _corrupt(salt_and_pepper, GRAY, fraction, 0)
    _expect_in_unit_range(output, "the values")
    _expect_seeded(salt_and_pepper, GRAY, fraction, output)
    hit = output != GRAY
    expect(
        bool(np.all(np.isin(output[hit], (0.0, 1.0)))),
        "the pixels you changed should become exactly 0 (pepper) or 1 (salt); found "
        "other values. Every other pixel keeps its own value",
    )
    share = float(hit.mean())
    expect(
        not 1.6 * fraction <= share <= 2.2 * fraction,
        f"you changed {share:.0%} of the pixels with fraction=0.2: `fraction` is the "
        "share of pixels hit in all, salt and pepper together (half of them each)",
    )
    expect(
        abs(share - (1.0 - fraction)) > 0.03,
        f"you changed {share:.0%} of the pixels with fraction=0.2: `fraction` is the "
        "share that is replaced, not the share kept",
    )
    _expect_share(share, fraction, "replaced with fraction=0.2", 0.015)
    salt = float(np.mean(output[hit] == 1.0))
    expect(
        0.45 <= salt <= 0.55,
        f"{salt:.0%} of the replaced pixels are 1 (salt) and {1 - salt:.0%} are 0 "
        "(pepper): choose 0 or 1 with a fair coin for each replaced pixel",
    )
    mixed = _corrupt(salt_and_pepper, MIXED, fraction, 4)
    expect(
        bool(np.all((mixed == MIXED) | (mixed == 0.0) | (mixed == 1.0))),
        "on varied images some pixels changed to values other than 0 or 1",
    )
    reference = noise.salt_and_pepper(GRAY, fraction, seed=0)
    return (
        f"{share:.1%} of the pixels replaced, {salt:.0%} of them by salt "
        f"(noise.salt_and_pepper: {np.mean(reference != GRAY):.1%}, "
        f"{np.mean(reference[reference != GRAY] == 1.0):.0%})."
    )


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
    letter = expect_choice(answer, {"a", "b", "c", "d"})
    expect(
        letter != "b",
        "the noise is random and new every epoch: there is no pattern in it to learn, "
        "and the clean target asks the network to remove it, not to reproduce it",
    )
    expect(
        letter != "c",
        "cross-entropy is never negative for targets in [0, 1], noisy or not",
    )
    expect(
        letter != "d",
        "the clean images are the same in both set-ups (they are the inputs of a plain "
        "autoencoder); what changes is what the network must do to reach its target",
    )
    return (
        "with the clean target, copying the input is no longer the best answer: the "
        "network must know what digits look like to undo the corruption."
    )


# Notebook 03's prediction: which corruption leaves the lowest PSNR at level 0.3?
PREDICTION_OPTIONS = {"a": "gaussian", "b": "salt-and-pepper", "c": "masking"}


def _check_lowest_psnr(prediction, baseline_psnr, level=0.3):
    letter = expect_choice(prediction, {"a", "b", "c", "d"})
    expect(
        isinstance(baseline_psnr, dict)
        and set(PREDICTION_OPTIONS.values()) <= set(baseline_psnr),
        "pass the dictionary the PSNR cell computed, check.q6(prediction, "
        f"baseline_psnr); received {type(baseline_psnr).__name__}",
    )
    try:
        values = {
            name: float(baseline_psnr[name][level])
            for name in PREDICTION_OPTIONS.values()
        }
    except (KeyError, TypeError, ValueError):
        raise Wrong(
            f"expected baseline_psnr[name][{level}], a PSNR in dB for each noise type"
        ) from None
    lowest = min(values, key=values.get)
    spread = max(values.values()) - min(values.values())
    truth = "d" if spread < 1.0 else {v: k for k, v in PREDICTION_OPTIONS.items()}[lowest]
    shown = ", ".join(f"{name} {value:.2f} dB" for name, value in values.items())
    explanation = (
        "salt-and-pepper changes fewer pixels than Gaussian noise, but each by a lot: "
        "on the black background half of its hits turn a 0 into a 1, an error of 1, "
        "and squared errors punish a few large misses more than many small ones"
        if lowest == "salt-and-pepper"
        else f"{lowest} leaves the largest mean squared error in this run"
    )
    expect(
        letter == truth,
        f"at level {level} this run measured {shown}: "
        + (
            f"within {spread:.1f} dB of each other"
            if truth == "d"
            else f"the lowest is {lowest}, a spread of {spread:.1f} dB. {explanation}"
        ),
    )
    # The values are printed by the cell above; this message names no number, so that it
    # reads the same in fast and full mode.
    if truth == "d":
        return "the three corruptions leave PSNRs within 1 dB of each other."
    return f"{lowest} leaves the lowest PSNR. {explanation}"


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



# ---- q10: the challenge, a better denoiser for Gaussian noise of σ = 0.4 -------------

# The check corrupts the clean test images itself, so the noise level is fixed.
CHALLENGE_STDDEV = 0.4
CHALLENGE_SEED = 7
# The mean PSNR on the test images passed (x_test[:1000]: 1,000 in full mode, 500 in
# fast mode) must be above these. The dense Gaussian denoiser as the notebook trains it
# (at σ = 0.3) gives 18.13 dB on all 10,000 test images (full mode: 2 epochs on 60,000
# images; TensorFlow, the stored output; keras-io's convolutional model: 18.09 dB) and
# 12.12 dB on 500 (fast mode: 2 epochs on 2,000; other initial weights gave 12.09 to
# 12.15 dB). load_mnist shuffles the test images, so the first 1,000 are a fair sample;
# the margins (0.5 and 0.6 dB, about 12 % in MSE) cover other backends and their noise.
CHALLENGE_PSNR = {"full": 17.6, "fast": 11.5}


def _check_challenge(model, images):
    from utils import config

    model = expect_model(model, "the trained denoiser")
    expect(
        len(model.inputs) == 1 and len(model.outputs) == 1,
        f"expected a model with one input (the noisy image) and one output, got "
        f"{len(model.inputs)} and {len(model.outputs)}",
    )
    image_shape = tuple(model.input_shape[1:])
    expect(
        image_shape in {(784,), (28, 28), (28, 28, 1)}
        and tuple(model.output_shape[1:]) == image_shape,
        f"expected a model that maps (None, 784) or (None, 28, 28, 1) images to images "
        f"of the same shape, got {model.input_shape} -> {model.output_shape}",
    )
    images = np.asarray(images, "float32")
    expect(
        images.ndim == 2 and images.shape[1] == 784 and len(images) >= 500,
        f"expected at least 500 clean test images of shape (n, 784), received "
        f"{images.shape}",
    )
    zeros = float(np.mean(images == 0))
    expect(
        zeros >= 0.6,
        f"expected the clean test images (x_test[:1000]): only {zeros:.0%} of these "
        "pixels are 0, where clean MNIST has about 80 %. The check adds the noise "
        f"itself (σ = {CHALLENGE_STDDEV})",
    )
    noisy = noise.gaussian(images, CHALLENGE_STDDEV, seed=CHALLENGE_SEED)
    outputs = to_numpy(
        model.predict(noisy.reshape((-1, *image_shape)), batch_size=500, verbose=0)
    ).reshape(len(images), 784)
    psnr = metrics.psnr(images, outputs)
    before = metrics.psnr(images, noisy)
    mode = "fast" if config.fast_mode() else "full"
    threshold = CHALLENGE_PSNR[mode]
    expect(
        psnr > threshold,
        f"PSNR {psnr:.2f} dB on the noisy test images ({before:.2f} dB before "
        f"denoising), not yet above {threshold} dB ({mode} mode): train longer, on "
        "more images, at the test's noise level, or with another schedule",
    )
    return (
        f"PSNR {psnr:.2f} dB > {threshold} dB ({mode} mode) on test images with "
        f"Gaussian noise of σ = {CHALLENGE_STDDEV} ({before:.2f} dB before denoising)."
    )



# ---- q11: context encoders' random blocks, compared with noise.random_blocks ---------

# Positive pixels everywhere, so that a 0 in the output can only come from a block.
BLOCK_IMAGES = _RNG.uniform(0.05, 1.0, (300, 28, 28)).astype("float32")
SMALL_IMAGES = _RNG.uniform(0.05, 1.0, (200, 20, 20)).astype("float32")


def _full_squares(hole, side):
    """True where a hole pixel lies in a side x side square wholly inside the hole (and
    so wholly inside the image)."""
    n, height, width = hole.shape
    sums = np.zeros((n, height + 1, width + 1))
    sums[:, 1:, 1:] = hole.cumsum(axis=1).cumsum(axis=2)
    boxes = (
        sums[:, side:, side:]
        - sums[:, :-side, side:]
        - sums[:, side:, :-side]
        + sums[:, :-side, :-side]
    )
    corners = boxes == side * side
    covered = np.zeros(hole.shape, bool)
    for row in range(side):
        for column in range(side):
            covered[
                :, row : row + corners.shape[1], column : column + corners.shape[2]
            ] |= corners
    return covered


def _blocks(function, images, num_blocks, block_size, seed):
    """Call the learner's function on a copy; return (corrupted, hole) as float arrays."""
    given = images.copy()
    result = function(given, num_blocks, block_size, seed=seed)
    expect(
        np.array_equal(given, images),
        "you changed `images` in place: return a new array for the corrupted images",
    )
    expect(
        isinstance(result, (tuple, list)) and len(result) == 2,
        f"expected a pair (corrupted, hole), got {type(result).__name__}",
    )
    corrupted, hole = (to_numpy(part) for part in result)
    for name, part in (("corrupted", corrupted), ("hole", hole)):
        expect(
            part.shape == images.shape,
            f"expected `{name}` of the shape of `images` {images.shape}, got "
            f"{part.shape}",
        )
        expect(
            part.dtype == np.float32,
            f"expected `{name}` as float32, got {part.dtype}: convert it with "
            ".astype('float32') (the models multiply and subtract with it)",
        )
    expect(
        bool(np.all((hole == 0.0) | (hole == 1.0))),
        "`hole` should hold only 0 (a kept pixel) and 1 (a blanked pixel)",
    )
    return corrupted, hole


def _check_random_blocks(random_blocks):
    expect_callable(random_blocks, "the function random_blocks")
    num_blocks, block_size = 4, 7
    corrupted, hole = _blocks(random_blocks, BLOCK_IMAGES, num_blocks, block_size, 0)
    share = float(hole.mean())
    _, reference = noise.random_blocks(BLOCK_IMAGES, num_blocks, block_size, seed=0)
    expected = float(reference.mean())
    expect(
        share < 0.5,
        f"`hole` is 1 on {share:.0%} of the pixels: it should be 1 inside the blocks "
        "and 0 elsewhere, not the other way round",
    )
    expect(
        not np.allclose(corrupted, BLOCK_IMAGES * hole),
        "you kept the pixels inside the blocks and blanked the rest: multiply by "
        "(1 - hole)",
    )
    expect(
        np.allclose(corrupted, BLOCK_IMAGES * (1.0 - hole)),
        "`corrupted` should be 0 where `hole` is 1 and equal to `images` elsewhere",
    )
    expect(
        not np.all(hole == hole[:1]),
        "every image got the same blocks: draw the corners for each image on its own",
    )
    again = _blocks(random_blocks, BLOCK_IMAGES, num_blocks, block_size, 0)[1]
    expect(
        np.array_equal(again, hole),
        "the same seed gave other blocks: make the generator from `seed`",
    )
    other = _blocks(random_blocks, BLOCK_IMAGES, num_blocks, block_size, 1)[1]
    expect(
        not np.array_equal(other, hole),
        "seed=0 and seed=1 gave the same blocks: use the `seed` argument",
    )
    expect(
        bool(np.all(_full_squares(hole, block_size) == (hole == 1.0))),
        f"some blanked pixels are not part of a whole {block_size} x {block_size} "
        "square inside the image: a block that starts too near the border is cut "
        "off. Draw each top-left corner so that the whole square fits",
    )
    per_image = hole.reshape(len(hole), -1).sum(axis=1)
    expect(
        per_image.max() <= num_blocks * block_size**2,
        f"an image has {per_image.max():.0f} blanked pixels: {num_blocks} blocks of "
        f"{block_size} x {block_size} cover at most {num_blocks * block_size**2}",
    )
    expect(
        abs(share - expected) <= 0.015,
        f"the blocks cover {share:.1%} of the pixels on average with num_blocks=4 and "
        f"block_size=7; noise.random_blocks covers {expected:.1%} (four squares of 49 "
        "pixels each, less where they overlap): draw `num_blocks` corners per image",
    )
    expect(
        hole[:, -1, :].any() and hole[:, :, -1].any(),
        "no block ever reaches the last row or column: the top-left corner can be "
        "anywhere from 0 to height - block_size, that value included (NumPy's and "
        "Keras's upper bounds are exclusive)",
    )
    expect(
        hole[:, 0, :].any() and hole[:, :, 0].any(),
        "no block ever reaches the first row or column: corners start at 0",
    )
    small = _blocks(random_blocks, SMALL_IMAGES, 2, 5, 3)[1]
    _, small_reference = noise.random_blocks(SMALL_IMAGES, 2, 5, seed=3)
    expect(
        bool(np.all(_full_squares(small, 5) == (small == 1.0)))
        and abs(float(small.mean()) - float(small_reference.mean())) <= 0.015
        and small[:, -1, :].any(),
        "on 20 x 20 images with num_blocks=2 and block_size=5 the blocks are not two "
        f"whole 5 x 5 squares per image ({small.mean():.1%} of the pixels, "
        f"noise.random_blocks: {small_reference.mean():.1%}): use `num_blocks`, "
        "`block_size` and the images' own height and width",
    )
    return (
        f"{num_blocks} random {block_size} x {block_size} squares per image, wholly "
        f"inside it: {share:.1%} of the pixels blanked here, {expected:.1%} with "
        "noise.random_blocks."
    )


# ---- q12: a hidden unit's weights as an image, compared with plots.filter_images ----

# A kernel (784, 40) whose units have very different scales, and whose filters are not
# symmetric, so that a transposed image or one global scale shows.
_KERNEL = (
    _RNG.normal(size=(784, 40)) * np.geomspace(0.01, 10.0, 40)
    + np.linspace(-1.0, 1.0, 784)[:, None]
).astype("float32")


def _check_filter_images(filters_as_images):
    expect_callable(filters_as_images, "the function filters_as_images")
    kernel = _KERNEL.copy()
    output = filters_as_images(kernel, 25)
    expect(output is not None, "your function returned None: return the images")
    expect(np.array_equal(kernel, _KERNEL), "you changed `kernel` in place")
    output = to_numpy(output)
    expected = plots.filter_images(_KERNEL, 25)
    expect(
        output.shape == expected.shape,
        f"expected {expected.shape} (25 filters of 28 x 28) for a kernel of shape "
        f"{_KERNEL.shape} and num_units=25, got {output.shape}",
    )
    expect(
        output.dtype == np.float32,
        f"expected float32 images, got {output.dtype}: convert with .astype('float32')",
    )
    expect(bool(np.all(np.isfinite(output))), "the images have NaN or infinite values")

    def scaled(filters, axes=(1, 2)):
        low = filters.min(axis=axes, keepdims=True)
        high = filters.max(axis=axes, keepdims=True)
        return (filters - low) / (high - low)

    rows = scaled(_KERNEL.reshape(-1, 28, 28)[:25])
    expect(
        not np.allclose(output, rows, atol=1e-4),
        "your images are cut from the kernel's rows: row i holds the weights from "
        "pixel i to every unit. Unit j's 784 weights are column j, kernel[:, j]",
    )
    expect(
        not np.allclose(output, expected.transpose(0, 2, 1), atol=1e-4),
        "your images are transposed (rows and columns swapped): reshape each column "
        "to (28, 28) in the usual row-major order, as the pixels were flattened",
    )
    low, high = float(output.min()), float(output.max())
    expect(
        low >= -1e-6 and high <= 1 + 1e-6,
        f"the values range over [{low:.2f}, {high:.2f}]: scale each filter to [0, 1]",
    )
    whole = scaled(_KERNEL.T[:25].reshape(-1, 28, 28), axes=(0, 1, 2))
    expect(
        not np.allclose(output, whole, atol=1e-4),
        "you scaled all the filters with one minimum and maximum: the units' weights "
        "differ in size, so the weak ones come out flat gray. Scale each filter by its "
        "own minimum and maximum",
    )
    expect(
        np.allclose(output.min(axis=(1, 2)), 0.0, atol=1e-4)
        and np.allclose(output.max(axis=(1, 2)), 1.0, atol=1e-4),
        "each filter should run from exactly 0 (its smallest weight) to 1 (its "
        "largest): subtract its minimum, then divide by its maximum minus its minimum",
    )
    expect(
        np.allclose(output, expected, atol=1e-4),
        "the images are scaled to [0, 1] but are not the kernel's first 25 columns: "
        "take kernel[:, j] for j = 0 to num_units - 1",
    )
    few = to_numpy(filters_as_images(_KERNEL[:, :6], 6))
    expect(
        few.shape == (6, 28, 28),
        f"a kernel of 6 units and num_units=6 gave shape {few.shape}: use num_units",
    )
    return "each of the first units' 784 weights as a 28 x 28 image, scaled to [0, 1]."


q1 = Question(
    "03",
    "q1",
    _check_mask_pixels,
    [
        "give every pixel of every image its own random number, and use it to decide "
        "whether that pixel survives; a pixel is dropped with probability `fraction`.",
        "np.random.default_rng(seed).uniform with size=images.shape gives one number in "
        "[0, 1) per pixel; compare it with `fraction` to get a mask of 0s and 1s, "
        "multiply (a new array, not in place), and return float32.",
    ],
)
q2 = Question(
    "03",
    "q2",
    _check_gaussian,
    [
        "every pixel gets its own draw from a normal distribution centred on 0 with "
        "standard deviation `stddev`; afterwards some values lie outside [0, 1].",
        "the generator's .normal(0.0, stddev, size=images.shape) draws the noise; add "
        "it, then np.clip to [0, 1], and convert to float32.",
    ],
)
q3 = Question(
    "03",
    "q3",
    _check_salt_and_pepper,
    [
        "two random decisions per pixel: is it hit (probability `fraction`), and if "
        "so, does it become 0 or 1 (a fair coin)?",
        "draw two uniform arrays of images.shape from one generator: the first below "
        "`fraction` marks the hit pixels, the second below 0.5 picks salt; np.where "
        "combines them with the original values; return float32.",
    ],
)
q4 = Question(
    "03",
    "q4",
    _check_clean_target,
    [
        "if the target were the noisy input itself, which function would give a loss "
        "of zero?",
        "the identity function reproduces a noisy input perfectly; with a clean target "
        "the identity keeps the noise in its output and pays for it in the loss.",
    ],
)
q5 = Question(
    "03",
    "q5",
    _check_psnr,
    [
        "one mean squared error per image (average over the pixels of each row), turn "
        "each into decibels, then average the decibels over the images.",
        "np.mean over axis=1 gives one MSE per image; 10 * np.log10(1 / MSE) is its "
        "PSNR with peak 1; np.mean of those, as a float.",
    ],
)
q6 = Question(
    "03",
    "q6",
    _check_lowest_psnr,
    [
        "PSNR falls as the mean squared error grows: which corruption makes the "
        "largest squared errors, counting how many pixels it changes and by how much?",
        "at level 0.3, Gaussian noise moves every pixel by about 0.3 (squared: 0.09); "
        "masking only changes inked pixels; salt-and-pepper changes 30 % of all "
        "pixels, half of them by up to 1 (squared: up to 1).",
    ],
)
q7 = Question(
    "03",
    "q7",
    _check_dense_autoencoder,
    [
        "the course's model has one hidden layer: 784 pixels in, hidden_units code "
        "values in (0, 1), 784 pixel values in [0, 1] out.",
        "two keras.layers.Dense layers after keras.Input((784,)), both with a sigmoid; "
        "the hidden one needs name='encoder' (section 5 reads its weights).",
    ],
)
q8 = Question(
    "03",
    "q8",
    _check_hole_errors,
    [
        "square the differences first, then average them twice: once over the pixels "
        "of the hole, once over all the others.",
        "boolean indexing with hole == 1 (and hole == 0) picks the pixels of each "
        "part; .mean() of the squared differences there; return two floats.",
    ],
)
q9 = Question(
    "03",
    "q9",
    _check_paste,
    [
        "hole is 1 in the hole and 0 elsewhere: use it as a weight to choose, pixel by "
        "pixel, between the two arrays.",
        "a weighted sum with weights (1 - hole) for the known pixels and hole for the "
        "model's pixels, or np.where on hole == 1; return a new array.",
    ],
)


q10 = Question(
    "03",
    "q10",
    _check_challenge,
    [
        "The noise is fixed (σ = 0.4, added by the check); what you choose is the "
        "model, the noise it trains on, and how long it trains.",
        "fit_on_corrupted with corruption('gaussian', 0.4) and more epochs, on more "
        "training images; build_conv_autoencoder or build_dense_autoencoder both fit "
        "the check (28 × 28 × 1 or 784 inputs).",
    ],
)


q11 = Question(
    "03",
    "q11",
    _check_random_blocks,
    [
        "each image gets `num_blocks` squares of its own: for each, a random top-left "
        "corner chosen so that the whole square fits inside the image; `hole` marks "
        "their pixels, possibly overlapping.",
        "a generator from `seed` draws integer corners with .integers(0, height - "
        "block_size + 1) (the upper bound is exclusive), for every image and block; a "
        "float32 array of zeros of the images' shape gets 1 on each square's slice; "
        "the corrupted images are the images times (1 - hole).",
    ],
)
q12 = Question(
    "03",
    "q12",
    _check_filter_images,
    [
        "unit j's incoming weights are column j of the kernel, one per pixel: 784 "
        "numbers that make a 28 x 28 image. Then stretch each image on its own so "
        "that it runs from 0 to 1.",
        "transpose the kernel so that units come first, keep the first num_units, "
        "reshape to (num_units, 28, 28); the minimum and maximum over axes (1, 2) with "
        "keepdims=True give each filter's own range to subtract and divide by.",
    ],
)


def summary():
    """Print a table of notebook 03's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("03")
