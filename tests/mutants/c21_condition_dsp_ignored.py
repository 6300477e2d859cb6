"""`condition_dsp` is ignored: the layers are conditioned on the raw input instead of the condition
model's output (the condition model has its own blob, so the parent's weight count still matches).

Catalogue: 21 (condition_dsp semantics)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and arch.convnet"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402


class ConditionIgnored(Mutant):
    def mutate(self, network):
        if getattr(network, "condition", None) is not None:
            network.condition = None


def create_adapter():
    return ConditionIgnored()
