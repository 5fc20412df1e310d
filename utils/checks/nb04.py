"""Checks for notebook 04, sparse autoencoders (L1, KL divergence, k-sparse)."""

import tempfile
from pathlib import Path

import keras
import numpy as np

from utils.checks import (
    Question,
    Wrong,
    expect,
    expect_callable,
    expect_choice,
    expect_dense_layer,
    expect_model,
    expect_pixels_in_and_out,
    to_numpy,
    trainable_count,
)
from utils.layers import ActivityPenalty, KSparse
from utils.regularizers import (
    KLSparsity,
    kl_sparsity_derivative,
    kl_sparsity_weight_gradient,
)


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


def value_and_gradients(function, *arrays, what="your code"):
    """Return ``function(*tensors)`` and the gradients of its sum, as NumPy, on every backend.

    Args:
        function: takes one backend tensor per array and returns a tensor.
        *arrays: float32 NumPy arrays, the inputs.
        what: how a message names ``function``.

    Returns:
        (output, gradients): a NumPy array and a list of NumPy arrays, one per input.

    Raises:
        Wrong: when no gradient reaches an input (NumPy inside ``function``, say).
        NotImplementedError: passed on, so a TODO left reads as "not attempted".
    """
    backend = keras.backend.backend()
    arrays = [np.asarray(array, "float32") for array in arrays]
    no_gradient = (
        f"no gradient reached the inputs of {what}: write it with keras.ops (NumPy, "
        "float() and a stop_gradient around the result cut the gradient), so that "
        "training can use it"
    )
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            tensors = [tf.constant(array) for array in arrays]
            with tf.GradientTape() as tape:
                for tensor in tensors:
                    tape.watch(tensor)
                output = function(*tensors)
                total = tf.reduce_sum(tf.cast(tf.convert_to_tensor(output), "float32"))
            gradients = tape.gradient(total, tensors)
        elif backend == "jax":
            import jax
            import jax.numpy as jnp

            def total_of(*tensors):
                output = function(*tensors)
                return jnp.sum(jnp.asarray(output, "float32")), output

            (_, output), gradients = jax.value_and_grad(
                total_of, argnums=tuple(range(len(arrays))), has_aux=True
            )(*[jnp.asarray(array) for array in arrays])
        elif backend == "torch":
            tensors = [keras.ops.convert_to_tensor(array) for array in arrays]
            for tensor in tensors:
                tensor.requires_grad_(True)
            output = function(*tensors)
            keras.ops.sum(output).backward()
            gradients = [tensor.grad for tensor in tensors]
        else:  # pragma: no cover - the workshop runs on these three
            raise Wrong(f"gradients are not checked on the {backend} backend")
    except (Wrong, NotImplementedError):
        raise
    except Exception as error:  # NumPy on a traced or grad-requiring tensor, say
        raise Wrong(f"{no_gradient} ({type(error).__name__}: {error})") from None
    expect(all(gradient is not None for gradient in gradients), no_gradient)
    gradients = [to_numpy(g, "float64") for g in gradients]
    # JAX gives zeros, not None, behind a stop_gradient: all-zero gradients mean the same.
    expect(any(np.any(g != 0) for g in gradients), no_gradient)
    return to_numpy(output, "float64"), gradients


def _expect_class(answer, base, what):
    """Raise Wrong unless ``answer`` is a subclass of ``base``; return it."""
    expect(
        not isinstance(answer, base),
        f"expected the class {what} itself, received an instance of it: pass the "
        "class (no parentheses)",
    )
    expect(
        isinstance(answer, type) and issubclass(answer, base),
        f"expected the class {what}, a subclass of {base.__module__.split('.')[0]}."
        f"{base.__name__}, received {type(answer).__name__}",
    )
    return answer


def _custom_objects(cls):
    return {cls.__name__: cls, keras.saving.get_registered_name(cls): cls}


def _round_trip(model, cls):
    """Save ``model`` to a .keras file in a temporary folder and load it back."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "check.keras"
        model.save(path)
        try:
            return keras.saving.load_model(path, custom_objects=_custom_objects(cls))
        except Exception as error:
            raise Wrong(
                f"the model did not load back from a .keras file ({type(error).__name__}: "
                f"{error}): get_config must return every argument of __init__"
            ) from None


def _check_overcomplete(build):
    expect_callable(build, "the function build_overcomplete_autoencoder")
    model = expect_model(
        build(), "build_overcomplete_autoencoder() to return a Keras model"
    )
    expect_pixels_in_and_out(model)
    encoder = expect_dense_layer(model, "encoder", 900, " by default")
    expect(
        encoder.activation is keras.activations.relu,
        "expected a ReLU encoder by default (activation='relu'), as in the Keras blog",
    )
    count = trainable_count(model)
    expect(
        count == 1412884,
        "expected 784*900 + 900 + 900*784 + 784 = 1,412,884 parameters, "
        f"found {count:,}",
    )
    expect(
        trainable_count(build(64)) == 784 * 64 + 64 + 64 * 784 + 784,
        "build_overcomplete_autoencoder(64) should have 101,200 parameters: use "
        "hidden_units",
    )
    sigmoid_encoder = build(900, activation="sigmoid").get_layer("encoder")
    expect(
        sigmoid_encoder.activation is keras.activations.sigmoid,
        "activation='sigmoid' gave another encoder activation: pass `activation` to "
        "the encoder layer",
    )
    penalty = keras.regularizers.L1(1e-4)
    penalised = build(900, activity_regularizer=penalty).get_layer("encoder")
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
    return "784 -> 900 (encoder) -> 784 (sigmoid), 1,412,884 parameters."


def _check_identity(answer):
    # a) memorising, b) vanishing gradients, c) copying the pixels through.
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "the test digits, never seen in training, come out just as well (see below): "
        "this is not memorising; the trouble is what a copy teaches",
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
            "take absolute values: negative activations count as much as positive ones",
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


def _kl_gradient(activations, target, weight):
    """d/da_ij of weight * sum_j KL(target || mean_i a_ij), for activations in (0, 1)."""
    rho_hat = activations.astype("float64").mean(axis=0)
    per_unit = -target / rho_hat + (1 - target) / (1 - rho_hat)
    return np.broadcast_to(weight * per_unit / len(activations), activations.shape)


def _check_kl(regularizer_class):
    cls = _expect_class(
        regularizer_class, keras.regularizers.Regularizer, "KLSparsityRegularizer"
    )
    activations = _activations()
    target, weight = 0.05, 3.0
    penalty = cls(target=target, weight=weight)
    got = _scalar(penalty(keras.ops.convert_to_tensor(activations)), "the penalty")
    expected = float(KLSparsity(target, weight)(activations))
    rho_hat = activations.mean(axis=0)
    rho_units = activations.mean(axis=1)
    reverse = rho_hat * np.log(rho_hat / target) + (1 - rho_hat) * np.log(
        (1 - rho_hat) / (1 - target)
    )
    wrong = [
        (
            -expected,
            "the sign is flipped: a KL divergence is never negative, and the penalty "
            "must grow as a unit's mean activity leaves the target",
        ),
        (
            weight * _per_example_kl(activations, target),
            "you took the KL of each activation, then averaged: first average each "
            "unit over the batch (rho_hat_j, one number per unit), then take the KL",
        ),
        (
            weight * np.sum(_kl_of_means(rho_units, target)),
            "the mean is over the wrong axis: rho_hat_j is the mean of unit j over the "
            "examples of the batch (axis 0), not the mean over the units of an example",
        ),
        (
            weight * np.sum(target * np.log(target / rho_hat)),
            "the KL divergence between two Bernoulli distributions has two terms: "
            "add the one for the unit being off, with 1 - rho and 1 - rho_hat",
        ),
        (
            weight * np.sum(reverse),
            "the arguments are swapped: you computed KL(rho_hat || rho); the penalty "
            "is KL(rho || rho_hat), with rho in front of each logarithm",
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
    other = _scalar(cls(target=0.01, weight=1.0)(activations), "the penalty")
    expect(
        _close(other, float(KLSparsity(0.01, 1.0)(activations))),
        "target=0.01, weight=1 gave a wrong value: use self.target for rho and "
        "self.weight for beta",
    )
    at_target = np.full((8, 5), 0.02, "float32")
    expect(
        abs(_scalar(cls(target=0.02, weight=5.0)(at_target), "it")) < 1e-4,
        "units whose mean activity equals the target should cost (almost) 0",
    )
    extreme = np.zeros((4, 6), "float32")
    extreme[:, 3:] = 1.0  # three units always off, three always on
    value = _scalar(cls(target=0.05, weight=1.0)(extreme), "the penalty")
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
    _, (gradient,) = value_and_gradients(
        lambda a: penalty(a), activations, what="the penalty"
    )
    expect(
        np.allclose(
            gradient, _kl_gradient(activations, target, weight), rtol=1e-3, atol=1e-5
        ),
        "the value is right but the gradient with respect to the activations is not: "
        "compute the penalty from the activations with keras.ops, without "
        "stop_gradient, so training can lower it",
    )
    config = cls(target=0.02, weight=1.5).get_config()
    clone = cls.from_config(config)
    expect(
        _close(
            _scalar(clone(activations), "it"), float(KLSparsity(0.02, 1.5)(activations))
        ),
        f"get_config() returned {config}, which rebuilds another penalty: it must hold "
        "target and weight, the arguments of __init__",
    )
    inputs = keras.Input((activations.shape[1],))
    model = keras.Model(
        inputs, ActivityPenalty(cls(target=0.02, weight=1.5), name="kl")(inputs)
    )
    reloaded = _round_trip(model, cls)
    kept = reloaded.get_layer("kl").regularizer
    expect(
        isinstance(kept, cls)
        and _close(
            _scalar(kept(activations), "it"), float(KLSparsity(0.02, 1.5)(activations))
        ),
        "a model holding the penalty reloaded from .keras with another penalty: "
        "get_config must return target and weight",
    )
    return (
        f"beta * sum_j KL(rho || rho_hat_j) = {expected:.5g} on the test batch, with "
        "the reference's gradient; finite at 0 and 1; saves and reloads."
    )


def _codes(seed=0, shape=(16, 40)):
    rng = np.random.default_rng(seed)
    return rng.normal(0.3, 1.0, size=shape).astype("float32")


def _keep(codes, index):
    kept = np.zeros_like(codes)
    np.put_along_axis(kept, index, np.take_along_axis(codes, index, 1), axis=1)
    return kept


def _check_k_sparse(layer_class):
    cls = _expect_class(layer_class, keras.layers.Layer, "KSparseLayer")
    k = 5
    codes = _codes(seed=2, shape=(8, 50)) - 0.8  # many negative values
    layer = cls(k)
    kept = to_numpy(layer(codes), "float32")
    expect(
        kept.shape == codes.shape,
        f"expected the shape of the inputs {codes.shape}, got {kept.shape}",
    )
    expected = to_numpy(KSparse(k)(codes), "float32")
    smallest = _keep(codes, np.argsort(codes, axis=1)[:, :k])
    whole_batch = np.where(codes >= np.sort(codes, axis=None)[-k], codes, 0.0)
    magnitude = _keep(codes, np.argsort(-np.abs(codes), axis=1)[:, :k])
    expect(
        not np.allclose(kept, whole_batch),
        f"you kept the {k} largest values of the whole batch: keep the k largest of "
        "each example (each row)",
    )
    expect(
        not np.allclose(kept, smallest),
        f"you kept the {k} smallest values of each row: keep the k largest (the "
        "units that respond most)",
    )
    expect(
        not np.allclose(kept, magnitude),
        "you kept the largest magnitudes: keep the k largest values (a large negative "
        "value is a unit that is off)",
    )
    nonzero = np.count_nonzero(kept, axis=1)
    expect(
        np.all(nonzero == k),
        f"expected exactly {k} non-zeros in every row, found {sorted(set(nonzero))}",
    )
    expect(
        not np.array_equal(kept != 0, expected != 0) or np.allclose(kept, expected),
        "the right units are kept but with other values: keep their values unchanged "
        "(the inputs times a 0/1 mask)",
    )
    expect(
        np.allclose(kept, expected),
        f"expected the {k} largest values of each row, unchanged, and 0 elsewhere",
    )
    ties = np.ones((3, 10), "float32")
    tied = to_numpy(cls(4)(ties), "float32")
    expect(
        np.all(np.count_nonzero(tied, axis=1) == 4),
        "a row of equal values kept "
        f"{sorted(set(np.count_nonzero(tied, axis=1)))} units, not 4: comparing with "
        "the k-th largest value keeps every tie; choose the units by their rank "
        "(their position in the sorted row), so exactly k stay",
    )
    everything = to_numpy(cls(50)(codes), "float32")
    expect(
        np.allclose(everything, codes),
        "with k equal to the number of units every value should be kept",
    )
    _, (gradient,) = value_and_gradients(
        lambda x: layer(x), codes, what="the layer's call"
    )
    expect(
        np.allclose(gradient, (expected != 0).astype("float64")),
        "the output is right but its gradient is not: the gradient should be 1 for "
        "each kept unit and 0 elsewhere (treat the 0/1 mask as a constant)",
    )
    inputs = keras.Input((50,))
    model = keras.Model(inputs, cls(7, name="codes")(inputs))
    reloaded = _round_trip(model, cls)
    expect(
        getattr(reloaded.get_layer("codes"), "k", None) == 7,
        "a model with the layer reloaded from .keras with another k: get_config must "
        "return k (with the base config)",
    )
    expect(
        np.allclose(to_numpy(reloaded(codes)), to_numpy(KSparse(7)(codes))),
        "the reloaded model gives another output than the saved one",
    )
    return (
        "the k largest values of each example are kept, exactly k even with ties; the "
        "gradient flows through them only; the layer saves and reloads."
    )


def _check_schedule(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "a step costs about the same whatever k is (the dense layers dominate); the "
        "reason is which units get a gradient",
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


# What each outcome of the k-sparse run is, for q7: (dead units rise, BCE rises).
_OUTCOMES = {
    "a": (False, False),
    "b": (False, True),
    "c": (True, False),
    "d": (True, True),
}


def _check_k_prediction(prediction, dead_units, test_bce):
    letter = expect_choice(prediction, set(_OUTCOMES))
    for name, values in (("dead_units", dead_units), ("test_bce", test_bce)):
        expect(
            isinstance(values, dict) and len(values) >= 2,
            f"expected {name} as a dict {{k: value}} for at least two k, computed by "
            f"the cell above; received {type(values).__name__}",
        )
    large, small = max(dead_units), min(dead_units)
    dead_rise = dead_units[small] > dead_units[large]
    bce_rise = test_bce[small] > test_bce[large]
    observed = next(
        key for key, value in _OUTCOMES.items() if value == (dead_rise, bce_rise)
    )
    shown = (
        f"from k = {large} to k = {small} the dead units went from "
        f"{dead_units[large]:.1%} to {dead_units[small]:.1%} and the test cross-entropy "
        f"from {test_bce[large]:.4f} to {test_bce[small]:.4f}"
    )
    why_dead = (
        "with fewer winners per image, fewer units ever win, and a unit that never "
        "wins gets no gradient"
        if dead_rise
        else "in this run even the smallest k left (almost) every unit some wins"
    )
    why_bce = (
        "fewer active units leave the decoder less to draw each digit with"
        if bce_rise
        else "in this run the smaller code reconstructed no worse"
    )
    expect(
        letter == observed,
        f"this run says ({observed}): {shown}. {why_dead[0].upper() + why_dead[1:]}; {why_bce}.",
    )
    return f"{shown}: {why_dead}, and {why_bce}."


# q8: the k = 25 model's mean test binary cross-entropy must be below these. The model as
# the notebook trains it gives 0.097 (full mode, TensorFlow, 5 epochs on 15,000 images)
# and 0.33 (fast mode: 2,000 images, 2 epochs); the margins cover the other backends.
CHALLENGE_BCE = {"full": 0.105, "fast": 0.40}


def _check_challenge(model, images):
    from utils import config

    model = expect_model(model, "the trained k-sparse model k_sparse_models[25]")
    images = np.asarray(images, "float32")
    expect(
        images.ndim == 2 and images.shape[1] == 784 and len(images) >= 200,
        f"expected at least 200 test images of shape (n, 784), received {images.shape}",
    )
    names = [layer.name for layer in model.layers]
    expect(
        "codes" in names, f"expected the k-sparse layer named 'codes', found {names}"
    )
    codes = to_numpy(keras.Model(model.input, model.get_layer("codes").output)(images))
    active = int(np.max(np.count_nonzero(codes, axis=1)))
    expect(
        active <= 25,
        f"the codes have up to {active} non-zeros per image: the challenge is for k <= 25",
    )
    reconstructions = to_numpy(model.predict(images, batch_size=256, verbose=0))
    bce = float(
        np.mean(to_numpy(keras.losses.binary_crossentropy(images, reconstructions)))
    )
    mode = "fast" if config.fast_mode() else "full"
    threshold = CHALLENGE_BCE[mode]
    expect(
        bce < threshold,
        f"mean test cross-entropy {bce:.4f}, not yet below {threshold} ({mode} mode): "
        "train longer, on more images, or with another schedule",
    )
    return (
        f"mean test cross-entropy {bce:.4f} < {threshold} ({mode} mode) with at most "
        f"{active} active units per image."
    )


# ---- q9 and q10: the KL sparsity gradient by hand -----------------------------------


def _array_answer(value, shape, what):
    """Return a learner's array (NumPy or a backend tensor) as float64, of ``shape``."""
    array = to_numpy(value, "float64")
    if array.shape == shape[::-1] and len(shape) == 2 and shape[0] != shape[1]:
        raise Wrong(
            f"expected {what} of shape {shape}, got {array.shape}: the transpose (one "
            "row per input, one column per hidden unit, like W)"
        )
    expect(
        array.shape == shape,
        f"expected {what} of shape {shape}, got {array.shape}",
    )
    return array


def _check_kl_derivative(kl_derivative):
    expect_callable(kl_derivative, "the function kl_derivative")
    rho = 0.05
    rho_hat = np.array([0.01, 0.03, 0.05, 0.1, 0.3, 0.6])
    got = _array_answer(
        kl_derivative(rho, rho_hat), rho_hat.shape, "one derivative per unit"
    )
    expected = kl_sparsity_derivative(rho, rho_hat)
    wrong = [
        (
            -expected,
            "the sign is flipped: a unit more active than the target (rho_hat > rho) "
            "must get a positive derivative, so that gradient descent lowers its "
            "activity",
        ),
        (
            _kl_of_means(rho_hat, rho),
            "you returned the divergence itself: differentiate it with respect to "
            "rho_hat",
        ),
        (
            -rho / rho_hat,
            "the derivative has two terms: add that of the second term, "
            "(1 - rho) log((1 - rho) / (1 - rho_hat))",
        ),
        (
            -rho / rho_hat - (1 - rho) / (1 - rho_hat),
            "the second term has the wrong sign: the chain rule through 1 - rho_hat "
            "brings a factor -1, so (1 - rho) / (1 - rho_hat) is added",
        ),
        (
            np.log(rho_hat / rho) - np.log((1 - rho_hat) / (1 - rho)),
            "you differentiated KL(rho_hat || rho): the penalty is KL(rho || rho_hat), "
            "with rho in front of each logarithm",
        ),
        (
            -rho_hat / rho + (1 - rho_hat) / (1 - rho),
            "rho and rho_hat are swapped: the target rho is the constant, rho_hat the "
            "variable",
        ),
    ]
    for value, message in wrong:
        expect(not np.allclose(got, value, rtol=1e-4, atol=1e-6), message)
    expect(
        np.allclose(got, expected, rtol=1e-4, atol=1e-6),
        f"expected {np.round(expected, 3).tolist()} for rho = {rho} and rho_hat = "
        f"{rho_hat.tolist()}, got {np.round(got, 3).tolist()}",
    )
    other = to_numpy(kl_derivative(0.2, np.array([0.5])), "float64").reshape(-1)
    expect(
        other.shape == (1,)
        and np.allclose(other, kl_sparsity_derivative(0.2, [0.5]), rtol=1e-4),
        "rho = 0.2 gave a wrong value: use the argument rho, not a fixed target",
    )
    return (
        "0 at the target, positive for a unit more active than rho, negative for one "
        "less active."
    )


def _gradient_inputs(seed=4, m=6, n=4, k=3):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(m, n)),
        rng.normal(scale=0.8, size=(n, k)),
        rng.normal(scale=0.5, size=k),
    )


def _check_kl_weight_gradient(kl_weight_gradient):
    expect_callable(kl_weight_gradient, "the function kl_weight_gradient")
    x, W, b = _gradient_inputs()
    rho, beta = 0.1, 3.0
    got = _array_answer(
        kl_weight_gradient(x, W, b, rho, beta), W.shape, "the gradient, the shape of W"
    )
    expected = kl_sparsity_weight_gradient(x, W, b, rho, beta)
    m = len(x)
    h = 1 / (1 + np.exp(-(x @ W + b)))
    derivative = kl_sparsity_derivative(rho, h.mean(axis=0))
    wrong = [
        (
            -expected,
            "the sign is flipped: descent on the penalty must lower the weights of a "
            "unit that is too active",
        ),
        (
            m * expected,
            "you summed over the examples: rho_hat_j is a mean over the batch, so each "
            "example's term carries a factor 1/m (divide by the batch size)",
        ),
        (
            beta * x.T @ np.broadcast_to(derivative, h.shape) / m,
            "you left out the sigmoid's derivative: dh/dz = h (1 - h) multiplies each "
            "example's term",
        ),
        (
            beta * x.T @ np.broadcast_to(derivative, h.shape),
            "you left out both the sigmoid's derivative h (1 - h) and the 1/m of the "
            "mean over the batch",
        ),
        (
            beta * x.T @ (derivative * h) / m,
            "the sigmoid's derivative is h (1 - h), not h",
        ),
        (
            beta * x.T @ (kl_sparsity_derivative(rho, h) * h * (1 - h)) / m,
            "the KL derivative takes each unit's mean activity rho_hat_j over the "
            "batch, not each example's own activation",
        ),
        (expected / beta, "multiply by beta"),
    ]
    for value, message in wrong:
        expect(not np.allclose(got, value, rtol=1e-4, atol=1e-7), message)
    expect(
        np.allclose(got, expected, rtol=1e-4, atol=1e-7),
        "the gradient differs from the reference on a fixed batch (6 examples, 4 "
        f"inputs, 3 units; largest difference {np.max(np.abs(got - expected)):.3g})",
    )
    twice = to_numpy(kl_weight_gradient(np.vstack([x, x]), W, b, rho, beta), "float64")
    expect(
        np.allclose(twice, expected, rtol=1e-4, atol=1e-7),
        "the same examples twice should give the same gradient: divide by the number "
        "of rows of x, not a fixed number",
    )
    other = to_numpy(kl_weight_gradient(x, W, b, 0.3, 1.0), "float64")
    expect(
        np.allclose(
            other, kl_sparsity_weight_gradient(x, W, b, 0.3, 1.0), rtol=1e-4, atol=1e-7
        ),
        "rho = 0.3, beta = 1 gave a wrong gradient: use the arguments rho and beta",
    )
    return (
        "your gradient matches the reference on a fixed batch, on the same batch "
        "twice, and for another rho and beta."
    )


# ---- q11 and q12: regularisers side by side -----------------------------------------


def _sparsity_codes():
    """Fixed codes (6 examples, 8 units): zeros, ties at 0.25, large negative values."""
    return np.array(
        [
            [0.0, 0.3, 0.0, 0.0, 0.9, 0.0, 0.0, 0.05],
            [0.25, 0.25, 0.0, 0.6, 0.0, 0.0, 0.0, 0.0],
            [-0.7, 0.0, 1.5, 0.0, 0.0, 0.2, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 0.02, 0.0, 0.0, 0.0],
            [0.4, 0.0, -0.5, 0.0, 0.0, 0.0, 0.25, 2.0],
            [0.0, 0.7, 0.0, 0.3, 0.0, 0.12, 0.0, 0.0],
        ]
    )


def _check_active_fraction(active_fraction):
    from utils.metrics import active_fraction as reference

    expect_callable(active_fraction, "the function active_fraction")
    codes = _sparsity_codes()
    answer = to_numpy(active_fraction(codes, 0.25), "float64")
    count = codes.shape[1]
    expect(
        answer.shape != (count,),
        f"you returned {count} numbers, one per unit: average over the units of each "
        "code, then over the codes, to get one number",
    )
    expect(
        answer.shape != (len(codes),),
        f"you returned {len(codes)} numbers, one per code: average them too, to get "
        "one number",
    )
    got = _scalar(answer, "the fraction")
    expected = reference(codes, 0.25)
    wrong = [
        (
            np.mean(np.sum(codes > 0.25, axis=1)),
            "you returned how many units are active per code: divide by the number of "
            "units to get a fraction",
        ),
        (
            np.mean(codes >= 0.25),
            "a unit exactly at the threshold counts as inactive: active means strictly "
            "above it",
        ),
        (
            np.mean(np.abs(codes) > 0.25),
            "a large negative activation is not active: compare the activation itself, "
            "not its absolute value, with the threshold",
        ),
        (
            np.mean(codes != 0),
            "you counted the non-zero units: count those above `threshold`",
        ),
        (
            np.mean(codes > 0.1),
            "with threshold=0.25 you used 0.1: compare with the argument `threshold`",
        ),
    ]
    for value, message in wrong:
        expect(not _close(got, value, 1e-6), f"{message} (you got {got:.4g})")
    expect(
        _close(got, expected, 1e-6),
        f"expected {expected:.4g} for the test codes (6 codes of 8 units) with "
        f"threshold 0.25, got {got:.4g}",
    )
    default = _scalar(active_fraction(codes), "the fraction")
    expect(
        _close(default, reference(codes)),
        f"called without a threshold it gave {default:.4g}, expected "
        f"{reference(codes):.4g}: the default threshold is 0.1",
    )
    doubled = _scalar(active_fraction(np.vstack([codes, codes]), 0.25), "it")
    expect(
        _close(doubled, expected, 1e-6),
        "the same codes twice should give the same fraction: divide by the number of "
        "codes, not a fixed number",
    )
    return (
        f"{expected:.4g} of the units are above 0.25 in the test codes: strictly above "
        "the threshold, per code, then averaged."
    )


# The options of q12, in the notebook's order, and the keys of the measured table.
_SPARSITY_OPTIONS = {
    "a": ("dropout", "dropout on the code"),
    "b": ("L1", "the L1 activity penalty"),
    "c": ("KL", "the KL sparsity penalty"),
    "d": ("L2", "the L2 weight penalty"),
}


def _check_weight_penalty_prediction(prediction, active_fractions):
    letter = expect_choice(prediction, set(_SPARSITY_OPTIONS))
    keys = {"none"} | {key for key, _ in _SPARSITY_OPTIONS.values()}
    expect(
        isinstance(active_fractions, dict) and keys <= set(active_fractions),
        "expected the measured table as a dict with the keys "
        f"{sorted(keys)}, computed by the cell above; received "
        f"{type(active_fractions).__name__}",
    )
    plain = float(active_fractions["none"])
    gaps = {
        option: abs(float(active_fractions[key]) - plain)
        for option, (key, _) in _SPARSITY_OPTIONS.items()
    }
    observed = min(gaps, key=gaps.get)
    key, name = _SPARSITY_OPTIONS[observed]
    shown = (
        f"in this run {name} left {float(active_fractions[key]):.1%} of the units "
        f"active, against {plain:.1%} without a constraint"
    )
    chosen = _SPARSITY_OPTIONS[letter]
    expect(
        letter == observed,
        f"this run says ({observed}): {shown}; {chosen[1]} gave "
        f"{float(active_fractions[chosen[0]]):.1%}.",
    )
    why = (
        "a penalty on the weights makes them small, not the activations few: "
        "sparsity has to be asked of the code itself"
        if key == "L2"
        else "the closest to no constraint this time was not the weight penalty"
    )
    return f"{shown}: {why}."


q1 = Question(
    "04",
    "q1",
    _check_overcomplete,
    [
        "one hidden layer, whose size, activation and activity penalty come from the "
        "arguments, then an output layer that gives back 784 pixel values in [0, 1].",
        "two keras.layers.Dense layers: the first is named 'encoder' and takes "
        "hidden_units, the activation and the activity regularizer as its keyword "
        "arguments; the second has 784 units and a sigmoid.",
    ],
)
q2 = Question(
    "04",
    "q2",
    _check_identity,
    [
        "how many hidden units are there, and how many pixels? What is the cheapest way "
        "to reproduce the input?",
        "picture 784 of the 900 units each passing one pixel on and the decoder "
        "putting each pixel back: the loss is low, and nothing about digits was learned.",
    ],
)
q3 = Question(
    "04",
    "q3",
    _check_l1,
    [
        "L1 adds weight times the absolute activations, summed over the units and the "
        "examples; Keras 3 then divides an activity penalty by the batch size.",
        "np.abs and np.sum over the whole array, times weight, divided by the number of "
        "rows (len(codes)); return a Python float.",
    ],
)
q4 = Question(
    "04",
    "q4",
    _check_kl,
    [
        "first one number per unit, its mean activity over the examples of the batch "
        "(rho_hat_j); then the KL divergence from the target rho to each rho_hat_j, "
        "summed over the units and times the weight.",
        "in __call__ use keras.ops: ops.mean over axis 0, ops.clip to [1e-7, 1 - 1e-7], "
        "ops.log for the two terms rho log(rho / rho_hat) and (1 - rho) log((1 - rho) / "
        "(1 - rho_hat)), ops.sum over the units, times self.weight.",
    ],
)
q5 = Question(
    "04",
    "q5",
    _check_k_sparse,
    [
        "for each example (row), find which units hold the k largest values, make a "
        "0/1 mask of them and multiply: the kept values stay as they are.",
        "ops.argsort of the negated inputs along the units gives their order; "
        "ops.argsort of that order gives each unit's rank; keep the units of rank "
        "below self.k. Cast the mask to the inputs' dtype and wrap it in "
        "ops.stop_gradient.",
    ],
)
q6 = Question(
    "04",
    "q6",
    _check_schedule,
    [
        "which units receive a gradient in a k-sparse layer, and what happens to a unit "
        "that is never among the k largest?",
        "a unit whose filter starts badly loses every competition at a small k, so its "
        "weights never change: it is dead. What does a large k do for it early on?",
    ],
)
q7 = Question(
    "04",
    "q7",
    _check_k_prediction,
    [
        "at each k, how many units of an image get a gradient, and how many filters "
        "does the decoder add up to draw the digit?",
        "at k = 10 each image trains 10 of the 1000 filters (k = 70: 70), and the "
        "decoder draws with 10 of them: think of what that does to the units that "
        "rarely win, and to the detail of the reconstruction.",
    ],
)


q8 = Question(
    "04",
    "q8",
    _check_challenge,
    [
        "what limits the reconstruction of a k-sparse model: the k units it may use, "
        "or how well their filters are trained? Only the second is yours to change.",
        "call train_k_sparse(25, ...) with more epochs, more images (x_train instead of "
        "the first 15,000) or another start_k, store the result in k_sparse_models[25], "
        "and run the check again.",
    ],
)


q9 = Question(
    "04",
    "q9",
    _check_kl_derivative,
    [
        "write KL(rho || rho_hat) as four terms: rho log rho, -rho log rho_hat, and "
        "the same two with 1 - rho and 1 - rho_hat. Which of them depend on rho_hat?",
        "the derivative of log(u) is 1/u; for log(1 - rho_hat) the chain rule adds a "
        "factor -1. The result works on arrays element by element (NumPy or "
        "keras.ops).",
    ],
)
q10 = Question(
    "04",
    "q10",
    _check_kl_weight_gradient,
    [
        "follow the chain: the penalty depends on W through rho_hat_j, which is the "
        "mean over the batch of h_ij, which is the sigmoid of z_ij, which is "
        "x_i W + b.",
        "compute h, then rho_hat (mean over axis 0) and your kl_derivative of it, one "
        "number per unit; multiply it by the sigmoid's derivative h (1 - h) of each "
        "example, weight each example's input by that (a matrix product with x "
        "transposed), divide by the batch size and multiply by beta.",
    ],
)


q11 = Question(
    "04",
    "q11",
    _check_active_fraction,
    [
        "for each code (row), which units are above the threshold? Turn that into a "
        "share of the units, then average the shares over the codes.",
        "a comparison with `threshold` gives an array of True and False of the codes' "
        "shape; the mean of booleans is the share of True. One mean over the whole "
        "array gives the same number as the mean of the per-row means; return a float.",
    ],
)
q12 = Question(
    "04",
    "q12",
    _check_weight_penalty_prediction,
    [
        "which of the four acts on the activations, and which only on the weights? "
        "Can small weights still give many active units?",
        "L1 and KL put a price on every activation, so they must shrink the code; "
        "dropout changes what each unit is trained to do. The L2 penalty puts its "
        "price on the weights: do slightly smaller weights need fewer units above 0.1?",
    ],
)


def summary():
    """Print a table of notebook 04's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("04")
