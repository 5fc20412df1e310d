#!/usr/bin/env python3
"""The workshop's command line. Needs only Python 3.10+; it sets up `.venv` itself.

    python3 workshop.py run            # execute every solution notebook (fast mode) into build/
    python3 workshop.py run --full     # full mode, as learners run it
    python3 workshop.py test           # unit tests, exercise sync test, nbval over solutions/
    python3 workshop.py test --backend jax     # unit tests on JAX (installs .venv-jax once)
    python3 workshop.py test --backend torch --notebooks   # PyTorch, notebooks too
    python3 workshop.py test --browser # notebook 00 in JupyterLab in Chromium (.venv-browser)
    python3 workshop.py test --stack colab     # the same tests on Colab's versions (.venv-colab)
    python3 workshop.py doctor         # versions, devices, MNIST source, problems found
    python3 workshop.py sync           # regenerate notebooks/ (exercises) from solutions/
    python3 workshop.py reproduce 02 --mnist-path mnist.npz   # a long run behind a published figure

Set WORKSHOP_NO_VENV=1 to use the current Python (Colab, conda) instead of `.venv`; then
`--backend` only sets KERAS_BACKEND, and that backend must already be installed.
`--stack colab` always builds and uses its own `.venv-colab`, from the current Python.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"
# Keras backends the tests run on. TensorFlow is in requirements.txt (.venv); each other one
# gets its own environment .venv-NAME from requirements-NAME.txt, layered over .venv.
BACKENDS = ("tensorflow", "jax", "torch")
DEFAULT_BACKEND = "tensorflow"
LAYER_PTH = "_workshop_base.pth"
# The browser test: JupyterLab (in .venv) driven in Chromium by Playwright (.venv-browser).
BROWSER_LAYER = "browser"
BROWSER_TESTS = "tests/browser"
# The package versions the tests run on: "pinned" is requirements.txt (.venv); "colab" is
# Colab's versions of what Colab has (constraints-colab.txt) plus, at requirements.txt's
# pins, what Colab lacks, in a full environment .venv-colab (not a layer over .venv: the
# versions differ). Colab's stack runs on the TensorFlow backend only.
STACKS = ("pinned", "colab")
DEFAULT_STACK = "pinned"
COLAB_STACK = "colab"
COLAB_CONSTRAINTS = ROOT / "constraints-colab.txt"
# Left out of Colab's stack: the local Jupyter (Colab brings its own notebook server, and
# constraints-colab.txt pins its version for whatever pulls it in).
COLAB_LEAVES_OUT = frozenset({"jupyter"})
# Set for pytest to the stack it runs on (tests/test_stack_versions.py reads it).
STACK_ENV = "WORKSHOP_STACK"


def venv_python(venv=VENV):
    folder = "Scripts" if os.name == "nt" else "bin"
    return venv / folder / ("python.exe" if os.name == "nt" else "python")


def no_venv():
    return os.environ.get("WORKSHOP_NO_VENV") == "1"


def check_backend(name):
    """Return ``name`` if it is a backend the tests run on; raise ValueError otherwise."""
    if name not in BACKENDS:
        raise ValueError(
            f"Expected --backend to be one of {', '.join(BACKENDS)}. Received: {name!r}"
        )
    return name


def stamp_matches(venv, wanted):
    """Whether ``venv`` has a Python and its stamp (a hash of what built it) is ``wanted``."""
    stamp = venv / ".requirements.sha256"
    return (
        venv_python(venv).exists()
        and stamp.exists()
        and stamp.read_text().strip() == wanted
    )


def backend_venv(backend):
    return ROOT / f".venv-{backend}"


def backend_requirements(backend):
    return ROOT / f"requirements-{backend}.txt"


def ensure_backend_environment(backend):
    """Return the Python to test ``backend`` with, creating its layered environment once.

    TensorFlow is .venv itself; JAX and PyTorch each get the layer ``.venv-NAME`` (see
    ``ensure_layer``). With WORKSHOP_NO_VENV=1 it is the current Python.
    """
    check_backend(backend)
    if backend == DEFAULT_BACKEND or no_venv():
        return sys.executable
    return ensure_layer(backend)


def ensure_layer(name):
    """Return the Python of the layered environment ``.venv-NAME``, creating it once.

    ``.venv-NAME`` is a virtual environment whose site-packages holds a .pth that adds
    .venv's site-packages after its own, so everything in requirements.txt is shared and
    pip installs only what ``requirements-NAME.txt`` adds (it sees .venv's packages as
    already satisfied). It is stamped, like .venv, with a hash of both requirements files
    and of where .venv is: a change to either rebuilds it from empty. Runs inside .venv
    (after ``ensure_environment``). The layers: the backends jax and torch, and browser.
    """
    venv = backend_venv(name)
    requirements = backend_requirements(name)
    stamp = venv / ".requirements.sha256"
    # .venv's site-packages: this runs inside .venv.
    base = sysconfig.get_paths()["purelib"]
    wanted = hashlib.sha256(
        REQUIREMENTS.read_bytes() + requirements.read_bytes() + base.encode()
    ).hexdigest()
    python = venv_python(venv)
    if stamp_matches(venv, wanted):
        return str(python)
    start = time.perf_counter()
    print(
        f"Setting up {venv} from {requirements.name}, layered over {VENV.name} "
        "(once) ...",
        flush=True,
    )
    # --clear: a stale layer is rebuilt from empty. No pip of its own: .venv's pip is on
    # its path through the .pth, and installs into the layer (sys.prefix is the layer).
    subprocess.run(
        [sys.executable, "-m", "venv", "--clear", "--without-pip", str(venv)],
        check=True,
    )
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = subprocess.run(
        [str(python), "-c", where],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # addsitedir, not a bare path: .venv's own .pth files are processed too.
    Path(site_packages, LAYER_PTH).write_text(
        f"import site; site.addsitedir({base!r})\n", encoding="utf-8"
    )
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["-r", str(requirements)], check=True)
    stamp.write_text(wanted + "\n")
    print(f"{venv.name} ready in {time.perf_counter() - start:.0f} s.", flush=True)
    return str(python)


def ensure_environment():
    """Create or refresh .venv from requirements.txt, then re-run this command inside it."""
    if no_venv():
        return
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if sys.version_info < (3, 10):
        sys.exit(
            f"Expected Python 3.10 or newer. Received: Python {sys.version.split()[0]}"
        )
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not stamp_matches(VENV, wanted):
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


def package_key(name):
    """A package's name as pip compares it: ``Scikit_Learn`` and ``scikit-learn`` match."""
    return name.lower().replace("_", "-").replace(".", "-")


def colab_stack_requirements(requirements=None, constraints=None):
    """Return the requirement lines of Colab's stack, in requirements.txt's order.

    Each package of requirements.txt at Colab's version when constraints-colab.txt has
    it, else at requirements.txt's pin (what Colab lacks, which ``utils.colab`` installs
    on Colab, and the test tools); the local Jupyter (``COLAB_LEAVES_OUT``) is left out.
    Reads the files with ``utils.colab.requirements``, so it needs numpy (it runs inside
    .venv, or in the Python that WORKSHOP_NO_VENV=1 names).
    """
    from utils.colab import requirements as read

    colab = {
        package_key(name): line for name, line in read(constraints or COLAB_CONSTRAINTS)
    }
    return [
        colab.get(package_key(name), line)
        for name, line in read(requirements or REQUIREMENTS)
        if package_key(name) not in COLAB_LEAVES_OUT
    ]


def stack_venv(stack):
    return ROOT / f".venv-{stack}"


def ensure_colab_stack():
    """Return the Python of .venv-colab, Colab's stack, building it once.

    A full virtual environment made by this Python (3.11 or newer: SciPy 1.16 needs it)
    with ``colab_stack_requirements()`` installed under ``pip -c constraints-colab.txt``,
    so whatever they pull in that Colab has comes at Colab's version too. Stamped with
    a hash of requirements.txt and constraints-colab.txt; a change to either rebuilds it
    from empty. WORKSHOP_NO_VENV=1 does not apply: the stack is its own environment.
    """
    if sys.version_info < (3, 11):
        sys.exit(
            "Expected Python 3.11 or newer to build Colab's stack. "
            f"Received: Python {sys.version.split()[0]}"
        )
    venv = stack_venv(COLAB_STACK)
    lines = colab_stack_requirements()
    wanted = hashlib.sha256(
        REQUIREMENTS.read_bytes() + COLAB_CONSTRAINTS.read_bytes()
    ).hexdigest()
    python = venv_python(venv)
    if stamp_matches(venv, wanted):
        return str(python)
    start = time.perf_counter()
    print(
        f"Setting up {venv} from {COLAB_CONSTRAINTS.name} and requirements.txt "
        "(a few minutes, once) ...",
        flush=True,
    )
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["-c", str(COLAB_CONSTRAINTS), *lines], check=True)
    (venv / ".requirements.sha256").write_text(wanted + "\n")
    print(f"{venv.name} ready in {time.perf_counter() - start:.0f} s.", flush=True)
    return str(python)


def pytest_command(python, backend, notebooks, extra):
    """Return the pytest command line: unit tests, and nbval over solutions/ if asked.

    TensorFlow runs the notebooks by default (pyproject.toml's testpaths); JAX and PyTorch
    only with ``notebooks``. Paths named in ``extra`` replace the default ones (pytest
    reads testpaths only when no path is given).
    """
    command = [str(python), "-m", "pytest"]
    if not (notebooks or backend in (None, DEFAULT_BACKEND)):
        command += ["-o", "testpaths=tests"]
    return command + list(extra)


def exit_code(returncode):
    """pytest's code, except 5 (no tests collected), which is a failure here."""
    if returncode == 5:
        print("pytest collected no tests: that is a failure here.", flush=True)
        return 1
    return returncode


def command_test(extra, backend=None, notebooks=False, stack=DEFAULT_STACK):
    """Run pytest (configured in pyproject.toml) in fast mode; no tests collected fails.

    ``backend``: None (TensorFlow in .venv; with WORKSHOP_NO_VENV=1, whatever
    KERAS_BACKEND says), or one of BACKENDS: sets KERAS_BACKEND and, for JAX and PyTorch,
    tests in that backend's layered environment. ``stack``: "pinned" (the above) or
    "colab": TensorFlow in .venv-colab, unit tests and notebooks (``ensure_colab_stack``).
    """
    env = {**os.environ, "WORKSHOP_FAST": "1"}
    if stack == COLAB_STACK:
        python = ensure_colab_stack()
        env.update(KERAS_BACKEND=DEFAULT_BACKEND, **{STACK_ENV: COLAB_STACK})
        print(
            f"Testing Colab's stack ({Path(python).parents[1].name}, "
            f"{COLAB_CONSTRAINTS.name}) on the {DEFAULT_BACKEND} backend: "
            "unit tests and notebooks",
            flush=True,
        )
        command = pytest_command(python, DEFAULT_BACKEND, True, extra)
        result = subprocess.run(command, check=False, cwd=ROOT, env=env)
        return exit_code(result.returncode)
    if not no_venv():
        env[STACK_ENV] = DEFAULT_STACK
    if backend is None and not no_venv():
        backend = DEFAULT_BACKEND
    python = sys.executable
    if backend is not None:
        check_backend(backend)
        env["KERAS_BACKEND"] = backend
        python = ensure_backend_environment(backend)
        runs_notebooks = notebooks or backend == DEFAULT_BACKEND
        where = Path(
            sys.prefix if python == sys.executable else Path(python).parents[1]
        )
        what = "unit tests and notebooks" if runs_notebooks else "unit tests"
        print(f"Testing on the {backend} backend ({where.name}): {what}", flush=True)
    command = pytest_command(python, backend, notebooks, extra)
    result = subprocess.run(command, check=False, cwd=ROOT, env=env)
    return exit_code(result.returncode)


def command_browser(extra):
    """Run the browser test (marker ``browser``) in .venv-browser, fast mode.

    It drives JupyterLab through notebook 00 in headless Chromium; where Chromium or
    Playwright is missing it is skipped, and ``-rs`` prints why.
    """
    env = {**os.environ, "WORKSHOP_FAST": "1"}
    python = sys.executable if no_venv() else ensure_layer(BROWSER_LAYER)
    where = Path(python).parents[1].name
    print(f"Testing notebook 00 in JupyterLab in Chromium ({where})", flush=True)
    command = [str(python), "-m", "pytest", "-m", BROWSER_LAYER, "-rs", *extra]
    command.append(BROWSER_TESTS)
    result = subprocess.run(command, check=False, cwd=ROOT, env=env)
    return exit_code(result.returncode)


def command_doctor():
    sys.path.insert(0, str(ROOT))
    from utils import config

    problems = config.print_environment()
    print(
        "No problems found." if not problems else f"{len(problems)} problem(s) found."
    )
    return 1 if problems else 0


def parse_args(argv=None):
    """Return (args, extra): the command's options, and what goes on to pytest (``test``).

    Errors (unknown options, an unknown backend, --store without --full) exit with status
    2 and a message before anything is installed.
    """
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
    test = commands.add_parser(
        "test",
        help="unit tests, exercise sync, nbval (fast mode); other options go to pytest",
        allow_abbrev=False,  # a pytest option must not be taken for a prefix of ours
    )
    test.add_argument(
        "--backend",
        metavar="NAME",
        help=f"Keras backend: {', '.join(BACKENDS)} (default {DEFAULT_BACKEND}); "
        "jax and torch install .venv-NAME once and run the unit tests only",
    )
    test.add_argument(
        "--notebooks",
        action="store_true",
        help="with --backend jax or torch: nbval over solutions/ too "
        f"({DEFAULT_BACKEND} always runs them)",
    )
    test.add_argument(
        "--stack",
        choices=STACKS,
        default=DEFAULT_STACK,
        help="package versions: pinned (requirements.txt, default) or colab (Colab's "
        "versions, constraints-colab.txt; installs .venv-colab once; TensorFlow, unit "
        "tests and notebooks)",
    )
    test.add_argument(
        "--browser",
        action="store_true",
        help="only the browser test: notebook 00 in JupyterLab in headless Chromium "
        "(installs .venv-browser once; needs /usr/bin/chromium, else it is skipped)",
    )
    commands.add_parser(
        "doctor", help="print versions, devices, data source and problems"
    )
    sync = commands.add_parser("sync", help="regenerate notebooks/ from solutions/")
    sync.add_argument(
        "--check", action="store_true", help="only report drift (exit 1 if any)"
    )
    reproduce = commands.add_parser(
        "reproduce",
        help="the long runs behind the published figures, into results/ (resumable)",
    )
    reproduce.add_argument(
        "only", nargs="*", metavar="NN", help="notebook numbers (default: every experiment)"
    )
    reproduce.add_argument(
        "--mnist-path", help="a local mnist.npz (Keras layout) to use first"
    )
    reproduce.add_argument(
        "--smoke",
        action="store_true",
        help="an epoch on 2,000 images, into build/reproduce-smoke/ (tests the machinery)",
    )
    reproduce.add_argument(
        "--fresh",
        action="store_true",
        help="forget an interrupted run's state and start over",
    )
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "test" and args.browser and (args.backend or args.notebooks):
        test.error("--browser runs on its own: drop --backend and --notebooks")
    if args.command == "test" and args.backend is not None:
        try:
            check_backend(args.backend)
        except ValueError as error:
            test.error(str(error))
    if args.command == "test" and args.stack == COLAB_STACK:
        if args.browser:
            test.error("--browser runs on the pinned stack only: drop --stack colab")
        if args.backend not in (None, DEFAULT_BACKEND):
            test.error(
                f"Expected --backend {DEFAULT_BACKEND} (or none) with --stack colab: "
                f"Colab's stack is tested on TensorFlow only. Received: {args.backend!r}"
            )
    if args.command == "run" and args.store and not args.full:
        run.error(
            "--store writes stored outputs, which must come from a full-mode run: add --full"
        )
    return args, extra


def main(argv=None):
    args, extra = parse_args(argv)
    ensure_environment()
    sys.path.insert(0, str(ROOT))
    if args.command == "test" and args.browser:
        return command_browser(extra)
    if args.command == "test":
        return command_test(
            extra, backend=args.backend, notebooks=args.notebooks, stack=args.stack
        )
    if args.command == "doctor":
        return command_doctor()
    if args.command == "sync":
        from tools import make_exercises

        return make_exercises.main(check=args.check)
    if args.command == "reproduce":
        from tools import reproduce

        return reproduce.main(
            only=args.only, mnist_path=args.mnist_path, smoke=args.smoke, fresh=args.fresh
        )
    from tools import run_notebooks

    return run_notebooks.main(
        full=args.full,
        only=args.only,
        mnist_path=args.mnist_path,
        store=args.store,
        timeout=args.timeout,
    )


if __name__ == "__main__":
    sys.exit(main())
