"""Checks for notebook 08: pretraining with autoencoders, learning from few labels."""

import keras
import numpy as np

from utils import data
from utils.checks import (
    Question,
    expect,
    expect_callable,
    expect_choice,
    expect_model,
    to_numpy,
    trainable_count,
)


def _labels():
    """Fixed labels with 30 to 39 examples of each digit, in a shuffled order."""
    rng = np.random.default_rng(11)
    labels = np.concatenate([np.full(30 + digit, digit) for digit in range(10)])
    return rng.permutation(labels).astype("int64")


def _check_balanced_indices(balanced_indices):
    expect_callable(balanced_indices, "the function balanced_indices")
    labels = _labels()
    index = np.asarray(balanced_indices(labels, 5, 0))
    expect(
        index.ndim == 1 and np.issubdtype(index.dtype, np.integer),
        "expected a 1-D array of integer positions into `labels`, got shape "
        f"{index.shape} and dtype {index.dtype}",
    )
    expect(
        len(index) == 50,
        f"expected 5 per class x 10 classes = 50 positions, got {len(index)}",
    )
    expect(
        index.min() >= 0 and index.max() < len(labels),
        "some positions fall outside `labels`: return positions (indices), not labels",
    )
    expect(
        len(np.unique(index)) > 10,
        "you returned the labels of the chosen examples: return positions (indices), "
        "not labels",
    )
    expect(
        len(np.unique(index)) == len(index),
        "some positions appear twice: draw without replacement (replace=False)",
    )
    counts = np.bincount(labels[index], minlength=10)
    expect(
        np.all(counts == 5),
        f"expected 5 examples of every digit, got counts {counts.tolist()}: draw "
        "per_class positions from each digit's own positions",
    )
    again = np.asarray(balanced_indices(labels, 5, 0))
    expect(
        np.array_equal(np.sort(again), np.sort(index)),
        "the same seed gave another subset: draw from np.random.default_rng(seed)",
    )
    other = np.asarray(balanced_indices(labels, 5, 1))
    expect(
        not np.array_equal(np.sort(other), np.sort(index)),
        "seed=0 and seed=1 gave the same subset: the choice must be random (and "
        "seeded), not the first per_class examples of each digit",
    )
    first = np.concatenate([np.flatnonzero(labels == d)[:5] for d in range(10)])
    expect(
        not np.array_equal(np.sort(index), np.sort(first)),
        "you took the first per_class examples of each digit: draw them at random",
    )
    _, reference_labels = data.few_labels(np.zeros((len(labels), 1)), labels, 7, seed=3)
    mine = labels[np.asarray(balanced_indices(labels, 7, 3))]
    expect(
        np.array_equal(np.bincount(mine, minlength=10), np.bincount(reference_labels)),
        "with per_class=7 the counts differ from data.few_labels: use per_class",
    )
    return "per_class distinct, seeded positions of every digit, as data.few_labels."


def _check_layer_autoencoder(build):
    expect_callable(build, "the function build_layer_autoencoder")
    model = expect_model(
        build(500, 250, "hidden_2"),
        "build_layer_autoencoder(500, 250, 'hidden_2') to return a Keras model",
    )
    expect(
        tuple(model.input_shape) == (None, 500)
        and tuple(model.output_shape) == (None, 500),
        "expected (None, 500) in and out for input_dim=500: the layer reconstructs "
        f"its own input, got {model.input_shape} -> {model.output_shape}",
    )
    names = [layer.name for layer in model.layers]
    expect(
        "hidden_2" in names,
        f"expected a layer named 'hidden_2' (the `name` argument), found {names}",
    )
    encoder = model.get_layer("hidden_2")
    expect(
        isinstance(encoder, keras.layers.Dense) and encoder.units == 250,
        "expected the encoder to be a Dense layer of hidden_units=250 units, found "
        f"{type(encoder).__name__} with {getattr(encoder, 'units', '?')} units",
    )
    expect(
        encoder.activation is keras.activations.sigmoid,
        "expected a sigmoid on the encoder: its codes in [0, 1] are the next "
        "layer's inputs, and masking noise and cross-entropy need them there",
    )
    dense_layers = [
        layer for layer in model.layers if isinstance(layer, keras.layers.Dense)
    ]
    expect(
        len(dense_layers) == 2,
        "expected exactly two Dense layers (encoder, decoder), found "
        f"{len(dense_layers)}",
    )
    expect(
        dense_layers[-1].activation is keras.activations.sigmoid,
        "expected a sigmoid on the decoder: the inputs it rebuilds lie in [0, 1]",
    )
    count = trainable_count(model)
    expected = 500 * 250 + 250 + 250 * 500 + 500
    expect(
        count == expected,
        f"expected 500*250 + 250 + 250*500 + 500 = {expected:,} parameters, "
        f"found {count:,}",
    )
    first = build(784, 500, "hidden_1")
    expect(
        tuple(first.input_shape) == (None, 784)
        and first.get_layer("hidden_1").units == 500,
        "build_layer_autoencoder(784, 500, 'hidden_1') should take 784 inputs and "
        "have 500 units: use input_dim and hidden_units",
    )
    return (
        "input_dim -> hidden_units (sigmoid) -> input_dim (sigmoid), "
        f"{expected:,} parameters."
    )


def _pretrained_layers():
    keras.utils.set_random_seed(4)
    layers = []
    width = 784
    for number, units in enumerate((12, 8), start=1):
        layer = keras.layers.Dense(units, activation="sigmoid", name=f"hidden_{number}")
        layer.build((None, width))
        layer.set_weights(
            [w + 0.5 for w in layer.get_weights()]  # clearly not a fresh initialisation
        )
        layers.append(layer)
        width = units
    return layers


def _check_stack_encoders(stack_encoders):
    expect_callable(stack_encoders, "the function stack_encoders")
    layers = _pretrained_layers()
    saved = [[w.copy() for w in layer.get_weights()] for layer in layers]
    model = expect_model(
        stack_encoders(layers, 0.5), "stack_encoders(...) to return a Keras model"
    )
    expect(
        tuple(model.input_shape) == (None, 784)
        and tuple(model.output_shape) == (None, 10),
        f"expected (None, 784) -> (None, 10), got {model.input_shape} -> "
        f"{model.output_shape}",
    )
    expected = 784 * 12 + 12 + 12 * 8 + 8 + 8 * 10 + 10
    count = model.count_params()
    expect(
        count == expected,
        f"expected {expected:,} parameters for 784-12-8-10, found {count:,}: the "
        "classifier has the pretrained layers' sizes and one softmax layer",
    )
    for number, layer_saved in enumerate(saved, start=1):
        names = [layer.name for layer in model.layers]
        expect(
            f"hidden_{number}" in names,
            f"expected layers named hidden_1, hidden_2 (build_classifier names them), "
            f"found {names}",
        )
        got = model.get_layer(f"hidden_{number}").get_weights()
        expect(
            all(np.allclose(a, b) for a, b in zip(got, layer_saved)),
            f"hidden_{number} does not hold the pretrained weights: copy them with "
            "set_weights(pretrained.get_weights())",
        )
    for variable in model.get_layer("hidden_1").weights:
        expect(
            all(variable is not other for other in layers[0].weights),
            "the classifier shares its variables with the pretrained layer: "
            "fine-tuning it would change the pretrained weights that the next run "
            "starts from. Copy the weights into new layers",
        )
    probe = np.random.default_rng(0).uniform(size=(3, 784)).astype("float32")
    output = to_numpy(model(probe, training=False))
    expect(
        np.allclose(output.sum(axis=1), 1.0, atol=1e-4) and output.min() >= 0,
        "the outputs are not probabilities: end with build_classifier's softmax",
    )
    model.get_layer("hidden_1").set_weights(
        [np.zeros_like(w) for w in model.get_layer("hidden_1").get_weights()]
    )
    expect(
        all(
            np.allclose(a, b) for a, b in zip(layers[0].get_weights(), saved[0])
        ),
        "changing the classifier changed the pretrained layer: copy the weights",
    )
    return "a 784-12-8-10 classifier starting from copies of the pretrained weights."


def _small_classifier():
    inputs = keras.Input((784,))
    x = keras.layers.Dense(12, activation="sigmoid", name="hidden_1")(inputs)
    x = keras.layers.Dropout(0.5)(x)
    x = keras.layers.Dense(8, activation="sigmoid", name="hidden_2")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="softmax")(x)
    return keras.Model(inputs, outputs)


def _check_set_trainable(set_encoder_trainable):
    expect_callable(set_encoder_trainable, "the function set_encoder_trainable")
    model = _small_classifier()
    softmax_count = 8 * 10 + 10
    total = model.count_params()
    set_encoder_trainable(model, False)
    frozen = trainable_count(model)
    expect(
        frozen != 0,
        "nothing is trainable any more: freeze only the hidden_* layers, the "
        "softmax layer must still learn",
    )
    expect(
        frozen != total,
        "with trainable=False every weight is still trainable: set "
        "layer.trainable = False on the hidden_* layers",
    )
    expect(
        frozen == softmax_count,
        f"expected only the softmax layer's {softmax_count} parameters to be "
        f"trainable, found {frozen}: freeze every layer whose name starts with "
        "'hidden'",
    )
    set_encoder_trainable(model, True)
    expect(
        trainable_count(model) == total,
        f"after set_encoder_trainable(model, True) expected all {total} parameters "
        f"trainable, found {trainable_count(model)}: use the `trainable` argument",
    )
    return (
        f"frozen: {softmax_count} trainable parameters (the softmax); "
        f"unfrozen: {total}."
    )


def _check_test_error(test_error):
    expect_callable(test_error, "the function test_error")
    inputs = keras.Input((3,))
    outputs = keras.layers.Softmax()(inputs)
    model = keras.Model(inputs, outputs)
    # The model's class is the position of the largest input: 0, 1, 2, 2, 0, 1, 2, 0.
    images = np.array(
        [[3, 1, 0], [0, 2, 1], [0, 0, 5], [1, 2, 4], [9, 1, 1], [0, 5, 1],
         [1, 1, 7], [2, 0, 1]],
        dtype="float32",
    )
    labels = np.array([0, 1, 2, 0, 0, 2, 2, 1])  # 3 of 8 wrong
    got = test_error(model, images, labels)
    expect(np.ndim(got) == 0, f"expected one number, got shape {np.shape(got)}")
    got = float(got)
    expect(
        not np.isclose(got, 0.375),
        "you returned a fraction (0.375): give the error in percent (37.5)",
    )
    expect(
        not np.isclose(got, 62.5) and not np.isclose(got, 0.625),
        "you returned the accuracy: the error is the share of wrong predictions",
    )
    expect(
        np.isclose(got, 37.5),
        f"expected 37.5 % (3 of 8 predicted classes differ from the labels), got "
        f"{got:.2f}: take the argmax over classes (axis=1) of model.predict",
    )
    return "the percentage of examples whose most probable class is not the label."


def _check_why_few_labels(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "pretraining does not see the labels, so it cannot add labelled examples; "
        "and it costs time, it does not save it",
    )
    expect(
        letter != "c",
        "the test set is never used for training, in pretraining or fine-tuning",
    )
    return (
        "the unlabelled images shape the weights; with few labels that start matters "
        "most, with many labels the data alone can find good weights."
    )


def _check_why_same_subsets(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "b",
        "both methods see 100 labels either way: the point is which 100, not how many",
    )
    expect(
        letter != "c",
        "a seed does not make a subset better; it makes it repeatable and shared",
    )
    return (
        "with 100 labels, which 100 matters by several points: only the same subsets "
        "make the difference between methods a difference of methods."
    )


q1 = Question(
    "08",
    "q1",
    _check_balanced_indices,
    "rng = np.random.default_rng(seed); for each digit, positions = "
    "np.flatnonzero(labels == digit) and rng.choice(positions, per_class, "
    "replace=False); return np.concatenate of the ten draws.",
)
q2 = Question(
    "08",
    "q2",
    _check_layer_autoencoder,
    "keras.Input((input_dim,)), keras.layers.Dense(hidden_units, activation="
    "'sigmoid', name=name), then keras.layers.Dense(input_dim, activation='sigmoid').",
)
q3 = Question(
    "08",
    "q3",
    _check_stack_encoders,
    "model = build_classifier([layer.units for layer in pretrained_layers], dropout); "
    "then for each number, layer: model.get_layer(f'hidden_{number}')"
    ".set_weights(layer.get_weights()).",
)
q4 = Question(
    "08",
    "q4",
    _check_test_error,
    "predicted = np.argmax(model.predict(images, verbose=0), axis=1); "
    "return 100 * np.mean(predicted != labels).",
)
q5 = Question(
    "08",
    "q5",
    _check_set_trainable,
    "for layer in model.layers: if layer.name.startswith('hidden'): "
    "layer.trainable = trainable.",
)
q6 = Question(
    "08",
    "q6",
    _check_why_few_labels,
    "what does pretraining use that the 100 labelled images do not have, and when "
    "does the network need help the most?",
)
q7 = Question(
    "08",
    "q7",
    _check_why_same_subsets,
    "draw two different 100-label subsets and train the same method on each: how far "
    "apart can the test errors be?",
)


def summary():
    """Print a table of notebook 08's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("08")
