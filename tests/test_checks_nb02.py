"""The checks of notebook 02: every wrong answer gets a clear message and a hint.

The right answers are checked here too (several designs for the encoder and decoder),
and by nbval, which runs the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint, verdict
from utils.checks import nb02, solution_code


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


def dense_encoder(code_channels):
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(8, 3, strides=4, padding="same")(inputs)
    x = keras.layers.Dense(code_channels)(x)
    return keras.Model(inputs, x)


def constant_encoder(code_channels):
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Conv2D(
        code_channels, 3, padding="same", kernel_initializer="zeros"
    )(x)
    return keras.Model(inputs, x)


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
    (nb02.q2, dense_encoder, "has Dense layers"),
    (nb02.q2, lambda c: encoder(c, filters=(64, 128)), "outside the budget"),
    (nb02.q2, lambda c: encoder(c, filters=(2, 2)), "too few filters"),
    (nb02.q2, constant_encoder, "the code must depend on the image"),
    (nb02.q2, lambda c: encoder(4), "use code_channels"),
    (nb02.q2, lambda c: encoder(c, filters=(16,)), "expected 7 × 7 maps"),
    (nb02.q3, lambda c: decoder(c, padding="valid"), "Use padding='same'"),
    (nb02.q3, lambda c: decoder(c, output_activation=None), "activation='sigmoid'"),
    (nb02.q3, lambda c: decoder(c, output_activation="relu"), "activation='sigmoid'"),
    (nb02.q3, lambda c: decoder(c, filters=(128, 64)), "outside the budget"),
    (nb02.q3, lambda c: decoder(c, final_conv=False), "expected 1 output channel"),
    (nb02.q3, lambda c: decoder(c, fixed_channels=4), "use code_channels"),
    (nb02.q3, lambda c: decoder(c, filters=(32,)), "expected 28 × 28 output images"),
    (nb02.q3, lambda c: decoder(c)(keras.Input((7, 7, c))), "received KerasTensor"),
    (nb02.q4, lambda k, i, f, b=True: k * k * f + f * b, "for every one of the"),
    (nb02.q4, lambda k, i, f, b=True: k * i * f + f * b, "the kernel is square"),
    (nb02.q4, lambda k, i, f, b=True: k * k * i * f, "add the biases"),
    (nb02.q4, lambda k, i, f, b=True: k * k * i * f + f, "there are no biases"),
    (nb02.q4, lambda k, i, f, b=True: (k * k + 1) * i * f, "not one per input channel"),
    (nb02.q4, lambda k, i, f, b=True: 1 / 0, "raised ZeroDivisionError"),
    (nb02.q5, "a", "a kernel of ones, nothing random"),
    (nb02.q5, "b", "only touches the border"),
    (nb02.q5, "d", "no output pixel is left empty"),
    (nb02.q5, "e", "expected one of ['a', 'b', 'c', 'd']"),
    (nb02.q6, 3, "the values [1, 2, 4]"),
    (nb02.q6, 5, "different numbers of contributions"),
    (nb02.q6, 1, "between 2 and 8"),
    (nb02.q6, "4", "expected a whole number"),
]


def untrained_outputs(transposed_grid=True, upsampling_grid=False):
    """Outputs like the notebook's: a period-4 grid, or a constant, inside 28 × 28."""
    grid = 0.5 + 0.01 * (np.indices((28, 28)).sum(axis=0) % 4 == 0)
    flat = np.full((28, 28), 0.5)
    return {
        "Conv2DTranspose": grid if transposed_grid else flat,
        "UpSampling2D + Conv2D": grid if upsampling_grid else flat,
    }


@pytest.mark.parametrize(
    "prediction, outputs, message",
    [
        ("b", untrained_outputs(), "the transposed decoder draws a grid"),
        ("c", untrained_outputs(), "keeps a constant constant"),
        ("a", untrained_outputs(False, False), "neither draws a pattern"),
        ("a", untrained_outputs(True, True), "both draw a pattern"),
        ("e", untrained_outputs(), "expected one of ['a', 'b', 'c', 'd']"),
        ("a", [1, 2], "pass the dictionary the cell computed"),
        ("a", {"Conv2DTranspose": 1, "UpSampling2D + Conv2D": 2}, "one 2-D output"),
    ],
)
def test_wrong_predictions_get_what_the_run_measured(
    prediction, outputs, message, capsys
):
    nb02.q7(prediction, outputs)
    printed = capsys.readouterr().out
    assert printed.startswith("❌ q7 not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {nb02.q7.hint_text}" in printed


def test_the_prediction_is_checked_against_real_decoders(capsys):
    """The notebook's two untrained decoders on a constant code: 'a' is what they do."""
    keras.utils.set_random_seed(3)
    outputs = {
        "Conv2DTranspose": decoder(4)(np.ones((1, 7, 7, 4), "float32"))[0, :, :, 0],
        "UpSampling2D + Conv2D": decoder(4, upsampling=True)(
            np.ones((1, 7, 7, 4), "float32")
        )[0, :, :, 0],
    }
    nb02.q7("a", outputs)
    assert capsys.readouterr().out.startswith("✅ q7 passed")


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_02_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested | {"q7", "q8"} == {f"q{n}" for n in range(1, 9)}  # q7, q8 above/below
    defined = {name for name in dir(nb02) if name[0] == "q" and name[1:].isdigit()}
    assert defined == {f"q{n}" for n in range(1, 9)}


def test_right_answers_pass(capsys):
    right = [
        (nb02.q1, transposed_size),
        (nb02.q2, encoder),
        (nb02.q3, decoder),
        (nb02.q3, lambda c: decoder(c, upsampling=True)),
        (nb02.q2, lambda c: encoder(c, code_activation=None)),
        (nb02.q2, lambda c: encoder(c, filters=(32, 64))),
        (nb02.q4, lambda k, i, f, b=True: k * k * i * f + f * b),
        (nb02.q5, " C "),
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


@pytest.mark.parametrize("name", [f"q{n}" for n in range(1, 9)])
def test_hints_come_in_levels_and_do_not_give_the_code(name):
    question = getattr(nb02, name)
    assert len(question.hints) >= 2
    lines = [line.strip() for line in solution_code("02", name).splitlines()]
    for hint in question.hints:
        for line in lines:
            assert len(line) < 25 or line not in hint, (name, line)


def test_hint_and_solution(capsys):
    nb02.q4.hint(2)
    assert "kernel_size * kernel_size * in_channels" in capsys.readouterr().out
    nb02.q3.solution()
    printed = capsys.readouterr().out
    assert "Conv2DTranspose" in printed and "BEGIN SOLUTION" not in printed
    assert not printed.startswith(" ")


# ---- q8: the challenge ---------------------------------------------------------------

BLANK_IMAGES = np.zeros((500, 28, 28, 1), "float32")


def drawing_pair(code_channels=4):
    """An encoder and decoder with no weights that draw a blank image (bias -20)."""
    inputs = keras.Input((28, 28, 1))
    shrink = keras.layers.Conv2D(code_channels, 4, strides=4, padding="same")
    pair_encoder = keras.Model(inputs, shrink(inputs))
    codes = keras.Input((7, 7, code_channels))
    draw = keras.layers.Conv2D(1, 1, activation="sigmoid")
    pair_decoder = keras.Model(codes, draw(keras.layers.UpSampling2D(4)(codes)))
    zeros = np.zeros(code_channels, "float32")
    shrink.set_weights([np.zeros((4, 4, 1, code_channels), "float32"), zeros])
    draw.set_weights([np.zeros((1, 1, code_channels, 1), "float32"), np.full(1, -20.0)])
    return pair_encoder, pair_decoder


@pytest.mark.parametrize(
    "pair, images, message",
    [
        ((encoder(4), decoder(4)), BLANK_IMAGES, "not yet below"),
        ((encoder(8), decoder(8)), BLANK_IMAGES, "196 numbers or fewer"),
        ((encoder(4, filters=(64, 64)), decoder(4)), BLANK_IMAGES, "budget is 12,000"),
        ((encoder(4), decoder(2)), BLANK_IMAGES, "the trained decoder to take"),
        (drawing_pair(), BLANK_IMAGES.reshape(500, -1), "at least 500 test images"),
        ((decoder(4), encoder(4)), BLANK_IMAGES, "the trained encoder to take"),
        (("encoder", "decoder"), BLANK_IMAGES, "expected the trained encoder"),
    ],
)
def test_challenge_refuses_weak_or_unconstrained_models(pair, images, message, capsys):
    nb02.q8(*pair, images)
    printed = capsys.readouterr().out
    assert printed.startswith("❌ q8 not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {nb02.q8.hint_text}" in printed


def test_challenge_passes_a_pair_within_the_limits_that_draws_the_images(capsys):
    nb02.q8(*drawing_pair(), BLANK_IMAGES)
    printed = capsys.readouterr().out
    assert printed.startswith("✅ q8 passed"), printed
    assert "a code of 196 numbers" in printed


def test_the_notebook_pair_fits_the_challenge_limits():
    pair = encoder(4), decoder(4)
    assert sum(model.count_params() for model in pair) == 11_909
    assert nb02.CHALLENGE_PARAMETERS >= 11_909 and nb02.CHALLENGE_CODE_SIZE == 7 * 7 * 4
    assert nb02.CHALLENGE_BCE["fast"] > nb02.CHALLENGE_BCE["full"]
