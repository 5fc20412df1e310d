"""The bad-input sweep as tests: every public utils helper, called with bad values.

One test per case of ``tools/sweep_inputs.py`` (ids like
``data.few_labels[labels=one-hot]``). A case passes when the helper raises the clear
error it should (a ValueError or TypeError saying "Expected ... Received: ...", naming
only arguments of the helper) or, for the GOOD calls and a few named cases, when the
result satisfies the case's oracle. ``python tools/sweep_inputs.py --verbose`` prints
the same cases as a table of counts per module.
"""

import pytest

from tools import sweep_inputs as sweep

CASES, UNCOVERED, _MISSING = sweep.build()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case):
    result = sweep.run_case(case)
    expected = "a clear error" if case.expect == "error" else "the right result"
    assert result.outcome in ("clear", "ok"), (
        f"{case.id}: expected {expected}, got {result.outcome}: {result.detail}"
    )


def test_every_public_helper_is_swept():
    assert not UNCOVERED, f"public callables without sweep cases: {UNCOVERED}"
