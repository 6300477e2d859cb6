"""An approximate engine (declared so) whose fast sigmoid has a typo: 0.5·tanh(x/2 + 1) instead of
0.5·(tanh(x/2) + 1). Approximations are allowed a looser tier, not a different function.

Catalogue: 25 (approximate sigmoid with a typo)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and hand.wavenet_gated"
"""

import os
import sys

import numpy as np
from scipy.special import expit

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, wavenet_layers  # noqa: E402


def _typo_sigmoid(x):
    return np.float32(0.5) * np.tanh(x * np.float32(0.5) + np.float32(1))


class FastSigmoidTypo(Mutant):
    declared = {"numerics": "approximate"}

    def mutate(self, network):
        for layer in wavenet_layers(network):
            if layer.secondary is expit:
                layer.secondary = _typo_sigmoid


def create_adapter():
    return FastSigmoidTypo()
