"""The parsed WaveNet config (spec sections 12.1 to 12.9 and 13): layers, layer arrays, the post-stack
head and the whole model, with the weight layout and receptive field they imply; and the tables of the
keys' names and defaults. Reading them from JSON is in arrays.py (a layer array) and model.py."""

from __future__ import annotations

import dataclasses
import math

from ..activations import Activation
from ..envelope import ModelSpec

# FiLM slots in weight order ([WN-W-1]); each is configured by the key f"{slot}_film" ([WN-ARR-12]).
FILM_SLOTS = ("conv_pre", "conv_post", "input_mixin_pre", "input_mixin_post",
              "activation_pre", "activation_post", "layer1x1_post", "head1x1_post")
FILM_KEYS = tuple(f"{slot}_film" for slot in FILM_SLOTS)
OBSOLETE_KEYS = ("groups", "groups_1x1", "head_1x1", "1x1")  # pre-release names ([WN-ARR-23])
# What an absent optional key of the model's config means ([JSON-8], [WN-1]).
MODEL_DEFAULTS = {"head": None, "condition_dsp": None, "in_channels": 1}


def array_defaults(array: dict) -> dict:
    """What each absent optional key of a layer array means, written as the key's value ([WN-ARR-8] to
    [WN-ARR-12], [WN-ARR-14]). `gating_mode` is not here: without it the legacy `gated` decides ([WN-ARR-6])."""
    return {"bottleneck": array["channels"], "layer1x1": {"active": True, "groups": 1},
            "head1x1": {"active": False, "out_channels": 1, "groups": 1}, "groups_input": 1,
            "groups_input_mixin": 1, "slimmable": None, **{key: False for key in FILM_KEYS}}


@dataclasses.dataclass(frozen=True)
class Film:
    shift: bool
    groups: int

    @property
    def multiplier(self) -> int:
        return 2 if self.shift else 1  # m of [WN-FILM-1]


@dataclasses.dataclass(frozen=True)
class Head1x1:
    """An active head1x1 ([WN-ARR-10], [WN-LAYER-8])."""

    out_channels: int  # H1
    groups: int


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
    head1x1: Head1x1 | None  # None when inactive
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
        return self.head1x1.out_channels if self.head1x1 else self.bottleneck  # Dh

    def film(self, slot: str) -> Film | None:
        return dict(self.films).get(slot)

    def film_width(self, slot: str, layer: LayerConfig) -> int:
        """D_f of [WN-FILM-2]."""
        return {
            "conv_pre": self.channels, "conv_post": self.z_width(layer), "input_mixin_pre": self.condition_size,
            "input_mixin_post": self.z_width(layer), "activation_pre": self.z_width(layer),
            "activation_post": self.bottleneck, "layer1x1_post": self.channels,
            "head1x1_post": self.head1x1.out_channels if self.head1x1 else 0,
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


@dataclasses.dataclass(frozen=True)
class Tensor:
    """One tensor of the blob: a convolution weight [out][in/g][k], a bias [out], or the head scale."""

    name: str
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n


@dataclasses.dataclass(frozen=True)
class WaveNetConfig:
    arrays: tuple[ArrayConfig, ...]
    post_head: PostHeadConfig | None
    condition: ModelSpec | None  # the parsed condition_dsp
    in_channels: int
    head_scale_in_config: float

    @property
    def out_channels(self) -> int:
        return self.post_head.out_channels if self.post_head else self.arrays[-1].head_size  # [WN-2]

    @property
    def slimmable(self) -> bool:
        return any(a.allowed_channels is not None for a in self.arrays)

    def layout(self) -> list[Tensor]:
        """Every tensor of the blob, in order ([WN-W-1]). The count, the build and slimming all use it."""
        out = []
        for a, arr in enumerate(self.arrays):
            C, B, S = arr.channels, arr.bottleneck, arr.condition_size
            out.append(Tensor(f"{a}.rechannel.w", (C, arr.input_size, 1)))
            for l, layer in enumerate(arr.layers):
                p, Z = f"{a}.{l}.", arr.z_width(layer)
                out += [Tensor(p + "conv.w", (Z, C // arr.groups_input, layer.kernel)), Tensor(p + "conv.b", (Z,)),
                        Tensor(p + "mixin.w", (Z, S // arr.groups_input_mixin, 1))]
                if arr.layer1x1_groups is not None:
                    out += [Tensor(p + "layer1x1.w", (C, B // arr.layer1x1_groups, 1)), Tensor(p + "layer1x1.b", (C,))]
                if arr.head1x1 is not None:
                    h1, g = arr.head1x1.out_channels, arr.head1x1.groups
                    out += [Tensor(p + "head1x1.w", (h1, B // g, 1)), Tensor(p + "head1x1.b", (h1,))]
                for slot, film in arr.films:
                    rows = film.multiplier * arr.film_width(slot, layer)
                    out += [Tensor(p + f"film.{slot}.w", (rows, S // film.groups, 1)), Tensor(p + f"film.{slot}.b", (rows,))]
            out.append(Tensor(f"{a}.head.w", (arr.head_size, arr.head_path_width, arr.head_kernel)))
            if arr.head_bias:
                out.append(Tensor(f"{a}.head.b", (arr.head_size,)))
        if self.post_head:
            for i, (c_in, c_out) in enumerate(self.post_head.widths(self.arrays[-1].head_size)):
                out += [Tensor(f"post.{i}.w", (c_out, c_in, self.post_head.kernel_sizes[i])), Tensor(f"post.{i}.b", (c_out,))]
        out.append(Tensor("head_scale", ()))
        return out

    def weight_count(self) -> int:
        return sum(t.size for t in self.layout())  # [WN-W-2]

    def _own_receptive_field(self) -> int:
        post = sum(k - 1 for k in self.post_head.kernel_sizes) if self.post_head else 0
        return sum(arr.receptive_field() for arr in self.arrays) + post

    def receptive_field(self) -> int | None:
        """[WN-RF-2]; None when the condition_dsp has an unbounded receptive field ([WN-RF-3])."""
        if self.condition is None:
            return 1 + self._own_receptive_field()
        cond = self.condition.config.receptive_field()
        return None if cond is None else cond + self._own_receptive_field()

    def receptive_field_is_exact(self, weights) -> bool:
        """[WN-RF-4]: one chain passes through every convolution."""
        return self.condition is None and all(arr.head_kernel == 1 for arr in self.arrays[:-1])

    def conv_receptive_field(self) -> int:
        cond = self.condition.config.conv_receptive_field() if self.condition else 1
        return cond + self._own_receptive_field()  # [STATE-3]

    # Slimmable WaveNet ([WN-SLIM-5] to [WN-SLIM-9]).

    def breakpoints(self) -> list[float]:
        points = {i / len(arr.allowed_channels) for arr in self.arrays if arr.allowed_channels
                  for i in range(1, len(arr.allowed_channels))}
        return sorted(points)

    def widths_for_size(self, size: float) -> tuple[int, ...]:
        """C'_a for every array at size v."""
        return tuple(arr.allowed_channels[slim_index(size, len(arr.allowed_channels))] if arr.allowed_channels
                     else arr.channels for arr in self.arrays)

    def sliced(self, widths: tuple[int, ...]) -> "WaveNetConfig":
        """The config of the slim model with residual widths C'_a ([WN-SLIM-6])."""
        slim = []
        for a, (arr, c) in enumerate(zip(self.arrays, widths)):
            b = c if arr.allowed_channels else arr.bottleneck
            slim.append(dataclasses.replace(arr, channels=c, bottleneck=b, allowed_channels=None))
        for a in range(len(slim)):
            input_size = self.in_channels if a == 0 else slim[a - 1].channels
            head_size = slim[a + 1].head_path_width if a + 1 < len(slim) else slim[a].head_size
            slim[a] = dataclasses.replace(slim[a], input_size=input_size, head_size=head_size)
        return dataclasses.replace(self, arrays=tuple(slim))


def slim_index(size: float, count: int) -> int:
    """[WN-SLIM-5]: min(max(⌊v·n⌋, 0), n − 1), in double precision."""
    return min(max(math.floor(size * count), 0), count - 1)
