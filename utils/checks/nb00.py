"""Checks for notebook 00, the identity through a bottleneck."""

import tempfile
from pathlib import Path

import keras
import numpy as np
import scipy.linalg
from sklearn.decomposition import PCA

from utils import data, layers, metrics
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


def _sigmoid(values):
    return 1.0 / (1.0 + np.exp(-values))


# ---- q1: the tied layer, compared with utils.layers.DenseTranspose ----------------------

_RNG = np.random.default_rng(0)
_KERNEL = _RNG.normal(size=(5, 3)).astype("float32")  # a Dense layer 5 -> 3
_DENSE_BIAS = _RNG.normal(size=3).astype("float32")
_DECODER_BIAS = _RNG.normal(size=5).astype("float32")
_CODES = _RNG.uniform(size=(4, 3)).astype("float32")


def _fixed_dense(name="encoder"):
    """A built Dense(3, sigmoid) layer for 5 inputs with fixed weights."""
    dense = keras.layers.Dense(3, activation="sigmoid", name=name)
    dense.build((None, 5))
    dense.set_weights([_KERNEL, _DENSE_BIAS])
    return dense


def own_weights(layer, tied_to):
    """Return the weights of ``layer`` that are not ``tied_to``'s (a tied layer's bias)."""
    shared = {id(weight) for weight in tied_to.weights}
    return [weight for weight in layer.weights if id(weight) not in shared]


def _call(layer, values, what):
    """Call the learner's layer; turn a failure into a Wrong naming ``what``."""
    try:
        return to_numpy(layer(values))
    except NotImplementedError:
        raise
    except Exception as error:
        raise Wrong(
            f"calling your layer on {what} raised {type(error).__name__}: "
            f"{str(error)[:160]}"
        ) from None


def _make(layer_class, dense, **kwargs):
    """Create the learner's layer; turn a failure into a Wrong."""
    try:
        return layer_class(dense, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:
        raise Wrong(
            "creating your layer as DenseTranspose(dense_layer, activation=...) raised "
            f"{type(error).__name__}: {str(error)[:160]}"
        ) from None


def _tied_model(layer_class, name):
    """inputs (5) -> the fixed Dense encoder -> a tied decoder of ``layer_class``."""
    inputs = keras.Input(shape=(5,))
    encoder = _fixed_dense()
    decoder = layer_class(encoder, activation="sigmoid", name="decoder")
    model = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    own_weights(decoder, encoder)[0].assign(_DECODER_BIAS)
    return model, encoder, decoder


def _expect_new_weights_are_a_bias(layer, dense):
    shapes = [tuple(weight.shape) for weight in own_weights(layer, dense)]
    expect(
        not any(len(shape) == 2 for shape in shapes),
        f"your layer made weights of its own of shapes {shapes}: a tied layer has no "
        "kernel of its own, it reuses the Dense layer's kernel, transposed",
    )
    expect(
        shapes == [(5,)],
        "expected one new weight, a bias of 5 values (one per input of the Dense layer, "
        f"which are the tied layer's outputs); found shapes {shapes}",
    )


def _check_dense_transpose_values(layer_class):
    dense = _fixed_dense()
    layer = _make(layer_class, dense, activation="sigmoid")
    try:
        layer.build((4, 3))
    except NotImplementedError:
        raise
    except Exception as error:
        raise Wrong(
            f"building your layer for inputs of shape (4, 3) raised "
            f"{type(error).__name__}: {str(error)[:160]}"
        ) from None
    _expect_new_weights_are_a_bias(layer, dense)
    got = _call(layer, _CODES, "codes of shape (4, 3)")
    expect(
        got.shape == (4, 5),
        f"expected outputs of shape (4, 5) for codes of shape (4, 3) from a Dense layer "
        f"5 -> 3, got {got.shape}: the tied layer maps 3 back to 5",
    )
    own_weights(layer, dense)[0].assign(_DECODER_BIAS)
    got = _call(layer, _CODES, "codes of shape (4, 3)")
    reference = layers.DenseTranspose(dense, activation="sigmoid")
    reference(_CODES)
    reference.bias.assign(_DECODER_BIAS)
    expected = to_numpy(reference(_CODES))
    linear = _CODES @ _KERNEL.T + _DECODER_BIAS
    expect(
        not np.allclose(got, linear, atol=1e-5),
        "your outputs are codes Wᵀ + bias without the activation: apply the layer's "
        "activation to them",
    )
    expect(
        not np.allclose(got, _sigmoid(_CODES @ _KERNEL.T), atol=1e-5),
        "your outputs leave out the bias: add it before the activation",
    )
    expect(
        np.allclose(got, expected, atol=1e-5),
        "your outputs differ from the reference activation(codes Wᵀ + bias) by up to "
        f"{np.abs(got - expected).max():.3g}",
    )
    plain = _make(layer_class, dense)  # activation=None: linear outputs
    _call(plain, _CODES, "codes (with activation=None)")
    own_weights(plain, dense)[0].assign(_DECODER_BIAS)
    expect(
        np.allclose(_call(plain, _CODES, "codes"), linear, atol=1e-4),
        "with activation=None your layer should output codes Wᵀ + bias exactly",
    )


def _check_dense_transpose_training(layer_class):
    model, _, _ = _tied_model(layer_class, "learner")
    count = trainable_count(model)
    expect(
        count == 23,
        "a Dense layer 5 -> 3 and your tied decoder should have 23 trainable "
        f"parameters together (15 + 3 shared, 5 for the bias), found {count}",
    )
    reference, reference_encoder, _ = _tied_model(layers.DenseTranspose, "reference")
    x = data.five_bit_patterns()
    kernels = []
    for each in (model, reference):
        each.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse", run_eagerly=True)
        each.train_on_batch(x, x)
        kernels.append(to_numpy(each.get_layer("encoder").kernel))
    expect(
        not np.allclose(kernels[0], _KERNEL, atol=1e-7),
        "one training step left the encoder's kernel unchanged: no gradient reaches it",
    )
    expect(
        np.allclose(kernels[0], kernels[1], atol=1e-5),
        "one training step changed the encoder's kernel differently from the reference: "
        "the gradient must reach the kernel through the decoder too, so use the tied "
        "layer's kernel variable itself in call (with keras.ops), not a copy of its values",
    )


def _check_dense_transpose_saving(layer_class):
    model, _, _ = _tied_model(layer_class, "learner")
    x = data.five_bit_patterns()
    before = to_numpy(model(x))
    objects = {
        layer_class.__name__: layer_class,
        keras.saving.get_registered_name(layer_class): layer_class,
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tied.keras"
        try:
            model.save(path)
            loaded = keras.saving.load_model(path, custom_objects=objects)
        except NotImplementedError:
            raise
        except Exception as error:
            raise Wrong(
                "saving a model with your layer to .keras and loading it back failed "
                f"({type(error).__name__}: {str(error)[:160]}): get_config must return "
                "everything __init__ needs, the Dense layer in serialised form"
            ) from None
    decoders = [layer for layer in loaded.layers if isinstance(layer, layer_class)]
    expect(len(decoders) == 1, "after loading, the model has no layer of your class")
    expect(
        decoders[0].tied_to is loaded.get_layer("encoder"),
        "after loading, your layer is tied to a copy of the Dense layer, not to the "
        "model's own: serialise it with keras.saving.serialize_keras_object",
    )
    expect(
        np.allclose(to_numpy(loaded(x)), before, atol=1e-5),
        "after saving and loading, the model's outputs changed: does get_config keep "
        "the activation?",
    )


def _check_dense_transpose(layer_class):
    expect(
        isinstance(layer_class, type) and issubclass(layer_class, keras.layers.Layer),
        "expected your class DenseTranspose itself (a keras.layers.Layer subclass), "
        f"received {type(layer_class).__name__}",
    )
    _check_dense_transpose_values(layer_class)
    _check_dense_transpose_training(layer_class)
    _check_dense_transpose_saving(layer_class)
    return (
        "your layer matches utils.layers.DenseTranspose: same outputs, only a bias of "
        "its own, gradients reach the encoder's kernel, and a saved model loads back tied."
    )


# ---- q2 and later -----------------------------------------------------------------------


def _tied_layers(model):
    """The layers of ``model`` tied to a Dense layer (they have a ``tied_to`` Dense)."""
    return [
        layer
        for layer in model.layers
        if isinstance(getattr(layer, "tied_to", None), keras.layers.Dense)
    ]


def _check_tied_autoencoder(build):
    expect_callable(build, "the function build_tied_autoencoder")
    model = expect_model(
        build(5, 3), "build_tied_autoencoder(5, 3) to return a Keras model"
    )
    expect(
        tuple(model.output_shape) == (None, 5),
        f"expected outputs of shape (None, 5), got {model.output_shape}",
    )
    tied = _tied_layers(model)
    expect(
        len(tied) == 1,
        f"expected one decoder layer tied to the encoder (your DenseTranspose of q1), "
        f"found {len(tied)}",
    )
    encoder = tied[0].tied_to
    expect(
        encoder in model.layers and encoder.name == "encoder",
        "expected the decoder to be tied to the model's own Dense layer named 'encoder'",
    )
    expect(
        encoder.units == 3 and encoder.activation is keras.activations.sigmoid,
        "expected the encoder to be a Dense layer of 3 sigmoid units",
    )
    expect(
        tied[0].activation is keras.activations.sigmoid,
        "expected a sigmoid on the decoder, so outputs are probabilities for the bits",
    )
    count = trainable_count(model)
    expect(
        count != 38,
        "found 38 trainable parameters: the decoder has its own kernel, it is not tied",
    )
    expect(count == 23, f"expected 23 trainable parameters (15 + 3 + 5), found {count}")
    x = data.five_bit_patterns()
    kernel, bias = (np.asarray(w) for w in encoder.get_weights())
    (decoder_bias,) = (to_numpy(w) for w in own_weights(tied[0], encoder))
    expected = _sigmoid(_sigmoid(x @ kernel + bias) @ kernel.T + decoder_bias)
    got = model.predict(x, verbose=0)
    expect(
        np.allclose(got, expected, atol=1e-5),
        "the outputs differ from sigmoid(sigmoid(x W + b) Wᵀ + c): is the input going "
        "through the encoder and then the tied decoder?",
    )
    other = build(8, 2)
    expect(
        trainable_count(other) == 26,
        "build_tied_autoencoder(8, 2) should have 8*2 + 2 + 8 = 26 parameters: "
        "use num_inputs and num_hidden, not fixed numbers",
    )
    return "the decoder reuses the encoder's kernel: 23 parameters instead of 38."


def _check_bit_errors(count_bit_errors):
    expect_callable(count_bit_errors, "the function count_bit_errors")
    patterns = data.five_bit_patterns()
    close = np.where(patterns > 0.5, 0.9, 0.1).astype("float32")
    got = count_bit_errors(patterns, close)
    expect(
        isinstance(got, (int, np.integer)) or float(got).is_integer(),
        f"expected a whole number of bits, got {got!r}: round the reconstructions first",
    )
    expect(
        int(got) == 0,
        f"a near-perfect reconstruction has 0 wrong bits; you counted {got}",
    )
    wrong = close.copy()
    wrong[0, 1], wrong[2, 0], wrong[3, 4] = (
        0.7,
        0.3,
        0.51,
    )  # three bits on the wrong side
    wrong[1, 2] = 0.55  # right side of 0.5, though not confident
    got = count_bit_errors(patterns, wrong)
    expect(
        int(got) == 3,
        f"expected 3 wrong bits in the test reconstruction, you counted {got}",
    )
    flipped = 1.0 - close
    got = count_bit_errors(patterns, flipped)
    expect(
        int(got) == 20,
        f"every bit is wrong in an inverted reconstruction (20), you counted {got}",
    )
    return "bits are counted after rounding at 0.5."


def _dense_units(model):
    return [
        layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)
    ]


def _check_linear_autoencoder(build):
    expect_callable(build, "the function build_linear_autoencoder")
    model = expect_model(
        build(100, 20), "build_linear_autoencoder(100, 20) to return a model"
    )
    expect(
        tuple(model.output_shape) == (None, 100),
        f"expected outputs of shape (None, 100), got {model.output_shape}",
    )
    units = _dense_units(model)
    expect(
        units and min(units) == 20,
        f"expected the narrowest Dense layer to have 20 units (the code), found {units}",
    )
    count = trainable_count(model)
    expect(
        count == 4120,
        f"expected 100*20 + 20 + 20*100 + 100 = 4120 parameters, found {count}",
    )
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 8, 100)).astype("float32")
    zero = np.zeros((1, 100), "float32")
    f = lambda values: model.predict(values, verbose=0)  # noqa: E731
    expect(
        np.allclose(f(a + b), f(a) + f(b) - f(zero), atol=1e-3),
        "the model is not linear: f(a + b) differs from f(a) + f(b) - f(0). "
        "Leave out the activations (the default, activation=None).",
    )
    expect(
        trainable_count(build(10, 3)) == 73,
        "build_linear_autoencoder(10, 3) should have 73 parameters: use the arguments",
    )
    return "two Dense layers, no activations: the model is linear."


KNEE_OPTIONS = {
    "a": "the error stays about the same or rises",
    "b": "the error falls more than tenfold",
    "c": "the error falls two- to tenfold",
    "d": "the error falls, but by less than half",
}


def knee_outcome(error_at_19, error_at_20):
    """Return the letter of KNEE_OPTIONS that the two test errors show."""
    ratio = error_at_19 / error_at_20
    if ratio <= 1.0:
        return "a"
    if ratio > 10.0:
        return "b"
    return "c" if ratio >= 2.0 else "d"


def _check_knee_prediction(prediction, errors_by_size):
    letter = expect_choice(prediction, set(KNEE_OPTIONS))
    expect(
        isinstance(errors_by_size, dict) and {19, 20} <= set(errors_by_size),
        "pass the sweep's errors as a dict from code size to test error, as in "
        "check.q5(prediction, dict(zip(code_sizes, autoencoder_errors))); received "
        f"{type(errors_by_size).__name__}",
    )
    truth = knee_outcome(float(errors_by_size[19]), float(errors_by_size[20]))
    why = {
        "a": "the 20th unit gave this run nothing to gain",
        "b": "19 units must drop one of the 20 independent directions of the data, "
        "20 units can keep them all: the error falls to what training leaves over",
        "c": "the 20th unit helped, but training has not yet reached the floor",
        "d": "the 20th unit helped little in this run",
    }[truth]
    expect(
        letter == truth,
        f"you predicted that {KNEE_OPTIONS[letter]}, but in this run {KNEE_OPTIONS[truth]} "
        f"from 19 to 20 units: {why}",
    )
    return f"{KNEE_OPTIONS[truth]} from 19 to 20 units: {why}."


def _check_knee(knee):
    expect(
        isinstance(knee, (int, np.integer)) and not isinstance(knee, bool),
        f"expected a whole number of code units, got {knee!r}",
    )
    expect(
        knee != 19,
        "with 19 units the error is still far above zero: look one step further",
    )
    expect(
        knee <= 20,
        f"{knee} units reconstruct well, but a smaller code does too: what is the smallest?",
    )
    expect(knee == 20, f"with {knee} units the error is still large")
    return "20 units, as many as the independent numbers behind the 100 inputs."


def _check_principal_directions(top_principal_directions):
    expect_callable(top_principal_directions, "the function top_principal_directions")
    points = data.noisy_plane(num_samples=500, seed=1)
    basis = np.asarray(top_principal_directions(points, 2), dtype="float64")
    expect(
        basis.shape == (4, 2),
        f"expected a (4, 2) basis for k=2, got shape {basis.shape}",
    )
    expect(
        np.allclose(basis.T @ basis, np.eye(2), atol=1e-4),
        "expected orthonormal columns (unit length, at right angles to each other)",
    )
    # The reference is scikit-learn's PCA; the learner's hand-written one is the lesson.
    reference = PCA(n_components=2, svd_solver="full").fit(points).components_.T
    angles = metrics.principal_angles(basis, reference)
    # The top right singular vectors of the points before centring: a typical slip.
    raw = scipy.linalg.svd(points, full_matrices=False)[2][:2].T
    expect(
        not (angles.max() > 1.0 and metrics.principal_angles(basis, raw).max() < 1.0),
        "your directions match the data before centring: subtract the mean first",
    )
    expect(
        angles.max() < 1.0,
        f"your subspace is {angles.max():.1f}° away from the top principal subspace",
    )
    one = np.asarray(top_principal_directions(points, 1))
    expect(one.shape == (4, 1), f"expected shape (4, 1) for k=1, got {one.shape}")
    return "the top-k right singular vectors of the centred data."


def _check_curved_surface(answer):
    letter = expect_choice(answer, {"a", "b", "c"})
    expect(
        letter != "a",
        "more epochs do not help: the linear model's error already sits at PCA's, the "
        "lowest any linear 2-unit code can reach",
    )
    expect(
        letter != "b",
        "a smaller learning rate would settle at the same error: PCA's error is the "
        "minimum for a linear 2-unit code",
    )
    return "a linear decoder can only output points of a plane, and the bowl is curved."



# ---- q9: the challenge, a better non-linear code for the bowl ------------------------


def expect_bottleneck(model, max_size, layer_name="code"):
    """Raise ``Wrong`` unless all that ``model`` outputs passes through ``layer_name``.

    Args:
        model: a functional (or Sequential) Keras model.
        max_size: int, the most numbers per example the code may hold.
        layer_name: str, the name of the code layer.

    Returns:
        int, the numbers per example in the code.

    Raises:
        Wrong: no layer of that name, a code larger than ``max_size``, or a path from
            the input to the output that goes around the code (a skip connection).
    """
    names = [layer.name for layer in model.layers]
    expect(
        layer_name in names,
        f"expected a layer named '{layer_name}' (the code), found {names}",
    )
    try:
        code = model.get_layer(layer_name).output
    except (AttributeError, ValueError) as error:
        raise Wrong(
            f"could not read the output of the '{layer_name}' layer ({error}): use it "
            "once, in a functional model"
        ) from None
    size = int(np.prod(code.shape[1:]))
    expect(
        size <= max_size,
        f"the '{layer_name}' layer gives {size} numbers per example: the challenge "
        f"keeps the code at {max_size} or fewer",
    )
    # A model from the code to the output must run on a code alone. Keras 3.15 refuses
    # to build it when a path goes around the code ("Output ... is not connected to
    # `inputs`"); Keras 3.13 builds it and fails when it is called.
    try:
        decoder = keras.Model(code, model.output)
        decoder(keras.ops.zeros((1, *code.shape[1:]), code.dtype))
    except Exception:
        raise Wrong(
            f"the input reaches the output around the '{layer_name}' layer (a skip "
            "connection?): the decoder must work from the code alone"
        ) from None
    return size


# q9: the test MSE on the bowl's 600 test points must be below these. The non-linear
# model as the notebook trains it gives 0.00018 (full mode: 60 epochs; TensorFlow, the
# stored output) and 0.0011 (fast mode: 10 epochs). Other initial weights gave 0.00007
# to 0.00017 (full) and 0.0011 to 0.0015 (fast) on TensorFlow, so the margins are
# wide: other backends draw other initial weights.
CHALLENGE_MSE = {"full": 0.0003, "fast": 0.002}


def _check_challenge(model, points):
    from utils import config

    model = expect_model(model, "the trained autoencoder bowl_models['non-linear']")
    points = np.asarray(points, "float32")
    expect(
        points.ndim == 2 and points.shape[1] == 3 and len(points) >= 500,
        f"expected at least 500 test points of shape (n, 3) (bowl_test), received "
        f"{points.shape}",
    )
    expect(
        tuple(model.input_shape) == (None, 3)
        and tuple(model.output_shape) == (None, 3),
        f"expected a model from (None, 3) to (None, 3), got {model.input_shape} -> "
        f"{model.output_shape}",
    )
    size = expect_bottleneck(model, 2)
    reconstructions = to_numpy(model.predict(points, batch_size=600, verbose=0))
    mse = float(np.mean((reconstructions - points) ** 2))
    mode = "fast" if config.fast_mode() else "full"
    threshold = CHALLENGE_MSE[mode]
    expect(
        mse < threshold,
        f"test MSE {mse:.5f}, not yet below {threshold} ({mode} mode): train longer, "
        "with another learning rate or schedule, or with wider hidden layers",
    )
    return (
        f"test MSE {mse:.5f} < {threshold} ({mode} mode) through a code of {size} "
        "numbers."
    )


# ---- q10: the hidden code from W and b, against the encoder --------------------------


def _code_of(hidden_code, W, b, pattern, shape):
    """Call the learner's hidden_code; return its result as float64 of ``shape``."""
    try:
        code = to_numpy(hidden_code(W, b, pattern), "float64")
    except NotImplementedError:
        raise
    except Exception as error:
        raise Wrong(
            f"hidden_code(W, b, pattern) with W {W.shape}, b {b.shape} and a pattern "
            f"{np.shape(pattern)} raised {type(error).__name__}: {str(error)[:160]}"
        ) from None
    expect(
        code.shape == shape,
        f"expected a code of shape {shape} for a pattern of shape {np.shape(pattern)}, "
        f"got {code.shape}",
    )
    return code


def _check_hidden_code(hidden_code, model):
    expect_callable(hidden_code, "the function hidden_code")
    model = expect_model(model, "the trained five_bit_model")
    names = [layer.name for layer in model.layers]
    expect("encoder" in names, f"expected a layer named 'encoder', found {names}")
    patterns = data.five_bit_patterns()
    z = patterns @ _KERNEL + _DENSE_BIAS
    got = _code_of(hidden_code, _KERNEL, _DENSE_BIAS, patterns, (4, 3))
    wrong = [
        (z, "you returned z = x W + b: apply the sigmoid to it"),
        (
            _sigmoid(patterns @ _KERNEL),
            "you left out the bias b: add it before the sigmoid",
        ),
        (
            _sigmoid(-z),
            "the sign is flipped: sigmoid(z) = 1 / (1 + exp(-z)), large when z is "
            "large",
        ),
        (np.tanh(z), "tanh is not the encoder's activation: use the sigmoid"),
    ]
    for value, message in wrong:
        expect(not np.allclose(got, value, atol=1e-5), message)
    expected = to_numpy(_fixed_dense()(patterns), "float64")
    expect(
        np.allclose(got, expected, atol=1e-5),
        "your codes differ from a Dense sigmoid layer with the same W and b by up to "
        f"{np.abs(got - expected).max():.3g}",
    )
    one = _code_of(hidden_code, _KERNEL, _DENSE_BIAS, patterns[2], (3,))
    expect(
        np.allclose(one, expected[2], atol=1e-5),
        "one pattern of shape (5,) gave another code than in a batch",
    )
    encoder = model.get_layer("encoder")
    W, b = (to_numpy(weight) for weight in encoder.get_weights())
    expect(
        W.shape == (5, 3) and b.shape == (3,),
        f"expected the encoder's kernel (5, 3) and bias (3,), found {W.shape} and "
        f"{b.shape}",
    )
    codes = to_numpy(keras.Model(model.input, encoder.output)(patterns), "float64")
    mine = _code_of(hidden_code, W, b, patterns, (4, 3))
    expect(
        np.allclose(mine, codes, atol=1e-5),
        "with the trained W and b your codes differ from the encoder's by up to "
        f"{np.abs(mine - codes).max():.3g}",
    )
    return (
        "your codes equal a Dense sigmoid layer's on fixed weights, and the trained "
        "encoder's on the four patterns."
    )


# ---- q11: predict which run of the saturation experiment trains better ---------------

SATURATION_OPTIONS = {
    "a": "the run from huge weights ends with the lower loss",
    "b": "the two runs end within a factor 2 of each other",
    "c": "the run from the default initialiser ends with the lower loss",
}


def saturation_outcome(huge_loss, default_loss):
    """Return the letter of SATURATION_OPTIONS that the two final losses show."""
    ratio = huge_loss / default_loss
    if ratio > 2.0:
        return "c"
    return "a" if ratio < 0.5 else "b"


def _check_saturation_prediction(prediction, final_losses):
    letter = expect_choice(prediction, set(SATURATION_OPTIONS))
    keys = {"huge", "default"}
    expect(
        isinstance(final_losses, dict) and keys <= set(final_losses),
        "pass the run's final losses as a dict with the keys 'huge' and 'default', "
        f"as the cell above makes it; received {type(final_losses).__name__}",
    )
    huge, default = float(final_losses["huge"]), float(final_losses["default"])
    truth = saturation_outcome(huge, default)
    why = {
        "a": "in this run the saturated start did not hold training back",
        "b": "in this run saturation cost little",
        "c": "huge weights put every sigmoid on a flat end of its curve, where its "
        "derivative is near 0, so little gradient reaches the weights",
    }[truth]
    expect(
        letter == truth,
        f"you predicted that {SATURATION_OPTIONS[letter]}, but in this run "
        f"{SATURATION_OPTIONS[truth]} (final losses {huge:.3f} from huge weights, "
        f"{default:.3f} from the default): {why}",
    )
    return f"{SATURATION_OPTIONS[truth]}: {why}."


q1 = Question(
    "00",
    "q1",
    _check_dense_transpose,
    [
        "The layer owns one weight, its bias; its kernel is the Dense layer's, read "
        "through self.tied_to each time call runs, so training the decoder also moves "
        "the encoder's kernel.",
        "build adds the bias with self.add_weight, one value per row of "
        "self.tied_to.kernel; call multiplies the inputs by that kernel transposed "
        "(keras.ops.transpose, keras.ops.matmul), adds the bias, applies "
        "self.activation; get_config adds to the base config the Dense layer "
        "(keras.saving.serialize_keras_object) and the activation "
        "(keras.activations.serialize).",
    ],
)
q2 = Question(
    "00",
    "q2",
    _check_tied_autoencoder,
    [
        "Keep the encoder layer in a variable: the decoder needs the layer object "
        "itself, not only its output.",
        "A keras.layers.Dense of num_hidden sigmoid units named 'encoder', called on the "
        "inputs; then your DenseTranspose, given that Dense layer and a sigmoid, called "
        "on the codes.",
    ],
)
q3 = Question(
    "00",
    "q3",
    _check_bit_errors,
    [
        "An output above 0.5 reads as a 1 bit, one below as a 0 bit; count the "
        "positions where that bit differs from the pattern.",
        "A comparison with 0.5 gives an array of booleans, a != comparison with "
        "patterns marks the wrong bits, np.sum counts them; return a Python int.",
    ],
)
q4 = Question(
    "00",
    "q4",
    _check_linear_autoencoder,
    [
        "Linear means no activation anywhere: the model is then a matrix product "
        "plus a shift.",
        "keras.Input of num_inputs features, a keras.layers.Dense of code_size units "
        "and one of num_inputs units, both with the default activation (None).",
    ],
)
q5 = Question(
    "00",
    "q5",
    _check_knee_prediction,
    [
        "How many independent numbers made the 100 inputs? What must a code one unit "
        "short of that leave out?",
        "PCA's column prints the best any linear code of each size can do; compare its "
        "values at 19 and 20 units.",
    ],
)
q6 = Question(
    "00",
    "q6",
    _check_knee,
    [
        "Find where the curve drops to almost zero.",
        "How many independent numbers made the 100 inputs? The smallest code that "
        "holds them all is the knee.",
    ],
)
q7 = Question(
    "00",
    "q7",
    _check_principal_directions,
    [
        "PCA's directions are those of largest variance around the mean, not around "
        "the origin.",
        "Subtract the mean of each column, take np.linalg.svd of the result "
        "(full_matrices=False); its right singular vectors, largest first, are the "
        "directions, and the function returns the first k of them as columns.",
    ],
)
q8 = Question(
    "00",
    "q8",
    _check_curved_surface,
    [
        "Whatever its weights, what set of points can a linear 2-unit decoder produce?",
        "A linear decoder outputs c Wᵀ + b for a 2-number code c: what shape does that "
        "set of points have in 3-D, and is the bowl of that shape?",
    ],
)


q9 = Question(
    "00",
    "q9",
    _check_challenge,
    [
        "The code stays at 2 numbers: what else limits how well the decoder can bend "
        "its output onto the bowl? Capacity around the code, and how long and how "
        "well it trains.",
        "build_nonlinear_autoencoder(3, 2, hidden_units=...) with more hidden units, "
        "compiled and fitted on bowl_train for more epochs (or with a learning rate "
        "that decays); keep the layer named 'code' at 2 units.",
    ],
)


q10 = Question(
    "00",
    "q10",
    _check_hidden_code,
    [
        "The encoder is one Dense layer: a weighted sum of the bits plus a bias for "
        "each hidden unit, then its activation.",
        "A matrix product of the pattern (or the batch) with W gives one number per "
        "hidden unit; add b, then apply 1 / (1 + exp(-z)) element by element.",
    ],
)
q11 = Question(
    "00",
    "q11",
    _check_saturation_prediction,
    [
        "Look at the plot of the derivatives: what is the sigmoid's slope at z = 10 or "
        "z = -10, where weights of size 10 put most units?",
        "Each weight's gradient is multiplied by the slope of the unit it feeds. With "
        "slopes near 0 every step of plain gradient descent is tiny, at the same "
        "learning rate and for the same number of epochs.",
    ],
)


def summary():
    """Print a table of notebook 00's questions: attempted, passed, hints used."""
    from utils.checks import summary as table

    table("00")
