"""Loudness and gain of a model ([LOUD-1] to [LOUD-3]), for writers that store them in metadata.

The standard stimulus is not part of this project ([LOUD-1]); it is looked up in NAM_LOUDNESS_STIMULUS,
beside the checkout (../shared/stimulus/, or NAM_SHARED_DIR/stimulus/), or in an installed
neural-amp-modeler trainer, and accepted only with the spec's SHA-256.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from pathlib import Path

import numpy as np

from nam_reference import loudness as reference_loudness

STIMULUS_SHA256 = reference_loudness.STANDARD_SHA256
STIMULUS_NAME = "loudness_input.wav"


def _candidates() -> list[Path]:
    found = []
    if os.environ.get("NAM_LOUDNESS_STIMULUS"):
        found.append(Path(os.environ["NAM_LOUDNESS_STIMULUS"]))
    shared = Path(os.environ.get("NAM_SHARED_DIR", Path(__file__).resolve().parent.parent.parent / "shared"))
    found.append(shared / "stimulus" / STIMULUS_NAME)
    spec = importlib.util.find_spec("nam")  # the trainer ships the stimulus; finding it does not import it
    if spec is not None and spec.submodule_search_locations:
        found += [Path(p) / "models" / "_resources" / STIMULUS_NAME for p in spec.submodule_search_locations]
    return found


@functools.lru_cache(maxsize=1)
def stimulus_path() -> Path | None:
    """The standard stimulus, or None when no copy with the right checksum is available."""
    for path in _candidates():
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == STIMULUS_SHA256:
            return path
    return None


@functools.lru_cache(maxsize=1)
def stimulus() -> np.ndarray:
    """48,000 float32 samples: the 24-bit PCM stimulus decoded as integer / 2^23 ([LOUD-1])."""
    path = stimulus_path()
    if path is None:
        raise FileNotFoundError(f"the loudness stimulus {STIMULUS_NAME} (SHA-256 {STIMULUS_SHA256[:12]}…) was not "
                                "found; set NAM_LOUDNESS_STIMULUS to its path")
    return reference_loudness.standard_stimulus(path)


def loudness_and_gain(model) -> tuple[float, float] | None:
    """[LOUD-2] and [LOUD-3] of a loaded model at full size; None when its output is silent ([LOUD-4])."""
    measured = reference_loudness.measure(model, stimulus())
    return None if measured.loudness is None else (measured.loudness, measured.gain)
