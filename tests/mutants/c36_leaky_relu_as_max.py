"""LeakyReLU and PReLU computed as max(x, s·x): right for slopes up to 1, wrong above 1 (the format
allows any finite slope), where it returns s·x for positive inputs and x for negative ones. Shown
here in the engine's ConvNet.

Catalogue: 36 (formulas right only in part of their domain)
Caught by: value_domains
Run: test_domains.py -k "slope_1_5 or slopes_2_5"
"""

import functools
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from nam_reference import activations  # noqa: E402
from nam_reference.convnet import ConvNetNetwork  # noqa: E402


def _as_max(activation):
    if activation.name == "LeakyReLU":
        s = np.float32(activation.param("negative_slope"))
    elif activation.name == "PReLU":
        s = (np.float32(activation.param("negative_slope")) if activation.slopes is None
             else np.asarray(activation.slopes, dtype=np.float32)[:, None])
    else:
        return None
    return lambda x: np.maximum(x, x * s)


class LeakyAsMax(Mutant):
    def load(self, path):
        document = json.loads(Path(path).read_bytes())
        spec = document.get("config", {}).get("activation") if document.get("architecture") == "ConvNet" else None
        self.mutate = functools.partial(self._mutate, activations.parse(spec) if spec is not None else None)
        return super().load(path)

    @staticmethod
    def _mutate(activation, network):
        wrong = _as_max(activation) if activation is not None else None
        if isinstance(network, ConvNetNetwork) and wrong is not None:
            network.blocks = [(conv, norm, wrong) for conv, norm, _ in network.blocks]


def create_adapter():
    return LeakyAsMax()
