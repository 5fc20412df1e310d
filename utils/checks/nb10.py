"""Checks for notebook 10: sequence-to-sequence translation and zero-shot directions."""

import keras
import numpy as np

from utils import translation as reference
from utils.checks import Question, Wrong, expect, expect_callable, expect_choice, to_numpy


def _ids(value, what):
    array = to_numpy(value)
    expect(
        np.issubdtype(array.dtype, np.integer),
        f"expected {what} as integer ids, got dtype {array.dtype}",
    )
    return array


def _source_probe():
    """Three padded source rows and their three target-language tokens."""
    source = np.array([[9, 10, 11, 0], [12, 13, 0, 0], [14, 15, 16, 17]], "int32")
    tokens = np.array([3, 5, 4], "int32")
    return source, tokens


def _check_target_token(add_target_token):
    expect_callable(add_target_token, "the function add_target_token")
    source, tokens = _source_probe()
    saved = source.copy()
    result = _ids(add_target_token(source, tokens), "the result")
    expect(np.array_equal(source, saved), "you changed source_ids in place: return a new array")
    expected = reference.add_target_token(saved, tokens)
    expect(
        result.shape != saved.shape,
        f"the shape stayed {saved.shape}: you wrote the token over the first character; "
        "the result has one more step, shape (n, steps + 1)",
    )
    expect(
        result.shape == expected.shape,
        f"expected shape (n, steps + 1) = {expected.shape}, got {result.shape}",
    )
    expect(
        not np.array_equal(result, np.concatenate([saved, tokens[:, None]], axis=1)),
        "the token is at the end: put it in front, so the encoder reads it first",
    )
    expect(
        not np.array_equal(result[:, 0], np.full(3, tokens[0])),
        "every row got the first row's token: row i gets token_ids[i]",
    )
    expect(
        np.array_equal(result[:, 0], tokens),
        f"expected step 0 to hold the tokens {tokens.tolist()}, got {result[:, 0].tolist()}",
    )
    expect(
        np.array_equal(result, expected),
        "step 0 is right, but the source characters after it changed: copy them as they are",
    )
    single = _ids(add_target_token(saved, 4), "the result")
    expect(
        np.array_equal(single, reference.add_target_token(saved, 4)),
        "one int as token_ids should go in front of every row",
    )
    return "[<2xx>, source characters...]: one more step, the token first."


def _target_probe():
    return np.array([[20, 21, 22, 2, 0], [23, 24, 2, 0, 0]], "int32")


def _check_shift(shift_right):
    expect_callable(shift_right, "the function shift_right")
    targets = _target_probe()
    saved = targets.copy()
    result = _ids(shift_right(targets, 1), "the decoder inputs")
    expect(np.array_equal(targets, saved), "you changed targets in place: return a new array")
    expected = reference.shift_right(saved, 1)
    expect(
        result.shape == saved.shape,
        f"expected the shape of targets, {saved.shape}, got {result.shape}: drop the last "
        "step after adding the start token",
    )
    expect(
        not np.array_equal(result, np.roll(saved, 1, axis=1)),
        "step 0 holds the last target step: np.roll wraps around; step 0 should be start_id",
    )
    left = np.concatenate([saved[:, 1:], np.zeros((2, 1), "int32")], axis=1)
    expect(
        not np.array_equal(result[:, :-1], left[:, :-1]),
        "you shifted to the left: at step t the decoder would read the character it "
        "must write at step t + 1; it should read the one of step t - 1",
    )
    expect(
        not np.array_equal(result, saved),
        "the decoder inputs equal the targets: the decoder would read the answer it "
        "must write",
    )
    expect(
        np.all(result[:, 0] == 1),
        f"expected start_id (1) at step 0 of every row, got {result[:, 0].tolist()}",
    )
    expect(np.array_equal(result, expected), f"expected {expected.tolist()}, got {result.tolist()}")
    other = _ids(shift_right(saved, 7), "the decoder inputs")
    expect(
        np.array_equal(other, reference.shift_right(saved, 7)),
        "with start_id=7 step 0 should hold 7: use start_id",
    )
    return "[<start>, target[0], ..., target[-2]]: at step t the decoder reads step t - 1."


def _check_teacher_forcing(answer):
    letter = expect_choice(answer, {"a", "b", "c", "d"})
    expect(
        letter != "a",
        "that is inference (greedy decoding); in training the true previous character "
        "is fed, so one early mistake does not spoil the rest of the sequence",
    )
    expect(
        letter != "b",
        "if it read the character it must write, copying it would be a perfect answer "
        "and it would learn nothing",
    )
    expect(
        letter != "d",
        "the encoder's outputs reach the decoder through its first state (and through "
        "attention later); its input at step t is a character of the target",
    )
    return "teacher forcing: the true character of step t - 1, <start> at step 0."


class _CountingStep:
    """A decoder step whose next symbol depends on the previous symbol and the state."""

    vocabulary = 11

    def __init__(self):
        self.calls = 0

    def __call__(self, previous, state):
        self.calls += 1
        previous = to_numpy(previous).astype("int64").reshape(-1)
        state = to_numpy(state)
        expect(
            previous.shape == (3,),
            f"step was given previous ids of shape {previous.shape}: give it one id per "
            "row, shape (n,) = (3,)",
        )
        chosen = (2 * previous + state.astype("int64")[:, 0]) % self.vocabulary
        probabilities = np.full((3, self.vocabulary), 0.01, "float32")
        probabilities[np.arange(3), chosen] = 0.9
        return probabilities, state + 1.0


def _probe_state():
    return np.array([[0.0], [3.0], [5.0]], "float32")


def _expected_decode(max_length=4, start_id=1):
    return reference.greedy_decode(
        _CountingStep(), _probe_state(), np.full(3, start_id), max_length
    )


def _check_greedy(greedy_decode):
    expect_callable(greedy_decode, "the function greedy_decode")
    step = _CountingStep()
    result = to_numpy(greedy_decode(step, _probe_state(), np.full(3, 1), 4))
    expected = _expected_decode()
    expect(
        result.ndim != 3,
        f"you returned probabilities, shape {result.shape}: return the chosen ids, the "
        "argmax over the vocabulary, shape (n, max_length)",
    )
    expect(
        result.shape != (3, 5),
        "you returned max_length + 1 steps: leave out the start token",
    )
    expect(
        result.shape == (3, 4),
        f"expected one id per row and step, shape (3, 4), got {result.shape}",
    )
    expect(
        np.issubdtype(result.dtype, np.integer),
        f"expected integer ids, got dtype {result.dtype}",
    )
    expect(
        step.calls == 4,
        f"step was called {step.calls} times for 3 rows and 4 steps: call it once per "
        "step for the whole batch",
    )
    constant = _CountingStep()
    fed_start = np.stack(
        [constant(np.full(3, 1), _probe_state() + t)[0].argmax(-1) for t in range(4)], 1
    )
    expect(
        not np.array_equal(result, fed_start),
        "you gave step the start id at every step: feed back the id chosen at the step "
        "before",
    )
    stuck = []
    previous = np.full(3, 1)
    for _ in range(4):
        previous = constant(previous, _probe_state())[0].argmax(-1)
        stuck.append(previous)
    expect(
        not np.array_equal(result, np.stack(stuck, 1)),
        "the state never moved on: pass to each step the state that the previous call "
        "returned",
    )
    expect(
        np.array_equal(result, expected),
        f"expected {expected.tolist()}, got {result.tolist()}",
    )
    other = to_numpy(greedy_decode(_CountingStep(), _probe_state(), np.full(3, 4), 2))
    expect(
        np.array_equal(other, _expected_decode(2, 4)),
        "with first_ids of 4 and max_length=2 the result differs from the reference: use "
        "first_ids and max_length",
    )
    return "one call of step per position for the whole batch, each argmax fed back."


PAIRS = (
    ["vingt-trois", "cent", "dreiundzwanzig", "sept"],
    ["vingt-trois", "cents", "zweiundzwanzig", "sieben"],
)


def _check_cer(character_error_rate):
    from rapidfuzz.distance import Levenshtein

    expect_callable(character_error_rate, "the function character_error_rate")
    predictions, references = PAIRS
    got = to_numpy(character_error_rate(list(predictions), list(references)), "float64")
    expect(got.size == 1, f"expected one number, got an array of shape {got.shape}")
    got = float(got.reshape(-1)[0])
    edits = [Levenshtein.distance(p, r) for p, r in zip(predictions, references)]
    lengths = [len(r) for r in references]
    positional = sum(
        sum(a != b for a, b in zip(p, r)) + abs(len(p) - len(r))
        for p, r in zip(predictions, references)
    )
    wrong = {
        "mean": np.mean([e / n for e, n in zip(edits, lengths)]),
        "predictions": sum(edits) / sum(len(p) for p in predictions),
        "total": float(sum(edits)),
        "positional": positional / sum(lengths),
        "accuracy": 1 - sum(edits) / sum(lengths),
    }
    expected = reference.character_error_rate(list(predictions), list(references))
    expect(
        not np.isclose(got, wrong["total"]),
        "you returned the number of edits: divide it by the number of reference "
        "characters",
    )
    expect(
        not np.isclose(got, wrong["mean"]),
        "you averaged the rates of the pairs: a short pair then counts as much as a long "
        "one; add up the edits of all pairs and divide by all reference characters",
    )
    expect(
        not np.isclose(got, wrong["predictions"]),
        "you divided by the length of the predictions: divide by the references' (a "
        "model that writes less must not score better)",
    )
    expect(
        not np.isclose(got, wrong["positional"]),
        "you compared the characters position by position: 'sept' and 'sieben' differ "
        "by edits (insertions, deletions, substitutions), the Levenshtein distance",
    )
    expect(
        not np.isclose(got, wrong["accuracy"]),
        "you returned 1 - the error rate: 0 should mean perfect",
    )
    expect(
        np.isclose(got, expected),
        f"expected {expected:.4f} on the check's pairs, got {got:.4f}",
    )
    same = float(to_numpy(character_error_rate(list(references), list(references))))
    expect(np.isclose(same, 0.0), f"perfect predictions gave {same}, expected 0")
    return f"{expected:.4f} on the check's pairs: all edits over all reference characters."


ZERO_SHOT_OPTIONS = "abcd"


def zero_shot_outcome(table):
    """Return the letter that the measured table supports, and the numbers it read."""
    seen = table[table["training"] == "seen"]["exact match %"].mean()
    zero = table[table["training"] == "zero-shot"]["exact match %"].mean()
    seen_cer = table[table["training"] == "seen"]["CER"].mean()
    zero_cer = table[table["training"] == "zero-shot"]["CER"].mean()
    if zero > seen:
        letter = "a"
    elif zero >= 0.8 * seen:
        letter = "b"
    elif zero >= 0.5 * seen:
        letter = "c"
    else:
        letter = "d"
    return letter, (seen, zero, seen_cer, zero_cer)


def _check_zero_shot(prediction, table):
    letter = expect_choice(prediction, set(ZERO_SHOT_OPTIONS))
    expect(
        hasattr(table, "columns")
        and {"training", "exact match %", "CER"} <= set(table.columns),
        "expected the results table of the section (a DataFrame with the columns "
        "'training', 'exact match %' and 'CER')",
    )
    actual, (seen, zero, seen_cer, zero_cer) = zero_shot_outcome(table)
    measured = (
        f"the seen directions average {seen:.1f} % exact matches (CER {seen_cer:.2f}), "
        f"the zero-shot ones {zero:.1f} % (CER {zero_cer:.2f})"
    )
    # The options run from the highest zero-shot score (a) to the lowest (d).
    too_high = ZERO_SHOT_OPTIONS.index(letter) < ZERO_SHOT_OPTIONS.index(actual)
    if not too_high:
        why = ("The zero-shot directions did better than the seen ones." if actual == "a"
               else "The gap is smaller than that.")
    elif letter == "a":
        why = "Nothing in training rewards French to German more than the directions it practised."
    elif letter == "b":
        why = ("Sharing the encoder and decoder does not carry a direction over for free; "
               "read the outputs below the table.")
    else:
        why = "The gap is larger than that."
    expect(letter == actual, f"the run says otherwise: {measured}. {why}")
    return {
        "a": "the zero-shot directions beat the seen ones in this run.",
        "b": "the zero-shot directions come close to the seen ones in this run.",
        "c": "the zero-shot directions reach between half and 80 % of the seen ones' "
        "exact matches in this run.",
        "d": "the zero-shot directions score less than half the seen ones' exact "
        "matches in this run, as the table shows.",
    }[actual]


def _attention_probe():
    rng = np.random.default_rng(10)
    queries = rng.normal(size=(2, 3, 4)).astype("float32")
    values = rng.normal(size=(2, 5, 4)).astype("float32")
    return queries, values


def _check_attention(dot_attention):
    expect_callable(dot_attention, "the function dot_attention")
    queries, values = _attention_probe()
    result = dot_attention(queries, values)
    expect(
        isinstance(result, (tuple, list)) and len(result) == 2,
        "expected two results, (context, weights)",
    )
    context, weights = to_numpy(result[0], "float64"), to_numpy(result[1], "float64")
    layer_context, layer_weights = keras.layers.Attention()(
        [queries, values], return_attention_scores=True
    )
    layer_context = to_numpy(layer_context, "float64")
    layer_weights = to_numpy(layer_weights, "float64")
    expect(
        weights.shape == (2, 3, 5),
        f"expected weights of shape (n, query_steps, value_steps) = (2, 3, 5), got "
        f"{weights.shape}",
    )
    expect(
        np.allclose(weights.sum(axis=-1), 1.0, atol=1e-4),
        "the weights of a query do not sum to 1 over the value steps: take the softmax "
        "of the scores along the last axis"
        + (" (you took it along the query axis)"
           if np.allclose(weights.sum(axis=1), 1.0, atol=1e-4) else ""),
    )
    scaled = keras.ops.softmax(
        np.einsum("nqd,nvd->nqv", queries, values) / np.sqrt(4.0), axis=-1
    )
    expect(
        not np.allclose(weights, to_numpy(scaled, "float64"), atol=1e-4),
        "you divided the scores by sqrt(units): Luong's dot score is not scaled (the "
        "Transformer's is)",
    )
    expect(
        np.allclose(weights, layer_weights, atol=1e-4),
        "the weights differ from keras.layers.Attention's: the score of a query and a "
        "value step is their dot product",
    )
    expect(
        context.shape == (2, 3, 4),
        f"expected a context of shape (n, query_steps, units) = (2, 3, 4), got "
        f"{context.shape}",
    )
    expect(
        np.allclose(context, layer_context, atol=1e-4),
        "the weights are right but the context is not: it is the weighted sum of the "
        "values (the encoder's outputs), weights @ values",
    )
    return "softmax of the dot products over the source steps, then the weighted mean."


CHALLENGE_EXACT = {"full": 0.6, "fast": 0.02}
CHALLENGE_NUMBERS = 200


def _check_challenge(translate, test_numbers):
    from utils import config

    expect_callable(translate, "the function translate(numbers, source, target)")
    numbers = np.asarray(test_numbers)[:CHALLENGE_NUMBERS]
    expect(
        numbers.ndim == 1 and np.issubdtype(numbers.dtype, np.integer) and len(numbers),
        "expected the test numbers, a vector of ints",
    )
    mode = "fast" if config.fast_mode() else "full"
    scores = []
    for source, target in (("en", "de"), ("de", "en"), ("en", "fr"), ("fr", "en")):
        predictions = translate(numbers, source, target)
        expect(
            isinstance(predictions, list) and len(predictions) == len(numbers),
            f"translate(numbers, {source!r}, {target!r}) should return a list of "
            f"{len(numbers)} str",
        )
        scores.append(
            reference.exact_match(predictions, reference.number_words(numbers, target))
        )
    score = float(np.mean(scores))
    expect(
        score >= CHALLENGE_EXACT[mode],
        f"exact match {score:.1%} on the four seen directions of the first "
        f"{len(numbers)} test numbers; the target ({mode} mode) is "
        f"{CHALLENGE_EXACT[mode]:.0%}: more epochs or units, or another learning rate",
    )
    return "the seen directions reach the target exact match for this mode."


q1 = Question(
    "10",
    "q1",
    _check_target_token,
    [
        "the token names the language to write, and the encoder should read it before "
        "anything else.",
        "one new column in front: token_ids as a column of shape (n, 1) joined to "
        "source_ids along the step axis (np.concatenate, or np.insert).",
    ],
)
q2 = Question(
    "10",
    "q2",
    _check_shift,
    [
        "at step t the decoder reads the true character of step t - 1; what does it read "
        "at step 0, when nothing has been written yet?",
        "a column of start_id in front, and the last column of targets dropped, so the "
        "shape stays (n, steps).",
    ],
)
q3 = Question(
    "10",
    "q3",
    _check_teacher_forcing,
    [
        "what can the decoder know at step t without seeing the answer of step t?",
        "in training the whole target is known in advance; the decoder inputs are what "
        "shift_right made of it.",
    ],
)
q4 = Question(
    "10",
    "q4",
    _check_greedy,
    [
        "the whole batch moves one step at a time: the ids chosen at one step are the "
        "inputs of the next, and so is the state.",
        "a loop of max_length steps: call step with the previous ids and the state, keep "
        "the argmax over the last axis as the new previous ids, keep the new state, and "
        "stack the chosen ids along axis 1.",
    ],
)
q5 = Question(
    "10",
    "q5",
    _check_cer,
    [
        "count the edits (insertions, deletions, substitutions) that turn each prediction "
        "into its reference, over the whole list, and relate them to the references' "
        "length.",
        "rapidfuzz.distance.Levenshtein.distance(prediction, reference) counts the edits "
        "of one pair; sum them over the pairs and divide by the sum of the references' "
        "lengths.",
    ],
)
q6 = Question(
    "10",
    "q6",
    _check_zero_shot,
    [
        "in training, did the decoder ever write German from an encoding of French?",
        "the encoder has only learnt to encode French for an English decoder; read a few "
        "zero-shot outputs under the table.",
    ],
)
q7 = Question(
    "10",
    "q7",
    _check_attention,
    [
        "a score for every pair (decoder step, encoder step), turned into weights that "
        "sum to 1 over the encoder steps, then a weighted mean of the encoder outputs.",
        "scores = queries @ values transposed on their last two axes (keras.ops.matmul, "
        "keras.ops.transpose with axes (0, 2, 1)); keras.ops.softmax along the last axis; "
        "context = weights @ values.",
    ],
)
q8 = Question(
    "10",
    "q8",
    _check_challenge,
    [
        "the attention model learns faster per epoch than the plain one; how many epochs "
        "did it get?",
        "in the attention section: more epochs, more units, or a learning rate between "
        "0.002 and 0.01; the check translates the first 200 test numbers in the four "
        "seen directions.",
    ],
)

__all__ = ["Wrong", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "zero_shot_outcome"]


def summary():
    """Print a table of notebook 10's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("10")
