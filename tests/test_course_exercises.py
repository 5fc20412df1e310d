"""The course as a whole: every notebook's exercises, hints, answers and references."""

import json
import re
from collections import Counter
from pathlib import Path

from utils import checks
from utils.checks import nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _regions():
    for path in SOLUTIONS:
        for cell in _cells(path):
            for item in checks.solution_regions("".join(cell["source"])):
                if isinstance(item, dict):
                    yield path.name[:2], item


def test_every_notebook_has_at_least_six_checked_exercises():
    for path in SOLUTIONS:
        questions = checks.QUESTIONS[path.name[:2]]
        assert len(questions) >= 6, (path.name, len(questions))
        calls = {
            match
            for cell in _cells(path)
            for match in re.findall(r"check\.(q\d+)\(", "".join(cell["source"]))
        }
        assert calls == {q.name for q in questions}, (path.name, calls)


def test_every_notebook_ends_with_its_summary():
    for path in SOLUTIONS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        assert any("check.summary()" in source for source in code[-3:]), path.name


def test_multiple_choice_letters_are_spread():
    """No letter holds more than 40 % of the course's multiple-choice answers."""
    letters = Counter()
    for _, region in _regions():
        lines = [line.strip() for line in region["lines"] if line.strip()]
        match = len(lines) == 1 and re.fullmatch(r"\w+ = \"([a-e])\"", lines[0])
        if match:
            letters[match.group(1)] += 1
    assert sum(letters.values()) >= 10, letters
    assert max(letters.values()) <= 0.4 * sum(letters.values()), letters


def test_no_hint_is_the_answer_code():
    """No solution line of 25 characters or more appears word for word in a hint."""
    for notebook, region in _regions():
        question = next(
            (q for q in checks.QUESTIONS.get(notebook, []) if q.name == region["question"]),
            None,
        )
        assert question is not None, (notebook, region["question"])
        for line in region["lines"]:
            line = line.strip()
            if len(line) >= 25 and not line.startswith("#"):
                for hint in question.hints:
                    assert line not in hint, (notebook, question.name, line)


def test_every_question_has_a_nudge_and_a_stronger_hint():
    for notebook, questions in checks.QUESTIONS.items():
        if notebook.isdigit():
            for question in questions:
                assert len(question.hints) >= 2, (notebook, question.name)


def test_every_cited_paper_is_in_references():
    """Each "Author et al. 2014" or "Author & Other (2006)" in a notebook has an entry."""
    references = (ROOT / "REFERENCES.md").read_text(encoding="utf-8")
    cited = re.compile(
        r"\b([A-Z][a-z]+)(?:\s+et\s+al\.|\s+(?:&|and)\s+[A-Z][a-z]+)?,?\s+\(?((?:19|20)\d\d)\b"
    )
    for path in SOLUTIONS:
        for cell in _cells(path):
            if cell["cell_type"] != "markdown":
                continue
            for name, year in cited.findall("".join(cell["source"])):
                entries = [e for e in references.split("\n- ") if name in e and year in e]
                assert entries, (path.name, name, year)
