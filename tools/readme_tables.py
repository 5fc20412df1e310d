"""The README's measured tables, generated from the JSON that the runs write.

``results/notebooks.json``: one row per notebook, written by
``workshop.py run --full --store`` (time, calibration, load, headlines, machine, date).
``results/reproductions.json``: one row per experiment, written by ``workshop.py reproduce``.
``update_readme`` replaces the text between each pair of markers in README.md; a test
checks that README.md is what these functions make of the JSON, so no number is typed.
"""

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"
NOTEBOOK_RUNS = RESULTS / "notebooks.json"
REPRODUCTIONS = RESULTS / "reproductions.json"
README = ROOT / "README.md"
MARKERS = {
    "notebooks": (
        "<!-- notebooks:start (generated from results/notebooks.json) -->",
        "<!-- notebooks:end -->",
    ),
    "reproductions": (
        "<!-- reproductions:start (generated from results/reproductions.json) -->",
        "<!-- reproductions:end -->",
    ),
}
CLASSROOM_LIMIT_S = 240
TOTAL_LIMIT_S = 1800
# A calibration this much above the table's best (same workload, same machine name) means
# a slower CPU or a host busy with work that /proc/stat does not show: its time is inflated.
SLOW_CALIBRATION = 1.15


def write_json(path, value):
    """Write ``value`` as JSON through a temporary file, so a failed write loses nothing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(value, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, path)


def load_rows(path, field):
    """Return {key: row} from the JSON file at ``path`` (its list under ``field``), or {}."""
    path = Path(path)
    if not path.exists():
        return {}
    return {row["key"]: row for row in json.loads(path.read_text(encoding="utf-8"))[field]}


def save_rows(path, field, rows):
    write_json(path, {field: [rows[key] for key in sorted(rows)]})


def clock(seconds):
    """Return seconds as h:mm:ss or m:ss."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def format_value(value, metric):
    return f"{value:.2f} %" if "%" in metric else f"{value:.4g}"


def verdict(row):
    if row["beaten"]:
        return "beaten"
    return "moonshot: value reached" if row.get("moonshot") else "not beaten"


def reproduction_lines(rows):
    """The Markdown table of the reproductions, in notebook order."""
    if not rows:
        return ["No reproduction stored yet: `python3 workshop.py reproduce` writes them."]
    lines = [
        "| notebook | experiment | metric | ours | published | source | what it took | time | machine, date |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in sorted(rows.values(), key=lambda row: row["key"]):
        lines.append(
            f"| {row['notebook']} | {row['title']} | {row['metric']} | "
            f"**{format_value(row['ours'], row['metric'])}** ({verdict(row)}) | "
            f"{format_value(row['published'], row['metric'])} | {row['source']} | {row['setup']} | "
            f"{clock(row['wall_s'])} ({row['epochs']} epochs) | {row['machine']}; {row['backend']}; "
            f"{row['load']}; {row['date']} |"
        )
    return lines


def notebook_lines(rows):
    """The Markdown table of the stored full-mode runs, with the classroom-budget verdicts."""
    if not rows:
        return ["No full-mode run stored yet: `python3 workshop.py run --full --store` writes them."]
    lines = [
        "| notebook | full-mode time | within 4 min | calibration | machine load | headline | machine, date |",
        "|---|---|---|---|---|---|---|",
    ]
    best = min(row["calibration_s"] for row in rows.values())
    slow = 0
    for row in sorted(rows.values(), key=lambda row: row["key"]):
        within = "yes" if row["seconds"] <= CLASSROOM_LIMIT_S else "**no**"
        load = row["load"]
        if row["calibration_s"] > SLOW_CALIBRATION * best:
            slow += 1
            load += f"; slower CPU: calibration {row['calibration_s'] / best:.2f} times the table's best"
        lines.append(
            f"| {row['key']} | {row['seconds']:.0f} s | {within} | {row['calibration_s']:.2f} s | "
            f"{load} | {'; '.join(row['headlines']) or '-'} | {row['machine']}; {row['date']} |"
        )
    total = sum(row["seconds"] for row in rows.values())
    busy = sum(row["load"].startswith("BUSY") for row in rows.values())
    lines.append(
        f"| all {len(rows)} | {total:.0f} s ({total / 60:.1f} min) | "
        f"{'yes' if total <= TOTAL_LIMIT_S else '**no**'} (30 min in all) | | "
        f"{busy} of {len(rows)} timed while the machine was busy, {slow} on a slower CPU | | |"
    )
    return lines


def render(section, rows):
    start, end = MARKERS[section]
    body = notebook_lines(rows) if section == "notebooks" else reproduction_lines(rows)
    return "\n".join([start, *body, end])


def readme_text(text, notebook_rows, reproduction_rows):
    """Return README text with both generated sections replaced."""
    for section, rows in (("notebooks", notebook_rows), ("reproductions", reproduction_rows)):
        start, end = MARKERS[section]
        first, last = text.find(start), text.find(end)
        if first < 0 or last < 0:
            raise SystemExit(f"Expected the markers {start!r} and {end!r} in README.md.")
        text = text[:first] + render(section, rows) + text[last + len(end):]
    return text


def update_readme(readme=README):
    """Regenerate README.md's tables from results/*.json."""
    text = Path(readme).read_text(encoding="utf-8")
    new = readme_text(
        text,
        load_rows(NOTEBOOK_RUNS, "notebooks"),
        load_rows(REPRODUCTIONS, "reproductions"),
    )
    if new != text:
        Path(readme).write_text(new, encoding="utf-8")
