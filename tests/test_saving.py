"""utils.saving.save_model: a failed save leaves the old file as it was."""

import os

import keras
import numpy as np
import pytest

from utils import layers
from utils.saving import save_model


def small_model(units=3):
    inputs = keras.Input((4,))
    return keras.Model(inputs, keras.layers.Dense(units)(inputs))


class NoConfig(keras.layers.Layer):
    """A user layer whose get_config raises, as a layer with required arguments does."""

    def call(self, inputs):
        return inputs

    def get_config(self):
        raise NotImplementedError("NoConfig has no config")


def test_save_model_writes_a_file_that_loads(tmp_path):
    model = small_model()
    path = save_model(model, tmp_path / "model.keras")
    assert path == str(tmp_path / "model.keras")
    x = np.ones((2, 4), "float32")
    reloaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(
        reloaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )
    assert os.listdir(tmp_path) == ["model.keras"]


def test_save_model_replaces_an_old_file_once_the_new_one_is_complete(tmp_path):
    path = tmp_path / "model.keras"
    save_model(small_model(3), path)
    save_model(small_model(5), str(path))
    assert keras.saving.load_model(path).output.shape[-1] == 5
    assert os.listdir(tmp_path) == ["model.keras"]


def test_a_failed_save_leaves_the_old_file_intact(tmp_path):
    path = tmp_path / "model.keras"
    save_model(small_model(), path)
    old_bytes = path.read_bytes()
    inputs = keras.Input((4,))
    broken = keras.Model(inputs, NoConfig()(inputs))
    with pytest.raises(NotImplementedError, match="NoConfig has no config"):
        save_model(broken, path)
    assert path.read_bytes() == old_bytes
    assert os.listdir(tmp_path) == ["model.keras"]  # no temporary file left


def test_save_model_keeps_a_tie(tmp_path):
    inputs = keras.Input((6,))
    encoder = keras.layers.Dense(2, activation="sigmoid")
    model = keras.Model(inputs, layers.DenseTranspose(encoder)(encoder(inputs)))
    path = save_model(model, tmp_path / "tied.keras")
    reloaded = keras.saving.load_model(path)
    assert reloaded.layers[2].tied_to is reloaded.layers[1]


@pytest.mark.parametrize(
    "name, error, message",
    [
        ("model.h5", ValueError, "Expected `path` as a file name ending in .keras"),
        ("model", ValueError, "Expected `path` as a file name ending in .keras"),
        ("missing/model.keras", ValueError, "in a folder that exists"),
        ("folder.keras", ValueError, "Expected `path` as a file name ending in .keras"),
        (3, TypeError, "Expected `path` as a str or os.PathLike"),
        (None, TypeError, "Expected `path` as a str or os.PathLike"),
        (b"model.keras", TypeError, "Expected `path` as a str or os.PathLike"),
    ],
)
def test_save_model_rejects_a_bad_path(tmp_path, name, error, message):
    (tmp_path / "folder.keras").mkdir()
    path = str(tmp_path / name) if isinstance(name, str) else name
    with pytest.raises(error, match=message):
        save_model(small_model(), path)
    assert sorted(os.listdir(tmp_path)) == ["folder.keras"]


def test_save_model_rejects_what_is_not_a_model(tmp_path):
    with pytest.raises(TypeError, match="Expected `model` as a keras.Model"):
        save_model(keras.layers.Dense(2), tmp_path / "layer.keras")


def test_save_model_refuses_a_tie_across_two_models_before_writing(tmp_path):
    # Keras would save it, then fail to load it (each model's config is a copy).
    path = tmp_path / "autoencoder.keras"
    save_model(small_model(), path)
    old_bytes = path.read_bytes()
    inputs = keras.Input((6,))
    dense = keras.layers.Dense(2, activation="sigmoid", name="shared")
    encoder = keras.Model(inputs, dense(inputs), name="encoder")
    codes = keras.Input((2,))
    decoder = keras.Model(codes, layers.DenseTranspose(dense)(codes), name="decoder")
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)))
    with pytest.raises(ValueError, match="tied to 'shared' of another model"):
        save_model(autoencoder, path)
    assert path.read_bytes() == old_bytes
    assert os.listdir(tmp_path) == ["autoencoder.keras"]
