"""Long signals: 200,000 samples (several wraps of any power-of-two buffer up to 65536) streamed in a
mix of block lengths, blocks longer than 16384 among them when the implementation declares no maximum,
agree with the reference's one-block output; so do the same samples after a reset in the middle of a
run ([STREAM-2], [STATE-6]). Real hosts stream for hours and offline renders hand over whole files in
one block; fixture inputs are 2048 samples, which no ring buffer ever wraps in.

The check runs on a few cases that between them show every architecture and every feature with a
history of its own (conformance.cases.covering), so its cost stays bounded."""

from __future__ import annotations

import functools

import numpy as np

from conformance.cases import covering, extended
from conformance.conftest import valid_cases
from conformance.helpers import assert_agrees, describe

LENGTH = 200_000
BEFORE_RESET = 40_000  # past 32768 samples, then a reset: counters that survive a reset show
PATTERN = (4096, 1, 333, 20_000, 64, 7, 65_536, 2, 3000, 16_411)  # cycled; 20000, 65536, 16411 exceed 16384
# Features with a history or a state of their own, each shown by at least one chosen case.
STATEFUL = ("arch.linear", "arch.convnet", "arch.lstm", "arch.wavenet", "arch.container", "lstm.multilayer",
            "container.packed", "wavenet.condition_dsp", "wavenet.multi_array", "wavenet.head_kernel",
            "wavenet.head_dilation", "wavenet.post_head", "wavenet.slimmable", "env.multichannel", "arch.sequential",
            "sequential.nested")


def pytest_generate_tests(metafunc):
    if "long_case" in metafunc.fixturenames:
        chosen = covering([c for c in valid_cases(metafunc.config) if c.expected_path is not None], STATEFUL)
        metafunc.parametrize("long_case", chosen, ids=[c.id for c in chosen])


def blocks(n: int) -> list[int]:
    """PATTERN cycled until n samples are covered (the last block cut to fit)."""
    out, total, i = [], 0, 0
    while total < n:
        length = min(PATTERN[i % len(PATTERN)], n - total)
        out.append(length)
        total, i = total + length, i + 1
    return out


@functools.lru_cache(maxsize=4)
def _expected(case, initial_state: str, reading) -> np.ndarray:
    return case.reference(extended(case.input, LENGTH), initial_state=initial_state, reading=reading)


def test_long_signal(session, long_case, record):
    case = long_case
    describe(record, case)
    session.require(case.features, set_size=case.size is not None)
    x = extended(case.input, LENGTH)
    expected = _expected(case, session.initial_state, session.reading)
    rate = case.model.sample_rate

    def recompute(reading, n=LENGTH):
        return _expected(case, session.initial_state, reading)[:, :n]
    with session.loaded(case.model_path, case.size) as model:
        if session.caps["stateful"]:
            y = model.render(x[:, :BEFORE_RESET], blocks(BEFORE_RESET))
            assert_agrees(session, record, y, expected[:, :BEFORE_RESET], clause="STREAM-2", sample_rate=rate,
                          what=f"the first {BEFORE_RESET} samples in blocks of {list(PATTERN[:4])}...",
                          features=case.features, recompute=lambda reading: recompute(reading, BEFORE_RESET))
            model.reset()
        y = model.render(x, blocks(LENGTH))
        record["timings"] = model.timings
    after = " after a reset" if session.caps["stateful"] else ""
    assert_agrees(session, record, y, expected, clause="STATE-6" if after else "STREAM-2", sample_rate=rate,
                  what=f"{LENGTH} samples{after} in blocks of {list(PATTERN)} cycled", features=case.features,
                  recompute=recompute)
