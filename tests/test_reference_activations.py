"""Every activation of [ACT-2], probed through models that compute y = f(x), with values worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nam_reference
from nam_reference import activations
from hand_written import layer_array, make_document, wavenet_document
from per_sample import FASTTANH

X = [-5.0, -3.5, -1.5, -1.0, -0.25, 0.0, 0.5, 1.0, 2.0, 4.0]


def fasttanh(v):
    a, b, c, d, e = FASTTANH
    return v * (a + a * abs(v) + (b + c * abs(v)) * v * v) / (d + (d + v * v) * abs(v + e * v * abs(v)))


CASES = {
    "Tanh": ("Tanh", [math.tanh(v) for v in X]),
    "Tanh object": ({"type": "Tanh"}, [math.tanh(v) for v in X]),
    "Tanh ignores other parameters": ({"type": "Tanh", "negative_slope": 3.0}, [math.tanh(v) for v in X]),
    "Fasttanh": ("Fasttanh", [fasttanh(v) for v in X]),
    "Hardtanh": ("Hardtanh", [-1, -1, -1, -1, -0.25, 0, 0.5, 1, 1, 1]),
    "Hardtanh bounds": ({"type": "Hardtanh", "min_val": -0.5, "max_val": 2.0},
                        [-0.5, -0.5, -0.5, -0.5, -0.25, 0, 0.5, 1, 2, 2]),
    "ReLU": ("ReLU", [0, 0, 0, 0, 0, 0, 0.5, 1, 2, 4]),
    "LeakyReLU": ("LeakyReLU", [-0.05, -0.035, -0.015, -0.01, -0.0025, 0, 0.5, 1, 2, 4]),
    "LeakyReLU slope": ({"type": "LeakyReLU", "negative_slope": 0.2}, [-1, -0.7, -0.3, -0.2, -0.05, 0, 0.5, 1, 2, 4]),
    "PReLU": ("PReLU", [-0.05, -0.035, -0.015, -0.01, -0.0025, 0, 0.5, 1, 2, 4]),
    "PReLU slope": ({"type": "PReLU", "negative_slope": 0.3}, [-1.5, -1.05, -0.45, -0.3, -0.075, 0, 0.5, 1, 2, 4]),
    "Sigmoid": ("Sigmoid", [1 / (1 + math.exp(-v)) for v in X]),
    "SiLU": ("SiLU", [v / (1 + math.exp(-v)) for v in X]),
    "Hardswish": ("Hardswish", [0, 0, -1.5 * 1.5 / 6, -1 * 2 / 6, -0.25 * 2.75 / 6, 0, 0.5 * 3.5 / 6, 1 * 4 / 6,
                                2 * 5 / 6, 4 * 6 / 6]),
    "LeakyHardtanh": ("LeakyHardtanh", [(-5 + 1) * 0.01 - 1, (-3.5 + 1) * 0.01 - 1, (-1.5 + 1) * 0.01 - 1, -1, -0.25,
                                        0, 0.5, 1, (2 - 1) * 0.01 + 1, (4 - 1) * 0.01 + 1]),
    "LeakyHardTanh alias with parameters": (
        {"type": "LeakyHardTanh", "min_val": -0.5, "max_val": 0.75, "min_slope": 0.1, "max_slope": 0.2},
        [-0.95, -0.8, -0.6, -0.55, -0.25, 0, 0.5, 0.8, 1.0, 1.4]),
    "Softsign": ("Softsign", [-5 / 6, -3.5 / 4.5, -1.5 / 2.5, -0.5, -0.25 / 1.25, 0, 0.5 / 1.5, 0.5, 2 / 3, 0.8]),
}


def identity_wavenet(act):
    """y = act(x): rechannel 1, dilated conv 1 with bias 0, input mixin 0, no layer1x1, head 1, head scale 1."""
    return wavenet_document([layer_array(activation=act, layer1x1={"active": False, "groups": 1})],
                            [1, 1, 0, 0, 1, 1])


def identity_convnet(act):
    """y = act(x): one block with W = [0, 1] (the current sample) and bias 0, head 1 with bias 0."""
    return make_document("ConvNet", {"channels": 1, "dilations": [1], "batchnorm": False, "activation": act},
                         [0, 1, 0, 1, 0])


@pytest.mark.clause("ACT-1", "ACT-2", "ACT-3", "ACT-5", "WN-LAYER-5", "CNN-5")
@pytest.mark.parametrize("probe", [identity_wavenet, identity_convnet], ids=["wavenet", "convnet"])
@pytest.mark.parametrize("case", CASES)
def test_activation(case, probe):
    act, expected = CASES[case]
    y = nam_reference.load(probe(act)).process(np.array(X, dtype=np.float32))
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.clause("ACT-4", "CNN-5")
def test_per_channel_prelu_in_a_convnet():
    # Channel 0 = x (W = [0, 1]), channel 1 = -x (W = [0, -1]); head sums them.
    # y = prelu_0.1(x) + prelu_0.5(-x): 0.5·x for x > 0 (x − 0.5·x), −0.9·x for x < 0 (0.1·x − x).
    model = nam_reference.load(make_document(
        "ConvNet", {"channels": 2, "dilations": [1], "batchnorm": False,
                    "activation": {"type": "PReLU", "negative_slopes": [0.1, 0.5]}},
        [0, 1, 0, -1, 0, 0, 1, 1, 0]))
    y = model.process(np.array([2.0, -2.0, 1.0, -1.0], dtype=np.float32))
    np.testing.assert_allclose(y, [0.5 * 2, -0.9 * -2, 0.5 * 1, -0.9 * -1], rtol=1e-6)


@pytest.mark.clause("ACT-4", "WN-ARR-21", "WN-LAYER-5")
def test_per_channel_prelu_as_a_gate_uses_slope_r_for_gate_row_r():
    # C = B = 2, gated. Both residual channels are x. Primary rows 0, 1: bias 1, ReLU(1) = 1.
    # Gate rows 2, 3 are x; the secondary PReLU gives them slopes 0.1 and 0.5. The head weighs the two
    # products 1 and 10: y = prelu_0.1(x) + 10·prelu_0.5(x), so 11·x for x > 0 and 5.1·x for x < 0.
    layer = layer_array(channels=2, gating_mode="gated",
                        secondary_activation={"type": "PReLU", "negative_slopes": [0.1, 0.5]},
                        layer1x1={"active": False, "groups": 1})
    rechannel = [1, 1]
    conv = [0, 0,  0, 0,  1, 0,  0, 1]  # W [4][2][1]
    bias = [1, 1, 0, 0]
    mixin = [0, 0, 0, 0]
    head = [1, 10]
    model = nam_reference.load(wavenet_document([layer], rechannel + conv + bias + mixin + head + [1]))
    y = model.process(np.array([1.0, -1.0, 2.0, -0.5], dtype=np.float32))
    np.testing.assert_allclose(y, [11 * 1, 5.1 * -1, 11 * 2, 5.1 * -0.5], rtol=1e-6)


def _ulps(y: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """Distance in units in the last place of binary32 from the correctly rounded exact value."""
    rounded = exact.astype(np.float32)
    return np.abs(y.astype(np.float64) - rounded) / np.spacing(np.abs(rounded))


@pytest.mark.clause("ACT-6", "NUM-2")
@pytest.mark.parametrize("name", ["Tanh", "Sigmoid", "SiLU"])
def test_exact_functions_are_within_a_few_ulps(name):
    x = np.linspace(-12, 12, 4801, dtype=np.float32)
    y = nam_reference.load(identity_wavenet(name)).process(x)
    v = x.astype(np.float64)
    exact = {"Tanh": np.tanh(v), "Sigmoid": 1 / (1 + np.exp(-v)), "SiLU": v / (1 + np.exp(-v))}[name]
    nonzero = exact != 0
    assert np.max(_ulps(y[nonzero], exact[nonzero])) <= 4


@pytest.mark.clause("ACT-6", "ACT-2")
def test_fasttanh_is_its_rational_function_not_tanh():
    x = np.linspace(-6, 6, 2401, dtype=np.float32)
    y = nam_reference.load(identity_wavenet("Fasttanh")).process(x).astype(np.float64)
    rational = np.array([fasttanh(float(v)) for v in x])
    assert np.max(np.abs(y - rational)) <= 1e-6
    assert np.max(np.abs(y - np.tanh(x.astype(np.float64)))) > 1e-4


@pytest.mark.clause("ACT-2", "ACT-4")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("slope", [0.01, 0.5, 1.0, 1.5, 7.0, 0.0, -0.25, -3.0, 1e-30])
def test_leaky_relu_in_two_passes_is_the_plain_one_bit_for_bit(slope, dtype):
    """`leaky_relu_max_min` (what the reference runs) against `leaky_relu` (the spec's x if x > 0 else s·x)."""
    rng = np.random.default_rng(16)
    tiny = np.finfo(dtype).smallest_subnormal
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, tiny, -tiny, 1e-40, -1e-40, np.finfo(dtype).max,
               -np.finfo(dtype).max]
    x = np.concatenate([rng.standard_normal(2000) * 10.0 ** rng.integers(-5, 5, 2000), special]).astype(dtype)
    s = dtype(slope)
    with np.errstate(all="ignore"):
        plain, fast = activations.leaky_relu(s)(x), activations.leaky_relu_max_min(s)(x)
    assert fast.dtype == plain.dtype == dtype
    np.testing.assert_array_equal(fast, plain)  # NaN where NaN
    np.testing.assert_array_equal(np.signbit(fast), np.signbit(plain))  # −0 where −0
