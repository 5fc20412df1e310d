"""Sequences for the sequence autoencoder: digits cropped to their rows, a corrupted
stretch, and how well a flagged stretch matches it.

A batch of sequences is a float32 array of shape (n, steps, features) with values in
[0, 1]: MNIST images read row by row are (n, 28, 28), 28 steps of 28 pixels each.
"""

import keras
import numpy as np

from utils import anomaly
from utils.validation import (
    as_float_array,
    check_choice,
    check_fraction,
    check_positive_int,
    check_unit_range,
    seed_generator,
)

KINDS = {"noise", "shift"}


def _batch(sequences, name="sequences"):
    """Return ``sequences`` as float32 (n, steps, features) in [0, 1]."""
    array = as_float_array(sequences, name)
    if array.ndim != 3 or 0 in array.shape:
        raise ValueError(
            f"Expected `{name}` of shape (n, steps, features) such as (n, 28, 28). "
            f"Received: shape={array.shape}"
        )
    check_unit_range(array, name)
    return array


def inked_rows(images, threshold=0.0):
    """Crop each image to its rows from the first to the last row with ink.

    Args:
        images: float array in [0, 1], shape (n, height, width).
        threshold: float in [0, 1); a row has ink when one of its pixels is above it.

    Returns:
        list of n float32 arrays of shape (length_i, width), 1 <= length_i <= height:
        variable-length sequences. A blank image gives its first row (length 1).
    """
    images = _batch(images, "images")
    check_fraction(threshold, "threshold", 0.0, 0.999)
    crops = []
    for image in images:
        rows = np.flatnonzero((image > threshold).any(axis=1))
        first, last = (rows[0], rows[-1]) if rows.size else (0, 0)
        crops.append(image[first : last + 1].copy())
    return crops


def step_mask(lengths, steps):
    """Return boolean array (n, steps), True on the first lengths[i] steps of row i."""
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(
            "Expected `lengths` as a vector of ints, shape (n,). "
            f"Received: dtype={lengths.dtype}, shape={lengths.shape}"
        )
    check_positive_int(steps, "steps")
    if lengths.size and (lengths.min() < 0 or lengths.max() > steps):
        raise ValueError(
            f"Expected `lengths` in 0..{steps}. "
            f"Received: min={lengths.min()}, max={lengths.max()}"
        )
    return np.arange(steps)[None, :] < lengths[:, None]


def corrupt_stretch(
    sequences, stretch_length, kind="noise", level=0.5, first=0, stop=None, seed=0
):
    """Corrupt one stretch of consecutive steps in every sequence.

    The stretch starts at a random step, drawn per sequence, and lies inside the steps
    ``first <= t < stop``.

    Args:
        sequences: float array in [0, 1], shape (n, steps, features).
        stretch_length: int >= 1, the number of corrupted steps.
        kind: ``"noise"`` adds Gaussian noise of standard deviation ``level`` (clipped
            to [0, 1]); ``"shift"`` moves the stretch's features sideways by
            ``round(level * features)`` places (a glitch that keeps the values).
        level: float in [0, 1], the strength.
        first: int >= 0, the first step a stretch may cover.
        stop: int or None (all steps): steps at or after it are never corrupted.
        seed: int or ``keras.random.SeedGenerator``.

    Returns:
        (corrupted, is_corrupted): float32 (n, steps, features) in [0, 1], and a
        boolean array (n, steps), True on the corrupted steps.
    """
    sequences = _batch(sequences)
    check_choice(kind, "kind", KINDS)
    generator = seed_generator(seed)
    check_fraction(level, "level")
    check_positive_int(stretch_length, "stretch_length")
    n, steps, features = sequences.shape
    stop = steps if stop is None else stop
    if isinstance(first, bool) or not isinstance(first, (int, np.integer)) or first < 0:
        raise ValueError(f"Expected `first` as an int >= 0. Received: {first!r}")
    if not isinstance(stop, (int, np.integer)) or not (
        first + stretch_length <= stop <= steps
    ):
        raise ValueError(
            f"Expected first + stretch_length <= stop <= {steps} (the steps). "
            f"Received: first={first}, stretch_length={stretch_length}, stop={stop!r}"
        )
    starts = keras.random.randint(
        (n, 1), first, stop - stretch_length + 1, seed=generator
    )
    positions = keras.ops.arange(steps)[None, :]
    inside = (positions >= starts) & (positions < starts + stretch_length)
    is_corrupted = np.asarray(keras.ops.convert_to_numpy(inside), dtype=bool)
    if kind == "noise":
        noise = keras.random.normal(sequences.shape, stddev=level, seed=generator)
        changed = keras.ops.convert_to_numpy(
            keras.ops.clip(keras.ops.add(sequences, noise), 0.0, 1.0)
        )
    else:
        changed = np.roll(sequences, int(round(level * features)), axis=2)
    corrupted = np.where(is_corrupted[:, :, None], changed, sequences)
    return corrupted.astype("float32"), is_corrupted


def _corrupted_steps(is_corrupted, num_sequences=None):
    array = np.asarray(is_corrupted)
    if array.ndim != 2 or array.dtype != bool:
        raise ValueError(
            "Expected `is_corrupted` as a boolean array (n, steps). "
            f"Received: dtype={array.dtype}, shape={array.shape}"
        )
    if num_sequences is not None and len(array) != num_sequences:
        raise ValueError(
            f"Expected `is_corrupted` with {num_sequences} rows, one per sequence. "
            f"Received: shape={array.shape}"
        )
    return array


def hit_rate(flagged_starts, window, is_corrupted):
    """Return the share of sequences whose flagged window overlaps the corrupted steps.

    Args:
        flagged_starts: int array (n,): the first step of each flagged window.
        window: int >= 1, the flagged window covers steps start .. start + window - 1.
        is_corrupted: boolean array (n, steps), True on the corrupted steps.

    Returns:
        float in [0, 1].
    """
    starts = np.asarray(flagged_starts)
    if starts.ndim != 1 or not np.issubdtype(starts.dtype, np.integer):
        raise ValueError(
            "Expected `flagged_starts` as a vector of ints, shape (n,). "
            f"Received: dtype={starts.dtype}, shape={starts.shape}"
        )
    check_positive_int(window, "window")
    is_corrupted = _corrupted_steps(is_corrupted, len(starts))
    flagged = step_mask(starts + window, is_corrupted.shape[1]) & ~step_mask(
        starts, is_corrupted.shape[1]
    )
    return float(np.mean((flagged & is_corrupted).any(axis=1)))


def chance_hit_rate(window, is_corrupted):
    """Return the hit rate of a window placed uniformly at random (the baseline)."""
    check_positive_int(window, "window")
    is_corrupted = _corrupted_steps(is_corrupted)
    steps = is_corrupted.shape[1]
    if window > steps:
        raise ValueError(f"Expected `window` <= {steps}. Received: {window}")
    rates = [
        hit_rate(np.full(len(is_corrupted), start), window, is_corrupted)
        for start in range(steps - window + 1)
    ]
    return float(np.mean(rates))


def step_auroc(step_scores, is_corrupted):
    """Return the AUROC of per-step scores for telling corrupted steps from clean ones.

    The probability that a random corrupted step scores higher than a random clean step
    (ties count one half), pooled over all steps of all sequences.

    Args:
        step_scores: float array (n, steps), higher meaning more unusual.
        is_corrupted: boolean array (n, steps) with both values present.

    Returns:
        float in [0, 1]; 0.5 is chance.
    """
    scores = as_float_array(step_scores, "step_scores").astype("float64")
    is_corrupted = _corrupted_steps(is_corrupted)
    if scores.shape != is_corrupted.shape:
        raise ValueError(
            "Expected `step_scores` of the shape of `is_corrupted`. "
            f"Received: {scores.shape} and {is_corrupted.shape}"
        )
    labels = is_corrupted.reshape(-1)
    if labels.all() or not labels.any():
        raise ValueError(
            "Expected both corrupted and clean steps. "
            f"Received: {int(labels.sum())} corrupted, {int((~labels).sum())} clean"
        )
    return anomaly.auroc(scores.reshape(-1), labels)
