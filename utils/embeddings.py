"""Codes as embeddings: neighbours, clusters, and word vectors from skip-gram pairs.

``neighbour_precision`` and ``clustering_scores`` measure how well a set of features
(encoder codes, PCA codes, raw pixels) keeps images of the same digit together. The text
helpers (``tokenize``, ``build_vocabulary``, ``skipgram_pairs``, ``negative_samples``,
``cosine_similarity``, ``subsample_frequent``) prepare the word2vec example that trains
a ``keras.layers.Embedding``.
Everything here is NumPy and scikit-learn (nearest neighbours, k-means, PCA, cosine
similarity): metrics on arrays, no backend. Every function checks its inputs first.
"""

import re
from collections import Counter

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine_similarity
from sklearn.neighbors import NearestNeighbors

from utils.validation import (
    check_choice,
    check_int,
    check_number,
    check_positive_int,
    check_seed,
    check_type,
    class_labels,
    count_vector,
    float_matrix,
    float_vector,
    id_vector,
    string_list,
)

WORD = re.compile(r"[a-z]+")


def _features_and_labels(features, labels):
    """Return float32 features (n, d), n >= 2, and int64 class ids (n,)."""
    features = float_matrix(features, "features", min_rows=2)
    labels = class_labels(labels, "labels", length=len(features))
    return features, labels


def _without_queries(nearest, queries):
    """Drop each query from its own row of neighbour ids (k + 1 ids -> k ids).

    When more than k + 1 rows duplicate a query, the query may be missing from its row:
    then the first id (a duplicate, at distance 0) is dropped, as scikit-learn does.
    """
    is_query = nearest == queries[:, None]
    is_query[~is_query.any(axis=1), 0] = True
    return nearest[~is_query].reshape(len(queries), -1)


METRICS = ("euclidean", "cosine")


def encoder_of(autoencoder, layer_name="code"):
    """Return the encoder of a functional autoencoder: input to layer ``layer_name``.

    The sub-model shares the autoencoder's layers and trained weights (nothing is copied
    or retrained), so ``encoder_of(autoencoder).predict(x)`` gives the codes of ``x``.

    Args:
        autoencoder: a functional ``keras.Model`` with one input.
        layer_name: str, the name of the code layer.

    Returns:
        ``keras.Model`` from ``autoencoder.input`` to that layer's output, for example
        (None, 784) -> (None, code_size).

    Raises:
        TypeError: when ``autoencoder`` is not a ``keras.Model``.
        ValueError: when it has no layer named ``layer_name``.
    """
    import keras

    if not isinstance(autoencoder, keras.Model):
        raise TypeError(
            "Expected `autoencoder` to be a keras.Model. "
            f"Received: {type(autoencoder).__name__}"
        )
    names = [layer.name for layer in autoencoder.layers]
    if layer_name not in names:
        raise ValueError(
            f"Expected a layer named {layer_name!r} in the autoencoder. Received: "
            f"layers {names}"
        )
    return keras.Model(
        autoencoder.input,
        autoencoder.get_layer(layer_name).output,
        name=f"{autoencoder.name}_encoder",
    )


def neighbour_precision(
    features, labels, k=10, num_queries=None, seed=0, batch_size=1000,
    metric="euclidean",
):
    """Return the mean share of each query's k nearest neighbours that share its label.

    Every row is a point; a query's neighbours are the other rows (the query itself is
    left out), ranked by Euclidean distance, or by cosine distance (1 - the cosine of
    the angle between two rows) with ``metric="cosine"``, with
    ``sklearn.neighbors.NearestNeighbors``. This is the precision at k of retrieval
    (Manning, Raghavan & Schütze 2008, *Introduction to Information Retrieval*, ch. 8).
    Neighbours are searched for ``batch_size`` queries at a time, so 10,000 x 10,000
    distances never sit in memory at once. Ties at the k-th distance are broken as
    scikit-learn breaks them.

    Args:
        features: float array (n, d), n >= 2, finite: codes, pixels, ... one row per
            example.
        labels: int array (n,), the class id (>= 0) of each row.
        k: int in 1..n-1, neighbours per query.
        num_queries: positive int or None; None uses every row as a query, an int a
            seeded random subset of that many rows (all rows when it is >= n; the
            neighbours still come from all rows).
        seed: int >= 0, seeds the subset of queries.
        batch_size: positive int, queries per search.
        metric: ``"euclidean"`` or ``"cosine"``.

    Returns:
        float in [0, 1]: the precision at k, averaged over the queries.

    Raises:
        ValueError: for features that are not a finite (n, d) array with n >= 2,
            labels that are not class ids (one-hot rows, -1, fractions, wrong length),
            counts and a seed outside the ranges above, or another metric.
    """
    check_choice(metric, "metric", METRICS)
    features, labels = _features_and_labels(features, labels)
    count = len(features)
    check_int(k, "k", low=1, high=count - 1)
    check_positive_int(num_queries, "num_queries", allow_none=True)
    check_seed(seed)
    check_positive_int(batch_size, "batch_size")
    if num_queries is None or num_queries >= count:
        queries = np.arange(count)
    else:
        queries = np.random.default_rng(seed).choice(count, num_queries, replace=False)
    data = features.astype("float64")
    search = NearestNeighbors(n_neighbors=k + 1, metric=metric).fit(data)
    hits = []
    for start in range(0, len(queries), batch_size):
        batch = queries[start : start + batch_size]
        nearest = _without_queries(search.kneighbors(data[batch])[1], batch)
        hits.append(labels[nearest] == labels[batch, None])
    return float(np.mean(np.concatenate(hits)))


def clustering_scores(features, labels, num_clusters=10, seed=0):
    """Cluster ``features`` with k-means and compare the clusters with ``labels``.

    ``sklearn.cluster.KMeans`` (3 restarts, the best kept), scored by
    ``adjusted_rand_score`` and ``normalized_mutual_info_score``.

    Args:
        features: float array (n, d), n >= 2, finite.
        labels: int array (n,), the true class ids (used only to score the clusters).
        num_clusters: int in 2..n, the k of k-means.
        seed: int >= 0, seeds k-means.

    Returns:
        dict with ``"ari"`` (adjusted Rand index: 1 for a perfect match, about 0 for
        chance, in [-0.5, 1]) and ``"nmi"`` (normalised mutual information, in [0, 1]).

    Raises:
        ValueError: as ``neighbour_precision`` for the features and labels, and for a
            ``num_clusters`` or seed outside the ranges above.
    """
    features, labels = _features_and_labels(features, labels)
    check_int(num_clusters, "num_clusters", low=2, high=len(features))
    check_seed(seed)
    kmeans = KMeans(n_clusters=num_clusters, n_init=3, random_state=seed)
    clusters = kmeans.fit_predict(features)
    return {
        "ari": float(adjusted_rand_score(labels, clusters)),
        "nmi": float(normalized_mutual_info_score(labels, clusters)),
    }


def pca_codes(train_features, features, num_components):
    """Return the coordinates of ``features`` on the top principal axes of a train set.

    ``sklearn.decomposition.PCA`` fitted on ``train_features`` with the exact ("full")
    SVD solver, then ``transform(features)``. The sign of each axis is arbitrary (as for
    any PCA): a code may come out mirrored compared with another library's.

    Args:
        train_features: float array (n_train, d), n_train >= 2, finite: defines the
            mean and the axes.
        features: float array (n, d), finite: the rows to project.
        num_components: int in 1..min(n_train, d).

    Returns:
        float32 array (n, num_components): the linear code of the same size as an
        autoencoder's, axis 1 the direction of largest variance.

    Raises:
        ValueError: for arrays that are not finite 2-D numbers, a d that differs, or a
            ``num_components`` outside 1..min(n_train, d).
    """
    train = float_matrix(train_features, "train_features", min_rows=2)
    data = float_matrix(features, "features")
    if train.shape[1] != data.shape[1]:
        raise ValueError(
            "Expected `train_features` (n_train, d) and `features` (n, d), same d. "
            f"Received: shapes {train.shape} and {data.shape}"
        )
    check_int(num_components, "num_components", low=1, high=min(train.shape))
    # Exact either way; the covariance route is ten times faster when n >> d.
    solver = "covariance_eigh" if len(train) >= train.shape[1] else "full"
    pca = PCA(n_components=num_components, svd_solver=solver).fit(train)
    return pca.transform(data).astype("float32")


# ---- Words -------------------------------------------------------------------------


def tokenize(text):
    """Return the lower-case words (runs of letters a-z) of ``text``.

    Args:
        text: str.

    Returns:
        list of str, in the order of the text (empty for a text without letters).

    Raises:
        TypeError: for a ``text`` that is not a str.
    """
    check_type(text, "text", str, "a str")
    return WORD.findall(text.lower())


def build_vocabulary(tokens, min_count=1):
    """Number the words that occur at least ``min_count`` times, most frequent first.

    Args:
        tokens: list (or tuple, or array) of str, e.g. from ``tokenize``.
        min_count: positive int; rarer words are left out of the vocabulary.

    Returns:
        (words, counts): ``words`` a list of str (word id i is ``words[i]``), ``counts``
        an int64 array of the same length with each word's number of occurrences (>= 1).
        Ties are broken alphabetically, so the numbering is reproducible.

    Raises:
        TypeError: for ``tokens`` that are not a list of str (a str, a list of ints).
        ValueError: for a ``min_count`` that is not a positive int, or when no word
            occurs ``min_count`` times.
    """
    string_list(tokens, "tokens", hint="use tokenize(text)")
    check_positive_int(min_count, "min_count")
    frequent = [
        (word, count) for word, count in Counter(tokens).items() if count >= min_count
    ]
    if not frequent:
        raise ValueError(
            f"Expected at least one word occurring {min_count} times or more. "
            f"Received: {len(tokens)} tokens"
        )
    frequent.sort(key=lambda item: (-item[1], item[0]))
    words = [word for word, _ in frequent]
    return words, np.array([count for _, count in frequent], dtype="int64")


def skipgram_pairs(token_ids, window):
    """Return every (centre, context) pair of ids at most ``window`` positions apart.

    For each position i, the context words are those at i - window .. i + window, the
    centre itself left out; pairs do not run past either end of the sequence.

    Args:
        token_ids: 1-D int array or list of word ids >= 0, n >= 1: a text as ids.
        window: positive int.

    Returns:
        int64 array (num_pairs, 2): column 0 the centre id, column 1 the context id,
        ordered by centre position, then by context position (no pairs for n = 1).

    Raises:
        ValueError: for ids that are not a non-empty 1-D sequence of ints >= 0 (floats,
            strings, a 2-D array), or a ``window`` that is not a positive int.
    """
    ids = id_vector(token_ids, "token_ids")
    check_positive_int(window, "window")
    positions = np.arange(len(ids))
    pairs = []
    for offset in range(-window, window + 1):
        if offset == 0:
            continue
        context = positions + offset
        inside = (context >= 0) & (context < len(ids))
        pairs.append(np.stack([positions[inside], context[inside]], axis=1))
    both = np.concatenate(pairs)
    both = both[np.lexsort((both[:, 1], both[:, 0]))]  # by centre, then by context
    return ids[both].astype("int64")


def negative_samples(counts, num_samples, seed=0, power=0.75):
    """Draw word ids at random with probability proportional to count ** power.

    word2vec's "noise" words (Mikolov et al., 2013, "Distributed representations of
    words and phrases"): frequent words are drawn more often, but the power 0.75
    flattens the distribution so that rare words still appear. A word of count 0 is
    never drawn.

    Args:
        counts: 1-D array of non-negative word counts, not all 0 (from
            ``build_vocabulary``).
        num_samples: positive int.
        seed: int >= 0.
        power: finite number >= 0: 0.75 in word2vec (1 follows the counts, 0 draws
            the words of non-zero count uniformly).

    Returns:
        int64 array (num_samples,) of word ids in 0..len(counts)-1.

    Raises:
        ValueError: for counts that are not a finite non-empty vector of numbers >= 0
            with at least one above 0, or arguments outside the ranges above.
    """
    counts = count_vector(counts, "counts")
    check_positive_int(num_samples, "num_samples")
    check_seed(seed)
    power = check_number(power, "power", low=0.0)
    weights = np.where(counts > 0, counts**power, 0.0)
    rng = np.random.default_rng(seed)
    return rng.choice(len(counts), size=num_samples, p=weights / weights.sum())


def cosine_similarity(vectors, query):
    """Return the cosine of the angle between ``query`` and each row of ``vectors``.

    ``sklearn.metrics.pairwise.cosine_similarity``.

    Args:
        vectors: float array (n, d), finite.
        query: float array (d,), finite.

    Returns:
        float32 array (n,) with values in [-1, 1]; a zero vector gives 0.

    Raises:
        ValueError: for arrays that are not finite numbers, or shapes other than
            (n, d) and (d,).
    """
    vectors = float_matrix(vectors, "vectors")
    query = float_vector(query, "query")
    if query.shape != (vectors.shape[1],):
        raise ValueError(
            "Expected `vectors` (n, d) and `query` (d,). "
            f"Received: shapes {vectors.shape} and {query.shape}"
        )
    return sk_cosine_similarity(vectors, query[None])[:, 0].astype("float32")


def subsample_frequent(token_ids, counts, threshold=1e-3, seed=0):
    """Drop occurrences of very frequent words at random, as word2vec does.

    An occurrence of a word with frequency f (its share of all tokens) is kept with
    probability min(1, sqrt(threshold / f)) (Mikolov et al., 2013): "the" and "a" lose
    most of their occurrences, rare words keep all of theirs, so windows hold more
    meaningful words.

    Args:
        token_ids: 1-D int array, n >= 1: the text as ids into ``counts``.
        counts: 1-D array of word counts >= 0, not all 0 (from ``build_vocabulary``).
        threshold: finite number > 0; word2vec uses 1e-3 to 1e-5.
        seed: int >= 0.

    Returns:
        int64 array: the kept ids, in their original order.

    Raises:
        ValueError: for ids that are not ints in 0..len(counts)-1, counts as
            ``negative_samples`` refuses them, or arguments outside the ranges above.
    """
    counts = count_vector(counts, "counts")
    ids = id_vector(token_ids, "token_ids", size=len(counts))
    threshold = check_number(threshold, "threshold", low=0.0, low_open=True)
    check_seed(seed)
    frequency = counts / counts.sum()
    keep = np.minimum(1.0, np.sqrt(threshold / np.maximum(frequency[ids], 1e-12)))
    rng = np.random.default_rng(seed)
    return ids[rng.uniform(size=len(ids)) < keep].astype("int64")
