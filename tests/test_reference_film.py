"""FiLM ([WN-FILM-1] to [WN-FILM-3]) in every slot of [WN-LAYER-4], worked with scalars.

The models have one residual, bottleneck, condition and head1x1 channel and kernel 1, so every
output sample is a function of its input sample alone, and the expected value is the chain of
[WN-LAYER-4] written out with Python floats.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import nam_reference
from hand_written import layer_array, make_document, wavenet_document
from per_sample import FILM_SLOTS

INACTIVE = {"active": False, "groups": 1}
X = [-2.0, -0.5, 0.0, 0.25, 1.0, 1.75]

# Per-layer weights of the two-layer scalar model; the first Z entries are used (Z = 1, or 2 if gated).
LAYERS = [
    {"conv_w": [0.8, -0.6], "conv_b": [0.1, 0.2], "mixin": [0.3, 0.5], "layer1x1": (1.5, -0.2),
     "head1x1": (0.7, 0.05)},
    {"conv_w": [-0.4, 0.9], "conv_b": [0.0, -0.1], "mixin": [0.6, -0.2], "layer1x1": (0.5, 0.3),
     "head1x1": (-1.1, 0.2)},
]
HEAD_W, HEAD_SCALE = 1.25, 0.8


def film_weights(layer: int, rows: int):
    """(scale W, scale b, shift W, shift b) of a FiLM with `rows` modulated rows."""
    return ([0.5 + 0.25 * r + 0.1 * layer for r in range(rows)], [1.0 - 0.1 * r for r in range(rows)],
            [-0.3 + 0.1 * r - 0.2 * layer for r in range(rows)], [0.2 + 0.05 * layer] * rows)


def film_width(slot: str, z: int) -> int:
    """D_f of [WN-FILM-2] when C = B = S = H1 = 1."""
    return z if slot in ("conv_post", "input_mixin_post", "activation_pre") else 1


def scalar_model(slot: str, shift: bool, gating: str):
    Z = 2 if gating == "gated" else 1
    D = film_width(slot, Z)
    weights = [1.0]  # rechannel
    for l, p in enumerate(LAYERS):
        weights += p["conv_w"][:Z] + p["conv_b"][:Z] + p["mixin"][:Z] + list(p["layer1x1"]) + list(p["head1x1"])
        ws, bs, wt, bt = film_weights(l, D)
        weights += (ws + wt + bs + bt) if shift else (ws + bs)  # W [m·D][1][1], then b [m·D]
    weights += [HEAD_W, HEAD_SCALE]
    film = {} if shift else {"active": True, "shift": False, "groups": 1}  # {}: active, with shift, by default
    layer = layer_array(dilations=[1, 1], activation="Tanh", gating_mode=gating,
                        head1x1={"active": True, "out_channels": 1, "groups": 1}, **{slot + "_film": film})
    return wavenet_document([layer], weights)


def scalar_expected(x: float, slot: str, shift: bool, gating: str) -> float:
    """[WN-LAYER-4] for one sample of the scalar model, with the FiLM of `slot` inserted."""
    c = x  # no condition_dsp: the condition is the input

    def film(name, values, l):
        if name != slot:
            return values
        ws, bs, wt, bt = film_weights(l, len(values))
        out = [v * (ws[r] * c + bs[r]) for r, v in enumerate(values)]
        return [o + wt[r] * c + bt[r] for r, o in enumerate(out)] if shift else out

    Z = 2 if gating == "gated" else 1
    residual, acc = 1.0 * x, 0.0
    for l, p in enumerate(LAYERS):
        u = film("conv_pre", [residual], l)[0]
        z = film("conv_post", [p["conv_w"][r] * u + p["conv_b"][r] for r in range(Z)], l)
        mixed_c = film("input_mixin_pre", [c], l)[0]
        m = film("input_mixin_post", [p["mixin"][r] * mixed_c for r in range(Z)], l)
        z = film("activation_pre", [z[r] + m[r] for r in range(Z)], l)
        a = math.tanh(z[0]) if gating == "none" else math.tanh(z[0]) / (1 + math.exp(-z[1]))
        a = film("activation_post", [a], l)[0]
        w1, b1 = p["layer1x1"]
        residual += film("layer1x1_post", [w1 * a + b1], l)[0]
        wh, bh = p["head1x1"]
        acc += film("head1x1_post", [wh * a + bh], l)[0]
    return HEAD_SCALE * HEAD_W * acc


@pytest.mark.clause("WN-FILM-1", "WN-FILM-2", "WN-FILM-3", "WN-LAYER-4", "WN-LAYER-6", "WN-LAYER-8", "WN-W-1",
                    "WN-ARR-12", "DIV-5", "DIV-10")
@pytest.mark.parametrize("gating", ["none", "gated"])
@pytest.mark.parametrize("shift", [True, False], ids=["shift", "no_shift"])
@pytest.mark.parametrize("slot", FILM_SLOTS)
def test_film_slot(slot, shift, gating):
    y = nam_reference.load(scalar_model(slot, shift, gating)).process(np.array(X, dtype=np.float32))
    np.testing.assert_allclose(y, [scalar_expected(x, slot, shift, gating) for x in X], rtol=1e-6, atol=1e-6)


@pytest.mark.clause("WN-FILM-1", "WN-ARR-12")
@pytest.mark.parametrize("value", [False, {"active": False, "shift": True, "groups": 1}])
def test_an_inactive_film_has_no_weights_and_no_effect(value):
    plain = layer_array(activation="Tanh")
    with_key = {**plain, "activation_post_film": value}
    weights = [1, 0.5, 0.1, 0.3, 1.5, -0.2, 2.0, 0.5]
    x = np.array(X, dtype=np.float32)
    np.testing.assert_array_equal(nam_reference.load(wavenet_document([with_key], weights)).process(x),
                                  nam_reference.load(wavenet_document([plain], weights)).process(x))


@pytest.mark.clause("WN-FILM-1", "WN-FILM-2")
def test_activation_post_film_worked_example():
    # a = relu(x); the FiLM's 1×1 on c = x gives scale 2·x + 1 and shift −x + 0.5.
    layer = layer_array(layer1x1=INACTIVE, activation_post_film={"active": True, "shift": True, "groups": 1})
    weights = [1] + [1, 0, 0] + [2, -1, 1, 0.5] + [1] + [1]  # rechannel; conv W, b, mixin; FiLM W [2], b [2]
    y = nam_reference.load(wavenet_document([layer], weights)).process(np.array([1, -1, 0.5], dtype=np.float32))
    expected = [1 * (2 * 1 + 1) + (-1 + 0.5), 0 * (2 * -1 + 1) + (1 + 0.5), 0.5 * (2 * 0.5 + 1) + (-0.5 + 0.5)]
    np.testing.assert_allclose(y, expected, rtol=1e-6)
    np.testing.assert_allclose(y, [2.5, 1.5, 1.0], rtol=1e-6)


@pytest.mark.clause("WN-FILM-1", "CONV-3", "WN-ARR-16", "WN-W-1")
def test_grouped_film_reads_one_condition_channel_per_group():
    # S = 2 (two inputs), C = B = 2, activation_post FiLM with shift and groups 2: W [4][1][1], rows 0, 1
    # (the scales) read c0 and rows 2, 3 (the shifts) read c1. Scales (c0, 2·c0), shifts (3·c1, 4·c1):
    # a' = (relu(x0)·c0 + 3·c1, relu(x1)·2·c0 + 4·c1); the head sums the rows.
    layer = layer_array(input_size=2, condition_size=2, channels=2, layer1x1=INACTIVE,
                        activation_post_film={"active": True, "shift": True, "groups": 2})
    weights = [1, 0, 0, 1] + [1, 0, 0, 1] + [0, 0] + [0, 0, 0, 0] + [1, 2, 3, 4] + [0, 0, 0, 0] + [1, 1] + [1]
    model = nam_reference.load(wavenet_document([layer], weights, in_channels=2))
    y = model.process(np.array([[1, -1], [2, 3]], dtype=np.float32))
    expected = [1 * 1 + 3 * 2 + 2 * 2 * 1 + 4 * 2, 0 * -1 + 3 * 3 + 3 * 2 * -1 + 4 * 3]
    np.testing.assert_allclose(y, [expected], rtol=1e-6)
    np.testing.assert_allclose(y, [[19, 15]], rtol=1e-6)


@pytest.mark.clause("WN-LAYER-6", "DIV-5", "WN-FILM-2")
def test_layer1x1_post_film_applies_in_a_gated_layer():
    # Gated, secondary ReLU, gate row fixed at 1 (W 0, b 1): a = relu(x). Layer 0's layer1x1 (W 1, b 0) gives
    # r = a; its FiLM (no shift, W 0, b 3) triples it: x1 = x + 3·relu(x). Layer 1: a1 = relu(x1).
    # y = relu(x) + relu(x + 3·relu(x)); skipping the FiLM in gated layers would give relu(x) + relu(x + relu(x)).
    film = {"active": True, "shift": False, "groups": 1}
    layer = layer_array(dilations=[1, 1], gating_mode="gated", secondary_activation="ReLU", layer1x1_post_film=film)
    one_layer = [1, 0] + [0, 1] + [0, 0] + [1, 0] + [0, 3]  # conv W [2], b [2], mixin [2], layer1x1, FiLM
    last_layer = [1, 0] + [0, 1] + [0, 0] + [0, 0] + [0, 0]
    weights = [1] + one_layer + last_layer + [1] + [1]
    y = nam_reference.load(wavenet_document([layer], weights)).process(np.array([1, -1, 2], dtype=np.float32))
    np.testing.assert_allclose(y, [1 + (1 + 3), 0 + 0, 2 + (2 + 6)], rtol=1e-6)


@pytest.mark.clause("WN-FILM-3", "WN-FWD-5")
def test_films_read_the_condition_dsp_output():
    # condition_dsp doubles the input: c = 2·x. The mixin's input is FiLM-ed by c itself (no shift, W 1, b 0):
    # c·c = 4·x²; the dilated convolution is zero, so a = relu(4·x²). activation_post (no shift, W 1, b 0)
    # multiplies by c again: y = 4·x²·2·x.
    condition = make_document("Linear", {"receptive_field": 1, "bias": False}, [2])
    film = {"active": True, "shift": False, "groups": 1}
    layer = layer_array(layer1x1=INACTIVE, input_mixin_pre_film=film, activation_post_film=film)
    weights = [1] + [0, 0, 1] + [1, 0] + [1, 0] + [1] + [1]  # FiLMs in slot order: input_mixin_pre, activation_post
    model = nam_reference.load(wavenet_document([layer], weights, condition_dsp=condition))
    y = model.process(np.array([1, -1, 0.5], dtype=np.float32))
    np.testing.assert_allclose(y, [4 * 1 * 2, 4 * 1 * -2, 4 * 0.25 * 1], rtol=1e-6)
