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


def test_image_grid_scales_each_image_so_any_finite_values_show():
    feature_maps = np.random.default_rng(2).uniform(-3, 7, (4, 6, 6))
    figure = plots.image_grid(feature_maps, num_columns=4, cmap="viridis")
    assert len([axis for axis in figure.axes if axis.images]) == 4


def test_filter_grid_shows_at_most_the_units_there_are():
    figure = plots.filter_grid(IMAGES.T[:, :3], num_filters=48)
    assert len([axis for axis in figure.axes if axis.images]) == 3


def test_training_curves_accepts_a_list_or_tuple_of_metrics():
    history = {"loss": [1.0, 0.5], "mae": [0.3, 0.2], "val_loss": [1.1, 0.7]}
    figure = plots.training_curves(history, ("loss", "mae"), log_scale=True)
    assert [len(axis.lines) for axis in figure.axes] == [2, 1]


HISTORY = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plots.image_grid(IMAGES, num_columns=0), "`num_columns`"),
        (lambda: plots.image_grid(IMAGES, num_columns=-2), "`num_columns`"),
        (lambda: plots.image_grid(IMAGES, num_columns=2.5), "`num_columns`"),
        (lambda: plots.image_grid(IMAGES, num_columns=True), "`num_columns`"),
        (lambda: plots.image_grid(IMAGES, num_columns="5"), "`num_columns`"),
        (lambda: plots.image_grid(IMAGES, titles=list("abc")), "one title per image"),
        (lambda: plots.image_grid(IMAGES, cmap="no-such-map"), "`cmap`"),
        (lambda: plots.image_grid(IMAGES, figure_width=0), "`figure_width`"),
        (lambda: plots.image_grid(IMAGES, figure_width=np.nan), "`figure_width`"),
        (lambda: plots.image_grid(np.zeros((0, 784))), "at least one image"),
        (lambda: plots.image_grid(np.full((2, 784), "a")), "array of numbers"),
        (lambda: plots.image_grid([[0.0] * 784, [0.0]]), "array of numbers"),
        (lambda: plots.compare_rows({"a": IMAGES * 255}), "values in [0, 1]"),
        (lambda: plots.compare_rows({"a": IMAGES - 0.5}), "values in [0, 1]"),
        (lambda: plots.compare_rows({"a": IMAGES}, num_images=0), "`num_images`"),
        (lambda: plots.compare_rows({"a": IMAGES}, num_images=2.0), "`num_images`"),
        (lambda: plots.compare_rows({}), "non-empty dict"),
        (lambda: plots.compare_rows({"a": np.full((12, 784), np.nan)}), "finite"),
        (lambda: plots.training_curves({}), "Expected a Keras History or a dict"),
        (lambda: plots.training_curves(HISTORY, ["acc"]), "Received: ['acc']"),
        (
            lambda: plots.training_curves({"loss": [1.0, 0.5], "val_loss": [1.0]}),
            "Expected as many validation values as loss values",
        ),
        (lambda: plots.training_curves({"loss": [1.0, np.nan]}), "finite numbers"),
        (lambda: plots.training_curves({"loss": []}), "n >= 1"),
        (lambda: plots.training_curves({"loss": ["a"]}), "array of numbers"),
        (lambda: plots.training_curves({"loss": [1.0, 0.0]}, log_scale=True), "> 0"),
        (lambda: plots.latent_scatter(np.zeros((5, 2)), np.eye(5)), "not one-hot rows"),
        (lambda: plots.latent_scatter(np.zeros((5, 2)), [0, 1, -1, 2, 3]), ">= 0"),
        (lambda: plots.latent_scatter(np.zeros((5, 2)), np.full(5, 0.5)), "whole"),
        (lambda: plots.latent_scatter(np.full((5, 2), np.inf), np.zeros(5)), "finite"),
        (lambda: plots.latent_scatter(np.zeros((0, 2)), []), "n >= 1"),
        (lambda: plots.filter_grid(IMAGES.T, num_filters=0), "`num_filters`"),
        (lambda: plots.filter_grid(IMAGES.T, num_columns=0), "`num_columns`"),
        (lambda: plots.filter_grid(np.zeros((700, 4))), "side*side"),
        (lambda: plots.filter_grid(np.full((784, 4), np.nan)), "finite numbers"),
    ],
)
def test_bad_kinds_are_rejected_before_drawing(call, message):
    before = plt.get_fignums()
    with pytest.raises(ValueError, match="Expected") as error:
        call()
    assert message in str(error.value) and "Received" in str(error.value)
    assert plt.get_fignums() == before  # nothing drawn


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plots.image_grid(IMAGES, titles="abcdefghijkl"), "`titles`"),
        (lambda: plots.image_grid(IMAGES, titles=5), "`titles`"),
        (lambda: plots.training_curves(HISTORY, "loss"), "`metrics`"),
        (lambda: plots.training_curves(HISTORY, log_scale="yes"), "`log_scale`"),
        (lambda: plots.latent_scatter(np.zeros((5, 2)), [0] * 5, title=3), "`title`"),
    ],
)
def test_wrong_types_raise_type_error(call, message):
    with pytest.raises(TypeError, match="Expected") as error:
        call()
    assert message in str(error.value)
