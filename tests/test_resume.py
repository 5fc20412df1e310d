"""``utils.resume.fit_resumable``: a fit cut off after epoch 2 resumes at epoch 3 and ends
with the weights of a plain ``fit`` never cut off (same seed, fixed data order).

Covered: a subclassed model built lazily with a dropout layer (its seed generator's state
must be restored, not only the weights), and ``utils.vae.VAE`` (built lazily, samples
with its own seed generator, trains with Adam, whose moments must be restored too).
Runs on whichever backend ``KERAS_BACKEND`` names; a few seconds each.
"""

import sys

import keras
import numpy as np
import pytest

from utils import resume, vae
from utils.config import REPO_NAME

EPOCHS = 4


class Cut(keras.callbacks.Callback):
    """Raise at the end of the second epoch, as a disconnect would stop the run."""

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt("disconnected")


class Epochs(keras.callbacks.Callback):
    """Record the (0-based) index of every epoch that begins."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_begin(self, epoch, logs=None):
        self.seen.append(epoch)


class Small(keras.Model):
    """A subclassed model: its layers are built by the first batch, not before."""

    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.dropout = keras.layers.Dropout(0.3, seed=1)
        self.out = keras.layers.Dense(6, activation="sigmoid")

    def call(self, x, training=False):
        return self.out(self.dropout(self.hidden(x), training=training))


def small_model():
    keras.utils.set_random_seed(0)
    model = Small()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", jit_compile=False)
    return model, (IMAGES, IMAGES)


def small_vae():
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(6,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    encoder = keras.Model(
        inputs, [keras.layers.Dense(2)(hidden), keras.layers.Dense(2)(hidden)]
    )
    codes = keras.Input(shape=(2,))
    decoder = keras.Model(codes, keras.layers.Dense(6, activation="sigmoid")(codes))
    model = vae.VAE(encoder, decoder, seed=3)
    model.compile(optimizer=keras.optimizers.Adam(0.01), jit_compile=False)
    return model, (IMAGES, None)


IMAGES = np.random.default_rng(0).uniform(size=(48, 6)).astype("float32")
FIT = {"epochs": EPOCHS, "batch_size": 16, "shuffle": False, "verbose": 0}


def weights_of(model):
    return [keras.ops.convert_to_numpy(w) for w in model.weights]


@pytest.fixture(autouse=True)
def backups_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_FAST", "0")
    monkeypatch.setattr(resume, "ROOT", tmp_path)


@pytest.mark.parametrize("make", [small_model, small_vae], ids=["subclassed", "vae"])
def test_a_cut_off_fit_resumes_at_epoch_3_with_the_same_final_weights(make, capsys):
    model, (x, y) = make()
    model.fit(x, y, **FIT)
    expected = weights_of(model)

    epochs = Epochs()
    model, (x, y) = make()
    with pytest.raises(KeyboardInterrupt):
        resume.fit_resumable(model, x, y, name="run", callbacks=[Cut(), epochs], **FIT)
    folder = resume.backup_folder("run")
    assert folder.is_dir() and epochs.seen == [0, 1]

    model, (x, y) = make()  # a new kernel: the same code builds the same fresh model
    history = resume.fit_resumable(model, x, y, name="run", callbacks=[epochs], **FIT)
    assert epochs.seen == [0, 1, 2, 3]  # the second run began at epoch 3 (index 2)
    assert len(history.history["loss"]) == EPOCHS - 2
    assert "Resuming from the backup in" in capsys.readouterr().out
    assert not folder.exists()  # deleted once fit has finished
    for got, want in zip(weights_of(model), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_backup_of_another_model_is_named_in_a_clear_error():
    model, (x, y) = small_model()
    with pytest.raises(KeyboardInterrupt):
        resume.fit_resumable(model, x, y, name="run", callbacks=[Cut()], **FIT)
    keras.utils.set_random_seed(0)
    other = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    other.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match=r"(?s)Expected the backup in .*run.*Delete that folder"):
        resume.fit_resumable(other, x, x[:, :3], name="run", **FIT)


def test_fast_mode_keeps_no_backup(monkeypatch):
    monkeypatch.setenv("WORKSHOP_FAST", "1")
    model, (x, y) = small_model()
    with pytest.raises(KeyboardInterrupt):
        resume.fit_resumable(model, x, y, name="run", callbacks=[Cut()], **FIT)
    assert not resume.backup_folder("run").exists()


def test_on_colab_with_drive_mounted_the_backup_is_on_drive(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", object())
    monkeypatch.setenv("WORKSHOP_DRIVE", str(tmp_path / "MyDrive"))
    local = resume.backup_folder("run")
    (tmp_path / "MyDrive").mkdir()
    on_drive = resume.backup_folder("run")
    assert local == tmp_path / ".cache" / "backups" / "run"
    assert on_drive == tmp_path / "MyDrive" / REPO_NAME / "backups" / "run"


@pytest.mark.parametrize("name", ["", "../up", "a b", None, 3])
def test_a_bad_name_is_refused(name):
    with pytest.raises(ValueError, match="Expected `name`"):
        resume.backup_folder(name)
