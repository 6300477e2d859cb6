"""Property tests of the generators: every valid file they draw is valid, shows the features asked for,
has a sensible output and a steady LSTM state; every invalid file fails with its clause; streaming in
generated block sequences equals batch processing ([STREAM-2], [NUM-4]); and the receptive field of
`rf_probe_files()` measured with the black-box probe equals the spec's formula ([STREAM-3], [WN-RF-4]).

Weight counts, receptive fields and LSTM states are checked here from the spec's formulas (and
the layout of the per-sample interpreter, tests/per_sample.py), not with the generators' own bookkeeping.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, reject, strategies as st

import generators
import nam_reference
import per_sample
from nam_reference import nested_models
from nam_reference import audio
from conftest import ROOT
from conformance.metrics import max_error
from conformance.probes import probe
from generators import invalid, plan, strategies
from generators.documents import Unusable, probe_signal
from generators.source import RandomSource
from nam_reference.features import features, registry
from nam_reference.problems import ERROR_CLASSES

TAGS = sorted(registry())
ARCHITECTURES = ["Linear", "ConvNet", "LSTM", "WaveNet", "SlimmableContainer", "Sequential"]
BLOCK_TOLERANCE = 1e-5  # [NUM-4]



def lstm_state_drift(doc: dict) -> float:
    """How far one step of zero input moves the stored state of an LSTM ([STATE-5]), in float64 from the
    blob layout of [LSTM-3]."""
    c = doc["config"]
    hidden, w = c["hidden_size"], np.asarray(doc["weights"], dtype=np.float64)
    at, worst, u = 0, 0.0, np.zeros(c["input_size"])
    for layer in range(c["num_layers"]):
        width = (c["input_size"] if layer == 0 else hidden) + hidden
        matrix = w[at:at + 4 * hidden * width].reshape(4 * hidden, width)
        at += 4 * hidden * width
        bias, h, cell = w[at:at + 4 * hidden], w[at + 4 * hidden:at + 5 * hidden], w[at + 5 * hidden:at + 6 * hidden]
        at += 6 * hidden
        z = matrix @ np.concatenate([u, h]) + bias
        i, f, o = (1 / (1 + np.exp(-z[k * hidden:(k + 1) * hidden])) for k in (0, 1, 3))
        new_cell = f * cell + i * np.tanh(z[2 * hidden:3 * hidden])
        new_h = o * np.tanh(new_cell)
        worst = max(worst, float(np.max(np.abs(new_h - h))), float(np.max(np.abs(new_cell - cell))))
        u = new_h
    return worst


def check_valid(doc: dict, want=frozenset()) -> None:
    """What every drawn valid document must satisfy."""
    report = nam_reference.validate(doc)
    assert report.ok, [p.line() for p in report.errors]
    tags = features(doc)
    assert set(want) <= tags, f"missing {sorted(set(want) - tags)}"
    # The only warning a drawn file may carry is the head-scale difference it was drawn to have ([WN-3]).
    assert {w.clause for w in report.warnings} <= ({"WN-3"} if "wavenet.head_scale_mismatch" in tags else set()), \
        [w.line() for w in report.warnings]
    for model in nested_models(doc):
        assert len(model["weights"]) == sum(n for _, n in per_sample.layout(model))  # [W-3], counted separately
        if model["architecture"] == "LSTM":
            assert lstm_state_drift(model) <= 1e-6
    json.dumps(doc, allow_nan=False)  # finite numbers only ([JSON-3])


def check_output(doc: dict) -> None:
    """Bounded and responsive at full size on the standard probe signal the generators promise it for (a
    model with ReLUs may well be silent for other inputs)."""
    model = nam_reference.load(doc)
    x = probe_signal(model.in_channels)
    y = np.atleast_2d(model.process(x))
    silence = np.atleast_2d(model.process(np.zeros((model.in_channels, 1), np.float32)))
    assert np.all(np.isfinite(y)) and np.max(np.abs(y)) <= 8.0
    assert np.min(np.sqrt(np.mean((y - silence) ** 2, axis=1))) > 1e-4


# Valid files.

@given(generators.nam_files())
def test_drawn_files_are_valid_with_sensible_output(doc):
    check_valid(doc)
    check_output(doc)


@pytest.mark.parametrize("tag", TAGS)
def test_every_feature_tag_can_be_asked_for(tag):
    """One seeded draw per tag (Hypothesis explores the rest below)."""
    options = strategies.root_plans(features={tag})
    for seed in range(10):
        try:
            doc = strategies.draw_document(RandomSource(seed), options)
        except Unusable:
            continue
        check_valid(doc, {tag})
        return
    pytest.fail(f"no usable document for {tag} in 10 seeds")


@st.composite
def wanted_tags(draw):
    """A set of 1 to 4 tags that some valid file can show together."""
    want = frozenset(draw(st.sets(st.sampled_from(TAGS), min_size=1, max_size=4), label="wanted tags"))
    if not plan.plans(want):
        reject()
    return want


@given(st.data())
def test_files_show_every_requested_feature_together(data):
    want = data.draw(wanted_tags(), label="features")
    doc = data.draw(generators.nam_files(features=want), label="document")
    check_valid(doc, want)


@pytest.mark.parametrize("architecture", ARCHITECTURES)
@given(data=st.data())
def test_the_architecture_argument_fixes_the_root(architecture, data):
    doc = data.draw(generators.nam_files(architecture=architecture), label="document")
    assert doc["architecture"] == architecture
    check_valid(doc, {f"arch.{architecture.lower()}" if architecture != "SlimmableContainer" else "arch.container"})


@given(generators.nam_files(size="realistic"))
def test_realistic_files_are_valid(doc):
    check_valid(doc)
    check_output(doc)


def test_realistic_shapes_include_a1_standard_and_a2():
    shapes = set()
    for seed in range(40):
        doc = strategies.draw_document(RandomSource(seed), strategies.root_plans("WaveNet", size="realistic"),
                                       size="realistic")
        layers = doc["config"]["layers"]
        shapes.add((len(layers), tuple(a["channels"] for a in layers), sum(len(a["dilations"]) for a in layers)))
    assert (2, (16, 8), 20) in shapes  # A1 standard: 16 then 8 channels, ten dilations each
    assert any(n == 1 and layers == 23 for n, _, layers in shapes)  # A2: one array of 23 layers


@given(generators.nam_files(features={"container.packed"}))
def test_packed_containers_have_the_packed_training_shape(doc):
    """[CONT-10]: WaveNets sharing kernel sizes, dilations and head scale, channels differing, thresholds (i+1)/n."""
    entries = doc["config"]["submodels"]
    n = len(entries)
    assert [e["max_value"] for e in entries] == [(i + 1) / n for i in range(n)]
    shapes = {json.dumps([(a.get("kernel_sizes", a.get("kernel_size")), a["dilations"]) for a in e["model"]["config"]
                          ["layers"]]) for e in entries}
    assert len(shapes) == 1
    assert len({e["model"]["weights"][-1] for e in entries}) == 1
    widths = [[a["channels"] for a in e["model"]["config"]["layers"]] for e in entries]
    assert len({json.dumps(w) for w in widths}) == n


@given(generators.nam_files(features={"container.mixed"}))
def test_mixed_containers_mix_architectures(doc):
    assert len({e["model"]["architecture"] for e in doc["config"]["submodels"]}) >= 2


@given(generators.configs(architecture="WaveNet"))
def test_configs_are_the_config_part_of_valid_files(drawn):
    assert set(drawn) == {"architecture", "config"}
    assert drawn["architecture"] == "WaveNet"
    cond = drawn["config"].get("condition_dsp")
    if cond is not None:  # nested models are complete, valid documents
        assert nam_reference.validate(cond).ok


def test_impossible_feature_sets_are_refused_at_once():
    with pytest.raises(ValueError):
        generators.nam_files(features={"env.sample_rate_absent", "env.sample_rate_other"})
    with pytest.raises(ValueError):
        generators.nam_files(architecture="Linear", features={"wavenet.post_head"})
    with pytest.raises(ValueError):
        generators.nam_files(features={"container.packed", "container.mixed"})
    with pytest.raises(ValueError):
        generators.nam_files(features={"no.such.tag"})
    with pytest.raises(ValueError):
        generators.nam_files(size="realistic", features={"wavenet.film.conv_pre"})


@given(generators.nam_files(metadata=True))
def test_informational_metadata_never_invents_loudness(doc):
    meta = doc.get("metadata") or {}
    assert meta.get("loudness") is None and meta.get("gain") is None


@given(generators.nam_files(metadata=False))
def test_metadata_false_writes_none(doc):
    assert doc.get("metadata") is None


def test_stored_loudness_and_gain_follow_the_spec():
    """[LOUD-2], [LOUD-3], recomputed in float64 for a few drawn files."""
    from generators.loudness import stimulus_path

    if stimulus_path() is None:
        pytest.skip("the loudness stimulus loudness_input.wav is not available (../shared or the trainer)")
    x = audio.read(stimulus_path())[0][0].astype(np.float64)
    options = strategies.root_plans(["Linear", "ConvNet", "WaveNet"])
    for seed in range(3):
        doc = strategies.draw_document(RandomSource(seed), options, metadata="loudness")
        model = nam_reference.load(doc, dtype=np.float64)
        every_input = np.repeat(x[None, :], model.in_channels, axis=0)  # [LOUD-2]: the stimulus in every channel
        rms = [math.sqrt(float(np.mean(np.asarray(model.process(every_input * (k / 10))) ** 2))) for k in range(11)]
        assert abs(doc["metadata"]["loudness"] - 20 * math.log10(rms[10])) <= 0.01
        assert abs(doc["metadata"]["gain"] - min(max((sum(rms) - 5.5 * rms[10]) / (5.5 * rms[10]), 0), 1)) <= 0.001


# Invalid files.

def check_invalid(f) -> None:
    report = nam_reference.validate(f.document)
    assert not report.ok, f.kind
    hits = [p for p in report.errors if p.clause == f.clause]
    assert hits, (f.kind, [p.line() for p in report.errors])
    assert (hits[0].error_class, hits[0].reject_level) == (f.error_class, f.reject_level), f.kind
    assert isinstance(f.document, (dict, bytes))


@given(generators.invalid_nam_files())
def test_invalid_files_fail_with_their_clause(f):
    check_invalid(f)


@pytest.mark.parametrize("kind_id", sorted(invalid.DRAWN))
def test_every_invalid_kind_fails_with_its_clause(kind_id):
    d = invalid.DRAWN[kind_id].drawn
    options = strategies.root_plans(d.architecture, d.features, metadata=False)
    for seed in range(10):
        src = RandomSource(seed)
        try:
            base = strategies.draw_document(src, options, metadata=False)
        except Unusable:
            continue
        check_invalid(invalid.invalid_file(kind_id, base, src))
        return
    pytest.fail(f"no base document for {kind_id}")


def test_every_invalid_kind_names_a_clause_of_the_spec_an_error_class_and_a_level():
    """The catalogue generators/invalid.py is the one list of invalid kinds: the corpus (its fixed files)
    and the strategy (its drawn kinds) both come from it."""
    spec = (ROOT / "spec" / "nam-format.md").read_text(encoding="utf-8")
    clauses = set(re.findall(r"\*\*\[([A-Z]+(?:-[A-Z]+)*-\d+)\]", spec))
    assert len(clauses) > 150  # the clause markers were found
    for k in invalid.CATALOGUE.values():
        assert k.clause in clauses, k.id
        assert k.error_class in ERROR_CLASSES and k.reject_level in ("MUST", "SHOULD"), k.id
        assert re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", k.id), k.id
        assert k.fixed is not None or k.drawn is not None, k.id


def test_drawn_invalid_kinds_cover_every_error_class():
    assert {k.error_class for k in invalid.DRAWN.values()} == set(ERROR_CLASSES)


# Streaming.

@given(st.data())
def test_streaming_in_generated_blocks_equals_batch_processing(data):
    doc = data.draw(generators.nam_files(), label="document")
    model = nam_reference.load(doc)
    x = data.draw(generators.signals(1, 400, channels=model.in_channels), label="input")
    n = np.atleast_2d(x).shape[1]
    size = data.draw(st.sampled_from([None, 0.0] + list(model.breakpoints)), label="size")
    blocks = data.draw(generators.block_sequences(n, model.receptive_field(size)), label="blocks")
    batch = np.atleast_2d(model.process(x, size=size))
    stream = model.stream(size=size)
    x2 = np.atleast_2d(x)
    pieces, start = [], 0
    for b in blocks:
        pieces.append(np.atleast_2d(stream.process(x2[:, start:start + b] if model.in_channels > 1 else
                                                   x2[0, start:start + b])))
        start += b
    assert max_error(np.concatenate(pieces, axis=1), batch) <= BLOCK_TOLERANCE


# The receptive-field probe.

def formula_receptive_field(doc: dict) -> int:
    """Sections 9, 10 and 12.9 of the spec, from the file's keys."""
    c = doc["config"]
    if doc["architecture"] == "Linear":
        return c["receptive_field"]  # [LIN-6]
    if doc["architecture"] == "ConvNet":
        return 1 + sum(c["dilations"])  # [CNN-6]
    rf = 1
    for arr in c["layers"]:  # [WN-RF-1]
        kernels = arr.get("kernel_sizes") or [arr["kernel_size"]] * len(arr["dilations"])
        rf += sum(d * (k - 1) for d, k in zip(arr["dilations"], kernels))
        head = arr.get("head") or {}
        rf += head.get("head_dilation", 1) * (head.get("kernel_size", 1) - 1)
    if c.get("head"):
        rf += sum(k - 1 for k in c["head"]["kernel_sizes"])  # [WN-RF-2]
    return rf


@given(generators.rf_probe_files())
def test_the_probe_measures_the_formula_receptive_field(doc):
    model = nam_reference.load(doc)
    rf = formula_receptive_field(doc)
    assert model.receptive_field() == rf
    assert model.receptive_field_is_exact()
    result = probe(model.process, rf, in_channels=model.in_channels)
    assert result.causal and result.outside_unchanged and result.inside_changed, result.detail


# Signals and blocks.

@given(generators.signals(1, 300, channels=2))
def test_signals_are_finite_float32_within_full_scale(x):
    assert x.dtype == np.float32 and x.shape[0] == 2 and 1 <= x.shape[1] <= 300
    assert np.all(np.isfinite(x)) and np.max(np.abs(x)) <= 1.0


@given(st.integers(0, 3000), st.one_of(st.none(), st.integers(1, 700)), st.data())
def test_block_sequences_cover_the_signal(total, rf, data):
    blocks = data.draw(generators.block_sequences(total, rf), label="blocks")
    assert sum(blocks) == total and all(b >= 1 for b in blocks)


# Profiles and the command line.

def _profile(name: str, **environment: str) -> dict:
    code = ("import generators, json; from hypothesis import settings; s = settings.default; "
            "print(json.dumps({'max_examples': s.max_examples, 'deadline': s.deadline is None, "
            "'derandomize': s.derandomize}))")
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"HYPOTHESIS_PROFILE": name, **environment}
    return json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                     check=True, cwd=ROOT).stdout)


def test_profiles_are_selected_by_the_environment():
    quick, dev, ci, thorough = (_profile(n) for n in ("quick", "dev", "ci", "thorough"))
    assert ci == {"max_examples": 20, "deadline": True, "derandomize": False}
    assert thorough["max_examples"] > dev["max_examples"] > quick["max_examples"] > 0
    assert thorough["deadline"] and dev["deadline"] and quick["deadline"]


def test_profiles_ignore_the_profile_hypothesis_loads_on_ci_machines():
    # With CI set, Hypothesis loads its own `ci` profile (derandomize=True) at import; a profile
    # inheriting from it would ignore --hypothesis-seed, so one seed would draw other files there.
    assert _profile("ci", CI="true") == _profile("ci")
    assert _profile("dev", CI="true") == _profile("dev")


def test_emit_is_reproducible_and_covers_what_it_was_asked(tmp_path):
    from generators.__main__ import main

    for out in ("a", "b"):
        assert main(["emit", "--seed", "5", "--count", "3", str(tmp_path / out)]) == 0
    for path in sorted((tmp_path / "a").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path
    manifest = json.loads((tmp_path / "a" / "MANIFEST.json").read_text())
    assert [e["id"] for e in manifest["cases"]] == ["gen-5-0000", "gen-5-0001", "gen-5-0002"]
    for index, entry in enumerate(manifest["cases"]):  # case i asks for the i-th tag
        assert TAGS[index] in entry["features"]
        folder = tmp_path / "a" / entry["id"]
        doc = json.loads((folder / "model.nam").read_bytes())
        check_valid(doc, {TAGS[index]})
        meta = json.loads((folder / "case.json").read_text())
        x = np.fromfile(folder / "input.f32", "<f4").reshape(-1, meta["channels"]["in"]).T
        y = np.fromfile(folder / "expected.f32", "<f4").reshape(-1, meta["channels"]["out"]).T
        wide = nam_reference.load(doc, dtype=np.float64).process(x.astype(np.float64), size=meta["size"])
        assert max_error(y, np.atleast_2d(wide)) <= meta["tolerance"]["max_error"]


@pytest.mark.slow
def test_emit_seed_1_count_200_covers_every_architecture_and_feature(tmp_path):
    from generators.emit import emit

    coverage = emit(1, 200, tmp_path)
    assert set(coverage["architecture"]) == set(ARCHITECTURES)
    assert set(coverage["feature"]) == set(TAGS)


@pytest.mark.parametrize("seed", [15, 104, 110, 128, 178, 217, 246, 385])
def test_a_bottleneck_in_a_wavenet_drawn_slimmable_gets_an_array_of_its_own(seed):
    """A WaveNet drawn slimmable (not asked to be) while showing a bottleneck, which no slimmable array
    may have ([WN-SLIM-4]), needs a second, non-slimmable array: with one, these seeds found nothing to
    choose and the generated check failed inside the generator."""
    from generators import documents, plan
    from generators.source import RandomSource

    wavenet_plan = next(p for p in plan.plans(frozenset({"wavenet.bottleneck"})) if p.architecture == "WaveNet")
    document = documents.generate(RandomSource(seed), wavenet_plan)  # each of these seeds draws usable weights
    assert "wavenet.bottleneck" in nam_reference.features.features(document)
