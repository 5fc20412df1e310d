"""Stored notebooks are what JupyterLab would write: opening one marks nothing as changed.

JupyterLab reads a notebook through nbformat, and on saving writes it back through nbformat;
when its kernel starts it writes the kernel's spec (and language_info) into the metadata,
and any difference marks the notebook changed. tests/browser checks this in a real browser
on notebook 00; these checks cover every notebook without one.
"""

import io
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import KERNEL_NAME, get_kernel_dict

from tools.make_exercises import KERNELSPEC, dumps

ROOT = Path(__file__).resolve().parents[1]
STORED = sorted(ROOT.glob("solutions/[0-9][0-9]_*.ipynb")) + sorted(
    ROOT.glob("notebooks/[0-9][0-9]_*.ipynb")
)


def jupyter_save(text):
    """Return what Jupyter's server writes for a notebook file read from ``text``."""
    buffer = io.StringIO()
    nbformat.write(nbformat.reads(text, as_version=nbformat.NO_CONVERT), buffer)
    return buffer.getvalue()


def test_the_kernelspec_is_ipykernels_own():
    spec = get_kernel_dict()
    assert KERNELSPEC == {
        "display_name": spec["display_name"],
        "language": spec["language"],
        "name": KERNEL_NAME,
    }


def test_dumps_writes_what_jupyter_writes():
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Title\n\nTwo lines\nof text."),
            nbformat.v4.new_code_cell("x = 1\nprint(x)"),
        ]
    )
    notebook.cells[1].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="1\n2\n")
    ]
    text = dumps(notebook)
    assert text == jupyter_save(text)
    assert '"Two lines\\n",' in text and text.endswith("}\n")


@pytest.mark.parametrize("path", STORED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_stored_notebook_is_left_as_it_is_by_jupyter(path):
    text = path.read_text(encoding="utf-8")
    assert text == jupyter_save(text), "re-serialise it: python3 workshop.py sync"
    metadata = nbformat.reads(text, as_version=4).metadata
    assert metadata.kernelspec == KERNELSPEC
