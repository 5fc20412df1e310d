"""utils.layers.KSparse and ActivityPenalty, utils.regularizers.KLSparsity."""

import keras
import numpy as np
import pytest

from utils import layers, regularizers


def numpy_kl(activations, target, weight):
    rho_hat = np.clip(np.mean(activations, axis=0), 1e-7, 1 - 1e-7)
    divergence = target * np.log(target / rho_hat) + (1 - target) * np.log(
        (1 - target) / (1 - rho_hat)
    )
    return weight * np.sum(divergence)


def test_k_sparse_keeps_exactly_the_k_largest_of_each_row():
    x = np.random.default_rng(0).normal(size=(32, 50)).astype("float32")
    y = keras.ops.convert_to_numpy(layers.KSparse(7)(x))
    assert y.shape == x.shape
    assert np.all(np.count_nonzero(y, axis=1) == 7)
    kth_largest = np.sort(x, axis=1)[:, -7][:, None]
    np.testing.assert_array_equal(y, np.where(x >= kth_largest, x, 0.0))


def test_k_sparse_keeps_exactly_k_with_ties():
    ties = np.ones((4, 10), "float32")
    ties[1, :3] = 2.0  # three values above a tie of seven
    y = keras.ops.convert_to_numpy(layers.KSparse(5)(ties))
    assert np.count_nonzero(y, axis=1).tolist() == [5, 5, 5, 5]
    assert np.all(y[1, :3] == 2.0)


def test_k_sparse_gradient_flows_only_through_the_kept_units():
    # One step of plain SGD on a linear encoder followed by KSparse: only the weights
    # (columns of the kernel) of units that were in some example's top k may change.
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(1).uniform(size=(3, 6)).astype("float32")
    inputs = keras.Input((6,))
    encoder = keras.layers.Dense(20, name="encoder")
    codes = layers.KSparse(2)(encoder(inputs))
    model = keras.Model(inputs, keras.layers.Dense(6)(codes))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = encoder.get_weights()[0].copy()
    pre = x @ before + encoder.get_weights()[1]
    winners = np.unique(np.argsort(-pre, axis=1)[:, :2])
    model.train_on_batch(x, x)
    changed = np.flatnonzero(np.any(encoder.get_weights()[0] != before, axis=0))
    assert set(changed) <= set(winners.tolist())
    assert len(changed) > 0


@pytest.mark.parametrize("k", [0, -1, 2.5, 2.0, True, "3", None])
def test_k_sparse_rejects_a_bad_k(k):
    with pytest.raises(ValueError, match="Expected `k` as an int >= 1. Received"):
        layers.KSparse(k)


def test_k_sparse_errors():
    with pytest.raises(ValueError, match="Expected `k` as an int >= 1. Received: k=0"):
        layers.KSparse(0)
    with pytest.raises(ValueError, match="Expected k <= the 10 units"):
        layers.KSparse(11)(keras.Input((10,)))
    with pytest.raises(ValueError, match=r"Expected inputs of shape \(batch, units\)"):
        layers.KSparse(2)(keras.Input((4, 4)))
    assert layers.KSparse(np.int64(3)).k == 3


def test_k_sparse_checks_every_call():
    layer = layers.KSparse(2)
    layer(np.zeros((3, 5), "float32"))  # built for 5 units
    with pytest.raises(ValueError, match=r"Expected inputs of shape \(batch, 5\)"):
        layer(np.zeros((3, 6), "float32"))
    with pytest.raises(ValueError, match=r"Expected inputs of shape \(batch, units\)"):
        layer(np.zeros((3, 5, 1), "float32"))
    with pytest.raises(ValueError, match="Expected `inputs` as a tensor of numbers"):
        layer(np.full((3, 5), "a"))


def test_kl_sparsity_matches_numpy():
    rng = np.random.default_rng(2)
    activations = rng.uniform(0.0, 0.3, size=(64, 12)).astype("float32")
    for target, weight in [(0.05, 3.0), (0.01, 1.0), (0.2, 5.0)]:
        value = float(regularizers.KLSparsity(target, weight)(activations))
        assert value == pytest.approx(numpy_kl(activations, target, weight), rel=1e-4)


def test_kl_sparsity_is_zero_at_the_target_and_finite_at_0_and_1():
    at_target = np.full((8, 5), 0.03, "float32")
    assert float(regularizers.KLSparsity(0.03, 2.0)(at_target)) == pytest.approx(
        0.0, abs=1e-5
    )
    extreme = np.zeros((4, 6), "float32")
    extreme[:, 3:] = 1.0
    value = float(regularizers.KLSparsity(0.05, 1.0)(extreme))
    assert np.isfinite(value) and value > 10.0


def test_kl_sparsity_gradient_is_finite_at_0_and_1():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(4, activation="sigmoid")
    codes = layers.ActivityPenalty(regularizers.KLSparsity(0.05, 1.0))(hidden(inputs))
    model = keras.Model(inputs, codes)
    model.compile(optimizer="sgd", loss="mse")
    x = np.array([[100.0, -100.0, 100.0, -100.0]] * 8, "float32")  # saturated units
    loss = model.train_on_batch(x, np.zeros((8, 4), "float32"))
    assert np.isfinite(loss)
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"target": 0.0}, r"Expected `target` as a finite number in \(0.0, 1.0\)"),
        ({"target": 1.5}, r"Expected `target` as a finite number in \(0.0, 1.0\)"),
        ({"target": float("nan")}, "Expected `target` as a finite number"),
        ({"target": "0.05"}, "Expected `target` as a finite number"),
        ({"target": True}, "Expected `target` as a finite number"),
        ({"weight": -1.0}, r"Expected `weight` as a finite number in \[0.0, inf\]"),
        ({"weight": float("inf")}, "Expected `weight` as a finite number"),
        ({"weight": float("nan")}, "Expected `weight` as a finite number"),
        ({"weight": "3"}, "Expected `weight` as a finite number"),
        ({"weight": False}, "Expected `weight` as a finite number"),
        ({"epsilon": 0.0}, r"Expected `epsilon` as a finite number in \(0.0, 0.5\)"),
        ({"epsilon": 0.5}, r"Expected `epsilon` as a finite number in \(0.0, 0.5\)"),
        ({"epsilon": float("nan")}, "Expected `epsilon` as a finite number"),
        ({"epsilon": "1e-7"}, "Expected `epsilon` as a finite number"),
        ({"epsilon": 1e-8}, "1 - epsilon rounds to 1.0 in float32"),
        ({"epsilon": 5e-8}, "1 - epsilon rounds to 1.0 in float32"),
    ],
)
def test_kl_sparsity_errors(arguments, message):
    # The messages are the shared check_number's (were "Expected `target` strictly
    # between 0 and 1", "Expected `weight` >= 0", ...).
    with pytest.raises(ValueError, match=message):
        regularizers.KLSparsity(**arguments)


@pytest.mark.parametrize("epsilon", [regularizers.MIN_EPSILON, 6e-8, 1e-7, 0.1])
@pytest.mark.parametrize("batch", [1, 7, 1000])
def test_kl_sparsity_is_finite_at_0_and_1_for_every_accepted_epsilon(epsilon, batch):
    extreme = np.zeros((batch, 4), "float32")
    extreme[:, 2:] = 1.0
    penalty = regularizers.KLSparsity(0.05, 1.0, epsilon=epsilon)
    assert np.isfinite(float(penalty(extreme)))


@pytest.mark.parametrize(
    "activations, message",
    [
        (np.full(5, 0.5), r"Expected `activations` of shape \(batch, units\)"),
        (np.full((2, 3, 4), 0.5), r"Expected `activations` of shape \(batch, units\)"),
        (np.full((2, 3), np.nan), "Expected `activations` to hold finite numbers"),
        (np.full((2, 3), np.inf), "Expected `activations` to hold finite numbers"),
        (np.full((2, 3), "a"), "Expected `activations` to be an array of numbers"),
        (np.full((2, 3), 2.0), r"Expected `activations` in \[0, 1\]"),
        (np.full((2, 3), -0.1), r"Expected `activations` in \[0, 1\]"),
    ],
)
def test_kl_sparsity_rejects_bad_activations(activations, message):
    with pytest.raises(ValueError, match=message):
        regularizers.KLSparsity()(activations)


def test_kl_sparsity_checks_only_the_rank_of_symbolic_activations():
    assert tuple(regularizers.KLSparsity()(keras.Input((4,))).shape) == ()
    with pytest.raises(ValueError, match=r"of shape \(batch, units\)"):
        regularizers.KLSparsity()(keras.Input((4, 2)))


def test_activity_penalty_adds_the_unscaled_penalty_to_the_loss():
    activations = np.random.default_rng(3).uniform(0.0, 1.0, (16, 5)).astype("float32")
    penalty = regularizers.KLSparsity(0.05, 2.0)
    inputs = keras.Input((5,))
    model = keras.Model(inputs, layers.ActivityPenalty(penalty)(inputs))
    model.compile(loss="mse")
    loss = model.evaluate(activations, activations, batch_size=16, verbose=0)
    assert loss == pytest.approx(numpy_kl(activations, 0.05, 2.0), rel=1e-4)


@pytest.mark.parametrize("regularizer", ["l1", None, 3.0, regularizers.KLSparsity])
def test_activity_penalty_rejects_what_is_not_a_regularizer(regularizer):
    # A wrong type is now a TypeError (was ValueError), as everywhere in utils.
    with pytest.raises(TypeError, match="Expected `regularizer` as a keras"):
        layers.ActivityPenalty(regularizer)


class PerUnitPenalty(keras.regularizers.Regularizer):
    def __call__(self, x):
        return keras.ops.sum(x, axis=0)  # not a scalar


def test_activity_penalty_rejects_a_penalty_that_is_not_a_scalar():
    with pytest.raises(ValueError, match="Expected `regularizer` to return a scalar"):
        layers.ActivityPenalty(PerUnitPenalty())(np.ones((2, 3), "float32"))


def test_a_saved_model_reloads_and_gives_the_same_output(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((12,))
    sigmoid_codes = keras.layers.Dense(8, activation="sigmoid")(inputs)
    sigmoid_codes = layers.ActivityPenalty(regularizers.KLSparsity(0.02, 4.0))(
        sigmoid_codes
    )
    sparse_codes = layers.KSparse(3)(keras.layers.Dense(10)(sigmoid_codes))
    model = keras.Model(inputs, keras.layers.Dense(12)(sparse_codes))
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(4).uniform(size=(20, 12)).astype("float32")
    model.fit(x, x, epochs=1, verbose=0)
    path = tmp_path / "sparse.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(
        model.predict(x, verbose=0), reloaded.predict(x, verbose=0)
    )
    penalty = reloaded.layers[2].regularizer
    assert isinstance(penalty, regularizers.KLSparsity)
    assert penalty.get_config() == {"target": 0.02, "weight": 4.0, "epsilon": 1e-7}
    assert reloaded.layers[4].get_config()["k"] == 3
    assert reloaded.evaluate(x, x, verbose=0) == pytest.approx(
        model.evaluate(x, x, verbose=0), rel=1e-5
    )
