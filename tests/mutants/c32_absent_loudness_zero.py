"""A missing loudness is reported as 0 dB, which a host turns into an 18 dB cut, instead of "none".

Catalogue: 32 (absent, null and 0 loudness confused)
Caught by: reported_facts
Run: test_metadata.py -k "test_reported_loudness_forms and hand.linear and (absent or null)"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class ZeroWhenAbsent(ReferenceModel):
    def info(self):
        info = super().info()
        if info["loudness"] is None:
            info["loudness"] = 0.0
        return info


class AbsentLoudnessZero(Mutant):
    model_class = ZeroWhenAbsent


def create_adapter():
    return AbsentLoudnessZero()
