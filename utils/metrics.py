"""Small measurements used across the notebooks (numpy in, numbers out).

Principal angles come from SciPy (``scipy.linalg.subspace_angles``), PCA from
scikit-learn (``sklearn.decomposition.PCA``); this module checks the inputs first.
"""

import numpy as np
import scipy.linalg
from sklearn.decomposition import PCA

from utils.validation import as_float_array, check_int, check_number, float_matrix


def _batch(x, name):
    """Return ``x`` as a finite float32 array of shape (n, features), n >= 1."""
    array = as_float_array(x, name)
    if array.ndim < 2 or array.shape[0] == 0 or array[0].size == 0:
        raise ValueError(
            f"Expected `{name}` as a batch of shape (n, ...) with n >= 1 and at least "
            f"one value per example. Received: shape={array.shape}"
        )
    return array.reshape(len(array), -1)


def _pair(x, x_hat, names=("x", "x_hat")):
    """Return ``x`` and ``x_hat`` flattened to (n, features), after a shape check."""
    flat_x, flat_x_hat = _batch(x, names[0]), _batch(x_hat, names[1])
    if np.shape(x) != np.shape(x_hat):
        raise ValueError(
            f"Expected `{names[0]}` and `{names[1]}` of the same shape. "
            f"Received: {np.shape(x)} and {np.shape(x_hat)}"
        )
    return flat_x, flat_x_hat


def bit_errors(patterns, reconstructions, threshold=0.5):
    """Count the bits that differ after thresholding ``reconstructions``.

    Args:
        patterns: 0/1 array, shape (n, bits) (or (n, ...)).
        reconstructions: float array of the same shape (probabilities in [0, 1]).
        threshold: number in [0, 1]; a reconstructed bit is 1 when above it.

    Returns:
        int, the number of wrong bits over the whole batch.

    Raises:
        ValueError: for arrays that are not finite numbers, shapes that differ or are
            not a batch, patterns other than 0/1, or a threshold outside [0, 1].
    """
    threshold = check_number(threshold, "threshold", low=0.0, high=1.0)
    patterns, reconstructions = _pair(
        patterns, reconstructions, ("patterns", "reconstructions")
    )
    if not np.isin(patterns, (0.0, 1.0)).all():
        raise ValueError(
            "Expected `patterns` to hold only 0 and 1. "
            "Received: values such as "
            f"{np.setdiff1d(patterns, (0.0, 1.0))[:3].tolist()}"
        )
    return int(np.sum((reconstructions > threshold) != (patterns > 0.5)))


def squared_error_per_example(x, x_hat):
    """Return the squared error summed over features, one value per example.

    Args:
        x: float array of shape (n, ...), the targets.
        x_hat: float array of the same shape, the reconstructions.

    Returns:
        float32 array of shape (n,), each value >= 0.

    Raises:
        ValueError: for arrays that are not finite numbers, or shapes that differ or
            are not a batch.
    """
    x, x_hat = _pair(x, x_hat)
    return np.sum((x - x_hat) ** 2, axis=1)


def psnr(x, x_hat, max_value=1.0):
    """Return the mean peak signal-to-noise ratio of a batch, in dB.

    PSNR = 10 log10(max_value² / MSE) per example, its MSE floored at 1e-12 (a perfect
    copy gives 120 dB for max_value 1), then averaged over the batch.

    Args:
        x: float array of shape (n, ...), the clean images, values in [0, max_value].
        x_hat: float array of the same shape, the images to score.
        max_value: number > 0, the largest possible pixel value (1.0 for images
            scaled to [0, 1], 255 for uint8).

    Returns:
        float, in dB; higher is better.

    Raises:
        ValueError: for arrays that are not finite numbers, shapes that differ or are
            not a batch, a ``max_value`` that is not a number > 0, or ``x`` outside
            [0, max_value].
    """
    max_value = check_number(max_value, "max_value", low=0.0, low_open=True)
    x, x_hat = _pair(x, x_hat)
    if x.min() < 0.0 or x.max() > max_value:
        raise ValueError(
            f"Expected `x` with values in [0, max_value={max_value:g}]. "
            f"Received: min={x.min():.4g}, max={x.max():.4g}"
        )
    mse = np.maximum(np.mean((x - x_hat) ** 2, axis=1), 1e-12)
    return float(np.mean(10.0 * np.log10(max_value**2 / mse)))


def _basis(values, name):
    """Return a (d, k) basis as float64, after checking its columns are independent."""
    float_matrix(values, name)
    basis = np.asarray(values, dtype="float64")
    rank = scipy.linalg.orth(basis).shape[1]
    if rank < basis.shape[1]:
        raise ValueError(
            f"Expected `{name}` with linearly independent columns (a basis). "
            f"Received: shape={basis.shape}, rank {rank}"
        )
    return basis


def principal_angles(basis_a, basis_b):
    """Return the principal angles in degrees between two subspaces, smallest first.

    ``scipy.linalg.subspace_angles`` (Knyazev and Argentati, 2002, accurate for small
    angles too), converted to degrees and sorted in increasing order.

    Args:
        basis_a: (d, k) array whose columns span the first subspace (any basis).
        basis_b: (d, l) array whose columns span the second.

    Returns:
        float64 array of shape (min(k, l),), angles in [0, 90]; all near 0 means the
        same subspace.

    Raises:
        ValueError: for arrays that are not finite 2-D numbers, bases whose columns
            are not linearly independent, or a d that differs between the two.
    """
    a, b = _basis(basis_a, "basis_a"), _basis(basis_b, "basis_b")
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            "Expected two bases of shape (d, k) and (d, l) with the same d. "
            f"Received: {a.shape} and {b.shape}"
        )
    return np.degrees(scipy.linalg.subspace_angles(a, b))[::-1]


def pca_reconstruct(x_train, x, num_components):
    """Project ``x`` onto the top principal components of ``x_train`` and back.

    ``sklearn.decomposition.PCA`` fitted on ``x_train`` with the exact ("full") SVD
    solver, then ``inverse_transform(transform(x))``.

    Args:
        x_train: float array of shape (n_train, ...), n_train >= 2: defines the mean
            and the principal axes.
        x: float array of shape (n, ...) with as many values per example.
        num_components: int in 1..min(n_train, features).

    Returns:
        float32 array shaped like ``x``: the best linear reconstruction with that many
        components (the mean of ``x_train`` is removed first and added back).

    Raises:
        ValueError: for arrays that are not finite numbers or not a batch, fewer than
            2 training examples, a feature count that differs, or ``num_components``
            that is not an int in range.
    """
    train, data = _batch(x_train, "x_train"), _batch(x, "x")
    if len(train) < 2 or train.shape[1] != data.shape[1]:
        raise ValueError(
            "Expected `x_train` with n_train >= 2 examples and `x` with as many "
            f"features. Received: shapes {np.shape(x_train)} and {np.shape(x)}"
        )
    check_int(num_components, "num_components", low=1, high=min(train.shape))
    # Exact either way; the covariance route is ten times faster when n >> d.
    solver = "covariance_eigh" if len(train) >= train.shape[1] else "full"
    pca = PCA(n_components=num_components, svd_solver=solver).fit(train)
    reconstruction = pca.inverse_transform(pca.transform(data))
    return reconstruction.reshape(np.shape(x)).astype("float32")


def active_fraction(codes, threshold=0.1):
    """Return the mean fraction of code units active per example (code sparsity).

    A unit is active for an example when its activation is strictly above ``threshold``
    (Ng, CS294A lecture notes, 2011, call a sigmoid unit active when its output is
    close to 1 and inactive when close to 0; a threshold makes that a count). The
    fraction of active units is taken for each example (row), then averaged over the
    examples.
    Only the sign of ``activation - threshold`` counts: a large negative activation is
    inactive.

    Args:
        codes: finite float array of shape (n, units), n >= 1: one code per example,
            for example the encoder's activations on the test images.
        threshold: finite number; 0.1 suits sigmoid and ReLU units alike (0 would count
            every sigmoid output as active).

    Returns:
        float in [0, 1]: 0 when no unit of any example is above the threshold, 1 when
        all of them are.

    Raises:
        ValueError: for codes that are not finite numbers of shape (n, units), or a
            threshold that is not a finite number.
    """
    threshold = check_number(threshold, "threshold")
    codes = float_matrix(codes, "codes")
    # Compared in float32, the codes' dtype here, so that a code equal to the threshold
    # (0.1 stored as float32, say) is not counted as above it.
    return float(np.mean(np.mean(codes > np.float32(threshold), axis=1)))
