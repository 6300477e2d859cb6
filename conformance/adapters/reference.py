"""An example Python plugin adapter: the project's reference interpreter.

Run the suite against it with `pytest conformance --impl=conformance/adapters/reference.py` (or the
shorthand `--impl=reference`). An engine's adapter has the same shape: a `create_adapter()`
factory, an adapter with `capabilities()` and `load(path)`, and a loaded model with `info()`,
`process(block)`, `reset()` and `set_size(size)` (spec/adapter-protocol.md section 1).
"""

from __future__ import annotations

import numpy as np

import nam_reference
from conformance.adapters.errors import Rejected  # an engine's adapter: from conformance.adapters import Rejected


class ReferenceAdapter:
    name = "nam_reference"
    version = nam_reference.__version__

    def __init__(self, initial_state: str = "silent"):
        self.initial_state = initial_state

    def capabilities(self) -> dict:
        return {
            "features": "all",
            "initial_state": self.initial_state,
            "numerics": "exact",
            "reports": ["sample_rate", "receptive_field", "weight_count", "channels", "loudness", "breakpoints"],
            "max_block": None,
            "stateful": True,
            "set_size": True,
        }

    def load(self, path: str) -> "ReferenceModel":
        report, spec = nam_reference.check(path)
        if spec is None:
            raise Rejected("; ".join(p.line() for p in report.errors[:3]))
        return ReferenceModel(nam_reference.Model(spec), self.initial_state)


class ReferenceModel:
    def __init__(self, model: nam_reference.Model, initial_state: str):
        self.model = model
        self.size = None
        self.stream = model.stream(initial_state=initial_state)

    def info(self) -> dict:
        m = self.model
        return {
            "sample_rate": m.sample_rate,
            "receptive_field": m.receptive_field(self.size),
            "weight_count": m.weight_count,
            "in_channels": m.in_channels,
            "out_channels": m.out_channels,
            "loudness": m.loudness,
            "breakpoints": m.breakpoints,
        }

    def process(self, block: np.ndarray) -> np.ndarray:
        return self.stream.process(block)

    def reset(self) -> None:
        self.stream.reset()

    def set_size(self, size: float) -> None:
        self.size = size
        self.stream.set_size(size)


def create_adapter() -> ReferenceAdapter:
    return ReferenceAdapter()
