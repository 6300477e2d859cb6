"""The interface every adapter mode presents to the checks."""

from __future__ import annotations

import abc

import numpy as np

from .errors import ImplementationError, NonFiniteOutput, WrongChannelCount, WrongLength


class Implementation(abc.ABC):
    """An implementation under test. Subclasses set `name`, `version`, `mode` and `capabilities`."""

    name = "unknown"
    version = "unknown"
    mode = "unknown"
    capabilities: dict = {}

    @abc.abstractmethod
    def load(self, path: str) -> "Handle":
        """Load a model file; raises Rejected, Unsupported or ImplementationError."""

    def close(self) -> None:
        """Release the implementation (stop its process)."""


class Handle(abc.ABC):
    """A loaded model. `process` continues from the model's current state."""

    # The model's output channels by the spec, when the suite knows them (it sets this after loading
    # a file of its own): output with another count is the implementation's error.
    out_channels: int | None = None

    @abc.abstractmethod
    def info(self) -> dict:
        """The facts the implementation reports ([STREAM-11])."""

    @abc.abstractmethod
    def process(self, x: np.ndarray, blocks: list[int] | None = None) -> np.ndarray:
        """Run (channels × n) float32 input as consecutive blocks; returns (out_channels × n)."""

    @abc.abstractmethod
    def reset(self) -> None:
        """Return to the initial state ([STATE-6])."""

    @abc.abstractmethod
    def set_size(self, size: float) -> None:
        """Select the size of a slimmable model ([STREAM-7])."""

    def close(self) -> None:
        """Unload the model."""


def split(x: np.ndarray, blocks: list[int] | None) -> list[np.ndarray]:
    """Cut a (channels × n) signal into consecutive blocks (one block when `blocks` is None)."""
    if blocks is None:
        return [x]
    if sum(blocks) != x.shape[1] or any(b < 1 for b in blocks):
        raise ValueError(f"block lengths {blocks[:5]}... do not add up to {x.shape[1]}")
    edges = np.cumsum([0] + list(blocks))
    return [x[:, a:b] for a, b in zip(edges[:-1], edges[1:])]


def checked_output(y, frames: int, what: str, channels: int | None = None) -> np.ndarray:
    """The implementation's output as float32 (channels × frames), or a typed ImplementationError."""
    try:
        y = np.asarray(y, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ImplementationError(f"{what} returned something that is not audio: {exc}") from None
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2 or y.shape[1] != frames:
        raise WrongLength(f"{what} returned {y.shape[-1] if y.ndim else 0} samples for {frames}")
    if channels is not None and y.shape[0] != channels:
        raise WrongChannelCount(f"{what} returned {y.shape[0]} output channels; the model has {channels}")
    if not np.all(np.isfinite(y)):
        bad = int(np.flatnonzero(~np.isfinite(y).all(axis=0))[0])
        raise NonFiniteOutput(f"{what} returned a non-finite sample at index {bad} for finite input ([NUM-7])")
    return y
