"""The reported loudness is the normalisation adjustment, −18 − loudness, instead of the stored
value.

Catalogue: 30 (loudness semantics: the raw loudness confused with the adjustment)
Caught by: reported_facts
Run: test_metadata.py -k "test_reported_loudness and (metadata.loudness or (hand.linear and float))"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class Adjustment(ReferenceModel):
    def info(self):
        info = super().info()
        if info["loudness"] is not None:
            info["loudness"] = -18.0 - info["loudness"]
        return info


class LoudnessAsAdjustment(Mutant):
    model_class = Adjustment


def create_adapter():
    return LoudnessAsAdjustment()
