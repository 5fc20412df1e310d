"""`python3 workshop.py reproduce [NN ...]`: the long runs behind the published comparisons.

Each experiment in ``tools/experiments.py`` trains on full MNIST with the same data, test
set and metric as the publication it is compared with, prints a progress line per epoch
(epoch, loss, elapsed, remaining), and can be interrupted: a second call resumes from the
last finished epoch (Keras's ``BackupAndRestore``) and skips finished stages. Results go to
``results/reproductions.json`` (one row per experiment, merged with the rows already there),
``results/README.md`` (the table) and ``results/reproductions.png`` (each experiment's
metric against training time, the published value as a line); the README's "Measured
numbers" section is regenerated from the same JSON.

``--smoke`` runs every experiment on 2,000 training and 500 test images for an epoch or
two, into ``build/reproduce-smoke/``: it tests the machinery, and its numbers mean nothing.
"""

import datetime
import json
import os
import platform
import shutil
import time
from pathlib import Path

from tools import readme_tables
from tools.readme_tables import clock, write_json

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"
STATE = ROOT / "build" / "reproduce"
SMOKE = ROOT / "build" / "reproduce-smoke"
README = ROOT / "README.md"


class Run:
    """One experiment's run: its stages, its progress line and its resumable state.

    State lives in ``<state_dir>/<key>/state.json``: per finished stage its result, the
    seconds spent so far, and the curve of (seconds, metric) points. A stage that trains
    a model saves its weights at the end; one interrupted mid-way resumes from its last
    finished epoch through ``keras.callbacks.BackupAndRestore``.
    """

    def __init__(self, experiment, state_dir, smoke):
        self.experiment = experiment
        self.smoke = smoke
        self.folder = Path(state_dir) / experiment.key
        self.folder.mkdir(parents=True, exist_ok=True)
        self.state_path = self.folder / "state.json"
        if self.state_path.exists():
            self.state = json.loads(self.state_path.read_text(encoding="utf-8"))
        else:
            self.state = {"stages": {}, "seconds": 0.0, "curve": [], "epochs_done": 0}
        self.total_epochs = experiment.total_epochs(smoke)
        self.session_start = time.perf_counter()
        self.session_epochs = 0
        self.seconds_at_start = self.state["seconds"]
        self.resumed = bool(self.state["stages"]) or self.state["epochs_done"] > 0

    # -- time and state -----------------------------------------------------------
    def elapsed(self):
        """Seconds spent on this experiment, over every session."""
        return self.seconds_at_start + time.perf_counter() - self.session_start

    def save(self):
        self.state["seconds"] = self.elapsed()
        write_json(self.state_path, self.state)

    def done(self, stage):
        return stage in self.state["stages"]

    def result(self, stage):
        return self.state["stages"][stage]

    def finish(self, stage, result=None):
        """Record ``stage`` as finished with a JSON-serialisable ``result``."""
        self.state["stages"][stage] = result
        self.save()
        return result

    def point(self, value):
        """Add (elapsed seconds, metric value) to the curve drawn in the results plot."""
        self.state["curve"].append([round(self.elapsed(), 1), float(value)])
        self.save()

    # -- progress ---------------------------------------------------------------
    def epoch_end(self, stage, epoch, epochs, loss):
        self.state["epochs_done"] += 1
        self.session_epochs += 1
        self.save()
        left = max(0, self.total_epochs - self.state["epochs_done"])
        session_seconds = time.perf_counter() - self.session_start
        remaining = session_seconds / self.session_epochs * left
        share = min(1.0, self.state["epochs_done"] / max(1, self.total_epochs))
        bar = "#" * round(20 * share) + "." * (20 - round(20 * share))
        loss_text = "" if loss is None else f"  loss {loss:.4f}"
        print(
            f"  [{bar}] {self.experiment.key} {stage}: epoch {epoch}/{epochs}{loss_text}"
            f"  elapsed {clock(self.elapsed())}  remaining ~{clock(remaining)}",
            flush=True,
        )

    # -- training -----------------------------------------------------------------
    def fit(self, model, x, y=None, *, stage, epochs, evaluate=None, every=1, **fit_kwargs):
        """Fit ``model`` for ``epochs`` as stage ``stage``; resume or skip it if possible.

        ``evaluate``: optional callable(model) -> the experiment's metric, recorded as a
        curve point every ``every`` epochs and after the last one.
        Returns the model (trained, or with the stage's saved weights loaded). A finished
        stage whose weights were dropped, because a later stage finished after it, is
        skipped: the later stage's weights are loaded when its turn comes.
        """
        import keras

        weights = self.folder / f"{stage}.weights.h5"
        if self.done(stage) and not weights.exists():
            return model  # a later stage, trained on from this one, holds the weights
        if self.done(stage):
            if model.optimizer is not None and not model.optimizer.built:
                model.optimizer.build(model.trainable_variables)  # its state is in the file too
            model.load_weights(weights)
            print(f"  {self.experiment.key} {stage}: finished earlier, weights loaded", flush=True)
            return model
        run = self

        class Progress(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                loss = (logs or {}).get("loss")
                run.epoch_end(stage, epoch + 1, epochs, loss)
                if evaluate is not None and ((epoch + 1) % every == 0 or epoch + 1 == epochs):
                    run.point(evaluate(self.model))

        backup = keras.callbacks.BackupAndRestore(str(self.folder / f"{stage}-backup"))
        if not model.built:
            model.build((None,) + tuple(x.shape[1:]))
        model.fit(x, y, epochs=epochs, verbose=0, callbacks=[backup, Progress()], **fit_kwargs)
        partial = self.folder / f"{stage}.partial.weights.h5"
        model.save_weights(partial)
        os.replace(partial, weights)
        self.finish(stage, {"epochs": epochs})
        # Stages run in order, each from where the one before stopped (or on a model of its
        # own, whose result is recorded): only the newest weights are needed to resume.
        for older in self.folder.glob("*.weights.h5"):
            if older != weights:
                older.unlink()
        return model


def environment():
    """Return (machine, backend) descriptions for the JSON rows (no host names or paths)."""
    import keras

    from tools.run_notebooks import machine_description

    backend = f"{keras.backend.backend()} (Keras {keras.__version__}"
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        backend += f", TensorFlow {tf.__version__}"
    return machine_description(), backend + f", Python {platform.python_version()})"


def run_experiment(experiment, data, smoke, state_dir):
    """Run one experiment (resuming if it has state) and return its JSON row."""
    from tools.run_notebooks import calibrate, cpu_jiffies, load_note, others_share, own_cpu_seconds

    run = Run(experiment, state_dir, smoke)
    print(
        f"{experiment.key}: {experiment.title}, {run.total_epochs} epochs planned"
        + (", resuming" if run.resumed else ""),
        flush=True,
    )
    calibration = calibrate()
    own_before, ticks_before = own_cpu_seconds(), cpu_jiffies()
    outcome = experiment.run(run, data)
    share = others_share(ticks_before, cpu_jiffies(), own_cpu_seconds() - own_before)
    machine, backend = environment()
    value = float(outcome.pop("value"))
    beaten = value < experiment.published if experiment.better == "lower" else value > experiment.published
    row = {
        "key": experiment.key,
        "notebook": experiment.key[:2],
        "title": experiment.title,
        "metric": experiment.metric,
        "better": experiment.better,
        "ours": value,
        "published": experiment.published,
        "source": experiment.source,
        "beaten": bool(beaten),
        "moonshot": experiment.moonshot,
        "setup": outcome.pop("setup"),
        "epochs": run.state["epochs_done"],
        "wall_s": round(run.elapsed(), 1),
        "resumed": run.resumed,
        "curve": run.state["curve"],
        "details": outcome,
        "machine": machine,
        "backend": backend,
        "calibration_s": round(calibration, 2),
        "load": load_note(share),
        "command": f"python3 workshop.py reproduce {experiment.key[:2]} --mnist-path <full MNIST .npz>",
        "date": datetime.date.today().isoformat(),
    }
    verdict = "beaten" if beaten else ("reached" if experiment.moonshot else "NOT beaten")
    print(
        f"{experiment.key}: {experiment.metric} {value:.4g} against {experiment.published:g} "
        f"published ({verdict}), {clock(run.elapsed())}",
        flush=True,
    )
    shutil.rmtree(run.folder, ignore_errors=True)  # finished: the next call starts afresh
    return row


def results_readme(rows):
    lines = [
        "# Reproductions of the published figures",
        "",
        "Generated by `python3 workshop.py reproduce` from `reproductions.json`; do not edit.",
        "Each row: our value on the same data, test set and metric as the publication, the",
        "published value and its source, what it took, and the machine and time it took there.",
        "Times are wall-clock seconds of training and evaluation, summed over resumed sessions.",
        "",
        *readme_tables.reproduction_lines(rows),
        "",
        "![metric against training time](reproductions.png)",
        "",
    ]
    return "\n".join(lines)


def plot(rows, path):
    """Draw each experiment's metric against training time, the published value as a line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(rows.values(), key=lambda row: row["key"])
    columns = min(3, len(rows))
    lines = (len(rows) + columns - 1) // columns
    figure, axes = plt.subplots(lines, columns, figsize=(4.2 * columns, 3.2 * lines), squeeze=False)
    for axis, row in zip(axes.flat, rows):
        curve = row["curve"] or [[row["wall_s"], row["ours"]]]
        minutes = [seconds / 60 for seconds, _ in curve]
        axis.plot(minutes, [value for _, value in curve], "o-", markersize=3, label="ours")
        axis.axhline(row["published"], color="k", linestyle="--", label="published")
        axis.set_title(row["title"], fontsize=9)
        axis.set_xlabel("training time (minutes)", fontsize=8)
        axis.set_ylabel(row["metric"], fontsize=7)
        axis.legend(fontsize=7)
    for axis in list(axes.flat)[len(rows):]:
        axis.axis("off")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def write_results(rows, folder, readme=None):
    readme_tables.save_rows(folder / "reproductions.json", "reproductions", rows)
    (folder / "README.md").write_text(results_readme(rows), encoding="utf-8")
    plot(rows, folder / "reproductions.png")
    if readme is not None:
        readme_tables.update_readme(readme)


def main(only=None, mnist_path=None, smoke=False, fresh=False):
    from tools import experiments

    os.environ["WORKSHOP_FAST"] = "1" if smoke else "0"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    chosen = experiments.select(only)
    state_dir = (SMOKE if smoke else STATE)
    results = SMOKE if smoke else RESULTS
    if fresh:
        for experiment in chosen:
            shutil.rmtree(state_dir / experiment.key, ignore_errors=True)
    from utils import data

    rows = readme_tables.load_rows(results / "reproductions.json", "reproductions")
    print(f"Reproducing {len(chosen)} experiment(s){' (smoke test: the numbers mean nothing)' if smoke else ''}")
    for experiment in chosen:
        loaded = experiments.load_data(experiment, data, mnist_path, smoke)
        rows[experiment.key] = run_experiment(experiment, loaded, smoke, state_dir)
        write_results(rows, results, None if smoke else README)
    where = results.relative_to(ROOT) if results.is_relative_to(ROOT) else results.name
    print(f"Wrote reproductions.json, README.md and reproductions.png in {where}/")
    return 0
