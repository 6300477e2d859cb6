"""The engine normalises its output to −18 dB by the stored loudness, a host's job, inside the
model: a file compensated by s then computes the same output as the original, not s times it.

Catalogue: 30 (loudness semantics: normalisation applied by the engine)
Caught by: output_scaling
Run: test_loudness.py -k "test_output_scaling and metadata.loudness"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class Normalised(ReferenceModel):
    def process(self, block):
        output = super().process(block)
        loudness = self.model.loudness
        return output if loudness is None else output * np.float32(10 ** ((-18.0 - loudness) / 20))


class NormalisedOutput(Mutant):
    model_class = Normalised


def create_adapter():
    return NormalisedOutput()
