"""Scoring anomalies: reconstruction errors, ROC curve, AUROC, thresholds, precision.

Everything here works on NumPy arrays of one **anomaly score** per example (higher means
more anomalous, for example an autoencoder's reconstruction error) and a 0/1 or boolean
array ``is_anomaly`` (1 for an anomaly, 0 for a normal example). An example is *flagged*
when its score is strictly above the threshold. The ROC curve, the AUROC, precision and
recall come from scikit-learn; this module checks the inputs first.
"""

import numpy as np
from sklearn import metrics as sk_metrics

from utils.validation import as_float_array, binary_labels, check_number, float_vector


def reconstruction_errors(x, x_hat):
    """Return each example's reconstruction error, its mean squared error: shape (n,).

    The anomaly score of an autoencoder trained on normal data only (as in Sakurada &
    Yairi 2014, "Anomaly detection using autoencoders with nonlinear dimensionality
    reduction"): the squared differences averaged over every axis but the first, so
    images of shape (n, 784) and (n, 28, 28) give the same n numbers.

    Args:
        x: float array (n, ...), n >= 1, finite: the inputs (pixels in [0, 1] here, but
            any real values work).
        x_hat: float array of the same shape: the model's reconstructions.

    Returns:
        float64 ndarray of shape (n,), each entry >= 0.

    Raises:
        ValueError: for arrays that are not finite numbers, have no example axis (a
            scalar) or differ in shape.
    """
    x, x_hat = as_float_array(x, "x"), as_float_array(x_hat, "x_hat")
    if x.ndim < 1 or len(x) == 0:
        raise ValueError(
            f"Expected `x` of shape (n, ...) with n >= 1. Received: shape={x.shape}"
        )
    if x.shape != x_hat.shape:
        raise ValueError(
            f"Expected `x_hat` of the shape of `x`, {x.shape}. Received: "
            f"shape={x_hat.shape}"
        )
    squared = (np.asarray(x, "float64") - np.asarray(x_hat, "float64")) ** 2
    return squared.reshape(len(x), -1).mean(axis=1)


def threshold_at_false_positive_rate(scores, is_anomaly, false_positive_rate):
    """Return the threshold that flags a share ``false_positive_rate`` of normal data.

    It is the (1 - false_positive_rate) quantile of the *normal* examples' scores of a
    validation set (``np.quantile``, linear interpolation), so that about that share of
    them lies strictly above it; anomalies in the set are left out. This sets a
    detector's false alarm rate from normal data alone, on examples the model was not
    trained on (training scores are optimistic).

    Args:
        scores: float array, shape (n,), finite; higher means more anomalous.
        is_anomaly: bool or 0/1 array, shape (n,); at least one normal example (all
            normal is fine).
        false_positive_rate: number in [0, 1], for example 0.05.

    Returns:
        float, the threshold; flag the examples whose score is > threshold.

    Raises:
        ValueError: for a rate outside [0, 1] (or not a number), scores that are not
            a finite non-empty vector, labels other than 0/1 or of another length, or
            no normal example.
    """
    rate = check_number(false_positive_rate, "false_positive_rate", low=0.0, high=1.0)
    scores = float_vector(scores, "scores")
    labels = binary_labels(is_anomaly, "is_anomaly", length=len(scores))
    if labels.all():
        raise ValueError(
            "Expected at least one normal example (is_anomaly False) to set the "
            f"threshold. Received: {len(labels)} anomalies only"
        )
    return float(np.quantile(scores[~labels], 1.0 - rate))


def _scores_and_labels(scores, is_anomaly):
    """Return (float64 scores of shape (n,), boolean labels with both classes)."""
    scores = float_vector(scores, "scores")
    labels = binary_labels(is_anomaly, "is_anomaly", length=len(scores))
    if labels.all() or not labels.any():
        which = "anomalies" if labels.all() else "normal examples"
        raise ValueError(
            "Expected both normal and anomalous examples in `is_anomaly`. "
            f"Received: only {which} ({len(labels)} of them)"
        )
    return scores, labels


def roc_curve(scores, is_anomaly):
    """Return the ROC curve of an anomaly score: one point per distinct threshold.

    ``sklearn.metrics.roc_curve`` with ``drop_intermediate=False``, so that no point is
    left out.

    Args:
        scores: float array, shape (n,), finite; higher means more anomalous.
        is_anomaly: bool or 0/1 array, shape (n,), with both classes present.

    Returns:
        (false_positive_rates, true_positive_rates, thresholds), three float64 arrays
        of the same length (the number of distinct scores + 1). Point i flags the
        examples whose score is >= thresholds[i]; the first point is (0, 0) with
        threshold +inf, the last is (1, 1). The rates lie in [0, 1].

    Raises:
        ValueError: for scores that are not a finite non-empty vector, labels other
            than 0/1 or False/True (one-hot rows, fractions, -1), a length other than
            that of ``scores``, or labels of one class only.
    """
    scores, labels = _scores_and_labels(scores, is_anomaly)
    fpr, tpr, thresholds = sk_metrics.roc_curve(
        labels, scores, drop_intermediate=False
    )
    return fpr, tpr, thresholds.astype("float64")


def auroc(scores, is_anomaly):
    """Return the area under the ROC curve, a float in [0, 1].

    It is the probability that a random anomaly scores higher than a random normal
    example (ties count one half), the Mann-Whitney U statistic divided by the number of
    (anomaly, normal) pairs; computed by ``sklearn.metrics.roc_auc_score``.

    Args:
        scores: float array, shape (n,), finite; higher means more anomalous.
        is_anomaly: bool or 0/1 array, shape (n,), with both classes present.

    Returns:
        float: 1.0 when every anomaly outscores every normal example, 0.5 for a score
        that knows nothing.

    Raises:
        ValueError: as ``roc_curve``.
    """
    scores, labels = _scores_and_labels(scores, is_anomaly)
    return float(sk_metrics.roc_auc_score(labels, scores))


def threshold_at_percentile(train_scores, percentile):
    """Return the ``percentile``-th percentile of the training (normal) scores.

    Flagging the scores above it flags about (100 - percentile) % of normal data.

    Args:
        train_scores: float array, shape (n,), n >= 1, finite: normal examples' scores.
        percentile: number in [0, 100], for example 95.

    Returns:
        float, the threshold (linear interpolation between scores, ``np.percentile``).

    Raises:
        ValueError: for a percentile that is not a number in [0, 100] (a bool, a
            string, NaN) or scores that are not a finite non-empty vector.
    """
    percentile = check_number(percentile, "percentile", low=0.0, high=100.0)
    train_scores = float_vector(train_scores, "train_scores")
    return float(np.percentile(train_scores, percentile))


def precision_recall_at(scores, is_anomaly, threshold):
    """Return (precision, recall) when the examples above ``threshold`` are flagged.

    Computed by ``sklearn.metrics.precision_score`` and ``recall_score``.

    Args:
        scores: float array, shape (n,), finite; higher means more anomalous.
        is_anomaly: bool or 0/1 array, shape (n,), with both classes present.
        threshold: finite number; an example is flagged when its score is > threshold.

    Returns:
        (precision, recall), two floats in [0, 1]: the share of flagged examples that
        are anomalies (0.0 when nothing is flagged) and the share of anomalies flagged.

    Raises:
        ValueError: for a threshold that is not a finite number, and as ``roc_curve``.
    """
    threshold = check_number(threshold, "threshold")
    scores, labels = _scores_and_labels(scores, is_anomaly)
    flagged = scores > threshold
    precision = sk_metrics.precision_score(labels, flagged, zero_division=0.0)
    recall = sk_metrics.recall_score(labels, flagged)
    return float(precision), float(recall)
