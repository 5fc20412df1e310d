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


def distances_of(features, metric):
    if metric == "cosine":
        unit = features / np.linalg.norm(features, axis=1, keepdims=True)
        return 1.0 - unit @ unit.T
    return np.sum((features[:, None, :] - features[None, :, :]) ** 2, axis=2)


def precision_at_k(features, labels, k, metric="euclidean"):
    distances = distances_of(features, metric)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


def precision_with_sklearn(features, labels, k, metric="euclidean"):
    from sklearn.neighbors import NearestNeighbors

    found = NearestNeighbors(n_neighbors=k + 1, metric=metric).fit(features)
    nearest = found.kneighbors(features, return_distance=False)[:, 1:]
    return float(np.mean(labels[nearest] == labels[:, None]))


AE_PRECISIONS = {
    "a": {2: 0.6, 8: 0.5, 32: 0.45, 64: 0.4},
    "b": {2: 0.9, 8: 0.91, 32: 0.92, 64: 0.92},
    "c": {2: 0.569, 8: 0.865, 32: 0.919, 64: 0.915},
    "d": {2: 0.3, 8: 0.35, 32: 0.6, 64: 0.9},
}


class FixedEncoder(keras.Model):
    """A stand-in for a trained encoder: fixed codes."""

    def __init__(self, codes):
        super().__init__()
        self.codes = codes

    def predict(self, x, batch_size=None, verbose=0):
        return self.codes


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


def precision_with_self(features, labels, k, metric="euclidean"):
    distances = distances_of(features, metric)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


def precision_counts(features, labels, k, metric="euclidean"):
    distances = distances_of(features, metric)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return float(np.mean(np.sum(labels[nearest] == labels[:, None], axis=1)))


def precision_per_query(features, labels, k, metric="euclidean"):
    distances = distances_of(features, metric)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return np.mean(labels[nearest] == labels[:, None], axis=1)


def precision_farthest(features, labels, k, metric="euclidean"):
    distances = distances_of(features, metric)
    np.fill_diagonal(distances, -np.inf)
    farthest = np.argsort(-distances, axis=1)[:, :k]
    return float(np.mean(labels[farthest] == labels[:, None]))


def precision_cosine_sorted_ascending(features, labels, k, metric="euclidean"):
    """The typical bug: cosine SIMILARITY sorted like a distance, smallest first."""
    if metric == "euclidean":
        return precision_at_k(features, labels, k)
    unit = features / np.linalg.norm(features, axis=1, keepdims=True)
    similarities = unit @ unit.T
    np.fill_diagonal(similarities, np.inf)
    nearest = np.argsort(similarities, axis=1)[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


def precision_dot_product(features, labels, k, metric="euclidean"):
    if metric == "euclidean":
        return precision_at_k(features, labels, k)
    scores = features @ features.T
    np.fill_diagonal(scores, -np.inf)
    nearest = np.argsort(-scores, axis=1)[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


def precision_ignores_metric(features, labels, k, metric="euclidean"):
    return precision_at_k(features, labels, k)


def precision_no_default(features, labels, k, metric="cosine"):
    return precision_at_k(features, labels, k, metric)


def precision_fixed_k(features, labels, k, metric="euclidean"):
    return precision_at_k(features, labels, 5, metric)


def precision_in_place(features, labels, k, metric="euclidean"):
    features -= features.mean(axis=0)
    return precision_at_k(features, labels, k, metric)


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
    (nb06.q2, "b", "keeps neighbourhoods, not distances"),
    (nb06.q2, "c", "t-SNE never sees them"),
    (nb06.q2, "maybe", "expected one of ['a', 'b', 'c']"),
    (nb06.q3, precision_with_self, "counts as its own nearest neighbour"),
    (nb06.q3, precision_counts, "divide the number of matching neighbours by k"),
    (nb06.q3, precision_per_query, "expected one number"),
    (nb06.q3, precision_farthest, "you took the k farthest rows"),
    (nb06.q3, precision_cosine_sorted_ascending, "with metric='cosine' you got"),
    (nb06.q3, precision_dot_product, "you ranked by the dot product"),
    (nb06.q3, precision_ignores_metric, "use the metric argument"),
    (nb06.q3, precision_no_default, "metric='euclidean' by default"),
    (nb06.q3, precision_fixed_k, "use the argument k"),
    (nb06.q3, precision_in_place, "changed `features` in place"),
    (nb06.q4, ("a", AE_PRECISIONS["c"]), "the table says otherwise"),
    (nb06.q4, ("c", AE_PRECISIONS["d"]), "the table says otherwise"),
    (nb06.q4, ("c",), "check.q4(prediction_code_size, ae_precisions)"),
    (nb06.q4, ("e", AE_PRECISIONS["c"]), "expected one of ['a', 'b', 'c', 'd']"),
    (nb06.q8, ("encoder",), "expected your encoder"),
    (nb06.q8, (FixedEncoder(np.zeros((4, 3))),), "pass the encoder, the test images"),
    (
        nb06.q8,
        (FixedEncoder(np.zeros((4, 784))), np.zeros((4, 784)), np.arange(4)),
        "pass the encoder, not the autoencoder",
    ),
    (nb06.q5, lookup_wrong_length, "running your answer raised"),
    (nb06.q5, lookup_off_by_one, "one_hot(i) @ table should be row i"),
    (nb06.q5, lookup_summed, "expected the shape (2, 3, 3)"),
    (nb06.q6, pairs_with_self, "a word is not its own context"),
    (nb06.q6, pairs_forward_only, "on both sides of the centre"),
    (nb06.q6, pairs_wrapping, "do not wrap around"),
    (nb06.q6, pairs_positions, "your pairs hold positions"),
    (nb06.q6, pairs_window_too_small, "expected 22 pairs"),
    (nb06.q6, lambda token_ids, window: token_ids, "expected pairs"),
    (nb06.q7, lambda vectors, query: vectors @ query, "you returned the dot products"),
    (
        nb06.q7,
        lambda vectors, query: vectors @ query / np.linalg.norm(query),
        "by the query's length only",
    ),
    (
        nb06.q7,
        lambda vectors, query: vectors @ query / np.linalg.norm(vectors, axis=1),
        "by each row's length only",
    ),
    (
        nb06.q7,
        lambda vectors, query: -np.linalg.norm(vectors - query, axis=1),
        "expected [1.0, 0.0, 0.7071, -1.0]",
    ),
    (nb06.q7, lambda vectors, query: 0.5, "expected one number per row"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    if isinstance(answer, tuple):
        question(*answer)
        printed = capsys.readouterr().out
        assert printed.startswith(f"❌ {question.name} not yet:"), printed
        assert message in printed, printed
        assert f"Hint: {question.hint_text}" in printed
    else:
        assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_06_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 9)}
    defined = {name for name in dir(nb06) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb06.q1, encoder_of),
        (nb06.q1, embeddings.encoder_of),
        (nb06.q2, " A "),
        (nb06.q3, precision_at_k),
        (nb06.q3, precision_with_sklearn),
        (
            nb06.q3,
            lambda features, labels, k, metric="euclidean": (
                embeddings.neighbour_precision(features, labels, k=k, metric=metric)
            ),
        ),
        (nb06.q4, ("c", AE_PRECISIONS["c"])),
        (nb06.q4, (" C ", {2: 0.225, 8: 0.556, 32: 0.603, 64: 0.643})),
        (nb06.q5, lookup_by_matmul),
        (nb06.q5, lambda table, token_ids: np.eye(len(table))[token_ids] @ table),
        (nb06.q6, skipgram_pairs_by_hand),
        (nb06.q6, lambda ids, window: embeddings.skipgram_pairs(ids, window)),
        (nb06.q7, cosine_similarities),
        (nb06.q7, embeddings.cosine_similarity),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    question(*answer) if isinstance(answer, tuple) else question(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


@pytest.mark.parametrize("letter", ["a", "b", "c", "d"])
def test_prediction_is_judged_by_the_table(letter):
    assert nb06._code_size_trend(AE_PRECISIONS[letter])[0] == letter


def test_challenge_met_and_missed(capsys, monkeypatch):
    labels = np.repeat(np.arange(4), 15)
    separated = np.eye(4)[labels] * 10.0
    mixed = np.random.default_rng(0).normal(size=(60, 4))
    for fast in ("1", "0"):
        monkeypatch.setenv("WORKSHOP_FAST", fast)
        nb06.q8(FixedEncoder(separated), np.zeros((60, 784)), labels)
        assert capsys.readouterr().out.startswith("✅ q8 passed")
        nb06.q8(FixedEncoder(mixed), np.zeros((60, 784)), labels)
        printed = capsys.readouterr().out
        assert printed.startswith("❌ q8 not yet:") and "below the target" in printed


def test_unfinished_todo_stops_the_check():
    def unfinished(autoencoder):
        raise NotImplementedError("q1 is not done yet")

    with pytest.raises(NotImplementedError):
        nb06.q1(unfinished)
