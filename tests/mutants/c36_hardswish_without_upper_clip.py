"""Hardswish computed as x·max(x + 3, 0)/6, without the upper clip at 6: right below x = 3, wrong
above it. Shown here in the engine's ConvNet.

Catalogue: 36 (formulas right only in part of their domain)
Caught by: value_domains
Run: test_domains.py -k "hardswish"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from nam_reference.convnet import ConvNetNetwork  # noqa: E402

HARDSWISH_TAG = "act.hardswish"


class HardswishUnclipped(Mutant):
    def load(self, path):
        from nam_reference.features import features

        self.mutate = self._mutate if HARDSWISH_TAG in features(path) else (lambda network: None)
        return super().load(path)

    @staticmethod
    def _mutate(network):
        if isinstance(network, ConvNetNetwork):
            unclipped = lambda x: x * np.maximum(x + np.float32(3), np.float32(0)) / np.float32(6)  # noqa: E731
            network.blocks = [(conv, norm, unclipped) for conv, norm, _ in network.blocks]


def create_adapter():
    return HardswishUnclipped()
