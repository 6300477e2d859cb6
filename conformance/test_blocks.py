"""Block/sample equivalence: any way of cutting the input into blocks gives the one-block output
([STREAM-2], [NUM-4]). The most important check: engines have failed it at block sizes 1 and at
sizes that divide the receptive field."""

from __future__ import annotations

import functools

import numpy as np

from conformance.adapters import ReportedError
from conformance.cases import dense_signal, extended
from conformance.conftest import valid_cases
from conformance.helpers import assert_agrees, assert_same, describe
from conformance.outcomes import not_applicable
from conformance.session import fresh_render

FIXED = [1, 2, 3, 7, 64, 333, 4096]
SHORT_INPUT = 2048  # blocks of 1 to 7 samples run on this prefix: the per-block cost dominates there


def _largest_proper_divisor(n: int) -> int | None:
    for d in range(2, int(n ** 0.5) + 1):
        if n % d == 0:
            return n // d
    return None


def block_plans(case) -> dict[str, object]:
    """Named block plans for a case: fixed lengths, lengths tied to its receptive field, a random
    sequence. A plan is a block length or a list of lengths."""
    plans: dict[str, object] = {f"b{b}": b for b in FIXED}
    rf = case.receptive_field
    if rf is not None:
        for name, n in (("rf", rf), ("rf-1", rf - 1)):
            if n > 1:
                plans[name] = n
            divisor = _largest_proper_divisor(n) if n > 3 else None
            if divisor and divisor not in FIXED:
                plans[f"div({name})"] = divisor
    plans["random"] = "random"
    plans.update({name: name for name in CHANGING})
    return plans


def changing_lengths(case, limit: int | None) -> dict[str, list[int]]:
    """Plans whose block length changes within the run, where engines resize their buffers: "grow"
    doubles from 1 sample up to a block longer than twice the receptive field (at most the declared
    maximum); "shrink" starts with that longest block, then a single sample, then halves. Both cover
    the same number of samples."""
    rf = case.receptive_field
    longest = max(64, 2 * rf) if rf is not None else 256
    top = 1 << (longest - 1).bit_length()
    if limit is not None:
        top = min(top, 1 << (limit.bit_length() - 1))
    grow = [1 << k for k in range(top.bit_length())]
    return {"grow": grow, "shrink": [top, 1] + grow[1:-1][::-1]}


CHANGING = ("grow", "shrink")


def pytest_generate_tests(metafunc):
    if "block_case" in metafunc.fixturenames:
        params, ids = [], []
        for case in valid_cases(metafunc.config):
            for name, plan in block_plans(case).items():
                params.append((case, plan))
                ids.append(f"{case.id}-{name}")
        metafunc.parametrize("block_case", params, ids=ids)


def _blocks(plan, n: int, seed: int) -> list[int]:
    if plan == "random":
        rng = np.random.default_rng(seed)
        sizes = []
        while sum(sizes) < n:
            sizes.append(int(rng.choice([1, 2, 5, 17, 64, 100, 257, 1024, 3000])))
        sizes[-1] -= sum(sizes) - n
        return [s for s in sizes if s > 0]
    return [plan] * (n // plan) + ([n % plan] if n % plan else [])


@functools.lru_cache(maxsize=64)
def _one_block(session, case, n: int) -> np.ndarray:
    return fresh_render(session, case, case.input[:, :n], size=case.size)


@functools.lru_cache(maxsize=8)
def _one_dense_block(session, case, n: int) -> np.ndarray:
    return fresh_render(session, case, dense_signal(case.model.in_channels, n), size=case.size)


def test_block_invariance(session, block_case, record):
    case, plan = block_case
    describe(record, case)
    session.require(case.features, set_size=case.size is not None)
    if plan in CHANGING:  # on an input without zeros, where a lost or stale sample always shows
        blocks = changing_lengths(case, session.caps.get("max_block"))[plan]
        n = sum(blocks)
        record["blocks"] = blocks
        with session.loaded(case.model_path, case.size) as model:
            y = model.render(dense_signal(case.model.in_channels, n), blocks)
            record["timings"] = model.timings
        assert_same(record, y, _one_dense_block(session, case, n), what=f"blocks of {blocks}", clause="STREAM-2")
        return
    n = case.input.shape[1] if plan == "random" or plan > 7 else min(SHORT_INPUT, case.input.shape[1])
    if plan != "random" and plan >= n:
        not_applicable(f"blocks of {plan} cover the whole {n}-sample input in one block")
    blocks = _blocks(plan, n, seed=len(case.id))
    record["blocks"] = blocks[:8] + (["..."] if len(blocks) > 8 else [])
    with session.loaded(case.model_path, case.size) as model:
        y = model.render(case.input[:, :n], blocks)
        record["timings"] = model.timings
    assert_same(record, y, _one_block(session, case, n), what=f"blocks of {plan}", clause="STREAM-2")


def test_block_longer_than_declared_maximum(session, case, record):
    """Given a block longer than its declared maximum (2·max + 1 samples, the case input continued with
    the standard signal), an implementation processes it correctly, or reports an error and keeps its
    state ([STREAM-4]). A crash, a hang, a wrong length or non-finite output is an error of the check,
    never a refusal: only an error the implementation reports itself (ReportedError) is one."""
    describe(record, case)
    limit = session.caps.get("max_block")
    if limit is None:
        not_applicable("the implementation declares no maximum block length")
    session.require(case.features, set_size=case.size is not None)
    n = 2 * limit + 1
    x = extended(case.input, n)
    expected = case.reference(x, initial_state=session.initial_state, reading=session.reading)

    def recompute(reading):
        return case.reference(x, initial_state=session.initial_state, reading=reading)
    with session.loaded(case.model_path, case.size) as model:
        try:
            y = model.handle.process(x, [n])  # bypasses the suite's own splitting
        except ReportedError as exc:
            record["refused"] = str(exc)[:200]
            y = model.render(x)  # within the limit: the refusal must have left the initial state alone
            assert_agrees(session, record, y, expected, clause="STREAM-4", sample_rate=case.model.sample_rate,
                          what=f"after refusing a block of {n} (maximum {limit}), the same input in allowed blocks",
                          features=case.features, recompute=recompute)
            return
    assert_agrees(session, record, y, expected, what=f"one block of {n} (maximum {limit})", clause="STREAM-4",
                  sample_rate=case.model.sample_rate, features=case.features, recompute=recompute)
