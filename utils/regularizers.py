"""Sparsity penalties on hidden activations, in ``keras.ops`` (so on every backend)."""

import keras

from utils.validation import check_number, concrete_float_array, static_shape

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
