"""utils.embeddings: values on small hand-made data, and errors on bad inputs."""

import numpy as np
import pytest

from utils import embeddings


def two_groups():
    """Four points near 0 (label 0) and four near 10 (label 1), on a line."""
    features = np.array([[0.0], [0.1], [0.2], [0.3], [10.0], [10.1], [10.2], [10.3]])
    return features, np.array([0, 0, 0, 0, 1, 1, 1, 1])


# ---- neighbour_precision ------------------------------------------------------


def test_neighbour_precision_is_one_for_separated_groups():
    features, labels = two_groups()
    assert embeddings.neighbour_precision(features, labels, k=3) == 1.0


def test_neighbour_precision_leaves_the_query_out():
    features, labels = two_groups()
    # Each group has 3 other members; the 4th neighbour is from the other group.
    assert embeddings.neighbour_precision(features, labels, k=4) == pytest.approx(0.75)


def test_neighbour_precision_by_hand_on_alternating_labels():
    features = np.arange(6, dtype="float32")[:, None]
    labels = np.array([0, 1, 0, 1, 0, 1])
    # Every point's nearest neighbours (distance 1) have the other label.
    assert embeddings.neighbour_precision(features, labels, k=1) == 0.0


def test_neighbour_precision_matches_brute_force_and_batches():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(120, 5))
    labels = rng.integers(0, 3, size=120)
    distances = ((features[:, None] - features[None]) ** 2).sum(axis=2)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1)[:, :7]
    expected = np.mean(labels[nearest] == labels[:, None])
    for batch_size in (1, 17, 1000):
        value = embeddings.neighbour_precision(
            features, labels, k=7, batch_size=batch_size
        )
        assert value == pytest.approx(expected)


def test_neighbour_precision_with_a_subset_of_queries():
    features, labels = two_groups()
    value = embeddings.neighbour_precision(features, labels, k=3, num_queries=3, seed=1)
    assert value == 1.0


GOOD_FEATURES, GOOD_LABELS = np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 2])


@pytest.mark.parametrize(
    "features, labels, kwargs, message",
    [
        (np.zeros(5), GOOD_LABELS, {}, "Expected `features` of shape (n, d)"),
        (np.zeros((1, 2)), [0], {}, "with n >= 2"),
        (np.zeros((5, 0)), GOOD_LABELS, {}, "d >= 1"),
        (np.full((5, 2), np.nan), GOOD_LABELS, {}, "finite numbers"),
        (np.full((5, 2), np.inf), GOOD_LABELS, {}, "finite numbers"),
        (np.full((5, 2), "a"), GOOD_LABELS, {}, "array of numbers"),
        ([[0.0, 1.0], [2.0]], [0, 1], {}, "array of numbers"),
        (GOOD_FEATURES, np.zeros(4, int), {}, "Expected `labels` of shape (5,)"),
        (GOOD_FEATURES, np.full(5, 0.5), {}, "whole-number class ids"),
        (GOOD_FEATURES, [0, 1, -1, 1, 0], {}, "class ids >= 0"),
        (GOOD_FEATURES, np.eye(5), {}, "not one-hot rows"),
        (GOOD_FEATURES, ["a"] * 5, {}, "Expected `labels` as class ids"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": 5}, "`k` as an int in 1..4"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": 0}, "`k` as an int in 1..4"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": 2.5}, "`k` as an int in 1..4"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": True}, "`k` as an int in 1..4"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": "3"}, "`k` as an int in 1..4"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": 1, "num_queries": 0}, "`num_queries`"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": 1, "num_queries": -2}, "`num_queries`"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": 1, "num_queries": 2.0}, "`num_queries`"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": 1, "seed": -1}, "`seed`"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": 1, "seed": 1.5}, "`seed`"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": 1, "seed": "0"}, "`seed`"),
        (GOOD_FEATURES, GOOD_LABELS, {"k": 1, "batch_size": 0}, "`batch_size`"),
    ],
)
def test_neighbour_precision_rejects_bad_input(features, labels, kwargs, message):
    with pytest.raises(ValueError, match="Expected") as error:
        embeddings.neighbour_precision(features, labels, **kwargs)
    assert message in str(error.value)
    assert "Received" in str(error.value)


def test_neighbour_precision_accepts_whole_float_labels_and_leaves_out_duplicates():
    features, labels = two_groups()
    assert embeddings.neighbour_precision(features, labels.astype(float), k=3) == 1.0
    # Five copies of one point and k + 1 = 3: the search may return three copies
    # without the query itself; one is dropped so that each query keeps k neighbours.
    points = np.array([[0.0], [0.0], [0.0], [0.0], [0.0], [9.0], [9.5]])
    labels = [0, 0, 0, 0, 0, 1, 1]
    # Copies: 2 of 2 neighbours share the label; 9.0 and 9.5: 1 of 2.
    value = embeddings.neighbour_precision(points, labels, k=2)
    assert value == pytest.approx((5 * 1.0 + 2 * 0.5) / 7)


# ---- clustering_scores --------------------------------------------------------


def test_clustering_scores_are_one_for_separated_groups():
    features, labels = two_groups()
    scores = embeddings.clustering_scores(features, labels, num_clusters=2)
    assert scores == {"ari": pytest.approx(1.0), "nmi": pytest.approx(1.0)}


def test_clustering_scores_do_not_depend_on_label_names():
    features, labels = two_groups()
    swapped = embeddings.clustering_scores(features, 1 - labels, num_clusters=2)
    assert swapped["ari"] == pytest.approx(1.0)


def test_clustering_scores_near_zero_for_labels_unrelated_to_the_features():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(400, 2))
    labels = rng.integers(0, 4, size=400)
    scores = embeddings.clustering_scores(features, labels, num_clusters=4)
    assert abs(scores["ari"]) < 0.05 and scores["nmi"] < 0.05


def test_clustering_scores_reject_bad_cluster_counts():
    features, labels = two_groups()
    for num_clusters in (9, 1, 2.0, True, "3"):
        with pytest.raises(ValueError, match=r"`num_clusters` as an int in 2\.\.8"):
            embeddings.clustering_scores(features, labels, num_clusters=num_clusters)


@pytest.mark.parametrize(
    "features, labels, seed, message",
    [
        (np.zeros(8), np.zeros(8, int), 0, "Expected `features` of shape (n, d)"),
        (np.full((8, 1), np.nan), np.zeros(8, int), 0, "finite numbers"),
        (np.zeros((8, 1)), np.eye(8), 0, "not one-hot rows"),
        (np.zeros((8, 1)), np.full(8, -1), 0, "class ids >= 0"),
        (np.zeros((8, 1)), np.zeros(7, int), 0, "of shape (8,)"),
        (np.zeros((8, 1)), np.zeros(8, int), -1, "`seed`"),
        (np.zeros((8, 1)), np.zeros(8, int), 0.5, "`seed`"),
    ],
)
def test_clustering_scores_reject_bad_input(features, labels, seed, message):
    with pytest.raises(ValueError, match="Expected") as error:
        embeddings.clustering_scores(features, labels, num_clusters=2, seed=seed)
    assert message in str(error.value)


# ---- pca_codes ----------------------------------------------------------------


def test_pca_codes_find_the_direction_of_spread():
    rng = np.random.default_rng(0)
    along = rng.normal(size=200) * 5
    points = np.stack([along, 0.01 * rng.normal(size=200)], axis=1) + [3.0, -1.0]
    codes = embeddings.pca_codes(points, points, 1)
    assert codes.shape == (200, 1) and codes.dtype == np.float32
    assert abs(np.corrcoef(codes[:, 0], along)[0, 1]) > 0.999
    assert abs(codes.mean()) < 1e-4


def test_pca_codes_match_a_projection_on_the_top_axes_up_to_sign():
    rng = np.random.default_rng(2)
    train = rng.standard_normal((80, 5)) * [4.0, 2.0, 1.0, 0.3, 0.1] - 1.0
    data = rng.standard_normal((9, 5))
    _, _, vt = np.linalg.svd(train - train.mean(axis=0), full_matrices=False)
    expected = (data - train.mean(axis=0)) @ vt[:3].T
    codes = embeddings.pca_codes(train, data, 3)
    np.testing.assert_allclose(np.abs(codes), np.abs(expected), atol=1e-4)
    signs = np.sign(np.sum(codes * expected, axis=0))
    np.testing.assert_allclose(codes, expected * signs, atol=1e-4)


@pytest.mark.parametrize(
    "train, data, num_components, message",
    [
        (np.zeros((5, 3)), np.zeros((5, 2)), 1, "same d. Received: shapes"),
        (np.zeros((5, 3)), np.zeros((5, 3)), 4, "in 1..3. Received: num_components=4"),
        (np.zeros((5, 3)), np.zeros((5, 3)), 0, "`num_components` as an int in 1..3"),
        (np.zeros((5, 3)), np.zeros((5, 3)), 1.5, "`num_components` as an int"),
        (np.zeros((5, 3)), np.zeros((5, 3)), True, "`num_components` as an int"),
        (np.zeros((1, 3)), np.zeros((5, 3)), 1, "`train_features` of shape (n, d)"),
        (np.zeros(3), np.zeros((5, 3)), 1, "`train_features` of shape (n, d)"),
        (np.zeros((5, 3)), np.full((5, 3), np.nan), 1, "finite numbers"),
        (np.zeros((5, 3)), np.zeros((0, 3)), 1, "`features` of shape (n, d)"),
    ],
)
def test_pca_codes_reject_bad_input(train, data, num_components, message):
    with pytest.raises(ValueError, match="Expected") as error:
        embeddings.pca_codes(train, data, num_components)
    assert message in str(error.value)


# ---- words --------------------------------------------------------------------


def test_tokenize_and_vocabulary():
    tokens = embeddings.tokenize("Flat is better than nested. Flat, flat!")
    assert tokens == ["flat", "is", "better", "than", "nested", "flat", "flat"]
    words, counts = embeddings.build_vocabulary(tokens)
    assert words == ["flat", "better", "is", "nested", "than"]  # ties alphabetical
    assert counts.tolist() == [3, 1, 1, 1, 1]
    words, counts = embeddings.build_vocabulary(tokens, min_count=2)
    assert words == ["flat"] and counts.tolist() == [3]


@pytest.mark.parametrize("text", [["a"], None, b"bytes", 3])
def test_tokenize_rejects_non_strings(text):
    with pytest.raises(TypeError, match="Expected `text` as a str. Received: "):
        embeddings.tokenize(text)


@pytest.mark.parametrize("tokens", ["flat is better", ["a", 3], [None], {"a": 1}, 7])
def test_build_vocabulary_rejects_tokens_that_are_not_strings(tokens):
    with pytest.raises(TypeError, match="Expected `tokens` as a list of str"):
        embeddings.build_vocabulary(tokens)


@pytest.mark.parametrize("min_count", [0, -1, 2.5, True, "2"])
def test_build_vocabulary_rejects_bad_min_counts(min_count):
    with pytest.raises(ValueError, match="Expected `min_count` to be a positive int"):
        embeddings.build_vocabulary(["a"], min_count=min_count)


def test_word_helpers_reject_bad_input():
    with pytest.raises(ValueError, match="occurring 5 times or more. Received: 2"):
        embeddings.build_vocabulary(["a", "b"], min_count=5)


def test_skipgram_pairs_by_hand():
    pairs = embeddings.skipgram_pairs([7, 8, 9], window=1)
    assert pairs.tolist() == [[7, 8], [8, 7], [8, 9], [9, 8]]
    pairs = embeddings.skipgram_pairs([7, 8, 9], window=5)
    assert pairs.tolist() == [[7, 8], [7, 9], [8, 7], [8, 9], [9, 7], [9, 8]]
    assert embeddings.skipgram_pairs([7], window=2).shape == (0, 2)


def test_skipgram_pairs_count():
    # n tokens, window w (n > 2w): 2w pairs per token, minus w(w+1) at the two ends.
    pairs = embeddings.skipgram_pairs(np.arange(20), window=3)
    assert len(pairs) == 20 * 6 - 3 * 4
    assert np.all(np.abs(pairs[:, 0] - pairs[:, 1]) <= 3)


@pytest.mark.parametrize(
    "token_ids, window, message",
    [
        ([[1, 2], [3, 4]], 1, "vector of ints, shape (n,)"),
        ([1.0, 2.0], 1, "Received: dtype=float64, shape=(2,)"),
        (["a", "b"], 1, "vector of ints"),
        ([True, False], 1, "vector of ints"),
        ([], 1, "n >= 1"),
        ([[1, 2], [3]], 1, "vector of ints"),
        ([1, -1], 1, "ids >= 0. Received: min=-1"),
        ([1, 2], 0, "Expected `window` to be a positive int"),
        ([1, 2], -1, "Expected `window` to be a positive int"),
        ([1, 2], 1.5, "Expected `window` to be a positive int"),
        ([1, 2], True, "Expected `window` to be a positive int"),
    ],
)
def test_skipgram_pairs_reject_bad_input(token_ids, window, message):
    with pytest.raises(ValueError, match="Expected") as error:
        embeddings.skipgram_pairs(token_ids, window)
    assert message in str(error.value)


def test_negative_samples_follow_count_to_the_power():
    counts = np.array([16.0, 1.0, 0.0])
    draws = embeddings.negative_samples(counts, 20000, seed=0)
    share = np.bincount(draws, minlength=3) / len(draws)
    assert share[2] == 0.0
    assert share[0] == pytest.approx(8 / 9, abs=0.01)  # 16 ** 0.75 = 8, 1 ** 0.75 = 1
    assert np.array_equal(draws, embeddings.negative_samples(counts, 20000, seed=0))


def test_negative_samples_with_power_zero_never_draw_unseen_words():
    draws = embeddings.negative_samples([5.0, 0.0, 1.0], 3000, power=0)
    share = np.bincount(draws, minlength=3) / len(draws)
    assert share[1] == 0.0 and share[0] == pytest.approx(0.5, abs=0.03)


@pytest.mark.parametrize(
    "counts, kwargs, message",
    [
        ([0, 0], {}, "Expected `counts` not all 0. Received: all zeros"),
        ([3, -1], {}, "Expected `counts` as counts >= 0. Received: 1 negative"),
        ([3, np.nan], {}, "finite numbers"),
        ([], {}, "n >= 1"),
        ([[1, 2]], {}, "vector of shape (n,)"),
        (["a"], {}, "array of numbers"),
        ([1, 2], {"num_samples": 0}, "Expected `num_samples`"),
        ([1, 2], {"num_samples": 2.5}, "Expected `num_samples`"),
        ([1, 2], {"seed": -1}, "Expected `seed`"),
        ([1, 2], {"seed": "0"}, "Expected `seed`"),
        ([1, 2], {"power": np.nan}, "Expected `power`"),
        ([1, 2], {"power": -0.5}, "Expected `power`"),
        ([1, 2], {"power": "0.75"}, "Expected `power`"),
    ],
)
def test_negative_samples_reject_bad_input(counts, kwargs, message):
    with pytest.raises(ValueError, match="Expected") as error:
        embeddings.negative_samples(counts, kwargs.pop("num_samples", 3), **kwargs)
    assert message in str(error.value)


def test_subsample_frequent_keeps_rare_words_and_thins_frequent_ones():
    ids = np.array([0] * 9990 + [1] * 10)
    counts = np.array([9990, 10])
    kept = embeddings.subsample_frequent(ids, counts, threshold=1e-3, seed=0)
    assert np.sum(kept == 1) == 10  # frequency 0.001: kept with probability 1
    assert 200 < np.sum(kept == 0) < 450  # frequency 0.999: probability about 0.032
    assert np.array_equal(kept[-10:], [1] * 10)  # the order is kept


@pytest.mark.parametrize(
    "token_ids, counts, kwargs, message",
    [
        ([0, 2], [3, 4], {}, "ids in 0..1. Received: min=0, max=2"),
        ([0, -1], [3, 4], {}, "ids in 0..1. Received: min=-1"),
        ([0.0, 1.0], [3, 4], {}, "vector of ints"),
        ([0, 1], [-3, 4], {}, "counts >= 0"),
        ([0, 1], [0, 0], {}, "not all 0"),
        ([0, 1], [3, 4], {"threshold": 0}, "`threshold` as a finite number in (0"),
        ([0, 1], [3, 4], {"threshold": np.nan}, "Expected `threshold`"),
        ([0, 1], [3, 4], {"threshold": "1e-3"}, "Expected `threshold`"),
        ([0, 1], [3, 4], {"seed": -1}, "Expected `seed`"),
    ],
)
def test_subsample_frequent_rejects_bad_input(token_ids, counts, kwargs, message):
    with pytest.raises(ValueError, match="Expected") as error:
        embeddings.subsample_frequent(token_ids, counts, **kwargs)
    assert message in str(error.value)


def test_cosine_similarity_values():
    vectors = np.array([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    result = embeddings.cosine_similarity(vectors, np.array([2.0, 0.0]))
    assert result.shape == (5,) and result.dtype == np.float32
    assert np.allclose(result, [1.0, 0.0, -1.0, np.sqrt(0.5), 0.0])


@pytest.mark.parametrize(
    "vectors, query, message",
    [
        (np.zeros((2, 3)), np.zeros(2), "Received: shapes (2, 3) and (2,)"),
        (np.zeros(3), np.zeros(3), "Expected `vectors` of shape (n, d)"),
        (np.zeros((2, 3)), np.zeros((1, 3)), "Expected `query` as a vector"),
        (np.full((2, 3), np.nan), np.zeros(3), "finite numbers"),
        (np.zeros((2, 3)), ["a", "b", "c"], "array of numbers"),
    ],
)
def test_cosine_similarity_rejects_bad_input(vectors, query, message):
    with pytest.raises(ValueError, match="Expected") as error:
        embeddings.cosine_similarity(vectors, query)
    assert message in str(error.value)


# ---- neighbour_precision with the cosine distance, and encoder_of ---------------


def brute_force_precision(features, labels, k, metric):
    if metric == "cosine":
        unit = features / np.linalg.norm(features, axis=1, keepdims=True)
        distances = 1.0 - unit @ unit.T
    else:
        distances = ((features[:, None] - features[None]) ** 2).sum(axis=2)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1, kind="stable")[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_neighbour_precision_metrics_match_brute_force(metric):
    rng = np.random.default_rng(2)
    labels = np.repeat(np.arange(3), 15)
    directions = rng.normal(size=(3, 6))
    lengths = rng.uniform(0.2, 4.0, size=(45, 1))
    features = (directions[labels] + 0.6 * rng.normal(size=(45, 6))) * lengths
    for k in (1, 5):
        expected = brute_force_precision(features, labels, k, metric)
        value = embeddings.neighbour_precision(features, labels, k=k, metric=metric)
        assert value == pytest.approx(expected)


def test_cosine_ignores_the_length_of_each_row():
    rng = np.random.default_rng(3)
    labels = np.repeat(np.arange(2), 10)
    features = np.eye(2)[labels] + 0.05 * rng.normal(size=(20, 2))
    stretched = features * rng.uniform(0.1, 10.0, size=(20, 1))
    value = embeddings.neighbour_precision(stretched, labels, k=3, metric="cosine")
    assert value == 1.0


@pytest.mark.parametrize("metric", ["manhattan", "Cosine", None])
def test_neighbour_precision_rejects_other_metrics(metric):
    with pytest.raises(ValueError, match="Expected `metric` to be one of"):
        embeddings.neighbour_precision(np.eye(3), [0, 1, 0], k=1, metric=metric)


def test_encoder_of_shares_the_trained_layers():
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(6,))
    codes = keras.layers.Dense(2, name="code")(keras.layers.Dense(4)(inputs))
    autoencoder = keras.Model(inputs, keras.layers.Dense(6)(codes))
    encoder = embeddings.encoder_of(autoencoder)
    assert tuple(encoder.output_shape) == (None, 2)
    assert encoder.layers[-1] is autoencoder.get_layer("code")
    x = np.ones((3, 6), dtype="float32")
    expected = keras.Model(inputs, codes)(x)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(encoder(x)), keras.ops.convert_to_numpy(expected)
    )


def test_encoder_of_rejects_bad_input():
    import keras

    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(2, name="hidden")(inputs))
    with pytest.raises(ValueError, match="Expected a layer named 'code'"):
        embeddings.encoder_of(model)
    with pytest.raises(TypeError, match="Expected `autoencoder` to be a keras.Model"):
        embeddings.encoder_of(np.zeros(3))
