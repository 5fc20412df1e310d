"""Checks for notebook 04, sparse autoencoders (L1, KL divergence, k-sparse)."""

import keras
import numpy as np

from utils.checks import (
    Question,
    expect,
    expect_callable,
    expect_choice,
    expect_dense_layer,
    expect_model,
    expect_pixels_in_and_out,
    trainable_count,
)
from utils.regularizers import KLSparsity


def _scalar(value, what):
    """Return ``value`` (a NumPy or backend scalar) as a float, or raise Wrong."""
    array = np.asarray(keras.ops.convert_to_numpy(value), dtype="float64")
    expect(
        array.ndim == 0 or array.size == 1,
        f"expected {what} to be one number, got an array of shape {array.shape}",
    )
    return float(array.reshape(()))


def _close(a, b, relative=1e-3):
    return bool(np.isclose(a, b, rtol=relative, atol=1e-6))


def _check_overcomplete(build):
    expect_callable(build, "the function build_overcomplete_autoencoder")
    model = expect_model(
        build(), "build_overcomplete_autoencoder() to return a Keras model"
    )
    expect_pixels_in_and_out(model)
    encoder = expect_dense_layer(model, "encoder", 1000, " by default")
    expect(
        encoder.activation is keras.activations.relu,
        "expected a ReLU encoder by default (activation='relu'), as in the Keras blog",
    )
    count = trainable_count(model)
    expect(
        count == 1569784,
        "expected 784*1000 + 1000 + 1000*784 + 784 = 1,569,784 parameters, "
        f"found {count:,}",
    )
    expect(
        trainable_count(build(64)) == 784 * 64 + 64 + 64 * 784 + 784,
        "build_overcomplete_autoencoder(64) should have 101,200 parameters: use "
        "hidden_units",
    )
    sigmoid_encoder = build(1000, activation="sigmoid").get_layer("encoder")
    expect(
        sigmoid_encoder.activation is keras.activations.sigmoid,
        "activation='sigmoid' gave another encoder activation: pass `activation` to "
        "the encoder layer",
    )
    penalty = keras.regularizers.L1(1e-4)
    penalised = build(1000, activity_regularizer=penalty).get_layer("encoder")
    expect(
        getattr(penalised, "kernel_regularizer", None) is not penalty,
        "you passed the penalty as kernel_regularizer, a penalty on the weights: a "
        "sparse code penalises the activations (activity_regularizer=)",
    )
    expect(
        penalised.activity_regularizer is penalty,
        "expected the encoder layer to get activity_regularizer=activity_regularizer",
    )
    expect(
        build().get_layer("encoder").activity_regularizer is None,
        "without an activity_regularizer the encoder should have none",
    )
    return "784 -> 1000 (encoder) -> 784 (sigmoid), 1,569,784 parameters."


def _check_identity(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "an autoencoder sees no labels; what it can overfit is the copying itself",
    )
    expect(
        letter != "b",
        "a wide layer trains fine (the reconstruction is excellent); the trouble is "
        "what it learns, not whether it learns",
    )
    return (
        "with as many units as pixels, copying is possible, so a low reconstruction "
        "error says nothing about useful features: a constraint must rule copying out."
    )


def _codes(seed=0, shape=(16, 40)):
    rng = np.random.default_rng(seed)
    return rng.normal(0.3, 1.0, size=shape).astype("float32")


def _check_l1(l1_activity_penalty):
    expect_callable(l1_activity_penalty, "the function l1_activity_penalty")
    codes = _codes()
    weight = 1e-4
    got = _scalar(l1_activity_penalty(codes, weight), "the penalty")
    batch = len(codes)
    expected = weight * np.sum(np.abs(codes)) / batch
    wrong = [
        (
            weight * np.sum(np.abs(codes)),
            "you summed over the examples too: Keras divides an activity penalty by "
            "the batch size, so take the mean over examples of the sum over units",
        ),
        (
            weight * np.mean(np.abs(codes)),
            "you averaged over the units too: L1 sums |h| over the units of each "
            "example, then Keras averages over the examples",
        ),
        (
            weight * np.sum(codes**2) / batch,
            "squared activations give the L2 penalty: L1 uses absolute values",
        ),
        (
            weight * np.sum(codes) / batch,
            "take absolute values: negative activations count as much as positive "
            "ones",
        ),
        (np.sum(np.abs(codes)) / batch, "multiply by `weight`"),
    ]
    for value, message in wrong:
        expect(not _close(got, value), f"{message} (you got {got:.6g})")
    expect(
        _close(got, expected),
        f"expected {expected:.6g} on a test batch of {batch} examples, got {got:.6g}",
    )
    doubled = _scalar(l1_activity_penalty(np.vstack([codes, codes]), weight), "it")
    expect(
        _close(doubled, expected),
        "the same examples twice should give the same penalty: divide by the batch "
        "size",
    )
    return f"weight * sum |h| / batch size = {expected:.6g} on the test batch."


def _activations(seed=1, shape=(64, 30)):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=shape) + rng.normal(-2.0, 1.5, size=shape[1])
    return (1.0 / (1.0 + np.exp(-logits))).astype("float32")


def _per_example_kl(activations, target):
    a = np.clip(activations, 1e-7, 1 - 1e-7)
    kl = target * np.log(target / a) + (1 - target) * np.log((1 - target) / (1 - a))
    return np.sum(np.mean(kl, axis=0))


def _kl_of_means(rho_hat, target):
    return target * np.log(target / rho_hat) + (1 - target) * np.log(
        (1 - target) / (1 - rho_hat)
    )


def _check_kl(kl_sparsity_penalty):
    expect_callable(kl_sparsity_penalty, "the function kl_sparsity_penalty")
    activations = _activations()
    target, weight = 0.05, 3.0
    got = _scalar(
        kl_sparsity_penalty(activations, target, weight), "the penalty"
    )
    expected = float(KLSparsity(target, weight)(activations))
    rho_hat = activations.mean(axis=0)
    rho_units = activations.mean(axis=1)
    reverse = rho_hat * np.log(rho_hat / target) + (1 - rho_hat) * np.log(
        (1 - rho_hat) / (1 - target)
    )
    wrong = [
        (
            weight * _per_example_kl(activations, target),
            "you took the KL of each activation, then averaged: first average each "
            "unit over the batch (rho_hat = mean over axis 0), then take the KL",
        ),
        (
            weight * np.sum(_kl_of_means(rho_units, target)),
            "rho_hat_j is the mean of unit j over the examples of the batch "
            "(axis=0), not the mean over the units of an example",
        ),
        (
            weight * np.sum(target * np.log(target / rho_hat)),
            "the KL divergence between two Bernoulli distributions has two terms: "
            "add (1 - rho) log((1 - rho) / (1 - rho_hat))",
        ),
        (
            weight * np.sum(reverse),
            "the arguments are swapped: the penalty is KL(rho || rho_hat) = "
            "rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat))",
        ),
        (
            weight * np.mean(_kl_of_means(rho_hat, target)),
            "sum the divergences over the units, do not average them",
        ),
        (expected / weight, "multiply by `weight` (beta)"),
    ]
    for value, message in wrong:
        expect(not _close(got, value), f"{message} (you got {got:.6g})")
    expect(
        _close(got, expected),
        f"expected {expected:.6g} on a test batch (target 0.05, weight 3), got "
        f"{got:.6g}",
    )
    other = _scalar(kl_sparsity_penalty(activations, 0.01, 1.0), "the penalty")
    expect(
        _close(other, float(KLSparsity(0.01, 1.0)(activations))),
        "target=0.01, weight=1 gave a wrong value: use the `target` argument for rho",
    )
    at_target = np.full((8, 5), 0.02, "float32")
    expect(
        abs(_scalar(kl_sparsity_penalty(at_target, 0.02, 5.0), "it")) < 1e-4,
        "units whose mean activity equals the target should cost (almost) 0",
    )
    extreme = np.zeros((4, 6), "float32")
    extreme[:, 3:] = 1.0  # three units always off, three always on
    value = _scalar(kl_sparsity_penalty(extreme, 0.05, 1.0), "the penalty")
    expect(
        np.isfinite(value),
        f"activations of exactly 0 and 1 gave {value}: clip the activations (or "
        "rho_hat) to [1e-7, 1 - 1e-7] before taking logarithms",
    )
    expect(
        value > got / weight,
        "units that are always off or always on should cost more than the test "
        f"batch's units, got {value:.4g}",
    )
    return f"beta * sum_j KL(rho || rho_hat_j) = {expected:.5g}, finite at 0 and 1."


def _check_top_k(keep_top_k):
    expect_callable(keep_top_k, "the function keep_top_k")
    codes = _codes(seed=2, shape=(8, 50)) - 0.8  # many negative values
    saved = codes.copy()
    kept = np.asarray(keep_top_k(codes, 5), dtype="float32")
    expect(
        np.array_equal(codes, saved),
        "you changed `codes` in place: return a new array",
    )
    expect(
        kept.shape == codes.shape,
        f"expected the shape of codes {codes.shape}, got {kept.shape}",
    )
    nonzero = np.count_nonzero(kept, axis=1)
    order = np.argsort(-codes, axis=1)[:, :5]
    expected = np.zeros_like(codes)
    np.put_along_axis(expected, order, np.take_along_axis(codes, order, 1), axis=1)
    whole_batch = np.where(codes >= np.sort(codes, axis=None)[-5], codes, 0.0)
    expect(
        not np.array_equal(kept, whole_batch),
        "you kept the 5 largest values of the whole batch: keep the k largest of each "
        "example (each row)",
    )
    expect(
        np.all(nonzero == 5),
        f"expected exactly 5 non-zeros in every row, found {sorted(set(nonzero))}",
    )
    by_size = np.argsort(-np.abs(codes), axis=1)[:, :5]
    magnitude = np.zeros_like(codes)
    np.put_along_axis(
        magnitude, by_size, np.take_along_axis(codes, by_size, 1), axis=1
    )
    expect(
        not np.array_equal(kept, magnitude),
        "you kept the largest magnitudes: keep the k largest values (a large negative "
        "value is a unit that is off)",
    )
    expect(
        not np.array_equal(kept != 0, expected != 0) or np.allclose(kept, expected),
        "the right units are kept but with other values: keep their values unchanged "
        "(multiply by a 0/1 mask)",
    )
    expect(
        np.allclose(kept, expected),
        "expected the 5 largest values of each row, unchanged, and 0 elsewhere",
    )
    ties = np.ones((3, 10), "float32")
    tied = np.asarray(keep_top_k(ties, 4), dtype="float32")
    expect(
        np.all(np.count_nonzero(tied, axis=1) == 4),
        "a row of equal values kept "
        f"{sorted(set(np.count_nonzero(tied, axis=1)))} units, not 4: comparing with "
        "the k-th largest value keeps every tie; choose the units by index "
        "(np.argsort or np.argpartition)",
    )
    all_units = np.asarray(keep_top_k(codes, 50), dtype="float32")
    expect(
        np.allclose(all_units, codes),
        "with k equal to the number of units every value should be kept",
    )
    return "the k largest values of each row are kept, exactly k, even with ties."


def _check_schedule(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "a step costs about the same whatever k is; the reason is which units get a "
        "gradient",
    )
    expect(
        letter != "c",
        "k changes which units may be active, not the step size; Adam converges with "
        "a fixed k too",
    )
    return (
        "only the k winners get a gradient, so a unit that loses from the start never "
        "learns: a large k first gives every unit a chance."
    )


q1 = Question(
    "04",
    "q1",
    _check_overcomplete,
    "keras.layers.Dense(hidden_units, activation=activation, "
    "activity_regularizer=activity_regularizer, name='encoder'), then "
    "keras.layers.Dense(784, activation='sigmoid').",
)
q2 = Question(
    "04",
    "q2",
    _check_identity,
    "how many hidden units are there, and how many pixels? What is the cheapest way "
    "to reproduce the input?",
)
q3 = Question(
    "04",
    "q3",
    _check_l1,
    "return weight * np.sum(np.abs(codes)) / len(codes): the sum over units, "
    "averaged over the examples of the batch.",
)
q4 = Question(
    "04",
    "q4",
    _check_kl,
    "rho_hat = np.clip(np.mean(activations, axis=0), 1e-7, 1 - 1e-7); kl = "
    "target * np.log(target / rho_hat) + (1 - target) * np.log((1 - target) / "
    "(1 - rho_hat)); return weight * np.sum(kl).",
)
q5 = Question(
    "04",
    "q5",
    _check_top_k,
    "index = np.argsort(-codes, axis=1)[:, :k] gives the k largest of each row; "
    "build a 0/1 mask with np.put_along_axis(mask, index, 1.0, axis=1) and return "
    "codes * mask.",
)
q6 = Question(
    "04",
    "q6",
    _check_schedule,
    "which units receive a gradient in a k-sparse layer, and what happens to a unit "
    "that is never among the k largest?",
)



def summary():
    """Print a table of notebook 04's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("04")
