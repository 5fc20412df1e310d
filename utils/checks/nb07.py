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
    to_numpy,
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


def _error_inputs():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(5, 784)).astype("float32")
    spreads = np.array([0.0, 0.05, 0.1, 0.2, 0.4], "float32")[:, None]
    x_hat = np.clip(x + spreads * rng.standard_normal(x.shape), 0, 1).astype("float32")
    return x, x_hat


def _check_errors(reconstruction_errors):
    expect_callable(reconstruction_errors, "the function reconstruction_errors")
    x, x_hat = _error_inputs()
    saved = x.copy(), x_hat.copy()
    got = to_numpy(reconstruction_errors(x, x_hat), "float64")
    expect(
        np.array_equal(x, saved[0]) and np.array_equal(x_hat, saved[1]),
        "you changed an input array in place: return a new array",
    )
    expected = anomaly.reconstruction_errors(x, x_hat)
    expect(
        got.size != 1,
        "expected one error per image (shape (5,)), got one number: you averaged over "
        "the batch too; an anomaly score needs one number per image",
    )
    expect(
        got.shape != (784,),
        "you averaged over the images and got one value per pixel: average over the "
        "pixels of each image instead",
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
        not np.allclose(got, np.full(5, np.mean(expected))),
        "every image got the same error, the batch mean: average over the pixels of "
        "each image only",
    )
    expect(
        np.allclose(got, expected, atol=1e-6),
        f"expected {np.round(expected, 4).tolist()} (anomaly.reconstruction_errors), "
        f"got {np.round(got, 4).tolist()}",
    )
    shaped = to_numpy(
        reconstruction_errors(x.reshape(5, 28, 28), x_hat.reshape(5, 28, 28)), "float64"
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
        letter != "b",
        "AUROC is not always higher than accuracy, and a metric chosen to look good "
        "would be no use: think of a detector that flags everything",
    )
    return (
        "calling everything an anomaly is already 90% accurate; AUROC needs no "
        "threshold and does not move with the share of anomalies (0.5 = no skill)."
    )


def _threshold_data():
    """Validation scores: 101 normal ones 0.00 .. 1.00 shuffled, and 40 anomalies."""
    rng = np.random.default_rng(7)
    normal = rng.permutation(np.arange(101) / 100.0)
    anomalies = rng.uniform(0.6, 3.0, size=40)
    order = rng.permutation(141)
    scores = np.concatenate([normal, anomalies])[order]
    is_anomaly = np.r_[np.zeros(101, bool), np.ones(40, bool)][order]
    return scores, is_anomaly


def _check_threshold(threshold_at_false_positive_rate):
    expect_callable(
        threshold_at_false_positive_rate,
        "the function threshold_at_false_positive_rate",
    )
    scores, is_anomaly = _threshold_data()
    saved = scores.copy(), is_anomaly.copy()
    got = threshold_at_false_positive_rate(scores, is_anomaly, 0.05)
    expect(
        np.array_equal(scores, saved[0]) and np.array_equal(is_anomaly, saved[1]),
        "you changed an input array in place (sorted it?): work on a copy",
    )
    expect(
        np.ndim(got) == 0,
        f"expected one number (the threshold), got shape {np.shape(got)}",
    )
    got = float(got)
    expected = anomaly.threshold_at_false_positive_rate(scores, is_anomaly, 0.05)
    normal, anomalous = scores[~is_anomaly], scores[is_anomaly]
    wrong = [
        (
            np.quantile(normal, 0.05),
            "you took the wrong tail: 95 % of the normal scores lie above that value. "
            "The threshold must leave only the share false_positive_rate above it",
        ),
        (
            np.quantile(scores, 0.95),
            "you took the quantile of all the scores, anomalies included: the false "
            "positive rate counts normal examples only, so leave the anomalies out",
        ),
        (
            np.quantile(anomalous, 0.95),
            "you took the quantile of the anomalies' scores: a false positive is a "
            "normal example flagged, so use the normal examples (is_anomaly False)",
        ),
        (
            np.quantile(anomalous, 0.05),
            "you used the anomalies' scores: a false positive is a normal example "
            "flagged, so use the normal examples (is_anomaly False)",
        ),
        (
            np.percentile(normal, 0.95),
            "np.percentile takes percents in [0, 100] and np.quantile fractions in "
            "[0, 1]: a rate of 0.05 leaves 95 % of the normal scores below",
        ),
    ]
    for value, message in wrong:
        expect(not _close(got, value, 1e-9), f"{message} (you got {got:.4f})")
    flagged = float(np.mean(normal > got))
    expect(
        _close(got, expected, 1e-6),
        f"expected {expected:.4f} on the check data (normal scores 0.00 .. 1.00), got "
        f"{got:.4f}, which flags {flagged:.1%} of the normal examples instead of 5 %",
    )
    for rate in (0.1, 0.01):
        value = float(threshold_at_false_positive_rate(scores, is_anomaly, rate))
        reference = anomaly.threshold_at_false_positive_rate(scores, is_anomaly, rate)
        expect(
            _close(value, reference, 1e-6),
            f"with false_positive_rate={rate} expected {reference:.4f}, got "
            f"{value:.4f}: use the false_positive_rate argument",
        )
    try:
        only_normal = float(
            threshold_at_false_positive_rate(normal, np.zeros(len(normal), bool), 0.05)
        )
    except Exception as error:  # the learner's code failed without anomalies
        raise Wrong(
            "a validation set of normal examples only (is_anomaly all False) made your "
            f"function raise {type(error).__name__}: it must work on normal examples "
            "only, the usual case in practice"
        ) from None
    expect(
        _close(only_normal, expected, 1e-6),
        "a validation set of normal examples only (is_anomaly all False) should give "
        f"the same threshold, {expected:.4f}; got {only_normal:.4f}",
    )
    return (
        "the (1 - rate) quantile of the normal validation scores: that share of normal "
        "examples lies above it."
    )


def _precision_recall_change(precisions, recalls):
    """Return (change of precision, change of recall) from the loosest threshold to
    the strictest, and the letter of option that describes it (or None)."""
    precisions = np.asarray(precisions, dtype="float64").reshape(-1)
    recalls = np.asarray(recalls, dtype="float64").reshape(-1)
    if len(precisions) < 2 or len(precisions) != len(recalls):
        raise Wrong(
            "expected the precisions and the recalls of the table, loosest threshold "
            "first, two lists of the same length (2 or more)"
        )
    change_precision = precisions[-1] - precisions[0]
    change_recall = recalls[-1] - recalls[0]
    if max(abs(change_precision), abs(change_recall)) < 0.01:
        letter = "d"
    elif change_precision > 0 and change_recall > 0:
        letter = "b"
    elif change_recall < 0 and abs(change_recall) > abs(change_precision):
        letter = "a"
    elif change_precision < 0 and abs(change_precision) > abs(change_recall):
        letter = "c"
    else:
        letter = None
    return change_precision, change_recall, letter


def _check_threshold_prediction(prediction, precisions=None, recalls=None):
    letter = expect_choice(prediction, {"a", "b", "c", "d"})
    expect(
        precisions is not None and recalls is not None,
        "pass your prediction and the table's results: check.q6(prediction, "
        "precisions, recalls)",
    )
    change_precision, change_recall, actual = _precision_recall_change(
        precisions, recalls
    )
    seen = (
        f"from the loosest threshold to the strictest, precision changed by "
        f"{change_precision:+.3f} and recall by {change_recall:+.3f}"
    )
    why = (
        "a stricter threshold flags fewer images, so it can only lose anomalies "
        "(recall falls); and with nine anomalies for each normal image, almost every "
        "flagged image is an anomaly at any threshold, so precision stays near 1"
    )
    expect(
        actual is not None,
        f"{seen}, which none of the options describes; look at the table",
    )
    expect(letter == actual, f"the table says otherwise: {seen}. Why: {why}")
    # The message names no number, so that it reads the same in fast and full mode.
    return f"the table agrees with your prediction: {why}."


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


def _challenge_target():
    from utils import config

    return 0.80 if config.fast_mode() else 0.94


def _check_challenge(model, x_test=None, is_anomaly=None):
    expect_model(model, "your trained bottleneck autoencoder (a Keras model)")
    expect(
        x_test is not None and is_anomaly is not None,
        "pass the model, the test images and is_anomaly: check.q8(model, x_test, "
        "is_anomaly)",
    )
    scores = anomaly.reconstruction_errors(
        x_test, to_numpy(model.predict(x_test, verbose=0))
    )
    value = anomaly.auroc(scores, is_anomaly)
    target = _challenge_target()
    expect(
        value >= target,
        f"the test AUROC of your model's reconstruction error is {value:.4f}, below "
        f"the target {target:.2f}: try a narrower or wider code, or more epochs",
    )
    return (
        "the test AUROC of your model's reconstruction error meets this mode's "
        "target."
    )


q1 = Question(
    "07",
    "q1",
    _check_autoencoder,
    [
        "The score only works if the model cannot copy: the middle layer must be much "
        "narrower than the 784 pixels, and the decoder mirrors the encoder.",
        "Five Dense layers after the input, widths 256, 64, code_size (named 'code', "
        "no activation), 64, 256, then 784 outputs squashed into [0, 1] by a sigmoid; "
        "ReLU on the four hidden layers.",
    ],
)
q2 = Question(
    "07",
    "q2",
    _check_errors,
    [
        "One score per image: which axes should the mean run over, and which must it "
        "leave alone?",
        "Square the differences, flatten each image (reshape to (len(x), -1)), then "
        "take the mean along axis 1; no square root, no sum.",
    ],
)
q3 = Question(
    "07",
    "q3",
    _check_auroc,
    [
        "Split the scores into those of anomalies and those of normal examples, then "
        "compare every anomaly with every normal example.",
        "Broadcasting a column of anomaly scores against a row of normal scores gives "
        "a table of comparisons; count > as 1 and == as 0.5, and average the table.",
    ],
)
q4 = Question(
    "07",
    "q4",
    _check_accuracy_choice,
    [
        "What accuracy does a detector get that calls every test image an anomaly?",
        "Nine test images in ten are anomalies. A useful measure should give a score "
        "that knows nothing the same grade whatever that share is.",
    ],
)
q5 = Question(
    "07",
    "q5",
    _check_threshold,
    [
        "A false positive is a normal example flagged. Which scores decide how many "
        "normal examples lie above the threshold, and which tail should hold the "
        "share false_positive_rate?",
        "Keep the scores where is_anomaly is False, then take their quantile at "
        "1 - false_positive_rate (np.quantile takes a fraction in [0, 1]).",
    ],
)
q6 = Question(
    "07",
    "q6",
    _check_threshold_prediction,
    [
        "A stricter threshold flags fewer images. Which of the two numbers can only "
        "fall then, and what share of the test images are anomalies anyway?",
        "Recall counts anomalies flagged out of all anomalies; precision counts "
        "anomalies among the flagged images, and nine test images in ten are "
        "anomalies.",
    ],
)
q7 = Question(
    "07",
    "q7",
    _check_capacity_choice,
    [
        "What does a network with more hidden units than pixels, and no bottleneck, "
        "do to an image of a digit it has never seen?",
        "The score is large only for images the model cannot rebuild. Ask whether a "
        "model that can copy any image still has such images.",
    ],
)
q8 = Question(
    "07",
    "q8",
    _check_challenge,
    [
        "The bottleneck model of section 1, trained on the digit 3, should already "
        "meet the target; if you changed it, compare the AUROC table in Tune it.",
        "The AUROC of section 2 is the number checked: reconstruction errors of the "
        "test images, anomalies the other nine digits.",
    ],
)


def summary():
    """Print a table of notebook 07's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("07")
