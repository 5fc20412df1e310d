"""Input checks shared by the utils modules.

Each helper raises ``ValueError`` saying what was expected and what was received, in the
Keras style: ``Expected images of shape (n, 28, 28) or (n, 784). Received: shape=(28, 28)``.
"""

import keras
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
    if isinstance(seed, keras.random.SeedGenerator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(
            "Expected `seed` as an int or a keras.random.SeedGenerator. "
            f"Received: {seed!r}"
        )
    return keras.random.SeedGenerator(int(seed))
