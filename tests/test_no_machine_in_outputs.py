"""Stored outputs show no machine: no absolute paths, no host names (issue: stored outputs)."""

import json
import os
import re
from pathlib import Path

import pytest

from utils import config

ROOT = Path(__file__).resolve().parents[1]
# An absolute POSIX path of two or more parts (/work/..., /root/..., /home/x/...), or a
# Windows drive path; URLs are not paths.
ABSOLUTE = re.compile(r"(?<![\w.:/~])(/(?:[\w.-]+/)+[\w.-]*|[A-Za-z]:\\\\[\w\\\\.-]+)")


def output_texts(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")]
            texts += [output.get("evalue", "")] + output.get("traceback", [])
            data = output.get("data", {})
            texts += [data.get("text/plain", ""), data.get("text/html", "")]
            for text in texts:
                yield index, "".join(text) if isinstance(text, list) else text


@pytest.mark.parametrize(
    "path", sorted((ROOT / "solutions").glob("*.ipynb")), ids=lambda p: p.name
)
def test_stored_outputs_hold_no_absolute_path(path):
    found = [
        (index, match)
        for index, text in output_texts(path)
        for match in ABSOLUTE.findall(text)
        if not match.startswith(("/s/", "/div", "/span"))  # HTML closing tags
    ]
    assert not found, f"absolute paths in stored outputs of {path.name}: {found[:5]}"


def test_display_path_is_relative_to_the_repository_or_home(tmp_path):
    assert config.display_path(ROOT / "utils" / "data.py") == "utils/data.py"
    home = Path(os.path.expanduser("~"))
    assert config.display_path(home / ".keras" / "datasets") == "~/.keras/datasets"
    elsewhere = Path("/opt/elsewhere/mnist.npz")
    assert config.display_path(elsewhere) == "mnist.npz"
