"""The checks of notebook 10: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pandas as pd
import pytest
from rapidfuzz.distance import Levenshtein

from tests.check_verdicts import assert_wrong_with_hint
from utils.checks import nb10

# ---- Right answers ------------------------------------------------------------


def add_target_token(source_ids, token_ids):
    tokens = np.broadcast_to(np.asarray(token_ids), (len(source_ids),))
    return np.concatenate([tokens[:, None], source_ids], axis=1)


def add_target_token_insert(source_ids, token_ids):
    return np.insert(np.asarray(source_ids), 0, token_ids, axis=1)


def shift_right(targets, start_id):
    start = np.full((len(targets), 1), start_id)
    return np.concatenate([start, targets[:, :-1]], axis=1)


def shift_right_ops(targets, start_id):
    ops = keras.ops
    start = ops.full((ops.shape(targets)[0], 1), start_id, dtype="int32")
    return ops.concatenate([start, ops.cast(targets[:, :-1], "int32")], axis=1)


def greedy_decode(step, state, first_ids, max_length):
    previous, chosen = np.asarray(first_ids), []
    for _ in range(max_length):
        probabilities, state = step(previous, state)
        previous = np.argmax(np.asarray(probabilities), axis=-1)
        chosen.append(previous)
    return np.stack(chosen, axis=1)


def character_error_rate(predictions, references):
    edits = sum(Levenshtein.distance(p, r) for p, r in zip(predictions, references))
    return edits / sum(len(r) for r in references)


def dot_attention(queries, values):
    scores = keras.ops.matmul(queries, keras.ops.transpose(values, (0, 2, 1)))
    weights = keras.ops.softmax(scores, axis=-1)
    return keras.ops.matmul(weights, values), weights


def dot_attention_numpy(queries, values):
    scores = np.einsum("nqd,nvd->nqv", queries, values)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return weights @ values, weights


# ---- Plausible wrong answers --------------------------------------------------


def token_at_end(source_ids, token_ids):
    return add_target_token(source_ids, token_ids)[:, list(range(1, source_ids.shape[1] + 1)) + [0]]


def token_over_first(source_ids, token_ids):
    result = np.array(source_ids, copy=True)
    result[:, 0] = token_ids
    return result


def token_of_first_row(source_ids, token_ids):
    return add_target_token(source_ids, np.asarray(token_ids).reshape(-1)[0])


def token_in_place(source_ids, token_ids):
    source_ids[:, 0] = 0
    return add_target_token(source_ids, token_ids)


def token_float(source_ids, token_ids):
    return add_target_token(source_ids, token_ids).astype("float32")


def shift_roll(targets, start_id):
    return np.roll(targets, 1, axis=1)


def shift_left(targets, start_id):
    return np.concatenate([targets[:, 1:], np.zeros((len(targets), 1), int)], axis=1)


def shift_keep_all(targets, start_id):
    return np.concatenate([np.full((len(targets), 1), start_id), targets], axis=1)


def shift_fixed_start(targets, start_id):
    return shift_right(targets, 1)


def shift_none(targets, start_id):
    return np.array(targets, copy=True)


def decode_probabilities(step, state, first_ids, max_length):
    previous, written = np.asarray(first_ids), []
    for _ in range(max_length):
        probabilities, state = step(previous, state)
        previous = np.argmax(probabilities, axis=-1)
        written.append(probabilities)
    return np.stack(written, axis=1)


def decode_with_start(step, state, first_ids, max_length):
    ids = greedy_decode(step, state, first_ids, max_length)
    return np.concatenate([np.asarray(first_ids)[:, None], ids], axis=1)


def decode_always_start(step, state, first_ids, max_length):
    chosen = []
    for _ in range(max_length):
        probabilities, state = step(np.asarray(first_ids), state)
        chosen.append(np.argmax(probabilities, axis=-1))
    return np.stack(chosen, axis=1)


def decode_stuck_state(step, state, first_ids, max_length):
    previous, chosen = np.asarray(first_ids), []
    for _ in range(max_length):
        probabilities, _ = step(previous, state)
        previous = np.argmax(probabilities, axis=-1)
        chosen.append(previous)
    return np.stack(chosen, axis=1)


def decode_one_by_one(step, state, first_ids, max_length):
    step(np.asarray(first_ids), state)  # a wasted call, as a row-by-row loop makes
    return greedy_decode(step, state, first_ids, max_length)


def decode_fixed_length(step, state, first_ids, max_length):
    return greedy_decode(step, state, first_ids, 4)


def decode_float(step, state, first_ids, max_length):
    return greedy_decode(step, state, first_ids, max_length).astype("float32")


def cer_mean(predictions, references):
    return np.mean([Levenshtein.distance(p, r) / len(r) for p, r in zip(predictions, references)])


def cer_by_predictions(predictions, references):
    edits = sum(Levenshtein.distance(p, r) for p, r in zip(predictions, references))
    return edits / sum(len(p) for p in predictions)


def cer_edits(predictions, references):
    return sum(Levenshtein.distance(p, r) for p, r in zip(predictions, references))


def cer_positional(predictions, references):
    wrong = sum(
        sum(a != b for a, b in zip(p, r)) + abs(len(p) - len(r))
        for p, r in zip(predictions, references)
    )
    return wrong / sum(len(r) for r in references)


def cer_accuracy(predictions, references):
    return 1 - character_error_rate(predictions, references)


def cer_per_pair(predictions, references):
    return [Levenshtein.distance(p, r) / len(r) for p, r in zip(predictions, references)]


def attention_query_axis(queries, values):
    scores = keras.ops.matmul(queries, keras.ops.transpose(values, (0, 2, 1)))
    weights = keras.ops.softmax(scores, axis=1)
    return keras.ops.matmul(weights, values), weights


def attention_no_softmax(queries, values):
    scores = keras.ops.matmul(queries, keras.ops.transpose(values, (0, 2, 1)))
    return keras.ops.matmul(scores, values), scores


def attention_doubled(queries, values):
    scores = keras.ops.matmul(queries, keras.ops.transpose(values, (0, 2, 1))) * 2.0
    weights = keras.ops.softmax(scores, axis=-1)
    return keras.ops.matmul(weights, values), weights


def attention_context_of_queries(queries, values):
    context, weights = dot_attention(queries, values)
    return keras.ops.matmul(weights, values) * 0 + keras.ops.mean(values, axis=1, keepdims=True), weights


def attention_context_only(queries, values):
    return dot_attention(queries, values)[0]


WRONG_ANSWERS = [
    (nb10.q1, token_at_end, "the token is at the end"),
    (nb10.q1, token_over_first, "you wrote the token over the first character"),
    (nb10.q1, token_of_first_row, "every row got the first row's token"),
    (nb10.q1, token_in_place, "you changed source_ids in place"),
    (nb10.q1, token_float, "expected the result as integer ids"),
    (nb10.q1, add_target_token(np.zeros((2, 2), int), 3), "expected the function add_target_token"),
    (nb10.q2, shift_roll, "np.roll wraps around"),
    (nb10.q2, shift_left, "you shifted to the left"),
    (nb10.q2, shift_keep_all, "drop the last step"),
    (nb10.q2, shift_fixed_start, "use start_id"),
    (nb10.q2, shift_none, "the decoder inputs equal the targets"),
    (nb10.q3, "a", "that is inference"),
    (nb10.q3, "b", "it would learn nothing"),
    (nb10.q3, "d", "its input at step t is a character of the target"),
    (nb10.q3, "e", "expected one of ['a', 'b', 'c', 'd']"),
    (nb10.q4, decode_probabilities, "you returned probabilities"),
    (nb10.q4, decode_with_start, "leave out the start token"),
    (nb10.q4, decode_always_start, "you gave step the start id at every step"),
    (nb10.q4, decode_stuck_state, "the state never moved on"),
    (nb10.q4, decode_one_by_one, "call it once per step for the whole batch"),
    (nb10.q4, decode_fixed_length, "use first_ids and max_length"),
    (nb10.q4, decode_float, "expected integer ids"),
    (nb10.q5, cer_mean, "you averaged the rates of the pairs"),
    (nb10.q5, cer_by_predictions, "divide by the references'"),
    (nb10.q5, cer_edits, "you returned the number of edits"),
    (nb10.q5, cer_positional, "position by position"),
    (nb10.q5, cer_accuracy, "0 should mean perfect"),
    (nb10.q5, cer_per_pair, "expected one number"),
    (nb10.q7, attention_query_axis, "you took it along the query axis"),
    (nb10.q7, attention_no_softmax, "do not sum to 1"),
    (nb10.q7, attention_doubled, "differ from keras.layers.Attention's"),
    (nb10.q7, attention_context_of_queries, "the context is not"),
    (nb10.q7, attention_context_only, "expected two results"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def results(seen, zero):
    rows = [
        {"training": "seen", "exact match %": seen, "CER": 0.05},
        {"training": "seen", "exact match %": seen, "CER": 0.05},
        {"training": "zero-shot", "exact match %": zero, "CER": 0.6},
    ]
    return pd.DataFrame(rows)


def scaled_attention(queries, values):
    """Luong's dot score divided by sqrt(units): the Transformer's, not the notebook's."""
    scores = keras.ops.matmul(queries, keras.ops.transpose(values, (0, 2, 1)))
    weights = keras.ops.softmax(scores / np.sqrt(4.0), axis=-1)
    return keras.ops.matmul(weights, values), weights


def echo_translate(numbers, source, target):
    from utils import translation

    return translation.number_words(np.asarray(numbers), source)


def perfect_translate(numbers, source, target):
    from utils import translation

    return translation.number_words(np.asarray(numbers), target)


WRONG_CALLS = [
    (nb10.q6, ("d", results(80.0, 70.0)), "the run says otherwise"),
    (nb10.q6, ("a", results(80.0, 2.0)), "Nothing in training rewards"),
    (nb10.q6, ("b", results(80.0, 2.0)), "read the outputs below the table"),
    (nb10.q6, ("c", results(80.0, 2.0)), "The gap is larger than that"),
    (nb10.q6, ("d", results(80.0, 50.0)), "The gap is smaller than that"),
    (nb10.q6, ("c", results(80.0, 70.0)), "The gap is smaller than that"),
    (nb10.q6, ("b", results(80.0, 90.0)), "did better than the seen ones"),
    (nb10.q6, ("a", results(80.0, 70.0)), "Nothing in training rewards"),
    (nb10.q6, ("d", "table"), "expected the results table"),
    (nb10.q7, (scaled_attention,), "Luong's dot score is not scaled"),
    (nb10.q8, (echo_translate, np.arange(100, 200)), "the target"),
    (nb10.q8, (perfect_translate, np.zeros((5, 2), int)), "expected the test numbers"),
    (nb10.q8, (lambda numbers, s, t: ["x"], np.arange(10)), "should return a list of 10 str"),
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
        (nb10.q6, ("d", results(80.0, 2.0))),
        (nb10.q6, (" C ", results(80.0, 60.0))),
        (nb10.q6, ("b", results(80.0, 79.0))),
        (nb10.q6, ("a", results(10.0, 20.0))),
        (nb10.q8, (perfect_translate, np.arange(100, 400))),
    ],
)
def test_right_calls_pass(question, arguments, capsys):
    question(*arguments)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_every_question_of_notebook_10_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS + WRONG_CALLS}
    assert tested == {f"q{n}" for n in range(1, 9)}
    defined = {name for name in dir(nb10) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb10.q1, add_target_token),
        (nb10.q1, add_target_token_insert),
        (nb10.q2, shift_right),
        (nb10.q2, shift_right_ops),
        (nb10.q3, " C "),
        (nb10.q4, greedy_decode),
        (nb10.q5, character_error_rate),
        (nb10.q7, dot_attention),
        (nb10.q7, dot_attention_numpy),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    question(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_unfinished_todo_stops_the_check():
    def unfinished(source_ids, token_ids):
        raise NotImplementedError("q1 is not done yet")

    with pytest.raises(NotImplementedError):
        nb10.q1(unfinished)
