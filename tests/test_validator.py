"""Validator behaviours that the invalid corpus cannot show: warnings on valid files, what is accepted
([JSON-1], [JSON-5], [JSON-6], [JSON-8], [JSON-9]), the limits at their boundaries, and the report's
form when a file has several problems.

Every document is written here by hand; weight counts are worked out in the comments.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import nam_reference
from conftest import ROOT, shared_path
from nam_reference.versions import FEATURE_VERSIONS


def linear(taps=(1.0, 0.5, 0.25), version="0.5.4", **envelope) -> dict:
    """A Linear model without bias: R = len(taps) weights ([LIN-4])."""
    return {"version": version, "architecture": "Linear", "config": {"receptive_field": len(taps), "bias": False},
            "weights": list(taps), **envelope}


def wavenet(version="0.5.4", head_scale=0.5, weights=None, condition=None, **array_keys) -> dict:
    """One array, one channel, one layer of kernel 2 ([WN-W-2]): rechannel 1 + dilated conv 2·Z + bias Z +
    input mixin Z + layer1x1 1 + 1 + head 1 + head scale 1, i.e. 9 weights with gating none (Z = 1)
    and 13 when gated (Z = 2)."""
    array = {"input_size": 1, "condition_size": 1, "channels": 1, "kernel_size": 2, "dilations": [1],
             "activation": "Tanh", "head_size": 1, "head_bias": False, **array_keys}
    config = {"layers": [array], "head_scale": head_scale}
    if condition is not None:
        config["condition_dsp"] = condition
    if weights is None:
        weights = [0.5, -0.25, 0.75, 0.125, 0.375, 0.625, -0.5, 0.25, head_scale]
    return {"version": version, "architecture": "WaveNet", "config": config, "weights": weights}


GATED_WEIGHTS = [0.5, -0.25, 0.75, 0.3, -0.6, 0.125, 0.2, 0.375, -0.1, 0.625, -0.5, 0.25, 0.5]  # 13


def warnings(doc) -> list[tuple[str, str]]:
    report = nam_reference.validate(doc)
    assert report.ok, [p.line() for p in report.errors]
    return [(p.clause, p.path) for p in report.warnings]


def outputs_equal(a, b) -> bool:
    x = np.random.default_rng(7).standard_normal(64).astype(np.float32)
    return np.array_equal(nam_reference.load(a).process(x), nam_reference.load(b).process(x))


# Warnings: the file is valid and the validator says something about it.

def test_a_newer_patch_version_is_valid_with_a_warning():
    assert warnings(linear(version="0.7.1")) == [("VER-3", "/version")]
    assert warnings(linear(version="00.07.01")) == [("VER-3", "/version")]  # leading zeros ([VER-1])
    assert warnings(linear(version="0.7.0")) == []


def test_a_feature_newer_than_the_file_version_warns_but_is_read():
    """[VER-4]: the keys decide; [VER-5]: a validator warns."""
    assert warnings(wavenet("0.5.4", gating_mode="none")) == [("VER-5", "/config/layers/0")]
    assert warnings(wavenet("0.6.0", gating_mode="none")) == []
    kernel_sizes = wavenet("0.6.0", kernel_sizes=[2])
    del kernel_sizes["config"]["layers"][0]["kernel_size"]
    assert warnings(kernel_sizes) == [("VER-5", "/config/layers/0")]  # kernel_sizes is 0.7.0
    assert warnings(dict(kernel_sizes, version="0.7.0")) == []


def _newer_feature(name: str, version: str) -> tuple[dict, str]:
    """A valid document at `version` using the [VER-5] feature `name` and nothing else newer than 0.5.0,
    and the path of its warning. The added keys change no weight count unless noted."""
    array = {"bottleneck": 1, "layer1x1": {"active": True, "groups": 1}, "groups_input": 1, "groups_input_mixin": 1,
             "head1x1": {"active": False, "out_channels": 1, "groups": 1}, "gating_mode": "none",
             "secondary_activation": "Sigmoid", "activation": {"type": "Tanh"}, "FiLM": {"conv_pre_film": {"active": False}},
             "slimmable": {"method": "slice_channels_uniform"}}
    if name in array:
        keys = array[name] if name == "FiLM" else {name: array[name]}
        return wavenet(version, **keys), "/config/layers/0"
    if name == "kernel_sizes":
        doc = wavenet(version, kernel_sizes=[2])
        del doc["config"]["layers"][0]["kernel_size"]
        return doc, "/config/layers/0"
    if name == "layer-array head":
        doc = wavenet(version, head={"out_channels": 1, "kernel_size": 1, "bias": False})
        del doc["config"]["layers"][0]["head_size"], doc["config"]["layers"][0]["head_bias"]
        return doc, "/config/layers/0"
    if name == "post-stack head":  # + a 1×1 convolution from 1 to 1 channel with bias: 11 weights
        doc = wavenet(version, weights=[0.5, -0.25, 0.75, 0.125, 0.375, 0.625, -0.5, 0.25, 2.0, 0.1, 0.5])
        doc["config"]["head"] = {"channels": 1, "out_channels": 1, "kernel_sizes": [1], "activation": "Tanh"}
        return doc, "/config/head"
    if name == "condition_dsp":
        return wavenet(version, condition=linear(taps=[1.0])), "/config/condition_dsp"
    if name == "SlimmableContainer":
        return {"version": version, "architecture": name, "weights": [],
                "config": {"submodels": [{"max_value": 1, "model": linear()}]}}, "/config"
    assert name == "Sequential"
    return {"version": version, "architecture": name, "weights": [], "config": {"models": [linear()]}}, "/config"


# [VER-5] as the spec words it: each feature and the version that introduced it.
NEWER_FEATURES = {
    "condition_dsp": "0.6.0", "FiLM": "0.6.0", "bottleneck": "0.6.0", "layer1x1": "0.6.0", "head1x1": "0.6.0",
    "groups_input": "0.6.0", "groups_input_mixin": "0.6.0", "gating_mode": "0.6.0", "secondary_activation": "0.6.0",
    "activation": "0.6.0", "slimmable": "0.7.0", "SlimmableContainer": "0.7.0", "Sequential": "0.7.0",
    "kernel_sizes": "0.7.0", "layer-array head": "0.7.0", "post-stack head": "0.7.0",
}


@pytest.mark.parametrize("name", list(NEWER_FEATURES))
def test_each_feature_warns_in_a_file_older_than_its_version(name):
    """[VER-5]: one warning naming the feature and its version; none at that version ([VER-4]: read the same)."""
    since = NEWER_FEATURES[name]
    before = {"0.6.0": "0.5.4", "0.7.0": "0.6.1"}[since]
    old, path = _newer_feature(name, before)
    report = nam_reference.validate(old)
    assert report.ok and [(p.clause, p.path) for p in report.warnings] == [("VER-5", path)], \
        [p.line() for p in report.problems]
    assert f"was introduced in {since}; this file says {before}" in report.warnings[0].message
    assert name.split()[0] in report.warnings[0].message
    assert warnings(_newer_feature(name, since)[0]) == []


def test_the_version_table_has_the_features_of_the_spec_and_no_others():
    """nam_reference/versions.py names each feature as its warning does; the names above are parts of them."""
    table = {name: ".".join(map(str, version)) for name, version in FEATURE_VERSIONS.items()}
    matched = {name: [key for key in table if re.search(rf"(^| ){re.escape(name)}( |$)", key)] for name in NEWER_FEATURES}
    assert all(len(keys) == 1 for keys in matched.values()), matched
    assert {keys[0]: NEWER_FEATURES[name] for name, keys in matched.items()} == table


def test_a_head_scale_that_differs_from_the_last_weight_warns_and_the_last_weight_is_used():
    stated_elsewhere = wavenet(head_scale=0.5)
    stated_elsewhere["weights"][-1] = 0.25
    assert warnings(stated_elsewhere) == [("WN-3", "/config/head_scale")]
    agreeing = copy.deepcopy(stated_elsewhere)
    agreeing["config"]["head_scale"] = 0.25
    assert warnings(agreeing) == []
    assert outputs_equal(stated_elsewhere, agreeing)  # config.head_scale is informational ([WN-3])
    assert warnings(wavenet(head_scale=0.1)) == []  # compared as float32: 0.1 is 0.1


def test_legacy_gated_is_ignored_with_a_warning_when_gating_mode_disagrees():
    path = "/config/layers/0/gated"
    assert warnings(wavenet("0.6.0", gated=True, gating_mode="none")) == [("WN-ARR-6", path)]  # 9 weights: none
    assert warnings(wavenet("0.6.0", gated=False, gating_mode="gated", weights=GATED_WEIGHTS)) == [("WN-ARR-6", path)]
    assert warnings(wavenet("0.6.0", gated=True, gating_mode="gated", weights=GATED_WEIGHTS)) == []
    assert warnings(wavenet("0.5.4", gated=True, weights=GATED_WEIGHTS)) == []  # the legacy form on its own


@pytest.mark.parametrize("key", ["groups", "groups_1x1", "head_1x1", "1x1"])
def test_obsolete_layer_array_names_warn_and_mean_nothing(key):
    obsolete = wavenet(**{key: 2 if key.startswith("groups") else {"active": True}})
    assert warnings(obsolete) == [("WN-ARR-23", f"/config/layers/0/{key}")]
    assert outputs_equal(obsolete, wavenet())


def test_other_unknown_keys_are_ignored_silently():
    doc = wavenet(notes="trained twice")
    doc["notes"], doc["config"]["trainer_state"] = {"epochs": 100}, [1, 2, 3]
    assert warnings(doc) == []
    assert outputs_equal(doc, wavenet())


# What is accepted.

def test_an_integral_number_is_an_integer():
    """[JSON-5]: 3.0 and 3e0 mean 3; 3.5 is not rounded."""
    text = json.dumps(linear()).replace('"receptive_field": 3', '"receptive_field": 3e0')
    assert "3e0" in text
    for source in (text.encode(), linear() | {"config": {"receptive_field": 3.0, "bias": False}}):
        model = nam_reference.load(source)
        assert model.receptive_field(None) == 3 and model.weight_count == 3
        impulse = np.array([1, 0, 0, 0, 0], dtype=np.float32)
        assert model.process(impulse).ravel().tolist() == [1.0, 0.5, 0.25, 0.0, 0.0]  # w[0] first ([LIN-5])
    fractional = nam_reference.validate(linear() | {"config": {"receptive_field": 3.5, "bias": False}})
    assert [(p.clause, p.path) for p in fractional.errors] == [("LIN-1", "/config/receptive_field")]


def test_integral_floats_size_every_architecture():
    # ConvNet, C = 2, dilations [1, 2], no batch norm ([CNN-3]): (2·2·1 + 2) + (2·2·2 + 2) + 2 + 1 = 19.
    convnet = {"version": "0.5.4", "architecture": "ConvNet", "weights": [0.1] * 19,
               "config": {"channels": 2.0, "dilations": [1.0, 2.0], "batchnorm": False, "activation": "Tanh"}}
    assert nam_reference.load(convnet).receptive_field(None) == 4
    # LSTM, H = 1, one layer ([LSTM-3]): 4·(1 + 1) + 4 + 2 + 1 + 1 = 16.
    lstm = {"version": "0.5.4", "architecture": "LSTM", "weights": [0.1] * 16,
            "config": {"input_size": 1.0, "hidden_size": 1.0, "num_layers": 1.0}}
    assert nam_reference.load(lstm).weight_count == 16
    assert nam_reference.load(wavenet(channels=1.0, kernel_size=2.0, dilations=[1.0])).weight_count == 9


def test_integers_and_non_integers_are_the_same_numbers():
    """[JSON-6]: 48000 equals 48000.0, also between a nested model and its parent ([SR-4])."""
    assert nam_reference.load(linear(sample_rate=48000.0)).sample_rate == 48000
    container = {"version": "0.7.0", "architecture": "SlimmableContainer", "sample_rate": 48000, "weights": [],
                 "config": {"submodels": [{"max_value": 1, "model": linear(taps=[2], sample_rate=48000.0)}]}}
    x = np.array([1, -0.5, 0.25], dtype=np.float32)
    assert nam_reference.load(container).process(x).ravel().tolist() == [2.0, -1.0, 0.5]
    conditioned = wavenet("0.6.0", condition=linear(taps=[1], sample_rate=48000.0))
    conditioned["sample_rate"] = 48000
    assert warnings(conditioned) == []
    integer_taps = nam_reference.load(linear(taps=[1, 0, 0]))
    assert integer_taps.process(x).ravel().tolist() == x.tolist()


def test_a_utf8_byte_order_mark_is_ignored():
    text = json.dumps(linear()).encode("utf-8")
    with_bom, without = nam_reference.load(b"\xef\xbb\xbf" + text), nam_reference.load(text)
    assert (with_bom.weight_count, with_bom.receptive_field(None)) == (without.weight_count, without.receptive_field(None))
    assert nam_reference.validate(b"\xef\xbb\xbf" + text).ok


def with_null(doc, path):
    """A copy of `doc` with the key at `path` set to null."""
    doc = copy.deepcopy(doc)
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = None
    return doc
LAYER = ("config", "layers", 0)
NULLABLE = {  # [JSON-8]: where a clause allows null, null is the same as the key being absent
    "metadata": (linear(), ("metadata",)),
    "metadata.loudness": (linear(metadata={"gain": 0.5}), ("metadata", "loudness")),
    "metadata.date": (linear(metadata={"gain": 0.5}), ("metadata", "date")),
    "metadata.gear_type": (linear(metadata={"gain": 0.5}), ("metadata", "gear_type")),
    "post-stack head": (wavenet("0.7.0"), ("config", "head")),
    "condition_dsp": (wavenet("0.6.0"), ("config", "condition_dsp")),
    "layer-array head": (wavenet("0.7.0"), LAYER + ("head",)),
    "slimmable": (wavenet("0.7.0"), LAYER + ("slimmable",)),
    "gating_mode": (wavenet("0.5.4", gated=True, weights=GATED_WEIGHTS), LAYER + ("gating_mode",)),
    "secondary_activation": (wavenet("0.6.0", gating_mode="gated", weights=GATED_WEIGHTS),
                             LAYER + ("secondary_activation",)),
}


@pytest.mark.parametrize("name", list(NULLABLE))
def test_null_means_absent_where_it_is_allowed(name):
    absent, path = NULLABLE[name]
    null = with_null(absent, path)
    assert warnings(null) == warnings(absent)
    a, b = nam_reference.load(null), nam_reference.load(absent)
    assert (a.weight_count, a.receptive_field(None), a.slimmable, a.loudness) == \
           (b.weight_count, b.receptive_field(None), b.slimmable, b.loudness)
    assert outputs_equal(null, absent)


def test_a_secondary_activation_of_null_is_sigmoid():
    explicit = wavenet("0.6.0", gating_mode="gated", secondary_activation="Sigmoid", weights=GATED_WEIGHTS)
    absent, path = NULLABLE["secondary_activation"]
    assert outputs_equal(with_null(absent, path), explicit)  # [WN-ARR-7]


def test_a_null_loudness_is_unknown_and_zero_is_a_value():
    assert nam_reference.load(linear(metadata={"loudness": None})).loudness is None
    assert nam_reference.load(linear(metadata={"loudness": 0})).loudness == 0.0  # [META-5]


def test_a_parsed_document_is_held_to_the_json_rules():
    """A dict given to validate() instead of bytes: Python's NaN is still not a JSON number ([JSON-3])."""
    report = nam_reference.validate(linear(taps=[1.0, float("nan")]))
    assert [(p.clause, p.path, p.error_class) for p in report.errors] == [("JSON-3", "/weights/1", "non_finite")]


# The limits at their boundaries (one past each is in the invalid corpus).

def test_json_nested_64_levels_deep_is_accepted():
    doc = linear()
    doc["extra"] = json.loads("[" * 63 + "]" * 63)  # the root object is level 1
    assert nam_reference.validate(doc).ok
    doc["extra"] = [doc["extra"]]
    assert [p.clause for p in nam_reference.validate(doc).errors] == ["LIM-1"]


def test_models_nested_4_levels_deep_are_accepted():
    model = linear(taps=[1], version="0.6.0")
    for _ in range(3):
        model = wavenet("0.6.0", condition=model)
    assert nam_reference.validate(model).ok
    assert [p.clause for p in nam_reference.validate(wavenet("0.6.0", condition=model)).errors] == ["LIM-2"]


def test_a_receptive_field_of_exactly_the_limit_is_accepted():
    # 1 + 2**19 + (2**19 - 1) = 2**20 samples ([CNN-6], [LIM-3]); 19 weights as above.
    convnet = {"version": "0.5.4", "architecture": "ConvNet", "weights": [0.1] * 19,
               "config": {"channels": 2, "dilations": [2 ** 19, 2 ** 19 - 1], "batchnorm": False, "activation": "Tanh"}}
    assert nam_reference.validate(convnet).ok
    convnet["config"]["dilations"][1] += 1
    assert [p.clause for p in nam_reference.validate(convnet).errors] == ["LIM-3"]


# Several problems in one file.

LINE = re.compile(r"^(?P<file>.+?\.nam): (?P<path>/\S*): (?P<severity>error|warning) \[(?P<clause>[A-Z0-9-]+)\]"
                  r"(?: \((?P<error_class>[a-z_]+)\))?: (?P<message>.+)$")


def _validate_cli(tmp_path, docs: dict, *options):
    files = []
    for name, doc in docs.items():
        (tmp_path / name).write_text(json.dumps(doc), encoding="utf-8")
        files.append(name)
    result = subprocess.run([sys.executable, "-m", "nam_reference.cli", "validate", *options, *files], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])))
    assert "Traceback" not in result.stderr
    return result.returncode, [LINE.match(line) for line in result.stdout.splitlines()]


def test_every_problem_of_a_file_gets_its_own_line(tmp_path):
    three = linear(sample_rate="48 kHz", metadata={"gain": 2})
    three["config"]["bias"] = "yes"
    counted_wrongly = linear(version="0.7.1")
    counted_wrongly["weights"].append(0.0)
    code, lines = _validate_cli(tmp_path, {"three.nam": three, "counted.nam": counted_wrongly, "fine.nam": linear()})
    assert code == 1 and all(lines)
    found = [(m["file"], m["path"], m["severity"], m["clause"], m["error_class"]) for m in lines]
    assert sorted(found) == sorted([
        ("three.nam", "/config/bias", "error", "LIN-1", "schema"),
        ("three.nam", "/metadata/gain", "warning", "META-2", None),  # informational ([META-2])
        ("three.nam", "/sample_rate", "error", "SR-1", "schema"),
        ("counted.nam", "/version", "warning", "VER-3", None),
        ("counted.nam", "/weights", "error", "W-3", "weight_count"),
    ])
    code, lines = _validate_cli(tmp_path, {"counted.nam": counted_wrongly}, "--quiet")
    assert [(m["severity"], m["clause"]) for m in lines] == [("error", "W-3")]


def test_a_valid_file_prints_nothing_and_exits_0(tmp_path):
    assert _validate_cli(tmp_path, {"fine.nam": linear(), "warned.nam": linear(version="0.7.1")}, "--quiet") == (0, [])


# Informational metadata ([GEN-5], [META-1], [META-2]): defects that cannot change what a reader computes
# or reports are warnings, read as unknown; the reported values stay errors.

INFORMATIONAL = {
    "gear_type unknown": ({"gear_type": "guitar"}, "/metadata/gear_type", "gear_type"),
    "tone_type unknown": ({"tone_type": "distortion"}, "/metadata/tone_type", "tone_type"),
    "gain above one": ({"gain": 1.5}, "/metadata/gain", "gain"),
    "gain a string": ({"gain": "0.2"}, "/metadata/gain", "gain"),
    "name a number": ({"name": 5}, "/metadata/name", "name"),
    "modeled_by an array": ({"modeled_by": ["A", "B"]}, "/metadata/modeled_by", "modeled_by"),
    "date a string": ({"date": "2024-10-09"}, "/metadata/date", "date"),
    "date year a string": ({"date": {"year": "2024"}}, "/metadata/date/year", "date"),
    "training an array": ({"training": []}, "/metadata/training", "training"),
}


@pytest.mark.clause("GEN-5", "META-2")
@pytest.mark.parametrize("name", list(INFORMATIONAL))
def test_an_informational_metadata_defect_is_a_warning_and_reads_as_unknown(name):
    metadata, path, key = INFORMATIONAL[name]
    doc = linear(metadata=dict(metadata, loudness=-20.0))
    report = nam_reference.validate(doc)
    assert report.ok, [p.line() for p in report.problems]
    assert [(p.path, p.clause) for p in report.warnings] == [(path, "META-2")]
    model = nam_reference.load(doc)
    assert model.metadata[key] is None and model.loudness == -20.0
    assert outputs_equal(doc, linear())  # [META-4]


@pytest.mark.clause("META-1")
@pytest.mark.parametrize("value", [[], "clean", 1, True])
def test_metadata_that_is_not_an_object_is_a_warning_and_reads_as_absent(value):
    report = nam_reference.validate(linear(metadata=value))
    assert report.ok and [(p.path, p.clause) for p in report.warnings] == [("/metadata", "META-1")]
    assert nam_reference.load(linear(metadata=value)).loudness is None


@pytest.mark.parametrize("key", ["loudness", "input_level_dbu", "output_level_dbu"])
def test_a_reported_metadata_value_of_the_wrong_type_is_still_an_error(key):
    report = nam_reference.validate(linear(metadata={key: "18 dB"}))
    assert [(p.path, p.clause, p.reject_level) for p in report.errors] == [(f"/metadata/{key}", "META-2", "SHOULD")]


def test_an_a2_container_labelled_distortion_loads_and_validates_with_a_warning(tmp_path):
    """A file shaped like BossWN-a2.nam (NeuralAudio's Utils/Models): a genuine A2 SlimmableContainer whose
    metadata says "tone_type": "distortion", a value outside [META-2]'s list."""
    doc = json.loads(shared_path("models", "A2.nam").read_text(encoding="utf-8"))
    assert doc["architecture"] == "SlimmableContainer"
    doc["metadata"] = dict(doc.get("metadata") or {}, gear_type="pedal", tone_type="distortion")
    model = nam_reference.load(doc)
    assert model.metadata["tone_type"] is None and model.loudness == doc["metadata"]["loudness"]
    code, lines = _validate_cli(tmp_path, {"BossWN-a2.nam": doc})
    assert code == 0 and all(lines)
    assert [(m["path"], m["severity"], m["clause"]) for m in lines] == [("/metadata/tone_type", "warning", "META-2")]
