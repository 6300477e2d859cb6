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
    """A convolution's history ([CONV-5]): the last `length` input columns it has read, zeros at first
    (the cold state; section 15 sets other states by running input through)."""

    def __init__(self, channels: int, length: int, dtype):
        self.length = length
        self.past = np.zeros((channels, length), dtype=dtype)

    def window(self, block: np.ndarray) -> np.ndarray:
        """[past | block]: column `length + t` is the block's sample t, column `length + t − s` the input
        s steps before it. Keeps the last `length` columns as the new past."""
        window = np.concatenate((self.past, block), axis=1)
        self.past = window[:, window.shape[1] - self.length:]
        return window


class Conv:
    """y[o, t] = b[o] + Σ_i Σ_j W[o][i][j] · u[q·(in/g) + i, t − (k−1−j)·d]   ([CONV-4]).

    `taps[j]` is the dense (out × in) matrix of tap j ([CONV-3]), so a block is k matrix products
    over all its time steps at once, summed in the order of j, then the bias. A convolution without
    history (`history=None`) must be 1×1.
    """

    def __init__(self, w: np.ndarray, b: np.ndarray | None, c_in: int, dilation: int = 1, groups: int = 1,
                 dtype=np.float32):
        self.taps = dense_taps(w, c_in, groups).astype(dtype)
        self.bias = None if b is None else b.astype(dtype)[:, None]
        self.c_in, self.c_out, self.kernel = c_in, w.shape[0], w.shape[2]
        self.dilation = dilation
        self.history_length = (self.kernel - 1) * dilation
        # w @ u for each tap, by the faster of two routes that give its value (below)
        self.product = outer_product if c_in == 1 else one_sample_as_two

    @classmethod
    def read(cls, reader: WeightReader, c_in: int, c_out: int, kernel: int = 1, dilation: int = 1,
             groups: int = 1, bias: bool = True, dtype=np.float32) -> "Conv":
        w = reader.take(c_out, c_in // groups, kernel)  # [CONV-2]
        b = reader.take(c_out) if bias else None
        return cls(w, b, c_in, dilation, groups, dtype)

    def new_history(self) -> History | None:
        if not self.history_length:
            return None  # [CONV-5]: a 1×1 convolution has no history
        return History(self.c_in, self.history_length, self.taps.dtype)

    def __call__(self, u: np.ndarray, history: History | None = None) -> np.ndarray:
        n = u.shape[1]
        window = u if history is None else history.window(u)  # [past | u]
        y = self.product(self.taps[0], window[:, :n])  # tap 0: the input (k − 1)·d steps back
        for j in range(1, self.kernel):
            start = j * self.dilation  # tap j: the input (k − 1 − j)·d steps back
            y += self.product(self.taps[j], window[:, start:start + n])
        if self.bias is not None:
            y += self.bias
        return y


def outer_product(w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """w @ u for a one-column w, by broadcasting: each element is one multiplication, so this is w @ u
    exactly, and several times faster (NumPy's matmul leaves BLAS for an inner size of 1)."""
    return w * u


def one_sample_as_two(w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """w @ u, with a one-sample block computed as two equal columns: BLAS takes another route for a
    matrix times a vector, which sums in another order, and streaming sample by sample would drift
    from batch by more than rounding (tests/test_reference_streaming.py holds it to 4 ulps)."""
    if u.shape[1] == 1:
        return (w @ np.concatenate((u, u), axis=1))[:, :1]
    return w @ u
