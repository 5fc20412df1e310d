"""utils.translation: the references of notebook 10, on every Keras backend."""

import keras
import numpy as np
import pytest

from utils import translation


def test_number_words_in_three_languages():
    assert translation.number_words([23], "en") == ["twenty-three"]
    assert translation.number_words([23], "fr") == ["vingt-trois"]
    assert translation.number_words([23], "de") == ["dreiundzwanzig"]


def test_split_numbers_keeps_test_numbers_out_of_training():
    train, test = translation.split_numbers(100, test_fraction=0.2, seed=0)
    assert len(test) == 20 and len(train) == 80
    assert not set(train) & set(test)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(100))
    again = translation.split_numbers(100, test_fraction=0.2, seed=0)
    assert np.array_equal(again[1], test)


def test_vocabulary_encode_and_decode_round_trip():
    texts = ["vingt-trois", "sept"]
    vocabulary = translation.build_vocabulary(texts)
    assert vocabulary[:6] == ["<pad>", "<start>", "<end>", "<2de>", "<2en>", "<2fr>"]
    ids = translation.encode(texts, vocabulary, 12, end=True)
    assert ids.shape == (2, 12) and ids.dtype == np.int32
    assert ids[1, 4] == translation.END and ids[1, 5] == translation.PAD
    assert translation.decode(ids, vocabulary) == texts
    with pytest.raises(ValueError, match="Expected texts of at most"):
        translation.encode(texts, vocabulary, 11, end=True)
    with pytest.raises(ValueError, match="Expected characters of the vocabulary"):
        translation.encode(["zehn"], vocabulary, 12)


def test_decode_stops_at_the_end_token_and_skips_language_tokens():
    vocabulary = translation.build_vocabulary(["ab"])
    a, b = vocabulary.index("a"), vocabulary.index("b")
    ids = np.array([[3, a, b, translation.END, a], [a, a, a, a, a]])
    assert translation.decode(ids, vocabulary) == ["ab", "aaaaa"]


def test_add_target_token_puts_the_token_first():
    source = np.array([[9, 10, 0], [11, 0, 0]])
    result = translation.add_target_token(source, np.array([3, 5]))
    assert result.tolist() == [[3, 9, 10, 0], [5, 11, 0, 0]]
    assert translation.add_target_token(source, 4)[:, 0].tolist() == [4, 4]
    with pytest.raises(ValueError, match="Expected `token_ids`"):
        translation.add_target_token(source, np.array([3, 4, 5]))


def test_shift_right_is_teacher_forcing():
    targets = np.array([[20, 21, 2, 0], [22, 2, 0, 0]])
    assert translation.shift_right(targets, 1).tolist() == [[1, 20, 21, 2], [1, 22, 2, 0]]
    tensor = keras.ops.convert_to_tensor(targets)
    assert translation.shift_right(tensor, 7)[:, 0].tolist() == [7, 7]
    with pytest.raises(ValueError, match="Expected `targets` as ids"):
        translation.shift_right(targets.astype("float32"), 1)


def test_greedy_decode_feeds_back_the_argmax_and_the_state():
    calls = []

    def step(previous, state):
        calls.append(previous.copy())
        probabilities = keras.ops.one_hot((previous + state) % 5, 5)
        return probabilities, state + 1

    ids = translation.greedy_decode(step, np.array([0, 1]), np.array([1, 1]), 3)
    assert ids.shape == (2, 3) and ids.dtype == np.int32
    # row 0: (1+0)%5=1, (1+1)%5=2, (2+2)%5=4; row 1: (1+1)=2, (2+2)=4, (4+3)%5=2
    assert ids.tolist() == [[1, 2, 4], [2, 4, 2]]
    assert len(calls) == 3
    with pytest.raises(ValueError, match="Expected `step` to be a function"):
        translation.greedy_decode("step", None, np.array([1]), 3)


def test_dot_attention_matches_keras_attention():
    rng = np.random.default_rng(0)
    queries = rng.normal(size=(2, 3, 4)).astype("float32")
    values = rng.normal(size=(2, 5, 4)).astype("float32")
    context, weights = translation.dot_attention(queries, values)
    layer_context, layer_weights = keras.layers.Attention()(
        [queries, values], return_attention_scores=True
    )
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(weights), keras.ops.convert_to_numpy(layer_weights), atol=1e-5
    )
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(context), keras.ops.convert_to_numpy(layer_context), atol=1e-5
    )
    with pytest.raises(ValueError, match="the same n and units"):
        translation.dot_attention(queries, values[..., :3])


def test_exact_match_and_character_error_rate():
    predictions, references = ["sept", "cent"], ["sieben", "cent"]
    assert translation.exact_match(predictions, references) == 0.5
    # sept -> sieben: 3 edits (p->i, insert b, t->e, insert n ... ) counted by rapidfuzz
    from rapidfuzz.distance import Levenshtein

    edits = Levenshtein.distance("sept", "sieben")
    assert translation.character_error_rate(predictions, references) == pytest.approx(edits / 10)
    assert translation.character_error_rate(references, references) == 0.0
    with pytest.raises(ValueError, match="as many predictions as references"):
        translation.exact_match(["a"], ["a", "b"])
