"""WaveNet layer arrays and how they become a draft (spec sections 12 and 13).

An `Array` holds one layer array's structure and, once drawn, its widths. `chain` fixes the sizes that
link the arrays ([WN-ARR-18] to [WN-ARR-20]); `draft` writes the config JSON and lists the blob layout of
[WN-W-1]. `generators.wavenet` draws arrays of every form; `generators.realistic` and
`generators.near_miss` build the shapes found in real files.
"""

from __future__ import annotations

import dataclasses
import math

from .activations import ActivationChoice
from .models import Draft
from .source import Source
from .weights import Tensor

FILM_SLOTS = ("conv_pre", "conv_post", "input_mixin_pre", "input_mixin_post", "activation_pre", "activation_post",
              "layer1x1_post", "head1x1_post")
VERSION_0_5 = (0, 5, 0)
VERSION_0_6 = (0, 6, 0)
VERSION_0_7 = (0, 7, 0)


@dataclasses.dataclass
class Layer:
    dilation: int
    kernel: int
    activation: ActivationChoice
    gating: str  # "none", "gated" or "blended"
    secondary: ActivationChoice | None  # None: Sigmoid by default ([WN-ARR-7])

    @property
    def gate_factor(self) -> int:
        return 1 if self.gating == "none" else 2


@dataclasses.dataclass
class Film:
    shift: bool
    groups: int
    write_active: bool  # False: the object omits `active`, which means active ([WN-ARR-12])
    write_shift: bool
    write_groups: bool

    @property
    def multiplier(self) -> int:
        return 2 if self.shift else 1


@dataclasses.dataclass
class Array:
    """One layer array's structure, then (once `generators.wavenet` draws them) its sizes."""

    layers: list[Layer]
    kernel_form: str  # "kernel_size" or "kernel_sizes"
    activation_form: str  # "single" or "list"
    gating_form: str  # "absent", "gated_false", "legacy", "single" or "list"
    secondary_form: str  # "absent", "single" or "list"
    legacy_decoy: ActivationChoice | None  # a secondary_activation that `gated: true` makes unused
    layer1x1: bool
    layer1x1_key: bool
    g1: int
    head1x1: bool
    head1x1_key: bool
    gh: int
    gi: int
    gi_key: bool
    gm: int
    gm_key: bool
    films: dict  # slot -> Film, active ones
    inactive_films: dict  # slot -> the JSON written for an inactive FiLM
    bottleneck_mode: bool  # B != C
    bottleneck_key: bool
    head_form: str  # "legacy" or "object"
    head_kernel: int
    head_dilation: int
    head_dilation_key: bool
    head_bias: bool
    slimmable: bool
    slim_form: str  # "null", "absent", "default" (no kwargs) or "explicit"
    C: int = 0
    B: int = 0
    H1: int = 0
    I: int = 0
    S: int = 0
    Hs: int = 0
    allowed: list[int] = dataclasses.field(default_factory=list)

    @property
    def gate_factors(self) -> set[int]:
        return {l.gate_factor for l in self.layers}

    @property
    def head_path_width(self) -> int:
        return self.H1 if self.head1x1 else self.B  # Dh

    def film_width(self, slot: str, layer: Layer) -> int:
        """D_f of [WN-FILM-2]."""
        z = layer.gate_factor * self.B
        return {"conv_pre": self.C, "conv_post": z, "input_mixin_pre": self.S, "input_mixin_post": z,
                "activation_pre": z, "activation_post": self.B, "layer1x1_post": self.C,
                "head1x1_post": self.H1}[slot]

    def receptive_field(self) -> int:
        """rf_a of [WN-RF-1]."""
        return sum(l.dilation * (l.kernel - 1) for l in self.layers) + self.head_dilation * (self.head_kernel - 1)


def chain(src: Source, arrays: list[Array], in_ch: int, S: int, out_ch: int | None, head: dict | None) -> None:
    """Input sizes ([WN-ARR-18]), head sizes ([WN-ARR-19]) and the model's output width ([WN-2])."""
    for a, arr in enumerate(arrays):
        arr.I = in_ch if a == 0 else arrays[a - 1].C
        arr.S = S
        if a + 1 < len(arrays):
            arr.Hs = arrays[a + 1].head_path_width
        elif head is not None:
            arr.Hs = src.integer(1, 3, "last head size")
            if head["activation"].per_channel and len(head["kernel_sizes"]) > 1:
                head["channels"] = arr.Hs  # a per-channel PReLU needs every convolution input equally wide
        else:
            arr.Hs = out_ch if out_ch is not None else src.integer(1, 2, "output channels")
        if arr.slimmable:  # at least one narrower width, so that the size changes something
            below = [c for c in range(1, arr.C) if arr.slim_form == "default" or src.boolean(f"allowed width {c}")]
            arr.allowed = (below or [src.integer(1, arr.C - 1, "narrower width")]) + [arr.C]


def draw_head_scale(src: Source) -> float:
    """The scale of [WN-3], away from 0 and of either sign."""
    sign = -1.0 if src.boolean("head scale negative", 0.3) else 1.0
    return sign * round(src.real(0.1, 0.6, "head scale"), 4)


def draft(src: Source, arrays: list[Array], head: dict | None, condition: Draft | None, in_ch: int, S: int,
          head_scale: float, mismatch: bool) -> Draft:
    """The config JSON and the blob layout of [WN-W-1]."""
    version = VERSION_0_6 if condition is not None else VERSION_0_5
    layers_json = []
    tensors: list[Tensor] = []
    for a, arr in enumerate(arrays):
        raw, needs = _array_json(src, arr, a)
        version = max(version, needs)
        layers_json.append(raw)
        tensors += _array_tensors(arr, a)
    config = {"layers": layers_json}
    if head is not None:
        version = VERSION_0_7
        hs = arrays[-1].Hs
        widths = [(hs if i == 0 else head["channels"], head["out_channels"] if i == len(head["kernel_sizes"]) - 1
                   else head["channels"]) for i in range(len(head["kernel_sizes"]))]
        act = head["activation"]
        config["head"] = {"channels": head["channels"], "out_channels": head["out_channels"],
                          "kernel_sizes": head["kernel_sizes"],
                          "activation": act.to_json(src, hs, "post head activation")}
        if head["in_channels_key"]:
            config["head"]["in_channels"] = hs
        for i, ((c_in, c_out), k) in enumerate(zip(widths, head["kernel_sizes"])):
            tensors += [Tensor(f"post.{i}.w", (c_out, c_in, k), fan_in=c_in * k, oldest_tap=0),
                        Tensor(f"post.{i}.b", (c_out,), "bias")]
        out_ch = head["out_channels"]
    else:
        if src.boolean("head: null", 0.5):
            config["head"] = None
        out_ch = arrays[-1].Hs
    # The last weight is the head scale the model uses ([WN-3]); these alternatives all differ from it.
    config["head_scale"] = src.choice([0.02, round(head_scale * 2, 4), 1.0], "config.head_scale that differs") \
        if mismatch else head_scale
    if condition is not None:
        config["condition_dsp"] = condition
    elif src.boolean("condition_dsp: null", 0.1):
        config["condition_dsp"] = None
    if in_ch != 1 or src.boolean("explicit in_channels", 0.1):
        config["in_channels"] = in_ch
    tensors.append(Tensor("head_scale", (), "fixed", value=head_scale))

    # [WN-RF-2], [WN-RF-4].
    cond_rf = 1 if condition is None else condition.receptive_field
    own = sum(arr.receptive_field() for arr in arrays) + (sum(k - 1 for k in head["kernel_sizes"]) if head else 0)
    rf = None if cond_rf is None else cond_rf + own
    exact = condition is None and all(arr.head_kernel == 1 for arr in arrays[:-1])
    return Draft("WaveNet", config, tensors, in_ch, out_ch, rf, exact, version)


def _array_json(src: Source, arr: Array, a: int) -> tuple[dict, tuple[int, int, int]]:
    """The layer-array object and the version its keys need ([VER-5]). Keys are written in this order."""
    p = f"array {a}"
    raw: dict = {"input_size": arr.I, "condition_size": arr.S}
    needs = [VERSION_0_5, _head_keys(arr, raw)]
    raw["channels"] = arr.C
    if arr.bottleneck_key:
        raw["bottleneck"] = arr.B
        needs.append(VERSION_0_6)
    needs.append(_kernel_keys(arr, raw))
    raw["dilations"] = [l.dilation for l in arr.layers]
    needs.append(_activation_keys(src, arr, raw, p))
    needs.append(_gating_keys(src, arr, raw, p))
    needs.append(_group_keys(arr, raw))
    needs.append(_film_keys(arr, raw))
    needs.append(_slimmable_key(arr, raw))
    return raw, max(needs)


def _head_keys(arr: Array, raw: dict) -> tuple[int, int, int]:
    """The head rechannel: a `head` object (0.7.0) or the legacy head_size and head_bias ([WN-ARR-13])."""
    if arr.head_form != "object":
        raw["head_size"] = arr.Hs
        raw["head_bias"] = arr.head_bias
        return VERSION_0_5
    head = {"out_channels": arr.Hs, "kernel_size": arr.head_kernel, "bias": arr.head_bias}
    if arr.head_dilation_key:
        head["head_dilation"] = arr.head_dilation
    raw["head"] = head
    return VERSION_0_7


def _kernel_keys(arr: Array, raw: dict) -> tuple[int, int, int]:
    """One kernel_size, or kernel_sizes per layer (0.7.0)."""
    if arr.kernel_form == "kernel_size":
        raw["kernel_size"] = arr.layers[0].kernel
        return VERSION_0_5
    raw["kernel_sizes"] = [l.kernel for l in arr.layers]
    return VERSION_0_7


def _activation_keys(src: Source, arr: Array, raw: dict, p: str) -> tuple[int, int, int]:
    """The primary activation: one spec, or a list of one per layer ([WN-ARR-4]); lists and objects are 0.6.0."""
    specs = [l.activation.to_json(src, arr.B, f"{p} layer {i} activation") for i, l in enumerate(arr.layers)]
    if arr.activation_form == "list":
        raw["activation"] = specs
    else:
        raw["activation"] = specs[0]
    return VERSION_0_6 if arr.activation_form == "list" or isinstance(specs[0], dict) else VERSION_0_5


def _gating_keys(src: Source, arr: Array, raw: dict, p: str) -> tuple[int, int, int]:
    """`gated`, or gating_mode and secondary_activation (0.6.0) ([WN-ARR-5] to [WN-ARR-7])."""
    if arr.gating_form == "legacy":
        raw["gated"] = True
        if arr.legacy_decoy is None:
            return VERSION_0_5
        raw["secondary_activation"] = arr.legacy_decoy.to_json(src, arr.B, f"{p} ignored secondary")
        return VERSION_0_6
    if arr.gating_form == "gated_false":
        raw["gated"] = False
    if arr.gating_form not in ("single", "list"):
        return VERSION_0_5
    modes = [l.gating for l in arr.layers]
    raw["gating_mode"] = modes[0] if arr.gating_form == "single" else modes
    if arr.secondary_form == "single":
        raw["secondary_activation"] = _secondary_json(src, arr.layers[0].secondary, arr.B, f"{p} secondary")
    elif arr.secondary_form == "list":
        raw["secondary_activation"] = [
            _secondary_json(src, l.secondary, arr.B, f"{p} layer {i} secondary") if l.gating != "none"
            else src.choice([None, "", "Tanh"], f"{p} layer {i} unused secondary")
            for i, l in enumerate(arr.layers)]
    return VERSION_0_6


def _group_keys(arr: Array, raw: dict) -> tuple[int, int, int]:
    """layer1x1, head1x1, groups_input and groups_input_mixin, each written or left to its default (0.6.0)."""
    if arr.layer1x1_key:
        raw["layer1x1"] = {"active": arr.layer1x1, "groups": arr.g1}
    if arr.head1x1_key:
        raw["head1x1"] = {"active": arr.head1x1, "out_channels": arr.H1 if arr.head1x1 else 1, "groups": arr.gh}
    if arr.gi_key:
        raw["groups_input"] = arr.gi
    if arr.gm_key:
        raw["groups_input_mixin"] = arr.gm
    written = arr.layer1x1_key or arr.head1x1_key or arr.gi_key or arr.gm_key
    return VERSION_0_6 if written else VERSION_0_5


def _film_keys(arr: Array, raw: dict) -> tuple[int, int, int]:
    """One `<slot>_film` key per active FiLM and per inactive one written out ([WN-ARR-12]); objects are 0.6.0."""
    needs = VERSION_0_5
    for s in FILM_SLOTS:
        if s in arr.films:
            film = arr.films[s]
            obj = {}
            if film.write_active:
                obj["active"] = True
            if film.write_shift:
                obj["shift"] = film.shift
            if film.write_groups:
                obj["groups"] = film.groups
            raw[f"{s}_film"] = obj
            needs = VERSION_0_6
        elif s in arr.inactive_films:
            raw[f"{s}_film"] = arr.inactive_films[s]
            if arr.inactive_films[s] is not False:
                needs = VERSION_0_6
    return needs


def _slimmable_key(arr: Array, raw: dict) -> tuple[int, int, int]:
    """The slimmable object of a slimmable array (0.7.0), or null, or nothing."""
    if arr.slimmable:
        slim = {"method": "slice_channels_uniform"}
        if arr.slim_form == "explicit":
            slim["kwargs"] = {"allowed_channels": arr.allowed}
        raw["slimmable"] = slim
        return VERSION_0_7
    if arr.slim_form == "null":
        raw["slimmable"] = None
    return VERSION_0_5


def _secondary_json(src: Source, choice: ActivationChoice | None, width: int, label: str):
    if choice is not None:
        return choice.to_json(src, width, label)
    return None if src.boolean(f"{label} null", 0.5) else "Sigmoid"


def _array_tensors(arr: Array, a: int) -> list[Tensor]:
    """[WN-W-1] for one array."""
    C, B, S, H1 = arr.C, arr.B, arr.S, arr.H1
    out = [Tensor(f"{a}.rechannel", (C, arr.I, 1), fan_in=arr.I)]
    for l, layer in enumerate(arr.layers):
        p, Z = f"{a}.{l}.", layer.gate_factor * B
        # The dilated convolution and the input mixin are summed: each gets half the variance.
        out += [Tensor(p + "conv.w", (Z, C // arr.gi, layer.kernel), fan_in=(C // arr.gi) * layer.kernel,
                       gain=0.8, oldest_tap=0),
                Tensor(p + "conv.b", (Z,), "bias"),
                Tensor(p + "mixin.w", (Z, S // arr.gm, 1), fan_in=S // arr.gm, gain=0.6)]
        if arr.layer1x1:
            out += [Tensor(p + "layer1x1.w", (C, B // arr.g1, 1), fan_in=B // arr.g1, gain=0.7),
                    Tensor(p + "layer1x1.b", (C,), "bias")]
        if arr.head1x1:
            out += [Tensor(p + "head1x1.w", (H1, B // arr.gh, 1), fan_in=B // arr.gh),
                    Tensor(p + "head1x1.b", (H1,), "bias")]
        for s in FILM_SLOTS:
            if s in arr.films:
                film = arr.films[s]
                rows = film.multiplier * arr.film_width(s, layer)
                out += [Tensor(p + f"film.{s}.w", (rows, S // film.groups, 1), fan_in=S // film.groups, gain=0.2),
                        Tensor(p + f"film.{s}.b", (rows,), "film_bias", rows=arr.film_width(s, layer))]
    dh = arr.head_path_width
    out.append(Tensor(f"{a}.head.w", (arr.Hs, dh, arr.head_kernel), fan_in=dh * arr.head_kernel,
                      gain=1.0 / math.sqrt(len(arr.layers)), oldest_tap=0))
    if arr.head_bias:
        out.append(Tensor(f"{a}.head.b", (arr.Hs,), "bias"))
    return out
