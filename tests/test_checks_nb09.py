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


def pad_by_hand(sequences, length):
    padded = np.zeros((len(sequences), length, 28), "float32")
    for index, sequence in enumerate(sequences):
        padded[index, : len(sequence)] = sequence
    return padded


def build_masked_encoder(lstm_layer, mask=True, mask_value=0.0):
    inputs = keras.Input(shape=(None, 28))
    masked = keras.layers.Masking(mask_value=mask_value)(inputs) if mask else inputs
    return keras.Model(inputs, lstm_layer(masked))


def step_errors(sequences, reconstructions):
    return np.mean((sequences - reconstructions) ** 2, axis=-1)


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
    return np.asarray(
        keras.utils.pad_sequences(sequences, maxlen=length, dtype="float32")
    )


def pad_longest(sequences, length):
    return pad_by_hand(sequences, max(len(s) for s in sequences))


def pad_minus_one(sequences, length):
    padded = np.full((len(sequences), length, 28), -1.0, "float32")
    for index, sequence in enumerate(sequences):
        padded[index, : len(sequence)] = sequence
    return padded


def pad_in_place(sequences, length):
    for index, sequence in enumerate(sequences):
        sequence *= 0.5
    return pad_by_hand(sequences, length)


def pad_float64(sequences, length):
    return pad_by_hand(sequences, length).astype("float64")


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
    (
        nb09.q8,
        lambda sequences, reconstructions: step_errors(sequences, reconstructions).T,
        "expected one error per sequence and step",
    ),
    (
        nb09.q8,
        lambda s, r: np.sum((s - r) ** 2, axis=-1),
        "you summed the squared errors",
    ),
    (
        nb09.q8,
        lambda s, r: np.mean(np.abs(s - r), axis=-1),
        "square them",
    ),
    (
        nb09.q8,
        lambda s, r: np.sqrt(np.mean((s - r) ** 2, axis=-1)),
        "leave out the square root",
    ),
    (nb09.q8, lambda s, r: np.mean((s - r) ** 2, axis=0), "expected one error per"),
    (nb09.q9, lambda errors, window: errors.argmax(axis=1), "the single worst step"),
    (nb09.q9, worst_end, "the last step of each window"),
    (
        nb09.q9,
        lambda errors, window: worst_stretch(errors, 3),
        "use `window`",
    ),
    (
        nb09.q9,
        lambda errors, window: worst_stretch(errors, window).astype("float32"),
        "expected integer step indices",
    ),
    (
        nb09.q9,
        lambda errors, window: worst_stretch(errors, window + 1),
        "expected the windows to start at [5, 0, 7]",
    ),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_09_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 10)}
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
        (
            nb09.q5,
            lambda sequences, length: keras.utils.pad_sequences(
                sequences, maxlen=length, dtype="float32", padding="post"
            ),
        ),
        (nb09.q6, build_masked_encoder),
        (nb09.q7, "a"),
        (nb09.q8, step_errors),
        (nb09.q9, worst_stretch),
        (nb09.q9, worst_stretch_convolve),
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
