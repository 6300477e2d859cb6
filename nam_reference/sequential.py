"""Sequential: complete nested models run one after another (spec section 14A)."""

from __future__ import annotations

import dataclasses

import numpy as np

from .container import ContainerConfig
from .envelope import ModelSpec
from .readings import EXACT, Reading


@dataclasses.dataclass(frozen=True)
class SequentialConfig:
    children: tuple[ModelSpec, ...]  # in processing order

    @property
    def in_channels(self) -> int:
        return self.children[0].in_channels  # [SEQ-4]

    @property
    def out_channels(self) -> int:
        return self.children[-1].out_channels

    @property
    def slimmable(self) -> bool:
        """[SEQ-6]: a chain is slimmable when one of its children is."""
        return any(is_slimmable(c) for c in self.children)

    def weight_count(self) -> int:
        return 0  # [SEQ-2]

    def build(self, weights, dtype, reading: Reading = EXACT) -> "SequentialNetwork":
        """The chain of a Sequential that is not slimmable (a container submodel or a condition_dsp)."""
        return SequentialNetwork([c.config.build(c.weights, dtype, reading) for c in self.children])

    def breakpoints(self) -> list[float]:
        """[SEQ-6]: every size at which some child's selection changes."""
        return sorted({p for c in self.children if is_slimmable(c) for p in c.config.breakpoints()})

    def receptive_field(self, size: float | None = None) -> int | None:
        """[SEQ-7]: 1 + Σ (RF_i − 1); None when a child's is unbounded."""
        parts = [receptive_field_at(c, size) for c in self.children]
        return None if None in parts else 1 + sum(p - 1 for p in parts)

    def conv_receptive_field(self, size: float | None = None) -> int:
        """RF* ([STATE-3]); without a size, the bound over every size (for [LIM-3])."""
        return 1 + sum(conv_receptive_field_at(c, size) - 1 for c in self.children)

    def receptive_field_is_exact(self, weights, size: float | None = None) -> bool:
        return all(_exact(c, size) for c in self.children)


def is_slimmable(spec: ModelSpec) -> bool:
    return isinstance(spec.config, ContainerConfig) or bool(getattr(spec.config, "slimmable", False))


def _selected(spec: ModelSpec, size: float | None) -> ModelSpec:
    """A container's selected submodel ([CONT-6]); any other model itself."""
    if isinstance(spec.config, ContainerConfig):
        return spec.config.submodels[spec.config.index_for_size(size)]
    return spec


def _exact(spec: ModelSpec, size: float | None) -> bool:
    if isinstance(spec.config, SequentialConfig):
        return spec.config.receptive_field_is_exact(spec.weights, size)
    selected = _selected(spec, size)
    return bool(selected.config.receptive_field_is_exact(selected.weights))


def receptive_field_at(spec: ModelSpec, size: float | None) -> int | None:
    if isinstance(spec.config, SequentialConfig):
        return spec.config.receptive_field(size)
    return _selected(spec, size).config.receptive_field()


def conv_receptive_field_at(spec: ModelSpec, size: float | None) -> int:
    if isinstance(spec.config, SequentialConfig):
        return spec.config.conv_receptive_field(size)
    if size is None:
        return spec.config.conv_receptive_field()  # a container's bound over its submodels
    return _selected(spec, size).config.conv_receptive_field()


def parse_config(config: dict, ctx) -> SequentialConfig | None:
    children, ok = [], True
    for i, entry in enumerate(config["models"]):
        spec = ctx.nested(entry, ("models", i))
        if spec is None:
            ok = False
            continue
        if children and children[-1].out_channels != spec.in_channels:
            ctx.error(("models", i), "SEQ-4", f"this model takes {spec.in_channels} input channel(s); the model "
                      f"before it gives {children[-1].out_channels}")
            ok = False
        children.append(spec)
    return SequentialConfig(tuple(children)) if ok else None


class SequentialNetwork:
    """y = f_n(… f_2(f_1(x)))   ([SEQ-5]); the state is every child's state."""

    def __init__(self, networks: list):
        self.networks = networks
        self.in_channels = networks[0].in_channels
        self.out_channels = networks[-1].out_channels

    def new_state(self):
        return [n.new_state() for n in self.networks]

    def process(self, x: np.ndarray, state) -> np.ndarray:
        for network, child_state in zip(self.networks, state):
            x = network.process(x, child_state)
        return x
