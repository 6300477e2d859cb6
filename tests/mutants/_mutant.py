"""What the plugin mutants share: the example reference adapter, with one place to inject a bug.

A mutant subclasses `Mutant` and overrides one hook:

- `declared`: capabilities that differ from the reference's;
- `rewrite(document)`: what the engine reads from a valid file (a copy it may change);
- `accept(report, document)`: whether to load a file the reference refuses (fixing it first);
- `mutate(network)`: each network the reference builds (a WaveNet, an LSTM, a condition_dsp...);
- `model_class`: the loaded model (`process`, `reset`, `set_size`, `info`).

Nothing here changes the reference itself: the suite computes its expected outputs with the same
interpreter in the same process, so a mutant only ever touches its own objects.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import numpy as np

import nam_reference
from nam_reference import nested_models
from conformance.adapters import Rejected
from conformance.adapters.reference import ReferenceAdapter, ReferenceModel


class Mutant(ReferenceAdapter):
    declared: dict = {}
    model_class = ReferenceModel

    @property
    def name(self) -> str:
        return f"mutant {type(self).__module__.removeprefix('_nam_conformance_adapter_')}"

    def capabilities(self) -> dict:
        return {**super().capabilities(), **self.declared}

    def rewrite(self, document: dict) -> dict | None:
        """The document the engine computes with; None when it reads the file as written."""
        return None

    def accept(self, report, document) -> dict | None:
        """A document to load in place of a file the reference refuses; None to refuse it."""
        return None

    def mutate(self, network) -> None:
        """Change one network the reference built (called once for each, nested ones included)."""

    def load(self, path: str):
        report, spec = nam_reference.check(path)
        if spec is None:
            document = self.accept(report, _parsed(path))
            if document is None:
                raise Rejected("; ".join(p.line() for p in report.errors[:3]))
            spec = nam_reference.load_spec(document)
        rewritten = self.rewrite(json.loads(Path(path).read_bytes())) if report.ok else None
        if rewritten is not None:
            spec = nam_reference.load_spec(rewritten)
        return self.model_class(HookedModel(spec, self.mutate), self.initial_state)


class HookedModel(nam_reference.Model):
    """The reference model, handing every network it builds to a mutation first."""

    def __init__(self, spec, mutate):
        super().__init__(spec)
        self._mutate = mutate

    def _network(self, key):
        if key not in self._networks:
            for network in networks(super()._network(key)):
                self._mutate(network)
        return self._networks[key]


def networks(network):
    """A network and the networks nested in it (a WaveNet's condition_dsp, the models of a Sequential)."""
    yield network
    condition = getattr(network, "condition", None)
    if condition is not None:
        yield from networks(condition)
    for model in getattr(network, "networks", ()):
        yield from networks(model)


def wavenet_layers(network):
    """The layers of a WaveNet network (none for other architectures)."""
    return [layer for array in getattr(network, "arrays", ()) for layer in array.layers]


def patch(obj, **methods) -> None:
    """Give one object, not its whole class, new methods (special ones such as __call__ included)."""
    obj.__class__ = type(type(obj).__name__, (type(obj),), methods)



def edited(document: dict, edit) -> dict:
    """A copy of the document with `edit(model)` applied to it and to every nested model."""
    document = copy.deepcopy(document)
    for model in nested_models(document):
        edit(model)
    return document


def blob_counts(report) -> dict[str, int] | None:
    """{JSON pointer of a model: the count its config needs} when every error is a wrong count."""
    counts = {}
    for problem in report.errors:
        found = re.search(r"needs exactly (\d+) weights", problem.message)
        if problem.clause != "W-3" or found is None:
            return None
        counts[problem.path.removesuffix("/weights")] = int(found.group(1))
    return counts or None


def at_pointer(document, pointer: str):
    for part in pointer.split("/")[1:]:
        document = document[int(part) if isinstance(document, list) else part]
    return document


def resized(document: dict, pointer: str, count: int) -> None:
    """Cut or zero-pad a model's blob to `count` weights, as an engine reading it blindly would."""
    model = at_pointer(document, pointer)
    weights = model["weights"][:count]
    model["weights"] = weights + [0.0] * (count - len(weights))


def _parsed(path: str):
    try:
        return json.loads(Path(path).read_bytes())
    except (ValueError, RecursionError):  # a file nested too deep for Python's json ([LIM-1])
        return None


class Windowed(ReferenceModel):
    """An engine that keeps the last inputs itself and computes each block from them: the output
    of a block is the reference's from the silent past over [kept history | block]. With the whole
    receptive field kept (RF − 1 samples) this is exact; `kept` and `history` say how it goes wrong."""

    def __init__(self, model, initial_state):
        super().__init__(model, initial_state)
        self.past = None  # every input so far, after RF − 1 zeros (the silent past)
        self.longest = 0

    def kept(self, rf: int) -> int:
        return rf - 1

    def history(self, rf: int, n: int) -> np.ndarray:
        """The inputs this engine believes preceded the current block."""
        keep = self.kept(rf)
        return self.past[:, self.past.shape[1] - keep:]

    def process(self, block: np.ndarray) -> np.ndarray:
        rf = self.model.receptive_field(self.size)
        if rf is None:
            return super().process(block)
        if self.past is None:
            self.past = np.zeros((block.shape[0], rf), dtype=np.float32)
        n = block.shape[1]
        self.longest = max(self.longest, n)
        window = np.concatenate([self.history(rf, n), block], axis=1)
        self.past = np.concatenate([self.past, block], axis=1)[:, -(rf + self.longest):]
        return self.model.process(window, size=self.size)[:, window.shape[1] - n:]

    def reset(self) -> None:
        super().reset()
        self.past, self.longest = None, 0
