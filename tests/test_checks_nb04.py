"""The checks of notebook 04: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils import layers, metrics, regularizers
from utils.checks import nb04

# ---- Right answers ------------------------------------------------------------


def overcomplete(
    hidden_units=900,
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


def kl_ops(activations, target, weight):
    ops = keras.ops
    rho_hat = ops.clip(ops.mean(activations, axis=0), 1e-7, 1 - 1e-7)
    kl = target * ops.log(target / rho_hat) + (1 - target) * ops.log(
        (1 - target) / (1 - rho_hat)
    )
    return weight * ops.sum(kl)


def kl_clipping_activations(activations, target, weight):
    ops = keras.ops
    rho_hat = ops.mean(ops.clip(activations, 1e-6, 1 - 1e-6), axis=0)
    kl = target * ops.log(target / rho_hat) + (1 - target) * ops.log(
        (1 - target) / (1 - rho_hat)
    )
    return weight * ops.sum(kl)


def kl_class(penalty, config=None):
    """A learner's regulariser class whose penalty is ``penalty(a, target, weight)``."""

    class Penalty(keras.regularizers.Regularizer):
        def __init__(self, target=0.05, weight=3.0):
            self.target, self.weight = target, weight

        def __call__(self, activations):
            activations = keras.ops.convert_to_tensor(activations, "float32")
            return penalty(activations, self.target, self.weight)

        def get_config(self):
            if config is not None:
                return config(self)
            return {"target": self.target, "weight": self.weight}

    return Penalty


def keep_by_rank(inputs, k):
    ops = keras.ops
    rank = ops.argsort(ops.argsort(-inputs, axis=-1), axis=-1)
    return inputs * ops.stop_gradient(ops.cast(rank < k, inputs.dtype))


def keep_by_top_k_indices(inputs, k):
    ops = keras.ops
    _, index = ops.top_k(inputs, k)
    mask = ops.sum(ops.one_hot(index, ops.shape(inputs)[-1]), axis=1)
    return inputs * ops.cast(mask, inputs.dtype)


def k_sparse_class(keep, with_k_in_config=True):
    """A learner's layer class whose call is ``keep(inputs, k)``."""

    class Layer(keras.layers.Layer):
        def __init__(self, k, **kwargs):
            super().__init__(**kwargs)
            self.k = k

        def call(self, inputs):
            return keep(inputs, self.k)

        def get_config(self):
            config = super().get_config()
            return {**config, "k": self.k} if with_k_in_config else config

    return Layer


# ---- Plausible wrong answers --------------------------------------------------


def _kl_terms(rho_hat, target):
    ops = keras.ops
    return target * ops.log(target / rho_hat) + (1 - target) * ops.log(
        (1 - target) / (1 - rho_hat)
    )


def kl_wrong_sign(a, target, weight):
    return -kl_ops(a, target, weight)


def kl_swapped(a, target, weight):
    ops = keras.ops
    rho_hat = ops.clip(ops.mean(a, axis=0), 1e-7, 1 - 1e-7)
    kl = rho_hat * ops.log(rho_hat / target) + (1 - rho_hat) * ops.log(
        (1 - rho_hat) / (1 - target)
    )
    return weight * ops.sum(kl)


def kl_wrong_axis(a, target, weight):
    ops = keras.ops
    rho_hat = ops.clip(ops.mean(a, axis=1), 1e-7, 1 - 1e-7)
    return weight * ops.sum(_kl_terms(rho_hat, target))


def kl_per_example(a, target, weight):
    ops = keras.ops
    clipped = ops.clip(a, 1e-7, 1 - 1e-7)
    return weight * ops.sum(ops.mean(_kl_terms(clipped, target), axis=0))


def kl_one_term(a, target, weight):
    ops = keras.ops
    rho_hat = ops.clip(ops.mean(a, axis=0), 1e-7, 1 - 1e-7)
    return weight * ops.sum(target * ops.log(target / rho_hat))


def kl_mean_over_units(a, target, weight):
    return kl_ops(a, target, weight) / keras.ops.shape(a)[1]


def kl_unclipped(a, target, weight):
    return weight * keras.ops.sum(_kl_terms(keras.ops.mean(a, axis=0), target))


def kl_per_unit(a, target, weight):
    rho_hat = keras.ops.clip(keras.ops.mean(a, axis=0), 1e-7, 1 - 1e-7)
    return weight * _kl_terms(rho_hat, target)


def kl_in_numpy(a, target, weight):
    rho_hat = np.clip(np.mean(np.asarray(a), axis=0), 1e-7, 1 - 1e-7)
    kl = target * np.log(target / rho_hat) + (1 - target) * np.log(
        (1 - target) / (1 - rho_hat)
    )
    return float(weight * np.sum(kl))


def kl_value_without_gradient(a, target, weight):
    ops = keras.ops
    return ops.stop_gradient(kl_ops(a, target, weight)) + 0.0 * ops.sum(a)


def keep_smallest(inputs, k):
    ops = keras.ops
    rank = ops.argsort(ops.argsort(inputs, axis=-1), axis=-1)
    return inputs * ops.cast(rank < k, inputs.dtype)


def keep_of_batch(inputs, k):
    ops = keras.ops
    kth = ops.top_k(ops.reshape(inputs, (-1,)), k)[0][-1]
    return ops.where(inputs >= kth, inputs, ops.zeros_like(inputs))


def keep_magnitude(inputs, k):
    ops = keras.ops
    rank = ops.argsort(ops.argsort(-ops.abs(inputs), axis=-1), axis=-1)
    return inputs * ops.cast(rank < k, inputs.dtype)


def keep_mask_only(inputs, k):
    return keras.ops.cast(keep_by_rank(inputs, k) != 0, inputs.dtype)


def keep_by_threshold(inputs, k):
    ops = keras.ops
    kth = ops.top_k(inputs, k)[0][:, -1:]
    return ops.where(inputs >= kth, inputs, ops.zeros_like(inputs))


def keep_without_gradient(inputs, k):
    return keras.ops.stop_gradient(keep_by_rank(inputs, k))


def sparse_images(count=300, inked=20, seed=0):
    """Binary images with ``inked`` pixels each: a k-sparse identity reconstructs them."""
    rng = np.random.default_rng(seed)
    images = np.zeros((count, 784), "float32")
    for row in images:
        row[rng.choice(784, inked, replace=False)] = 1.0
    return images


def identity_k_sparse(k=25, trained=True, name="codes", shift=0.0):
    """784 -> identity -> KSparse(k) -> a sharp sigmoid: near-perfect on sparse_images."""
    inputs = keras.Input((784,))
    encoder = keras.layers.Dense(784)
    codes = layers.KSparse(k, name=name)(encoder(inputs))
    decoder = keras.layers.Dense(784, activation="sigmoid")
    model = keras.Model(inputs, decoder(codes))
    if trained:
        encoder.set_weights(
            [np.eye(784, dtype="float32"), np.full(784, shift, "float32")]
        )
        decoder.set_weights(
            [20 * np.eye(784, dtype="float32"), np.full(784, -10.0, "float32")]
        )
    return model


def kl_derivative(rho, rho_hat):
    return -rho / rho_hat + (1 - rho) / (1 - rho_hat)


def kl_value(rho, rho_hat):
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))


def weight_gradient(
    sign=1,
    mean=True,
    slope=True,
    per_example=False,
    beta=True,
    transpose=False,
    fixed_m=None,
    fixed_rho=None,
):
    """A learner's kl_weight_gradient: right by default, or with one typical bug."""

    def gradient(x, W, b, rho, weight):
        rho = fixed_rho or rho
        h = 1 / (1 + np.exp(-(x @ W + b)))
        derivative = kl_derivative(rho, h if per_example else h.mean(axis=0))
        factor = {True: h * (1 - h), False: np.ones_like(h), "h": h}[slope]
        to_z = sign * (weight if beta else 1.0) * derivative * factor
        if mean:
            to_z = to_z / (fixed_m or len(x))
        result = x.T @ to_z
        return result.T if transpose else result

    return gradient


WRONG_ANSWERS = [
    (nb04.q1, lambda hidden_units=900, **kw: overcomplete(name="hidden"), "'encoder'"),
    (nb04.q1, lambda hidden_units=900, **kw: overcomplete(500), "900 units"),
    (
        nb04.q1,
        lambda hidden_units=900, activation="relu", activity_regularizer=None: (
            overcomplete(hidden_units, "sigmoid", activity_regularizer)
        ),
        "ReLU encoder by default",
    ),
    (
        nb04.q1,
        lambda hidden_units=900, activation="relu", activity_regularizer=None: (
            overcomplete(hidden_units, activation, activity_regularizer, output=None)
        ),
        "sigmoid on the output",
    ),
    (
        nb04.q1,
        lambda hidden_units=900, activation="relu", activity_regularizer=None: (
            overcomplete(900, activation, activity_regularizer)
        ),
        "use hidden_units",
    ),
    (
        nb04.q1,
        lambda hidden_units=900, activation="relu", activity_regularizer=None: (
            overcomplete(hidden_units, "relu", activity_regularizer)
        ),
        "pass `activation`",
    ),
    (
        nb04.q1,
        lambda hidden_units=900, activation="relu", activity_regularizer=None: (
            overcomplete(hidden_units, activation, activity_regularizer, as_kernel=True)
        ),
        "kernel_regularizer",
    ),
    (
        nb04.q1,
        lambda hidden_units=900, activation="relu", activity_regularizer=None: (
            overcomplete(hidden_units, activation)
        ),
        "activity_regularizer=activity_regularizer",
    ),
    (nb04.q1, overcomplete(), "pass the function itself"),
    (nb04.q2, "a", "this is not memorising"),
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
    (nb04.q4, kl_class(kl_wrong_sign), "the sign is flipped"),
    (nb04.q4, kl_class(kl_swapped), "the arguments are swapped"),
    (nb04.q4, kl_class(kl_wrong_axis), "the mean is over the wrong axis"),
    (nb04.q4, kl_class(kl_per_example), "first average each unit over the batch"),
    (nb04.q4, kl_class(kl_one_term), "has two terms"),
    (nb04.q4, kl_class(kl_mean_over_units), "sum the divergences over the units"),
    (
        nb04.q4,
        kl_class(lambda a, target, weight: kl_ops(a, target, 1.0)),
        "multiply by `weight`",
    ),
    (nb04.q4, kl_class(kl_unclipped), "clip the activations"),
    (
        nb04.q4,
        kl_class(lambda a, target, weight: kl_ops(a, 0.05, weight)),
        "use self.target",
    ),
    (nb04.q4, kl_class(kl_per_unit), "one number"),
    (nb04.q4, kl_class(kl_in_numpy), "no gradient reached"),
    (nb04.q4, kl_class(kl_value_without_gradient), "no gradient reached"),
    (
        nb04.q4,
        kl_class(kl_ops, config=lambda self: {"target": self.target}),
        "get_config() returned",
    ),
    (nb04.q4, kl_class(kl_ops)(), "received an instance"),
    (nb04.q4, kl_ops, "expected the class KLSparsityRegularizer"),
    (nb04.q4, kl_class(lambda a, target, weight: 1 / 0), "raised ZeroDivisionError"),
    (nb04.q5, k_sparse_class(keep_smallest), "5 smallest values of each row"),
    (nb04.q5, k_sparse_class(keep_of_batch), "of the whole batch"),
    (nb04.q5, k_sparse_class(keep_magnitude), "largest magnitudes"),
    (nb04.q5, k_sparse_class(keep_mask_only), "keep their values unchanged"),
    (nb04.q5, k_sparse_class(keep_by_threshold), "keeps every tie"),
    (nb04.q5, k_sparse_class(keep_without_gradient), "no gradient reached"),
    (
        nb04.q5,
        k_sparse_class(keep_by_rank, with_k_in_config=False),
        "did not load back",
    ),
    (
        nb04.q5,
        k_sparse_class(lambda inputs, k: inputs[:, :k]),
        "expected the shape of the inputs",
    ),
    (nb04.q5, layers.KSparse(5), "received an instance"),
    (nb04.q5, keep_by_rank, "expected the class KSparseLayer"),
    (nb04.q6, "a", "costs about the same"),
    (nb04.q6, "c", "not the step size"),
    (nb04.q7, "a", "this run says (d)"),
    (nb04.q7, "b", "this run says (d)"),
    (nb04.q7, "c", "this run says (d)"),
    (nb04.q7, "e", "expected one of ['a', 'b', 'c', 'd']"),
    (nb04.q8, identity_k_sparse(trained=False), "not yet below"),
    (nb04.q8, identity_k_sparse(k=50, shift=0.5), "the challenge is for k <= 25"),
    (nb04.q8, identity_k_sparse(name="sparse"), "expected the k-sparse layer named"),
    (nb04.q8, "model", "expected the trained k-sparse model"),
    (nb04.q9, lambda rho, q: rho / q - (1 - rho) / (1 - q), "the sign is flipped"),
    (nb04.q9, kl_value, "you returned the divergence itself"),
    (nb04.q9, lambda rho, q: -rho / q, "the derivative has two terms"),
    (
        nb04.q9,
        lambda rho, q: -rho / q - (1 - rho) / (1 - q),
        "the second term has the wrong sign",
    ),
    (
        nb04.q9,
        lambda rho, q: np.log(q / rho) - np.log((1 - q) / (1 - rho)),
        "you differentiated KL(rho_hat || rho)",
    ),
    (nb04.q9, lambda rho, q: -q / rho + (1 - q) / (1 - rho), "are swapped"),
    (
        nb04.q9,
        lambda rho, q: -0.05 / q + 0.95 / (1 - q),
        "use the argument rho",
    ),
    (nb04.q9, lambda rho, q: float(np.mean(q)), "expected one derivative per unit"),
    (nb04.q9, "kl_derivative", "expected the function kl_derivative"),
    (nb04.q10, weight_gradient(sign=-1), "the sign is flipped"),
    (nb04.q10, weight_gradient(mean=False), "you summed over the examples"),
    (nb04.q10, weight_gradient(slope=False), "you left out the sigmoid's derivative"),
    (
        nb04.q10,
        weight_gradient(slope=False, mean=False),
        "you left out both the sigmoid's derivative",
    ),
    (nb04.q10, weight_gradient(slope="h"), "not h"),
    (nb04.q10, weight_gradient(per_example=True), "each unit's mean activity"),
    (nb04.q10, weight_gradient(beta=False), "multiply by beta"),
    (nb04.q10, weight_gradient(transpose=True), "the transpose"),
    (nb04.q10, weight_gradient(fixed_m=6), "divide by the number of rows of x"),
    (nb04.q10, weight_gradient(fixed_rho=0.1), "use the arguments rho and beta"),
    (nb04.q10, lambda x, W, b, rho, beta: 1 / 0, "raised ZeroDivisionError"),
    (nb04.q11, lambda codes, threshold=0.1: np.mean(codes > 0, axis=0), "one per unit"),
    (nb04.q11, lambda codes, threshold=0.1: np.mean(codes > 0, axis=1), "one per code"),
    (
        nb04.q11,
        lambda codes, threshold=0.1: np.mean(np.sum(codes > threshold, axis=1)),
        "divide by the number of units",
    ),
    (nb04.q11, lambda codes, threshold=0.1: np.mean(codes >= threshold), "strictly"),
    (
        nb04.q11,
        lambda codes, threshold=0.1: np.mean(np.abs(codes) > threshold),
        "a large negative activation is not active",
    ),
    (nb04.q11, lambda codes, threshold=0.1: np.mean(codes != 0), "the non-zero units"),
    (nb04.q11, lambda codes, threshold=0.1: np.mean(codes > 0.1), "you used 0.1"),
    (
        nb04.q11,
        lambda codes, threshold=0.5: float(np.mean(codes > threshold)),
        "the default threshold is 0.1",
    ),
    (
        nb04.q11,
        lambda codes, threshold=0.1: np.sum(codes > threshold) / (6 * codes.shape[1]),
        "divide by the number of codes",
    ),
    (nb04.q11, "active_fraction", "expected the function active_fraction"),
    (nb04.q12, "c", "this run says (d)"),
    (nb04.q12, "a", "dropout on the code gave 58.0%"),
    (nb04.q12, "e", "expected one of ['a', 'b', 'c', 'd']"),
]


# One run of the k-sparse section: dead units rose from k = 70 to k = 10, and so did the
# cross-entropy, so the outcome is (d).
DEAD_UNITS = {70: 0.0, 25: 0.016, 10: 0.23}
TEST_BCE = {70: 0.082, 25: 0.096, 10: 0.115}


# One run of the side-by-side section: the share of units above 0.1 on the test images.
ACTIVE_FRACTIONS = {"none": 0.875, "L2": 0.876, "dropout": 0.58, "L1": 0.22, "KL": 0.19}


class WithRunResults:
    """``question`` called as the notebook calls it: the answer, then what the run made."""

    def __init__(self, question):
        self.question, self.name = question, question.name
        self.hint_text = question.hint_text

    def __call__(self, answer):
        if self.question is nb04.q7:
            return self.question(answer, DEAD_UNITS, TEST_BCE)
        if self.question is nb04.q12:
            return self.question(answer, ACTIVE_FRACTIONS)
        return self.question(answer, sparse_images())


def as_called(question):
    with_run = (nb04.q7, nb04.q8, nb04.q12)
    return WithRunResults(question) if question in with_run else question


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(as_called(question), answer, message, capsys)


def test_every_question_of_notebook_04_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 13)}
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
            lambda codes, weight: (
                float(keras.regularizers.L1(weight)(codes)) / len(codes)
            ),
        ),
        (nb04.q4, kl_class(kl_ops)),
        (nb04.q4, kl_class(kl_clipping_activations)),
        (
            nb04.q4,
            kl_class(
                lambda a, target, weight: regularizers.KLSparsity(target, weight)(a)
            ),
        ),
        (nb04.q5, k_sparse_class(keep_by_rank)),
        (nb04.q5, k_sparse_class(keep_by_top_k_indices)),
        (nb04.q6, "b"),
        (nb04.q7, " D "),
        (nb04.q8, identity_k_sparse()),
        (nb04.q9, kl_derivative),
        (nb04.q9, lambda rho, q: keras.ops.subtract((1 - rho) / (1 - q), rho / q)),
        (nb04.q9, regularizers.kl_sparsity_derivative),
        (nb04.q10, weight_gradient()),
        (nb04.q10, regularizers.kl_sparsity_weight_gradient),
        (nb04.q11, lambda codes, threshold=0.1: float(np.mean(codes > threshold))),
        (nb04.q11, metrics.active_fraction),
        (nb04.q12, " D "),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    as_called(question)(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_unfinished_todo_stops_the_check():
    def unfinished(inputs, k):
        raise NotImplementedError("q5 is not done yet")

    with pytest.raises(NotImplementedError):
        nb04.q5(k_sparse_class(unfinished))


def test_q7_follows_the_run_not_a_fixed_letter(capsys):
    # A run in which the small k lost no units but reconstructed worse is outcome (b).
    nb04.q7("b", {70: 0.0, 10: 0.0}, {70: 0.1, 10: 0.2})
    assert capsys.readouterr().out.startswith("✅ q7 passed")


def test_the_hints_give_no_solution_line():
    from utils.checks import solution_code

    for name in (f"q{n}" for n in range(1, 13)):
        question = getattr(nb04, name)
        assert len(question.hints) >= 2
        for line in solution_code("04", name).splitlines():
            line = line.strip()
            if len(line) >= 25:
                assert all(line not in hint for hint in question.hints), (name, line)


def test_q12_follows_the_run_not_a_fixed_letter(capsys):
    # A run in which dropout, not the weight penalty, stayed closest to no constraint.
    table = {"none": 0.8, "L2": 0.5, "dropout": 0.79, "L1": 0.2, "KL": 0.1}
    nb04.q12("a", table)
    assert capsys.readouterr().out.startswith("✅ q12 passed")
