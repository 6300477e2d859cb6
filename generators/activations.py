"""Activation specs ([ACT-1] to [ACT-4]) in every form a file may write them."""

from __future__ import annotations

import dataclasses

from .source import Source

# Simplest first: Hypothesis shrinks a choice toward the front.
NAMES = ("Tanh", "ReLU", "Sigmoid", "Hardtanh", "LeakyReLU", "PReLU", "SiLU", "Hardswish", "Softsign",
         "LeakyHardtanh", "Fasttanh")
TAG_NAMES = {
    "act.tanh": "Tanh", "act.fasttanh": "Fasttanh", "act.hardtanh": "Hardtanh", "act.hardtanh_bounds": "Hardtanh",
    "act.relu": "ReLU", "act.leaky_relu": "LeakyReLU", "act.prelu": "PReLU", "act.prelu_per_channel": "PReLU",
    "act.sigmoid": "Sigmoid", "act.silu": "SiLU", "act.hardswish": "Hardswish",
    "act.leaky_hardtanh": "LeakyHardtanh", "act.softsign": "Softsign",
}


@dataclasses.dataclass(frozen=True)
class ActivationChoice:
    """A drawn activation; per-channel PReLU slopes are drawn once the activated width is known."""

    name: str
    params: tuple = ()  # (key, value) pairs written in the object form
    as_object: bool = False
    per_channel: bool = False
    alias: bool = False  # write LeakyHardtanh as its alias LeakyHardTanh

    def to_json(self, src: Source, width: int | None, label: str):
        """The spec as written in the file; `width` is the activated width (for per-channel slopes)."""
        name = "LeakyHardTanh" if self.alias else self.name
        if self.per_channel:
            slopes = [round(src.real(0.0, 0.5, f"{label} slope {i}"), 4) for i in range(width)]
            return {"type": name, "negative_slopes": slopes}
        if not self.as_object:
            return name
        return {"type": name, **dict(self.params)}


def for_tag(tag: str, src: Source, label: str, per_channel_ok: bool = True) -> ActivationChoice:
    """An activation that gives `tag` (an act.* tag)."""
    if tag == "act.prelu_per_channel":
        if not per_channel_ok:
            raise ValueError("a per-channel PReLU is not allowed here")
        return ActivationChoice("PReLU", per_channel=True)
    if tag == "act.hardtanh_bounds":
        lo = round(src.real(-1.5, -0.2, f"{label} min_val"), 3)
        hi = round(src.real(0.2, 1.5, f"{label} max_val"), 3)
        if (lo, hi) == (-1.0, 1.0):
            hi = 0.5
        return ActivationChoice("Hardtanh", (("min_val", lo), ("max_val", hi)), as_object=True)
    return draw(src, label, name=TAG_NAMES[tag], per_channel_ok=False)


def draw(src: Source, label: str, name: str | None = None, per_channel_ok: bool = False,
         names=NAMES) -> ActivationChoice:
    """Any activation (or the one named), as a string or an object, with drawn or default parameters."""
    name = name or src.choice(names, f"{label} name")
    if name == "PReLU" and per_channel_ok and src.boolean(f"{label} per-channel slopes", 0.3):
        return ActivationChoice("PReLU", per_channel=True)
    params = []
    if name in ("Hardtanh", "LeakyReLU", "PReLU", "LeakyHardtanh") and src.boolean(f"{label} parameters", 0.5):
        if name == "Hardtanh":
            params = [("min_val", round(src.real(-1.5, -0.2, f"{label} min_val"), 3)),
                      ("max_val", round(src.real(0.2, 1.5, f"{label} max_val"), 3))]
        elif name in ("LeakyReLU", "PReLU"):
            params = [("negative_slope", round(src.real(0.0, 0.3, f"{label} negative_slope"), 4))]
        else:
            lo = round(src.real(-1.5, 0.0, f"{label} min_val"), 3)
            params = [("min_val", lo), ("max_val", round(src.real(lo + 0.1, 1.5, f"{label} max_val"), 3)),
                      ("min_slope", round(src.real(0.0, 0.2, f"{label} min_slope"), 4)),
                      ("max_slope", round(src.real(0.0, 0.2, f"{label} max_slope"), 4))]
    as_object = bool(params) or src.boolean(f"{label} object form", 0.3)
    alias = name == "LeakyHardtanh" and src.boolean(f"{label} alias", 0.3)
    return ActivationChoice(name, tuple(params), as_object, alias=alias)
