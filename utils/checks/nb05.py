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


def _check_sample_z(sample_z):
    expect_callable(sample_z, "the function sample_z")
    z_mean, z_log_var = _latent_arrays()
    epsilon = np.random.default_rng(1).standard_normal(z_mean.shape)
    got = _array(sample_z(z_mean, z_log_var, epsilon), "z")
    expect(
        got.shape == z_mean.shape,
        f"expected z of the shape of z_mean {z_mean.shape}, got {got.shape}",
    )
    expected = z_mean + np.exp(0.5 * z_log_var) * epsilon
    wrong = [
        (
            z_mean + np.exp(z_log_var) * epsilon,
            "you scaled eps by exp(z_log_var), the variance: the standard deviation "
            "is exp(z_log_var / 2)",
        ),
        (
            z_mean + z_log_var * epsilon,
            "z_log_var is the logarithm of the variance, not the standard deviation: "
            "scale eps by exp(z_log_var / 2)",
        ),
        (
            z_mean + np.sqrt(np.abs(z_log_var)) * epsilon,
            "z_log_var is a log-variance: take exp(z_log_var / 2), not a square root",
        ),
        (
            z_mean + np.exp(0.5 * z_log_var),
            "eps is missing: multiply the standard deviation by eps",
        ),
        (
            z_log_var + np.exp(0.5 * z_mean) * epsilon,
            "z_mean and z_log_var are swapped",
        ),
    ]
    for value, message in wrong:
        expect(not _close(got, value), message)
    expect(
        _close(got, expected),
        "expected z = z_mean + exp(z_log_var / 2) * eps on the test arrays",
    )
    still = _array(sample_z(z_mean, z_log_var, np.zeros_like(z_mean)), "z")
    expect(_close(still, z_mean), "with eps = 0 you should get z_mean back")
    return "z = z_mean + exp(z_log_var / 2) * eps: the randomness is all in eps."


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


def _check_reconstruction(reconstruction_per_image):
    expect_callable(reconstruction_per_image, "the function reconstruction_per_image")
    x, x_hat = _images()
    with np.errstate(all="ignore"):
        got = _array(reconstruction_per_image(x, x_hat), "the loss")
    expected = _bce(x, x_hat)
    expect(
        got.ndim != 0,
        "expected one value per image, shape (n,), got one number: sum over the "
        "pixels only (axis=1), not over the batch",
    )
    expect(
        got.shape == expected.shape,
        f"expected one value per image, shape {expected.shape}, got {got.shape}: "
        "sum over the pixels (axis=1)",
    )
    expect(
        np.all(np.isfinite(got)),
        "got infinite or NaN values: the logarithms take the prediction x_hat (never "
        "exactly 0 or 1), not the image x, which has pixels at 0 and 1",
    )
    wrong = [
        (
            expected / 784,
            "you averaged over the 784 pixels, which makes the reconstruction term 784 "
            "times too small beside the KL: sum over the pixels",
        ),
        (-expected, "the sign is flipped: cross-entropy is positive"),
        (
            np.sum((x - x_hat) ** 2, axis=1),
            "that is the squared error: use binary cross-entropy, "
            "-(x log x_hat + (1 - x) log(1 - x_hat))",
        ),
        (
            -np.sum(x * np.log(x_hat), axis=1),
            "the term for the dark pixels, (1 - x) log(1 - x_hat), is missing",
        ),
    ]
    for value, message in wrong:
        expect(not _close(got, value), message)
    expect(
        _close(got, expected),
        f"expected {np.round(expected, 2)} nats on the test images, got "
        f"{np.round(got, 2)}",
    )
    return "binary cross-entropy summed over the 784 pixels, one value per image."


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
        "z = Sampling()([z_mean, z_log_var]) is the third",
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
        "z equals z_mean: draw it with Sampling()([z_mean, z_log_var])",
    )
    _, _, z_again = (to_numpy(value) for value in encoder(probe))
    expect(
        not np.allclose(z, z_again),
        "two calls gave the same z: sample it with the Sampling layer on every call",
    )
    one = np.repeat(probe[:1], 2000, axis=0)
    z_mean, z_log_var, z = (to_numpy(value) for value in encoder(one))
    standardised = (z - z_mean) / np.exp(0.5 * z_log_var)
    expect(
        abs(float(standardised.std()) - 1.0) < 0.1
        and abs(float(standardised.mean())) < 0.1,
        "z does not look like z_mean + exp(z_log_var / 2) * eps: pass "
        "[z_mean, z_log_var] to Sampling in that order",
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
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "drawing eps and shifting it costs about as much as drawing z directly: "
        "speed is not the reason",
    )
    expect(
        letter != "c",
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


q1 = Question(
    "05",
    "q1",
    _check_sample_z,
    "the standard deviation is exp(0.5 * z_log_var); "
    "return z_mean + np.exp(0.5 * z_log_var) * epsilon.",
)
q2 = Question(
    "05",
    "q2",
    _check_kl,
    "return -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=1).",
)
q3 = Question(
    "05",
    "q3",
    _check_reconstruction,
    "per_pixel = -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat)); "
    "return per_pixel.sum(axis=1).",
)
q4 = Question(
    "05",
    "q4",
    _check_encoder,
    "loop h = keras.layers.Dense(units, activation='relu')(h) over hidden_units; then "
    "z_mean = Dense(latent_dim)(h), z_log_var = Dense(latent_dim)(h) (no activation), "
    "z = Sampling(seed=seed)([z_mean, z_log_var]); "
    "return keras.Model(inputs, [z_mean, z_log_var, z]).",
)
q5 = Question(
    "05",
    "q5",
    _check_reparameterisation,
    "can you take the derivative of a random draw with respect to its mean? Of "
    "mean + σ·eps with eps fixed?",
)
q6 = Question(
    "05",
    "q6",
    _check_beta,
    "the loss is reconstruction + β · KL: which term gains weight as β grows, and "
    "what does the KL term want the codes to look like?",
)


def summary():
    """Print a table of notebook 05's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("05")
