"""A near-A2 model routed to a fast path that hard-codes LeakyReLU's default slope 0.01 and never
reads `negative_slope` (same shape, same weight count, different audio).

Catalogue: 23 (non-A2 models silently routed to a fast path)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and act.leaky_relu"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, edited  # noqa: E402


def _default_slope(model):
    if model["architecture"] != "WaveNet":
        return
    for array in model["config"]["layers"]:
        activations = array["activation"] if isinstance(array["activation"], list) else [array["activation"]]
        for activation in activations:
            if isinstance(activation, dict) and activation.get("type") == "LeakyReLU":
                activation["negative_slope"] = 0.01


class FastPathSlope(Mutant):
    def rewrite(self, document):
        return edited(document, _default_slope)


def create_adapter():
    return FastPathSlope()
