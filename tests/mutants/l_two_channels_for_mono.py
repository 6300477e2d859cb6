"""The engine returns a stereo pair (the mono output twice) for a mono model.

Catalogue: L (adapter errors are failures of the check, never skips)
Caught by: agreement
Status: ERROR
Run: test_agreement.py -k "test_agreement and hand.linear"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, ReferenceModel  # noqa: E402


class Stereo(ReferenceModel):
    def process(self, block):
        y = np.atleast_2d(super().process(block))
        return np.vstack([y, y])


class TwoChannels(Mutant):
    model_class = Stereo


def create_adapter():
    return TwoChannels()
