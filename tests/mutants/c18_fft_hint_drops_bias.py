"""Linear models hinted `implementation: "fft"` run through an FFT path that forgets the bias; the
direct path is right. [LIN-3] says the hint changes nothing.

Catalogue: 18 (Linear tap order; the FFT path drops the bias)
Caught by: equivalent_forms
Run: test_forms.py -k "linear_implementation_fft"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, edited  # noqa: E402


def _fft_without_bias(model):
    config = model["config"]
    if model["architecture"] == "Linear" and config.get("implementation") == "fft" and config["bias"]:
        config["bias"] = False
        model["weights"] = model["weights"][:-1]


class FftHintDropsBias(Mutant):
    def rewrite(self, document):
        return edited(document, _fft_without_bias)


def create_adapter():
    return FftHintDropsBias()
