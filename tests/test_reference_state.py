"""The silent past ([STATE-4]) and the cold state ([STATE-2]), worked by hand and checked on random models."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nam_reference
import per_sample
from hand_written import layer_array, make_document, wavenet_document
from random_models import random_document


def relu(v):
    return max(v, 0.0)


@pytest.mark.clause("STATE-2", "STATE-4", "STATE-7", "CONV-5", "CNN-5")
def test_a_bias_inside_the_network_makes_the_silent_past_differ_from_the_cold_state():
    # Block 0 (d 1): h1[t] = relu(x[t−1] + x[t] + 0.5); block 1 (d 2): y[t] = relu(h1[t−2] + h1[t]).
    # Silent past: h1 = relu(0.5) = 0.5 before t = 0. Cold: block 1's history is zero. RF* = 4.
    model = nam_reference.load(make_document(
        "ConvNet", {"channels": 1, "dilations": [1, 2], "batchnorm": False, "activation": "ReLU"},
        [1, 1, 0.5, 1, 1, 0, 1, 0]))
    x = [1.0, -2.0, 0.5, 1.0, -1.0]
    h1 = [relu((x[t - 1] if t else 0.0) + x[t] + 0.5) for t in range(5)]
    assert h1 == [1.5, 0.0, 0.0, 2.0, 0.5]
    silent = [relu((h1[t - 2] if t >= 2 else 0.5) + h1[t]) for t in range(5)]
    cold = [relu((h1[t - 2] if t >= 2 else 0.0) + h1[t]) for t in range(5)]
    assert silent == [2.0, 0.5, 1.5, 2.0, 0.5] and cold == [1.5, 0.0, 1.5, 2.0, 0.5]
    signal = np.array(x, dtype=np.float32)
    np.testing.assert_allclose(model.process(signal), silent, rtol=1e-6)
    np.testing.assert_allclose(model.process(signal, initial_state="cold"), cold, rtol=1e-6)
    assert model.conv_receptive_field() == 4  # cold and silent coincide from sample RF* − 1 = 3 on ([STATE-7])


@pytest.mark.clause("STATE-2", "STATE-4", "STATE-7", "WN-FWD-3")
def test_wavenet_head_history_in_the_silent_past():
    # a = relu(x + 1) (conv bias 1), so the head's history under the silent past is relu(1) = 1.
    # Head kernel 2: H[t] = 2·a[t−1] + 1·a[t].
    head = {"out_channels": 1, "kernel_size": 2, "bias": False}
    layer = {k: v for k, v in layer_array(layer1x1={"active": False, "groups": 1}, head=head).items()
             if k not in ("head_size", "head_bias")}
    model = nam_reference.load(wavenet_document([layer], [1, 1, 1, 0, 2, 1, 1]))
    x = np.array([0.0, -3.0, 1.0], dtype=np.float32)
    a = [1.0, 0.0, 2.0]
    np.testing.assert_allclose(model.process(x), [2 * 1 + a[0], 2 * a[0] + a[1], 2 * a[1] + a[2]], rtol=1e-6)
    np.testing.assert_allclose(model.process(x, initial_state="cold"), [2 * 0 + a[0], 2 * a[0] + a[1],
                                                                        2 * a[1] + a[2]], rtol=1e-6)


def lstm_condition_wavenet():
    """A WaveNet (kernel 3, dilations [1, 2]) conditioned by a one-unit LSTM: RF unbounded, RF* = 1 + 2 + 4."""
    lstm_weights = [0.5, -1.0, 1.5, 0.25, -0.75, 2.0, 1.0, 0.5] + [0.1, -0.2, 0.3, 0.0] + [0.2, -0.1] + [1.5, 0.3]
    lstm = make_document("LSTM", {"input_size": 1, "hidden_size": 1, "num_layers": 1}, lstm_weights)
    rng = np.random.default_rng(2)
    layer = layer_array(dilations=[1, 2], kernel_size=3, activation="Tanh")
    weights = [round(float(v), 4) for v in rng.uniform(-0.8, 0.8, 1 + 2 * (3 + 1 + 1 + 1 + 1) + 1)] + [0.9]
    return wavenet_document([layer], weights, condition_dsp=lstm)


@pytest.mark.clause("STATE-3", "STATE-4", "WN-RF-3", "LSTM-7")
def test_an_lstm_counts_as_receptive_field_one_in_the_silent_past():
    document = lstm_condition_wavenet()
    model = nam_reference.load(document)
    assert model.receptive_field() is None
    assert model.conv_receptive_field() == 1 + 1 * 2 + 2 * 2
    x = np.random.default_rng(4).uniform(-1, 1, 40).astype(np.float32)
    # The initial state is the cold state advanced by RF* − 1 = 6 zeros, the LSTM's included.
    padded = np.concatenate([np.zeros(6, dtype=np.float32), x])
    np.testing.assert_allclose(model.process(x), model.process(padded, initial_state="cold")[6:], rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.process(x), per_sample.render(document, x)[0], rtol=0, atol=1e-5)


def random_documents():
    for architecture in ("Linear", "ConvNet", "WaveNet", "WaveNet", "WaveNet"):
        for seed in range(4):
            yield pytest.param(random_document(100 + seed, architecture), id=f"{architecture}-{seed}")


@pytest.mark.clause("STATE-4", "STATE-7", "DIV-2")
@pytest.mark.parametrize("document", list(random_documents()))
def test_silent_past_is_the_cold_state_after_enough_zeros(document):
    model = nam_reference.load(document)
    n = model.conv_receptive_field() - 1
    x = np.random.default_rng(1).uniform(-1, 1, (model.in_channels, 32)).astype(np.float32)
    silent = model.process(x)
    for extra in (0, 5):  # any number of zeros ≥ RF* − 1 gives the same state, for a model without an LSTM
        padded = np.concatenate([np.zeros((model.in_channels, n + extra), dtype=np.float32), x], axis=1)
        np.testing.assert_allclose(silent, model.process(padded, initial_state="cold")[:, n + extra:], rtol=0,
                                   atol=1e-6 * max(1.0, float(np.max(np.abs(silent)))))
    cold = model.process(x, initial_state="cold")
    np.testing.assert_allclose(cold[:, n:], silent[:, n:], rtol=0, atol=1e-6 * max(1.0, float(np.max(np.abs(silent)))))
    np.testing.assert_allclose(cold, per_sample.render(document, x, initial_state="cold"), rtol=0,
                               atol=1e-5 * max(1.0, float(np.max(np.abs(cold)))))


def steady_state(w, b):
    """The state (h, c) one zero-input step leaves unchanged, for a one-unit LSTM, by iteration."""
    h = c = 0.0
    for _ in range(10000):
        i = 1 / (1 + math.exp(-(w[1] * h + b[0])))
        f = 1 / (1 + math.exp(-(w[3] * h + b[1])))
        g = math.tanh(w[5] * h + b[2])
        o = 1 / (1 + math.exp(-(w[7] * h + b[3])))
        c = f * c + i * g
        h = o * math.tanh(c)
    return h, c


@pytest.mark.clause("STATE-5", "LSTM-6", "DIV-3")
def test_prewarming_a_steady_lstm_changes_nothing():
    w = [0.5, -1.0, 1.5, 0.25, -0.75, 2.0, 1.0, 0.5]  # rows i, f, g, o of W [4][2]
    b = [0.1, -0.2, 0.3, 0.0]
    h, c = steady_state(w, b)
    x = np.random.default_rng(5).uniform(-1, 1, 24).astype(np.float32)
    zeros = np.zeros(300, dtype=np.float32)

    def prewarm_change(h0, c0):
        model = nam_reference.load(make_document("LSTM", {"input_size": 1, "hidden_size": 1, "num_layers": 1},
                                                 w + b + [h0, c0] + [1.0, 0.0]))
        return float(np.max(np.abs(model.process(np.concatenate([zeros, x]))[300:] - model.process(x))))

    assert prewarm_change(h, c) <= 1e-6
    assert prewarm_change(0.0, 0.0) > 1e-3  # a stored state that is not at rest is changed by prewarming
