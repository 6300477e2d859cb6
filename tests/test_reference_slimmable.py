"""Slimmable WaveNets ([WN-SLIM-5] to [WN-SLIM-8]) and SlimmableContainer selection ([CONT-6], [CONT-7]).

The expected slim model is built in each test by hand: a plain WaveNet document whose tensors are
the leading rows and columns of the full tensors. It is run by the per-sample interpreter (tests/per_sample.py)
and by the reference, and both must equal the reference's slimmable model at that size.
"""

from __future__ import annotations

import numpy as np
import pytest

import nam_reference
import per_sample
from hand_written import layer_array, make_document, wavenet_document

X = np.random.default_rng(7).uniform(-1, 1, 48).astype(np.float32)
TOLERANCE = 1e-5  # [NUM-5] strict, of max(1, peak)


class Tensors:
    """Random full-size tensors, named, in blob order."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.parts: list[tuple[str, np.ndarray]] = []

    def add(self, name: str, *shape: int) -> None:
        self.parts.append((name, np.round(self.rng.uniform(-0.8, 0.8, shape), 4)))

    def blob(self, cut=lambda name, tensor: tensor) -> list[float]:
        """The weights, each tensor replaced by cut(name, tensor) (its leading part, for a slim model)."""
        return [float(v) for name, tensor in self.parts for v in cut(name, tensor).ravel()]


def assert_same(y, expected):
    y, expected = np.asarray(y, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert y.shape == expected.shape
    assert np.max(np.abs(y - expected)) <= TOLERANCE * max(1.0, float(np.max(np.abs(expected))))


def check_slim(full_document, size, slim_document):
    y = nam_reference.load(full_document).process(X, size=size)
    assert_same(y, per_sample.render(slim_document, X)[0])
    assert_same(y, nam_reference.load(slim_document).process(X))


def one_array(gating="none"):
    """C = 3, one layer (kernel 2), layer1x1 active, head with bias; the full tensors."""
    z = 2 if gating != "none" else 1
    t = Tensors(11)
    t.add("rechannel", 3, 1, 1)
    t.add("conv.w", 3 * z, 3, 2)
    t.add("conv.b", 3 * z)
    t.add("mixin", 3 * z, 1, 1)
    t.add("layer1x1.w", 3, 3, 1)
    t.add("layer1x1.b", 3)
    t.add("head.w", 1, 3, 1)
    t.add("head.b", 1)
    t.parts.append(("head_scale", np.array([0.75])))
    return t


def one_array_layer(channels, gating="none", slimmable=None):
    layer = layer_array(channels=channels, kernel_size=2, activation="Tanh", gating_mode=gating, head_bias=True)
    if slimmable is not None:
        layer["slimmable"] = slimmable
    return layer


def leading(c, z=1):
    """Cut each tensor of one_array to width c: W[out][in][k] keeps [:out', :in', :], a bias [:out']."""
    rows = {"rechannel": (c, 1), "conv.w": (z * c, c), "conv.b": (z * c,), "mixin": (z * c, 1),
            "layer1x1.w": (c, c), "layer1x1.b": (c,), "head.w": (1, c), "head.b": (1,), "head_scale": (1,)}
    return lambda name, tensor: tensor[tuple(slice(0, n) for n in rows[name])]


SIZES = [(0.0, 1), (0.2, 1), (1 / 3, 2), (0.5, 2), (2 / 3, 3), (0.9, 3), (1.0, 3), (None, 3), (-1.0, 1), (5.0, 3)]


@pytest.mark.clause("WN-SLIM-5", "WN-SLIM-6", "WN-SLIM-7", "WN-SLIM-8", "WN-SLIM-3")
@pytest.mark.parametrize("size,width", SIZES)
def test_default_allowed_channels(size, width):
    # Three allowed widths: width = allowed[min(max(⌊3·v⌋, 0), 2)]; at v = 1/3 exactly, ⌊1.0⌋ = 1:
    # the wider model.
    t = one_array()
    full = wavenet_document([one_array_layer(3, slimmable={"method": "slice_channels_uniform"})], t.blob())
    slim = wavenet_document([one_array_layer(width)], t.blob(leading(width)))
    check_slim(full, size, slim)


@pytest.mark.clause("WN-SLIM-5", "WN-SLIM-3", "WN-SLIM-9")
@pytest.mark.parametrize("size,width", [(0.0, 1), (0.49, 1), (0.5, 3), (0.7, 3), (None, 3)])
def test_explicit_allowed_channels(size, width):
    t = one_array()
    slimmable = {"method": "slice_channels_uniform", "kwargs": {"allowed_channels": [1, 3], "boosting": True}}
    full_document = wavenet_document([one_array_layer(3, slimmable=slimmable)], t.blob())
    assert nam_reference.load(full_document).breakpoints == [0.5]
    check_slim(full_document, size, wavenet_document([one_array_layer(width)], t.blob(leading(width))))


@pytest.mark.clause("WN-SLIM-7", "WN-LAYER-5")
@pytest.mark.parametrize("gating", ["gated", "blended"])
@pytest.mark.parametrize("size,width", [(0.0, 1), (0.5, 2)])
def test_gated_slim_layers_keep_the_leading_2b_rows(gating, size, width):
    t = one_array(gating)
    full = wavenet_document([one_array_layer(3, gating, {"method": "slice_channels_uniform"})], t.blob())
    slim = wavenet_document([one_array_layer(width, gating)], t.blob(leading(width, z=2)))
    check_slim(full, size, slim)

    # Taking each half's leading rows instead (rows 0…B'−1 and 3…3+B'−1) is a different model.
    def halves(name, tensor):
        if name in ("conv.w", "conv.b", "mixin"):
            tensor = tensor[np.r_[0:width, 3:3 + width]]
            return tensor[:, :width] if name == "conv.w" else tensor
        return leading(width, z=2)(name, tensor)

    other = wavenet_document([one_array_layer(width, gating)], t.blob(halves))
    y = nam_reference.load(full).process(X, size=size)
    assert np.max(np.abs(y - nam_reference.load(other).process(X))) > 1e-3


def two_arrays(second_slimmable: bool):
    """Array 0: C = 4, allowed [2, 4], kernel 2. Array 1: C = 3, allowed [1, 2, 3] or not slimmable.
    Array 0's head size is array 1's head-path width (its bottleneck, 3); array 1's head size is 1."""
    t = Tensors(5)
    t.add("0.rechannel", 4, 1, 1)
    t.add("0.conv.w", 4, 4, 2)
    t.add("0.conv.b", 4)
    t.add("0.mixin", 4, 1, 1)
    t.add("0.layer1x1.w", 4, 4, 1)
    t.add("0.layer1x1.b", 4)
    t.add("0.head.w", 3, 4, 1)
    t.add("1.rechannel", 3, 4, 1)
    t.add("1.conv.w", 3, 3, 1)
    t.add("1.conv.b", 3)
    t.add("1.mixin", 3, 1, 1)
    t.add("1.layer1x1.w", 3, 3, 1)
    t.add("1.layer1x1.b", 3)
    t.add("1.head.w", 1, 3, 1)
    t.add("1.head.b", 1)
    t.parts.append(("head_scale", np.array([-1.25])))
    arrays = [layer_array(channels=4, kernel_size=2, activation="Tanh", head_size=3),
              layer_array(input_size=4, channels=3, activation="Tanh", head_bias=True)]
    arrays[0]["slimmable"] = {"method": "slice_channels_uniform", "kwargs": {"allowed_channels": [2, 4]}}
    if second_slimmable:
        arrays[1]["slimmable"] = {"method": "slice_channels_uniform"}
    return t, arrays


def two_arrays_slim(t, c0, c1):
    """The slim model by [WN-SLIM-6]: I'1 = C'0, Hs'0 = Dh'1 = C'1."""
    rows = {"0.rechannel": (c0, 1), "0.conv.w": (c0, c0), "0.conv.b": (c0,), "0.mixin": (c0, 1),
            "0.layer1x1.w": (c0, c0), "0.layer1x1.b": (c0,), "0.head.w": (c1, c0),
            "1.rechannel": (c1, c0), "1.conv.w": (c1, c1), "1.conv.b": (c1,), "1.mixin": (c1, 1),
            "1.layer1x1.w": (c1, c1), "1.layer1x1.b": (c1,), "1.head.w": (1, c1), "1.head.b": (1,), "head_scale": (1,)}
    arrays = [layer_array(channels=c0, kernel_size=2, activation="Tanh", head_size=c1),
              layer_array(input_size=c0, channels=c1, activation="Tanh", head_bias=True)]
    return wavenet_document(arrays, t.blob(lambda name, tensor: tensor[tuple(slice(0, n) for n in rows[name])]))


@pytest.mark.clause("WN-SLIM-5", "WN-SLIM-6", "WN-SLIM-7", "WN-SLIM-9", "WN-SLIM-10")
@pytest.mark.parametrize("size,widths", [(0.0, (2, 1)), (1 / 3, (2, 2)), (0.4, (2, 2)), (0.5, (4, 2)),
                                         (2 / 3, (4, 3)), (0.99, (4, 3)), (1.0, (4, 3))])
def test_two_slimmable_arrays(size, widths):
    t, arrays = two_arrays(second_slimmable=True)
    full = nam_reference.load(wavenet_document(arrays, t.blob()))
    assert full.breakpoints == pytest.approx([1 / 3, 1 / 2, 2 / 3])
    assert full.receptive_field(size) == full.receptive_field() == 2
    check_slim(wavenet_document(arrays, t.blob()), size, two_arrays_slim(t, *widths))


@pytest.mark.clause("WN-SLIM-6", "WN-SLIM-7")
@pytest.mark.parametrize("size,width", [(0.2, 2), (0.5, 4)])
def test_a_plain_array_after_a_slimmable_one_reads_the_slim_width(size, width):
    t, arrays = two_arrays(second_slimmable=False)
    check_slim(wavenet_document(arrays, t.blob()), size, two_arrays_slim(t, width, 3))


@pytest.mark.clause("WN-SLIM-8")
def test_full_size_is_the_stored_model():
    t = one_array()
    slimmable = wavenet_document([one_array_layer(3, slimmable={"method": "slice_channels_uniform"})], t.blob())
    plain = nam_reference.load(wavenet_document([one_array_layer(3)], t.blob())).process(X)
    model = nam_reference.load(slimmable)
    for size in (None, 1.0, 1.5):
        np.testing.assert_allclose(model.process(X, size=size), plain, rtol=0, atol=1e-6)


# SlimmableContainer: three Linear submodels with one tap each, y = k·x for submodel k − 1.

def gains_container(thresholds):
    submodels = [{"max_value": v, "model": make_document("Linear", {"receptive_field": 1, "bias": False}, [k + 1])}
                 for k, v in enumerate(thresholds)]
    return nam_reference.load(make_document("SlimmableContainer", {"submodels": submodels}, []))


@pytest.mark.clause("CONT-6", "CONT-7", "DIV-17")
@pytest.mark.parametrize("size,gain", [(None, 3), (-1.0, 1), (0.0, 1), (0.1, 1), (0.25, 2), (0.3, 2), (0.5, 3),
                                       (0.75, 3), (1.0, 3), (2.0, 3)])
def test_container_selection(size, gain):
    # Thresholds [0.25, 0.5, 1.0]: the first submodel with v < max_value; exactly at a threshold, the next one.
    model = gains_container([0.25, 0.5, 1.0])
    np.testing.assert_array_equal(model.process(X, size=size), gain * X)


@pytest.mark.clause("CONT-6")
@pytest.mark.parametrize("size,gain", [(None, 3), (0.5, 2), (1.0, 2), (1.2, 3), (1.9, 3), (2.5, 3)])
def test_container_thresholds_above_one(size, gain):
    # Before any size is set, the last submodel runs, even though size 1.0 would select the second.
    model = gains_container([0.5, 1.2, 2.0])
    np.testing.assert_array_equal(model.process(X, size=size), gain * X)
    assert model.stream(size).process(X[:5]).tolist() == (gain * X[:5]).tolist()


@pytest.mark.clause("CONT-7", "CONT-8")
def test_container_receptive_field_is_the_selected_submodels():
    linear = make_document("Linear", {"receptive_field": 1, "bias": False}, [1])
    convnet = make_document("ConvNet", {"channels": 1, "dilations": [2], "batchnorm": False, "activation": "ReLU"},
                            [0, 1, 0, 1, 0])
    model = nam_reference.load(make_document("SlimmableContainer", {"submodels": [
        {"max_value": 0.5, "model": linear}, {"max_value": 1.0, "model": convnet}]}, []))
    assert model.breakpoints == [0.5]
    assert model.receptive_field(0.1) == 1
    assert model.receptive_field(0.5) == model.receptive_field() == 1 + 2
    np.testing.assert_array_equal(model.process(X, size=0.7), np.maximum(X, 0))
