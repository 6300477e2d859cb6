"""Core's fast tanh, declared (`namcore.fast_tanh`, `namcore.fast_sigmoid`) and computed correctly,
and one more bug where no tanh is involved: the bias of a Linear model and of a ConvNet's head read
3e-3 too high. Declaring the approximation must not buy a looser tier: the output is judged strict
against the reference computed with the same fast tanh.

Catalogue: 25 (fast tanh declared, a small bug elsewhere)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and (hand.linear or hand.convnet)"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _fast_tanh import FastTanhEngine  # noqa: E402

BUG = np.float32(3e-3)


class FastTanhWithBiasBug(FastTanhEngine):
    def mutate(self, network):
        super().mutate(network)
        if hasattr(network, "b") and hasattr(network, "w"):  # Linear
            network.b = network.dtype(network.b + BUG)
        head = getattr(network, "head", None)
        if hasattr(network, "blocks") and head is not None and head.bias is not None:  # ConvNet
            head.bias = head.bias + BUG


def create_adapter():
    return FastTanhWithBiasBug()
