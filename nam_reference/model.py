"""A loaded model: derived facts, batch processing and streaming (spec sections 15 and 16)."""

from __future__ import annotations

import copy

import numpy as np

from .container import ContainerConfig
from .envelope import ModelSpec
from .problems import NonFiniteOutputError
from .readings import EXACT, Reading
from .sequential import SequentialConfig, SequentialNetwork

# Batch processing runs blocks of this many samples, so memory stays bounded. Small enough that a
# block's signals stay in cache and a 16-channel product stays a "small" matrix for BLAS; large
# enough that the per-block Python overhead is small (docs/benchmarks.md).
CHUNK = 3072
INITIAL_STATES = ("silent", "cold")  # [STATE-4] and [STATE-2]
FULL_SIZE = 1.0


class Model:
    """A validated model ready to run.

    `process(x)` renders a whole signal; `stream()` gives a block-by-block processor. Both start from
    the silent past unless `initial_state="cold"`. Computation is in `dtype` (float32 is normative;
    float64 serves error analysis), as `reading` says (the normative reading by default; named
    approximations and dialects, spec section 21, for judging and explaining engines).
    """

    def __init__(self, spec: ModelSpec, dtype=np.float32, reading: Reading = EXACT):
        self.spec = spec
        self.dtype = np.dtype(dtype).type
        self.reading = reading
        self._networks: dict = {}
        self._initial: dict = {}

    # Facts ([STREAM-11]).

    @property
    def architecture(self) -> str:
        return self.spec.architecture

    @property
    def version(self) -> str:
        return ".".join(map(str, self.spec.version))

    @property
    def sample_rate(self) -> float:
        return self.spec.sample_rate

    @property
    def sample_rate_defaulted(self) -> bool:
        return self.spec.sample_rate_defaulted

    @property
    def metadata(self) -> dict:
        return self.spec.metadata or {}

    @property
    def in_channels(self) -> int:
        return self.spec.in_channels

    @property
    def out_channels(self) -> int:
        return self.spec.out_channels

    @property
    def weight_count(self) -> int:
        """The length of this model's own blob (nested models not included)."""
        return self.spec.config.weight_count()

    @property
    def total_weight_count(self) -> int:
        return sum(m.config.weight_count() for m in all_models(self.spec))

    @property
    def slimmable(self) -> bool:
        return self.is_container or getattr(self.spec.config, "slimmable", False)

    @property
    def is_container(self) -> bool:
        return isinstance(self.spec.config, ContainerConfig)

    @property
    def is_sequential(self) -> bool:
        return isinstance(self.spec.config, SequentialConfig)

    @property
    def breakpoints(self) -> list[float]:
        return self.spec.config.breakpoints() if self.slimmable else []

    def submodel(self, size: float | None = None) -> ModelSpec:
        """The model that runs at `size`: a container's selected submodel ([CONT-6]), else this model."""
        if not self.is_container:
            return self.spec
        cfg = self.spec.config
        return cfg.submodels[cfg.index_for_size(size)]

    def receptive_field(self, size: float | None = None) -> int | None:
        """The receptive field in samples at `size` (None when unbounded, [LSTM-7])."""
        if self.is_sequential:
            return self.spec.config.receptive_field(size)
        return self.submodel(size).config.receptive_field()

    def receptive_field_is_exact(self, size: float | None = None) -> bool:
        """Whether some input at the receptive field's oldest sample can change the output ([WN-RF-4])."""
        if self.is_sequential:
            return self.spec.config.receptive_field_is_exact(self.spec.weights, size)
        sub = self.submodel(size)
        return bool(sub.config.receptive_field_is_exact(sub.weights))

    def conv_receptive_field(self, size: float | None = None) -> int:
        if self.is_sequential:
            return self._rf_star(self.selection(size))
        return self.submodel(size).config.conv_receptive_field()  # RF* of [STATE-3]

    @property
    def loudness(self) -> float | None:
        """The stored loudness a reader reports ([META-5], [LOUD-7])."""
        value = self.metadata.get("loudness")
        if value is None and self.is_container:
            value = (self.spec.config.submodels[-1].metadata or {}).get("loudness")
        return value

    # Running.

    def selection(self, size: float | None):
        """A key that changes exactly when the running submodel or slim widths change ([STREAM-7])."""
        return _selection(self.spec, size, inclusive=self.reading.speaks("DIV-17"))  # [DIALECT-5]

    def _network(self, key):
        if key not in self._networks:
            self._networks[key] = _build(self.spec, key, self.dtype, self.reading)
        return self._networks[key]

    def _rf_star(self, key) -> int:
        return _rf_star(self.spec, key)

    def initial_state(self, key, initial_state: str = "silent"):
        """A fresh copy of the state a model starts from after load or reset ([STATE-6])."""
        if initial_state not in INITIAL_STATES:
            raise ValueError(f"initial_state must be one of {INITIAL_STATES}")
        if (key, initial_state) not in self._initial:
            net = self._network(key)
            state = net.new_state()  # the cold state ([STATE-2])
            if initial_state == "silent":  # advance by RF* − 1 zero samples ([STATE-4])
                remaining = self._rf_star(key) - 1
                while remaining > 0:
                    n = min(CHUNK, remaining)
                    net.process(np.zeros((net.in_channels, n), dtype=self.dtype), state)
                    remaining -= n
            self._initial[(key, initial_state)] = state
        return copy.deepcopy(self._initial[(key, initial_state)])

    def stream(self, size: float | None = None, initial_state: str = "silent") -> "Stream":
        return Stream(self, size, initial_state)

    def process(self, x, size: float | None = None, initial_state: str = "silent", progress=None) -> np.ndarray:
        """Render a whole signal (1-D for one channel, or channels × samples) in CHUNK-sized blocks."""
        stream = self.stream(size, initial_state)
        x2 = _as_channels(x, self.in_channels, self.dtype)
        out = np.empty((self.out_channels, x2.shape[1]), dtype=self.dtype)
        for start in range(0, x2.shape[1], CHUNK):
            out[:, start:start + CHUNK] = stream._process(x2[:, start:start + CHUNK])
            if progress is not None:
                progress(min(start + CHUNK, x2.shape[1]), x2.shape[1])
        return out[0] if np.ndim(x) == 1 and self.out_channels == 1 else out


class Stream:
    """Block-by-block processing with carried state ([STREAM-1] to [STREAM-7])."""

    def __init__(self, model: Model, size: float | None, initial_state: str):
        self.model = model
        self.size = size
        self.initial_state = initial_state
        self._key = model.selection(size)
        self._state = model.initial_state(self._key, initial_state)

    def set_size(self, size: float | None) -> None:
        """Takes effect at the next block; a new submodel or width starts from its initial state."""
        self.size = size

    def reset(self) -> None:
        self._key = self.model.selection(self.size)
        self._state = self.model.initial_state(self._key, self.initial_state)

    def process(self, block) -> np.ndarray:
        x2 = _as_channels(block, self.model.in_channels, self.model.dtype)
        y = self._process(x2)
        return y[0] if np.ndim(block) == 1 and self.model.out_channels == 1 else y

    def _process(self, x2: np.ndarray) -> np.ndarray:
        key = self.model.selection(self.size)
        if key != self._key:
            self._key, self._state = key, self.model.initial_state(key, self.initial_state)
        if x2.shape[1] == 0:
            return np.zeros((self.model.out_channels, 0), dtype=self.model.dtype)  # [STREAM-5]
        network = self.model._network(self._key)
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported by _finite ([NUM-10])
            return self._run(network, x2)

    def _run(self, network, x2: np.ndarray) -> np.ndarray:
        if x2.shape[1] <= CHUNK:
            return _finite(network.process(x2, self._state), x2)
        # A longer block runs in CHUNK-sized pieces, like a whole signal: bounded memory ([STREAM-4]).
        return np.concatenate([_finite(network.process(x2[:, start:start + CHUNK], self._state), x2[:, start:start + CHUNK])
                               for start in range(0, x2.shape[1], CHUNK)], axis=1)


def _finite(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """y, unless finite input gave a non-finite sample: that is reported, never returned ([NUM-10])."""
    if not np.isfinite(y).all() and np.isfinite(x).all():
        channel, sample = np.argwhere(~np.isfinite(y))[0]
        raise NonFiniteOutputError(int(channel), int(sample))
    return y


def _as_channels(x, channels: int, dtype) -> np.ndarray:
    a = np.asarray(x, dtype=dtype)
    if a.ndim == 1:
        if channels != 1:
            raise ValueError(f"the model takes {channels} input channels; got a 1-D signal")
        return a[None, :]
    if a.ndim != 2 or a.shape[0] != channels:
        raise ValueError(f"expected {channels} × samples; got shape {a.shape}")
    return a


def all_models(spec: ModelSpec):
    """A checked model and every model nested in it ([ENV-5]), root first: what envelope.nested_models is
    for documents."""
    yield spec
    cond = getattr(spec.config, "condition", None)
    if cond is not None:
        yield from all_models(cond)
    for sub in getattr(spec.config, "submodels", ()):
        yield from all_models(sub)
    for child in getattr(spec.config, "children", ()):
        yield from all_models(child)


def _selection(spec: ModelSpec, size: float | None, inclusive: bool = False):
    """`inclusive`: a container selects with size ≤ max_value (NeuralAudio, [DIALECT-5])."""
    v = FULL_SIZE if size is None else float(size)
    cfg = spec.config
    if isinstance(cfg, ContainerConfig):
        return ("submodel", cfg.index_for_size(None if size is None else v, inclusive))
    if isinstance(cfg, SequentialConfig):  # one size reaches every child ([SEQ-6])
        return ("chain", tuple(_selection(c, size, inclusive) for c in cfg.children))
    if getattr(cfg, "slimmable", False):
        return ("widths", cfg.widths_for_size(v))
    return None


def _build(spec: ModelSpec, key, dtype, reading: Reading = EXACT):
    """The network that runs `spec` at the selection `key`, computing as `reading` says."""
    if key is None:
        return spec.config.build(spec.weights, dtype, reading)
    if key[0] == "submodel":
        sub = spec.config.submodels[key[1]]
        return sub.config.build(sub.weights, dtype, reading)
    if key[0] == "chain":
        return SequentialNetwork([_build(c, k, dtype, reading) for c, k in zip(spec.config.children, key[1])])
    return spec.config.build_widths(spec.weights, dtype, key[1], reading)


def _rf_star(spec: ModelSpec, key) -> int:
    """RF* ([STATE-3]) of what runs at the selection `key`."""
    if key is not None and key[0] == "submodel":
        return spec.config.submodels[key[1]].config.conv_receptive_field()
    if key is not None and key[0] == "chain":  # [SEQ-8]: the silent past of the whole chain
        return 1 + sum(_rf_star(c, k) - 1 for c, k in zip(spec.config.children, key[1]))
    return spec.config.conv_receptive_field()
