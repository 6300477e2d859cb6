"""Keeps its convolution history in a ring buffer of 32768 samples whose wrap is off by one: once
more than 32768 samples have been processed since load or reset, every block reads a history one
sample stale. Fixture inputs (2048 samples) never wrap it.

Catalogue: 14 (ring-buffer wrap and short-block bugs)
Caught by: long_signal
Run: test_long_signal.py
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, Windowed  # noqa: E402

RING = 32768


class WrapsWrong(Windowed):
    count = 0

    def history(self, rf, n):
        keep = self.kept(rf)
        if self.count <= RING:
            return super().history(rf, n)
        end = self.past.shape[1] - 1  # one sample short of the newest
        return self.past[:, end - keep:end]

    def process(self, block):
        out = super().process(block)
        self.count += block.shape[1]
        return out

    def reset(self):
        super().reset()
        self.count = 0


class RingBufferWrapsWrong(Mutant):
    model_class = WrapsWrong


def create_adapter():
    return RingBufferWrapsWrong()
