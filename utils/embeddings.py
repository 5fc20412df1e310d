"""Codes as embeddings: neighbours, clusters, and word vectors from skip-gram pairs.

``neighbour_precision`` and ``clustering_scores`` measure how well a set of features
(encoder codes, PCA codes, raw pixels) keeps images of the same digit together. The text
helpers (``tokenize``, ``build_vocabulary``, ``skipgram_pairs``, ``negative_samples``,
``cosine_similarity``, ``subsample_frequent``) prepare the word2vec example that trains
a ``keras.layers.Embedding``.
Everything here is NumPy (and scikit-learn's k-means): metrics on arrays, no backend.
"""

import re
from collections import Counter

import numpy as np

from utils.validation import as_float_array, check_positive_int

WORD = re.compile(r"[a-z]+")


def _features_and_labels(features, labels):
    features = as_float_array(features, "features")
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(
            "Expected `features` of shape (n, num_features) with n >= 2. "
            f"Received: shape={features.shape}"
        )
    labels = np.asarray(labels)
    if labels.shape != (len(features),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"Expected `labels`: integers of shape ({len(features)},), one per row of "
            f"`features`. Received: shape={labels.shape}, dtype={labels.dtype}"
        )
    return features, labels


def neighbour_precision(
    features, labels, k=10, num_queries=None, seed=0, batch_size=1000
):
    """Return the mean share of each query's k nearest neighbours that share its label.

    Every row is a point; a query's neighbours are the other rows (the query itself is
    left out), ranked by Euclidean distance. Distances are computed for ``batch_size``
    queries at a time, so 10,000 x 10,000 distances never sit in memory at once.

    Args:
        features: float array (n, d): codes, pixels, ... one row per example.
        labels: int array (n,), the class of each row.
        k: int in 1..n-1, neighbours per query.
        num_queries: int or None; None uses every row as a query, an int a seeded
            random subset of that many rows (the neighbours still come from all rows).
        seed: int, seeds the subset of queries.
        batch_size: int, queries per block of distances.

    Returns:
        float in [0, 1]: the precision at k, averaged over the queries.
    """
    features, labels = _features_and_labels(features, labels)
    check_positive_int(k, "k")
    check_positive_int(num_queries, "num_queries", allow_none=True)
    check_positive_int(batch_size, "batch_size")
    count = len(features)
    if k >= count:
        raise ValueError(
            f"Expected `k` below the number of rows ({count}). Received: k={k}"
        )
    if num_queries is None or num_queries >= count:
        queries = np.arange(count)
    else:
        queries = np.random.default_rng(seed).choice(count, num_queries, replace=False)
    data = features.astype("float64")
    squared_norms = np.sum(data**2, axis=1)
    hits = []
    for start in range(0, len(queries), batch_size):
        batch = queries[start : start + batch_size]
        # |a - b|^2 = |a|^2 - 2 a.b + |b|^2, one row of distances per query.
        distances = (
            squared_norms[batch, None] - 2.0 * data[batch] @ data.T + squared_norms
        )
        distances[np.arange(len(batch)), batch] = np.inf  # a query is not its neighbour
        nearest = np.argpartition(distances, k, axis=1)[:, :k]
        hits.append(labels[nearest] == labels[batch, None])
    return float(np.mean(np.concatenate(hits)))


def clustering_scores(features, labels, num_clusters=10, seed=0):
    """Cluster ``features`` with k-means and compare the clusters with ``labels``.

    Args:
        features: float array (n, d).
        labels: int array (n,), the true classes (used only to score the clusters).
        num_clusters: int >= 2, the k of k-means.
        seed: int, seeds k-means (3 restarts, the best kept).

    Returns:
        dict with ``"ari"`` (adjusted Rand index: 1 for a perfect match, about 0 for
        chance) and ``"nmi"`` (normalised mutual information, in [0, 1]).
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    features, labels = _features_and_labels(features, labels)
    check_positive_int(num_clusters, "num_clusters")
    if not 2 <= num_clusters <= len(features):
        raise ValueError(
            f"Expected `num_clusters` in 2..{len(features)}. Received: {num_clusters}"
        )
    kmeans = KMeans(n_clusters=num_clusters, n_init=3, random_state=seed)
    clusters = kmeans.fit_predict(features)
    return {
        "ari": float(adjusted_rand_score(labels, clusters)),
        "nmi": float(normalized_mutual_info_score(labels, clusters)),
    }


def pca_codes(train_features, features, num_components):
    """Return the coordinates of ``features`` on the top principal axes of a train set.

    Args:
        train_features: float array (n_train, d), defines the mean and the axes.
        features: float array (n, d), the rows to project.
        num_components: int in 1..min(n_train, d).

    Returns:
        float32 array (n, num_components): the linear code of the same size as an
        autoencoder's.
    """
    train = as_float_array(train_features, "train_features")
    data = as_float_array(features, "features")
    if train.ndim != 2 or data.ndim != 2 or train.shape[1] != data.shape[1]:
        raise ValueError(
            "Expected `train_features` (n_train, d) and `features` (n, d), same d. "
            f"Received: shapes {train.shape} and {data.shape}"
        )
    check_positive_int(num_components, "num_components")
    if num_components > min(train.shape):
        raise ValueError(
            f"Expected `num_components` at most {min(train.shape)}. "
            f"Received: {num_components}"
        )
    mean = train.mean(axis=0)
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    return ((data - mean) @ vt[:num_components].T).astype("float32")


# ---- Words -------------------------------------------------------------------------


def tokenize(text):
    """Return the lower-case words (runs of letters a-z) of ``text``: a list of str."""
    if not isinstance(text, str):
        raise ValueError(f"Expected `text` as a str. Received: {type(text).__name__}")
    return WORD.findall(text.lower())


def build_vocabulary(tokens, min_count=1):
    """Number the words that occur at least ``min_count`` times, most frequent first.

    Args:
        tokens: list of str.
        min_count: int >= 1; rarer words are left out of the vocabulary.

    Returns:
        (words, counts): ``words`` a list of str (word id i is ``words[i]``), ``counts``
        an int64 array of the same length with each word's number of occurrences. Ties
        are broken alphabetically, so the numbering is reproducible.
    """
    if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
        raise ValueError(
            "Expected `tokens` as a list of str (use tokenize(text)). "
            f"Received: {type(tokens).__name__}"
        )
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
        token_ids: 1-D int array or list, a text as word ids.
        window: int >= 1.

    Returns:
        int64 array (num_pairs, 2): column 0 the centre id, column 1 the context id,
        ordered by centre position, then by context position.
    """
    ids = np.asarray(token_ids)
    if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
        raise ValueError(
            "Expected `token_ids` as a 1-D sequence of ints. "
            f"Received: shape={ids.shape}, dtype={ids.dtype}"
        )
    check_positive_int(window, "window")
    positions = np.arange(len(ids))
    pairs = []
    for offset in range(-window, window + 1):
        if offset == 0:
            continue
        context = positions + offset
        inside = (context >= 0) & (context < len(ids))
        pairs.append(np.stack([positions[inside], context[inside]], axis=1))
    if not pairs or sum(len(p) for p in pairs) == 0:
        return np.zeros((0, 2), dtype="int64")
    both = np.concatenate(pairs)
    both = both[np.lexsort((both[:, 1], both[:, 0]))]  # by centre, then by context
    return ids[both].astype("int64")


def negative_samples(counts, num_samples, seed=0, power=0.75):
    """Draw word ids at random with probability proportional to count ** power.

    word2vec's "noise" words: frequent words are drawn more often, but the power 0.75
    flattens the distribution so that rare words still appear.

    Args:
        counts: 1-D array of non-negative word counts (from ``build_vocabulary``).
        num_samples: int >= 1.
        seed: int.
        power: float, 0.75 in word2vec (1 would follow the counts, 0 is uniform).

    Returns:
        int64 array (num_samples,) of word ids.
    """
    counts = as_float_array(counts, "counts")
    if counts.ndim != 1 or counts.size == 0 or counts.min() < 0 or counts.sum() <= 0:
        raise ValueError(
            "Expected `counts` as a 1-D array of non-negative numbers, not all 0. "
            f"Received: shape={counts.shape}"
        )
    check_positive_int(num_samples, "num_samples")
    weights = counts.astype("float64") ** power
    rng = np.random.default_rng(seed)
    return rng.choice(len(counts), size=num_samples, p=weights / weights.sum())


def cosine_similarity(vectors, query):
    """Return the cosine of the angle between ``query`` and each row of ``vectors``.

    Args:
        vectors: float array (n, d).
        query: float array (d,).

    Returns:
        float32 array (n,) with values in [-1, 1]; a zero vector gives 0.
    """
    vectors = as_float_array(vectors, "vectors")
    query = as_float_array(query, "query")
    if vectors.ndim != 2 or query.shape != (vectors.shape[1],):
        raise ValueError(
            "Expected `vectors` (n, d) and `query` (d,). "
            f"Received: shapes {vectors.shape} and {query.shape}"
        )
    norms = np.linalg.norm(vectors, axis=1) * np.linalg.norm(query)
    dots = vectors @ query
    return np.where(norms > 0, dots / np.maximum(norms, 1e-12), 0.0).astype("float32")


def subsample_frequent(token_ids, counts, threshold=1e-3, seed=0):
    """Drop occurrences of very frequent words at random, as word2vec does.

    An occurrence of a word with frequency f (its share of all tokens) is kept with
    probability min(1, sqrt(threshold / f)): "the" and "a" lose most of their
    occurrences, rare words keep all of theirs, so windows hold more meaningful words.

    Args:
        token_ids: 1-D int array, the text as ids into ``counts``.
        counts: 1-D array of word counts (from ``build_vocabulary``).
        threshold: float > 0; word2vec uses 1e-3 to 1e-5.
        seed: int.

    Returns:
        int64 array: the kept ids, in their original order.
    """
    ids = np.asarray(token_ids)
    if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
        raise ValueError(
            "Expected `token_ids` as a 1-D sequence of ints. "
            f"Received: shape={ids.shape}, dtype={ids.dtype}"
        )
    counts = as_float_array(counts, "counts")
    if counts.ndim != 1 or counts.sum() <= 0:
        raise ValueError(
            "Expected `counts` as a 1-D array of word counts. "
            f"Received: shape={counts.shape}"
        )
    if ids.size and (ids.min() < 0 or ids.max() >= len(counts)):
        raise ValueError(
            f"Expected ids in 0..{len(counts) - 1}. "
            f"Received: min={ids.min()}, max={ids.max()}"
        )
    if not threshold > 0:
        raise ValueError(f"Expected `threshold` > 0. Received: {threshold!r}")
    frequency = counts / counts.sum()
    keep = np.minimum(1.0, np.sqrt(threshold / np.maximum(frequency[ids], 1e-12)))
    rng = np.random.default_rng(seed)
    return ids[rng.uniform(size=len(ids)) < keep].astype("int64")
