"""The benchmark cases: the models, where they come from, and the test signal."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from pathlib import Path
from typing import Callable

import numpy as np

SAMPLE_RATE = 48000
ROOT = Path(__file__).resolve().parent.parent
SHARED_HELP = "set NAM_SHARED_DIR to the folder that holds models/*.nam"


class MissingModel(Exception):
    """A case's model file is not there; the case is skipped with this message."""


def shared_dir() -> Path:
    """The example models beside the checkout (../shared), or NAM_SHARED_DIR."""
    return Path(os.environ.get("NAM_SHARED_DIR", ROOT.parent / "shared"))


def shared_model(name: str) -> dict:
    path = shared_dir() / "models" / name
    if not path.is_file():
        raise MissingModel(f"{path} is absent ({SHARED_HELP})")
    return json.loads(path.read_text(encoding="utf-8"))


def container_submodel(name: str, index: int) -> dict:
    return shared_model(name)["config"]["submodels"][index]["model"]


def convnet_document(seed: int = 1) -> dict:
    """A ConvNet the size of a trained one (16 channels, dilations 1 to 512, batch norm, Tanh), with
    seeded random weights in the order of [CNN-3]."""
    rng = np.random.default_rng(seed)
    channels, dilations = 16, [2 ** i for i in range(10)]
    weights = []
    for block, _ in enumerate(dilations):
        c_in = 1 if block == 0 else channels
        weights += list(rng.normal(0, 1 / np.sqrt(2 * c_in), channels * c_in * 2))  # W_j [C][c_in][2]
        weights += list(rng.normal(0, 0.1, channels))  # mean
        weights += list(rng.uniform(0.5, 1.5, channels))  # var
        weights += list(rng.uniform(0.5, 1.5, channels))  # gamma
        weights += list(rng.normal(0, 0.1, channels))  # beta
        weights.append(1e-5)  # eps
    weights += list(rng.normal(0, 1 / np.sqrt(channels), channels)) + [0.0]  # head W [1][C], b
    return _document("ConvNet", {"channels": channels, "dilations": dilations, "batchnorm": True,
                                 "activation": "Tanh"}, weights)


def linear_document(seed: int = 2, taps: int = 1024) -> dict:
    """A Linear model: a seeded, exponentially decaying random impulse response of `taps` taps, and a bias."""
    rng = np.random.default_rng(seed)
    response = rng.normal(0, 1, taps) * np.exp(-np.arange(taps) / (taps / 8)) / np.sqrt(taps / 16)
    return _document("Linear", {"receptive_field": taps, "bias": True}, list(response) + [0.0])


def _document(architecture: str, config: dict, weights) -> dict:
    return {"version": "0.5.4", "architecture": architecture, "config": config,
            "weights": [float(np.float32(w)) for w in weights], "sample_rate": SAMPLE_RATE}


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    description: str
    document: Callable[[], dict]  # the .nam document; raises MissingModel when it is a shared file that is absent


CASES = (
    Case("a1_standard", "WaveNet A1 standard (wavenet_a1_standard.nam)",
         lambda: shared_model("wavenet_a1_standard.nam")),
    Case("a2_full", "WaveNet A2 full (A2.nam, submodel 1)", lambda: container_submodel("A2.nam", 1)),
    Case("a2_lite", "WaveNet A2 lite (A2.nam, submodel 0)", lambda: container_submodel("A2.nam", 0)),
    Case("lstm", "LSTM, 1 layer of 3 (lstm.nam)", lambda: shared_model("lstm.nam")),
    Case("convnet", "ConvNet, 16 channels, 10 blocks, batch norm (seeded weights)", convnet_document),
    Case("linear", "Linear, 1024 taps (seeded weights)", linear_document),
    Case("container", "SlimmableContainer at full size (slimmable_container.nam)",
         lambda: shared_model("slimmable_container.nam")),
)
CASES_BY_NAME = {case.name: case for case in CASES}


def trainer_document(doc: dict) -> dict | None:
    """The document the trainer's importer can run for `doc`, or None when it has no importer for it.

    A container becomes the submodel the container rule selects at full size ([CONT-6]); a WaveNet's
    keys take the forms the importer requires ([DIV-13]): a `head` object for `head_size`/`head_bias`,
    and one activation, gating mode and secondary activation per layer.
    """
    if doc["architecture"] == "SlimmableContainer":
        entries = doc["config"]["submodels"]
        index = next((i for i, e in enumerate(entries) if 1.0 < e["max_value"]), len(entries) - 1)
        return trainer_document(entries[index]["model"])
    if doc["architecture"] in ("Linear", "LSTM"):
        return doc
    if doc["architecture"] != "WaveNet":
        return None
    doc = copy.deepcopy(doc)
    config = doc["config"]
    config.setdefault("head", None)
    for layer_array in config["layers"]:
        _newer_wavenet_keys(layer_array)
    return doc


def _newer_wavenet_keys(layer_array: dict) -> None:
    n = len(layer_array["dilations"])
    if "head_size" in layer_array:  # [WN-ARR-13]: the legacy pair is a head of kernel 1
        layer_array["head"] = {"out_channels": layer_array.pop("head_size"), "kernel_size": 1,
                               "bias": layer_array.pop("head_bias")}
    gated = layer_array.pop("gated", False)
    modes = layer_array.get("gating_mode")
    if modes is None:  # [WN-ARR-6]: the legacy boolean, sigmoid-gated
        modes, secondary = ["gated" if gated else "none"] * n, [None] * n
    else:
        modes = modes if isinstance(modes, list) else [modes] * n
        secondary = layer_array.get("secondary_activation")
        secondary = secondary if isinstance(secondary, list) else [secondary] * n
    activation = layer_array["activation"]
    layer_array["activation"] = activation if isinstance(activation, list) else [activation] * n
    layer_array["gating_mode"] = modes
    # [WN-ARR-7]: a gated or blended layer without a secondary activation uses Sigmoid.
    layer_array["secondary_activation"] = [None if mode == "none" else (s or "Sigmoid")
                                           for mode, s in zip(modes, secondary)]


def test_signal(seconds: float, seed: int = 0) -> np.ndarray:
    """`seconds` of a seeded guitar-like signal at 48 kHz, float32: a plucked note every half second
    (four decaying harmonics) over faint noise. Built one note at a time, in float32, so that a long
    signal needs its own memory and no more."""
    n = round(seconds * SAMPLE_RATE)
    x = np.empty(n, dtype=np.float32)
    rng = np.random.default_rng(seed)
    note = SAMPLE_RATE // 2
    t = np.arange(note, dtype=np.float32) / np.float32(SAMPLE_RATE)
    decay = np.exp(np.float32(-4) * t)
    for start in range(0, n, note):
        f0 = 82.41 * 2 ** (rng.integers(0, 24) / 12)  # E2 up to two octaves above
        tone = sum(np.sin(np.float32(2 * np.pi * k * f0) * t) / np.float32(k) for k in range(1, 5))
        block = np.float32(0.4) * decay * tone + np.float32(0.005) * rng.standard_normal(note, dtype=np.float32)
        x[start:start + note] = block[:n - start]
    return x
