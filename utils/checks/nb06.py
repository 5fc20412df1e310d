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
    expected = to_numpy(embeddings.encoder_of(autoencoder)(probe))
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
        letter != "b",
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
    """40 rows in 5-D, 4 labels; each row stretched by its own length in [0.3, 3]."""
    rng = np.random.default_rng(6)
    labels = np.repeat(np.arange(4), 10)
    centres = rng.normal(size=(4, 5)) * 1.2
    lengths = rng.uniform(0.3, 3.0, size=(40, 1))
    features = (centres[labels] + rng.normal(size=(40, 5))) * lengths
    features = features.astype("float32")
    return features, labels


def _by_similarity(scores, labels, k, with_self=False, farthest=False):
    """Precision at k when neighbours are ranked by ``scores`` (higher = nearer)."""
    scores = np.array(scores, dtype="float64")
    if not with_self:
        np.fill_diagonal(scores, np.inf if farthest else -np.inf)
    order = np.argsort(scores if farthest else -scores, axis=1, kind="stable")
    return float(np.mean(labels[order[:, :k]] == labels[:, None]))


def _precision_mistakes(features, labels, k, metric):
    """Typical wrong values of precision at k, each with what went wrong."""
    features = features.astype("float64")
    squared = ((features[:, None] - features[None]) ** 2).sum(axis=2)
    unit = features / np.linalg.norm(features, axis=1, keepdims=True)
    cosine = unit @ unit.T
    similarity = -squared if metric == "euclidean" else cosine
    expected = embeddings.neighbour_precision(features, labels, k=k, metric=metric)
    other = "cosine" if metric == "euclidean" else "euclidean"
    mistakes = [
        (
            _by_similarity(similarity, labels, k, with_self=True),
            "each query counts as its own nearest neighbour; leave it out (give it "
            "the worst possible distance to itself)",
        ),
        (
            _by_similarity(similarity, labels, k, farthest=True),
            f"you took the k farthest rows, not the nearest: with the {metric} "
            "measure, rank nearest first (smallest distance, or largest cosine)",
        ),
        (expected * k, "divide the number of matching neighbours by k"),
        (
            embeddings.neighbour_precision(features, labels, k=k, metric=other),
            f"with metric={metric!r} your function gave the {other} result: use the "
            "metric argument",
        ),
    ]
    if metric == "cosine":
        mistakes.append(
            (
                _by_similarity(features @ features.T, labels, k),
                "you ranked by the dot product: divide by both rows' lengths to get "
                "the cosine, which ignores how long each code is",
            )
        )
    return expected, [(value, message) for value, message in mistakes
                      if not _close(value, expected)]


def _check_precision(precision_at_k):
    expect_callable(precision_at_k, "the function precision_at_k")
    features, labels = _precision_data()
    saved = features.copy()
    for metric in ("euclidean", "cosine"):
        result = precision_at_k(features, labels, 5, metric=metric)
        expect(
            np.array_equal(features, saved),
            "you changed `features` in place: work on a copy",
        )
        values = np.asarray(to_numpy(result), dtype="float64")
        expect(
            values.ndim == 0,
            "expected one number (the mean over the queries), got shape "
            f"{values.shape}",
        )
        value = float(values)
        expected, mistakes = _precision_mistakes(features, labels, 5, metric)
        for wrong, message in mistakes:
            expect(
                not _close(value, wrong),
                f"with metric={metric!r} you got {value:.4f}: {message}",
            )
        expect(
            0.0 <= value <= 1.0,
            f"expected a share between 0 and 1, got {value:.4f}",
        )
        expect(
            _close(value, expected),
            f"with metric={metric!r} expected a precision at 5 of {expected:.4f} on "
            f"the check data (scikit-learn's NearestNeighbors), got {value:.4f}",
        )
        other = float(precision_at_k(features, labels, 3, metric=metric))
        reference = embeddings.neighbour_precision(features, labels, k=3, metric=metric)
        expect(
            _close(other, reference),
            f"k=3 gave {other:.4f}, expected {reference:.4f}: use the argument k, not "
            "a fixed number",
        )
    default = float(precision_at_k(features, labels, 5))
    expect(
        _close(default, embeddings.neighbour_precision(features, labels, k=5)),
        "without a metric argument, use the Euclidean distance (metric='euclidean' by "
        "default)",
    )
    return (
        "precision at k by Euclidean and by cosine distance, as scikit-learn's "
        "NearestNeighbors ranks them."
    )


def _code_size_trend(precisions):
    """Return the letter of the option that describes precision against code size."""
    sizes = sorted(precisions)
    values = [float(precisions[size]) for size in sizes]
    first, middle, last = values[0], values[min(1, len(values) - 1)], values[-1]
    if abs(last - first) < 0.05:
        return "b", values
    if last < first:
        return "a", values
    return ("c" if middle - first > last - middle else "d"), values


def _check_code_size_prediction(prediction, precisions=None):
    letter = expect_choice(prediction, {"a", "b", "c", "d"})
    expect(
        isinstance(precisions, dict) and len(precisions) >= 3,
        "pass your prediction and the AE codes' precisions by code size: "
        "check.q4(prediction_code_size, ae_precisions), a dict {code size: precision}",
    )
    actual, values = _code_size_trend(precisions)
    sizes = sorted(precisions)
    seen = ", ".join(f"{size}: {value:.3f}" for size, value in zip(sizes, values))
    why = (
        "two numbers cannot keep ten digits apart, so the first few extra numbers help "
        "most; after that, extra numbers mostly describe how a digit is drawn (slant, "
        "thickness), which does not make a neighbour more likely to be the same digit"
    )
    expect(
        letter == actual,
        f"the table says otherwise: 10-NN precision by code size {seen}. Why: {why}",
    )
    # No number in the message: it reads the same in fast and full mode.
    return f"the table agrees with your prediction: {why}."


def _challenge_target():
    from utils import config

    return 0.50 if config.fast_mode() else 0.89


def _check_challenge(encoder, images=None, labels=None):
    expect(
        isinstance(encoder, keras.Model),
        f"expected your encoder (a keras.Model), received {type(encoder).__name__}",
    )
    expect(
        images is not None and labels is not None,
        "pass the encoder, the test images and their labels: check.q8(encoder, x_test, "
        "y_test)",
    )
    codes = to_numpy(encoder.predict(images, batch_size=1024, verbose=0))
    expect(
        codes.ndim == 2 and codes.shape[1] <= 64,
        f"expected codes of at most 64 numbers per image, got shape {codes.shape}: "
        "pass the encoder, not the autoencoder",
    )
    # 2,000 seeded queries (neighbours from every image) keep the check quick.
    value = embeddings.neighbour_precision(codes, labels, k=10, num_queries=2000)
    target = _challenge_target()
    expect(
        value >= target,
        f"the 10-NN precision of your codes is {value:.4f}, below the target "
        f"{target:.2f}: try another code size, more epochs, or the cosine distance "
        "in Tune it",
    )
    return "the 10-NN precision of your codes meets this mode's target."


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
    [
        "The trained layers already compute the codes on the way to the output; you "
        "only need a model that stops there.",
        "A functional keras.Model can be built from any tensor of a trained graph to "
        "any later one: the autoencoder's input, and the output of the layer that "
        "get_layer('code') returns.",
    ],
)
q2 = Question(
    "06",
    "q2",
    _check_tsne,
    [
        "What does t-SNE try to preserve: every distance, or who is near whom?",
        "t-SNE matches each point's neighbour probabilities in the map to those in the "
        "code; it never sees the labels, and its cost hardly cares where far-apart "
        "groups land.",
    ],
)
q3 = Question(
    "06",
    "q3",
    _check_precision,
    [
        "Three steps: a distance between every pair of rows, the k nearest other rows "
        "of each query, the share of them with the query's label.",
        "Euclidean: squared differences summed over the last axis of a broadcast "
        "(n, n, d) array; cosine: 1 minus the dot products of the rows divided by "
        "their lengths. Put np.inf on the diagonal, np.argsort each row, keep k "
        "columns, compare labels, take the mean.",
    ],
)
q4 = Question(
    "06",
    "q4",
    _check_code_size_prediction,
    [
        "How many numbers does it take to keep ten kinds of digit apart, and what do "
        "the numbers after that describe?",
        "Compare the step from 2 to 8 numbers with the step from 8 to 64: which is "
        "likely the bigger change in who a code's neighbours are?",
    ],
)
q5 = Question(
    "06",
    "q5",
    _check_lookup,
    [
        "A one-hot vector times a matrix picks out one row of the matrix.",
        "keras.ops.one_hot(token_ids, number of rows of the table) has shape "
        "token_ids.shape + (V,); multiply it by the table with keras.ops.matmul.",
    ],
)
q6 = Question(
    "06",
    "q6",
    _check_pairs,
    [
        "Each position is a centre once; its context is the words up to `window` "
        "places before and after it, inside the text.",
        "Two loops: over the positions i, and over the offsets -window .. window "
        "except 0; keep the offset when i + offset is a valid index, and store the "
        "token ids, not the positions.",
    ],
)
q7 = Question(
    "06",
    "q7",
    _check_cosine,
    [
        "The cosine is the dot product of two vectors once both have length 1.",
        "Divide the dot products (vectors @ query) by the product of each row's length "
        "(np.linalg.norm along axis 1) and the query's length.",
    ],
)
q8 = Question(
    "06",
    "q8",
    _check_challenge,
    [
        "The 32-number encoder of section 1 should already meet the target; the table "
        "of section 5 shows which code sizes retrieve best.",
        "The number checked is embeddings.neighbour_precision of your codes of the "
        "test images with k=10, as in the table.",
    ],
)


def summary():
    """Print a table of notebook 06's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("06")
