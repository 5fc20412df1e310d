"""Checks for notebook 09: sequence-to-sequence (LSTM) autoencoders."""

import keras
import numpy as np

from utils import sequences as reference
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
    result = pad_by_hand(sequences, 9)
    expect(
        isinstance(result, tuple) and len(result) == 2,
        "expected two results, (padded, mask): the padded batch and the boolean mask "
        f"of its real steps; got {type(result).__name__}",
    )
    padded, mask = np.asarray(result[0]), np.asarray(result[1])
    expect(
        all(np.array_equal(a, b) for a, b in zip(sequences, saved)),
        "you changed the input sequences in place: return a new array",
    )
    expect(
        padded.shape == (3, 9, 28),
        f"expected 3 sequences of 9 steps of 28 pixels, shape (3, 9, 28), got "
        f"{padded.shape}" + (": use `length`" if padded.shape == (3, 7, 28) else ""),
    )
    expected, expected_mask = reference.pad(saved, 9)
    pre = np.asarray(
        keras.utils.pad_sequences(saved, maxlen=9, dtype="float32", padding="pre")
    )
    expect(
        not np.allclose(padded, pre),
        "the zeros are in front: put them after each sequence (post-padding), so "
        "step 0 is still the first row",
    )
    expect(
        np.allclose(padded[expected_mask], expected[expected_mask]),
        "the sequences' own rows changed: copy sequence i into the first len(i) steps "
        "of row i",
    )
    expect(
        np.all(padded[~expected_mask] == 0.0),
        "the padded steps should hold zeros (the value Masking will skip)",
    )
    expect(
        padded.dtype == np.float32, f"expected float32, got {padded.dtype}"
    )
    expect(
        mask.shape == (3, 9),
        f"expected one mask value per sequence and step, shape (3, 9), got {mask.shape}",
    )
    expect(
        mask.dtype == bool, f"expected a boolean mask (True, False), got {mask.dtype}"
    )
    expect(
        not np.array_equal(mask, ~expected_mask),
        "the mask is inverted: True should mark the real steps, False the padding",
    )
    expect(
        np.array_equal(mask, expected_mask),
        f"expected the mask True on the first {[len(s) for s in saved]} steps of the "
        f"rows, got {mask.sum(axis=1).tolist()} True per row",
    )
    return "each sequence first, zeros up to `length`, and True on its real steps."


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


def _loss_probe():
    """Three sequences of 5, 2 and 4 real steps out of 6, and outputs far off on padding."""
    rng = np.random.default_rng(4)
    targets = rng.uniform(size=(3, 6, 4)).astype("float32")
    outputs = rng.uniform(size=(3, 6, 4)).astype("float32")
    mask = np.arange(6)[None, :] < np.array([5, 2, 4])[:, None]
    targets[~mask] = 0.0
    outputs[~mask] += 3.0  # a decoder writing nonsense after the end
    return targets, outputs, mask


def _scalar(value, what):
    array = to_numpy(value, "float64")
    expect(
        array.ndim == 0 or array.size == 1,
        f"expected one number for {what}, got an array of shape {array.shape}: average "
        "over the real steps of the whole batch",
    )
    return float(array.reshape(-1)[0])


def _check_masked_loss(masked_step_loss):
    expect_callable(masked_step_loss, "the function masked_step_loss")
    targets, outputs, mask = _loss_probe()
    got = _scalar(masked_step_loss(targets, outputs, mask), "the loss")
    step = ((targets - outputs) ** 2).mean(axis=-1)
    expected = float(to_numpy(reference.masked_step_loss(targets, outputs, mask)))
    wrong = {
        "all": step.mean(),
        "inverted": step[~mask].mean(),
        "divided_by_all": (step * mask).sum() / mask.size,
        "per_sequence": np.mean([row[m].mean() for row, m in zip(step, mask)]),
        "summed": ((targets - outputs) ** 2).sum(axis=-1)[mask].mean(),
        "total": (step * mask).sum(),
    }
    expect(
        not np.isclose(got, wrong["all"], rtol=1e-4),
        "you averaged over the padded steps too: the outputs after the end of a "
        "sequence changed the loss; keep only the steps where the mask is True",
    )
    expect(
        not np.isclose(got, wrong["inverted"], rtol=1e-4),
        "you averaged over the padded steps only: the mask is True on the real steps",
    )
    expect(
        not np.isclose(got, wrong["divided_by_all"], rtol=1e-4),
        "you zeroed the padded steps but divided by every step: divide by the number "
        "of real steps, or the loss shrinks as the padding grows",
    )
    expect(
        not np.isclose(got, wrong["per_sequence"], rtol=1e-4),
        "you averaged each sequence first, then the sequences: every real step should "
        "count once, so a long sequence weighs more than a short one",
    )
    expect(
        not np.isclose(got, wrong["summed"], rtol=1e-4),
        "you summed the squared errors over the features: take their mean per step",
    )
    expect(
        not np.isclose(got, wrong["total"], rtol=1e-4),
        "you returned the sum over the real steps: divide it by their number",
    )
    expect(
        np.isclose(got, expected, rtol=1e-4),
        f"expected {expected:.5f} on the check's batch (mean over the real steps of "
        f"the per-step mean squared error), got {got:.5f}",
    )
    moved = outputs.copy()
    moved[~mask] = 0.5
    again = _scalar(masked_step_loss(targets, moved, mask), "the loss")
    expect(
        np.isclose(again, got, rtol=1e-5),
        "changing the outputs on the padded steps changed the loss: they must not "
        "count (their gradient must be 0)",
    )
    zero_one = _scalar(masked_step_loss(targets, outputs, mask.astype("float32")), "")
    expect(
        np.isclose(zero_one, got, rtol=1e-4),
        "a mask of 0.0 and 1.0 gave another value than the boolean mask: treat it as "
        "weights 0 and 1",
    )
    return (
        f"{expected:.4f} on the check's batch: the padded steps count for nothing, "
        "each real step counts once."
    )


PREDICT_OPTIONS = "abcd"


def _check_lazy_decoder(prediction, all_steps_loss, real_steps_loss, real_share):
    letter = expect_choice(prediction, set(PREDICT_OPTIONS))
    ratio = all_steps_loss / real_steps_loss
    if np.isclose(ratio, 1.0, rtol=0.02):
        actual = "a"
    elif ratio > 1.0:
        actual = "b"
    elif np.isclose(ratio, real_share, rtol=0.02):
        actual = "d"
    else:
        actual = "c"
    measured = (
        f"over all steps {all_steps_loss:.4f}, over the real steps {real_steps_loss:.4f}: "
        f"a ratio of {ratio:.3f}, and {real_share:.1%} of the steps are real"
    )
    expect(
        letter == actual,
        f"the run says otherwise: {measured}. "
        + {
            "a": "The blank output is wrong on the inked rows and exactly right on "
            "the padding, so which steps are averaged matters.",
            "b": "The padded steps add no error: the padding is zeros and so is the "
            "output there.",
            "c": "The factor is not one half: it is the share of real steps in the "
            "batch, here far more than half.",
            "d": "",
        }[letter],
    )
    return (
        "the all-steps mean is lower by the share of real steps, as printed above: each "
        "padded step adds a perfect 0 to it, so the padding hides error."
    )


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


# The challenge: the trained LSTM autoencoder's test BCE on the first 1,000 test digits.
CHALLENGE_BCE = {"full": 0.16, "fast": 0.32}
CHALLENGE_IMAGES = 1000


def _check_challenge(autoencoder, test_sequences):
    from utils import config

    model = expect_model(autoencoder, "the trained sequence autoencoder")
    sequences = np.asarray(test_sequences, dtype="float32")[:CHALLENGE_IMAGES]
    expect(
        sequences.ndim == 3 and sequences.shape[1:] == (28, 28),
        f"expected the test sequences, shape (n, 28, 28), got {sequences.shape}",
    )
    outputs = to_numpy(model.predict(sequences, batch_size=500, verbose=0))
    expect(
        outputs.shape == sequences.shape,
        f"the model maps {sequences.shape} to {outputs.shape}: pass the autoencoder",
    )
    bce = float(
        to_numpy(keras.losses.BinaryCrossentropy()(sequences, outputs))
    )
    mode = "fast" if config.fast_mode() else "full"
    target = CHALLENGE_BCE[mode]
    expect(
        bce < target,
        f"test BCE {bce:.4f} on the first {len(sequences):,} test digits; the target "
        f"({mode} mode) is below {target}: more updates (epochs, images, a smaller "
        "batch) or another learning rate",
    )
    return "the test BCE is below the target for this mode (the numbers: section 4)."


q1 = Question(
    "09",
    "q1",
    _check_rows,
    [
        "a flat image stores its pixels row after row: which shape puts one row at "
        "each step?",
        "no pixel has to move: one reshape to (number of images, 28 steps, 28 pixels), "
        "with -1 for the number of images, works for flat and for channel inputs.",
    ],
)
q2 = Question(
    "09",
    "q2",
    _check_encoder,
    [
        "a recurrent layer can give its output at every step or only after the last "
        "one: the code is one vector per sequence.",
        "one keras.layers.LSTM of code_size units on the inputs, with the default "
        "return_sequences (False): its output after the last step is the code.",
    ],
)
q3 = Question(
    "09",
    "q3",
    _check_decoder,
    [
        "an LSTM runs one step per input step: where do 28 inputs come from when you "
        "have one code?",
        "RepeatVector(steps) makes the code an input at every step; an LSTM of "
        "code_size units returning its whole sequence; a Dense layer of 28 sigmoid "
        "units acts on each step.",
    ],
)
q4 = Question(
    "09",
    "q4",
    _check_repeat_vector,
    [
        "what does an LSTM layer need at each of the 28 steps it runs?",
        "count the inputs an LSTM reads to produce 28 outputs, and ask where the "
        "decoder's inputs come from when all it has is one code.",
    ],
)
q5 = Question(
    "09",
    "q5",
    _check_pad,
    [
        "start from a batch of zeros of the final shape, and a mask that says which "
        "steps were filled.",
        "np.zeros of (n, length, 28) in float32 and np.zeros of (n, length) of "
        "dtype bool; copy sequence i into the first len(i) steps of row i and mark "
        "the same steps True.",
    ],
)
q6 = Question(
    "09",
    "q6",
    _check_masked_encoder,
    [
        "the LSTM reads every step it is given, zeros included: something before it "
        "must tell it which steps to skip.",
        "keras.layers.Masking with mask_value=0.0 marks all-zero steps; call the "
        "given lstm_layer on its output (a new LSTM would have untrained weights).",
    ],
)
q7 = Question(
    "09",
    "q7",
    _check_masking_gap,
    [
        "Masking decides step by step: does it know where the padding starts?",
        "compare a blank row inside the digit with a padded row: what tells them "
        "apart, for a layer that sees one step at a time?",
    ],
)
q8 = Question(
    "09",
    "q8",
    _check_masked_loss,
    [
        "two averages: over the features of a step, then over the steps that are "
        "real. The padded steps must not enter the second one, neither its sum nor "
        "its count.",
        "the squared error averaged over the last axis gives an (n, steps) array; "
        "multiply it by the mask as 0/1 weights, sum, and divide by the sum of the "
        "mask (keras.ops or NumPy).",
    ],
)
q9 = Question(
    "09",
    "q9",
    _check_lazy_decoder,
    [
        "on a padded step the target is zeros, and so is the blank output: what "
        "error does that step add, and to which average?",
        "the all-steps mean has the same total error divided by more steps: by how "
        "many more? Compare the ratio with the share of real steps.",
    ],
)
q10 = Question(
    "09",
    "q10",
    _check_worst_stretch,
    [
        "one large step is not a stretch: add the errors of `window` steps in a row, "
        "for every place the window fits, and keep the best place.",
        "there are steps - window + 1 windows; their sums make an (n, windows) array "
        "(a loop over the start, or np.convolve per row); np.argmax along the "
        "windows gives the earliest of the largest.",
    ],
)
q11 = Question(
    "09",
    "q11",
    _check_challenge,
    [
        "the LSTM autoencoder leaves its first plateau only after enough updates.",
        "in section 4: more epochs or more images, a batch of 16 or 32, Adam at 0.001 "
        "to 0.003 with clipnorm; the check predicts the first 1,000 test digits.",
    ],
)

__all__ = [
    "Wrong", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11",
]


def summary():
    """Print a table of notebook 09's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("09")
