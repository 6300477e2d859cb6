"""The benchmark's building blocks: its built models, its test signal and the trainer's key forms.

Speed is not tested here; `python -m benchmarks` measures it.
"""

from __future__ import annotations

import numpy as np
import pytest

import nam_reference
from benchmarks import cases


@pytest.mark.parametrize("build", [cases.convnet_document, cases.linear_document])
def test_built_models_are_valid(build):
    report = nam_reference.validate(build())
    assert report.ok, [p.line() for p in report.errors]


def test_the_test_signal_is_float32_seeded_and_bounded():
    x = cases.test_signal(1.25)
    assert x.dtype == np.float32 and x.shape == (60000,)
    np.testing.assert_array_equal(x, cases.test_signal(1.25))
    assert 0.1 < np.max(np.abs(x)) < 1.0


def legacy_wavenet(gated: bool) -> dict:
    layer_array = {"input_size": 1, "condition_size": 1, "head_size": 1, "channels": 2, "kernel_size": 2,
                   "dilations": [1, 2], "activation": "Tanh", "gated": gated, "head_bias": True}
    return {"version": "0.5.4", "architecture": "WaveNet", "config": {"layers": [layer_array], "head_scale": 1.0},
            "weights": []}


@pytest.mark.parametrize("gated", [False, True])
def test_legacy_wavenet_keys_take_the_trainers_forms(gated):
    layer_array = cases.trainer_document(legacy_wavenet(gated))["config"]["layers"][0]
    assert layer_array["head"] == {"out_channels": 1, "kernel_size": 1, "bias": True}
    assert not {"head_size", "head_bias", "gated"} & set(layer_array)
    assert layer_array["activation"] == ["Tanh", "Tanh"]
    assert layer_array["gating_mode"] == ["gated" if gated else "none"] * 2
    assert layer_array["secondary_activation"] == ["Sigmoid" if gated else None] * 2


def test_newer_wavenet_keys_are_spread_per_layer():
    doc = legacy_wavenet(False)
    layer_array = doc["config"]["layers"][0]
    del layer_array["gated"]
    layer_array.update(gating_mode="blended", secondary_activation={"type": "Hardtanh"})
    converted = cases.trainer_document(doc)["config"]["layers"][0]
    assert converted["gating_mode"] == ["blended", "blended"]
    assert converted["secondary_activation"] == [{"type": "Hardtanh"}] * 2
    assert doc["config"]["layers"][0]["gating_mode"] == "blended"  # the original is left alone


def test_a_container_gives_the_submodel_selected_at_full_size():
    lstm = {"version": "0.5.4", "architecture": "LSTM", "config": {"input_size": 1, "hidden_size": 1, "num_layers": 1},
            "weights": []}
    container = {"version": "0.7.0", "architecture": "SlimmableContainer", "weights": [], "config": {
        "submodels": [{"max_value": 0.5, "model": legacy_wavenet(False)}, {"max_value": 1.0, "model": lstm}]}}
    assert cases.trainer_document(container) is lstm
    assert cases.trainer_document(cases.convnet_document()) is None  # the trainer cannot import a ConvNet
