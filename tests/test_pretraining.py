import keras
import numpy as np
import pytest

from utils import pretraining

RNG = np.random.default_rng(0)
IMAGES = (RNG.uniform(size=(48, 30)) < 0.4).astype("float32")


def test_build_layer_autoencoder_shapes_and_names():
    model = pretraining.build_layer_autoencoder(30, 7, "hidden_3")
    assert tuple(model.input_shape) == (None, 30)
    assert tuple(model.output_shape) == (None, 30)
    assert model.get_layer("hidden_3").units == 7


def test_pretrain_greedily_stacks_layers_on_the_codes_below():
    layers, codes = pretraining.pretrain_greedily(IMAGES, [9, 4], epochs=1, seed=0)
    assert [layer.name for layer in layers] == ["hidden_1", "hidden_2"]
    assert [layer.get_weights()[0].shape for layer in layers] == [(30, 9), (9, 4)]
    assert codes.shape == (48, 4) and codes.dtype == np.float32
    stacked = keras.ops.convert_to_numpy(layers[1](layers[0](IMAGES)))
    np.testing.assert_allclose(codes, stacked, atol=1e-5)
    assert codes.min() >= 0.0 and codes.max() <= 1.0


def test_pretrain_greedily_trains_each_layer():
    untrained, _ = pretraining.pretrain_greedily(IMAGES, [9], epochs=0, seed=0)
    trained, _ = pretraining.pretrain_greedily(IMAGES, [9], epochs=1, seed=0)
    assert not np.allclose(untrained[0].get_weights()[0], trained[0].get_weights()[0])


@pytest.mark.parametrize(
    "images, sizes, message",
    [
        (np.ones((4, 3, 2)), [2], "shape \\(n, features\\)"),
        (IMAGES, [], "non-empty list"),
        (IMAGES, [0], "layer_sizes"),
        (IMAGES * 3, [2], "Expected"),
    ],
)
def test_pretrain_greedily_refuses_bad_input(images, sizes, message):
    with pytest.raises(ValueError, match=message):
        pretraining.pretrain_greedily(images, sizes, epochs=1)


def _classifier():
    inputs = keras.Input((30,))
    x = keras.layers.Dense(6, activation="sigmoid", name="hidden_1")(inputs)
    outputs = keras.layers.Dense(10, activation="softmax", name="softmax")(x)
    return keras.Model(inputs, outputs)


def test_head_then_fine_tune_freezes_then_unfreezes():
    keras.utils.set_random_seed(0)
    model = _classifier()
    start = model.get_layer("hidden_1").get_weights()
    head_start = model.get_layer("softmax").get_weights()
    seen = {}

    def after_head(classifier):
        seen["changed"] = pretraining.changed_weights(classifier.get_layer("hidden_1"), start)
        seen["head"] = pretraining.changed_weights(classifier.get_layer("softmax"), head_start)

    labels = np.arange(48) % 10
    pretraining.head_then_fine_tune(model, IMAGES, labels, 3, 3, after_head=after_head)
    assert seen["changed"] == 0 and seen["head"] > 0
    assert model.get_layer("hidden_1").trainable
    assert pretraining.changed_weights(model.get_layer("hidden_1"), start) > 0


def test_head_then_fine_tune_takes_the_smaller_rate_in_phase_2():
    keras.utils.set_random_seed(0)
    model = _classifier()
    rates = {}

    def after_head(classifier):
        rates["head"] = float(keras.ops.convert_to_numpy(classifier.optimizer.learning_rate))

    labels = np.arange(48) % 10
    pretraining.head_then_fine_tune(
        model, IMAGES, labels, 2, 2, after_head=after_head, fine_tune_rate=1e-4
    )
    assert np.isclose(rates["head"], 1e-3)
    assert np.isclose(float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)), 1e-4)
    with pytest.raises(ValueError, match="Expected `fine_tune_rate`"):
        pretraining.head_then_fine_tune(model, IMAGES, labels, 1, 1, fine_tune_rate=0.0)


def test_set_encoder_trainable_touches_only_hidden_layers():
    model = _classifier()
    pretraining.set_encoder_trainable(model, False)
    assert not model.get_layer("hidden_1").trainable
    assert model.get_layer("softmax").trainable
