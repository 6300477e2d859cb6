"""A short run of the loader fuzzer (tests/fuzz.py); the long run and its last result are in docs/fuzzing.md."""

from __future__ import annotations

import json

import numpy as np
import pytest

import fuzz
import nam_reference

SHORT_RUN = 1500  # about a minute of CPU on the project's machines


def test_a_short_fuzz_run_finds_nothing():
    result = fuzz.run(seed=20261205, start=0, count=SHORT_RUN, jobs=1)
    assert result["inputs"] == SHORT_RUN
    assert result["failures"] == []


def test_mutations_are_reproducible_and_varied():
    files = fuzz.corpus()
    assert len(files) > 400  # the fixture models and the invalid corpus
    assert fuzz.mutate(3, 17, files) == fuzz.mutate(3, 17, files)
    inputs = {fuzz.mutate(3, i, files)[1] for i in range(200)}
    assert len(inputs) > 190
    valid = sum(nam_reference.validate(data).ok for data in list(inputs)[:100])
    assert 0 < valid < 100  # some mutations keep a file valid, most do not


# The checker must see each kind of misbehaviour it is there to catch.

def test_the_checker_catches_an_undocumented_exception(monkeypatch):
    def broken(source, name=None):
        raise OverflowError("cannot fit 'int' into an index-sized integer")

    monkeypatch.setattr(nam_reference, "validate", broken)
    assert fuzz.check_input(b"{}").startswith("validate raised OverflowError")


def test_the_checker_catches_validate_and_load_disagreeing(monkeypatch):
    document = json.loads(fuzz.corpus()[0][1])
    monkeypatch.setattr(nam_reference, "load", lambda source: (_ for _ in ()).throw(
        nam_reference.InvalidModelError(nam_reference.validate(b"[]"))))
    assert fuzz.check_input(json.dumps(document).encode()) == "validate accepted a file that load rejected"


def test_the_checker_catches_silent_non_finite_output(monkeypatch):
    document = json.loads(fuzz.corpus()[0][1])
    real_load = nam_reference.load

    class Silent:
        def __init__(self, model):
            self.in_channels = model.in_channels

        def process(self, x, initial_state="silent"):
            return np.full_like(x, np.inf)

    monkeypatch.setattr(nam_reference, "load", lambda source: Silent(real_load(source)))
    assert "non-finite output" in fuzz.check_input(json.dumps(document).encode())


def test_the_checker_accepts_a_reported_overflow():
    # y = 3e38·x + 3e38 overflows binary32 for x > 0.134: [NUM-10] is the documented outcome, not a failure.
    document = {"version": "0.7.0", "architecture": "Linear", "config": {"receptive_field": 1, "bias": True},
                "weights": [3e38, 3e38]}
    with pytest.raises(nam_reference.NonFiniteOutputError), np.errstate(over="ignore"):
        nam_reference.load(document).process(np.array([0.5], np.float32))
    assert fuzz.check_input(json.dumps(document).encode()) is None
