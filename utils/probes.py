"""Linear probes: how much does a linear classifier get out of a set of features?

A frozen encoder is judged by training only a softmax layer (multinomial logistic
regression) on its codes and measuring the test error, as Makhzani & Frey (2013) do for
k-sparse codes. The same probe on raw pixels is the baseline.
"""

import keras
import numpy as np

from utils.validation import (
    check_int,
    check_number,
    check_seed,
    class_labels,
    float_matrix,
)


def _check_classes(train_labels, test_labels):
    """Raise unless training has >= 2 classes and every test class occurs in training.

    A probe can never predict a class it was not trained on, so a test label of such a
    class would count as an error that says nothing about the features.
    """
    seen = np.unique(train_labels)
    if len(seen) < 2:
        raise ValueError(
            "Expected at least 2 classes in `train_labels`. "
            f"Received: only class {int(seen[0])}"
        )
    unseen = np.setdiff1d(np.unique(test_labels), seen)
    if unseen.size:
        raise ValueError(
            "Expected `test_labels` only of classes that occur in `train_labels` "
            f"({seen[:12].tolist()}{', ...' if len(seen) > 12 else ''}). Received: "
            f"{int(np.isin(test_labels, unseen).sum())} test labels of classes "
            f"{unseen[:12].tolist()} never seen in training"
        )


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
    Every argument is checked before training starts.

    Args:
        train_features: finite float array (n_train, d), for example encoder codes or
            pixels.
        train_labels: int array (n_train,), class ids 0..num_classes-1 (whole-number
            floats are accepted), at least 2 classes. Not one-hot (use
            ``labels.argmax(axis=1)``) and no -1 "unlabelled" markers (drop those
            examples first).
        test_features: finite float array (n_test, d), the same d.
        test_labels: int array (n_test,), only classes that occur in ``train_labels``.
        epochs: int >= 1, passes of Adam over the training features. Each pass takes
            ceil(n_train / batch_size) steps, so give small training sets more epochs.
        batch_size: int >= 1.
        learning_rate: float > 0, Adam's learning rate.
        seed: int >= 0, seeds the weights and the shuffling.

    Returns:
        float in [0, 100]: the percentage of test examples classified wrongly.

    Raises:
        ValueError: features not finite numbers of shape (n, d) or of different widths;
            labels not class ids, one per example; fewer than 2 training classes; a test
            class never seen in training; a bad ``epochs``, ``batch_size``,
            ``learning_rate`` or ``seed``.
    """
    x_train = float_matrix(train_features, "train_features")
    x_test = float_matrix(test_features, "test_features")
    if x_train.shape[1] != x_test.shape[1]:
        raise ValueError(
            "Expected `train_features` and `test_features` of the same width. "
            f"Received: {x_train.shape[1]} and {x_test.shape[1]}"
        )
    y_train = class_labels(train_labels, "train_labels", length=len(x_train))
    y_test = class_labels(test_labels, "test_labels", length=len(x_test))
    _check_classes(y_train, y_test)
    epochs = check_int(epochs, "epochs", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    learning_rate = check_number(learning_rate, "learning_rate", low=0, low_open=True)
    seed = check_seed(seed)

    mean = x_train.mean(axis=0)
    scale = x_train.std(axis=0) + 1e-6
    x_train, x_test = (x_train - mean) / scale, (x_test - mean) / scale
    num_classes = int(y_train.max()) + 1

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
    probe.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
    predicted = np.argmax(probe.predict(x_test, batch_size=1024, verbose=0), axis=1)
    return float(100.0 * np.mean(predicted != y_test))
