"""The engine starts cold (every buffer zero, no prewarm) but declares the silent past.

Catalogue: 10 (two t=0 conventions: cold start instead of the silent past)
Caught by: initial_state
Run: test_agreement.py -k "test_initial_state and arch.wavenet"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class ColdStart(Mutant):
    def load(self, path):
        loaded = super().load(path)
        return ReferenceModel(loaded.model, "cold")


def create_adapter():
    return ColdStart()
