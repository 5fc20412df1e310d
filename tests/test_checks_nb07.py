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


def threshold_from_training(train_errors, percentile):
    return float(np.percentile(train_errors, percentile))


def precision_recall(scores, is_anomaly, threshold):
    flagged = scores > threshold
    hits = np.sum(flagged & is_anomaly)
    return hits / np.sum(flagged), hits / np.sum(is_anomaly)


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


def precision_recall_at_or_above(scores, is_anomaly, threshold):
    flagged = scores >= threshold
    hits = np.sum(flagged & is_anomaly)
    return hits / np.sum(flagged), hits / np.sum(is_anomaly)


def precision_recall_accuracy(scores, is_anomaly, threshold):
    accuracy = np.mean((scores > threshold) == is_anomaly)
    return accuracy, accuracy


def precision_recall_over_all(scores, is_anomaly, threshold):
    flagged = scores > threshold
    hits = np.sum(flagged & is_anomaly)
    return hits / np.sum(flagged), hits / len(scores)


def precision_recall_fixed(scores, is_anomaly, threshold):
    return precision_recall(scores, is_anomaly, 0.5)


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
    (nb07.q2, lambda x, x_hat: float(np.mean((x - x_hat) ** 2)), "got one number"),
    (nb07.q2, lambda x, x_hat: np.mean((x - x_hat) ** 2, axis=0), "(axis=0)"),
    (nb07.q2, errors_flat_only, "(n, 28, 28)"),
    (nb07.q3, auroc_counts, "you counted the pairs"),
    (nb07.q3, auroc_flipped, "the direction is flipped"),
    (nb07.q3, auroc_ties_zero, "ties are counted as 0"),
    (nb07.q3, auroc_ties_one, "ties are counted as 1"),
    (nb07.q3, auroc_per_anomaly, "expected one number"),
    (nb07.q3, lambda scores, is_anomaly: 1 / 0, "raised ZeroDivisionError"),
    (nb07.q4, "a", "accuracy needs the labels"),
    (nb07.q4, "c", "not always higher"),
    (nb07.q4, "d", "expected one of ['a', 'b', 'c']"),
    (
        nb07.q5,
        lambda errors, p: float(np.percentile(errors, 100 - p)),
        "5th percentile",
    ),
    (nb07.q5, lambda errors, p: float(np.percentile(errors, p / 100)), "pass 95, not"),
    (nb07.q5, lambda errors, p: float(np.percentile(errors, 95)), "use the percentile"),
    (nb07.q5, lambda errors, p: float(errors.mean() + 2 * errors.std()), "is 0.95"),
    (nb07.q5, lambda errors, p: np.percentile(errors, [p]), "expected one number"),
    (nb07.q6, precision_recall_at_or_above, "strictly above"),
    (nb07.q6, precision_recall_accuracy, "that is the accuracy"),
    (nb07.q6, precision_recall_over_all, "divide by the number of anomalies"),
    (nb07.q6, precision_recall_fixed, "use the threshold argument"),
    (
        nb07.q6,
        lambda scores, is_anomaly, threshold: precision_recall(
            scores, is_anomaly, threshold
        )[::-1],
        "the two values are swapped",
    ),
    (
        nb07.q6,
        lambda scores, is_anomaly, threshold: (0.5, 0.5),
        "expected a recall of 0.4",
    ),
    (nb07.q6, lambda scores, is_anomaly, threshold: 0.5, "expected two numbers"),
    (nb07.q7, "a", "reconstructed well too"),
    (nb07.q7, "c", "trains a large network perfectly well"),
    (nb07.q7, 2, "expected one of ['a', 'b', 'c']"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_07_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 8)}
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
        (nb07.q3, auroc_by_hand),
        (nb07.q3, anomaly.auroc),
        (nb07.q4, " B "),
        (nb07.q5, threshold_from_training),
        (nb07.q5, lambda errors, p: np.quantile(errors, p / 100)),
        (nb07.q6, precision_recall),
        (nb07.q6, anomaly.precision_recall_at),
        (nb07.q7, "b"),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    question(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_unfinished_todo_stops_the_check():
    def unfinished(x, x_hat):
        raise NotImplementedError("q2 is not done yet")

    with pytest.raises(NotImplementedError):
        nb07.q2(unfinished)
