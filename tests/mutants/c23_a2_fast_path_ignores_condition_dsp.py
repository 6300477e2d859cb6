"""An A2 fast path whose shape detector looks at the layer array only: a WaveNet of the exact A2 shape
(one array of 23 layers with A2's dilations and kernel sizes) goes to specialised code that has no
condition_dsp, so a near-A2 model with one computes the unconditioned output; every other model takes
the generic path and is right.

Catalogue: 23 (a near-A2 model routed to a fast path)
Caught by: agreement
Run: test_near_miss.py -k "condition_dsp"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from generators.realistic import A2_DILATIONS, A2_KERNELS  # noqa: E402


def _a2_shaped(model) -> bool:
    layers = model["config"].get("layers") if model.get("architecture") == "WaveNet" else None
    return (layers is not None and len(layers) == 1 and layers[0]["dilations"] == A2_DILATIONS
            and layers[0].get("kernel_sizes") == A2_KERNELS)


class FastPathWithoutCondition(Mutant):
    def rewrite(self, document):
        models = [document] + [s["model"] for s in document["config"].get("submodels", [])]
        if not any(_a2_shaped(m) and m["config"].get("condition_dsp") for m in models):
            return None
        for model in models:
            if _a2_shaped(model):
                model["config"].pop("condition_dsp", None)  # the fast path never reads it
        return document


def create_adapter():
    return FastPathWithoutCondition()
