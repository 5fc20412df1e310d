"""utils.gan: the GAN losses of Goodfellow et al. (2014), on every backend."""

import keras
import numpy as np
import pytest

from utils.gan import gan_losses


def as_floats(pair):
    return [float(keras.ops.convert_to_numpy(value)) for value in pair]


def test_the_losses_match_their_formulas_for_batches_of_different_sizes():
    real = np.array([0.9, 0.6, 0.2, 0.99, 0.75], "float32")
    fake = np.array([[0.1], [0.3], [0.7]], "float32")
    d_loss, g_loss = as_floats(gan_losses(real, fake))
    assert d_loss == pytest.approx(-np.log(real).mean() - np.log(1 - fake).mean(), rel=1e-5)
    assert g_loss == pytest.approx(-np.log(fake).mean(), rel=1e-5)


def test_at_the_equilibrium_they_are_log_4_and_log_2():
    d_loss, g_loss = as_floats(gan_losses(np.full(8, 0.5), np.full(3, 0.5)))
    assert d_loss == pytest.approx(np.log(4.0), rel=1e-5)
    assert g_loss == pytest.approx(np.log(2.0), rel=1e-5)


def test_they_agree_with_keras_binary_crossentropy_and_its_labels():
    real = np.array([[0.8], [0.3], [0.95]], "float32")
    fake = np.array([[0.2], [0.6], [0.05]], "float32")
    bce = keras.losses.BinaryCrossentropy()
    d_loss, g_loss = as_floats(gan_losses(real, fake))
    on_real = float(keras.ops.convert_to_numpy(bce(np.ones_like(real), real)))
    on_fake = float(keras.ops.convert_to_numpy(bce(np.zeros_like(fake), fake)))
    fooled = float(keras.ops.convert_to_numpy(bce(np.ones_like(fake), fake)))
    assert d_loss == pytest.approx(on_real + on_fake, rel=1e-4)
    assert g_loss == pytest.approx(fooled, rel=1e-4)


def test_scores_of_exactly_0_and_1_give_finite_losses():
    values = as_floats(gan_losses(np.array([0.0, 1.0]), np.array([1.0, 0.0])))
    assert np.all(np.isfinite(values))


def test_the_generator_loss_has_a_gradient_where_the_minimax_one_saturates():
    fake = keras.Variable(np.full((4, 1), 0.01, "float32"))
    real = np.full((4, 1), 0.99, "float32")
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            _, g_loss = gan_losses(real, fake.value)
        gradient = tape.gradient(g_loss, fake.value)
    elif backend == "jax":
        import jax

        gradient = jax.grad(lambda f: gan_losses(real, f)[1])(fake.value)
    else:
        import torch

        scores = torch.tensor(np.full((4, 1), 0.01, "float32"), requires_grad=True)
        gan_losses(real, scores)[1].backward()
        gradient = scores.grad
    gradient = keras.ops.convert_to_numpy(gradient)
    # d/dD of -mean(log D) is -1 / (n D): large where D rejects the fakes.
    assert np.allclose(gradient, -1.0 / (4 * 0.01), rtol=1e-3)


@pytest.mark.parametrize(
    "real, fake, message",
    [
        (np.array([1.5]), np.array([0.5]), "Expected `real_scores` to hold probabilities"),
        (np.array([0.5]), np.array([-2.0]), "Expected `fake_scores` to hold probabilities"),
        (np.array([np.nan]), np.array([0.5]), "NaN or infinite"),
        (np.zeros((2, 2)), np.array([0.5]), "Expected `real_scores` of shape (n,) or (n, 1)"),
        (np.array([]), np.array([0.5]), "n >= 1"),
        ("0.5", np.array([0.5]), "Expected `real_scores` to be an array"),
        (np.array([0.5]), None, "Expected `fake_scores` to be an array"),
    ],
)
def test_bad_scores_get_a_clear_error(real, fake, message):
    with pytest.raises(ValueError, match="Received") as error:
        gan_losses(real, fake)
    assert message in str(error.value)
