"""utils.anomaly: ROC curve, AUROC, thresholds, precision and recall, and bad inputs."""

import numpy as np
import pytest
from sklearn import metrics as sk_metrics

from utils import anomaly


def random_case(seed, size=300, ties=False):
    rng = np.random.default_rng(seed)
    is_anomaly = rng.uniform(size=size) < 0.3
    scores = rng.normal(size=size) + 1.0 * is_anomaly
    if ties:
        scores = np.round(scores, 1)
    return scores, is_anomaly


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("ties", [False, True])
def test_auroc_matches_sklearn(seed, ties):
    scores, is_anomaly = random_case(seed, ties=ties)
    expected = sk_metrics.roc_auc_score(is_anomaly, scores)
    assert anomaly.auroc(scores, is_anomaly) == pytest.approx(expected, abs=1e-12)


def test_auroc_extremes_and_ties():
    assert anomaly.auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert anomaly.auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0
    assert anomaly.auroc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]) == 0.5
    # One anomaly tied with one of two normal examples, above the other: (1 + 0.5) / 2.
    assert anomaly.auroc([0.3, 0.7, 0.7], [False, False, True]) == 0.75


@pytest.mark.parametrize("seed", range(3))
def test_roc_curve_matches_sklearn(seed):
    scores, is_anomaly = random_case(seed, ties=True)
    fpr, tpr, thresholds = anomaly.roc_curve(scores, is_anomaly)
    sk_fpr, sk_tpr, _ = sk_metrics.roc_curve(
        is_anomaly, scores, drop_intermediate=False
    )
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    assert thresholds[0] == np.inf and np.all(np.diff(thresholds) < 0)
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert np.trapezoid(tpr, fpr) == pytest.approx(anomaly.auroc(scores, is_anomaly))


def test_threshold_at_percentile():
    train_scores = np.arange(101, dtype="float32")
    assert anomaly.threshold_at_percentile(train_scores, 95) == pytest.approx(95.0)
    assert anomaly.threshold_at_percentile(train_scores, 0) == 0.0
    assert anomaly.threshold_at_percentile(train_scores, 100) == 100.0
    scores = np.random.default_rng(0).exponential(size=1000)
    threshold = anomaly.threshold_at_percentile(scores, 90)
    assert np.mean(scores > threshold) == pytest.approx(0.1, abs=0.002)


def test_precision_recall_at():
    scores = [0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9]
    is_anomaly = [0, 0, 1, 0, 1, 1, 0]
    # Flagged above 0.5: 0.6, 0.7, 0.8, 0.9 -> two anomalies among four; two of three.
    assert anomaly.precision_recall_at(scores, is_anomaly, 0.5) == pytest.approx(
        (0.5, 2 / 3)
    )
    # Strictly above: a score equal to the threshold is not flagged.
    assert anomaly.precision_recall_at(scores, is_anomaly, 0.7)[1] == pytest.approx(
        1 / 3
    )
    assert anomaly.precision_recall_at(scores, is_anomaly, 1.0) == (0.0, 0.0)
    assert anomaly.precision_recall_at(scores, is_anomaly, 0.0) == pytest.approx(
        (3 / 7, 1.0)
    )


@pytest.mark.parametrize(
    "function",
    [anomaly.auroc, anomaly.roc_curve],
    ids=["auroc", "roc_curve"],
)
@pytest.mark.parametrize(
    "scores, is_anomaly, message",
    [
        ([0.1, 0.2, 0.3], [0, 1], "Expected `is_anomaly` of shape (3,)"),
        ([0.1, np.nan, 0.3], [0, 1, 1], "finite numbers"),
        ([0.1, np.inf, 0.3], [0, 1, 1], "finite numbers"),
        ([0.1, 0.2, 0.3], [0, 0, 0], "Received: only normal examples"),
        ([0.1, 0.2, 0.3], [1, 1, 1], "Received: only anomalies"),
        ([0.1, 0.2, 0.3], [0, 2, 1], "only 0/1 or False/True"),
        ([0.1, 0.2, 0.3], ["no", "yes", "no"], "Received: dtype=<U3"),
        ([[0.1, 0.2, 0.3]], [0, 1, 1], "shape (n,)"),
        ([], [], "with n >= 1"),
        (["a", "b"], [0, 1], "array of numbers"),
        ([[0.1, 0.2], [0.3]], [0, 1], "array of numbers"),
        ([0.1, 0.2, 0.3], [[1, 0], [0, 1], [1, 0]], "not one-hot rows"),
        ([0.1, 0.2, 0.3], [0, -1, 1], "class ids >= 0"),
        ([0.1, 0.2, 0.3], [0, 0.5, 1], "whole-number class ids"),
        ([0.1, 0.2, 0.3], [0, np.nan, 1], "whole-number class ids"),
        ([0.1, 0.2, 0.3], [[0, 1], [1]], "Expected `is_anomaly` as class ids"),
        ("0.1 0.2", [0, 1], "array of numbers"),
    ],
)
def test_bad_inputs_are_rejected(function, scores, is_anomaly, message):
    with pytest.raises(ValueError, match="Expected") as error:
        function(scores, is_anomaly)
    assert message in str(error.value)


def test_precision_recall_bad_inputs():
    with pytest.raises(ValueError, match="Expected both normal and anomalous"):
        anomaly.precision_recall_at([0.1, 0.2], [0, 0], 0.5)
    with pytest.raises(ValueError, match="Expected `threshold` as a finite number"):
        anomaly.precision_recall_at([0.1, 0.2], [0, 1], "high")


@pytest.mark.parametrize("percentile", [-1, 100.5, "95", True, None])
def test_threshold_bad_percentile(percentile):
    with pytest.raises(ValueError, match="Expected `percentile`"):
        anomaly.threshold_at_percentile([0.1, 0.2, 0.3], percentile)


@pytest.mark.parametrize("threshold", [np.nan, np.inf, True, None, [0.5]])
def test_precision_recall_bad_thresholds(threshold):
    with pytest.raises(ValueError, match="Expected `threshold` as a finite number"):
        anomaly.precision_recall_at([0.1, 0.2], [0, 1], threshold)


@pytest.mark.parametrize(
    "is_anomaly, message",
    [
        ([0, 1, 1], "of shape (2,)"),
        ([[0, 1], [1, 0]], "not one-hot rows"),
        ([0, 2], "only 0/1 or False/True"),
    ],
)
def test_precision_recall_bad_labels(is_anomaly, message):
    with pytest.raises(ValueError, match="Expected") as error:
        anomaly.precision_recall_at([0.1, 0.2], is_anomaly, 0.5)
    assert message in str(error.value)


def test_labels_may_be_booleans_ints_or_whole_floats():
    scores = [0.1, 0.4, 0.35, 0.8]
    expected = anomaly.auroc(scores, [False, False, True, True])
    assert anomaly.auroc(scores, [0, 0, 1, 1]) == expected == 0.75
    assert anomaly.auroc(scores, np.array([0.0, 0.0, 1.0, 1.0])) == expected


def test_roc_curve_keeps_every_point():
    # sklearn drops collinear points by default; here each distinct score is a point.
    fpr, tpr, thresholds = anomaly.roc_curve([0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1])
    assert len(fpr) == len(tpr) == len(thresholds) == 5
    assert thresholds.dtype == fpr.dtype == tpr.dtype == np.float64


@pytest.mark.parametrize("scores", [[0.1, np.nan], [], [[0.1, 0.2]], ["a", "b"]])
def test_threshold_bad_train_scores(scores):
    with pytest.raises(ValueError, match="Expected `train_scores`"):
        anomaly.threshold_at_percentile(scores, 95)


def test_threshold_bad_scores():
    with pytest.raises(ValueError, match="finite numbers"):
        anomaly.threshold_at_percentile([0.1, np.nan], 95)


def test_reconstruction_errors_one_per_example():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(4, 784)).astype("float32")
    x_hat = rng.uniform(size=(4, 784)).astype("float32")
    expected = np.mean((x.astype("float64") - x_hat) ** 2, axis=1)
    errors = anomaly.reconstruction_errors(x, x_hat)
    assert errors.shape == (4,) and errors.dtype == np.float64
    np.testing.assert_allclose(errors, expected, rtol=1e-6)
    images = anomaly.reconstruction_errors(
        x.reshape(4, 28, 28), x_hat.reshape(4, 28, 28)
    )
    np.testing.assert_allclose(images, expected, rtol=1e-6)
    assert np.all(anomaly.reconstruction_errors(x, x) == 0.0)


@pytest.mark.parametrize(
    "x, x_hat, message",
    [
        (np.zeros((2, 3)), np.zeros((2, 4)), "of the shape of `x`"),
        (np.float32(0.5), np.float32(0.5), "shape (n, ...)"),
        (np.zeros((0, 3)), np.zeros((0, 3)), "n >= 1"),
        (np.array([[0.1, np.nan]]), np.zeros((1, 2)), "finite numbers"),
        ([["a", "b"]], np.zeros((1, 2)), "array of numbers"),
    ],
)
def test_reconstruction_errors_bad_inputs(x, x_hat, message):
    with pytest.raises(ValueError, match="Expected") as error:
        anomaly.reconstruction_errors(x, x_hat)
    assert message in str(error.value)


def test_threshold_at_false_positive_rate_uses_normal_examples_only():
    normal = np.arange(101, dtype="float64") / 100.0  # 0.00, 0.01, ..., 1.00
    scores = np.concatenate([normal, np.full(50, 5.0)])
    is_anomaly = np.r_[np.zeros(101, bool), np.ones(50, bool)]
    threshold = anomaly.threshold_at_false_positive_rate(scores, is_anomaly, 0.05)
    assert threshold == pytest.approx(0.95)
    assert anomaly.threshold_at_false_positive_rate(normal, np.zeros(101), 0.0) == 1.0
    assert anomaly.threshold_at_false_positive_rate(normal, np.zeros(101), 1.0) == 0.0
    many = np.random.default_rng(1).exponential(size=2000)
    cut = anomaly.threshold_at_false_positive_rate(many, np.zeros(2000), 0.1)
    assert np.mean(many > cut) == pytest.approx(0.1, abs=0.001)


@pytest.mark.parametrize(
    "scores, is_anomaly, rate, message",
    [
        ([0.1, 0.2], [1, 1], 0.05, "at least one normal example"),
        ([0.1, 0.2], [0, 0], 5, "`false_positive_rate`"),
        ([0.1, 0.2], [0, 0], "5%", "`false_positive_rate`"),
        ([0.1, 0.2], [0, 0, 1], 0.05, "of shape (2,)"),
        ([0.1, np.nan], [0, 0], 0.05, "finite numbers"),
    ],
)
def test_threshold_at_false_positive_rate_bad_inputs(scores, is_anomaly, rate, message):
    with pytest.raises(ValueError, match="Expected") as error:
        anomaly.threshold_at_false_positive_rate(scores, is_anomaly, rate)
    assert message in str(error.value)
