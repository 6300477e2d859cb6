"""Declares a maximum block of 4096 samples and, given a longer block, returns NaN past the maximum
(uninitialised scratch memory) instead of the right output or an error: a non-finite output is no
refusal.

Catalogue: 15 (blocks larger than the declared maximum)
Caught by: max_block
Status: ERROR
Run: test_blocks.py -k "test_block_longer and hand.wavenet and not gated"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402

MAX_BLOCK = 4096


class NanPastMaximum(ReferenceModel):
    def process(self, block):
        out = np.full((self.model.out_channels, block.shape[1]), np.nan, dtype=np.float32)
        out[:, :MAX_BLOCK] = super().process(block[:, :MAX_BLOCK])
        return out


class LongBlockNan(Mutant):
    declared = {"max_block": MAX_BLOCK}
    model_class = NanPastMaximum


def create_adapter():
    return LongBlockNan()
