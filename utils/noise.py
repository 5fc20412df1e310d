"""Corruptions for denoising and inpainting: Gaussian, masking, salt-and-pepper, blocks.

Every function takes a batch of values in [0, 1] (any shape, float), returns a float32
numpy array of the same shape clipped to [0, 1], and draws its randomness from
``keras.random`` with a seed, so the same seed gives the same noise on every backend.
``seed`` may be an int >= 0 or a ``keras.random.SeedGenerator`` (to get new noise per
call).

Every argument is checked before any noise is drawn; bad input raises ``ValueError`` in
the form "Expected ... Received: ...".
"""

import keras
import numpy as np

from utils.validation import (
    as_float_array,
    check_fraction,
    check_positive_int,
    check_unit_range,
    seed_generator,
)


def _prepare(x, name="x"):
    """Return ``x`` as float32, refusing non-numbers, NaN, inf, scalars, empty batches and
    values outside [0, 1]."""
    array = as_float_array(x, name)
    check_unit_range(array, name)
    if array.ndim < 1 or array.size == 0:
        raise ValueError(
            f"Expected a non-empty batch in `{name}`. Received: shape={array.shape}"
        )
    return array


def _to_numpy(tensor):
    return np.asarray(keras.ops.convert_to_numpy(tensor), dtype="float32")


def gaussian(x, stddev=0.1, seed=0):
    """Add Gaussian noise of standard deviation ``stddev``, then clip to [0, 1].

    Args:
        x: float array in [0, 1], any shape with at least one value, e.g. (n, 784).
        stddev: float in [0, 1], the noise's standard deviation (in pixel units).
        seed: int >= 0 or ``keras.random.SeedGenerator``.

    Returns:
        float32 array of the shape of ``x``, in [0, 1].

    Raises:
        ValueError: ``x`` not finite numbers in [0, 1] or empty; ``stddev`` outside
            [0, 1] or not a number; a bad ``seed``.
    """
    x = _prepare(x)
    check_fraction(stddev, "stddev")
    generator = seed_generator(seed)
    noise = keras.random.normal(x.shape, stddev=stddev, seed=generator)
    return _to_numpy(keras.ops.clip(keras.ops.add(x, noise), 0.0, 1.0))


def masking(x, fraction=0.1, seed=0):
    """Set a random ``fraction`` of the values to 0 (binomial, multiplicative noise).

    Args:
        x: float array in [0, 1], any shape with at least one value.
        fraction: float in [0, 1], the expected share of values set to 0.
        seed: int >= 0 or ``keras.random.SeedGenerator``.

    Returns:
        float32 array of the shape of ``x``, in [0, 1].

    Raises:
        ValueError: as ``gaussian``, for ``fraction`` in place of ``stddev``.
    """
    x = _prepare(x)
    check_fraction(fraction, "fraction")
    generator = seed_generator(seed)
    keep = keras.random.uniform(x.shape, seed=generator) >= fraction
    return _to_numpy(keras.ops.where(keep, x, 0.0))


def salt_and_pepper(x, fraction=0.1, seed=0):
    """Set a random ``fraction`` of the values to 0 or 1, half each on average.

    Args:
        x: float array in [0, 1], any shape with at least one value.
        fraction: float in [0, 1], the expected share of values replaced.
        seed: int >= 0 or ``keras.random.SeedGenerator``.

    Returns:
        float32 array of the shape of ``x``, in [0, 1].

    Raises:
        ValueError: as ``gaussian``, for ``fraction`` in place of ``stddev``.
    """
    x = _prepare(x)
    check_fraction(fraction, "fraction")
    generator = seed_generator(seed)
    hit = keras.random.uniform(x.shape, seed=generator) < fraction
    salt = keras.random.uniform(x.shape, seed=generator) < 0.5
    return _to_numpy(keras.ops.where(hit, keras.ops.cast(salt, "float32"), x))


def block_mask(images, block_size=10, seed=0):
    """Blank one random square block in each image (inpainting, context-encoder style).

    Args:
        images: float array in [0, 1], shape (n, height, width) or (n, height, width, 1).
        block_size: int >= 1, the side of the square hole in pixels, smaller than the
            image's height and width.
        seed: int >= 0 or ``keras.random.SeedGenerator``.

    Returns:
        (corrupted, hole): both float32 of the input's shape; ``hole`` is 1 inside the
        blanked block and 0 elsewhere, and ``corrupted`` is 0 inside it.

    Raises:
        ValueError: ``images`` not finite numbers in [0, 1], empty or of another shape;
            ``block_size`` not a positive int or not smaller than the image; a bad
            ``seed``.
    """
    images = _prepare(images, "images")
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] != 1):
        raise ValueError(
            "Expected `images` of shape (n, height, width) or (n, height, width, 1). "
            f"Received: shape={images.shape}"
        )
    check_positive_int(block_size, "block_size")
    height, width = images.shape[1], images.shape[2]
    if block_size >= min(height, width):
        raise ValueError(
            f"Expected `block_size` smaller than the image ({height}x{width}). "
            f"Received: block_size={block_size}"
        )
    generator = seed_generator(seed)
    n = images.shape[0]
    top = keras.random.randint((n, 1, 1), 0, height - block_size + 1, seed=generator)
    left = keras.random.randint((n, 1, 1), 0, width - block_size + 1, seed=generator)
    rows = keras.ops.reshape(keras.ops.arange(height), (1, height, 1))
    cols = keras.ops.reshape(keras.ops.arange(width), (1, 1, width))
    inside = (
        (rows >= top)
        & (rows < top + block_size)
        & (cols >= left)
        & (cols < left + block_size)
    )
    hole = _to_numpy(keras.ops.cast(inside, "float32"))
    if images.ndim == 4:
        hole = hole[..., None]
    return images * (1.0 - hole), hole
