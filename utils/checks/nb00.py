"""Checks for notebook 00, the identity through a bottleneck."""

import keras
import numpy as np
import scipy.linalg
from sklearn.decomposition import PCA

from utils import data, layers, metrics
from utils.checks import (
    Question,
    expect,
    expect_callable,
    expect_choice,
    expect_model,
    trainable_count,
)


def _sigmoid(values):
    return 1.0 / (1.0 + np.exp(-values))


def _check_tied_autoencoder(build):
    expect_callable(build, "the function build_tied_autoencoder")
    model = expect_model(
        build(5, 3), "build_tied_autoencoder(5, 3) to return a Keras model"
    )
    expect(
        tuple(model.output_shape) == (None, 5),
        f"expected outputs of shape (None, 5), got {model.output_shape}",
    )
    tied = [layer for layer in model.layers if isinstance(layer, layers.DenseTranspose)]
    expect(
        len(tied) == 1, f"expected one layers.DenseTranspose decoder, found {len(tied)}"
    )
    encoder = tied[0].tied_to
    expect(
        encoder.units == 3 and encoder.activation is keras.activations.sigmoid,
        "expected the encoder to be a Dense layer of 3 sigmoid units",
    )
    expect(
        tied[0].activation is keras.activations.sigmoid,
        "expected a sigmoid on the decoder, so outputs are probabilities for the bits",
    )
    count = trainable_count(model)
    expect(
        count != 38,
        "found 38 trainable parameters: the decoder has its own kernel, it is not tied",
    )
    expect(count == 23, f"expected 23 trainable parameters (15 + 3 + 5), found {count}")
    x = data.five_bit_patterns()
    kernel, bias = (np.asarray(w) for w in encoder.get_weights())
    decoder_bias = keras.ops.convert_to_numpy(tied[0].bias)
    expected = _sigmoid(_sigmoid(x @ kernel + bias) @ kernel.T + decoder_bias)
    got = model.predict(x, verbose=0)
    expect(
        np.allclose(got, expected, atol=1e-5),
        "the outputs differ from sigmoid(sigmoid(x W + b) Wᵀ + c): is the input going "
        "through the encoder and then the tied decoder?",
    )
    other = build(8, 2)
    expect(
        trainable_count(other) == 26,
        "build_tied_autoencoder(8, 2) should have 8*2 + 2 + 8 = 26 parameters: "
        "use num_inputs and num_hidden, not fixed numbers",
    )
    return "the decoder reuses the encoder's kernel: 23 parameters instead of 38."


def _check_bit_errors(count_bit_errors):
    expect_callable(count_bit_errors, "the function count_bit_errors")
    patterns = data.five_bit_patterns()
    close = np.where(patterns > 0.5, 0.9, 0.1).astype("float32")
    got = count_bit_errors(patterns, close)
    expect(
        isinstance(got, (int, np.integer)) or float(got).is_integer(),
        f"expected a whole number of bits, got {got!r}: round the reconstructions first",
    )
    expect(
        int(got) == 0,
        f"a near-perfect reconstruction has 0 wrong bits; you counted {got}",
    )
    wrong = close.copy()
    wrong[0, 1], wrong[2, 0], wrong[3, 4] = (
        0.7,
        0.3,
        0.51,
    )  # three bits on the wrong side
    wrong[1, 2] = 0.55  # right side of 0.5, though not confident
    got = count_bit_errors(patterns, wrong)
    expect(
        int(got) == 3,
        f"expected 3 wrong bits in the test reconstruction, you counted {got}",
    )
    flipped = 1.0 - close
    got = count_bit_errors(patterns, flipped)
    expect(
        int(got) == 20,
        f"every bit is wrong in an inverted reconstruction (20), you counted {got}",
    )
    return "bits are counted after rounding at 0.5."


def _dense_units(model):
    return [
        layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)
    ]


def _check_linear_autoencoder(build):
    expect_callable(build, "the function build_linear_autoencoder")
    model = expect_model(
        build(100, 20), "build_linear_autoencoder(100, 20) to return a model"
    )
    expect(
        tuple(model.output_shape) == (None, 100),
        f"expected outputs of shape (None, 100), got {model.output_shape}",
    )
    units = _dense_units(model)
    expect(
        units and min(units) == 20,
        f"expected the narrowest Dense layer to have 20 units (the code), found {units}",
    )
    count = trainable_count(model)
    expect(
        count == 4120,
        f"expected 100*20 + 20 + 20*100 + 100 = 4120 parameters, found {count}",
    )
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 8, 100)).astype("float32")
    zero = np.zeros((1, 100), "float32")
    f = lambda values: model.predict(values, verbose=0)  # noqa: E731
    expect(
        np.allclose(f(a + b), f(a) + f(b) - f(zero), atol=1e-3),
        "the model is not linear: f(a + b) differs from f(a) + f(b) - f(0). "
        "Leave out the activations (the default, activation=None).",
    )
    expect(
        trainable_count(build(10, 3)) == 73,
        "build_linear_autoencoder(10, 3) should have 73 parameters: use the arguments",
    )
    return "two Dense layers, no activations: the model is linear."


def _check_knee(knee):
    expect(
        isinstance(knee, (int, np.integer)) and not isinstance(knee, bool),
        f"expected a whole number of code units, got {knee!r}",
    )
    expect(
        knee != 19,
        "with 19 units the error is still far above zero: look one step further",
    )
    expect(
        knee <= 20,
        f"{knee} units reconstruct well, but a smaller code does too: what is the smallest?",
    )
    expect(knee == 20, f"with {knee} units the error is still large")
    return "20 units, as many as the independent numbers behind the 100 inputs."


def _check_principal_directions(top_principal_directions):
    expect_callable(top_principal_directions, "the function top_principal_directions")
    points = data.noisy_plane(num_samples=500, seed=1)
    basis = np.asarray(top_principal_directions(points, 2), dtype="float64")
    expect(
        basis.shape == (4, 2),
        f"expected a (4, 2) basis for k=2, got shape {basis.shape}",
    )
    expect(
        np.allclose(basis.T @ basis, np.eye(2), atol=1e-4),
        "expected orthonormal columns (unit length, at right angles to each other)",
    )
    # The reference is scikit-learn's PCA; the learner's hand-written one is the lesson.
    reference = PCA(n_components=2, svd_solver="full").fit(points).components_.T
    angles = metrics.principal_angles(basis, reference)
    # The top right singular vectors of the points before centring: a typical slip.
    raw = scipy.linalg.svd(points, full_matrices=False)[2][:2].T
    expect(
        not (angles.max() > 1.0 and metrics.principal_angles(basis, raw).max() < 1.0),
        "your directions match the data before centring: subtract the mean first",
    )
    expect(
        angles.max() < 1.0,
        f"your subspace is {angles.max():.1f}° away from the top principal subspace",
    )
    one = np.asarray(top_principal_directions(points, 1))
    expect(one.shape == (4, 1), f"expected shape (4, 1) for k=1, got {one.shape}")
    return "the top-k right singular vectors of the centred data."


def _check_curved_surface(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a", "more epochs do not help: the linear model already matches PCA"
    )
    expect(letter != "c", "a smaller learning rate would converge to the same error")
    return "a linear decoder can only output points of a plane, and the bowl is curved."


q1 = Question(
    "00",
    "q1",
    _check_tied_autoencoder,
    "encoder = keras.layers.Dense(num_hidden, activation='sigmoid', name='encoder'); "
    "call it on the inputs, then layers.DenseTranspose(encoder, activation='sigmoid') "
    "on the codes.",
)
q2 = Question(
    "00",
    "q2",
    _check_bit_errors,
    "(reconstructions > 0.5) gives the predicted bits; compare them with patterns and "
    "count the differences with np.sum; return int(...).",
)
q3 = Question(
    "00",
    "q3",
    _check_linear_autoencoder,
    "keras.Input((num_inputs,)), then keras.layers.Dense(code_size) and "
    "keras.layers.Dense(num_inputs), both with no activation.",
)
q4 = Question(
    "00",
    "q4",
    _check_knee,
    "find where the curve drops to almost zero; how many independent numbers made "
    "the 100 inputs?",
)
q5 = Question(
    "00",
    "q5",
    _check_principal_directions,
    "centred = x - x.mean(axis=0); _, _, vt = np.linalg.svd(centred, "
    "full_matrices=False); the rows of vt are the directions, largest variance first.",
)
q6 = Question(
    "00",
    "q6",
    _check_curved_surface,
    "whatever its weights, what set of points can a linear 2-unit decoder produce?",
)


def summary():
    """Print a table of notebook 00's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("00")
