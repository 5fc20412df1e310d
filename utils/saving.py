"""Save a Keras model without ever leaving a broken file where a good one was.

``model.save(path)`` opens ``path`` for writing before it serialises the model, so a
model that cannot be serialised (a custom layer without ``get_config``, say) leaves an
empty file in place of the one that was there. ``save_model`` writes a temporary file
in the same folder and moves it over ``path`` (``os.replace``, atomic on one file
system) only once it is complete. It also refuses, before writing anything, a
``layers.DenseTranspose`` tied to a ``Dense`` layer of another model (an encoder model
and a decoder model): Keras saves such a model but cannot load it back tied.
"""

import os
import uuid

import keras

from utils.layers import DenseTranspose
from utils.validation import check_type


def _check_ties(model):
    """Raise unless every DenseTranspose sits in the same model as its Dense layer."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            _check_ties(layer)
        elif isinstance(layer, DenseTranspose) and not any(
            other is layer.tied_to for other in model.layers
        ):
            raise ValueError(
                "Expected each DenseTranspose in the same model as the Dense layer it "
                "is tied to, so that the tie can be loaded back. Received: "
                f"{layer.name!r} in {model.name!r}, tied to {layer.tied_to.name!r} of "
                "another model (save with model.save_weights instead, rebuild in code)"
            )


def save_model(model, path):
    """Save ``model`` to the ``.keras`` file ``path``, replacing it only on success.

    Args:
        model: a ``keras.Model``.
        path: str or ``os.PathLike``, a file name ending in ``.keras``, in a folder that
            exists. An existing file there is replaced once the new one is complete.

    Returns:
        the path saved to, a str.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model`` or ``path`` not a str or
            ``os.PathLike``.
        ValueError: for a path without the ``.keras`` suffix, in a missing folder, or
            naming a folder; for a ``DenseTranspose`` tied to a ``Dense`` layer of
            another model (one model holding both saves and loads tied).
        Any error of ``model.save`` (e.g. ``NotImplementedError`` from a layer without
            ``get_config``): then ``path`` is left as it was and no temporary file
            remains.
    """
    check_type(model, "model", keras.Model, "a keras.Model")
    check_type(path, "path", (str, os.PathLike), "a str or os.PathLike")
    path = os.fspath(path)
    check_type(path, "path", str, "a str or os.PathLike naming a str path")
    folder = os.path.dirname(os.path.abspath(path))
    if not path.endswith(".keras") or os.path.isdir(path) or not os.path.isdir(folder):
        raise ValueError(
            "Expected `path` as a file name ending in .keras, in a folder that exists. "
            f"Received: path={path!r}"
        )
    _check_ties(model)
    temporary = os.path.join(
        folder, f".{os.path.basename(path)}.{uuid.uuid4().hex[:12]}.tmp.keras"
    )
    try:
        model.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path
