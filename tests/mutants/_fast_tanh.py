"""An engine with NeuralAmpModelerCore's fast-tanh switch on, declared as such: `namcore.fast_tanh`
and `namcore.fast_sigmoid` ([APPROX-2], [APPROX-3]). Not a mutant: it computes what it declares, so
the suite must find it CONFORMANT at the strict tier (tests/test_conformance_selftest.py); mutants
derive from it to add one bug elsewhere.

Its fast functions are its own: each is evaluated in double precision and rounded once to float32,
as a compiler that keeps intermediates in wider registers would, not as the reference evaluates
them (one float32 rounding per operation).
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, networks, wavenet_layers  # noqa: E402, F401

# Core's rational approximation of tanh: x·(a + a|x| + (b + c|x|)x²) / (d + (d + x²)|x + e·x·|x||).
A, B, C, D, E = 2.45550750702956, 0.893229853513558, 0.821226666969744, 2.44506634652299, 0.814642734961073


def fast_tanh(x, out=None):
    v = np.asarray(x, dtype=np.float64)
    y = v * (A + A * np.abs(v) + (B + C * np.abs(v)) * v * v) / (D + (D + v * v) * np.abs(v + E * v * np.abs(v)))
    y = y.astype(np.float32)
    if out is None:
        return y
    out[...] = y
    return out


def fast_sigmoid(x, out=None):
    y = (0.5 * (fast_tanh(np.asarray(x, dtype=np.float32) * np.float32(0.5)).astype(np.float64) + 1.0)).astype(np.float32)
    if out is None:
        return y
    out[...] = y
    return out


def _fast(act):
    return fast_tanh if act is np.tanh else act


class FastTanhEngine(Mutant):
    declared = {"numerics": "exact", "approximations": ["namcore.fast_tanh", "namcore.fast_sigmoid"]}

    def mutate(self, network):
        """Core's switch: every activation named Tanh, and the LSTM's tanh and gate sigmoids."""
        for layer in wavenet_layers(network):
            layer.primary, layer.secondary = _fast(layer.primary), _fast(layer.secondary)
        if hasattr(network, "post"):
            network.post = [(_fast(act), conv) for act, conv in network.post]
        if hasattr(network, "blocks"):
            network.blocks = [(conv, norm, _fast(act)) for conv, norm, act in network.blocks]
        if hasattr(network, "sigmoid"):  # an LSTM
            network.tanh, network.sigmoid = fast_tanh, fast_sigmoid


def create_adapter():
    return FastTanhEngine()
