"""Execute the solution notebooks headless, like an instructor's dry run before class.

Writes ``build/NN_name.ipynb`` and ``build/NN_name.html`` for each notebook, prints
progress and a summary table (notebook, status, wall time, headline metric), writes the
table to ``build/summary.md``, and returns 1 if any notebook failed, naming the cell.
"""

import collections
import os
import platform
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbconvert import HTMLExporter

from tools import make_exercises, readme_tables
from tools.make_exercises import SOLUTIONS, dumps, stamp

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
HEADLINE_PREFIX = "HEADLINE: "
# Other processes using more than this share of all CPUs during a notebook make its time
# a measure of the machine's load, not of the notebook: the runner says so.
BUSY_SHARE = 0.15


def calibrate(repeats=3):
    """Return seconds for one fixed workload (20 float32 1024 x 1024 matrix products).

    The best of ``repeats`` runs, measured just before each notebook: a machine twice as
    fast, or half as loaded, shows about half the figure, so notebook times taken on
    different machines or under different loads can be compared through it.
    """
    import numpy as np

    matrix = np.random.default_rng(0).standard_normal((1024, 1024)).astype("float32")
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(20):
            matrix @ matrix
        best = min(best, time.perf_counter() - start)
    return best


def cpu_jiffies():
    """Return (busy, total) CPU ticks of the whole machine so far, or None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def others_share(before, after, own_seconds):
    """Return the share (0-1) of all CPUs that other processes used between two readings.

    ``own_seconds`` is the CPU time of this runner and its kernels over the same span.
    Returns None when /proc/stat is not available.
    """
    if before is None or after is None:
        return None
    ticks_per_second = os.sysconf("SC_CLK_TCK")
    busy = (after[0] - before[0]) / ticks_per_second
    total = (after[1] - before[1]) / ticks_per_second
    if total <= 0:
        return None
    return max(0.0, busy - own_seconds) / total


def own_cpu_seconds():
    """CPU seconds used by this process and its finished children (the kernels)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


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
        record_timing=True,  # per-cell times for build/timings.md; not stored
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


def cell_seconds(notebook):
    """Return [(seconds, cell index, first source line)] of the executed code cells."""
    from datetime import datetime

    timed = []
    for index, cell in enumerate(notebook.cells):
        execution = cell.get("metadata", {}).get("execution", {})
        start, end = execution.get("iopub.status.busy"), execution.get(
            "shell.execute_reply"
        )
        if cell.cell_type != "code" or not (start and end):
            continue
        seconds = (
            datetime.fromisoformat(end.replace("Z", "+00:00"))
            - datetime.fromisoformat(start.replace("Z", "+00:00"))
        ).total_seconds()
        first_line = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
        timed.append((seconds, index, first_line[:70]))
    return timed


def without_timing(notebook):
    """Return a copy of ``notebook`` without the per-cell execution times."""
    notebook = nbformat.from_dict(notebook)
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)
    return notebook


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
    timings = [f"# Slowest cells, {mode} mode\n"]
    for number, path in enumerate(notebooks, start=1):
        print(f"[{number}/{len(notebooks)}] {path.name} ...", flush=True)
        calibration = calibrate()
        own_before, ticks_before = own_cpu_seconds(), cpu_jiffies()
        start = time.perf_counter()
        notebook, error = execute(path, timeout)
        seconds = time.perf_counter() - start
        share = others_share(
            ticks_before, cpu_jiffies(), own_cpu_seconds() - own_before
        )
        load = load_note(share)
        nbformat.write(notebook, BUILD / path.name)
        html, _ = HTMLExporter().from_notebook_node(notebook)
        (BUILD / path.with_suffix(".html").name).write_text(html, encoding="utf-8")
        status = "FAILED" if error else "ok"
        print(
            f"    {status} in {seconds:.1f} s (calibration {calibration:.2f} s; {load})"
            + (f": {error}" if error else ""),
            flush=True,
        )
        if store and not error:
            record = run_record(path.stem, seconds, calibration, load, headlines(notebook))
            stored = with_runtime(without_timing(notebook), record)
            stored = stamp(stored, "solutions", path.name)
            path.write_text(dumps(stored), encoding="utf-8")
            save_run_record(record)
            print(f"    stored full-mode outputs in {path.relative_to(ROOT)}")
        slowest = sorted(cell_seconds(notebook), reverse=True)[:5]
        timings.append(f"## {path.stem} ({seconds:.0f} s)\n")
        timings += [f"- cell {i}: {t:.1f} s `{line}`" for t, i, line in slowest]
        timings.append("")
        rows.append(
            Row(
                path.stem,
                status,
                seconds,
                "; ".join(headlines(notebook)) or "-",
                error,
                calibration,
                load,
            )
        )
    if store:
        make_exercises.main()  # the exercises follow the solutions they come from
        readme_tables.update_readme()
    table = summary_table(rows, mode)
    print()
    print(table)
    (BUILD / "summary.md").write_text(table + "\n", encoding="utf-8")
    (BUILD / "timings.md").write_text("\n".join(timings) + "\n", encoding="utf-8")
    print(f"Slowest cells of each notebook: {(BUILD / 'timings.md').relative_to(ROOT)}")
    failures = [row for row in rows if row.error]
    for row in failures:
        print(f"FAILED {row.name}: {row.error}")
    return 1 if failures else 0


RUNTIME_PATTERN = re.compile(
    r"Running the whole notebook (?:in full mode )?took\n.*?measured with\n`python3 workshop\.py run(?: --full)?`\)",
    re.DOTALL,
)


def machine_description():
    """The machine in words, without its name: CPUs and accelerators."""
    from utils import config

    with config.quiet_native_stderr():
        lines, _ = config.environment_report()
    devices = next((line for line in lines if line.startswith("Devices: ")), "Devices: ?")
    devices = devices[len("Devices: "):]
    return f"{os.cpu_count()} CPUs, " + ("no GPU" if devices == "CPU only" else devices)


def run_record(name, seconds, calibration, load, found_headlines):
    """Return the JSON row of a stored full-mode run of notebook ``name``."""
    import datetime

    return {
        "key": name,
        "seconds": round(seconds, 1),
        "calibration_s": round(calibration, 2),
        "load": load,
        "headlines": found_headlines,
        "machine": machine_description(),
        "date": datetime.date.today().isoformat(),
    }


def save_run_record(record):
    rows = readme_tables.load_rows(readme_tables.NOTEBOOK_RUNS, "notebooks")
    rows[record["key"]] = record
    readme_tables.save_rows(readme_tables.NOTEBOOK_RUNS, "notebooks", rows)


def runtime_sentence(record):
    """The header's sentence on how long the notebook took, written from the run itself."""
    quiet = "quiet" if record["load"].startswith("quiet") else record["load"]
    return (
        f"Running the whole notebook in full mode took\n{record['seconds'] / 60:.1f} minutes "
        f"({record['seconds']:.0f} s) on {record['machine']} ({quiet}), on {record['date']} "
        f"(calibration {record['calibration_s']:.2f} s; measured with\n`python3 workshop.py run --full`)"
    )


def with_runtime(notebook, record):
    """Rewrite the first cell's runtime sentence from ``record``; warn if it has none."""
    first = notebook.cells[0]
    source = first.source if isinstance(first.source, str) else "".join(first.source)
    if not RUNTIME_PATTERN.search(source):
        print(f"    note: no runtime sentence in the first cell of {record['key']}")
        return notebook
    first.source = RUNTIME_PATTERN.sub(lambda _: runtime_sentence(record), source, count=1)
    return notebook


Row = collections.namedtuple(
    "Row", "name status seconds headline error calibration load", defaults=(None, "-")
)


def load_note(share):
    """Say in a few words whether other processes kept the CPUs busy."""
    if share is None:
        return "load unknown"
    if share > BUSY_SHARE:
        return f"BUSY: other processes used {share:.0%} of the CPUs"
    return f"quiet: others {share:.0%}"


def summary_table(rows, mode):
    rows = [Row(*row) for row in rows]
    lines = [
        f"Workshop run, {mode} mode, on {platform.node()} ({os.cpu_count()} CPUs), "
        f"Python {sys.version.split()[0]}",
        "",
        "Calibration: seconds for 20 products of 1024 x 1024 float32 matrices, measured "
        "before each notebook (lower is a faster or quieter machine).",
        "",
        "| notebook | status | wall time | headline | calibration | machine |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {row.name} | {row.status} | {row.seconds:.1f} s | {row.headline} | "
        + ("-" if row.calibration is None else f"{row.calibration:.2f} s")
        + f" | {row.load} |"
        for row in rows
    ]
    total = sum(row.seconds for row in rows)
    busy = sum(row.load.startswith("BUSY") for row in rows)
    lines.append(
        f"| total | {sum(r.status == 'ok' for r in rows)}/{len(rows)} ok | "
        f"{total:.1f} s | | | {busy} busy |"
    )
    return "\n".join(lines)
