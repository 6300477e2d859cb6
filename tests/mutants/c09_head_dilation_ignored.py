"""A layer array's `head_dilation` is dropped: the head convolution runs undilated and the receptive
field misses dh·(Kh − 1) − (Kh − 1).

Catalogue: 9 (receptive field miscomputed: a head term forgotten)
Caught by: agreement
Run: test_generated.py -k "test_generated_feature_agreement and wavenet.head_dilation"
Explained: DIV-6
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, edited  # noqa: E402


def _undilated(model):
    if model["architecture"] == "WaveNet":
        for array in model["config"]["layers"]:
            if isinstance(array.get("head"), dict):
                array["head"].pop("head_dilation", None)


class HeadDilationIgnored(Mutant):
    def rewrite(self, document):
        return edited(document, _undilated)


def create_adapter():
    return HeadDilationIgnored()
