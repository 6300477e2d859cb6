"""The WaveNet model: reading the top-level config, the rules between its layer arrays and with the
condition_dsp and post-stack head (spec sections 12.1, 12.2, 12.8 and 13), and building the network."""

from __future__ import annotations

import numpy as np

from .. import activations
from ..readings import EXACT, Reading
from .arrays import Place, parse_array, slim_restrictions
from .config import MODEL_DEFAULTS, PostHeadConfig, WaveNetConfig
from .network import WaveNetNetwork
from .slimming import slice_weights


class WaveNet(WaveNetConfig):
    """A valid WaveNet's config, which builds the network that runs it."""

    def check_weights(self, weights: np.ndarray, ctx) -> bool:
        """[WN-3]: warn when config.head_scale differs from the head scale the model uses."""
        used, stated = float(weights[-1]), float(np.float32(self.head_scale_in_config))
        if used != stated:
            ctx.warn(("head_scale",), "WN-3", f"config.head_scale is {self.head_scale_in_config:g} but the model "
                     f"uses the last weight, {used:.9g}")
        return True

    def build(self, weights: np.ndarray, dtype, reading: Reading = EXACT) -> WaveNetNetwork:
        return WaveNetNetwork(self, weights, dtype, reading)

    def build_widths(self, weights: np.ndarray, dtype, widths: tuple[int, ...], reading: Reading = EXACT
                     ) -> WaveNetNetwork:
        """The slim model with residual widths `widths` ([WN-SLIM-8])."""
        slim = self.sliced(widths)
        return WaveNetNetwork(slim, slice_weights(self, slim, weights), dtype, reading)


def parse_config(config: dict, ctx) -> WaveNet | None:
    """Resolve a schema-valid WaveNet config ([WN-1]): its arrays, post-stack head and condition_dsp, then
    the rules between them; None when it breaks a rule (the errors are reported)."""
    if not ctx.at_most_one_weight_each(sum(len(raw["dilations"]) for raw in config["layers"]), "layers"):
        return None
    arrays = [parse_array(raw, a, ctx) for a, raw in enumerate(config["layers"])]
    place = Place(ctx)
    post_head = parse_post_head(config["head"], place) if config.get("head") is not None else None
    condition = None
    if config.get("condition_dsp") is not None:
        place.feature("condition_dsp", "condition_dsp")
        condition = ctx.nested(config["condition_dsp"], ("condition_dsp",))
        if condition is None:
            return None
    if not place.ok or any(a is None for a in arrays):
        return None
    in_channels = int(config.get("in_channels", MODEL_DEFAULTS["in_channels"]))
    cfg = WaveNet(tuple(arrays), post_head, condition, in_channels, float(config["head_scale"]))
    check_condition(cfg, place)
    check_chaining(cfg, config, place)
    if cfg.post_head is not None:
        check_post_head(cfg, config["head"], place)
    if cfg.slimmable:
        check_slimmable(cfg, place)
    return cfg if place.ok else None


def parse_post_head(raw: dict, place: Place) -> PostHeadConfig:
    """[WN-HEAD-1], [WN-HEAD-2]; its activation's parameters ([ACT-3])."""
    place.feature("the post-stack head", "head")
    act = activations.parse(raw["activation"])
    for clause, message in activations.problems(act):
        place.fail(("head", "activation"), clause, message)
    return PostHeadConfig(int(raw["channels"]), int(raw["out_channels"]), tuple(int(k) for k in raw["kernel_sizes"]), act)


def check_condition(cfg: WaveNet, place: Place) -> None:
    """[WN-COND-1], [WN-COND-3]"""
    cond = cfg.condition
    if cond is None:
        return
    if cond.architecture == "SlimmableContainer" or getattr(cond.config, "slimmable", False):
        place.fail(("condition_dsp", "architecture"), "WN-COND-1", "a condition_dsp must not be slimmable")
    if cond.in_channels != cfg.in_channels:
        place.fail("condition_dsp", "WN-COND-3",
                   f"the condition_dsp takes {cond.in_channels} input channels; the model has {cfg.in_channels}")


def check_chaining(cfg: WaveNet, raw: dict, place: Place) -> None:
    """[WN-ARR-18] to [WN-ARR-20], array by array."""
    width = cfg.condition.out_channels if cfg.condition else cfg.in_channels
    source = "the condition_dsp's output channels" if cfg.condition else "in_channels"
    for a, arr in enumerate(cfg.arrays):
        expected_input = cfg.in_channels if a == 0 else cfg.arrays[a - 1].channels
        if arr.input_size != expected_input:
            what = "in_channels" if a == 0 else f"layers[{a - 1}].channels"
            place.fail(("layers", a, "input_size"), "WN-ARR-18",
                       f"input_size ({arr.input_size}) must equal {what} ({expected_input})")
        if a > 0 and cfg.arrays[a - 1].head_size != arr.head_path_width:
            place.fail(("layers", a - 1, "head" if "head" in raw["layers"][a - 1] else "head_size"), "WN-ARR-19",
                       f"layers[{a - 1}] head size ({cfg.arrays[a - 1].head_size}) must equal layers[{a}]'s head-path "
                       f"width ({arr.head_path_width}: {'head1x1.out_channels' if arr.head1x1 else 'the bottleneck'})")
        if arr.condition_size != width:
            place.fail(("layers", a, "condition_size"), "WN-ARR-20",
                       f"condition_size ({arr.condition_size}) must equal {source} ({width})")


def check_post_head(cfg: WaveNet, raw: dict, place: Place) -> None:
    """[WN-HEAD-1] and [WN-HEAD-3]: the post-stack head against the last array's head size."""
    head, hs = cfg.post_head, cfg.arrays[-1].head_size
    given = raw.get("in_channels")
    if given is not None and int(given) != hs:
        place.fail(("head", "in_channels"), "WN-HEAD-1", f"in_channels ({given}) must equal the last head size ({hs})")
    if head.activation.width is not None:
        bad = {c_in for c_in, _ in head.widths(hs)} - {head.activation.width}
        if bad:
            place.fail(("head", "activation"), "WN-HEAD-3",
                       f"PReLU has {head.activation.width} slopes but is applied to widths {sorted(bad | {head.activation.width})}")


def check_slimmable(cfg: WaveNet, place: Place) -> None:
    """[WN-SLIM-4]: what a slimmable WaveNet must not have, in any array."""
    for a, arr in enumerate(cfg.arrays):
        for key, what in slim_restrictions(arr):
            place.fail(("layers", a, key), "WN-SLIM-4", f"a slimmable WaveNet must not have {what}")
    if cfg.post_head is not None:
        place.fail("head", "WN-SLIM-4", "a slimmable WaveNet must not have a post-stack head")
