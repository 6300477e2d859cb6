"""Linear taps in the trainer's Conv1d order: weights[R−1] multiplies the current sample, so the
impulse response plays backwards.

Catalogue: 18 (Linear tap order; the FFT path drops the bias)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and hand.linear"
Explained: DIV-1
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, edited  # noqa: E402


def _reverse(model):
    if model["architecture"] == "Linear":
        taps = model["config"]["receptive_field"]
        model["weights"][:taps] = model["weights"][:taps][::-1]


class LinearTapsReversed(Mutant):
    def rewrite(self, document):
        return edited(document, _reverse)


def create_adapter():
    return LinearTapsReversed()
