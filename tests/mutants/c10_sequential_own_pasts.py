"""A Sequential whose models each start from their own silent past (zeros at their own input), not from
the silent past of the whole chain: a model after one that answers silence with a non-zero constant
starts with the wrong history.

Catalogue: 10 (two t=0 conventions: each model's own silent past instead of the chain's, [SEQ-8])
Caught by: initial_state, agreement
Run: test_agreement.py -k "hand.sequential.linear_linear"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import HookedModel, Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402
from nam_reference.model import _rf_star  # noqa: E402


class OwnPasts(HookedModel):
    def initial_state(self, key, initial_state="silent"):
        if key is None or key[0] != "chain" or initial_state != "silent":
            return super().initial_state(key, initial_state)
        chain = self._network(key)
        states = []
        for network, spec, child_key in zip(chain.networks, self.spec.config.children, key[1]):
            state = network.new_state()
            zeros = _rf_star(spec, child_key) - 1  # this model's own RF* − 1 zeros, at its own input
            if zeros > 0:
                network.process(np.zeros((network.in_channels, zeros), dtype=self.dtype), state)
            states.append(state)
        return states


class SequentialOwnPasts(Mutant):
    def load(self, path):
        loaded = super().load(path)
        return ReferenceModel(OwnPasts(loaded.model.spec, self.mutate), self.initial_state)


def create_adapter():
    return SequentialOwnPasts()
