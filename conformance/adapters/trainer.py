"""A Python plugin adapter for the official trainer, neural-amp-modeler (import name `nam`).

    pytest conformance --impl=conformance/adapters/trainer.py \\
        --expectations conformance/expectations/trainer.toml

Every file goes through the trainer's own import, `nam.models.init_from_nam`, and runs
in its PyTorch models: nothing here reads a weight or computes a sample. The trainer's forward
pass takes a whole signal and `pad_start=True` prepends RF − 1 zeros (the silent past, [DIV-2]);
to stream, this adapter keeps what the next block needs: the last RF − 1 inputs of a Linear or
WaveNet model, or an LSTM's hidden and cell states, so that any cut into blocks gives the output
of one call on the whole signal.

The importer knows Linear, LSTM and WaveNet in the key forms the trainer exports. Features it
cannot run are declared unsupported, and files using them are refused before the import: for
some of them (head_dilation, condition_dsp, the legacy `gated` key, FiLM objects without
`active`, a PReLU named without its slope) the importer itself would load the file and compute
something else. Any other exception of the import, or of a first one-sample run, is the
trainer refusing the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from nam import __version__ as trainer_version
from nam.models import init_from_nam
from nam.models.recurrent import LSTM

from conformance.adapters import Rejected, Unsupported
from nam_reference.features import features

# Feature tags of spec/features.txt the trainer cannot run, and why (the clauses of spec section 20).
UNSUPPORTED = {
    "arch.convnet": "the importer knows Linear, LSTM and WaveNet only",
    "arch.container": "the importer knows Linear, LSTM and WaveNet only",
    "arch.sequential": "the importer knows Linear, LSTM and WaveNet only; 0.13.0 exports only the experimental "
                       "Sequential form [DIV-22]",
    "env.multichannel": "mono only: Linear and LSTM take no in_channels, a WaveNet's output must be one channel",
    "wavenet.condition_dsp": "the importer drops condition_dsp; the trainer runs a WaveNet one only [DIV-16]",
    "wavenet.head_dilation": "the importer drops head_dilation [DIV-6]",
    "wavenet.legacy_head": "the importer needs the head object, not head_size/head_bias [DIV-36]",
    "wavenet.gated_legacy": "the importer ignores the legacy gated key [DIV-13]",
    "wavenet.film.implicit_active": "the importer reads a FiLM without `active` as inactive [DIV-10]",
    "act.fasttanh": "not a PyTorch activation [DIV-7]",
    "act.prelu": "a PReLU named alone gets PyTorch's slope 0.25, and its object form is refused [DIV-33]",
    "act.prelu_per_channel": "the importer loses per-channel PReLU slopes [DIV-31]",
}


class TrainerAdapter:
    name = "neural-amp-modeler (trainer)"
    version = trainer_version

    def capabilities(self) -> dict:
        return {
            "features": "all",
            "unsupported_features": sorted(UNSUPPORTED),
            "initial_state": "silent",
            "numerics": "exact",
            "reports": ["sample_rate", "receptive_field"],
            "max_block": None,
            "stateful": True,
            "set_size": True,
        }

    def load(self, path: str) -> "TrainerModel":
        try:
            document = json.loads(Path(path).read_bytes())  # the trainer reads files with Python's json
        except (ValueError, RecursionError) as exc:
            raise Rejected(f"not JSON: {type(exc).__name__}: {exc}") from None
        try:
            tags = features(document) if isinstance(document, dict) else set()
        except ValueError:
            tags = set()  # an invalid file: the import below decides what the trainer does with it
        missing = sorted(tags & set(UNSUPPORTED))
        if missing:
            raise Unsupported(missing[0], UNSUPPORTED[missing[0]])
        try:
            model = TrainerModel(init_from_nam(document))
            model.process(np.zeros((1, 1), dtype=np.float32))
        except Exception as exc:
            raise Rejected(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None
        model.reset()
        return model


class TrainerModel:
    def __init__(self, model):
        self.model = model.eval()
        self.recurrent = isinstance(model, LSTM)
        self.reset()

    def info(self) -> dict:
        return {"sample_rate": self.model.sample_rate, "receptive_field": self.model.receptive_field}

    def reset(self) -> None:
        if self.recurrent:
            h, c = self.model._initial_state(1)  # the stored h0 and c0, batched: (layers × 1 × hidden)
            self.state = (h.detach().clone(), c.detach().clone())
        else:
            self.history = torch.zeros(self.model.receptive_field - 1)  # the zeros pad_start would add

    @torch.no_grad()
    def process(self, block: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(np.array(block[0], dtype=np.float32))
        if len(x) == 0:
            return np.zeros((1, 0), dtype=np.float32)
        if self.recurrent:  # LSTM._forward with the state carried from the previous block
            hidden, self.state = self.model._core(x[None, :, None], self.state)
            y = self.model._apply_head(hidden)[0]
        else:
            window = torch.cat([self.history, x])
            y = self.model(window, pad_start=False)
            self.history = window[len(window) - len(self.history):]
        return y.numpy()[None, :]

    def set_size(self, size: float) -> None:
        """Slimmable WaveNets only; a change of the trainer's width selection restarts from the
        initial state, as a newly selected model does ([STREAM-7])."""
        network = getattr(self.model, "_net", None)
        if network is None or not network.is_slimmable():
            return
        before = self._selection()
        network.set_slimming(float(size))
        if self._selection() != before:
            self.reset()

    def _selection(self) -> tuple:
        return tuple(m._get_slim_indices() for m in self.model.modules() if hasattr(m, "_get_slim_indices"))


def create_adapter() -> TrainerAdapter:
    torch.set_num_threads(1)  # one sample-sized call at a time gains nothing from threads
    return TrainerAdapter()
