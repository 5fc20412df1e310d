"""The checks of notebook 07: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils import anomaly
from utils.checks import nb07

# ---- Right answers ------------------------------------------------------------


def build_autoencoder(
    code_size=16, hidden="relu", code_activation=None, output="sigmoid", name="code",
    widths=(256, 64),
):
    inputs = keras.Input((784,))
    x = inputs
    for width in widths:
        x = keras.layers.Dense(width, activation=hidden)(x)
    x = keras.layers.Dense(code_size, activation=code_activation, name=name)(x)
    for width in reversed(widths):
        x = keras.layers.Dense(width, activation=hidden)(x)
    return keras.Model(inputs, keras.layers.Dense(784, activation=output)(x))


def reconstruction_errors(x, x_hat):
    return np.mean((x - x_hat) ** 2, axis=tuple(range(1, np.ndim(x))))


def auroc_by_hand(scores, is_anomaly):
    anomalous, normal = scores[is_anomaly], scores[~is_anomaly]
    greater = anomalous[:, None] > normal[None, :]
    ties = anomalous[:, None] == normal[None, :]
    return float(np.mean(greater + 0.5 * ties))


def threshold_at_false_positive_rate(scores, is_anomaly, false_positive_rate):
    return float(np.quantile(scores[~is_anomaly], 1 - false_positive_rate))


class TinyAutoencoder(keras.Model):
    """A stand-in for a trained model: a fixed reconstruction per image."""

    def __init__(self, reconstruction):
        super().__init__()
        self.reconstruction = reconstruction

    def predict(self, x, verbose=0):
        return self.reconstruction


# ---- Plausible wrong answers --------------------------------------------------


def errors_summed(x, x_hat):
    return np.sum((x - x_hat) ** 2, axis=1)


def errors_absolute(x, x_hat):
    return np.mean(np.abs(x - x_hat), axis=1)


def errors_root(x, x_hat):
    return np.sqrt(np.mean((x - x_hat) ** 2, axis=1))


def errors_flat_only(x, x_hat):
    return np.mean((x - x_hat) ** 2, axis=-1)


def auroc_counts(scores, is_anomaly):
    anomalous, normal = scores[is_anomaly], scores[~is_anomaly]
    greater = anomalous[:, None] > normal[None, :]
    return float(np.sum(greater + 0.5 * (anomalous[:, None] == normal[None, :])))


def auroc_flipped(scores, is_anomaly):
    return 1.0 - auroc_by_hand(scores, is_anomaly)


def auroc_ties_zero(scores, is_anomaly):
    return float(np.mean(scores[is_anomaly][:, None] > scores[~is_anomaly][None, :]))


def auroc_ties_one(scores, is_anomaly):
    return float(np.mean(scores[is_anomaly][:, None] >= scores[~is_anomaly][None, :]))


def auroc_per_anomaly(scores, is_anomaly):
    return np.mean(scores[is_anomaly][:, None] > scores[~is_anomaly][None, :], axis=1)


def errors_batch_mean(x, x_hat):
    """The typical bug: the mean over the whole batch, broadcast to every image."""
    return np.full(len(x), np.mean((x - x_hat) ** 2))


def threshold_wrong_tail(scores, is_anomaly, false_positive_rate):
    return float(np.quantile(scores[~is_anomaly], false_positive_rate))


def threshold_all_scores(scores, is_anomaly, false_positive_rate):
    return float(np.quantile(scores, 1 - false_positive_rate))


def threshold_on_anomalies(scores, is_anomaly, false_positive_rate):
    return float(np.quantile(scores[is_anomaly], 1 - false_positive_rate))


def threshold_percent_mixup(scores, is_anomaly, false_positive_rate):
    return float(np.percentile(scores[~is_anomaly], 1 - false_positive_rate))


def threshold_fixed_rate(scores, is_anomaly, false_positive_rate):
    return float(np.quantile(scores[~is_anomaly], 0.95))


def threshold_sorted_in_place(scores, is_anomaly, false_positive_rate):
    scores.sort()
    return 0.95


def threshold_array(scores, is_anomaly, false_positive_rate):
    return np.quantile(scores[~is_anomaly], [1 - false_positive_rate])


def threshold_needs_anomalies(scores, is_anomaly, false_positive_rate):
    normal, anomalous = scores[~is_anomaly], scores[is_anomaly]
    return float(np.quantile(normal, 1 - false_positive_rate)) + 0 * anomalous.max()


def threshold_nearest_rank(scores, is_anomaly, false_positive_rate):
    normal = np.sort(scores[~is_anomaly])
    rank = int(np.ceil((1 - false_positive_rate) * len(normal))) - 1
    return float(normal[rank] + 0.003)


LOOSE_TO_STRICT = {
    "a": ([0.98, 0.99, 0.994], [0.95, 0.89, 0.74]),
    "b": ([0.90, 0.95, 0.99], [0.50, 0.60, 0.70]),
    "c": ([0.99, 0.90, 0.70], [0.80, 0.79, 0.78]),
    "d": ([0.95, 0.951, 0.952], [0.90, 0.899, 0.898]),
}


WRONG_ANSWERS = [
    (nb07.q1, lambda code_size: build_autoencoder(code_size, name="z"), "'code'"),
    (nb07.q1, lambda code_size: build_autoencoder(16), "use code_size"),
    (nb07.q1, lambda code_size: build_autoencoder(32), "16 units (code_size = 16)"),
    (
        nb07.q1,
        lambda code_size: build_autoencoder(code_size, widths=(128,)),
        "Dense layers of 256, 64, 16, 64, 256 and 784",
    ),
    (
        nb07.q1,
        lambda code_size: build_autoencoder(code_size, hidden="sigmoid"),
        "ReLU on the four hidden layers",
    ),
    (
        nb07.q1,
        lambda code_size: build_autoencoder(code_size, code_activation="relu"),
        "no activation on the code layer",
    ),
    (
        nb07.q1,
        lambda code_size: build_autoencoder(code_size, output=None),
        "sigmoid on the output",
    ),
    (nb07.q1, build_autoencoder(16), "pass the function itself"),
    (nb07.q2, errors_summed, "you summed the squared errors"),
    (nb07.q2, errors_absolute, "mean absolute error"),
    (nb07.q2, errors_root, "root of the MSE"),
    (nb07.q2, errors_batch_mean, "the batch mean"),
    (
        nb07.q2,
        lambda x, x_hat: float(np.mean((x - x_hat) ** 2)),
        "you averaged over the batch too",
    ),
    (
        nb07.q2,
        lambda x, x_hat: np.mean((x - x_hat) ** 2, axis=0),
        "one value per pixel",
    ),
    (nb07.q2, errors_flat_only, "(n, 28, 28)"),
    (nb07.q3, auroc_counts, "you counted the pairs"),
    (nb07.q3, auroc_flipped, "the direction is flipped"),
    (nb07.q3, auroc_ties_zero, "ties are counted as 0"),
    (nb07.q3, auroc_ties_one, "ties are counted as 1"),
    (nb07.q3, auroc_per_anomaly, "expected one number"),
    (nb07.q3, lambda scores, is_anomaly: 1 / 0, "raised ZeroDivisionError"),
    (nb07.q4, "a", "accuracy needs the labels"),
    (nb07.q4, "b", "not always higher"),
    (nb07.q4, "d", "expected one of ['a', 'b', 'c']"),
    (nb07.q5, threshold_wrong_tail, "you took the wrong tail"),
    (nb07.q5, threshold_all_scores, "anomalies included"),
    (nb07.q5, threshold_on_anomalies, "quantile of the anomalies' scores"),
    (nb07.q5, threshold_percent_mixup, "np.percentile takes percents"),
    (nb07.q5, threshold_fixed_rate, "use the false_positive_rate argument"),
    (nb07.q5, threshold_sorted_in_place, "changed an input array in place"),
    (nb07.q5, threshold_array, "expected one number"),
    (nb07.q5, threshold_needs_anomalies, "normal examples only"),
    (nb07.q5, threshold_nearest_rank, "instead of 5 %"),
    (nb07.q6, ("b", *LOOSE_TO_STRICT["a"]), "the table says otherwise"),
    (nb07.q6, ("a", *LOOSE_TO_STRICT["c"]), "the table says otherwise"),
    (nb07.q6, ("a", [0.9, 0.95], [0.8, 0.85, 0.9]), "two lists of the same length"),
    (nb07.q6, ("e", *LOOSE_TO_STRICT["a"]), "expected one of ['a', 'b', 'c', 'd']"),
    (nb07.q6, ("a",), "check.q6(prediction, precisions, recalls)"),
    (nb07.q7, "a", "reconstructed well too"),
    (nb07.q7, "c", "trains a large network perfectly well"),
    (nb07.q7, 2, "expected one of ['a', 'b', 'c']"),
    (nb07.q8, ("model",), "a Keras model"),
    (
        nb07.q8,
        (TinyAutoencoder(np.zeros((6, 784))),),
        "pass the model, the test images",
    ),
]


def call(question, answer):
    """Run a question on one answer, or on several arguments given as a tuple."""
    return question(*answer) if isinstance(answer, tuple) else question(answer)


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    if isinstance(answer, tuple):
        call(question, answer)
        printed = capsys.readouterr().out
        assert printed.startswith(f"❌ {question.name} not yet:"), printed
        assert message in printed, printed
        assert f"Hint: {question.hint_text}" in printed
    else:
        assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_07_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 9)}
    defined = {name for name in dir(nb07) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb07.q1, build_autoencoder),
        (nb07.q2, reconstruction_errors),
        (
            nb07.q2,
            lambda x, x_hat: ((x - x_hat) ** 2).reshape(len(x), -1).mean(axis=1),
        ),
        (nb07.q2, anomaly.reconstruction_errors),
        (nb07.q2, lambda x, x_hat: keras.ops.mean((x - x_hat) ** 2, axis=(1, 2))
         if np.ndim(x) == 3 else keras.ops.mean((x - x_hat) ** 2, axis=1)),
        (nb07.q3, auroc_by_hand),
        (nb07.q3, anomaly.auroc),
        (nb07.q4, " C "),
        (nb07.q5, threshold_at_false_positive_rate),
        (nb07.q5, anomaly.threshold_at_false_positive_rate),
        (nb07.q6, ("a", *LOOSE_TO_STRICT["a"])),
        (nb07.q6, (" A ", [0.98, 0.97], [0.9, 0.2])),
        (nb07.q7, "b"),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    call(question, answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


@pytest.mark.parametrize("letter", ["a", "b", "c", "d"])
def test_prediction_is_judged_by_the_table(letter):
    assert nb07._precision_recall_change(*LOOSE_TO_STRICT[letter])[2] == letter


def perfect_and_useless_models():
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(60, 784)).astype("float32")
    is_anomaly = np.arange(60) % 10 != 3
    perfect = x.copy()
    perfect[is_anomaly] = 1.0 - x[is_anomaly]  # anomalies rebuilt badly, normal exactly
    useless = np.clip(x + 0.1, 0, 1)
    return x, is_anomaly, TinyAutoencoder(perfect), TinyAutoencoder(useless)


def test_challenge_met_and_missed(capsys, monkeypatch):
    x, is_anomaly, good, bad = perfect_and_useless_models()
    for fast in ("1", "0"):
        monkeypatch.setenv("WORKSHOP_FAST", fast)
        nb07.q8(good, x, is_anomaly)
        assert capsys.readouterr().out.startswith("✅ q8 passed: the test AUROC")
        nb07.q8(bad, x, is_anomaly)
        printed = capsys.readouterr().out
        assert printed.startswith("❌ q8 not yet:") and "below the target" in printed


def test_unfinished_todo_stops_the_check():
    def unfinished(x, x_hat):
        raise NotImplementedError("q2 is not done yet")

    with pytest.raises(NotImplementedError):
        nb07.q2(unfinished)
