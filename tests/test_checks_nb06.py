"""The checks of notebook 06: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils import embeddings
from utils.checks import nb06

# ---- Right answers ------------------------------------------------------------


def encoder_of(autoencoder):
    return keras.Model(autoencoder.input, autoencoder.get_layer("code").output)


def precision_at_k(features, labels, k):
    distances = np.sum((features[:, None, :] - features[None, :, :]) ** 2, axis=2)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


def lookup_by_matmul(table, token_ids):
    one_hot = keras.ops.one_hot(token_ids, table.shape[0])
    return keras.ops.matmul(one_hot, table)


def skipgram_pairs_by_hand(token_ids, window):
    pairs = []
    for i in range(len(token_ids)):
        for offset in range(-window, window + 1):
            if offset != 0 and 0 <= i + offset < len(token_ids):
                pairs.append((token_ids[i], token_ids[i + offset]))
    return pairs


def cosine_similarities(vectors, query):
    return vectors @ query / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query))


# ---- Plausible wrong answers --------------------------------------------------


def encoder_whole_model(autoencoder):
    return keras.Model(autoencoder.input, autoencoder.output)


def encoder_first_layer(autoencoder):
    return keras.Model(autoencoder.input, autoencoder.get_layer("hidden").output)


def encoder_new_layers(autoencoder):
    inputs = keras.Input(shape=(6,))
    hidden = keras.layers.Dense(5, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(3)(hidden))


def precision_with_self(features, labels, k):
    distances = np.sum((features[:, None, :] - features[None, :, :]) ** 2, axis=2)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


def precision_counts(features, labels, k):
    distances = np.sum((features[:, None, :] - features[None, :, :]) ** 2, axis=2)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return float(np.mean(np.sum(labels[nearest] == labels[:, None], axis=1)))


def precision_per_query(features, labels, k):
    distances = np.sum((features[:, None, :] - features[None, :, :]) ** 2, axis=2)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return np.mean(labels[nearest] == labels[:, None], axis=1)


def precision_farthest(features, labels, k):
    distances = np.sum((features[:, None, :] - features[None, :, :]) ** 2, axis=2)
    np.fill_diagonal(distances, -np.inf)
    farthest = np.argsort(-distances, axis=1)[:, :k]
    return float(np.mean(labels[farthest] == labels[:, None]))


def precision_fixed_k(features, labels, k):
    return precision_at_k(features, labels, 5)


def precision_in_place(features, labels, k):
    features -= features.mean(axis=0)
    return precision_at_k(features, labels, k)


def lookup_wrong_length(table, token_ids):
    one_hot = keras.ops.one_hot(token_ids, table.shape[1])
    return keras.ops.matmul(one_hot, table)


def lookup_off_by_one(table, token_ids):
    one_hot = keras.ops.one_hot(np.asarray(token_ids) - 1, table.shape[0])
    return keras.ops.matmul(one_hot, table)


def lookup_summed(table, token_ids):
    one_hot = keras.ops.one_hot(token_ids, table.shape[0])
    return keras.ops.sum(keras.ops.matmul(one_hot, table), axis=-2)


def pairs_with_self(token_ids, window):
    return [
        (token_ids[i], token_ids[j])
        for i in range(len(token_ids))
        for j in range(max(0, i - window), min(len(token_ids), i + window + 1))
    ]


def pairs_forward_only(token_ids, window):
    return [
        (token_ids[i], token_ids[i + offset])
        for i in range(len(token_ids))
        for offset in range(1, window + 1)
        if i + offset < len(token_ids)
    ]


def pairs_wrapping(token_ids, window):
    n = len(token_ids)
    return [
        (token_ids[i], token_ids[(i + offset) % n])
        for i in range(n)
        for offset in range(-window, window + 1)
        if offset != 0
    ]


def pairs_positions(token_ids, window):
    n = len(token_ids)
    return [(i, j) for i in range(n) for j in range(n) if 0 < abs(i - j) <= window]


def pairs_window_too_small(token_ids, window):
    return skipgram_pairs_by_hand(token_ids, window - 1)


WRONG_ANSWERS = [
    (nb06.q1, encoder_whole_model, "runs the whole autoencoder"),
    (nb06.q1, encoder_first_layer, "expected codes of shape (4, 3)"),
    (nb06.q1, encoder_new_layers, "so it shares the trained weights"),
    (nb06.q1, lambda model: model.get_layer("code"), "expected a keras.Model"),
    (nb06.q1, np.zeros((4, 3)), "expected the function encoder_of"),
    (nb06.q2, "a", "keeps neighbourhoods, not distances"),
    (nb06.q2, "c", "t-SNE never sees them"),
    (nb06.q2, "maybe", "expected one of ['a', 'b', 'c']"),
    (nb06.q3, precision_with_self, "counts as its own nearest neighbour"),
    (nb06.q3, precision_counts, "divide the number of matching neighbours by k"),
    (nb06.q3, precision_per_query, "expected one number"),
    (nb06.q3, precision_farthest, "rank by Euclidean distance, nearest first"),
    (nb06.q3, precision_fixed_k, "use the argument k"),
    (nb06.q3, precision_in_place, "changed `features` in place"),
    (nb06.q4, lookup_wrong_length, "running your answer raised"),
    (nb06.q4, lookup_off_by_one, "one_hot(i) @ table should be row i"),
    (nb06.q4, lookup_summed, "expected the shape (2, 3, 3)"),
    (nb06.q5, pairs_with_self, "a word is not its own context"),
    (nb06.q5, pairs_forward_only, "on both sides of the centre"),
    (nb06.q5, pairs_wrapping, "do not wrap around"),
    (nb06.q5, pairs_positions, "your pairs hold positions"),
    (nb06.q5, pairs_window_too_small, "expected 22 pairs"),
    (nb06.q5, lambda token_ids, window: token_ids, "expected pairs"),
    (nb06.q6, lambda vectors, query: vectors @ query, "you returned the dot products"),
    (
        nb06.q6,
        lambda vectors, query: vectors @ query / np.linalg.norm(query),
        "by the query's length only",
    ),
    (
        nb06.q6,
        lambda vectors, query: vectors @ query / np.linalg.norm(vectors, axis=1),
        "by each row's length only",
    ),
    (
        nb06.q6,
        lambda vectors, query: -np.linalg.norm(vectors - query, axis=1),
        "expected [1.0, 0.0, 0.7071, -1.0]",
    ),
    (nb06.q6, lambda vectors, query: 0.5, "expected one number per row"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_06_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 7)}
    defined = {name for name in dir(nb06) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb06.q1, encoder_of),
        (nb06.q2, " B "),
        (nb06.q3, precision_at_k),
        (
            nb06.q3,
            lambda features, labels, k: embeddings.neighbour_precision(
                features, labels, k=k
            ),
        ),
        (nb06.q4, lookup_by_matmul),
        (nb06.q4, lambda table, token_ids: np.eye(len(table))[token_ids] @ table),
        (nb06.q5, skipgram_pairs_by_hand),
        (nb06.q5, lambda ids, window: embeddings.skipgram_pairs(ids, window)),
        (nb06.q6, cosine_similarities),
        (nb06.q6, embeddings.cosine_similarity),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    question(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_unfinished_todo_stops_the_check():
    def unfinished(autoencoder):
        raise NotImplementedError("q1 is not done yet")

    with pytest.raises(NotImplementedError):
        nb06.q1(unfinished)
