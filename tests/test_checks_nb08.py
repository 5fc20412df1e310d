"""The checks of notebook 08: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils.checks import nb08

# ---- Right answers ------------------------------------------------------------


def balanced_indices(labels, per_class, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate(
        [
            rng.choice(np.flatnonzero(labels == digit), per_class, replace=False)
            for digit in range(10)
        ]
    )


def balanced_indices_shuffled(labels, per_class, seed):
    return np.random.default_rng(seed + 1).permutation(
        balanced_indices(labels, per_class, seed)
    )


def layer_autoencoder(
    input_dim, hidden_units, name, hidden="sigmoid", output="sigmoid", extra=False
):
    inputs = keras.Input((input_dim,))
    codes = keras.layers.Dense(hidden_units, activation=hidden, name=name)(inputs)
    if extra:
        codes = keras.layers.Dense(hidden_units, activation="sigmoid")(codes)
    outputs = keras.layers.Dense(input_dim, activation=output)(codes)
    return keras.Model(inputs, outputs)


def build_classifier(hidden_sizes, dropout=0.5, input_dropout=0.2):
    inputs = keras.Input((784,))
    x = keras.layers.Dropout(input_dropout)(inputs)
    for number, units in enumerate(hidden_sizes, start=1):
        x = keras.layers.Dense(units, activation="sigmoid", name=f"hidden_{number}")(x)
        x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="softmax")(x)
    return keras.Model(inputs, outputs)


def stack_encoders(pretrained_layers, dropout=0.5):
    classifier = build_classifier([layer.units for layer in pretrained_layers], dropout)
    for number, layer in enumerate(pretrained_layers, start=1):
        classifier.get_layer(f"hidden_{number}").set_weights(layer.get_weights())
    return classifier


def set_encoder_trainable(model, trainable):
    for layer in model.layers:
        if layer.name.startswith("hidden"):
            layer.trainable = trainable


def error_percent(model, images, labels):
    predicted = np.argmax(model.predict(images, verbose=0), axis=1)
    return float(100.0 * np.mean(predicted != labels))


# ---- Plausible wrong answers --------------------------------------------------


def first_of_each_digit(labels, per_class, seed):
    return np.concatenate(
        [np.flatnonzero(labels == digit)[:per_class] for digit in range(10)]
    )


def unbalanced(labels, per_class, seed):
    rng = np.random.default_rng(seed)
    return rng.choice(len(labels), 10 * per_class, replace=False)


def with_replacement(labels, per_class, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate(
        [
            rng.choice(np.flatnonzero(labels == digit)[:3], per_class, replace=True)
            for digit in range(10)
        ]
    )


def unseeded(labels, per_class, seed):
    return balanced_indices(labels, per_class, int(np.random.randint(1000)))


def returns_labels(labels, per_class, seed):
    return labels[balanced_indices(labels, per_class, seed)]


def fixed_five(labels, per_class, seed):
    return balanced_indices(labels, 5, seed)


def stack_sharing_layers(pretrained_layers, dropout=0.5):
    inputs = keras.Input((784,))
    x = inputs
    for layer in pretrained_layers:
        x = layer(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="softmax")(x)
    return keras.Model(inputs, outputs)


def stack_random(pretrained_layers, dropout=0.5):
    return build_classifier([layer.units for layer in pretrained_layers], dropout)


def stack_first_only(pretrained_layers, dropout=0.5):
    classifier = build_classifier([layer.units for layer in pretrained_layers], dropout)
    classifier.get_layer("hidden_1").set_weights(pretrained_layers[0].get_weights())
    return classifier


def stack_without_softmax(pretrained_layers, dropout=0.5):
    classifier = stack_encoders(pretrained_layers, dropout)
    outputs = keras.layers.Dense(10, name="logits")(
        classifier.get_layer("hidden_2").output
    )
    return keras.Model(classifier.input, outputs)


def stack_wrong_sizes(pretrained_layers, dropout=0.5):
    return build_classifier([500, 250], dropout)


def freeze_everything(model, trainable):
    for layer in model.layers:
        layer.trainable = trainable


def freeze_model(model, trainable):
    model.trainable = trainable


def freeze_only_first(model, trainable):
    model.get_layer("hidden_1").trainable = trainable


def freeze_nothing(model, trainable):
    pass


def freeze_always(model, trainable):
    set_encoder_trainable(model, False)


def error_fraction(model, images, labels):
    return error_percent(model, images, labels) / 100


def accuracy(model, images, labels):
    return 100.0 - error_percent(model, images, labels)


def max_probability(model, images, labels):
    predicted = np.max(model.predict(images, verbose=0), axis=1)
    return float(100.0 * np.mean(predicted != labels))


def error_per_example(model, images, labels):
    predicted = np.argmax(model.predict(images, verbose=0), axis=1)
    return 100.0 * (predicted != labels)


WRONG_ANSWERS = [
    (nb08.q1, first_of_each_digit, "seed=0 and seed=1 gave the same subset"),
    (nb08.q1, unbalanced, "expected 5 examples of every digit"),
    (nb08.q1, with_replacement, "without replacement"),
    (nb08.q1, unseeded, "the same seed gave another subset"),
    (nb08.q1, returns_labels, "return positions (indices), not labels"),
    (nb08.q1, fixed_five, "use per_class"),
    (nb08.q1, lambda labels, per_class, seed: np.arange(3), "expected 5 per class"),
    (nb08.q1, np.arange(50), "expected the function balanced_indices"),
    (
        nb08.q2,
        lambda input_dim, hidden_units, name: layer_autoencoder(
            input_dim, hidden_units, "encoder"
        ),
        "expected a layer named 'hidden_2'",
    ),
    (
        nb08.q2,
        lambda input_dim, hidden_units, name: layer_autoencoder(
            input_dim, hidden_units, name, hidden="relu"
        ),
        "expected a sigmoid on the encoder",
    ),
    (
        nb08.q2,
        lambda input_dim, hidden_units, name: layer_autoencoder(
            input_dim, hidden_units, name, output=None
        ),
        "expected a sigmoid on the decoder",
    ),
    (
        nb08.q2,
        lambda input_dim, hidden_units, name: layer_autoencoder(
            784, hidden_units, name
        ),
        "expected (None, 500) in and out",
    ),
    (
        nb08.q2,
        lambda input_dim, hidden_units, name: layer_autoencoder(input_dim, 250, name),
        "use input_dim and hidden_units",
    ),
    (
        nb08.q2,
        lambda input_dim, hidden_units, name: layer_autoencoder(
            input_dim, hidden_units, name, extra=True
        ),
        "exactly two Dense layers",
    ),
    (nb08.q2, layer_autoencoder(500, 250, "hidden_2"), "pass the function itself"),
    (nb08.q3, stack_sharing_layers, "shares its variables with the pretrained layer"),
    (nb08.q3, stack_random, "hidden_1 does not hold the pretrained weights"),
    (nb08.q3, stack_first_only, "hidden_2 does not hold the pretrained weights"),
    (nb08.q3, stack_without_softmax, "the outputs are not probabilities"),
    (nb08.q3, stack_wrong_sizes, "the classifier has the pretrained layers' sizes"),
    (nb08.q5, freeze_everything, "the softmax layer must still learn"),
    (nb08.q5, freeze_model, "the softmax layer must still learn"),
    (nb08.q5, freeze_only_first, "freeze every layer whose name starts with"),
    (nb08.q5, freeze_nothing, "every weight is still trainable"),
    (nb08.q5, freeze_always, "use the `trainable` argument"),
    (nb08.q4, error_fraction, "give the error in percent"),
    (nb08.q4, accuracy, "you returned the accuracy"),
    (nb08.q4, max_probability, "take the argmax over classes (axis=1)"),
    (nb08.q4, error_per_example, "expected one number"),
    (nb08.q6, "a", "cannot add labelled examples"),
    (nb08.q6, "c", "the test set is never used"),
    (nb08.q6, "maybe", "expected one of ['a', 'b', 'c']"),
    (nb08.q7, "b", "the point is which 100"),
    (nb08.q7, "c", "makes it repeatable and shared"),
    (nb08.q7, 1, "expected one of ['a', 'b', 'c']"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_08_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 8)}
    defined = {name for name in dir(nb08) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb08.q1, balanced_indices),
        (nb08.q1, balanced_indices_shuffled),
        (nb08.q2, layer_autoencoder),
        (nb08.q3, stack_encoders),
        (nb08.q5, set_encoder_trainable),
        (nb08.q4, error_percent),
        (nb08.q6, " B "),
        (nb08.q7, "a"),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    question(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_unfinished_todo_stops_the_check():
    def unfinished(labels, per_class, seed):
        raise NotImplementedError("q1 is not done yet")

    with pytest.raises(NotImplementedError):
        nb08.q1(unfinished)
