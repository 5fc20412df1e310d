"""Custom Keras layers, written with ``keras.ops`` so they run on every backend."""

import keras


@keras.saving.register_keras_serializable(package="workshop")
class DenseTranspose(keras.layers.Layer):
    """A decoder layer that reuses a ``Dense`` layer's kernel, transposed (tied weights).

    If ``tied_to`` maps (batch, n) to (batch, m) with kernel W of shape (n, m), this layer
    maps (batch, m) to (batch, n) as ``activation(inputs @ W.T + bias)``. Only the bias
    (n values) is new, so tying halves the weights of a one-layer autoencoder.

    Args:
        tied_to: a built ``keras.layers.Dense`` layer (call it on an input first).
        activation: the activation's name or function, as for ``Dense``.
    """

    def __init__(self, tied_to, activation=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(tied_to, keras.layers.Dense):
            raise ValueError(
                "Expected `tied_to` to be a keras.layers.Dense layer. "
                f"Received: {type(tied_to).__name__}"
            )
        self.tied_to = tied_to
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        if not self.tied_to.built:
            raise ValueError(
                "Expected `tied_to` to be built (call the Dense layer on an input first). "
                f"Received: an unbuilt layer {self.tied_to.name!r}"
            )
        units = self.tied_to.kernel.shape[1]
        if input_shape[-1] != units:
            raise ValueError(
                f"Expected inputs with {units} features (the tied layer's units). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self.bias = self.add_weight(
            name="bias", shape=(self.tied_to.kernel.shape[0],), initializer="zeros"
        )

    def call(self, inputs):
        kernel = keras.ops.transpose(self.tied_to.kernel)
        return self.activation(keras.ops.matmul(inputs, kernel) + self.bias)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.tied_to.kernel.shape[0],)

    def get_config(self):
        # The tie is a reference to another layer, which a config cannot hold: save such a
        # model with `model.save_weights(...)` and rebuild it in code before loading.
        raise NotImplementedError(
            "DenseTranspose shares another layer's kernel, so a model using it cannot be "
            "saved as .keras. Use model.save_weights('tied.weights.h5'), rebuild the model "
            "with the same code, then model.load_weights('tied.weights.h5')."
        )


@keras.saving.register_keras_serializable(package="workshop")
class KSparse(keras.layers.Layer):
    """Keep the k largest values of each example, set the others to 0 (k-sparse codes).

    For inputs of shape (batch, units) the output has the same shape and dtype, with
    exactly ``k`` entries of each row kept (ties are broken by ``keras.ops.top_k``) and
    ``units - k`` set to 0. The output is the input times a 0/1 mask treated as a
    constant, so the gradient flows only through the k kept units (Makhzani & Frey,
    2013).

    Args:
        k: int >= 1, how many units of each example stay active; at most ``units``.
    """

    def __init__(self, k, **kwargs):
        super().__init__(**kwargs)
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"Expected `k` as an int >= 1. Received: k={k!r}")
        self.k = k

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                "Expected inputs of shape (batch, units) with known units. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        if self.k > input_shape[-1]:
            raise ValueError(
                f"Expected k <= the {input_shape[-1]} units of the input. "
                f"Received: k={self.k}"
            )
        self.units = int(input_shape[-1])

    def call(self, inputs):
        ops = keras.ops
        values, _ = ops.top_k(inputs, self.k)
        kth_largest = values[:, -1:]  # (batch, 1)
        above = ops.greater(inputs, kth_largest)
        # Values equal to the k-th largest are ties: keep only as many of them, from
        # the left, as are needed to make exactly k (comparing with >= would keep all).
        tied = ops.equal(inputs, kth_largest)
        needed = self.k - ops.sum(ops.cast(above, "int32"), axis=1, keepdims=True)
        tie_rank = ops.cumsum(ops.cast(tied, "int32"), axis=1)
        keep = ops.logical_or(above, ops.logical_and(tied, tie_rank <= needed))
        return inputs * ops.stop_gradient(ops.cast(keep, inputs.dtype))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "k": self.k}


@keras.saving.register_keras_serializable(package="workshop")
class ActivityPenalty(keras.layers.Layer):
    """Add ``regularizer(inputs)`` to the model's loss, unscaled; return the inputs.

    A layer's ``activity_regularizer=`` argument divides the penalty by the batch size
    (Keras 3), which suits a penalty summed over examples such as L1 but weakens one
    computed from batch means, such as ``regularizers.KLSparsity``, by that factor.

    Args:
        regularizer: a ``keras.regularizers.Regularizer`` (serialisable), called on the
            activations, of shape (batch, units), and returning a scalar.
    """

    def __init__(self, regularizer, **kwargs):
        super().__init__(**kwargs)
        if isinstance(regularizer, dict):
            regularizer = keras.regularizers.deserialize(regularizer)
        if not isinstance(regularizer, keras.regularizers.Regularizer):
            raise ValueError(
                "Expected `regularizer` as a keras.regularizers.Regularizer. "
                f"Received: {type(regularizer).__name__}"
            )
        self.regularizer = regularizer

    def call(self, inputs):
        self.add_loss(self.regularizer(inputs))
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "regularizer": keras.regularizers.serialize(self.regularizer),
        }
