"""The causal, grouped, dilated convolution every ConvNet and WaveNet tensor is (spec section 8)."""

from __future__ import annotations

import numpy as np


class WeightReader:
    """Takes tensors from the front of a weight blob in the order an architecture defines ([W-4])."""

    def __init__(self, weights: np.ndarray):
        self.weights = weights
        self.offset = 0

    def take(self, *shape: int) -> np.ndarray:
        n = int(np.prod(shape)) if shape else 1
        if self.offset + n > len(self.weights):
            raise ValueError("weight blob too short")  # the validator's count check ([W-3]) prevents this
        out = self.weights[self.offset:self.offset + n].reshape(shape)
        self.offset += n
        return out

    def finish(self) -> None:
        if self.offset != len(self.weights):
            raise ValueError(f"{len(self.weights) - self.offset} weights left unread")


def conv_weight_count(c_in: int, c_out: int, kernel: int = 1, groups: int = 1, bias: bool = True) -> int:
    """[CONV-2]: out·(in/g)·k weights, plus out biases."""
    return c_out * (c_in // groups) * kernel + (c_out if bias else 0)


def dense_taps(w: np.ndarray, c_in: int, groups: int) -> np.ndarray:
    """Expand W[out][in/g][k] into one dense (out × in) matrix per tap, zero outside each group ([CONV-3])."""
    c_out, in_per_group, k = w.shape
    out_per_group = c_out // groups
    dense = np.zeros((k, c_out, c_in), dtype=w.dtype)
    for q in range(groups):
        rows = slice(q * out_per_group, (q + 1) * out_per_group)
        cols = slice(q * in_per_group, (q + 1) * in_per_group)
        dense[:, rows, cols] = np.moveaxis(w[rows], 2, 0)
    return dense


class History:
    """A convolution's input history ([CONV-5]): the last `length` input columns, followed by room
    for the next block. Reading a block's window never copies the history."""

    def __init__(self, channels: int, length: int, dtype):
        self.length = length
        self.buffer = np.zeros((channels, 2 * length + 4096), dtype=dtype)  # zeros: the cold state
        self.end = length  # buffer[:, end - length:end] is the history

    def window(self, block: np.ndarray) -> np.ndarray:
        """Append `block` and return the (channels × (length + n)) view [history | block]."""
        n = block.shape[1]
        if self.end + n > self.buffer.shape[1]:
            history = self.buffer[:, self.end - self.length:self.end].copy()
            if self.length + n > self.buffer.shape[1]:
                self.buffer = np.empty((self.buffer.shape[0], 2 * (self.length + n)), dtype=self.buffer.dtype)
            self.buffer[:, :self.length] = history
            self.end = self.length
        self.buffer[:, self.end:self.end + n] = block
        self.end += n
        return self.buffer[:, self.end - self.length - n:self.end]


class Conv:
    """y[:, t] = b + Σ_j W_j @ u[:, t − (k−1−j)·d]   ([CONV-4]).

    `taps[j]` is the dense (out × in) matrix of tap j; tap k−1 multiplies the current sample.
    """

    def __init__(self, w: np.ndarray, b: np.ndarray | None, c_in: int, dilation: int = 1, groups: int = 1,
                 dtype=np.float32):
        self.taps = dense_taps(w, c_in, groups).astype(dtype)
        self.bias = None if b is None else b.astype(dtype)[:, None]
        self.c_in, self.c_out, self.kernel = c_in, w.shape[0], w.shape[2]
        self.dilation = dilation
        self.history_length = (self.kernel - 1) * dilation

    @classmethod
    def read(cls, reader: WeightReader, c_in: int, c_out: int, kernel: int = 1, dilation: int = 1,
             groups: int = 1, bias: bool = True, dtype=np.float32) -> "Conv":
        w = reader.take(c_out, c_in // groups, kernel)
        b = reader.take(c_out) if bias else None
        return cls(w, b, c_in, dilation, groups, dtype)

    def new_history(self) -> History | None:
        return History(self.c_in, self.history_length, self.taps.dtype) if self.history_length else None

    def __call__(self, u: np.ndarray, history: History | None = None) -> np.ndarray:
        n = u.shape[1]
        window = u if history is None else history.window(u)  # window[:, m] is u[:, m − length]
        d = self.dilation
        y = self.taps[0] @ window[:, :n]
        for j in range(1, self.kernel):
            y += self.taps[j] @ window[:, j * d:j * d + n]
        if self.bias is not None:
            y += self.bias
        return y
