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
