"""Declares no maximum block length but has 8192-sample scratch buffers: a longer block is split into
pieces of 8192, and each piece is computed from the state the block started with instead of the state
the previous piece left (the state is saved once per block). Offline renders hand over whole files in
one block.

Catalogue: 15 (blocks larger than the declared maximum)
Caught by: long_signal
Run: test_long_signal.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, Windowed  # noqa: E402

SCRATCH = 8192


class SplitFromStartState(Windowed):
    def process(self, block):
        rf = self.model.receptive_field(self.size)
        n = block.shape[1]
        if rf is None or n <= SCRATCH:
            return super().process(block)
        if self.past is None:
            self.past = np.zeros((block.shape[0], rf), dtype=np.float32)
        start_past, start_longest = self.past, self.longest
        pieces = []
        for start in range(0, n, SCRATCH):
            self.past, self.longest = start_past, start_longest  # every piece from the block's start state
            pieces.append(super().process(block[:, start:start + SCRATCH]))
        self.longest = max(start_longest, n)
        self.past = np.concatenate([start_past, block], axis=1)[:, -(rf + self.longest):]
        return np.concatenate(pieces, axis=1)


class LongBlocksSplitFromStartState(Mutant):
    model_class = SplitFromStartState


def create_adapter():
    return LongBlocksSplitFromStartState()
