"""The variational autoencoder: a sampling layer, its two loss terms, a ``VAE`` model.

Everything here uses ``keras.ops`` and ``keras.random``, so it trains on TensorFlow,
JAX and PyTorch. The loss lives in ``VAE.compute_loss`` (no backend-specific
``train_step``), and ``fit`` reports ``loss``, ``reconstruction_loss`` and ``kl_loss``,
all per image.

encoder = keras.Model(x, [z_mean, z_log_var, Sampling(seed=0)([z_mean, z_log_var])])
vae = VAE(encoder, decoder, beta=1.0)
vae.compile(optimizer="adam")
vae.fit(x_train, epochs=10, batch_size=128)
vae_losses_per_image(vae, x_test)     # {"reconstruction": ..., "kl": ..., "total": ...}
"""

import keras
import numpy as np
from keras import ops

from utils.validation import as_float_array, check_unit_range

# Predicted pixels are clipped to [EPSILON, 1 - EPSILON] before the logarithms, as
# Keras's binary cross-entropy does, so a pixel predicted as exactly 0 or 1 costs at
# most about 16 nats.
EPSILON = 1e-7


def _check_seed(seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError(f"Expected `seed` as an int or None. Received: {seed!r}")


def _check_beta(beta):
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.number)):
        raise ValueError(
            "Expected `beta` as a number >= 0. "
            f"Received: {beta!r} ({type(beta).__name__})"
        )
    if not np.isfinite(float(beta)) or float(beta) < 0:
        raise ValueError(f"Expected `beta` as a number >= 0. Received: beta={beta!r}")


def _static_shape(tensor):
    """The shape as a tuple with None where it is unknown while tracing."""
    shape = getattr(tensor, "shape", None)
    if shape is None:
        shape = np.shape(tensor)
    return tuple(dim if isinstance(dim, (int, np.integer)) else None for dim in shape)


def _check_same_shape(a, b, name_a, name_b):
    shape_a, shape_b = _static_shape(a), _static_shape(b)
    same = len(shape_a) == len(shape_b) and all(
        i is None or j is None or i == j for i, j in zip(shape_a, shape_b)
    )
    if not same:
        raise ValueError(
            f"Expected `{name_a}` and `{name_b}` of the same shape. "
            f"Received: {shape_a} and {shape_b}"
        )


@keras.saving.register_keras_serializable(package="workshop")
class Sampling(keras.layers.Layer):
    """Draw z = z_mean + exp(z_log_var / 2) * eps, eps ~ N(0, 1) (reparameterisation).

    The randomness sits in eps, which depends on no weight, so gradients flow from z
    back into z_mean and z_log_var. A ``keras.random.SeedGenerator`` makes the draws
    repeatable: two layers built with the same seed give the same sequence of samples.

    Args:
        seed: int or None, the seed of the layer's ``SeedGenerator``.

    Call arguments:
        inputs: ``[z_mean, z_log_var]``, two float tensors of the same shape
            (batch, latent_dim).

    Returns:
        z, a float tensor of shape (batch, latent_dim).
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_seed(seed)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _check_shapes(self, shapes):
        is_pair = (
            isinstance(shapes, (list, tuple))
            and len(shapes) == 2
            and all(isinstance(shape, (list, tuple)) for shape in shapes)
        )
        if not is_pair:
            raise ValueError(
                "Expected `inputs` as a list [z_mean, z_log_var]. "
                f"Received: inputs of shape {shapes}"
            )
        mean_shape, log_var_shape = (tuple(shape) for shape in shapes)
        if mean_shape != log_var_shape:
            raise ValueError(
                "Expected z_mean and z_log_var of the same shape. "
                f"Received: {mean_shape} and {log_var_shape}"
            )
        return mean_shape

    def build(self, input_shape):
        self._check_shapes(input_shape)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                "Expected `inputs` as a list [z_mean, z_log_var]. "
                f"Received: {type(inputs).__name__}"
            )
        z_mean, z_log_var = inputs
        _check_same_shape(z_mean, z_log_var, "z_mean", "z_log_var")
        epsilon = keras.random.normal(
            ops.shape(z_mean), dtype=z_mean.dtype, seed=self.seed_generator
        )
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return self._check_shapes(input_shape)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def kl_divergence(z_mean, z_log_var):
    """KL(N(z_mean, exp(z_log_var)) || N(0, I)) of each example, summed over dims.

    KL = -0.5 * sum(1 + z_log_var - z_mean**2 - exp(z_log_var)), which is >= 0 and is 0
    only when z_mean = 0 and z_log_var = 0.

    Args:
        z_mean, z_log_var: float tensors or arrays of one shape (batch, latent_dim).

    Returns:
        a float tensor of shape (batch,), in nats.
    """
    _check_same_shape(z_mean, z_log_var, "z_mean", "z_log_var")
    # Tensors first: on PyTorch, a NumPy array minus a tensor is a TypeError.
    z_mean, z_log_var = ops.convert_to_tensor(z_mean), ops.convert_to_tensor(z_log_var)
    terms = 1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)
    return -0.5 * ops.sum(terms, axis=-1)


def reconstruction_loss(x, x_hat):
    """Binary cross-entropy of each image, summed over its pixels (not averaged).

    Args:
        x: the images, a float tensor or array of shape (batch, ...), values in [0, 1].
        x_hat: the decoder's pixel probabilities, same shape as ``x``.

    Returns:
        a float tensor of shape (batch,), in nats per image.
    """
    _check_same_shape(x, x_hat, "x", "x_hat")
    x = ops.convert_to_tensor(x)
    x_hat = ops.clip(ops.convert_to_tensor(x_hat), EPSILON, 1.0 - EPSILON)
    x = ops.cast(x, x_hat.dtype)
    per_pixel = -(x * ops.log(x_hat) + (1.0 - x) * ops.log(1.0 - x_hat))
    return ops.sum(ops.reshape(per_pixel, (ops.shape(x)[0], -1)), axis=-1)


@keras.saving.register_keras_serializable(package="workshop")
class VAE(keras.Model):
    """A variational autoencoder trained by ``fit``: reconstruction + beta * KL.

    Calling the model returns a dict: ``"reconstruction"`` (the decoder's output for a
    sampled z), ``"z_mean"`` and ``"z_log_var"``. ``fit(x)`` needs no target: the images
    are their own target. ``loss`` (what is minimised: reconstruction + beta * KL),
    ``reconstruction_loss`` (summed binary cross-entropy per image) and ``kl_loss`` (per
    image) are means over the images of each batch.

    Args:
        encoder: a ``keras.Model`` mapping images to ``[z_mean, z_log_var, z]`` (it
            samples z itself, e.g. with ``Sampling``) or to ``[z_mean, z_log_var]``
            (then this model samples with its own ``Sampling(seed)`` layer). Each
            output has shape (batch, latent_dim).
        decoder: a ``keras.Model`` mapping z of shape (batch, latent_dim) to pixel
            probabilities in [0, 1] of the encoder's input shape.
        beta: number >= 0, the weight of the KL term (1 is the plain VAE).
        seed: int or None, seeds the sampling layer used with a two-output encoder.
    """

    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        for name, model in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(model, keras.Model):
                raise ValueError(
                    f"Expected `{name}` as a keras.Model. "
                    f"Received: {type(model).__name__}"
                )
        _check_beta(beta)
        _check_seed(seed)
        outputs = encoder.outputs if hasattr(encoder, "outputs") else None
        if not outputs or len(outputs) not in (2, 3):
            raise ValueError(
                "Expected an encoder with outputs [z_mean, z_log_var] or "
                "[z_mean, z_log_var, z]. "
                f"Received: {0 if not outputs else len(outputs)} outputs"
            )
        latent_shapes = {tuple(output.shape) for output in outputs}
        if len(latent_shapes) != 1:
            raise ValueError(
                "Expected the encoder's outputs to share one shape "
                "(batch, latent_dim). "
                f"Received: {[tuple(output.shape) for output in outputs]}"
            )
        latent_shape = latent_shapes.pop()
        if tuple(decoder.inputs[0].shape)[1:] != latent_shape[1:]:
            raise ValueError(
                f"Expected a decoder taking codes of shape {latent_shape}. "
                f"Received: decoder input shape {tuple(decoder.inputs[0].shape)}"
            )
        image_shape = tuple(encoder.inputs[0].shape)[1:]
        if tuple(decoder.outputs[0].shape)[1:] != image_shape:
            raise ValueError(
                f"Expected a decoder giving images of the encoder's input shape "
                f"{image_shape}. Received: {tuple(decoder.outputs[0].shape)[1:]}"
            )
        self.encoder, self.decoder = encoder, decoder
        self.beta, self.seed = float(beta), seed
        self.latent_dim = int(latent_shape[-1])
        self.image_shape = image_shape
        self.sampling = None
        if len(outputs) == 2:
            self.sampling = Sampling(seed=seed, name="sampling")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")

    def call(self, inputs, training=None):
        outputs = self.encoder(inputs, training=training)
        z_mean, z_log_var = outputs[0], outputs[1]
        z = outputs[2] if self.sampling is None else self.sampling([z_mean, z_log_var])
        return {
            "reconstruction": self.decoder(z, training=training),
            "z_mean": z_mean,
            "z_log_var": z_log_var,
        }

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        target = x if y is None else y
        reconstruction = reconstruction_loss(target, y_pred["reconstruction"])
        kl = kl_divergence(y_pred["z_mean"], y_pred["z_log_var"])
        total = ops.mean(reconstruction + self.beta * kl)
        for extra in self.losses:  # weight regularisers in the encoder or decoder
            total = total + ops.sum(extra)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return total

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


def vae_losses_per_image(vae, x, seed=0, batch_size=1000):
    """Mean reconstruction, KL and total (reconstruction + KL) per image, in nats.

    Each image is encoded, one z is drawn from N(z_mean, exp(z_log_var)) with NumPy's
    generator seeded by ``seed``, and decoded: the same one-sample estimate that
    training and the published figures use. ``total`` is reconstruction + KL (the
    negative ELBO) whatever the model's ``beta``, so models of different betas compare.

    Args:
        vae: a ``VAE``.
        x: float array of the encoder's input shape, e.g. (n, 784), values in [0, 1].
        seed: int, seeds the draws of z.
        batch_size: int, images per batch.

    Returns:
        dict with floats ``"reconstruction"``, ``"kl"`` and ``"total"``.
    """
    if not isinstance(vae, VAE):
        raise ValueError(f"Expected a utils.vae.VAE. Received: {type(vae).__name__}")
    x = as_float_array(x, "x")
    if x.ndim < 2 or x.shape[1:] != tuple(vae.image_shape):
        raise ValueError(
            f"Expected `x` of shape (n, {', '.join(map(str, vae.image_shape))}). "
            f"Received: shape={x.shape}"
        )
    check_unit_range(x, "x")
    _check_seed(seed)
    outputs = vae.encoder.predict(x, batch_size=batch_size, verbose=0)
    z_mean, z_log_var = np.asarray(outputs[0]), np.asarray(outputs[1])
    epsilon = np.random.default_rng(seed).standard_normal(z_mean.shape)
    z = (z_mean + np.exp(0.5 * z_log_var) * epsilon).astype("float32")
    x_hat = vae.decoder.predict(z, batch_size=batch_size, verbose=0)
    reconstruction = ops.convert_to_numpy(reconstruction_loss(x, x_hat))
    kl = ops.convert_to_numpy(kl_divergence(z_mean, z_log_var))
    return {
        "reconstruction": float(np.mean(reconstruction)),
        "kl": float(np.mean(kl)),
        "total": float(np.mean(reconstruction + kl)),
    }
