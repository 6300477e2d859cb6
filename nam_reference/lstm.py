"""LSTM: stacked long short-term memory layers and a linear head (spec section 11).

Read against the spec: `parse_config` is [LSTM-1] and [LSTM-2], `LSTMNetwork.__init__` reads the weights in
the order of [LSTM-3], `steps` is one layer's [LSTM-5] line by line, and `LSTMNetwork.process` runs the
layers and the head. Two measures for speed: the part of z that depends only on the layer input is
computed for a whole block in one product (`process`), and the loop that runs is `steps_in_place`:
`steps` with every result written into an array allocated once, tested equal to it bit for bit.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .activations import fast_sigmoid, fast_tanh, logistic
from .conv import WeightReader
from .readings import EXACT, FAST_SIGMOID, FAST_TANH, Reading


@dataclasses.dataclass(frozen=True)
class LSTMConfig:  # [LSTM-1]
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
    if cfg.input_size != cfg.in_channels:  # [LSTM-2]
        ctx.error(("input_size",), "LSTM-2",
                  f"input_size ({cfg.input_size}) must equal in_channels ({cfg.in_channels})")
        return None
    return cfg


@dataclasses.dataclass(frozen=True)
class LSTMLayer:
    """One layer's weights as [LSTM-3] stores them. The rows of W and b are four blocks of H rows, the
    gates i, f, g, o in that order ([LSTM-4])."""

    w_input: np.ndarray  # (4H × I): the first I columns of W, which multiply the layer input [LSTM-4]
    w_hidden: np.ndarray  # (4H × H): the last H columns, which multiply the previous hidden state [LSTM-4]
    bias: np.ndarray  # (4H,): b
    h0: np.ndarray  # (H,): the initial hidden state [LSTM-6]
    c0: np.ndarray  # (H,): the initial cell state [LSTM-6]


class LSTMNetwork:
    def __init__(self, cfg: LSTMConfig, weights: np.ndarray, dtype, reading: Reading = EXACT):
        # [APPROX-2], [APPROX-3]: the engine's fast functions for the cell's tanh and the gates' σ.
        self.tanh = fast_tanh if reading.fast(FAST_TANH) else np.tanh
        self.sigmoid = fast_sigmoid if reading.fast(FAST_SIGMOID) else logistic()
        reader = WeightReader(weights)
        H = cfg.hidden_size
        self.layers = []
        for I in cfg.layer_inputs():  # [LSTM-3]: per layer W, b, h0, c0
            W = reader.take(4 * H, I + H).astype(dtype)
            b = reader.take(4 * H).astype(dtype)
            h0 = reader.take(H).astype(dtype)
            c0 = reader.take(H).astype(dtype)
            self.layers.append(LSTMLayer(np.ascontiguousarray(W[:, :I]), np.ascontiguousarray(W[:, I:]), b, h0, c0))
        self.w_head = reader.take(cfg.out_channels, H).astype(dtype)  # [LSTM-3]: then W_head, b_head
        self.b_head = reader.take(cfg.out_channels).astype(dtype)
        reader.finish()
        self.hidden_size, self.dtype = H, dtype
        self.in_channels, self.out_channels = cfg.in_channels, cfg.out_channels

    def new_state(self):
        """The stored (h0, c0) of every layer ([LSTM-6]); for an LSTM the cold state is the stored one."""
        return [[layer.h0.copy(), layer.c0.copy()] for layer in self.layers]

    def process(self, x: np.ndarray, state) -> np.ndarray:
        """[LSTM-5] over a block x (channels × n). `state` holds every layer's [h, c], and is updated."""
        u = x.T  # time-major: row t is x[·, t]
        for layer, hc in zip(self.layers, state):
            # z = W @ [u; h] + b, summed as (W[:, :I] @ u + b) + W[:, I:] @ h: the first part does not depend
            # on the previous step, so it is computed for every step of the block in one product. (W[:, :I]
            # transposed into a contiguous copy: BLAS then rounds alike whatever the block length.)
            input_part = u @ np.ascontiguousarray(layer.w_input.T) + layer.bias  # row t: W[:, :I] @ u_t + b
            # u = h_l for the next layer; h_l and c_l carried to the next block [LSTM-5]
            u, hc[0], hc[1] = steps_in_place(layer.w_hidden, input_part, hc[0], hc[1], self.sigmoid, self.tanh)
        # y[·, t] = W_head @ h_{L−1} + b_head. The head reads h channel-major, so that its rounding does not
        # depend on the block length.
        return self.w_head @ np.ascontiguousarray(u.T) + self.b_head[:, None]


def steps(w_hidden, input_part, h, c, sigmoid, tanh):
    """[LSTM-5] for one layer over a block of n steps, as the spec writes it. `input_part` (n × 4H) holds
    W[:, :I] @ u + b of every step; `h` and `c` are the state before the first step. Returns the h of every
    step (n × H) and the state after the last one (h, c).

    The reference runs `steps_in_place`, the same operations written into arrays allocated once;
    tests/test_reference_lstm.py checks that the two agree bit for bit."""
    H = len(h)
    hidden = np.empty((len(input_part), H), dtype=input_part.dtype)
    for t, zu in enumerate(input_part):
        z = zu + w_hidden @ h  # z = W @ [u; h] + b              [LSTM-5]
        i = sigmoid(z[0:H])  # the gate blocks i, f, g, o        [LSTM-4]
        f = sigmoid(z[H:2 * H])
        g = tanh(z[2 * H:3 * H])
        o = sigmoid(z[3 * H:4 * H])
        c = f * c + i * g  # [LSTM-5]
        h = o * tanh(c)  # [LSTM-5]
        hidden[t] = h  # u = h: the next layer's input
    return hidden, h, c


def steps_in_place(w_hidden, input_part, h, c, sigmoid, tanh):
    """`steps`, with every result written into an array allocated once (`out` arguments): at a few
    elements per array, allocating the results takes about a third of `steps`'s time. The same operations in the
    same order, so the same bits."""
    n, H = input_part.shape[0], len(h)
    hidden = np.empty((n + 1, H), dtype=input_part.dtype)  # hidden[t + 1] is h after step t
    hidden[0] = h
    c = c.copy()
    z = np.empty(4 * H, dtype=input_part.dtype)
    z_i, z_f, z_g, z_o = z.reshape(4, H)  # views of the four gate blocks of z [LSTM-4]
    i, f, g, o, i_g, tanh_c = np.empty((6, H), dtype=input_part.dtype)
    dot, add, multiply = np.dot, np.add, np.multiply
    rows = list(hidden)
    for zu, h, h_next in zip(input_part, rows, rows[1:]):  # h: the previous step's; h_next: this step's
        dot(w_hidden, h, z)
        add(zu, z, z)  # z = W @ [u; h] + b                      [LSTM-5]
        sigmoid(z_i, i)
        sigmoid(z_f, f)
        tanh(z_g, g)
        sigmoid(z_o, o)
        multiply(f, c, c)
        multiply(i, g, i_g)
        add(c, i_g, c)  # c = f ⊙ c + i ⊙ g
        tanh(c, tanh_c)
        multiply(o, tanh_c, h_next)  # h = o ⊙ tanh(c)
    return hidden[1:], hidden[n].copy(), c
