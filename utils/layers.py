"""Custom Keras layers, written with ``keras.ops`` so they run on every backend."""

import keras

from utils.validation import (
    activation_function,
    check_int,
    check_numeric_dtype,
    check_type,
    static_shape,
)


@keras.saving.register_keras_serializable(package="workshop")
class DenseTranspose(keras.layers.Layer):
    """A decoder layer that reuses a ``Dense`` layer's kernel, transposed (tied weights).

    If ``tied_to`` maps (batch, n) to (batch, m) with kernel W of shape (n, m), this layer
    maps (batch, m) to (batch, n) as ``activation(inputs @ W.T + bias)``. Only the bias
    (n values) is new, so tying halves the weights of a one-layer autoencoder.

    A functional or Sequential model holding both layers saves to ``.keras`` and loads
    back tied: Keras saves and loads inside an object-sharing scope, so the ``Dense``
    layer, serialised once as a layer of the model and once in this layer's config, is
    written with one shared id, its kernel is stored once, and loading gives back one
    object used by both layers. Without that shared id the tie cannot be restored, so
    ``from_config`` refuses: a model saved without its ``Dense`` layer (a decoder alone)
    does not load, and ``keras.models.clone_model`` does not clone. Nor does a tie
    across two models (an encoder model and a decoder model) load back, as Keras copies
    each model's config; ``utils.saving.save_model`` refuses to save that case. Rebuild
    such a model in code and use ``model.load_weights(path)``.

    Args:
        tied_to: a built ``keras.layers.Dense`` layer (call it on an input first).
        activation: the activation's name or function, as for ``Dense``.

    Raises:
        TypeError: if ``tied_to`` is not a ``keras.layers.Dense`` layer, or
            ``activation`` is neither a str, a callable nor None.
        ValueError: for an unknown activation name; when built, for an unbuilt
            ``tied_to`` or inputs whose last axis is not the tied layer's units; in
            ``from_config``, for a config whose ``Dense`` layer is not shared.
    """

    def __init__(self, tied_to, activation=None, **kwargs):
        check_type(tied_to, "tied_to", keras.layers.Dense, "a keras.layers.Dense layer")
        activation = activation_function(activation)
        super().__init__(**kwargs)
        self.tied_to = tied_to
        self.activation = activation

    def _check_features(self, input_shape):
        if not self.tied_to.built:
            raise ValueError(
                "Expected `tied_to` to be built (call the Dense layer on an input first). "
                f"Received: an unbuilt layer {self.tied_to.name!r}"
            )
        units = self.tied_to.kernel.shape[1]
        if len(input_shape) < 2 or input_shape[-1] != units:
            raise ValueError(
                f"Expected inputs with {units} features (the tied layer's units). "
                f"Received: input_shape={tuple(input_shape)}"
            )

    def build(self, input_shape):
        self._check_features(input_shape)
        self.bias = self.add_weight(
            name="bias", shape=(self.tied_to.kernel.shape[0],), initializer="zeros"
        )

    def __call__(self, inputs, *args, **kwargs):
        # Before Keras converts the inputs: JAX and PyTorch would turn an array of
        # strings into their own conversion error first.
        check_numeric_dtype(inputs, "inputs")
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs):
        check_numeric_dtype(inputs, "inputs")
        self._check_features(static_shape(inputs))
        kernel = keras.ops.transpose(self.tied_to.kernel)
        return self.activation(keras.ops.matmul(inputs, kernel) + self.bias)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.tied_to.kernel.shape[0],)

    def get_config(self):
        return {
            **super().get_config(),
            "tied_to": keras.saving.serialize_keras_object(self.tied_to),
            "activation": keras.activations.serialize(self.activation),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        tied_config = config.pop("tied_to")
        # Saved with the model's own Dense layer, the config carries a shared id, and
        # deserialising it inside keras.saving.load_model gives back that very layer.
        if not isinstance(tied_config, dict) or "shared_object_id" not in tied_config:
            raise ValueError(
                "Expected the config of a DenseTranspose saved in a .keras file "
                "together with the Dense layer it is tied to, so that loading keeps "
                "the tie. "
                "Received: a config whose Dense layer is not shared (a model saved "
                "without its Dense layer, or keras.models.clone_model). Rebuild the "
                "model in code, then call model.load_weights(path)."
            )
        tied_to = keras.saving.deserialize_keras_object(tied_config)
        return cls(tied_to, **config)


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

    Raises:
        ValueError: for k other than an int >= 1; when called, for inputs of a rank
            other than 2, of strings, with fewer than k units, or with another number of
            units than the layer was built for.
    """

    def __init__(self, k, **kwargs):
        k = check_int(k, "k", low=1)
        super().__init__(**kwargs)
        self.k = k

    def _units(self, input_shape):
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
        return int(input_shape[-1])

    def build(self, input_shape):
        self.units = self._units(input_shape)

    def __call__(self, inputs, *args, **kwargs):
        # Before Keras converts the inputs: JAX and PyTorch would turn an array of
        # strings into their own conversion error first.
        check_numeric_dtype(inputs, "inputs")
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs):
        ops = keras.ops
        check_numeric_dtype(inputs, "inputs")
        if self._units(static_shape(inputs)) != self.units:
            raise ValueError(
                f"Expected inputs of shape (batch, {self.units}), the shape the layer "
                f"was built for. Received: shape={static_shape(inputs)}"
            )
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

    Raises:
        TypeError: if ``regularizer`` is not a ``keras.regularizers.Regularizer``.
        ValueError: when called, if the regularizer returns something other than a
            scalar.
    """

    def __init__(self, regularizer, **kwargs):
        if isinstance(regularizer, dict):  # from a saved config
            regularizer = keras.regularizers.deserialize(regularizer)
        check_type(
            regularizer,
            "regularizer",
            keras.regularizers.Regularizer,
            "a keras.regularizers.Regularizer such as regularizers.KLSparsity(0.05)",
        )
        super().__init__(**kwargs)
        self.regularizer = regularizer

    def call(self, inputs):
        penalty = self.regularizer(inputs)
        if len(static_shape(penalty)) != 0:
            raise ValueError(
                "Expected `regularizer` to return a scalar penalty. "
                f"Received: shape={static_shape(penalty)}"
            )
        self.add_loss(penalty)
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "regularizer": keras.regularizers.serialize(self.regularizer),
        }
