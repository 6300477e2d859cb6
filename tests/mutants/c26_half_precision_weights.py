"""Weights stored in half precision (float16) to save memory, while declaring exact maths.

Catalogue: 26 (weight quantisation and accumulation order)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and wavenet.multi_array"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, edited  # noqa: E402


def _half(model):
    model["weights"] = np.asarray(model["weights"], dtype=np.float16).astype(float).tolist()


class HalfPrecision(Mutant):
    def rewrite(self, document):
        return edited(document, _half)


def create_adapter():
    return HalfPrecision()
