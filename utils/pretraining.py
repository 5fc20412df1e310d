"""Greedy layer-wise pretraining and two-phase fine-tuning: the references for notebook 08.

Greedy layer-wise pretraining (Hinton & Salakhutdinov, 2006, with RBMs; Bengio et al.,
2007, and Vincent et al., 2008, with autoencoders and denoising autoencoders): train a
one-hidden-layer autoencoder on the current codes, keep its encoder, encode the codes with
it, and repeat with the next layer on the new codes. No label is used.

Two-phase fine-tuning: first train only the new classifier head on frozen pretrained
encoders, then unfreeze them and train every weight with the labels.

Images are float32 arrays (n, features) with values in [0, 1]; classifiers are Keras
models whose pretrained layers are named ``hidden_1``, ``hidden_2``, ...
"""

import math

import keras
import numpy as np

from utils import noise
from utils.validation import (
    as_float_array,
    check_fraction,
    check_int,
    check_number,
    check_positive_int,
)


def build_layer_autoencoder(input_dim, hidden_units, name):
    """Return one layer's autoencoder: input_dim -> hidden_units -> input_dim, sigmoids.

    Args:
        input_dim: int >= 1, the width of the codes (or pixels) it reconstructs.
        hidden_units: int >= 1, the width of its code.
        name: str, the name of the encoder ``Dense`` layer (``"hidden_1"``, ...).

    Returns:
        keras.Model (None, input_dim) -> (None, input_dim), values in (0, 1).

    Raises:
        ValueError: ``input_dim`` or ``hidden_units`` not a positive int.
    """
    check_positive_int(input_dim, "input_dim")
    check_positive_int(hidden_units, "hidden_units")
    inputs = keras.Input(shape=(input_dim,))
    codes = keras.layers.Dense(hidden_units, activation="sigmoid", name=name)(inputs)
    outputs = keras.layers.Dense(input_dim, activation="sigmoid", name="reconstruction")(
        codes
    )
    return keras.Model(inputs, outputs, name=f"{name}_autoencoder")


def pretrain_greedily(
    images,
    layer_sizes,
    epochs,
    level=0.25,
    seed=0,
    batch_size=256,
    learning_rate=2e-3,
):
    """Pretrain a stack of denoising autoencoders greedily, one layer at a time.

    Layer k is a one-hidden-layer autoencoder trained to rebuild the codes of layer
    k - 1 (the images for k = 1) from a copy with masking noise (a share ``level`` of
    the inputs set to 0, drawn anew each epoch), with binary cross-entropy and Adam.
    Its encoder layer is kept and turns those codes into the codes of layer k
    (Bengio et al., 2007; Vincent et al., 2008).

    Args:
        images: float array in [0, 1], shape (n, features).
        layer_sizes: list of ints >= 1, the units of each layer, bottom first.
        epochs: int >= 0, epochs per layer.
        level: float in [0, 1], the masking noise level.
        seed: int >= 0.
        batch_size: int >= 1.
        learning_rate: float > 0, Adam's.

    Returns:
        (encoder_layers, codes): the trained ``Dense`` encoder layers named
        ``hidden_1``, ``hidden_2``, ... (layer k has a kernel of shape
        (layer_sizes[k - 2] or features, layer_sizes[k - 1])), and the top codes,
        float32 (n, layer_sizes[-1]).

    Raises:
        ValueError: ``images`` not in [0, 1] of shape (n, features); ``layer_sizes``
            not a non-empty list of positive ints; a bad ``epochs`` or ``level``.
    """
    codes = as_float_array(images, "images")
    if codes.ndim != 2 or 0 in codes.shape:
        raise ValueError(
            f"Expected `images` of shape (n, features). Received: shape={codes.shape}"
        )
    if not isinstance(layer_sizes, (list, tuple)) or not layer_sizes:
        raise ValueError(
            f"Expected `layer_sizes` as a non-empty list of ints. Received: {layer_sizes!r}"
        )
    for units in layer_sizes:
        check_positive_int(units, "layer_sizes[i]")
    check_int(epochs, "epochs", low=0)
    check_fraction(level, "level")
    encoder_layers = []
    for number, hidden_units in enumerate(layer_sizes, start=1):
        keras.utils.set_random_seed(seed + number)
        name = f"hidden_{number}"
        autoencoder = build_layer_autoencoder(codes.shape[1], hidden_units, name)
        autoencoder.compile(
            optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy"
        )
        for epoch in range(epochs):
            corrupted = noise.masking(codes, level, seed=100 * number + epoch)
            autoencoder.fit(corrupted, codes, batch_size=batch_size, verbose=0)
        layer = autoencoder.get_layer(name)
        codes = keras.ops.convert_to_numpy(layer(codes)).astype("float32")
        encoder_layers.append(layer)
    return encoder_layers, codes


def set_encoder_trainable(model, trainable):
    """Set ``trainable`` on every layer of ``model`` whose name starts with "hidden".

    Keras reads ``trainable`` when a model is compiled: compile again after a change.
    """
    _check_model(model, "model")
    for layer in model.layers:
        if layer.name.startswith("hidden"):
            layer.trainable = bool(trainable)


def _check_model(model, name):
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"Expected `{name}` to be a keras.Model. Received: {type(model).__name__}"
        )


def fit_steps(classifier, images, labels, steps, batch_size=32, learning_rate=1e-3):
    """Compile ``classifier`` (Adam, sparse cross-entropy) and train it for about
    ``steps`` steps on (images, labels); return the History."""
    _check_model(classifier, "classifier")
    check_positive_int(steps, "steps")
    images = as_float_array(images, "images")
    classifier.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
    )
    epochs = max(1, math.ceil(steps * batch_size / len(images)))
    return classifier.fit(
        images, labels, batch_size=batch_size, epochs=epochs, verbose=0
    )


def head_then_fine_tune(
    classifier,
    images,
    labels,
    head_steps,
    steps,
    after_head=None,
    train=fit_steps,
    fine_tune_rate=None,
):
    """Train the head on frozen encoders, then every weight (two-phase fine-tuning).

    Phase 1 freezes the ``hidden_*`` layers and trains the rest (the softmax head) for
    about ``head_steps`` steps; ``after_head(classifier)``, if given, is called then.
    Phase 2 unfreezes them, compiles again and trains every weight for about ``steps``
    steps, at Adam's learning rate ``fine_tune_rate`` when it is given (usually smaller
    than the head's, so that the few labels move the pretrained weights only a little).

    Args:
        classifier: keras.Model with layers ``hidden_1``, ... and a trainable head.
        images: float array (n, features); labels: int array (n,).
        head_steps, steps: ints >= 1, the steps of each phase.
        after_head: None or a function of the classifier, called between the phases.
        train: function (classifier, images, labels, steps) -> History that compiles
            and trains; ``fit_steps`` by default. With ``fine_tune_rate`` it is also
            given ``learning_rate=fine_tune_rate`` in phase 2.
        fine_tune_rate: None (phase 2 trains at ``train``'s own rate) or a float > 0.

    Returns:
        the History of phase 2.

    Raises:
        ValueError: ``fine_tune_rate`` neither None nor a number > 0.
    """
    if fine_tune_rate is not None:
        check_number(fine_tune_rate, "fine_tune_rate", low=0, low_open=True)
    set_encoder_trainable(classifier, False)
    train(classifier, images, labels, head_steps)
    if after_head is not None:
        after_head(classifier)
    set_encoder_trainable(classifier, True)
    if fine_tune_rate is None:
        return train(classifier, images, labels, steps)
    return train(classifier, images, labels, steps, learning_rate=fine_tune_rate)


def changed_weights(layer, reference_weights):
    """Return how many of ``layer``'s weights differ from ``reference_weights``."""
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(
            f"Expected `layer` to be a Keras layer. Received: {type(layer).__name__}"
        )
    return int(
        sum(
            np.sum(np.asarray(a) != np.asarray(b))
            for a, b in zip(layer.get_weights(), reference_weights)
        )
    )
