"""Where the generators' choices come from: Hypothesis (shrinkable) or a seeded random stream (reproducible).

Every builder in this package takes a `Source` and asks it for labelled primitive choices. Under
Hypothesis the choices are draws that shrink (integers toward their lower bound, `choice` toward its
first option, `boolean` toward False); under `RandomSource` they come from a seed, so `emit` and the
fixture builder write the same bytes for the same seed on every run.
"""

from __future__ import annotations

import abc
import random
from typing import Sequence, TypeVar

T = TypeVar("T")

SEED_LIMIT = 2**32 - 1


class Source(abc.ABC):
    """The primitive, labelled choices every builder makes. `trace` records (label, value) pairs."""

    def __init__(self):
        self.trace: list[tuple[str, object]] = []

    def _record(self, label: str, value):
        self.trace.append((label, value))
        return value

    @abc.abstractmethod
    def integer(self, lo: int, hi: int, label: str) -> int:
        """An integer in [lo, hi]; shrinks toward lo."""

    @abc.abstractmethod
    def real(self, lo: float, hi: float, label: str) -> float:
        """A float in [lo, hi]."""

    def boolean(self, label: str, p: float = 0.5) -> bool:
        """True with probability about p; shrinks to False."""
        return self.integer(0, 999, label) >= round(1000 * (1 - p))

    def choice(self, options: Sequence[T], label: str) -> T:
        """One of `options`; the first is the simplest."""
        options = list(options)
        if not options:
            raise ValueError(f"nothing to choose for {label}")
        return options[self.integer(0, len(options) - 1, label)]

    def seed(self, label: str) -> int:
        return self.integer(0, SEED_LIMIT, label)


class RandomSource(Source):
    """Choices from `random.Random(seed).random()`, whose sequence Python guarantees across versions."""

    def __init__(self, seed: int):
        super().__init__()
        self._random = random.Random(seed)

    def integer(self, lo: int, hi: int, label: str) -> int:
        if hi < lo:
            raise ValueError(f"empty range for {label}: {lo}..{hi}")
        return self._record(label, min(hi, lo + int(self._random.random() * (hi - lo + 1))))

    def real(self, lo: float, hi: float, label: str) -> float:
        return self._record(label, lo + (hi - lo) * self._random.random())


class HypothesisSource(Source):
    """Choices drawn through a Hypothesis `draw` function (inside `st.composite`).

    Hypothesis favours small integers, which would make the first option of every choice far more
    likely than the others. A small range is therefore drawn as a 16-bit integer taken modulo its size:
    nearly uniform, and still shrinking toward the first option (0 maps to `lo`).
    """

    WIDE = 1 << 16

    def __init__(self, draw):
        super().__init__()
        self._draw = draw

    def integer(self, lo: int, hi: int, label: str) -> int:
        from hypothesis import strategies as st

        if hi < lo:
            raise ValueError(f"empty range for {label}: {lo}..{hi}")
        span = hi - lo + 1
        if span > self.WIDE:
            return self._record(label, self._draw(st.integers(lo, hi)))
        return self._record(label, lo + self._draw(st.integers(0, self.WIDE - 1)) % span)

    def real(self, lo: float, hi: float, label: str) -> float:
        from hypothesis import strategies as st

        fraction = self._draw(st.integers(0, self.WIDE - 1)) / (self.WIDE - 1)
        return self._record(label, lo + (hi - lo) * fraction)


def note_trace(source: Source, what: str) -> None:
    """Attach the labelled choices to a failing Hypothesis example's report (no-op outside a test)."""
    from hypothesis import note
    from hypothesis.control import currently_in_test_context

    if currently_in_test_context():
        note(f"{what}: " + "; ".join(f"{label}={value}" for label, value in source.trace))
