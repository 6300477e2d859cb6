"""After a process() refactor the LSTM writes its output where the input was and hands back the
untouched buffer: the output is the input.

Catalogue: 17 (LSTM input and output swapped)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and hand.lstm"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class Swapped(ReferenceModel):
    def process(self, block):
        output = super().process(block)
        return block.copy() if self.model.spec.architecture == "LSTM" else output


class LSTMOutputUntouched(Mutant):
    model_class = Swapped


def create_adapter():
    return LSTMOutputUntouched()
