"""Declares a maximum block of 4096 samples and, given a longer block, returns only the first 4096
output samples: a wrong length is no refusal.

Catalogue: 15 (blocks larger than the declared maximum)
Caught by: max_block
Status: ERROR
Run: test_blocks.py -k "test_block_longer and hand.wavenet and not gated"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402

MAX_BLOCK = 4096


class Truncated(ReferenceModel):
    def process(self, block):
        return super().process(block[:, :MAX_BLOCK])


class LongBlockWrongLength(Mutant):
    declared = {"max_block": MAX_BLOCK}
    model_class = Truncated


def create_adapter():
    return LongBlockWrongLength()
