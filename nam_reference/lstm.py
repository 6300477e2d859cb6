"""LSTM: stacked long short-term memory layers and a linear head (spec section 11)."""

from __future__ import annotations

import dataclasses

import numpy as np

from .activations import fast_sigmoid, fast_tanh, logistic
from .conv import WeightReader
from .readings import EXACT, FAST_SIGMOID, FAST_TANH, Reading


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
        # In closed form: num_layers is not yet checked against the blob, so no list is sized from it ([W-5]).
        h, o = self.hidden_size, self.out_channels

        def layer(i):
            return 4 * h * (i + h) + 4 * h + 2 * h

        return layer(self.input_size) + (self.num_layers - 1) * layer(h) + o * h + o

    def receptive_field(self) -> None:
        return None  # [LSTM-7]

    def conv_receptive_field(self) -> int:
        return 1  # [STATE-3]

    def receptive_field_is_exact(self, weights) -> bool:
        return False  # unbounded

    def build(self, weights: np.ndarray, dtype, reading: Reading = EXACT) -> "LSTMNetwork":
        return LSTMNetwork(self, weights, dtype, reading)


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
    # Gate rows are stored in the order i, f, o, g (the spec's is i, f, g, o, [LSTM-4]) so that the three
    # sigmoid gates are one contiguous run.
    w_input: np.ndarray  # (I × 4H): the columns of W that multiply the layer input, transposed
    w_hidden: np.ndarray  # (4H × H): the columns that multiply the previous hidden state
    bias: np.ndarray  # (4H,)
    h0: np.ndarray  # (H,) stored initial hidden state
    c0: np.ndarray  # (H,) stored initial cell state


class LSTMNetwork:
    def __init__(self, cfg: LSTMConfig, weights: np.ndarray, dtype, reading: Reading = EXACT):
        # [APPROX-2], [APPROX-3]: the engine's fast functions for the cell's tanh and the gates' σ.
        self.tanh = fast_tanh if reading.fast(FAST_TANH) else np.tanh
        self.sigmoid = fast_sigmoid if reading.fast(FAST_SIGMOID) else logistic()
        reader = WeightReader(weights)
        h = cfg.hidden_size
        ifog = np.r_[0:2 * h, 3 * h:4 * h, 2 * h:3 * h]  # the blob rows of gates i, f, o, g, in that order
        self.layers = []
        for i in cfg.layer_inputs():
            w = reader.take(4 * h, i + h).astype(dtype)[ifog]  # rows: gates i, f, g, o in the blob ([LSTM-4])
            bias = reader.take(4 * h).astype(dtype)[ifog]
            self.layers.append(_Layer(np.ascontiguousarray(w[:, :i].T), np.ascontiguousarray(w[:, i:]), bias,
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
        u = x.T  # time-major (n × channels): row t is step t's input
        for layer, hc in zip(self.layers, state):
            u = self._run_layer(layer, u, hc)
        # The head reads h channel-major, so that its rounding does not depend on the block length.
        return self.w_head @ np.ascontiguousarray(u.T) + self.b_head

    def _run_layer(self, layer: _Layer, u: np.ndarray, hc) -> np.ndarray:
        """[LSTM-5] for one layer over a block of n steps (u: n × I); returns h of every step (n × H).

        The input projections are computed for all steps at once; the loop does only what depends on
        the previous step, on preallocated vectors, with views made once.
        """
        H, n = self.hidden_size, u.shape[0]
        projected = u @ layer.w_input + layer.bias  # (n × 4H): row t is W_input @ u_t + b
        hidden = np.empty((n + 1, H), dtype=self.dtype)  # hidden[t + 1] is h after step t
        hidden[0] = hc[0]
        z = np.empty(4 * H, dtype=self.dtype)  # the gates i, f, o (then σ of them) and g (before tanh)
        sigmoid_gates, i_f, o, g_in = z[:3 * H], z[:2 * H], z[2 * H:3 * H], z[3 * H:]
        gc = np.empty(2 * H, dtype=self.dtype)  # [g | c]: the cell candidate and the cell state
        g, c = gc[:H], gc[H:]
        c[:] = hc[1]
        tanh_c = np.empty(H, dtype=self.dtype)
        dot, add, multiply, tanh, sigmoid = np.dot, np.add, np.multiply, self.tanh, self.sigmoid
        rows = list(hidden)
        for p, h, h_next in zip(projected, rows, rows[1:]):  # every call writes into its last argument
            dot(layer.w_hidden, h, z)
            add(z, p, z)  # z = W @ [u; h] + b
            sigmoid(sigmoid_gates, sigmoid_gates)  # i, f, o
            tanh(g_in, g)
            multiply(i_f, gc, gc)  # [i ⊙ g | f ⊙ c]
            add(c, g, c)  # c = f ⊙ c + i ⊙ g
            tanh(c, tanh_c)
            multiply(o, tanh_c, h_next)  # h = o ⊙ tanh(c)
        hc[0], hc[1] = hidden[n].copy(), c.copy()
        return hidden[1:]
