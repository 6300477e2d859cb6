"""Loudness, gain and output scaling (spec section 17).

Expected values come from outside the reference: worked out by hand for small models, the values
neural-amp-modeler stored in its own files, and the values its `_metadata_loudness` and
`_metadata_gain` (version 0.13.0) compute for the example models.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import math
import sys

import numpy as np
import pytest
import scipy.io.wavfile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generators
import nam_reference
from conformance.metrics import compare
from nam_reference import cli, loudness
from nam_reference.problems import InvalidModelError
from conftest import shared_path

LOUDNESS_DB = 0.01  # [LOUD-5]
GAIN = 0.001  # [LOUD-5]
SHORT = loudness.project_stimulus(512)  # properties hold for any stimulus; short keeps them fast

# neural-amp-modeler 0.13.0 (PyTorch, float32) on these files: (JSON pointer of the model, loudness, gain).
# The LSTM starts from its stored state, as [LSTM-6] requires.
TRAINER_VALUES = {
    "wavenet.nam": [("", -20.020729064941406, 0.19575620755705753)],
    "wavenet_a1_standard.nam": [("", -14.508111953735352, 0.8443552004151779)],
    "slimmable_wavenet.nam": [("", 17.58954429626465, 0.5918740146902534)],
    "wavenet_condition_dsp.nam": [("", -12.304738998413086, 0.9604666493250867)],
    "lstm.nam": [("", -38.071746826171875, 0.038397512492497655)],
    "A2.nam": [("/config/submodels/0/model", -24.038164138793945, 0.67199196972822),
               ("/config/submodels/1/model", -26.383899688720703, 0.6702561817109932)],
    "slimmable_container.nam": [("/config/submodels/1/model", -20.020729064941406, 0.19575620755705753),
                                ("/config/submodels/2/model", -25.50621795654297, 0.8174145632014388)],
}

# Generated models of every architecture ([LOUD-8] names each), and the example models.
GENERATED = {
    "Linear": generators.nam_files("Linear"),
    "ConvNet": generators.nam_files("ConvNet"),
    "LSTM": generators.nam_files("LSTM"),
    "WaveNet": generators.nam_files("WaveNet"),
    "WaveNet with post-stack head": generators.nam_files("WaveNet", {"wavenet.post_head"}),
    "WaveNet with condition_dsp": generators.nam_files("WaveNet", {"wavenet.condition_dsp"}),
    "slimmable WaveNet": generators.nam_files("WaveNet", {"wavenet.slimmable"}),
    "SlimmableContainer": generators.nam_files("SlimmableContainer"),
    "mixed SlimmableContainer": generators.nam_files("SlimmableContainer", {"container.mixed"}),
}
EXAMPLES = ["wavenet.nam", "slimmable_container.nam", "slimmable_wavenet.nam", "wavenet_condition_dsp.nam",
            "lstm.nam"]


def _stimulus_path():
    return shared_path("stimulus", "loudness_input.wav")


@functools.lru_cache(maxsize=None)
def _standard() -> np.ndarray:
    return loudness.standard_stimulus(_stimulus_path())


@functools.lru_cache(maxsize=None)
def _shared_text(name: str) -> str:
    return shared_path("models", name).read_text()


def _shared(name: str) -> dict:
    return json.loads(_shared_text(name))


def _at(document, pointer: str):
    for part in pointer.split("/")[1:]:
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def _rms(y) -> float:
    y = np.asarray(y, dtype=np.float64)
    return float(np.sqrt(np.mean(y * y)))


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# Small documents written by hand.

def linear(taps, bias=None, channels=1, metadata=None) -> dict:
    config = {"receptive_field": len(taps), "bias": bias is not None}
    if channels != 1:
        config.update(in_channels=channels, out_channels=channels)
    doc = {"version": "0.5.4", "architecture": "Linear", "config": config,
           "weights": list(taps) + ([bias] if bias is not None else [])}
    if metadata is not None:
        doc["metadata"] = metadata
    return doc


def convnet(block_weights, activation, head=(1.0, 0.0)) -> dict:
    """One channel, kernel-2 blocks of dilation 1, each given as (w_oldest, w_current, bias)."""
    weights = [w for block in block_weights for w in block] + list(head)
    return {"version": "0.5.4", "architecture": "ConvNet",
            "config": {"channels": 1, "dilations": [1] * len(block_weights), "batchnorm": False,
                       "activation": activation},
            "weights": weights}


# The standard stimulus ([LOUD-1]).

@pytest.mark.clause("LOUD-1")
def test_the_standard_stimulus_is_integer_over_2_to_the_23_as_float32():
    x = _standard()
    rate, pcm = scipy.io.wavfile.read(_stimulus_path())  # 24-bit PCM arrives left-justified in int32
    assert rate == 48000 and pcm.dtype == np.int32 and np.all(pcm % 256 == 0)
    assert x.dtype == np.float32 and x.shape == (48000,)
    assert np.array_equal(x, ((pcm // 256) / 2.0 ** 23).astype(np.float32))
    assert 20 * math.log10(_rms(x)) == pytest.approx(-14.97, abs=0.005)  # the level the trainer documents


@pytest.mark.clause("LOUD-1")
def test_another_file_is_not_the_standard_stimulus(tmp_path):
    data = bytearray(_stimulus_path().read_bytes())
    data[-1] ^= 1
    other = tmp_path / "loudness_input.wav"
    other.write_bytes(bytes(data))
    with pytest.raises(loudness.StimulusError, match="SHA-256"):
        loudness.standard_stimulus(other)


def _fake_trainer(root):
    """An installed neural-amp-modeler distribution whose package cannot be imported."""
    resource = root / "nam" / "models" / "_resources" / "loudness_input.wav"
    resource.parent.mkdir(parents=True)
    resource.write_bytes(_stimulus_path().read_bytes())
    (root / "nam" / "__init__.py").write_text("raise ImportError('importing the trainer needs PyTorch')\n")
    info = root / "neural_amp_modeler-0.13.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: neural-amp-modeler\nVersion: 0.13.0\n")
    (info / "RECORD").write_text("nam/__init__.py,,\nnam/models/_resources/loudness_input.wav,,\n"
                                 "neural_amp_modeler-0.13.0.dist-info/METADATA,,\n")
    return resource


@pytest.mark.clause("LOUD-1")
def test_the_standard_stimulus_is_found_in_an_installed_trainer_without_importing_it(tmp_path, monkeypatch):
    resource = _fake_trainer(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "nam", raising=False)
    assert loudness.find_standard_stimulus() == resource
    assert np.array_equal(loudness.standard_stimulus(), _standard())
    assert "nam" not in sys.modules


def test_without_the_trainer_the_standard_stimulus_is_unavailable(monkeypatch):
    def absent(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", absent)
    assert loudness.find_standard_stimulus() is None
    with pytest.raises(loudness.StimulusError, match="install neural-amp-modeler"):
        loudness.standard_stimulus()


def test_the_project_stimulus_is_seeded_roughly_pink_noise():
    x = loudness.project_stimulus()
    assert x.dtype == np.float32 and x.shape == (48000,)
    assert np.array_equal(x, loudness.project_stimulus())
    assert abs(float(np.mean(x))) < 1e-6 and _rms(x) == pytest.approx(0.1785, rel=1e-3)
    power = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    frequency = np.fft.rfftfreq(x.size, 1 / 48000)
    octaves = [power[(frequency >= f) & (frequency < 2 * f)].sum() for f in (100, 1000, 10000)]
    assert max(octaves) / min(octaves) < 2  # pink: equal power per octave (white noise: a ratio of 100)


# Values worked out by hand.

@pytest.mark.clause("LOUD-2", "LOUD-3")
def test_a_gain_stage_has_its_level_as_loudness_and_no_gain():
    x = loudness.project_stimulus()
    m = loudness.measure(linear([0.25]), x)
    assert m.loudness == pytest.approx(20 * math.log10(0.25 * _rms(x)), abs=1e-5)
    assert m.gain == pytest.approx(0.0, abs=1e-9)  # [LOUD-3]: a linear model has gain 0


@pytest.mark.clause("LOUD-3")
def test_an_offset_adds_the_response_to_silence_to_the_gain():
    x, b = SHORT, 0.1
    r = [_rms(k / 10 * x.astype(np.float64) + b) for k in range(11)]  # y = x·k/10 + b, in double
    expected = min(max((sum(r) - 5.5 * r[10]) / (5.5 * r[10]), 0.0), 1.0)
    m = loudness.measure(linear([1.0], bias=b), x)
    assert m.levels[0] == pytest.approx(b, rel=1e-6)  # r_0 is included
    assert m.gain == pytest.approx(expected, abs=1e-6) and m.gain > 0.05


@pytest.mark.clause("LOUD-3")
def test_a_hard_limiter_has_the_gain_of_a_square_response():
    """clip(10^4·x, −1, 1) is ±1 almost everywhere: r_0 = 0 and r_k ≈ 1, so gain = (10 − 5.5) / 5.5."""
    limiter = convnet([(0.0, 1e4, 0.0)], "Hardtanh")
    assert loudness.gain(limiter, loudness.project_stimulus()) == pytest.approx(4.5 / 5.5, abs=1e-3)


@pytest.mark.clause("LOUD-2", "LOUD-3", "STATE-4")
def test_loudness_and_gain_are_measured_from_the_silent_past():
    """Block 1 outputs tanh(1) whatever the input; block 2 outputs its previous sample. From the silent
    past that previous sample is tanh(1) at t = 0 too, so y = tanh(tanh(1)) everywhere; from the cold
    state ([STATE-2]) y[0] would be tanh(0) = 0."""
    model = nam_reference.load(convnet([(0.0, 0.0, 1.0), (1.0, 0.0, 0.0)], "Tanh"))
    x = SHORT[:10]
    level = math.tanh(math.tanh(1.0))
    assert loudness.loudness(model, x) == pytest.approx(20 * math.log10(level), abs=1e-5)
    assert loudness.gain(model, x) == 1.0  # r_k = level for every k, r_0 included: clipped to 1
    assert model.process(x, initial_state="cold")[0] == 0.0  # the cold state would measure less


@pytest.mark.clause("LOUD-4")
def test_a_silent_model_has_no_loudness_and_no_gain():
    m = loudness.measure(linear([0.0, 0.0]), SHORT)
    assert m.levels == (0.0,) * 11 and m.loudness is None and m.gain is None  # [LOUD-4]


@pytest.mark.clause("LOUD-2")
def test_every_input_channel_receives_the_stimulus_and_every_output_channel_counts():
    doc = linear([0.5], channels=2)
    assert loudness.loudness(doc, SHORT) == pytest.approx(20 * math.log10(0.5 * _rms(SHORT)), abs=1e-5)


@pytest.mark.clause("LOUD-2", "CONT-6")
def test_a_container_is_measured_at_the_size_asked_for():
    container = {"version": "0.7.0", "architecture": "SlimmableContainer", "weights": [], "config": {"submodels": [
        {"max_value": 0.5, "model": linear([0.5])}, {"max_value": 1.0, "model": linear([2.0])}]}}
    base = 20 * math.log10(_rms(SHORT))
    assert loudness.loudness(container, SHORT) == pytest.approx(base + 20 * math.log10(2.0), abs=1e-5)
    assert loudness.loudness(container, SHORT, size=0.2) == pytest.approx(base + 20 * math.log10(0.5), abs=1e-5)


# The trainer's own numbers for the example models.

@pytest.mark.parametrize("name, pointer, expected_loudness, expected_gain",
                         [(name, *row) for name, rows in TRAINER_VALUES.items() for row in rows])
@pytest.mark.clause("LOUD-2", "LOUD-3")
def test_loudness_and_gain_agree_with_the_trainer(name, pointer, expected_loudness, expected_gain):
    model = nam_reference.load(_at(_shared(name), pointer) if pointer else _shared(name))
    m = loudness.measure(model, _standard())
    assert m.loudness == pytest.approx(expected_loudness, abs=1e-4)
    assert m.gain == pytest.approx(expected_gain, abs=1e-5)


# Trainer-made files: the stored values are the trainer's, the command recomputes them ([LOUD-5]).

@pytest.mark.parametrize("name, size, stored_at", [
    ("wavenet.nam", None, ""),
    ("A2.nam", 0.25, "/config/submodels/0/model"),
    ("A2.nam", 0.5, "/config/submodels/1/model"),
    ("A2.nam", None, ""),
    ("slimmable_container.nam", 0.5, "/config/submodels/1/model"),
    ("slimmable_container.nam", None, "/config/submodels/2/model"),  # the container stores none ([LOUD-7])
])
@pytest.mark.clause("LOUD-5", "LOUD-7")
def test_nam_ref_loudness_reproduces_the_stored_values(capsys, name, size, stored_at):
    slim = ["--slim", size] if size is not None else []
    code, out, _ = _run(capsys, "loudness", shared_path("models", name), "--stimulus", _stimulus_path(), "--json", *slim)
    assert code == cli.EXIT_OK
    result = json.loads(out)
    stored = _at(_shared(name), stored_at)["metadata"]
    assert result["stimulus"]["kind"] == "standard"
    assert result["stored"] == {"loudness": stored["loudness"], "gain": stored["gain"]}
    assert abs(result["computed"]["loudness"] - stored["loudness"]) <= LOUDNESS_DB
    assert abs(result["computed"]["gain"] - stored["gain"]) <= GAIN
    assert result["difference"]["loudness"] == pytest.approx(stored["loudness"] - result["computed"]["loudness"])
    assert result["within_tolerance"] == {"loudness": True, "gain": True}


def test_nam_ref_loudness_text_output(capsys):
    code, out, _ = _run(capsys, "loudness", shared_path("models", "wavenet.nam"), "--stimulus", _stimulus_path())
    assert code == cli.EXIT_OK
    rows = {line.split()[0]: line.split() for line in out.splitlines()}
    assert rows["loudness"][1:3] == ["-20.0207", "dB"] and rows["loudness"][3:5] == ["-20.0207", "dB"]
    assert rows["gain"][1:3] == ["0.195756", "0.195756"]


def test_without_the_standard_stimulus_nam_ref_loudness_says_why_it_does_not_compare(capsys, monkeypatch):
    monkeypatch.setattr(loudness, "find_standard_stimulus", lambda: None)
    code, out, _ = _run(capsys, "loudness", shared_path("models", "wavenet.nam"), "--json")
    result = json.loads(out)
    assert code == cli.EXIT_OK and result["stimulus"]["kind"] == "project"
    assert result["stored"]["loudness"] == _shared("wavenet.nam")["metadata"]["loudness"]
    assert result["difference"] == {"loudness": None, "gain": None}
    assert any("not comparable" in note for note in result["notes"])


def test_nam_ref_loudness_rejects_a_stimulus_that_is_not_the_standard_one(capsys, tmp_path):
    wav = tmp_path / "noise.wav"
    scipy.io.wavfile.write(wav, 48000, loudness.project_stimulus())
    code, _, err = _run(capsys, "loudness", shared_path("models", "wavenet.nam"), "--stimulus", wav)
    assert code == cli.EXIT_USAGE and "not the standard loudness stimulus" in err


def test_a_slim_size_of_a_slimmable_wavenet_has_no_stored_values(capsys):
    code, out, _ = _run(capsys, "loudness", shared_path("models", "slimmable_wavenet.nam"), "--slim", "0.1",
                        "--stimulus", _stimulus_path(), "--json")
    result = json.loads(out)
    assert code == cli.EXIT_OK and result["stored"] == {"loudness": None, "gain": None}
    assert any("full-size" in note for note in result["notes"])


# Scaling the output ([LOUD-8]): what changes in the document.

def _leaves(value, pointer=""):
    """Every scalar of a JSON value with its pointer, and every object's key order."""
    if isinstance(value, dict):
        yield pointer + "#keys", list(value)
        for key, item in value.items():
            yield from _leaves(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{pointer}/{i}")
    else:
        yield pointer, value


def _changed(before: dict, after: dict) -> set[str]:
    old, new = dict(_leaves(before)), dict(_leaves(after))
    assert old.keys() == new.keys()
    return {p for p in old if old[p] != new[p]}


def _expected_changes(doc: dict, base: str = "") -> set[str]:
    """[LOUD-8]'s table, read off the document's config without the reference."""
    arch, cfg, n = doc["architecture"], doc["config"], len(doc["weights"])
    changed = {f"{base}/metadata/loudness"} if (doc.get("metadata") or {}).get("loudness") is not None else set()
    if arch == "SlimmableContainer":
        for i, entry in enumerate(cfg["submodels"]):
            changed |= _expected_changes(entry["model"], f"{base}/config/submodels/{i}/model")
        return changed
    if arch == "Linear":
        first = 0
    elif arch == "LSTM":
        first = n - cfg.get("out_channels", 1) * (cfg["hidden_size"] + 1)
    elif arch == "ConvNet":
        first = n - cfg.get("out_channels", 1) * (cfg["channels"] + 1)
    elif cfg.get("head") is None:
        first = n - 1
        changed.add(f"{base}/config/head_scale")
    else:  # the last post-stack convolution and its bias, just before the head scale
        head = cfg["head"]
        last_array = cfg["layers"][-1]
        hs = last_array["head"]["out_channels"] if last_array.get("head") else last_array["head_size"]
        c_in = head["channels"] if len(head["kernel_sizes"]) > 1 else hs
        last = head["kernel_sizes"][-1] * c_in * head["out_channels"] + head["out_channels"]
        return changed | {f"{base}/weights/{i}" for i in range(n - 1 - last, n - 1)}
    return changed | {f"{base}/weights/{i}" for i in range(first, n)}


@pytest.mark.parametrize("name", ["wavenet.nam", "lstm.nam", "A2.nam", "slimmable_container.nam",
                                  "slimmable_wavenet.nam", "wavenet_condition_dsp.nam", "wavenet_a2_max.nam"])
@pytest.mark.clause("LOUD-8")
def test_scale_output_changes_exactly_what_the_table_lists(name):
    doc = _shared(name)
    scaled = loudness.scale_output(doc, 3.0)
    expected = {p for p in _expected_changes(doc) if _at(doc, p) != 0}  # a zero weight stays zero
    assert _changed(doc, scaled) == expected
    assert doc == _shared(name)  # the input document is not modified


@pytest.mark.clause("LOUD-8")
@pytest.mark.parametrize("kind", GENERATED)
@given(data=st.data())
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_scale_output_changes_exactly_what_the_table_lists_for_generated_models(kind, data):
    doc = data.draw(GENERATED[kind])
    expected = {p for p in _expected_changes(doc) if _at(doc, p) != 0}  # a zero weight stays zero
    assert _changed(doc, loudness.scale_output(doc, 0.3)) == expected


@pytest.mark.clause("LOUD-8")
def test_stored_loudness_moves_by_the_scale_in_db_and_gain_stays():
    doc = _shared("A2.nam")
    scaled = loudness.scale_output(doc, 0.5)
    shift = 20 * math.log10(0.5)
    for pointer in ("", "/config/submodels/0/model", "/config/submodels/1/model"):
        before, after = _at(doc, pointer)["metadata"], _at(scaled, pointer)["metadata"]
        assert after["loudness"] == pytest.approx(before["loudness"] + shift, abs=1e-12)
        assert after["gain"] == before["gain"]


@pytest.mark.clause("LOUD-8")
def test_a_condition_dsp_is_never_scaled():
    doc = _shared("wavenet_condition_dsp.nam")
    scaled = loudness.scale_output(doc, 10.0)
    assert scaled["config"]["condition_dsp"] == doc["config"]["condition_dsp"]


@pytest.mark.clause("W-2")
def test_scaled_weights_are_the_shortest_decimals_of_their_float32_values(capsys, tmp_path):
    source, out = shared_path("models", "wavenet.nam"), tmp_path / "scaled.nam"
    code, _, _ = _run(capsys, "scale-output", source, out, "--scale", "3")
    assert code == cli.EXIT_OK
    doc = _shared("wavenet.nam")
    text = out.read_text(encoding="utf-8")
    start = text.index('"weights": [')
    head_scale_text = text[start:text.index("]", start)].rsplit(",", 1)[1].strip()  # the last weight, as written
    expected = np.float32(float(np.float32(doc["weights"][-1])) * 3)
    assert np.float32(float(head_scale_text)) == expected
    mantissa = head_scale_text.lower().split("e")[0].replace("-", "").replace(".", "")
    digits = len(mantissa.strip("0"))
    for shorter in range(1, digits):
        assert np.float32(float(f"{float(expected):.{shorter - 1}e}")) != expected
    assert json.loads(text)["config"]["head_scale"] == float(head_scale_text)


def test_nam_ref_scale_output_keeps_key_order_and_every_other_value(capsys, tmp_path):
    out = tmp_path / "scaled.nam"
    code, printed, _ = _run(capsys, "scale-output", shared_path("models", "A2.nam"), out, "--db", "-6")
    assert code == cli.EXIT_OK and "-6.0000 dB" in printed
    before = _shared("A2.nam")
    after = json.loads(out.read_text(encoding="utf-8"))
    assert _changed(before, after) == _expected_changes(before)


def test_db_and_scale_give_the_same_file(capsys, tmp_path):
    a, b = tmp_path / "a.nam", tmp_path / "b.nam"
    _run(capsys, "scale-output", shared_path("models", "lstm.nam"), a, "--db", "6")
    _run(capsys, "scale-output", shared_path("models", "lstm.nam"), b, "--scale", str(10 ** (6 / 20)))
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("scale", [0, -1.0, math.inf, math.nan, True])
def test_scale_output_rejects_a_scale_that_is_not_positive_and_finite(scale):
    with pytest.raises(ValueError):
        loudness.scale_output(linear([1.0]), scale)


def test_nam_ref_scale_output_exit_codes(capsys, tmp_path):
    bad = tmp_path / "bad.nam"
    bad.write_text(json.dumps(linear([1.0, 2.0]) | {"weights": [1.0]}))
    assert _run(capsys, "scale-output", bad, tmp_path / "x.nam", "--scale", "2")[0] == cli.EXIT_INVALID
    assert _run(capsys, "scale-output", tmp_path / "absent.nam", tmp_path / "x.nam", "--scale", "2")[0] == cli.EXIT_USAGE
    good = tmp_path / "good.nam"
    good.write_text(json.dumps(linear([1.0])))
    assert _run(capsys, "scale-output", good, tmp_path / "x.nam", "--scale", "-2")[0] == cli.EXIT_USAGE
    with pytest.raises(SystemExit):  # argparse: one of --db and --scale is required
        cli.main(["scale-output", str(good), str(tmp_path / "x.nam")])
    with pytest.raises(InvalidModelError):
        loudness.scale_output(json.loads(bad.read_text()), 2.0)


@pytest.mark.clause("LOUD-8", "WN-HEAD-3")
def test_scaling_the_head_scale_of_a_post_stack_head_is_not_exact():
    """Why [LOUD-8] scales the last convolution: the head's activation acts on the head scale.

    Every weight 1 and every bias 0: the layer computes a = tanh(x + x), the array's head passes it on,
    y = head_scale · a, and the post-stack head gives tanh(y). So the model is tanh(tanh(2x))."""
    layer = {"input_size": 1, "condition_size": 1, "channels": 1, "kernel_size": 1, "dilations": [1],
             "activation": "Tanh", "head_size": 1, "head_bias": False}
    head = {"channels": 1, "out_channels": 1, "kernel_sizes": [1], "activation": "Tanh"}
    weights = [1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0]  # rechannel, layer, array head, post conv, scale
    doc = {"version": "0.7.0", "architecture": "WaveNet", "weights": weights,
           "config": {"layers": [layer], "head": head, "head_scale": 1.0}}
    x = SHORT.astype(np.float64)
    assert compare(nam_reference.load(doc).process(SHORT), np.tanh(np.tanh(2 * x))).within("strict")
    trainer_way = json.loads(json.dumps(doc))
    trainer_way["weights"][-1] = trainer_way["config"]["head_scale"] = 4.0
    assert compare(nam_reference.load(trainer_way).process(SHORT), np.tanh(4 * np.tanh(2 * x))).within("strict")
    assert not compare(nam_reference.load(trainer_way).process(SHORT), 4 * np.tanh(np.tanh(2 * x))).within("perceptual")
    scaled = nam_reference.load(loudness.scale_output(doc, 4.0))
    assert compare(scaled.process(SHORT), 4 * np.tanh(np.tanh(2 * x))).within("strict")


# Properties over generated models of every architecture and the example models.

def _sizes(model) -> list[float | None]:
    """Full size and, for a slimmable model, a size that selects each narrower submodel or width."""
    return [None, 0.0] + model.breakpoints if model.slimmable else [None]


def _gain_tolerance(before, after, scale) -> float:
    """How far gain may move when every r_k moves by a relative ε: |Δgain| ≤ 2ε(1 + gain), to first order."""
    eps = max(abs(b / (scale * a) - 1) for a, b in zip(before.levels, after.levels) if a > 0)
    return 2.001 * eps * (1 + before.gain) + 1e-12


def _only_the_head_scale_changes(doc: dict) -> bool:
    """[LOUD-8] scales a single number: the head scale of WaveNets without a post-stack head."""
    if doc["architecture"] == "SlimmableContainer":
        return all(_only_the_head_scale_changes(e["model"]) for e in doc["config"]["submodels"])
    return doc["architecture"] == "WaveNet" and doc["config"].get("head") is None


def _input(model, x):
    return np.repeat(x[None, :], model.in_channels, axis=0)


def _check_loudness_moves_and_gain_stays(doc, scale):
    after_doc = loudness.scale_output(doc, scale)
    before, after = (loudness.measure(nam_reference.load(d), SHORT) for d in (doc, after_doc))
    if before.loudness is None:
        assert after.loudness is None
        return
    assert after.loudness - before.loudness == pytest.approx(20 * math.log10(scale), abs=1e-4)
    assert abs(after.gain - before.gain) <= _gain_tolerance(before, after, scale)
    # Rendered in float64, so that only the scaling's own rounding remains: rounding the head scale
    # once multiplies every sample by the same factor, and gain, a ratio of levels, does not move.
    if _only_the_head_scale_changes(doc):
        before, after = (loudness.measure(nam_reference.load(d, dtype=np.float64), SHORT) for d in (doc, after_doc))
        assert abs(after.gain - before.gain) <= 1e-9
    stored = after_doc.get("metadata") or {}
    if stored.get("loudness") is not None:
        assert stored["loudness"] == pytest.approx(doc["metadata"]["loudness"] + 20 * math.log10(scale), abs=1e-9)
        assert stored.get("gain") == doc["metadata"].get("gain")


def _check_output_is_scaled(doc, scale):
    model, scaled = nam_reference.load(doc), nam_reference.load(loudness.scale_output(doc, scale))
    x = _input(model, SHORT)
    for size in _sizes(model):
        expected = scale * model.process(x, size=size).astype(np.float64)
        assert compare(scaled.process(x, size=size), expected).within("strict"), size


SCALES = st.floats(0.01, 100)


@pytest.mark.clause("LOUD-8")
@pytest.mark.parametrize("kind", GENERATED)
@given(data=st.data(), scale=SCALES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_scaling_moves_loudness_by_the_scale_in_db_and_leaves_gain(kind, data, scale):
    _check_loudness_moves_and_gain_stays(data.draw(GENERATED[kind]), scale)


@pytest.mark.clause("LOUD-8")
@pytest.mark.parametrize("name", EXAMPLES)
@given(scale=SCALES)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_scaling_an_example_moves_loudness_by_the_scale_in_db_and_leaves_gain(name, scale):
    _check_loudness_moves_and_gain_stays(_shared(name), scale)


@pytest.mark.clause("LOUD-8", "NUM-5")
@pytest.mark.parametrize("kind", GENERATED)
@given(data=st.data(), scale=SCALES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_scaled_model_outputs_the_scale_times_the_output_within_the_strict_tier(kind, data, scale):
    _check_output_is_scaled(data.draw(GENERATED[kind]), scale)


@pytest.mark.clause("LOUD-8", "NUM-5")
@pytest.mark.parametrize("name", EXAMPLES + ["A2.nam"])
@given(scale=SCALES)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_scaled_example_outputs_the_scale_times_the_output_within_the_strict_tier(name, scale):
    _check_output_is_scaled(_shared(name), scale)


@pytest.mark.clause("LOUD-8")
@pytest.mark.parametrize("kind", GENERATED)
@given(data=st.data(), exponent=st.integers(-6, 6))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_scaling_by_a_power_of_two_is_exact(kind, data, exponent):
    """Multiplying binary32 values by 2^k rounds nothing, so [LOUD-8]'s 'exact in real arithmetic'
    becomes exact in float32: the same samples times 2^k, and the same gain to the last bit."""
    doc, scale = data.draw(GENERATED[kind]), 2.0 ** exponent
    model, scaled = nam_reference.load(doc), nam_reference.load(loudness.scale_output(doc, scale))
    x = _input(model, SHORT)
    for size in _sizes(model):
        y = model.process(x, size=size)
        assert np.array_equal(scaled.process(x, size=size), (y * np.float32(scale)).astype(np.float32))
    before, after = loudness.measure(model, SHORT), loudness.measure(scaled, SHORT)
    assert after.levels == tuple(scale * r for r in before.levels)
    assert after.gain == before.gain
