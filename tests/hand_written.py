"""Helpers for the `.nam` documents the tests write by hand (their weights chosen so that the expected
output can be worked out by hand or by the per-sample interpreter, tests/per_sample.py)."""

from __future__ import annotations


def make_document(architecture: str, config: dict, weights, **envelope) -> dict:
    """A version 0.7.0 document with the given parts."""
    return {"version": "0.7.0", "architecture": architecture, "config": config,
            "weights": [float(w) for w in weights], **envelope}


def wavenet_document(layers: list, weights, **config) -> dict:
    """A WaveNet document whose config.head_scale equals the head scale it uses (the last weight)."""
    return make_document("WaveNet", {"layers": layers, "head_scale": float(weights[-1]), **config}, weights)


def layer_array(**keys) -> dict:
    """A one-layer array with one input, condition and residual channel, kernel 1, ReLU and a legacy head
    of size 1 without bias; `keys` change or add keys."""
    return {"input_size": 1, "condition_size": 1, "channels": 1, "dilations": [1], "kernel_size": 1,
            "activation": "ReLU", "head_size": 1, "head_bias": False, **keys}
