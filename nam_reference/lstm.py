"""LSTM: stacked long short-term memory layers and a linear head (spec section 11)."""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.special import expit

from .conv import WeightReader


@dataclasses.dataclass(frozen=True)
class LSTMConfig:
    input_size: int
    hidden_size: int
    num_layers: int
    in_channels: int
    out_channels: int

    def layer_inputs(self) -> list[int]:
        return [self.input_size] + [self.hidden_size] * (self.num_layers - 1)

    def weight_count(self) -> int:  # [LSTM-3]
        h, o = self.hidden_size, self.out_channels
        return sum(4 * h * (i + h) + 4 * h + 2 * h for i in self.layer_inputs()) + o * h + o

    def receptive_field(self) -> None:
        return None  # [LSTM-7]

    def conv_receptive_field(self) -> int:
        return 1  # [STATE-3]

    def receptive_field_is_exact(self, weights) -> bool:
        return False  # unbounded

    def build(self, weights: np.ndarray, dtype) -> "LSTMNetwork":
        return LSTMNetwork(self, weights, dtype)


def parse_config(config: dict, ctx) -> LSTMConfig | None:
    cfg = LSTMConfig(int(config["input_size"]), int(config["hidden_size"]), int(config["num_layers"]),
                     int(config.get("in_channels", 1)), int(config.get("out_channels", 1)))
    if cfg.input_size != cfg.in_channels:
        ctx.error(("input_size",), "LSTM-2",
                  f"input_size ({cfg.input_size}) must equal in_channels ({cfg.in_channels})")
        return None
    return cfg


@dataclasses.dataclass
class _Layer:
    w_input: np.ndarray  # (4H × I): the columns of W that multiply the layer input
    w_hidden: np.ndarray  # (4H × H): the columns that multiply the previous hidden state
    bias: np.ndarray  # (4H × 1)
    h0: np.ndarray  # (H,) stored initial hidden state
    c0: np.ndarray  # (H,) stored initial cell state


class LSTMNetwork:
    def __init__(self, cfg: LSTMConfig, weights: np.ndarray, dtype):
        reader = WeightReader(weights)
        h = cfg.hidden_size
        self.layers = []
        for i in cfg.layer_inputs():
            w = reader.take(4 * h, i + h).astype(dtype)  # rows: gates i, f, g, o ([LSTM-4])
            self.layers.append(_Layer(w[:, :i], w[:, i:], reader.take(4 * h).astype(dtype)[:, None],
                                      reader.take(h).astype(dtype), reader.take(h).astype(dtype)))
        self.w_head = reader.take(cfg.out_channels, h).astype(dtype)
        self.b_head = reader.take(cfg.out_channels).astype(dtype)[:, None]
        reader.finish()
        self.hidden_size, self.dtype = h, dtype
        self.in_channels, self.out_channels = cfg.in_channels, cfg.out_channels

    def new_state(self):
        """The stored (h0, c0) of every layer ([LSTM-6]); for an LSTM the cold state is the stored one."""
        return [[layer.h0.copy(), layer.c0.copy()] for layer in self.layers]

    def process(self, x: np.ndarray, state) -> np.ndarray:
        u = x
        for layer, hc in zip(self.layers, state):
            u = self._run_layer(layer, u, hc)
        return self.w_head @ u + self.b_head

    def _run_layer(self, layer: _Layer, u: np.ndarray, hc) -> np.ndarray:
        """[LSTM-5] for one layer over a block; the input projections are computed for all steps at once."""
        H = self.hidden_size
        projected = layer.w_input @ u + layer.bias  # (4H × n)
        h, c = hc
        out = np.empty((H, u.shape[1]), dtype=self.dtype)
        for t in range(u.shape[1]):
            z = projected[:, t] + layer.w_hidden @ h
            i, f, o = expit(z[:H]), expit(z[H:2 * H]), expit(z[3 * H:])
            g = np.tanh(z[2 * H:3 * H])
            c = f * c + i * g
            h = o * np.tanh(c)
            out[:, t] = h
        hc[0], hc[1] = h, c
        return out
