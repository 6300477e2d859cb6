"""Sequential (spec section 14A): chains cross-checked against outputs computed without the reference,
the facts of a chain, and an engine that does not support it.

The oracle outputs in ../shared were rendered by NeuralAmpModelerCore and the trainer from the example
models alone. A chain of an example model followed by a Linear that delays and scales is known from them
without running the reference: y[t] = g · oracle[t − d] for t ≥ d. A chain of a delay followed by the
model gives oracle[t − d]: the model's past is the delay's response to silence, zero. (The test signal
starts with sound, so the first d samples, the model's response to silence, are not known from the oracle;
the whole chain's silent past ([SEQ-8]) is checked by the hand case hand.sequential.linear_linear and by
the per-sample interpreter, tests/per_sample.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import nam_reference
import per_sample
from conftest import ROOT, shared_path

# Example models and sizes with oracle renders; wavenet_a2_max is left out, its Core render has [DIV-5].
RENDERS = ["wavenet", "lstm", "A2", "wavenet_condition_dsp", "slimmable_container@slim0.1",
           "slimmable_wavenet@slim0.5", "A2@slim0.1"]
GAIN, DELAY = 0.5, 3
TOLERANCE = 1e-5  # of max(1, peak), as tests/test_shared_oracle.py


def linear(taps, bias=None) -> dict:
    return {"version": "0.7.0", "architecture": "Linear",
            "config": {"receptive_field": len(taps), "bias": bias is not None},
            "weights": list(taps) + ([bias] if bias is not None else [])}


def chain(*models, **envelope) -> dict:
    return {"version": "0.7.0", "architecture": "Sequential", "config": {"models": list(models)}, "weights": [],
            **envelope}


def example(name: str) -> tuple[dict, float | None, np.ndarray, dict[str, np.ndarray]]:
    model_name, _, slim = name.partition("@slim")
    doc = json.loads(shared_path("models", f"{model_name}.nam").read_text(encoding="utf-8"))
    x = np.fromfile(shared_path("signals", "test_2s_48k.f32"), dtype="<f4")
    oracles = {which: np.fromfile(shared_path("oracle", f"{name}.{which}.f32"), dtype="<f4")
               for which in ("core", "trainer")}
    return doc, (float(slim) if slim else None), x, oracles


def error(y, expected) -> float:
    return float(np.max(np.abs(y - expected)) / max(1.0, float(np.max(np.abs(expected)))))


@pytest.mark.clause("SEQ-5", "SEQ-6")
@pytest.mark.parametrize("which", ["core", "trainer"])
@pytest.mark.parametrize("name", RENDERS)
def test_an_example_model_then_a_delaying_gain_is_the_oracle_delayed_and_scaled(name, which):
    doc, size, x, oracles = example(name)
    rate = doc.get("sample_rate")
    sequential = chain(doc, linear([0.0] * DELAY + [GAIN]), **({"sample_rate": rate} if rate else {}))
    y = nam_reference.load(sequential).process(x, size=size)
    assert error(y[DELAY:], GAIN * oracles[which][:-DELAY]) <= TOLERANCE


@pytest.mark.clause("SEQ-5")
@pytest.mark.parametrize("name", RENDERS)
def test_a_delay_then_an_example_model_is_the_oracle_delayed(name):
    doc, size, x, oracles = example(name)
    rate = doc.get("sample_rate")
    sequential = chain(linear([0.0] * DELAY + [1.0]), doc, **({"sample_rate": rate} if rate else {}))
    y = nam_reference.load(sequential).process(x, size=size)
    assert error(y[DELAY:], oracles["trainer"][:-DELAY]) <= TOLERANCE


@pytest.mark.clause("SEQ-5", "SEQ-8")
def test_a_nested_chain_computes_what_the_flat_chain_computes():
    """[SEQ-11]: a Sequential inside a Sequential is the same chain, so the same output (by the per-sample
    interpreter, which shares no code with the reference)."""
    a, b, c = linear([0.5, 0.25], 1.0), linear([2.0, 0.0, 1.0]), linear([1.0, -0.5], -0.25)
    x = np.random.default_rng(3).uniform(-1, 1, 64).astype(np.float32)
    flat = per_sample.render(chain(a, b, c), x)
    nested = np.atleast_2d(nam_reference.load(chain(a, chain(b, c))).process(x))
    assert error(nested, flat) <= TOLERANCE


# Facts of a chain.

def container(*gains_and_thresholds) -> dict:
    return {"version": "0.7.0", "architecture": "SlimmableContainer", "weights": [],
            "config": {"submodels": [{"max_value": t, "model": linear([0.0] * rf + [g])}
                                     for g, t, rf in gains_and_thresholds]}}


@pytest.mark.clause("SEQ-6", "SEQ-7")
def test_receptive_field_breakpoints_and_size_of_a_chain_with_a_container():
    """The container's submodels have receptive fields 3 and 1; the chain's is 1 + (RF − 1) of each."""
    model = nam_reference.load(chain(linear([1.0, 0.5]), container((2.0, 0.5, 2), (-1.0, 1.0, 0)), linear([1.0] * 4)))
    assert model.slimmable and model.breakpoints == [0.5]
    assert model.receptive_field(0.25) == 1 + 1 + 2 + 3 and model.receptive_field() == 1 + 1 + 0 + 3
    x = np.zeros(16, np.float32)
    x[0] = 1.0
    impulse = {size: model.process(x, size=size) for size in (0.25, None)}
    expected = {0.25: np.convolve(np.convolve([1.0, 0.5], [0, 0, 2.0]), [1.0] * 4),
                None: np.convolve(np.convolve([1.0, 0.5], [-1.0]), [1.0] * 4)}
    for size, response in expected.items():
        assert np.allclose(impulse[size][:len(response)], response) and not impulse[size][len(response):].any()


@pytest.mark.clause("SEQ-6", "STREAM-7")
def test_a_size_that_changes_a_model_of_the_chain_restarts_the_whole_chain():
    """At the switch the newly selected chain starts from its silent past: the first model's bias (1.0)
    is in the history of the last model, whichever submodel the container runs."""
    model = nam_reference.load(chain(linear([0.5], 1.0), container((2.0, 0.5, 0), (-1.0, 1.0, 0)), linear([1.0, 1.0])))
    stream = model.stream(size=0.25)
    block = np.full(4, 0.5, np.float32)
    # u = 2 · (1 + 0.5 · 0.5) = 2.5 after silence gave 2 · 1.0; y = u[t] + u[t − 1].
    assert np.allclose(stream.process(block), [2.5 + 2.0, 5.0, 5.0, 5.0])
    stream.set_size(0.75)
    # Silent past of the new chain: the last model's previous input is −1 · 1.0, its current one −1.25.
    assert np.allclose(stream.process(block), [-1.25 - 1.0, -2.5, -2.5, -2.5])
    assert np.allclose(stream.process(block), -2.5)


@pytest.mark.clause("SEQ-9")
def test_the_chain_reports_its_own_loudness_not_a_models():
    inner = dict(linear([0.5]), metadata={"loudness": -12.0})
    assert nam_reference.load(chain(inner, linear([1.0]))).loudness is None
    assert nam_reference.load(chain(inner, linear([1.0]), metadata={"loudness": -20.0})).loudness == -20.0


@pytest.mark.clause("SEQ-13")
def test_scaling_a_chain_scales_its_last_model():
    from nam_reference.loudness import scale_output

    doc = chain(linear([0.5, 0.25], 1.0), linear([2.0, 0.0, 1.0]), metadata={"loudness": -20.0})
    scaled = scale_output(doc, 2.0)
    assert scaled["config"]["models"][0] == doc["config"]["models"][0]
    assert scaled["config"]["models"][1]["weights"] == [4.0, 0.0, 2.0]
    assert scaled["metadata"]["loudness"] == pytest.approx(-20.0 + 20 * np.log10(2.0))
    x = np.random.default_rng(1).uniform(-1, 1, 32).astype(np.float32)
    assert np.allclose(nam_reference.load(scaled).process(x), 2 * nam_reference.load(doc).process(x))


@pytest.mark.parametrize("doc,clause,where", [
    (chain(linear([1.0]), {"receptive_field": 1, "bias": False}), "SEQ-10", "/config/models/1"),
    (dict(chain(linear([1.0]), linear([1.0])), weights=[1.0]), "SEQ-2", "/weights"),
    (chain(linear([1.0]), dict(linear([1.0]), config={"receptive_field": 1, "bias": False, "in_channels": 2,
                                                       "out_channels": 2})), "SEQ-4", "/config/models/1"),
    ({**chain(), "config": {"models": []}}, "SEQ-1", "/config/models"),
    (dict(chain(linear([1.0])), architecture="sequential"), "ENV-3", "/architecture"),
    (container((1.0, 1.0, 0)) | {"config": {"submodels": [
        {"max_value": 1.0, "model": chain(linear([1.0]), container((1.0, 1.0, 0)))}]}}, "CONT-4",
     "/config/submodels/0/model"),
])
def test_the_validator_names_the_sequential_clause(doc, clause, where):
    report = nam_reference.validate(doc)
    assert (where, clause) in [(p.path, p.clause) for p in report.errors], [p.line() for p in report.problems]


def test_a_sequential_file_older_than_0_7_0_is_valid_with_a_warning():
    report = nam_reference.validate(dict(chain(linear([1.0])), version="0.5.4"))
    assert report.ok and [(p.clause, p.path) for p in report.warnings] == [("VER-5", "/config")]


# An engine without Sequential: it declares so, refuses the files, and is reported NOT SUPPORTED.

WITHOUT_SEQUENTIAL = '''
from conformance.adapters import Unsupported
from conformance.adapters.reference import ReferenceAdapter
from nam_reference.features import features


class WithoutSequential(ReferenceAdapter):
    name = "without Sequential"

    def capabilities(self):
        return {**super().capabilities(), "unsupported_features": ["arch.sequential"]}

    def load(self, path):
        if "arch.sequential" in features(path):
            raise Unsupported("arch.sequential", "no Sequential models")
        return super().load(path)


def create_adapter():
    return WithoutSequential()
'''


@pytest.mark.clause("GEN-6")
def test_an_engine_without_sequential_is_reported_not_supported(tmp_path):
    adapter = tmp_path / "without_sequential.py"
    adapter.write_text(WITHOUT_SEQUENTIAL, encoding="utf-8")
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "conformance/test_agreement.py", "conformance/test_loading.py", "-q",
         "-p", "no:cacheprovider", "-k", "sequential and not invalid", f"--impl={adapter}",
         "--report-json", str(report)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "HYPOTHESIS_PROFILE": "ci"})
    assert report.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads(report.read_text())["results"]
    statuses = {r["id"]: r["status"] for r in results}
    agreement = [i for i in statuses if "test_agreement" in i]
    fail_closed = [i for i in statuses if "fails_closed" in i]
    assert len(agreement) >= 5 and fail_closed, statuses
    assert {statuses[i] for i in agreement} == {"NOT SUPPORTED"}, statuses
    assert {statuses[i] for i in fail_closed} == {"PASS"}, statuses
    assert "FAIL" not in statuses.values() and "ERROR" not in statuses.values()
