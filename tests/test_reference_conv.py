"""The reference's convolution ([CONV-3], [CONV-4], [CONV-5]) against the clause written as loops, and
its two speed routes against the plain matrix product they stand for."""

from __future__ import annotations

import numpy as np
import pytest

from nam_reference.conv import Conv, outer_product, one_sample_as_two

ULP = float(np.finfo(np.float32).eps)


def convolve_by_the_clause(w, b, u, dilation, groups):
    """[CONV-4] term by term, in float64, with u[·, t] = 0 for t < 0 (the cold history)."""
    c_out, in_per_group, k = w.shape
    out_per_group = c_out // groups
    y = np.zeros((c_out, u.shape[1]))
    for o in range(c_out):
        q = o // out_per_group
        for t in range(u.shape[1]):
            total = float(b[o]) if b is not None else 0.0
            for i in range(in_per_group):
                for j in range(k):
                    s = t - (k - 1 - j) * dilation
                    if s >= 0:
                        total += float(w[o, i, j]) * float(u[q * in_per_group + i, s])
            y[o, t] = total
    return y


@pytest.mark.clause("CONV-3", "CONV-4", "CONV-5")
@pytest.mark.parametrize("c_in,c_out,k,d,g,bias", [(1, 3, 1, 1, 1, True), (1, 2, 3, 2, 1, True), (2, 4, 3, 2, 2, True),
                                                   (4, 2, 2, 5, 1, False), (3, 3, 4, 1, 3, True),
                                                   (6, 4, 1, 1, 2, False)])
def test_convolution_matches_the_clause_in_blocks_of_any_length(c_in, c_out, k, d, g, bias):
    rng = np.random.default_rng(c_in * 100 + k * 10 + d)
    w = rng.uniform(-1, 1, (c_out, c_in // g, k)).astype(np.float32)
    b = rng.uniform(-1, 1, c_out).astype(np.float32) if bias else None
    u = rng.uniform(-1, 1, (c_in, 40)).astype(np.float32)
    conv = Conv(w, b, c_in, dilation=d, groups=g)
    expected = convolve_by_the_clause(w, b, u, d, g)
    for lengths in ([40], [1] * 40, [3, 1, 17, 2, 9, 8]):
        history = conv.new_history()
        starts = np.cumsum([0] + lengths)
        y = np.concatenate([conv(u[:, s:e], history) for s, e in zip(starts[:-1], starts[1:])], axis=1)
        np.testing.assert_allclose(y, expected, rtol=0, atol=16 * ULP)


@pytest.mark.clause("CONV-4")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(5))
def test_outer_product_is_the_matrix_product_exactly(seed, dtype):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((int(rng.integers(1, 40)), 1)).astype(dtype)
    u = rng.standard_normal((1, int(rng.integers(1, 5000)))).astype(dtype)
    np.testing.assert_array_equal(outer_product(w, u), w @ u)


@pytest.mark.clause("CONV-4")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(5))
def test_one_sample_as_two_is_the_matrix_product(seed, dtype):
    rng = np.random.default_rng(seed)
    out, c_in = (int(n) for n in rng.integers(2, 40, 2))
    w = rng.standard_normal((out, c_in)).astype(dtype)
    block = rng.standard_normal((c_in, 300)).astype(dtype)
    np.testing.assert_array_equal(one_sample_as_two(w, block), w @ block)  # longer blocks: the plain product
    scale = np.abs(w) @ np.abs(block)  # what rounding is relative to
    for t in range(0, 300, 37):
        column = block[:, t:t + 1]
        assert one_sample_as_two(w, column).shape == (out, 1)
        error = np.abs(one_sample_as_two(w, column) - w @ column) / scale[:, t:t + 1]
        assert error.max() <= 4 * np.finfo(dtype).eps
