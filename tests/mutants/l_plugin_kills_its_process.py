"""A Python plugin whose engine kills the process it runs in (a segmentation fault) in `process`.

Catalogue: L (adapter errors are failures of the check, never skips)
Caught by: agreement
Status: ERROR
Run: test_agreement.py -k "test_agreement and hand.linear"
"""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, ReferenceModel  # noqa: E402


class Segfaulting(ReferenceModel):
    def process(self, block):
        os.kill(os.getpid(), signal.SIGKILL)


class Killing(Mutant):
    model_class = Segfaulting


def create_adapter():
    return Killing()
