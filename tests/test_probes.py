"""utils.probes: a softmax layer on features, its test error in percent."""

import numpy as np
import pytest

from utils import probes


def blobs(num_per_class, separation, seed):
    """Three Gaussian blobs in 5-D, centred `separation` apart, with their labels."""
    rng = np.random.default_rng(seed)
    centres = np.eye(3, 5) * separation
    labels = np.repeat(np.arange(3), num_per_class)
    features = centres[labels] + rng.normal(size=(len(labels), 5))
    return features.astype("float32"), labels


def test_separable_features_give_a_low_error():
    x_train, y_train = blobs(1000, separation=8.0, seed=0)
    x_test, y_test = blobs(100, separation=8.0, seed=1)
    error = probes.linear_probe_error(x_train, y_train, x_test, y_test, epochs=30)
    assert 0.0 <= error < 2.0


def test_features_without_information_give_chance_level():
    x_train, y_train = blobs(200, separation=0.0, seed=0)
    x_test, y_test = blobs(200, separation=0.0, seed=1)
    error = probes.linear_probe_error(x_train, y_train, x_test, y_test, epochs=30)
    assert 50.0 < error < 85.0  # chance is 66.7 % for three classes


def test_scale_of_the_features_does_not_matter():
    x_train, y_train = blobs(200, separation=3.0, seed=0)
    x_test, y_test = blobs(100, separation=3.0, seed=1)
    small = probes.linear_probe_error(x_train, y_train, x_test, y_test, epochs=10)
    large = probes.linear_probe_error(
        x_train * 1000, y_train, x_test * 1000, y_test, epochs=10
    )
    assert abs(small - large) <= 1.0


def arguments_with(**changes):
    """Valid probe arguments (ten examples per class), with ``changes`` applied."""
    x_train, y_train = blobs(10, 3.0, 0)
    x_test, y_test = blobs(10, 3.0, 1)
    arguments = dict(
        train_features=x_train,
        train_labels=y_train,
        test_features=x_test,
        test_labels=y_test,
    )
    return {**arguments, **changes}


def with_unlabelled(labels, where):
    labels = labels.copy()
    labels[where] = -1
    return labels


_, Y = blobs(10, 3.0, 0)  # the labels arguments_with() uses: 0, 1, 2, ten of each
X, _ = blobs(10, 3.0, 0)


@pytest.mark.parametrize(
    "changes, message",
    [
        # features: wrong rank, NaN, inf, strings, empty, mismatched widths
        ({"train_features": X[:, :, None]}, "`train_features` of shape (n, d)"),
        ({"train_features": np.full_like(X, np.nan)}, "finite"),
        ({"test_features": np.full((30, 5), np.inf)}, "finite"),
        ({"train_features": np.full((30, 5), "a")}, "array of numbers"),
        ({"test_features": np.zeros((0, 5))}, "`test_features` of shape (n, d)"),
        ({"test_features": X[:, :3]}, "same width"),
        # labels: -1 markers in training or test, one-hot, fractions, wrong length
        ({"train_labels": with_unlabelled(Y, [0, 5])}, "drop unlabelled examples"),
        ({"test_labels": with_unlabelled(Y, [3])}, "drop unlabelled examples"),
        ({"train_labels": np.eye(3)[Y]}, "not one-hot"),
        ({"train_labels": Y + 0.5}, "whole-number class ids"),
        ({"train_labels": Y[:10]}, "`train_labels` of shape (30,)"),
        ({"test_labels": Y.astype(str)}, "class ids"),
        # classes: one class in training, a test class never seen in training
        ({"train_labels": np.zeros_like(Y)}, "at least 2 classes"),
        ({"test_labels": np.where(Y == 2, 3, Y)}, "never seen in training"),
        # training settings
        ({"epochs": 0}, "`epochs` as an int >= 1"),
        ({"epochs": 2.5}, "`epochs` as an int >= 1"),
        ({"epochs": True}, "`epochs` as an int >= 1"),
        ({"batch_size": -4}, "`batch_size` as an int >= 1"),
        ({"batch_size": "32"}, "`batch_size` as an int >= 1"),
        ({"learning_rate": 0.0}, "`learning_rate` as a finite number in (0"),
        ({"learning_rate": float("nan")}, "`learning_rate` as a finite number"),
        ({"learning_rate": "fast"}, "`learning_rate` as a finite number"),
        ({"seed": -1}, "`seed` as an int >= 0"),
        ({"seed": 1.5}, "`seed` as an int >= 0"),
        ({"seed": "0"}, "`seed` as an int >= 0"),
    ],
)
def test_bad_input_gets_a_clear_error_before_training(changes, message, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("training started before the input was checked")

    monkeypatch.setattr(probes.keras.Model, "fit", no_training)
    with pytest.raises(ValueError, match="Expected") as error:
        probes.linear_probe_error(**arguments_with(**changes))
    assert message in str(error.value)


def test_whole_number_float_labels_are_class_ids():
    x_train, y_train = blobs(200, separation=8.0, seed=0)
    x_test, y_test = blobs(50, separation=8.0, seed=1)
    as_ints = probes.linear_probe_error(x_train, y_train, x_test, y_test, epochs=5)
    as_floats = probes.linear_probe_error(
        x_train, y_train.astype(float), x_test, y_test.astype("float32"), epochs=5
    )
    assert abs(as_ints - as_floats) <= 1.0  # the same ids; CPU threads may differ
