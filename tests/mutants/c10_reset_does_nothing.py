"""`reset` does nothing: the state of the previous audio carries on (as Core keeps an LSTM's state
and a Linear filter's history across a reset).

Catalogue: 10 (reset must return to the initial state)
Caught by: reset
Run: test_state.py -k "test_reset_restores and (hand.lstm or hand.linear)"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class NoReset(ReferenceModel):
    def reset(self):
        pass


class ResetDoesNothing(Mutant):
    model_class = NoReset


def create_adapter():
    return ResetDoesNothing()
