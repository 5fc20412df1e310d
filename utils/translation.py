"""Sequence-to-sequence translation of number words, for notebook 10.

The data are the words of whole numbers in English, French and German, written by the
``num2words`` package (offline, no download). Text is read character by character; a
vocabulary is a list of symbols whose first six are special:

    0 "<pad>"   padding after the end of a sequence
    1 "<start>" the decoder's first input (teacher forcing and greedy decoding)
    2 "<end>"   written by the decoder after the last character
    3-5 "<2de>", "<2en>", "<2fr>": the target-language tokens (Johnson et al., 2017)

The encoder reads ``[<2xx>, characters...]``; the decoder writes ``[characters..., <end>]``.

References:
    Sutskever, Vinyals & Le (2014), "Sequence to Sequence Learning with Neural Networks".
    Bahdanau, Cho & Bengio (2015), "Neural Machine Translation by Jointly Learning to
    Align and Translate". Luong, Pham & Manning (2015), "Effective Approaches to
    Attention-based Neural Machine Translation" (the dot score used here).
    Johnson et al. (2017), "Google's Multilingual Neural Machine Translation System:
    Enabling Zero-Shot Translation", TACL.

Bad input raises ``ValueError`` in the form "Expected ... Received: ...".
"""

import keras
import numpy as np

from utils.validation import (
    check_choice,
    check_fraction,
    check_int,
    check_positive_int,
    int_vector,
    string_list,
)

LANGUAGES = ("de", "en", "fr")  # a tuple: check_choice then also refuses unhashable values
PAD, START, END = 0, 1, 2
SPECIALS = ("<pad>", "<start>", "<end>")


def language_token(language):
    """Return the target-language token of ``language``: ``"<2de>"`` for ``"de"``.

    Raises:
        ValueError: ``language`` not one of "de", "en", "fr".
    """
    check_choice(language, "language", LANGUAGES)
    return f"<2{language}>"


def _numbers(numbers, name="numbers"):
    array = int_vector(numbers, name)
    if array.min() < 0:
        raise ValueError(
            f"Expected `{name}` as whole numbers >= 0. Received: a minimum of {array.min()}"
        )
    return array


def number_words(numbers, language):
    """Return the words of each number in ``language``, from ``num2words``.

    Args:
        numbers: ints >= 0, shape (n,).
        language: "de", "en" or "fr".

    Returns:
        list of n str, for example ``["twenty-three"]`` for ``[23]`` in English.

    Raises:
        ValueError: ``numbers`` not a non-empty int vector >= 0; an unknown language.
    """
    from num2words import num2words

    numbers = _numbers(numbers)
    check_choice(language, "language", LANGUAGES)
    return [num2words(int(number), lang=language) for number in numbers]


def split_numbers(count, test_fraction=0.2, seed=0):
    """Split the numbers 0..count-1 (not the sentence pairs) into train and test.

    A test number then appears in no training pair, in any direction.

    Args:
        count: int >= 2, how many numbers.
        test_fraction: float in (0, 1), the share of numbers kept for the test.
        seed: int >= 0.

    Returns:
        (train, test): two sorted int64 arrays that together hold 0..count-1 once each.

    Raises:
        ValueError: on a bad count, fraction or seed, or a split that leaves one side
            empty.
    """
    from sklearn.model_selection import train_test_split

    check_int(count, "count", low=2)
    check_fraction(test_fraction, "test_fraction", 0.0, 1.0)
    check_int(seed, "seed", low=0)
    test_count = int(round(count * test_fraction))
    if not 1 <= test_count <= count - 1:
        raise ValueError(
            f"Expected a test_fraction that leaves numbers on both sides. Received: "
            f"test_fraction={test_fraction} of count={count} gives {test_count} test numbers"
        )
    train, test = train_test_split(
        np.arange(count), test_size=test_count, random_state=seed
    )
    return np.sort(train), np.sort(test)


def build_vocabulary(texts):
    """Return the vocabulary: the special symbols, the language tokens, the characters.

    Args:
        texts: non-empty list of str, every text the model will read or write.

    Returns:
        list of str: ``SPECIALS``, then ``language_token`` of each language, then the
        sorted characters of ``texts``; a symbol's position is its id.

    Raises:
        ValueError: ``texts`` not a non-empty list of str.
    """
    if (
        not isinstance(texts, (list, tuple))
        or not texts
        or not all(isinstance(text, str) for text in texts)
    ):
        raise ValueError(
            f"Expected `texts` as a non-empty list of str. Received: {type(texts).__name__}"
        )
    characters = sorted(set("".join(texts)))
    return list(SPECIALS) + [language_token(lang) for lang in LANGUAGES] + characters


def _vocabulary(vocabulary):
    if (
        not isinstance(vocabulary, (list, tuple))
        or len(vocabulary) <= len(SPECIALS) + len(LANGUAGES)
        or tuple(vocabulary[: len(SPECIALS)]) != SPECIALS
    ):
        raise ValueError(
            "Expected `vocabulary` as the list that build_vocabulary returns. "
            f"Received: {type(vocabulary).__name__}"
        )
    return {symbol: index for index, symbol in enumerate(vocabulary)}


def encode(texts, vocabulary, length, end=False):
    """Return the ids of the characters of each text, padded with 0 to ``length`` steps.

    Args:
        texts: non-empty list of str, every character in ``vocabulary``.
        vocabulary: the list from ``build_vocabulary``.
        length: int >= 1, the steps of each row.
        end: bool; True writes ``<end>`` after each text (what the decoder must write).

    Returns:
        int32 array (n, length): ``[ids of the characters..., (<end>), 0...]``.

    Raises:
        ValueError: bad texts, a character outside the vocabulary, a text (with its end
            token) longer than ``length``.
    """
    ids = _vocabulary(vocabulary)
    texts = _texts(texts, "texts")
    if not texts:
        raise ValueError("Expected `texts` as a non-empty list of str. Received: []")
    check_positive_int(length, "length")
    if not isinstance(end, (bool, np.bool_)):
        raise ValueError(f"Expected `end` as True or False. Received: {end!r}")
    rows = np.zeros((len(texts), length), "int32")
    for row, text in enumerate(texts):
        unknown = sorted(set(text) - set(ids))
        if unknown:
            raise ValueError(
                f"Expected characters of the vocabulary. Received: {unknown} in {text!r}"
            )
        symbols = [ids[c] for c in text] + ([END] if end else [])
        if len(symbols) > length:
            raise ValueError(
                f"Expected texts of at most {length - int(end)} characters. "
                f"Received: {len(text)} in {text!r}"
            )
        rows[row, : len(symbols)] = symbols
    return rows


def decode(ids, vocabulary):
    """Return the text of each row of ``ids``, up to its first ``<end>``.

    Padding, ``<start>`` and language tokens are left out of the text.

    Args:
        ids: ints in 0..len(vocabulary)-1, shape (n, steps).
        vocabulary: the list from ``build_vocabulary``.

    Returns:
        list of n str.

    Raises:
        ValueError: ``ids`` not a 2-D int array of ids of the vocabulary.
    """
    _vocabulary(vocabulary)
    ids = keras.ops.convert_to_numpy(ids) if not isinstance(ids, (list, tuple)) else ids
    array = np.asarray(ids)
    if (
        array.ndim != 2
        or not np.issubdtype(array.dtype, np.integer)
        or (array.size and (array.min() < 0 or array.max() >= len(vocabulary)))
    ):
        raise ValueError(
            f"Expected `ids` as ints in 0..{len(vocabulary) - 1} of shape (n, steps). "
            f"Received: shape={array.shape}, dtype={array.dtype}"
        )
    first_text = len(SPECIALS) + len(LANGUAGES)
    texts = []
    for row in array:
        ends = np.flatnonzero(row == END)
        row = row[: ends[0]] if len(ends) else row
        texts.append("".join(vocabulary[i] for i in row if i >= first_text))
    return texts


def _id_batch(values, name):
    array = keras.ops.convert_to_numpy(values) if not isinstance(values, (list, str)) else values
    array = np.asarray(array)
    if array.ndim != 2 or 0 in array.shape or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"Expected `{name}` as ids, ints of shape (n, steps). "
            f"Received: shape={array.shape}, dtype={array.dtype}"
        )
    return array


def add_target_token(source_ids, token_ids):
    """Put each row's target-language token in front of its source characters.

    Johnson et al. (2017): one model translates into several languages when its input
    starts with a token that names the language to write.

    Args:
        source_ids: ints of shape (n, steps), the source characters (then padding).
        token_ids: ints of shape (n,) (one token per row) or one int for every row.

    Returns:
        int32 array (n, steps + 1): ``[token_i, source_ids[i]...]``.

    Raises:
        ValueError: ``source_ids`` not (n, steps) ints; ``token_ids`` not an int or n ints.
    """
    source = _id_batch(source_ids, "source_ids")
    tokens = np.asarray(token_ids)
    if tokens.ndim == 0:
        tokens = np.full(len(source), tokens)
    if tokens.shape != (len(source),) or not np.issubdtype(tokens.dtype, np.integer):
        raise ValueError(
            f"Expected `token_ids` as one int or ints of shape ({len(source)},). "
            f"Received: shape={tokens.shape}, dtype={tokens.dtype}"
        )
    return np.concatenate([tokens[:, None], source], axis=1).astype("int32")


def shift_right(targets, start_id=START):
    """Return the decoder's inputs for teacher forcing: ``targets`` one step later.

    At step t the decoder reads the true character of step t - 1 (``start_id`` at step
    0) and is trained to write ``targets[:, t]`` (Sutskever et al., 2014; Williams &
    Zipser, 1989, for teacher forcing).

    Args:
        targets: ints of shape (n, steps).
        start_id: int >= 0, the id of ``<start>``.

    Returns:
        int32 array (n, steps): ``[start_id, targets[:, 0], ..., targets[:, -2]]``.

    Raises:
        ValueError: ``targets`` not (n, steps) ints; a bad ``start_id``.
    """
    targets = _id_batch(targets, "targets")
    check_int(start_id, "start_id", low=0)
    start = np.full((len(targets), 1), start_id, dtype=targets.dtype)
    return np.concatenate([start, targets[:, :-1]], axis=1).astype("int32")


def greedy_decode(step, state, first_ids, max_length):
    """Write sequences one step at a time, feeding back the most probable symbol.

    All rows are decoded together: each call of ``step`` advances the whole batch.

    Args:
        step: function ``(previous_ids, state) -> (probabilities, new_state)``;
            ``previous_ids`` int32 of shape (n,), ``probabilities`` (n, vocabulary).
        state: the decoder's first state (what the encoder gave), passed through as is.
        first_ids: ints of shape (n,), the first input of each row (``<start>``).
        max_length: int >= 1, how many steps to write.

    Returns:
        int32 array (n, max_length): the symbol chosen at each step (``decode`` cuts
        each row at its first ``<end>``).

    Raises:
        ValueError: ``step`` not callable; bad ``first_ids`` or ``max_length``.
    """
    if not callable(step):
        raise ValueError(
            f"Expected `step` to be a function (ids, state) -> (probabilities, state). "
            f"Received: {type(step).__name__}"
        )
    previous = np.asarray(first_ids)
    if previous.ndim != 1 or not len(previous) or not np.issubdtype(previous.dtype, np.integer):
        raise ValueError(
            f"Expected `first_ids` as ints of shape (n,). Received: shape="
            f"{previous.shape}, dtype={previous.dtype}"
        )
    check_positive_int(max_length, "max_length")
    previous, written = previous.astype("int32"), []
    for _ in range(max_length):
        probabilities, state = step(previous, state)
        previous = np.argmax(keras.ops.convert_to_numpy(probabilities), axis=-1).astype("int32")
        written.append(previous)
    return np.stack(written, axis=1)


def dot_attention(queries, values):
    """Luong et al. (2015)'s dot attention: each query's weighted mean of the values.

    ``weights = softmax(queries @ values^T)`` over the value steps (no scaling), and
    ``context = weights @ values``; ``keras.layers.Attention()`` computes the same.

    Args:
        queries: floats of shape (n, query_steps, units), the decoder's outputs.
        values: floats of shape (n, value_steps, units), the encoder's outputs.

    Returns:
        (context, weights): tensors of shape (n, query_steps, units) and
        (n, query_steps, value_steps); each row of ``weights`` sums to 1.

    Raises:
        ValueError: not rank-3 arrays with the same n and units.
    """
    shapes = []
    for value, name in ((queries, "queries"), (values, "values")):
        shape = tuple(keras.ops.shape(value)) if hasattr(value, "shape") else None
        if shape is None or len(shape) != 3:
            raise ValueError(
                f"Expected `{name}` of shape (n, steps, units). Received: "
                f"{shape if shape is not None else type(value).__name__}"
            )
        shapes.append(shape)
    if shapes[0][0] != shapes[1][0] or shapes[0][2] != shapes[1][2]:
        raise ValueError(
            f"Expected queries and values with the same n and units. "
            f"Received: {shapes[0]} and {shapes[1]}"
        )
    queries = keras.ops.cast(queries, "float32")
    values = keras.ops.cast(values, "float32")
    scores = keras.ops.matmul(queries, keras.ops.transpose(values, (0, 2, 1)))
    weights = keras.ops.softmax(scores, axis=-1)
    return keras.ops.matmul(weights, values), weights


def _texts(values, name):
    string_list(values, name)
    return list(values)


def _pair(predictions, references):
    predictions = _texts(predictions, "predictions")
    references = _texts(references, "references")
    if len(predictions) != len(references) or not references:
        raise ValueError(
            "Expected as many predictions as references, at least one. "
            f"Received: {len(predictions)} predictions, {len(references)} references"
        )
    return predictions, references


def exact_match(predictions, references):
    """Return the share of predictions equal to their reference, in [0, 1].

    Raises:
        ValueError: not two lists of str of the same, non-zero length.
    """
    predictions, references = _pair(predictions, references)
    return float(np.mean([p == r for p, r in zip(predictions, references)]))


def character_error_rate(predictions, references):
    """Return the character error rate: edits over reference characters, corpus-wide.

    The Levenshtein distance (insertions, deletions, substitutions; Levenshtein, 1966)
    of each prediction to its reference, from ``rapidfuzz``, summed over the pairs and
    divided by the total length of the references (as ``jiwer.cer`` does). 0 is
    perfect; it can exceed 1 when predictions are longer than references.

    Raises:
        ValueError: not two lists of str of the same, non-zero length, or references
            of no characters at all.
    """
    from rapidfuzz.distance import Levenshtein

    predictions, references = _pair(predictions, references)
    characters = sum(len(r) for r in references)
    if characters == 0:
        raise ValueError("Expected references with characters. Received: empty strings")
    edits = sum(Levenshtein.distance(p, r) for p, r in zip(predictions, references))
    return edits / characters
