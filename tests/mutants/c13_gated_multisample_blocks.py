"""Gated layers are right only for 1-sample blocks: on longer blocks the primary activation is
applied to both halves before the gate (the activation through a strided view of a column-major
block that Core fixed).

Catalogue: 13 (gated activations right only for 1-sample blocks)
Caught by: block_invariance
Run: test_blocks.py -k "hand.wavenet_gated"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, wavenet_layers  # noqa: E402


class GatedOnlyPerSample(Mutant):
    def mutate(self, network):
        for layer in wavenet_layers(network):
            if layer.gating == "gated":
                layer.gate = _double_activation(layer, layer.gate)


def _double_activation(layer, gate):
    def wrong(z):
        if z.shape[1] == 1:
            return gate(z)
        top, bottom = z[:layer.bottleneck], z[layer.bottleneck:]
        return layer.primary(top) * layer.secondary(layer.primary(bottom))
    return wrong


def create_adapter():
    return GatedOnlyPerSample()
