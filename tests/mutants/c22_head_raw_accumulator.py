"""In a multi-array WaveNet the next array receives the raw head accumulator of the previous one
instead of its head convolution's output (latent when the head kernel is 1 and the head is an
identity, wrong otherwise).

Catalogue: 22 (multi-array head propagation)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and wavenet.film.conv_pre"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, patch  # noqa: E402


def _raw_accumulator(array, X, c, H_previous, state):
    """The layer array's forward pass, handing on the accumulator when the widths allow it."""
    x, acc = array.rechannel(X), H_previous
    for layer, history in zip(array.layers, state):
        x, h = layer(x, c, history)
        acc = h if acc is None else acc + h
    head = array.head(acc, state[-1])
    return x, (acc if acc.shape == head.shape else head)


class HeadRawAccumulator(Mutant):
    def mutate(self, network):
        for array in getattr(network, "arrays", ())[:-1]:  # the last array's head is the output
            patch(array, __call__=_raw_accumulator)


def create_adapter():
    return HeadRawAccumulator()
