"""Agreement with the reference, in the tiers of [NUM-5]: the implementation's output for each case."""

from __future__ import annotations

from conformance.helpers import assert_agrees, assert_case_agrees, describe
from conformance.session import fresh_render


def test_agreement(session, case, record):
    """The output for the case's input, from the implementation's declared initial state, meets the
    required tier against the reference (a cold implementation is compared with the reference's cold
    output, [NUM-8])."""
    describe(record, case)
    assert_case_agrees(session, record, case, plot_name=f"agreement-{case.id}")


def test_initial_state_is_the_silent_past(session, case, record):
    """The first receptive-field samples after load are those of the silent past ([STATE-4]). An
    implementation that starts cold fails here, and only here."""
    describe(record, case)
    session.require(case.features, set_size=case.size is not None)
    n = min(case.input.shape[1], max(case.model.conv_receptive_field(case.size) + 64, 256))
    x = case.input[:, :n]
    y = fresh_render(session, case, x, size=case.size)
    assert_agrees(session, record, y, case.reference(x, reading=session.reading), what=f"the first {n} samples",
                  clause="STATE-4", sample_rate=case.model.sample_rate,
                  recompute=lambda reading: case.reference(x, reading=reading), features=case.features)
