"""The readings of spec section 21, with values worked by hand from their formulas: the named
approximations (Core's fast tanh, fast sigmoid and lookup tables) and the dialects of section 20."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nam_reference
from conftest import shared_path
from hand_written import layer_array, make_document, wavenet_document
from nam_reference.readings import DIALECTS, Reading, applicable_dialects

INACTIVE = {"active": False, "groups": 1}
FAST = ("namcore.fast_tanh",)
CORE_SWITCH = ("namcore.fast_tanh", "namcore.fast_sigmoid")

# fast_tanh(x) = x·(a + a|x| + (b + c|x|)·x²) / (d + (d + x²)·|x + e·x·|x||), worked out by hand:
#   x = 1:   numerator 2a + b + c = 6.625471534542422; denominator d + (d + 1)(1 + e) = 8.696630963699821
#   x = 0.5: numerator 0.5·(1.5a + 0.25·(b + 0.5c)) = 2.004611028646970;
#            denominator d + (d + 0.25)·(0.5 + 0.25e) = 4.341482...
FAST_TANH = {0.0: 0.0, 0.25: 0.24518786822249522, 0.5: 0.46173463583473545, 1.0: 0.7618434727422005,
             2.0: 0.9637174822118141, 3.0: 0.9951084946549598}
FAST_TANH.update({-x: -y for x, y in FAST_TANH.items()})
# fast_sigmoid(x) = 0.5·(fast_tanh(x/2) + 1): x = 1 gives 0.5·(1 + 0.46173463583473545).
FAST_SIGMOID = {1.0: 0.7308673179173677, -2.0: 0.11907826362889973, 4.0: 0.981858741105907}


def identity_wavenet(act):
    """y = act(x): rechannel 1, dilated conv 1 with bias 0, input mixin 0, no layer1x1, head 1, head scale 1."""
    return wavenet_document([layer_array(activation=act, layer1x1=INACTIVE)], [1, 1, 0, 0, 1, 1])


def run(document, x, **reading):
    return nam_reference.load(document, **reading).process(np.array(x, dtype=np.float32)).astype(np.float64)


@pytest.mark.clause("APPROX-2", "ACT-2")
def test_fast_tanh_replaces_tanh_by_the_rational_function():
    xs = sorted(FAST_TANH)
    np.testing.assert_allclose(run(identity_wavenet("Tanh"), xs, approximations=FAST),
                               [FAST_TANH[x] for x in xs], rtol=2e-7, atol=1e-7)
    np.testing.assert_allclose(run(identity_wavenet("Tanh"), xs), [math.tanh(x) for x in xs], rtol=2e-7)


@pytest.mark.parametrize("name, function", [("Sigmoid", lambda x: 1 / (1 + math.exp(-x))),
                                            ("Hardtanh", lambda x: min(max(x, -1.0), 1.0)),
                                            ("SiLU", lambda x: x / (1 + math.exp(-x)))])
@pytest.mark.clause("APPROX-2", "APPROX-3")
def test_fast_tanh_leaves_the_other_functions_exact(name, function):
    """Core's switch replaces the activation named Tanh and nothing else in a WaveNet or ConvNet."""
    xs = [-3.0, -1.0, 0.5, 2.0]
    np.testing.assert_allclose(run(identity_wavenet(name), xs, approximations=CORE_SWITCH),
                               [function(x) for x in xs], rtol=2e-7)


@pytest.mark.clause("APPROX-2")
def test_fast_tanh_in_a_convnet_and_a_post_stack_head():
    convnet = make_document("ConvNet", {"channels": 1, "dilations": [1], "batchnorm": False, "activation": "Tanh"},
                            [0, 1, 0, 1, 0])
    np.testing.assert_allclose(run(convnet, [1.0, -0.5], approximations=FAST), [FAST_TANH[1.0], FAST_TANH[-0.5]],
                               rtol=2e-7)
    # A post-stack head: y = W·tanh(z) + b with W 1, b 0 after an identity WaveNet with ReLU.
    head = {"in_channels": 1, "channels": 1, "out_channels": 1, "kernel_sizes": [1], "activation": "Tanh"}
    document = wavenet_document([layer_array(layer1x1=INACTIVE)], [1, 1, 0, 0, 1, 1, 0, 1], head=head)
    np.testing.assert_allclose(run(document, [2.0, 0.25], approximations=FAST), [FAST_TANH[2.0], FAST_TANH[0.25]],
                               rtol=2e-7)


def lstm_document():
    """One layer, one hidden unit: every gate's pre-activation is the input (W_x 1, W_h 0, bias 0), state
    zero, head y = h. One step from x: c = σ(x)·tanh(x), h = σ(x)·tanh(c)."""
    w = [1, 0] * 4
    return make_document("LSTM", {"input_size": 1, "hidden_size": 1, "num_layers": 1}, w + [0] * 4 + [0, 0] + [1, 0])


@pytest.mark.parametrize("approximations", [(), FAST, ("namcore.fast_sigmoid",), CORE_SWITCH])
@pytest.mark.clause("APPROX-2", "APPROX-3", "LSTM-5")
def test_lstm_cell_under_each_approximation(approximations):
    sigmoid = (lambda v: FAST_SIGMOID[v]) if "namcore.fast_sigmoid" in approximations else (lambda v: 1 / (1 + math.exp(-v)))
    fast = "namcore.fast_tanh" in approximations
    a, b, c, d, e = 2.45550750702956, 0.893229853513558, 0.821226666969744, 2.44506634652299, 0.814642734961073
    tanh = (lambda v: v * (a + a * abs(v) + (b + c * abs(v)) * v * v) / (d + (d + v * v) * abs(v + e * v * abs(v)))
            ) if fast else math.tanh
    cell = sigmoid(1.0) * (FAST_TANH[1.0] if fast else math.tanh(1.0))
    expected = sigmoid(1.0) * tanh(cell)
    y = run(lstm_document(), [1.0], approximations=approximations)
    np.testing.assert_allclose(y, [expected], rtol=3e-7)
    if approximations == CORE_SWITCH:  # 0.7308673·fast_tanh(0.7308673·0.7618435): the numbers once, by hand
        # fast_tanh(0.5568064955959453) = 0.5051724720160449 (the formula by hand, as above)
        np.testing.assert_allclose(y, [0.7308673179173677 * 0.5051724720160449], rtol=2e-6)


@pytest.mark.clause("APPROX-4")
def test_lookup_table_interpolates_between_exact_points():
    # Table of tanh at -4, -2, 0, 2, 4 (step 2). 1.0 lies half-way between 0 and 2; -3 half-way between -4 and
    # -2; 5 is clamped to 4, the last entry; 0.5 is a quarter of the way from 0 to 2.
    xs = [1.0, -3.0, 5.0, 0.5, -4.0]
    t2, t4 = math.tanh(2.0), math.tanh(4.0)
    expected = [0.5 * t2, -t4 + 0.5 * (t4 - t2), t4, 0.25 * t2, -t4]
    np.testing.assert_allclose(run(identity_wavenet("Tanh"), xs, approximations=["namcore.lut_tanh(-4, 4, 5)"]),
                               expected, rtol=3e-7)
    sig = [1 / (1 + math.exp(-v)) for v in (-8.0, 0.0, 8.0)]  # table at -8, 0, 8; 2 is a quarter from 0 to 8
    np.testing.assert_allclose(run(identity_wavenet("Sigmoid"), [2.0], approximations=["namcore.lut_sigmoid(-8,8,3)"]),
                               [sig[1] + 0.25 * (sig[2] - sig[1])], rtol=3e-7)


@pytest.mark.clause("APPROX-1", "DIALECT-1")
def test_unknown_approximations_and_dialects_are_refused():
    for bad in ("namcore.fast_exp", "namcore.lut_tanh(4,-4,10)", "fast_tanh"):
        with pytest.raises(ValueError, match="APPROX"):
            Reading(approximations=[bad])
    with pytest.raises(ValueError, match="DIV-IV"):
        Reading(dialects=["DIV-IV"])


# Dialects ([DIALECT-2], [DIALECT-3]).

@pytest.mark.clause("DIV-4", "DIALECT-2", "WN-LAYER-7")
def test_div4_residual_keeps_the_input():
    # Two layers, C = B = 1, kernel 1, ReLU, layer1x1 inactive, conv weights 2 then 0.5, head 1.
    # Spec: x1 = x + relu(2x), y = relu(2x) + relu(0.5·x1). DIV-4: x1 = x, y = relu(2x) + relu(0.5·x).
    document = wavenet_document([layer_array(dilations=[1, 1], layer1x1=INACTIVE)],
                                [1] + [2, 0, 0] + [0.5, 0, 0] + [1] + [1])
    x = [1.0, -1.0, 0.5]
    np.testing.assert_allclose(run(document, x), [2 + 1.5, 0, 1 + 0.75], rtol=1e-7)
    np.testing.assert_allclose(run(document, x, dialects=["DIV-4"]), [2 + 0.5, 0, 1 + 0.25], rtol=1e-7)


@pytest.mark.clause("DIV-5", "DIALECT-2", "WN-LAYER-6")
def test_div5_post_film_only_in_blended_layers():
    # As tests/test_reference_film.py: gated, the FiLM triples layer 0's layer1x1 output. Spec:
    # y = relu(x) + relu(x + 3·relu(x)); DIV-5 skips the FiLM in a gated layer: relu(x) + relu(x + relu(x)).
    film = {"active": True, "shift": False, "groups": 1}
    layer = layer_array(dilations=[1, 1], gating_mode="gated", secondary_activation="ReLU", layer1x1_post_film=film)
    weights = [1] + ([1, 0] + [0, 1] + [0, 0] + [1, 0] + [0, 3]) + ([1, 0] + [0, 1] + [0, 0] + [0, 0] + [0, 0]) + [1, 1]
    document = wavenet_document([layer], weights)
    np.testing.assert_allclose(run(document, [1, -1, 2]), [5, 0, 10], rtol=1e-7)
    np.testing.assert_allclose(run(document, [1, -1, 2], dialects=["DIV-5"]), [1 + 2, 0, 2 + 4], rtol=1e-7)
    blended = {**layer, "gating_mode": "blended"}  # in a blended layer Core applies it: the dialect changes nothing
    document = wavenet_document([blended], weights)
    np.testing.assert_allclose(run(document, [1, -1, 2], dialects=["DIV-5"]), run(document, [1, -1, 2]), rtol=1e-7)


@pytest.mark.clause("DIV-1", "DIALECT-3", "LIN-5")
def test_div1_trainer_tap_order():
    document = make_document("Linear", {"receptive_field": 3, "bias": False}, [1, 2, 3])
    impulse = [1.0, 0.0, 0.0, 0.0]
    np.testing.assert_allclose(run(document, impulse), [1, 2, 3, 0])
    np.testing.assert_allclose(run(document, impulse, dialects=["DIV-1"]), [3, 2, 1, 0])


@pytest.mark.clause("DIV-6", "DIALECT-3", "WN-FWD-3")
def test_div6_head_dilation_ignored():
    # As tests/test_reference_wavenet.py: H[t] = 0.5·acc[t − d] + 2·acc[t] + 0.25 with acc = relu(x).
    head = {"out_channels": 1, "kernel_size": 2, "bias": True, "head_dilation": 2}
    layer = {k: v for k, v in layer_array(layer1x1=INACTIVE, head=head).items() if k not in ("head_size", "head_bias")}
    document = wavenet_document([layer], [1] + [1, 0, 0] + [0.5, 2, 0.25] + [1])
    x = [1.0, -1.0, 2.0, 3.0]
    np.testing.assert_allclose(run(document, x), [2.25, 0.25, 4.75, 6.25])
    np.testing.assert_allclose(run(document, x, dialects=["DIV-6"]), [2.25, 0.75, 4.25, 7.25])


@pytest.mark.clause("DIV-9", "DIALECT-2", "ACT-2")
def test_div9_hardtanh_bounds_ignored():
    act = {"type": "Hardtanh", "min_val": -0.5, "max_val": 2.0}
    x = [-3.0, -0.75, 1.5, 3.0]
    np.testing.assert_allclose(run(identity_wavenet(act), x), [-0.5, -0.5, 1.5, 2.0])
    np.testing.assert_allclose(run(identity_wavenet(act), x, dialects=["DIV-9"]), [-1.0, -0.75, 1.0, 1.0])


@pytest.mark.clause("DIALECT-1", "DIALECT-4")
def test_dialects_apply_by_feature():
    assert [d.clause for d in applicable_dialects({"arch.wavenet", "wavenet.layer1x1_inactive"})] == ["DIV-4"]
    assert applicable_dialects({"arch.lstm"}) == []
    assert {d.engine for d in DIALECTS.values()} == {"NeuralAmpModelerCore 0.5.x", "the trainer 0.13.0", "NeuralAudio"}


@pytest.mark.clause("DIV-5", "DIALECT-2")
def test_div5_is_what_namcore_computed_on_the_a2_max_example():
    """The shared oracle's Core 0.5.5 output of wavenet_a2_max.nam differs from the spec by 1.3; under the
    DIV-5 dialect the reference meets it within the strict tier, and the trainer's output still meets the
    normative reading."""
    x = np.fromfile(shared_path("signals", "test_2s_48k.f32"), dtype="<f4")
    core = np.fromfile(shared_path("oracle", "wavenet_a2_max.core.f32"), dtype="<f4").astype(np.float64)
    trainer = np.fromfile(shared_path("oracle", "wavenet_a2_max.trainer.f32"), dtype="<f4").astype(np.float64)
    path = shared_path("models", "wavenet_a2_max.nam")
    dialect = nam_reference.load(path, dialects=["DIV-5"]).process(x)
    normative = nam_reference.load(path).process(x)
    scale = max(1.0, np.max(np.abs(core)))
    assert np.max(np.abs(dialect - core)) / scale <= 5e-5
    assert np.max(np.abs(normative - core)) / scale > 0.05
    assert np.max(np.abs(normative - trainer)) / scale <= 5e-5


@pytest.mark.clause("DIV-17", "DIALECT-5", "CONT-6")
def test_div17_inclusive_selection_at_a_threshold():
    # Two Linear submodels, y = 1·x below 0.5 and y = 2·x up to 1.0. At exactly 0.5 the spec (and Core) plays
    # the second; NeuralAudio's ≤ keeps the first. Away from the threshold both agree.
    def linear(gain):
        return make_document("Linear", {"receptive_field": 1, "bias": False}, [gain])
    document = make_document("SlimmableContainer", {"submodels": [{"max_value": 0.5, "model": linear(1)},
                                                                   {"max_value": 1.0, "model": linear(2)}]}, [])
    x = np.array([1.0, -0.5], dtype=np.float32)
    for size, spec, dialect in ((0.5, 2, 1), (0.25, 1, 1), (0.75, 2, 2), (1.0, 2, 2)):
        np.testing.assert_allclose(nam_reference.load(document).process(x, size=size), spec * x)
        np.testing.assert_allclose(nam_reference.load(document, dialects=["DIV-17"]).process(x, size=size), dialect * x)
