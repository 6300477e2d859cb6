"""LSTM models worked step by step ([LSTM-5], [LSTM-6]): gate order i, f, g, o, the stored state."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nam_reference
from nam_reference import activations
from nam_reference import lstm as lstm_module
from hand_written import make_document


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


def lstm(weights, **config):
    config = {"input_size": 1, "hidden_size": 1, "num_layers": 1, **config}
    return nam_reference.load(make_document("LSTM", config, weights))


# One layer, hidden size 1: W [4][2] (columns: input, hidden), rows in the gate order i, f, g, o.
W0 = [0.5, -1.0,   1.5, 0.25,   -0.75, 2.0,   1.0, 0.5]
B0 = [0.1, -0.2, 0.3, 0.0]
X = [1.0, -0.5, 0.25, 2.0, 0.0]


def layer0_step(v, h, c):
    """One step of the W0, B0 layer, written out: (h, c) after input v."""
    i = sigmoid(0.5 * v - 1.0 * h + 0.1)
    f = sigmoid(1.5 * v + 0.25 * h - 0.2)
    g = math.tanh(-0.75 * v + 2.0 * h + 0.3)
    o = sigmoid(1.0 * v + 0.5 * h + 0.0)
    c = f * c + i * g
    return o * math.tanh(c), c


@pytest.mark.clause("LSTM-5", "LSTM-6", "LSTM-4", "LSTM-3", "LSTM-7")
def test_one_layer_step_by_step():
    h0, c0 = 0.25, -0.5
    model = lstm(W0 + B0 + [h0, c0] + [2.0, 0.1])
    h, c = h0, c0  # the stored state is the state before the first sample
    expected = []
    for v in X:
        h, c = layer0_step(v, h, c)
        expected.append(2.0 * h + 0.1)
    np.testing.assert_allclose(model.process(np.array(X, dtype=np.float32)), expected, rtol=1e-6, atol=1e-6)
    assert model.receptive_field() is None


@pytest.mark.clause("LSTM-5", "LSTM-6")
def test_the_stored_state_changes_the_output():
    x = np.array(X, dtype=np.float32)
    at_rest = lstm(W0 + B0 + [0.0, 0.0] + [1.0, 0.0]).process(x)
    stored = lstm(W0 + B0 + [0.9, 1.5] + [1.0, 0.0]).process(x)
    assert abs(at_rest[0] - stored[0]) > 0.1


@pytest.mark.clause("LSTM-5", "LSTM-6", "LSTM-3")
def test_two_layers_feed_the_first_hidden_state_to_the_second():
    W1 = [-0.5, 0.75,   0.25, -1.25,   1.5, 0.5,   -1.0, 1.0]
    B1 = [0.0, 0.5, -0.1, 0.2]
    model = lstm(W0 + B0 + [0.1, 0.2] + W1 + B1 + [-0.3, 0.4] + [-1.5, 0.25], num_layers=2)
    h, c, h2, c2 = 0.1, 0.2, -0.3, 0.4
    expected = []
    for v in X:
        h, c = layer0_step(v, h, c)
        # Layer 1 reads layer 0's new hidden state as its input.
        i = sigmoid(-0.5 * h + 0.75 * h2 + 0.0)
        f = sigmoid(0.25 * h - 1.25 * h2 + 0.5)
        g = math.tanh(1.5 * h + 0.5 * h2 - 0.1)
        o = sigmoid(-1.0 * h + 1.0 * h2 + 0.2)
        c2 = f * c2 + i * g
        h2 = o * math.tanh(c2)
        expected.append(-1.5 * h2 + 0.25)
    np.testing.assert_allclose(model.process(np.array(X, dtype=np.float32)), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.clause("LSTM-5", "LSTM-4", "STREAM-8")
def test_matrix_layout_with_two_hidden_units_two_inputs_and_two_outputs():
    # W [8][4] row-major: columns 0-1 multiply the input, 2-3 the previous hidden state; rows i, f, g, o.
    W = (np.arange(32).reshape(8, 4) % 7 - 3) * 0.25
    b = np.array([0.1, -0.1, 0.2, 0.0, -0.2, 0.3, 0.05, -0.05])
    h0, c0 = np.array([0.5, -0.25]), np.array([0.0, 0.75])
    head_w, head_b = np.array([[1.0, -2.0], [0.5, 0.5]]), np.array([0.0, 0.1])
    weights = list(W.ravel()) + list(b) + list(h0) + list(c0) + list(head_w.ravel()) + list(head_b)
    model = lstm(weights, input_size=2, in_channels=2, hidden_size=2, out_channels=2)
    x = np.array([[1.0, -0.5, 0.25], [0.0, 2.0, -1.0]], dtype=np.float32)
    h, c = h0.copy(), c0.copy()
    expected = []
    for t in range(x.shape[1]):
        z = W[:, :2] @ x[:, t] + W[:, 2:] @ h + b
        i, f, g, o = 1 / (1 + np.exp(-z[0:2])), 1 / (1 + np.exp(-z[2:4])), np.tanh(z[4:6]), 1 / (1 + np.exp(-z[6:8]))
        c = f * c + i * g
        h = o * np.tanh(c)
        expected.append(head_w @ h + head_b)
    np.testing.assert_allclose(model.process(x), np.array(expected).T, rtol=1e-6, atol=1e-6)


@pytest.mark.clause("LSTM-5", "APPROX-2", "APPROX-3")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("functions", ["exact", "namcore.fast"])
def test_the_loop_that_runs_is_the_plain_loop_bit_for_bit(functions, dtype):
    """`steps_in_place` (what the reference runs) against `steps` (the spec's lines), on random layers."""
    if functions == "exact":
        sigmoid, tanh = activations.logistic(), np.tanh
    else:
        sigmoid, tanh = activations.fast_sigmoid, activations.fast_tanh
    rng = np.random.default_rng(16)
    for hidden_size, n in [(1, 50), (2, 1), (3, 300), (5, 0), (8, 200), (17, 100), (32, 64)]:
        w_hidden = (rng.standard_normal((4 * hidden_size, hidden_size)) / np.sqrt(hidden_size)).astype(dtype)
        input_part = (2 * rng.standard_normal((n, 4 * hidden_size))).astype(dtype)
        h, c = (rng.standard_normal((2, hidden_size))).astype(dtype)
        h_before, c_before = h.copy(), c.copy()
        plain = lstm_module.steps(w_hidden, input_part, h, c, sigmoid, tanh)
        fast = lstm_module.steps_in_place(w_hidden, input_part, h, c, sigmoid, tanh)
        for expected, got in zip(plain, fast):
            assert got.dtype == expected.dtype == dtype
            np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(h, h_before)  # the state passed in is not written to
        np.testing.assert_array_equal(c, c_before)
        assert n == 0 or np.ptp(plain[0]) > 0.1  # the gates saw values away from saturation
