"""Linear: a finite impulse response filter (spec section 9)."""

from __future__ import annotations

import dataclasses

import numpy as np

from .conv import History, WeightReader
from .readings import EXACT, Reading


@dataclasses.dataclass(frozen=True)
class LinearConfig:
    taps: int  # R, `receptive_field`
    bias: bool
    in_channels: int
    out_channels: int

    def weight_count(self) -> int:
        return self.taps + (1 if self.bias else 0)  # [LIN-4]

    def receptive_field(self) -> int:
        return self.taps  # [LIN-6]

    def conv_receptive_field(self) -> int:
        return self.taps

    def receptive_field_is_exact(self, weights) -> bool:
        return weights[self.taps - 1] != 0  # [WN-RF-4]

    def build(self, weights: np.ndarray, dtype, reading: Reading = EXACT) -> "LinearNetwork":
        return LinearNetwork(self, weights, dtype, reading)


def parse_config(config: dict, ctx) -> LinearConfig | None:
    in_ch, out_ch = config.get("in_channels", 1), config.get("out_channels", 1)
    if in_ch != out_ch:
        ctx.error(("out_channels",), "LIN-2", f"in_channels ({in_ch}) and out_channels ({out_ch}) must be equal")
        return None
    return LinearConfig(int(config["receptive_field"]), config["bias"], int(in_ch), int(out_ch))


class LinearNetwork:
    """y[c, t] = b + Σ_{k=0}^{R−1} w[k] · x[c, t − k]   ([LIN-5]): w[0] multiplies the current sample."""

    def __init__(self, config: LinearConfig, weights: np.ndarray, dtype, reading: Reading = EXACT):
        reader = WeightReader(weights)
        self.w = reader.take(config.taps).astype(dtype)  # [LIN-4]: w[0], …, w[R−1], the impulse response
        if reading.speaks("DIV-1"):  # [DIALECT-3]: the trainer's Conv1d order, current sample last
            self.w = self.w[::-1].copy()
        self.b = dtype(reader.take(1)[0]) if config.bias else dtype(0)  # [LIN-5]: b = 0 without bias
        reader.finish()
        self.config, self.dtype = config, dtype
        self.in_channels = self.out_channels = config.in_channels

    def new_state(self):
        return History(self.in_channels, self.config.taps - 1, self.dtype)

    def process(self, x: np.ndarray, history: History) -> np.ndarray:
        window = history.window(x)  # [the last R − 1 inputs | x]: column R − 1 + t is x[:, t]
        # [LIN-5] for each channel on its own, with the same taps ([LIN-2]). np.convolve flips w, so its output t is
        # Σ_k w[k] · window[t + R − 1 − k] = Σ_k w[k] · x[t − k].
        y = np.stack([np.convolve(window[c], self.w, mode="valid") for c in range(self.in_channels)])
        return (y + self.b).astype(self.dtype, copy=False)  # + b
