#!/usr/bin/env python3
"""The workshop's command line. Needs only Python 3.10+; it sets up `.venv` itself.

    python3 workshop.py run            # execute every solution notebook (fast mode) into build/
    python3 workshop.py run --full     # full mode, as learners run it
    python3 workshop.py test           # unit tests, exercise sync test, nbval over solutions/
    python3 workshop.py doctor         # versions, devices, MNIST source, problems found
    python3 workshop.py sync           # regenerate notebooks/ (exercises) from solutions/

Set WORKSHOP_NO_VENV=1 to use the current Python (Colab, conda) instead of `.venv`.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"


def venv_python():
    folder = "Scripts" if os.name == "nt" else "bin"
    return VENV / folder / ("python.exe" if os.name == "nt" else "python")


def ensure_environment():
    """Create or refresh .venv from requirements.txt, then re-run this command inside it."""
    if os.environ.get("WORKSHOP_NO_VENV") == "1":
        return
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if sys.version_info < (3, 10):
        sys.exit(
            f"Expected Python 3.10 or newer. Received: Python {sys.version.split()[0]}"
        )
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not (
        venv_python().exists()
        and STAMP.exists()
        and STAMP.read_text().strip() == wanted
    ):
        start = time.perf_counter()
        print(
            f"Setting up {VENV} from requirements.txt (a few minutes, once) ...",
            flush=True,
        )
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [
            str(venv_python()),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
        ]
        subprocess.run(pip + ["-q", "-r", str(REQUIREMENTS)], check=True)
        STAMP.write_text(wanted + "\n")
        print(f"Environment ready in {time.perf_counter() - start:.0f} s.", flush=True)
    python = str(venv_python())
    os.execv(python, [python, str(Path(__file__).resolve()), *sys.argv[1:]])


def command_test(extra):
    """Run pytest (configured in pyproject.toml) in fast mode; no tests collected fails."""
    env = {**os.environ, "WORKSHOP_FAST": "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", *extra], cwd=ROOT, env=env)
    if result.returncode == 5:
        print("pytest collected no tests: that is a failure here.")
        return 1
    return result.returncode


def command_doctor():
    sys.path.insert(0, str(ROOT))
    from utils import config

    problems = config.print_environment()
    print(
        "No problems found." if not problems else f"{len(problems)} problem(s) found."
    )
    return 1 if problems else 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="execute the solution notebooks headless into build/"
    )
    run.add_argument(
        "--full", action="store_true", help="full mode (default: fast mode)"
    )
    run.add_argument(
        "--only", nargs="+", metavar="NN", help="notebook numbers, e.g. 00 03"
    )
    run.add_argument(
        "--mnist-path", help="a local mnist.npz (Keras layout) to use first"
    )
    run.add_argument(
        "--store",
        action="store_true",
        help="with --full: write the outputs back into solutions/",
    )
    run.add_argument(
        "--timeout", type=int, default=1800, help="seconds per cell (default 1800)"
    )
    commands.add_parser(
        "test",
        help="unit tests, exercise sync, nbval (fast mode); other options go to pytest",
    )
    commands.add_parser(
        "doctor", help="print versions, devices, data source and problems"
    )
    sync = commands.add_parser("sync", help="regenerate notebooks/ from solutions/")
    sync.add_argument(
        "--check", action="store_true", help="only report drift (exit 1 if any)"
    )
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")

    ensure_environment()
    sys.path.insert(0, str(ROOT))
    if args.command == "test":
        return command_test(extra)
    if args.command == "doctor":
        return command_doctor()
    if args.command == "sync":
        from tools import make_exercises

        return make_exercises.main(check=args.check)
    from tools import run_notebooks

    if args.store and not args.full:
        parser.error(
            "--store writes stored outputs, which must come from a full-mode run: add --full"
        )
    return run_notebooks.main(
        full=args.full,
        only=args.only,
        mnist_path=args.mnist_path,
        store=args.store,
        timeout=args.timeout,
    )


if __name__ == "__main__":
    sys.exit(main())
