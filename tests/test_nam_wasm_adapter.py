"""The JSON-lines harness around @opendaw/nam-wasm (conformance/adapters/nam_wasm/): what its README
says about the engine and about the harness's choices holds (skipped without Node or without
`npm ci` in the adapter's folder), and the suite's header names the unsupported features."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nam_reference

ROOT = Path(__file__).resolve().parent.parent
ADAPTER = ROOT / "conformance" / "adapters" / "nam_wasm"
CASES = ROOT / "fixtures" / "cases"
INVALID = ROOT / "fixtures" / "invalid"

ENGINE_MISSING = shutil.which("node") is None or not (ADAPTER / "node_modules" / "@opendaw" / "nam-wasm").is_dir()


class Harness:
    def __init__(self):
        self.process = subprocess.Popen(["node", str(ADAPTER / "harness.js")], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.ids = 0

    def call(self, cmd, **fields):
        self.ids += 1
        self.process.stdin.write(json.dumps({"id": self.ids, "cmd": cmd, **fields}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the harness exited (code {self.process.wait()}) without replying to {cmd}"
        reply = json.loads(line)
        assert reply["id"] == self.ids
        return reply

    def render(self, handle, x, blocks, tmp_path):
        source, target = tmp_path / "in.f32", tmp_path / "out.f32"
        x.astype("<f4").tofile(source)
        reply = self.call("process", handle=handle, input=str(source), output=str(target), channels=1,
                          frames=x.size, blocks=blocks)
        assert reply["status"] == "ok", reply
        return np.fromfile(target, dtype="<f4")

    def close(self):
        self.call("quit")
        self.process.wait(timeout=60)


@pytest.fixture
def harness():
    if ENGINE_MISSING:
        pytest.skip("needs Node and `npm ci` in conformance/adapters/nam_wasm")
    h = Harness()
    assert h.call("hello", protocol=1)["status"] == "ok"
    yield h
    if h.process.poll() is None:
        h.close()


def test_capabilities_declare_what_the_engine_lacks(harness):
    caps = harness.call("hello", protocol=1)["capabilities"]
    assert caps["numerics"] == "exact" and caps["approximations"] == ["namcore.fast_tanh", "namcore.fast_sigmoid"]
    assert caps["set_size"] is False and caps["reports"] == ["loudness"] and caps["max_block"] is None
    assert caps["unsupported_features"] == ["arch.sequential", "env.multichannel", "wavenet.head_dilation"]


def test_a_refusal_is_rejected_with_the_engines_message(harness):
    reply = harness.call("load", path=str(INVALID / "env.architecture.lowercase.nam"))
    assert reply == {"id": reply["id"], "status": "rejected", "message": "C++ exception std::runtime_error: "
                     "No config parser registered for architecture: linear"}
    reply = harness.call("load", path=str(INVALID / "env.architecture.null.nam"))
    assert reply["status"] == "rejected" and reply["message"].startswith(
        "C++ exception nlohmann::json_abi_v3_12_0::detail::type_error: [json.exception.type_error.302]")


def rejected_corpus_files() -> list[Path]:
    """The invalid corpus files the engine refuses with an exception (not those it loads or crashes on:
    after a crash the harness answers `error` and carries on with a fresh engine)."""
    rejected, harness = [], Harness()
    harness.call("hello", protocol=1)
    for path in sorted(INVALID.glob("*.nam")):
        reply = harness.call("load", path=str(path))
        if reply["status"] == "rejected":
            rejected.append(path)
        elif reply["status"] == "ok":
            harness.call("unload", handle=reply["handle"])
    harness.close()
    return rejected


def test_hundreds_of_refused_files_leave_valid_loads_working(harness, tmp_path):
    """Without the stack pointer restored after each escaped C++ exception, the engine aborts after
    some 80 refused files of the corpus; with it, valid files still load and compute the same."""
    refused = rejected_corpus_files()
    assert len(refused) > 200
    model = str(CASES / "realistic.a2" / "model.nam")
    x = np.fromfile(CASES / "realistic.a2" / "input.f32", dtype="<f4")[:512]
    before = harness.render(harness.call("load", path=model)["handle"], x, [512], tmp_path)
    for path in (refused * 3)[:600]:
        reply = harness.call("load", path=str(path))
        assert reply["status"] == "rejected", (path.name, reply)
    again = harness.call("load", path=model)
    assert again["status"] == "ok", again
    np.testing.assert_array_equal(harness.render(again["handle"], x, [512], tmp_path), before)


def test_host_blocks_longer_than_the_engines_buffer_are_split(harness, tmp_path):
    """The engine's calls take at most 128 samples; a host block of 4096 gives the output of the same
    signal fed in blocks of 100, and it is the reference's output computed with Core's fast tanh."""
    case = CASES / "realistic.a1_standard"
    x = (0.5 * np.random.default_rng(0).standard_normal(4096)).astype(np.float32)
    one = harness.render(harness.call("load", path=str(case / "model.nam"))["handle"], x, [4096], tmp_path)
    small = harness.render(harness.call("load", path=str(case / "model.nam"))["handle"], x,
                           [100] * 40 + [96], tmp_path)
    np.testing.assert_allclose(one, small, atol=1e-6)
    exact = nam_reference.load(case / "model.nam").process(x[None, :])[0]
    assert np.max(np.abs(one - exact)) > 1e-4  # the engine's fast tanh shows against exact tanh
    fast = nam_reference.load(case / "model.nam", approximations=["namcore.fast_tanh"]).process(x[None, :])[0]
    assert np.max(np.abs(one - fast)) < 1e-5 * max(1.0, float(np.max(np.abs(fast))))  # and is the named one


def test_a_file_with_several_channels_is_unsupported(harness):
    reply = harness.call("load", path=str(CASES / "env.multichannel" / "model.nam"))
    assert reply["status"] == "unsupported" and reply["feature"] == "env.multichannel"


def test_the_suite_header_names_the_unsupported_features(tmp_path):
    declared = tmp_path / "capabilities.json"
    declared.write_text(json.dumps({"unsupported_features": ["env.multichannel", "wavenet.slimmable"]}))
    done = subprocess.run([sys.executable, "-m", "pytest", "conformance", "--collect-only", "-p", "no:cacheprovider",
                           "--impl", "reference", "--capabilities", str(declared), "-k", "hand.linear and agreement"],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HYPOTHESIS_PROFILE": "ci"})
    assert "unsupported features: env.multichannel, wavenet.slimmable" in done.stdout, done.stdout[-2000:]


def test_a_crash_is_an_error_and_the_next_file_gets_a_fresh_engine(harness, tmp_path):
    """`groups: 0` makes the engine divide by zero: the harness answers `error` for that file (not
    for the next one) and serves the next load from a fresh engine."""
    model = str(CASES / "hand.wavenet" / "model.nam")
    x = (0.5 * np.random.default_rng(1).standard_normal(300)).astype(np.float32)
    before = harness.render(harness.call("load", path=model)["handle"], x, [300], tmp_path)
    crash = harness.call("load", path=str(INVALID / "convnet.groups.zero.nam"))
    assert crash["status"] == "error" and "RuntimeError" in crash["message"] and "fresh" in crash["message"]
    again = harness.call("load", path=model)
    assert again["status"] == "ok"
    np.testing.assert_array_equal(harness.render(again["handle"], x, [300], tmp_path), before)
