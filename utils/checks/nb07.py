"""Checks for notebook 07, anomaly detection with an autoencoder."""

import keras
import numpy as np

from utils import anomaly
from utils.checks import (
    Question,
    Wrong,
    dense_parameters,
    expect,
    expect_callable,
    expect_choice,
    expect_dense_layer,
    expect_model,
    expect_pixels_in_and_out,
    trainable_count,
)


def _close(a, b, tolerance=1e-6):
    return bool(np.isclose(float(a), float(b), atol=tolerance, rtol=0.0))


def _check_autoencoder(build):
    expect_callable(build, "the function build_autoencoder")
    model = expect_model(build(16), "build_autoencoder(16) to return a Keras model")
    dense = expect_pixels_in_and_out(model)
    code = expect_dense_layer(model, "code", 16, " (code_size = 16)")
    widths = [784] + [layer.units for layer in dense]
    expect(
        widths == [784, 256, 64, 16, 64, 256, 784],
        "expected Dense layers of 256, 64, 16, 64, 256 and 784 units, found "
        f"{widths[1:]}",
    )
    expect(
        all(layer.activation is keras.activations.relu for layer in dense[:2])
        and all(layer.activation is keras.activations.relu for layer in dense[3:5]),
        "expected ReLU on the four hidden layers (activation='relu')",
    )
    expect(
        code.activation is keras.activations.linear,
        "expected no activation on the code layer (a linear code): a ReLU there can "
        "switch code units off for good",
    )
    expected = dense_parameters(widths)
    count = trainable_count(model)
    expect(count == expected, f"expected {expected:,} parameters, found {count:,}")
    small = build(4)
    expected_small = dense_parameters([784, 256, 64, 4, 64, 256, 784])
    expect(
        trainable_count(small) == expected_small,
        f"build_autoencoder(4) should have {expected_small:,} parameters: use "
        "code_size",
    )
    return f"784-256-64-16-64-256-784, {expected:,} parameters."


def _check_errors(reconstruction_errors):
    expect_callable(reconstruction_errors, "the function reconstruction_errors")
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(5, 784)).astype("float32")
    spreads = np.array([0.0, 0.05, 0.1, 0.2, 0.4], "float32")[:, None]
    x_hat = np.clip(x + spreads * rng.standard_normal(x.shape), 0, 1).astype("float32")
    saved = x.copy(), x_hat.copy()
    got = np.asarray(reconstruction_errors(x, x_hat), dtype="float64")
    expect(
        np.array_equal(x, saved[0]) and np.array_equal(x_hat, saved[1]),
        "you changed an input array in place: return a new array",
    )
    expected = np.mean((x - x_hat) ** 2, axis=1)
    expect(
        got.ndim != 0,
        "expected one error per image (shape (5,)), got one number: average over "
        "the pixels only (axis=1), not over the images too",
    )
    expect(
        got.shape != (784,),
        "you averaged over the images (axis=0) and got one value per pixel: average "
        "over the pixels of each image (axis=1)",
    )
    expect(got.shape == (5,), f"expected shape (5,), one per image, got {got.shape}")
    expect(
        not np.allclose(got, np.sum((x - x_hat) ** 2, axis=1)),
        "you summed the squared errors over the pixels: take their mean (MSE)",
    )
    expect(
        not np.allclose(got, np.mean(np.abs(x - x_hat), axis=1)),
        "that is the mean absolute error: square the differences",
    )
    expect(
        not np.allclose(got, np.sqrt(expected)),
        "that is the root of the MSE: leave out the square root",
    )
    expect(
        np.allclose(got, expected, atol=1e-6),
        f"expected {np.round(expected, 4).tolist()}, got {np.round(got, 4).tolist()}",
    )
    images = x.reshape(5, 28, 28)
    shaped = np.asarray(
        reconstruction_errors(images, x_hat.reshape(5, 28, 28)), dtype="float64"
    ).reshape(-1)
    expect(
        shaped.shape == (5,) and np.allclose(shaped, expected, atol=1e-6),
        "images of shape (n, 28, 28) should give the same n errors as (n, 784): "
        "average over every axis but the first",
    )
    return "the mean squared error over the pixels of each image, shape (n,)."


def _auroc_cases():
    cases = [
        (np.array([0.1, 0.4, 0.35, 0.8]), np.array([False, False, True, True])),
        (
            np.array([0.5, 0.5, 0.2, 0.9, 0.5]),
            np.array([False, True, False, True, True]),
        ),
        (np.array([0.9, 0.8, 0.2, 0.1]), np.array([False, False, True, True])),
    ]
    rng = np.random.default_rng(4)
    labels = rng.uniform(size=60) < 0.4
    scores = np.round(rng.normal(size=60) + labels, 1)
    return cases + [(scores, labels)]


def _check_auroc(auroc_by_hand):
    expect_callable(auroc_by_hand, "the function auroc_by_hand")
    for scores, labels in _auroc_cases():
        got = auroc_by_hand(scores.copy(), labels.copy())
        expect(
            np.ndim(got) == 0,
            f"expected one number, got an array of shape {np.shape(got)}: average "
            "the pairwise comparisons",
        )
        got = float(got)
        expected = anomaly.auroc(scores, labels)
        anomalous, normal = scores[labels], scores[~labels]
        greater = anomalous[:, None] > normal[None, :]
        ties = anomalous[:, None] == normal[None, :]
        wrong = [
            (
                np.sum(greater + 0.5 * ties),
                "you counted the pairs: divide by the number of (anomaly, normal) "
                "pairs to get a share in [0, 1]",
            ),
            (
                1.0 - expected,
                "the direction is flipped: count the pairs where the anomaly scores "
                "HIGHER than the normal example",
            ),
            (
                np.mean(greater),
                "ties are counted as 0: a pair with equal scores counts one half",
            ),
            (
                np.mean(greater | ties),
                "ties are counted as 1: a pair with equal scores counts one half",
            ),
        ]
        for value, message in wrong:
            if not _close(value, expected):
                expect(not _close(got, value), f"{message} (you got {got:.4f})")
        expect(
            _close(got, expected),
            f"on scores {np.round(scores[:6], 2).tolist()}... expected "
            f"{expected:.4f}, got {got:.4f}",
        )
    return "the share of (anomaly, normal) pairs ranked the right way, ties one half."


def _check_accuracy_choice(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "accuracy needs the labels just as AUROC does, and we have them on the test "
        "set",
    )
    expect(
        letter != "c",
        "AUROC is not always higher than accuracy, and a metric chosen to look good "
        "would be no use: think of a detector that flags everything",
    )
    return (
        "calling everything an anomaly is already 90% accurate; AUROC needs no "
        "threshold and does not move with the share of anomalies (0.5 = no skill)."
    )


def _check_threshold(threshold_from_training):
    expect_callable(threshold_from_training, "the function threshold_from_training")
    train_errors = np.arange(101, dtype="float32") / 100.0
    got = threshold_from_training(train_errors.copy(), 95)
    expect(
        np.ndim(got) == 0,
        f"expected one number (the threshold), got shape {np.shape(got)}",
    )
    got = float(got)
    expect(
        not _close(got, 0.05),
        "you took the 5th percentile: use the 95th, so that about 5% of the normal "
        "training images lie above the threshold",
    )
    expect(
        not _close(got, float(np.percentile(train_errors, 0.95))),
        "np.percentile takes percentiles in [0, 100]: pass 95, not 0.95",
    )
    expect(
        _close(got, 0.95, 1e-5),
        f"on errors 0.00, 0.01, ..., 1.00 the 95th percentile is 0.95; got {got:.4f}",
    )
    errors = np.random.default_rng(1).exponential(0.02, size=1000).astype("float32")
    for percentile in (90, 99):
        value = float(threshold_from_training(errors, percentile))
        expected = float(np.percentile(errors, percentile))
        expect(
            _close(value, expected, 1e-6),
            f"with percentile={percentile} expected {expected:.5f}, got {value:.5f}: "
            "use the percentile argument",
        )
    return "the percentile of the normal training errors."


def _check_precision_recall(precision_recall):
    expect_callable(precision_recall, "the function precision_recall")
    scores = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9, 0.5, 0.4, 0.05, 0.15])
    labels = np.array([0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1], dtype=bool)
    threshold = 0.5
    result = precision_recall(scores.copy(), labels.copy(), threshold)
    try:
        precision, recall = (float(value) for value in result)
    except (TypeError, ValueError):
        raise Wrong(
            f"expected two numbers (precision, recall), got {type(result).__name__}"
        ) from None
    # Flagged (> 0.5): 0.6, 0.7, 0.8, 0.9; two of them are among the five anomalies.
    expect(
        not (_close(precision, 0.6) and _close(recall, 0.6)),
        "you flagged the scores >= threshold: flag those strictly above it (>)",
    )
    expect(
        not (_close(precision, 6 / 11) and _close(recall, 6 / 11)),
        "that is the accuracy: precision and recall count the flagged anomalies",
    )
    expect(
        not (_close(precision, 0.5) and _close(recall, 2 / 11)),
        "your recall divides by all examples: divide by the number of anomalies",
    )
    expect(
        not (_close(precision, 0.4) and _close(recall, 0.5)),
        "the two values are swapped: return (precision, recall)",
    )
    expect(
        _close(precision, 0.5),
        f"expected a precision of 0.5 (2 of the 4 flagged examples are anomalies), "
        f"got {precision:.3f}",
    )
    expect(
        _close(recall, 0.4),
        f"expected a recall of 0.4 (2 of the 5 anomalies are flagged), got "
        f"{recall:.3f}",
    )
    expected = anomaly.precision_recall_at(scores, labels, 0.35)
    got = tuple(float(value) for value in precision_recall(scores, labels, 0.35))
    expect(
        np.allclose(got, expected),
        f"with threshold 0.35 expected {np.round(expected, 3).tolist()}, got "
        f"{np.round(got, 3).tolist()}: use the threshold argument",
    )
    return (
        "precision = flagged anomalies / flagged, recall = flagged anomalies / "
        "anomalies."
    )


def _check_capacity_choice(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "if it reconstructed its own kind of digit badly, the normal test images would "
        "score high, but the trouble is the anomalies: they are reconstructed well too",
    )
    expect(
        letter != "c",
        "mean squared error trains a large network perfectly well; the trouble is "
        "what it learns, not whether it learns",
    )
    return (
        "a model with room to copy learns something close to the identity, which "
        "reconstructs any image: the bottleneck is what makes anomalies hard to copy."
    )


q1 = Question(
    "07",
    "q1",
    _check_autoencoder,
    "inputs = keras.Input((784,)); Dense(256, 'relu'), Dense(64, 'relu'), "
    "Dense(code_size, name='code') with no activation, Dense(64, 'relu'), "
    "Dense(256, 'relu'), Dense(784, 'sigmoid').",
)
q2 = Question(
    "07",
    "q2",
    _check_errors,
    "squared = (x - x_hat) ** 2, then the mean over the pixels of each image: "
    "squared.reshape(len(x), -1).mean(axis=1).",
)
q3 = Question(
    "07",
    "q3",
    _check_auroc,
    "anomalous = scores[is_anomaly]; normal = scores[~is_anomaly]; compare every pair "
    "with broadcasting, anomalous[:, None] > normal[None, :], add 0.5 for the pairs "
    "that are ==, and take the mean.",
)
q4 = Question(
    "07",
    "q4",
    _check_accuracy_choice,
    "what accuracy does a detector get that calls every test image an anomaly?",
)
q5 = Question(
    "07",
    "q5",
    _check_threshold,
    "return float(np.percentile(train_errors, percentile)).",
)
q6 = Question(
    "07",
    "q6",
    _check_precision_recall,
    "flagged = scores > threshold; hits = np.sum(flagged & is_anomaly); "
    "precision = hits / np.sum(flagged); recall = hits / np.sum(is_anomaly).",
)
q7 = Question(
    "07",
    "q7",
    _check_capacity_choice,
    "what does a network with more hidden units than pixels, and no bottleneck, "
    "do to an image of a digit it has never seen?",
)


def summary():
    """Print a table of notebook 07's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("07")
