"""The checks of notebook 08: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils import noise, pretraining
from utils.checks import nb08

# The notebook's helpers the learner's functions call by name.
build_layer_autoencoder = pretraining.build_layer_autoencoder


def fine_tune(classifier, images, labels, steps=20, seed=0, learning_rate=1e-3):
    keras.utils.set_random_seed(seed)
    return pretraining.fit_steps(classifier, images, labels, steps, learning_rate=learning_rate)

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


def pretrain_greedily(images, layer_sizes, epochs, level=0.25, seed=0):
    encoder_layers, codes = [], images
    for number, hidden_units in enumerate(layer_sizes, start=1):
        keras.utils.set_random_seed(seed + number)
        name = f"hidden_{number}"
        autoencoder = build_layer_autoencoder(codes.shape[1], hidden_units, name)
        autoencoder.compile(optimizer=keras.optimizers.Adam(2e-3), loss="binary_crossentropy")
        for epoch in range(epochs):
            corrupted = noise.masking(codes, level, seed=100 * number + epoch)
            history = autoencoder.fit(corrupted, codes, batch_size=256, verbose=0)
            print(f"layer {number}, epoch {epoch + 1}: {history.history['loss'][-1]:.4f}")
        layer = autoencoder.get_layer(name)
        codes = keras.Model(autoencoder.input, layer.output).predict(codes, verbose=0)
        encoder_layers.append(layer)
    return encoder_layers, codes


def greedy_variant(
    on_images=False, clean_inputs=False, noisy_targets=False, fresh_layers=False,
    no_fit=False, one_epoch=False, gaussian=False, stale_codes=False,
    name_format="hidden_{}",
):
    def run(images, layer_sizes, epochs, level=0.25, seed=0):
        encoder_layers, codes = [], images
        for number, hidden_units in enumerate(layer_sizes, start=1):
            source = images if on_images else codes
            name = name_format.format(number)
            autoencoder = build_layer_autoencoder(source.shape[1], hidden_units, name)
            autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
            for epoch in range(1 if one_epoch else epochs):
                corrupted = noise.masking(source, level, seed=epoch)
                if gaussian:
                    corrupted = np.clip(source + 0.3 * np.random.randn(*source.shape), 0, 1)
                inputs = source if clean_inputs else corrupted
                targets = corrupted if noisy_targets else source
                if not no_fit:
                    autoencoder.fit(inputs, targets, batch_size=256, verbose=0)
            layer = autoencoder.get_layer(name)
            if fresh_layers:
                fresh = keras.layers.Dense(hidden_units, activation="sigmoid", name=name)
                fresh.build((None, source.shape[1]))
                layer = fresh
            if not stale_codes:
                codes = keras.ops.convert_to_numpy(layer(source))
            encoder_layers.append(layer)
        return encoder_layers, codes

    return run


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


def train_head_then_fine_tune(classifier, images, labels, head_steps, steps, fine_tune_rate=1e-3, after_head=None):
    set_encoder_trainable(classifier, False)
    fine_tune(classifier, images, labels, steps=head_steps)
    if after_head is not None:
        after_head(classifier)
    set_encoder_trainable(classifier, True)
    return fine_tune(classifier, images, labels, steps=steps, learning_rate=fine_tune_rate)


def reference_two_phase(classifier, images, labels, head_steps, steps, fine_tune_rate=1e-3, after_head=None):
    return pretraining.head_then_fine_tune(
        classifier, images, labels, head_steps, steps, after_head=after_head,
        fine_tune_rate=fine_tune_rate,
    )


def spread_classifier():
    inputs = keras.Input((784,))
    outputs = keras.layers.Dense(10, activation="softmax")(inputs)
    model = keras.Model(inputs, outputs)
    kernel = np.zeros((784, 10), "float32")
    kernel[:10, :10] = 50.0 * np.eye(10)  # the class is the brightest of the first ten pixels
    model.layers[-1].set_weights([kernel, np.zeros(10, "float32")])
    return model


def challenge_data(noise_share=0.0):
    rng = np.random.default_rng(3)
    labels = np.arange(200) % 10
    images = np.zeros((200, 784), "float32")
    images[np.arange(200), labels] = 1.0
    flip = rng.uniform(size=200) < noise_share
    labels = np.where(flip, (labels + 1) % 10, labels)
    return images, labels


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


def two_phase_without_freezing(classifier, images, labels, head_steps, steps, fine_tune_rate=1e-3, after_head=None):
    fine_tune(classifier, images, labels, steps=head_steps)
    if after_head is not None:
        after_head(classifier)
    return fine_tune(classifier, images, labels, steps=steps)


def two_phase_freezing_everything(classifier, images, labels, head_steps, steps, fine_tune_rate=1e-3, after_head=None):
    for layer in classifier.layers:
        layer.trainable = False
    fine_tune(classifier, images, labels, steps=head_steps)
    if after_head is not None:
        after_head(classifier)
    for layer in classifier.layers:
        layer.trainable = True
    return fine_tune(classifier, images, labels, steps=steps)


def two_phase_never_unfreezing(classifier, images, labels, head_steps, steps, fine_tune_rate=1e-3, after_head=None):
    set_encoder_trainable(classifier, False)
    fine_tune(classifier, images, labels, steps=head_steps)
    if after_head is not None:
        after_head(classifier)
    return fine_tune(classifier, images, labels, steps=steps)


def two_phase_without_hook(classifier, images, labels, head_steps, steps, fine_tune_rate=1e-3, after_head=None):
    return train_head_then_fine_tune(classifier, images, labels, head_steps, steps, fine_tune_rate)


def two_phase_hook_at_the_end(classifier, images, labels, head_steps, steps, fine_tune_rate=1e-3, after_head=None):
    history = train_head_then_fine_tune(classifier, images, labels, head_steps, steps, fine_tune_rate)
    after_head(classifier)
    return history


def two_phase_one_rate(classifier, images, labels, head_steps, steps, fine_tune_rate=1e-3, after_head=None):
    """The typical slip: the smaller rate is never passed on, step 2 runs at the usual one."""
    return train_head_then_fine_tune(classifier, images, labels, head_steps, steps, 1e-3, after_head)


def two_phase_small_rate_throughout(classifier, images, labels, head_steps, steps, fine_tune_rate=1e-3, after_head=None):
    set_encoder_trainable(classifier, False)
    fine_tune(classifier, images, labels, steps=head_steps, learning_rate=fine_tune_rate)
    if after_head is not None:
        after_head(classifier)
    set_encoder_trainable(classifier, True)
    return fine_tune(classifier, images, labels, steps=steps, learning_rate=fine_tune_rate)


WRONG_ANSWERS = [
    (nb08.q1, first_of_each_digit, "seed=0 and seed=1 gave the same subset"),
    (nb08.q1, unbalanced, "expected 5 examples of every digit"),
    (nb08.q1, with_replacement, "without replacement"),
    (nb08.q1, unseeded, "the same seed gave another subset"),
    (nb08.q1, returns_labels, "return positions (indices), not labels"),
    (nb08.q1, fixed_five, "use per_class"),
    (nb08.q1, lambda labels, per_class, seed: np.arange(3), "expected 5 per class"),
    (nb08.q1, np.arange(50), "expected the function balanced_indices"),
    (nb08.q2, greedy_variant(on_images=True), "every layer was trained on the raw images"),
    (nb08.q2, greedy_variant(clean_inputs=True), "trained on clean inputs"),
    (nb08.q2, greedy_variant(noisy_targets=True), "the noise goes on the inputs only"),
    (nb08.q2, greedy_variant(fresh_layers=True), "not the encoder of the autoencoder you"),
    (nb08.q2, greedy_variant(no_fit=True), "was never trained"),
    (nb08.q2, greedy_variant(one_epoch=True), "train each layer for `epochs` epochs"),
    (nb08.q2, greedy_variant(gaussian=True), "not masking noise"),
    (nb08.q2, greedy_variant(name_format="encoder_{}"), "expected layer 1's encoder named"),
    (nb08.q2, greedy_variant(stale_codes=True), "every layer was trained on the raw images"),
    (nb08.q2, lambda images, sizes, epochs, level=0.25, seed=0: sizes, "expected two results"),
    (nb08.q3, stack_sharing_layers, "shares its variables with the pretrained layer"),
    (nb08.q3, stack_random, "hidden_1 does not hold the pretrained weights"),
    (nb08.q3, stack_first_only, "hidden_2 does not hold the pretrained weights"),
    (nb08.q3, stack_without_softmax, "the outputs are not probabilities"),
    (nb08.q3, stack_wrong_sizes, "the classifier has the pretrained layers' sizes"),
    (nb08.q4, two_phase_without_freezing, "changed in the head phase"),
    (nb08.q4, two_phase_freezing_everything, "the softmax layer did not learn"),
    (nb08.q4, two_phase_never_unfreezing, "are still frozen at the end"),
    (nb08.q4, two_phase_without_hook, "after_head was called 0 times"),
    (nb08.q4, two_phase_hook_at_the_end, "changed in the head phase"),
    (nb08.q4, two_phase_one_rate, "the second phase trained at a learning rate of 0.001"),
    (nb08.q4, two_phase_small_rate_throughout, "the head phase trained at fine_tune_rate"),
    (nb08.q4, 3, "expected the function train_head_then_fine_tune"),
    (nb08.q6, "a", "pretraining removes none of them"),
    (nb08.q6, "b", "pretraining never sees a label"),
    (nb08.q6, "maybe", "expected one of ['a', 'b', 'c']"),
    (nb08.q7, "b", "the point is which 100"),
    (nb08.q7, "c", "it makes it repeatable"),
    (nb08.q7, 1, "expected one of ['a', 'b', 'c']"),
    (nb08.q9, "a", "step 2 trains every weight"),
    (nb08.q9, "b", "a step costs the same whatever its learning rate"),
    (nb08.q9, "c", "Adam's steps do not grow"),
    (nb08.q9, "e", "expected one of ['a', 'b', 'c', 'd']"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


# Questions that take several arguments: (question, arguments, message).
WRONG_CALLS = [
    (nb08.q5, ("a", 0, 392_500), "A frozen layer gets no updates"),
    (nb08.q5, ("c", 0, 392_500), "Dropout chooses which units"),
    (nb08.q5, ("d", 0, 392_500), "A unit that fired still belongs"),
    (nb08.q5, ("b", 1200, 392_500), "the encoders were not frozen"),
    (nb08.q5, ("b", 392_500, 392_500), "the run says otherwise"),
    (nb08.q5, ("e", 0, 392_500), "expected one of ['a', 'b', 'c', 'd']"),
    (nb08.q8, (spread_classifier(), *challenge_data(0.7)), "the target"),
    (nb08.q8, ("model", *challenge_data()), "expected the classifier"),
    (nb08.q8, (spread_classifier(), np.zeros((5, 28, 28)), np.zeros(5)), "expected the test images"),
]


@pytest.mark.parametrize("question, arguments, message", WRONG_CALLS)
def test_wrong_calls_get_a_message_and_a_hint(question, arguments, message, capsys):
    question(*arguments)
    printed = capsys.readouterr().out
    assert printed.startswith(f"❌ {question.name} not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {question.hint_text}" in printed


@pytest.mark.parametrize(
    "question, arguments",
    [
        (nb08.q5, ("b", 0, 392_500)),
        (nb08.q5, (" B", 0, 392_500)),
        (nb08.q8, (spread_classifier(), *challenge_data())),
    ],
)
def test_right_calls_pass(question, arguments, capsys):
    question(*arguments)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="what a fit without a new compile does after a change of `trainable` "
    "depends on the backend",
)
def test_unfreezing_without_compiling_again_is_caught(capsys):
    """Keras reads `trainable` when it compiles: on TensorFlow a second fit without
    compile reuses the traced step, so the encoders stay frozen."""

    def two_phase_compiled_once(classifier, images, labels, head_steps, steps, fine_tune_rate=1e-3, after_head=None):
        set_encoder_trainable(classifier, False)
        classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        classifier.fit(images, labels, epochs=2, verbose=0)
        after_head(classifier)
        set_encoder_trainable(classifier, True)
        return classifier.fit(images, labels, epochs=2, verbose=0)

    nb08.q4(two_phase_compiled_once)
    printed = capsys.readouterr().out
    assert printed.startswith("❌ q4 not yet:"), printed
    assert "did not change in the second phase" in printed, printed


def test_every_question_of_notebook_08_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS + WRONG_CALLS}
    assert tested == {f"q{n}" for n in range(1, 10)}
    defined = {name for name in dir(nb08) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb08.q1, balanced_indices),
        (nb08.q1, balanced_indices_shuffled),
        (nb08.q2, pretrain_greedily),
        (nb08.q2, pretraining.pretrain_greedily),
        (nb08.q3, stack_encoders),
        (nb08.q4, train_head_then_fine_tune),
        (nb08.q4, reference_two_phase),
        (nb08.q6, " C "),
        (nb08.q7, "a"),
        (nb08.q9, "d"),
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
