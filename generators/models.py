"""Model drafts: a config and the list of tensors its blob holds, before any weight is drawn.

The tensor lists follow the spec's weight orders ([LIN-4], [CNN-3], [LSTM-3], [WN-W-1]) and are written
here from the spec, independently of the reference's own layout, so that the validator's weight-count
check ([W-3]) is a real test of both.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from . import activations
from .plan import Plan
from .source import Source
from .weights import Tensor

SIZES = ("small", "realistic")
# Weight gain per activation: about 1 / its slope at 0, so a stack of blocks neither fades nor blows up.
ACTIVATION_GAIN = {"Sigmoid": 4.0, "SiLU": 2.0, "Hardswish": 2.0, "ReLU": 1.4, "LeakyReLU": 1.4, "PReLU": 1.4}


@dataclasses.dataclass
class Draft:
    """One model object before its weights are drawn. Nested models appear in `config` as Drafts."""

    architecture: str
    config: dict
    tensors: list[Tensor]
    in_channels: int
    out_channels: int
    receptive_field: int | None  # sections 9 to 14; None when an LSTM makes it unbounded ([LSTM-7])
    rf_exact: bool  # whether the formula is the longest chain from input to output ([WN-RF-4])
    min_version: tuple[int, int, int] = (0, 5, 0)  # the newest feature's version ([VER-5])
    envelope: dict = dataclasses.field(default_factory=dict)  # version and sample_rate, in writing order

    def children(self) -> list["Draft"]:
        out = []
        if isinstance(self.config.get("condition_dsp"), Draft):
            out.append(self.config["condition_dsp"])
        out += [entry["model"] for entry in self.config.get("submodels", [])]
        if self.architecture == "Sequential":
            out += list(self.config["models"])
        return out

    def walk(self):
        yield self
        for child in self.children():
            yield from child.walk()


@dataclasses.dataclass(frozen=True)
class Slot:
    """Where a model goes. `in_channels` None lets a root model choose; `out_channels` None is free."""

    role: str  # "root", "submodel" or "condition"
    in_channels: int | None = None
    out_channels: int | None = None
    size: str = "small"
    multichannel: str = "allow"  # root only: "require", "allow" or "forbid"
    exact_rf: bool = False  # draw only models whose receptive field is the longest chain ([WN-RF-4])


# `builders.build`, as handed to the builders of models that hold other models.
Build = Callable[[Source, Plan, Slot], Draft]


def root_widths(src: Source, slot: Slot, min_in: int = 1, same: bool = False) -> tuple[int, int | None]:
    """(in_channels, out_channels or None) for a model: a root draws them, a nested model is told.
    `same`: the architecture has as many outputs as inputs (Linear)."""
    if slot.role != "root":
        return slot.in_channels, slot.out_channels
    multi = slot.multichannel == "require" or (slot.multichannel == "allow" and src.boolean("multichannel", 0.1))
    if not multi and min_in == 1:
        return 1, 1
    if same:
        width = src.integer(2, 3, "channels")
        return width, width
    in_ch = src.integer(min_in, 3, "in_channels")
    out_ch = src.integer(1 if in_ch > 1 else 2, 3, "out_channels") if multi else 1
    return in_ch, out_ch


def channel_keys(src: Source, config: dict, in_ch: int, out_ch: int, label: str, out_key: bool = True) -> None:
    """Write in_channels / out_channels when they differ from the default 1, and sometimes when they don't."""
    explicit = src.boolean(f"{label} explicit channel keys", 0.15)
    if in_ch != 1 or explicit:
        config["in_channels"] = in_ch
    if out_key and (out_ch != 1 or explicit):
        config["out_channels"] = out_ch


def linear(src: Source, plan: Plan, slot: Slot) -> Draft:
    """[LIN-1] to [LIN-6]."""
    in_ch, _ = root_widths(src, slot, same=True)
    taps = src.integer(1, 24, "Linear receptive_field") if slot.size == "small" else src.integer(32, 512, "Linear taps")
    bias = "linear.bias" in plan.want or src.boolean("Linear bias")
    config = {"receptive_field": taps, "bias": bias}
    channel_keys(src, config, in_ch, in_ch, "Linear")
    if src.boolean("Linear implementation hint", 0.2):
        config["implementation"] = src.choice(["auto", "direct", "fft"], "Linear implementation")
    tensors = [Tensor("taps", (taps,), fan_in=taps, oldest_tap=-1)]  # taps[0] is the current sample ([LIN-5])
    if bias:
        tensors.append(Tensor("bias", (1,), "bias"))
    return Draft("Linear", config, tensors, in_ch, in_ch, taps, True)


def convnet(src: Source, plan: Plan, slot: Slot) -> Draft:
    """[CNN-1] to [CNN-6]."""
    grouped = "convnet.groups" in plan.want
    in_ch, out_ch = root_widths(src, slot, min_in=2 if grouped else 1)
    if out_ch is None:
        out_ch = src.integer(1, 3, "ConvNet out_channels")
    if grouped:
        groups = src.choice([g for g in (2, 3) if in_ch % g == 0], "ConvNet groups")
    else:
        groups = src.choice([g for g in (1, 2, 3) if in_ch % g == 0], "ConvNet groups") if in_ch > 1 else 1
    max_blocks, top = (4, 6) if slot.size == "small" else (8, 16)
    channels = groups * src.integer(1, max(1, top // groups), "ConvNet channels / groups")
    dilations = [src.choice([1, 2, 4, 8, 16], f"ConvNet dilation {j}") for j in range(src.integer(1, max_blocks, "blocks"))]
    batchnorm = "convnet.batchnorm" in plan.want or src.boolean("ConvNet batchnorm", 0.3)
    act_tags = sorted(plan.want & set(activations.TAG_NAMES))
    if act_tags:
        tag = "act.prelu_per_channel" if "act.prelu_per_channel" in act_tags else act_tags[-1]
        act = activations.for_tag(tag, src, "ConvNet activation")
    else:
        act = activations.draw(src, "ConvNet activation", per_channel_ok=True)
    config = {"channels": channels, "dilations": dilations, "batchnorm": batchnorm,
              "activation": act.to_json(src, channels, "ConvNet activation")}
    if groups > 1 or src.boolean("ConvNet explicit groups", 0.15):
        config["groups"] = groups
    channel_keys(src, config, in_ch, out_ch, "ConvNet")
    tensors = []
    gain = ACTIVATION_GAIN.get(act.name, 1.0)
    for j, d in enumerate(dilations):
        cin = in_ch if j == 0 else channels
        tensors.append(Tensor(f"block{j}.w", (channels, cin // groups, 2), fan_in=2 * cin // groups, gain=gain,
                              oldest_tap=0))
        if batchnorm:
            tensors += [Tensor(f"block{j}.mean", (channels,), "bias"), Tensor(f"block{j}.var", (channels,), "positive"),
                        Tensor(f"block{j}.gamma", (channels,), "near_one"), Tensor(f"block{j}.beta", (channels,), "bias"),
                        Tensor(f"block{j}.eps", (1,), "fixed", value=1e-5)]
        else:
            tensors.append(Tensor(f"block{j}.b", (channels,), "bias"))
    tensors += [Tensor("head.w", (out_ch, channels), fan_in=channels), Tensor("head.b", (out_ch,), "bias")]
    version = (0, 6, 0) if isinstance(config["activation"], dict) else (0, 5, 0)
    return Draft("ConvNet", config, tensors, in_ch, out_ch, 1 + sum(dilations), True, version)


def lstm(src: Source, plan: Plan, slot: Slot) -> Draft:
    """[LSTM-1] to [LSTM-7]. The stored state is burnt in later ([STATE-5])."""
    in_ch, out_ch = root_widths(src, slot)
    if out_ch is None:
        out_ch = src.integer(1, 3, "LSTM out_channels")
    hidden = src.integer(1, 4, "LSTM hidden_size") if slot.size == "small" else src.integer(8, 24, "LSTM hidden_size")
    layers = src.integer(2, 3, "LSTM num_layers") if "lstm.multilayer" in plan.want else (
        1 + src.boolean("LSTM two layers", 0.2))
    config = {"input_size": in_ch, "hidden_size": hidden, "num_layers": layers}
    channel_keys(src, config, in_ch, out_ch, "LSTM")
    tensors = []
    for l in range(layers):
        width = (in_ch if l == 0 else hidden) + hidden
        # About twice PyTorch's U(±1/sqrt(H)): random small LSTMs are otherwise nearly deaf.
        tensors += [Tensor(f"layer{l}.w", (4 * hidden, width), fan_in=hidden),
                    Tensor(f"layer{l}.b", (4 * hidden,), fan_in=3 * hidden),
                    Tensor(f"layer{l}.h0", (hidden,), "state"), Tensor(f"layer{l}.c0", (hidden,), "state")]
    tensors += [Tensor("head.w", (out_ch, hidden), fan_in=hidden, gain=1.5), Tensor("head.b", (out_ch,), "bias")]
    return Draft("LSTM", config, tensors, in_ch, out_ch, None, False)
