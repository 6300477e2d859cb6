"""The reference against the per-sample interpreter (tests/per_sample.py), a second reading of the spec
that shares no code with the reference.

Random small models are drawn by tests/random_models.py for every feature tag of spec/features.txt; the
float64 per-sample output and the float32 reference output must agree within 1e-5 of max(1, peak)
([NUM-5] strict), from the silent past and from the cold state, at several sizes for slimmable models.
The interpreter itself is checked against the trainer's outputs on the shared example models.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import nam_reference
import per_sample
from conftest import shared_path
from nam_reference.features import features, registry
from random_models import random_document

TOLERANCE = 1e-5
LENGTH = 40
EVERY_COMPUTATION = pytest.mark.clause(
    "LIN-5", "CNN-5", "LSTM-5", "LSTM-6", "CONV-1", "CONV-2", "CONV-3", "CONV-4", "ACT-2", "ACT-4", "WN-FILM-1",
    "WN-FILM-2", "WN-FILM-3", "WN-LAYER-1", "WN-LAYER-2", "WN-LAYER-3", "WN-LAYER-4", "WN-LAYER-5", "WN-LAYER-6",
    "WN-LAYER-7", "WN-LAYER-8", "WN-FWD-1", "WN-FWD-2", "WN-FWD-3", "WN-FWD-4", "WN-FWD-5", "WN-FWD-6", "WN-HEAD-2",
    "WN-HEAD-3", "WN-SLIM-5", "WN-SLIM-6", "WN-SLIM-7", "WN-SLIM-8", "CONT-6", "CONT-7", "STATE-2", "STATE-4",
    "W-2", "W-3", "W-4", "WN-W-1", "WN-W-2", "SEQ-5", "SEQ-6", "SEQ-8")


def architecture_of(tag: str) -> str:
    prefix = tag.split(".")[0]
    if tag.startswith("arch."):
        return {"linear": "Linear", "convnet": "ConvNet", "lstm": "LSTM", "wavenet": "WaveNet",
                "container": "SlimmableContainer", "sequential": "Sequential"}[tag.split(".")[1]]
    return {"linear": "Linear", "convnet": "ConvNet", "lstm": "LSTM", "container": "SlimmableContainer",
            "sequential": "Sequential"}.get(prefix, "WaveNet")


def sizes(model) -> list:
    """None (the default), and for slimmable models every breakpoint, just below each, and out of range."""
    if not model.slimmable:
        return [None]
    points = model.breakpoints
    return [None, -0.5, 0.0, 0.999, 1.0, 2.0] + points + [p - 1e-9 for p in points]


def assert_agree(document, x):
    model = nam_reference.load(document)
    for size in sizes(model):
        for initial_state in ("silent", "cold"):
            expected = per_sample.render(document, x, size, initial_state)
            y = np.atleast_2d(model.process(x, size=size, initial_state=initial_state))
            assert y.shape == expected.shape
            error = np.max(np.abs(y - expected)) / max(1.0, float(np.max(np.abs(expected))))
            assert error <= TOLERANCE, f"size {size}, {initial_state}: error {error:.3g}"


def signal(model, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1, 1, (model.in_channels, LENGTH)).astype(np.float32)


@EVERY_COMPUTATION
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("tag", sorted(registry()))
def test_random_models_with_each_feature(tag, seed):
    document = random_document(seed, architecture_of(tag), {tag}, slimmable=tag == "wavenet.slimmable")
    assert tag in features(document)
    model = nam_reference.load(document)
    assert model.weight_count == sum(n for _, n in per_sample.layout(document))
    assert_agree(document, signal(model, seed))


@pytest.mark.clause("WN-FILM-1", "WN-FILM-2", "CONV-3")
@pytest.mark.parametrize("shift", [True, False], ids=["shift", "no_shift"])
@pytest.mark.parametrize("slot", per_sample.FILM_SLOTS)
def test_grouped_film_in_every_slot(slot, shift):
    want = {f"wavenet.film.{slot}", "wavenet.film.groups"} | (set() if shift else {"wavenet.film.no_shift"})

    def film(document):
        return document["config"]["layers"][0][slot + "_film"]

    # The first seed whose FiLM in `slot` has the wanted shift (without no_shift, shift is drawn at random).
    document = next(d for d in (random_document(seed, "WaveNet", want) for seed in range(100))
                    if film(d).get("shift", True) == shift)
    assert film(document)["groups"] == 2
    assert_agree(document, signal(nam_reference.load(document), 50))


@EVERY_COMPUTATION
@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("architecture", ["WaveNet", "slimmable WaveNet", "ConvNet", "LSTM", "Linear",
                                          "SlimmableContainer", "Sequential"])
def test_random_models(architecture, seed):
    slimmable = architecture == "slimmable WaveNet"
    document = random_document(1000 + seed, architecture.split()[-1], slimmable=slimmable)
    assert_agree(document, signal(nam_reference.load(document), seed))


@pytest.mark.clause("STATE-4", "WN-FWD-6")
@pytest.mark.parametrize("name,size", [("wavenet", None), ("lstm", None), ("wavenet_condition_dsp", None),
                                       ("wavenet_a2_max", None), ("slimmable_wavenet", 0.1),
                                       ("slimmable_container", 0.5)])
def test_the_naive_interpreter_matches_the_oracle(name, size):
    """The per-sample interpreter itself agrees with the trainer on the shared example models (the first 300 samples)."""
    document = json.loads(shared_path("models", f"{name}.nam").read_text())
    x = np.fromfile(shared_path("signals", "test_2s_48k.f32"), dtype="<f4")[:300]
    oracle_name = name if size is None else f"{name}@slim{size}"
    oracle = np.fromfile(shared_path("oracle", f"{oracle_name}.trainer.f32"), dtype="<f4")[:300]
    y = per_sample.render(document, x, size)[0]
    assert np.max(np.abs(y - oracle)) / max(1.0, float(np.max(np.abs(oracle)))) <= TOLERANCE
