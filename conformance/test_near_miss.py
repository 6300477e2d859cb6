"""Near misses of popular shapes: engines dispatch the exact WaveNet shapes of real files (A1 presets,
A2 lite and full, the packed A2 container) to specialised code, and a shape detector that overlooks
one key computes something else without an error (an A2 fast path once ignored `condition_dsp`).
Each exact shape, and the shape with one thing changed (generators/near_miss.py), agrees with the
reference ([NUM-5]) on the case's own clauses."""

from __future__ import annotations

import pytest

from conformance.cases import fixture_cases
from conformance.helpers import assert_agrees, describe

NEAR_MISSES = fixture_cases("near_miss")


@pytest.mark.parametrize("near_case", NEAR_MISSES, ids=[c.id for c in NEAR_MISSES])
def test_near_miss_agreement(session, near_case, record):
    case = near_case
    describe(record, case)
    session.require(case.features, set_size=case.size is not None)
    expected = case.reference(initial_state=session.initial_state, reading=session.reading)
    with session.loaded(case.model_path, case.size) as model:
        y = model.render(case.input)
        record["timings"] = model.timings
    assert_agrees(session, record, y, expected, what="output", clause="NUM-5", sample_rate=case.model.sample_rate,
                  plot_name=f"near-miss-{case.id}", features=case.features,
                  recompute=lambda reading: case.reference(initial_state=session.initial_state, reading=reading))
