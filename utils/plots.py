"""Pictures used in every notebook, in one style (set by ``config.setup``).

Images may be passed flat (n, 784), as (n, 28, 28) or as (n, 28, 28, 1) (any square
side). Each function checks its inputs before drawing and returns the matplotlib
``Figure`` so a notebook can save or adjust it.
"""

import matplotlib.pyplot as plt
import numpy as np

from utils.validation import (
    as_float_array,
    check_colormap,
    check_number,
    check_positive_int,
    check_same_length,
    check_type,
    check_unit_range,
    class_labels,
    float_matrix,
    float_vector,
    images_as_batch,
)


def _check_titles(titles, count):
    """Raise unless ``titles`` is None or a sequence of ``count`` captions."""
    if titles is None:
        return
    check_type(titles, "titles", (list, tuple, np.ndarray), "a list of captions")
    if len(titles) != count:
        raise ValueError(
            f"Expected one title per image ({count}). Received: {len(titles)} titles"
        )


def image_grid(images, num_columns=10, titles=None, cmap="gray", figure_width=None):
    """Show a batch of square images in a grid, each scaled to its own value range.

    Each image is drawn from its smallest value (black in "gray") to its largest
    (white), so any finite values may be shown, e.g. feature maps.

    Args:
        images: finite float array of shape (n, side*side), (n, side, side) or
            (n, side, side, 1), n >= 1.
        num_columns: positive int, images per row (at most n are used).
        titles: None, or a list, tuple or array of n captions (shown with ``str``).
        cmap: a Matplotlib colormap or its name.
        figure_width: None (1.1 inches per column) or a number > 0, in inches.

    Returns:
        matplotlib.figure.Figure.

    Raises:
        ValueError: for images that are not a finite batch of square images, a
            ``num_columns`` that is not a positive int, titles of the wrong length,
            an unknown colormap or a width that is not a number > 0.
        TypeError: for titles that are not a list, tuple or array (a str, say).
    """
    images = images_as_batch(images)
    check_positive_int(num_columns, "num_columns")
    _check_titles(titles, len(images))
    check_colormap(cmap)
    if figure_width is not None:
        check_number(figure_width, "figure_width", low=0.0, low_open=True)
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

    Every image is drawn on the same gray scale, 0 black and 1 white.

    Args:
        rows: non-empty dict from a row label to a batch of images with values in
            [0, 1]; every batch needs at least ``num_images`` images of one size.
        num_images: positive int, how many columns to show (the first images).

    Returns:
        matplotlib.figure.Figure.

    Raises:
        ValueError: for ``rows`` that is not a non-empty dict, a batch that is not
            finite square images in [0, 1] or holds too few images, images of
            different sizes, or a ``num_images`` that is not a positive int.
    """
    if not isinstance(rows, dict) or not rows:
        raise ValueError(
            "Expected `rows` as a non-empty dict like "
            "{'original': x, 'reconstructed': x_hat}. "
            f"Received: {type(rows).__name__}"
        )
    check_positive_int(num_images, "num_images")
    batches = {}
    for label, images in rows.items():
        batches[label] = images_as_batch(images, f"rows[{label!r}]")
        check_unit_range(batches[label], f"rows[{label!r}]")
        if len(batches[label]) < num_images:
            raise ValueError(
                f"Expected at least {num_images} images in rows[{label!r}]. "
                f"Received: {len(batches[label])}"
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
        axes[row, 0].set_ylabel(
            str(label), rotation=0, ha="right", va="center", fontsize=9
        )
    figure.tight_layout()
    return figure


def _curves(logs, metrics, log_scale):
    """Return {name: (training values, validation values or None)} after checks."""
    if metrics is not None:
        check_type(metrics, "metrics", (list, tuple), "a list of names like ['loss']")
    names = list(metrics or [key for key in logs if not str(key).startswith("val_")])
    unknown = [name for name in names if name not in logs]
    if not names or unknown:
        raise ValueError(
            f"Expected metrics among {sorted(map(str, logs))}. "
            f"Received: {unknown or names}"
        )
    curves = {}
    for name in names:
        values = float_vector(logs[name], f"history[{name!r}]")
        validation = None
        if f"val_{name}" in logs:
            validation = float_vector(logs[f"val_{name}"], f"history['val_{name}']")
            check_same_length(values, validation, f"{name} values", "validation values")
        shown = values if validation is None else np.r_[values, validation]
        if log_scale and shown.min() <= 0:
            raise ValueError(
                f"Expected values > 0 in history[{name!r}] for a log scale. "
                f"Received: min={shown.min():.4g} (use log_scale=False)"
            )
        curves[name] = (values, validation)
    return curves


def training_curves(history, metrics=None, log_scale=False):
    """Plot loss (and other metrics) against epoch from a Keras ``History`` or a dict.

    Args:
        history: ``model.fit(...)``'s return value, or a non-empty dict from metric
            names to lists of finite numbers, one per epoch.
        metrics: None or a list of names to plot; by default every key that does not
            start with ``val_``. A ``val_<name>`` key is drawn with its metric.
        log_scale: bool, use a log y axis (then every value must be > 0).

    Returns:
        matplotlib.figure.Figure with one panel per metric.

    Raises:
        ValueError: for a history that is not a History or a non-empty dict, a metric
            it does not hold, values that are not finite numbers, validation values of
            another length, or values <= 0 on a log scale.
        TypeError: for ``metrics`` that is not a list or tuple (a str, say) or a
            ``log_scale`` that is not a bool.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError(
            "Expected a Keras History or a dict like {'loss': [...]}. "
            f"Received: {type(history).__name__}"
        )
    check_type(log_scale, "log_scale", (bool, np.bool_), "a bool")
    curves = _curves(logs, metrics, log_scale)
    figure, axes = plt.subplots(
        1, len(curves), figsize=(4.5 * len(curves), 3.2), squeeze=False
    )
    for axis, (name, (values, validation)) in zip(axes.flat, curves.items()):
        epochs = np.arange(1, len(values) + 1)
        axis.plot(epochs, values, label="training")
        if validation is not None:
            axis.plot(epochs, validation, label="validation")
            axis.legend()
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        if log_scale:
            axis.set_yscale("log")
    figure.tight_layout()
    return figure


def latent_scatter(codes, labels, title="Codes coloured by digit"):
    """Scatter 2-D codes coloured by their class.

    Args:
        codes: finite float array of shape (n, 2), n >= 1.
        labels: int array of shape (n,), class ids 0..9 for the tab10 colours.
        title: str.

    Returns:
        matplotlib.figure.Figure.

    Raises:
        ValueError: for codes that are not a finite (n, 2) array, or labels that are
            not class ids (one-hot rows, -1, fractions, a wrong length).
        TypeError: for a title that is not a str.
    """
    codes = float_matrix(codes, "codes")
    if codes.shape[1] != 2:
        raise ValueError(
            "Expected `codes` of shape (n, 2) (reduce larger codes with PCA or t-SNE "
            f"first). Received: shape={codes.shape}"
        )
    labels = class_labels(labels, "labels", length=len(codes))
    check_type(title, "title", str, "a str")
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

    Each filter is scaled to [0, 1] on its own, so weak and strong units are both
    visible.

    Args:
        kernel: a finite Dense kernel of shape (side*side, units), e.g. (784, 32):
            column j is unit j's filter.
        num_filters: positive int, how many units to show (the first ones; all of
            them when the kernel has fewer).
        num_columns: positive int, images per row.

    Returns:
        matplotlib.figure.Figure.

    Raises:
        ValueError: for a kernel that is not a finite 2-D array with a square number
            of rows, or counts that are not positive ints.
    """
    filters = filter_images(kernel, num_filters)
    check_positive_int(num_columns, "num_columns")
    return image_grid(filters, num_columns=num_columns, cmap="gray")


def filter_images(kernel, num_filters=64):
    """Return the first hidden units' incoming weights as images, each scaled to [0, 1].

    Column j of a Dense kernel holds the weights from every pixel to unit j: reshaped to
    the image's side, it is the pattern that unit responds to most (the "filters" that
    Vincent et al. 2008 show). Each filter is scaled by its own minimum and maximum,
    (w - min) / (max - min), so weak and strong units are both visible; a constant
    filter becomes 0 everywhere.

    Args:
        kernel: a finite Dense kernel of shape (side*side, units), e.g. (784, 500).
        num_filters: positive int, how many units (the first ones; all of them when the
            kernel has fewer).

    Returns:
        float32 array of shape (min(num_filters, units), side, side), values in [0, 1].

    Raises:
        ValueError: for a kernel that is not a finite 2-D array with a square number
            of rows, or a ``num_filters`` that is not a positive int.
    """
    kernel = as_float_array(kernel, "kernel")
    if kernel.ndim != 2 or kernel.size == 0:
        raise ValueError(
            "Expected a Dense kernel of shape (inputs, units) such as (784, 32). "
            f"Received: shape={kernel.shape}"
        )
    check_positive_int(num_filters, "num_filters")
    filters = images_as_batch(kernel.T[:num_filters], "kernel columns")
    low = filters.min(axis=(1, 2), keepdims=True)
    high = filters.max(axis=(1, 2), keepdims=True)
    return ((filters - low) / np.maximum(high - low, 1e-12)).astype("float32")
