"""`nam-ref info` and `nam-ref render`: audio formats, options, facts and error handling.

The models are tiny and worked by hand: mostly y[t] = 0.5·x[t] + 0.25·x[t−1] (a Linear model), so
every rendered sample can be checked without the reference.
"""

from __future__ import annotations

import json
import subprocess
import sys
import wave

import numpy as np
import pytest
import scipy.io.wavfile

from nam_reference import cli
from naive import layer_array, make_document, wavenet_document

RATE = 48000


def write_model(path, document):
    path.write_text(json.dumps(document))
    return str(path)


@pytest.fixture
def linear_model(tmp_path):
    """y[t] = 0.5·x[t] + 0.25·x[t−1]."""
    return write_model(tmp_path / "linear.nam", make_document("Linear", {"receptive_field": 2, "bias": False},
                                                              [0.5, 0.25], sample_rate=RATE))


def expected_linear(x):
    x = np.asarray(x, dtype=np.float64)
    return 0.5 * x + 0.25 * np.concatenate([[0.0], x[:-1]])


def read_wav(path):
    rate, data = scipy.io.wavfile.read(path)
    assert data.dtype == np.float32  # the output is a float32 WAV
    return rate, data


def run_main(capsys, *args):
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_process(*args):
    return subprocess.run([sys.executable, "-m", "nam_reference.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


# Rendering: input formats.

PCM = [16384, -8192, 0, 32767, -32768, 4096]


def write_24bit(path, samples, rate=RATE):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(3)
        w.setframerate(rate)
        w.writeframes(b"".join(int(s).to_bytes(3, "little", signed=True) for s in samples))


@pytest.mark.clause("LIN-5")
@pytest.mark.parametrize("kind", ["int16", "int24", "int32", "float32", "f32"])
def test_render_reads_every_input_format(tmp_path, capsys, linear_model, kind):
    source = tmp_path / ("in.f32" if kind == "f32" else "in.wav")
    if kind == "int16":
        scipy.io.wavfile.write(source, RATE, np.array(PCM, dtype=np.int16))
        x = [s / 32768 for s in PCM]
    elif kind == "int24":
        samples = [s * 256 for s in PCM]  # the same values at 24 bits
        write_24bit(source, samples)
        x = [s / 2 ** 23 for s in samples]
    elif kind == "int32":
        samples = [s * 65536 + 123 for s in PCM]
        scipy.io.wavfile.write(source, RATE, np.array(samples, dtype=np.int32))
        x = [s / 2 ** 31 for s in samples]
    else:
        x = [0.5, -0.25, 0.0, 1.5, -2.0, 0.125]
        data = np.array(x, dtype=np.float32)
        if kind == "float32":
            scipy.io.wavfile.write(source, RATE, data)
        else:
            data.astype("<f4").tofile(source)
    code, _, err = run_main(capsys, "render", linear_model, source, tmp_path / "out.wav")
    assert code == 0, err
    rate, y = read_wav(tmp_path / "out.wav")
    assert rate == RATE
    np.testing.assert_allclose(y, expected_linear(x), rtol=1e-6, atol=1e-7)


def test_render_writes_f32(tmp_path, capsys, linear_model):
    np.array([1.0, 2.0, -1.0], dtype="<f4").tofile(tmp_path / "in.f32")
    assert run_main(capsys, "render", linear_model, tmp_path / "in.f32", tmp_path / "out.f32")[0] == 0
    np.testing.assert_allclose(np.fromfile(tmp_path / "out.f32", dtype="<f4"), [0.5, 1.0 + 0.25, -0.5 + 0.5])


@pytest.mark.clause("STREAM-2")
@pytest.mark.parametrize("block", [1, 3, 4096])
def test_render_in_blocks(tmp_path, capsys, linear_model, block):
    x = np.random.default_rng(0).uniform(-1, 1, 1000).astype(np.float32)
    scipy.io.wavfile.write(tmp_path / "in.wav", RATE, x)
    assert run_main(capsys, "render", linear_model, tmp_path / "in.wav", tmp_path / "out.wav", "--block", block)[0] == 0
    np.testing.assert_allclose(read_wav(tmp_path / "out.wav")[1], expected_linear(x), rtol=1e-6, atol=1e-7)


@pytest.mark.clause("CONT-6", "STREAM-7")
@pytest.mark.parametrize("slim,gain", [(None, 3), ("0.1", 1), ("0.25", 2), ("0.7", 3)])
def test_render_slim_selects_the_submodel(tmp_path, capsys, slim, gain):
    submodels = [{"max_value": v, "model": make_document("Linear", {"receptive_field": 1, "bias": False}, [k + 1])}
                 for k, v in enumerate([0.25, 0.5, 1.0])]
    model = write_model(tmp_path / "c.nam", make_document("SlimmableContainer", {"submodels": submodels}, []))
    x = np.array([0.5, -0.25, 0.125], dtype=np.float32)
    scipy.io.wavfile.write(tmp_path / "in.wav", RATE, x)
    args = ["render", model, tmp_path / "in.wav", tmp_path / "out.wav"] + (["--slim", slim] if slim else [])
    assert run_main(capsys, *args)[0] == 0
    np.testing.assert_allclose(read_wav(tmp_path / "out.wav")[1], gain * x)


@pytest.mark.clause("STATE-2", "STATE-4", "STATE-7")
@pytest.mark.parametrize("state,expected", [(None, [2.0, 0.5, 1.5, 2.0, 0.5]), ("silent", [2.0, 0.5, 1.5, 2.0, 0.5]),
                                            ("cold", [1.5, 0.0, 1.5, 2.0, 0.5])])
def test_render_initial_state(tmp_path, capsys, state, expected):
    # The ConvNet of test_reference_state: h1[t] = relu(x[t−1] + x[t] + 0.5), y[t] = relu(h1[t−2] + h1[t]);
    # before t = 0, h1 is relu(0.5) in the silent past and 0 in the cold state.
    model = write_model(tmp_path / "c.nam", make_document(
        "ConvNet", {"channels": 1, "dilations": [1, 2], "batchnorm": False, "activation": "ReLU"},
        [1, 1, 0.5, 1, 1, 0, 1, 0]))
    np.array([1.0, -2.0, 0.5, 1.0, -1.0], dtype="<f4").tofile(tmp_path / "in.f32")
    args = ["render", model, tmp_path / "in.f32", tmp_path / "out.f32"] + (["--initial-state", state] if state else [])
    assert run_main(capsys, *args)[0] == 0
    np.testing.assert_allclose(np.fromfile(tmp_path / "out.f32", dtype="<f4"), expected, rtol=1e-6)


@pytest.mark.clause("STREAM-8", "LIN-2")
def test_render_stereo(tmp_path, capsys):
    model = write_model(tmp_path / "s.nam", make_document(
        "Linear", {"receptive_field": 2, "bias": False, "in_channels": 2, "out_channels": 2}, [0.5, 0.25]))
    x = np.array([[1.0, -1.0], [0.5, 0.25], [0.0, 1.0]], dtype=np.float32)  # frames × channels
    scipy.io.wavfile.write(tmp_path / "in.wav", RATE, x)
    assert run_main(capsys, "render", model, tmp_path / "in.wav", tmp_path / "out.wav")[0] == 0
    y = read_wav(tmp_path / "out.wav")[1]
    assert y.shape == (3, 2)
    np.testing.assert_allclose(y[:, 0], expected_linear(x[:, 0]))
    np.testing.assert_allclose(y[:, 1], expected_linear(x[:, 1]))


def test_render_float64(tmp_path, capsys, linear_model):
    np.array([0.1, 0.2, 0.3], dtype="<f4").tofile(tmp_path / "in.f32")
    assert run_main(capsys, "render", linear_model, tmp_path / "in.f32", tmp_path / "out.f32", "--float64")[0] == 0
    x = np.array([0.1, 0.2, 0.3], dtype=np.float32).astype(np.float64)
    np.testing.assert_allclose(np.fromfile(tmp_path / "out.f32", dtype="<f4"), expected_linear(x), rtol=1e-7)


@pytest.mark.clause("SR-3")
def test_render_other_sample_rate(tmp_path, capsys, linear_model):
    scipy.io.wavfile.write(tmp_path / "in.wav", 44100, np.array([1.0, 1.0], dtype=np.float32))
    code, _, err = run_main(capsys, "render", linear_model, tmp_path / "in.wav", tmp_path / "out.wav")
    assert code == 2 and err.count("\n") == 1 and "44100" in err
    code, _, _ = run_main(capsys, "render", linear_model, tmp_path / "in.wav", tmp_path / "out.wav",
                          "--ignore-sample-rate")
    assert code == 0
    rate, y = read_wav(tmp_path / "out.wav")
    assert rate == 44100  # the model is not resampled; the output keeps the input's rate
    np.testing.assert_allclose(y, [0.5, 0.75])


# Errors: one line on stderr, no traceback, exit 1 for an invalid model and 2 for unusable input.

def bad_inputs(tmp_path, linear_model):
    """name -> (arguments, expected exit code)."""
    scipy.io.wavfile.write(tmp_path / "stereo.wav", RATE, np.zeros((4, 2), dtype=np.float32))
    scipy.io.wavfile.write(tmp_path / "slow.wav", 22050, np.zeros(4, dtype=np.float32))
    (tmp_path / "garbage.wav").write_bytes(b"RIFF this is not audio")
    invalid = write_model(tmp_path / "invalid.nam", make_document("Linear", {"receptive_field": 3, "bias": False},
                                                                  [1.0, 2.0]))
    (tmp_path / "notjson.nam").write_text("{ not json")
    mono = tmp_path / "mono.f32"
    np.zeros(4, dtype="<f4").tofile(mono)
    out = tmp_path / "out.wav"
    return {
        "missing model": (["render", tmp_path / "absent.nam", mono, out], 2),
        "missing model for info": (["info", tmp_path / "absent.nam"], 2),
        "missing input": (["render", linear_model, tmp_path / "absent.wav", out], 2),
        "unreadable audio": (["render", linear_model, tmp_path / "garbage.wav", out], 2),
        "sample rate mismatch": (["render", linear_model, tmp_path / "slow.wav", out], 2),
        "wrong channel count": (["render", linear_model, tmp_path / "stereo.wav", out], 2),
        "bad block": (["render", linear_model, mono, out, "--block", "0"], 2),
        "invalid model": (["render", invalid, mono, out], 1),
        "invalid model for info": (["info", invalid], 1),
        "not json": (["info", tmp_path / "notjson.nam"], 1),
    }


CASES = ["missing model", "missing model for info", "missing input", "unreadable audio", "sample rate mismatch",
         "wrong channel count", "bad block", "invalid model", "invalid model for info", "not json"]


@pytest.mark.parametrize("case", CASES)
def test_errors_in_process(tmp_path, capsys, linear_model, case):
    args, expected = bad_inputs(tmp_path, linear_model)[case]
    code, out, err = run_main(capsys, *args)
    assert code == expected
    assert err.startswith("nam-ref: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize("case", ["missing model", "unreadable audio", "wrong channel count", "invalid model"])
def test_errors_exit_codes(tmp_path, linear_model, case):
    args, expected = bad_inputs(tmp_path, linear_model)[case]
    result = run_process(*args)
    assert result.returncode == expected
    assert result.stderr.startswith("nam-ref: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_render_exit_code_zero(tmp_path, linear_model):
    np.array([1.0, 0.0], dtype="<f4").tofile(tmp_path / "in.f32")
    result = run_process("render", linear_model, tmp_path / "in.f32", tmp_path / "out.f32")
    assert result.returncode == 0 and result.stderr == ""
    np.testing.assert_allclose(np.fromfile(tmp_path / "out.f32", dtype="<f4"), [0.5, 0.25])


# info.

def info_json(capsys, *args):
    code, out, err = run_main(capsys, "info", *args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.clause("LIN-6", "SR-2")
def test_info_linear(tmp_path, capsys):
    model = write_model(tmp_path / "l.nam", make_document("Linear", {"receptive_field": 3, "bias": True},
                                                          [1, 2, 3, 4], metadata={"loudness": -12.5}))
    facts = info_json(capsys, model)
    assert facts["architecture"] == "Linear" and facts["version"] == "0.7.0"
    assert facts["sample_rate"] == 48000 and facts["sample_rate_defaulted"] is True
    assert facts["in_channels"] == facts["out_channels"] == 1
    assert facts["weight_count"] == facts["total_weight_count"] == 3 + 1
    assert facts["receptive_field"] == 3
    assert facts["loudness"] == -12.5 and facts["gain"] is None
    assert facts["slimmable"] is False and facts["breakpoints"] == []


@pytest.mark.clause("LSTM-7", "WN-RF-2", "WN-RF-3")
def test_info_wavenet_with_a_condition_dsp(tmp_path, capsys):
    # Own blob: rechannel 1 + conv (3 + 1) + mixin 1 + layer1x1 (1 + 1) + head 1 + head scale 1 = 10 weights.
    condition = make_document("Linear", {"receptive_field": 4, "bias": False}, [1, 0, 0, 0])
    layer = layer_array(kernel_size=3, dilations=[2])
    document = wavenet_document([layer], [0.5] * 10, condition_dsp=condition, in_channels=1)
    document["sample_rate"] = 44100
    facts = info_json(capsys, write_model(tmp_path / "w.nam", document))
    assert facts["weight_count"] == 10 and facts["total_weight_count"] == 10 + 4
    assert facts["receptive_field"] == 1 + (4 - 1) + 2 * (3 - 1)
    assert facts["sample_rate"] == 44100 and facts["sample_rate_defaulted"] is False
    assert facts["loudness"] is None
    lstm = make_document("LSTM", {"input_size": 1, "hidden_size": 1, "num_layers": 1}, [0] * 16)
    document["config"]["condition_dsp"] = lstm
    assert info_json(capsys, write_model(tmp_path / "w2.nam", document))["receptive_field"] is None


@pytest.mark.clause("CONT-6", "CONT-7", "CONT-8")
@pytest.mark.parametrize("slim,selected,rf", [(None, 2, 5), ("0.1", 0, 1), ("0.25", 1, 3), ("0.5", 2, 5)])
def test_info_container(tmp_path, capsys, slim, selected, rf):
    submodels = [{"max_value": v, "model": make_document("Linear", {"receptive_field": r, "bias": False}, [1] * r)}
                 for v, r in zip([0.25, 0.5, 1.0], [1, 3, 5])]
    model = write_model(tmp_path / "c.nam", make_document("SlimmableContainer", {"submodels": submodels}, []))
    facts = info_json(capsys, model, *(["--slim", slim] if slim else []))
    assert facts["selected_submodel"] == selected and facts["receptive_field"] == rf
    assert facts["breakpoints"] == [0.25, 0.5] and facts["slimmable"] is True
    assert facts["weight_count"] == 0 and facts["total_weight_count"] == 1 + 3 + 5
    assert [s["max_value"] for s in facts["submodels"]] == [0.25, 0.5, 1.0]


@pytest.mark.clause("WN-SLIM-5", "WN-SLIM-9")
def test_info_slimmable_wavenet(tmp_path, capsys):
    layer = layer_array(channels=4, slimmable={"method": "slice_channels_uniform",
                                               "kwargs": {"allowed_channels": [1, 2, 4]}})
    count = 4 + (4 * 4 + 4 + 4 + 16 + 4) + 4 + 1  # rechannel, layer, head, head scale
    document = wavenet_document([layer], [0.1] * count)
    facts = info_json(capsys, write_model(tmp_path / "s.nam", document), "--slim", "0.5")
    assert facts["weight_count"] == count
    assert facts["breakpoints"] == pytest.approx([1 / 3, 2 / 3])
    assert facts["channels"] == [2]


def test_info_text(tmp_path, capsys, linear_model):
    code, out, err = run_main(capsys, "info", linear_model)
    assert code == 0 and err == ""
    assert "Linear" in out and "receptive field   2 samples" in out and "48000 Hz" in out
