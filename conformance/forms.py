"""Equivalent forms of a file: rewrites that must not change what a model computes.

Each form takes a document and returns a rewritten copy, or None when the rewrite does not apply.
They probe the parsing rules engines have got wrong: key order, integral floats, versions,
explicit defaults and nulls, nulls left out, unknown keys, legacy and newer WaveNet key forms.
"""

from __future__ import annotations

import copy
import json

from nam_reference import nested_models
from nam_reference.wavenet.config import MODEL_DEFAULTS, array_defaults

from .cases import covering

INTEGER_KEYS = {"input_size", "condition_size", "channels", "bottleneck", "kernel_size", "head_size", "groups",
                "groups_input", "groups_input_mixin", "out_channels", "in_channels", "head_dilation",
                "hidden_size", "num_layers", "receptive_field", "dilations", "kernel_sizes"}



def wavenet_layers(document: dict):
    """(config, layer array) of every WaveNet in the document."""
    for model in nested_models(document):
        if model["architecture"] == "WaveNet":
            for layer in model["config"]["layers"]:
                yield model["config"], layer


def rewrite(edit):
    """A form from an in-place edit of a copy that returns whether it changed anything."""
    def form(document):
        doc = copy.deepcopy(document)
        return doc if edit(doc) else None
    form.__name__, form.__doc__ = edit.__name__, edit.__doc__
    return form


def reversed_key_order(document):
    """[ENV-6]: key order has no meaning."""
    def flip(value):
        if isinstance(value, dict):
            return {k: flip(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [flip(v) for v in value]
        return value
    return flip(document)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@rewrite
def integral_floats(doc):
    """[JSON-5]: 3.0 is the integer 3 (integer keys of every config written as floats)."""
    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("weights", "metadata"):
                    continue
                if key in INTEGER_KEYS and _is_int(item):
                    value[key] = float(item)
                elif key in INTEGER_KEYS and isinstance(item, list):
                    value[key] = [float(v) if _is_int(v) else v for v in item]
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(doc["config"])
    return True


def relabelled(version: str):
    def edit(doc):
        """[VER-4]: the version does not switch features on or off."""
        changed = False
        for model in nested_models(doc):
            changed |= model["version"] != version
            model["version"] = version
        return changed
    edit.__name__ = f"version_{version}"
    return rewrite(edit)


@rewrite
def unknown_keys(doc):
    """[JSON-9]: unknown keys are ignored, wherever they are."""
    doc["notes"] = ["unknown keys are ignored"]
    doc["config"]["x_vendor_extension"] = {"enabled": True}
    for layer in doc["config"].get("layers", []):
        layer["x_comment"] = "ignored"
    return True


@rewrite
def number_forms(doc):
    """[JSON-6]: integers and non-integers are the same numbers (the sample rates)."""
    changed = False
    for model in nested_models(doc):
        if "sample_rate" in model:
            rate = model["sample_rate"]
            model["sample_rate"] = float(rate) if _is_int(rate) else (int(rate) if float(rate).is_integer() else rate)
            changed = True
    return changed


def _set_missing(mapping: dict, defaults: dict) -> bool:
    missing = {key: value for key, value in defaults.items() if key not in mapping}
    mapping.update(missing)
    return bool(missing)


@rewrite
def explicit_defaults(doc):
    """[JSON-8], [WN-ARR-8] to [WN-ARR-12]: writing out every default (and null for absent objects)."""
    changed = False
    for config, layer in wavenet_layers(doc):
        changed |= _set_missing(config, dict(MODEL_DEFAULTS))
        defaults = array_defaults(layer)
        if "gated" not in layer:
            defaults["gating_mode"] = "none"
        changed |= _set_missing(layer, defaults)
    return changed


def _drop_nulls(mapping: dict, keys) -> bool:
    nulls = [key for key in keys if key in mapping and mapping[key] is None]
    for key in nulls:
        del mapping[key]
    return bool(nulls)


@rewrite
def nulls_omitted(doc):
    """[JSON-8], [META-1]: an optional key whose value is null means the same as the key being absent
    (null entries of a per-layer secondary_activation list stay: a list keeps its length)."""
    changed = False
    for model in nested_models(doc):
        changed |= _drop_nulls(model, ("metadata",))
    for config, layer in wavenet_layers(doc):
        changed |= _drop_nulls(config, ("head", "condition_dsp"))
        changed |= _drop_nulls(layer, ("head", "slimmable", "gating_mode", "secondary_activation"))
    return changed


@rewrite
def newer_wavenet_keys(doc):
    """[WN-ARR-3], [WN-ARR-13], [WN-ARR-5]: legacy keys rewritten in the newer forms."""
    changed = False
    for _, layer in wavenet_layers(doc):
        n = len(layer["dilations"])
        if "kernel_size" in layer:
            layer["kernel_sizes"] = [layer.pop("kernel_size")] * n
            changed = True
        if "head_size" in layer:
            layer["head"] = {"out_channels": layer.pop("head_size"), "kernel_size": 1, "bias": layer.pop("head_bias")}
            changed = True
        if layer.get("gating_mode") is None and "gated" in layer:
            gated = layer.pop("gated")
            layer["gating_mode"] = ["gated" if gated else "none"] * n
            layer["secondary_activation"] = [{"type": "Sigmoid"} if gated else None] * n
            changed = True
    return changed


@rewrite
def older_wavenet_keys(doc):
    """The same rewrite the other way: newer keys in the legacy forms where they can express them."""
    changed = False
    for _, layer in wavenet_layers(doc):
        kernels = layer.get("kernel_sizes")
        if kernels and len(set(kernels)) == 1:
            layer["kernel_size"] = layer.pop("kernel_sizes")[0]
            changed = True
        head = layer.get("head")
        if head and head["kernel_size"] == 1 and head.get("head_dilation", 1) == 1:
            layer.pop("head")
            layer["head_size"], layer["head_bias"] = head["out_channels"], head["bias"]
            changed = True
    return changed


# name -> (the clause the equivalence rests on, the form)
FORMS = {
    "reversed_key_order": ("ENV-6", reversed_key_order),
    "integral_floats": ("JSON-5", integral_floats),
    "version_0.5.0": ("VER-4", relabelled("0.5.0")),
    "version_0.7.0": ("VER-4", relabelled("0.7.0")),
    "unknown_keys": ("JSON-9", unknown_keys),
    "number_forms": ("JSON-6", number_forms),
    "explicit_defaults": ("JSON-8", explicit_defaults),
    "nulls_omitted": ("JSON-8", nulls_omitted),
    "newer_wavenet_keys": ("WN-ARR-3", newer_wavenet_keys),
    "older_wavenet_keys": ("WN-ARR-13", older_wavenet_keys),
}


# Keys the spec says change nothing in the output, beyond the rewrites above. Each runs on every case
# showing a feature it could interact with (a hint that picks another algorithm, a value beside the
# ones the computation reads), so that no combination is left to chance. tests/test_no_op_keys.py
# checks that every clause of the spec saying a key changes nothing is listed here or in FORMS, and that
# every combination listed is shown by some case.

def _models(doc, architecture: str):
    return [model for model in nested_models(doc) if model["architecture"] == architecture]


def linear_hint(value: str):
    def edit(doc):
        """[LIN-3]: the implementation hint of a Linear model changes nothing."""
        for model in _models(doc, "Linear"):
            model["config"]["implementation"] = value
        return bool(_models(doc, "Linear"))
    edit.__name__ = f"linear_implementation_{value}"
    return rewrite(edit)


@rewrite
def metadata_values(doc):
    """[META-4]: no metadata value changes the output (the levels and loudness hosts read, other keys)."""
    for model in nested_models(doc):
        metadata = model.get("metadata") or {}
        metadata.update(loudness=-3.25, gain=0.5, input_level_dbu=12.0, output_level_dbu=-6.0,
                        date={"year": 2020, "month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0},
                        x_vendor={"tone": "bright"})
        model["metadata"] = metadata
    return True


@rewrite
def sample_rate_relabelled(doc):
    """[SR-3]: the sample rate does not change the computation (written on every model that has one)."""
    rates = [model for model in nested_models(doc) if model.get("sample_rate") is not None]
    rate = 96000.0 if all(model["sample_rate"] != 96000 for model in rates) else 44100.0
    for model in rates + [doc]:
        model["sample_rate"] = rate
    return True


FOREIGN_PARAMETERS = {"negative_slope": 0.3, "min_val": -0.5, "max_val": 0.25, "min_slope": 2.0, "max_slope": 3.0}
OWN_PARAMETERS = {"Hardtanh": {"min_val", "max_val"}, "LeakyReLU": {"negative_slope"},
                  "PReLU": {"negative_slope", "negative_slopes"},
                  "LeakyHardtanh": {"min_val", "max_val", "min_slope", "max_slope"}}
OWN_PARAMETERS["LeakyHardTanh"] = OWN_PARAMETERS["LeakyHardtanh"]


def _with_foreign_parameters(spec):
    if spec is None:
        return None
    spec = {"type": spec} if isinstance(spec, str) else dict(spec)  # [ACT-1]: a name is the object with defaults
    own = OWN_PARAMETERS.get(spec["type"], set())
    spec.update({key: number for key, number in FOREIGN_PARAMETERS.items() if key not in own and key not in spec})
    return spec


@rewrite
def foreign_activation_parameters(doc):
    """[ACT-3]: parameters of another activation in an activation object are ignored (names written as
    objects first, [ACT-1])."""
    holders = []
    for model in nested_models(doc):
        config = model["config"]
        if model["architecture"] == "ConvNet":
            holders.append(config)
        if model["architecture"] == "WaveNet":
            holders += list(config["layers"]) + ([config["head"]] if isinstance(config.get("head"), dict) else [])
    changed = False
    for holder in holders:
        for key in ("activation", "secondary_activation"):
            value = holder.get(key)
            if value is None:
                continue
            holder[key] = ([_with_foreign_parameters(v) for v in value] if isinstance(value, list)
                           else _with_foreign_parameters(value))
            changed = True
    return changed


@rewrite
def config_head_scale(doc):
    """[WN-3]: config.head_scale is informational; the last weight is the head scale used."""
    for model in _models(doc, "WaveNet"):
        model["config"]["head_scale"] = 123.5
    return bool(_models(doc, "WaveNet"))


@rewrite
def gated_beside_gating_mode(doc):
    """[WN-ARR-6]: when gating_mode is present, the legacy gated key is ignored."""
    changed = False
    for _, layer in wavenet_layers(doc):
        if layer.get("gating_mode") is not None:
            modes = layer["gating_mode"] if isinstance(layer["gating_mode"], list) else [layer["gating_mode"]]
            layer["gated"] = "gated" not in modes  # the opposite of what the layers do
            changed = True
    return changed


@rewrite
def obsolete_names(doc):
    """[WN-ARR-23]: the pre-release names groups, groups_1x1, head_1x1 and 1x1 are unknown keys."""
    changed = False
    for _, layer in wavenet_layers(doc):
        layer.update({"groups": 3, "groups_1x1": 5, "head_1x1": {"active": True, "out_channels": 7},
                      "1x1": {"active": False}})
        changed = True
    return changed


@rewrite
def training_kwargs(doc):
    """[WN-SLIM-1]: the slimmable kwargs about training (boosting, init_strategy) are ignored."""
    changed = False
    for _, layer in wavenet_layers(doc):
        if isinstance(layer.get("slimmable"), dict):
            layer["slimmable"].setdefault("kwargs", {}).update(boosting=True, init_strategy="x-vendor")
            changed = True
    return changed


ACTIVATION_TAGS = ("act.tanh", "act.fasttanh", "act.hardtanh", "act.hardtanh_bounds", "act.relu", "act.leaky_relu",
                   "act.prelu", "act.prelu_per_channel", "act.sigmoid", "act.silu", "act.hardswish",
                   "act.leaky_hardtanh", "act.softsign")
# name -> (clause, form, the features it could interact with)
NO_OP_KEYS = {
    "linear_implementation_fft": ("LIN-3", linear_hint("fft"),
                                  {"arch.linear", "linear.bias", "env.multichannel", "wavenet.condition_dsp",
                                   "arch.container"}),
    "linear_implementation_other": ("LIN-3", linear_hint("x-vendor-winograd"), {"arch.linear", "linear.bias"}),
    "metadata_values": ("META-4", metadata_values, {"arch.container", "env.metadata_absent", "wavenet.condition_dsp"}),
    "sample_rate_relabelled": ("SR-3", sample_rate_relabelled,
                               {"env.sample_rate_other", "env.sample_rate_absent", "arch.container"}),
    "foreign_activation_parameters": ("ACT-3", foreign_activation_parameters, set(ACTIVATION_TAGS)),
    "config_head_scale": ("WN-3", config_head_scale,
                          {"wavenet.head_scale_mismatch", "wavenet.multi_array", "wavenet.post_head",
                           "wavenet.slimmable", "container.packed"}),
    "gated_beside_gating_mode": ("WN-ARR-6", gated_beside_gating_mode,
                                 {"wavenet.gating.gated", "wavenet.gating.blended", "wavenet.secondary_activation"}),
    "obsolete_names": ("WN-ARR-23", obsolete_names,
                       {"wavenet.head1x1", "wavenet.layer1x1_groups", "wavenet.groups_input",
                        "wavenet.layer1x1_inactive"}),
    "training_kwargs": ("WN-SLIM-1", training_kwargs, {"wavenet.slimmable"}),
    "version_patch": ("VER-3", relabelled("0.7.9"),
                      {"arch.container", "wavenet.slimmable", "wavenet.head_object", "wavenet.condition_dsp"}),
}


def no_op_cases(cases, name: str, documents: dict | None = None) -> list:
    """The few cases a no-op key runs on: between them they show every feature it could interact
    with, among the cases it applies to."""
    _, rewrite, interacting = NO_OP_KEYS[name]
    documents = documents or {}

    def applies(case):
        document = documents.get(case.id) or json.loads(case.model_path.read_bytes())
        return rewrite(document) is not None
    return covering([c for c in cases if c.features & interacting and applies(c)], interacting)
