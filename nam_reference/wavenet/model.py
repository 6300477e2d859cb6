"""The WaveNet model: top-level config, chaining rules, weight layout and receptive field
(spec sections 12.1, 12.5 to 12.9 and 13)."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..envelope import ModelSpec
from ..readings import EXACT, Reading
from .config import ArrayConfig, PostHeadConfig, parse_array, parse_post_head, slim_index, slim_restrictions


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
                    h1, g = arr.head1x1
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

    def check_weights(self, weights: np.ndarray, ctx) -> bool:
        """[WN-3]: warn when config.head_scale differs from the head scale the model uses."""
        used, stated = float(weights[-1]), float(np.float32(self.head_scale_in_config))
        if used != stated:
            ctx.warn(("head_scale",), "WN-3", f"config.head_scale is {self.head_scale_in_config:g} but the model "
                     f"uses the last weight, {used:.9g}")
        return True

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

    def build(self, weights: np.ndarray, dtype, reading: Reading = EXACT):
        from .network import WaveNetNetwork

        return WaveNetNetwork(self, weights, dtype, reading)

    def build_widths(self, weights: np.ndarray, dtype, widths: tuple[int, ...], reading: Reading = EXACT):
        """The slim model with residual widths `widths` ([WN-SLIM-8])."""
        from .network import WaveNetNetwork
        from .slimming import slice_weights

        slim = self.sliced(widths)
        return WaveNetNetwork(slim, slice_weights(self, slim, weights), dtype, reading)

def parse_config(config: dict, ctx) -> WaveNetConfig | None:
    if not ctx.at_most_one_weight_each(sum(len(raw["dilations"]) for raw in config["layers"]), "layers"):
        return None
    arrays = [parse_array(raw, a, ctx) for a, raw in enumerate(config["layers"])]
    post_head = parse_post_head(config["head"], ctx) if config.get("head") is not None else None
    condition = None
    if config.get("condition_dsp") is not None:
        ctx.feature("condition_dsp", ("condition_dsp",))
        condition = ctx.nested(config["condition_dsp"], ("condition_dsp",))
        if condition is None:
            return None
    if any(a is None for a in arrays) or (config.get("head") is not None and post_head is None):
        return None
    in_channels = int(config.get("in_channels", 1))
    cfg = WaveNetConfig(tuple(arrays), post_head, condition, in_channels, float(config["head_scale"]))
    return cfg if _check_model(cfg, config, ctx) else None


def _check_model(cfg: WaveNetConfig, raw: dict, ctx) -> bool:
    """Rules between arrays and with the condition_dsp and post-stack head."""
    ok = True

    def fail(rel, clause, message):
        nonlocal ok
        ctx.error(rel, clause, message)
        ok = False

    if cfg.condition is not None:
        cond = cfg.condition
        if cond.architecture == "SlimmableContainer" or getattr(cond.config, "slimmable", False):
            fail(("condition_dsp", "architecture"), "WN-COND-1", "a condition_dsp must not be slimmable")
        if cond.in_channels != cfg.in_channels:
            fail(("condition_dsp",), "WN-COND-3",
                 f"the condition_dsp takes {cond.in_channels} input channels; the model has {cfg.in_channels}")
    width = cfg.condition.out_channels if cfg.condition else cfg.in_channels
    source = "the condition_dsp's output channels" if cfg.condition else "in_channels"
    for a, arr in enumerate(cfg.arrays):
        expected_input = cfg.in_channels if a == 0 else cfg.arrays[a - 1].channels
        if arr.input_size != expected_input:
            what = "in_channels" if a == 0 else f"layers[{a - 1}].channels"
            fail(("layers", a, "input_size"), "WN-ARR-18", f"input_size ({arr.input_size}) must equal {what} ({expected_input})")
        if a > 0 and cfg.arrays[a - 1].head_size != arr.head_path_width:
            fail(("layers", a - 1, "head" if "head" in raw["layers"][a - 1] else "head_size"), "WN-ARR-19",
                 f"layers[{a - 1}] head size ({cfg.arrays[a - 1].head_size}) must equal layers[{a}]'s head-path "
                 f"width ({arr.head_path_width}: {'head1x1.out_channels' if arr.head1x1 else 'the bottleneck'})")
        if arr.condition_size != width:
            fail(("layers", a, "condition_size"), "WN-ARR-20",
                 f"condition_size ({arr.condition_size}) must equal {source} ({width})")
    if cfg.post_head is not None:
        head, hs = cfg.post_head, cfg.arrays[-1].head_size
        given = raw["head"].get("in_channels")
        if given is not None and int(given) != hs:
            fail(("head", "in_channels"), "WN-HEAD-1", f"in_channels ({given}) must equal the last head size ({hs})")
        if head.activation.width is not None:
            bad = {c_in for c_in, _ in head.widths(hs)} - {head.activation.width}
            if bad:
                fail(("head", "activation"), "WN-HEAD-3",
                     f"PReLU has {head.activation.width} slopes but is applied to widths {sorted(bad | {head.activation.width})}")
    if cfg.slimmable:
        for a, arr in enumerate(cfg.arrays):
            for key, what in slim_restrictions(arr):
                fail(("layers", a, key), "WN-SLIM-4", f"a slimmable WaveNet must not have {what}")
        if cfg.post_head is not None:
            fail(("head",), "WN-SLIM-4", "a slimmable WaveNet must not have a post-stack head")
    return ok

