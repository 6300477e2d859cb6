"""Linear filtering in place: the output overwrites the input buffer while later samples of the
same block still read it, so within a block the delayed taps see outputs, not inputs.

Catalogue: 16 (in-place processing)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and hand.linear"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class InPlace(ReferenceModel):
    def process(self, block):
        spec = self.model.spec
        if spec.architecture != "Linear":
            return super().process(block)
        taps, weights = spec.config.taps, spec.weights.astype(np.float32)
        bias = weights[taps] if spec.config.bias else np.float32(0)
        if not hasattr(self, "previous"):
            self.previous = np.zeros((block.shape[0], taps - 1), dtype=np.float32)
        buffer = np.concatenate([self.previous, block], axis=1)  # history, then the block, overwritten
        start = taps - 1
        for t in range(start, buffer.shape[1]):
            value = bias + sum(weights[k] * buffer[:, t - k] for k in range(taps))
            buffer[:, t] = value  # in place: later samples read this output as their input
        self.previous = np.concatenate([self.previous, block], axis=1)[:, block.shape[1]:]
        return buffer[:, start:]

    def reset(self):
        super().reset()
        self.__dict__.pop("previous", None)


class InPlaceLinear(Mutant):
    model_class = InPlace


def create_adapter():
    return InPlaceLinear()
