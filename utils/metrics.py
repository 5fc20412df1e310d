"""Small measurements used across the notebooks (numpy in, numbers out)."""

import numpy as np

from utils.validation import as_float_array


def _pair(x, x_hat):
    x = as_float_array(x, "x")
    x_hat = as_float_array(x_hat, "x_hat")
    if x.shape != x_hat.shape:
        raise ValueError(
            f"Expected `x` and `x_hat` of the same shape. Received: {x.shape} and {x_hat.shape}"
        )
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(
            f"Expected a batch of shape (n, ...). Received: shape={x.shape}"
        )
    return x.reshape(len(x), -1), x_hat.reshape(len(x_hat), -1)


def bit_errors(patterns, reconstructions, threshold=0.5):
    """Count the bits that differ after thresholding ``reconstructions`` at 0.5.

    Args:
        patterns: 0/1 array, shape (n, bits).
        reconstructions: float array of the same shape (probabilities).

    Returns:
        int, the number of wrong bits over the whole batch.
    """
    patterns, reconstructions = _pair(patterns, reconstructions)
    if not np.isin(patterns, (0.0, 1.0)).all():
        raise ValueError("Expected `x` (the patterns) to hold only 0 and 1.")
    return int(np.sum((reconstructions > threshold) != (patterns > 0.5)))


def squared_error_per_example(x, x_hat):
    """Return the squared error summed over features, one value per example, shape (n,)."""
    x, x_hat = _pair(x, x_hat)
    return np.sum((x - x_hat) ** 2, axis=1)


def psnr(x, x_hat, max_value=1.0):
    """Return the mean peak signal-to-noise ratio in dB of a batch (values in [0, max])."""
    x, x_hat = _pair(x, x_hat)
    mse = np.maximum(np.mean((x - x_hat) ** 2, axis=1), 1e-12)
    return float(np.mean(10.0 * np.log10(max_value**2 / mse)))


def principal_angles(basis_a, basis_b):
    """Return the principal angles in degrees between two subspaces, smallest first.

    Args:
        basis_a: (d, k) array whose columns span the first subspace (any basis).
        basis_b: (d, l) array whose columns span the second.

    Returns:
        float array of min(k, l) angles in [0, 90]; all near 0 means the same subspace.
    """
    a = as_float_array(basis_a, "basis_a").astype("float64")
    b = as_float_array(basis_b, "basis_b").astype("float64")
    if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[0]:
        raise ValueError(
            "Expected two bases of shape (d, k) and (d, l) with the same d. "
            f"Received: {a.shape} and {b.shape}"
        )
    qa, _ = np.linalg.qr(a)
    qb, _ = np.linalg.qr(b)
    cosines = np.clip(np.linalg.svd(qa.T @ qb, compute_uv=False), -1.0, 1.0)
    return np.degrees(np.arccos(cosines))


def pca_reconstruct(x_train, x, num_components):
    """Project ``x`` onto the top principal components of ``x_train`` and back.

    Returns:
        float32 array shaped like ``x``: the best linear reconstruction with that many
        components (the mean of ``x_train`` is removed first and added back).
    """
    train, _ = _pair(x_train, x_train)
    data, _ = _pair(x, x)
    if train.shape[1] != data.shape[1]:
        raise ValueError(
            f"Expected `x` with {train.shape[1]} features like `x_train`. Received: {data.shape[1]}"
        )
    if not 1 <= num_components <= train.shape[1]:
        raise ValueError(
            f"Expected `num_components` in 1..{train.shape[1]}. Received: {num_components}"
        )
    mean = train.mean(axis=0)
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    top = vt[:num_components].T
    return (((data - mean) @ top) @ top.T + mean).reshape(np.shape(x)).astype("float32")
