"""A WaveNet path with Tanh hard-coded: the layers' `activation` is never read, so every primary
activation is Tanh whatever the file says.

Catalogue: 19 (activation silently ignored)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and act.silu"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, edited  # noqa: E402


def _tanh(model):
    if model["architecture"] == "WaveNet":
        for array in model["config"]["layers"]:
            activation = array["activation"]
            array["activation"] = ["Tanh"] * len(activation) if isinstance(activation, list) else "Tanh"


class ActivationAsTanh(Mutant):
    def rewrite(self, document):
        return edited(document, _tanh)


def create_adapter():
    return ActivationAsTanh()
