"""Declares a maximum block of 64 samples and, given a longer block, computes only its first 64
samples: the rest of the output buffer is left as it was (zeros), instead of an error or the right
output.

Catalogue: 15 (blocks larger than the declared maximum)
Caught by: max_block
Run: test_blocks.py -k "test_block_longer and wavenet.multi_array"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402

MAX_BLOCK = 64


class Overrun(ReferenceModel):
    def process(self, block):
        out = np.zeros((self.model.out_channels, block.shape[1]), dtype=np.float32)
        out[:, :MAX_BLOCK] = super().process(block[:, :MAX_BLOCK])
        return out


class LongBlockOverrun(Mutant):
    declared = {"max_block": MAX_BLOCK}
    model_class = Overrun


def create_adapter():
    return LongBlockOverrun()
