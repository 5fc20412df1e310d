"""The same notebook run twice, each in a fresh kernel, prints the same headline lines.

``config.setup`` seeds Python, NumPy and the Keras backend, so a learner who reruns a
notebook, and the README's numbers, get the same results. Notebook 09 is used because it
is the cheapest one that prints a headline (about 15 s in fast mode on 2 CPUs) and it
trains two models, dense and LSTM, drawing random weights, shuffles and noise.
"""

from tools import run_notebooks

NOTEBOOK_NUMBER = "09"


def test_a_notebook_run_twice_prints_the_same_headlines():
    (path,) = run_notebooks.find_notebooks(only=[NOTEBOOK_NUMBER])
    runs = []
    for _ in range(2):
        notebook, error = run_notebooks.execute(path, timeout=600)
        assert error is None, f"{path.name} failed: {error}"
        runs.append(run_notebooks.headlines(notebook))
    assert runs[0], f"{path.name} printed no HEADLINE line"
    assert runs[1] == runs[0], f"{path.name} is not reproducible: {runs}"
