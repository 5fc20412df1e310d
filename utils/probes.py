"""Linear probes: how much does a linear classifier get out of a set of features?

A frozen encoder is judged by training only a softmax layer (multinomial logistic
regression) on its codes and measuring the test error, as Makhzani & Frey (2013) do for
k-sparse codes. The same probe on raw pixels is the baseline.
"""

import keras
import numpy as np


def _features_and_labels(features, labels, name):
    features = np.asarray(features, dtype="float32")
    labels = np.asarray(labels)
    if features.ndim != 2 or len(features) == 0:
        raise ValueError(
            f"Expected {name} features of shape (n, num_features) with n > 0. "
            f"Received: shape={features.shape}"
        )
    if labels.shape != (len(features),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"Expected {name} labels: integers of shape ({len(features)},). "
            f"Received: shape={labels.shape}, dtype={labels.dtype}"
        )
    if not np.all(np.isfinite(features)):
        raise ValueError(f"Expected finite {name} features. Received: NaN or inf values")
    return features, labels


def linear_probe_error(
    train_features,
    train_labels,
    test_features,
    test_labels,
    epochs=20,
    batch_size=256,
    learning_rate=1e-3,
    seed=0,
):
    """Train a softmax layer on features; return its test error in percent.

    The features are standardised with the training set's mean and standard deviation
    first, so codes of any scale (sigmoid units, ReLU units, pixels) are probed alike.

    Args:
        train_features: float array (n_train, d), for example encoder codes or pixels.
        train_labels: int array (n_train,), class indices 0..num_classes-1.
        test_features: float array (n_test, d), same d.
        test_labels: int array (n_test,).
        epochs: int, passes of Adam over the training features. Each pass takes
            ceil(n_train / batch_size) steps, so give small training sets more epochs.
        batch_size: int.
        learning_rate: float, Adam's learning rate.
        seed: int, seeds the weights and the shuffling.

    Returns:
        float in [0, 100]: the percentage of test examples classified wrongly.
    """
    x_train, y_train = _features_and_labels(train_features, train_labels, "training")
    x_test, y_test = _features_and_labels(test_features, test_labels, "test")
    if x_train.shape[1] != x_test.shape[1]:
        raise ValueError(
            "Expected training and test features of the same width. Received: "
            f"{x_train.shape[1]} and {x_test.shape[1]}"
        )
    if int(epochs) < 1:
        raise ValueError(f"Expected epochs >= 1. Received: {epochs}")
    mean = x_train.mean(axis=0)
    scale = x_train.std(axis=0) + 1e-6
    x_train, x_test = (x_train - mean) / scale, (x_test - mean) / scale
    num_classes = int(max(y_train.max(), y_test.max())) + 1

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(x_train.shape[1],))
    # Zeros, as logistic regression starts: no random preference to unlearn first.
    outputs = keras.layers.Dense(
        num_classes, activation="softmax", kernel_initializer="zeros"
    )(inputs)
    probe = keras.Model(inputs, outputs, name="linear_probe")
    probe.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
    )
    probe.fit(x_train, y_train, epochs=int(epochs), batch_size=batch_size, verbose=0)
    predicted = np.argmax(probe.predict(x_test, batch_size=1024, verbose=0), axis=1)
    return float(100.0 * np.mean(predicted != y_test))
