"""Every model is reported at 48 kHz, whatever its file says (NeuralAudio: "96 kHz models sound
thin").

Catalogue: 28 (expected sample rate wrong: 48 kHz reported for every model)
Caught by: reported_facts
Run: test_metadata.py -k "test_reported_sample_rate and env.sample_rate_other"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class Always48k(ReferenceModel):
    def info(self):
        return {**super().info(), "sample_rate": 48000.0}


class Always48kHz(Mutant):
    model_class = Always48k


def create_adapter():
    return Always48kHz()
