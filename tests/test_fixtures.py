"""The fixture corpus (fixtures/MANIFEST.json, fixtures/cases/): layout, checksums, features, the key
forms the files are written in, features that matter to the output, and expected outputs cross-checked
without trusting the reference that wrote them.

The expected outputs come from nam_reference. They are checked against outputs worked out by hand (the
`hand.*` cases), against tests/per_sample.py (the per-sample float64 interpreter written from the spec alone),
against the reference run in float64, and, when the neural-amp-modeler trainer is importable, against
the trainer for every case it can import (run with the trainer's environment:
`python -m pytest tests/test_fixtures.py`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math

import jsonschema
import numpy as np
import pytest

import nam_reference
import per_sample
from hand_written import wavenet_document
from nam_reference import nested_models
from nam_reference import audio
from conftest import ROOT
from conformance.metrics import compare
from generators import ablation
from nam_reference.features import features, registry

FIXTURES = ROOT / "fixtures"
MANIFEST = json.loads((FIXTURES / "MANIFEST.json").read_text(encoding="utf-8"))
ENTRIES = MANIFEST["cases"] + MANIFEST["near_miss"]  # the near misses of popular shapes are cross-checked too
IDS = [e["id"] for e in ENTRIES]
NAIVE_SAMPLES = 512  # the impulse and the noise burst of every fixture input
NAIVE_MAX_RECEPTIVE_FIELD = 1000  # beyond this the pure-Python interpreter is too slow for a unit test
TRAINER = importlib.util.find_spec("nam") is not None


def load_case(case_id: str):
    folder = FIXTURES / "cases" / case_id
    meta = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    doc = json.loads((folder / "model.nam").read_bytes())
    x = np.fromfile(folder / "input.f32", dtype="<f4").reshape(-1, meta["channels"]["in"]).T
    y = np.fromfile(folder / "expected.f32", dtype="<f4").reshape(-1, meta["channels"]["out"]).T
    return meta, doc, x, y


def within(y, expected, tolerance: dict, sample_rate: float = 48000.0) -> tuple[bool, str]:
    """Whether y matches expected under a case's tolerance ([NUM-3] metrics; a null limit is not used)."""
    c = compare(y, expected, sample_rate)
    limits = (tolerance["max_error"], tolerance["esr"], tolerance["mel_db"])
    ok = c.finite and all(limit is None or value is None or value <= limit
                          for limit, value in zip(limits, (c.max_error, c.esr, c.mel_db)))
    return ok, f"max error {c.max_error:.3g}, ESR {c.esr}, mel {c.mel_db}"


# The corpus itself.

def test_the_manifest_lists_every_case_folder_once():
    folders = {p.name for p in (FIXTURES / "cases").iterdir() if (p / "case.json").is_file()}
    assert len(IDS) == len(set(IDS))
    assert set(IDS) == folders
    assert all(e["path"] == f"cases/{e['id']}" for e in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_files_match_their_checksums(entry):
    folder = FIXTURES / entry["path"]
    for name, digest in entry["sha256"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert set(entry["sha256"]) == {"model.nam", "input.f32", "expected.f32", "case.json"}


@pytest.mark.parametrize("case_id", IDS)
def test_case_json_follows_its_schema(case_id):
    schema = json.loads((ROOT / "spec" / "case.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    meta = load_case(case_id)[0]
    jsonschema.Draft202012Validator(schema).validate(meta)
    assert meta["id"] == case_id


@pytest.mark.parametrize("case_id", IDS)
def test_model_is_valid_and_case_json_states_its_facts(case_id):
    meta, doc, x, y = load_case(case_id)
    report = nam_reference.validate(doc)
    assert report.ok, [p.line() for p in report.errors]
    assert meta["features"] == sorted(features(doc))
    assert set(meta["features"]) <= set(registry())
    assert meta["architecture"] == doc["architecture"]
    model = nam_reference.load(doc)
    assert (meta["channels"]["in"], meta["channels"]["out"]) == (model.in_channels, model.out_channels)
    assert x.shape[1] == y.shape[1] == meta["samples"]
    assert meta["receptive_field"] == model.receptive_field(meta["size"])
    assert meta["initial_state"] == "silent"


def test_the_corpus_covers_every_architecture_feature_and_realistic_shape():
    tags = set().union(*(e["features"] for e in ENTRIES))
    assert tags == set(registry())
    assert {e["architecture"] for e in ENTRIES} == {"Linear", "ConvNet", "LSTM", "WaveNet", "SlimmableContainer",
                                                  "Sequential"}
    realistic = {e["id"]: e for e in ENTRIES if e["id"].startswith("realistic.")}
    a1 = load_case("realistic.a1_standard")[1]["config"]["layers"]
    assert [(a["channels"], a["dilations"]) for a in a1] == [(16, [2 ** i for i in range(10)])] + [
        (8, [2 ** i for i in range(10)])]
    a2 = load_case("realistic.a2")[1]["config"]["layers"]
    assert len(a2) == 1 and len(a2[0]["dilations"]) == 23 and a2[0]["head"]["kernel_size"] == 16
    assert "container.packed" in realistic["realistic.a2_packed"]["features"]
    total = sum((FIXTURES / e["path"] / name).stat().st_size for e in ENTRIES for name in e["sha256"])
    assert total < 5_000_000, "the committed corpus must stay a few MB"


# How the files are written: as the trainer exports them, except where a case is about another form.

FILM_KEYS = tuple(f"{slot}_film" for slot in per_sample.FILM_SLOTS)



def wavenets():
    """(case id, WaveNet model) for every WaveNet of the corpus, nested ones included."""
    return [(i, m) for i in IDS for m in nested_models(load_case(i)[1]) if m["architecture"] == "WaveNet"]


def test_every_wavenet_writes_the_head_key():
    """The trainer writes `"head": null` when there is no post-stack head; absence is asked for by the
    equivalent forms of the conformance suite (conformance/forms.py: nulls_omitted)."""
    assert all("head" in m["config"] for _, m in wavenets())


def test_wavenets_use_the_trainer_forms_unless_their_case_is_about_another():
    for case_id, model in wavenets():
        for raw in model["config"]["layers"]:
            n = len(raw["dilations"])
            if case_id != "wavenet.kernel_size":
                assert isinstance(raw.get("kernel_sizes"), list), case_id
            if case_id != "wavenet.legacy_head":
                assert isinstance(raw.get("head"), dict) and "head_size" not in raw, case_id
            if case_id != "wavenet.gated_legacy":
                assert "gated" not in raw, case_id
                assert all(isinstance(raw[k], list) and len(raw[k]) == n
                           for k in ("activation", "gating_mode", "secondary_activation")), case_id
                assert all((s is None) == (m == "none") for m, s in zip(raw["gating_mode"], raw["secondary_activation"]))
            for key in FILM_KEYS:
                if key in raw and case_id != "wavenet.film.implicit_active":
                    assert isinstance(raw[key], dict) and set(raw[key]) == {"active", "shift", "groups"}, (case_id, key)


def test_optional_keys_stay_absent_in_some_wavenets():
    """The trainer writes every key; the fixtures leave some out, so that absence stays covered."""
    arrays = [raw for _, m in wavenets() for raw in m["config"]["layers"]]
    for key in ("bottleneck", "layer1x1", "head1x1", "groups_input", "groups_input_mixin", "gating_mode",
                "slimmable") + FILM_KEYS:
        assert any(key not in raw for raw in arrays), key
    assert any("condition_dsp" not in m["config"] for _, m in wavenets())


# Features that matter: removing one (generators.ablation: the feature replaced by its default, an
# activation by the identity) changes the output of the model the case runs, by more than an
# implementation could be off while still agreeing.

REMOVALS = [(e["id"], tag) for e in MANIFEST["cases"]  # a near miss is about one change, not every feature
            for tag in ablation.removals(load_case(e["id"])[1], e["size"])]


@pytest.mark.parametrize("case_id, tag", REMOVALS, ids=[f"{i}-{t}" for i, t in REMOVALS])
def test_removing_a_feature_changes_the_output_noticeably(case_id, tag):
    meta, doc, x, y = load_case(case_id)
    variant = ablation.without(doc, tag)
    assert tag not in features(variant)
    out = np.atleast_2d(nam_reference.load(variant).process(x, size=meta["size"]))
    assert compare(out, y).max_error >= ablation.NOTICEABLE


def test_every_case_about_a_removable_feature_is_checked_without_it():
    removable = sorted(t for t in registry() if ablation.defined(t))
    assert removable and all((t, t) in REMOVALS for t in removable)


def test_the_rewrites_remove_features_by_hand():
    """The rewrites on a hand-written file: a head dilation, a head kernel, a FiLM with its weights, Tanh."""
    layer = {"input_size": 1, "condition_size": 1,
             "head": {"out_channels": 1, "kernel_size": 2, "bias": False, "head_dilation": 2},
             "channels": 1, "kernel_sizes": [1], "dilations": [1], "activation": ["Tanh"], "conv_pre_film": {"shift": False}}
    # rechannel; conv and its bias; mixin; layer1x1 and its bias; the FiLM's scale and its bias; head taps; head scale
    weights = [2.0, 0.5, 0.1, 0.25, 0.75, 0.05, 1.5, 0.3, 1.1, 0.6, 0.5]
    doc = wavenet_document([layer], weights)
    undilated = ablation.without(doc, "wavenet.head_dilation")
    assert undilated["config"]["layers"][0]["head"] == {"out_channels": 1, "kernel_size": 2, "bias": False}
    assert undilated["weights"] == weights
    one_tap = ablation.without(doc, "wavenet.head_kernel")
    assert one_tap["config"]["layers"][0]["head"] == {"out_channels": 1, "kernel_size": 1, "bias": False}
    assert one_tap["weights"] == weights[:8] + [0.6, 0.5]  # the newest tap stays ([CONV-4])
    plain = ablation.without(doc, "wavenet.film.conv_pre")
    assert "conv_pre_film" not in plain["config"]["layers"][0] and plain["weights"] == weights[:6] + weights[8:]
    assert ablation.without(doc, "act.tanh")["config"]["layers"][0]["activation"] == [ablation.IDENTITY]
    assert ablation.without(doc, "act.relu") is None and ablation.without(doc, "wavenet.post_head") is None


# The expected outputs.

@pytest.mark.parametrize("case_id", IDS)
def test_the_reference_reproduces_the_expected_output(case_id):
    meta, doc, x, y = load_case(case_id)
    out = np.atleast_2d(nam_reference.load(doc).process(x, size=meta["size"]))
    ok, detail = within(out, y, meta["tolerance"], meta["sample_rate"])
    assert ok, detail


@pytest.mark.parametrize("case_id", IDS)
def test_a_float64_run_agrees_with_the_expected_output(case_id):
    """Rounding to float32 anywhere in the computation must stay inside the case's tolerance."""
    meta, doc, x, y = load_case(case_id)
    wide = np.atleast_2d(nam_reference.load(doc, dtype=np.float64).process(x.astype(np.float64), size=meta["size"]))
    ok, detail = within(wide, y, meta["tolerance"], meta["sample_rate"])
    assert ok, detail


# The realistic shapes (receptive fields of thousands of samples) are left to the float64 run and the trainer.
NAIVE_IDS = [e["id"] for e in ENTRIES
             if nam_reference.load(FIXTURES / e["path"] / "model.nam").conv_receptive_field(e["size"])
             <= NAIVE_MAX_RECEPTIVE_FIELD]


@pytest.mark.parametrize("case_id", NAIVE_IDS)
def test_the_naive_interpreter_agrees_on_the_first_samples(case_id):
    meta, doc, x, y = load_case(case_id)
    n = min(NAIVE_SAMPLES, x.shape[1])
    out = per_sample.render(doc, x[:, :n], size=meta["size"])
    assert compare(out, y[:, :n]).max_error <= meta["tolerance"]["max_error"]


def test_the_naive_interpreter_covers_every_feature():
    tags = set().union(*(features(load_case(i)[1]) for i in NAIVE_IDS))
    assert tags == set(registry())


# Outputs worked out by hand.

def sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def past(x, t: int, k: int) -> float:
    """x[t − k], zero before the first sample (the silent past of [STATE-4])."""
    return float(x[t - k]) if t >= k else 0.0


def hand_linear(x):
    return [0.125 + past(x, t, 0) + 0.5 * past(x, t, 1) - 0.25 * past(x, t, 2) for t in range(len(x))]


def hand_linear_no_bias(x):
    return [0.5 * past(x, t, 0) + past(x, t, 1) - 0.25 * past(x, t, 2) for t in range(len(x))]


def hand_convnet(x):  # two blocks (taps: oldest first), ReLU, then y = 2 g + 0.25
    def h(t):  # dilation 2, bias 0.1: h = relu(0.1) = 0.1 in the silent past, where the cold state has 0
        return max(0.5 * past(x, t, 2) + past(x, t, 0) + 0.1, 0.0)

    def g(t):  # dilation 1 over h, bias 0.05
        return max(-0.5 * h(t - 1) + h(t) + 0.05, 0.0)
    return [2.0 * g(t) + 0.25 for t in range(len(x))]


def hand_convnet_batchnorm(x):  # v = 0.5 x[t-1] + x[t]; (v - 0.1) / sqrt(4 + 0) * 2 - 0.5; tanh; 1.5 · + 0
    return [1.5 * math.tanh((0.5 * past(x, t, 1) + past(x, t, 0) - 0.1) / 2.0 * 2.0 - 0.5) for t in range(len(x))]


def hand_lstm(x):
    h = c = 0.0  # the stored state, which zero input leaves unchanged
    out = []
    for v in map(float, x):
        i = sigmoid(0.5 * v + 0.1 * h + 0.0)
        f = sigmoid(1.0 * v + 0.2 * h + 1.0)
        g = math.tanh(0.8 * v - 0.3 * h + 0.0)
        o = sigmoid(0.6 * v + 0.4 * h + 0.5)
        c = f * c + i * g
        h = o * math.tanh(c)
        out.append(2.0 * h + 0.1)
    return out


def hand_wavenet(x):  # rechannel 1.5; conv taps (0.5 at t-2, -1.0 at t) + 0.1; mixin 0.25; layer1x1 unused
    def a(t):  # tanh(0.1) in the silent past, where the cold state has 0
        return math.tanh(0.5 * 1.5 * past(x, t, 2) - 1.0 * 1.5 * past(x, t, 0) + 0.1 + 0.25 * past(x, t, 0))
    return [0.5 * (0.4 * a(t - 1) + 2.0 * a(t) - 0.2) for t in range(len(x))]  # head taps (0.4, 2.0) - 0.2; scale 0.5


def hand_wavenet_gated(x):  # z = (1.0 x + 0.1 + 0.3 x, 0.5 x + 0.2 - 0.4 x); a = tanh(z0) σ(z1); scale 1.0
    def a(t):
        v = past(x, t, 0)
        return math.tanh(1.3 * v + 0.1) * sigmoid(0.1 * v + 0.2)
    return [-0.5 * a(t - 1) + 1.0 * a(t) + 0.05 for t in range(len(x))]  # head taps (-0.5, 1.0) + 0.05


def hand_slimmable_narrow(x):  # width 1: rechannel 1.0, conv 0.5 + 0.1, mixin 0.25, head 1.0, scale 0.8
    return [0.8 * max(0.5 * v + 0.1 + 0.25 * v, 0.0) for v in map(float, x)]


def hand_slimmable_full(x):  # rechannel (1, 2); conv [[0.5, -0.3], [0.2, 0.4]] + (0.1, -0.1); mixin (0.25, 0.5)
    out = []
    for v in map(float, x):
        a0 = max(0.5 * v - 0.3 * 2 * v + 0.1 + 0.25 * v, 0.0)
        a1 = max(0.2 * v + 0.4 * 2 * v - 0.1 + 0.5 * v, 0.0)
        out.append(0.8 * (a0 - a1))
    return out


def hand_sequential_linear_linear(x, own_past: bool = False):
    """y1 = 1 + 0.5 x[t] + 0.25 x[t-1]; y = 2 y1[t] + y1[t-2]. In the chain's silent past y1 is 1.0 before
    the first sample ([SEQ-8]); `own_past` gives the second model the zero past of its own silent past."""
    def y1(t):
        if t < 0:
            return 0.0 if own_past else 1.0
        return 1.0 + 0.5 * past(x, t, 0) + 0.25 * past(x, t, 1)
    return [2.0 * y1(t) + y1(t - 2) for t in range(len(x))]


def hand_sequential_container(x):  # z = 0.25 + x[t] - 0.5 x[t-1]; the container at 0.25 doubles; then as above
    def u(t):
        return 2.0 * (0.25 + past(x, t, 0) - 0.5 * past(x, t, 1)) if t >= 0 else 0.5
    return [2.0 * u(t) + u(t - 2) for t in range(len(x))]


HAND = {
    "hand.sequential.linear_linear": hand_sequential_linear_linear,
    "hand.sequential.container": hand_sequential_container,
    "hand.linear": hand_linear,
    "hand.linear_no_bias": hand_linear_no_bias,
    "hand.convnet": hand_convnet,
    "hand.convnet_batchnorm": hand_convnet_batchnorm,
    "hand.lstm": hand_lstm,
    "hand.wavenet": hand_wavenet,
    "hand.wavenet_gated": hand_wavenet_gated,
    "hand.container.below_threshold": lambda x: [2.0 * v for v in map(float, x)],
    "hand.container.at_threshold": lambda x: [-0.5 * v for v in map(float, x)],
    "hand.container.default": lambda x: [-0.5 * v for v in map(float, x)],
    "hand.slimmable.narrow": hand_slimmable_narrow,
    "hand.slimmable.full": hand_slimmable_full,
}


@pytest.mark.parametrize("case_id", sorted(HAND))
def test_hand_cases_match_their_outputs_worked_out_by_hand(case_id):
    meta, doc, x, y = load_case(case_id)
    expected = np.array([HAND[case_id](x[0])])
    assert compare(y, expected).max_error <= meta["tolerance"]["max_error"]


def test_every_hand_case_is_checked_by_hand():
    assert sorted(HAND) == sorted(i for i in IDS if i.startswith("hand."))


@pytest.mark.parametrize("case_id", ["hand.convnet", "hand.wavenet", "hand.wavenet_gated"])
def test_hand_cases_with_a_bias_before_a_convolution_tell_the_silent_past_from_a_cold_start(case_id):
    """A bias makes a convolution's past non-zero in the silent past ([STATE-4]), zero in the cold state."""
    meta, doc, x, y = load_case(case_id)
    cold = np.atleast_2d(nam_reference.load(doc).process(x, initial_state="cold"))
    assert compare(cold, y).max_error > 100 * meta["tolerance"]["max_error"]


@pytest.mark.clause("SEQ-8")
def test_the_sequential_hand_case_tells_the_chains_silent_past_from_each_models_own():
    """The first model answers silence with 1.0: started from its own silent past (zeros), the second model
    would give other first samples."""
    meta, doc, x, y = load_case("hand.sequential.linear_linear")
    own = np.array([hand_sequential_linear_linear(x[0], own_past=True)])
    assert compare(own, y).max_error > 100 * meta["tolerance"]["max_error"]
    assert compare(own[:, 2:], y[:, 2:]).max_error <= meta["tolerance"]["max_error"]  # they agree from RF_2 − 1 on


# Stored loudness and gain ([LOUD-2], [LOUD-3], [LOUD-5]).

def stimulus():
    from generators.loudness import stimulus_path

    if stimulus_path() is None:
        pytest.skip("the loudness stimulus loudness_input.wav is not available (../shared or the trainer)")
    samples, _ = audio.read(stimulus_path())
    return samples[0].astype(np.float64)


def test_stored_loudness_and_gain_are_those_of_the_model():
    """Recomputed from the spec's formulas in float64 (a different computation from the float32 one the
    builder stored), within the checker's thresholds of [LOUD-5]."""
    x = stimulus()
    meta, doc, _, _ = load_case("metadata.loudness")
    model = nam_reference.load(doc, dtype=np.float64)
    rms = [math.sqrt(float(np.mean(np.asarray(model.process(x * (k / 10))) ** 2))) for k in range(11)]
    loudness = 20 * math.log10(rms[10])
    gain = min(max((sum(rms) - 5.5 * rms[10]) / (5.5 * rms[10]), 0.0), 1.0)
    assert abs(doc["metadata"]["loudness"] - loudness) <= 0.01
    assert abs(doc["metadata"]["gain"] - gain) <= 0.001


# The trainer (neural-amp-modeler 0.13.0), for the files it can import.

TRAINER_ACTIVATIONS = {"Tanh", "ReLU", "Sigmoid", "SiLU", "Hardswish", "Hardtanh", "LeakyReLU", "Softsign",
                       "LeakyHardtanh", "LeakyHardTanh"}


class Unsupported(Exception):
    """The trainer cannot import this file faithfully (the reason is the message)."""


def _activation(spec, pair: bool = False):
    """An activation spec the trainer reads as the file means it (the alias spelled as the trainer spells it)."""
    name = spec if isinstance(spec, str) else spec["type"]
    if name not in TRAINER_ACTIVATIONS:
        raise Unsupported(f"the trainer has no {name} (or loses its parameters, [DIV-31])")
    name = "LeakyHardtanh" if name == "LeakyHardTanh" else name
    params = {} if isinstance(spec, str) else {k: v for k, v in spec.items() if k != "type"}
    if pair and params:
        raise Unsupported("the trainer's gated and blended layers take activation names only")
    return {"type": name, **params} if params else name


def _per_layer(value, n: int) -> list:
    return list(value) if isinstance(value, list) else [value] * n


def _array_for_trainer(raw: dict) -> dict:
    n = len(raw["dilations"])
    out = {k: raw[k] for k in ("input_size", "condition_size", "channels", "dilations", "bottleneck", "layer1x1",
                               "head1x1", "groups_input", "groups_input_mixin", "kernel_size", "kernel_sizes",
                               "slimmable") if raw.get(k) is not None}
    head = raw.get("head")
    if head is not None:
        if head.get("head_dilation", 1) != 1:
            raise Unsupported("the trainer drops head_dilation ([DIV-6])")
        out["head"] = {"out_channels": head["out_channels"], "kernel_size": head["kernel_size"], "bias": head["bias"]}
    else:
        out["head"] = {"out_channels": raw["head_size"], "kernel_size": 1, "bias": raw["head_bias"]}
    # Gating in the trainer's list form ([WN-ARR-5] to [WN-ARR-7], [DIV-13], [DIV-14]).
    if raw.get("gating_mode") is not None:
        modes = _per_layer(raw["gating_mode"], n)
        secondaries = _per_layer(raw.get("secondary_activation"), n)
    else:
        modes = ["gated" if raw.get("gated") else "none"] * n
        secondaries = ["Sigmoid"] * n
    primaries = _per_layer(raw["activation"], n)
    out["gating_mode"] = modes
    out["secondary_activation"] = [None if m == "none" else _activation(s or "Sigmoid", pair=True)
                                   for m, s in zip(modes, secondaries)]
    out["activation"] = [_activation(p, pair=m != "none") for p, m in zip(primaries, modes)]
    for slot in per_sample.FILM_SLOTS:  # the trainer reads a missing `active` as inactive ([DIV-10])
        value = raw.get(f"{slot}_film", False)
        if value is not False and value.get("active", True):
            out[f"{slot}_film"] = {"active": True, "shift": value.get("shift", True), "groups": value.get("groups", 1)}
    return out


def trainer_document(doc: dict, size=None, condition: bool = False) -> dict:
    """The model that runs at `size`, written the way the trainer's importer reads it."""
    arch, config = doc["architecture"], doc["config"]
    if arch == "Sequential":  # each model as the importer reads it, chained by trainer_output ([SEQ-5])
        return {"architecture": "Sequential", "models": [(trainer_document(m, size, condition), size)
                                                         for m in config["models"]]}
    if arch == "SlimmableContainer":  # [CONT-6]
        entries = config["submodels"]
        chosen = next((e for e in entries if size is not None and size < e["max_value"]), entries[-1])
        return trainer_document(chosen["model"])
    if config.get("in_channels", 1) != 1 or (config.get("out_channels", 1) != 1 and not condition):
        raise Unsupported("the trainer's models have one input and one output channel")
    if arch == "Linear":  # the trainer's Conv1d has the current sample last ([DIV-1])
        taps = config["receptive_field"]
        weights = doc["weights"][:taps][::-1] + doc["weights"][taps:]
        return {"architecture": "Linear", "config": {"receptive_field": taps, "bias": config["bias"]},
                "weights": weights}
    if arch == "LSTM":
        keys = ("input_size", "hidden_size", "num_layers")
        return {"architecture": "LSTM", "config": {k: config[k] for k in keys}, "weights": doc["weights"]}
    if arch != "WaveNet":
        raise Unsupported(f"the trainer's importer has no {arch}")
    if any(a.get("slimmable") for a in config["layers"]) and len(config["layers"]) > 1:
        raise Unsupported("the trainer slims models of one layer array only ([DIV-15])")
    layers = [_array_for_trainer(a) for a in config["layers"]]
    head = config.get("head")
    out_channels = layers[-1]["head"]["out_channels"] if head is None else head["out_channels"]
    if out_channels != 1 and not condition:
        raise Unsupported("the trainer's models have one output channel")
    if head is not None:  # the trainer's post-stack head reads `name`, not `type`
        head = {k: v for k, v in head.items() if k != "in_channels"}
        act = _activation(head["activation"])
        head["activation"] = act if isinstance(act, str) else {"name": act["type"],
                                                                **{k: v for k, v in act.items() if k != "type"}}
    converted = {"architecture": "WaveNet", "weights": doc["weights"],
                 "config": {"layers": layers, "head": head, "head_scale": doc["weights"][-1]}}
    cond = config.get("condition_dsp")
    if cond is not None:
        if cond["architecture"] != "WaveNet":
            raise Unsupported("the trainer's condition_dsp is a WaveNet only ([DIV-16])")
        converted["condition_dsp"] = trainer_document(cond, condition=True)
    return converted


def trainer_model(converted: dict, size=None):
    from nam.models._from_nam import init_from_nam

    model = init_from_nam({k: v for k, v in converted.items() if k != "condition_dsp"})
    if "condition_dsp" in converted:  # the importer does not read condition_dsp: attach it by hand
        model._net._condition_dsp = init_from_nam(converted["condition_dsp"])._net
    if size is not None and converted["architecture"] == "WaveNet" and model._net.is_slimmable():
        model._net.set_slimming(size)
    return model.eval()


def trainer_output(converted: dict, x: np.ndarray, size=None) -> np.ndarray:
    import torch

    with torch.no_grad():
        if converted["architecture"] != "Sequential":
            return trainer_model(converted, size)(torch.tensor(x[0], dtype=torch.float32),
                                                  pad_start=True).numpy()[None, :]
        # As the trainer runs a chain: the input padded once by the chain's RF − 1 zeros, each model without
        # padding of its own, so each model's past is its predecessor's response to silence ([SEQ-8]).
        models = [trainer_model(m, s if m["architecture"] == "WaveNet" else None) for m, s in converted["models"]]
        pad = sum(m.receptive_field - 1 for m in models)
        signal = torch.cat([torch.zeros(pad), torch.tensor(x[0], dtype=torch.float32)])
        for model in models:
            signal = model(signal, pad_start=False)
        return signal.numpy()[None, :]


TRAINER_IDS = [e["id"] for e in ENTRIES if e["architecture"] != "ConvNet"]


@pytest.mark.skipif(not TRAINER, reason="the neural-amp-modeler trainer (import name nam) is not installed")
@pytest.mark.parametrize("case_id", TRAINER_IDS)
def test_the_trainer_agrees_on_the_files_it_imports(case_id):
    meta, doc, x, y = load_case(case_id)
    try:
        converted = trainer_document(doc, meta["size"])
    except Unsupported as why:
        pytest.skip(f"the trainer cannot import this file faithfully: {why}")
    size = meta["size"] if doc["architecture"] == "WaveNet" else None  # a container's choice is made above
    ok, detail = within(trainer_output(converted, x, size), y, meta["tolerance"], meta["sample_rate"])
    assert ok, detail


@pytest.mark.skipif(not TRAINER, reason="the neural-amp-modeler trainer (import name nam) is not installed")
def test_the_trainer_imports_every_architecture_and_the_realistic_shapes():
    imported = set()
    for case_id in TRAINER_IDS:
        meta, doc, _, _ = load_case(case_id)
        try:
            trainer_document(doc, meta["size"])
        except Unsupported:
            continue
        imported.add(case_id)
    assert {load_case(i)[0]["architecture"] for i in imported} == {"Linear", "LSTM", "WaveNet", "SlimmableContainer",
                                                                   "Sequential"}
    assert {"realistic.a1_standard", "realistic.a2", "realistic.a2_packed", "realistic.a2_packed.narrow",
            "metadata.loudness"} | {i for i in HAND if "convnet" not in i} <= imported


@pytest.mark.skipif(not TRAINER, reason="the neural-amp-modeler trainer (import name nam) is not installed")
def test_the_trainer_measures_the_stored_loudness():
    import torch

    stimulus()  # skips when the stimulus is not available
    meta, doc, _, _ = load_case("metadata.loudness")
    model = trainer_model(trainer_document(doc))
    with torch.no_grad():
        loudness, gain = model._metadata_loudness(), model._metadata_gain()
    assert abs(doc["metadata"]["loudness"] - loudness) <= 0.01
    assert abs(doc["metadata"]["gain"] - gain) <= 0.001


# The builder.

def test_the_builder_rebuilds_the_committed_corpus(tmp_path):
    """python -m generators fixtures writes the same models and inputs; expected outputs may move by
    rounding if the reference's arithmetic changes, within each case's tolerance."""
    from generators.fixtures import build

    stimulus()  # the metadata.loudness case measures the model on it
    rebuilt = build(tmp_path)
    assert [e["id"] for e in rebuilt] == IDS
    for entry in rebuilt:
        new, old = tmp_path / entry["path"], FIXTURES / entry["path"]
        for name in ("model.nam", "input.f32"):
            assert (new / name).read_bytes() == (old / name).read_bytes(), f"{entry['id']}/{name}"
        meta, _, _, y = load_case(entry["id"])
        y_new = np.fromfile(new / "expected.f32", dtype="<f4").reshape(-1, meta["channels"]["out"]).T
        assert compare(y_new, y).max_error <= meta["tolerance"]["max_error"], entry["id"]
