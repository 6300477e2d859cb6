"""WaveNet config: keys, defaults, legacy forms and cross-field rules (spec sections 12.1 to 12.7, 13)."""

from __future__ import annotations

import dataclasses
import math

from .. import activations
from ..activations import Activation

# FiLM slots in weight order ([WN-W-1]); each is configured by the key f"{slot}_film".
FILM_SLOTS = ("conv_pre", "conv_post", "input_mixin_pre", "input_mixin_post",
              "activation_pre", "activation_post", "layer1x1_post", "head1x1_post")
GATING_MODES = ("none", "gated", "blended")
OBSOLETE_KEYS = ("groups", "groups_1x1", "head_1x1", "1x1")  # pre-release names ([WN-ARR-23])
SLIM_METHOD = "slice_channels_uniform"


@dataclasses.dataclass(frozen=True)
class Film:
    shift: bool
    groups: int

    @property
    def multiplier(self) -> int:
        return 2 if self.shift else 1  # m of [WN-FILM-1]


@dataclasses.dataclass(frozen=True)
class LayerConfig:
    dilation: int
    kernel: int
    activation: Activation  # φ_l
    gating: str  # "none", "gated" or "blended"
    secondary: Activation | None  # σ_l, None for "none" layers

    @property
    def gate_factor(self) -> int:
        return 1 if self.gating == "none" else 2  # G_l


@dataclasses.dataclass(frozen=True)
class ArrayConfig:
    """One layer array with every default filled in and every legacy form resolved."""

    input_size: int  # I
    condition_size: int  # S
    channels: int  # C
    bottleneck: int  # B
    layers: tuple[LayerConfig, ...]
    layer1x1_groups: int | None  # None when layer1x1 is inactive
    head1x1: tuple[int, int] | None  # (H1, groups), None when inactive
    groups_input: int
    groups_input_mixin: int
    films: tuple[tuple[str, Film], ...]  # active FiLM slots, in weight order
    head_size: int  # Hs
    head_kernel: int  # Kh
    head_dilation: int  # dh
    head_bias: bool  # hb
    allowed_channels: tuple[int, ...] | range | None  # slimmable widths, None if not slimmable

    def z_width(self, layer: LayerConfig) -> int:
        return layer.gate_factor * self.bottleneck  # Z_l

    @property
    def head_path_width(self) -> int:
        return self.head1x1[0] if self.head1x1 else self.bottleneck  # Dh

    def film(self, slot: str) -> Film | None:
        return dict(self.films).get(slot)

    def film_width(self, slot: str, layer: LayerConfig) -> int:
        """D_f of [WN-FILM-2]."""
        return {
            "conv_pre": self.channels, "conv_post": self.z_width(layer), "input_mixin_pre": self.condition_size,
            "input_mixin_post": self.z_width(layer), "activation_pre": self.z_width(layer),
            "activation_post": self.bottleneck, "layer1x1_post": self.channels,
            "head1x1_post": self.head1x1[0] if self.head1x1 else 0,
        }[slot]

    def receptive_field(self) -> int:
        """rf_a of [WN-RF-1] (without the model's leading 1)."""
        return sum(l.dilation * (l.kernel - 1) for l in self.layers) + self.head_dilation * (self.head_kernel - 1)


@dataclasses.dataclass(frozen=True)
class PostHeadConfig:
    channels: int
    out_channels: int
    kernel_sizes: tuple[int, ...]
    activation: Activation

    def widths(self, head_size: int) -> list[tuple[int, int]]:
        """(c_in_i, c_out_i) of each convolution ([WN-HEAD-2])."""
        n = len(self.kernel_sizes)
        return [(head_size if i == 0 else self.channels, self.out_channels if i == n - 1 else self.channels)
                for i in range(n)]


def _int(value) -> int:
    return int(value)  # the schema guarantees an integral value ([JSON-5])


def _per_layer(value, count: int):
    return list(value) if isinstance(value, list) else [value] * count


def parse_array(raw: dict, a: int, ctx) -> ArrayConfig | None:
    """Resolve one schema-valid layer array ([WN-ARR-1] to [WN-ARR-17], [WN-ARR-21], [WN-SLIM-*])."""
    where = ("layers", a)
    ok = True
    for key in OBSOLETE_KEYS:
        if key in raw:
            ctx.warn(where + (key,), "WN-ARR-23", f"{key!r} is an obsolete pre-release name with no meaning; it is ignored")

    def fail(key, clause, message, error_class="consistency"):
        nonlocal ok
        ctx.error(where + ((key,) if key is not None else ()), clause, message, error_class)
        ok = False

    dilations = [_int(d) for d in raw["dilations"]]
    n = len(dilations)
    for key in ("kernel_sizes", "activation", "gating_mode", "secondary_activation"):
        value = raw.get(key)
        if isinstance(value, list) and len(value) != n:
            fail(key, "WN-ARR-15", f"{key} has {len(value)} entries; dilations has {n}")
    if not ok:
        return None

    kernels = [_int(k) for k in raw["kernel_sizes"]] if "kernel_sizes" in raw else [_int(raw["kernel_size"])] * n
    if "kernel_sizes" in raw:
        ctx.feature("kernel_sizes", where)
    if isinstance(raw["activation"], list) or isinstance(raw["activation"], dict):
        ctx.feature("activation objects and per-layer activations", where)
    primaries = [activations.parse(s) for s in _per_layer(raw["activation"], n)]

    # Gating: gating_mode wins; the legacy boolean `gated` applies only without it ([WN-ARR-6]).
    gating_raw = raw.get("gating_mode")
    legacy_gated = raw.get("gated")
    if gating_raw is not None:
        ctx.feature("gating_mode", where)
        modes = _per_layer(gating_raw, n)
        if legacy_gated is not None and legacy_gated != any(m == "gated" for m in modes):
            ctx.warn(where + ("gated",), "WN-ARR-6", "the legacy key gated is ignored because gating_mode is present")
    else:
        modes = ["gated" if legacy_gated else "none"] * n

    secondary_raw = raw.get("secondary_activation")
    if secondary_raw is not None:
        ctx.feature("secondary_activation", where)
    if isinstance(gating_raw, str) and isinstance(secondary_raw, list):
        fail("secondary_activation", "WN-ARR-7", "must be a single value when gating_mode is a single string")
    if gating_raw is None and legacy_gated:
        secondary_raw = None  # legacy gated layers are always sigmoid-gated ([WN-ARR-6])
    secondaries = _per_layer(secondary_raw, n)
    layers = []
    for l in range(n):
        secondary = None
        if modes[l] != "none":
            s = secondaries[l]
            if s == "":
                fail("secondary_activation", "WN-ARR-7",
                     f"layer {l} is {modes[l]}; its secondary activation must be an activation spec or null, not \"\"")
                continue
            secondary = activations.SIGMOID if s is None else activations.parse(s)
        layers.append(LayerConfig(dilations[l], kernels[l], primaries[l], modes[l], secondary))
    if not ok:
        return None

    channels, condition = _int(raw["channels"]), _int(raw["condition_size"])
    bottleneck = _int(raw.get("bottleneck", channels))
    if "bottleneck" in raw:
        ctx.feature("bottleneck", where)
    l1 = raw.get("layer1x1", {"active": True, "groups": 1})
    h1 = raw.get("head1x1", {"active": False, "out_channels": 1, "groups": 1})
    for key in ("layer1x1", "head1x1", "groups_input", "groups_input_mixin"):
        if key in raw:
            ctx.feature(key, where)
    films = []
    for slot in FILM_SLOTS:
        value = raw.get(slot + "_film", False)
        if value is not False:
            ctx.feature("FiLM", where)
        if value is not False and value.get("active", True):  # an object without `active` is active ([DIV-10])
            films.append((slot, Film(value.get("shift", True), _int(value.get("groups", 1)))))

    head = raw.get("head")
    if head is not None:
        ctx.feature("the layer-array head object", where)
        head_size, head_kernel = _int(head["out_channels"]), _int(head["kernel_size"])
        head_dilation, head_bias = _int(head.get("head_dilation", 1)), head["bias"]
    else:
        head_size, head_kernel, head_dilation, head_bias = _int(raw["head_size"]), 1, 1, raw["head_bias"]

    allowed = None
    slim = raw.get("slimmable")
    if slim is not None:
        ctx.feature("slimmable", where)
        given = slim.get("kwargs", {}).get("allowed_channels")
        # The default stays a range: channels is not yet checked against the blob ([W-5]).
        allowed = range(1, channels + 1) if given is None else tuple(_int(c) for c in given)

    arr = ArrayConfig(
        input_size=_int(raw["input_size"]), condition_size=condition, channels=channels, bottleneck=bottleneck,
        layers=tuple(layers), layer1x1_groups=_int(l1["groups"]) if l1["active"] else None,
        head1x1=(_int(h1["out_channels"]), _int(h1["groups"])) if h1["active"] else None,
        groups_input=_int(raw.get("groups_input", 1)), groups_input_mixin=_int(raw.get("groups_input_mixin", 1)),
        films=tuple(films), head_size=head_size, head_kernel=head_kernel, head_dilation=head_dilation,
        head_bias=head_bias, allowed_channels=allowed)

    # [WN-ARR-8]: without layer1x1 the residual adds the activation output, so B must equal C.
    if arr.layer1x1_groups is None and bottleneck != channels:
        fail("bottleneck", "WN-ARR-8", f"bottleneck ({bottleneck}) must equal channels ({channels}) "
             "when layer1x1 is inactive")
    # [WN-ARR-16] divisibility.
    z_widths = sorted({arr.z_width(l) for l in arr.layers})
    _divides(fail, "groups_input", arr.groups_input, [("channels", channels)] + [("Z", z) for z in z_widths])
    _divides(fail, "groups_input_mixin", arr.groups_input_mixin,
             [("condition_size", condition)] + [("Z", z) for z in z_widths])
    if arr.layer1x1_groups is not None:
        _divides(fail, "layer1x1", arr.layer1x1_groups, [("bottleneck", bottleneck), ("channels", channels)])
    if arr.head1x1 is not None:
        _divides(fail, "head1x1", arr.head1x1[1], [("bottleneck", bottleneck), ("head1x1.out_channels", arr.head1x1[0])])
    for slot, film in arr.films:
        widths = sorted({film.multiplier * arr.film_width(slot, l) for l in arr.layers})
        _divides(fail, slot + "_film", film.groups, [("condition_size", condition)] + [("rows", w) for w in widths])
    # [WN-ARR-17]
    if arr.film("layer1x1_post") and arr.layer1x1_groups is None:
        fail("layer1x1_post_film", "WN-ARR-17", "layer1x1_post_film is active but layer1x1 is not")
    if arr.film("head1x1_post") and arr.head1x1 is None:
        fail("head1x1_post_film", "WN-ARR-17", "head1x1_post_film is active but head1x1 is not")
    # Activation parameters ([ACT-3]) and per-channel PReLU widths ([WN-ARR-21]).
    for l, layer in enumerate(arr.layers):
        for key, act in (("activation", layer.activation), ("secondary_activation", layer.secondary)):
            if act is None:
                continue
            for clause, message in activations.problems(act):
                fail(key, clause, f"layer {l}: {message}")
            if act.width is not None and act.width != bottleneck:
                fail(key, "WN-ARR-21", f"layer {l}: PReLU has {act.width} slopes; the bottleneck is {bottleneck}")
    if allowed is not None:
        _check_slimmable(arr, fail, slim)
    return arr if ok else None


def _divides(fail, key, groups, widths) -> None:
    for name, width in widths:
        if width % groups:
            fail(key, "WN-ARR-16", f"groups ({groups}) must divide {name} ({width})")
            return


def _check_slimmable(arr: ArrayConfig, fail, raw) -> None:
    """[WN-SLIM-3] and the per-array part of [WN-SLIM-4]."""
    allowed = arr.allowed_channels
    if not isinstance(allowed, range) and (any(b <= a for a, b in zip(allowed, allowed[1:]))
                                           or allowed[-1] != arr.channels):
        fail("slimmable", "WN-SLIM-3",
             f"allowed_channels must be strictly increasing and end with channels ({arr.channels}); got {list(allowed)}")
    if arr.bottleneck != arr.channels:
        fail("bottleneck", "WN-SLIM-4", "a slimmable layer array needs bottleneck == channels")


def slim_restrictions(arr: ArrayConfig) -> list[tuple[str, str]]:
    """(key, message) for what every array of a slimmable WaveNet must not have ([WN-SLIM-4])."""
    found = []
    if arr.groups_input != 1 or arr.groups_input_mixin != 1 or (arr.layer1x1_groups or 1) != 1:
        found.append(("groups_input", "grouped convolutions"))
    if arr.head1x1 is not None:
        found.append(("head1x1", "an active head1x1"))
    if arr.films:
        found.append((arr.films[0][0] + "_film", "an active FiLM"))
    if arr.head_kernel != 1:
        found.append(("head", "a head kernel size other than 1"))
    if any(a is not None and a.slopes is not None for l in arr.layers for a in (l.activation, l.secondary)):
        found.append(("activation", "a per-channel PReLU"))
    return found


def parse_post_head(raw: dict, ctx) -> PostHeadConfig | None:
    ctx.feature("the post-stack head", ("head",))
    act = activations.parse(raw["activation"])
    head = PostHeadConfig(_int(raw["channels"]), _int(raw["out_channels"]),
                          tuple(_int(k) for k in raw["kernel_sizes"]), act)
    ok = True
    for clause, message in activations.problems(act):
        ctx.error(("head", "activation"), clause, message)
        ok = False
    return head if ok else None


def slim_index(size: float, count: int) -> int:
    """[WN-SLIM-5]: min(max(⌊v·n⌋, 0), n − 1), in double precision."""
    return min(max(math.floor(size * count), 0), count - 1)
