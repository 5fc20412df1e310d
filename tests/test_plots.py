import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import plots  # noqa: E402

IMAGES = np.random.default_rng(0).uniform(0, 1, (12, 784)).astype("float32")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    "images", [IMAGES, IMAGES.reshape(12, 28, 28), IMAGES.reshape(12, 28, 28, 1)]
)
def test_image_grid_accepts_the_three_layouts(images):
    figure = plots.image_grid(images, num_columns=5)
    assert len([axis for axis in figure.axes if axis.images]) == 12


def test_compare_rows_and_training_curves_and_scatter_and_filters():
    figure = plots.compare_rows(
        {"original": IMAGES, "noisy": IMAGES.reshape(12, 28, 28)}, num_images=6
    )
    assert len(figure.axes) == 12
    figure = plots.training_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]})
    assert len(figure.axes[0].lines) == 2
    codes = np.random.default_rng(1).standard_normal((50, 2))
    assert plots.latent_scatter(codes, np.arange(50) % 10).axes
    assert (
        len(
            [
                a
                for a in plots.filter_grid(IMAGES.T[:, :8], num_filters=8).axes
                if a.images
            ]
        )
        == 8
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: plots.image_grid(IMAGES[0].reshape(28, 28)),
            r"Received: shape=\(28, 28\)",
        ),
        (
            lambda: plots.image_grid(np.zeros((3, 700))),
            r"Expected flat `images` of shape \(n, side\*side\)",
        ),
        (
            lambda: plots.image_grid(IMAGES, titles=["a"]),
            "Expected one title per image",
        ),
        (lambda: plots.compare_rows([IMAGES]), "Expected `rows` as a non-empty dict"),
        (
            lambda: plots.compare_rows({"a": IMAGES[:3]}, num_images=5),
            "Expected at least 5 images",
        ),
        (
            lambda: plots.compare_rows({"a": IMAGES, "b": np.zeros((12, 16, 16))}),
            "images of one size",
        ),
        (lambda: plots.training_curves([1, 2]), "Expected a Keras History or a dict"),
        (
            lambda: plots.training_curves({"loss": [1]}, metrics=["acc"]),
            r"Expected metrics among \['loss'\]",
        ),
        (
            lambda: plots.latent_scatter(np.zeros((5, 3)), np.zeros(5)),
            r"Expected `codes` of shape \(n, 2\)",
        ),
        (
            lambda: plots.latent_scatter(np.zeros((5, 2)), np.zeros(4)),
            r"Expected `labels` of shape \(5,\)",
        ),
        (lambda: plots.filter_grid(np.zeros(784)), "Expected a Dense kernel"),
        (lambda: plots.image_grid(np.full((2, 784), np.nan)), "finite numbers"),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()
