"""Sizes its buffers from the longest block seen so far and, when a longer block comes, reallocates
them zeroed: the input history kept so far is lost each time a block grows (fixed block lengths are
right, growing ones are not).

Catalogue: 14 (ring-buffer wrap and short-block bugs)
Caught by: block_invariance
Run: test_blocks.py -k "hand.wavenet-grow"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, Windowed  # noqa: E402


class ReallocatedZeroed(Windowed):
    def process(self, block):
        if self.past is not None and block.shape[1] > self.longest:
            self.past = np.zeros_like(self.past)
        return super().process(block)


class HistoryLostWhenBlockGrows(Mutant):
    model_class = ReallocatedZeroed


def create_adapter():
    return HistoryLostWhenBlockGrows()
