"""Checks for notebook 02, the convolutional autoencoder on MNIST."""

import math

import keras
import numpy as np

from utils.checks import (
    Question,
    expect,
    expect_callable,
    expect_choice,
    expect_model,
    trainable_count,
)

# (size, kernel_size, strides, padding): cases with kernel_size >= strides, the usual
# ones, where every textbook formula agrees with Keras.
TRANSPOSE_CASES = [
    (7, 3, 2, "same"),
    (14, 3, 2, "same"),
    (7, 3, 2, "valid"),
    (7, 4, 2, "valid"),
    (5, 5, 1, "valid"),
    (5, 3, 1, "same"),
    (4, 3, 3, "valid"),
    (6, 5, 3, "same"),
]


def keras_transposed_size(size, kernel_size, strides, padding):
    """Return the output size Keras gives a Conv2DTranspose on a size × size input."""
    layer = keras.layers.Conv2DTranspose(
        1, kernel_size, strides=strides, padding=padding
    )
    return int(layer.compute_output_shape((None, size, size, 1))[1])


def _conv_size(size, kernel_size, strides, padding):
    """The output size of a forward Conv2D: what a shrinking layer gives."""
    if padding == "same":
        return math.ceil(size / strides)
    return (size - kernel_size) // strides + 1


def _check_transposed_size(transposed_output_size):
    expect_callable(transposed_output_size, "the function transposed_output_size")
    for size, kernel_size, strides, padding in TRANSPOSE_CASES:
        got = transposed_output_size(size, kernel_size, strides, padding)
        expect(
            isinstance(got, (int, np.integer)) and not isinstance(got, bool),
            f"expected a whole number (an int), got {got!r}: "
            "use // for division, or int(...)",
        )
        expected = keras_transposed_size(size, kernel_size, strides, padding)
        if got == expected:
            continue
        case = (
            f"size={size}, kernel_size={kernel_size}, strides={strides}, "
            f"padding={padding!r}"
        )
        expect(
            got != _conv_size(size, kernel_size, strides, padding),
            f"for {case} you gave {got}: that is the output of a Conv2D, which "
            f"shrinks; a Conv2DTranspose grows the image to {expected}",
        )
        expect(
            not (padding == "valid" and got == size * strides),
            f"for {case} you gave {got} = size × strides, which is right for 'same' "
            "only: with 'valid' the kernel's last footprint sticks out past the "
            f"last stride (Keras gives {expected})",
        )
        expect(
            not (padding == "same" and got == (size - 1) * strides + kernel_size),
            f"for {case} you gave {got}, the 'valid' size: with 'same' Keras crops "
            f"the output to exactly size × strides = {expected}",
        )
        expect(False, f"for {case} Keras gives {expected}, your function gives {got}")
    return (
        "'same' gives size × strides; 'valid' gives (size - 1) × strides + kernel_size."
    )


def _conv_layers(model, kind):
    return [layer for layer in model.layers if type(layer) is kind]


def _check_shapes(model, what, expected_in, expected_out):
    expect(
        tuple(model.input_shape) == expected_in,
        f"expected {what} to take inputs of shape {expected_in}, "
        f"got {model.input_shape}",
    )
    expect(
        len(model.output_shape) == 4,
        f"expected {what} to output maps of shape {expected_out}, got "
        f"{model.output_shape}: keep the maps 2-D (no Flatten or Dense)",
    )


def _check_encoder(build_encoder):
    expect_callable(build_encoder, "the function build_encoder")
    encoder = expect_model(build_encoder(4), "build_encoder(4) to return a Keras model")
    _check_shapes(encoder, "the encoder", (None, 28, 28, 1), (None, 7, 7, 4))
    shape = tuple(encoder.output_shape)
    expect(
        shape[1:3] != (28, 28),
        f"the encoder outputs {shape}: the maps do not shrink. Give the first two "
        "Conv2D layers strides=2",
    )
    expect(
        shape[1:3] not in {(6, 6), (5, 5), (3, 3), (4, 4)},
        f"the encoder outputs {shape}, not 7 × 7: with padding='valid' every 3 × 3 "
        "kernel trims the border. Use padding='same' so stride 2 halves 28 to 14 to 7",
    )
    expect(
        shape[1:3] == (7, 7),
        f"expected 7 × 7 maps after two stride-2 layers (28 -> 14 -> 7), got {shape}",
    )
    expect(
        shape[3] == 4,
        f"build_encoder(4) should output 4 code channels, got {shape[3]}: the last "
        "layer has code_channels filters",
    )
    count = trainable_count(encoder)
    expect(
        count == 5956,
        f"expected 5,956 parameters (160 + 4,640 + 1,156: 3 × 3 kernels with 16, 32 "
        f"and code_channels filters), found {count:,}",
    )
    images = np.random.default_rng(0).uniform(0, 1, (4, 28, 28, 1)).astype("float32")
    # A direct call, not predict: no tf.function is traced for a throwaway model.
    codes = keras.ops.convert_to_numpy(encoder(images))
    expect(
        codes.min() >= 0.0,
        "the code has negative values: use activation='relu' on every encoder layer",
    )
    wider = build_encoder(8)
    expect(
        tuple(wider.output_shape) == (None, 7, 7, 8),
        f"build_encoder(8) gives {wider.output_shape}, expected (None, 7, 7, 8): use "
        "code_channels, not a fixed number",
    )
    return (
        "28 × 28 × 1 -> 14 × 14 × 16 -> 7 × 7 × 32 -> a 7 × 7 × 4 code, "
        "5,956 parameters."
    )


def _check_decoder(build_decoder):
    expect_callable(build_decoder, "the function build_decoder")
    decoder = expect_model(build_decoder(4), "build_decoder(4) to return a Keras model")
    _check_shapes(decoder, "the decoder", (None, 7, 7, 4), (None, 28, 28, 1))
    shape = tuple(decoder.output_shape)
    transposed = [
        layer
        for layer in _conv_layers(decoder, keras.layers.Conv2DTranspose)
        if tuple(layer.strides) == (2, 2)
    ]
    expect(
        len(transposed) == 2,
        "expected two Conv2DTranspose layers with strides=2 to grow 7 -> 14 -> 28, "
        f"found {len(transposed)} (UpSampling2D is the other way, compared in "
        "section 6)",
    )
    expect(
        shape[1:3] not in {(15, 15), (31, 31), (29, 29), (30, 30)},
        f"the decoder outputs {shape}: padding='valid' lets each Conv2DTranspose "
        "overhang. Use padding='same', so stride 2 exactly doubles the size",
    )
    expect(
        shape[1:3] == (28, 28),
        f"expected 28 × 28 output images (7 -> 14 -> 28 with strides=2), got {shape}",
    )
    expect(
        shape[3] == 1,
        f"expected 1 output channel (a gray image), got {shape[3]}: end with a "
        "Conv2D of 1 filter",
    )
    count = trainable_count(decoder)
    expect(
        count == 5953,
        f"expected 5,953 parameters (1,184 + 4,624 + 145: 3 × 3 kernels with 32, 16 "
        f"and 1 filters), found {count:,}",
    )
    codes = np.random.default_rng(1).normal(0, 30, (4, 7, 7, 4)).astype("float32")
    outputs = keras.ops.convert_to_numpy(decoder(codes))
    expect(
        outputs.min() >= 0.0 and outputs.max() <= 1.0,
        f"outputs range over [{outputs.min():.2f}, {outputs.max():.2f}]: pixels lie "
        "in [0, 1], so put activation='sigmoid' on the last layer",
    )
    expect(
        tuple(build_decoder(8).input_shape) == (None, 7, 7, 8),
        "build_decoder(8) should take codes of shape (None, 7, 7, 8): "
        "use code_channels",
    )
    return "7 × 7 × 4 -> 14 × 14 × 32 -> 28 × 28 × 16 -> 28 × 28 × 1, 5,953 parameters."


PARAMETER_CASES = [
    (3, 32, 16, True),
    (3, 1, 16, True),
    (5, 3, 8, True),
    (3, 16, 1, False),
]


def _check_parameter_count(conv_parameter_count):
    expect_callable(conv_parameter_count, "the function conv_parameter_count")
    for kernel_size, in_channels, filters, use_bias in PARAMETER_CASES:
        layer = keras.layers.Conv2D(filters, kernel_size, use_bias=use_bias)
        layer.build((None, 8, 8, in_channels))
        expected = layer.count_params()
        got = conv_parameter_count(kernel_size, in_channels, filters, use_bias)
        if got == expected:
            continue
        case = (
            f"kernel_size={kernel_size}, in_channels={in_channels}, filters={filters}, "
            f"use_bias={use_bias}"
        )
        weights = kernel_size * kernel_size * in_channels * filters
        bias = filters if use_bias else 0
        expect(
            got != kernel_size * kernel_size * filters + bias,
            f"for {case} you gave {got}: each filter has a {kernel_size} × "
            f"{kernel_size} kernel for every one of the {in_channels} input channels",
        )
        expect(
            got != kernel_size * in_channels * filters + bias,
            f"for {case} you gave {got}: the kernel is square, kernel_size × "
            "kernel_size weights per input channel",
        )
        expect(
            not (use_bias and got == weights),
            f"for {case} you gave {got}: add the biases, one per filter",
        )
        expect(
            not (not use_bias and got == weights + filters),
            f"for {case} you gave {got}: with use_bias=False there are no biases",
        )
        expect(
            got != (kernel_size * kernel_size + 1) * in_channels * filters,
            f"for {case} you gave {got}: there is one bias per filter (output "
            "channel), not one per input channel",
        )
        expect(False, f"for {case} Keras counts {expected}, your function gives {got}")
    transposed = keras.layers.Conv2DTranspose(16, 3)
    transposed.build((None, 8, 8, 32))
    return (
        "kernel_size² × in_channels × filters + filters. A Conv2DTranspose(16, 3) on "
        f"32 channels has the same count: {transposed.count_params()}."
    )


def _check_checkerboard_cause(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "the demonstration used a kernel of ones, nothing random, and still made the "
        "pattern",
    )
    expect(
        letter != "c",
        "the demonstration has no activation at all, and still makes the pattern",
    )
    return (
        "a 3-wide footprint moved 2 pixels at a time overlaps unevenly: "
        "1, 2 or 4 contributions per output pixel."
    )


def spread_of_constant(kernel_size, strides=2, size=12):
    """Return a ones-kernel Conv2DTranspose's output for an image of ones, 2-D."""
    layer = keras.layers.Conv2DTranspose(
        1,
        kernel_size,
        strides=strides,
        padding="same",
        use_bias=False,
        kernel_initializer="ones",
    )
    output = layer(np.ones((1, size, size, 1), "float32"))
    return keras.ops.convert_to_numpy(output)[0, :, :, 0]


def _check_even_kernel(kernel_size):
    expect(
        isinstance(kernel_size, (int, np.integer))
        and not isinstance(kernel_size, bool),
        f"expected a whole number for kernel_size, got {kernel_size!r}",
    )
    expect(
        2 <= kernel_size <= 8,
        f"expected a kernel size between 2 and 8 pixels, got {kernel_size}",
    )
    output = spread_of_constant(int(kernel_size))
    margin = int(kernel_size)
    interior = output[margin:-margin, margin:-margin]
    values = sorted({int(round(v)) for v in np.unique(interior)})
    expect(
        len(values) == 1,
        f"with kernel_size={kernel_size} and strides=2 the inside of the output holds "
        f"the values {values}: output pixels still get different numbers of "
        "contributions",
    )
    return (
        f"kernel_size={kernel_size} is a multiple of the stride: every inside pixel "
        f"gets {values[0]} contributions, so a constant stays constant."
    )


q1 = Question(
    "02",
    "q1",
    _check_transposed_size,
    "a Conv2DTranspose places one kernel footprint every `strides` pixels. 'same': "
    "size * strides. 'valid': (size - 1) * strides + kernel_size.",
)
q2 = Question(
    "02",
    "q2",
    _check_encoder,
    "keras.layers.Conv2D(16, 3, strides=2, padding='same', activation='relu'), the "
    "same with 32 filters, then Conv2D(code_channels, 3, padding='same', "
    "activation='relu').",
)
q3 = Question(
    "02",
    "q3",
    _check_decoder,
    "mirror the encoder: Conv2DTranspose(32, 3, strides=2, padding='same', "
    "activation='relu'), the same with 16 filters, then Conv2D(1, 3, padding='same', "
    "activation='sigmoid').",
)
q4 = Question(
    "02",
    "q4",
    _check_parameter_count,
    "each of the `filters` kernels has kernel_size * kernel_size * in_channels "
    "weights, plus one bias per filter when use_bias is True.",
)
q5 = Question(
    "02",
    "q5",
    _check_checkerboard_cause,
    "look at the numbers the ones-kernel demonstration printed: what differs from "
    "one output pixel to its neighbour?",
)
q6 = Question(
    "02",
    "q6",
    _check_even_kernel,
    "footprints placed every 2 pixels cover the output evenly when the footprint's "
    "width is a multiple of 2.",
)


def summary():
    """Print a table of notebook 02's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("02")
