"""Container selection with `<=`: the first submodel whose max_value is at least the size, so a size
exactly at a threshold keeps the smaller model (NeuralAudio) instead of the next one (the spec, Core).

Catalogue: 35 (slimmable/container selection at the breakpoints)
Caught by: size_selection
Run: test_slimmable.py -k "test_size_selection and hand.container.default"
Explained: DIV-17
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class Inclusive(ReferenceModel):
    def set_size(self, size):
        if self.model.is_container and size in self.model.spec.config.thresholds[:-1]:
            size = float(np.nextafter(size, -np.inf))  # the largest size below: what `<=` selects
        super().set_size(size)


class BreakpointInclusive(Mutant):
    model_class = Inclusive


def create_adapter():
    return BreakpointInclusive()
