"""`python -m generators fixtures`: rebuild fixtures/cases/ and fixtures/MANIFEST.json.

The corpus has three parts:
- `hand.*`: tiny models whose outputs tests/test_fixtures.py works out by hand;
- one case per feature tag of spec/features.txt (the case id is the tag), drawn with that tag
  requested, plus a few at a slimmable size below 1;
- `realistic.*`: WaveNets shaped like the trainer's A1 "standard" preset and like A2 exports (and an
  A2-shaped packed container), with seeded random weights and short inputs;
- `metadata.loudness`: a model whose metadata holds the loudness and gain of [LOUD-2] and [LOUD-3].
Seeds are fixed, so a rebuild writes the same models and inputs; expected outputs can move by a few
units in the last place if NumPy's arithmetic changes, which the fixture tolerance absorbs.
"""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import numpy as np

import nam_reference
from nam_reference.features import registry

from . import cases, documents, realistic, strategies
from .models import Draft
from .source import RandomSource

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
INPUT_LENGTH = 2048
ATTEMPTS = 20


def fixture_input(channels: int, length: int = INPUT_LENGTH, seed: int = 0) -> np.ndarray:
    """An impulse (the impulse response comes first), noise, then a logarithmic sweep; per channel."""
    rows = []
    for c in range(channels):
        rng = np.random.default_rng([seed, c])
        x = np.zeros(length)
        x[3 + c] = 0.8
        x[64:512] = rng.uniform(-0.5, 0.5, 448)
        n = length - 512
        t = np.arange(n) / 48000.0
        duration = n / 48000.0
        x[512:] = 0.5 * np.sin(2 * np.pi * 20.0 * duration / np.log(1000.0) * (np.exp(t / duration * np.log(1000.0)) - 1)
                               + c)
        rows.append(x)
    out = np.asarray(rows, dtype=np.float32)
    return out[0] if channels == 1 else out


# Hand-computable models: tests/test_fixtures.py states their outputs as formulas.

HAND_INPUT = np.array([1.0, 0.0, 0.0, 0.0, 2.0, -1.0, 0.5, 0.0, -0.75, 0.25, 0.0, 1.0, -2.0, 0.3, 0.0, 0.0,
                       0.6, -0.6, 0.9, 0.1, 0.0, 0.0, -0.4, 0.2], dtype=np.float32)


def _doc(architecture: str, config: dict, weights: list, version: str = "0.7.0") -> dict:
    return {"version": version, "architecture": architecture, "config": config, "weights": weights,
            "sample_rate": 48000}


def hand_models() -> dict[str, tuple[dict, float | None, str]]:
    """id -> (document, size, description)."""
    linear = _doc("Linear", {"receptive_field": 3, "bias": True}, [1.0, 0.5, -0.25, 0.125], "0.5.4")
    convnet = _doc("ConvNet", {"channels": 1, "dilations": [2], "batchnorm": False, "activation": "ReLU"},
                   [0.5, 1.0, -0.1, 2.0, 0.25], "0.5.4")
    convnet_bn = _doc("ConvNet", {"channels": 1, "dilations": [1], "batchnorm": True, "activation": "Tanh"},
                      [0.5, 1.0, 0.1, 4.0, 2.0, -0.5, 0.0, 1.5, 0.0], "0.5.4")
    lstm = _doc("LSTM", {"input_size": 1, "hidden_size": 1, "num_layers": 1},
                [0.5, 0.1, 1.0, 0.2, 0.8, -0.3, 0.6, 0.4, 0.0, 1.0, 0.0, 0.5, 0.0, 0.0, 2.0, 0.1], "0.5.4")
    wavenet = _doc("WaveNet", {"layers": [{
        "input_size": 1, "condition_size": 1, "channels": 1, "kernel_size": 2, "dilations": [2],
        "activation": "Tanh", "head_size": 1, "head_bias": True}], "head_scale": 0.5},
        [1.5, 0.5, -1.0, 0.1, 0.25, 0.7, 0.05, 2.0, -0.2, 0.5], "0.5.4")
    gated = _doc("WaveNet", {"layers": [{
        "input_size": 1, "condition_size": 1, "channels": 1, "kernel_size": 1, "dilations": [1],
        "activation": "Tanh", "gating_mode": "gated", "layer1x1": {"active": False, "groups": 1},
        "head_size": 1, "head_bias": False}], "head_scale": 1.0},
        [1.0, 1.0, 0.5, 0.0, 0.2, 0.3, -0.4, 1.0, 1.0], "0.6.0")
    sub = [_doc("Linear", {"receptive_field": 1, "bias": False}, [w], "0.5.4") for w in (2.0, -0.5)]
    for s in sub:
        del s["sample_rate"]
    container = _doc("SlimmableContainer", {"submodels": [{"max_value": 0.5, "model": sub[0]},
                                                          {"max_value": 1.0, "model": sub[1]}]}, [])
    slimmable = _doc("WaveNet", {"layers": [{
        "input_size": 1, "condition_size": 1, "channels": 2, "kernel_size": 1, "dilations": [1],
        "activation": "ReLU", "layer1x1": {"active": False, "groups": 1}, "head_size": 1, "head_bias": False,
        "slimmable": {"method": "slice_channels_uniform", "kwargs": {"allowed_channels": [1, 2]}}}],
        "head_scale": 0.8},
        [1.0, 2.0, 0.5, -0.3, 0.2, 0.4, 0.1, -0.1, 0.25, 0.5, 1.0, -1.0, 0.8])
    return {
        "hand.linear": (linear, None, "three taps and a bias: y[t] = 0.125 + x[t] + 0.5 x[t-1] - 0.25 x[t-2]"),
        "hand.convnet": (convnet, None, "one block of dilation 2, ReLU, a 1x1 head"),
        "hand.convnet_batchnorm": (convnet_bn, None, "one batch-normalised block, Tanh, a 1x1 head"),
        "hand.lstm": (lstm, None, "one LSTM unit whose zero state is steady"),
        "hand.wavenet": (wavenet, None, "one layer of one channel, kernel 2, dilation 2, Tanh"),
        "hand.wavenet_gated": (gated, None, "one gated layer (Tanh times Sigmoid) without layer1x1"),
        "hand.container.below_threshold": (container, 0.25, "size 0.25 selects the first submodel"),
        "hand.container.at_threshold": (container, 0.5, "size 0.5, exactly at a threshold, selects the next"),
        "hand.container.default": (container, None, "no size: the last submodel ([CONT-6])"),
        "hand.slimmable.narrow": (slimmable, 0.0, "size 0 slices every tensor to width 1 ([WN-SLIM-7])"),
        "hand.slimmable.full": (slimmable, None, "the full two-channel model"),
    }


# Feature cases: the id is the tag.

def _seed(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def feature_document(tag: str) -> tuple[dict, int]:
    """A small document drawn with `tag` requested, and the seed that drew it."""
    options = strategies.root_plans(features={tag})
    for attempt in range(ATTEMPTS):
        seed = (_seed(tag) + attempt) % 2**32
        try:
            return strategies.draw_document(RandomSource(seed), options), seed
        except documents.Unusable:
            continue
    raise RuntimeError(f"no usable document for {tag}")


# Realistic shapes.

def realistic_documents() -> dict[str, tuple[dict, int, str]]:
    out = {}
    seed = _seed("realistic.a1_standard")
    src = RandomSource(seed)
    out["realistic.a1_standard"] = (documents.from_draft(src, realistic.draft(src, realistic.a1_arrays(16, "standard")),
                                                         metadata=False), seed,
                                    "shaped like the trainer's A1 standard preset: 16 then 8 channels, dilations "
                                    "1 to 512 twice, Tanh")
    seed = _seed("realistic.a2")
    src = RandomSource(seed)
    out["realistic.a2"] = (documents.from_draft(src, realistic.draft(src, [realistic.a2_array(8)]), metadata=False),
                           seed, "shaped like an A2 export: 23 LeakyReLU layers of 8 channels, kernels 6 and 15, "
                                 "a kernel-16 head")
    seed = _seed("realistic.a2_packed")
    src = RandomSource(seed)
    head_scale = 0.01
    narrow, wide = (realistic.draft(src, [realistic.a2_array(c)], head_scale) for c in (3, 8))
    container = Draft("SlimmableContainer", {"submodels": [{"max_value": 0.5, "model": narrow},
                                                           {"max_value": 1.0, "model": wide}]},
                      [], 1, 1, wide.receptive_field, wide.rf_exact, (0, 7, 0))
    out["realistic.a2_packed"] = (documents.from_draft(src, container, metadata=False), seed,
                                  "an A2-shaped packed container: 3 and 8 channels, thresholds 0.5 and 1.0")
    return out


def build(out: Path = FIXTURES) -> list[dict]:
    """Write every case under out/cases/ and out/MANIFEST.json; returns the manifest entries."""
    built: dict[str, dict[str, bytes]] = {}

    for case_id, (doc, size, description) in hand_models().items():
        built[case_id] = cases.build_case(case_id, doc, HAND_INPUT, size=size, description=description, provenance={
            "model": "written by hand in generators/fixtures.py",
            "input": "24 samples written by hand",
            "cross_checks": ["the output worked out by hand in tests/test_fixtures.py",
                             "tests/naive.py (loop-based, float64)", "the float64 reference output"],
        })

    for tag in sorted(registry()):
        doc, seed = feature_document(tag)
        model = nam_reference.load(doc)
        x = fixture_input(model.in_channels, seed=seed)
        provenance = {
            "model": f"generators.nam_files with features {{{tag!r}}}, drawn from RandomSource({seed})",
            "input": f"generators.fixtures.fixture_input(channels={model.in_channels}, seed={seed})",
            "seed": seed,
            "cross_checks": ["tests/naive.py (loop-based, float64) on the first samples",
                             "the float64 reference output", "the trainer, for files it can import"],
        }
        built[tag] = cases.build_case(tag, doc, x, size=None, provenance=provenance,
                                      description=f"a small model drawn to show {tag}: {registry()[tag]}")
        sizes = {"wavenet.slimmable": 0.0, "arch.container": 0.0, "container.packed": None}
        if tag in sizes and model.breakpoints:
            size = model.breakpoints[0] if tag == "container.packed" else sizes[tag]
            built[f"{tag}.size_{size:g}".replace("0.", "0_")] = cases.build_case(
                f"{tag}.size_{size:g}".replace("0.", "0_"), doc, x, size=size, provenance=provenance,
                description=f"the {tag} case at size {size:g}")

    for case_id, (doc, seed, description) in realistic_documents().items():
        x = fixture_input(1, seed=seed)
        provenance = {"model": f"generators.realistic shapes with weights from RandomSource({seed})",
                      "input": f"generators.fixtures.fixture_input(channels=1, seed={seed})", "seed": seed,
                      "cross_checks": ["the float64 reference output", "the trainer"]}
        built[case_id] = cases.build_case(case_id, doc, x, provenance=provenance, description=description)
        if doc["architecture"] == "SlimmableContainer":
            built[case_id + ".narrow"] = cases.build_case(case_id + ".narrow", doc, x, size=0.25,
                                                          provenance=provenance,
                                                          description=description + ", at size 0.25")

    seed = _seed("metadata.loudness")
    src = RandomSource(seed)
    doc = documents.from_draft(src, realistic.draft(src, realistic.a1_arrays(4, "lite")), metadata="loudness")
    built["metadata.loudness"] = cases.build_case(
        "metadata.loudness", doc, fixture_input(1, seed=seed),
        description="an A1-shaped WaveNet of 4 then 2 channels whose metadata stores its loudness and gain",
        provenance={"model": f"generators.realistic.a1_arrays(4, 'lite') with weights and metadata from "
                             f"RandomSource({seed})",
                    "input": f"generators.fixtures.fixture_input(channels=1, seed={seed})", "seed": seed,
                    "metadata": "loudness and gain measured per [LOUD-2] and [LOUD-3] on the standard stimulus",
                    "cross_checks": ["the float64 reference output", "loudness and gain recomputed in float64",
                                     "the trainer's own loudness and gain"]})

    target = out / "cases"
    if target.is_dir():
        for stale in target.iterdir():
            if (stale / "case.json").is_file() and stale.name not in built:
                shutil.rmtree(stale)
    entries = []
    for case_id, files in built.items():
        cases.write_case(target / case_id, files)
        entries.append(cases.manifest_entry(case_id, files, f"cases/{case_id}"))
    manifest = {"description": "The project's own cases: model.nam, input.f32, expected.f32 and case.json per "
                               "folder (spec/case.schema.json). Rebuild with python -m generators fixtures.",
                "cases": entries}
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return entries
