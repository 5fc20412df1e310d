"""The "Tune it" helper: run a short experiment per setting and compare the runs in a table.

table = tuning.ComparisonTable(run_experiment)   # run_experiment(**params) -> dict
table.run(code_size=10, epochs=20)               # adds a row and shows the table
table.panel(code_size=(1, 40), epochs=(5, 100))  # a panel with a Run button (ipywidgets)
"""

import inspect
import time


class ComparisonTable:
    """Runs ``experiment(**params)`` and keeps one row per run: params, results, seconds.

    Args:
        experiment: a function taking hyper-parameters as keyword arguments and returning
            a dict of results, e.g. ``{"test_mse": 0.01}``.
    """

    def __init__(self, experiment):
        if not callable(experiment):
            raise ValueError(
                f"Expected `experiment` to be a function. Received: {type(experiment).__name__}"
            )
        self.experiment = experiment
        self.parameters = list(inspect.signature(experiment).parameters)
        self.rows = []

    def run(self, **params):
        """Run one experiment, add its row, print the table and return the results dict."""
        unknown = sorted(set(params) - set(self.parameters))
        if unknown:
            raise ValueError(
                f"Expected parameters among {self.parameters}. Received unknown: {unknown}"
            )
        bound = inspect.signature(self.experiment).bind(**params)
        bound.apply_defaults()  # every row shows every parameter, defaults included
        start = time.perf_counter()
        results = self.experiment(**bound.arguments)
        seconds = time.perf_counter() - start
        if not isinstance(results, dict):
            raise ValueError(
                f"Expected the experiment to return a dict of results. Received: {type(results).__name__}"
            )
        self.rows.append({**bound.arguments, **results, "seconds": round(seconds, 1)})
        print(self.as_text())
        return results

    def as_text(self):
        """Return the table as aligned plain text, one row per run."""
        if not self.rows:
            return "(no runs yet)"
        columns = list(dict.fromkeys(key for row in self.rows for key in row))
        cells = [
            [_format(row.get(column, "")) for column in columns] for row in self.rows
        ]
        widths = [
            max(len(column), *(len(row[i]) for row in cells))
            for i, column in enumerate(columns)
        ]
        lines = [
            "  ".join(column.rjust(width) for column, width in zip(columns, widths))
        ]
        lines += [
            "  ".join(cell.rjust(width) for cell, width in zip(row, widths))
            for row in cells
        ]
        return "\n".join(lines)

    def panel(self, **choices):
        """Show an ``interact_manual`` panel (ipywidgets) whose button calls ``run``.

        ``choices`` maps each parameter to what ``interact_manual`` accepts: a
        (min, max) tuple for a slider, a list for a drop-down. Without ipywidgets, print
        how to call ``run`` instead.
        """
        unknown = sorted(set(choices) - set(self.parameters))
        if unknown:
            raise ValueError(
                f"Expected parameters among {self.parameters}. Received unknown: {unknown}"
            )
        try:
            from ipywidgets import interact_manual
        except ImportError:
            example = ", ".join(f"{name}=..." for name in choices)
            print(f"ipywidgets is not installed: call table.run({example}) instead.")
            return None
        return interact_manual(self.run, **choices)


def _format(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
