"""The LSTM gate rows are read in the order i, f, o, g instead of the file's i, f, g, o.

Catalogue: 17 (LSTM wiring: wrong gate order)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and (hand.lstm or env.metadata_absent)"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, edited  # noqa: E402


def _swap_g_and_o(model):
    if model["architecture"] != "LSTM":
        return
    config, weights = model["config"], model["weights"]
    h, start = config["hidden_size"], 0
    for layer in range(config["num_layers"]):
        width = (config["input_size"] if layer == 0 else h) + h
        for rows, length in ((width, 4 * h * width), (1, 4 * h)):  # the gate matrix, then the bias
            block = weights[start:start + length]
            g, o = block[2 * h * rows:3 * h * rows], block[3 * h * rows:]
            weights[start:start + length] = block[:2 * h * rows] + o + g
            start += length
        start += 2 * h  # h0 and c0


class LSTMGateOrder(Mutant):
    def rewrite(self, document):
        return edited(document, _swap_g_and_o)


def create_adapter():
    return LSTMGateOrder()
