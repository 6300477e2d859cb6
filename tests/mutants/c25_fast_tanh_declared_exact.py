"""A rational fast tanh in the WaveNet layers while the engine declares exact maths (Core's global
fast-tanh switch, on by default in its plugin).

Catalogue: 25 (fast tanh, lookup tables, approximate sigmoid)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and hand.wavenet and not gated"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, wavenet_layers  # noqa: E402

from nam_reference.activations import Activation  # noqa: E402

FAST_TANH = Activation("Fasttanh").bind(np.float32)


class FastTanh(Mutant):
    def mutate(self, network):
        for layer in wavenet_layers(network):
            if layer.primary is np.tanh:
                layer.primary = FAST_TANH


def create_adapter():
    return FastTanh()
