"""Execute the solution notebooks headless, like an instructor's dry run before class.

Writes ``build/NN_name.ipynb`` and ``build/NN_name.html`` for each notebook, prints
progress and a summary table (notebook, status, wall time, headline metric), writes the
table to ``build/summary.md``, and returns 1 if any notebook failed, naming the cell.
"""

import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbconvert import HTMLExporter

from tools import make_exercises
from tools.make_exercises import SOLUTIONS, dumps, stamp

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
HEADLINE_PREFIX = "HEADLINE: "


def find_notebooks(only=None):
    notebooks = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    if only:
        wanted = {number.zfill(2) for number in only}
        unknown = wanted - {p.name[:2] for p in notebooks}
        if unknown:
            raise SystemExit(
                f"Expected notebook numbers among {[p.name[:2] for p in notebooks]}. "
                f"Received: {sorted(unknown)}"
            )
        notebooks = [p for p in notebooks if p.name[:2] in wanted]
    return notebooks


def headlines(notebook):
    """Return the ``HEADLINE:`` lines printed by the notebook's cells."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = (
                output.get("text", "") if output.get("output_type") == "stream" else ""
            )
            found += [
                line[len(HEADLINE_PREFIX) :]
                for line in text.splitlines()
                if line.startswith(HEADLINE_PREFIX)
            ]
    return found


def failed_cell(notebook):
    """Return (index, first source line, error line) of the cell holding an error output."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first_line = next(
                    (line for line in cell.source.splitlines() if line.strip()), ""
                )
                return (
                    index,
                    first_line,
                    f"{output.get('ename')}: {output.get('evalue')}",
                )
    return None


def execute(path, timeout):
    """Execute one notebook in place in memory; return (notebook, error text or None)."""
    notebook = nbformat.read(path, as_version=4)
    code_cells = sum(cell.cell_type == "code" for cell in notebook.cells)
    done = [0]

    def progress(cell, cell_index, execute_reply):
        if cell.cell_type == "code":
            done[0] += 1
            if (
                sys.stdout.isatty()
            ):  # a live counter for people; logs get one line per notebook
                print(f"\r    cell {done[0]}/{code_cells}", end="", flush=True)

    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_executed=progress,
    )
    try:
        client.execute()
        error = None
    except (CellExecutionError, CellTimeoutError) as exc:
        where = failed_cell(notebook)
        if where:
            index, first_line, message = where
            error = f"cell {index} (`{first_line[:60]}`): {message}"
        else:
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:200]}"
    if sys.stdout.isatty():
        print("\r", end="")
    return notebook, error


def main(full=False, only=None, mnist_path=None, store=False, timeout=1800):
    os.environ["WORKSHOP_FAST"] = "0" if full else "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if mnist_path:
        if not Path(mnist_path).expanduser().is_file():
            raise SystemExit(
                f"Expected an MNIST .npz at --mnist-path. Received: {mnist_path} (no such file)"
            )
        os.environ["WORKSHOP_MNIST_PATH"] = str(Path(mnist_path).expanduser().resolve())
    notebooks = find_notebooks(only)
    BUILD.mkdir(exist_ok=True)
    mode = "full" if full else "fast"
    print(
        f"Running {len(notebooks)} notebook(s) in {mode} mode on {platform.node()} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}); outputs in {BUILD}/"
    )
    rows = []
    for number, path in enumerate(notebooks, start=1):
        print(f"[{number}/{len(notebooks)}] {path.name} ...", flush=True)
        start = time.perf_counter()
        notebook, error = execute(path, timeout)
        seconds = time.perf_counter() - start
        nbformat.write(notebook, BUILD / path.name)
        html, _ = HTMLExporter().from_notebook_node(notebook)
        (BUILD / path.with_suffix(".html").name).write_text(html, encoding="utf-8")
        status = "FAILED" if error else "ok"
        print(
            f"    {status} in {seconds:.1f} s" + (f": {error}" if error else ""),
            flush=True,
        )
        if store and not error:
            stored = stamp(nbformat.from_dict(notebook), "solutions", path.name)
            path.write_text(dumps(stored), encoding="utf-8")
            print(f"    stored full-mode outputs in {path.relative_to(ROOT)}")
        rows.append(
            (path.stem, status, seconds, "; ".join(headlines(notebook)) or "-", error)
        )
    if store:
        make_exercises.main()  # the exercises follow the solutions they come from
    table = summary_table(rows, mode)
    print()
    print(table)
    (BUILD / "summary.md").write_text(table + "\n", encoding="utf-8")
    failures = [row for row in rows if row[4]]
    for name, _, _, _, error in failures:
        print(f"FAILED {name}: {error}")
    return 1 if failures else 0


def summary_table(rows, mode):
    lines = [
        f"Workshop run, {mode} mode, on {platform.node()} ({os.cpu_count()} CPUs), "
        f"Python {sys.version.split()[0]}",
        "",
        "| notebook | status | wall time | headline |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {status} | {seconds:.1f} s | {headline} |"
        for name, status, seconds, headline, _ in rows
    ]
    total = sum(row[2] for row in rows)
    lines.append(
        f"| total | {sum(r[1] == 'ok' for r in rows)}/{len(rows)} ok | {total:.1f} s | |"
    )
    return "\n".join(lines)
