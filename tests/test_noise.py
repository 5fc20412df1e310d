import keras
import numpy as np
import pytest

from utils import noise

IMAGES = np.random.default_rng(0).uniform(0, 1, (64, 28, 28)).astype("float32")


@pytest.mark.parametrize(
    "corrupt", [noise.gaussian, noise.masking, noise.salt_and_pepper]
)
def test_shape_range_and_seeding(corrupt):
    first = corrupt(IMAGES, 0.3, seed=1)
    assert first.shape == IMAGES.shape and first.dtype == np.float32
    assert first.min() >= 0.0 and first.max() <= 1.0
    np.testing.assert_array_equal(first, corrupt(IMAGES, 0.3, seed=1))
    assert not np.array_equal(first, corrupt(IMAGES, 0.3, seed=2))
    assert not np.array_equal(first, IMAGES)


def test_seed_generator_gives_new_noise_each_call():
    generator = keras.random.SeedGenerator(5)
    assert not np.array_equal(
        noise.gaussian(IMAGES, 0.2, generator), noise.gaussian(IMAGES, 0.2, generator)
    )


def test_gaussian_strength():
    middle = np.full((200, 784), 0.5, "float32")
    assert abs(np.std(noise.gaussian(middle, 0.1) - middle) - 0.1) < 0.005


def test_masking_fraction_and_values():
    ones = np.ones((100, 784), "float32")
    masked = noise.masking(ones, 0.25)
    assert abs(np.mean(masked == 0.0) - 0.25) < 0.01
    assert set(np.unique(masked)) <= {0.0, 1.0}


def test_salt_and_pepper_fraction():
    middle = np.full((100, 784), 0.5, "float32")
    hit = noise.salt_and_pepper(middle, 0.2) != 0.5
    assert abs(hit.mean() - 0.2) < 0.01


@pytest.mark.parametrize("shape", [(10, 28, 28), (10, 28, 28, 1)])
def test_block_mask(shape):
    images = np.ones(shape, "float32")
    corrupted, hole = noise.block_mask(images, block_size=8, seed=0)
    assert corrupted.shape == hole.shape == shape
    assert np.all(hole.reshape(10, -1).sum(axis=1) == 64)
    assert np.all(corrupted[hole == 1] == 0) and np.all(corrupted[hole == 0] == 1)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: noise.gaussian(IMAGES * 255, 0.1), r"values in \[0, 1\]"),
        (lambda: noise.gaussian(IMAGES, 1.5), r"Expected `stddev` in \[0.0, 1.0\]"),
        (lambda: noise.masking(IMAGES, "half"), "Expected `fraction` to be a number"),
        (lambda: noise.masking(np.full((2, 3), np.nan), 0.1), "finite numbers"),
        (lambda: noise.salt_and_pepper(["a", "b"], 0.1), "array of numbers"),
        (lambda: noise.gaussian(IMAGES, 0.1, seed="x"), "Expected `seed`"),
        (
            lambda: noise.block_mask(IMAGES.reshape(64, 784), 8),
            r"Expected `images` of shape \(n, height, width\)",
        ),
        (
            lambda: noise.block_mask(IMAGES, 28),
            "Expected `block_size` smaller than the image",
        ),
        (
            lambda: noise.block_mask(IMAGES, 0),
            "Expected `block_size` to be a positive int",
        ),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


CORRUPTIONS = [noise.gaussian, noise.masking, noise.salt_and_pepper]


@pytest.mark.parametrize(
    "x, message",
    [
        (np.full((2, 3), np.inf), "finite numbers"),
        (np.zeros((0, 784)), "non-empty batch"),
        (np.float32(0.5), "non-empty batch"),
        (-IMAGES, r"values in \[0, 1\]"),
        ([[0.1, 0.2], [0.3]], "array of numbers"),
    ],
)
@pytest.mark.parametrize("corrupt", CORRUPTIONS + [noise.block_mask])
def test_bad_batches(corrupt, x, message):
    with pytest.raises(ValueError, match=message):
        corrupt(x, 0.1) if corrupt is not noise.block_mask else corrupt(x, 2)


@pytest.mark.parametrize("strength", [-0.1, 1.5, np.nan, np.inf, "0.1", None, True])
@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_bad_strengths(corrupt, strength):
    with pytest.raises(ValueError, match=r"Expected `(stddev|fraction)`"):
        corrupt(IMAGES, strength)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True, None])
@pytest.mark.parametrize("corrupt", CORRUPTIONS + [noise.block_mask])
def test_bad_seeds(corrupt, seed):
    strength = 2 if corrupt is noise.block_mask else 0.1
    with pytest.raises(ValueError, match="Expected `seed` as an int >= 0 or a keras"):
        corrupt(IMAGES, strength, seed=seed)


@pytest.mark.parametrize(
    "block_size, message",
    [
        (29, "smaller than the image"),
        (1000, "smaller than the image"),
        (-2, "positive int"),
        (2.5, "positive int"),
        (True, "positive int"),
        ("8", "positive int"),
    ],
)
def test_bad_block_sizes(block_size, message):
    with pytest.raises(ValueError, match=f"Expected `block_size`.*{message}"):
        noise.block_mask(IMAGES, block_size)


def test_block_mask_refuses_more_than_one_channel():
    with pytest.raises(ValueError, match=r"\(n, height, width, 1\)"):
        noise.block_mask(np.zeros((2, 28, 28, 3)), 4)
