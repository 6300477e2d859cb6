"""Weight blobs: each tensor drawn on a scale that keeps a random model's output bounded and audible.

A weight tensor is uniform in ±gain·sqrt(3 / fan_in), so each output channel has about the variance
of one input channel (the usual fan-in scaling); biases are small; FiLM scales stay near 1 and
batch-norm variances near 1, so a modulated or normalised signal neither vanishes nor explodes.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Tensor:
    """One contiguous run of the blob ([W-4]).

    kind: "weight" (fan-in scaled), "bias", "film_bias" (first `rows` scale rows near 1, then shift
    rows near 0), "positive" (in [0.5, 2], batch-norm variance), "near_one" (in [0.5, 1.5]), "fixed"
    (`value` everywhere) or "state" (an LSTM's stored state, zero until burnt in).
    `oldest_tap` is the index along the last axis of the tap that reads the oldest input sample: 0 for
    a convolution ([CONV-4]), -1 for Linear taps ([LIN-5]), None for tensors that are not taps.
    """

    name: str
    shape: tuple[int, ...]
    kind: str = "weight"
    fan_in: int = 1
    gain: float = 1.0
    rows: int = 0
    value: float = 0.0
    oldest_tap: int | None = None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1


def offsets(tensors) -> dict[str, tuple[int, int]]:
    """name -> (start, stop) in the blob."""
    out, at = {}, 0
    for t in tensors:
        out[t.name] = (at, at + t.size)
        at += t.size
    return out


def fill(tensors, rng: np.random.Generator, strong_oldest_taps: bool = False) -> np.ndarray:
    """Draw every tensor; with `strong_oldest_taps`, tap 0 of every convolution with k > 1 is kept large,
    so the oldest sample of the receptive field has a measurable influence."""
    parts = []
    for t in tensors:
        if t.kind == "weight":
            bound = t.gain * np.sqrt(3.0 / max(t.fan_in, 1))
            w = rng.uniform(-bound, bound, size=t.shape)
            if strong_oldest_taps and t.oldest_tap is not None and t.shape[-1] > 1:
                oldest = w[..., t.oldest_tap]
                w[..., t.oldest_tap] = np.where(oldest < 0, -1.0, 1.0) * rng.uniform(0.7 * bound, bound, oldest.shape)
        elif t.kind == "bias":
            w = rng.uniform(-0.1, 0.1, size=t.shape)
        elif t.kind == "film_bias":
            w = rng.uniform(-0.1, 0.1, size=t.shape)
            w[:t.rows] += 1.0  # the scale rows: a FiLM starts near the identity
        elif t.kind == "positive":
            w = rng.uniform(0.5, 2.0, size=t.shape)
        elif t.kind == "near_one":
            w = rng.uniform(0.5, 1.5, size=t.shape)
        elif t.kind in ("fixed", "state"):
            w = np.full(t.shape, t.value)
        else:
            raise ValueError(f"unknown tensor kind {t.kind!r}")
        parts.append(np.asarray(w, dtype=np.float64).ravel())
    blob = np.concatenate(parts) if parts else np.zeros(0)
    return blob.astype(np.float32)


def to_json_numbers(values) -> list[float]:
    """float32 values as the doubles of their shortest round-trip decimals ([W-2]: writers SHOULD write
    the shortest decimal that round-trips the binary32 value). `json` then writes e.g. 0.1, not
    0.10000000149011612, and a reader rounding to binary32 gets the same value back."""
    return [float(str(v)) for v in np.asarray(values, dtype=np.float32)]
