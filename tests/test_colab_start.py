"""The Colab start, tested without Colab: the setup cell's Colab branch, run as it is.

The cell's source is read from a solution notebook (so the test follows it), and run in
a fresh Python with a stand-in ``google.colab`` module loaded, as Colab's kernel has it.
``WORKSHOP_REPO_URL`` points at a local git repository made from this checkout (with one
requirement no Python here has, ``workshop-probe``), and ``WORKSHOP_COLAB_ROOT`` at a
folder in tmp_path. ``subprocess.run`` is wrapped to record every command: git runs for
real; pip is only recorded, and "installs" by writing the package's metadata, as pip
would leave it. No network, a few seconds per run of the cell.

The backend is the one this test runs on (``KERAS_BACKEND``, set before the cell):
``python3 workshop.py test --backend jax`` (or ``torch``) checks that one is honoured.
"""

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import nbformat
import pytest

from utils import colab
from utils.config import GPU_MENU_PATH, REPO_NAME

ROOT = Path(__file__).resolve().parents[1]
SETUP_NOTEBOOK = sorted((ROOT / "solutions").glob("00_*.ipynb"))[0]
PROBE = "workshop-probe==1.0"

DRIVER = r'''
"""Run the setup cell as Colab would, `runs` times in one kernel; record commands."""
import json, os, subprocess, sys
from pathlib import Path

cell, runs, site = Path(sys.argv[1]).read_text(), int(sys.argv[2]), Path(sys.argv[3])
calls, real_run = [], subprocess.run


def run(command, *args, **kwargs):
    command = [str(part) for part in command]
    calls.append(command)
    if command[1:4] == ["-m", "pip", "install"]:  # record; "install" the metadata only
        for spec in command[5:]:
            name, version = spec.split("==")
            info = site / f"{name.replace('-', '_')}-{version}.dist-info"
            info.mkdir(parents=True)
            (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        return subprocess.CompletedProcess(command, 0)
    return real_run(command, *args, **kwargs)


subprocess.run = run
import google.colab  # noqa: E402,F401  (Colab's kernel has it loaded)

for index in range(runs):
    print(f"=== run {index + 1}", flush=True)
    exec(compile(cell, "setup-cell", "exec"), {"__name__": "__main__"})
import keras, utils  # noqa: E402

print("RESULT=" + json.dumps({
    "calls": calls, "utils": utils.__file__, "keras_home": os.environ.get("KERAS_HOME"),
    "backend": keras.backend.backend(),
}))
'''


def setup_cell():
    notebook = nbformat.read(SETUP_NOTEBOOK, as_version=4)
    (cell,) = [c for c in notebook.cells if "setup" in c.metadata.get("tags", [])]
    return cell.source


def git(*args, cwd):
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def colab_runs(tmp_path_factory):
    """Run the cell twice in one kernel, then once in a new kernel with Drive mounted."""
    tmp = tmp_path_factory.mktemp("colab")
    source = tmp / "source"  # the repository the cell clones: this checkout's utils
    shutil.copytree(ROOT / "utils", source / "utils", ignore=shutil.ignore_patterns("__pycache__"))
    for file in ROOT.glob("requirements*.txt"):
        shutil.copy(file, source / file.name)
    with open(source / "requirements.txt", "a", encoding="utf-8") as file:
        file.write(f"{PROBE}  # in no Python here: the one package Colab lacks\n")
    git("init", "-q", cwd=source)
    git("add", ".", cwd=source)
    git("commit", "-q", "-m", "workshop", cwd=source)

    stand_in = tmp / "stand-in"  # google/ stays a namespace package (protobuf lives there)
    (stand_in / "google" / "colab").mkdir(parents=True)
    for module in ("__init__", "drive", "output"):  # jax imports output on Colab
        (stand_in / "google" / "colab" / f"{module}.py").write_text('"""Stand-in."""\n')
    (tmp / "site").mkdir()
    (tmp / "cell.py").write_text(setup_cell())
    (tmp / "driver.py").write_text(DRIVER)
    (tmp / "work").mkdir()  # Colab's working folder: not inside the repository
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("WORKSHOP_") and key not in ("KERAS_HOME", "PYTHONPATH")
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(stand_in), str(tmp / "site")]),
        KERAS_BACKEND=keras.backend.backend(),
        WORKSHOP_REPO_URL=(source.as_uri()),
        WORKSHOP_COLAB_ROOT=str(tmp / "content" / REPO_NAME),
        WORKSHOP_DRIVE=str(tmp / "drive" / "MyDrive"),  # not mounted: no such folder
    )

    def kernel(runs):
        done = subprocess.run(
            [sys.executable, str(tmp / "driver.py"), str(tmp / "cell.py"), str(runs), str(tmp / "site")],
            cwd=tmp / "work", env=env, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        text, result = done.stdout.rsplit("RESULT=", 1)
        return text, json.loads(result)

    first = kernel(runs=2)
    (tmp / "drive" / "MyDrive").mkdir(parents=True)  # the learner mounts Drive
    again = kernel(runs=1)
    return tmp, first, again


def test_the_clone_happens_once_and_is_what_the_notebook_imports(colab_runs):
    tmp, (_, first), (_, again) = colab_runs
    clones = [c for c in first["calls"] + again["calls"] if c[:2] == ["git", "clone"]]
    assert len(clones) == 1 and clones[0][-1] == str(tmp / "content" / REPO_NAME)
    assert Path(first["utils"]).parent == tmp / "content" / REPO_NAME / "utils"


def test_only_what_colab_lacks_is_installed_in_one_pip_command(colab_runs):
    _, (text, first), (_, again) = colab_runs
    pips = [c for c in first["calls"] + again["calls"] if c[1:3] == ["-m", "pip"]]
    assert len(pips) == 1, pips  # the rerun and the new kernel find it installed
    specs = pips[0][5:]
    assert pips[0][3:5] == ["install", "-q"] and PROBE in specs
    for spec in specs:  # nothing this Python already has, whatever its version
        with pytest.raises(importlib.metadata.PackageNotFoundError):
            importlib.metadata.version(spec.split("==")[0])
    assert f"Installing what Colab lacks: {' '.join(specs)}" in text


def test_without_a_gpu_the_menu_path_is_printed(colab_runs):
    _, (text, _), _ = colab_runs
    no_gpu = "Devices: CPU only" in text
    assert (f"PROBLEM: No GPU on this Colab runtime: choose {GPU_MENU_PATH}" in text) == no_gpu


def test_the_backend_set_before_the_cell_is_used(colab_runs):
    _, (text, first), (_, again) = colab_runs
    backend = keras.backend.backend()
    assert first["backend"] == again["backend"] == backend
    assert f"backend {backend}" in text


def test_downloads_go_to_a_cache_that_outlives_a_rerun(colab_runs):
    tmp, (text, first), (again_text, again) = colab_runs
    clone = tmp / "content" / REPO_NAME
    assert first["keras_home"] == str(clone / ".cache" / "keras")
    assert "Keras cache: .cache/keras/datasets (writable)" in text
    assert "Google Drive is not mounted" in text and colab.MOUNT_DRIVE in text
    drive = tmp / "drive" / "MyDrive" / REPO_NAME
    assert again["keras_home"] == str(drive / "keras")
    assert f"Google Drive: downloads and training backups go to {drive}" in again_text


def test_tools_are_left_out_and_the_backend_file_is_read(monkeypatch):
    def nothing_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", nothing_installed)
    names = {line.split("==")[0] for line in colab.missing_requirements("jax")}
    assert {"keras", "tensorflow", "jax", "keras-tuner"} <= names
    assert not names & colab.NOT_FOR_COLAB and "torch" not in names


def test_outside_colab_prepare_does_nothing(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    calls = []
    assert colab.prepare(run=lambda *a, **k: calls.append(a)) == [] and not calls


def test_a_bad_requirements_line_is_a_clear_error(tmp_path):
    (tmp_path / "r.txt").write_text("keras==3.15.1\n==1.0\n")
    with pytest.raises(ValueError, match=r"Expected requirement lines .* Received: '==1.0'"):
        colab.requirements(tmp_path / "r.txt")
    text = textwrap.dedent("""
        # a comment
        keras==3.15.1  # pinned
    """)
    (tmp_path / "r.txt").write_text(text)
    assert colab.requirements(tmp_path / "r.txt") == [("keras", "keras==3.15.1")]


def test_keras_tuner_is_installed_on_a_colab_that_lacks_only_it(monkeypatch):
    real_version = importlib.metadata.version

    def without_keras_tuner(name):
        if name in ("keras-tuner", "kt-legacy"):
            raise importlib.metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", without_keras_tuner)
    lacking = colab.missing_requirements()
    assert "keras-tuner==1.4.8" in lacking and "kt-legacy==1.0.5" in lacking
