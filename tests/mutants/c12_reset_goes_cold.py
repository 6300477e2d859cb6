"""Load prewarms, `reset` does not: after a reset the model runs from the cold state, so a render
after (load, reset, reset) differs from one after (load).

Catalogue: 12 (redundant or ill-timed prewarm: reset and load must give the same state)
Caught by: reset
Run: test_state.py -k "arch.wavenet and not independent"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class ColdReset(ReferenceModel):
    def reset(self):
        self.stream = self.model.stream(self.size, initial_state="cold")


class ResetGoesCold(Mutant):
    model_class = ColdReset


def create_adapter():
    return ResetGoesCold()
