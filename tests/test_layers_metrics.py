import io
import zipfile

import h5py
import keras
import numpy as np
import pytest

from utils import layers, metrics


def tied_model():
    inputs = keras.Input((6,))
    encoder = keras.layers.Dense(2, activation="sigmoid")
    outputs = layers.DenseTranspose(encoder, activation="sigmoid")(encoder(inputs))
    return keras.Model(inputs, outputs), encoder


def test_dense_transpose_reuses_the_kernel_and_trains_it():
    model, encoder = tied_model()
    assert model.count_params() == 6 * 2 + 2 + 6
    x = np.random.default_rng(0).uniform(0, 1, (32, 6)).astype("float32")
    kernel, bias = encoder.get_weights()
    decoder_bias = model.layers[-1].get_weights()[0]
    expected = 1 / (
        1
        + np.exp(-((1 / (1 + np.exp(-(x @ kernel + bias)))) @ kernel.T + decoder_bias))
    )
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-5)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, x, epochs=1, verbose=0)
    assert not np.allclose(encoder.get_weights()[0], kernel)


def test_dense_transpose_errors():
    # A wrong type is now a TypeError (was ValueError), as everywhere in utils.
    with pytest.raises(TypeError, match="Expected `tied_to` as a keras.layers.Dense"):
        layers.DenseTranspose(keras.layers.Conv2D(2, 3))
    with pytest.raises(ValueError, match="Expected `tied_to` to be built"):
        layers.DenseTranspose(keras.layers.Dense(3))(keras.Input((3,)))
    encoder = keras.layers.Dense(3)
    encoder(keras.Input((5,)))
    with pytest.raises(ValueError, match="Expected inputs with 3 features"):
        layers.DenseTranspose(encoder)(keras.Input((4,)))
    built = layers.DenseTranspose(encoder)
    built(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="Expected inputs with 3 features"):
        built(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="Expected `inputs` as a tensor of numbers"):
        built(np.full((2, 3), "a"))


@pytest.mark.parametrize(
    "activation, error, message",
    [
        ("sigmod", ValueError, "Expected `activation` as the name of a Keras"),
        ("", ValueError, "Expected `activation` as the name of a Keras"),
        (5, TypeError, "Expected `activation` as an activation name"),
        ([], TypeError, "Expected `activation` as an activation name"),
    ],
)
def test_dense_transpose_rejects_a_bad_activation(activation, error, message):
    encoder = keras.layers.Dense(2)
    with pytest.raises(error, match=message):
        layers.DenseTranspose(encoder, activation=activation)


def layer_weight_arrays(path):
    """The shapes of the layers' arrays in the weights file of a .keras archive."""
    shapes = []
    with zipfile.ZipFile(path) as archive:
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as weights:
            weights["layers"].visititems(
                lambda name, item: shapes.append(item.shape)
                if isinstance(item, h5py.Dataset)
                else None
            )
    return sorted(shapes)


def test_a_tied_model_saved_over_an_old_file_reloads_tied(tmp_path):
    keras.utils.set_random_seed(0)
    path = tmp_path / "tied.keras"
    old, _ = tied_model()
    old.save(path)
    model, encoder = tied_model()
    x = np.random.default_rng(1).uniform(0, 1, (16, 6)).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, x, epochs=1, verbose=0)
    model.save(path)  # over the existing good file
    # The shared kernel is stored once: kernel, encoder bias, decoder bias.
    assert layer_weight_arrays(path) == [(2,), (6,), (6, 2)]
    reloaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(
        reloaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )
    reloaded_encoder, decoder = reloaded.layers[1], reloaded.layers[2]
    assert isinstance(decoder, layers.DenseTranspose)
    assert decoder.tied_to is reloaded_encoder  # one Dense layer, not a copy
    assert reloaded.count_params() == model.count_params() == 6 * 2 + 2 + 6
    # Training the reloaded model moves the encoder kernel and the decoder with it.
    before = reloaded_encoder.get_weights()[0].copy()
    reloaded.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    reloaded.fit(x, x, epochs=1, verbose=0)
    kernel, bias = reloaded_encoder.get_weights()
    assert not np.allclose(kernel, before)
    codes = 1 / (1 + np.exp(-(x @ kernel + bias)))
    expected = 1 / (1 + np.exp(-(codes @ kernel.T + decoder.get_weights()[0])))
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), expected, atol=1e-5)


def test_a_tied_config_without_its_dense_layer_is_refused():
    model, _ = tied_model()
    config = model.layers[-1].get_config()  # outside a save: no shared id
    with pytest.raises(ValueError, match="together with the Dense layer it is tied to"):
        layers.DenseTranspose.from_config(config)
    with pytest.raises(ValueError, match="keras.models.clone_model"):
        keras.models.clone_model(model)


def test_metrics():
    patterns = np.array([[1, 0], [0, 1]], "float32")
    assert metrics.bit_errors(patterns, np.array([[0.9, 0.6], [0.1, 0.8]])) == 1
    assert metrics.squared_error_per_example(patterns, patterns * 0).tolist() == [
        1.0,
        1.0,
    ]
    assert metrics.psnr(patterns, patterns + 0.1) == pytest.approx(20.0, abs=1e-3)
    basis = np.eye(4)[:, :2]
    assert (
        metrics.principal_angles(
            basis, basis @ np.array([[2.0, 1.0], [0.0, 3.0]])
        ).max()
        < 1e-3
    )
    assert metrics.principal_angles(basis, np.eye(4)[:, 2:]).min() == pytest.approx(
        90.0
    )
    x = np.random.default_rng(0).standard_normal((50, 5)).astype("float32")
    np.testing.assert_allclose(metrics.pca_reconstruct(x, x, 5), x, atol=1e-4)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: metrics.bit_errors(np.zeros((2, 3)), np.zeros((2, 4))),
            "of the same shape",
        ),
        (
            lambda: metrics.bit_errors(np.full((2, 3), 0.5), np.zeros((2, 3))),
            "only 0 and 1",
        ),
        (
            lambda: metrics.psnr(np.zeros(3), np.zeros(3)),
            r"Expected `x` as a batch of shape \(n, ...\)",
        ),
        (lambda: metrics.principal_angles(np.eye(3), np.eye(4)), "same d"),
        (
            lambda: metrics.pca_reconstruct(np.zeros((5, 3)), np.zeros((2, 3)), 4),
            "num_components",
        ),
    ],
)
def test_metric_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_principal_angles_are_degrees_smallest_first():
    # The x-y plane against the plane spanned by x and (0, 1, 1): angles 0 and 45.
    plane = np.eye(3)[:, :2]
    tilted = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    angles = metrics.principal_angles(plane, tilted)
    np.testing.assert_allclose(angles, [0.0, 45.0], atol=1e-6)
    assert metrics.principal_angles(plane, np.eye(3)[:, :1]).shape == (1,)


def test_pca_reconstruct_matches_a_projection_on_the_top_axes():
    rng = np.random.default_rng(1)
    train = rng.standard_normal((60, 6)) * [5.0, 3.0, 1.0, 0.5, 0.2, 0.1] + 2.0
    test = rng.standard_normal((7, 6))
    _, _, vt = np.linalg.svd(train - train.mean(axis=0), full_matrices=False)
    top = vt[:2].T
    expected = (test - train.mean(axis=0)) @ top @ top.T + train.mean(axis=0)
    result = metrics.pca_reconstruct(train, test, 2)
    assert result.shape == (7, 6) and result.dtype == np.float32
    np.testing.assert_allclose(result, expected, atol=1e-4)
    images = rng.uniform(size=(20, 4, 4))
    assert metrics.pca_reconstruct(images, images[:3], 3).shape == (3, 4, 4)


GOOD = np.eye(2, dtype="float32")
squared_error = metrics.squared_error_per_example


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: squared_error(np.zeros((0, 3)), np.zeros((0, 3))), "n >= 1"),
        (lambda: squared_error(GOOD, [[0, 1], [1]]), "array of numbers"),
        (lambda: squared_error(GOOD, np.full((2, 2), np.inf)), "finite"),
        (lambda: squared_error(GOOD, GOOD.astype(str)), "array of numbers"),
        (lambda: metrics.bit_errors(GOOD, GOOD, threshold=1.5), "`threshold`"),
        (lambda: metrics.bit_errors(GOOD, GOOD, threshold="0.5"), "`threshold`"),
        (lambda: metrics.psnr(GOOD, GOOD, max_value=0), "`max_value`"),
        (lambda: metrics.psnr(GOOD, GOOD, max_value=np.nan), "`max_value`"),
        (lambda: metrics.psnr(GOOD * 255, GOOD), "values in [0, max_value=1]"),
        (lambda: metrics.principal_angles(np.eye(3)[0], np.eye(3)), "`basis_a` of"),
        (lambda: metrics.principal_angles(np.ones((3, 2)), np.eye(3)), "independent"),
        (lambda: metrics.principal_angles(np.eye(3), np.eye(3) * np.nan), "finite"),
        (lambda: metrics.pca_reconstruct(GOOD[:1], GOOD[:1], 1), "n_train >= 2"),
        (lambda: metrics.pca_reconstruct(GOOD, np.eye(3), 1), "as many features"),
        (lambda: metrics.pca_reconstruct(GOOD, GOOD, 0), "`num_components`"),
        (lambda: metrics.pca_reconstruct(GOOD, GOOD, 2.5), "`num_components`"),
        (lambda: metrics.pca_reconstruct(GOOD, GOOD, True), "`num_components`"),
        (lambda: metrics.pca_reconstruct(GOOD, GOOD, "1"), "`num_components`"),
    ],
)
def test_metric_bad_kinds(call, message):
    with pytest.raises(ValueError, match="Expected") as error:
        call()
    assert message in str(error.value) and "Received" in str(error.value)
