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


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda a: {**a, "train_features": a["train_features"][:, :, None]}, "shape"),
        (lambda a: {**a, "train_labels": a["train_labels"].astype(float)}, "integers"),
        (lambda a: {**a, "test_features": a["test_features"][:, :3]}, "same width"),
        (lambda a: {**a, "epochs": 0}, "epochs >= 1"),
        (
            lambda a: {**a, "train_features": np.full_like(a["train_features"], np.nan)},
            "finite",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(change, message):
    x_train, y_train = blobs(10, 3.0, 0)
    x_test, y_test = blobs(10, 3.0, 1)
    arguments = dict(
        train_features=x_train,
        train_labels=y_train,
        test_features=x_test,
        test_labels=y_test,
    )
    with pytest.raises(ValueError, match="Expected") as error:
        probes.linear_probe_error(**change(arguments))
    assert message in str(error.value)
