"""Scoring anomalies: ROC curve, AUROC, a threshold from training scores, precision.

Everything here works on NumPy arrays of one **anomaly score** per example (higher means
more anomalous, for example an autoencoder's reconstruction error) and a 0/1 or boolean
array ``is_anomaly`` (1 for an anomaly, 0 for a normal example). An example is *flagged*
when its score is strictly above the threshold.
"""

import numpy as np

from utils.validation import as_float_array


def _scores(values, name):
    """Return ``values`` as a float64 vector of finite numbers, shape (n,)."""
    array = as_float_array(values, name).astype("float64")
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"Expected `{name}` as a non-empty vector of shape (n,), one score per "
            f"example. Received: shape={array.shape}"
        )
    return np.asarray(values, dtype="float64").reshape(-1)


def _labels(is_anomaly, num_scores, need_both=True):
    """Return ``is_anomaly`` as a boolean vector of length ``num_scores``."""
    array = np.asarray(is_anomaly)
    if array.dtype == object or not (
        array.dtype == bool or np.issubdtype(array.dtype, np.number)
    ):
        raise ValueError(
            "Expected `is_anomaly` as booleans or 0/1 numbers. "
            f"Received: dtype={array.dtype}"
        )
    if array.ndim != 1 or len(array) != num_scores:
        raise ValueError(
            f"Expected `is_anomaly` of shape ({num_scores},), one label per score. "
            f"Received: shape={array.shape}"
        )
    if not np.isin(array, (0, 1)).all():
        raise ValueError(
            "Expected `is_anomaly` to hold only 0/1 or False/True. "
            f"Received: values {np.unique(array)[:5].tolist()}"
        )
    labels = array.astype(bool)
    if need_both and (labels.all() or not labels.any()):
        which = "anomalies" if labels.all() else "normal examples"
        raise ValueError(
            "Expected both normal and anomalous examples. "
            f"Received: only {which} ({len(labels)} of them)"
        )
    return labels


def roc_curve(scores, is_anomaly):
    """Return the ROC curve of an anomaly score: one point per distinct threshold.

    Args:
        scores: float array, shape (n,), finite; higher means more anomalous.
        is_anomaly: bool or 0/1 array, shape (n,), with both classes present.

    Returns:
        (false_positive_rates, true_positive_rates, thresholds), three float64 arrays
        of the same length. Point i flags the examples whose score is >= thresholds[i];
        the first point is (0, 0) with threshold +inf, the last is (1, 1).
    """
    scores = _scores(scores, "scores")
    labels = _labels(is_anomaly, len(scores))
    order = np.argsort(-scores, kind="mergesort")
    sorted_scores, sorted_labels = scores[order], labels[order]
    # The last index of each run of equal scores: ties are flagged together.
    last_of_run = np.r_[np.flatnonzero(np.diff(sorted_scores)), len(scores) - 1]
    true_positives = np.cumsum(sorted_labels)[last_of_run]
    false_positives = (last_of_run + 1) - true_positives
    fpr = np.r_[0.0, false_positives / np.sum(~labels)]
    tpr = np.r_[0.0, true_positives / np.sum(labels)]
    thresholds = np.r_[np.inf, sorted_scores[last_of_run]]
    return fpr, tpr, thresholds


def auroc(scores, is_anomaly):
    """Return the area under the ROC curve, a float in [0, 1].

    It is the probability that a random anomaly scores higher than a random normal
    example (ties count one half), computed from ranks as the Mann-Whitney U statistic.

    Args:
        scores: float array, shape (n,), finite; higher means more anomalous.
        is_anomaly: bool or 0/1 array, shape (n,), with both classes present.

    Returns:
        float: 1.0 when every anomaly outscores every normal example, 0.5 for a score
        that knows nothing.
    """
    scores = _scores(scores, "scores")
    labels = _labels(is_anomaly, len(scores))
    # Ranks 1..n in increasing score, equal scores sharing their average rank.
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    first_rank = np.cumsum(counts) - counts + 1
    ranks = (first_rank + (counts - 1) / 2.0)[inverse.reshape(-1)]
    num_anomalies, num_normal = int(labels.sum()), int((~labels).sum())
    u = ranks[labels].sum() - num_anomalies * (num_anomalies + 1) / 2.0
    return float(u / (num_anomalies * num_normal))


def threshold_at_percentile(train_scores, percentile):
    """Return the ``percentile``-th percentile of the training (normal) scores.

    Flagging the scores above it flags about (100 - percentile) % of normal data.

    Args:
        train_scores: float array, shape (n,), finite: scores of normal examples.
        percentile: number in [0, 100], for example 95.

    Returns:
        float, the threshold (interpolated between scores, as ``np.percentile``).
    """
    if isinstance(percentile, bool) or not isinstance(
        percentile, (int, float, np.number)
    ):
        raise ValueError(
            f"Expected `percentile` as a number in [0, 100]. Received: {percentile!r}"
        )
    if not 0.0 <= float(percentile) <= 100.0:
        raise ValueError(
            f"Expected `percentile` in [0, 100]. Received: percentile={percentile!r}"
        )
    train_scores = _scores(train_scores, "train_scores")
    return float(np.percentile(train_scores, float(percentile)))


def precision_recall_at(scores, is_anomaly, threshold):
    """Return (precision, recall) when the examples above ``threshold`` are flagged.

    Args:
        scores: float array, shape (n,), finite; higher means more anomalous.
        is_anomaly: bool or 0/1 array, shape (n,), with both classes present.
        threshold: float; an example is flagged when its score is > threshold.

    Returns:
        (precision, recall), two floats in [0, 1]: the share of flagged examples that
        are anomalies (0.0 when nothing is flagged) and the share of anomalies flagged.
    """
    if isinstance(threshold, bool) or not isinstance(
        threshold, (int, float, np.number)
    ):
        raise ValueError(f"Expected `threshold` as a number. Received: {threshold!r}")
    scores = _scores(scores, "scores")
    labels = _labels(is_anomaly, len(scores))
    flagged = scores > float(threshold)
    true_positives = int(np.sum(flagged & labels))
    precision = true_positives / int(flagged.sum()) if flagged.any() else 0.0
    recall = true_positives / int(labels.sum())
    return float(precision), float(recall)
