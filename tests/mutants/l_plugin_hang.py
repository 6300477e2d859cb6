"""A Python plugin that deadlocks in `process` (a lock its audio thread never releases).

Catalogue: L (adapter errors are failures of the check, never skips)
Caught by: agreement
Status: ERROR
Run: test_agreement.py -k "test_agreement and hand.linear" --call-timeout 2
"""

import os
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, ReferenceModel  # noqa: E402


class Deadlocked(ReferenceModel):
    def process(self, block):
        threading.Event().wait()


class Hanging(Mutant):
    model_class = Deadlocked


def create_adapter():
    return Hanging()
