"""A float-only guard on `sample_rate`: an integer rate (`32000`) is silently ignored and the
default, 48000, is reported ("96 kHz models sound thin").

Catalogue: 5 (numeric types in JSON: integer sample rate ignored)
Caught by: reported_facts
Run: test_metadata.py -k "test_reported_sample_rate and linear.bias"
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class FloatRateOnly(ReferenceModel):
    def info(self):
        info = super().info()
        if not isinstance(self.stored_rate, float):
            info["sample_rate"] = 48000.0
        return info


class IntegerRateIgnored(Mutant):
    model_class = FloatRateOnly

    def load(self, path):
        loaded = super().load(path)
        loaded.stored_rate = json.loads(Path(path).read_bytes()).get("sample_rate")
        return loaded


def create_adapter():
    return IntegerRateIgnored()
