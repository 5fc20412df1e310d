"""Notebook 03's checks q11 (context encoders' random blocks) and q12 (filters as
images): the right answers pass, plausible wrong ones get their message and the hint."""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint, verdict
from utils import noise, plots
from utils.checks import nb03, solution_code

# ---- q11: random blocks ---------------------------------------------------------------


def random_blocks(images, num_blocks, block_size, seed, low=0, extra=1, same=False):
    """The solution's loop; ``extra`` = 0 leaves out the last corner, ``same`` reuses one
    image's corners for all."""
    rng = np.random.default_rng(seed)
    n, height, width = images.shape
    hole = np.zeros(images.shape, "float32")
    size = (1 if same else n, num_blocks)
    tops = rng.integers(low, height - block_size + extra, size=size)
    lefts = rng.integers(low, width - block_size + extra, size=size)
    for index in range(n):
        row = 0 if same else index
        for top, left in zip(tops[row], lefts[row]):
            hole[index, top : top + block_size, left : left + block_size] = 1.0
    return images * (1.0 - hole), hole


def keras_random_blocks(images, num_blocks, block_size, seed):
    """Another right answer: keras.random and keras.ops, tensors returned."""
    n, height, width = images.shape
    generator = keras.random.SeedGenerator(seed)
    shape = (n, num_blocks, 1, 1)
    top = keras.random.randint(shape, 0, height - block_size + 1, seed=generator)
    left = keras.random.randint(shape, 0, width - block_size + 1, seed=generator)
    rows = keras.ops.reshape(keras.ops.arange(height), (1, 1, height, 1))
    cols = keras.ops.reshape(keras.ops.arange(width), (1, 1, 1, width))
    inside = (rows >= top) & (rows < top + block_size) & (cols >= left)
    inside = inside & (cols < left + block_size)
    hole = keras.ops.cast(keras.ops.any(inside, axis=1), "float32")
    return keras.ops.convert_to_tensor(images, "float32") * (1.0 - hole), hole


def blocks_cut_by_the_border(images, num_blocks, block_size, seed):
    rng = np.random.default_rng(seed)
    n, height, width = images.shape
    hole = np.zeros(images.shape, "float32")
    for index in range(n):
        for top, left in rng.integers(0, height, size=(num_blocks, 2)):
            hole[index, top : top + block_size, left : left + block_size] = 1.0
    return images * (1.0 - hole), hole


def blocks_hard_coded(images, num_blocks, block_size, seed):
    return random_blocks(images, 4, 7, seed)


def blocks_inverted(images, num_blocks, block_size, seed):
    corrupted, hole = random_blocks(images, num_blocks, block_size, seed)
    return images * hole, 1.0 - hole


def blocks_kept_inside(images, num_blocks, block_size, seed):
    corrupted, hole = random_blocks(images, num_blocks, block_size, seed)
    return images * hole, hole


def blocks_in_place(images, num_blocks, block_size, seed):
    _, hole = random_blocks(images, num_blocks, block_size, seed)
    images[hole == 1] = 0.0
    return images, hole


def blocks_unseeded(images, num_blocks, block_size, seed):
    return random_blocks(images, num_blocks, block_size, np.random.randint(1 << 30))


def blocks_float64(images, num_blocks, block_size, seed):
    corrupted, hole = random_blocks(images, num_blocks, block_size, seed)
    return corrupted, hole.astype("float64")


def blocks_bool_hole(images, num_blocks, block_size, seed):
    corrupted, hole = random_blocks(images, num_blocks, block_size, seed)
    return corrupted, hole == 1


def blocks_corrupted_unchanged(images, num_blocks, block_size, seed):
    return images.copy(), random_blocks(images, num_blocks, block_size, seed)[1]


WRONG_BLOCKS = [
    (blocks_cut_by_the_border, "is cut off"),
    (
        lambda images, num_blocks, block_size, seed: random_blocks(
            images, num_blocks, block_size, seed, extra=0
        ),
        "no block ever reaches the last row or column",
    ),
    (
        lambda images, num_blocks, block_size, seed: random_blocks(
            images, num_blocks, block_size, seed, low=1
        ),
        "no block ever reaches the first row or column",
    ),
    (
        lambda images, num_blocks, block_size, seed: random_blocks(
            images, 1, block_size, seed
        ),
        "draw `num_blocks` corners per image",
    ),
    (
        lambda images, num_blocks, block_size, seed: random_blocks(
            images, num_blocks, block_size, seed, same=True
        ),
        "every image got the same blocks",
    ),
    (blocks_hard_coded, "use `num_blocks`, `block_size`"),
    (blocks_inverted, "not the other way round"),
    (blocks_kept_inside, "multiply by (1 - hole)"),
    (blocks_corrupted_unchanged, "`corrupted` should be 0 where `hole` is 1"),
    (blocks_in_place, "you changed `images` in place"),
    (blocks_unseeded, "the same seed gave other blocks"),
    (blocks_float64, "expected `hole` as float32, got float64"),
    (blocks_bool_hole, "expected `hole` as float32, got bool"),
    (lambda images, num_blocks, block_size, seed: images, "expected a pair"),
    (
        lambda images, num_blocks, block_size, seed: (images, images[:, :10]),
        "expected `hole` of the shape",
    ),
    (noise.random_blocks(np.zeros((2, 28, 28))), "expected the function random_blocks"),
]


@pytest.mark.parametrize("answer, message", WRONG_BLOCKS)
def test_wrong_random_blocks_get_a_message_and_a_hint(answer, message, capsys):
    assert_wrong_with_hint(nb03.q11, answer, message, capsys)


@pytest.mark.parametrize(
    "answer",
    [
        random_blocks,
        keras_random_blocks,
        lambda images, num_blocks, block_size, seed: noise.random_blocks(
            images, num_blocks, block_size, seed
        ),
    ],
)
def test_right_random_blocks_pass(answer, capsys):
    assert verdict(nb03.q11, answer, capsys).startswith("✅ q11 passed")


# ---- q12: filters as images ----------------------------------------------------------


def filters_as_images(kernel, num_units):
    filters = kernel.T[:num_units].reshape(-1, 28, 28)
    low = filters.min(axis=(1, 2), keepdims=True)
    high = filters.max(axis=(1, 2), keepdims=True)
    return ((filters - low) / (high - low)).astype("float32")


def scale(filters, axes=(1, 2)):
    low = filters.min(axis=axes, keepdims=True)
    high = filters.max(axis=axes, keepdims=True)
    return ((filters - low) / (high - low)).astype("float32")


WRONG_FILTERS = [
    (lambda kernel, n: scale(kernel.reshape(-1, 28, 28)[:n]), "cut from the kernel's rows"),
    (
        lambda kernel, n: filters_as_images(kernel, n).transpose(0, 2, 1),
        "your images are transposed",
    ),
    (lambda kernel, n: kernel.T[:n].reshape(-1, 28, 28), "scale each filter to [0, 1]"),
    (
        lambda kernel, n: scale(kernel.T[:n].reshape(-1, 28, 28), axes=(0, 1, 2)),
        "one minimum and maximum",
    ),
    (
        lambda kernel, n: np.abs(kernel.T[:n].reshape(-1, 28, 28))
        / np.abs(kernel.T[:n]).max(axis=1)[:, None, None],
        "from exactly 0 (its smallest weight) to 1",
    ),
    (lambda kernel, n: filters_as_images(kernel, n).astype("float64"), "got float64"),
    (lambda kernel, n: filters_as_images(kernel, 36), "expected (25, 28, 28)"),
    (lambda kernel, n: filters_as_images(kernel[:, ::-1], n), "first 25 columns"),
    (lambda kernel, n: None, "returned None"),
    (plots.filter_images(np.ones((784, 2))), "expected the function filters_as_images"),
]


@pytest.mark.parametrize("answer, message", WRONG_FILTERS)
def test_wrong_filter_images_get_a_message_and_a_hint(answer, message, capsys):
    assert_wrong_with_hint(nb03.q12, answer, message, capsys)


@pytest.mark.parametrize(
    "answer",
    [
        filters_as_images,
        lambda kernel, n: plots.filter_images(kernel, n),
        lambda kernel, n: scale(np.moveaxis(kernel.reshape(28, 28, -1), -1, 0)[:n]),
        lambda kernel, n: keras.ops.convert_to_tensor(filters_as_images(kernel, n)),
    ],
)
def test_right_filter_images_pass(answer, capsys):
    assert verdict(nb03.q12, answer, capsys).startswith("✅ q12 passed")


@pytest.mark.parametrize("name", ["q11", "q12"])
def test_hints_come_in_levels_and_do_not_give_the_code(name):
    question = getattr(nb03, name)
    assert len(question.hints) >= 2
    lines = [line.strip() for line in solution_code("03", name).splitlines()]
    for hint in question.hints:
        for line in lines:
            assert len(line) < 25 or line not in hint, (name, line)
