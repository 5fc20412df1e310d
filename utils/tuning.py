"""The "Tune it" helper: run a short experiment per setting and compare the runs in a table.

table = tuning.ComparisonTable(run_experiment)   # run_experiment(**params) -> dict
table.run(code_size=10, epochs=20)               # adds a row and shows the table
table.panel(code_size=(1, 40), epochs=(5, 100))  # a panel with a Run button (ipywidgets)
table.frame                                      # the rows as a pandas DataFrame

In a notebook the table is shown as HTML (the DataFrame), once per cell: a second ``run``
in the same cell updates the table already shown instead of showing another. Elsewhere
each run prints the table as text. The panel opens at the settings of the last run (the
cell above it) and shows one table per click, never the raw results dict.
"""

import inspect
import time
from collections.abc import Callable

import pandas as pd

from utils.validation import check_type

_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _named_parameters(experiment):
    """Return the signature of ``experiment``, refusing *args, **kwargs and the like."""
    try:
        signature = inspect.signature(experiment)
    except (TypeError, ValueError):
        raise ValueError(
            "Expected `experiment` as a function whose parameters Python can read. "
            f"Received: {experiment!r:.80}"
        ) from None
    others = [p.name for p in signature.parameters.values() if p.kind not in _NAMED]
    if others:
        raise ValueError(
            "Expected `experiment` with named parameters only (no *args, **kwargs or "
            f"positional-only ones). Received: {others}"
        )
    return signature


def _format_float(value):
    return f"{value:.4g}"


def _cell_key():
    """Return what identifies the request being run: one cell's run, or one panel click."""
    from IPython import get_ipython

    shell = get_ipython()
    try:
        return shell.kernel.get_parent()["header"]["msg_id"]
    except Exception:  # an older ipykernel: the cell's execution count
        return getattr(shell, "execution_count", None)


def _display(frame, handle=None):
    """Show ``frame`` as a new output (``handle`` None) or in place of ``handle``'s one.

    Returns:
        the ``IPython.display.DisplayHandle`` that shows the table.
    """
    from IPython.display import display

    with pd.option_context("display.float_format", _format_float):
        if handle is None:
            return display(frame, display_id=True)
        handle.update(frame)
        return handle


def _panel_widget(abbreviation, value):
    """Return the ipywidgets widget for ``abbreviation`` that starts at ``value``.

    A (min, max[, step]) tuple gives a slider, widened to hold ``value``; a list gives a
    drop-down, with ``value`` added when it is not among the options.
    """
    from ipywidgets import interactive

    if isinstance(abbreviation, list) and value not in abbreviation:
        abbreviation = [*abbreviation, value]
    elif (
        isinstance(abbreviation, tuple)
        and len(abbreviation) in (2, 3)
        and all(isinstance(v, (int, float)) for v in abbreviation)
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    ):
        low, high, *step = abbreviation
        abbreviation = (min(low, value), max(high, value), *step)
    return interactive.widget_from_abbrev(abbreviation, value)


def _in_notebook():
    """Return True inside a Jupyter kernel (which shows HTML), False elsewhere."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class ComparisonTable:
    """Runs ``experiment(**params)`` and keeps one row per run: params, results, seconds.

    Args:
        experiment: a function taking hyper-parameters as named (keyword) arguments and
            returning a dict of results, e.g. ``{"test_mse": 0.01}``.

    Raises:
        TypeError: for an ``experiment`` that is not callable.
        ValueError: for an experiment with *args, **kwargs or positional-only
            parameters, or one whose signature cannot be read.
    """

    def __init__(self, experiment):
        check_type(experiment, "experiment", Callable, "a function")
        self.signature = _named_parameters(experiment)
        self.experiment = experiment
        self.parameters = list(self.signature.parameters)
        self._frame = pd.DataFrame()
        self._last_params = {
            name: parameter.default
            for name, parameter in self.signature.parameters.items()
            if parameter.default is not inspect.Parameter.empty
        }
        self._handle = self._handle_key = None

    @property
    def frame(self):
        """pandas.DataFrame: a copy of the table, one row per run, one column per
        parameter and result, then ``seconds`` (the run's wall time, rounded to 0.1 s).
        """
        return self._frame.copy()

    @property
    def rows(self):
        """list of dict: the runs, one dict per row (a missing result is NaN)."""
        return self._frame.to_dict("records")

    def run(self, **params):
        """Run one experiment, add its row, show the table and return the results dict.

        In a notebook, the runs of one cell share one table, updated after each run.

        Args:
            **params: values for the experiment's parameters; the others take their
                defaults (each row shows every parameter).

        Returns:
            dict, the experiment's results.

        Raises:
            ValueError: for a parameter name that the experiment does not take, a
                parameter without a default left out, or results named like a
                parameter or ``seconds``.
            TypeError: when the experiment returns something other than a dict.
        """
        results = self._record(params)
        self._show()
        return results

    def _record(self, params):
        """Run the experiment with ``params``, add its row and return its results."""
        self._check_names(params)
        missing = [
            name
            for name, parameter in self.signature.parameters.items()
            if parameter.default is inspect.Parameter.empty and name not in params
        ]
        if missing:
            raise ValueError(
                "Expected a value for each parameter without a default. "
                f"Received none for: {missing}"
            )
        bound = self.signature.bind(**params)
        bound.apply_defaults()  # every row shows every parameter, defaults included
        start = time.perf_counter()
        results = self.experiment(**bound.arguments)
        seconds = time.perf_counter() - start
        self._check_results(results)
        row = {**bound.arguments, **results, "seconds": round(seconds, 1)}
        new_row = pd.DataFrame([row])
        self._frame = (
            new_row
            if self._frame.empty
            else pd.concat([self._frame, new_row], ignore_index=True)
        )
        self._last_params = dict(bound.arguments)
        return results

    def as_text(self):
        """Return the table as plain text, one row per run, floats to 4 digits."""
        if self._frame.empty:
            return "(no runs yet)"
        return self._frame.to_string(
            index=False, float_format=_format_float, na_rep=""
        )

    def panel(self, **choices):
        """Show an ``interact_manual`` panel (ipywidgets) whose button runs an experiment.

        The widgets start at the settings of the last run (the experiment's defaults
        before any run), so the panel opens where the table stopped. Each click adds a
        row and shows the table once; the results dict is not shown. Parameters left
        out of ``choices`` take the experiment's defaults.

        Args:
            **choices: for each parameter, what ``interact_manual`` accepts: a
                (min, max) or (min, max, step) tuple for a slider, widened to hold the
                starting value, or a list for a drop-down, with the starting value
                added when it is missing.

        Returns:
            the ``interact_manual`` widget function, or None without ipywidgets (then
            it prints how to call ``run`` instead).

        Raises:
            ValueError: for a name that the experiment does not take.
        """
        self._check_names(choices)
        try:
            from ipywidgets import interact_manual
        except ImportError:
            example = ", ".join(f"{name}=..." for name in choices)
            print(f"ipywidgets is not installed: call table.run({example}) instead.")
            return None
        widgets = {
            name: _panel_widget(abbreviation, self._last_params.get(name))
            for name, abbreviation in choices.items()
        }

        def run_from_panel(**params):
            self._record(params)
            self._show(fresh=True)  # returns None: interact shows no results dict

        run_from_panel.__doc__ = self.experiment.__doc__
        return interact_manual(run_from_panel, **widgets)

    def _check_names(self, names):
        unknown = sorted(set(names) - set(self.parameters))
        if unknown:
            raise ValueError(
                f"Expected parameters among {self.parameters}. "
                f"Received unknown: {unknown}"
            )

    def _check_results(self, results):
        if not isinstance(results, dict):
            raise TypeError(
                "Expected the experiment to return a dict of results such as "
                f"{{'test_mse': 0.01}}. Received: {type(results).__name__}"
            )
        clashes = sorted(set(results) & {*self.parameters, "seconds"}, key=str)
        if clashes:
            raise ValueError(
                "Expected result names other than the parameters and 'seconds'. "
                f"Received: {clashes}"
            )

    def _show(self, fresh=False):
        """Show the table as HTML in a notebook, print it as text elsewhere.

        In a notebook, a later run in the same cell updates the table shown by the
        first one; ``fresh=True`` (a panel click) always shows a new table.
        """
        if not _in_notebook():
            print(self.as_text())
            return
        key = _cell_key()
        if fresh or self._handle is None or key != self._handle_key:
            self._handle = _display(self._frame)
        else:
            self._handle = _display(self._frame, self._handle)
        self._handle_key = key
