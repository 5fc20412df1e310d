"""Sparsity penalties on hidden activations, in ``keras.ops`` (so on every backend).

``KLSparsity`` is the penalty as a Keras regulariser. ``kl_sparsity_derivative`` and
``kl_sparsity_weight_gradient`` are its gradient by hand, in NumPy (float64), as the
lectures derive it: the reference for notebook 04's exercises q9 and q10.
"""

import keras
import numpy as np

from utils.validation import (
    as_float_array,
    check_number,
    concrete_float_array,
    static_shape,
)

EPSILON = 1e-7

# The smallest usable clipping margin: 2**-24 (about 6e-8) is the gap between 1 and the
# largest float32 below it. With a smaller epsilon, 1 - epsilon rounds to 1.0 in
# float32, so activations of exactly 1 would give log(1 - 1) = -inf.
MIN_EPSILON = 2.0**-24


@keras.saving.register_keras_serializable(package="workshop")
class KLSparsity(keras.regularizers.Regularizer):
    """The KL-divergence sparsity penalty: ``weight * sum_j KL(target || mean_j)``.

    For sigmoid activations ``a`` of shape (batch, units) with values in [0, 1], the
    mean activity of unit j over the batch is ``rho_hat_j = mean_i a_ij``, and

        KL(rho || rho_hat) = rho log(rho / rho_hat)
                             + (1 - rho) log((1 - rho) / (1 - rho_hat)),

    which is 0 when ``rho_hat_j == target`` and grows as the unit is more (or less)
    active (Ng, "Sparse autoencoder", CS294A lecture notes, 2011). The activations, then
    their means, are clipped to [epsilon, 1 - epsilon], so activations of exactly 0 or 1
    give a large but finite penalty (never log 0).

    The penalty is computed from batch means, so add it with
    ``layers.ActivityPenalty(KLSparsity(...))``: a layer's ``activity_regularizer=``
    argument would divide it by the batch size.

    Args:
        target: float in (0, 1), the wanted mean activity rho (0.01 to 0.05 is usual).
        weight: finite float >= 0, beta, the penalty's weight.
        epsilon: float in [MIN_EPSILON, 0.5), the clipping margin; MIN_EPSILON = 2**-24
            (about 6e-8), below which 1 - epsilon rounds to 1 in float32.

    Raises:
        ValueError: for a target, weight or epsilon out of range, NaN, infinite, a
            string or a bool.
    """

    def __init__(self, target=0.05, weight=3.0, epsilon=EPSILON):
        target = check_number(target, "target", 0.0, 1.0, low_open=True, high_open=True)
        weight = check_number(weight, "weight", low=0.0)
        epsilon = check_number(
            epsilon, "epsilon", 0.0, 0.5, low_open=True, high_open=True
        )
        if epsilon < MIN_EPSILON:
            raise ValueError(
                f"Expected `epsilon` >= {MIN_EPSILON:.3g} (2**-24): below it, "
                "1 - epsilon rounds to 1.0 in float32, so activations of 1 would give "
                f"log(0) and an infinite penalty. Received: epsilon={epsilon!r}"
            )
        self.target, self.weight, self.epsilon = target, weight, epsilon

    def __call__(self, activations):
        """Return the penalty, a float32 scalar, for activations (batch, units).

        Raises:
            ValueError: for another rank or strings; for NumPy arrays and eager
                tensors, also NaN, infinity or values outside [0, 1].
        """
        ops = keras.ops
        values = concrete_float_array(activations, "activations")
        shape = static_shape(activations)
        if len(shape) != 2:
            raise ValueError(
                "Expected `activations` of shape (batch, units). "
                f"Received: shape={shape}"
            )
        if values is not None and values.size:
            if values.min() < 0.0 or values.max() > 1.0:
                raise ValueError(
                    "Expected `activations` in [0, 1], such as sigmoid outputs. "
                    f"Received: min={values.min():.4g}, max={values.max():.4g}"
                )
        activations = ops.convert_to_tensor(activations, dtype="float32")
        low, high = self.epsilon, 1.0 - self.epsilon
        clipped = ops.clip(activations, low, high)
        # (units,), the mean activity of each unit, clipped again against rounding.
        rho_hat = ops.clip(ops.mean(clipped, axis=0), low, high)
        rho = self.target
        divergence = rho * ops.log(rho / rho_hat) + (1.0 - rho) * ops.log(
            (1.0 - rho) / (1.0 - rho_hat)
        )
        return self.weight * ops.sum(divergence)

    def get_config(self):
        return {"target": self.target, "weight": self.weight, "epsilon": self.epsilon}


def _open_unit_values(values, name):
    """Return ``values`` as a float64 array after checking every value is in (0, 1)."""
    as_float_array(values, name)  # raises unless numbers, finite
    array = np.asarray(values, dtype="float64")
    if array.size == 0:
        raise ValueError(
            f"Expected `{name}` with at least one value. Received: shape={array.shape}"
        )
    if not (array.min() > 0.0 and array.max() < 1.0):
        raise ValueError(
            f"Expected `{name}` strictly between 0 and 1 (a mean activity of exactly 0 "
            "or 1 makes the derivative infinite). "
            f"Received: min={array.min():.4g}, max={array.max():.4g}"
        )
    return array


def kl_sparsity_derivative(rho, rho_hat):
    """The derivative of KL(rho || rho_hat) with respect to rho_hat, element by element.

        d KL(rho || rho_hat) / d rho_hat = -rho / rho_hat + (1 - rho) / (1 - rho_hat)

    It is 0 at rho_hat = rho, positive for a unit more active than the target
    (rho_hat > rho) and negative for one less active, so gradient descent pulls every
    unit's mean activity towards rho (Ng, "Sparse autoencoder", CS294A lecture notes,
    2011, the sparsity term of the backpropagation in section 2.3).

    Args:
        rho: float in (0, 1), the target mean activity.
        rho_hat: float or array of any shape, float in (0, 1), the mean activities
            of the units (one per unit).

    Returns:
        float64 NumPy array of the shape of ``rho_hat`` (a 0-d array for a number).

    Raises:
        ValueError: for ``rho`` outside (0, 1), a bool or a string; for ``rho_hat`` that
            is empty, not numbers, NaN, infinite, or outside (0, 1).
    """
    rho = check_number(rho, "rho", 0.0, 1.0, low_open=True, high_open=True)
    rho_hat = _open_unit_values(rho_hat, "rho_hat")
    return -rho / rho_hat + (1.0 - rho) / (1.0 - rho_hat)


def kl_sparsity_weight_gradient(x, W, b, rho, beta):
    """The gradient of beta * sum_j KL(rho || rho_hat_j) with respect to W, in NumPy.

    For a sigmoid layer h = sigmoid(x W + b) and the mean activities over the batch,
    rho_hat_j = (1/m) sum_i h_ij, the chain rule gives

        dP / dW_pj = beta * d_j * (1/m) sum_i h_ij (1 - h_ij) x_ip,
        d_j = -rho / rho_hat_j + (1 - rho) / (1 - rho_hat_j),

    where h (1 - h) is the sigmoid's derivative (Ng, "Sparse autoencoder", CS294A
    lecture notes, 2011, section 2.3). For a unit more active than rho (d_j > 0), the
    step -learning_rate * gradient lowers every weight from a positive input and leaves
    those from inputs that are 0: with pixels as inputs, its incoming weights decrease.
    A unit less active than rho gets them raised.

    Args:
        x: array (m, n), finite numbers, the batch of inputs (m >= 1 examples).
        W: array (n, k), finite numbers, the layer's kernel.
        b: array (k,), finite numbers, the layer's bias.
        rho: float in (0, 1), the target mean activity.
        beta: finite float >= 0, the penalty's weight.

    Returns:
        float64 NumPy array of shape (n, k), the shape of ``W``.

    Raises:
        ValueError: for arrays that are not numbers, hold NaN or infinity, or whose
            shapes do not fit (x (m, n), W (n, k), b (k,)); for rho or beta out of
            range; when a unit's mean activity over the batch is exactly 0 or 1 in
            float64 (saturated: the derivative is infinite).
    """
    rho = check_number(rho, "rho", 0.0, 1.0, low_open=True, high_open=True)
    beta = check_number(beta, "beta", low=0.0)
    x_checked, W_checked, b_checked = (
        as_float_array(x, "x"),
        as_float_array(W, "W"),
        as_float_array(b, "b"),
    )
    if x_checked.ndim != 2 or x_checked.shape[0] < 1 or x_checked.shape[1] < 1:
        raise ValueError(
            "Expected `x` of shape (m, n), one row per example, m >= 1. "
            f"Received: shape={x_checked.shape}"
        )
    if W_checked.ndim != 2 or W_checked.shape[0] != x_checked.shape[1]:
        raise ValueError(
            f"Expected `W` of shape (n, k) with n = {x_checked.shape[1]}, the width of "
            f"`x`. Received: shape={W_checked.shape}"
        )
    if b_checked.shape != (W_checked.shape[1],):
        raise ValueError(
            f"Expected `b` of shape ({W_checked.shape[1]},), one value per column of "
            f"`W`. Received: shape={b_checked.shape}"
        )
    x, W, b = (np.asarray(a, dtype="float64") for a in (x, W, b))
    z = x @ W + b
    h = 0.5 * (1.0 + np.tanh(0.5 * z))  # sigmoid(z), without overflow warnings
    rho_hat = h.mean(axis=0)
    saturated = np.flatnonzero((rho_hat <= 0.0) | (rho_hat >= 1.0))
    if saturated.size:
        raise ValueError(
            "Expected every unit's mean activity strictly between 0 and 1. Received: "
            f"rho_hat of exactly 0 or 1 (saturated) for units {saturated[:5].tolist()}"
        )
    derivative = kl_sparsity_derivative(rho, rho_hat)  # (k,)
    delta = beta * derivative * h * (1.0 - h)  # (m, k): dP/dz_ij times m
    return x.T @ delta / len(x)
