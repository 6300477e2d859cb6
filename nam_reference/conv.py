"""The causal, grouped, dilated convolution every ConvNet and WaveNet tensor is (spec section 8)."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided


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
    for the next blocks. Appending a block copies only the block; reading its window or its taps
    gives views of the buffer.

    For a convolution with taps `dilation` apart (kernel k = length / dilation + 1), `taps(block)`
    gives the (k × channels × n) view whose [j] is the input that tap j multiplies ([CONV-4]).
    """

    ROOM = 4096  # columns for new blocks after the history; longer blocks grow the buffer

    def __init__(self, channels: int, length: int, dtype, dilation: int = 1):
        self.length, self.dilation = length, dilation
        self.kernel = length // dilation + 1
        self.end = length  # buffer[:, end − length:end] is the history
        self._set_buffer(np.zeros((channels, 2 * length + self.ROOM), dtype=dtype))  # zeros: the cold state

    def _set_buffer(self, buffer: np.ndarray) -> None:
        self.buffer = buffer
        # tap_view[j, :, m] is buffer[:, m + j·d]: the k dilated taps of every column, without a copy.
        row, col = buffer.strides
        columns = buffer.shape[1] - self.length
        self._tap_view = as_strided(buffer, (self.kernel, buffer.shape[0], columns),
                                    (self.dilation * col, row, col), writeable=False)

    def __getstate__(self):  # copies rebuild the view on their own buffer
        return {key: value for key, value in self.__dict__.items() if key != "_tap_view"}

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)
        self._set_buffer(self.buffer)

    def _append(self, block: np.ndarray) -> int:
        """Append `block`; return the buffer column where its window [history | block] starts."""
        n = block.shape[1]
        if self.end + n > self.buffer.shape[1]:
            history = self.buffer[:, self.end - self.length:self.end].copy()
            if self.length + n > self.buffer.shape[1]:
                self._set_buffer(np.empty((self.buffer.shape[0], 2 * (self.length + n)), dtype=self.buffer.dtype))
            self.buffer[:, :self.length] = history
            self.end = self.length
        self.buffer[:, self.end:self.end + n] = block
        self.end += n
        return self.end - self.length - n

    def window(self, block: np.ndarray) -> np.ndarray:
        """Append `block` and return the (channels × (length + n)) view [history | block]."""
        start = self._append(block)
        return self.buffer[:, start:self.end]

    def taps(self, block: np.ndarray) -> np.ndarray:
        """Append `block` and return its (k × channels × n) tap view: [j][:, t] is u[:, t − (k−1−j)·d]."""
        start = self._append(block)
        return self._tap_view[:, :, start:start + block.shape[1]]


class Conv:
    """y[:, t] = b + Σ_j W_j @ u[:, t − (k−1−j)·d]   ([CONV-4]).

    `taps[j]` is the dense (out × in) matrix of tap j; tap k−1 multiplies the current sample. A block
    is k matrix products over all its time steps at once (one stacked `matmul`), summed over j. A
    convolution without history (`history=None`) must be 1×1.
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
        if not self.history_length:
            return None
        return History(self.c_in, self.history_length, self.taps.dtype, self.dilation)

    def __call__(self, u: np.ndarray, history: History | None = None) -> np.ndarray:
        # With one input channel the products are outer products: exact by broadcasting, and far faster
        # than matmul's non-BLAS loop for them.
        one_input = self.c_in == 1
        if history is None:  # a 1×1 convolution: one product (np.dot has the least overhead)
            y = self.taps[0] * u if one_input else _one_sample_as_two(np.dot, self.taps[0], u)
        else:
            inputs = history.taps(u)  # (k × in × n): [j] is what tap j multiplies
            # (k × out × n): W_j @ inputs[j]
            products = self.taps * inputs if one_input else _one_sample_as_two(np.matmul, self.taps, inputs)
            if self.c_out > 1 or u.shape[1] > 1:
                y = np.add.reduce(products, axis=0)  # Σ_j, in the order of j
            else:  # NumPy would sum a lone element pairwise: keep the order of j for every block length
                y = sum(products[1:], products[0])
        if self.bias is not None:
            y += self.bias
        return y


def _one_sample_as_two(product, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """w @ u, with a one-sample block computed as two identical columns: BLAS takes another route for
    a matrix times a vector, which sums in another order, and streaming sample by sample would drift
    from batch by more than rounding."""
    if u.shape[-1] != 1:
        return product(w, u)
    return product(w, np.concatenate((u, u), axis=-1))[..., :1]
