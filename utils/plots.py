"""Pictures used in every notebook, in one style (set by ``config.setup``).

Images may be passed flat (n, 784), as (n, 28, 28) or as (n, 28, 28, 1). Each function
returns the matplotlib ``Figure`` so a notebook can save or adjust it.
"""

import matplotlib.pyplot as plt
import numpy as np

from utils.validation import as_float_array, check_positive_int, images_as_batch


def image_grid(images, num_columns=10, titles=None, cmap="gray", figure_width=None):
    """Show a batch of square images in a grid; ``titles`` gives one caption per image."""
    images = images_as_batch(images)
    check_positive_int(num_columns, "num_columns")
    if titles is not None and len(titles) != len(images):
        raise ValueError(
            f"Expected one title per image ({len(images)}). Received: {len(titles)} titles"
        )
    num_columns = min(num_columns, len(images))
    num_rows = int(np.ceil(len(images) / num_columns))
    width = figure_width or 1.1 * num_columns
    figure, axes = plt.subplots(
        num_rows,
        num_columns,
        figsize=(width, width / num_columns * num_rows * 1.1),
        squeeze=False,
    )
    for index, axis in enumerate(axes.flat):
        axis.axis("off")
        if index < len(images):
            axis.imshow(images[index], cmap=cmap)
            if titles is not None:
                axis.set_title(str(titles[index]), fontsize=8)
    figure.tight_layout()
    return figure


def compare_rows(rows, num_images=10):
    """Show rows of images one above the other, e.g. original / corrupted / reconstructed.

    Args:
        rows: dict from a row label to a batch of images; every batch needs at least
            ``num_images`` images of the same size.
        num_images: int, how many columns to show.
    """
    if not isinstance(rows, dict) or not rows:
        raise ValueError(
            "Expected `rows` as a non-empty dict like {'original': x, 'reconstructed': x_hat}. "
            f"Received: {type(rows).__name__}"
        )
    check_positive_int(num_images, "num_images")
    batches = {
        label: images_as_batch(images, f"rows[{label!r}]")
        for label, images in rows.items()
    }
    for label, batch in batches.items():
        if len(batch) < num_images:
            raise ValueError(
                f"Expected at least {num_images} images in rows[{label!r}]. Received: {len(batch)}"
            )
    sizes = {batch.shape[1:] for batch in batches.values()}
    if len(sizes) > 1:
        raise ValueError(
            f"Expected images of one size in every row. Received: {sorted(sizes)}"
        )
    figure, axes = plt.subplots(
        len(batches),
        num_images,
        figsize=(1.1 * num_images, 1.25 * len(batches)),
        squeeze=False,
    )
    for row, (label, batch) in enumerate(batches.items()):
        for column in range(num_images):
            axis = axes[row, column]
            axis.imshow(batch[column], cmap="gray", vmin=0.0, vmax=1.0)
            axis.set_xticks([])
            axis.set_yticks([])
            axis.grid(False)
        axes[row, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    figure.tight_layout()
    return figure


def training_curves(history, metrics=None, log_scale=False):
    """Plot loss (and other metrics) against epoch from a Keras ``History`` or a dict.

    Args:
        history: ``model.fit(...)``'s return value, or a dict of lists per metric.
        metrics: names to plot; by default every key, with ``val_*`` paired to its metric.
        log_scale: bool, use a log y axis.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError(
            "Expected a Keras History or a dict like {'loss': [...]}. "
            f"Received: {type(history).__name__}"
        )
    names = metrics or [name for name in logs if not name.startswith("val_")]
    unknown = [name for name in names if name not in logs]
    if unknown:
        raise ValueError(f"Expected metrics among {sorted(logs)}. Received: {unknown}")
    figure, axes = plt.subplots(
        1, len(names), figsize=(4.5 * len(names), 3.2), squeeze=False
    )
    for axis, name in zip(axes.flat, names):
        values = as_float_array(logs[name], f"history[{name!r}]")
        epochs = np.arange(1, len(values) + 1)
        axis.plot(epochs, values, label="training")
        if f"val_{name}" in logs:
            axis.plot(
                epochs,
                as_float_array(logs[f"val_{name}"], f"val_{name}"),
                label="validation",
            )
            axis.legend()
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        if log_scale:
            axis.set_yscale("log")
    figure.tight_layout()
    return figure


def latent_scatter(codes, labels, title="Codes coloured by digit"):
    """Scatter 2-D codes, shape (n, 2), coloured by integer labels, shape (n,)."""
    codes = as_float_array(codes, "codes")
    labels = np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(
            "Expected `codes` of shape (n, 2) (reduce larger codes with PCA or t-SNE first). "
            f"Received: shape={codes.shape}"
        )
    if labels.shape != (len(codes),):
        raise ValueError(
            f"Expected `labels` of shape ({len(codes)},), one per code. Received: shape={labels.shape}"
        )
    figure, axis = plt.subplots(figsize=(6, 5))
    points = axis.scatter(
        codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=4, alpha=0.7
    )
    figure.colorbar(points, ax=axis, label="label")
    axis.set_title(title)
    axis.set_xlabel("code 1")
    axis.set_ylabel("code 2")
    return figure


def filter_grid(kernel, num_filters=64, num_columns=16):
    """Show each hidden unit's incoming weights as an image.

    Args:
        kernel: a Dense kernel of shape (side*side, units), e.g. (784, 32): column j is
            unit j's filter.
        num_filters: int, how many units to show (the first ones).
        num_columns: int, images per row.
    """
    kernel = as_float_array(kernel, "kernel")
    if kernel.ndim != 2:
        raise ValueError(
            f"Expected a Dense kernel of shape (inputs, units) such as (784, 32). "
            f"Received: shape={kernel.shape}"
        )
    check_positive_int(num_filters, "num_filters")
    filters = kernel.T[:num_filters]
    filters = images_as_batch(filters, "kernel columns")
    # Scale each filter to [0, 1] on its own so weak and strong units are both visible.
    low = filters.min(axis=(1, 2), keepdims=True)
    high = filters.max(axis=(1, 2), keepdims=True)
    filters = (filters - low) / np.maximum(high - low, 1e-12)
    return image_grid(filters, num_columns=num_columns, cmap="gray")
