"""Invalid files: a drawn valid document with one defect, each kind tied to the clause it breaks.

Kind ids, clauses, error classes (spec Appendix A) and rejection levels ([GEN-5]) follow the invalid
corpus, fixtures/invalid/INDEX.json; where a kind applies to every architecture its id drops the
architecture prefix (`weights.one_extra`). JSON-level kinds give bytes, the others a dict.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Callable

from nam_reference import nested_models

from .source import Source

MUST, SHOULD = "MUST", "SHOULD"


@dataclasses.dataclass(frozen=True)
class InvalidFile:
    document: dict | bytes
    kind: str
    clause: str
    error_class: str
    reject_level: str
    description: str


@dataclasses.dataclass(frozen=True)
class Kind:
    id: str
    clause: str
    error_class: str
    description: str
    mutate: Callable[[dict, Source], "dict | bytes"]
    architecture: object = None  # the base document's architecture(s); None: any
    features: frozenset = frozenset()  # tags the base document must show
    reject_level: str = MUST


KINDS: dict[str, Kind] = {}


def kind(id, clause, error_class, description, architecture=None, features=(), level=MUST):
    def register(mutate):
        KINDS[id] = Kind(id, clause, error_class, description, mutate, architecture, frozenset(features), level)
        return mutate
    return register


# Helpers: the models of a document, and JSON text with a token JSON forbids.


def with_blob(doc: dict) -> dict:
    """The first model (root first) that has weights: a container's own blob is empty."""
    return next(m for m in nested_models(doc) if m["weights"])


def arrays_of(doc: dict) -> list[dict]:
    return doc["config"]["layers"]


def wavenet_of(doc: dict, slimmable: bool | None = None) -> dict:
    """The first WaveNet in the document (slimmable or not, if asked)."""
    for m in nested_models(doc):
        if m["architecture"] == "WaveNet" and (slimmable is None or any(
                a.get("slimmable") for a in arrays_of(m)) == slimmable):
            return m
    raise LookupError("no such WaveNet")


SENTINEL = "\u0000sentinel\u0000"


def text_with(doc: dict, place: Callable[[dict], None], token: str) -> bytes:
    """The document's JSON with `token` written verbatim where `place` puts the sentinel."""
    doc = copy.deepcopy(doc)
    place(doc)
    return json.dumps(doc).replace(json.dumps(SENTINEL), token).encode("utf-8")


def text(doc: dict) -> str:
    return json.dumps(doc)


# [JSON-1] to [JSON-4], [LIM-1].

@kind("json.utf8.latin1_byte", "JSON-1", "json", "a name written in Latin-1 (byte 0xE9), not UTF-8")
def _(doc, src):
    return text(doc).encode("utf-8").replace(b'"version"', b'"v\xe9rsion"', 1)


@kind("json.syntax.truncated", "JSON-2", "json", "the text ends early")
def _(doc, src):
    data = text(doc).encode("utf-8")
    return data[:src.integer(0, len(data) - 1, "truncate at")]


@kind("json.syntax.trailing_garbage", "JSON-2", "json", "text after the closing brace")
def _(doc, src):
    return (text(doc) + src.choice([" x", "}", "\n{}", "]"], "garbage")).encode("utf-8")


@kind("json.syntax.trailing_comma", "JSON-2", "json", "a comma before the closing brace")
def _(doc, src):
    return (text(doc)[:-1] + ", }").encode("utf-8")


@kind("json.syntax.comment", "JSON-2", "json", "a // comment line")
def _(doc, src):
    return ("// exported model\n" + text(doc)).encode("utf-8")


@kind("json.syntax.single_quotes", "JSON-2", "json", "a single-quoted string")
def _(doc, src):
    return text(doc).replace('"version"', "'version'", 1).encode("utf-8")


def _weight_token(token):
    def mutate(doc, src):
        def place(d):
            blob = with_blob(d)["weights"]
            blob[src.integer(0, len(blob) - 1, "which weight")] = SENTINEL
        return text_with(doc, place, token)
    return mutate


for _token, _name in (("NaN", "nan_weight"), ("Infinity", "infinity_weight"), ("-Infinity", "negative_infinity_weight"),
                      ("1e999", "overflowing_weight")):
    kind(f"json.non_finite.{_name}", "JSON-3", "non_finite", f"a weight written {_token}")(_weight_token(_token))


@kind("json.non_finite.metadata_loudness", "JSON-3", "non_finite", "metadata.loudness is -Infinity", level=SHOULD)
def _(doc, src):
    return text_with(doc, lambda d: d.update(metadata={"loudness": SENTINEL}), "-Infinity")


@kind("json.duplicate.root_name", "JSON-4", "json", "the root object names version twice", level=SHOULD)
def _(doc, src):
    return ('{"version": "0.5.0", ' + text(doc)[1:]).encode("utf-8")


@kind("limit.json_depth.in_metadata", "LIM-1", "limit", "objects nested 70 levels deep inside metadata.training")
def _(doc, src):
    return text_with(doc, lambda d: d.update(metadata={"training": SENTINEL}), '{"a": ' * 70 + "1" + "}" * 70)


# Envelope, versions, sample rates, metadata ([ENV-*], [VER-*], [SR-*], [META-*]).

@kind("env.root.array", "ENV-1", "schema", "the root value is an array holding the model")
def _(doc, src):
    return json.dumps([doc]).encode("utf-8")


for _key in ("version", "architecture", "config", "weights"):
    kind(f"env.{_key}.missing", "ENV-2", "schema", f"the root has no {_key}")(
        lambda doc, src, key=_key: {k: v for k, v in doc.items() if k != key})


@kind("env.architecture.sequential", "SEQ-1", "schema", 'architecture is "Sequential" with another config')
def _(doc, src):
    return dict(doc, architecture="Sequential")


@kind("env.architecture.lowercase", "ENV-3", "schema", "architecture in lower case")
def _(doc, src):
    return dict(doc, architecture=doc["architecture"].lower())


@kind("version.v_prefix", "VER-1", "version", 'version with a "v" prefix')
def _(doc, src):
    return dict(doc, version="v" + doc["version"])


@kind("version.prerelease", "VER-1", "version", "version with a pre-release suffix")
def _(doc, src):
    return dict(doc, version=doc["version"] + "-rc1")


@kind("version.two_parts", "VER-1", "version", "a two-part version")
def _(doc, src):
    return dict(doc, version=".".join(doc["version"].split(".")[:2]))


@kind("version.out_of_range", "VER-2", "version", "a version outside 0.5.0 to 0.7.x")
def _(doc, src):
    return dict(doc, version=src.choice(["0.8.0", "1.0.0", "0.4.9", "0.10.0"], "version"))


@kind("version.nested_out_of_range", "VER-2", "version", "a nested model's own version is 0.4.0 ([VER-6])",
      architecture=["WaveNet", "SlimmableContainer"], features={"wavenet.condition_dsp"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    list(nested_models(doc))[1]["version"] = "0.4.0"
    return doc


@kind("sample_rate.zero", "SR-1", "schema", "sample_rate is 0 or negative")
def _(doc, src):
    return dict(doc, sample_rate=src.choice([0, -44100, 0.0], "rate"))


@kind("sample_rate.string", "SR-1", "schema", "sample_rate is a string")
def _(doc, src):
    return dict(doc, sample_rate="48000")


@kind("sample_rate.null", "SR-1", "schema", "sample_rate is null")
def _(doc, src):
    return dict(doc, sample_rate=None)


@kind("sample_rate.nested_differs", "SR-4", "consistency", "a nested model's sample_rate differs from its parent's",
      architecture=["WaveNet", "SlimmableContainer"], features={"wavenet.condition_dsp"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    parent = doc.get("sample_rate", 48000)
    list(nested_models(doc))[1]["sample_rate"] = parent + src.choice([1, -100, 44100], "difference")
    return doc


@kind("metadata.loudness.string", "META-2", "schema", 'metadata.loudness is "-20 dB"', level=SHOULD)
def _(doc, src):
    return dict(doc, metadata={"loudness": "-20 dB"})


# Sequential ([SEQ-*]): a drawn document as the first model of a chain.

def chain(*models, weights=()) -> dict:
    doc = {"version": "0.7.0", "architecture": "Sequential", "config": {"models": list(models)}, "weights": list(weights)}
    rate = models[0].get("sample_rate") if isinstance(models[0], dict) else None
    return doc if rate is None else dict(doc, sample_rate=rate)  # the children's rate ([SEQ-3])


def _linear(channels: int) -> dict:
    return {"version": "0.7.0", "architecture": "Linear",
            "config": {"receptive_field": 1, "bias": False, "in_channels": channels, "out_channels": channels},
            "weights": [0.5]}


@kind("sequential.experimental_form", "SEQ-10", "schema",
      "the experimental form: a bare config in config.models and its weights at the top")
def _(doc, src):
    return chain(doc["config"], weights=doc["weights"])


@kind("sequential.weights.not_empty", "SEQ-2", "weight_count", "a Sequential with a top-level weight")
def _(doc, src):
    return chain(doc, weights=[src.choice([0.0, 0.5, 1.0], "weight")])


@kind("sequential.channels.mismatch", "SEQ-4", "consistency", "the next model takes one more channel than given")
def _(doc, src):
    from nam_reference import load_spec

    return chain(doc, _linear(load_spec(doc).out_channels + 1))


@kind("sequential.models.empty", "SEQ-1", "schema", "a Sequential without models")
def _(doc, src):
    return dict(chain(doc), config={"models": []})


# The weight blob ([W-1] to [W-3], [CONT-2]).

def _blob_element(value):
    def mutate(doc, src):
        doc = copy.deepcopy(doc)
        blob = with_blob(doc)["weights"]
        blob[src.integer(0, len(blob) - 1, "which weight")] = value
        return doc
    return mutate


for _value, _name in (("0.5", "element_string"), (None, "element_null"), (True, "element_boolean"),
                      ([0.5], "element_nested_array")):
    kind(f"weights.{_name}", "W-1", "schema", f"one weight is {json.dumps(_value)}")(_blob_element(_value))
kind("weights.float32_overflow", "W-2", "non_finite", "the weight 1e39 rounds to infinity in binary32")(
    _blob_element(1e39))


@kind("weights.one_extra", "W-3", "weight_count", "one weight too many")
def _(doc, src):
    doc = copy.deepcopy(doc)
    with_blob(doc)["weights"].append(0.0)
    return doc


@kind("weights.one_missing", "W-3", "weight_count", "one weight too few")
def _(doc, src):
    doc = copy.deepcopy(doc)
    with_blob(doc)["weights"].pop(src.integer(0, len(with_blob(doc)["weights"]) - 1, "which weight"))
    return doc


@kind("weights.head_scale_missing", "W-3", "weight_count", "the blob ends without the head scale",
      architecture="WaveNet")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["weights"].pop()
    return doc


@kind("container.weights.not_empty", "CONT-2", "weight_count", "the container's own blob has one weight",
      architecture="SlimmableContainer")
def _(doc, src):
    return dict(doc, weights=[0.5])


# Activations ([ACT-1] to [ACT-4]): on a ConvNet's activation or a WaveNet's first array.

def _set_activation(doc: dict, spec) -> dict:
    doc = copy.deepcopy(doc)
    if doc["architecture"] == "ConvNet":
        doc["config"]["activation"] = spec
    else:
        arr = arrays_of(doc)[0]
        arr["activation"] = [spec] * len(arr["dilations"]) if isinstance(arr["activation"], list) else spec
    return doc


@kind("activation.object_without_type", "ACT-1", "schema", 'an activation {"name": "Tanh"}',
      architecture=["ConvNet", "WaveNet"])
def _(doc, src):
    return _set_activation(doc, {"name": "Tanh"})


@kind("activation.unknown", "ACT-2", "schema", "an activation name outside [ACT-2]", architecture=["ConvNet", "WaveNet"])
def _(doc, src):
    return _set_activation(doc, src.choice(["GELU", "ELU", "Softsigmoid", "_Softsign", "tanh", {"type": "Swish"}],
                                           "unknown activation"))


@kind("activation.parameter.hardtanh_bounds_reversed", "ACT-3", "consistency", "Hardtanh with min_val > max_val",
      architecture=["ConvNet", "WaveNet"])
def _(doc, src):
    return _set_activation(doc, {"type": "Hardtanh", "min_val": 1.0, "max_val": -1.0})


@kind("activation.prelu.both_slope_keys", "ACT-4", "schema", "a PReLU with negative_slope and negative_slopes",
      architecture=["ConvNet", "WaveNet"])
def _(doc, src):
    return _set_activation(doc, {"type": "PReLU", "negative_slope": 0.1, "negative_slopes": [0.1]})


@kind("activation.binary32_overflow.prelu_slope", "ACT-7", "non_finite", "a PReLU slope of -1e308: finite as "
      "a double, infinite in binary32", architecture=["ConvNet", "WaveNet"])
def _(doc, src):
    return _set_activation(doc, {"type": "PReLU", "negative_slope": -1e308})


@kind("convnet.prelu.slope_count", "ACT-4", "consistency", "a per-channel PReLU with one slope too many",
      architecture="ConvNet")
def _(doc, src):
    return _set_activation(doc, {"type": "PReLU", "negative_slopes": [0.1] * (doc["config"]["channels"] + 1)})


# Linear, ConvNet, LSTM.

@kind("linear.channels.unequal", "LIN-2", "consistency", "in_channels and out_channels differ", architecture="Linear")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["out_channels"] = doc["config"].get("in_channels", 1) + 1
    return doc


@kind("linear.receptive_field.non_integral", "LIN-1", "schema", "receptive_field with a fractional part",
      architecture="Linear")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["receptive_field"] += 0.5
    return doc


@kind("convnet.groups.not_dividing_input", "CNN-2", "consistency", "groups that do not divide the input width",
      architecture="ConvNet")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["groups"] = doc["config"].get("in_channels", 1) + 1
    return doc


@kind("convnet_bn.variance.negative", "CNN-4", "consistency", "a batch-norm variance of -1", architecture="ConvNet",
      features={"convnet.batchnorm"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    c = doc["config"]
    first_conv = c["channels"] * (c.get("in_channels", 1) // c.get("groups", 1)) * 2
    doc["weights"][first_conv + c["channels"]] = -1.0  # block 0: W, mean, then var ([CNN-3])
    return doc


@kind("lstm.input_size.not_in_channels", "LSTM-2", "consistency", "input_size differs from in_channels",
      architecture="LSTM")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["input_size"] += 1
    return doc


@kind("convnet.channels.non_integral", "CNN-1", "schema", "channels with a fractional part", architecture="ConvNet")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["channels"] += 0.5
    return doc


@kind("lstm.hidden_size.zero", "LSTM-1", "schema", "hidden_size 0", architecture="LSTM")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["hidden_size"] = 0
    return doc


@kind("config.huge_size", "W-3", "weight_count", "a size of 10**9 with the blob of a small model ([W-5])",
      architecture=["Linear", "LSTM"])
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["receptive_field" if doc["architecture"] == "Linear" else "hidden_size"] = 10**9
    return doc


# WaveNet keys and cross-field rules (sections 12 and 13).

def _first_array(doc: dict) -> tuple[dict, dict]:
    doc = copy.deepcopy(doc)
    return doc, arrays_of(doc)[0]


@kind("wavenet.layers.empty", "WN-1", "schema", "config.layers is []", architecture="WaveNet")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["layers"] = []
    return doc


@kind("wavenet.array.dilations.empty", "WN-ARR-1", "schema", "layers[0].dilations is []", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["dilations"] = []
    return doc


@kind("wavenet.activation.empty_array", "WN-ARR-4", "schema", "activation is []", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["activation"] = []
    return doc


@kind("wavenet.layer1x1.groups_missing", "WN-ARR-9", "schema", 'layer1x1 is {"active": true}', architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["layer1x1"] = {"active": True}
    return doc


@kind("wavenet.head1x1.inactive_without_out_channels", "WN-ARR-10", "schema",
      'head1x1 is {"active": false, "groups": 1}', architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["head1x1"] = {"active": False, "groups": 1}
    return doc


@kind("wavenet.groups_input.zero", "WN-ARR-11", "schema", "groups_input 0", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr[src.choice(["groups_input", "groups_input_mixin"], "key")] = 0
    return doc


@kind("wavenet.head_scale.missing", "WN-3", "schema", "config.head_scale is missing", architecture="WaveNet",
      level=SHOULD)
def _(doc, src):
    doc = copy.deepcopy(doc)
    del doc["config"]["head_scale"]
    return doc


@kind("wavenet.kernel.both_keys", "WN-ARR-3", "schema", "kernel_size and kernel_sizes", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    n = len(arr["dilations"])
    if "kernel_size" in arr:
        arr["kernel_sizes"] = [arr["kernel_size"]] * n
    else:
        arr["kernel_size"] = arr["kernel_sizes"][0]
    return doc


@kind("wavenet.kernel.neither_key", "WN-ARR-3", "schema", "neither kernel_size nor kernel_sizes", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr.pop("kernel_size", None)
    arr.pop("kernel_sizes", None)
    return doc


@kind("wavenet.activation.length", "WN-ARR-15", "consistency", "one activation more than there are layers",
      architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["activation"] = ["Tanh"] * (len(arr["dilations"]) + 1)
    return doc


@kind("wavenet.gating_mode.unknown", "WN-ARR-5", "schema", 'gating_mode is "gate"', architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["gating_mode"] = "gate"
    return doc


@kind("wavenet.gated.string", "WN-ARR-6", "schema", 'the legacy key gated is "yes"', architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["gated"] = "yes"
    return doc


@kind("wavenet.secondary_activation.empty_string_for_gated", "WN-ARR-7", "consistency",
      'secondary_activation "" for gated layers', architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr.pop("gated", None)
    arr["gating_mode"] = src.choice(["gated", "blended"], "gating mode")
    arr["secondary_activation"] = ""
    return doc


@kind("wavenet.secondary_activation.array_with_single_mode", "WN-ARR-7", "consistency",
      "gating_mode is one string but secondary_activation is an array", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr.pop("gated", None)
    arr["gating_mode"] = "gated"
    arr["secondary_activation"] = ["Sigmoid"] * len(arr["dilations"])
    return doc


@kind("wavenet.bottleneck.without_layer1x1", "WN-ARR-8", "consistency", "bottleneck != channels, layer1x1 inactive",
      architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["layer1x1"] = {"active": False, "groups": 1}
    arr["bottleneck"] = arr["channels"] + 1
    return doc


@kind("wavenet.film.true", "WN-ARR-12", "schema", "a FiLM key is true", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr[src.choice(["conv_pre_film", "conv_post_film", "activation_post_film"], "FiLM key")] = True
    return doc


@kind("wavenet.film.null", "WN-ARR-12", "schema", "a FiLM key is null", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["input_mixin_pre_film"] = None
    return doc


@kind("wavenet.head_form.both", "WN-ARR-13", "schema", "a head object and head_size/head_bias",
      architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    if arr.get("head") is not None:
        arr["head_size"], arr["head_bias"] = arr["head"]["out_channels"], arr["head"]["bias"]
    else:
        arr["head"] = {"out_channels": arr["head_size"], "kernel_size": 1, "bias": arr["head_bias"]}
    return doc


@kind("wavenet.head_form.neither", "WN-ARR-13", "schema", "no head object and no head_size/head_bias",
      architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    for key in ("head", "head_size", "head_bias"):
        arr.pop(key, None)
    return doc


@kind("wavenet.groups_input.not_dividing_channels", "WN-ARR-16", "consistency", "groups_input = channels + 1",
      architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["groups_input"] = arr["channels"] + 1
    return doc


@kind("wavenet.layer1x1_post_film.without_layer1x1", "WN-ARR-17", "consistency",
      "layer1x1_post_film active while layer1x1 is inactive", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["layer1x1"] = {"active": False, "groups": 1}
    arr.pop("bottleneck", None)
    arr["layer1x1_post_film"] = {"active": True, "shift": True, "groups": 1}
    return doc


@kind("wavenet.head1x1_post_film.without_head1x1", "WN-ARR-17", "consistency",
      "head1x1_post_film active (object without active) while head1x1 is inactive", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["head1x1"] = {"active": False, "out_channels": 1, "groups": 1}
    arr["head1x1_post_film"] = {"shift": False}
    return doc


@kind("wavenet.input_size.first_not_in_channels", "WN-ARR-18", "consistency",
      "layers[0].input_size differs from in_channels", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["input_size"] += 1
    return doc


@kind("wavenet.head_size.not_next_head_path", "WN-ARR-19", "consistency",
      "an array's head size differs from the next array's head-path width", architecture="WaveNet",
      features={"wavenet.multi_array"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    first = wavenet_of(doc)
    arr = next(a for a, b in zip(arrays_of(first), arrays_of(first)[1:]))
    if arr.get("head") is not None:
        arr["head"]["out_channels"] += 1
    else:
        arr["head_size"] += 1
    return doc


@kind("wavenet.condition_size.mismatch", "WN-ARR-20", "consistency", "condition_size differs from the condition width",
      architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["condition_size"] += src.integer(1, 2, "extra condition width")
    for key, value in arr.items():  # group counts that divided the old width might not divide the new one
        if key == "groups_input_mixin" or (key.endswith("_film") and isinstance(value, dict) and "groups" in value):
            arr[key] = 1 if key == "groups_input_mixin" else dict(value, groups=1)
    return doc


@kind("wavenet.prelu.primary_slopes_for_channels", "WN-ARR-21", "consistency",
      "a layer PReLU with one slope more than the bottleneck", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["activation"] = {"type": "PReLU", "negative_slopes": [0.1] * (arr.get("bottleneck", arr["channels"]) + 1)}
    return doc


@kind("wavenet.post_head.pre_0_7_form", "WN-HEAD-1", "schema", "the pre-0.7.0 head form with num_layers",
      architecture="WaveNet")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["head"] = {"channels": 2, "activation": "Tanh", "num_layers": 1, "out_channels": 1}
    return doc


@kind("wavenet.post_head.prelu.slope_count", "WN-HEAD-3", "consistency",
      "a post-stack PReLU with one slope more than its input width", architecture="WaveNet",
      features={"wavenet.post_head"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    last = arrays_of(doc)[-1]
    width = last["head"]["out_channels"] if last.get("head") is not None else last["head_size"]
    doc["config"]["head"]["activation"] = {"type": "PReLU", "negative_slopes": [0.1] * (width + 1)}
    return doc


@kind("wavenet_condition_dsp.container", "WN-COND-1", "consistency", "the condition_dsp is a SlimmableContainer",
      architecture="WaveNet", features={"wavenet.condition_dsp"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    identity = {"version": "0.5.0", "architecture": "Linear", "config": {"receptive_field": 1, "bias": False},
                "weights": [1.0]}
    wavenet_of(doc)["config"]["condition_dsp"] = {"version": "0.7.0", "architecture": "SlimmableContainer",
                                                  "config": {"submodels": [{"max_value": 1.0, "model": identity}]},
                                                  "weights": []}
    return doc


@kind("wavenet_condition_dsp.in_channels", "WN-COND-3", "consistency",
      "the condition_dsp takes another number of input channels than its parent", architecture="WaveNet",
      features={"wavenet.condition_dsp"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    model = wavenet_of(doc)
    width = model["config"].get("in_channels", 1) + 1
    model["config"]["condition_dsp"] = {"version": "0.5.0", "architecture": "Linear",
                                        "config": {"receptive_field": 1, "bias": False, "in_channels": width,
                                                   "out_channels": width}, "weights": [1.0]}
    return doc


@kind("wavenet_slimmable.true", "WN-SLIM-1", "schema", "slimmable is true", architecture="WaveNet")
def _(doc, src):
    doc, arr = _first_array(doc)
    arr["slimmable"] = True
    return doc


@kind("wavenet_slimmable.method.unknown", "WN-SLIM-2", "schema", 'method "slice_channels_random"',
      architecture="WaveNet", features={"wavenet.slimmable"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    arr = next(a for a in arrays_of(doc) if a.get("slimmable"))
    arr["slimmable"]["method"] = "slice_channels_random"
    return doc


@kind("wavenet_slimmable.allowed_channels.not_increasing", "WN-SLIM-3", "consistency",
      "allowed_channels out of order, repeated or not ending at channels", architecture="WaveNet",
      features={"wavenet.slimmable"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    arr = next(a for a in arrays_of(doc) if a.get("slimmable"))
    c = arr["channels"]
    arr["slimmable"]["kwargs"] = {"allowed_channels": src.choice([[c, 1], [1, 1, c], [1], [1, c, c + 1]], "widths")}
    return doc


@kind("wavenet_slimmable.restriction.film", "WN-SLIM-4", "consistency", "a slimmable WaveNet with an active FiLM",
      architecture="WaveNet", features={"wavenet.slimmable"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    arrays_of(doc)[-1]["activation_post_film"] = {"active": True, "shift": True, "groups": 1}
    return doc


@kind("wavenet_slimmable.restriction.post_head", "WN-SLIM-4", "consistency",
      "a slimmable WaveNet with a post-stack head", architecture="WaveNet", features={"wavenet.slimmable"})
def _(doc, src):
    doc = copy.deepcopy(doc)
    last = arrays_of(doc)[-1]
    width = last["head"]["out_channels"] if last.get("head") is not None else last["head_size"]
    doc["config"]["head"] = {"channels": 1, "out_channels": 1, "kernel_sizes": [1], "activation": "Tanh",
                             "in_channels": width}
    return doc


# SlimmableContainer ([CONT-1] to [CONT-4]).

@kind("container.submodels.empty", "CONT-1", "schema", "config.submodels is []", architecture="SlimmableContainer")
def _(doc, src):
    return dict(doc, config={"submodels": []})


@kind("container.thresholds.not_increasing", "CONT-3", "consistency", "max_values repeated or decreasing",
      architecture="SlimmableContainer")
def _(doc, src):
    doc = copy.deepcopy(doc)
    entries = doc["config"]["submodels"]
    entries.append(copy.deepcopy(entries[-1]))
    entries[-2]["max_value"] = entries[-1]["max_value"] + src.choice([0.0, 0.5], "excess")
    return doc


@kind("container.thresholds.last_below_one", "CONT-3", "consistency", "the last max_value is below 1.0",
      architecture="SlimmableContainer")
def _(doc, src):
    doc = copy.deepcopy(doc)
    entries = doc["config"]["submodels"]
    for i, entry in enumerate(entries):
        entry["max_value"] = (i + 1) / (len(entries) + 1)
    return doc


@kind("container.submodel.container", "CONT-4", "consistency", "a submodel is itself a SlimmableContainer",
      architecture="SlimmableContainer")
def _(doc, src):
    doc = copy.deepcopy(doc)
    entry = doc["config"]["submodels"][0]
    entry["model"] = {"version": "0.7.0", "architecture": "SlimmableContainer",
                      "config": {"submodels": [{"max_value": 1.0, "model": entry["model"]}]}, "weights": []}
    return doc


@kind("container.submodel.two_outputs", "CONT-4", "consistency", "a submodel with two output channels",
      architecture="SlimmableContainer")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["submodels"][0]["model"] = {"version": "0.5.0", "architecture": "Linear", "config": {
        "receptive_field": 1, "bias": False, "in_channels": 2, "out_channels": 2}, "weights": [1.0]}
    return doc


# Limits ([LIM-2], [LIM-3]).

@kind("limit.model_depth.container_chain", "LIM-2", "limit", "five nested model levels")
def _(doc, src):
    for _ in range(4):
        doc = {"version": "0.7.0", "architecture": "SlimmableContainer",
               "config": {"submodels": [{"max_value": 1.0, "model": doc}]}, "weights": []}
    return doc


@kind("limit.receptive_field.dilation", "LIM-3", "limit", "a dilation that makes the receptive field exceed 2**20",
      architecture="ConvNet")
def _(doc, src):
    doc = copy.deepcopy(doc)
    doc["config"]["dilations"][0] = 1 << 20
    return doc


def invalid_file(kind_id: str, base: dict, src: Source) -> InvalidFile:
    k = KINDS[kind_id]
    return InvalidFile(k.mutate(base, src), k.id, k.clause, k.error_class, k.reject_level, k.description)
