"""State: reset returns to the initial state, instances are independent ([STATE-6], [STATE-8])."""

from __future__ import annotations

import numpy as np

from conformance.helpers import assert_same, describe
from conformance.session import fresh_render

LENGTH = 4096


def _other_signal(x: np.ndarray) -> np.ndarray:
    """A different signal of the same shape: the input reversed and scaled."""
    return np.ascontiguousarray(x[:, ::-1] * np.float32(0.7))


def test_reset_restores_the_fresh_output(session, case, record):
    """After other audio and a reset, a model gives the output of a freshly loaded one."""
    describe(record, case)
    session.require(case.features, stateful=True, set_size=case.size is not None)
    x = case.input[:, :LENGTH]
    fresh = fresh_render(session, case, x, size=case.size)
    with session.loaded(case.model_path, case.size) as model:
        model.render(_other_signal(x), [64] * (x.shape[1] // 64) + ([x.shape[1] % 64] if x.shape[1] % 64 else []))
        model.reset()
        again = model.render(x)
    assert_same(record, again, fresh, what="the output after audio and a reset", clause="STATE-6")


def test_repeated_reset_and_same_size_change_nothing(session, case, record):
    """Load, reset, reset (and selecting the size already selected) leave the fresh state alone."""
    describe(record, case)
    session.require(case.features, stateful=True, set_size=case.size is not None)
    x = case.input[:, :LENGTH]
    fresh = fresh_render(session, case, x, size=case.size)
    with session.loaded(case.model_path, case.size) as model:
        model.reset()
        model.reset()
        if case.size is not None:
            model.set_size(case.size)
        y = model.render(x)
    assert_same(record, y, fresh, what="the output after load, reset, reset", clause="STATE-6")


def test_instances_are_independent(session, case, record):
    """Two loaded instances processed in interleaved blocks each give their own output ([STATE-8])."""
    describe(record, case)
    session.require(case.features, stateful=True, set_size=case.size is not None)
    x = case.input[:, :LENGTH]
    x2 = _other_signal(x)
    alone = fresh_render(session, case, x, size=case.size), fresh_render(session, case, x2, size=case.size)
    with session.loaded(case.model_path, case.size) as a, session.loaded(case.model_path, case.size) as b:
        outputs = ([], [])
        for start in range(0, x.shape[1], 64):
            outputs[0].append(a.render(x[:, start:start + 64]))
            outputs[1].append(b.render(x2[:, start:start + 64]))
    for which, (parts, expected) in enumerate(zip(outputs, alone)):
        assert_same(record, np.concatenate(parts, axis=1), expected,
                    what=f"instance {which + 1} interleaved with another", clause="STATE-8")
