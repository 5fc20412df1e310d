"""Input checks shared by the utils modules.

Each helper raises ``ValueError`` saying what was expected and what was received, in the
Keras style: ``Expected images of shape (n, 28, 28) or (n, 784). Received: shape=(28, 28)``.
"""

import numpy as np


def as_float_array(values, name):
    """Return ``values`` as a float32 numpy array; reject non-numbers, NaN and infinity."""
    try:
        array = np.asarray(values)
    except Exception as error:  # a ragged list, a tensor numpy cannot read, ...
        raise ValueError(
            f"Expected `{name}` to be an array of numbers. Received: {type(values).__name__} "
            f"({error})"
        ) from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise ValueError(
            f"Expected `{name}` to be an array of numbers. "
            f"Received: dtype={array.dtype}, type={type(values).__name__}"
        )
    array = array.astype("float32")
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"Expected `{name}` to hold finite numbers. Received: {bad} NaN or infinite "
            f"values among {array.size}"
        )
    return array


def check_unit_range(array, name):
    """Raise unless every value of ``array`` lies in [0, 1]."""
    if array.size and (array.min() < 0.0 or array.max() > 1.0):
        raise ValueError(
            f"Expected `{name}` with values in [0, 1] (scale uint8 images by 1/255). "
            f"Received: min={array.min():.4g}, max={array.max():.4g}"
        )


def check_fraction(value, name, low=0.0, high=1.0):
    """Raise unless ``value`` is a number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError(
            f"Expected `{name}` to be a number in [{low}, {high}]. "
            f"Received: {value!r} ({type(value).__name__})"
        )
    if not low <= float(value) <= high:
        raise ValueError(
            f"Expected `{name}` in [{low}, {high}]. Received: {name}={value!r}"
        )


def check_positive_int(value, name, allow_none=False):
    """Raise unless ``value`` is a positive int (or None when ``allow_none``)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        expected = "a positive int or None" if allow_none else "a positive int"
        raise ValueError(f"Expected `{name}` to be {expected}. Received: {value!r}")


def check_choice(value, name, choices):
    """Raise unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(
            f"Expected `{name}` to be one of {sorted(choices)}. Received: {value!r}"
        )


def images_as_batch(images, name="images"):
    """Return ``images`` as float32 of shape (n, height, width) with square images.

    Accepts (n, side*side), (n, side, side) and (n, side, side, 1); one image must be
    passed as a batch of one.
    """
    array = as_float_array(images, name)
    shape = array.shape
    if array.ndim == 4 and shape[-1] == 1:
        array = array[..., 0]
    elif array.ndim == 2:
        side = int(round(np.sqrt(shape[1])))
        if side * side != shape[1]:
            raise ValueError(
                f"Expected flat `{name}` of shape (n, side*side) such as (n, 784). "
                f"Received: shape={shape}"
            )
        array = array.reshape(shape[0], side, side)
    if array.ndim != 3 or array.shape[1] != array.shape[2]:
        raise ValueError(
            f"Expected `{name}` of shape (n, 784), (n, 28, 28) or (n, 28, 28, 1) "
            f"(a batch of square images; pass one image as images[None]). "
            f"Received: shape={shape}"
        )
    if array.shape[0] == 0:
        raise ValueError(
            f"Expected at least one image in `{name}`. Received: shape={shape}"
        )
    return array


def seed_generator(seed):
    """Return a ``keras.random.SeedGenerator`` for an int seed, or the one given."""
    import keras  # here, not at the top: `utils.config` must import without Keras

    if isinstance(seed, keras.random.SeedGenerator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(
            "Expected `seed` as an int or a keras.random.SeedGenerator. "
            f"Received: {seed!r}"
        )
    return keras.random.SeedGenerator(int(seed))


# ---- Shared checks added for the bad-input sweep --------------------------------------
# Every public helper in ``utils`` validates through these, before any work.


def check_type(value, name, types, expected):
    """Raise ``TypeError`` unless ``value`` is an instance of ``types``.

    ``expected`` words the type for the message, e.g. ``"a keras.Model"``.
    """
    if not isinstance(value, types):
        raise TypeError(
            f"Expected `{name}` as {expected}. Received: {value!r:.80} "
            f"({type(value).__name__})"
        )


def check_number(value, name, low=None, high=None, low_open=False, high_open=False):
    """Raise unless ``value`` is a finite real number in the given range.

    A bound of None is no bound; ``low_open``/``high_open`` exclude the bound itself.
    Returns the value as a Python float.
    """
    low_bracket, high_bracket = ("(" if low_open else "["), (")" if high_open else "]")
    wanted = "a finite number"
    if low is not None or high is not None:
        wanted += (
            f" in {low_bracket}{'-inf' if low is None else low}, "
            f"{'inf' if high is None else high}{high_bracket}"
        )
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError(
            f"Expected `{name}` as {wanted}. Received: {value!r:.80} "
            f"({type(value).__name__})"
        )
    number = float(value)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if not np.isfinite(number) or too_low or too_high:
        raise ValueError(f"Expected `{name}` as {wanted}. Received: {name}={value!r}")
    return number


def check_int(value, name, low=None, high=None, allow_none=False):
    """Raise unless ``value`` is an int (not a bool, not 2.0) in [low, high].

    Returns the value as a Python int (or None when ``allow_none`` and it is None).
    """
    if value is None and allow_none:
        return None
    bounds = ""
    if low is not None and high is not None:
        bounds = f" in {low}..{high}"
    elif low is not None:
        bounds = f" >= {low}"
    elif high is not None:
        bounds = f" <= {high}"
    wanted = f"an int{bounds}" + (" or None" if allow_none else "")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(
            f"Expected `{name}` as {wanted}. Received: {value!r:.80} "
            f"({type(value).__name__})"
        )
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"Expected `{name}` as {wanted}. Received: {name}={value!r}")
    return int(value)


def check_seed(seed, allow_none=False):
    """Raise unless ``seed`` is an int >= 0 (or None when ``allow_none``)."""
    return check_int(seed, "seed", low=0, allow_none=allow_none)


def float_matrix(values, name, min_rows=1, min_columns=1):
    """Return ``values`` as a finite float32 array of shape (n, d), n >= ``min_rows``."""
    array = as_float_array(values, name)
    if array.ndim != 2 or len(array) < min_rows or array.shape[1] < min_columns:
        raise ValueError(
            f"Expected `{name}` of shape (n, d) with n >= {min_rows} and "
            f"d >= {min_columns}, one row per example. Received: shape={array.shape}"
        )
    return array


def float_vector(values, name, min_length=1):
    """Return ``values`` as a finite float64 vector of shape (n,), n >= ``min_length``."""
    array = as_float_array(values, name)
    if array.ndim != 1 or len(array) < min_length:
        raise ValueError(
            f"Expected `{name}` as a vector of shape (n,) with n >= {min_length}. "
            f"Received: shape={array.shape}"
        )
    return np.asarray(values, dtype="float64").reshape(-1)


def class_labels(labels, name="labels", length=None, num_classes=None):
    """Return ``labels`` as an int64 vector of class ids 0..num_classes-1.

    Rejects one-hot rows (as ``keras.utils.to_categorical`` gives them) with the fix in
    the message, negative ids such as -1 "unlabelled" markers, fractions, NaN and a
    length other than ``length``.

    Args:
        labels: array-like of shape (n,), integers (integral floats are accepted).
        name: the argument's name, for messages.
        length: int or None, the n that the labels must have (one per example).
        num_classes: int or None, the number of classes; ids must be below it.
    """
    try:
        array = np.asarray(labels)
    except Exception as error:
        raise ValueError(
            f"Expected `{name}` as class ids, integers of shape (n,). "
            f"Received: {type(labels).__name__} ({error})"
        ) from None
    if array.ndim == 2 and array.shape[1] > 1 and len(array):
        raise ValueError(
            f"Expected `{name}` as class ids of shape (n,), not one-hot rows. "
            f"Received: shape={array.shape} (use labels.argmax(axis=1))"
        )
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise ValueError(
            f"Expected `{name}` as class ids, integers of shape (n,). "
            f"Received: dtype={array.dtype}"
        )
    if array.ndim != 1:
        raise ValueError(
            f"Expected `{name}` as class ids of shape (n,). Received: shape={array.shape}"
        )
    if length is not None and len(array) != length:
        raise ValueError(
            f"Expected `{name}` of shape ({length},), one per example. "
            f"Received: shape={array.shape}"
        )
    if len(array) == 0:
        raise ValueError(f"Expected at least one label in `{name}`. Received: shape=(0,)")
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise ValueError(
                f"Expected `{name}` as whole-number class ids. "
                f"Received: values such as {array[array != np.round(array)][:3].tolist()}"
            )
    array = array.astype("int64")
    if array.min() < 0:
        raise ValueError(
            f"Expected `{name}` as class ids >= 0. Received: {int(np.sum(array < 0))} "
            f"negative values such as {int(array.min())} (drop unlabelled examples first)"
        )
    if num_classes is not None and array.max() >= num_classes:
        raise ValueError(
            f"Expected `{name}` in 0..{num_classes - 1}. Received: max={int(array.max())}"
        )
    return array


def check_same_length(first, second, first_name, second_name):
    """Raise unless ``first`` and ``second`` have as many rows (one per example)."""
    if len(first) != len(second):
        raise ValueError(
            f"Expected as many {second_name} as {first_name}. "
            f"Received: {len(first)} {first_name}, {len(second)} {second_name}"
        )
