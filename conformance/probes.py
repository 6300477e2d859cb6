"""Black-box probes of causality and receptive field ([STREAM-3]).

A perturbation of the input at sample p may change the output only at samples p … p + RF − 1: earlier
outputs (causality) and later ones (outside the receptive field) must not move, and the output at
p + RF − 1 (just inside) must move for some input.
"""

from __future__ import annotations

import dataclasses

import numpy as np

LEAD = 16  # samples before the perturbation, to check causality
TAIL = 16  # samples after the receptive field, to check that nothing leaks past it
UNCHANGED = 1e-6  # relative to max(1, peak): a difference this small is rounding, not influence
CHANGED = 1e-5  # relative to max(1, peak): the smallest difference counted as influence


@dataclasses.dataclass
class ProbeResult:
    causal: bool  # no output before the perturbation moved
    outside_unchanged: bool | None  # no output at or after p + RF moved (None: unbounded RF)
    inside_changed: bool | None  # the output at p + RF − 1 moved in some trial (None: unbounded RF)
    detail: str

    @property
    def ok(self) -> bool:
        return self.causal and self.outside_unchanged is not False and self.inside_changed is not False


def probe(render, receptive_field: int | None, in_channels: int = 1, trials: int = 4, seed: int = 0,
          span: int = 256) -> ProbeResult:
    """`render(x)` maps a (channels × n) float32 input to its output from a fresh initial state.
    Without a receptive field only causality is probed, over `span` samples."""
    rng = np.random.default_rng(seed)
    span = receptive_field if receptive_field is not None else span
    n = LEAD + span + TAIL
    causal, outside, inside = True, True, False
    worst_before = worst_after = 0.0
    at_edge = []
    for trial in range(trials):
        x = rng.uniform(-0.5, 0.5, size=(in_channels, n)).astype(np.float32)
        y = np.atleast_2d(render(x))
        x2 = x.copy()
        x2[:, LEAD] += np.float32(0.5 if trial % 2 == 0 else -0.75)
        y2 = np.atleast_2d(render(x2))
        scale = max(1.0, float(np.max(np.abs(y))), float(np.max(np.abs(y2))))
        change = np.max(np.abs(y2.astype(np.float64) - y), axis=0) / scale
        worst_before = max(worst_before, float(change[:LEAD].max()))
        causal &= bool(change[:LEAD].max() <= UNCHANGED)
        if receptive_field is not None:
            last_inside = LEAD + receptive_field - 1
            worst_after = max(worst_after, float(change[last_inside + 1:].max()))
            outside &= bool(change[last_inside + 1:].max() <= UNCHANGED)
            at_edge.append(float(change[last_inside]))
            inside |= bool(change[last_inside] > CHANGED)
    detail = f"largest change before the perturbation {worst_before:.3g}"
    if receptive_field is None:
        return ProbeResult(causal, None, None, detail)
    detail += (f"; after the receptive field {worst_after:.3g}; at its last sample "
               f"{', '.join(f'{c:.3g}' for c in at_edge)} (relative to max(1, peak))")
    return ProbeResult(causal, outside, inside, detail)
