"""Input checks shared by the utils modules.

Each helper raises ``ValueError`` saying what was expected and what was received, in the
Keras style: ``Expected images of shape (n, 28, 28) or (n, 784). Received: shape=(28, 28)``.
"""

import numpy as np


def as_float_array(values, name):
    """Return ``values`` as a float32 numpy array; reject non-numbers, NaN and infinity."""
    try:
        array = np.asarray(values)
    except Exception as error:  # a ragged list, a tensor numpy cannot read, ...
        raise ValueError(
            f"Expected `{name}` to be an array of numbers. Received: {type(values).__name__} "
            f"({error})"
        ) from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise ValueError(
            f"Expected `{name}` to be an array of numbers. "
            f"Received: dtype={array.dtype}, type={type(values).__name__}"
        )
    array = array.astype("float32")
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"Expected `{name}` to hold finite numbers. Received: {bad} NaN or infinite "
            f"values among {array.size}"
        )
    return array


def check_unit_range(array, name):
    """Raise unless every value of ``array`` (an array of numbers) lies in [0, 1].

    NaN is outside [0, 1]; a list is read as an array first.
    """
    array = as_float_array(array, name)
    if array.size and not (array.min() >= 0.0 and array.max() <= 1.0):
        raise ValueError(
            f"Expected `{name}` with values in [0, 1] (scale uint8 images by 1/255). "
            f"Received: min={array.min():.4g}, max={array.max():.4g}"
        )


def check_fraction(value, name, low=0.0, high=1.0):
    """Raise unless ``value`` is a number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError(
            f"Expected `{name}` to be a number in [{low}, {high}]. "
            f"Received: {value!r} ({type(value).__name__})"
        )
    if not low <= float(value) <= high:
        raise ValueError(
            f"Expected `{name}` in [{low}, {high}]. Received: {name}={value!r}"
        )


def check_positive_int(value, name, allow_none=False):
    """Raise unless ``value`` is a positive int (or None when ``allow_none``)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        expected = "a positive int or None" if allow_none else "a positive int"
        raise ValueError(f"Expected `{name}` to be {expected}. Received: {value!r}")


def check_choice(value, name, choices):
    """Raise unless ``value`` is one of ``choices`` (a list or other unhashable too)."""
    try:
        known = value in choices
    except TypeError:  # an unhashable value (a list, a dict) is never a choice
        known = False
    if not known:
        raise ValueError(
            f"Expected `{name}` to be one of {sorted(choices)}. Received: {value!r}"
        )


def images_as_batch(images, name="images"):
    """Return ``images`` as float32 of shape (n, height, width) with square images.

    Accepts (n, side*side), (n, side, side) and (n, side, side, 1); one image must be
    passed as a batch of one.
    """
    array = as_float_array(images, name)
    shape = array.shape
    if array.ndim == 4 and shape[-1] == 1:
        array = array[..., 0]
    elif array.ndim == 2:
        side = int(round(np.sqrt(shape[1])))
        if side * side != shape[1]:
            raise ValueError(
                f"Expected flat `{name}` of shape (n, side*side) such as (n, 784). "
                f"Received: shape={shape}"
            )
        array = array.reshape(shape[0], side, side)
    if array.ndim != 3 or array.shape[1] != array.shape[2]:
        raise ValueError(
            f"Expected `{name}` of shape (n, 784), (n, 28, 28) or (n, 28, 28, 1) "
            f"(a batch of square images; pass one image as images[None]). "
            f"Received: shape={shape}"
        )
    if array.shape[0] == 0:
        raise ValueError(
            f"Expected at least one image in `{name}`. Received: shape={shape}"
        )
    return array


def seed_generator(seed):
    """Return a ``keras.random.SeedGenerator`` for an int seed, or the one given.

    Args:
        seed: int >= 0, or a ``keras.random.SeedGenerator`` (returned as it is).

    Raises:
        ValueError: for anything else (a float, a string, a bool, a negative int).
    """
    import keras  # here, not at the top: `utils.config` must import without Keras

    if isinstance(seed, keras.random.SeedGenerator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            "Expected `seed` as an int >= 0 or a keras.random.SeedGenerator. "
            f"Received: {seed!r:.80} ({type(seed).__name__})"
        )
    return keras.random.SeedGenerator(int(seed))


# ---- Shared checks added for the bad-input sweep --------------------------------------
# Every public helper in ``utils`` validates through these, before any work.


def check_type(value, name, types, expected):
    """Raise ``TypeError`` unless ``value`` is an instance of ``types``.

    ``expected`` words the type for the message, e.g. ``"a keras.Model"``.
    """
    if not isinstance(value, types):
        raise TypeError(
            f"Expected `{name}` as {expected}. Received: {value!r:.80} "
            f"({type(value).__name__})"
        )


def check_number(value, name, low=None, high=None, low_open=False, high_open=False):
    """Raise unless ``value`` is a finite real number in the given range.

    A bound of None is no bound; ``low_open``/``high_open`` exclude the bound itself.
    Returns the value as a Python float.
    """
    low_bracket, high_bracket = ("(" if low_open else "["), (")" if high_open else "]")
    wanted = "a finite number"
    if low is not None or high is not None:
        wanted += (
            f" in {low_bracket}{'-inf' if low is None else low}, "
            f"{'inf' if high is None else high}{high_bracket}"
        )
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError(
            f"Expected `{name}` as {wanted}. Received: {value!r:.80} "
            f"({type(value).__name__})"
        )
    number = float(value)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if not np.isfinite(number) or too_low or too_high:
        raise ValueError(f"Expected `{name}` as {wanted}. Received: {name}={value!r}")
    return number


def check_int(value, name, low=None, high=None, allow_none=False):
    """Raise unless ``value`` is an int (not a bool, not 2.0) in [low, high].

    Returns the value as a Python int (or None when ``allow_none`` and it is None).
    """
    if value is None and allow_none:
        return None
    bounds = ""
    if low is not None and high is not None:
        bounds = f" in {low}..{high}"
    elif low is not None:
        bounds = f" >= {low}"
    elif high is not None:
        bounds = f" <= {high}"
    wanted = f"an int{bounds}" + (" or None" if allow_none else "")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(
            f"Expected `{name}` as {wanted}. Received: {value!r:.80} "
            f"({type(value).__name__})"
        )
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"Expected `{name}` as {wanted}. Received: {name}={value!r}")
    return int(value)


def check_seed(seed, allow_none=False):
    """Raise unless ``seed`` is an int >= 0 (or None when ``allow_none``)."""
    return check_int(seed, "seed", low=0, allow_none=allow_none)


def float_matrix(values, name, min_rows=1, min_columns=1):
    """Return ``values`` as a finite float32 array of shape (n, d), n >= ``min_rows``."""
    array = as_float_array(values, name)
    if array.ndim != 2 or len(array) < min_rows or array.shape[1] < min_columns:
        raise ValueError(
            f"Expected `{name}` of shape (n, d) with n >= {min_rows} and "
            f"d >= {min_columns}, one row per example. Received: shape={array.shape}"
        )
    return array


def float_vector(values, name, min_length=1):
    """Return ``values`` as a finite float64 vector of shape (n,), n >= ``min_length``."""
    array = as_float_array(values, name)
    if array.ndim != 1 or len(array) < min_length:
        raise ValueError(
            f"Expected `{name}` as a vector of shape (n,) with n >= {min_length}. "
            f"Received: shape={array.shape}"
        )
    return np.asarray(values, dtype="float64").reshape(-1)


def class_labels(labels, name="labels", length=None, num_classes=None):
    """Return ``labels`` as an int64 vector of class ids 0..num_classes-1.

    Rejects one-hot rows (as ``keras.utils.to_categorical`` gives them) with the fix in
    the message, negative ids such as -1 "unlabelled" markers, fractions, NaN and a
    length other than ``length``.

    Args:
        labels: array-like of shape (n,), integers (integral floats are accepted).
        name: the argument's name, for messages.
        length: int or None, the n that the labels must have (one per example).
        num_classes: int or None, the number of classes; ids must be below it.
    """
    try:
        array = np.asarray(labels)
    except Exception as error:
        raise ValueError(
            f"Expected `{name}` as class ids, integers of shape (n,). "
            f"Received: {type(labels).__name__} ({error})"
        ) from None
    if array.ndim == 2 and array.shape[1] > 1 and len(array):
        raise ValueError(
            f"Expected `{name}` as class ids of shape (n,), not one-hot rows. "
            f"Received: shape={array.shape} (use labels.argmax(axis=1))"
        )
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise ValueError(
            f"Expected `{name}` as class ids, integers of shape (n,). "
            f"Received: dtype={array.dtype}"
        )
    if array.ndim != 1:
        raise ValueError(
            f"Expected `{name}` as class ids of shape (n,). Received: shape={array.shape}"
        )
    if length is not None and len(array) != length:
        raise ValueError(
            f"Expected `{name}` of shape ({length},), one per example. "
            f"Received: shape={array.shape}"
        )
    if len(array) == 0:
        raise ValueError(f"Expected at least one label in `{name}`. Received: shape=(0,)")
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise ValueError(
                f"Expected `{name}` as whole-number class ids. "
                f"Received: values such as {array[array != np.round(array)][:3].tolist()}"
            )
    array = array.astype("int64")
    if array.min() < 0:
        raise ValueError(
            f"Expected `{name}` as class ids >= 0. Received: {int(np.sum(array < 0))} "
            f"negative values such as {int(array.min())} (drop unlabelled examples first)"
        )
    if num_classes is not None and array.max() >= num_classes:
        raise ValueError(
            f"Expected `{name}` in 0..{num_classes - 1}. Received: max={int(array.max())}"
        )
    return array


def check_same_length(first, second, first_name, second_name):
    """Raise unless ``first`` and ``second`` have as many rows (one per example)."""
    for values, name in ((first, first_name), (second, second_name)):
        if not hasattr(values, "__len__") or np.ndim(values) == 0:
            raise ValueError(
                f"Expected {name} as an array with one row per example. "
                f"Received: {type(values).__name__}"
            )
    if len(first) != len(second):
        raise ValueError(
            f"Expected as many {second_name} as {first_name}. "
            f"Received: {len(first)} {first_name}, {len(second)} {second_name}"
        )


def int_vector(values, name, min_length=1):
    """Return ``values`` as an integer numpy vector of shape (n,), n >= ``min_length``.

    Refuses floats (even 2.0), bools, strings and other ranks; the values themselves are
    not bounded (check them against the caller's own limits).

    Raises:
        ValueError: naming ``name``, the expected form and the dtype and shape received.
    """
    try:
        array = np.asarray(values)
    except Exception as error:  # a ragged list, ...
        raise ValueError(
            f"Expected `{name}` as a vector of ints, shape (n,). "
            f"Received: {type(values).__name__} ({error})"
        ) from None
    if (
        array.ndim != 1
        or not np.issubdtype(array.dtype, np.integer)
        or len(array) < min_length
    ):
        raise ValueError(
            f"Expected `{name}` as a vector of ints, shape (n,) with n >= {min_length}. "
            f"Received: dtype={array.dtype}, shape={array.shape}"
        )
    return array


def binary_labels(labels, name, length=None):
    """Return 0/1 or False/True ``labels`` as a boolean vector of shape (n,).

    Args:
        labels: array-like of shape (n,): bools, or 0 and 1 (ints or whole floats).
        name: the argument's name, for messages.
        length: int or None, the n that the labels must have (one per example).

    Returns:
        bool ndarray of shape (n,).

    Raises:
        ValueError: as ``class_labels`` does (one-hot rows, strings, fractions, NaN,
            a wrong rank or length, no labels), and for values other than 0 and 1.
    """
    try:
        array = np.asarray(labels)
    except Exception:  # a ragged list: class_labels words the error
        array = labels
    if isinstance(array, np.ndarray) and array.dtype == bool:
        array = array.astype("int64")
    ids = class_labels(array, name, length=length)
    if ids.max() > 1:
        raise ValueError(
            f"Expected `{name}` to hold only 0/1 or False/True. "
            f"Received: values {np.unique(ids)[:5].tolist()}"
        )
    return ids.astype(bool)


def count_vector(values, name):
    """Return counts as a float64 vector of shape (n,), n >= 1, all >= 0, not all 0.

    Raises:
        ValueError: for what ``float_vector`` refuses, a negative count, or all zeros.
    """
    counts = float_vector(values, name)
    if counts.min() < 0:
        raise ValueError(
            f"Expected `{name}` as counts >= 0. Received: {int(np.sum(counts < 0))} "
            f"negative values such as {counts.min():.4g}"
        )
    if counts.sum() <= 0:
        raise ValueError(
            f"Expected `{name}` not all 0. Received: all zeros, shape={counts.shape}"
        )
    return counts


def id_vector(values, name, size=None):
    """Return ids (for example word ids) as an int vector of shape (n,), n >= 1.

    Args:
        values: array-like of ints, shape (n,).
        name: the argument's name, for messages.
        size: int or None; every id must lie in 0..size-1 (None: only ids >= 0).

    Raises:
        ValueError: for what ``int_vector`` refuses and for ids out of range.
    """
    ids = int_vector(values, name)
    too_high = size is not None and ids.max() >= size
    if ids.min() < 0 or too_high:
        wanted = "ids >= 0" if size is None else f"ids in 0..{size - 1}"
        raise ValueError(
            f"Expected `{name}` as {wanted}. Received: min={ids.min()}, max={ids.max()}"
        )
    return ids


def string_list(values, name, hint=""):
    """Raise ``TypeError`` unless ``values`` is a list, tuple or array of str.

    ``hint`` is added to the message, e.g. ``"use tokenize(text)"``.
    """
    expected = "a list of str" + (f" ({hint})" if hint else "")
    check_type(values, name, (list, tuple, np.ndarray), expected)
    for value in values:
        if not isinstance(value, str):
            raise TypeError(
                f"Expected `{name}` as {expected}. Received: an item {value!r:.40} "
                f"({type(value).__name__})"
            )


def check_colormap(cmap):
    """Raise unless ``cmap`` is a Matplotlib colormap or a registered colormap name."""
    import matplotlib

    if isinstance(cmap, matplotlib.colors.Colormap):
        return
    if not isinstance(cmap, str) or cmap not in matplotlib.colormaps:
        raise ValueError(
            "Expected `cmap` as a Matplotlib colormap or its name, such as 'gray' or "
            f"'viridis'. Received: {cmap!r:.80}"
        )


# ---- Checks for values that may be symbolic tensors (utils.vae, layers, regularizers) --
# A keras.Input, or a tensor traced inside a compiled ``fit`` step (a TensorFlow graph
# tensor, a JAX tracer), has a shape and a dtype but no values yet: these helpers check
# what can be checked now and never break the tracing.


def static_shape(values):
    """The shape of an array or a tensor as a tuple, with None where it is unknown.

    Raises:
        ValueError: for a ragged list, which has no shape.
    """
    shape = getattr(values, "shape", None)
    if shape is None:
        try:
            shape = np.shape(values)
        except ValueError:
            raise ValueError(
                "Expected an array or a tensor with a shape. Received: a ragged "
                f"{type(values).__name__} (rows of different lengths)"
            ) from None
    return tuple(dim if isinstance(dim, (int, np.integer)) else None for dim in shape)


def check_numeric_dtype(tensor, name):
    """Raise ``ValueError`` unless a tensor (eager or symbolic) holds numbers, not strings."""
    import keras  # here, not at the top: `utils.config` must import without Keras

    if not hasattr(tensor, "dtype"):
        raise ValueError(
            f"Expected `{name}` as a tensor or an array of numbers. "
            f"Received: {type(tensor).__name__}"
        )
    try:
        dtype = keras.backend.standardize_dtype(tensor.dtype)
    except ValueError:
        dtype = str(tensor.dtype)
    if not dtype.startswith(("float", "bfloat", "int", "uint", "bool")):
        raise ValueError(
            f"Expected `{name}` as a tensor of numbers. Received: dtype={dtype}"
        )


def concrete_float_array(values, name):
    """Return ``values`` as a finite float32 NumPy array, or None while they are symbolic.

    NumPy arrays, lists and eager tensors have values now: they are read with
    ``as_float_array``. Symbolic tensors (``keras.Input``, tensors traced by ``fit``)
    are only checked for their dtype, and None is returned.

    Raises:
        ValueError: for strings, NaN or infinity, or a ragged list.
    """
    import keras  # here, not at the top: `utils.config` must import without Keras

    if keras.backend.is_keras_tensor(values):
        check_numeric_dtype(values, name)
        return None
    if keras.ops.is_tensor(values):
        check_numeric_dtype(values, name)
        try:
            values = keras.ops.convert_to_numpy(values)
        except Exception:  # a traced tensor (TensorFlow graph, JAX tracer): no values
            return None
    return as_float_array(values, name)


def check_unit_interval(values, name):
    """Raise ``ValueError`` unless an array or eager tensor holds finite numbers in [0, 1].

    Reads only the minimum and the maximum, so a large training set is not copied.
    """
    import keras  # here, not at the top: `utils.config` must import without Keras

    if keras.ops.is_tensor(values):
        check_numeric_dtype(values, name)
        values = keras.ops.convert_to_numpy(values)
    array = np.asarray(values)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise ValueError(
            f"Expected `{name}` to be an array of numbers. Received: dtype={array.dtype}"
        )
    if array.size and not (np.isfinite(array.min()) and np.isfinite(array.max())):
        raise ValueError(
            f"Expected `{name}` to hold finite numbers. Received: NaN or infinite values"
        )
    check_unit_range(array, name)


def activation_function(activation, name="activation"):
    """Return ``keras.activations.get(activation)``, with a clear error for a bad one.

    Raises:
        TypeError: for something other than a str, a dict (a serialised activation), a
            callable or None.
        ValueError: for a name Keras does not know, such as "sigmod".
    """
    import keras  # here, not at the top: `utils.config` must import without Keras

    if not (activation is None or isinstance(activation, (str, dict))) and not callable(
        activation
    ):
        raise TypeError(
            f"Expected `{name}` as an activation name such as 'sigmoid', a callable or "
            f"None. Received: {activation!r:.80} ({type(activation).__name__})"
        )
    try:
        return keras.activations.get(activation)
    except (TypeError, ValueError):
        raise ValueError(
            f"Expected `{name}` as the name of a Keras activation such as 'relu', "
            f"'sigmoid' or 'tanh' (see keras.activations). Received: {name}={activation!r}"
        ) from None
