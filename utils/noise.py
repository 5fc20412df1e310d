"""Corruptions for denoising and inpainting: Gaussian, masking, salt-and-pepper, blocks,
and the three region masks of context encoders.

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
from scipy import ndimage

from utils.validation import (
    as_float_array,
    check_fraction,
    check_number,
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


def _image_batch(images):
    """Return ``images`` as float32 of shape (n, height, width) or (n, height, width, 1),
    refusing other shapes and values outside [0, 1]."""
    images = _prepare(images, "images")
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] != 1):
        raise ValueError(
            "Expected `images` of shape (n, height, width) or (n, height, width, 1). "
            f"Received: shape={images.shape}"
        )
    return images


def _check_side(value, name, images):
    """Raise unless ``value`` is a positive int smaller than the images' height and
    width."""
    check_positive_int(value, name)
    height, width = images.shape[1], images.shape[2]
    if value >= min(height, width):
        raise ValueError(
            f"Expected `{name}` smaller than the image ({height}x{width}). "
            f"Received: {name}={value}"
        )


def _blank(images, inside):
    """Return (images with the ``inside`` pixels set to 0, hole), both float32 of the
    shape of ``images``; ``inside`` is a boolean tensor of shape (n, height, width)."""
    hole = _to_numpy(keras.ops.cast(inside, "float32"))
    if images.ndim == 4:
        hole = hole[..., None]
    return images * (1.0 - hole), hole


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
    images = _image_batch(images)
    _check_side(block_size, "block_size", images)
    height, width = images.shape[1], images.shape[2]
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
    return _blank(images, inside)


# ---- Context encoders' three region masks (Pathak et al. 2016, section 3.3) -----------


def central_mask(images, size=14):
    """Blank the central ``size`` x ``size`` square of every image.

    The "central region" of Pathak et al. (2016), *Context encoders: feature learning
    by inpainting*, CVPR, section 3.3: the same square in every image. On 28 x 28
    MNIST the default 14 x 14 square covers a quarter of the image (rows and columns 7
    to 20).

    Args:
        images: float array in [0, 1], shape (n, height, width) or (n, height, width, 1).
        size: int >= 1, the side of the square in pixels, smaller than the image's
            height and width. The square starts at row (height - size) // 2 and column
            (width - size) // 2.

    Returns:
        (corrupted, hole): both float32 of the input's shape; ``hole`` is 1 inside the
        square and 0 elsewhere, and ``corrupted`` is 0 inside it.

    Raises:
        ValueError: ``images`` not finite numbers in [0, 1], empty or of another shape;
            ``size`` not a positive int or not smaller than the image.
    """
    images = _image_batch(images)
    _check_side(size, "size", images)
    height, width = images.shape[1], images.shape[2]
    top, left = (height - size) // 2, (width - size) // 2
    inside = np.zeros((images.shape[0], height, width), bool)
    inside[:, top : top + size, left : left + size] = True
    return _blank(images, inside)


def random_blocks(images, num_blocks=4, block_size=7, seed=0):
    """Blank ``num_blocks`` random squares, possibly overlapping, in each image.

    The "random block" of Pathak et al. (2016), section 3.3: rather than one large
    hole at a fixed place, several smaller ones at random places, "possibly
    overlapping" and "covering up to 1/4 of the image". The default four 7 x 7 squares
    cover at most 196 of MNIST's 784 pixels, a quarter, and less where they overlap.
    Each square lies wholly inside the image: its top-left corner is drawn uniformly
    from the rows 0..height - block_size and the columns 0..width - block_size, for
    every image and every square on its own.

    Args:
        images: float array in [0, 1], shape (n, height, width) or (n, height, width, 1).
        num_blocks: int >= 1, the squares per image.
        block_size: int >= 1, the side of each square in pixels, smaller than the
            image's height and width.
        seed: int >= 0 or ``keras.random.SeedGenerator``.

    Returns:
        (corrupted, hole): both float32 of the input's shape; ``hole`` is 1 on the
        pixels of any square and 0 elsewhere, and ``corrupted`` is 0 there.

    Raises:
        ValueError: ``images`` not finite numbers in [0, 1], empty or of another shape;
            ``num_blocks`` not a positive int; ``block_size`` not a positive int or not
            smaller than the image; a bad ``seed``.
    """
    images = _image_batch(images)
    check_positive_int(num_blocks, "num_blocks")
    _check_side(block_size, "block_size", images)
    height, width = images.shape[1], images.shape[2]
    generator = seed_generator(seed)
    shape = (images.shape[0], num_blocks, 1, 1)
    top = keras.random.randint(shape, 0, height - block_size + 1, seed=generator)
    left = keras.random.randint(shape, 0, width - block_size + 1, seed=generator)
    rows = keras.ops.reshape(keras.ops.arange(height), (1, 1, height, 1))
    cols = keras.ops.reshape(keras.ops.arange(width), (1, 1, 1, width))
    in_block = (
        (rows >= top)
        & (rows < top + block_size)
        & (cols >= left)
        & (cols < left + block_size)
    )
    return _blank(images, keras.ops.any(in_block, axis=1))


def random_region(images, fraction=0.25, smoothness=3.0, seed=0):
    """Blank a random blob-shaped region covering ``fraction`` of each image.

    The "random region" of Pathak et al. (2016), section 3.3, removes arbitrary shapes
    (object outlines from PASCAL VOC segmentations, deformed and pasted at random
    places) covering up to 1/4 of the image. MNIST has no such outlines, so the shapes
    here are drawn: Gaussian noise (``keras.random``), blurred with a Gaussian kernel of
    standard deviation ``smoothness`` pixels (``scipy.ndimage.gaussian_filter``,
    rescaled so that its spread is the same near the border as in the middle), and the ``round(fraction * height * width)`` pixels where
    it is highest form the region: one or a few irregular blobs at random places.

    Args:
        images: float array in [0, 1], shape (n, height, width) or (n, height, width, 1).
        fraction: float in [0, 1], the share of each image's pixels blanked (exactly,
            up to rounding).
        smoothness: float in (0, 10], the blur's standard deviation in pixels: larger
            values give fewer, rounder blobs.
        seed: int >= 0 or ``keras.random.SeedGenerator``.

    Returns:
        (corrupted, hole): both float32 of the input's shape; ``hole`` is 1 inside the
        region and 0 elsewhere, and ``corrupted`` is 0 there.

    Raises:
        ValueError: ``images`` not finite numbers in [0, 1], empty or of another shape;
            ``fraction`` outside [0, 1]; ``smoothness`` not a number in (0, 10]; a bad
            ``seed``.
    """
    images = _image_batch(images)
    check_fraction(fraction, "fraction")
    smoothness = check_number(smoothness, "smoothness", low=0.0, high=10.0, low_open=True)
    generator = seed_generator(seed)
    n, height, width = images.shape[:3]
    count = int(round(float(fraction) * height * width))
    field = _to_numpy(keras.random.normal((n, height, width), seed=generator))
    # SciPy's Gaussian filter, along the rows and columns of each image (not across
    # images), with zeros beyond the border.
    blur = {"mode": "constant", "truncate": 3.0}
    blurred = ndimage.gaussian_filter(field, (0, smoothness, smoothness), **blur)
    # Near the border the kernel covers fewer pixels, so the blur varies less there:
    # divide by its standard deviation at each pixel, the root of the sum of the squared
    # kernel weights inside the image (a squared Gaussian is a Gaussian of standard
    # deviation smoothness / sqrt 2, up to a constant factor that does not matter here).
    narrow = smoothness / np.sqrt(2.0)
    ones = np.ones((height, width), "float32")
    spread = np.sqrt(
        ndimage.gaussian_filter(ones, narrow, mode="constant", truncate=3.0 * np.sqrt(2))
    )
    values = (blurred / spread).reshape(n, height * width)
    if count == 0:
        inside = np.zeros((n, height, width), bool)
    else:
        # The count-th largest value of each image is its threshold.
        threshold = -np.partition(-values, count - 1, axis=1)[:, count - 1 : count]
        inside = (values >= threshold).reshape(n, height, width)
    return _blank(images, inside)
