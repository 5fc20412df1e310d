import pandas as pd
import pytest

from utils import config, tuning


def test_fast_mode_and_mode_helpers(monkeypatch):
    monkeypatch.setenv("WORKSHOP_FAST", "1")
    assert config.fast_mode() and config.epochs(full=50, fast=2) == 2
    assert config.samples(full=None, fast=100) == 100 and config.fit_verbose() == 0
    monkeypatch.setenv("WORKSHOP_FAST", "0")
    assert not config.fast_mode() and config.epochs(full=50, fast=2) == 50
    assert config.samples(full=None, fast=100) is None
    monkeypatch.setenv("WORKSHOP_FAST", "yes please")
    with pytest.raises(ValueError, match="Expected WORKSHOP_FAST to be 0 or 1"):
        config.fast_mode()


def test_mode_helper_errors():
    with pytest.raises(ValueError, match=r"Expected `full` as an int >= 1\. Received: full=0"):
        config.epochs(full=0, fast=1)
    with pytest.raises(ValueError, match=r"Expected `fast` as an int >= 1 or None\. Received: fast=-1"):
        config.samples(full=10, fast=-1)
    with pytest.raises(ValueError, match="Expected `seed`"):
        config.setup(seed="42")
    with pytest.raises(ValueError, match="Expected `seed` as an int >= 0"):
        config.setup(seed=-1)
    with pytest.raises(TypeError, match="Expected `name` as a str"):
        config.headline(3, 0.5)
    with pytest.raises(ValueError, match="Expected a non-empty `name`"):
        config.headline(" ", 0.5)


def test_environment_report_names_versions_and_data_source():
    lines, problems = config.environment_report()
    text = "\n".join(lines)
    for expected in (
        "Python",
        "Keras",
        "backend",
        "Devices",
        "MNIST source",
        "Keras cache",
    ):
        assert expected in text
    assert isinstance(problems, list)


def test_headline_format(capsys):
    config.headline("bit errors", 0, "0 in the course")
    assert (
        capsys.readouterr().out
        == "HEADLINE: bit errors = 0 (reference: 0 in the course)\n"
    )


def test_comparison_table(capsys):
    table = tuning.ComparisonTable(lambda size=1, rate=0.1: {"loss": size * rate})
    assert table.run(size=3) == {"loss": pytest.approx(0.3)}
    table.run(size=2, rate=0.5)
    lines = table.as_text().splitlines()
    assert lines[0].split() == ["size", "rate", "loss", "seconds"] and len(lines) == 3
    with pytest.raises(
        ValueError, match=r"Expected parameters among \['size', 'rate'\]"
    ):
        table.run(depth=3)
    with pytest.raises(TypeError, match="Expected `experiment` as a function"):
        tuning.ComparisonTable(42)
    bad = tuning.ComparisonTable(lambda: 1.0)
    with pytest.raises(TypeError, match="return a dict"):
        bad.run()


def test_comparison_table_keeps_its_rows_in_a_dataframe(capsys):
    table = tuning.ComparisonTable(lambda size=1, rate=0.1: {"loss": size * rate})
    assert table.frame.empty and table.as_text() == "(no runs yet)"
    table.run(size=3)
    table.run(size=2, rate=0.5)
    frame = table.frame
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["size", "rate", "loss", "seconds"]
    assert frame["size"].tolist() == [3, 2]
    assert frame["loss"].tolist() == pytest.approx([0.3, 1.0])
    frame.loc[0, "size"] = 99  # a copy: the table keeps its rows
    assert table.frame.loc[0, "size"] == 3
    assert table.rows[1]["rate"] == 0.5
    # Outside a notebook each run prints the table as text.
    printed = capsys.readouterr().out
    assert printed.count("size") == 2 and "(no runs" not in printed


class FakeHandle:
    """Stands for IPython's DisplayHandle: counts the tables shown and updated."""

    def __init__(self, shown):
        self.shown = shown
        shown.append(self)
        self.frames = []


def fake_notebook(monkeypatch, key):
    """Make tuning believe it runs in a notebook cell whose request id is key[0]."""
    handles = []

    def display(frame, handle=None):
        handle = handle or FakeHandle(handles)
        with pd.option_context("display.float_format", tuning._format_float):
            handle.frames.append(frame._repr_html_())
        return handle

    monkeypatch.setattr(tuning, "_in_notebook", lambda: True)
    monkeypatch.setattr(tuning, "_cell_key", lambda: key[0])
    monkeypatch.setattr(tuning, "_display", display)
    return handles


def test_comparison_table_shows_one_html_table_per_cell(monkeypatch, capsys):
    key = ["cell 1"]
    handles = fake_notebook(monkeypatch, key)
    table = tuning.ComparisonTable(lambda size=1: {"loss": 0.123456})
    table.run(size=2)
    table.run(size=3)  # same cell: the table shown above is updated, not shown again
    assert len(handles) == 1 and len(handles[0].frames) == 2
    assert "0.1235" in handles[0].frames[-1] and handles[0].frames[-1].count("<tr") == 3
    assert capsys.readouterr().out == ""  # no text copy next to the HTML table
    key[0] = "cell 2"  # the cell run again, or another cell: a new table
    table.run(size=4)
    assert len(handles) == 2 and handles[1].frames[-1].count("<tr") == 4


def test_panel_opens_at_the_last_run_and_shows_one_table_per_click(monkeypatch, capsys):
    pytest.importorskip("ipywidgets")
    key = ["cell 1"]
    handles = fake_notebook(monkeypatch, key)
    table = tuning.ComparisonTable(
        lambda code_size=20, epochs=10, rate=0.01: {"loss": code_size * rate}
    )
    opened = table.panel(code_size=(1, 40), epochs=(5, 50), rate=[0.1, 0.01])
    starts = {w.description: w.value for w in opened.widget.kwargs_widgets}
    assert starts == {"code_size": 20, "epochs": 10, "rate": 0.01}  # the defaults
    table.run(epochs=3, rate=0.001)
    table.run(code_size=8, epochs=3, rate=0.001)
    opened = table.panel(code_size=(1, 40), epochs=(5, 50), rate=[0.1, 0.01])
    widgets = {w.description: w for w in opened.widget.kwargs_widgets}
    assert {name: w.value for name, w in widgets.items()} == {
        "code_size": 8,
        "epochs": 3,
        "rate": 0.001,
    }  # the cell above's last run; the slider and the list widen to hold them
    assert widgets["epochs"].min == 3 and 0.001 in widgets["rate"].options
    shown_before = len(handles)
    assert opened(code_size=8, epochs=3, rate=0.1) is None  # a click returns no dict
    assert len(handles) == shown_before + 1 and len(table.frame) == 3
    assert "{" not in capsys.readouterr().out  # no raw results dict printed


def test_panel_button_runs_the_experiment_at_the_widgets_values(monkeypatch):
    """The Run button, as a learner clicks it (ipywidgets 7 on Colab, 8 pinned)."""
    ipywidgets = pytest.importorskip("ipywidgets")
    handles = fake_notebook(monkeypatch, ["cell 1"])
    table = tuning.ComparisonTable(lambda code_size=20, rate=0.01: {"loss": code_size * rate})
    opened = table.panel(code_size=(1, 40), rate=[0.1, 0.01])
    panel = opened.widget
    assert isinstance(panel, ipywidgets.interactive)
    assert len(table.frame) == 0  # opening the panel runs nothing
    widgets = {w.description: w for w in panel.kwargs_widgets}
    widgets["code_size"].value = 8
    widgets["rate"].value = 0.1
    panel.manual_button.click()
    assert table.frame[["code_size", "rate", "loss"]].values.tolist() == [[8, 0.1, 0.8]]
    assert len(handles) == 1
    print(f"ipywidgets {ipywidgets.__version__}: the button ran one experiment")


def test_comparison_table_leaves_missing_results_blank(capsys):
    table = tuning.ComparisonTable(lambda mode="a": {mode: 1.0 if mode == "a" else 0.0})
    table.run()
    table.run(mode="b")
    lines = table.as_text().splitlines()
    assert lines[0].split() == ["mode", "a", "seconds", "b"]
    assert lines[1].split()[:2] == ["a", "1"] and lines[2].split()[:2] == ["b", "0"]
    assert table.frame["b"].isna().tolist() == [True, False]


def experiment_with_required(size, rate=0.1):
    return {"loss": size * rate}


REQUIRED = experiment_with_required


@pytest.mark.parametrize(
    "experiment, params, error, message",
    [
        (REQUIRED, {"rate": 0.2}, ValueError, "Received none for: ['size']"),
        (REQUIRED, {"depth": 2}, ValueError, "Received unknown: ['depth']"),
        (lambda size=1: {"size": 2}, {}, ValueError, "Received: ['size']"),
        (lambda size=1: {"seconds": 2}, {}, ValueError, "Received: ['seconds']"),
        (lambda size=1: [size], {}, TypeError, "Received: list"),
        (lambda size=1: None, {}, TypeError, "Received: NoneType"),
    ],
)
def test_comparison_table_bad_runs(experiment, params, error, message):
    table = tuning.ComparisonTable(experiment)
    with pytest.raises(error, match="Expected") as raised:
        table.run(**params)
    assert message in str(raised.value)
    with pytest.raises(ValueError, match=r"Received unknown: \['depth'\]"):
        table.panel(depth=(1, 3))
    assert table.frame.empty


@pytest.mark.parametrize(
    "experiment, error, message",
    [
        (42, TypeError, "Expected `experiment` as a function. Received: 42 (int)"),
        ("run", TypeError, "Expected `experiment` as a function"),
        (None, TypeError, "Expected `experiment` as a function"),
        (lambda *sizes: {}, ValueError, "Received: ['sizes']"),
        (lambda **options: {}, ValueError, "Received: ['options']"),
    ],
)
def test_comparison_table_bad_experiments(experiment, error, message):
    with pytest.raises(error, match="Expected") as raised:
        tuning.ComparisonTable(experiment)
    assert message in str(raised.value)
