"""SlimmableContainer: submodels selected by a size parameter (spec section 14)."""

from __future__ import annotations

import dataclasses


from .envelope import ModelSpec


@dataclasses.dataclass(frozen=True)
class ContainerConfig:
    thresholds: tuple[float, ...]  # max_value of each submodel
    submodels: tuple[ModelSpec, ...]
    in_channels: int = 1
    out_channels: int = 1

    def weight_count(self) -> int:
        return 0  # [CONT-2]

    def index_for_size(self, size: float | None, inclusive: bool = False) -> int:
        """[CONT-6]: the first submodel with size < max_value, else the last (also before any size is set).
        `inclusive` is NeuralAudio's size ≤ max_value ([DIALECT-5])."""
        if size is None:
            return len(self.submodels) - 1
        for i, threshold in enumerate(self.thresholds):
            if size < threshold or (inclusive and size == threshold):
                return i
        return len(self.submodels) - 1

    def breakpoints(self) -> list[float]:
        return list(self.thresholds[:-1])  # [CONT-8]

    def receptive_field(self) -> int | None:
        return self.submodels[-1].config.receptive_field()  # of the default (last) submodel

    def conv_receptive_field(self) -> int:
        return max(m.config.conv_receptive_field() for m in self.submodels)  # [LIM-3] bounds every submodel


def parse_config(config: dict, ctx) -> ContainerConfig | None:
    entries = config["submodels"]
    submodels, ok = [], True
    for i, entry in enumerate(entries):
        spec = ctx.nested(entry["model"], ("submodels", i, "model"))
        if spec is None:
            ok = False
            continue
        if spec.architecture == "SlimmableContainer" or getattr(spec.config, "slimmable", False):
            ctx.error(("submodels", i, "model"), "CONT-4", "a submodel must not be slimmable (a container or a "
                      "slimmable WaveNet)")
            ok = False
        elif spec.in_channels != 1 or spec.out_channels != 1:
            ctx.error(("submodels", i, "model"), "CONT-4", f"a submodel must have one input and one output channel; "
                      f"this one has {spec.in_channels} and {spec.out_channels}")
            ok = False
        submodels.append(spec)
    thresholds = [float(e["max_value"]) for e in entries]
    for i in range(1, len(thresholds)):
        if not thresholds[i] > thresholds[i - 1]:
            ctx.error(("submodels", i, "max_value"), "CONT-3",
                      f"max_value must increase strictly: {thresholds[i]:g} follows {thresholds[i - 1]:g}")
            ok = False
    if thresholds[-1] < 1.0:
        ctx.error(("submodels", len(thresholds) - 1, "max_value"), "CONT-3",
                  f"the last max_value must be >= 1.0; got {thresholds[-1]:g}")
        ok = False
    return ContainerConfig(tuple(thresholds), tuple(submodels)) if ok else None



