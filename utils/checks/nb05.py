"""Checks for notebook 05, the variational autoencoder."""

import keras
import numpy as np

from utils.checks import (
    Question,
    Wrong,
    expect,
    expect_callable,
    expect_choice,
    expect_model,
    to_numpy,
    trainable_count,
)
from utils.checks.nb04 import _expect_class, _round_trip, value_and_gradients
from utils.vae import VAE


def _array(value, what):
    try:
        return to_numpy(value, dtype="float64")
    except (TypeError, ValueError):
        raise Wrong(
            f"expected {what} as an array of numbers, got {type(value).__name__}"
        ) from None


def _close(a, b, rtol=1e-4, atol=1e-5):
    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _latent_arrays(seed=0, shape=(6, 3)):
    rng = np.random.default_rng(seed)
    z_mean = rng.normal(0.0, 1.5, size=shape)
    z_log_var = rng.uniform(-3.0, 1.5, size=shape)
    return z_mean, z_log_var


def _tensor(array):
    return keras.ops.convert_to_tensor(np.asarray(array, "float32"))


def _check_sampling(layer_class):
    cls = _expect_class(layer_class, keras.layers.Layer, "GaussianSampling")
    count = 20000
    z_mean = np.tile(np.float32([[1.0, -2.0, 0.0]]), (count, 1))
    z_log_var = np.tile(np.float32([[0.0, np.log(0.25), np.log(4.0)]]), (count, 1))
    z = _array(cls(seed=0)([_tensor(z_mean), _tensor(z_log_var)]), "z")
    expect(
        z.shape == z_mean.shape,
        f"expected z of the shape of z_mean {z_mean.shape}, got {z.shape}",
    )
    mean, std = z.mean(axis=0), z.std(axis=0)
    wanted_std = np.array([1.0, 0.5, 2.0])
    shown = (
        f"(for mean [1, -2, 0] and standard deviation [1, 0.5, 2] your samples have "
        f"mean {np.round(mean, 2).tolist()} and standard deviation "
        f"{np.round(std, 2).tolist()})"
    )
    expect(
        not np.allclose(mean, z_log_var[0], atol=0.1),
        f"z_mean and z_log_var are swapped {shown}",
    )
    expect(
        np.any(std > 0.05),
        f"eps is missing: z should vary around z_mean, scaled by the standard "
        f"deviation {shown}",
    )
    expect(
        np.allclose(mean, z_mean[0], atol=0.06),
        f"z should be centred on z_mean {shown}",
    )
    expect(
        not np.allclose(std, np.exp(z_log_var[0]), rtol=0.05),
        "you scaled eps by exp(z_log_var), the variance: the 0.5 is missing; the "
        f"standard deviation is exp(0.5 * z_log_var) {shown}",
    )
    expect(
        not np.allclose(std, np.abs(z_log_var[0]), rtol=0.05, atol=0.02),
        "z_log_var is the logarithm of the variance, not the standard deviation: "
        f"scale eps by exp(0.5 * z_log_var) {shown}",
    )
    expect(
        np.allclose(std, wanted_std, rtol=0.04),
        f"expected samples of standard deviation exp(0.5 * z_log_var) {shown}",
    )
    small_mean, small_log_var = (
        np.float32(a) for a in _latent_arrays(seed=4, shape=(5, 3))
    )
    first = _array(cls(seed=3)([_tensor(small_mean), _tensor(small_log_var)]), "z")
    again = cls(seed=3)
    second = _array(again([_tensor(small_mean), _tensor(small_log_var)]), "z")
    expect(
        np.allclose(first, second),
        "two layers built with the same seed drew different z: draw eps with "
        "keras.random.normal(..., seed=self.seed_generator)",
    )
    third = _array(again([_tensor(small_mean), _tensor(small_log_var)]), "z")
    expect(
        not np.allclose(second, third),
        "two calls of one layer drew the same z: pass the SeedGenerator itself "
        "(seed=self.seed_generator), which moves on at every draw, not a fixed seed",
    )
    z_small, (to_mean, to_log_var) = value_and_gradients(
        lambda m, v: cls(seed=1)([m, v]), small_mean, small_log_var, what="the layer"
    )
    expect(
        np.allclose(to_mean, 1.0, atol=1e-4)
        and np.allclose(to_log_var, 0.5 * (z_small - small_mean), rtol=1e-3, atol=1e-4),
        "the gradient does not match z = z_mean + exp(0.5 * z_log_var) * eps: dz/dz_mean "
        "should be 1 and dz/dz_log_var 0.5 * (z - z_mean); compute z from the two "
        "inputs with keras.ops, with eps the only random part",
    )
    mean_input, log_var_input = keras.Input((3,)), keras.Input((3,))
    outputs = cls(seed=5, name="z")([mean_input, log_var_input])
    reloaded = _round_trip(keras.Model([mean_input, log_var_input], outputs), cls)
    expect(
        getattr(reloaded.get_layer("z"), "seed", None) == 5,
        "a model with the layer reloaded from .keras with another seed: get_config "
        "must return seed (with the base config)",
    )
    return (
        "z = z_mean + exp(0.5 * z_log_var) * eps: samples of the right mean and "
        "spread, repeatable from the seed, gradients to z_mean and z_log_var; the "
        "layer saves and reloads."
    )


def _kl(z_mean, z_log_var):
    return -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=1)


def _check_kl(kl_per_example):
    expect_callable(kl_per_example, "the function kl_per_example")
    z_mean, z_log_var = _latent_arrays(seed=2, shape=(5, 4))
    got = _array(kl_per_example(z_mean, z_log_var), "the KL")
    expected = _kl(z_mean, z_log_var)
    expect(
        got.ndim != 0,
        "expected one value per example, shape (n,), got one number: sum over the "
        "latent dimensions only (axis=1), not over the batch",
    )
    expect(
        got.shape != z_mean.shape,
        f"expected shape (n,) = {expected.shape}, got {got.shape}: sum the latent "
        "dimensions (axis=1)",
    )
    expect(
        got.shape == expected.shape,
        f"expected shape (n,) = {expected.shape}, got {got.shape}",
    )
    terms = 1 + z_log_var - z_mean**2 - np.exp(z_log_var)
    wrong = [
        (-expected, "the sign is flipped: the KL divergence is never negative"),
        (
            -0.5 * np.mean(terms, axis=1),
            "you averaged over the latent dimensions: the KL of independent dimensions "
            "is the sum of theirs",
        ),
        (2 * expected, "the factor 0.5 is missing"),
        (
            -0.5 * np.sum(z_log_var - z_mean**2 - np.exp(z_log_var), axis=1),
            "the constant 1 inside the sum is missing: without it the KL is not 0 "
            "when the code is exactly N(0, 1)",
        ),
        (
            -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(0.5 * z_log_var), axis=1),
            "the last term is the variance exp(z_log_var), not exp(z_log_var / 2)",
        ),
        (
            -0.5 * np.sum(1 + z_log_var - z_mean - np.exp(z_log_var), axis=1),
            "square z_mean: the term is z_mean ** 2",
        ),
    ]
    for value, message in wrong:
        expect(not _close(got, value), message)
    expect(
        _close(got, expected),
        f"expected {np.round(expected, 3)} on the test arrays, got {np.round(got, 3)}",
    )
    at_prior = _array(kl_per_example(np.zeros((2, 3)), np.zeros((2, 3))), "the KL")
    expect(
        _close(at_prior, np.zeros(2)),
        "z_mean = 0 and z_log_var = 0 is the prior itself: the KL should be 0",
    )
    return "-0.5 * sum(1 + log σ² - μ² - σ²) over the latent dimensions, per example."


def _images(seed=3, count=4):
    rng = np.random.default_rng(seed)
    x = (rng.uniform(size=(count, 784)) < 0.2).astype("float64")
    x[:, :50] = rng.uniform(size=(count, 50))  # some gray pixels too
    x_hat = rng.uniform(0.02, 0.98, size=(count, 784))
    return x, x_hat


def _bce(x, x_hat):
    return -np.sum(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat), axis=1)


def _check_loss(vae_loss):
    expect_callable(vae_loss, "the function vae_loss")
    x, x_hat = (np.float32(a) for a in _images())
    z_mean, z_log_var = (np.float32(a) for a in _latent_arrays(seed=2, shape=(4, 3)))
    tensors = [_tensor(a) for a in (x, x_hat, z_mean, z_log_var)]
    with np.errstate(all="ignore"):
        got = _array(vae_loss(*tensors), "the loss")
    reconstruction = _bce(x, x_hat)
    kl = _kl(z_mean, z_log_var)
    expected = reconstruction + kl
    expect(
        got.ndim != 0,
        "expected one value per image, shape (n,), got one number: sum over the "
        "pixels and the latent dimensions, not over the batch",
    )
    expect(
        got.shape == expected.shape,
        f"expected one value per image, shape {expected.shape}, got {got.shape}: sum "
        "the reconstruction over the pixels and the KL over the latent dimensions",
    )
    expect(
        np.all(np.isfinite(got)),
        "got infinite or NaN values: the logarithms take the prediction x_hat, not "
        "the image x, which has pixels at exactly 0 and 1",
    )
    terms = 1 + z_log_var - z_mean**2 - np.exp(z_log_var)
    wrong = [
        (
            reconstruction / 784 + kl,
            "you averaged the cross-entropy over the 784 pixels, which makes the "
            "reconstruction term 784 times too small beside the KL: sum over the pixels",
        ),
        (
            reconstruction - kl,
            "the KL term has the wrong sign: a KL divergence is never negative",
        ),
        (reconstruction, "the KL term is missing: the loss is reconstruction + KL"),
        (kl, "the reconstruction term is missing: the loss is reconstruction + KL"),
        (
            -reconstruction + kl,
            "the reconstruction's sign is flipped: cross-entropy is positive",
        ),
        (
            np.sum((x - x_hat) ** 2, axis=1) + kl,
            "that is the squared error: the decoder gives pixel probabilities, so use "
            "the binary cross-entropy",
        ),
        (
            -np.sum(x * np.log(x_hat), axis=1) + kl,
            "the cross-entropy term for the dark pixels, with (1 - x) and (1 - x_hat), "
            "is missing",
        ),
        (
            reconstruction + 2 * kl,
            "the KL is twice too large: the factor 0.5 is missing",
        ),
        (
            reconstruction - 0.5 * np.mean(terms, axis=1),
            "you averaged the KL over the latent dimensions: sum it, the KL of "
            "independent dimensions is the sum of theirs",
        ),
        (
            reconstruction
            - 0.5 * np.sum(z_log_var - z_mean**2 - np.exp(z_log_var), axis=1),
            "the constant 1 of the KL is missing: without it the KL is not 0 when the "
            "code is exactly N(0, 1)",
        ),
    ]
    for value, message in wrong:
        expect(not _close(got, value), message)
    expect(
        _close(got, expected),
        f"expected {np.round(expected, 2)} nats on the test images, got "
        f"{np.round(got, 2)}",
    )
    with np.errstate(all="ignore"):
        weighted = _array(vae_loss(*tensors, beta=4.0), "the loss")
    expect(
        not _close(weighted, 4.0 * expected),
        "beta multiplies only the KL term, not the whole loss",
    )
    expect(
        _close(weighted, reconstruction + 4.0 * kl),
        "with beta=4 expected reconstruction + 4 * KL: use the beta argument",
    )
    sure = np.float32([[0.0, 1.0, 1.0, 0.0]])
    with np.errstate(all="ignore"):
        edge = _array(
            vae_loss(
                _tensor(sure),
                _tensor(1.0 - sure),
                _tensor(np.zeros((1, 2))),
                _tensor(np.zeros((1, 2))),
            ),
            "the loss",
        )
    expect(
        np.all(np.isfinite(edge)),
        "pixels predicted as exactly 0 or 1 (a saturated sigmoid) gave "
        f"{edge.tolist()}: clip x_hat to [1e-7, 1 - 1e-7] before the logarithms",
    )
    _, (to_x_hat, to_mean, to_log_var) = value_and_gradients(
        lambda xh, m, v: vae_loss(_tensor(x), xh, m, v),
        x_hat,
        z_mean,
        z_log_var,
        what="the loss",
    )
    expect(
        np.allclose(to_mean, z_mean, rtol=1e-3, atol=1e-4)
        and np.allclose(
            to_log_var, 0.5 * (np.exp(z_log_var) - 1), rtol=1e-3, atol=1e-4
        ),
        "the value is right but the gradient with respect to z_mean and z_log_var is "
        "not: compute the KL from them with keras.ops",
    )
    expect(
        np.allclose(
            to_x_hat, -(x / x_hat - (1 - x) / (1 - x_hat)), rtol=1e-3, atol=1e-3
        ),
        "the value is right but the gradient with respect to x_hat is not: compute "
        "the cross-entropy from x_hat with keras.ops",
    )
    return (
        "reconstruction (binary cross-entropy summed over the pixels) + beta * KL, per "
        "image, finite at 0 and 1, with the reference's gradients."
    )


def _output_activation(tensor):
    """The activation of the layer that produced a model output, or None if unknown."""
    history = getattr(tensor, "_keras_history", None)
    return getattr(history[0], "activation", None) if history else None


def _check_encoder(build_encoder):
    expect_callable(build_encoder, "the function build_encoder")
    encoder = expect_model(build_encoder(2), "build_encoder(2) to return a Keras model")
    expect(
        tuple(encoder.input_shape) == (None, 784),
        f"expected the input shape (None, 784), got {encoder.input_shape}",
    )
    outputs = encoder.outputs
    expect(
        len(outputs) == 3,
        f"expected three outputs [z_mean, z_log_var, z], got {len(outputs)}: "
        "z, drawn by your sampling layer from [z_mean, z_log_var], is the third",
    )
    shapes = [tuple(output.shape) for output in outputs]
    expect(
        all(shape == (None, 2) for shape in shapes),
        f"expected three outputs of shape (None, 2) for latent_dim=2, got {shapes}",
    )
    count = trainable_count(encoder)
    expect(
        count == 534276,
        "expected 784*512 + 512 + 512*256 + 256 + 2 * (256*2 + 2) = 534,276 "
        f"parameters for the default hidden_units=(512, 256), found {count:,}",
    )
    probe = np.random.default_rng(0).uniform(size=(64, 784)).astype("float32")
    z_mean, z_log_var, z = (to_numpy(value) for value in encoder(probe))
    # The sign of a few outputs of random weights proves nothing either way, so look at
    # the activation of the layer that makes each output (Dense or Activation).
    for output, name, why in (
        (outputs[0], "z_mean", "should be free to take any sign"),
        (outputs[1], "z_log_var", "should be free to be negative (a variance below 1)"),
    ):
        expect(
            _output_activation(output) in (None, keras.activations.linear),
            f"{name} {why}: give its Dense layer no activation",
        )
    expect(
        not np.allclose(z, z_mean),
        "z equals z_mean: draw it with your sampling layer from [z_mean, z_log_var]",
    )
    _, _, z_again = (to_numpy(value) for value in encoder(probe))
    expect(
        not np.allclose(z, z_again),
        "two calls gave the same z: sample it with the Sampling layer on every call",
    )
    # One image, drawn 2,000 times, scaled so that z_mean and z_log_var of random weights
    # are far enough apart for a swapped pair to show (ReLU layers scale with the input).
    one = np.repeat(4.0 * probe[:1], 2000, axis=0)
    z_mean, z_log_var, z = (to_numpy(value) for value in encoder(one))
    standardised = (z - z_mean) / np.exp(0.5 * z_log_var)
    expect(
        abs(float(standardised.std()) - 1.0) < 0.1
        and abs(float(standardised.mean())) < 0.1,
        "z does not look like z_mean + exp(z_log_var / 2) * eps: pass "
        "[z_mean, z_log_var] to the sampling layer in that order",
    )
    small = expect_model(build_encoder(20, hidden_units=(400,)), "build_encoder(20)")
    shapes = [tuple(output.shape) for output in small.outputs]
    expect(
        shapes == [(None, 20)] * 3,
        f"build_encoder(20, ...) should give three outputs of shape (None, 20), got "
        f"{shapes}: use latent_dim",
    )
    expect(
        trainable_count(small) == 330040,
        "build_encoder(20, hidden_units=(400,)) should have one hidden layer of 400 "
        "units, 330,040 parameters: loop over hidden_units",
    )
    return "784 -> 512 -> 256 -> (z_mean, z_log_var) -> z, 534,276 parameters."


def _check_reparameterisation(answer):
    # a) speed, b) a deterministic z, c) a differentiable z.
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "drawing eps and shifting it costs about as much as drawing z directly: "
        "speed is not the reason",
    )
    expect(
        letter != "b",
        "z is still random (eps changes at every call); what changes is where the "
        "randomness enters",
    )
    return (
        "with z = mean + σ·eps, z is a differentiable function of the encoder's "
        "outputs and eps does not depend on any weight, so the gradient reaches the "
        "encoder."
    )


def _check_beta(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "b",
        "a larger β weighs the KL term more, so the decoder's share of the loss "
        "shrinks: reconstructions get worse, not sharper",
    )
    expect(
        letter != "c",
        "β multiplies only the KL term, not the whole loss: it changes the balance "
        "between the two terms",
    )
    return (
        "a large β pulls every code towards N(0, I): less KL, worse reconstructions, "
        "digits that overlap more in the latent space."
    )


# q7: what the 20-D model's KL per image is, as a ratio to the 2-D model's.
_KL_RATIOS = {
    "a": (0.0, 0.8, "smaller"),
    "c": (0.8, 1.25, "about the same (within a factor 1.25)"),
    "d": (1.25, 2.0, "larger, by less than a factor 2"),
    "b": (2.0, np.inf, "more than twice as large"),
}


def _check_kl_prediction(prediction, losses_20d, losses_2d):
    letter = expect_choice(prediction, set(_KL_RATIOS))
    for name, losses in (("losses_20d", losses_20d), ("losses_2d", losses_2d)):
        expect(
            isinstance(losses, dict) and {"reconstruction", "kl"} <= set(losses),
            f"expected {name} as the dict of vae_losses_per_image (with 'reconstruction' "
            f"and 'kl'), received {type(losses).__name__}",
        )
    ratio = losses_20d["kl"] / max(losses_2d["kl"], 1e-9)
    observed = next(
        key for key, (low, high, _) in _KL_RATIOS.items() if low <= ratio < high
    )
    shown = (
        f"the 20-D model's KL is {losses_20d['kl']:.2f} nats per image against "
        f"{losses_2d['kl']:.2f} for the 2-D one, {ratio:.1f} times as much "
        f"({_KL_RATIOS[observed][2]}); its reconstruction term is "
        f"{losses_20d['reconstruction']:.2f} against {losses_2d['reconstruction']:.2f}"
    )
    paid_back = losses_20d["reconstruction"] < losses_2d["reconstruction"]
    why = (
        "the KL is what the code tells the decoder about each image, in nats: twenty "
        "dimensions can carry the style of a digit as well as its class, and each nat "
        "of it costs a nat of KL; "
        + (
            "this run got it back in a lower reconstruction term"
            if paid_back
            else "after this short training the lower reconstruction term it pays for "
            "has not come yet"
        )
    )
    expect(
        letter == observed,
        f"this run says ({observed}): {shown}. {why[0].upper() + why[1:]}.",
    )
    return f"{shown}: {why}."


# q8: the mean test loss (reconstruction + KL per image) must be below these. The 20-D
# model as the notebook trains it gives 104.4 on the check's 1,000 test images (full mode,
# TensorFlow, 10 epochs at learning rate 2e-3; 106.3 after the former 5 epochs) and 206
# (fast mode: 2,000 images, 2 epochs); the margins cover the other backends.
CHALLENGE_TOTAL = {"full": 112.0, "fast": 240.0}


def _check_challenge(vae, images):
    from utils import config
    from utils.vae import vae_losses_per_image

    expect(
        isinstance(vae, VAE),
        f"expected a trained utils.vae.VAE such as vae_20d, received {type(vae).__name__}",
    )
    images = np.asarray(images, "float32")
    expect(
        images.ndim == 2 and images.shape[1] == 784 and len(images) >= 200,
        f"expected at least 200 test images of shape (n, 784), received {images.shape}",
    )
    expect(
        vae.latent_dim <= 20,
        f"the challenge is for at most 20 latent dimensions, received {vae.latent_dim}",
    )
    losses = vae_losses_per_image(vae, images, seed=0)
    mode = "fast" if config.fast_mode() else "full"
    threshold = CHALLENGE_TOTAL[mode]
    expect(
        losses["total"] < threshold,
        f"test loss {losses['total']:.1f} nats per image, not yet below {threshold:g} "
        f"({mode} mode): train longer, or try another learning rate or width",
    )
    return (
        f"test loss {losses['total']:.1f} nats per image < {threshold:g} ({mode} mode): "
        f"reconstruction {losses['reconstruction']:.1f} + KL {losses['kl']:.1f}."
    )


# q9: the two GAN losses, compared with utils.gan.gan_losses on fixed scores. The two
# batches differ in size, so a mean over the joined batch is told apart from the sum of
# the two means.
_GAN_REAL = np.array([0.9, 0.6, 0.2, 0.99, 0.75], "float32")
_GAN_FAKE = np.array([0.1, 0.3, 0.7], "float32")


def _scalar(value, what):
    array = _array(value, what)
    expect(
        array.size == 1,
        f"expected {what} as one number, the mean over the batch; got shape {array.shape}",
    )
    return float(array.reshape(()))


def _check_gan_losses(function):
    from utils.gan import gan_losses as reference

    expect_callable(function, "a function gan_losses(real_scores, fake_scores)")
    result = function(_GAN_REAL, _GAN_FAKE)
    expect(
        isinstance(result, (tuple, list)) and len(result) == 2,
        "expected a pair (discriminator_loss, generator_loss), got "
        f"{type(result).__name__}",
    )
    d_loss = _scalar(result[0], "discriminator_loss")
    g_loss = _scalar(result[1], "generator_loss")
    d_want, g_want = (float(to_numpy(v)) for v in reference(_GAN_REAL, _GAN_FAKE))
    real, fake = _GAN_REAL.astype("float64"), _GAN_FAKE.astype("float64")
    shown = f"(for D(x) = {np.round(real, 2).tolist()} and D(G(z)) = {np.round(fake, 2).tolist()})"
    minimax = float(np.mean(np.log(1 - fake)))
    expect(
        not (np.isclose(g_loss, -minimax, rtol=1e-3) or np.isclose(g_loss, minimax, rtol=1e-3)),
        f"your generator loss {g_loss:.3f} is the minimax one, built on log(1 - D(G(z))): "
        "it saturates while the discriminator rejects every fake; the generator should "
        f"instead make D(G(z)) large {shown}",
    )
    expect(
        d_loss >= 0 and g_loss >= 0,
        f"your losses are {d_loss:.3f} and {g_loss:.3f}: the log of a probability is "
        f"negative, so each loss is minus a mean of logs {shown}",
    )
    expect(
        not np.isclose(g_loss, -np.mean(np.log(real)), rtol=1e-3),
        f"your generator loss {g_loss:.3f} uses the scores of the real images; the "
        f"generator only changes D(G(z)) {shown}",
    )
    swapped = -np.mean(np.log(1 - real)) - np.mean(np.log(fake))
    expect(
        not np.isclose(d_loss, swapped, rtol=1e-3),
        f"your discriminator loss {d_loss:.3f} rewards calling real images fake and "
        f"fakes real: real and generated are swapped {shown}",
    )
    joined = -np.mean(np.concatenate([np.log(real), np.log(1 - fake)]))
    expect(
        not np.isclose(d_loss, joined, rtol=1e-3),
        f"your discriminator loss {d_loss:.3f} is one mean over the joined batch; take "
        f"the mean of each batch and add the two, expected {d_want:.3f} {shown}",
    )
    expect(
        np.isclose(d_loss, d_want, rtol=1e-3, atol=1e-4),
        f"discriminator loss {d_loss:.4f}, expected {d_want:.4f} {shown}",
    )
    expect(
        np.isclose(g_loss, g_want, rtol=1e-3, atol=1e-4),
        f"generator loss {g_loss:.4f}, expected {g_want:.4f} {shown}",
    )
    edge = function(np.array([1.0, 0.0], "float32"), np.array([0.0, 1.0], "float32"))
    edge = [_scalar(edge[0], "discriminator_loss"), _scalar(edge[1], "generator_loss")]
    expect(
        all(np.isfinite(edge)),
        f"scores of exactly 0 or 1 give the losses {edge}: log(0) is infinite; clip the "
        "scores into [1e-7, 1 - 1e-7] first, as Keras's binary cross-entropy does",
    )
    halfway = [_scalar(v, "loss") for v in function(np.full(4, 0.5), np.full(4, 0.5))]
    return (
        f"discriminator loss {d_loss:.3f}, generator loss {g_loss:.3f} {shown}; when D "
        f"says 1/2 to everything they are {halfway[0]:.3f} = log 4 and "
        f"{halfway[1]:.3f} = log 2, the game's equilibrium."
    )


q1 = Question(
    "05",
    "q1",
    _check_sampling,
    [
        "z is the mean plus the standard deviation times a standard normal draw; the "
        "draw is the only random part, and the layer's SeedGenerator makes it "
        "repeatable.",
        "keras.random.normal with the shape of z_mean and seed=self.seed_generator "
        "gives eps; the standard deviation is ops.exp of half the log-variance.",
    ],
)
q2 = Question(
    "05",
    "q2",
    _check_kl,
    [
        "the latent dimensions are independent, so the KL of the code is the sum of "
        "one-dimensional KLs, each from the closed form above; sigma squared is the "
        "exponential of the log-variance.",
        "for each dimension: 0.5 * (mean squared + variance - 1 - log-variance), with "
        "variance = exp(z_log_var); then sum over axis 1, one value per row.",
    ],
)
q3 = Question(
    "05",
    "q3",
    _check_loss,
    [
        "two terms per image: the binary cross-entropy of its pixels, summed (not "
        "averaged), and the KL of its code, times beta; both need keras.ops so that "
        "gradients flow.",
        "clip x_hat to [1e-7, 1 - 1e-7], take -(x log x_hat + (1 - x) log(1 - x_hat)) "
        "with ops.log and ops.sum over axis 1; add beta times your KL (in keras.ops) "
        "summed over the latent dimensions.",
    ],
)
q4 = Question(
    "05",
    "q4",
    _check_encoder,
    [
        "the hidden layers turn the pixels into features; two heads read them, one for "
        "the mean and one for the log-variance, and the sampling layer draws z from them.",
        "a ReLU Dense layer per entry of hidden_units; two Dense heads of latent_dim "
        "units with no activation (a mean and a log-variance can be negative); "
        "GaussianSampling(seed=seed) on the pair [z_mean, z_log_var]; a Model with "
        "three outputs in that order.",
    ],
)
q5 = Question(
    "05",
    "q5",
    _check_reparameterisation,
    [
        "can you take the derivative of a random draw with respect to its mean? Of "
        "mean + σ·eps with eps fixed?",
        "backpropagation needs z as a function of the encoder's outputs; where does the "
        "randomness sit in mean + σ·eps, and does it depend on any weight?",
    ],
)
q6 = Question(
    "05",
    "q6",
    _check_beta,
    [
        "the loss is reconstruction + β · KL: which term gains weight as β grows, and "
        "what does the KL term want the codes to look like?",
        "the KL term is smallest when every code is N(0, I) whatever the image; a "
        "larger β makes the encoder give up reconstruction detail to get closer.",
    ],
)
q7 = Question(
    "05",
    "q7",
    _check_kl_prediction,
    [
        "the KL per image measures how much the code says about the image; how much "
        "more can twenty numbers say than two?",
        "in the 2-D model each image's code costs about 5 nats of KL; think of what "
        "twenty dimensions could hold beyond the digit's class, and what it would "
        "save in reconstruction.",
    ],
)
q8 = Question(
    "05",
    "q8",
    _check_challenge,
    [
        "this model has not trained long enough for the threshold; what limits it here "
        "is the training, not the architecture.",
        "call train_vae(20, ...) with more epochs (or a wider hidden layer), store the "
        "model in challenge_vae, and run the check again.",
    ],
)


q9 = Question(
    "05",
    "q9",
    _check_gan_losses,
    [
        "the discriminator wants D(x) near 1 and D(G(z)) near 0; the generator wants "
        "D(G(z)) near 1. Each loss is minus the mean log-probability of what its "
        "player wants.",
        "binary cross-entropy with the label 1 for real scores and 0 for fake ones, "
        "each batch averaged on its own and the two added; for the generator, the fake "
        "scores with the label 1. Clip the scores away from 0 and 1 before the log.",
    ],
)


def summary():
    """Print a table of notebook 05's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("05")
