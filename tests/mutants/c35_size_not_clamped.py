"""A slimmable WaveNet's width index is int(v·n) without clamping: a negative size wraps around
(index −1) to the widest model instead of the narrowest.

Catalogue: 35 (slimmable selection: out-of-range clamping)
Caught by: size_selection
Run: test_slimmable.py -k "test_size_selection and hand.slimmable.full-size-0.5"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class Wrapped(ReferenceModel):
    def set_size(self, size):
        super().set_size(1.0 if size < 0 and not self.model.is_container else size)


class SizeNotClamped(Mutant):
    model_class = Wrapped


def create_adapter():
    return SizeNotClamped()
