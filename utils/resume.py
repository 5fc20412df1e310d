"""Resume training after a disconnect: ``fit_resumable`` is ``fit`` with a backup.

    history = resume.fit_resumable(model, x_train, x_train, name="03_conv", epochs=20)

After every epoch the weights, the optimizer's state, the epoch count and the layers'
random state (the seed generators of dropout and sampling layers) are written to a
folder; a run cut off by a disconnect or an interrupt, started again with the same code,
resumes after the last finished epoch, and the folder is deleted when ``fit`` ends. The
folder is ``MyDrive/autoencoder-workshop/backups/<name>`` on Colab with Google Drive
mounted (it outlives the runtime), else ``.cache/backups/<name>`` in the repository,
which git ignores.

It builds on ``keras.callbacks.BackupAndRestore``, which needs a built model: a model
built lazily by its first batch (a subclassed model such as ``utils.vae.VAE``) is built
here first, symbolically, which draws no random numbers.

A resumed run ends with the same weights as one never cut off when the epochs see the
data in a fixed order (``shuffle=False``). With shuffling, the order of the epochs after
the restart differs from the one the uncut run would have drawn (the shuffle's state is
not kept): the run carries on from the same weights, not along the same path.

In fast mode (``WORKSHOP_FAST=1``: CI, the default workshop run) nothing is backed up:
those runs are short, and a backup left by a killed test run must not leak into the
next one.
"""

import json
import re
from pathlib import Path

import keras
import numpy as np

from utils import colab
from utils.config import display_path, fast_mode
from utils.validation import check_type

ROOT = Path(__file__).resolve().parents[1]
_FOLDER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_RANDOM_STATE = "random_state.npz"
_METADATA = "training_metadata.json"  # written by keras.callbacks.BackupAndRestore


def backup_folder(name):
    """Return the folder that backs up the training run called ``name``.

    Args:
        name: str, a folder name of letters, digits, ``-``, ``_`` and ``.``, unique per
            training cell, for example ``"03_conv"``.

    Returns:
        pathlib.Path, on the mounted Google Drive on Colab, else under ``.cache/backups``
        in the repository. It is not created here.

    Raises:
        ValueError: if ``name`` is not such a folder name.
    """
    if not isinstance(name, str) or not _FOLDER_NAME.match(name):
        raise ValueError(
            "Expected `name` as a folder name of letters, digits, '-', '_' and '.' "
            f"(for example '03_conv'). Received: {name!r}"
        )
    drive = colab.drive_folder()
    base = drive / "backups" if drive is not None else ROOT / ".cache" / "backups"
    return base / name


def fit_resumable(model, x=None, y=None, *, name, **fit_kwargs):
    """Call ``model.fit(x, y, **fit_kwargs)``, resuming from and keeping a backup.

    Args:
        model: a compiled ``keras.Model``; an unbuilt one is built from ``x``'s shape.
        x: the inputs, as for ``fit``: arrays (or a list or dict of arrays) of shape
            (n, ...), a ``tf.data.Dataset`` or a ``keras.utils.PyDataset`` (then the
            model must be built already).
        y: the targets, as for ``fit`` (None for a model that needs none, like VAE).
        name: str, the backup's folder name (see ``backup_folder``).
        **fit_kwargs: passed on to ``fit`` (``epochs``, ``batch_size``, ``callbacks``,
            ...).

    Returns:
        The ``keras.callbacks.History`` of this call: after a resume, only the epochs
        run in it.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.
        ValueError: for a bad ``name``, an unbuilt model with ``x`` not given as arrays,
            or a backup that does not fit this model (the message names the folder to
            delete).
    """
    check_type(model, "model", keras.Model, "a compiled keras.Model")
    folder = backup_folder(name)
    if fast_mode():
        return model.fit(x, y, **fit_kwargs)
    if not model.built:
        _build_symbolically(model, x)
    callbacks = list(fit_kwargs.pop("callbacks", None) or [])
    # First, so that the epoch is saved before another callback may stop the run.
    return model.fit(x, y, callbacks=[_Backup(folder), *callbacks], **fit_kwargs)


def _build_symbolically(model, x):
    """Build ``model`` from the shapes of ``x`` without computing anything."""

    def spec(array):
        if not hasattr(array, "shape") or not hasattr(array, "dtype"):
            raise ValueError(
                "Expected `x` as arrays (or a list or dict of arrays) to build the "
                "unbuilt `model`; or build it first, for example by calling it on a "
                f"batch. Received: x of type {type(array).__name__}"
            )
        dtype = keras.backend.standardize_dtype(array.dtype)
        return keras.KerasTensor((None, *tuple(array.shape)[1:]), dtype=dtype)

    model(keras.tree.map_structure(spec, x))


class _Backup(keras.callbacks.BackupAndRestore):
    """``BackupAndRestore`` that also keeps the layers' random state and says when it
    resumes."""

    def __init__(self, folder):
        super().__init__(backup_dir=str(folder))
        self.folder = Path(folder)

    def _random_variables(self):
        # Keras saves model.weights; the seed generators' states are the other variables.
        saved = {id(variable) for variable in self.model.weights}
        return [v for v in self.model.variables if id(v) not in saved]

    def on_train_begin(self, logs=None):
        metadata = self.folder / _METADATA
        if not metadata.is_file():
            return super().on_train_begin(logs)
        shown = display_path(self.folder)
        try:
            super().on_train_begin(logs)
            self._restore_random_state()
        except (ValueError, KeyError) as error:
            raise ValueError(
                f"Expected the backup in {shown} to come from this model. Received: "
                f"{error}. Delete that folder to start this training afresh."
            ) from None
        epoch = json.loads(metadata.read_text(encoding="utf-8")).get("epoch")
        print(f"Resuming from the backup in {shown}: {epoch} epochs were done.")

    def _restore_random_state(self):
        path = self.folder / _RANDOM_STATE
        if not path.is_file():
            return
        with np.load(path) as saved:
            variables = self._random_variables()
            if len(saved.files) != len(variables):
                raise ValueError(
                    f"{len(saved.files)} random states saved, {len(variables)} in the model"
                )
            for index, variable in enumerate(variables):
                variable.assign(saved[f"state_{index}"])

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        states = {
            f"state_{index}": keras.ops.convert_to_numpy(variable)
            for index, variable in enumerate(self._random_variables())
        }
        with open(self.folder / _RANDOM_STATE, "wb") as file:
            np.savez(file, **states)
