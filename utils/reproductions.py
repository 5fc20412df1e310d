"""The stored reproductions, shown beside a learner's run and the published figure.

``python3 workshop.py reproduce`` writes ``results/reproductions.json``: one row per long
experiment behind a published comparison (our value, the published one, its source, what
it took, the machine and the date). A notebook's comparison cell calls ``compare`` to show
three things side by side: the run just made in the notebook, the stored reproduction,
and the published figure.
"""

import json
from pathlib import Path

from utils.validation import check_number, check_type

RESULTS_FILE = Path(__file__).resolve().parents[1] / "results" / "reproductions.json"


def stored_reproduction(key, path=RESULTS_FILE):
    """Return the stored row of experiment ``key`` (a dict), or None if there is none yet.

    Args:
        key: str, an experiment's key such as ``"02_conv_autoencoder"``.
        path: the JSON file (default ``results/reproductions.json`` in the repository).

    Raises:
        TypeError: ``key`` not a string.
        ValueError: the file exists but is not the JSON that ``reproduce`` writes.
    """
    check_type(key, "key", str, "a string such as '02_conv_autoencoder'")
    path = Path(path)
    if not path.exists():
        return None
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["reproductions"]
        return next((row for row in rows if row["key"] == key), None)
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(
            f"Expected {path.name} as written by `workshop.py reproduce`. Received: a file "
            f"that does not parse ({type(error).__name__}: {error})"
        ) from None


def _value(value, metric):
    return f"{value:.2f} %" if "%" in metric else f"{value:.4g}"


def compare(key, now, now_setup, path=RESULTS_FILE):
    """Print the run just made, the stored reproduction and the published figure.

    Args:
        key: str, the experiment's key, e.g. ``"05_vae"``.
        now: float, the notebook's value of the same metric, measured just now.
        now_setup: str, what the notebook's run took (epochs, images, seconds).
        path: the JSON file (default ``results/reproductions.json``).

    Returns:
        The stored row (dict), or None when there is no stored reproduction yet.

    Raises:
        TypeError: ``key`` or ``now_setup`` not a string.
        ValueError: ``now`` not a finite number; an unreadable results file.
    """
    check_number(now, "now")
    check_type(now_setup, "now_setup", str, "a string")
    row = stored_reproduction(key, path)
    if row is None:
        print(
            f"no stored reproduction of {key} yet: `python3 workshop.py reproduce {key[:2]}` "
            "writes one"
        )
        return None
    better = "lower" if row["better"] == "lower" else "higher"
    print(f"{row['title']}: {row['metric']} ({better} is better)")
    width = 32
    print(f"{'this notebook, just now':>{width}}  {_value(now, row['metric']):>9}   {now_setup}")
    print(
        f"{'stored reproduction':>{width}}  {_value(row['ours'], row['metric']):>9}   "
        f"{row['epochs']} epochs, {row['wall_s'] / 60:.0f} min on {row['machine']} "
        f"({row['date']}): {row['setup']}"
    )
    print(f"{'published':>{width}}  {_value(row['published'], row['metric']):>9}   {row['source']}")
    return row
