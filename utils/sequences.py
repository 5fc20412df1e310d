"""Sequences for the sequence autoencoder: digits cropped to their rows, a corrupted
stretch, and how well a flagged stretch matches it.

A batch of sequences is a float32 array of shape (n, steps, features) with values in
[0, 1]: MNIST images read row by row are (n, 28, 28), 28 steps of 28 pixels each.

Every argument is checked before any work; bad input raises ``ValueError`` in the form
"Expected ... Received: ..." that names the caller's own arguments.
"""

import keras
import numpy as np

from utils import anomaly
from utils.validation import (
    as_float_array,
    check_choice,
    check_fraction,
    check_int,
    check_positive_int,
    check_unit_range,
    int_vector,
    seed_generator,
)

KINDS = ("noise", "shift")  # a tuple: check_choice then also refuses unhashable values


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

    Raises:
        ValueError: ``images`` not finite numbers in [0, 1] of shape (n, height, width)
            with no zero size; ``threshold`` not a number in [0, 0.999].
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
    """Return a boolean array (n, steps), True on the first lengths[i] steps of row i.

    Args:
        lengths: int array (n,), n >= 1, each in 0..steps.
        steps: int >= 1, the number of steps of every row.

    Raises:
        ValueError: ``lengths`` not a non-empty vector of ints in 0..steps; ``steps``
            not a positive int.
    """
    lengths = int_vector(lengths, "lengths")
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
        seed: int >= 0 or ``keras.random.SeedGenerator``.

    Returns:
        (corrupted, is_corrupted): float32 (n, steps, features) in [0, 1], and a
        boolean array (n, steps), True on the corrupted steps.

    Raises:
        ValueError: ``sequences`` not finite numbers in [0, 1] of shape
            (n, steps, features); an unknown ``kind``; ``level`` outside [0, 1];
            ``stretch_length``, ``first`` or ``stop`` not ints with
            first + stretch_length <= stop <= steps; a bad ``seed``.
    """
    sequences = _batch(sequences)
    check_choice(kind, "kind", KINDS)
    generator = seed_generator(seed)
    check_fraction(level, "level")
    check_positive_int(stretch_length, "stretch_length")
    check_int(first, "first", low=0)
    check_int(stop, "stop", low=1, allow_none=True)
    n, steps, features = sequences.shape
    stop = steps if stop is None else stop
    if not first + stretch_length <= stop <= steps:
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
    """Return ``is_corrupted`` as a boolean array (n, steps), n and steps >= 1."""
    try:
        array = np.asarray(is_corrupted)
    except Exception as error:  # a ragged list, ...
        raise ValueError(
            "Expected `is_corrupted` as a boolean array (n, steps). "
            f"Received: {type(is_corrupted).__name__} ({error})"
        ) from None
    if array.ndim != 2 or array.dtype != bool or 0 in array.shape:
        raise ValueError(
            "Expected `is_corrupted` as a boolean array (n, steps) with n, steps >= 1. "
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
        flagged_starts: int array (n,): the first step of each flagged window, with
            0 <= start and start + window <= steps (the window inside the sequence).
        window: int >= 1, the flagged window covers steps start .. start + window - 1.
        is_corrupted: boolean array (n, steps), True on the corrupted steps.

    Returns:
        float in [0, 1].

    Raises:
        ValueError: ``flagged_starts`` not a vector of ints, one per row of
            ``is_corrupted``; ``window`` not a positive int; a window reaching outside
            the steps; ``is_corrupted`` not a boolean array (n, steps).
    """
    starts = int_vector(flagged_starts, "flagged_starts").astype("int64")
    check_positive_int(window, "window")
    is_corrupted = _corrupted_steps(is_corrupted, len(starts))
    steps = is_corrupted.shape[1]
    if starts.min() < 0 or starts.max() + window > steps:
        raise ValueError(
            f"Expected every flagged window inside the {steps} steps of "
            f"`is_corrupted`: 0 <= flagged_starts and flagged_starts + window <= "
            f"{steps}. Received: "
            f"window={window}, flagged_starts from {starts.min()} to {starts.max()}"
        )
    positions = np.arange(steps)[None, :]
    flagged = (positions >= starts[:, None]) & (positions < starts[:, None] + window)
    return float(np.mean((flagged & is_corrupted).any(axis=1)))


def chance_hit_rate(window, is_corrupted):
    """Return the hit rate of a window placed uniformly at random (the baseline).

    Args:
        window: int in 1..steps, the length of the flagged window.
        is_corrupted: boolean array (n, steps), True on the corrupted steps.

    Returns:
        float in [0, 1]: ``hit_rate`` averaged over every start 0..steps - window.

    Raises:
        ValueError: ``window`` not a positive int or longer than the steps;
            ``is_corrupted`` not a boolean array (n, steps).
    """
    check_positive_int(window, "window")
    is_corrupted = _corrupted_steps(is_corrupted)
    steps = is_corrupted.shape[1]
    if window > steps:
        raise ValueError(
            f"Expected `window` <= {steps}, the steps of `is_corrupted`. "
            f"Received: window={window}"
        )
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

    Raises:
        ValueError: ``step_scores`` not finite numbers of the shape of
            ``is_corrupted``; ``is_corrupted`` not a boolean array (n, steps) holding
            both values.
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


def pad(sequence_list, length):
    """Post-pad variable-length sequences with zeros into one batch, with its step mask.

    Args:
        sequence_list: list of n >= 1 float arrays of shape (length_i, features), the
            same ``features`` for all, 1 <= length_i <= ``length``.
        length: int >= 1, the number of steps of the batch.

    Returns:
        (padded, mask): float32 (n, length, features), each sequence at the start of
        its row and zeros after it; and a boolean (n, length), True on the real steps
        (the first length_i of row i). The inputs are not changed.

    Raises:
        ValueError: ``sequence_list`` not a non-empty list of 2-D arrays with one
            number of features; a sequence empty or longer than ``length``; ``length``
            not a positive int.
    """
    check_positive_int(length, "length")
    if not isinstance(sequence_list, (list, tuple)) or not sequence_list:
        raise ValueError(
            "Expected `sequence_list` as a non-empty list of arrays (length_i, features). "
            f"Received: {type(sequence_list).__name__}"
        )
    arrays = [as_float_array(item, "sequence_list[i]") for item in sequence_list]
    shapes = [array.shape for array in arrays]
    if any(len(shape) != 2 or shape[0] == 0 for shape in shapes) or len(
        {shape[1] for shape in shapes}
    ) != 1:
        raise ValueError(
            "Expected `sequence_list` of non-empty 2-D arrays (length_i, features) with "
            f"one number of features. Received: shapes {shapes[:5]}"
        )
    lengths = np.array([shape[0] for shape in shapes])
    if lengths.max() > length:
        raise ValueError(
            f"Expected every sequence at most `length`={length} steps. "
            f"Received: a sequence of {lengths.max()} steps"
        )
    padded = np.zeros((len(arrays), length, shapes[0][1]), dtype="float32")
    for index, array in enumerate(arrays):
        padded[index, : len(array)] = array
    return padded, step_mask(lengths, length)


def masked_step_loss(targets, outputs, mask):
    """Return the mean squared error per step, averaged over the real steps only.

    The squared error of each step is averaged over its features; those step errors
    are then averaged over every step where ``mask`` is True, in the whole batch (each
    real step counts once, however long its sequence). Padded steps (mask False) add
    nothing, whatever the outputs there.

    Works on NumPy arrays and on backend tensors (``keras.ops``), so it can serve as a
    training loss; its gradient with respect to ``outputs`` is 0 on padded steps.

    Args:
        targets: float array (n, steps, features), the sequences.
        outputs: float array (n, steps, features), their reconstructions.
        mask: boolean or 0/1 array (n, steps), True (1) on the real steps; at least
            one True.

    Returns:
        a scalar tensor (float32): sum(step_error * mask) / sum(mask).

    Raises:
        TypeError: an argument that is not an array or a tensor.
        ValueError: shapes that do not match as above (checked on static shapes), or a
            NumPy ``mask`` with no True.
    """
    targets, outputs, mask = (
        np.asarray(value) if isinstance(value, (list, tuple)) else value
        for value in (targets, outputs, mask)
    )
    for name, value in (("targets", targets), ("outputs", outputs), ("mask", mask)):
        if not hasattr(value, "shape") or isinstance(value, str):
            raise TypeError(
                f"Expected `{name}` to be an array or a tensor. Received: "
                f"{type(value).__name__}"
            )
    if isinstance(mask, np.ndarray) and not np.any(mask):
        raise ValueError(
            "Expected `mask` to mark at least one real step (True). Received: all False"
        )
    target_shape, output_shape = tuple(targets.shape), tuple(outputs.shape)
    mask_shape = tuple(mask.shape)
    if len(target_shape) != 3 or target_shape != output_shape:
        raise ValueError(
            "Expected `targets` and `outputs` of one shape (n, steps, features). "
            f"Received: {target_shape} and {output_shape}"
        )
    if mask_shape != target_shape[:2]:
        raise ValueError(
            f"Expected `mask` of shape (n, steps) = {target_shape[:2]}. "
            f"Received: {mask_shape}"
        )
    ops = keras.ops
    targets = ops.cast(targets, "float32")
    outputs = ops.cast(outputs, "float32")
    weights = ops.cast(mask, "float32")
    step_error = ops.mean(ops.square(targets - outputs), axis=-1)
    return ops.sum(step_error * weights) / ops.maximum(ops.sum(weights), 1.0)
