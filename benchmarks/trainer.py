"""Running a document through the neural-amp-modeler trainer (PyTorch), the speed the reference is held to."""

from __future__ import annotations

import importlib.util

import numpy as np

from .cases import SAMPLE_RATE

SEGMENT = 10 * SAMPLE_RATE  # longer signals are rendered in segments of this many samples


def available() -> bool:
    """Whether the trainer (`nam`) and PyTorch can be imported."""
    return all(importlib.util.find_spec(name) is not None for name in ("nam", "torch"))


def load(doc: dict):
    """The trainer's model for a document from `cases.trainer_document`, in inference mode, on one thread."""
    import torch
    from nam.models._from_nam import init_from_nam

    torch.set_num_threads(1)
    net = init_from_nam(doc)
    net.eval()
    return net


def render(net, x: np.ndarray, stateful: bool) -> np.ndarray:
    """The trainer's output for x from the silent past: a forward pass with `pad_start=True`.

    A convolutional model given more than SEGMENT samples runs segment by segment, each segment
    preceded by receptive field − 1 samples of context (as the trainer's own long-signal fallback
    does): the same output, without holding every layer's activations for the whole signal in
    memory. A `stateful` model (an LSTM) runs in one pass, which the trainer splits itself.
    """
    import torch

    signal = torch.from_numpy(x)
    with torch.no_grad():
        if stateful or len(x) <= SEGMENT:
            return net(signal, pad_start=True).numpy()
        context = net.receptive_field - 1
        padded = torch.cat([torch.zeros(context), signal])
        return torch.cat([net(padded[start:start + context + SEGMENT], pad_start=False)
                          for start in range(0, len(x), SEGMENT)]).numpy()
