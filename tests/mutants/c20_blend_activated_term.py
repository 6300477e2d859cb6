"""Blended gating mixes with the activated value, α·φ(a) + (1 − α)·φ(a), instead of the raw
pre-activation in the (1 − α) term.

Catalogue: 20 (FiLM and gating detail bugs: the blended term)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and wavenet.gating.blended"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, wavenet_layers  # noqa: E402


class BlendActivated(Mutant):
    def mutate(self, network):
        for layer in wavenet_layers(network):
            if layer.gating == "blended":
                layer.gate = _activated_blend(layer)


def _activated_blend(layer):
    def gate(z):
        top, bottom = layer.primary(z[:layer.bottleneck]), z[layer.bottleneck:]
        alpha = layer.secondary(bottom)
        return alpha * top + (layer.one - alpha) * top
    return gate


def create_adapter():
    return BlendActivated()
