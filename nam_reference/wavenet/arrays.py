"""Reading one layer array (spec section 12.2 and [WN-SLIM-1] to [WN-SLIM-4]).

The schema has already checked each key's type and range. `parse_array` runs, in the order the
problems are reported: the warning about obsolete names, the lengths of the per-layer lists, one reader
per key or clause group (each resolves defaults and legacy forms, and notes its key's feature for the
version warnings of [VER-5], whose versions are in nam_reference/versions.py), then the rules between keys.
"""

from __future__ import annotations

from .. import activations
from ..activations import Activation
from .config import (FILM_KEYS, FILM_SLOTS, OBSOLETE_KEYS, ArrayConfig, Film, Head1x1, LayerConfig,
                     array_defaults)


class Place:
    """Where an object of the config is (a layer array, or the config itself), to report about its keys;
    `ok` turns False at the first error."""

    def __init__(self, ctx, rel: tuple = ()):
        self.ctx, self.rel, self.ok = ctx, rel, True

    def warn(self, key: str, clause: str, message: str) -> None:
        self.ctx.warn(self.rel + (key,), clause, message)

    def fail(self, where: str | tuple, clause: str, message: str) -> None:
        """`where`: a key of the object, or the path below it."""
        self.ctx.error(self.rel + (where if isinstance(where, tuple) else (where,)), clause, message)
        self.ok = False

    def feature(self, name: str, *below) -> None:
        """[VER-5]: a feature of nam_reference/versions.py is used here (the context warns if it is newer
        than the file)."""
        self.ctx.feature(name, self.rel + below)


def parse_array(raw: dict, a: int, ctx) -> ArrayConfig | None:
    """Resolve the schema-valid layer array `a` ([WN-ARR-1] to [WN-ARR-17], [WN-ARR-21], [WN-ARR-23],
    [WN-SLIM-*]); None when it breaks a rule (the errors are reported)."""
    place = Place(ctx, ("layers", a))
    warn_obsolete_names(raw, place)
    if not per_layer_lengths_agree(raw, place):
        return None
    layers = read_layers(raw, place)
    if not place.ok:
        return None
    # The array's own keys, one reader each, in the order their version warnings are given.
    bottleneck = read_optional_integer(raw, "bottleneck", place)
    layer1x1_groups = read_layer1x1(raw, place)
    head1x1 = read_head1x1(raw, place)
    groups_input = read_optional_integer(raw, "groups_input", place)
    groups_input_mixin = read_optional_integer(raw, "groups_input_mixin", place)
    films = read_films(raw, place)
    head = read_head(raw, place)
    allowed = read_allowed_channels(raw, place)
    arr = ArrayConfig(
        input_size=_int(raw["input_size"]), condition_size=_int(raw["condition_size"]), channels=_int(raw["channels"]),
        bottleneck=bottleneck, layers=layers, layer1x1_groups=layer1x1_groups, head1x1=head1x1,
        groups_input=groups_input, groups_input_mixin=groups_input_mixin, films=films, **head,
        allowed_channels=allowed)
    check_array(arr, place)
    return arr if place.ok else None


def _int(value) -> int:
    return int(value)  # the schema guarantees an integral value ([JSON-5])


def _value(raw: dict, key: str):
    """An optional key's value, or what its absence means."""
    return raw[key] if key in raw else array_defaults(raw)[key]


def _per_layer(value, count: int) -> list:
    """[WN-ARR-2]: a per-layer key holds one value for every layer or a list of one per layer."""
    return list(value) if isinstance(value, list) else [value] * count


# Keys that are ignored.

def warn_obsolete_names(raw: dict, place: Place) -> None:
    """[WN-ARR-23]"""
    for key in OBSOLETE_KEYS:
        if key in raw:
            place.warn(key, "WN-ARR-23", f"{key!r} is an obsolete pre-release name with no meaning; it is ignored")


# The layers ([WN-ARR-2] to [WN-ARR-7], [WN-ARR-15]).

def per_layer_lengths_agree(raw: dict, place: Place) -> bool:
    """[WN-ARR-15]: every per-layer list has one entry per dilation."""
    n = len(raw["dilations"])
    for key in ("kernel_sizes", "activation", "gating_mode", "secondary_activation"):
        value = raw.get(key)
        if isinstance(value, list) and len(value) != n:
            place.fail(key, "WN-ARR-15", f"{key} has {len(value)} entries; dilations has {n}")
    return place.ok


def read_layers(raw: dict, place: Place) -> tuple[LayerConfig, ...]:
    """[WN-ARR-2]: each layer's dilation, kernel size, activations and gating mode."""
    dilations = [_int(d) for d in raw["dilations"]]
    n = len(dilations)
    kernels = read_kernel_sizes(raw, n, place)
    primaries = read_primary_activations(raw, n, place)
    modes = read_gating_modes(raw, n, place)
    secondaries = read_secondary_activations(raw, modes, place)
    return tuple(LayerConfig(*layer) for layer in zip(dilations, kernels, primaries, modes, secondaries))


def read_kernel_sizes(raw: dict, n: int, place: Place) -> list[int]:
    """[WN-ARR-3]"""
    if "kernel_sizes" not in raw:
        return [_int(raw["kernel_size"])] * n
    place.feature("kernel_sizes")
    return [_int(k) for k in raw["kernel_sizes"]]


def read_primary_activations(raw: dict, n: int, place: Place) -> list[Activation]:
    """[WN-ARR-4]: φ_l of each layer."""
    if isinstance(raw["activation"], (list, dict)):
        place.feature("activation objects and per-layer activations")
    return [activations.parse(spec) for spec in _per_layer(raw["activation"], n)]


def read_gating_modes(raw: dict, n: int, place: Place) -> list[str]:
    """[WN-ARR-5]; [WN-ARR-6]: the legacy boolean `gated` applies only without `gating_mode`."""
    given, legacy_gated = raw.get("gating_mode"), raw.get("gated")
    if given is None:
        return ["gated" if legacy_gated else "none"] * n
    place.feature("gating_mode")
    modes = _per_layer(given, n)
    if legacy_gated is not None and legacy_gated != ("gated" in modes):
        place.warn("gated", "WN-ARR-6", "the legacy key gated is ignored because gating_mode is present")
    return modes


def read_secondary_activations(raw: dict, modes: list[str], place: Place) -> list[Activation | None]:
    """[WN-ARR-7]: σ_l of each gated or blended layer (Sigmoid when not given), None for `none` layers."""
    given = raw.get("secondary_activation")
    if given is not None:
        place.feature("secondary_activation")
    if isinstance(raw.get("gating_mode"), str) and isinstance(given, list):
        place.fail("secondary_activation", "WN-ARR-7", "must be a single value when gating_mode is a single string")
    if raw.get("gating_mode") is None and raw.get("gated"):
        given = None  # legacy gated layers are always Sigmoid-gated ([WN-ARR-6])
    secondaries = []
    for l, (mode, spec) in enumerate(zip(modes, _per_layer(given, len(modes)))):
        if mode == "none":
            secondaries.append(None)
        elif spec == "":
            place.fail("secondary_activation", "WN-ARR-7",
                       f"layer {l} is {mode}; its secondary activation must be an activation spec or null, not \"\"")
            secondaries.append(None)  # the array is invalid: parse_array returns None
        else:
            secondaries.append(activations.SIGMOID if spec is None else activations.parse(spec))
    return secondaries


# The array's other keys ([WN-ARR-8] to [WN-ARR-14]).

def read_optional_integer(raw: dict, key: str, place: Place) -> int:
    """`bottleneck` ([WN-ARR-8]), `groups_input` or `groups_input_mixin` ([WN-ARR-11])."""
    if key in raw:
        place.feature(key)
    return _int(_value(raw, key))


def read_layer1x1(raw: dict, place: Place) -> int | None:
    """[WN-ARR-9]: its groups, None when inactive."""
    if "layer1x1" in raw:
        place.feature("layer1x1")
    layer1x1 = _value(raw, "layer1x1")
    return _int(layer1x1["groups"]) if layer1x1["active"] else None


def read_head1x1(raw: dict, place: Place) -> Head1x1 | None:
    """[WN-ARR-10]"""
    if "head1x1" in raw:
        place.feature("head1x1")
    head1x1 = _value(raw, "head1x1")
    return Head1x1(_int(head1x1["out_channels"]), _int(head1x1["groups"])) if head1x1["active"] else None


def read_films(raw: dict, place: Place) -> tuple[tuple[str, Film], ...]:
    """[WN-ARR-12]: the active FiLM slots in weight order; an object without `active` is active ([DIV-10])."""
    if any(_value(raw, key) is not False for key in FILM_KEYS):
        place.feature("FiLM")
    films = []
    for slot in FILM_SLOTS:
        value = _value(raw, f"{slot}_film")
        if value is not False and value.get("active", True):
            films.append((slot, Film(value.get("shift", True), _int(value.get("groups", 1)))))
    return tuple(films)


def read_head(raw: dict, place: Place) -> dict:
    """[WN-ARR-13]: the head object, or the legacy pair head_size and head_bias (kernel 1, dilation 1)."""
    head = raw.get("head")
    if head is None:
        return {"head_size": _int(raw["head_size"]), "head_kernel": 1, "head_dilation": 1, "head_bias": raw["head_bias"]}
    place.feature("the layer-array head object")
    return {"head_size": _int(head["out_channels"]), "head_kernel": _int(head["kernel_size"]),
            "head_dilation": _int(head.get("head_dilation", 1)), "head_bias": head["bias"]}


def read_allowed_channels(raw: dict, place: Place) -> tuple[int, ...] | range | None:
    """[WN-ARR-14], [WN-SLIM-2]: the slimmable widths, every width up to C by default; None if not slimmable."""
    slimmable = _value(raw, "slimmable")
    if slimmable is None:
        return None
    place.feature("slimmable")
    given = slimmable.get("kwargs", {}).get("allowed_channels")
    # The default stays a range: channels is not yet checked against the blob ([W-5]).
    return range(1, _int(raw["channels"]) + 1) if given is None else tuple(_int(c) for c in given)


# The rules between keys.

def check_array(arr: ArrayConfig, place: Place) -> None:
    """Every rule between the keys of one array."""
    check_bottleneck(arr, place)
    check_divisibility(arr, place)
    check_films_after_1x1(arr, place)
    check_layer_activations(arr, place)
    if arr.allowed_channels is not None:
        check_slimmable_array(arr, place)


def check_bottleneck(arr: ArrayConfig, place: Place) -> None:
    """[WN-ARR-8]: without layer1x1 the residual adds the activation output, so B must equal C."""
    if arr.layer1x1_groups is None and arr.bottleneck != arr.channels:
        place.fail("bottleneck", "WN-ARR-8", f"bottleneck ({arr.bottleneck}) must equal channels ({arr.channels}) "
                   "when layer1x1 is inactive")


def check_divisibility(arr: ArrayConfig, place: Place) -> None:
    """[WN-ARR-16]: each group count divides the widths of its convolution, in every layer."""
    z_widths = [("Z", z) for z in sorted({arr.z_width(l) for l in arr.layers})]
    _divides(place, "groups_input", arr.groups_input, [("channels", arr.channels)] + z_widths)
    _divides(place, "groups_input_mixin", arr.groups_input_mixin, [("condition_size", arr.condition_size)] + z_widths)
    if arr.layer1x1_groups is not None:
        _divides(place, "layer1x1", arr.layer1x1_groups, [("bottleneck", arr.bottleneck), ("channels", arr.channels)])
    if arr.head1x1 is not None:
        _divides(place, "head1x1", arr.head1x1.groups,
                 [("bottleneck", arr.bottleneck), ("head1x1.out_channels", arr.head1x1.out_channels)])
    for slot, film in arr.films:
        rows = sorted({film.multiplier * arr.film_width(slot, l) for l in arr.layers})
        _divides(place, f"{slot}_film", film.groups, [("condition_size", arr.condition_size)] + [("rows", w) for w in rows])


def _divides(place: Place, key: str, groups: int, widths: list[tuple[str, int]]) -> None:
    """The first width `groups` does not divide is reported."""
    for name, width in widths:
        if width % groups:
            place.fail(key, "WN-ARR-16", f"groups ({groups}) must divide {name} ({width})")
            return


def check_films_after_1x1(arr: ArrayConfig, place: Place) -> None:
    """[WN-ARR-17]"""
    if arr.film("layer1x1_post") and arr.layer1x1_groups is None:
        place.fail("layer1x1_post_film", "WN-ARR-17", "layer1x1_post_film is active but layer1x1 is not")
    if arr.film("head1x1_post") and arr.head1x1 is None:
        place.fail("head1x1_post_film", "WN-ARR-17", "head1x1_post_film is active but head1x1 is not")


def check_layer_activations(arr: ArrayConfig, place: Place) -> None:
    """Activation parameters ([ACT-3]) and per-channel PReLU widths ([WN-ARR-21])."""
    for l, layer in enumerate(arr.layers):
        for key, act in (("activation", layer.activation), ("secondary_activation", layer.secondary)):
            if act is None:
                continue
            for clause, message in activations.problems(act):
                place.fail(key, clause, f"layer {l}: {message}")
            if act.width is not None and act.width != arr.bottleneck:
                place.fail(key, "WN-ARR-21", f"layer {l}: PReLU has {act.width} slopes; the bottleneck is {arr.bottleneck}")


def check_slimmable_array(arr: ArrayConfig, place: Place) -> None:
    """[WN-SLIM-3] and the per-array part of [WN-SLIM-4]."""
    allowed = arr.allowed_channels
    if not isinstance(allowed, range) and (any(b <= a for a, b in zip(allowed, allowed[1:]))
                                           or allowed[-1] != arr.channels):
        place.fail("slimmable", "WN-SLIM-3",
                   f"allowed_channels must be strictly increasing and end with channels ({arr.channels}); got {list(allowed)}")
    if arr.bottleneck != arr.channels:
        place.fail("bottleneck", "WN-SLIM-4", "a slimmable layer array needs bottleneck == channels")


def slim_restrictions(arr: ArrayConfig) -> list[tuple[str, str]]:
    """(key, message) for what every array of a slimmable WaveNet must not have ([WN-SLIM-4])."""
    found = []
    if arr.groups_input != 1 or arr.groups_input_mixin != 1 or (arr.layer1x1_groups or 1) != 1:
        found.append(("groups_input", "grouped convolutions"))
    if arr.head1x1 is not None:
        found.append(("head1x1", "an active head1x1"))
    if arr.films:
        first_slot, _ = arr.films[0]
        found.append((f"{first_slot}_film", "an active FiLM"))
    if arr.head_kernel != 1:
        found.append(("head", "a head kernel size other than 1"))
    if any(a is not None and a.slopes is not None for l in arr.layers for a in (l.activation, l.secondary)):
        found.append(("activation", "a per-channel PReLU"))
    return found
