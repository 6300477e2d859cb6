"""The reported receptive field is Σ(k−1)·d, without the current sample: one less than the spec's
1 + Σ(k−1)·d.

Catalogue: 8 (prewarm/receptive field off by one in a fast path)
Caught by: reported_facts
Run: test_receptive_field.py -k "test_reported_receptive_field and hand.wavenet"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class WithoutOne(ReferenceModel):
    def info(self):
        info = super().info()
        if info["receptive_field"] is not None:
            info["receptive_field"] -= 1
        return info


class ReceptiveFieldWithoutOne(Mutant):
    model_class = WithoutOne


def create_adapter():
    return ReceptiveFieldWithoutOne()
