"""Checks for notebook 01, the dense autoencoder on MNIST."""

import keras
import numpy as np

from utils import layers
from utils.checks import (
    Question,
    dense_parameters,
    expect,
    expect_callable,
    expect_choice,
    expect_model,
    to_numpy,
    trainable_count,
)
from utils.checks.nb00 import expect_bottleneck


def _check_dense_autoencoder(build):
    expect_callable(build, "the function build_dense_autoencoder")
    model = expect_model(build(32), "build_dense_autoencoder(32) to return a Keras model")
    expect(
        tuple(model.input_shape) == (None, 784) and tuple(model.output_shape) == (None, 784),
        f"expected (None, 784) in and out, got {model.input_shape} -> {model.output_shape}",
    )
    names = [layer.name for layer in model.layers]
    expect("code" in names, f"expected a layer named 'code', found {names}")
    code = model.get_layer("code")
    expect(
        getattr(code, "units", None) == 32,
        f"expected 32 units in the 'code' layer, found {getattr(code, 'units', None)}",
    )
    expect(
        code.activation is keras.activations.relu,
        "expected a ReLU on the code layer (activation='relu')",
    )
    last = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)][-1]
    expect(
        last.activation is keras.activations.sigmoid,
        "expected a sigmoid on the output layer: pixels lie in [0, 1]",
    )
    count = trainable_count(model)
    expect(count == 50992, f"expected 784*32 + 32 + 32*784 + 784 = 50992 parameters, found {count}")
    expect(
        trainable_count(build(8)) == dense_parameters([784, 8, 784]),
        "build_dense_autoencoder(8) should have 13336 parameters: use code_size",
    )
    return "784 -> 32 (ReLU) -> 784 (sigmoid), 50,992 parameters."


def _check_cross_entropy(binary_cross_entropy):
    expect_callable(binary_cross_entropy, "the function binary_cross_entropy")
    x = np.array([[0.0, 1.0, 0.5, 0.2]], "float32")
    x_hat = np.array([[0.1, 0.8, 0.5, 0.2]], "float32")
    expected = float(np.mean(-(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat))))
    got = float(binary_cross_entropy(x, x_hat))
    expect(
        not np.isclose(got, 4 * expected, atol=1e-3),
        f"you summed over the pixels ({got:.4f}); take the mean, as Keras does ({expected:.4f})",
    )
    expect(abs(got) > 0, "got 0: is the sign right? -(x log x̂ + (1 - x) log(1 - x̂))")
    expect(got > 0, f"got {got:.4f} < 0: the formula needs a minus sign in front")
    expect(abs(got - expected) < 1e-3, f"expected {expected:.4f} on the test pixels, got {got:.4f}")
    edge = float(binary_cross_entropy(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])))
    expect(
        np.isfinite(edge),
        f"a confident wrong output (x̂ = 0 for x = 1) gave {edge}: clip x̂ to "
        "[1e-7, 1 - 1e-7] before the logarithm",
    )
    return "the mean over pixels of -(x log x̂ + (1 - x) log(1 - x̂)), safe at 0 and 1."


FLOOR_OPTIONS = {
    "a": "exactly 0",
    "b": "above 0 but below 0.001",
    "c": "between 0.001 and 0.01",
    "d": "above 0.01",
}


def floor_outcome(floor):
    """Return the letter of FLOOR_OPTIONS that the cross-entropy ``floor`` falls in."""
    if floor <= 0.0:
        return "a"
    if floor < 0.001:
        return "b"
    return "c" if floor <= 0.01 else "d"


def _check_floor_prediction(prediction, floor):
    letter = expect_choice(prediction, set(FLOOR_OPTIONS))
    expect(
        isinstance(floor, (float, int, np.floating)) and not isinstance(floor, bool),
        "pass the value the cell computed, check.q3(prediction, floor); received "
        f"{type(floor).__name__}",
    )
    truth = floor_outcome(float(floor))
    expect(
        letter == truth,
        f"you predicted {FLOOR_OPTIONS[letter]}, but the cross-entropy of a perfect copy "
        f"in this run is {FLOOR_OPTIONS[truth]}: the table's last column shows it. "
        "Exercise q4 asks why.",
    )
    return (
        f"the cross-entropy of a perfect copy is {FLOOR_OPTIONS[truth]}, not 0: "
        "exercise q4 asks why."
    )


def _check_entropy_floor(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(letter != "b", "no weight penalty is added: the loss is the cross-entropy alone")
    expect(
        letter != "c",
        "clipping moves an output of 0 or 1 by 1e-7, which adds about 1e-7 per pixel: "
        "far too little to explain the floor",
    )
    return "for a gray target p the best output is p, and the loss there is the entropy of p."


def _check_tied_deep_autoencoder(build):
    expect_callable(build, "the function build_tied_deep_autoencoder")
    model = expect_model(build((128, 64, 32)), "build_tied_deep_autoencoder((128, 64, 32))")
    expect(
        tuple(model.output_shape) == (None, 784),
        f"expected outputs of shape (None, 784), got {model.output_shape}",
    )
    count = trainable_count(model)
    untied = dense_parameters([784, 128, 64, 32, 64, 128, 784])
    expect(
        count != untied,
        f"found {count} parameters, as many as the untied model: tie the decoder",
    )
    tied = [layer for layer in model.layers if isinstance(layer, layers.DenseTranspose)]
    expect(len(tied) == 3, f"expected 3 DenseTranspose decoder layers, found {len(tied)}")
    encoder = dense_parameters([784, 128, 64, 32])
    expected = encoder + 64 + 128 + 784
    expect(
        count == expected,
        f"expected {expected} parameters (the encoder's {encoder} plus the decoder's "
        f"biases 64 + 128 + 784), found {count}",
    )
    other = build((256, 16))
    expected_other = dense_parameters([784, 256, 16]) + 256 + 784
    expect(
        trainable_count(other) == expected_other,
        f"build_tied_deep_autoencoder((256, 16)) should have {expected_other} parameters: "
        "loop over hidden_sizes rather than fixing three layers",
    )
    return f"the decoder reuses every encoder kernel: {count:,} parameters instead of {untied:,}."


def _check_squared_error(squared_error_per_image):
    expect_callable(squared_error_per_image, "the function squared_error_per_image")
    x = np.zeros((3, 784), "float32")
    x_hat = np.zeros((3, 784), "float32")
    x_hat[0, :10] = 0.5  # 10 pixels off by 0.5: 2.5
    x_hat[2, :] = 0.1  # every pixel off by 0.1: 7.84
    got = np.asarray(squared_error_per_image(x, x_hat), dtype="float64")
    expect(got.shape == (3,), f"expected one value per image, shape (3,), got {got.shape}")
    expected = np.array([2.5, 0.0, 7.84])
    expect(
        not np.allclose(got * 784, expected, atol=1e-3),
        "you averaged over the pixels: sum them instead (the published figures are sums)",
    )
    expect(
        not np.allclose(got**2, expected, atol=1e-3),
        "you took a square root (a distance): keep the squared error",
    )
    expect(np.allclose(got, expected, atol=1e-3), f"expected {expected.tolist()}, got {got.tolist()}")
    return "the squared error summed over the 784 pixels, one value per image."


def _check_overcomplete(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(letter != "a", "features specific to digits would not reconstruct random noise")
    expect(letter != "c", "it reaches a lower loss than the 100-unit model: it is not underfit")
    return "with more units than pixels it can learn something close to the identity."



# q8: the mean binary cross-entropy on the test images passed (x_test[:1000]: 1,000 in
# full mode, 500 in fast mode) must be below these. The 784-32-784 model as the notebook
# trains it gives 0.0926 on all 10,000 test images (full mode: 10 epochs on 59,000
# images; TensorFlow, the stored output) and 0.391 on 500 (fast mode: 2 epochs on 2,000;
# other initial weights gave 0.348 to 0.391). load_mnist shuffles the test images, so
# the first 1,000 are a fair sample; the margins (about 7 % and 10 %) cover other
# backends.
CHALLENGE_BCE = {"full": 0.099, "fast": 0.43}


def _check_challenge(model, images):
    from utils import config

    model = expect_model(model, "the trained autoencoder")
    images = np.asarray(images, "float32")
    expect(
        images.ndim == 2 and images.shape[1] == 784 and len(images) >= 500,
        f"expected at least 500 test images of shape (n, 784), received {images.shape}",
    )
    expect(
        tuple(model.input_shape) == (None, 784)
        and tuple(model.output_shape) == (None, 784),
        f"expected a model from (None, 784) to (None, 784), got {model.input_shape} -> "
        f"{model.output_shape}",
    )
    size = expect_bottleneck(model, 32)
    reconstructions = to_numpy(model.predict(images, batch_size=500, verbose=0))
    bce = float(
        np.mean(to_numpy(keras.losses.binary_crossentropy(images, reconstructions)))
    )
    mode = "fast" if config.fast_mode() else "full"
    threshold = CHALLENGE_BCE[mode]
    expect(
        bce < threshold,
        f"mean test cross-entropy {bce:.4f}, not yet below {threshold} ({mode} mode): "
        "train longer, on more images, with another learning rate or schedule, or "
        "with more layers around the code",
    )
    return (
        f"mean test cross-entropy {bce:.4f} < {threshold} ({mode} mode) through a code "
        f"of {size} numbers."
    )


q1 = Question(
    "01",
    "q1",
    _check_dense_autoencoder,
    [
        "One hidden layer is the code; the output layer draws 784 pixel values, which "
        "must lie in [0, 1].",
        "keras.Input of 784 features; a keras.layers.Dense of code_size units with a "
        "ReLU, named 'code'; a keras.layers.Dense of 784 units with a sigmoid.",
    ],
)
q2 = Question(
    "01",
    "q2",
    _check_cross_entropy,
    [
        "Each pixel's loss is minus the log of the probability the model gave to that "
        "pixel's value; average over every pixel of every image.",
        "Clip x_hat into [1e-7, 1 - 1e-7] with np.clip first, so that np.log never "
        "sees 0; then np.mean over all pixels of the formula in the docstring, "
        "returned as a float.",
    ],
)
q3 = Question(
    "01",
    "q3",
    _check_floor_prediction,
    [
        "A perfect copy outputs x̂ = x. Is every MNIST pixel exactly 0 or 1?",
        "Work out -(p log p + (1 - p) log(1 - p)) for a gray pixel p = 0.5, then "
        "think how many pixels of a digit are gray.",
    ],
)
q4 = Question(
    "01",
    "q4",
    _check_entropy_floor,
    [
        "Compute the loss of the exact output for a gray pixel p = 0.5: is it 0?",
        "For a target p, the cross-entropy -(p log x̂ + (1 - p) log(1 - x̂)) is "
        "smallest at x̂ = p, and its value there is the entropy of p.",
    ],
)
q5 = Question(
    "01",
    "q5",
    _check_overcomplete,
    [
        "Look at the noise row: what does a network that copies any input learn about "
        "digits?",
        "Random noise is not a digit. A model that reconstructs it well has not "
        "specialised to digits; it passes its input through.",
    ],
)
q6 = Question(
    "01",
    "q6",
    _check_tied_deep_autoencoder,
    [
        "The decoder mirrors the encoder: its first layer undoes the encoder's last, "
        "and so on back to the 784 pixels.",
        "Keep the encoder's Dense layers in a list as you create them; then go through "
        "that list in reverse order, adding a layers.DenseTranspose tied to each, with "
        "a ReLU for all but the last, which gets a sigmoid.",
    ],
)
q7 = Question(
    "01",
    "q7",
    _check_squared_error,
    [
        "One number per image: square the pixel differences and add them up within "
        "each image, not across images.",
        "np.sum over axis 1 of the squared differences gives shape (n,).",
    ],
)


q8 = Question(
    "01",
    "q8",
    _check_challenge,
    [
        "The code stays at 32 numbers; what limits the reconstruction is how well the "
        "encoder and decoder around it are trained, and how much they can compute.",
        "build_dense_autoencoder(32), or a deeper model whose narrowest layer is the "
        "32-unit 'code' layer; fit it on x_train for more epochs, or with a learning "
        "rate that decays (keras.optimizers.schedules.CosineDecay).",
    ],
)


def summary():
    """Print a table of notebook 01's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("01")
