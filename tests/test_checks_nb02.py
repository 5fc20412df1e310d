"""The checks of notebook 02: every wrong answer gets a clear message and a hint.

The right answers are checked by nbval, which runs the solution notebook and compares
the check cells' "passed" lines with the stored ones.
"""

import keras
import pytest

from tests.check_verdicts import assert_wrong_with_hint, verdict
from utils.checks import nb02


def encoder(
    code_channels,
    strides=2,
    padding="same",
    filters=(16, 32),
    code_activation="relu",
    flatten=False,
    fixed_channels=None,
):
    inputs = keras.Input((28, 28, 1))
    x = inputs
    for count in filters:
        x = keras.layers.Conv2D(
            count, 3, strides=strides, padding=padding, activation="relu"
        )(x)
    channels = fixed_channels or code_channels
    x = keras.layers.Conv2D(channels, 3, padding=padding, activation=code_activation)(x)
    if flatten:
        x = keras.layers.Dense(196)(keras.layers.Flatten()(x))
    return keras.Model(inputs, x)


def decoder(
    code_channels,
    padding="same",
    filters=(32, 16),
    output_activation="sigmoid",
    upsampling=False,
    final_conv=True,
    fixed_channels=None,
):
    codes = keras.Input((7, 7, fixed_channels or code_channels))
    x = codes
    for count in filters:
        if upsampling:
            x = keras.layers.UpSampling2D(2)(x)
            x = keras.layers.Conv2D(count, 3, padding="same", activation="relu")(x)
        else:
            x = keras.layers.Conv2DTranspose(
                count, 3, strides=2, padding=padding, activation="relu"
            )(x)
    if final_conv:
        x = keras.layers.Conv2D(1, 3, padding="same", activation=output_activation)(x)
    return keras.Model(codes, x)


def transposed_size(size, kernel_size, strides, padding):
    if padding == "same":
        return size * strides
    return (size - 1) * strides + kernel_size


def conv_size(size, kernel_size, strides, padding):
    if padding == "same":
        return -(-size // strides)
    return (size - kernel_size) // strides + 1


WRONG_ANSWERS = [
    (nb02.q1, "not a function", "expected the function transposed_output_size"),
    (nb02.q1, conv_size, "that is the output of a Conv2D"),
    (nb02.q1, lambda n, k, s, p: n * s, "which is right for 'same' only"),
    (nb02.q1, lambda n, k, s, p: (n - 1) * s + k, "the 'valid' size"),
    (nb02.q1, lambda n, k, s, p: n * s / 1, "expected a whole number"),
    (
        nb02.q1,
        lambda n, k, s, p: transposed_size(n, k, s, p) + (p == "valid"),
        "Keras gives 15, your function gives 16",
    ),
    (nb02.q2, lambda c: encoder(c, strides=1), "the maps do not shrink"),
    (nb02.q2, lambda c: encoder(c, padding="valid"), "Use padding='same'"),
    (nb02.q2, lambda c: encoder(c, flatten=True), "keep the maps 2-D"),
    (nb02.q2, lambda c: encoder(c, filters=(32, 64)), "expected 5,956 parameters"),
    (nb02.q2, lambda c: encoder(c, code_activation=None), "negative values"),
    (nb02.q2, lambda c: encoder(4), "use code_channels"),
    (
        nb02.q3,
        lambda c: decoder(c, upsampling=True),
        "two Conv2DTranspose layers with strides=2",
    ),
    (nb02.q3, lambda c: decoder(c, padding="valid"), "Use padding='same'"),
    (nb02.q3, lambda c: decoder(c, output_activation=None), "activation='sigmoid'"),
    (nb02.q3, lambda c: decoder(c, filters=(64, 32)), "expected 5,953 parameters"),
    (nb02.q3, lambda c: decoder(c, final_conv=False), "expected 1 output channel"),
    (nb02.q3, lambda c: decoder(c, fixed_channels=4), "use code_channels"),
    (nb02.q3, lambda c: decoder(c)(keras.Input((7, 7, c))), "received KerasTensor"),
    (nb02.q4, lambda k, i, f, b=True: k * k * f + f * b, "for every one of the"),
    (nb02.q4, lambda k, i, f, b=True: k * i * f + f * b, "the kernel is square"),
    (nb02.q4, lambda k, i, f, b=True: k * k * i * f, "add the biases"),
    (nb02.q4, lambda k, i, f, b=True: k * k * i * f + f, "there are no biases"),
    (nb02.q4, lambda k, i, f, b=True: (k * k + 1) * i * f, "not one per input channel"),
    (nb02.q4, lambda k, i, f, b=True: 1 / 0, "raised ZeroDivisionError"),
    (nb02.q5, "a", "a kernel of ones, nothing random"),
    (nb02.q5, "c", "no activation at all"),
    (nb02.q5, "d", "expected one of ['a', 'b', 'c']"),
    (nb02.q6, 3, "the values [1, 2, 4]"),
    (nb02.q6, 5, "different numbers of contributions"),
    (nb02.q6, 1, "between 2 and 8"),
    (nb02.q6, "4", "expected a whole number"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_02_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 7)}


def test_right_answers_pass(capsys):
    right = [
        (nb02.q1, transposed_size),
        (nb02.q2, encoder),
        (nb02.q3, decoder),
        (nb02.q4, lambda k, i, f, b=True: k * k * i * f + f * b),
        (nb02.q5, " B "),
        (nb02.q6, 4),
        (nb02.q6, 2),
    ]
    for question, answer in right:
        assert verdict(question, answer, capsys).startswith(
            f"✅ {question.name} passed"
        )


def test_a_pooling_encoder_of_the_same_shape_and_size_passes(capsys):
    """The checks test behaviour: max pooling instead of strides is also accepted."""

    def pooling_encoder(code_channels):
        inputs = keras.Input((28, 28, 1))
        x = inputs
        for count in (16, 32):
            x = keras.layers.Conv2D(count, 3, padding="same", activation="relu")(x)
            x = keras.layers.MaxPooling2D(2)(x)
        x = keras.layers.Conv2D(code_channels, 3, padding="same", activation="relu")(x)
        return keras.Model(inputs, x)

    assert verdict(nb02.q2, pooling_encoder, capsys).startswith("✅ q2 passed")


def test_a_decoder_ending_in_a_stride_1_conv2d_transpose_passes(capsys):
    """A stride-1 Conv2DTranspose draws the pixels as well as a Conv2D does."""

    def decoder_with_transposed_output(code_channels):
        codes = keras.Input((7, 7, code_channels))
        x = codes
        for count in (32, 16):
            x = keras.layers.Conv2DTranspose(
                count, 3, strides=2, padding="same", activation="relu"
            )(x)
        outputs = keras.layers.Conv2DTranspose(
            1, 3, padding="same", activation="sigmoid"
        )(x)
        return keras.Model(codes, outputs)

    printed = verdict(nb02.q3, decoder_with_transposed_output, capsys)
    assert printed.startswith("✅ q3 passed")


def test_keras_transposed_size_matches_the_textbook_formula():
    for size, kernel_size, strides, padding in nb02.TRANSPOSE_CASES:
        assert nb02.keras_transposed_size(
            size, kernel_size, strides, padding
        ) == transposed_size(size, kernel_size, strides, padding)


def test_unfinished_todo_stops_the_check():
    def unfinished(code_channels):
        raise NotImplementedError("q2 is not done yet")

    with pytest.raises(NotImplementedError):
        nb02.q2(unfinished)


def test_hint_and_solution(capsys):
    nb02.q4.hint()
    assert "kernel_size * kernel_size * in_channels" in capsys.readouterr().out
    nb02.q3.solution()
    printed = capsys.readouterr().out
    assert "Conv2DTranspose" in printed and "BEGIN SOLUTION" not in printed
    assert not printed.startswith(" ")
