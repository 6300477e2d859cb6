"""Documents laid out the way a writer lays them out: the trainer's export forms.

The trainer (neural-amp-modeler 0.13.0) writes every WaveNet with `"head": null` when it has no
post-stack head, its version 0.7.0, per-layer lists for `kernel_sizes`, `activation`, `gating_mode`
and `secondary_activation` (a gated or blended layer names its secondary activation, a `none`
layer has `null`), a layer-array `head` object, FiLM objects with all of `active`, `shift` and
`groups`, and `LeakyHardtanh` (never Core's alias `LeakyHardTanh`, [DIV-7]). `trainer_forms` rewrites a document into those forms without changing what it computes:
the weights stay as they are. Keys a document omits stay omitted (the trainer writes every key, but
absence must stay covered), and the forms of `keep` (feature tags naming a legacy or compact form)
stay as drawn.
"""

from __future__ import annotations

import copy

from nam_reference import nested_models

from .wavenet_arrays import FILM_SLOTS

VERSION = "0.7.0"
# The legacy and compact forms a fixture may be about, by feature tag.
LEGACY_FORMS = frozenset({"wavenet.kernel_size", "wavenet.legacy_head", "wavenet.gated_legacy",
                          "wavenet.film.implicit_active"})
# The trainer's key order in a layer array (nam.models.wavenet._layer_array.LayerArray.export_config).
ARRAY_ORDER = ("input_size", "condition_size", "head", "head_size", "head_bias", "channels", "kernel_sizes",
               "kernel_size", "dilations", "activation", "bottleneck", "head1x1", "layer1x1", "groups_input",
               "groups_input_mixin", *(f"{s}_film" for s in FILM_SLOTS), "gated", "gating_mode",
               "secondary_activation", "slimmable")
CONFIG_ORDER = ("layers", "head", "head_scale", "condition_dsp")
INACTIVE_FILM = {"active": False, "shift": True, "groups": 1}
SPELLINGS = {"LeakyHardTanh": "LeakyHardtanh"}


def trainer_forms(document: dict, keep=frozenset()) -> dict:
    """A copy of `document` with every WaveNet in it (nested ones too) in the trainer's export forms,
    except the forms named by the tags in `keep`."""
    doc = copy.deepcopy(document)
    for model in nested_models(doc):
        if model["architecture"] == "WaveNet":
            _wavenet(model, frozenset(keep))
    return doc



def _wavenet(model: dict, keep: frozenset) -> None:
    model["version"] = VERSION
    config = model["config"]
    config.setdefault("head", None)
    if config.get("in_channels") == 1:  # the trainer never writes in_channels ([DIV-32])
        del config["in_channels"]
    config["layers"] = [_array(raw, keep) for raw in config["layers"]]
    if isinstance(config["head"], dict):
        config["head"] = dict(config["head"], activation=_spelled(config["head"]["activation"]))
    _reorder(config, CONFIG_ORDER)


def _array(raw: dict, keep: frozenset) -> dict:
    raw = dict(raw)
    n = len(raw["dilations"])
    if "kernel_size" in raw and "wavenet.kernel_size" not in keep:
        raw["kernel_sizes"] = [raw.pop("kernel_size")] * n
    if "head_size" in raw and "wavenet.legacy_head" not in keep:
        raw["head"] = {"out_channels": raw.pop("head_size"), "kernel_size": 1, "bias": raw.pop("head_bias")}
    raw["activation"] = [_spelled(a) for a in (raw["activation"] if isinstance(raw["activation"], list)
                                               else [raw["activation"]] * n)]
    legacy_gated = raw.get("gating_mode") is None and raw.get("gated")
    if not (legacy_gated and "wavenet.gated_legacy" in keep):
        modes, secondaries = _gating(raw, n)
        raw.pop("gated", None)
        raw["gating_mode"] = modes
        raw["secondary_activation"] = [None if mode == "none" else _spelled(secondary or {"type": "Sigmoid"})
                                       for mode, secondary in zip(modes, secondaries)]
    for slot in FILM_SLOTS:
        key = f"{slot}_film"
        value = raw.get(key)
        if value is False:
            raw[key] = dict(INACTIVE_FILM)
        elif isinstance(value, dict) and not ("active" not in value and "wavenet.film.implicit_active" in keep):
            raw[key] = {"active": value.get("active", True), "shift": value.get("shift", True),
                        "groups": value.get("groups", 1)}
    return _reorder(raw, ARRAY_ORDER)


def _spelled(spec):
    """An activation spec with the trainer's spelling of its name."""
    if isinstance(spec, str):
        return SPELLINGS.get(spec, spec)
    return dict(spec, type=SPELLINGS.get(spec["type"], spec["type"]))


def _gating(raw: dict, n: int) -> tuple[list[str], list]:
    """Each layer's gating mode and secondary activation (None: Sigmoid), [WN-ARR-5] to [WN-ARR-7]."""
    def per_layer(value):
        return list(value) if isinstance(value, list) else [value] * n

    if raw.get("gating_mode") is not None:
        secondaries = per_layer(raw.get("secondary_activation"))
        return per_layer(raw["gating_mode"]), [None if s == "" else s for s in secondaries]
    return ["gated" if raw.get("gated") else "none"] * n, [None] * n


def _reorder(mapping: dict, order) -> dict:
    """`mapping` with the keys of `order` first, in that order, then the others as they were."""
    items = [(k, mapping[k]) for k in order if k in mapping] + [(k, v) for k, v in mapping.items() if k not in order]
    mapping.clear()
    mapping.update(items)
    return mapping
