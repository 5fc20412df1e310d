"""Checks for notebook 08: pretraining with autoencoders, learning from few labels."""

import keras
import numpy as np

from utils import data
from utils.checks import (
    Question,
    Wrong,
    expect,
    expect_callable,
    expect_choice,
    expect_model,
    to_numpy,
    trainable_count,
)


def _labels():
    """Fixed labels with 30 to 39 examples of each digit, in a shuffled order."""
    rng = np.random.default_rng(11)
    labels = np.concatenate([np.full(30 + digit, digit) for digit in range(10)])
    return rng.permutation(labels).astype("int64")


def _check_balanced_indices(balanced_indices):
    expect_callable(balanced_indices, "the function balanced_indices")
    labels = _labels()
    index = np.asarray(balanced_indices(labels, 5, 0))
    expect(
        index.ndim == 1 and np.issubdtype(index.dtype, np.integer),
        "expected a 1-D array of integer positions into `labels`, got shape "
        f"{index.shape} and dtype {index.dtype}",
    )
    expect(
        len(index) == 50,
        f"expected 5 per class x 10 classes = 50 positions, got {len(index)}",
    )
    expect(
        index.min() >= 0 and index.max() < len(labels),
        "some positions fall outside `labels`: return positions (indices), not labels",
    )
    expect(
        len(np.unique(index)) > 10,
        "you returned the labels of the chosen examples: return positions (indices), "
        "not labels",
    )
    expect(
        len(np.unique(index)) == len(index),
        "some positions appear twice: draw without replacement (replace=False)",
    )
    counts = np.bincount(labels[index], minlength=10)
    expect(
        np.all(counts == 5),
        f"expected 5 examples of every digit, got counts {counts.tolist()}: draw "
        "per_class positions from each digit's own positions",
    )
    again = np.asarray(balanced_indices(labels, 5, 0))
    expect(
        np.array_equal(np.sort(again), np.sort(index)),
        "the same seed gave another subset: draw from np.random.default_rng(seed)",
    )
    other = np.asarray(balanced_indices(labels, 5, 1))
    expect(
        not np.array_equal(np.sort(other), np.sort(index)),
        "seed=0 and seed=1 gave the same subset: the choice must be random (and "
        "seeded), not the first per_class examples of each digit",
    )
    first = np.concatenate([np.flatnonzero(labels == d)[:5] for d in range(10)])
    expect(
        not np.array_equal(np.sort(index), np.sort(first)),
        "you took the first per_class examples of each digit: draw them at random",
    )
    _, reference_labels = data.few_labels(np.zeros((len(labels), 1)), labels, 7, seed=3)
    mine = labels[np.asarray(balanced_indices(labels, 7, 3))]
    expect(
        np.array_equal(np.bincount(mine, minlength=10), np.bincount(reference_labels)),
        "with per_class=7 the counts differ from data.few_labels: use per_class",
    )
    return "per_class distinct, seeded positions of every digit, as data.few_labels."


def _greedy_images():
    """64 fixed images in [0, 1]: blurred blobs, so the autoencoders have something to learn."""
    rng = np.random.default_rng(8)
    images = (rng.uniform(size=(64, 784)) < 0.3).astype("float32")
    images[:, ::2] *= 0.5
    return images


def _as_array(value):
    return None if value is None else np.array(to_numpy(value), dtype="float32")


def _spy_on_builder(pretrain_greedily):
    """Replace build_layer_autoencoder in the learner's namespace by a recording copy.

    Returns (records, restore): each record holds the built model, its arguments, its
    weights when built and the (inputs, targets, epochs) of every fit call.
    """
    namespace = getattr(pretrain_greedily, "__globals__", None)
    builder = namespace.get("build_layer_autoencoder") if namespace else None
    expect(
        callable(builder),
        "pretrain_greedily should build each layer's autoencoder with "
        "build_layer_autoencoder (defined above it): none was found where the "
        "function is defined",
    )
    records = []

    def recording_builder(input_dim, hidden_units, name):
        model = builder(input_dim, hidden_units, name)
        record = {
            "model": model,
            "input_dim": int(input_dim),
            "units": int(hidden_units),
            "name": name,
            "initial": [w.copy() for w in model.get_weights()],
            "fits": [],
        }
        original_fit = model.fit

        def fit(*args, **kwargs):
            x = args[0] if args else kwargs.get("x")
            y = args[1] if len(args) > 1 else kwargs.get("y")
            epochs = args[3] if len(args) > 3 else kwargs.get("epochs", 1)
            record["fits"].append((_as_array(x), _as_array(y), int(epochs)))
            return original_fit(*args, **kwargs)

        object.__setattr__(model, "fit", fit)
        records.append(record)
        return model

    namespace["build_layer_autoencoder"] = recording_builder

    def restore():
        namespace["build_layer_autoencoder"] = builder

    return records, restore


def _check_greedy(pretrain_greedily):
    import contextlib
    import io

    expect_callable(pretrain_greedily, "the function pretrain_greedily")
    images = _greedy_images()
    sizes, epochs, level = [12, 8], 2, 0.25
    records, restore = _spy_on_builder(pretrain_greedily)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            result = pretrain_greedily(images.copy(), sizes, epochs, level=level, seed=0)
    finally:
        restore()
    expect(
        isinstance(result, (tuple, list))
        and len(result) == 2
        and isinstance(result[0], (tuple, list)),
        "expected two results, (encoder_layers, codes): the trained encoder layers "
        "and the top layer's codes of the images",
    )
    layers, codes = list(result[0]), _as_array(result[1])
    expect(
        len(layers) == len(sizes),
        f"expected one encoder layer per entry of layer_sizes={sizes}, got "
        f"{len(layers)}",
    )
    expect(
        len(records) == len(sizes),
        f"expected one autoencoder per layer built with build_layer_autoencoder, "
        f"{len(sizes)} for layer_sizes={sizes}; it was called {len(records)} times",
    )
    widths = [images.shape[1]] + sizes[:-1]
    for number, (record, width, units) in enumerate(zip(records, widths, sizes), 1):
        if number > 1 and record["input_dim"] == images.shape[1]:
            raise Wrong(
                f"layer {number}'s autoencoder reads {images.shape[1]} numbers, the "
                "pixels: every layer was trained on the raw images. Layer "
                f"{number} must learn from the codes of layer {number - 1} "
                f"({width} numbers each)"
            )
        expect(
            record["input_dim"] == width and record["units"] == units,
            f"layer {number}'s autoencoder is {record['input_dim']} -> "
            f"{record['units']}; expected {width} -> {units}: its input is the "
            "previous layer's codes and its size comes from layer_sizes",
        )
        expect(
            record["name"] == f"hidden_{number}",
            f"expected layer {number}'s encoder named 'hidden_{number}' (the name "
            f"argument), got {record['name']!r}: stack_encoders finds layers by name",
        )
        trained_layers = [layer for layer in record["model"].layers]
        expect(
            any(layers[number - 1] is layer for layer in trained_layers),
            f"encoder layer {number} is not the encoder of the autoencoder you "
            "trained: return autoencoder.get_layer(name) of each trained autoencoder",
        )
        expect(
            bool(record["fits"]),
            f"layer {number}'s autoencoder was never trained: fit it before using its "
            "encoder",
        )
        total = sum(fit_epochs for _, _, fit_epochs in record["fits"])
        expect(
            total == epochs,
            f"layer {number} was trained for {total} epochs with epochs={epochs}: "
            "train each layer for `epochs` epochs",
        )
        before = record["initial"][:2]
        after = layers[number - 1].get_weights()
        expect(
            any(not np.allclose(a, b) for a, b in zip(after, before)),
            f"the weights of layer {number} did not change in training",
        )
    # What each layer was trained on: targets are the previous codes, inputs masked.
    previous = images
    for number, record in enumerate(records, start=1):
        for inputs, targets, _ in record["fits"]:
            expect(
                targets is not None and targets.shape == previous.shape,
                f"layer {number} was trained without the right targets: it should "
                "rebuild its clean input codes",
            )
            if number > 1 and np.allclose(targets, images[:, : targets.shape[1]]):
                raise Wrong(
                    f"layer {number} was trained to rebuild pixels, not the codes of "
                    f"layer {number - 1}"
                )
            expect(
                np.allclose(targets, previous, atol=1e-4),
                f"layer {number}'s targets are not the clean codes of layer "
                f"{number - 1}" if number > 1 else
                "layer 1's targets are not the clean images: the noise goes on the "
                "inputs only, the targets stay clean",
            )
            expect(
                inputs is not None and not np.allclose(inputs, targets),
                f"layer {number} was trained on clean inputs: corrupt its inputs with "
                "masking noise at `level` (noise.masking), a new draw each epoch",
            )
            kept = inputs[targets > 0.01] / targets[targets > 0.01]
            dropped = np.mean(np.isclose(kept, 0.0, atol=1e-6))
            expect(
                abs(dropped - level) < 0.1 and np.allclose(kept[kept > 1e-6], 1, atol=1e-4),
                f"layer {number}'s inputs are not masking noise at level={level}: "
                f"{dropped:.0%} of the nonzero inputs were set to 0 and the others "
                "should be kept as they are",
            )
        previous = _as_array(layers[number - 1](previous))
    expect(
        codes is not None and codes.shape == (len(images), sizes[-1]),
        f"expected the top codes of shape ({len(images)}, {sizes[-1]}), got "
        f"{None if codes is None else codes.shape}",
    )
    expect(
        np.allclose(codes, previous, atol=1e-4),
        "the returned codes are not the images passed through the trained encoder "
        "layers in turn: return the top layer's codes of the clean images",
    )
    return (
        f"{len(sizes)} layers, {widths[0]} -> {sizes[0]} then {sizes[0]} -> {sizes[1]}, "
        "each a denoising autoencoder trained on the clean codes of the layer below."
    )


def _pretrained_layers():
    keras.utils.set_random_seed(4)
    layers = []
    width = 784
    for number, units in enumerate((12, 8), start=1):
        layer = keras.layers.Dense(units, activation="sigmoid", name=f"hidden_{number}")
        layer.build((None, width))
        layer.set_weights(
            [w + 0.5 for w in layer.get_weights()]  # clearly not a fresh initialisation
        )
        layers.append(layer)
        width = units
    return layers


def _check_stack_encoders(stack_encoders):
    expect_callable(stack_encoders, "the function stack_encoders")
    layers = _pretrained_layers()
    saved = [[w.copy() for w in layer.get_weights()] for layer in layers]
    model = expect_model(
        stack_encoders(layers, 0.5), "stack_encoders(...) to return a Keras model"
    )
    expect(
        tuple(model.input_shape) == (None, 784)
        and tuple(model.output_shape) == (None, 10),
        f"expected (None, 784) -> (None, 10), got {model.input_shape} -> "
        f"{model.output_shape}",
    )
    expected = 784 * 12 + 12 + 12 * 8 + 8 + 8 * 10 + 10
    count = model.count_params()
    expect(
        count == expected,
        f"expected {expected:,} parameters for 784-12-8-10, found {count:,}: the "
        "classifier has the pretrained layers' sizes and one softmax layer",
    )
    for number, layer_saved in enumerate(saved, start=1):
        names = [layer.name for layer in model.layers]
        expect(
            f"hidden_{number}" in names,
            f"expected layers named hidden_1, hidden_2 (build_classifier names them), "
            f"found {names}",
        )
        got = model.get_layer(f"hidden_{number}").get_weights()
        expect(
            all(np.allclose(a, b) for a, b in zip(got, layer_saved)),
            f"hidden_{number} does not hold the pretrained weights: copy them with "
            "set_weights(pretrained.get_weights())",
        )
    for variable in model.get_layer("hidden_1").weights:
        expect(
            all(variable is not other for other in layers[0].weights),
            "the classifier shares its variables with the pretrained layer: "
            "fine-tuning it would change the pretrained weights that the next run "
            "starts from. Copy the weights into new layers",
        )
    probe = np.random.default_rng(0).uniform(size=(3, 784)).astype("float32")
    output = to_numpy(model(probe, training=False))
    expect(
        np.allclose(output.sum(axis=1), 1.0, atol=1e-4) and output.min() >= 0,
        "the outputs are not probabilities: end with build_classifier's softmax",
    )
    model.get_layer("hidden_1").set_weights(
        [np.zeros_like(w) for w in model.get_layer("hidden_1").get_weights()]
    )
    expect(
        all(
            np.allclose(a, b) for a, b in zip(layers[0].get_weights(), saved[0])
        ),
        "changing the classifier changed the pretrained layer: copy the weights",
    )
    return "a 784-12-8-10 classifier starting from copies of the pretrained weights."


def _small_classifier():
    inputs = keras.Input((784,))
    x = keras.layers.Dense(12, activation="sigmoid", name="hidden_1")(inputs)
    x = keras.layers.Dropout(0.5)(x)
    x = keras.layers.Dense(8, activation="sigmoid", name="hidden_2")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="softmax")(x)
    return keras.Model(inputs, outputs)


def _two_phase_data():
    rng = np.random.default_rng(5)
    images = rng.uniform(size=(40, 784)).astype("float32")
    labels = np.arange(40) % 10
    return images, labels


def _weights_of(model):
    return {layer.name: [w.copy() for w in layer.get_weights()] for layer in model.layers}


def _same(first, second):
    return all(np.array_equal(a, b) for a, b in zip(first, second))


# The check's step-2 rate: far from fine_tune's default (1e-3), so the two are told apart.
PROBE_FINE_TUNE_RATE = 1e-4


def _learning_rate(model):
    """Return the learning rate of the optimiser ``model`` was last compiled with."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return None
    return float(np.asarray(to_numpy(optimizer.learning_rate)))


def _check_two_phase(train_head_then_fine_tune):
    import contextlib
    import io

    expect_callable(train_head_then_fine_tune, "the function train_head_then_fine_tune")
    keras.utils.set_random_seed(6)
    model = _small_classifier()
    images, labels = _two_phase_data()
    start = _weights_of(model)
    seen = []

    def after_head(classifier):
        seen.append(
            {
                "same_model": classifier is model,
                "weights": _weights_of(model),
                "rate": _learning_rate(classifier),
            }
        )

    with contextlib.redirect_stdout(io.StringIO()):
        train_head_then_fine_tune(
            model, images, labels, 5, 5, fine_tune_rate=PROBE_FINE_TUNE_RATE,
            after_head=after_head,
        )
    expect(
        len(seen) == 1,
        f"after_head was called {len(seen)} times: call it once, with the classifier, "
        "between the head phase and the fine-tuning phase",
    )
    middle = seen[0]["weights"]
    expect(seen[0]["same_model"], "call after_head with the classifier you train")
    hidden = [name for name in start if name.startswith("hidden")]
    moved_early = [name for name in hidden if not _same(middle[name], start[name])]
    expect(
        not moved_early,
        f"{', '.join(moved_early)} changed in the head phase: the pretrained encoders "
        "must be frozen (trainable=False) while the head learns, or the large errors "
        "of a random head wreck their weights",
    )
    expect(
        not _same(middle["softmax"], start["softmax"]),
        "the softmax layer did not learn in the head phase: freeze only the hidden_* "
        "layers, and train the classifier for head_steps steps",
    )
    end = _weights_of(model)
    frozen = [layer.name for layer in model.layers if layer.name in hidden and not layer.trainable]
    expect(
        not frozen,
        f"{', '.join(frozen)} are still frozen at the end: unfreeze the encoders for "
        "the second phase",
    )
    still = [name for name in hidden if _same(end[name], middle[name])]
    expect(
        not still,
        f"{', '.join(still)} did not change in the second phase: after setting "
        "trainable back to True, compile again (Keras reads `trainable` when it "
        "compiles) and train every weight for `steps` steps",
    )
    head_rate, end_rate = seen[0]["rate"], _learning_rate(model)
    expect(
        head_rate is None or not np.isclose(head_rate, PROBE_FINE_TUNE_RATE),
        f"the head phase trained at fine_tune_rate={PROBE_FINE_TUNE_RATE:g}: step 1 "
        "trains a new, random head and takes fine_tune's usual rate; only step 2, on "
        "the pretrained weights, takes the smaller fine_tune_rate",
    )
    expect(
        end_rate is not None and np.isclose(end_rate, PROBE_FINE_TUNE_RATE),
        f"with fine_tune_rate={PROBE_FINE_TUNE_RATE:g} the second phase trained at a "
        f"learning rate of {end_rate:g}: train every weight at fine_tune_rate (fine_tune "
        "takes a learning_rate)",
    )
    return (
        "the head learned on frozen encoders, then every weight was fine-tuned at the "
        "smaller rate: frozen flags, weights and rates behave as in the reference."
    )


def _check_frozen_prediction(prediction, changed, total):
    letter = expect_choice(prediction, {"a", "b", "c", "d"})
    changed, total = int(changed), int(total)
    if changed == 0:
        actual = "b"
    elif changed == total:
        actual = "a"
    else:
        actual = None
    measured = f"{changed:,} of hidden_1's {total:,} weights changed in the head phase"
    expect(
        actual is not None,
        f"{measured}: the run matches none of the options, so the encoders were not "
        "frozen during the head phase; check your train_head_then_fine_tune (q4)",
    )
    expect(
        letter == actual,
        f"the run says otherwise: {measured}. "
        + {
            "a": "A frozen layer gets no updates at all, even though the error passes "
            "through it to nothing.",
            "b": "",
            "c": "Dropout chooses which units take part in a step; with the layer "
            "frozen, none of its weights is updated whichever units are dropped.",
            "d": "A unit that fired still belongs to a frozen layer: its weights are "
            "not in the list the optimiser updates.",
        }[letter],
    )
    return (
        f"{measured}: frozen weights are left out of the optimiser's updates, so only "
        "the softmax head learned."
    )


def _check_why_few_labels(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "step 2 fine-tunes every weight of the classifier: pretraining removes none of "
        "them, it sets the values they start from",
    )
    expect(
        letter != "b",
        "pretraining never sees a label, and it gives none to the unlabelled images "
        "(label spreading, in section 5, is what does that)",
    )
    return (
        "the unlabelled images set where the weights start; the 100 labels then only "
        "have to move them a little, which few labels can do."
    )


def _check_why_same_subsets(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "b",
        "both methods see 100 labels either way: the point is which 100, not how many",
    )
    expect(
        letter != "c",
        "a seed does not make a subset better or more typical; it makes it repeatable "
        "and shared",
    )
    return (
        "with 100 labels, which 100 matters by several points: only the same subsets "
        "make the difference between methods a difference of methods."
    )


def _check_why_smaller_rate(answer):
    letter = expect_choice(answer, {"a", "b", "c", "d"})
    expect(
        letter != "a",
        "step 2 trains every weight, the encoders' too, not only the softmax layer: "
        "the rate sets how far the labels may move the pretrained weights",
    )
    expect(
        letter != "b",
        "a step costs the same whatever its learning rate: the rate scales the size "
        "of the update, not the work of computing it",
    )
    expect(
        letter != "c",
        "Adam's steps do not grow as training goes on; the rate is smaller in step 2 "
        "because of where the weights start, not because of the optimiser",
    )
    return (
        "the pretrained weights already hold what the unlabelled images taught; small "
        "steps let the few labels adjust them without dragging them far to fit those "
        "labels."
    )


# The challenge: the label-spreading classifier's test error with 100 labels.
CHALLENGE_ERROR = {"full": 14.0, "fast": 50.0}
CHALLENGE_IMAGES = 2000


def _check_challenge(classifier, test_images, test_labels):
    from utils import config

    model = expect_model(classifier, "the classifier trained on the spread labels")
    images = np.asarray(test_images, dtype="float32")[:CHALLENGE_IMAGES]
    labels = np.asarray(test_labels)[:CHALLENGE_IMAGES]
    expect(
        images.ndim == 2 and images.shape[1] == 784 and len(labels) == len(images),
        f"expected the test images (n, 784) and their n labels, got {images.shape} "
        f"and {labels.shape}",
    )
    probabilities = to_numpy(model.predict(images, batch_size=1000, verbose=0))
    expect(
        probabilities.shape == (len(images), 10),
        f"the model maps {images.shape} to {probabilities.shape}: pass the classifier",
    )
    error = float(100.0 * np.mean(np.argmax(probabilities, axis=1) != labels))
    mode = "fast" if config.fast_mode() else "full"
    target = CHALLENGE_ERROR[mode]
    expect(
        error < target,
        f"test error {error:.2f} % on the first {len(images):,} test images; the "
        f"target ({mode} mode) is below {target} %: try the graph's size, alpha, the "
        "codes the graph is built on, or the epochs on the spread labels",
    )
    return (
        "the test error with 100 labels is below the target for this mode (the "
        "numbers: the table above)."
    )


q1 = Question(
    "08",
    "q1",
    _check_balanced_indices,
    [
        "balanced means the same number of each digit: draw from each digit's own "
        "positions, without drawing one twice, and let the seed fix the draw.",
        "one np.random.default_rng(seed); for each digit, np.flatnonzero(labels == "
        "digit) lists its positions and rng.choice(..., replace=False) draws "
        "per_class of them; join the ten draws with np.concatenate.",
    ],
)
q2 = Question(
    "08",
    "q2",
    _check_greedy,
    [
        "each layer is a shallow denoising autoencoder whose input is what the layer "
        "below outputs; after training it, keep its encoder and use it to make the "
        "next layer's data.",
        "loop over layer_sizes with a `codes` variable that starts as the images: "
        "build_layer_autoencoder(width of codes, units, f'hidden_{number}'); compile "
        "with Adam and binary cross-entropy; per epoch, fit on noise.masking(codes, "
        "level, ...) as inputs and codes as targets; then take get_layer(name), "
        "replace codes by that layer applied to codes, and keep the layer.",
    ],
)
q3 = Question(
    "08",
    "q3",
    _check_stack_encoders,
    [
        "a new classifier of the same shape, whose hidden layers start from copies "
        "of the pretrained weights (not the pretrained layers themselves).",
        "build_classifier with the units of each pretrained layer, then for each "
        "number, copy the weights with get_weights and set_weights into the layer "
        "named hidden_<number>.",
    ],
)
q4 = Question(
    "08",
    "q4",
    _check_two_phase,
    [
        "two phases: the head learns while the encoders stay fixed, then everything "
        "learns together with a smaller learning rate. Keras takes note of what is "
        "trainable when a model is compiled.",
        "set layer.trainable on the layers whose name starts with 'hidden', run "
        "fine_tune (it compiles) for head_steps at its usual rate, call "
        "after_head(classifier), set them trainable again and run fine_tune for "
        "steps with learning_rate set to fine_tune_rate.",
    ],
)
q5 = Question(
    "08",
    "q5",
    _check_frozen_prediction,
    [
        "which weights does the optimiser update in a training step, and is a frozen "
        "layer's kernel among them?",
        "trainable=False removes a layer's weights from model.trainable_weights; the "
        "gradient step touches only that list, and dropout only changes which units "
        "take part in the forward pass.",
    ],
)
q6 = Question(
    "08",
    "q6",
    _check_why_few_labels,
    [
        "what does pretraining use that the 100 labelled images do not have, and what "
        "does it leave behind in the network?",
        "compare the weights a classifier starts from, with and without pretraining; "
        "count the weights that fine-tuning trains in both cases.",
    ],
)
q7 = Question(
    "08",
    "q7",
    _check_why_same_subsets,
    [
        "draw two different 100-label subsets and train the same method on each: how "
        "far apart can the test errors be?",
        "in Tune it, run the same settings with subset_seed 0, 1 and 2, and compare "
        "the spread of the errors with the gaps between methods in the table.",
    ],
)
q8 = Question(
    "08",
    "q8",
    _check_challenge,
    [
        "the spread labels are only as good as the neighbour graph they travel on.",
        "in section 5: graph_size (None for all images), the codes the graph is "
        "built on (first layer, top layer, end-to-end), alpha, and spread_epochs.",
    ],
)
q9 = Question(
    "08",
    "q9",
    _check_why_smaller_rate,
    [
        "in step 2, which weights does the learning rate act on, and where do they "
        "start?",
        "compare what the pretrained weights hold with what 100 labels can tell; the "
        "learning rate sets how far each step moves every weight.",
    ],
)


def summary():
    """Print a table of notebook 08's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("08")
