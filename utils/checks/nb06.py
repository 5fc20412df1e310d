"""Checks for notebook 06: codes as embeddings, and embedding layers."""

import keras
import numpy as np

from utils import embeddings
from utils.checks import (
    Question,
    Wrong,
    expect,
    expect_callable,
    expect_choice,
    to_numpy,
)


def _close(a, b, tolerance=1e-4):
    return abs(float(a) - float(b)) <= tolerance


def _small_autoencoder(code_size=3, seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(6,))
    hidden = keras.layers.Dense(5, activation="relu", name="hidden")(inputs)
    codes = keras.layers.Dense(code_size, name="code")(hidden)
    back = keras.layers.Dense(5, activation="relu", name="decoder_hidden")(codes)
    outputs = keras.layers.Dense(6, activation="sigmoid", name="pixels")(back)
    return keras.Model(inputs, outputs, name="small_autoencoder")


def _check_encoder(encoder_of):
    expect_callable(encoder_of, "the function encoder_of")
    autoencoder = _small_autoencoder()
    probe = np.random.default_rng(0).uniform(size=(4, 6)).astype("float32")
    before = to_numpy(autoencoder(probe))
    encoder = encoder_of(autoencoder)
    expect(
        isinstance(encoder, keras.Model),
        f"expected a keras.Model, received {type(encoder).__name__}",
    )
    codes = to_numpy(encoder(probe))
    expect(
        not (codes.ndim == 2 and codes.shape[1] == 6),
        f"your encoder gives {codes.shape[1]} numbers per image, the size of the "
        "input: it runs the whole autoencoder; stop at the layer named 'code'",
    )
    expect(
        codes.shape == (4, 3),
        f"expected codes of shape (4, 3) for 4 inputs and a 3-unit 'code' layer, "
        f"got {codes.shape}: take the output of the layer named 'code'",
    )
    hidden_weights, hidden_bias = autoencoder.get_layer("hidden").get_weights()
    code_weights, code_bias = autoencoder.get_layer("code").get_weights()
    expected = np.maximum(probe @ hidden_weights + hidden_bias, 0) @ code_weights
    expected = expected + code_bias
    expect(
        np.allclose(codes, expected, atol=1e-5),
        "the codes differ from the autoencoder's own 'code' layer: build the model "
        "from autoencoder.input to autoencoder.get_layer('code').output, so it shares "
        "the trained weights instead of new random ones",
    )
    expect(
        np.allclose(to_numpy(autoencoder(probe)), before),
        "the autoencoder changed: extracting an encoder must not retrain or rebuild it",
    )
    return "a sub-model from the autoencoder's input to its 'code' layer, same weights."


def _check_tsne(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "t-SNE keeps neighbourhoods, not distances: it may shrink or stretch the gaps "
        "between clusters freely, so far apart on the map need not mean far apart "
        "in the codes",
    )
    expect(
        letter != "c",
        "the labels only colour the points; t-SNE never sees them",
    )
    return (
        "t-SNE is built to keep each point's nearest neighbours near; the size of "
        "clusters and the gaps between them carry little meaning."
    )


def _precision_data():
    rng = np.random.default_rng(6)
    labels = np.repeat(np.arange(4), 10)
    centres = rng.normal(size=(4, 5)) * 1.2
    features = (centres[labels] + rng.normal(size=(40, 5))).astype("float32")
    return features, labels


def _check_precision(precision_at_k):
    expect_callable(precision_at_k, "the function precision_at_k")
    features, labels = _precision_data()
    saved = features.copy()
    result = precision_at_k(features, labels, 5)
    expect(
        np.array_equal(features, saved),
        "you changed `features` in place: work on a copy",
    )
    values = np.asarray(result, dtype="float64")
    expect(
        values.ndim == 0,
        f"expected one number (the mean over the queries), got shape {values.shape}",
    )
    value = float(values)
    expected = embeddings.neighbour_precision(features, labels, k=5)
    with_self = _precision_with_self(features, labels, 5)
    expect(
        not (_close(value, with_self) and not _close(value, expected)),
        f"got {value:.4f}: each query counts as its own nearest neighbour; leave it "
        "out (set its own distance to infinity)",
    )
    expect(
        not _close(value, expected * 5),
        f"got {value:.4f}: divide the number of matching neighbours by k",
    )
    expect(
        0.0 <= value <= 1.0,
        f"expected a share between 0 and 1, got {value:.4f}",
    )
    expect(
        _close(value, expected),
        f"expected a precision at 5 of {expected:.4f} on the check data, got "
        f"{value:.4f}: rank by Euclidean distance, nearest first",
    )
    other = precision_at_k(features, labels, 2)
    expect(
        _close(other, embeddings.neighbour_precision(features, labels, k=2)),
        "k=2 gave a wrong value: use the argument k, not a fixed number",
    )
    return f"precision at 5 on the check data is {expected:.4f}, as utils computes it."


def _precision_with_self(features, labels, k):
    distances = ((features[:, None] - features[None]) ** 2).sum(axis=2)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


def _check_lookup(lookup_by_matmul):
    expect_callable(lookup_by_matmul, "the function lookup_by_matmul")
    table = np.random.default_rng(4).normal(size=(7, 3)).astype("float32")
    token_ids = np.array([[0, 6, 2], [2, 2, 5]])
    result = to_numpy(lookup_by_matmul(table, token_ids))
    expected = table[token_ids]
    expect(
        result.shape == expected.shape,
        f"expected the shape {expected.shape} (2 sequences of 3 ids, 3 numbers per "
        f"id), got {result.shape}: one-hot vectors of length table.shape[0], times "
        "the table",
    )
    expect(
        np.allclose(result, expected, atol=1e-6),
        "the rows do not match the table: one_hot(i) @ table should be row i of "
        "the table",
    )
    single = to_numpy(lookup_by_matmul(table, np.array([6])))
    expect(
        single.shape == (1, 3) and np.allclose(single, table[[6]]),
        "a single id 6 should give the last row of the table, shape (1, 3); use "
        "table.shape[0] as the number of classes of the one-hot vectors",
    )
    return "a one-hot vector times the table picks out that row: a lookup."


def _sorted_pairs(pairs):
    array = np.asarray(pairs, dtype="int64").reshape(-1, 2)
    return array[np.lexsort((array[:, 1], array[:, 0]))]


def _check_pairs(pairs_by_hand):
    expect_callable(pairs_by_hand, "the function skipgram_pairs_by_hand")
    token_ids = [4, 1, 3, 3, 0, 2, 5]
    try:
        result = np.asarray(pairs_by_hand(token_ids, 2), dtype="int64")
    except (TypeError, ValueError):
        raise Wrong("expected a list of (centre, context) pairs of ints") from None
    expect(
        result.ndim == 2 and result.shape[1:] == (2,),
        f"expected pairs: an array or list of shape (num_pairs, 2), got {result.shape}",
    )
    got = _sorted_pairs(result)
    expected = _sorted_pairs(embeddings.skipgram_pairs(token_ids, 2))
    positions = range(len(token_ids))
    by_position = _sorted_pairs(
        [(i, j) for i in positions for j in positions if 0 < abs(i - j) <= 2]
    )
    if len(got) == len(expected) + len(token_ids):
        raise Wrong(
            f"got {len(got)} pairs, {len(token_ids)} too many: a word is not its own "
            "context; skip the offset 0"
        )
    expect(
        len(got) != len(expected) // 2,
        f"got {len(got)} pairs, half of {len(expected)}: take the context on both "
        "sides of the centre, before and after it",
    )
    wrapped = len(token_ids) * 4
    expect(
        len(got) != wrapped,
        f"got {len(got)} pairs: near the ends there are fewer neighbours; do not wrap "
        "around to the other end of the text",
    )
    expect(
        len(got) == len(expected),
        f"expected {len(expected)} pairs for 7 tokens and window 2, got {len(got)}: "
        "take the words at distance 1 to window on each side",
    )
    expect(
        not np.array_equal(got, by_position),
        "your pairs hold positions in the text; return the token ids at those "
        "positions",
    )
    expect(
        np.array_equal(got, expected),
        "the pairs are not the (centre, context) pairs of the check sentence",
    )
    return f"{len(expected)} (centre, context) pairs for 7 tokens and a window of 2."


def _check_cosine(cosine_similarities):
    expect_callable(cosine_similarities, "the function cosine_similarities")
    vectors = np.array(
        [[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [1.0, 1.0, 0.0], [-4.0, 0.0, 0.0]],
        dtype="float32",
    )
    query = np.array([5.0, 0.0, 0.0], dtype="float32")
    result = np.asarray(cosine_similarities(vectors, query), dtype="float64")
    expected = np.array([1.0, 0.0, np.sqrt(0.5), -1.0])
    expect(
        result.shape == (4,),
        f"expected one number per row of vectors, shape (4,), got {result.shape}",
    )
    expect(
        not np.allclose(result, vectors @ query),
        "you returned the dot products: divide by both vectors' lengths",
    )
    expect(
        not np.allclose(result, (vectors @ query) / np.linalg.norm(query)),
        "you divided by the query's length only: divide by each row's length too",
    )
    expect(
        not np.allclose(result, (vectors @ query) / np.linalg.norm(vectors, axis=1)),
        "you divided by each row's length only: divide by the query's length too",
    )
    expect(
        np.allclose(result, expected, atol=1e-5),
        f"expected {np.round(expected, 4).tolist()}, "
        f"got {np.round(result, 4).tolist()}",
    )
    return "dot product divided by both lengths: 1 same direction, 0 at right angles."


q1 = Question(
    "06",
    "q1",
    _check_encoder,
    "keras.Model(autoencoder.input, autoencoder.get_layer('code').output) reuses the "
    "trained layers up to the code.",
)
q2 = Question(
    "06",
    "q2",
    _check_tsne,
    "what does t-SNE try to preserve: every distance, or who is near whom?",
)
q3 = Question(
    "06",
    "q3",
    _check_precision,
    "distances = ((features[:, None] - features[None]) ** 2).sum(axis=2); "
    "np.fill_diagonal(distances, np.inf); nearest = np.argsort(distances, axis=1)"
    "[:, :k]; return float(np.mean(labels[nearest] == labels[:, None])).",
)
q4 = Question(
    "06",
    "q4",
    _check_lookup,
    "keras.ops.one_hot(token_ids, table.shape[0]) has shape ids.shape + "
    "(vocabulary_size,); multiply it by the table with keras.ops.matmul.",
)
q5 = Question(
    "06",
    "q5",
    _check_pairs,
    "for each position i and each offset in -window..window except 0, if 0 <= i + "
    "offset < len(token_ids), add (token_ids[i], token_ids[i + offset]).",
)
q6 = Question(
    "06",
    "q6",
    _check_cosine,
    "vectors @ query / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query)).",
)


def summary():
    """Print a table of notebook 06's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("06")
