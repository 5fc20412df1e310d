"""Unit tests for utils.vae: the sampling layer, the two loss terms and the VAE model.

They use keras.ops only, so they also run with KERAS_BACKEND=jax or torch.
"""

import keras
import numpy as np
import pytest

from utils.vae import (
    LOG_VAR_MAX,
    LOG_VAR_MIN,
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


@pytest.mark.parametrize("seed", [1.5, "0", True, -1, float("nan")])
def test_sampling_rejects_a_bad_seed(seed):
    with pytest.raises(ValueError, match="Expected `seed` as an int >= 0 or None"):
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


@pytest.mark.parametrize("beta", [-1.0, float("nan"), float("inf"), "1", True, None])
def test_vae_rejects_a_bad_beta(beta):
    # Was "Expected `beta` as a number >= 0"; now the shared check_number wording.
    with pytest.raises(ValueError, match=r"Expected `beta` as a finite number in \[0"):
        VAE(small_encoder(), small_decoder(), beta=beta)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_vae_rejects_a_bad_seed(seed):
    with pytest.raises(ValueError, match="Expected `seed` as an int >= 0 or None"):
        VAE(small_encoder(with_z=False), small_decoder(), seed=seed)


def test_vae_rejects_bad_parts():
    # A wrong type is now a TypeError (was ValueError), as everywhere in utils.
    with pytest.raises(TypeError, match="Expected `encoder` as a keras.Model"):
        VAE(keras.layers.Dense(2), small_decoder())
    with pytest.raises(TypeError, match="Expected `decoder` as a keras.Model"):
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
    with pytest.raises(TypeError, match="Expected `vae` as a utils.vae.VAE"):
        vae_losses_per_image(small_encoder(), np.zeros((3, 784), "float32"))


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"x": np.zeros((0, 784), "float32")}, "Expected at least one image"),
        ({"x": np.full((3, 784), np.nan, "float32")}, "finite numbers"),
        ({"x": np.full((3, 784), "a")}, "array of numbers"),
        ({"seed": -1}, "Expected `seed` as an int >= 0"),
        ({"seed": 1.5}, "Expected `seed` as an int >= 0"),
        ({"batch_size": 0}, "Expected `batch_size` as an int >= 1"),
        ({"batch_size": 2.0}, "Expected `batch_size` as an int >= 1"),
        ({"batch_size": True}, "Expected `batch_size` as an int >= 1"),
    ],
)
def test_losses_per_image_reject_bad_arguments(arguments, message):
    vae = VAE(small_encoder(), small_decoder())
    arguments = {"x": np.zeros((3, 784), "float32"), **arguments}
    with pytest.raises(ValueError, match=message):
        vae_losses_per_image(vae, **arguments)


# ---- A huge log-variance stays finite -----------------------------------------------


def old_kl(z_mean, z_log_var):
    """The formula without the clamp, for values inside the clamp's range."""
    ops = keras.ops
    z_mean, z_log_var = ops.convert_to_tensor(z_mean), ops.convert_to_tensor(z_log_var)
    terms = 1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)
    return numpy(-0.5 * ops.sum(terms, axis=-1))


def test_values_inside_the_log_var_range_give_exactly_the_old_results():
    rng = np.random.default_rng(3)
    z_mean = rng.normal(size=(64, 5)).astype("float32")
    z_log_var = rng.uniform(LOG_VAR_MIN, LOG_VAR_MAX, size=(64, 5)).astype("float32")
    z_log_var[0] = [LOG_VAR_MIN, LOG_VAR_MAX, 0.0, -1e-3, 1e-3]
    np.testing.assert_array_equal(
        numpy(kl_divergence(z_mean, z_log_var)), old_kl(z_mean, z_log_var)
    )
    layer, twin = Sampling(seed=5), keras.random.SeedGenerator(5)
    epsilon = numpy(keras.random.normal((64, 5), seed=twin))
    expected = z_mean + numpy(keras.ops.exp(0.5 * z_log_var)) * epsilon
    np.testing.assert_array_equal(numpy(layer([z_mean, z_log_var])), expected)


@pytest.mark.parametrize("log_var", [200.0, 1e30, -1e4])
def test_a_huge_log_variance_gives_a_finite_z_and_kl(log_var):
    z_mean = np.zeros((4, 3), "float32")
    z_log_var = np.full((4, 3), log_var, "float32")
    z = numpy(Sampling(seed=0)([z_mean, z_log_var]))
    kl = numpy(kl_divergence(z_mean, z_log_var))
    assert np.all(np.isfinite(z)) and np.all(np.isfinite(kl))
    clamped = np.clip(z_log_var, LOG_VAR_MIN, LOG_VAR_MAX)
    np.testing.assert_allclose(kl, old_kl(z_mean, clamped), rtol=1e-6)


def test_the_clamp_passes_the_gradient_through():
    # Straight through: d KL / d z_log_var at 200 is the one at the clamped value,
    # 0.5 * (exp(20) - 1) > 0, so one SGD step lowers a bias of 200. The loss is traced
    # by train_on_batch, so this also checks that the checks leave tracing alone.
    head = keras.layers.Dense(
        3, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(200)
    )
    inputs = keras.Input((1,))
    model = keras.Model(inputs, head(inputs))

    def kl_loss(y_true, y_pred):
        return kl_divergence(keras.ops.zeros_like(y_pred), y_pred)

    learning_rate = 1e-10
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss=kl_loss)
    model.train_on_batch(np.zeros((2, 1), "float32"), np.zeros((2, 3), "float32"))
    step = learning_rate * 0.5 * (np.exp(LOG_VAR_MAX) - 1.0)
    np.testing.assert_allclose(head.get_weights()[1], 200.0 - step, rtol=1e-6)


@pytest.mark.parametrize("with_z", [True, False])
def test_a_vae_whose_log_variance_bias_starts_at_200_trains_to_a_finite_loss(with_z):
    keras.utils.set_random_seed(0)
    encoder = small_encoder(with_z=with_z)
    head = encoder.get_layer("z_log_var")
    kernel, bias = head.get_weights()
    head.set_weights([kernel, np.full_like(bias, 200.0)])
    vae = VAE(encoder, small_decoder(), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(0.5))
    logs = vae.fit(tiny_images(), epochs=3, batch_size=16, verbose=0).history
    for name in ("loss", "reconstruction_loss", "kl_loss"):
        assert np.all(np.isfinite(logs[name])), (name, logs[name])
    assert all(np.all(np.isfinite(w)) for w in vae.get_weights())
    assert np.all(head.get_weights()[1] < 200.0 - 1.0)  # pushed back by the gradient
    assert logs["loss"][-1] < logs["loss"][0]


# ---- Bad inputs to the loss terms -------------------------------------------------


def test_loss_terms_accept_symbolic_tensors():
    x = keras.Input((784,))
    assert tuple(reconstruction_loss(x, x).shape) == (None,)
    z = keras.Input((2,))
    assert tuple(kl_divergence(z, z).shape) == (None,)


BAD_LATENTS = [
    (np.full((3, 2), np.nan), "Expected `z_mean` to hold finite numbers"),
    (np.full((3, 2), np.inf), "Expected `z_mean` to hold finite numbers"),
    (np.full((3, 2), "a"), "Expected `z_mean` to be an array of numbers"),
    (np.zeros(3), r"Expected `z_mean` of shape \(batch, latent_dim\)"),
    (np.zeros((3, 2, 1)), r"Expected `z_mean` of shape \(batch, latent_dim\)"),
]


@pytest.mark.parametrize("z_mean, message", BAD_LATENTS)
def test_kl_divergence_rejects_bad_values(z_mean, message):
    good = np.zeros((3, 2))
    with pytest.raises(ValueError, match=message):
        kl_divergence(z_mean, good)
    with pytest.raises(ValueError, match=message.replace("z_mean", "z_log_var")):
        kl_divergence(good, z_mean)


def test_kl_divergence_rejects_nan_in_an_eager_tensor():
    bad = keras.ops.convert_to_tensor(np.full((2, 2), np.nan, "float32"))
    with pytest.raises(ValueError, match="Expected `z_log_var` to hold finite"):
        kl_divergence(np.zeros((2, 2), "float32"), bad)


@pytest.mark.parametrize(
    "x, x_hat, message",
    [
        (np.full((2, 784), 255.0), np.full((2, 784), 0.5), r"`x` with values in \["),
        (np.full((2, 784), -0.5), np.full((2, 784), 0.5), r"`x` with values in \["),
        (np.full((2, 784), 0.5), np.full((2, 784), 3.0), r"`x_hat` as pixel prob"),
        (np.full((2, 784), np.nan), np.full((2, 784), 0.5), "`x` to hold finite"),
        (np.full((2, 784), 0.5), np.full((2, 784), np.inf), "`x_hat` to hold finite"),
        (np.full((2, 784), "a"), np.full((2, 784), 0.5), "`x` to be an array of num"),
        (np.full(784, 0.5), np.full(784, 0.5), r"Expected `x` of shape \(batch, ...\)"),
    ],
)
def test_reconstruction_loss_rejects_bad_values(x, x_hat, message):
    with pytest.raises(ValueError, match=message):
        reconstruction_loss(x, x_hat)


def test_reconstruction_loss_rejects_0_to_255_in_an_eager_tensor():
    images = keras.ops.convert_to_tensor(np.full((2, 784), 255.0, "float32"))
    with pytest.raises(ValueError, match=r"scale uint8 images by 1/255"):
        reconstruction_loss(images, np.full((2, 784), 0.5, "float32"))


# ---- fit and evaluate check NumPy and tensor images before any work ----------------


@pytest.mark.parametrize(
    "images, message",
    [
        (np.full((8, 784), 255.0, "float32"), r"Expected `x` with values in \[0, 1\]"),
        (np.full((8, 784), 255, "uint8"), r"scale uint8 images by 1/255"),
        (np.full((8, 784), np.nan, "float32"), "Expected `x` to hold finite numbers"),
        (np.zeros((8, 28, 28), "float32"), r"Expected `x` of shape \(n, 784\)"),
        (np.full((8, 784), "a"), "Expected `x` to be an array of numbers"),
    ],
)
def test_fit_and_evaluate_reject_bad_images_before_training(images, message):
    vae = VAE(small_encoder(), small_decoder())
    vae.compile(optimizer="adam")
    before = [w.copy() for w in vae.get_weights()]
    with pytest.raises(ValueError, match=message):
        vae.fit(images, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=message):
        vae.evaluate(images, verbose=0)
    for weight, old in zip(vae.get_weights(), before):
        np.testing.assert_array_equal(weight, old)


def test_fit_checks_tensors_targets_and_validation_data():
    vae = VAE(small_encoder(), small_decoder())
    vae.compile(optimizer="adam")
    good, bad = tiny_images(8), np.full((8, 784), 255.0, "float32")
    with pytest.raises(ValueError, match=r"`x` with values in \[0, 1\]"):
        vae.fit(keras.ops.convert_to_tensor(bad), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"`y` with values in \[0, 1\]"):
        vae.fit(good, bad, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"`validation_data` with values in \[0, 1\]"):
        vae.fit(good, epochs=1, verbose=0, validation_data=(bad,))
    with pytest.raises(ValueError, match=r"`validation_data` with values in \[0, 1\]"):
        vae.fit(good, epochs=1, verbose=0, validation_data=bad)
    # Good data still trains, with a validation set and with tensors.
    logs = vae.fit(
        keras.ops.convert_to_tensor(good), epochs=1, verbose=0, validation_data=(good,)
    ).history
    assert np.isfinite(logs["val_loss"][0])


@pytest.mark.parametrize("shape", [(2, 5), (784,), (2, 28, 28)])
def test_calling_the_vae_checks_the_image_shape(shape):
    vae = VAE(small_encoder(), small_decoder())
    with pytest.raises(ValueError, match=r"Expected `inputs` of shape \(n, 784\)"):
        vae(np.zeros(shape, "float32"))
