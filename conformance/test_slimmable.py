"""Size selection of slimmable models: which submodel or width runs at each size ([CONT-6], [WN-SLIM-5])."""

from __future__ import annotations

import numpy as np
import pytest

from conformance.conftest import valid_cases
from conformance.helpers import assert_agrees, describe
from conformance.session import fresh_render

LENGTH = 4096
NUDGE = 1e-6


def size_points(case) -> dict[str, float]:
    """Sizes worth checking: the ends, out of range, and each breakpoint exactly, just below and above."""
    points = {"0": 0.0, "1": 1.0, "-0.5": -0.5, "1.5": 1.5}
    for bp in case.model.breakpoints:
        points[f"{bp:g}"] = bp
        points[f"{bp:g}-"] = bp - NUDGE
        points[f"{bp:g}+"] = bp + NUDGE
    return points


def pytest_generate_tests(metafunc):
    if "size_case" in metafunc.fixturenames:
        params, ids = [], []
        for case in valid_cases(metafunc.config, "slimmable"):
            for name, size in size_points(case).items():
                params.append((case, size))
                ids.append(f"{case.id}-size{name}")
        metafunc.parametrize("size_case", params, ids=ids)


def test_size_selection(session, size_case, record):
    """At each size the implementation runs the submodel or widths the spec selects; a size exactly
    at a breakpoint selects the larger model."""
    case, size = size_case
    describe(record, case)
    record["size"] = size
    session.require(case.features, set_size=True)
    x = case.input[:, :LENGTH]
    y = fresh_render(session, case, x, size=size)
    expected = case.reference(x, initial_state=session.initial_state, size=size, reading=session.reading)
    assert_agrees(session, record, y, expected, what=f"the output at size {size:g}",
                  clause="CONT-6" if case.model.is_container else "WN-SLIM-5",
                  sample_rate=case.model.sample_rate, features=case.features,
                  recompute=lambda reading: case.reference(x, initial_state=session.initial_state, size=size,
                                                           reading=reading))


@pytest.mark.cases("slimmable")
def test_size_change_between_blocks(session, case, record):
    """A new size takes effect at the next block, and a newly selected model starts from its initial
    state ([STREAM-7])."""
    describe(record, case)
    session.require(case.features, stateful=True, set_size=True)
    x = case.input[:, :LENGTH]
    half = x.shape[1] // 2
    small = min(case.model.breakpoints) - 0.1 if case.model.breakpoints else 0.0
    with session.loaded(case.model_path) as model:
        model.set_size(1.0)
        first = model.render(x[:, :half])
        model.set_size(small)
        second = model.render(x[:, half:])
    expected_first = case.reference(x[:, :half], initial_state=session.initial_state, size=1.0,
                                    reading=session.reading)
    if case.model.selection(small) != case.model.selection(1.0):  # a new model starts from its initial state
        expected_second = case.reference(np.ascontiguousarray(x[:, half:]), initial_state=session.initial_state,
                                         size=small, reading=session.reading)
    else:  # the same model and widths: the stream simply continues
        expected_second = case.reference(x, initial_state=session.initial_state, size=1.0,
                                         reading=session.reading)[:, half:]
    assert_agrees(session, record, first, expected_first, what="the first half at full size", clause="STREAM-7")
    assert_agrees(session, record, second, expected_second,
                  what=f"the second half after selecting size {small:g}", clause="STREAM-7")


@pytest.mark.cases("slimmable")
def test_reported_breakpoints(session, case, record):
    describe(record, case)
    session.require(case.features, reports="breakpoints")
    with session.loaded(case.model_path) as model:
        reported = model.info().get("breakpoints")
    assert reported is not None and np.allclose(reported, case.model.breakpoints, rtol=0, atol=1e-12) and \
        len(reported) == len(case.model.breakpoints), (
        f"[{'CONT-8' if case.model.is_container else 'WN-SLIM-9'}] reported breakpoints {reported}, the spec's are "
        f"{case.model.breakpoints}")
