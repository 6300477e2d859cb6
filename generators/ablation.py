"""A document without one of its features: the feature replaced by its default, the rest unchanged.

`without(document, tag)` is the same model with the feature of `tag` removed, or None when no such
rewrite is defined for `tag` (or the document lacks the feature). When removing a feature changes
the output only a little, a file showing it hardly tests it: an implementation that ignored the
feature would still agree. The fixture builder keeps only cases whose features all matter, and
tests/test_fixtures.py checks the committed corpus the same way.

The rewrites, per tag:
- `act.*`: every use of the activation replaced by the identity (a LeakyReLU of slope 1, or for
  LeakyReLU itself a LeakyHardtanh of slopes 1); `act.hardtanh_bounds` by the default bounds ±1,
  `act.prelu_per_channel` by the default single slope;
- `wavenet.head_dilation`: head dilations of 1; `wavenet.head_kernel`: head kernels of 1 that keep
  the newest tap; `wavenet.film.<slot>`: that FiLM inactive; `wavenet.film.implicit_active`: the
  FiLM objects without `active` inactive (the trainer's reading, [DIV-10]);
- `wavenet.secondary_activation`: Sigmoid in every gated and blended layer; `wavenet.per_layer_activation`:
  the first layer's activation in every layer; `wavenet.layer1x1_groups`: the grouped layer1x1s inactive
  (where B = C); `wavenet.condition_dsp`: the model input as the condition (where it is as wide).
Removed convolutions take their weights with them; every other weight keeps its value. A rewrite that
cannot remove the feature everywhere in the document gives None.
"""

from __future__ import annotations

import copy

import numpy as np

import nam_reference
from nam_reference import nested_models
from nam_reference.features import features

from .activations import TAG_NAMES
from .wavenet_arrays import FILM_SLOTS
from .weights import to_json_numbers
from .writers import trainer_forms

IDENTITY = {"type": "LeakyReLU", "negative_slope": 1.0}
IDENTITY_FOR_LEAKY_RELU = {"type": "LeakyHardtanh", "min_slope": 1.0, "max_slope": 1.0}
ALIASES = {"LeakyHardTanh": "LeakyHardtanh"}
NOTICEABLE = 1e-2  # the max error ([NUM-3]) a removal must cause: 200 times the strict tier's limit


def running(document: dict, size: float | None = None) -> dict:
    """The model that computes the output at `size`: a container's selected submodel ([CONT-6])."""
    while document["architecture"] == "SlimmableContainer":
        entries = document["config"]["submodels"]
        document = next((e for e in entries if size is not None and size < e["max_value"]), entries[-1])["model"]
    return document


def removals(document: dict, size: float | None = None) -> dict[str, dict]:
    """tag -> `document` without it, for every tag of the model running at `size` that can be removed."""
    out = {}
    for tag in sorted(features(running(document, size))):
        variant = without(document, tag) if defined(tag) else None
        if variant is not None:
            out[tag] = variant
    return out


def without(document: dict, tag: str) -> dict | None:
    """`document` without the feature of `tag`, or None (no rewrite for `tag`, or nothing to remove)."""
    if tag.startswith("act."):
        return _without_activation(document, tag)
    rewrite = ARRAY_REWRITES.get(tag) or (_film(tag.rsplit(".", 1)[1]) if tag.startswith("wavenet.film.")
                                          and tag.rsplit(".", 1)[1] in FILM_SLOTS else None)
    if rewrite is None and tag != "wavenet.condition_dsp":
        return None
    doc = copy.deepcopy(document)
    changed = False
    for model in nested_models(doc):
        if model["architecture"] != "WaveNet":
            continue
        if tag == "wavenet.condition_dsp":
            changed |= _drop_condition(model)
            continue
        parts = _tensors(model)
        for a, raw in enumerate(model["config"]["layers"]):
            changed |= rewrite(raw, a, parts)
        model["weights"] = to_json_numbers(np.concatenate([p.ravel() for p in parts.values()]))
    return doc if changed and tag not in features(doc) else None


def defined(tag: str) -> bool:
    """Whether `without` has a rewrite for `tag`."""
    return tag.startswith("act.") or tag in ARRAY_REWRITES or tag == "wavenet.condition_dsp" or (
        tag.startswith("wavenet.film.") and tag.rsplit(".", 1)[1] in FILM_SLOTS)



def _tensors(model: dict) -> dict[str, np.ndarray]:
    """The model's own blob, tensor by tensor ([WN-W-1]), in blob order."""
    blob = np.asarray(model["weights"], dtype=np.float32)
    out, at = {}, 0
    for t in nam_reference.load(model).spec.config.layout():
        out[t.name] = blob[at:at + t.size].reshape(t.shape)
        at += t.size
    return out


def _layers(raw: dict) -> range:
    return range(len(raw["dilations"]))


def _drop(parts: dict, *names: str) -> None:
    for name in names:
        parts.pop(name, None)


# Layer-array rewrites: (raw layer array, its index, the tensors) -> whether anything changed.

def _head_dilation(raw, a, parts) -> bool:
    head = raw.get("head")
    if head is None or head.get("head_dilation", 1) == 1:
        return False
    del head["head_dilation"]
    return True


def _head_kernel(raw, a, parts) -> bool:
    head = raw.get("head")
    if head is None or head["kernel_size"] == 1:
        return False
    head["kernel_size"] = 1
    head.pop("head_dilation", None)
    parts[f"{a}.head.w"] = parts[f"{a}.head.w"][:, :, -1:]  # the last tap reads the current sample ([CONV-4])
    return True


def _film(slot: str, implicit_only: bool = False):
    def rewrite(raw, a, parts) -> bool:
        value = raw.get(f"{slot}_film")
        if not isinstance(value, dict) or not value.get("active", True) or (implicit_only and "active" in value):
            return False
        del raw[f"{slot}_film"]
        _drop(parts, *(f"{a}.{l}.film.{slot}.{w}" for l in _layers(raw) for w in "wb"))
        return True
    return rewrite


def _implicit_films(raw, a, parts) -> bool:
    return any([_film(slot, implicit_only=True)(raw, a, parts) for slot in FILM_SLOTS])


def _secondary(raw, a, parts) -> bool:
    if raw.get("gating_mode") is None:
        return False  # `gated: true` is Sigmoid-gated already
    n = len(raw["dilations"])
    modes = raw["gating_mode"] if isinstance(raw["gating_mode"], list) else [raw["gating_mode"]] * n
    value = raw.get("secondary_activation")
    if not isinstance(value, list):  # one value for every layer
        if all(m == "none" for m in modes) or value is None or _name(value) == "Sigmoid":
            return False
        raw["secondary_activation"] = "Sigmoid"
        return True
    new = [s if m == "none" or s is None or _name(s) == "Sigmoid" else "Sigmoid" for m, s in zip(modes, value)]
    if new == value:
        return False
    raw["secondary_activation"] = new
    return True


def _per_layer_activation(raw, a, parts) -> bool:
    acts = raw["activation"]
    if not isinstance(acts, list) or all(act == acts[0] for act in acts):
        return False
    raw["activation"] = [acts[0]] * len(acts)
    return True


def _layer1x1(raw, a, parts) -> bool:
    layer1x1 = raw.get("layer1x1", {"active": True, "groups": 1})
    if not layer1x1["active"] or layer1x1["groups"] == 1 or raw.get("bottleneck", raw["channels"]) != raw["channels"]:
        return False
    raw["layer1x1"] = {"active": False, "groups": 1}
    _film("layer1x1_post")(raw, a, parts)  # it follows the layer1x1 ([WN-ARR-17])
    _drop(parts, *(f"{a}.{l}.layer1x1.{w}" for l in _layers(raw) for w in "wb"))
    return True


ARRAY_REWRITES = {
    "wavenet.head_dilation": _head_dilation,
    "wavenet.head_kernel": _head_kernel,
    "wavenet.film.implicit_active": _implicit_films,
    "wavenet.secondary_activation": _secondary,
    "wavenet.per_layer_activation": _per_layer_activation,
    "wavenet.layer1x1_groups": _layer1x1,
}


def _drop_condition(model: dict) -> bool:
    config = model["config"]
    if config.get("condition_dsp") is None:
        return False
    if any(raw["condition_size"] != config.get("in_channels", 1) for raw in config["layers"]):
        return False
    del config["condition_dsp"]
    return True


# Activations.

def _name(spec) -> str:
    name = spec if isinstance(spec, str) else spec["type"]
    return ALIASES.get(name, name)


def _replacement(spec, tag: str):
    """What replaces `spec` without `tag`, or None when `spec` does not show `tag`."""
    if spec is None or spec == "" or _name(spec) != TAG_NAMES[tag]:
        return None
    if tag == "act.hardtanh_bounds":
        bounded = isinstance(spec, dict) and (spec.get("min_val", -1.0), spec.get("max_val", 1.0)) != (-1.0, 1.0)
        return "Hardtanh" if bounded else None
    if tag == "act.prelu_per_channel":
        return "PReLU" if isinstance(spec, dict) and "negative_slopes" in spec else None
    return dict(IDENTITY_FOR_LEAKY_RELU if tag == "act.leaky_relu" else IDENTITY)


def _without_activation(document: dict, tag: str) -> dict | None:
    """Every use of the activation of `tag` replaced. The document is first written in the trainer's forms,
    where every layer names its activations: implicit Sigmoid gates appear, unused secondaries are null."""
    doc = trainer_forms(document)
    changed = False

    def swap(holder, key):
        nonlocal changed
        value = holder.get(key)
        if isinstance(value, list):
            for i, spec in enumerate(value):
                new = _replacement(spec, tag)
                if new is not None:
                    value[i], changed = new, True
        else:
            new = _replacement(value, tag)
            if new is not None:
                holder[key], changed = new, True

    for model in nested_models(doc):
        config = model["config"]
        if model["architecture"] == "ConvNet":
            swap(config, "activation")
        elif model["architecture"] == "WaveNet":
            for raw in config["layers"]:
                swap(raw, "activation")
                swap(raw, "secondary_activation")
            if isinstance(config.get("head"), dict):
                swap(config["head"], "activation")
    return doc if changed and tag not in features(doc) else None
