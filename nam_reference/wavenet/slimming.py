"""Slicing a slimmable WaveNet's full-size blob to a slim model ([WN-SLIM-7])."""

from __future__ import annotations

import numpy as np

from ..conv import WeightReader
from .config import WaveNetConfig


def slice_weights(full: WaveNetConfig, slim: WaveNetConfig, weights: np.ndarray) -> np.ndarray:
    """The slim model's blob: every tensor of the full layout cut to its leading rows and columns.

    The two layouts list the same tensors in the same order; only their shapes differ. A weight
    [out][in][k] keeps W[:out', :in', :] (all taps), a bias b[:out'].
    """
    reader = WeightReader(weights)
    parts = []
    for big, small in zip(full.layout(), slim.layout()):
        assert big.name == small.name
        tensor = reader.take(*big.shape)
        parts.append(tensor[tuple(slice(0, n) for n in small.shape)].ravel())
    reader.finish()
    return np.concatenate(parts)
