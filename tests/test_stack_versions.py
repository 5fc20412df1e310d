"""The tests run on the package versions their stack names.

`python3 workshop.py test` sets WORKSHOP_STACK to the stack it tests (not with
WORKSHOP_NO_VENV=1 on the pinned stack: that Python is the learner's own):
"pinned" is requirements.txt; "colab" is Colab's versions (constraints-colab.txt) of what
Colab has and requirements.txt's pins of the rest, as workshop.py builds .venv-colab.
"""

import importlib.metadata
import os

import pytest

import workshop
from utils.colab import requirements

STACK = os.environ.get(workshop.STACK_ENV)


def pins(lines):
    return dict(line.split("==", 1) for line in lines)


def installed(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


@pytest.mark.skipif(
    STACK is None, reason=f"{workshop.STACK_ENV} is not set: not run by workshop.py test"
)
def test_installed_versions_are_the_stacks():
    if STACK == workshop.COLAB_STACK:
        wanted = pins(workshop.colab_stack_requirements())
        # Whatever else is installed that Colab has comes at Colab's version too.
        for name, line in requirements(workshop.COLAB_CONSTRAINTS):
            version = line.split("==", 1)[1]
            if installed(name) is not None:
                wanted.setdefault(name, version)
    else:
        wanted = pins(line for _, line in requirements(workshop.REQUIREMENTS))
    found = {name: installed(name) for name in wanted}
    print(f"{STACK} stack:", ", ".join(f"{n} {v}" for n, v in found.items()))
    assert found == wanted
