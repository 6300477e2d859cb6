"""`nam-ref check`: the linter for files in the wild (severities, findings, exit codes, many files).

Stored values that the checker compares against were written by the trainer, worked out by hand for
small models, or computed by neural-amp-modeler 0.13.0 (see tests/test_loudness.py).
"""

from __future__ import annotations

import collections
import functools
import json
import math

import numpy as np
import pytest
import scipy.io.wavfile

from nam_reference import cli, lint, loudness
from conftest import shared_path


def _stimulus_path():
    return shared_path("stimulus", "loudness_input.wav")


@functools.lru_cache(maxsize=None)
def _stimulus_rms() -> float:
    """The standard stimulus's RMS, decoded here without the reference: scipy gives 24-bit PCM left-justified."""
    _, pcm = scipy.io.wavfile.read(_stimulus_path())
    x = ((pcm // 256) / 2.0 ** 23).astype(np.float32).astype(np.float64)
    return float(np.sqrt(np.mean(x * x)))


@functools.lru_cache(maxsize=None)
def _standard():
    return loudness.standard_stimulus(_stimulus_path())


def _gain_stage_loudness(a: float) -> float:
    """y = a·x exactly (one tap, no bias): loudness is the stimulus level plus 20·log10|a| ([LOUD-2])."""
    return 20 * math.log10(abs(a) * _stimulus_rms())


def _findings(result) -> collections.Counter:
    return collections.Counter((f.clause, f.severity, f.path) for f in result.findings)


def _write(tmp_path, name: str, doc: dict):
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def gain_stage(a: float, metadata=None) -> dict:
    doc = {"version": "0.5.4", "architecture": "Linear", "config": {"receptive_field": 1, "bias": False},
           "weights": [a]}
    if metadata is not None:
        doc["metadata"] = metadata
    return doc


def container(models, thresholds, metadata=None) -> dict:
    doc = {"version": "0.7.0", "architecture": "SlimmableContainer", "weights": [],
           "config": {"submodels": [{"max_value": t, "model": m} for t, m in zip(thresholds, models)]}}
    if metadata is not None:
        doc["metadata"] = metadata
    return doc


def _correct(a: float) -> dict:
    return {"loudness": _gain_stage_loudness(a), "gain": 0.0}  # a linear model has gain 0 ([LOUD-3])


# The bug of neural-amp-modeler PR #668: output scaled after loudness was measured.

def _pre_fix_export(doc: dict, scale: float) -> dict:
    """What the export hook did before the fix: head scale and last weight scaled, loudness left alone."""
    doc = json.loads(json.dumps(doc))
    models = [e["model"] for e in doc["config"]["submodels"]] if doc["architecture"] == "SlimmableContainer" else [doc]
    for model in models:
        model["config"]["head_scale"] *= scale
        model["weights"][-1] *= scale
    return doc


@pytest.mark.parametrize("name, stored_at", [
    ("wavenet.nam", ["/metadata/loudness"]),
    ("A2.nam", ["/metadata/loudness", "/config/submodels/0/model/metadata/loudness",
                "/config/submodels/1/model/metadata/loudness"]),
])
@pytest.mark.clause("LOUD-5", "LOUD-8")
def test_a_file_written_before_the_fix_is_flagged_and_the_same_file_after_scale_output_passes(
        capsys, tmp_path, name, stored_at):
    doc = json.loads(shared_path("models", name).read_text())
    buggy = _write(tmp_path, "buggy.nam", _pre_fix_export(doc, 0.5))
    fixed = _write(tmp_path, "fixed.nam", loudness.scale_output(doc, 0.5))

    code, out, _ = _run(capsys, "check", buggy, "--stimulus", _stimulus_path(), "--json", "-j", "1")
    result = json.loads(out)["files"][0]
    loud = [f for f in result["findings"] if f["clause"] == "LOUD-5"]
    assert code == cli.EXIT_INVALID
    assert sorted(f["path"] for f in loud) == sorted(stored_at)
    # The output fell by 20·log10(0.5) = -6.02 dB; the stored values did not move.
    assert all(f["severity"] == "error" and "stored - computed = +6.02" in f["message"] for f in loud)
    assert not any(f["clause"] == "WN-3" for f in result["findings"])  # head scale and last weight agree

    code, out, _ = _run(capsys, "check", fixed, "--stimulus", _stimulus_path(), "--strict", "-j", "1")
    assert code == cli.EXIT_OK, out
    assert "1 file checked: 0 with errors, 0 with warnings, 0 with information only, 1 clean" in out


# Every example model.

def _head_scale_mismatches(doc: dict, pointer: str = "") -> list[str]:
    """[WN-3], read off the JSON: the float32 config.head_scale against the last weight, in every WaveNet."""
    found = []
    if doc["architecture"] == "WaveNet":
        if np.float32(doc["config"]["head_scale"]) != np.float32(doc["weights"][-1]):
            found.append(pointer + "/config/head_scale")
        if doc["config"].get("condition_dsp"):
            found += _head_scale_mismatches(doc["config"]["condition_dsp"], pointer + "/config/condition_dsp")
    for i, entry in enumerate(doc["config"].get("submodels", [])):
        found += _head_scale_mismatches(entry["model"], f"{pointer}/config/submodels/{i}/model")
    return found


# Beyond [WN-3], what each example model should show, and why.
EXAMPLE_FINDINGS = {
    # Stored loudness and gain are the trainer's and reproduce ([LOUD-5]); a packed-training container.
    "A2.nam": [],
    "wavenet.nam": [],
    # The trainer measured from a learned initial state it does not store: -37.84 dB and 0.135 stored,
    # -38.07 dB and 0.038 from the stored state ([LOUD-6]).
    "lstm.nam": [("LOUD-6", "info", "/metadata/loudness"), ("LOUD-6", "info", "/metadata/gain")],
    # No metadata at all on the container while its last submodel has loudness and gain ([CONT-9]);
    # submodel 0 is lstm.nam; an LSTM and two WaveNets with thresholds 0.33, 0.66 are not the packed shape.
    "slimmable_container.nam": [
        ("CONT-9", "warning", ""), ("CONT-9", "warning", ""),
        ("LOUD-6", "info", "/config/submodels/0/model/metadata/loudness"),
        ("LOUD-6", "info", "/config/submodels/0/model/metadata/gain"),
        ("CONT-10", "info", "/config/submodels")],
    # An empty metadata object, and no metadata at all.
    "slimmable_wavenet.nam": [("META-2", "info", "/metadata"), ("META-2", "info", "/metadata")],
    "wavenet_a1_standard.nam": [("META-2", "info", "")],
    # Placeholder metadata (-20 dB, gain 0.2) from a generator script: the models play at +19.7 dB
    # (+19.4 dB in an engine with the [DIV-5] bug) and -12.30 dB (the trainer), gains 1.0 and 0.96.
    "wavenet_a2_max.nam": [("LOUD-5", "error", "/metadata/loudness"), ("LOUD-5", "warning", "/metadata/gain")],
    "wavenet_condition_dsp.nam": [("LOUD-5", "error", "/metadata/loudness"), ("LOUD-5", "warning", "/metadata/gain")],
}


@pytest.mark.clause("LOUD-5", "LOUD-6", "CONT-9", "CONT-10", "WN-3", "META-2")
def test_the_findings_for_every_example_model(capsys):
    folder = shared_path("models")
    assert sorted(p.name for p in folder.glob("*.nam")) == sorted(EXAMPLE_FINDINGS)
    code, out, _ = _run(capsys, "check", folder, "--stimulus", _stimulus_path(), "--json", "-j", "2")
    report = json.loads(out)
    assert code == cli.EXIT_INVALID and report["loudness_checked"]
    assert [r["file"].rsplit("/", 1)[-1] for r in report["files"]] == sorted(EXAMPLE_FINDINGS)  # input order
    for result in report["files"]:
        name = result["file"].rsplit("/", 1)[-1]
        doc = json.loads((folder / name).read_text())
        expected = EXAMPLE_FINDINGS[name] + [("WN-3", "warning", p) for p in _head_scale_mismatches(doc)]
        found = [(f["clause"], f["severity"], f["path"]) for f in result["findings"]]
        assert collections.Counter(found) == collections.Counter(expected), name
        assert result["valid"] is True
    summary = report["summary"]
    assert summary["files"] == 8 and summary["files_with_errors"] == 2 and summary["clean"] == 2


def test_the_computed_values_sit_beside_the_stored_ones():
    result = lint.check_file(str(shared_path("models", "wavenet.nam")), _standard())
    (measured,) = result.measurements
    assert measured["path"] == "/metadata"
    assert measured["stored"] == {"loudness": -20.020729064941406, "gain": 0.19575619747898518}
    assert measured["computed"]["loudness"] == pytest.approx(-20.020729064941406, abs=1e-4)  # the trainer's value


# Each finding on a small file made for it.

def test_a_correct_file_has_no_findings(tmp_path):
    path = _write(tmp_path, "ok.nam", gain_stage(0.5, _correct(0.5)))
    assert lint.check_file(str(path), _standard()).findings == []


@pytest.mark.clause("LOUD-5")
def test_a_wrong_loudness_is_an_error_and_a_wrong_gain_a_warning(tmp_path):
    wrong = {"loudness": _gain_stage_loudness(0.5) + 0.02, "gain": 0.0015}
    result = lint.check_file(str(_write(tmp_path, "x.nam", gain_stage(0.5, wrong))), _standard())
    assert _findings(result) == {("LOUD-5", "error", "/metadata/loudness"): 1, ("LOUD-5", "warning", "/metadata/gain"): 1}
    within = {"loudness": _gain_stage_loudness(0.5) + 0.009, "gain": 0.0009}  # inside [LOUD-5]'s tolerances
    assert lint.check_file(str(_write(tmp_path, "y.nam", gain_stage(0.5, within))), _standard()).findings == []


@pytest.mark.clause("LOUD-4")
def test_a_loudness_stored_for_a_silent_model_is_an_error(tmp_path):
    result = lint.check_file(str(_write(tmp_path, "x.nam", gain_stage(0.0, {"loudness": -20.0}))), _standard())
    assert _findings(result) == {("LOUD-4", "error", "/metadata"): 1, ("META-2", "info", "/metadata"): 1}


@pytest.mark.clause("META-2")
def test_missing_metadata_is_information(tmp_path):
    result = lint.check_file(str(_write(tmp_path, "x.nam", gain_stage(0.5))), _standard())
    assert _findings(result) == {("META-2", "info", ""): 1}
    result = lint.check_file(str(_write(tmp_path, "y.nam", gain_stage(0.5, {"name": "x"}))), _standard())
    assert _findings(result) == {("META-2", "info", "/metadata"): 2}


def _steady_lstm(steady: bool) -> dict:
    """One cell with every matrix weight 0: the gates are σ(b_i), σ(b_f), tanh(b_g), σ(b_o) whatever the
    input, so the zero-input steady state is c = i·g / (1 − f), h = o·tanh(c) ([STATE-5])."""
    b = [0.5, 1.0, 0.8, 0.3]
    i, f, g, o = 1 / (1 + math.exp(-b[0])), 1 / (1 + math.exp(-b[1])), math.tanh(b[2]), 1 / (1 + math.exp(-b[3]))
    c = i * g / (1 - f)
    h, c = (o * math.tanh(c), c) if steady else (0.0, 0.0)
    return {"version": "0.5.4", "architecture": "LSTM", "config": {"input_size": 1, "hidden_size": 1, "num_layers": 1},
            "weights": [0.0] * 8 + b + [h, c] + [1.0, 0.0], "metadata": {"name": "lstm"}}


@pytest.mark.clause("STATE-5")
def test_an_lstm_whose_stored_state_is_not_at_rest_is_a_warning(tmp_path):
    at_rest = lint.check_file(str(_write(tmp_path, "a.nam", _steady_lstm(True))))
    assert not any(f.clause == "STATE-5" for f in at_rest.findings)
    moving = lint.check_file(str(_write(tmp_path, "b.nam", _steady_lstm(False))))
    (finding,) = [f for f in moving.findings if f.clause == "STATE-5"]
    assert finding.severity == "warning" and finding.path == "/weights" and "c0" in finding.message
    nested = lint.check_file(str(_write(tmp_path, "c.nam", container([_steady_lstm(False)], [1.0]))))
    assert ("STATE-5", "warning", "/config/submodels/0/model/weights") in _findings(nested)


@pytest.mark.clause("LOUD-6")
def test_an_lstm_loudness_difference_is_information(tmp_path):
    doc = _steady_lstm(True)
    doc["metadata"] = {"loudness": 0.0, "gain": 0.5}  # far from the truth; the learned state is not stored
    result = lint.check_file(str(_write(tmp_path, "x.nam", doc)), _standard())
    assert _findings(result) == {("LOUD-6", "info", "/metadata/loudness"): 1, ("LOUD-6", "info", "/metadata/gain"): 1}


@pytest.mark.clause("CONT-9")
def test_container_metadata_must_be_its_last_submodels(tmp_path):
    subs = [gain_stage(0.25, _correct(0.25)), gain_stage(0.5, _correct(0.5))]
    same = container(subs, [0.5, 1.0], _correct(0.5))
    assert not any(f.clause == "CONT-9" for f in lint.check_file(str(_write(tmp_path, "a.nam", same)), _standard()).findings)
    slightly_off = container(subs, [0.5, 1.0], {"loudness": _correct(0.5)["loudness"] + 0.005, "gain": 0.0})
    result = lint.check_file(str(_write(tmp_path, "b.nam", slightly_off)), _standard())
    assert _findings(result) == {("CONT-9", "warning", "/metadata/loudness"): 1, ("CONT-10", "info", "/config/submodels"): 1}
    absent = lint.check_file(str(_write(tmp_path, "c.nam", container(subs, [0.5, 1.0]))), _standard())
    assert _findings(absent)[("CONT-9", "warning", "")] == 2  # neither loudness nor gain


@pytest.mark.clause("CONT-3")
def test_a_container_with_repeated_thresholds_is_an_error(tmp_path):
    doc = container([gain_stage(0.25), gain_stage(0.5)], [1.0, 1.0])
    result = lint.check_file(str(_write(tmp_path, "x.nam", doc)), _standard())
    assert result.valid is False
    assert ("CONT-3", "error", "/config/submodels/1/max_value") in _findings(result)


@pytest.mark.clause("CONT-10")
def test_the_packed_training_shape_is_information_only(tmp_path):
    a2 = json.loads(shared_path("models", "A2.nam").read_text())
    assert not any(f.clause == "CONT-10" for f in lint.check_file(str(shared_path("models", "A2.nam"))).findings)
    twice = container([a2["config"]["submodels"][1]["model"]] * 2, [0.5, 1.0])
    (finding,) = [f for f in lint.check_file(str(_write(tmp_path, "x.nam", twice))).findings if f.clause == "CONT-10"]
    assert finding.severity == "info" and "same channels" in finding.message
    uneven = container([gain_stage(0.25), gain_stage(0.5), gain_stage(1.0)], [0.2, 0.9, 1.0])
    (finding,) = [f for f in lint.check_file(str(_write(tmp_path, "y.nam", uneven))).findings if f.clause == "CONT-10"]
    assert "not all WaveNets" in finding.message and "thresholds" in finding.message


def test_an_invalid_or_unreadable_file_is_an_error(tmp_path):
    broken = tmp_path / "broken.nam"
    broken.write_text('{"version": "0.5.4",')
    result = lint.check_file(str(broken))
    assert result.valid is False and _findings(result) == {("JSON-2", "error", ""): 1}
    missing = lint.check_file(str(tmp_path / "absent.nam"))
    assert missing.valid is None and [f.severity for f in missing.findings] == ["error"]


# The command: files and folders, parallel runs, output, exit codes.

def test_folders_are_searched_for_nam_files_in_a_stable_order(tmp_path):
    (tmp_path / "b" / "c").mkdir(parents=True)
    for name in ("b/c/z.nam", "b/a.NAM", "top.nam"):
        _write(tmp_path, name, gain_stage(0.5))
    (tmp_path / "b" / "notes.txt").write_text("not a model")
    explicit = _write(tmp_path, "model.json", gain_stage(0.5))
    found = lint.find_nam_files([str(tmp_path / "b"), str(tmp_path / "top.nam"), str(explicit), str(tmp_path / "top.nam")])
    assert [p.replace(str(tmp_path), "") for p in found] == ["/b/a.NAM", "/b/c/z.nam", "/top.nam", "/model.json"]


def test_many_files_in_parallel_give_the_results_of_one_at_a_time(tmp_path):
    paths = []
    for i in range(24):
        a = (i + 1) / 8
        meta = _correct(a) if i % 3 else {"loudness": 0.0, "gain": 0.0}
        paths.append(str(_write(tmp_path, f"m{i:02d}.nam", gain_stage(a, meta))))
    parallel = lint.check_files(paths, _standard(), jobs=2)
    serial = lint.check_files(paths, _standard(), jobs=1)
    assert [r.as_json() for r in parallel] == [r.as_json() for r in serial]
    assert [r.file for r in parallel] == paths
    assert [bool(r.findings) for r in parallel] == [i % 3 == 0 for i in range(24)]


def test_exit_codes(capsys, tmp_path):
    clean = _write(tmp_path, "clean.nam", gain_stage(0.5, _correct(0.5)))
    warned = _write(tmp_path, "warned.nam", gain_stage(0.5, {"loudness": _correct(0.5)["loudness"], "gain": 0.5}))
    wrong = _write(tmp_path, "wrong.nam", gain_stage(0.5, {"loudness": 0.0, "gain": 0.0}))
    s = ("--stimulus", _stimulus_path(), "-j", "1")
    assert _run(capsys, "check", clean, *s)[0] == cli.EXIT_OK
    assert _run(capsys, "check", warned, *s)[0] == cli.EXIT_OK
    assert _run(capsys, "check", warned, "--strict", *s)[0] == cli.EXIT_INVALID
    assert _run(capsys, "check", wrong, clean, *s)[0] == cli.EXIT_INVALID
    assert _run(capsys, "check", tmp_path / "absent.nam", *s)[0] == cli.EXIT_USAGE
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run(capsys, "check", empty, *s)[0] == cli.EXIT_USAGE
    assert _run(capsys, "check", clean, "-j", "0")[0] == cli.EXIT_USAGE
    other = tmp_path / "other.wav"
    scipy.io.wavfile.write(other, 48000, np.zeros(10, dtype=np.float32))
    assert _run(capsys, "check", clean, "--stimulus", other)[0] == cli.EXIT_USAGE


def test_text_output_quiet_and_progress(capsys, tmp_path):
    info_only = _write(tmp_path, "a.nam", gain_stage(0.5))
    wrong = _write(tmp_path, "b.nam", gain_stage(0.5, {"loudness": 0.0, "gain": 0.0}))
    code, out, err = _run(capsys, "check", info_only, wrong, "--stimulus", _stimulus_path(), "-j", "1")
    lines = out.splitlines()
    assert lines[0] == f"{info_only}: /: info [META-2]: no metadata: hosts cannot match this model's level (no loudness)"
    assert lines[1].startswith(f"{wrong}: /metadata/loudness: error [LOUD-5]: stored loudness 0.0000 dB")
    assert lines[-1] == "2 files checked: 1 with errors, 0 with warnings, 1 with information only, 0 clean " \
                        "(1 errors, 0 warnings, 1 information)"
    assert err == ""  # stderr is not a terminal here: no progress bar
    code, out, err = _run(capsys, "check", info_only, wrong, "--stimulus", _stimulus_path(), "-j", "1",
                          "--quiet", "--progress")
    assert "[META-2]" not in out and "[LOUD-5]" in out
    assert "100%" in err


def test_without_the_standard_stimulus_loudness_is_not_checked_and_the_summary_says_why(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(loudness, "find_standard_stimulus", lambda: None)
    wrong = _write(tmp_path, "wrong.nam", gain_stage(0.5, {"loudness": 0.0, "gain": 0.0}))
    code, out, _ = _run(capsys, "check", wrong, "-j", "1")
    assert code == cli.EXIT_OK and "[LOUD-5]" not in out
    assert out.splitlines()[-1].startswith("loudness and gain were not checked: the standard loudness stimulus was not found")
    code, out, _ = _run(capsys, "check", wrong, "-j", "1", "--json")
    report = json.loads(out)
    assert report["loudness_checked"] is False and "neural-amp-modeler" in report["not_checked_because"]
    assert report["files"][0]["measurements"] == []


def test_json_output(capsys, tmp_path):
    path = _write(tmp_path, "x.nam", gain_stage(0.5, {"loudness": 0.0, "gain": 0.0}))
    code, out, _ = _run(capsys, "check", path, "--stimulus", _stimulus_path(), "--json", "-j", "1")
    report = json.loads(out)
    assert code == cli.EXIT_INVALID and report["stimulus"] == str(_stimulus_path())
    (result,) = report["files"]
    assert result["valid"] is True and result["file"] == str(path)
    assert result["findings"][0] == {"path": "/metadata/loudness", "clause": "LOUD-5", "severity": "error",
                                     "message": result["findings"][0]["message"]}
    (measured,) = result["measurements"]
    assert measured["computed"]["loudness"] == pytest.approx(_gain_stage_loudness(0.5), abs=1e-5)
    assert measured["computed"]["gain"] == pytest.approx(0.0, abs=1e-9)
    assert report["summary"]["findings"] == {"error": 1, "warning": 0, "info": 0}

