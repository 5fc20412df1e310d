"""Generate the exercise notebooks in notebooks/ from the solutions in solutions/.

Never edit notebooks/ by hand: run ``python3 workshop.py sync``. For each solution it
1. stamps the Colab badge and the setup cell (tagged ``setup``) from the templates below,
   using ``utils.config.REPO_URL``, the one place the repository's address is written;
2. writes the exercise: every ``# BEGIN SOLUTION qN`` ... ``# END SOLUTION`` region
   becomes a TODO that raises ``NotImplementedError``, outputs are stripped, and
   everything else stays identical.
``tests/test_exercises.py`` fails when notebooks/ is not what this script would write.
"""

import copy
import json
import re
from pathlib import Path

import nbformat

from utils.checks import solution_regions, todo_message
from utils.config import REPO_NAME, REPO_URL

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "notebooks"
BADGE = re.compile(r"^\[!\[Open In Colab\]\(.*$", re.MULTILINE)
# The kernel every notebook names, as JupyterLab writes it when a notebook's kernel starts
# (ipykernel's own kernelspec). Colab's "Python 3" made JupyterLab rewrite it, and mark the
# notebook changed, on every open. tests/test_serialiser.py compares it with ipykernel's.
KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}

SETUP_TEMPLATE = """\
# Setup: the same cell works on Colab (it fetches the workshop once) and locally.
import os
import subprocess
import sys
from pathlib import Path

if "google.colab" in sys.modules:
    root = Path(os.environ.get("WORKSHOP_COLAB_ROOT", "/content/{repo_name}"))
    if not (root / "utils" / "config.py").exists():  # a rerun finds it there
        url = os.environ.get("WORKSHOP_REPO_URL", "{repo_url}")
        subprocess.run(["git", "clone", "-q", "--depth", "1", url, str(root)], check=True)
else:  # locally: the repository root is the first folder up that holds utils/
    root = Path.cwd()
    while not (root / "utils" / "config.py").exists():
        if root == root.parent:
            raise RuntimeError("Expected to run inside the workshop repository. Received: cwd=" + os.getcwd())
        root = root.parent
if str(root) not in sys.path:
    sys.path.insert(0, str(root))

from utils import config

config.setup(seed=42)  # on Colab also: installs what Colab lacks, GPU and Drive advice"""


def badge(folder, filename):
    """Return the Open-in-Colab badge line for ``folder/filename`` in the repository."""
    path = REPO_URL.replace("https://github.com/", "")
    url = (
        f"https://colab.research.google.com/github/{path}/blob/main/{folder}/{filename}"
    )
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def setup_source():
    return SETUP_TEMPLATE.format(repo_url=REPO_URL, repo_name=REPO_NAME)


def _source(cell):
    return (
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    )


def _set_source(cell, text):
    cell["source"] = text.splitlines(keepends=True)


def stamp(notebook, folder, filename):
    """Return a copy with the Colab badge, the setup cell's template and ``KERNELSPEC``."""
    notebook = copy.deepcopy(notebook)
    notebook["metadata"]["kernelspec"] = dict(KERNELSPEC)
    cells = notebook["cells"]
    first = next((c for c in cells if c["cell_type"] == "markdown"), None)
    if first is None or not BADGE.search(_source(first)):
        raise ValueError(
            f"Expected a Colab badge line in the first Markdown cell of {filename}"
        )
    _set_source(
        first, BADGE.sub(lambda _: badge(folder, filename), _source(first), count=1)
    )
    setups = [c for c in cells if "setup" in c.get("metadata", {}).get("tags", [])]
    if len(setups) != 1:
        raise ValueError(
            f"Expected one code cell tagged 'setup' in {filename}. Received: {len(setups)}"
        )
    _set_source(setups[0], setup_source())
    return notebook


def todo_lines(region):
    """Return the placeholder lines that replace one solution region."""
    indent, question = region["indent"], region["question"]
    task = region["task"] or "write this part"
    return [
        f"{indent}# TODO ({question}): {task}",
        f"{indent}raise NotImplementedError({todo_message(question)!r})",
    ]


def exercise_from_solution(solution, filename):
    """Return the exercise notebook made from a (stamped) solution notebook."""
    exercise = stamp(solution, "notebooks", filename)
    for cell in exercise["cells"]:
        if cell["cell_type"] != "code":
            continue
        lines = []
        for item in solution_regions(_source(cell)):
            lines.extend(todo_lines(item) if isinstance(item, dict) else [item])
        _set_source(cell, "\n".join(lines))
        cell["outputs"] = []
        cell["execution_count"] = None
        cell["metadata"].pop("execution", None)
    exercise["metadata"].pop("widgets", None)
    return exercise


def dumps(notebook):
    """Serialise a notebook byte for byte as Jupyter saves it: nbformat's writer (sources
    and text outputs as lists of lines, keys sorted, indent 1) and a trailing newline, so
    that saving an unchanged notebook in JupyterLab leaves its file as it was."""
    text = nbformat.writes(nbformat.from_dict(notebook), version=nbformat.NO_CONVERT)
    return text if text.endswith("\n") else text + "\n"


def expected_files():
    """Return {path: text} for every file sync would write (stamped solutions and exercises)."""
    files = {}
    for path in sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb")):
        solution = json.loads(path.read_text(encoding="utf-8"))
        stamped = stamp(solution, "solutions", path.name)
        files[path] = dumps(stamped)
        files[EXERCISES / path.name] = dumps(exercise_from_solution(stamped, path.name))
    return files


def drift():
    """Return the paths that differ from what sync would write, and stray exercises."""
    files = expected_files()
    changed = [
        p
        for p, text in files.items()
        if not p.exists() or p.read_text(encoding="utf-8") != text
    ]
    stray = [p for p in EXERCISES.glob("*.ipynb") if p not in files]
    return changed + stray


def main(check=False):
    problems = drift()
    if check:
        for path in problems:
            print("out of date:", path.relative_to(ROOT))
        print(
            "notebooks/ matches solutions/."
            if not problems
            else "Run: python3 workshop.py sync"
        )
        return 1 if problems else 0
    EXERCISES.mkdir(exist_ok=True)
    for path, text in expected_files().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print("wrote", path.relative_to(ROOT))
    for path in EXERCISES.glob("*.ipynb"):
        if not (SOLUTIONS / path.name).exists():
            path.unlink()
            print("removed", path.relative_to(ROOT), "(no solution of that name)")
    return 0
