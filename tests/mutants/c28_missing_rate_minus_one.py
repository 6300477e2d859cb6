"""A file without `sample_rate` is reported at −1 (unknown), as Core does, instead of the 48000 the
spec assumes.

Catalogue: 28 (expected sample rate wrong or missing)
Caught by: reported_facts
Run: test_metadata.py -k "test_reported_sample_rate and env.sample_rate_absent"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class MinusOne(ReferenceModel):
    def info(self):
        info = super().info()
        if self.model.sample_rate_defaulted:
            info["sample_rate"] = -1
        return info


class MissingRateMinusOne(Mutant):
    model_class = MinusOne


def create_adapter():
    return MissingRateMinusOne()
