"""WaveNet models worked by hand, one feature at a time (spec section 12).

Each model is tiny (one to four channels, one or two layers) and uses ReLU where possible, so every
expected value can be checked with pencil and paper. Weight lists follow [WN-W-1], one tensor per
name, in blob order.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import nam_reference
from hand_written import layer_array, make_document, wavenet_document

INACTIVE = {"active": False, "groups": 1}


def relu(v):
    return max(v, 0.0)


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


def run(layers, weights, x, **config):
    return nam_reference.load(wavenet_document(layers, weights, **config)).process(np.array(x, dtype=np.float32))


def assert_close(y, expected):
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.clause("WN-LAYER-6", "WN-LAYER-1", "WN-LAYER-4", "WN-FWD-1", "WN-FWD-2", "WN-FWD-6", "WN-W-1")
def test_layer1x1_active_adds_its_output_to_the_residual():
    # Two layers, kernel 1. Layer 0: a0 = relu(x), residual x1 = x + (2·a0 + 0.5).
    # Layer 1: a1 = relu(x1); its layer1x1 (7, 7) only feeds the unused last residual. y = a0 + a1.
    rechannel = [1]
    layer0 = [1, 0, 0, 2, 0.5]  # conv W, conv b, mixin W, layer1x1 W, layer1x1 b
    layer1 = [1, 0, 0, 7, 7]
    weights = rechannel + layer0 + layer1 + [1] + [1]  # head W, head scale
    y = run([layer_array(dilations=[1, 1])], weights, [1, -1, 0.25])
    x1 = [1 + 2 * 1 + 0.5, -1 + 0 + 0.5, 0.25 + 2 * 0.25 + 0.5]
    assert_close(y, [relu(1) + relu(x1[0]), relu(-1) + relu(x1[1]), relu(0.25) + relu(x1[2])])
    assert_close(y, [4.5, 0, 1.5])


@pytest.mark.clause("WN-LAYER-7", "DIV-4")
def test_layer1x1_inactive_adds_the_activation_output_to_the_residual():
    # x1 = x + a0 (not x alone, as Core 0.5.5 computes, which would give [2, 0, 0.5]).
    weights = [1] + [1, 0, 0] + [1, 0, 0] + [1] + [1]
    y = run([layer_array(dilations=[1, 1], layer1x1=INACTIVE)], weights, [1, -1, 0.25])
    x1 = [1 + 1, -1 + 0, 0.25 + 0.25]
    assert_close(y, [relu(1) + relu(x1[0]), 0 + relu(x1[1]), 0.25 + relu(x1[2])])
    assert_close(y, [3, 0, 0.75])


# Gating: C = B = 1, kernel 1, no layer1x1. z_p = 0.5·x + 0.1 + 0.25·x, z_g = −x + 0.2 + 0.5·x.
GATE_X = [-4.0, -1.0, 0.0, 0.5, 2.0]
GATED_WEIGHTS = [1, 0.5, -1.0, 0.1, 0.2, 0.25, 0.5, 2.0, 0.5]  # rechannel, conv W [2], b [2], mixin [2], head, scale


def z_primary(x):
    return 0.75 * x + 0.1


def z_gate(x):
    return -0.5 * x + 0.2


GATING = {
    "gated": ({"gating_mode": "gated"}, lambda x: math.tanh(z_primary(x)) * sigmoid(z_gate(x))),
    "gated per-layer list": ({"gating_mode": ["gated"], "secondary_activation": [None]},
                             lambda x: math.tanh(z_primary(x)) * sigmoid(z_gate(x))),
    "gated Softsign": ({"gating_mode": "gated", "secondary_activation": "Softsign"},
                       lambda x: math.tanh(z_primary(x)) * z_gate(x) / (1 + abs(z_gate(x)))),
    "blended": ({"gating_mode": "blended"},
                lambda x: sigmoid(z_gate(x)) * math.tanh(z_primary(x)) + (1 - sigmoid(z_gate(x))) * z_primary(x)),
    # The secondary activation is not clamped to [0, 1]: at x = −4, α = 2.2.
    "blended ReLU": ({"gating_mode": "blended", "secondary_activation": "ReLU"},
                     lambda x: relu(z_gate(x)) * math.tanh(z_primary(x)) + (1 - relu(z_gate(x))) * z_primary(x)),
    "legacy gated": ({"gated": True}, lambda x: math.tanh(z_primary(x)) * sigmoid(z_gate(x))),
    "legacy gated ignores secondary_activation": ({"gated": True, "secondary_activation": "ReLU"},
                                                  lambda x: math.tanh(z_primary(x)) * sigmoid(z_gate(x))),
    "gating_mode wins over gated": ({"gating_mode": "blended", "gated": True},
                                    lambda x: sigmoid(z_gate(x)) * math.tanh(z_primary(x))
                                    + (1 - sigmoid(z_gate(x))) * z_primary(x)),
}


@pytest.mark.clause("WN-LAYER-5", "WN-ARR-5", "WN-ARR-6", "WN-ARR-7", "DIV-13", "DIV-14")
@pytest.mark.parametrize("case", GATING)
def test_gating(case):
    keys, formula = GATING[case]
    layer = layer_array(activation="Tanh", layer1x1=INACTIVE, **keys)
    y = run([layer], GATED_WEIGHTS, GATE_X)
    assert_close(y, [0.5 * 2.0 * formula(x) for x in GATE_X])


@pytest.mark.clause("WN-LAYER-5", "WN-ARR-5", "WN-ARR-6")
@pytest.mark.parametrize("keys", [{}, {"gated": False}, {"gating_mode": "none"}, {"gating_mode": "none", "gated": True},
                                  {"gating_mode": None, "gated": False}])
def test_no_gating(keys):
    weights = [1, 0.5, 0.1, 0.25, 2.0, 0.5]  # one row: conv W, b, mixin
    y = run([layer_array(activation="Tanh", layer1x1=INACTIVE, **keys)], weights, GATE_X)
    assert_close(y, [0.5 * 2.0 * math.tanh(z_primary(x)) for x in GATE_X])


@pytest.mark.clause("WN-ARR-8", "WN-LAYER-6", "WN-LAYER-8", "WN-ARR-22")
def test_bottleneck_narrower_than_the_channels():
    # C = 2, B = 1. Rechannel [1, −1]: x0 = (x, −x). Layer 0: z = x − 0.5·x, a0 = relu(0.5·x);
    # layer1x1 W [2][1] = (1, 2), b (0, −1): x1 = (x + a0, −x + 2·a0 − 1).
    # Layer 1: z = x1[0] + x1[1] = 3·a0 − 1, a1 = relu(3·a0 − 1). Head (width B = 1): y = a0 + a1.
    rechannel = [1, -1]
    layer0 = [1, 0.5, 0, 0, 1, 2, 0, -1]  # conv W [1][2], b, mixin, layer1x1 W [2][1], b [2]
    layer1 = [1, 1, 0, 0, 1, 1, 0, 0]
    weights = rechannel + layer0 + layer1 + [1] + [1]
    y = run([layer_array(channels=2, bottleneck=1, dilations=[1, 1])], weights, [2, -2, 0.5])
    a0 = [1.0, 0.0, 0.25]
    assert_close(y, [a + relu(3 * a - 1) for a in a0])
    assert_close(y, [3.0, 0.0, 0.25])


@pytest.mark.clause("WN-LAYER-6", "CONV-3", "WN-ARR-9", "WN-ARR-16")
def test_grouped_layer1x1():
    # C = B = 2, identity dilated convolutions: a0 = (relu(x), relu(−x)). layer1x1 with groups 2 is
    # W [2][1][1] = (2, 3): each residual channel gets its own row, x1 = (x + 2·relu(x), −x + 3·relu(−x)).
    # Layer 1: a1 = relu(x1). The head sums every row: y = relu(x) + relu(−x) + relu(x1[0]) + relu(x1[1]).
    layer = layer_array(channels=2, dilations=[1, 1], layer1x1={"active": True, "groups": 2})
    layer0 = [1, 0, 0, 1] + [0, 0] + [0, 0] + [2, 3] + [0, 0]  # conv W, b, mixin, layer1x1 W [2][1][1], b
    layer1 = [1, 0, 0, 1] + [0, 0] + [0, 0] + [0, 0] + [0, 0]
    y = run([layer], [1, -1] + layer0 + layer1 + [1, 1] + [1], [1, -2])
    assert_close(y, [1 + 0 + relu(1 + 2) + relu(-1 + 0), 0 + 2 + relu(-2 + 0) + relu(2 + 3 * 2)])
    assert_close(y, [4, 10])


@pytest.mark.clause("WN-LAYER-8", "CONV-3", "WN-ARR-10")
@pytest.mark.parametrize("groups", [1, 2])
def test_head1x1(groups):
    # C = B = 2: a = (relu(x), relu(−x)). head1x1 maps a to the head path:
    #   groups 2 (H1 = 2): h = (3·a0 + 0.5, −2·a1 + 0.25), then the head sums the two rows;
    #   groups 1 (H1 = 1): h = 3·a0 − 2·a1 + 0.5.
    rechannel, conv, bias, mixin = [1, -1], [1, 0, 0, 1], [0, 0], [0, 0]
    if groups == 2:
        head1x1, head, h1, offset = [3, -2, 0.5, 0.25], [1, 1], 2, 0.75
    else:
        head1x1, head, h1, offset = [3, -2, 0.5], [1], 1, 0.5
    layer = layer_array(channels=2, layer1x1=INACTIVE, head1x1={"active": True, "out_channels": h1, "groups": groups})
    y = run([layer], rechannel + conv + bias + mixin + head1x1 + head + [1], [1, -2, 0])
    assert_close(y, [3 * relu(x) - 2 * relu(-x) + offset for x in [1, -2, 0]])


@pytest.mark.clause("WN-LAYER-2", "CONV-1", "CONV-2", "CONV-3", "CONV-4", "WN-ARR-16")
def test_groups_input_split_the_dilated_convolution():
    # C = B = 2, gated (Z = 4), kernel 2, groups_input 2: rows 0, 1 read residual channel 0 (= x),
    # rows 2, 3 read channel 1 (= 2·x). W [4][1][2], tap 1 on the current sample:
    #   z0 = x[t], z1 = x[t−1], z2 = 0.5·2·x[t] = x[t], z3 = 0.25·2·x[t−1] = 0.5·x[t−1].
    # a = (relu(z0)·σ(z2), relu(z1)·σ(z3)); the head sums them.
    rechannel = [1, 2]
    conv = [0, 1,  1, 0,  0, 0.5,  0.25, 0]
    weights = rechannel + conv + [0, 0, 0, 0] + [0, 0, 0, 0] + [1, 1] + [1]
    layer = layer_array(channels=2, kernel_size=2, gating_mode="gated", groups_input=2, layer1x1=INACTIVE)
    x = [1.0, -2.0, 3.0, 0.5]
    y = run([layer], weights, x)
    past = [0.0] + x[:-1]
    assert_close(y, [relu(v) * sigmoid(v) + relu(p) * sigmoid(0.5 * p) for v, p in zip(x, past)])


@pytest.mark.clause("WN-LAYER-3", "CONV-3", "WN-ARR-16", "STREAM-8")
def test_groups_input_mixin_split_the_input_mixin():
    # Two input channels, which are also the condition (S = 2). Residual path all zero; the mixin
    # W [2][1][1] = (2, −3) with groups 2 gives z = (2·c0, −3·c1). y = relu(2·c0) + relu(−3·c1).
    layer = layer_array(input_size=2, condition_size=2, channels=2, groups_input_mixin=2, layer1x1=INACTIVE)
    weights = [0, 0, 0, 0] + [0, 0, 0, 0] + [0, 0] + [2, -3] + [1, 1] + [1]
    x = [[1, -1, 2], [-1, 1, 0.5]]
    y = run([layer], weights, x, in_channels=2)
    assert_close(y, [[relu(2 * 1) + relu(3), relu(-2) + relu(-3), relu(4) + relu(-1.5)]])
    assert_close(y, [[5, 0, 4]])


@pytest.mark.clause("WN-FWD-3", "WN-RF-1", "DIV-6", "WN-ARR-13", "CONV-4")
@pytest.mark.parametrize("dilation", [None, 2])
def test_head_kernel_and_head_dilation(dilation):
    # acc = relu(x); H[t] = 0.5·acc[t − d] + 2·acc[t] + 0.25.
    head = {"out_channels": 1, "kernel_size": 2, "bias": True}
    if dilation:
        head["head_dilation"] = dilation
    layer = {k: v for k, v in layer_array(layer1x1=INACTIVE, head=head).items() if k not in ("head_size", "head_bias")}
    weights = [1] + [1, 0, 0] + [0.5, 2, 0.25] + [1]
    model = nam_reference.load(wavenet_document([layer], weights))
    x = [1.0, -1.0, 2.0, 3.0]
    d = dilation or 1
    acc = [relu(v) for v in x]
    expected = [0.5 * (acc[t - d] if t >= d else 0.0) + 2 * acc[t] + 0.25 for t in range(4)]
    assert_close(model.process(np.array(x, dtype=np.float32)), expected)
    assert expected == ([2.25, 0.75, 4.25, 7.25] if d == 1 else [2.25, 0.25, 4.75, 6.25])
    assert model.receptive_field() == 1 + d * (2 - 1)


@pytest.mark.clause("WN-FWD-2", "WN-FWD-4", "WN-ARR-18", "WN-ARR-19", "WN-FWD-5", "WN-FWD-6")
def test_two_arrays_chain_the_residual_and_the_head():
    # Array 0: a = relu(x); residual x' = x + (1·a + 1); head H0 = 2·a.
    # Array 1 takes x' as its input (rechannel 1) and the raw input as its condition (mixin 0.5):
    #   z = x' + 0.5·x, a' = relu(z); the accumulator starts at H0: H1 = (H0 + a') + 0.1.
    # y = 0.5·H1.
    array0 = layer_array()
    array1 = layer_array(head_bias=True)
    weights = [1] + [1, 0, 0, 1, 1] + [2] + [1] + [1, 0, 0.5, 0, 0] + [1, 0.1] + [0.5]
    x = [1.0, -1.0, -4.0]
    y = run([array0, array1], weights, x)
    expected = []
    for v in x:
        residual = v + relu(v) + 1
        expected.append(0.5 * (2 * relu(v) + relu(residual + 0.5 * v) + 0.1))
    assert_close(y, expected)
    assert_close(y, [2.8, 0.05, 0.05])


@pytest.mark.clause("WN-HEAD-2", "WN-HEAD-3", "WN-FWD-6", "WN-RF-2")
def test_post_stack_head():
    # Stack: a = relu(x − 1), y0 = −2·a (head scale −2).
    # Post head, LeakyReLU(0.5) before each convolution:
    #   conv 0 (1 → 2, k 1): u = (act(y0) + 0.5, −act(y0));
    #   conv 1 (2 → 1, k 2): y[t] = act(u0)[t] + act(u1)[t − 1].
    head = {"channels": 2, "out_channels": 1, "kernel_sizes": [1, 2],
            "activation": {"type": "LeakyReLU", "negative_slope": 0.5}}
    stack = [1] + [1, -1, 0] + [1]
    post0 = [1, -1] + [0.5, 0]
    post1 = [0, 1, 1, 0] + [0]  # W[0][0] = (0, 1): u0 now; W[0][1] = (1, 0): u1 one sample back
    model = nam_reference.load(wavenet_document([layer_array(layer1x1=INACTIVE)], stack + post0 + post1 + [-2],
                                                head=head))
    x = [3.0, 0.0, 2.0]

    def act(v):
        return v if v > 0 else 0.5 * v

    y0 = [-2 * relu(v - 1) for v in x]
    u0 = [act(v) + 0.5 for v in y0]
    u1 = [-act(v) for v in y0]
    expected = [act(u0[t]) + (act(u1[t - 1]) if t else 0.0) for t in range(3)]
    assert_close(model.process(np.array(x, dtype=np.float32)), expected)
    assert_close(expected, [-0.75, 2.5, -0.25])
    assert model.receptive_field() == 2


@pytest.mark.clause("WN-FWD-5", "WN-COND-2", "WN-RF-2", "WN-LAYER-3")
def test_condition_dsp_feeds_the_mixin_not_the_first_array():
    # condition_dsp: a Linear filter that delays by one sample, c[t] = x[t − 1].
    # z = x[t] + 2·c[t], y = relu(z).
    condition = make_document("Linear", {"receptive_field": 2, "bias": False}, [0, 1])
    model = nam_reference.load(wavenet_document([layer_array(layer1x1=INACTIVE)], [1, 1, 0, 2, 1, 1],
                                                condition_dsp=condition))
    x = [1.0, -3.0, 2.0, 1.0]
    expected = [relu(x[t] + 2 * (x[t - 1] if t else 0.0)) for t in range(4)]
    assert_close(model.process(np.array(x, dtype=np.float32)), expected)
    assert_close(expected, [1, 0, 0, 5])
    assert model.receptive_field() == 2


@pytest.mark.clause("WN-3", "WN-FWD-6", "DIV-11")
def test_head_scale_is_the_last_weight():
    document = wavenet_document([layer_array(layer1x1=INACTIVE)], [1, 1, 0, 0, 1, -0.5])
    document["config"]["head_scale"] = 0.02
    report, _ = nam_reference.check(document)
    assert report.ok and any(w.clause == "WN-3" for w in report.warnings)
    y = nam_reference.load(document).process(np.array([1.0, -1.0, 3.0], dtype=np.float32))
    assert_close(y, [-0.5 * 1, 0, -0.5 * 3])


@pytest.mark.clause("WN-ARR-3", "WN-LAYER-2", "CONV-4")
def test_kernel_sizes_per_layer():
    # Layer 0: kernel 2, a0 = relu(0.5·x[t−1] + x[t]); x1 = x + a0.
    # Layer 1: kernel 1, a1 = relu(x1 − 1). y = a0 + a1.
    layer = layer_array(dilations=[1, 1], kernel_sizes=[2, 1], layer1x1=INACTIVE)
    del layer["kernel_size"]
    weights = [1] + [0.5, 1, 0, 0] + [1, -1, 0] + [1] + [1]
    x = [2.0, 1.0, -1.0]
    y = run([layer], weights, x)
    a0 = [relu(0.5 * (x[t - 1] if t else 0.0) + x[t]) for t in range(3)]
    a1 = [relu(v + a - 1) for v, a in zip(x, a0)]
    assert_close(y, [a + b for a, b in zip(a0, a1)])
    assert_close(y, [5, 4, 0])


@pytest.mark.clause("WN-ARR-3")
def test_kernel_size_is_kernel_sizes_repeated():
    rng = np.random.default_rng(3)
    weights = list(rng.uniform(-1, 1, 1 + 2 * (3 + 1 + 1 + 1 + 1) + 1))  # conv W [1][1][3] in each layer
    scalar = layer_array(dilations=[1, 2], kernel_size=3, activation="Tanh")
    listed = {**{k: v for k, v in scalar.items() if k != "kernel_size"}, "kernel_sizes": [3, 3]}
    x = rng.uniform(-1, 1, 32)
    np.testing.assert_array_equal(run([scalar], weights + [1.0], x), run([listed], weights + [1.0], x))


@pytest.mark.clause("WN-1", "WN-2", "STREAM-8", "WN-FWD-1")
def test_two_input_and_two_output_channels():
    # Rechannel [[1, 1], [1, −1]]: x0 = (a + b, a − b) for inputs (a, b); identity conv, no mixin;
    # head [[1, 0], [0, 2]]: y = (relu(a + b), 2·relu(a − b)).
    layer = layer_array(input_size=2, condition_size=2, channels=2, head_size=2, layer1x1=INACTIVE)
    weights = [1, 1, 1, -1] + [1, 0, 0, 1] + [0, 0] + [0, 0, 0, 0] + [1, 0, 0, 2] + [1]
    y = run([layer], weights, [[1, 2], [3, -1]], in_channels=2)
    assert_close(y, [[relu(1 + 3), relu(2 - 1)], [2 * relu(1 - 3), 2 * relu(2 + 1)]])
