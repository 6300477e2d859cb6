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
from hand_written import layer_array, make_document, wavenet_document

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


# Every command against a table of bad inputs: one line on stderr, exit 1 (invalid model) or 2
# (unusable input), never 3, which is kept for the reference's own bugs.

def _wav_header(channels: int, rate: int = RATE, bits: int = 16, data: bytes = b"\0\0\0\0") -> bytes:
    """A PCM WAV file whose header says what it is told to, true or not."""
    block = channels * bits // 8 & 0xFFFF
    fmt = (1).to_bytes(2, "little") + channels.to_bytes(2, "little") + rate.to_bytes(4, "little") + \
        (rate * block & 0xFFFFFFFF).to_bytes(4, "little") + block.to_bytes(2, "little") + bits.to_bytes(2, "little")
    body = b"WAVE" + b"fmt " + len(fmt).to_bytes(4, "little") + fmt + b"data" + len(data).to_bytes(4, "little") + data
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def hostile_inputs(tmp_path, linear_model):
    """name -> (arguments, expected exit code)."""
    mono = tmp_path / "mono.f32"
    np.zeros(4, dtype="<f4").tofile(mono)
    (tmp_path / "odd.f32").write_bytes(b"\0" * 6)
    (tmp_path / "zero_channels.wav").write_bytes(_wav_header(0))
    (tmp_path / "zero_rate.wav").write_bytes(_wav_header(1, rate=0))
    (tmp_path / "huge_channels.wav").write_bytes(_wav_header(65535))
    (tmp_path / "garbage.wav").write_bytes(b"RIFF\xff\xff\xff\xffWAVEfmt ")
    (tmp_path / "empty").mkdir()
    invalid = write_model(tmp_path / "invalid.nam", make_document("Linear", {"receptive_field": 3, "bias": False},
                                                                  [1.0, 2.0]))
    many = write_model(tmp_path / "many.nam", wavenet_document(
        [layer_array(dilations=[0] * 300, kernel_sizes=["x"] * 300)], [0.5] * 9))
    overflow = write_model(tmp_path / "overflow.nam", make_document(
        "Linear", {"receptive_field": 1, "bias": True}, [3e38, 3e38], sample_rate=RATE))
    np.array([0.5], dtype="<f4").tofile(tmp_path / "half.f32")
    out = tmp_path / "out.wav"
    missing = tmp_path / "absent.nam"
    return {
        "validate: no file": (["validate"], 2),
        "validate: missing file": (["validate", missing], 2),
        "validate: a folder": (["validate", tmp_path / "empty"], 2),
        "validate: invalid": (["validate", invalid], 1),
        "validate: unknown option": (["validate", linear_model, "--colour"], 2),
        "info: --slim nan": (["info", linear_model, "--slim", "nan"], 2),
        "info: --slim inf": (["info", linear_model, "--slim", "inf"], 2),
        "info: --slim word": (["info", linear_model, "--slim", "half"], 2),
        "info: invalid": (["info", invalid], 1),
        "render: 0-channel WAV": (["render", linear_model, tmp_path / "zero_channels.wav", out], 2),
        "render: WAV at 0 Hz": (["render", linear_model, tmp_path / "zero_rate.wav", out], 2),
        "render: WAV of 65535 channels": (["render", linear_model, tmp_path / "huge_channels.wav", out], 2),
        "render: truncated WAV": (["render", linear_model, tmp_path / "garbage.wav", out], 2),
        "render: .f32 of 6 bytes": (["render", linear_model, tmp_path / "odd.f32", out], 2),
        "render: --slim nan": (["render", linear_model, mono, out, "--slim", "nan"], 2),
        "render: --slim -inf": (["render", linear_model, mono, out, "--slim", "-inf"], 2),
        "render: --block word": (["render", linear_model, mono, out, "--block", "many"], 2),
        "render: --block -5": (["render", linear_model, mono, out, "--block", "-5"], 2),
        "render: output is the model": (["render", linear_model, mono, linear_model], 2),
        "render: output is the input": (["render", linear_model, mono, mono], 2),
        "render: output in a missing folder": (["render", linear_model, mono, tmp_path / "no" / "out.wav"], 2),
        "render: output is a folder": (["render", linear_model, mono, tmp_path / "empty"], 2),
        "render: overflow": (["render", overflow, tmp_path / "half.f32", tmp_path / "o.f32"], 1),
        "render: --initial-state warm": (["render", linear_model, mono, out, "--initial-state", "warm"], 2),
        "loudness: --slim nan": (["loudness", linear_model, "--slim", "nan"], 2),
        "loudness: missing stimulus": (["loudness", linear_model, "--stimulus", tmp_path / "absent.wav"], 2),
        "loudness: 0-channel stimulus": (["loudness", linear_model, "--stimulus", tmp_path / "zero_channels.wav"], 2),
        "loudness: invalid": (["loudness", invalid], 1),
        "scale-output: --db 1e6": (["scale-output", linear_model, tmp_path / "s.nam", "--db", "1e6"], 2),
        "scale-output: --db nan": (["scale-output", linear_model, tmp_path / "s.nam", "--db", "nan"], 2),
        "scale-output: --db 800": (["scale-output", linear_model, tmp_path / "s.nam", "--db", "800"], 2),
        "scale-output: --scale 0": (["scale-output", linear_model, tmp_path / "s.nam", "--scale", "0"], 2),
        "scale-output: --scale -1": (["scale-output", linear_model, tmp_path / "s.nam", "--scale", "-1"], 2),
        "scale-output: --scale 1e300": (["scale-output", linear_model, tmp_path / "s.nam", "--scale", "1e300"], 2),
        "scale-output: neither": (["scale-output", linear_model, tmp_path / "s.nam"], 2),
        "scale-output: missing model": (["scale-output", missing, tmp_path / "s.nam", "--db", "1"], 2),
        "scale-output: unwritable": (["scale-output", linear_model, tmp_path / "no" / "s.nam", "--db", "1"], 2),
        "scale-output: invalid": (["scale-output", invalid, tmp_path / "s.nam", "--db", "1"], 1),
        "check: missing path": (["check", missing], 2),
        "check: empty folder": (["check", tmp_path / "empty"], 2),
        "check: -j 0": (["check", linear_model, "-j", "0"], 2),
        "check: -j word": (["check", linear_model, "-j", "two"], 2),
        "check: --stimulus 0 channels": (["check", linear_model, "--stimulus", tmp_path / "zero_channels.wav"], 2),
        "check: invalid": (["check", invalid, "--quiet"], 1),
    }


HOSTILE_CASES = [
    "validate: no file", "validate: missing file", "validate: a folder", "validate: invalid",
    "validate: unknown option", "info: --slim nan", "info: --slim inf", "info: --slim word", "info: invalid",
    "render: 0-channel WAV", "render: WAV at 0 Hz", "render: WAV of 65535 channels", "render: truncated WAV",
    "render: .f32 of 6 bytes", "render: --slim nan", "render: --slim -inf", "render: --block word",
    "render: --block -5", "render: output is the model", "render: output is the input",
    "render: output in a missing folder", "render: output is a folder", "render: overflow",
    "render: --initial-state warm", "loudness: --slim nan", "loudness: missing stimulus",
    "loudness: 0-channel stimulus", "loudness: invalid", "scale-output: --db 1e6", "scale-output: --db nan",
    "scale-output: --db 800", "scale-output: --scale 0", "scale-output: --scale -1", "scale-output: --scale 1e300",
    "scale-output: neither", "scale-output: missing model", "scale-output: unwritable", "scale-output: invalid",
    "check: missing path", "check: empty folder", "check: -j 0", "check: -j word", "check: --stimulus 0 channels",
    "check: invalid",
]


@pytest.mark.parametrize("case", HOSTILE_CASES)
def test_bad_input_is_one_line_and_never_an_internal_error(tmp_path, capsys, linear_model, case):
    args, expected = hostile_inputs(tmp_path, linear_model)[case]
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exc:  # argparse's own exits
        code = exc.code
    out, err = capsys.readouterr()
    assert code == expected, err
    if args[0] in ("validate", "check") and code == 1:  # the findings are the output, one line each
        assert out and not err
        return
    lines = err.splitlines()
    assert lines and lines[-1].startswith("nam-ref: ") and len([l for l in lines if l.startswith("nam-ref: ")]) == 1, err
    assert "Traceback" not in err and "internal error" not in err


def test_the_table_covers_every_command(tmp_path, linear_model):
    table = hostile_inputs(tmp_path, linear_model)
    assert sorted(table) == sorted(HOSTILE_CASES)
    assert {args[0] for args, _ in table.values()} == {"validate", "info", "render", "loudness", "scale-output", "check"}


def test_render_refuses_to_replace_its_model(tmp_path, capsys, linear_model):
    before = open(linear_model, "rb").read()
    mono = tmp_path / "mono.f32"
    np.zeros(4, dtype="<f4").tofile(mono)
    code, _, err = run_main(capsys, "render", linear_model, mono, linear_model)
    assert code == 2 and "same file" in err
    assert open(linear_model, "rb").read() == before


def test_validate_caps_the_problem_list(tmp_path, capsys):
    # 300 layer arrays, each with a kernel size of 0: one schema problem each.
    doc = wavenet_document([layer_array(kernel_size=0) for _ in range(300)], [0.5] * 9)
    path = write_model(tmp_path / "many.nam", doc)
    code, out, _ = run_main(capsys, "validate", path, "--json")
    total = len(json.loads(out)["results"][0]["problems"])
    assert total >= 300  # a problem for each kernel size
    code, out, _ = run_main(capsys, "validate", path)
    lines = out.splitlines()
    assert code == 1 and len(lines) == cli.MAX_PROBLEM_LINES + 1
    assert lines[-1] == f"{path}: ... and {total - cli.MAX_PROBLEM_LINES} more problems (--json lists them all)"
