import numpy as np
import pytest

from utils import sequences

RNG = np.random.default_rng(0)
BATCH = RNG.uniform(0.0, 0.5, (40, 28, 28)).astype("float32")


def test_inked_rows_crops_to_the_first_and_last_inked_row():
    images = np.zeros((3, 28, 28), "float32")
    images[0, 5:9, 3] = 1.0
    images[1, 0, 0] = 0.5
    images[1, 27, 27] = 0.5
    crops = sequences.inked_rows(images)
    assert [len(crop) for crop in crops] == [4, 28, 1]
    assert crops[0].shape == (4, 28) and crops[0].dtype == np.float32
    np.testing.assert_array_equal(crops[0], images[0, 5:9])


def test_step_mask():
    mask = sequences.step_mask(np.array([0, 2, 4]), 4)
    assert mask.tolist() == [
        [False] * 4,
        [True, True, False, False],
        [True] * 4,
    ]


@pytest.mark.parametrize("kind", ["noise", "shift"])
def test_corrupt_stretch_changes_only_the_stretch(kind):
    corrupted, is_corrupted = sequences.corrupt_stretch(
        BATCH, 4, kind=kind, level=0.3, first=5, stop=20, seed=1
    )
    assert corrupted.shape == BATCH.shape and corrupted.dtype == np.float32
    assert is_corrupted.shape == (40, 28) and is_corrupted.dtype == bool
    assert np.all(is_corrupted.sum(axis=1) == 4)
    assert not is_corrupted[:, :5].any() and not is_corrupted[:, 20:].any()
    for row, steps in zip(corrupted != BATCH, is_corrupted):
        changed = np.flatnonzero(row.any(axis=1))
        assert set(changed) <= set(np.flatnonzero(steps)) and len(changed) > 0
        run = np.flatnonzero(steps)
        assert np.array_equal(run, np.arange(run[0], run[0] + 4))
    assert corrupted.min() >= 0.0 and corrupted.max() <= 1.0
    again, _ = sequences.corrupt_stretch(
        BATCH, 4, kind=kind, level=0.3, first=5, stop=20, seed=1
    )
    np.testing.assert_array_equal(corrupted, again)


def test_shift_keeps_the_values_of_each_row():
    corrupted, is_corrupted = sequences.corrupt_stretch(BATCH, 3, "shift", 0.5)
    np.testing.assert_allclose(
        np.sort(corrupted, axis=2), np.sort(BATCH, axis=2), atol=0
    )


def test_hit_rate_and_chance():
    is_corrupted = np.zeros((2, 10), bool)
    is_corrupted[0, 4:6] = True
    is_corrupted[1, 0:2] = True
    assert sequences.hit_rate(np.array([3, 2]), 2, is_corrupted) == 0.5
    assert sequences.hit_rate(np.array([5, 1]), 2, is_corrupted) == 1.0
    # Windows of 2 among 9 starts: 3 of them touch a stretch of 2 in the middle.
    assert sequences.chance_hit_rate(2, is_corrupted[:1]) == pytest.approx(3 / 9)


def test_step_auroc_matches_the_pairwise_definition():
    is_corrupted = RNG.uniform(size=(20, 10)) < 0.2
    scores = np.round(RNG.normal(size=(20, 10)) + is_corrupted, 1)
    positive, negative = scores[is_corrupted], scores[~is_corrupted]
    pairs = (positive[:, None] > negative[None]).mean() + 0.5 * (
        positive[:, None] == negative[None]
    ).mean()
    assert sequences.step_auroc(scores, is_corrupted) == pytest.approx(pairs)
    assert sequences.step_auroc(is_corrupted * 1.0, is_corrupted) == 1.0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sequences.inked_rows(BATCH[0]), r"Expected `images` of shape"),
        (lambda: sequences.inked_rows(BATCH * 4), r"values in \[0, 1\]"),
        (lambda: sequences.step_mask(np.array([1.5]), 3), "vector of ints"),
        (lambda: sequences.step_mask(np.array([4]), 3), r"Expected `lengths` in 0..3"),
        (
            lambda: sequences.corrupt_stretch(BATCH, 4, kind="blur"),
            "Expected `kind` to be one of",
        ),
        (lambda: sequences.corrupt_stretch(BATCH, 4, level=2.0), "Expected `level`"),
        (
            lambda: sequences.corrupt_stretch(BATCH, 10, first=20),
            "Expected first \\+ stretch_length <= stop",
        ),
        (lambda: sequences.corrupt_stretch(BATCH, 0), "stretch_length"),
        (
            lambda: sequences.hit_rate(np.array([0.5]), 2, np.zeros((1, 5), bool)),
            "flagged_starts",
        ),
        (
            lambda: sequences.hit_rate(np.array([0, 1]), 2, np.zeros((1, 5), bool)),
            "with 2 rows",
        ),
        (
            lambda: sequences.hit_rate(np.array([0]), 2, np.zeros((1, 5))),
            "boolean array",
        ),
        (
            lambda: sequences.step_auroc(np.zeros((2, 5)), np.zeros((2, 5), bool)),
            "both corrupted and clean",
        ),
        (
            lambda: sequences.step_auroc(np.zeros((2, 4)), np.zeros((2, 5), bool)),
            "of the shape of `is_corrupted`",
        ),
        (lambda: sequences.chance_hit_rate(9, np.zeros((1, 5), bool)), "window"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_corrupt_stretch_refuses_a_bad_seed():
    with pytest.raises(ValueError, match="Expected `seed` as an int"):
        sequences.corrupt_stretch(BATCH, 4, seed=1.5)
