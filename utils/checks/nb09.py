"""Checks for notebook 09: sequence-to-sequence (LSTM) autoencoders."""

import keras
import numpy as np

from utils.checks import (
    Question,
    Wrong,
    expect,
    expect_callable,
    expect_choice,
    expect_model,
    to_numpy,
    trainable_count,
)


def _lstm_count(units, inputs):
    """Parameters of an LSTM: 4 gates, each with input and recurrent weights, a bias."""
    return 4 * units * (inputs + units + 1)


def _ramp_images(count=3):
    """Flat images whose pixels all differ, so any reordering shows."""
    values = np.arange(count * 784, dtype="float32") / (count * 784)
    return values.reshape(count, 784)


def _check_rows(rows_as_sequence):
    expect_callable(rows_as_sequence, "the function rows_as_sequence")
    flat = _ramp_images()
    expected = flat.reshape(3, 28, 28)
    result = np.asarray(rows_as_sequence(flat.copy()))
    expect(
        result.shape != (3, 784, 1),
        "you made 784 steps of one pixel each: read the image row by row, 28 steps "
        "of 28 pixels, shape (n, 28, 28)",
    )
    expect(
        result.shape == (3, 28, 28),
        f"expected the shape (n, 28, 28) = (3, 28, 28), got {result.shape}",
    )
    expect(
        not np.allclose(result, expected.transpose(0, 2, 1)),
        "step t holds column t: the steps should be the rows, top to bottom "
        "(no transpose)",
    )
    expect(
        not np.allclose(result, expected[:, ::-1]),
        "the rows run backwards: step 0 should be the top row",
    )
    expect(np.allclose(result, expected), "step t should hold row t of the image")
    channels = np.asarray(rows_as_sequence(flat.reshape(3, 28, 28, 1)))
    expect(
        channels.shape == (3, 28, 28) and np.allclose(channels, expected),
        f"images of shape (n, 28, 28, 1) gave shape {channels.shape}: reshape to "
        "(-1, 28, 28) whatever the input shape",
    )
    return "28 steps of 28 pixels, step t = row t."


def _check_encoder(build_encoder):
    expect_callable(build_encoder, "the function build_encoder")
    encoder = expect_model(build_encoder(32), "build_encoder(32) to return a model")
    probe = np.random.default_rng(0).uniform(size=(4, 28, 28)).astype("float32")
    codes = to_numpy(encoder(probe))
    expect(
        codes.ndim != 3,
        f"the encoder gives one vector per step, shape {codes.shape}: keep only the "
        "last output (return_sequences=False, the default)",
    )
    expect(
        codes.shape == (4, 32),
        f"expected one code of 32 numbers per sequence, shape (4, 32), got "
        f"{codes.shape}",
    )
    count = trainable_count(encoder)
    expected = _lstm_count(32, 28)
    expect(
        count == expected,
        f"expected one LSTM of 32 units on 28 inputs, 4 x 32 x (28 + 32 + 1) = "
        f"{expected:,} parameters, found {count:,}",
    )
    expect(
        isinstance(encoder.layers[-1], keras.layers.LSTM),
        f"expected the encoder's last layer to be the LSTM, found "
        f"{type(encoder.layers[-1]).__name__}",
    )
    shorter = to_numpy(encoder(probe[:, :12]))
    expect(
        shorter.shape == (4, 32),
        f"a sequence of 12 steps gave shape {shorter.shape}: keep the Input's shape "
        "(None, 28), any number of steps",
    )
    small = build_encoder(8)
    expect(
        trainable_count(small) == _lstm_count(8, 28),
        "build_encoder(8) should have an LSTM of 8 units: use code_size",
    )
    return f"LSTM(32) reads 28 rows into one code of 32 numbers, {expected:,} weights."


def _check_decoder(build_decoder):
    expect_callable(build_decoder, "the function build_decoder")
    decoder = expect_model(build_decoder(32), "build_decoder(32) to return a model")
    codes = np.random.default_rng(1).uniform(-3, 3, size=(4, 32)).astype("float32")
    rows = to_numpy(decoder(codes))
    expect(
        rows.shape != (4, 28),
        "the decoder gives one row, shape (4, 28): the LSTM must return its output "
        "at every step (return_sequences=True)",
    )
    expect(
        rows.shape == (4, 28, 28),
        f"expected 28 steps of 28 pixels, shape (4, 28, 28), got {rows.shape}",
    )
    expect(
        rows.min() >= 0.0 and rows.max() <= 1.0,
        "the outputs leave [0, 1]: end with Dense(28, activation='sigmoid')",
    )
    count = trainable_count(decoder)
    expected = _lstm_count(32, 32) + 32 * 28 + 28
    expect(
        count == expected,
        f"expected an LSTM of 32 units on the repeated code ({_lstm_count(32, 32):,}) "
        f"and Dense(28) on each step ({32 * 28 + 28:,}): {expected:,} parameters, "
        f"found {count:,}",
    )
    expect(
        np.ptp(rows, axis=1).max() > 1e-4,
        "every step gives the same row: the steps should differ, so the LSTM must "
        "sit between RepeatVector and the Dense layer",
    )
    short = to_numpy(build_decoder(8, steps=10)(codes[:, :8]))
    expect(
        short.shape == (4, 10, 28),
        f"build_decoder(8, steps=10) gave shape {short.shape}, expected (4, 10, 28): "
        "use code_size and steps",
    )
    return (
        f"RepeatVector(28) -> LSTM(32, return_sequences=True) -> Dense(28, sigmoid), "
        f"{expected:,} parameters."
    )


def _check_repeat_vector(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "RepeatVector adds no information: 28 copies of the same code hold what one "
        "copy holds",
    )
    expect(
        letter != "c",
        "it repeats each code along the time axis inside the model; the batch and the "
        "training set stay as they are",
    )
    return (
        "an LSTM reads one input per step; the repeated code is that input, so the "
        "decoder can write 28 rows from one vector."
    )


def _variable_sequences():
    rng = np.random.default_rng(2)
    return [
        rng.uniform(0.1, 1.0, size=(length, 28)).astype("float32")
        for length in (3, 7, 5)
    ]


def _check_pad(pad_by_hand):
    expect_callable(pad_by_hand, "the function pad_by_hand")
    sequences = _variable_sequences()
    saved = [sequence.copy() for sequence in sequences]
    padded = np.asarray(pad_by_hand(sequences, 9))
    expect(
        all(np.array_equal(a, b) for a, b in zip(sequences, saved)),
        "you changed the input sequences in place: return a new array",
    )
    expect(
        padded.shape == (3, 9, 28),
        f"expected 3 sequences of 9 steps of 28 pixels, shape (3, 9, 28), got "
        f"{padded.shape}" + (": use `length`" if padded.shape == (3, 7, 28) else ""),
    )
    expected = np.asarray(
        keras.utils.pad_sequences(sequences, maxlen=9, dtype="float32", padding="post")
    )
    pre = np.asarray(
        keras.utils.pad_sequences(sequences, maxlen=9, dtype="float32", padding="pre")
    )
    expect(
        not np.allclose(padded, pre),
        "the zeros are in front: put them after each sequence (padding='post'), so "
        "step 0 is still the first row",
    )
    real = expected.any(axis=2)
    expect(
        np.allclose(padded[real], expected[real]),
        "the sequences' own rows changed: copy sequence i into padded[i, :len(i)]",
    )
    expect(
        np.all(padded[~real] == 0.0),
        "the padded steps should hold zeros (the value Masking will skip)",
    )
    expect(
        np.asarray(padded).dtype == np.float32,
        f"expected float32, got {np.asarray(padded).dtype}",
    )
    return "each sequence first, then zeros up to `length` steps."


def _masking_probe():
    lstm = keras.layers.LSTM(
        8,
        kernel_initializer=keras.initializers.GlorotUniform(seed=3),
        recurrent_initializer=keras.initializers.Orthogonal(seed=4),
        bias_initializer=keras.initializers.RandomUniform(-0.5, 0.5, seed=5),
    )
    lstm.build((None, None, 28))
    sequences = _variable_sequences()
    return lstm, sequences


def _pad(sequences, length):
    return np.asarray(
        keras.utils.pad_sequences(
            sequences, maxlen=length, dtype="float32", padding="post"
        )
    )


def _check_masked_encoder(build_masked_encoder):
    expect_callable(build_masked_encoder, "the function build_masked_encoder")
    lstm, sequences = _masking_probe()
    encoder = expect_model(
        build_masked_encoder(lstm), "build_masked_encoder(lstm_layer) to return a model"
    )
    short = to_numpy(encoder(_pad(sequences, 7)))
    expect(
        short.shape == (3, 8),
        f"expected one code of 8 numbers per sequence, shape (3, 8), got {short.shape}",
    )
    alone = np.stack([to_numpy(lstm(sequence[None]))[0] for sequence in sequences])
    long = to_numpy(encoder(_pad(sequences, 20)))
    expect(
        np.allclose(short[1], alone[1], atol=1e-5),
        "the longest sequence (no padding) got another code than lstm_layer gives it: "
        "call the lstm_layer you are given, which holds the trained weights",
    )
    expect(
        np.allclose(long, short, atol=1e-5),
        "more padding changed the codes: the LSTM still reads the zero steps; put "
        "keras.layers.Masking(mask_value=0.0) before it",
    )
    expect(
        np.allclose(long, alone, atol=1e-5),
        "the codes of the padded sequences differ from those of the sequences alone",
    )
    return "the padded steps are skipped: the code is the same with or without padding."


def _check_masking_gap(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "b",
        "Masking looks at each step on its own: any step whose values all equal "
        "mask_value is skipped, wherever it is",
    )
    expect(
        letter != "c",
        "no error: Masking accepts zero steps anywhere in the sequence",
    )
    return (
        "a blank row inside the digit looks exactly like padding, so it is skipped; "
        "choose a mask value that real data never takes when that matters."
    )


def _step_probe():
    rng = np.random.default_rng(4)
    sequences = rng.uniform(size=(3, 6, 28)).astype("float32")
    reconstructions = rng.uniform(size=(3, 6, 28)).astype("float32")
    return sequences, reconstructions


def _check_step_errors(step_errors):
    expect_callable(step_errors, "the function step_errors")
    sequences, reconstructions = _step_probe()
    errors = np.asarray(step_errors(sequences, reconstructions))
    squared = (sequences - reconstructions) ** 2
    expected = squared.mean(axis=2)
    expect(
        errors.shape != (3, 28),
        "you averaged over the steps: average over the 28 pixels of each step "
        "(axis=-1)",
    )
    expect(
        errors.shape == (3, 6),
        f"expected one error per sequence and step, shape (3, 6), got {errors.shape}",
    )
    expect(
        not np.allclose(errors, squared.sum(axis=2)),
        "you summed the squared errors: take their mean over the 28 pixels",
    )
    expect(
        not np.allclose(errors, np.abs(sequences - reconstructions).mean(axis=2)),
        "you averaged absolute differences: square them",
    )
    expect(
        not np.allclose(errors, np.sqrt(expected)),
        "that is the root of the mean squared error: leave out the square root",
    )
    expect(
        np.allclose(errors, expected, atol=1e-6),
        "expected the mean over the 28 pixels of (sequence - reconstruction) ** 2",
    )
    return "one mean squared error per step."


def _check_worst_stretch(worst_stretch):
    expect_callable(worst_stretch, "the function worst_stretch")
    errors = np.array(
        [
            [0.0, 0.0, 5.0, 0.0, 0.0, 3.0, 3.0, 3.0, 0.0, 0.0],
            [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0],
        ],
        dtype="float32",
    )
    starts = np.asarray(worst_stretch(errors, 3))
    expect(
        starts.shape == (3,),
        f"expected one start per sequence, shape (3,), got {starts.shape}",
    )
    expect(
        np.issubdtype(starts.dtype, np.integer),
        f"expected integer step indices, got dtype {starts.dtype}",
    )
    expect(
        not np.array_equal(starts, [2, 0, 7]),
        "you found the single worst step: the window of 3 steps with the largest "
        "sum starts at step 5 in the first sequence (3 + 3 + 3 > 5)",
    )
    expect(
        not np.array_equal(starts, [7, 2, 9]),
        "you returned the last step of each window: return its first step",
    )
    expect(
        np.array_equal(starts, [5, 0, 7]),
        f"expected the windows to start at [5, 0, 7], got {starts.tolist()}",
    )
    one = np.asarray(worst_stretch(errors, 1))
    expect(
        np.array_equal(one, [2, 0, 7]),
        f"with window=1 expected the worst steps [2, 0, 7], got {one.tolist()}: use "
        "`window`",
    )
    return "the first step of the window with the largest total error."


q1 = Question(
    "09",
    "q1",
    _check_rows,
    "np.reshape(images, (-1, 28, 28)): C order fills each row of 28 pixels in turn.",
)
q2 = Question(
    "09",
    "q2",
    _check_encoder,
    "code = keras.layers.LSTM(code_size)(inputs): without return_sequences an LSTM "
    "returns only its output after the last step.",
)
q3 = Question(
    "09",
    "q3",
    _check_decoder,
    "keras.layers.RepeatVector(steps)(codes), then keras.layers.LSTM(code_size, "
    "return_sequences=True), then keras.layers.Dense(28, activation='sigmoid').",
)
q4 = Question(
    "09",
    "q4",
    _check_repeat_vector,
    "what does an LSTM layer need at each of the 28 steps it runs?",
)
q5 = Question(
    "09",
    "q5",
    _check_pad,
    "padded = np.zeros((len(sequences), length, 28), 'float32'); then "
    "padded[i, :len(sequence)] = sequence for each i.",
)
q6 = Question(
    "09",
    "q6",
    _check_masked_encoder,
    "masked = keras.layers.Masking(mask_value=0.0)(inputs); code = lstm_layer(masked).",
)
q7 = Question(
    "09",
    "q7",
    _check_masking_gap,
    "Masking decides step by step: does it know where the padding starts?",
)
q8 = Question(
    "09",
    "q8",
    _check_step_errors,
    "np.mean((sequences - reconstructions) ** 2, axis=-1).",
)
q9 = Question(
    "09",
    "q9",
    _check_worst_stretch,
    "sums = [errors[:, t : t + window].sum(axis=1) for t in range(num_steps - window "
    "+ 1)]; "
    "return np.argmax(np.stack(sums, axis=1), axis=1).",
)

__all__ = ["Wrong", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"]


def summary():
    """Print a table of notebook 09's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("09")
