"""ConvNet models worked by hand ([CNN-5]): the expected outputs are written out in each test."""

from __future__ import annotations

import numpy as np
import pytest

import nam_reference
from hand_written import make_document


def convnet(weights, **config):
    config = {"channels": 1, "dilations": [1], "batchnorm": False, "activation": "ReLU", **config}
    return nam_reference.load(make_document("ConvNet", config, weights))


def relu(v):
    return max(v, 0.0)


@pytest.mark.clause("CNN-5", "CNN-6", "CONV-2", "CONV-4")
def test_dilated_blocks_and_head():
    # Block 0 (d = 1): W = [0.5, 1.0], tap 1 on the current sample; bias -0.25.
    # Block 1 (d = 2): W = [-1.0, 2.0]; bias 0.5. Head: 3.0, bias 0.1.
    model = convnet([0.5, 1.0, -0.25, -1.0, 2.0, 0.5, 3.0, 0.1], dilations=[1, 2])
    x = [1.0, -1.0, 2.0, 0.5, -2.0]

    def at(signal, t):
        return signal[t] if t >= 0 else 0.0  # the past is silent, and relu(0 - 0.25) = 0 keeps it so

    h1 = [relu(0.5 * at(x, t - 1) + 1.0 * x[t] - 0.25) for t in range(5)]
    assert h1 == [0.75, 0.0, 1.25, 1.25, 0.0]
    h2 = [relu(-1.0 * at(h1, t - 2) + 2.0 * h1[t] + 0.5) for t in range(5)]
    assert h2 == [2.0, 0.5, 2.25, 3.0, 0.0]
    expected = [3.0 * v + 0.1 for v in h2]
    np.testing.assert_allclose(model.process(np.array(x, dtype=np.float32)), expected, rtol=1e-6, atol=1e-6)
    assert model.receptive_field() == 1 + 1 + 2


@pytest.mark.clause("CNN-5", "CNN-3")
def test_batchnorm_uses_the_stored_statistics():
    # Two channels: channel 0 sees the current sample (W = [0, 1]), channel 1 the previous one (W = [1, 0]).
    # mean [0.5, -1], var [3.75, 0], gamma [2, 1], beta [0.1, 0.2], eps 0.25: sqrt(var + eps) = [2, 0.5].
    weights = [0, 1, 1, 0,  0.5, -1,  3.75, 0,  2, 1,  0.1, 0.2,  0.25,  1.0, -0.5, 0.25]
    model = convnet(weights, channels=2, batchnorm=True)
    x = [1.0, 3.0, -1.0]
    previous = [0.0, 1.0, 3.0]
    n0 = [relu((v - 0.5) / 2 * 2 + 0.1) for v in x]
    n1 = [relu((v + 1) / 0.5 * 1 + 0.2) for v in previous]
    assert n0 == pytest.approx([0.6, 2.6, 0.0]) and n1 == pytest.approx([2.2, 4.2, 8.2])
    expected = [1.0 * a - 0.5 * b + 0.25 for a, b in zip(n0, n1)]
    np.testing.assert_allclose(model.process(np.array(x, dtype=np.float32)), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.clause("CNN-5", "CONV-3", "STREAM-8")
def test_groups_and_several_channels():
    # in_channels 2, channels 2, groups 2: block channel 0 reads input 0 only, channel 1 input 1 only.
    # Block W [2][1][2]: channel 0 = [1, 0] (previous sample), channel 1 = [0, -2] (current); bias [0, 1].
    # Head W [2][2] = [[1, 0], [1, 1]], bias [0, -1]; LeakyReLU with slope 0.5.
    weights = [1, 0, 0, -2,  0, 1,  1, 0, 1, 1,  0, -1]
    model = convnet(weights, channels=2, groups=2, in_channels=2, out_channels=2,
                    activation={"type": "LeakyReLU", "negative_slope": 0.5})
    x = np.array([[1, 2, -3], [0.5, -1, 2]], dtype=np.float32)

    def leaky(v):
        return v if v > 0 else 0.5 * v

    h0 = [leaky(0.0), leaky(1.0), leaky(2.0)]  # input 0, one sample back
    h1 = [leaky(-2 * 0.5 + 1), leaky(-2 * -1 + 1), leaky(-2 * 2 + 1)]
    expected = [[a for a in h0], [a + b - 1 for a, b in zip(h0, h1)]]
    np.testing.assert_allclose(model.process(x), expected, rtol=1e-6, atol=1e-6)
