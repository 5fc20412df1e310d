"""The "Tune it" helper: run a short experiment per setting and compare the runs in a table.

table = tuning.ComparisonTable(run_experiment)   # run_experiment(**params) -> dict
table.run(code_size=10, epochs=20)               # adds a row and shows the table
table.panel(code_size=(1, 40), epochs=(5, 100))  # a panel with a Run button (ipywidgets)
table.frame                                      # the rows as a pandas DataFrame

In a notebook the table is shown as HTML (the DataFrame); elsewhere, printed as text.
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
        self._show()
        return results

    def as_text(self):
        """Return the table as plain text, one row per run, floats to 4 digits."""
        if self._frame.empty:
            return "(no runs yet)"
        return self._frame.to_string(
            index=False, float_format=_format_float, na_rep=""
        )

    def panel(self, **choices):
        """Show an ``interact_manual`` panel (ipywidgets) whose button calls ``run``.

        Args:
            **choices: for each parameter, what ``interact_manual`` accepts: a
                (min, max) tuple for a slider, a list for a drop-down.

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
        return interact_manual(self.run, **choices)

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

    def _show(self):
        """Display the table as HTML in a notebook, print it as text elsewhere."""
        if not _in_notebook():
            print(self.as_text())
            return
        from IPython.display import display

        with pd.option_context("display.float_format", _format_float):
            display(self._frame)
