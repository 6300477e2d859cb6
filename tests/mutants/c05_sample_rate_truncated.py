"""Keeps the sample rate in an integer: a fractional rate, which [SR-1] allows, is reported
truncated (44100.5 as 44100, 0.25 as 0).

Catalogue: 5 (numeric types in JSON: a fractional sample rate truncated)
Caught by: reported_facts
Run: test_domains.py -k "fractional_facts"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class IntegerRate(ReferenceModel):
    def info(self):
        info = super().info()
        info["sample_rate"] = float(int(info["sample_rate"]))
        return info


class SampleRateTruncated(Mutant):
    model_class = IntegerRate


def create_adapter():
    return SampleRateTruncated()
