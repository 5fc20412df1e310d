"""The Colab start: what ``config.setup()`` does on Colab after the setup cell's clone.

On Colab the setup cell clones the workshop (once) and calls ``config.setup()``, which
calls ``prepare()``. It
1. installs, in one ``pip install``, only the packages of ``requirements.txt`` (and of
   ``requirements-jax.txt`` or ``requirements-torch.txt`` when ``KERAS_BACKEND`` names
   that backend) that Colab lacks; Colab's own versions of the others stay as they are;
2. keeps Keras downloads (MNIST) in a cache that outlives a rerun of the notebook: on
   Google Drive when it is mounted, else inside the clone;
3. says how to mount Drive, which keeps the downloads and the training backups of
   ``utils.resume`` across a disconnect.
The GPU advice (the menu path when there is none) comes from ``config.setup()``'s
environment report, which asks the Keras backend, not TensorFlow only.

Outside Colab nothing happens. The addresses can be overridden, which is how
``tests/test_colab_start.py`` runs the Colab start without Colab: ``WORKSHOP_REPO_URL``
(the repository the setup cell clones), ``WORKSHOP_COLAB_ROOT`` (where it clones it) and
``WORKSHOP_DRIVE`` (the mounted Drive's ``MyDrive`` folder).
"""

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

from utils.config import REPO_NAME, on_colab
from utils.validation import check_type

ROOT = Path(__file__).resolve().parents[1]
DRIVE_ENV = "WORKSHOP_DRIVE"
DRIVE_DEFAULT = "/content/drive/MyDrive"
MOUNT_DRIVE = "from google.colab import drive; drive.mount('/content/drive')"

# What requirements.txt pins for running the tests and a local Jupyter: Colab brings
# its own notebook server, and the notebooks never import these.
NOT_FOR_COLAB = frozenset(
    {"jupyter", "ipykernel", "nbclient", "nbconvert", "nbformat", "nbval", "pytest"}
)
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def requirements(path):
    """Return the requirement lines of a pip requirements file, in order.

    Args:
        path: str or os.PathLike, a file of lines such as ``keras==3.15.1``; comments
            (``#``) and blank lines are skipped.

    Returns:
        list of (name, line) pairs of str, for example ``("keras", "keras==3.15.1")``.

    Raises:
        TypeError: if ``path`` is not a str or a path.
        ValueError: if the file is missing or a line names no package.
    """
    check_type(path, "path", (str, os.PathLike), "a path (str or pathlib.Path)")
    path = Path(path)
    if not path.is_file():
        raise ValueError(
            f"Expected `path` to be a requirements file. Received: {path.name} (no such file)"
        )
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = _NAME.match(line)
        if match is None:
            raise ValueError(
                f"Expected requirement lines such as 'keras==3.15.1' in {path.name}. "
                f"Received: {line!r}"
            )
        found.append((match.group(1), line))
    return found


def missing_requirements(backend=None):
    """Return the pinned lines of the packages the notebooks need and this Python lacks.

    A package counts as present when ``importlib.metadata`` finds it, whatever its
    version: Colab's versions are kept. Test and Jupyter tools (``NOT_FOR_COLAB``) are
    left out.

    Args:
        backend: None, or a Keras backend name; ``"jax"`` and ``"torch"`` add the lines
            of ``requirements-jax.txt`` or ``requirements-torch.txt``.

    Returns:
        list of str, for example ``["keras-tuner==1.4.8"]``; empty when nothing lacks.

    Raises:
        TypeError: if ``backend`` is not a str or None.
    """
    if backend is not None:
        check_type(backend, "backend", str, "a backend name (str) or None")
    files = [ROOT / "requirements.txt"]
    if backend in ("jax", "torch"):
        files.append(ROOT / f"requirements-{backend}.txt")
    lacking = []
    for file in files:
        for name, line in requirements(file):
            if name.lower() in NOT_FOR_COLAB or line in lacking:
                continue
            try:
                importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                lacking.append(line)
    return lacking


def drive_folder():
    """Return the workshop's folder on the mounted Google Drive, or None.

    It is ``MyDrive/autoencoder-workshop`` (``$WORKSHOP_DRIVE`` replaces ``MyDrive``),
    and only on Colab with Drive mounted; it is not created here.
    """
    drive = Path(os.environ.get(DRIVE_ENV) or DRIVE_DEFAULT)
    if not on_colab() or not drive.is_dir():
        return None
    return drive / REPO_NAME


def data_cache():
    """Return the folder Keras should cache downloads in on Colab (``KERAS_HOME``).

    On Drive when it is mounted (it outlives the runtime), else ``.cache/keras`` inside
    the clone (it outlives a rerun of the notebook; git ignores it).
    """
    drive = drive_folder()
    return drive / "keras" if drive is not None else ROOT / ".cache" / "keras"


def prepare(run=None):
    """On Colab: install what Colab lacks, set the download cache, say how to mount Drive.

    Elsewhere it does nothing. ``KERAS_BACKEND``, when set before the setup cell, is
    left as it is (Keras reads it when first imported) and picks the backend's
    requirements file. ``KERAS_HOME`` is set only when neither the learner nor an
    earlier import of Keras has fixed it.

    Args:
        run: None (``subprocess.run``) or a callable taking the pip command as a list of
            str and ``check=True``; a test passes one that records the command.

    Returns:
        list of str, the requirement lines given to pip (empty when nothing lacks, and
        outside Colab).

    Raises:
        TypeError: if ``run`` is neither None nor callable.
        subprocess.CalledProcessError: if pip fails.
    """
    if run is not None and not callable(run):
        raise TypeError(
            "Expected `run` to be None or a callable like subprocess.run. "
            f"Received: {type(run).__name__}"
        )
    if not on_colab():
        return []
    lacking = missing_requirements(os.environ.get("KERAS_BACKEND") or None)
    if lacking:
        print("Installing what Colab lacks:", " ".join(lacking), flush=True)
        command = [sys.executable, "-m", "pip", "install", "-q", *lacking]
        (run or subprocess.run)(command, check=True)
    if "KERAS_HOME" not in os.environ and "keras" not in sys.modules:
        os.environ["KERAS_HOME"] = str(data_cache())
    drive = drive_folder()
    if drive is None:
        print(
            "Google Drive is not mounted: downloads and training backups last only as "
            f"long as this runtime. To keep them, run `{MOUNT_DRIVE}`, then this cell again."
        )
    else:
        print(f"Google Drive: downloads and training backups go to {drive}")
    return lacking
