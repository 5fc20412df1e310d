"""The checks of notebook 09: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils.checks import nb09

# ---- Right answers ------------------------------------------------------------


def rows_as_sequence(images):
    return np.reshape(images, (-1, 28, 28))


def build_encoder(code_size=128, cell=keras.layers.LSTM, **options):
    inputs = keras.Input(shape=(None, 28))
    code = cell(code_size, **options)(inputs)
    return keras.Model(inputs, code)


def build_decoder(code_size=128, steps=28, sequences=True, output="sigmoid", lstm=True):
    codes = keras.Input(shape=(code_size,))
    hidden = keras.layers.RepeatVector(steps)(codes)
    if lstm:
        hidden = keras.layers.LSTM(code_size, return_sequences=sequences)(hidden)
    rows = keras.layers.Dense(28, activation=output)(hidden)
    return keras.Model(codes, rows)


def build_decoder_time_distributed(code_size=128, steps=28):
    codes = keras.Input(shape=(code_size,))
    hidden = keras.layers.LSTM(code_size, return_sequences=True)(
        keras.layers.RepeatVector(steps)(codes)
    )
    dense = keras.layers.Dense(28, activation="sigmoid")
    return keras.Model(codes, keras.layers.TimeDistributed(dense)(hidden))


def pad_only(sequences, length):
    padded = np.zeros((len(sequences), length, 28), "float32")
    for index, sequence in enumerate(sequences):
        padded[index, : len(sequence)] = sequence
    return padded


def pad_by_hand(sequences, length):
    lengths = np.array([len(sequence) for sequence in sequences])
    return pad_only(sequences, length), np.arange(length)[None] < lengths[:, None]


def pad_keras(sequences, length):
    padded = keras.utils.pad_sequences(
        sequences, maxlen=length, dtype="float32", padding="post"
    )
    return padded, padded.any(axis=-1)


def build_masked_encoder(lstm_layer, mask=True, mask_value=0.0):
    inputs = keras.Input(shape=(None, 28))
    masked = keras.layers.Masking(mask_value=mask_value)(inputs) if mask else inputs
    return keras.Model(inputs, lstm_layer(masked))


def step_errors(sequences, reconstructions):
    return np.mean((sequences - reconstructions) ** 2, axis=-1)


def masked_step_loss(targets, outputs, mask):
    weights = np.asarray(mask, "float32")
    return np.sum(step_errors(targets, outputs) * weights) / np.sum(weights)


def masked_step_loss_ops(targets, outputs, mask):
    ops = keras.ops
    step = ops.mean(ops.square(ops.subtract(targets, outputs)), axis=-1)
    weights = ops.cast(mask, "float32")
    return ops.sum(step * weights) / ops.sum(weights)


def trained_autoencoder():
    inputs = keras.Input((28, 28))
    outputs = keras.layers.Lambda(lambda x: keras.ops.clip(x, 0.05, 0.95))(inputs)
    return keras.Model(inputs, outputs)


def challenge_sequences():
    rng = np.random.default_rng(0)
    return (rng.uniform(size=(50, 28, 28)) > 0.8).astype("float32")


def worst_stretch(errors, window):
    steps = errors.shape[1]
    sums = [errors[:, t : t + window].sum(axis=1) for t in range(steps - window + 1)]
    return np.argmax(np.stack(sums, axis=1), axis=1)


def worst_stretch_convolve(errors, window):
    kernel = np.ones(window)
    sums = np.stack([np.convolve(row, kernel, mode="valid") for row in errors])
    return sums.argmax(axis=1)


# ---- Plausible wrong answers --------------------------------------------------


def pad_pre(sequences, length):
    padded = np.asarray(
        keras.utils.pad_sequences(sequences, maxlen=length, dtype="float32")
    )
    return padded, padded.any(axis=-1)


def pad_longest(sequences, length):
    return pad_by_hand(sequences, max(len(s) for s in sequences))


def pad_minus_one(sequences, length):
    padded, mask = pad_by_hand(sequences, length)
    padded[~mask] = -1.0
    return padded, mask


def pad_in_place(sequences, length):
    for sequence in sequences:
        sequence *= 0.5
    return pad_by_hand(sequences, length)


def pad_float64(sequences, length):
    padded, mask = pad_by_hand(sequences, length)
    return padded.astype("float64"), mask


def pad_inverted_mask(sequences, length):
    padded, mask = pad_by_hand(sequences, length)
    return padded, ~mask


def pad_int_mask(sequences, length):
    padded, mask = pad_by_hand(sequences, length)
    return padded, mask.astype("int32")


def loss_over_all_steps(targets, outputs, mask):
    return np.mean(step_errors(targets, outputs))


def loss_inverted(targets, outputs, mask):
    return masked_step_loss(targets, outputs, ~np.asarray(mask, bool))


def loss_divided_by_all(targets, outputs, mask):
    return np.sum(step_errors(targets, outputs) * mask) / np.size(mask)


def loss_per_sequence(targets, outputs, mask):
    mask = np.asarray(mask, bool)
    return np.mean([row[m].mean() for row, m in zip(step_errors(targets, outputs), mask)])


def loss_summed_features(targets, outputs, mask):
    return np.sum((targets - outputs) ** 2, axis=-1)[np.asarray(mask, bool)].mean()


def loss_per_step(targets, outputs, mask):
    return step_errors(targets, outputs) * mask


def masked_new_lstm(lstm_layer):
    return build_masked_encoder(keras.layers.LSTM(lstm_layer.units))


def worst_end(errors, window):
    return worst_stretch(errors, window) + window - 1


WRONG_ANSWERS = [
    (nb09.q1, lambda images: np.reshape(images, (-1, 784, 1)), "784 steps of one"),
    (
        nb09.q1,
        lambda images: np.reshape(images, (-1, 28, 28)).transpose(0, 2, 1),
        "step t holds column t",
    ),
    (
        nb09.q1,
        lambda images: np.reshape(images, (-1, 28, 28))[:, ::-1],
        "the rows run backwards",
    ),
    (nb09.q1, lambda images: images, "expected the shape (n, 28, 28)"),
    (
        nb09.q2,
        lambda code_size: build_encoder(code_size, return_sequences=True),
        "one vector per step",
    ),
    (
        nb09.q2,
        lambda code_size: build_encoder(code_size, cell=keras.layers.GRU),
        "expected one LSTM of 32 units",
    ),
    (nb09.q2, lambda code_size: build_encoder(64), "expected one code of 32 numbers"),
    (nb09.q2, lambda code_size: build_encoder(32), "use code_size"),
    (nb09.q2, build_encoder(32), "pass the function itself"),
    (
        nb09.q3,
        lambda code_size, steps=28: build_decoder(code_size, steps, sequences=False),
        "return_sequences=True",
    ),
    (
        nb09.q3,
        lambda code_size, steps=28: build_decoder(code_size, steps, output=None),
        "the outputs leave [0, 1]",
    ),
    (
        nb09.q3,
        lambda code_size, steps=28: build_decoder(code_size, steps, lstm=False),
        "expected an LSTM of 32 units on the repeated code",
    ),
    (nb09.q3, lambda code_size, steps=28: build_decoder(code_size), "use code_size"),
    (nb09.q4, "a", "adds no information"),
    (nb09.q4, "c", "the training set stay as they are"),
    (nb09.q4, "d", "expected one of ['a', 'b', 'c']"),
    (nb09.q5, pad_pre, "the zeros are in front"),
    (nb09.q5, pad_longest, "use `length`"),
    (nb09.q5, pad_minus_one, "should hold zeros"),
    (nb09.q5, pad_in_place, "changed the input sequences in place"),
    (nb09.q5, pad_float64, "expected float32"),
    (nb09.q5, pad_only, "expected two results, (padded, mask)"),
    (nb09.q5, pad_inverted_mask, "the mask is inverted"),
    (nb09.q5, pad_int_mask, "expected a boolean mask"),
    (
        nb09.q6,
        lambda lstm_layer: build_masked_encoder(lstm_layer, mask=False),
        "more padding changed the codes",
    ),
    (
        nb09.q6,
        lambda lstm_layer: build_masked_encoder(lstm_layer, mask_value=-1.0),
        "more padding changed the codes",
    ),
    (nb09.q6, masked_new_lstm, "call the lstm_layer you are given"),
    (nb09.q7, "b", "any step whose values all equal"),
    (nb09.q7, "c", "no error"),
    (nb09.q8, loss_over_all_steps, "you averaged over the padded steps too"),
    (nb09.q8, loss_inverted, "the mask is True on the real steps"),
    (nb09.q8, loss_divided_by_all, "divide by the number of real steps"),
    (nb09.q8, loss_per_sequence, "you averaged each sequence first"),
    (nb09.q8, loss_summed_features, "take their mean per step"),
    (nb09.q8, loss_per_step, "expected one number"),
    (nb09.q8, masked_step_loss(*nb09._loss_probe()), "expected the function masked_step_loss"),
    (nb09.q10, lambda errors, window: errors.argmax(axis=1), "the single worst step"),
    (nb09.q10, worst_end, "the last step of each window"),
    (
        nb09.q10,
        lambda errors, window: worst_stretch(errors, 3),
        "use `window`",
    ),
    (
        nb09.q10,
        lambda errors, window: worst_stretch(errors, window).astype("float32"),
        "expected integer step indices",
    ),
    (
        nb09.q10,
        lambda errors, window: worst_stretch(errors, window + 1),
        "expected the windows to start at [5, 0, 7]",
    ),
]


def lazy_decoder_values():
    return (0.7 * 0.05, 0.05, 0.7)


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


# Questions that take several arguments: (question, arguments, message).
WRONG_CALLS = [
    (nb09.q9, ("a", *lazy_decoder_values()), "which steps are averaged matters"),
    (nb09.q9, ("b", *lazy_decoder_values()), "The padded steps add no error"),
    (nb09.q9, ("c", *lazy_decoder_values()), "The factor is not one half"),
    (nb09.q9, ("e", *lazy_decoder_values()), "expected one of ['a', 'b', 'c', 'd']"),
    (nb09.q9, ("d", 0.5 * 0.05, 0.05, 0.7), "the run says otherwise"),
    (
        nb09.q11,
        (keras.Sequential([keras.Input((28, 28)), keras.layers.Lambda(lambda x: x * 0 + 0.5)]),
         challenge_sequences()),
        "the target",
    ),
    (nb09.q11, (trained_autoencoder(), np.zeros((5, 784))), "expected the test sequences"),
    (nb09.q11, ("model", challenge_sequences()), "expected the trained sequence"),
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
        (nb09.q9, ("d", *lazy_decoder_values())),
        (nb09.q9, (" D ", *lazy_decoder_values())),
        (nb09.q11, (trained_autoencoder(), challenge_sequences())),
    ],
)
def test_right_calls_pass(question, arguments, capsys):
    question(*arguments)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_every_question_of_notebook_09_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS + WRONG_CALLS}
    assert tested == {f"q{n}" for n in range(1, 12)}
    defined = {name for name in dir(nb09) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb09.q1, rows_as_sequence),
        (nb09.q2, build_encoder),
        (nb09.q3, build_decoder),
        (nb09.q3, build_decoder_time_distributed),
        (nb09.q4, " B "),
        (nb09.q5, pad_by_hand),
        (nb09.q6, build_masked_encoder),
        (nb09.q7, "a"),
        (nb09.q5, pad_keras),
        (nb09.q8, masked_step_loss),
        (nb09.q8, masked_step_loss_ops),
        (nb09.q10, worst_stretch),
        (nb09.q10, worst_stretch_convolve),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    question(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_unfinished_todo_stops_the_check():
    def unfinished(images):
        raise NotImplementedError("q1 is not done yet")

    with pytest.raises(NotImplementedError):
        nb09.q1(unfinished)
