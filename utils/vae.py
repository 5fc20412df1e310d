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

from utils.validation import (
    as_float_array,
    check_int,
    check_number,
    check_numeric_dtype,
    check_seed,
    check_type,
    check_unit_interval,
    check_unit_range,
    concrete_float_array,
    static_shape,
)

# Predicted pixels are clipped to [EPSILON, 1 - EPSILON] before the logarithms, as
# Keras's binary cross-entropy does, so a pixel predicted as exactly 0 or 1 costs at
# most about 16 nats.
EPSILON = 1e-7

# The log-variance is clamped to [LOG_VAR_MIN, LOG_VAR_MAX] before it is exponentiated:
# exp overflows float32 above about 88.7, so a log-variance head that outputs 200 (say,
# from a large initial bias) would give an infinite z, an infinite KL and a NaN loss.
# exp(20) is a variance of 4.9e8 (a standard deviation of 22,000), far beyond any useful
# code, and exp(-30) a variance of 1e-13. The range is the one of the latent-diffusion
# autoencoder (Rombach et al., 2022, ldm/modules/distributions/distributions.py).
LOG_VAR_MIN, LOG_VAR_MAX = -30.0, 20.0


def _bounded_log_var(z_log_var):
    """``z_log_var`` clamped to [LOG_VAR_MIN, LOG_VAR_MAX], with a gradient of 1.

    The forward value is exactly ``clip(z_log_var)`` (and exactly ``z_log_var`` inside
    the range); the gradient is the identity's (straight-through), so a head that
    starts far above the range is still pushed back into it by the KL term.
    """
    z_log_var = ops.convert_to_tensor(z_log_var)
    clipped = ops.stop_gradient(ops.clip(z_log_var, LOG_VAR_MIN, LOG_VAR_MAX))
    return clipped + (z_log_var - ops.stop_gradient(z_log_var))


def _check_same_shape(a, b, name_a, name_b):
    shape_a, shape_b = static_shape(a), static_shape(b)
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
    back into z_mean and z_log_var (Kingma & Welling, 2014, "Auto-Encoding Variational
    Bayes", section 2.4). A ``keras.random.SeedGenerator`` makes the draws repeatable:
    two layers built with the same seed give the same sequence of samples.

    z_log_var is clamped to [LOG_VAR_MIN, LOG_VAR_MAX] = [-30, 20] first (exp overflows
    float32 above about 88), with a straight-through gradient, so z stays finite; values
    inside the range are used exactly as they are.

    Args:
        seed: int >= 0 or None, the seed of the layer's ``SeedGenerator``.

    Call arguments:
        inputs: ``[z_mean, z_log_var]``, two float tensors of the same shape
            (batch, latent_dim).

    Returns:
        z, a float tensor of shape (batch, latent_dim).

    Raises:
        ValueError: for a seed other than an int >= 0 or None, inputs other than a
            pair of tensors of numbers of one shape.
    """

    def __init__(self, seed=None, **kwargs):
        check_seed(seed, allow_none=True)
        super().__init__(**kwargs)
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
        check_numeric_dtype(z_mean, "z_mean")
        check_numeric_dtype(z_log_var, "z_log_var")
        _check_same_shape(z_mean, z_log_var, "z_mean", "z_log_var")
        epsilon = keras.random.normal(
            ops.shape(z_mean), dtype=z_mean.dtype, seed=self.seed_generator
        )
        return z_mean + ops.exp(0.5 * _bounded_log_var(z_log_var)) * epsilon

    def compute_output_shape(self, input_shape):
        return self._check_shapes(input_shape)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def _check_latent_pair(z_mean, z_log_var):
    for name, values in (("z_mean", z_mean), ("z_log_var", z_log_var)):
        concrete_float_array(values, name)  # strings, NaN, infinity (when concrete)
        if len(static_shape(values)) != 2:
            raise ValueError(
                f"Expected `{name}` of shape (batch, latent_dim). "
                f"Received: shape={static_shape(values)}"
            )
    _check_same_shape(z_mean, z_log_var, "z_mean", "z_log_var")


def _kl_divergence(z_mean, z_log_var):
    # Tensors first: on PyTorch, a NumPy array minus a tensor is a TypeError.
    z_mean = ops.convert_to_tensor(z_mean)
    z_log_var = _bounded_log_var(z_log_var)
    terms = 1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)
    return -0.5 * ops.sum(terms, axis=-1)


def kl_divergence(z_mean, z_log_var):
    """KL(N(z_mean, exp(z_log_var)) || N(0, I)) of each example, summed over dims.

    KL = -0.5 * sum(1 + z_log_var - z_mean**2 - exp(z_log_var)) (Kingma & Welling,
    2014, appendix B), which is >= 0 and is 0 only when z_mean = 0 and z_log_var = 0.
    z_log_var is clamped to [LOG_VAR_MIN, LOG_VAR_MAX] = [-30, 20] first, with a
    straight-through gradient, so the KL stays finite (exp overflows float32 above
    about 88); inside that range the values are used exactly as they are.

    Args:
        z_mean, z_log_var: float tensors or arrays of one shape (batch, latent_dim).

    Returns:
        a float tensor of shape (batch,), in nats.

    Raises:
        ValueError: for another rank, mismatched shapes, strings, and (for NumPy
            arrays and eager tensors) NaN or infinity.
    """
    _check_latent_pair(z_mean, z_log_var)
    return _kl_divergence(z_mean, z_log_var)


def _reconstruction_loss(x, x_hat):
    x = ops.convert_to_tensor(x)
    x_hat = ops.clip(ops.convert_to_tensor(x_hat), EPSILON, 1.0 - EPSILON)
    x = ops.cast(x, x_hat.dtype)
    per_pixel = -(x * ops.log(x_hat) + (1.0 - x) * ops.log(1.0 - x_hat))
    return ops.sum(ops.reshape(per_pixel, (ops.shape(x)[0], -1)), axis=-1)


def reconstruction_loss(x, x_hat):
    """Binary cross-entropy of each image, summed over its pixels (not averaged).

    Args:
        x: the images, a float tensor or array of shape (batch, ...), values in [0, 1].
        x_hat: the decoder's pixel probabilities, same shape as ``x``, in [0, 1].

    Returns:
        a float tensor of shape (batch,), in nats per image.

    Raises:
        ValueError: for a rank below 2, mismatched shapes, strings, and (for NumPy
            arrays and eager tensors) NaN, infinity or values outside [0, 1], such as
            images in 0..255 (symbolic tensors are checked for their shape only).
    """
    x_values = concrete_float_array(x, "x")
    x_hat_values = concrete_float_array(x_hat, "x_hat")
    if len(static_shape(x)) < 2:
        raise ValueError(
            "Expected `x` of shape (batch, ...), a batch of images. "
            f"Received: shape={static_shape(x)}"
        )
    _check_same_shape(x, x_hat, "x", "x_hat")
    if x_values is not None:
        check_unit_range(x_values, "x")
    if x_hat_values is not None and x_hat_values.size:
        if x_hat_values.min() < 0.0 or x_hat_values.max() > 1.0:
            raise ValueError(
                "Expected `x_hat` as pixel probabilities in [0, 1] (a sigmoid output). "
                f"Received: min={x_hat_values.min():.4g}, max={x_hat_values.max():.4g}"
            )
    return _reconstruction_loss(x, x_hat)


def _model_parts(model, name):
    """The inputs and outputs of a functional model, with a clear error without them."""
    check_type(model, name, keras.Model, "a keras.Model")
    inputs, outputs = getattr(model, "inputs", None), getattr(model, "outputs", None)
    if not inputs or not outputs:
        raise ValueError(
            f"Expected `{name}` as a functional keras.Model (built from keras.Input), "
            f"whose inputs and outputs are known. Received: a {type(model).__name__} "
            "without them"
        )
    return inputs, outputs


@keras.saving.register_keras_serializable(package="workshop")
class VAE(keras.Model):
    """A variational autoencoder trained by ``fit``: reconstruction + beta * KL.

    Calling the model returns a dict: ``"reconstruction"`` (the decoder's output for a
    sampled z), ``"z_mean"`` and ``"z_log_var"``. ``fit(x)`` needs no target: the images
    are their own target. ``loss`` (what is minimised: reconstruction + beta * KL),
    ``reconstruction_loss`` (summed binary cross-entropy per image) and ``kl_loss`` (per
    image) are means over the images of each batch.

    ``fit`` and ``evaluate`` check images given as NumPy arrays or tensors (``x``, ``y``
    and the arrays of ``validation_data``) before any work: finite, in [0, 1], of the
    encoder's input shape. A ``tf.data.Dataset``, a generator or a
    ``keras.utils.PyDataset`` is passed on to Keras unchecked.

    Args:
        encoder: a functional ``keras.Model`` mapping images to ``[z_mean, z_log_var,
            z]`` (it samples z itself, e.g. with ``Sampling``) or to ``[z_mean,
            z_log_var]`` (then this model samples with its own ``Sampling(seed)``
            layer). Each output has shape (batch, latent_dim).
        decoder: a functional ``keras.Model`` mapping z of shape (batch, latent_dim) to
            pixel probabilities in [0, 1] of the encoder's input shape.
        beta: finite number >= 0, the weight of the KL term (1 is the plain VAE;
            Higgins et al., 2017, for beta > 1).
        seed: int >= 0 or None, seeds the sampling layer used with a two-output encoder.

    Raises:
        TypeError: for an encoder or a decoder that is not a ``keras.Model``.
        ValueError: for a bad beta or seed, or parts whose inputs and outputs do not fit
            together.
    """

    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        _, outputs = _model_parts(encoder, "encoder")
        decoder_inputs, decoder_outputs = _model_parts(decoder, "decoder")
        beta = check_number(beta, "beta", low=0.0)
        check_seed(seed, allow_none=True)
        if len(outputs) not in (2, 3):
            raise ValueError(
                "Expected an encoder with outputs [z_mean, z_log_var] or "
                f"[z_mean, z_log_var, z]. Received: {len(outputs)} outputs"
            )
        latent_shapes = {tuple(output.shape) for output in outputs}
        if len(latent_shapes) != 1:
            raise ValueError(
                "Expected the encoder's outputs to share one shape "
                "(batch, latent_dim). "
                f"Received: {[tuple(output.shape) for output in outputs]}"
            )
        latent_shape = latent_shapes.pop()
        if len(decoder_inputs) != 1 or len(decoder_outputs) != 1:
            raise ValueError(
                "Expected a decoder with one input (z) and one output (the image). "
                f"Received: {len(decoder_inputs)} inputs, "
                f"{len(decoder_outputs)} outputs"
            )
        if tuple(decoder_inputs[0].shape)[1:] != latent_shape[1:]:
            raise ValueError(
                f"Expected a decoder taking codes of shape {latent_shape}. "
                f"Received: decoder input shape {tuple(decoder_inputs[0].shape)}"
            )
        image_shape = tuple(encoder.inputs[0].shape)[1:]
        if tuple(decoder_outputs[0].shape)[1:] != image_shape:
            raise ValueError(
                f"Expected a decoder giving images of the encoder's input shape "
                f"{image_shape}. Received: {tuple(decoder_outputs[0].shape)[1:]}"
            )
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.beta, self.seed = beta, seed
        self.latent_dim = int(latent_shape[-1])
        self.image_shape = image_shape
        self.sampling = None
        if len(outputs) == 2:
            self.sampling = Sampling(seed=seed, name="sampling")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")

    def _check_images(self, images, name):
        """Check NumPy or tensor images; leave None, datasets, generators to Keras."""
        if images is None or not (
            isinstance(images, np.ndarray) or keras.ops.is_tensor(images)
        ):
            return
        check_unit_interval(images, name)
        self._check_image_shape(static_shape(images), name)

    def _check_image_shape(self, shape, name):
        """Raise unless ``shape`` is (n, *image_shape); None matches any size."""
        expected = tuple(self.image_shape)
        if len(shape) != len(expected) + 1 or any(
            a is not None and b is not None and a != b
            for a, b in zip(shape[1:], expected)
        ):
            raise ValueError(
                f"Expected `{name}` of shape (n, {', '.join(map(str, expected))}). "
                f"Received: shape={shape}"
            )

    def fit(self, x=None, y=None, *args, **kwargs):
        """``keras.Model.fit``, after checking NumPy or tensor images (see above)."""
        self._check_images(x, "x")
        self._check_images(y, "y")
        validation_data = kwargs.get("validation_data")
        if isinstance(validation_data, (list, tuple)):
            for value in validation_data[:2]:  # (x_val,), (x_val, y_val[, weights])
                self._check_images(value, "validation_data")
        else:
            self._check_images(validation_data, "validation_data")
        return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """``keras.Model.evaluate``, after checking NumPy or tensor images."""
        self._check_images(x, "x")
        self._check_images(y, "y")
        return super().evaluate(x, y, *args, **kwargs)

    def call(self, inputs, training=None):
        self._check_image_shape(static_shape(inputs), "inputs")
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
        # Symbolic while fit traces it: only static shapes are checked here, the values
        # of NumPy and tensor images were checked by fit and evaluate.
        target = x if y is None else y
        _check_same_shape(target, y_pred["reconstruction"], "x", "reconstruction")
        reconstruction = _reconstruction_loss(target, y_pred["reconstruction"])
        kl = _kl_divergence(y_pred["z_mean"], y_pred["z_log_var"])
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
    z_log_var is clamped to [LOG_VAR_MIN, LOG_VAR_MAX] as in ``Sampling``.

    Args:
        vae: a ``VAE``.
        x: float array of the encoder's input shape, e.g. (n, 784), n >= 1, values in
            [0, 1].
        seed: int >= 0, seeds the draws of z.
        batch_size: int >= 1, images per batch.

    Returns:
        dict with floats ``"reconstruction"``, ``"kl"`` and ``"total"``.

    Raises:
        TypeError: if ``vae`` is not a ``utils.vae.VAE``.
        ValueError: for images of another shape, none, or values outside [0, 1], NaN
            or infinity; a bad seed or batch_size.
    """
    check_type(vae, "vae", VAE, "a utils.vae.VAE")
    x = as_float_array(x, "x")
    vae._check_images(x, "x")
    if len(x) == 0:
        raise ValueError(
            f"Expected at least one image in `x`. Received: shape={x.shape}"
        )
    check_seed(seed)
    check_int(batch_size, "batch_size", low=1)
    outputs = vae.encoder.predict(x, batch_size=batch_size, verbose=0)
    z_mean, z_log_var = np.asarray(outputs[0]), np.asarray(outputs[1])
    epsilon = np.random.default_rng(seed).standard_normal(z_mean.shape)
    std = np.exp(0.5 * np.clip(z_log_var, LOG_VAR_MIN, LOG_VAR_MAX))
    z = (z_mean + std * epsilon).astype("float32")
    x_hat = vae.decoder.predict(z, batch_size=batch_size, verbose=0)
    reconstruction = ops.convert_to_numpy(reconstruction_loss(x, x_hat))
    kl = ops.convert_to_numpy(kl_divergence(z_mean, z_log_var))
    return {
        "reconstruction": float(np.mean(reconstruction)),
        "kl": float(np.mean(kl)),
        "total": float(np.mean(reconstruction + kl)),
    }
