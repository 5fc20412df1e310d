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


@pytest.mark.parametrize(
    "features, labels, kwargs, message",
    [
        (np.zeros(5), np.zeros(5, int), {}, "Expected `features` of shape (n, num_"),
        (np.zeros((5, 2)), np.zeros(4, int), {}, "`labels`: integers of shape (5,)"),
        (np.zeros((5, 2)), np.zeros(5), {}, "Expected `labels`: integers"),
        (np.zeros((5, 2)), np.zeros(5, int), {"k": 5}, "Expected `k` below the number"),
        (np.zeros((5, 2)), np.zeros(5, int), {"k": 0}, "`k` to be a positive int"),
        (np.full((5, 2), np.nan), np.zeros(5, int), {}, "finite numbers"),
        (np.zeros((5, 2)), np.zeros(5, int), {"num_queries": 0}, "`num_queries`"),
    ],
)
def test_neighbour_precision_rejects_bad_input(features, labels, kwargs, message):
    with pytest.raises(ValueError, match="Expected") as error:
        embeddings.neighbour_precision(features, labels, **kwargs)
    assert message in str(error.value)
    assert "Received" in str(error.value)


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
    with pytest.raises(ValueError, match=r"Expected `num_clusters` in 2\.\.8"):
        embeddings.clustering_scores(features, labels, num_clusters=9)
    with pytest.raises(ValueError, match="Expected `num_clusters` in"):
        embeddings.clustering_scores(features, labels, num_clusters=1)


# ---- pca_codes ----------------------------------------------------------------


def test_pca_codes_find_the_direction_of_spread():
    rng = np.random.default_rng(0)
    along = rng.normal(size=200) * 5
    points = np.stack([along, 0.01 * rng.normal(size=200)], axis=1) + [3.0, -1.0]
    codes = embeddings.pca_codes(points, points, 1)
    assert codes.shape == (200, 1) and codes.dtype == np.float32
    assert abs(np.corrcoef(codes[:, 0], along)[0, 1]) > 0.999
    assert abs(codes.mean()) < 1e-4


def test_pca_codes_reject_bad_input():
    with pytest.raises(ValueError, match="same d. Received: shapes"):
        embeddings.pca_codes(np.zeros((5, 3)), np.zeros((5, 2)), 1)
    with pytest.raises(ValueError, match="at most 3. Received: 4"):
        embeddings.pca_codes(np.zeros((5, 3)), np.zeros((5, 3)), 4)


# ---- words --------------------------------------------------------------------


def test_tokenize_and_vocabulary():
    tokens = embeddings.tokenize("Flat is better than nested. Flat, flat!")
    assert tokens == ["flat", "is", "better", "than", "nested", "flat", "flat"]
    words, counts = embeddings.build_vocabulary(tokens)
    assert words == ["flat", "better", "is", "nested", "than"]  # ties alphabetical
    assert counts.tolist() == [3, 1, 1, 1, 1]
    words, counts = embeddings.build_vocabulary(tokens, min_count=2)
    assert words == ["flat"] and counts.tolist() == [3]


def test_word_helpers_reject_bad_input():
    with pytest.raises(ValueError, match="Expected `text` as a str. Received: list"):
        embeddings.tokenize(["a"])
    with pytest.raises(ValueError, match="Expected `tokens` as a list of str"):
        embeddings.build_vocabulary("flat is better")
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


def test_skipgram_pairs_reject_bad_input():
    with pytest.raises(ValueError, match="of ints. Received: shape=\\(2, 2\\)"):
        embeddings.skipgram_pairs([[1, 2], [3, 4]], 1)
    with pytest.raises(ValueError, match="Received: shape=\\(2,\\), dtype=float64"):
        embeddings.skipgram_pairs([1.0, 2.0], 1)
    with pytest.raises(ValueError, match="Expected `window` to be a positive int"):
        embeddings.skipgram_pairs([1, 2], 0)


def test_negative_samples_follow_count_to_the_power():
    counts = np.array([16.0, 1.0, 0.0])
    draws = embeddings.negative_samples(counts, 20000, seed=0)
    share = np.bincount(draws, minlength=3) / len(draws)
    assert share[2] == 0.0
    assert share[0] == pytest.approx(8 / 9, abs=0.01)  # 16 ** 0.75 = 8, 1 ** 0.75 = 1
    assert np.array_equal(draws, embeddings.negative_samples(counts, 20000, seed=0))


def test_negative_samples_reject_bad_counts():
    with pytest.raises(ValueError, match="not all 0. Received: shape=\\(2,\\)"):
        embeddings.negative_samples([0, 0], 3)
    with pytest.raises(ValueError, match="Expected `num_samples`"):
        embeddings.negative_samples([1, 2], 0)


def test_subsample_frequent_keeps_rare_words_and_thins_frequent_ones():
    ids = np.array([0] * 9990 + [1] * 10)
    counts = np.array([9990, 10])
    kept = embeddings.subsample_frequent(ids, counts, threshold=1e-3, seed=0)
    assert np.sum(kept == 1) == 10  # frequency 0.001: kept with probability 1
    assert 200 < np.sum(kept == 0) < 450  # frequency 0.999: probability about 0.032
    assert np.array_equal(kept[-10:], [1] * 10)  # the order is kept


def test_subsample_frequent_rejects_bad_input():
    with pytest.raises(ValueError, match="ids in 0..1. Received: min=0, max=2"):
        embeddings.subsample_frequent([0, 2], [3, 4])
    with pytest.raises(ValueError, match="Expected `threshold` > 0"):
        embeddings.subsample_frequent([0, 1], [3, 4], threshold=0)


def test_cosine_similarity_values():
    vectors = np.array([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    result = embeddings.cosine_similarity(vectors, np.array([2.0, 0.0]))
    assert result.shape == (5,) and result.dtype == np.float32
    assert np.allclose(result, [1.0, 0.0, -1.0, np.sqrt(0.5), 0.0])


def test_cosine_similarity_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="Received: shapes \\(2, 3\\) and \\(2,\\)"):
        embeddings.cosine_similarity(np.zeros((2, 3)), np.zeros(2))
