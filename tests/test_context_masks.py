"""The three region masks of context encoders (Pathak et al. 2016) in ``utils.noise``,
and ``plots.filter_images``. Backend-neutral: run on TensorFlow, JAX and PyTorch."""

import keras
import numpy as np
import pytest

from utils import noise, plots

IMAGES = np.random.default_rng(0).uniform(0, 1, (400, 28, 28)).astype("float32")


def _covered_by_full_squares(hole, side):
    """True where a hole pixel lies in some side x side square wholly in the hole."""
    n, height, width = hole.shape
    sums = np.zeros((n, height + 1, width + 1))
    sums[:, 1:, 1:] = hole.cumsum(axis=1).cumsum(axis=2)
    boxes = (
        sums[:, side:, side:]
        - sums[:, :-side, side:]
        - sums[:, side:, :-side]
        + sums[:, :-side, :-side]
    )
    full = boxes == side * side  # top-left corners of squares wholly in the hole
    covered = np.zeros_like(hole, bool)
    for row in range(side):
        for column in range(side):
            covered[:, row : row + full.shape[1], column : column + full.shape[2]] |= full
    return covered


@pytest.mark.parametrize(
    "mask",
    [
        lambda x: noise.central_mask(x, 14),
        lambda x: noise.random_blocks(x, 4, 7, seed=0),
        lambda x: noise.random_region(x, 0.25, seed=0),
    ],
)
@pytest.mark.parametrize("shape", [(6, 28, 28), (6, 28, 28, 1)])
def test_masks_return_the_blanked_images_and_the_hole(mask, shape):
    images = IMAGES[:6].reshape(shape)
    corrupted, hole = mask(images)
    assert corrupted.shape == hole.shape == shape
    assert corrupted.dtype == hole.dtype == np.float32
    assert set(np.unique(hole)) <= {0.0, 1.0}
    np.testing.assert_array_equal(corrupted, images * (1 - hole))


def test_central_mask_is_the_middle_quarter():
    _, hole = noise.central_mask(IMAGES[:3], 14)
    expected = np.zeros((28, 28), "float32")
    expected[7:21, 7:21] = 1
    assert np.all(hole == expected)
    _, odd = noise.central_mask(np.zeros((1, 9, 9)), 3)
    assert np.argwhere(odd[0]).min(axis=0).tolist() == [3, 3]


def test_random_blocks_are_whole_squares_covering_up_to_a_quarter():
    _, hole = noise.random_blocks(IMAGES, num_blocks=4, block_size=7, seed=3)
    per_image = hole.reshape(len(hole), -1).sum(axis=1)
    assert per_image.min() >= 49 and per_image.max() <= 4 * 49
    assert 0.18 < per_image.mean() / 784 < 0.25  # overlaps cover some pixels twice
    assert np.all(_covered_by_full_squares(hole, 7) == (hole == 1))
    coverage = hole.mean(axis=0)
    # Blocks reach every row and column, the last ones included (a single corner pixel is
    # covered by one start position in 22 x 22, too rare to ask of every one on any backend).
    assert coverage.max(axis=1).min() > 0 and coverage.max(axis=0).min() > 0
    assert coverage[-1].max() > 0 and coverage[:, -1].max() > 0
    assert not np.array_equal(hole[0], hole[1])


def test_random_blocks_seeding():
    first = noise.random_blocks(IMAGES[:20], seed=1)[1]
    np.testing.assert_array_equal(first, noise.random_blocks(IMAGES[:20], seed=1)[1])
    assert not np.array_equal(first, noise.random_blocks(IMAGES[:20], seed=2)[1])
    generator = keras.random.SeedGenerator(4)
    assert not np.array_equal(
        noise.random_blocks(IMAGES[:20], seed=generator)[1],
        noise.random_blocks(IMAGES[:20], seed=generator)[1],
    )


def test_random_region_covers_the_fraction_anywhere():
    _, hole = noise.random_region(IMAGES, fraction=0.25, seed=5)
    per_image = hole.reshape(len(hole), -1).sum(axis=1)
    assert np.all(per_image == 196)
    coverage = hole.mean(axis=0)
    # The border is as likely to be covered as the middle (the blur is rescaled there).
    assert 0.15 < coverage.min() and coverage.max() < 0.35
    assert not np.array_equal(hole[0], hole[1])
    np.testing.assert_array_equal(hole, noise.random_region(IMAGES, 0.25, seed=5)[1])
    assert noise.random_region(IMAGES[:2], fraction=0.0)[1].sum() == 0
    assert noise.random_region(IMAGES[:2], fraction=1.0)[1].min() == 1


def test_random_region_is_blobs_not_scattered_pixels():
    _, smooth = noise.random_region(IMAGES[:50], 0.25, smoothness=3.0, seed=0)
    _, rough = noise.random_region(IMAGES[:50], 0.25, smoothness=0.3, seed=0)

    def same_as_right_neighbour(hole):
        return np.mean(hole[:, :, 1:] == hole[:, :, :-1])

    assert same_as_right_neighbour(smooth) > 0.9 > same_as_right_neighbour(rough)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: noise.central_mask(IMAGES, 28), "Expected `size` smaller"),
        (lambda: noise.central_mask(IMAGES.reshape(400, 784)), r"\(n, height, width\)"),
        (lambda: noise.random_blocks(IMAGES, 0), "Expected `num_blocks`"),
        (lambda: noise.random_blocks(IMAGES, 2, 30), "Expected `block_size` smaller"),
        (lambda: noise.random_blocks(IMAGES * 255), r"values in \[0, 1\]"),
        (lambda: noise.random_blocks(IMAGES, seed=-1), "Expected `seed`"),
        (lambda: noise.random_region(IMAGES, 1.5), "Expected `fraction`"),
        (lambda: noise.random_region(IMAGES, 0.2, 0.0), "Expected `smoothness`"),
        (lambda: noise.random_region(np.zeros((2, 5, 5, 3))), r"\(n, height, width, 1\)"),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_filter_images_scales_each_unit_to_the_unit_range():
    kernel = np.random.default_rng(1).normal(size=(784, 10)).astype("float32")
    kernel[:, 3] *= 100
    kernel[:, 4] = 0.5  # a constant filter
    filters = plots.filter_images(kernel, num_filters=6)
    assert filters.shape == (6, 28, 28) and filters.dtype == np.float32
    np.testing.assert_allclose(filters[2], (kernel[:, 2].reshape(28, 28) - kernel[:, 2].min()) / np.ptp(kernel[:, 2]), atol=1e-6)
    assert filters[3].min() == 0 and filters[3].max() == pytest.approx(1)
    assert np.all(filters[4] == 0)
    assert plots.filter_images(kernel[:, :3], num_filters=48).shape == (3, 28, 28)
    with pytest.raises(ValueError, match="Expected a Dense kernel"):
        plots.filter_images(np.zeros(784))
