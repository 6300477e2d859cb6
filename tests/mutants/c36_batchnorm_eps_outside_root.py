"""Batch norm computed as (x − mean)/(sqrt(var) + eps) instead of (x − mean)/sqrt(var + eps): the two
agree when var is large against eps and differ in channels of small or zero variance, which trained
models have (near-dead channels).

Catalogue: 36 (formulas right only in part of their domain)
Caught by: value_domains
Run: test_domains.py -k "batchnorm"
"""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, edited  # noqa: E402


def _eps_outside(model):
    """Rewrite var so that the spec's sqrt(var + eps) equals this engine's sqrt(var) + eps."""
    config = model["config"]
    if model["architecture"] != "ConvNet" or not config["batchnorm"]:
        return
    c, g = config["channels"], config.get("groups", 1)
    at = 0
    for j in range(len(config["dilations"])):
        cin = config.get("in_channels", 1) if j == 0 else c
        at += 2 * c * cin // g + c  # the convolution, then the means
        var = model["weights"][at:at + c]
        eps = model["weights"][at + 3 * c]
        model["weights"][at:at + c] = [(math.sqrt(v) + eps) ** 2 - eps for v in var]
        at += 3 * c + 1  # var, gamma, beta, eps


class BatchnormEpsOutsideRoot(Mutant):
    def rewrite(self, document):
        return edited(document, _eps_outside)


def create_adapter():
    return BatchnormEpsOutsideRoot()
