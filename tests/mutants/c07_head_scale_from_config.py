"""The head scale is taken from `config.head_scale` instead of the blob's last weight, which is the
one the model computes with.

Catalogue: 7 (head_scale read from the config instead of the blob)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and wavenet.head_scale_mismatch"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, edited  # noqa: E402


def _config_scale(model):
    if model["architecture"] == "WaveNet":
        model["weights"][-1] = model["config"]["head_scale"]


class HeadScaleFromConfig(Mutant):
    def rewrite(self, document):
        return edited(document, _config_scale)


def create_adapter():
    return HeadScaleFromConfig()
