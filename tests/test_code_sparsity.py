"""``metrics.active_fraction``: the code-sparsity measure of notebook 04, section 4."""

import keras
import numpy as np
import pytest

from utils import metrics


def test_counts_units_strictly_above_the_threshold_per_code():
    codes = np.array([[0.0, 0.1, 0.5, -2.0], [0.3, 0.3, 0.0, 0.05]], "float32")
    # Row 1: only 0.5 (0.1 is not above 0.1, -2 is inactive); row 2: the two 0.3.
    assert metrics.active_fraction(codes) == pytest.approx((1 / 4 + 2 / 4) / 2)
    assert metrics.active_fraction(codes, threshold=0.3) == pytest.approx(1 / 8)
    assert metrics.active_fraction(codes, threshold=-3) == 1.0
    assert metrics.active_fraction(codes, threshold=10) == 0.0


def test_a_float64_code_equal_to_the_threshold_is_not_active():
    assert metrics.active_fraction(np.full((3, 5), 0.1), threshold=0.1) == 0.0


def test_is_the_mean_of_per_code_fractions_and_accepts_backend_tensors():
    codes = np.random.default_rng(0).uniform(size=(50, 30)).astype("float32")
    expected = np.mean([np.mean(row > 0.4) for row in codes])
    assert metrics.active_fraction(codes, 0.4) == pytest.approx(expected)
    tensor = keras.ops.convert_to_tensor(codes)
    assert metrics.active_fraction(tensor, 0.4) == pytest.approx(expected)
    assert isinstance(metrics.active_fraction(codes), float)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: metrics.active_fraction(np.zeros(5)), "`codes` of shape (n, d)"),
        (lambda: metrics.active_fraction(np.zeros((0, 5))), "`codes` of shape"),
        (lambda: metrics.active_fraction([[np.nan, 1.0]]), "finite numbers"),
        (lambda: metrics.active_fraction("abc"), "array of numbers"),
        (lambda: metrics.active_fraction(np.zeros((2, 3)), np.nan), "`threshold`"),
        (lambda: metrics.active_fraction(np.zeros((2, 3)), "0.1"), "`threshold`"),
    ],
)
def test_bad_inputs_get_a_clear_error(call, message):
    with pytest.raises(ValueError, match="Expected") as error:
        call()
    assert message in str(error.value)
    assert "Received" in str(error.value)
