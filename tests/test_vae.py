"""Unit tests for utils.vae: the sampling layer, the two loss terms and the VAE model.

They use keras.ops only, so they also run with KERAS_BACKEND=jax or torch.
"""

import keras
import numpy as np
import pytest

from utils.vae import (
    VAE,
    Sampling,
    kl_divergence,
    reconstruction_loss,
    vae_losses_per_image,
)


def numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def small_encoder(latent_dim=2, with_z=True, seed=0, name="encoder"):
    inputs = keras.Input((784,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(hidden)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(hidden)
    outputs = [z_mean, z_log_var]
    if with_z:
        outputs.append(Sampling(seed=seed, name="z")([z_mean, z_log_var]))
    return keras.Model(inputs, outputs, name=name)


def small_decoder(latent_dim=2, pixels=784):
    codes = keras.Input((latent_dim,))
    hidden = keras.layers.Dense(16, activation="relu")(codes)
    return keras.Model(
        codes, keras.layers.Dense(pixels, activation="sigmoid")(hidden), name="decoder"
    )


def tiny_images(count=64, seed=0):
    return np.random.default_rng(seed).uniform(size=(count, 784)).astype("float32")


# ---- Sampling ----------------------------------------------------------------------


def test_sampling_output_shape():
    z_mean = np.zeros((5, 3), "float32")
    z = Sampling(seed=0)([z_mean, z_mean])
    assert tuple(z.shape) == (5, 3)
    symbolic = Sampling()([keras.Input((3,)), keras.Input((3,))])
    assert tuple(symbolic.shape) == (None, 3)


def test_sampling_has_the_right_mean_and_standard_deviation():
    count = 20000
    z_mean = np.tile([[1.0, -2.0, 0.0]], (count, 1)).astype("float32")
    log_variances = [[0.0, np.log(0.25), np.log(4.0)]]
    z_log_var = np.tile(log_variances, (count, 1)).astype("float32")
    z = numpy(Sampling(seed=1)([z_mean, z_log_var]))
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0, 0.0], atol=0.05)
    np.testing.assert_allclose(z.std(axis=0), [1.0, 0.5, 2.0], rtol=0.05)


def test_sampling_is_repeatable_with_a_seed_and_differs_between_calls():
    z_mean = np.zeros((4, 2), "float32")
    first, second = Sampling(seed=7), Sampling(seed=7)
    a, b = numpy(first([z_mean, z_mean])), numpy(second([z_mean, z_mean]))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, numpy(first([z_mean, z_mean])))
    assert not np.allclose(a, numpy(Sampling(seed=8)([z_mean, z_mean])))


def test_sampling_config_round_trip():
    layer = Sampling(seed=3, name="draw")
    config = layer.get_config()
    assert config["seed"] == 3 and config["name"] == "draw"
    clone = Sampling.from_config(config)
    assert clone.seed == 3 and clone.name == "draw"
    registered = keras.saving.get_registered_object("workshop>Sampling")
    assert registered is Sampling


@pytest.mark.parametrize("seed", [1.5, "0", True])
def test_sampling_rejects_a_bad_seed(seed):
    with pytest.raises(ValueError, match="Expected `seed` as an int or None"):
        Sampling(seed=seed)


def test_sampling_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="same shape"):
        Sampling()([np.zeros((4, 2), "float32"), np.zeros((4, 3), "float32")])
    with pytest.raises(ValueError, match=r"Expected `inputs` as a list \[z_mean"):
        Sampling()(np.zeros((4, 2), "float32"))


# ---- The loss terms ----------------------------------------------------------------


def test_kl_divergence_matches_numpy():
    rng = np.random.default_rng(0)
    z_mean = rng.normal(size=(6, 4)).astype("float32")
    z_log_var = rng.uniform(-3, 2, size=(6, 4)).astype("float32")
    expected = -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=1)
    got = numpy(kl_divergence(z_mean, z_log_var))
    assert got.shape == (6,)
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert np.all(got >= 0)
    zeros = np.zeros((2, 4), "float32")
    np.testing.assert_allclose(numpy(kl_divergence(zeros, zeros)), [0.0, 0.0])


def test_reconstruction_loss_is_summed_binary_cross_entropy():
    rng = np.random.default_rng(1)
    x = (rng.uniform(size=(5, 784)) < 0.3).astype("float32")
    x_hat = rng.uniform(0.05, 0.95, size=(5, 784)).astype("float32")
    expected = -np.sum(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat), axis=1)
    got = numpy(reconstruction_loss(x, x_hat))
    assert got.shape == (5,)
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    # 784 times Keras's binary cross-entropy, which averages over the pixels.
    keras_mean = numpy(keras.losses.binary_crossentropy(x, x_hat))
    np.testing.assert_allclose(got, 784 * keras_mean, rtol=1e-3)


def test_reconstruction_loss_is_finite_at_0_and_1_and_takes_image_shapes():
    x = np.zeros((2, 28, 28), "float32")
    x_hat = np.ones((2, 28, 28), "float32")
    got = numpy(reconstruction_loss(x, x_hat))
    assert got.shape == (2,) and np.all(np.isfinite(got))


def test_loss_terms_reject_mismatched_shapes():
    with pytest.raises(ValueError, match="Expected `z_mean` and `z_log_var`"):
        kl_divergence(np.zeros((3, 2)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="Expected `x` and `x_hat`"):
        reconstruction_loss(np.zeros((3, 784)), np.zeros((3, 28, 28)))


# ---- The VAE model -------------------------------------------------------------------


@pytest.mark.parametrize("with_z", [True, False])
def test_one_epoch_of_fit_reports_the_three_losses(with_z):
    keras.utils.set_random_seed(0)
    vae = VAE(small_encoder(with_z=with_z), small_decoder(), beta=1.0, seed=0)
    vae.compile(optimizer="adam")
    history = vae.fit(tiny_images(), epochs=2, batch_size=16, verbose=0)
    logs = history.history
    assert {"loss", "reconstruction_loss", "kl_loss"} <= set(logs)
    for name in ("loss", "reconstruction_loss", "kl_loss"):
        assert np.all(np.isfinite(logs[name])), (name, logs[name])
    # beta = 1: the loss is the sum of the two terms (means over the same images).
    np.testing.assert_allclose(
        logs["loss"][-1],
        logs["reconstruction_loss"][-1] + logs["kl_loss"][-1],
        rtol=1e-4,
    )
    assert logs["loss"][-1] < logs["loss"][0]
    results = vae.evaluate(tiny_images(16, seed=1), verbose=0, return_dict=True)
    assert {"loss", "reconstruction_loss", "kl_loss"} <= set(results)


def test_beta_weighs_the_kl_term():
    keras.utils.set_random_seed(0)
    vae = VAE(small_encoder(), small_decoder(), beta=4.0)
    vae.compile(optimizer="adam")
    logs = vae.fit(tiny_images(), epochs=1, batch_size=64, verbose=0).history
    np.testing.assert_allclose(
        logs["loss"][0],
        logs["reconstruction_loss"][0] + 4.0 * logs["kl_loss"][0],
        rtol=1e-4,
    )


def test_call_returns_the_reconstruction_and_the_code_distribution():
    vae = VAE(small_encoder(latent_dim=3), small_decoder(latent_dim=3))
    outputs = vae(tiny_images(5))
    assert set(outputs) == {"reconstruction", "z_mean", "z_log_var"}
    assert tuple(outputs["reconstruction"].shape) == (5, 784)
    assert tuple(outputs["z_mean"].shape) == (5, 3)


@pytest.mark.parametrize("with_z", [True, False])
def test_saved_vae_reloads_with_identical_outputs(tmp_path, with_z):
    keras.utils.set_random_seed(0)
    vae = VAE(small_encoder(with_z=with_z), small_decoder(), beta=0.5, seed=4)
    vae.compile(optimizer="adam")
    vae.fit(tiny_images(), epochs=1, batch_size=32, verbose=0)
    path = tmp_path / "vae.keras"
    vae.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded, VAE)
    assert reloaded.beta == 0.5 and reloaded.seed == 4 and reloaded.latent_dim == 2
    codes = np.random.default_rng(0).standard_normal((8, 2)).astype("float32")
    np.testing.assert_array_equal(
        numpy(reloaded.decoder(codes)), numpy(vae.decoder(codes))
    )
    images = tiny_images(8, seed=2)
    np.testing.assert_array_equal(
        numpy(reloaded.encoder(images)[0]), numpy(vae.encoder(images)[0])
    )
    # The reloaded model trains on.
    reloaded.compile(optimizer="adam")
    reloaded.fit(images, epochs=1, verbose=0)


def test_vae_config_round_trip():
    vae = VAE(small_encoder(), small_decoder(), beta=2.0, seed=1, name="my_vae")
    config = vae.get_config()
    assert config["beta"] == 2.0 and config["seed"] == 1
    clone = VAE.from_config(config)
    assert clone.name == "my_vae" and clone.beta == 2.0
    assert clone.encoder.count_params() == vae.encoder.count_params()
    assert keras.saving.get_registered_object("workshop>VAE") is VAE


@pytest.mark.parametrize("beta", [-1.0, float("nan"), "1", True, None])
def test_vae_rejects_a_bad_beta(beta):
    with pytest.raises(ValueError, match="Expected `beta` as a number >= 0"):
        VAE(small_encoder(), small_decoder(), beta=beta)


def test_vae_rejects_bad_parts():
    with pytest.raises(ValueError, match="Expected `encoder` as a keras.Model"):
        VAE(keras.layers.Dense(2), small_decoder())
    with pytest.raises(ValueError, match="Expected `decoder` as a keras.Model"):
        VAE(small_encoder(), "decoder")
    inputs = keras.Input((784,))
    one_output = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    with pytest.raises(ValueError, match=r"Expected an encoder with outputs"):
        VAE(one_output, small_decoder())
    with pytest.raises(ValueError, match="Expected a decoder taking codes"):
        VAE(small_encoder(latent_dim=2), small_decoder(latent_dim=3))
    with pytest.raises(ValueError, match="Expected a decoder giving images"):
        VAE(small_encoder(), small_decoder(pixels=100))


def test_losses_per_image_are_seeded_and_add_up():
    keras.utils.set_random_seed(0)
    vae = VAE(small_encoder(), small_decoder())
    images = tiny_images(30)
    first = vae_losses_per_image(vae, images, seed=0, batch_size=7)
    again = vae_losses_per_image(vae, images, seed=0)
    assert first == pytest.approx(again, rel=1e-5)
    assert first["total"] == pytest.approx(first["reconstruction"] + first["kl"])
    assert first["kl"] >= 0 and first["reconstruction"] > 0
    outputs = vae.encoder(images)
    kl = numpy(kl_divergence(outputs[0], outputs[1]))
    assert first["kl"] == pytest.approx(float(kl.mean()), rel=1e-4)


def test_losses_per_image_reject_bad_inputs():
    vae = VAE(small_encoder(), small_decoder())
    with pytest.raises(ValueError, match=r"Expected `x` of shape \(n, 784\)"):
        vae_losses_per_image(vae, np.zeros((3, 28, 28), "float32"))
    with pytest.raises(ValueError, match=r"Expected `x` with values in \[0, 1\]"):
        vae_losses_per_image(vae, np.full((3, 784), 255.0, "float32"))
    with pytest.raises(ValueError, match="Expected a utils.vae.VAE"):
        vae_losses_per_image(small_encoder(), np.zeros((3, 784), "float32"))
