"""Equivalent forms of a file: rewrites that must not change what a model computes.

Each function returns a rewritten copy of a document, or None when the rewrite does not apply.
They probe the parsing rules engines have got wrong: key order, integral floats, versions,
explicit defaults and nulls, nulls left out, unknown keys, legacy and newer WaveNet key forms.
"""

from __future__ import annotations

import copy

FILM_KEYS = ("conv_pre_film", "conv_post_film", "input_mixin_pre_film", "input_mixin_post_film",
             "activation_pre_film", "activation_post_film", "layer1x1_post_film", "head1x1_post_film")
INTEGER_KEYS = {"input_size", "condition_size", "channels", "bottleneck", "kernel_size", "head_size", "groups",
                "groups_input", "groups_input_mixin", "out_channels", "in_channels", "head_dilation",
                "hidden_size", "num_layers", "receptive_field", "dilations", "kernel_sizes"}


def models(document: dict):
    """The document and every nested model in it."""
    yield document
    config = document.get("config", {})
    if isinstance(config.get("condition_dsp"), dict):
        yield from models(config["condition_dsp"])
    for entry in config.get("submodels", []):
        yield from models(entry["model"])


def reversed_key_order(document):
    """[ENV-6]: key order has no meaning."""
    def flip(value):
        if isinstance(value, dict):
            return {k: flip(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [flip(v) for v in value]
        return value
    return flip(document)


def integral_floats(document):
    """[JSON-5]: 3.0 is the integer 3 (integer keys of every config written as floats)."""
    doc = copy.deepcopy(document)

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "weights" or key == "metadata":
                    continue
                if key in INTEGER_KEYS and isinstance(item, int) and not isinstance(item, bool):
                    value[key] = float(item)
                elif key in INTEGER_KEYS and isinstance(item, list):
                    value[key] = [float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in item]
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(doc["config"])
    return doc


def relabelled(version: str):
    def rewrite(document):
        """[VER-4]: the version does not switch features on or off."""
        doc = copy.deepcopy(document)
        changed = False
        for model in models(doc):
            changed |= model["version"] != version
            model["version"] = version
        return doc if changed else None
    rewrite.__name__ = f"version_{version}"
    return rewrite


def unknown_keys(document):
    """[JSON-9]: unknown keys are ignored, wherever they are."""
    doc = copy.deepcopy(document)
    doc["notes"] = ["unknown keys are ignored"]
    doc["config"]["x_vendor_extension"] = {"enabled": True}
    for layer in doc["config"].get("layers", []):
        layer["x_comment"] = "ignored"
    return doc


def number_forms(document):
    """[JSON-6]: integers and non-integers are the same numbers (sample rate and levels)."""
    doc = copy.deepcopy(document)
    changed = False
    for model in models(doc):
        if "sample_rate" in model:
            rate = model["sample_rate"]
            model["sample_rate"] = float(rate) if isinstance(rate, int) else (int(rate) if float(rate).is_integer() else rate)
            changed = True
    return doc if changed else None


def explicit_defaults(document):
    """[JSON-8], [WN-ARR-8] to [WN-ARR-12]: writing out every default (and null for absent objects)."""
    doc = copy.deepcopy(document)
    changed = False
    for model in models(doc):
        if model["architecture"] != "WaveNet":
            continue
        config = model["config"]
        for key, value in (("head", None), ("condition_dsp", None), ("in_channels", 1)):
            if key not in config:
                config[key] = value
                changed = True
        for layer in config["layers"]:
            defaults = {"bottleneck": layer["channels"], "layer1x1": {"active": True, "groups": 1},
                        "head1x1": {"active": False, "out_channels": 1, "groups": 1}, "groups_input": 1,
                        "groups_input_mixin": 1, "slimmable": None}
            if "gating_mode" not in layer and "gated" not in layer:
                defaults["gating_mode"] = "none"
            defaults.update({key: False for key in FILM_KEYS})
            for key, value in defaults.items():
                if key not in layer:
                    layer[key] = value
                    changed = True
    return doc if changed else None


def nulls_omitted(document):
    """[JSON-8], [META-1]: an optional key whose value is null means the same as the key being absent
    (null entries of a per-layer secondary_activation list stay: a list keeps its length)."""
    doc = copy.deepcopy(document)
    changed = False

    def drop(mapping, keys):
        nonlocal changed
        for key in keys:
            if key in mapping and mapping[key] is None:
                del mapping[key]
                changed = True

    for model in models(doc):
        drop(model, ("metadata",))
        if model["architecture"] == "WaveNet":
            drop(model["config"], ("head", "condition_dsp"))
            for layer in model["config"]["layers"]:
                drop(layer, ("head", "slimmable", "gating_mode", "secondary_activation"))
    return doc if changed else None


def newer_wavenet_keys(document):
    """[WN-ARR-3], [WN-ARR-13], [WN-ARR-5]: legacy keys rewritten in the newer forms."""
    doc = copy.deepcopy(document)
    changed = False
    for model in models(doc):
        if model["architecture"] != "WaveNet":
            continue
        for layer in model["config"]["layers"]:
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
    return doc if changed else None


def older_wavenet_keys(document):
    """The same rewrite the other way: newer keys in the legacy forms where they can express them."""
    doc = copy.deepcopy(document)
    changed = False
    for model in models(doc):
        if model["architecture"] != "WaveNet":
            continue
        for layer in model["config"]["layers"]:
            kernels = layer.get("kernel_sizes")
            if kernels and len(set(kernels)) == 1:
                layer["kernel_size"] = layer.pop("kernel_sizes")[0]
                changed = True
            head = layer.get("head")
            if head and head["kernel_size"] == 1 and head.get("head_dilation", 1) == 1:
                layer.pop("head")
                layer["head_size"], layer["head_bias"] = head["out_channels"], head["bias"]
                changed = True
    return doc if changed else None


# name -> (the clause the equivalence rests on, the rewrite)
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
