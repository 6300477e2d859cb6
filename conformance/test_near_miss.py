"""Near misses of popular shapes: engines dispatch the exact WaveNet shapes of real files (A1 presets,
A2 lite and full, the packed A2 container) to specialised code, and a shape detector that overlooks
one key computes something else without an error (an A2 fast path once ignored `condition_dsp`).
Each exact shape, and the shape with one thing changed (generators/near_miss.py), agrees with the
reference ([NUM-5]) on the case's own clauses."""

from __future__ import annotations

import pytest

from conformance.cases import fixture_cases
from conformance.helpers import assert_case_agrees, describe

NEAR_MISSES = fixture_cases("near_miss")


@pytest.mark.parametrize("near_case", NEAR_MISSES, ids=[c.id for c in NEAR_MISSES])
def test_near_miss_agreement(session, near_case, record):
    describe(record, near_case)
    assert_case_agrees(session, record, near_case, plot_name=f"near-miss-{near_case.id}")
