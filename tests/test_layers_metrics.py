import keras
import numpy as np
import pytest

from utils import layers, metrics


def tied_model():
    inputs = keras.Input((6,))
    encoder = keras.layers.Dense(2, activation="sigmoid")
    outputs = layers.DenseTranspose(encoder, activation="sigmoid")(encoder(inputs))
    return keras.Model(inputs, outputs), encoder


def test_dense_transpose_reuses_the_kernel_and_trains_it():
    model, encoder = tied_model()
    assert model.count_params() == 6 * 2 + 2 + 6
    x = np.random.default_rng(0).uniform(0, 1, (32, 6)).astype("float32")
    kernel, bias = encoder.get_weights()
    decoder_bias = model.layers[-1].get_weights()[0]
    expected = 1 / (
        1
        + np.exp(-((1 / (1 + np.exp(-(x @ kernel + bias)))) @ kernel.T + decoder_bias))
    )
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-5)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, x, epochs=1, verbose=0)
    assert not np.allclose(encoder.get_weights()[0], kernel)


def test_dense_transpose_errors():
    with pytest.raises(
        ValueError, match="Expected `tied_to` to be a keras.layers.Dense"
    ):
        layers.DenseTranspose(keras.layers.Conv2D(2, 3))
    with pytest.raises(ValueError, match="Expected `tied_to` to be built"):
        layers.DenseTranspose(keras.layers.Dense(3))(keras.Input((3,)))
    encoder = keras.layers.Dense(3)
    encoder(keras.Input((5,)))
    with pytest.raises(ValueError, match="Expected inputs with 3 features"):
        layers.DenseTranspose(encoder)(keras.Input((4,)))
    model, _ = tied_model()
    with pytest.raises(NotImplementedError, match="save_weights"):
        model.layers[-1].get_config()


def test_metrics():
    patterns = np.array([[1, 0], [0, 1]], "float32")
    assert metrics.bit_errors(patterns, np.array([[0.9, 0.6], [0.1, 0.8]])) == 1
    assert metrics.squared_error_per_example(patterns, patterns * 0).tolist() == [
        1.0,
        1.0,
    ]
    assert metrics.psnr(patterns, patterns + 0.1) == pytest.approx(20.0, abs=1e-3)
    basis = np.eye(4)[:, :2]
    assert (
        metrics.principal_angles(
            basis, basis @ np.array([[2.0, 1.0], [0.0, 3.0]])
        ).max()
        < 1e-3
    )
    assert metrics.principal_angles(basis, np.eye(4)[:, 2:]).min() == pytest.approx(
        90.0
    )
    x = np.random.default_rng(0).standard_normal((50, 5)).astype("float32")
    np.testing.assert_allclose(metrics.pca_reconstruct(x, x, 5), x, atol=1e-4)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: metrics.bit_errors(np.zeros((2, 3)), np.zeros((2, 4))),
            "of the same shape",
        ),
        (
            lambda: metrics.bit_errors(np.full((2, 3), 0.5), np.zeros((2, 3))),
            "only 0 and 1",
        ),
        (
            lambda: metrics.psnr(np.zeros(3), np.zeros(3)),
            r"Expected a batch of shape \(n, ...\)",
        ),
        (lambda: metrics.principal_angles(np.eye(3), np.eye(4)), "same d"),
        (
            lambda: metrics.pca_reconstruct(np.zeros((5, 3)), np.zeros((2, 3)), 4),
            "num_components",
        ),
    ],
)
def test_metric_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
