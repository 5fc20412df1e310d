"""The KL sparsity gradient by hand (utils.regularizers) against automatic and numerical
differentiation, and the sign rule it teaches. Runs on TensorFlow, JAX and PyTorch."""

import keras
import numpy as np
import pytest

from utils.checks.nb04 import value_and_gradients
from utils.regularizers import (
    KLSparsity,
    kl_sparsity_derivative,
    kl_sparsity_weight_gradient,
)


def kl(rho, rho_hat):
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))


def penalty(x, W, b, rho, beta):
    """beta * sum_j KL(rho || rho_hat_j) for h = sigmoid(x W + b), in float64 NumPy."""
    h = 1.0 / (1.0 + np.exp(-(x @ W + b)))
    return beta * np.sum(kl(rho, h.mean(axis=0)))


def small_layer(seed=0, m=7, n=5, k=4, non_negative=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(m, n))
    if non_negative:
        x = np.abs(x)
    return x, rng.normal(scale=0.7, size=(n, k)), rng.normal(scale=0.5, size=k)


def test_derivative_matches_a_finite_difference():
    rho = 0.05
    rho_hat = np.array([0.001, 0.02, 0.05, 0.2, 0.5, 0.9, 0.999])
    step = 1e-7 * rho_hat * (1 - rho_hat)
    numerical = (kl(rho, rho_hat + step) - kl(rho, rho_hat - step)) / (2 * step)
    got = kl_sparsity_derivative(rho, rho_hat)
    assert got.shape == rho_hat.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, numerical, rtol=1e-5, atol=1e-6)
    assert kl_sparsity_derivative(0.3, 0.3) == pytest.approx(0.0, abs=1e-12)


def test_weight_gradient_matches_a_finite_difference():
    x, W, b = small_layer()
    rho, beta = 0.1, 3.0
    got = kl_sparsity_weight_gradient(x, W, b, rho, beta)
    assert got.shape == W.shape and got.dtype == np.float64
    numerical = np.zeros_like(W)
    step = 1e-6
    for index in np.ndindex(W.shape):
        up, down = W.copy(), W.copy()
        up[index] += step
        down[index] -= step
        numerical[index] = (
            penalty(x, up, b, rho, beta) - penalty(x, down, b, rho, beta)
        ) / (2 * step)
    np.testing.assert_allclose(got, numerical, rtol=1e-5, atol=1e-9)


def test_weight_gradient_matches_the_backends_autodiff_of_klsparsity():
    """The backend's gradient of utils' KLSparsity (keras.ops, float32) agrees."""
    x, W, b = small_layer(seed=1)
    rho, beta = 0.05, 2.0
    x32, b32 = x.astype("float32"), b.astype("float32")

    def kl_of_kernel(kernel):
        z = keras.ops.add(keras.ops.matmul(x32, kernel), b32)
        activations = keras.ops.sigmoid(z)
        return KLSparsity(rho, beta)(activations)

    value, (autodiff,) = value_and_gradients(kl_of_kernel, W.astype("float32"))
    assert float(value) == pytest.approx(penalty(x, W, b, rho, beta), rel=1e-4)
    np.testing.assert_allclose(
        kl_sparsity_weight_gradient(x, W, b, rho, beta), autodiff, rtol=2e-3, atol=1e-5
    )


def test_sign_rule_a_unit_above_the_target_gets_its_weights_lowered():
    # Non-negative inputs, as pixels are: the rule is about the weights from them.
    x, W, b = small_layer(seed=2, m=20, n=6, k=2, non_negative=True)
    b = np.array([3.0, -4.0])  # unit 0 mostly on, unit 1 mostly off
    rho = 0.2
    rho_hat = (1 / (1 + np.exp(-(x @ W + b)))).mean(axis=0)
    assert rho_hat[0] > rho > rho_hat[1]
    derivative = kl_sparsity_derivative(rho, rho_hat)
    assert derivative[0] > 0 > derivative[1]
    step = -0.1 * kl_sparsity_weight_gradient(x, W, b, rho, beta=3.0)
    assert np.all(step[:, 0] < 0), "too active: every incoming weight decreases"
    assert np.all(step[:, 1] > 0), "too quiet: every incoming weight increases"
    # One such step moves both mean activities towards the target.
    after = (1 / (1 + np.exp(-(x @ (W + step) + b)))).mean(axis=0)
    assert after[0] < rho_hat[0] and after[1] > rho_hat[1]


def test_beta_scales_and_the_mean_over_the_batch_divides():
    x, W, b = small_layer(seed=3)
    once = kl_sparsity_weight_gradient(x, W, b, 0.05, 1.0)
    four = kl_sparsity_weight_gradient(x, W, b, 0.05, 4.0)
    np.testing.assert_allclose(four, 4 * once)
    twice = kl_sparsity_weight_gradient(np.vstack([x, x]), W, b, 0.05, 1.0)
    np.testing.assert_allclose(twice, once)  # the same examples twice: the same means
    assert not np.any(kl_sparsity_weight_gradient(x, W, b, 0.05, 0.0))


@pytest.mark.parametrize(
    "rho, rho_hat, message",
    [
        (0.0, 0.5, "Expected `rho`"),
        (1.0, 0.5, "Expected `rho`"),
        (True, 0.5, "Expected `rho`"),
        ("0.05", 0.5, "Expected `rho`"),
        (0.05, [0.2, 1.0], "strictly between 0 and 1"),
        (0.05, [0.0, 0.2], "strictly between 0 and 1"),
        (0.05, [0.2, np.nan], "finite"),
        (0.05, [], "at least one value"),
        (0.05, "abc", "array of numbers"),
    ],
)
def test_derivative_rejects_bad_input_clearly(rho, rho_hat, message):
    with pytest.raises(ValueError, match="Expected") as error:
        kl_sparsity_derivative(rho, rho_hat)
    assert message in str(error.value) and "Received" in str(error.value)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"x": np.ones(5)}, "Expected `x` of shape (m, n)"),
        ({"W": np.ones((4, 4))}, "Expected `W` of shape (n, k) with n = 5"),
        ({"b": np.ones(5)}, "Expected `b` of shape (4,)"),
        ({"b": np.full(4, 50.0)}, "saturated"),
        ({"beta": -1.0}, "Expected `beta`"),
        ({"rho": 1.5}, "Expected `rho`"),
        ({"x": [[1.0, np.inf, 0, 0, 0]]}, "finite"),
    ],
)
def test_weight_gradient_rejects_bad_input_clearly(change, message):
    x, W, b = small_layer()
    arguments = {"x": x, "W": W, "b": b, "rho": 0.05, "beta": 3.0, **change}
    with pytest.raises(ValueError, match="Expected") as error:
        kl_sparsity_weight_gradient(**arguments)
    assert message in str(error.value) and "Received" in str(error.value)
