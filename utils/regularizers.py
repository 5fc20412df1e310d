"""Sparsity penalties on hidden activations, in ``keras.ops`` (so on every backend)."""

import keras

EPSILON = 1e-7


@keras.saving.register_keras_serializable(package="workshop")
class KLSparsity(keras.regularizers.Regularizer):
    """The KL-divergence sparsity penalty: ``weight * sum_j KL(target || mean_j)``.

    For sigmoid activations ``a`` of shape (batch, units) with values in [0, 1], the
    mean activity of unit j over the batch is ``rho_hat_j = mean_i a_ij``, and

        KL(rho || rho_hat) = rho log(rho / rho_hat)
                             + (1 - rho) log((1 - rho) / (1 - rho_hat)),

    which is 0 when ``rho_hat_j == target`` and grows as the unit is more (or less)
    active. The activations are clipped to [epsilon, 1 - epsilon] first, so activations
    of exactly 0 or 1 give a large but finite penalty (never log 0).

    The penalty is computed from batch means, so add it with
    ``layers.ActivityPenalty(KLSparsity(...))``: a layer's ``activity_regularizer=``
    argument would divide it by the batch size.

    Args:
        target: float in (0, 1), the wanted mean activity rho (0.01 to 0.05 is usual).
        weight: float >= 0, beta, the penalty's weight.
        epsilon: float in (0, 0.5), the clipping margin.
    """

    def __init__(self, target=0.05, weight=3.0, epsilon=EPSILON):
        for name, value in (("target", target), ("weight", weight)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(
                    f"Expected `{name}` as a number. Received: {name}={value!r}"
                )
        if not 0.0 < target < 1.0:
            raise ValueError(
                f"Expected `target` strictly between 0 and 1. Received: target={target}"
            )
        if weight < 0.0:
            raise ValueError(f"Expected `weight` >= 0. Received: weight={weight}")
        if not 0.0 < epsilon < 0.5:
            raise ValueError(
                f"Expected `epsilon` in (0, 0.5). Received: epsilon={epsilon}"
            )
        self.target, self.weight, self.epsilon = float(target), float(weight), epsilon

    def __call__(self, activations):
        """Return the penalty, a float32 scalar, for activations (batch, units)."""
        ops = keras.ops
        activations = ops.convert_to_tensor(activations, dtype="float32")
        clipped = ops.clip(activations, self.epsilon, 1.0 - self.epsilon)
        rho_hat = ops.mean(clipped, axis=0)  # (units,), the mean activity of each unit
        rho = self.target
        divergence = rho * ops.log(rho / rho_hat) + (1.0 - rho) * ops.log(
            (1.0 - rho) / (1.0 - rho_hat)
        )
        return self.weight * ops.sum(divergence)

    def get_config(self):
        return {"target": self.target, "weight": self.weight, "epsilon": self.epsilon}
