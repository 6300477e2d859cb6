"""An LSTM starts from a zero hidden and cell state, ignoring the h0 and c0 stored in its blob.

Catalogue: 11 (LSTM initial state and prewarm)
Caught by: agreement, initial_state
Run: test_agreement.py -k "hand.lstm or env.metadata_absent"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, edited  # noqa: E402


def _zero_state(model):
    if model["architecture"] != "LSTM":
        return
    config, weights = model["config"], model["weights"]
    h, start = config["hidden_size"], 0
    for layer in range(config["num_layers"]):
        inputs = config["input_size"] if layer == 0 else h
        start += 4 * h * (inputs + h) + 4 * h  # the gate matrix and bias, then h0 and c0
        weights[start:start + 2 * h] = [0.0] * (2 * h)
        start += 2 * h


class LSTMZeroState(Mutant):
    def rewrite(self, document):
        return edited(document, _zero_state)


def create_adapter():
    return LSTMZeroState()
