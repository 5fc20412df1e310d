import keras
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


# ---- Errors name the caller's own arguments (report 9) ---------------------------------


@pytest.mark.parametrize(
    "starts, window",
    [([3], 3), ([0], 6), ([-1], 2), ([4, 0], 2)],
    ids=["past-the-end", "window-longer-than-steps", "negative-start", "one-past"],
)
def test_hit_rate_window_outside_the_steps_names_the_callers_arguments(starts, window):
    with pytest.raises(ValueError) as error:
        sequences.hit_rate(np.array(starts), window, np.zeros((len(starts), 5), bool))
    message = str(error.value)
    assert "flagged_starts" in message and "window" in message
    assert "is_corrupted" in message and "lengths" not in message


def test_hit_rate_window_ending_on_the_last_step_is_fine():
    is_corrupted = np.zeros((1, 5), bool)
    is_corrupted[0, 4] = True
    assert sequences.hit_rate(np.array([3]), 2, is_corrupted) == 1.0


# ---- Every argument is validated --------------------------------------------------------

GOOD = np.zeros((2, 5), bool)
GOOD[:, 2] = True


@pytest.mark.parametrize(
    "call, message",
    [
        # sequences / images: NaN, inf, strings, empty, wrong rank, outside [0, 1]
        (lambda: sequences.inked_rows(np.full((2, 4, 4), np.nan)), "finite numbers"),
        (lambda: sequences.inked_rows(np.full((2, 4, 4), np.inf)), "finite numbers"),
        (lambda: sequences.inked_rows(np.full((2, 4, 4), "a")), "array of numbers"),
        (lambda: sequences.inked_rows(np.zeros((0, 4, 4))), "`images` of shape"),
        (lambda: sequences.inked_rows(-BATCH), r"values in \[0, 1\]"),
        (lambda: sequences.corrupt_stretch(BATCH[0], 2), "`sequences` of shape"),
        (lambda: sequences.corrupt_stretch(BATCH[:, :0], 2), "`sequences` of shape"),
        # thresholds, levels, kinds
        (lambda: sequences.inked_rows(BATCH, threshold=1.0), "`threshold` in"),
        (lambda: sequences.inked_rows(BATCH, threshold="0"), "`threshold` to be a number"),
        (lambda: sequences.inked_rows(BATCH, threshold=np.nan), "`threshold` in"),
        (lambda: sequences.corrupt_stretch(BATCH, 2, level=-0.1), "`level` in"),
        (lambda: sequences.corrupt_stretch(BATCH, 2, level=None), "`level` to be a number"),
        (lambda: sequences.corrupt_stretch(BATCH, 2, kind=["noise"]), "`kind` to be one of"),
        # counts: 0, negative, 2.5, True, strings
        (lambda: sequences.corrupt_stretch(BATCH, 2.5), "`stretch_length`"),
        (lambda: sequences.corrupt_stretch(BATCH, True), "`stretch_length`"),
        (lambda: sequences.corrupt_stretch(BATCH, "4"), "`stretch_length`"),
        (lambda: sequences.corrupt_stretch(BATCH, 2, first=-1), "`first` as an int >= 0"),
        (lambda: sequences.corrupt_stretch(BATCH, 2, first=1.0), "`first` as an int >= 0"),
        (lambda: sequences.corrupt_stretch(BATCH, 2, stop=2.5), "`stop` as an int >= 1"),
        (lambda: sequences.corrupt_stretch(BATCH, 2, stop=0), "`stop` as an int >= 1"),
        (lambda: sequences.corrupt_stretch(BATCH, 2, stop=29), "stop <= 28"),
        (lambda: sequences.step_mask(np.array([1]), 0), "`steps`"),
        (lambda: sequences.step_mask(np.array([1]), 2.5), "`steps`"),
        (lambda: sequences.step_mask(np.array([1]), True), "`steps`"),
        (lambda: sequences.step_mask(np.array([], int), 3), "`lengths` as a vector of ints"),
        (lambda: sequences.step_mask(np.array([True]), 3), "`lengths` as a vector of ints"),
        (lambda: sequences.step_mask([[1, 2]], 3), "`lengths` as a vector of ints"),
        (lambda: sequences.step_mask(np.array([-1]), 3), r"`lengths` in 0..3"),
        (lambda: sequences.hit_rate(np.array([0, 1]), 0, GOOD), "`window`"),
        (lambda: sequences.hit_rate(np.array([0, 1]), 1.5, GOOD), "`window`"),
        (lambda: sequences.hit_rate(np.array([0, 1]), "2", GOOD), "`window`"),
        (lambda: sequences.hit_rate(np.array([], int), 1, GOOD[:0]), "flagged_starts"),
        (lambda: sequences.hit_rate(["0", "1"], 1, GOOD), "flagged_starts"),
        (lambda: sequences.chance_hit_rate(True, GOOD), "`window`"),
        (lambda: sequences.chance_hit_rate(0, GOOD), "`window`"),
        # is_corrupted: not boolean, empty, wrong rank, ragged
        (lambda: sequences.chance_hit_rate(2, GOOD[:0]), "`is_corrupted` as a boolean"),
        (lambda: sequences.chance_hit_rate(2, GOOD[:, :0]), "`is_corrupted` as a boolean"),
        (lambda: sequences.chance_hit_rate(2, GOOD[0]), "`is_corrupted` as a boolean"),
        (lambda: sequences.chance_hit_rate(2, GOOD * 1), "`is_corrupted` as a boolean"),
        (lambda: sequences.step_auroc(np.zeros((2, 5)), [[True], [True, False]]), "is_corrupted"),
        # step scores
        (lambda: sequences.step_auroc(np.full((2, 5), np.nan), GOOD), "`step_scores`"),
        (lambda: sequences.step_auroc(np.full((2, 5), "a"), GOOD), "`step_scores`"),
    ],
)
def test_every_argument_is_checked(call, message):
    with pytest.raises(ValueError, match="Expected") as error:
        call()
    error.match(message)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True, None])
def test_corrupt_stretch_bad_seeds(seed):
    with pytest.raises(ValueError, match="Expected `seed` as an int >= 0 or a keras"):
        sequences.corrupt_stretch(BATCH, 4, seed=seed)


def test_pad_puts_each_sequence_first_and_returns_its_mask():
    pieces = [np.full((2, 3), 0.5, "float32"), np.ones((4, 3), "float32")]
    padded, mask = sequences.pad(pieces, 5)
    assert padded.shape == (2, 5, 3) and padded.dtype == np.float32
    assert mask.tolist() == [[True, True, False, False, False], [True] * 4 + [False]]
    np.testing.assert_array_equal(padded[0, :2], pieces[0])
    assert not padded[0, 2:].any() and not padded[1, 4:].any()
    assert pieces[0].max() == 0.5  # the inputs are unchanged


@pytest.mark.parametrize(
    "pieces, length, message",
    [
        ([np.ones((6, 3))], 5, "at most `length`=5"),
        ([np.ones((2, 3)), np.ones((2, 4))], 5, "one number of features"),
        ([], 5, "non-empty list"),
        ([np.ones((2, 3))], 0, "length"),
    ],
)
def test_pad_refuses_bad_input(pieces, length, message):
    with pytest.raises(ValueError, match="Expected"):
        sequences.pad(pieces, length)


def test_masked_step_loss_averages_over_the_real_steps_only():
    targets = np.zeros((2, 3, 2), "float32")
    outputs = np.zeros((2, 3, 2), "float32")
    outputs[0, 0] = 1.0  # step error 1 on a real step
    outputs[1, 2] = 5.0  # a padded step: ignored
    mask = np.array([[True, True, False], [True, False, False]])
    loss = float(keras.ops.convert_to_numpy(sequences.masked_step_loss(targets, outputs, mask)))
    assert loss == pytest.approx(1.0 / 3.0)


def test_masked_step_loss_has_no_gradient_on_padded_steps():
    targets = np.zeros((1, 2, 2), "float32")
    mask = np.array([[True, False]])
    base = np.full((1, 2, 2), 0.3, "float32")
    moved = base.copy()
    moved[0, 1] = 0.9
    first = sequences.masked_step_loss(targets, base, mask)
    second = sequences.masked_step_loss(targets, moved, mask)
    assert float(keras.ops.convert_to_numpy(first)) == pytest.approx(
        float(keras.ops.convert_to_numpy(second))
    )


def test_masked_step_loss_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="Expected `mask`"):
        sequences.masked_step_loss(np.zeros((2, 3, 2)), np.zeros((2, 3, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="one shape"):
        sequences.masked_step_loss(np.zeros((2, 3, 2)), np.zeros((2, 3, 1)), np.ones((2, 3)))
