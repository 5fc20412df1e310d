"""The checks of notebook 04: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils import regularizers
from utils.checks import nb04

# ---- Right answers ------------------------------------------------------------


def overcomplete(
    hidden_units=1000,
    activation="relu",
    activity_regularizer=None,
    name="encoder",
    output="sigmoid",
    as_kernel=False,
):
    inputs = keras.Input((784,))
    where = "kernel_regularizer" if as_kernel else "activity_regularizer"
    penalty = {where: activity_regularizer}
    codes = keras.layers.Dense(
        hidden_units, activation=activation, name=name, **penalty
    )(inputs)
    return keras.Model(inputs, keras.layers.Dense(784, activation=output)(codes))


def l1_activity_penalty(codes, weight):
    return weight * np.sum(np.abs(codes)) / len(codes)


def kl_sparsity_penalty(activations, target, weight):
    rho_hat = np.clip(np.mean(activations, axis=0), 1e-7, 1 - 1e-7)
    kl = target * np.log(target / rho_hat) + (1 - target) * np.log(
        (1 - target) / (1 - rho_hat)
    )
    return weight * np.sum(kl)


def kl_sparsity_penalty_in_keras_ops(activations, target, weight):
    ops = keras.ops
    clipped = ops.clip(ops.convert_to_tensor(activations), 1e-6, 1 - 1e-6)
    rho_hat = ops.mean(clipped, axis=0)
    kl = target * ops.log(target / rho_hat) + (1 - target) * ops.log(
        (1 - target) / (1 - rho_hat)
    )
    return weight * ops.sum(kl)


def keep_top_k(codes, k):
    index = np.argsort(-codes, axis=1)[:, :k]
    mask = np.zeros_like(codes)
    np.put_along_axis(mask, index, 1.0, axis=1)
    return codes * mask


# ---- Plausible wrong answers --------------------------------------------------


def kl_per_example(activations, target, weight):
    a = np.clip(activations, 1e-7, 1 - 1e-7)
    kl = target * np.log(target / a) + (1 - target) * np.log((1 - target) / (1 - a))
    return weight * np.sum(np.mean(kl, axis=0))


def kl_over_units(activations, target, weight):
    return kl_sparsity_penalty(np.asarray(activations).T, target, weight)


def kl_one_term(activations, target, weight):
    rho_hat = np.clip(np.mean(activations, axis=0), 1e-7, 1 - 1e-7)
    return weight * np.sum(target * np.log(target / rho_hat))


def kl_swapped(activations, target, weight):
    rho_hat = np.clip(np.mean(activations, axis=0), 1e-7, 1 - 1e-7)
    kl = rho_hat * np.log(rho_hat / target) + (1 - rho_hat) * np.log(
        (1 - rho_hat) / (1 - target)
    )
    return weight * np.sum(kl)


def kl_mean_over_units(activations, target, weight):
    return kl_sparsity_penalty(activations, target, weight) / np.shape(activations)[1]


def kl_unclipped(activations, target, weight):
    rho_hat = np.mean(activations, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = target * np.log(target / rho_hat) + (1 - target) * np.log(
            (1 - target) / (1 - rho_hat)
        )
    return weight * np.sum(kl)


def kl_fixed_target(activations, target, weight):
    return kl_sparsity_penalty(activations, 0.05, weight)


def top_k_by_threshold(codes, k):
    kth = np.sort(codes, axis=1)[:, -k][:, None]
    return np.where(codes >= kth, codes, 0.0)


def top_k_of_batch(codes, k):
    return np.where(codes >= np.sort(codes, axis=None)[-k], codes, 0.0)


def top_k_magnitude(codes, k):
    index = np.argsort(-np.abs(codes), axis=1)[:, :k]
    mask = np.zeros_like(codes)
    np.put_along_axis(mask, index, 1.0, axis=1)
    return codes * mask


def top_k_mask_only(codes, k):
    return keep_top_k(codes, k) != 0


def top_k_smallest(codes, k):
    return -keep_top_k(-codes, k)


def top_k_in_place(codes, k):
    kept = keep_top_k(codes, k)
    codes[...] = kept
    return codes


WRONG_ANSWERS = [
    (nb04.q1, lambda hidden_units=1000, **kw: overcomplete(name="hidden"), "'encoder'"),
    (nb04.q1, lambda hidden_units=1000, **kw: overcomplete(500), "1000 units"),
    (
        nb04.q1,
        lambda hidden_units=1000, activation="relu", activity_regularizer=None: (
            overcomplete(hidden_units, "sigmoid", activity_regularizer)
        ),
        "ReLU encoder by default",
    ),
    (
        nb04.q1,
        lambda hidden_units=1000, activation="relu", activity_regularizer=None: (
            overcomplete(hidden_units, activation, activity_regularizer, output=None)
        ),
        "sigmoid on the output",
    ),
    (
        nb04.q1,
        lambda hidden_units=1000, activation="relu", activity_regularizer=None: (
            overcomplete(1000, activation, activity_regularizer)
        ),
        "use hidden_units",
    ),
    (
        nb04.q1,
        lambda hidden_units=1000, activation="relu", activity_regularizer=None: (
            overcomplete(hidden_units, "relu", activity_regularizer)
        ),
        "pass `activation`",
    ),
    (
        nb04.q1,
        lambda hidden_units=1000, activation="relu", activity_regularizer=None: (
            overcomplete(hidden_units, activation, activity_regularizer, as_kernel=True)
        ),
        "kernel_regularizer",
    ),
    (
        nb04.q1,
        lambda hidden_units=1000, activation="relu", activity_regularizer=None: (
            overcomplete(hidden_units, activation)
        ),
        "activity_regularizer=activity_regularizer",
    ),
    (nb04.q1, overcomplete(), "pass the function itself"),
    (nb04.q2, "a", "sees no labels"),
    (nb04.q2, "b", "trains fine"),
    (nb04.q2, "identity", "expected one of ['a', 'b', 'c']"),
    (
        nb04.q3,
        lambda codes, weight: weight * np.sum(np.abs(codes)),
        "summed over the examples too",
    ),
    (
        nb04.q3,
        lambda codes, weight: weight * np.mean(np.abs(codes)),
        "averaged over the units too",
    ),
    (
        nb04.q3,
        lambda codes, weight: weight * np.sum(codes**2) / len(codes),
        "L2 penalty",
    ),
    (
        nb04.q3,
        lambda codes, weight: weight * np.sum(codes) / len(codes),
        "take absolute values",
    ),
    (
        nb04.q3,
        lambda codes, weight: np.sum(np.abs(codes)) / len(codes),
        "multiply by `weight`",
    ),
    (
        nb04.q3,
        lambda codes, weight: weight * np.sum(np.abs(codes), axis=1),
        "one number",
    ),
    (nb04.q4, kl_per_example, "first average each unit over the batch"),
    (nb04.q4, kl_over_units, "not the mean over the units of an example"),
    (nb04.q4, kl_one_term, "has two terms"),
    (nb04.q4, kl_swapped, "the arguments are swapped"),
    (nb04.q4, kl_mean_over_units, "sum the divergences over the units"),
    (
        nb04.q4,
        lambda a, target, weight: kl_sparsity_penalty(a, target, 1.0),
        "multiply by `weight`",
    ),
    (nb04.q4, kl_unclipped, "clip the activations"),
    (nb04.q4, kl_fixed_target, "use the `target` argument"),
    (nb04.q4, lambda a, target, weight: 1 / 0, "raised ZeroDivisionError"),
    (nb04.q5, top_k_by_threshold, "keeps every tie"),
    (nb04.q5, top_k_of_batch, "of the whole batch"),
    (nb04.q5, top_k_magnitude, "largest magnitudes"),
    (nb04.q5, top_k_mask_only, "keep their values unchanged"),
    (nb04.q5, top_k_smallest, "expected the 5 largest values of each row"),
    (nb04.q5, top_k_in_place, "changed `codes` in place"),
    (nb04.q5, lambda codes, k: codes[:, :k], "expected the shape of codes"),
    (nb04.q6, "a", "costs about the same"),
    (nb04.q6, "c", "not the step size"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_04_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 7)}
    defined = {name for name in dir(nb04) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb04.q1, overcomplete),
        (nb04.q2, " C "),
        (nb04.q3, l1_activity_penalty),
        (
            nb04.q3,
            lambda codes, weight: float(keras.regularizers.L1(weight)(codes))
            / len(codes),
        ),
        (nb04.q4, kl_sparsity_penalty),
        (nb04.q4, kl_sparsity_penalty_in_keras_ops),
        (
            nb04.q4,
            lambda a, target, weight: regularizers.KLSparsity(target, weight)(a),
        ),
        (nb04.q5, keep_top_k),
        (nb04.q6, "b"),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    question(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_unfinished_todo_stops_the_check():
    def unfinished(activations, target, weight):
        raise NotImplementedError("q4 is not done yet")

    with pytest.raises(NotImplementedError):
        nb04.q4(unfinished)
