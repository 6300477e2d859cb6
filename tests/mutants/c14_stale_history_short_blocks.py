"""After a block shorter than the longest seen so far, the input history the engine keeps is stale
by the difference (a wrap test on the current block length instead of the maximum): fixed block
sizes are right, varying ones are not.

Catalogue: 14 (ring-buffer wrap and short-block bugs)
Caught by: block_invariance
Run: test_blocks.py -k "wavenet.multi_array-random"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, Windowed  # noqa: E402


class StaleHistory(Windowed):
    def history(self, rf, n):
        lag = self.longest - n  # the samples the buffer was not advanced by
        end = self.past.shape[1] - lag
        return self.past[:, end - self.kept(rf):end]


class ShortBlocksStale(Mutant):
    model_class = StaleHistory


def create_adapter():
    return ShortBlocksStale()
