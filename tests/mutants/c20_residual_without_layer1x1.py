"""With layer1x1 inactive the layer's output is not added to the residual (Core: x' = x), so every
layer of the array sees the same input.

Catalogue: 20 (FiLM, gating and residual detail bugs: residual without layer1x1 as in Core)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and wavenet.layer1x1_inactive"
Explained: DIV-4
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, patch, wavenet_layers  # noqa: E402


class ResidualAsCore(Mutant):
    def mutate(self, network):
        for layer in wavenet_layers(network):
            if layer.layer1x1 is None:
                patch(layer, __call__=_keeping_input(type(layer).__call__))


def _keeping_input(call):
    def keep_input(layer, x, c, history):
        _, h = call(layer, x, c, history)
        return x, h
    return keep_input


def create_adapter():
    return ResidualAsCore()
