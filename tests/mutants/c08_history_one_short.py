"""The input history kept between blocks is one sample short (RF − 2 samples instead of RF − 1,
the off-by-one of a prewarm or receptive-field formula): the first output of every block misses
the oldest sample of its receptive field.

Catalogue: 8 (prewarm/receptive field off by one, seen only across block boundaries)
Caught by: block_invariance
Run: test_blocks.py -k "hand.wavenet-"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, Windowed  # noqa: E402


class OneShort(Windowed):
    def kept(self, rf):
        return max(rf - 2, 0)


class HistoryOneShort(Mutant):
    model_class = OneShort


def create_adapter():
    return HistoryOneShort()
