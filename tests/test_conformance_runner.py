"""The conformance suite's own machinery: adapters, protocol, expectations, metrics, reports, forms."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jsonschema
import numpy as np
import pytest

import nam_reference
from conformance import expectations
from conformance.adapters import (AdapterCrashed, CallTimeout, DeadImplementation, ImplementationError, NotApplicable,
                                  ProtocolViolation, Rejected, WrongChannelCount, WrongLength, WrongOutputSize, resolve)
from conformance.adapters.command import CommandImplementation
from conformance.adapters.jsonl import JsonLinesImplementation, output_channels
from conformance.adapters.vitals import Vitals, call_limit
from conformance.forms import FORMS
from conformance.metrics import BLOCK_TOLERANCE, TIERS, compare, max_error
from conformance.probes import probe
from conformance.report import Collector

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = json.loads((ROOT / "spec" / "adapter-protocol.schema.json").read_text())
PYTHON = sys.executable


def linear(taps, bias=None, version="0.5.4"):
    return {"version": version, "architecture": "Linear",
            "config": {"receptive_field": len(taps), "bias": bias is not None},
            "weights": list(taps) + ([bias] if bias is not None else []), "sample_rate": 48000}


def _validator(name):
    return jsonschema.Draft202012Validator({**PROTOCOL, "$ref": f"#/$defs/{name}"})


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "m.nam"
    path.write_text(json.dumps(linear([0.5, -0.25, 0.125], bias=0.0)))
    return path


# The JSON-lines example adapter speaks the protocol of its schema.

def test_reference_jsonl_messages_follow_the_schema(tmp_path, model_file):
    proc = subprocess.Popen([PYTHON, str(ROOT / "conformance/adapters/reference_jsonl.py")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    x = np.array([1, 2, 3, 4], dtype="<f4")
    x.tofile(tmp_path / "in.f32")
    requests = [
        ({"id": 1, "cmd": "hello", "protocol": 1}, "hello_reply"),
        ({"id": 2, "cmd": "load", "path": str(model_file)}, "load_reply"),
        ({"id": 3, "cmd": "info", "handle": "m1"}, "info_reply"),
        ({"id": 4, "cmd": "process", "handle": "m1", "input": str(tmp_path / "in.f32"),
          "output": str(tmp_path / "out.f32"), "channels": 1, "frames": 4, "blocks": [1, 3]}, "process_reply"),
        ({"id": 5, "cmd": "reset", "handle": "m1"}, "reply"),
        ({"id": 6, "cmd": "set_size", "handle": "m1", "size": 0.5}, "reply"),
        ({"id": 7, "cmd": "load", "path": str(tmp_path / "missing.nam")}, "reply"),
        ({"id": 8, "cmd": "bogus"}, "reply"),
        ({"id": 9, "cmd": "unload", "handle": "m1"}, "reply"),
        ({"id": 10, "cmd": "quit"}, "reply"),
    ]
    replies = []
    for request, reply_schema in requests:
        if request["cmd"] != "bogus":
            _validator("request").validate(request)
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        reply = json.loads(proc.stdout.readline())
        _validator(reply_schema).validate(reply)
        assert reply["id"] == request["id"]
        replies.append(reply)
    proc.wait(timeout=10)
    assert [r["status"] for r in replies] == ["ok"] * 6 + ["error", "error", "ok", "ok"]
    assert replies[2]["info"]["receptive_field"] == 3 and replies[2]["info"]["weight_count"] == 4
    # [LIN-5] worked by hand: w = [0.5, -0.25, 0.125] on [1, 2, 3, 4]
    assert np.fromfile(tmp_path / "out.f32", dtype="<f4").tolist() == [0.5, 0.75, 1.125, 1.5]


# The runner turns every misbehaviour into ImplementationError (ERROR), never a crash of the suite.

def _harness(tmp_path, body: str) -> str:
    """A tiny JSON-lines adapter: answers hello properly, then runs `body` for other requests."""
    script = tmp_path / "harness.py"
    script.write_text(textwrap.dedent('''
        import json, sys, time
        for line in sys.stdin:
            r = json.loads(line)
            if r["cmd"] == "hello":
                print(json.dumps({"id": r["id"], "status": "ok", "protocol": 1,
                                  "implementation": {"name": "t", "version": "0"}, "capabilities": {}}), flush=True)
                continue
        ''') + textwrap.indent(textwrap.dedent(body), " " * 4))
    return f"{PYTHON} {script}"


@pytest.mark.parametrize("body, expected", [
    ("sys.exit(3)", "exited"),
    ("time.sleep(30)", "no reply"),
    ("print('garbage', flush=True)", "not a JSON object"),
    ("print(json.dumps({'id': 999, 'status': 'ok'}), flush=True)", "echoes id"),
    ("print(json.dumps({'id': r['id'], 'status': 'maybe'}), flush=True)", "unknown status"),
    ("print(json.dumps({'id': r['id'], 'status': 'error', 'message': 'boom'}), flush=True)", "boom"),
    ("sys.stdout.write('x' * (3 << 20)); sys.stdout.flush(); time.sleep(30)", "longer than 1048576 bytes"),
])
def test_misbehaving_adapters_become_errors(tmp_path, model_file, body, expected):
    impl = JsonLinesImplementation(_harness(tmp_path, body), None, call_timeout=2.0)
    with pytest.raises(ImplementationError, match=expected):
        impl.load(str(model_file))
    impl.close()


def test_a_crashed_adapter_is_restarted_for_the_next_case(tmp_path, model_file):
    body = """
        if r["cmd"] == "load" and r["path"].endswith("crash.nam"):
            sys.exit(1)
        print(json.dumps({"id": r["id"], "status": "ok", "handle": "h"}), flush=True)
    """
    impl = JsonLinesImplementation(_harness(tmp_path, body), None, call_timeout=5.0)
    crash = tmp_path / "crash.nam"
    crash.write_text("{}")
    with pytest.raises(ImplementationError):
        impl.load(str(crash))
    assert impl.load(str(model_file)).handle == "h"
    impl.close()


def test_wrong_length_and_nan_are_errors(model_file):
    impl = resolve("reference")
    handle = impl.load(str(model_file))
    handle.loaded.process = lambda block: np.zeros(block.shape[1] - 1, dtype=np.float32)
    with pytest.raises(ImplementationError, match="samples for"):
        handle.process(np.ones((1, 8), dtype=np.float32))
    handle.loaded.process = lambda block: np.full(block.shape[1], np.nan, dtype=np.float32)
    with pytest.raises(ImplementationError, match="non-finite"):
        handle.process(np.ones((1, 8), dtype=np.float32))


def test_output_file_sizes_are_checked_before_reading():
    """The size of an output file against the reply's frames and the model's channels (float32: 4 bytes)."""
    assert output_channels(96, 24, 24, 1) == 1  # 24 frames × 1 channel × 4 bytes
    assert output_channels(192, 24, 24, None) == 2  # the model's width unknown: whole frames of 2 channels
    with pytest.raises(WrongOutputSize, match="99 bytes"):
        output_channels(99, 24, 24, 1)  # 3 bytes more than the frames reported
    with pytest.raises(WrongChannelCount, match="2 output channels; the model has 1"):
        output_channels(192, 24, 24, 1)
    with pytest.raises(WrongLength, match="holds 23 frames"):
        output_channels(92, 24, 24, 1)
    with pytest.raises(WrongLength, match="the reply says 23 frames for 24"):
        output_channels(96, 24, 23, 1)
    with pytest.raises(WrongLength):
        output_channels(64 << 30, 24, 24, 1)  # a 64 GiB sparse file: refused by its size alone
    with pytest.raises(WrongOutputSize):
        output_channels(99, 24, 24, None)


def test_call_limits():
    assert call_limit("load", 10.0) == 10.0
    assert call_limit("hello", 10.0) == 30.0  # start-up: three call timeouts
    assert call_limit("process", 10.0, frames=2000) == pytest.approx(12.0)  # 1 ms more per frame


def test_three_fatal_errors_in_a_row_over_all_workers_make_an_implementation_dead(tmp_path):
    one, other = Vitals(tmp_path / "dead"), Vitals(tmp_path / "dead")
    other._count_file = tmp_path / "dead.strikes.other"  # the same folder, as another worker would use it
    one.failed(CallTimeout("process: no reply"))
    one.failed(ProtocolViolation("garbage"))  # the adapter answered: not a timeout or a crash
    one.answered()  # then it processed audio: the count starts again
    one.failed(CallTimeout("process: no reply"))
    other.failed(AdapterCrashed("process: exited"))
    other.check()  # two strikes: alive
    one.failed(CallTimeout("process: no reply again"))
    for vitals in (one, other, Vitals(tmp_path / "dead")):  # a worker starting later knows it too
        with pytest.raises(DeadImplementation, match="no reply again"):
            vitals.check()


def test_plugins_run_in_a_child_process_with_timeouts_and_typed_errors(tmp_path, model_file):
    mutants = ROOT / "tests" / "mutants"
    hanging = resolve(str(mutants / "l_plugin_hang.py"), call_timeout=1.0, workdir=tmp_path)
    assert "child process" in hanging.mode and hanging.capabilities["features"] == "all"
    handle = hanging.load(str(model_file))
    with pytest.raises(CallTimeout, match="no reply within 1.008 s"):
        handle.process(np.ones((1, 8), dtype=np.float32))
    hanging.close()
    stereo = resolve(str(mutants / "l_two_channels_for_mono.py"), workdir=tmp_path)
    handle = stereo.load(str(model_file))
    assert handle.process(np.ones((1, 8), dtype=np.float32)).shape == (2, 8)  # the width unknown: any whole one
    handle.out_channels = 1
    with pytest.raises(WrongChannelCount, match="2 output channels; the model has 1"):
        handle.process(np.ones((1, 8), dtype=np.float32))
    stereo.close()
    assert not list(tmp_path.glob("nam-conformance-*"))  # their scratch folders are gone


def test_render_commands(tmp_path, model_file):
    tool = tmp_path / "tool.py"
    tool.write_text(textwrap.dedent('''
        import sys, numpy as np
        model, src, dst, block = sys.argv[1:5]
        if model.endswith("refuse.nam"): sys.exit(1)
        if model.endswith("crash.nam"): import os; os.abort()
        np.fromfile(src, "<f4").tofile(dst)
        '''))
    impl = CommandImplementation(f"{PYTHON} {tool} {{model}} {{input}} {{output}} {{block}}", None, 30.0)
    assert impl.capabilities["stateful"] is False and impl.capabilities["set_size"] is False
    x = np.arange(10, dtype=np.float32)[None, :]
    handle = impl.load(str(model_file))
    assert np.array_equal(handle.process(x, [5, 5]), x)
    with pytest.raises(NotApplicable):
        handle.process(x)  # no state: a second rendering would start afresh
    with pytest.raises(NotApplicable):
        impl.load(str(model_file)).process(x, [3, 7])  # one block length per rendering
    for name, error in (("refuse.nam", Rejected), ("crash.nam", AdapterCrashed)):
        (tmp_path / name).write_text("{}")
        with pytest.raises(error):
            impl.load(str(tmp_path / name))
    impl.close()


def test_render_commands_are_bounded(tmp_path, model_file):
    """A flood on stderr is kept as its tail; a hung tool is killed with the children it started;
    an output file of the wrong size is refused before it is read."""
    tool = tmp_path / "tool.py"
    tool.write_text(textwrap.dedent('''
        import subprocess, sys, time
        model, src, dst = sys.argv[1:4]
        if model.endswith("flood.nam"):
            sys.stderr.write("x" * (20 << 20) + " the end"); sys.exit(2)
        if model.endswith("hang.nam"):
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            open(sys.argv[4], "w").write(str(child.pid)); time.sleep(600)
        open(dst, "wb").write(open(src, "rb").read() + b"END")
        '''))
    child_pid = tmp_path / "child.pid"
    impl = CommandImplementation(f"{PYTHON} {tool} {{model}} {{input}} {{output}} {child_pid}", None, 1.0)
    for name in ("flood.nam", "hang.nam"):
        (tmp_path / name).write_text("{}")
    with pytest.raises(Rejected) as refused:
        impl.load(str(tmp_path / "flood.nam"))
    assert str(refused.value).endswith("the end") and len(str(refused.value)) < 2100
    with pytest.raises(CallTimeout):
        impl.load(str(tmp_path / "hang.nam"))
    assert not _running(int(child_pid.read_text()))  # the tool's child went with it
    with pytest.raises(WrongOutputSize, match="67 bytes"):
        impl.load(str(model_file))  # 16 samples and 3 bytes more
    impl.close()


def _running(pid: int) -> bool:
    """Whether a process is alive (a zombie is dead, only not yet reaped by whoever adopted it)."""
    for _ in range(20):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        if state in ("Z", "X"):
            return False
        time.sleep(0.1)
    return True


# Expectations.

def test_expectations_files(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text('[[expect]]\nid = "conformance/test_agreement.py::test_agreement[*film*]"\n'
                    'status = "fail"\nreason = "known"\n')
    (entry,) = expectations.load(str(path))
    assert entry.matches("conformance/test_agreement.py::test_agreement[wavenet.film.shift]")
    assert not entry.matches("conformance/test_agreement.py::test_agreement[wavenet.gated]")
    assert expectations.normalise_id("x/y/conformance/test_a.py::t") == "conformance/test_a.py::t"
    path.write_text('[[expect]]\nid = "a"\nstatus = "flaky"\nreason = "r"\n')
    with pytest.raises(ValueError, match="status"):
        expectations.load(str(path))
    path.write_text('[[expect]]\nid = "a"\n')
    with pytest.raises(ValueError, match="reason"):
        expectations.load(str(path))


@pytest.mark.parametrize("name", ["namcore-0.5", "trainer"])
def test_shipped_profiles_load_by_name_and_cite_their_clauses(name):
    entries = expectations.load(name)
    assert entries and name in expectations.profiles()
    for entry in entries:
        assert re.search(r"\[(DIV|[A-Z]+(-[A-Z]+)*)-\d+\]", entry.reason), (name, entry.id, entry.reason)
    if name == "namcore-0.5":
        (dialects,) = [e for e in entries if e.explained_by]
        assert set(dialects.explained_by) == {"DIV-4", "DIV-5", "DIV-9"} and dialects.explains(["DIV-4", "DIV-5"])
        assert not dialects.explains([]) and not dialects.explains(["DIV-1"])


def test_expectation_profiles_extend_and_refuse_what_they_cannot_mean(tmp_path):
    child = tmp_path / "engine.toml"
    child.write_text('extends = ["namcore-0.5"]\n[[expect]]\nid = "conformance/x.py::y"\nreason = "ours"\n')
    entries = expectations.load(str(child))
    assert [e.id for e in entries[:-1]] == [e.id for e in expectations.load("namcore-0.5")]
    assert entries[-1].reason == "ours"
    with pytest.raises(ValueError, match="namcore-0.5"):
        expectations.load("no-such-profile")
    child.write_text('[[expect]]\nid = "a"\nreason = "r"\nexplained_by = ["DIV-12"]\n')
    with pytest.raises(ValueError, match="no dialect"):
        expectations.load(str(child))
    child.write_text('[[expect]]\nid = "a"\nreason = "r"\nstatus = "skip"\nexplained_by = ["DIV-4"]\n')
    with pytest.raises(ValueError, match="must be fail"):
        expectations.load(str(child))
    child.write_text(f'extends = ["{child}"]\n')
    with pytest.raises(ValueError, match="extends itself"):
        expectations.load(str(child))


def test_declared_approximations_must_be_named():
    from conformance.adapters import normalise_capabilities

    caps = normalise_capabilities({"approximations": ["namcore.fast_tanh", "namcore.fast_sigmoid", "namcore.fast_tanh"]})
    assert caps["approximations"] == ["namcore.fast_sigmoid", "namcore.fast_tanh"]
    assert normalise_capabilities(None)["approximations"] == []
    for bad in (["fast tanh"], ["namcore.lut_tanh(4,-4,8)"], "namcore.fast_tanh"):
        with pytest.raises(ImplementationError, match="approximations"):
            normalise_capabilities({"approximations": bad})
    schema = {"$defs": PROTOCOL["$defs"], "$ref": "#/$defs/capabilities"}
    jsonschema.validate({"approximations": ["namcore.lut_tanh(-4, 4, 4096)", "namcore.fast_tanh"]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"approximations": ["fast_tanh"]}, schema)


# Metrics ([NUM-3]), worked by hand.

def test_metrics_by_hand():
    r = np.array([0.5, -0.5, 0.25, 0.0])
    y = r + np.array([0.0, 0.1, 0.0, 0.0])
    c = compare(y, r)
    assert c.max_error == pytest.approx(0.1)  # max|y - r| / max(1, 0.5)
    assert c.esr == pytest.approx(0.01 / (0.25 + 0.25 + 0.0625))
    assert c.mel_db is None  # fewer than 1024 samples
    assert max_error(2 * r + 4, 2 * r) == pytest.approx(4.0)
    assert compare(np.full(4, np.nan), r).best_tier() is None  # [NUM-7]
    loud = np.sin(np.arange(4096) * 0.05)
    assert compare(loud, loud).best_tier() == "strict"
    assert compare(loud * 1.001, loud).best_tier() == "approximate"
    assert compare(loud * 1.05, loud).best_tier() == "perceptual"
    assert compare(loud * 1.5, loud).best_tier() is None
    assert TIERS["strict"][0] == BLOCK_TOLERANCE


def test_near_constant_outputs_at_the_approximate_tier():
    """[NUM-9]: a constant 0.01 with a wiggle of 1e-4 (varying part far below -60 dBFS) off by 1e-3: the
    ESR (about 1e-2) measures nothing there, so the approximate tier looks at the max error alone; the
    strict tier still fails it, and a varying output keeps its ESR."""
    t = np.arange(4096)
    r = 0.01 + 1e-4 * np.sin(t * 0.05)
    c = compare(r + 1e-3, r)
    assert c.esr == pytest.approx(1e-6 / (1e-4 + 0.5e-8), rel=1e-3) and c.varying_rms < 1e-3
    assert c.within("approximate") and not c.within("strict")
    loud = 0.01 + 0.1 * np.sin(t * 0.05)  # varying part 0.07: ESR applies
    assert not compare(loud + 0.01, loud).within("approximate")
    assert not compare(r + 0.06, r).within("approximate")  # the max error still applies


# Reports.

class _Report:
    def __init__(self, nodeid, outcome, when="call", longrepr=None, props=(), xfail=None):
        self.nodeid, self.outcome, self.when, self.longrepr = nodeid, outcome, when, longrepr
        self.user_properties, self.duration = list(props), 0.1
        self.passed, self.failed, self.skipped = outcome == "passed", outcome == "failed", outcome == "skipped"
        if xfail:
            self.wasxfail = xfail


def _record(**fields) -> list:
    return [("nam_conformance", json.dumps(fields))]


def test_statuses_matrix_and_verdict():
    """Statuses come from the typed outcome in the record, never from the words of a skip reason."""
    collector = Collector()
    collector.add(_Report("conformance/test_agreement.py::test_agreement[c]", "passed",
                          props=_record(check="agreement", case="c", features=["arch.linear"])))
    collector.add(_Report("conformance/test_agreement.py::test_agreement[d]", "skipped",
                          longrepr=("f", 1, "NOT SUPPORTED: arch.lstm"),
                          props=_record(check="agreement", features=["arch.lstm"], outcome="NOT SUPPORTED",
                                        missing=["arch.lstm"])))
    collector.add(_Report("conformance/test_agreement.py::test_agreement[e]", "skipped",
                          longrepr=("f", 1, "NOT SUPPORTED: looks like a status, is a plain skip"),
                          props=_record(check="agreement", features=["arch.linear"])))
    assert [r["status"] for r in collector.records] == ["PASS", "NOT SUPPORTED", "SKIP"]
    # An unclaimed architecture runs only in fail_closed, as a refusal: the verdict does not claim it.
    collector.add(_Report("conformance/test_loading.py::test_unsupported_feature_fails_closed[d]", "passed",
                          props=_record(check="fail_closed", case="d", features=["arch.lstm"])))
    collector.collected = 4
    verdict = collector.verdict()
    assert verdict.startswith("VERDICT: CONFORMANT for Linear; features not supported: arch.lstm (0 problems"), verdict
    matrix = collector.matrix()
    assert "| arch.linear | 1/1 skip |" not in matrix and "| arch.lstm | NS |" in matrix
    collector.add(_Report("conformance/test_agreement.py::test_agreement[f]", "failed",
                          props=_record(check="agreement", error=True, features=["arch.linear"])))
    collector.collected = 4
    assert collector.records[-1]["status"] == "ERROR"
    assert collector.verdict().startswith("VERDICT: NOT CONFORMANT (1 problem;")
    assert "1/2 1E" in collector.matrix()


def test_a_typed_outcome_keeps_its_reason_apart_from_its_status():
    """A skipped check's message is the reason its typed outcome gives, not pytest's skip message with
    the status before it; the verdict and the list of skips read the reason as it is."""
    collector = Collector()
    stateless = "the implementation keeps no state between calls"
    collector.add(_Report("conformance/test_state.py::test_instances_are_independent[c]", "skipped",
                          longrepr=("f", 1, f"NOT APPLICABLE: {stateless}"),
                          props=_record(check="independence", outcome="NOT APPLICABLE", reason=stateless)))
    dead = "the implementation is dead (3 timeouts in a row); not run"
    collector.add(_Report("conformance/test_state.py::test_instances_are_independent[d]", "skipped",
                          longrepr=("f", 1, f"DEAD: {dead}"), props=_record(check="independence", outcome="DEAD",
                                                                           reason=dead)))
    assert [(r["status"], r["message"]) for r in collector.records] == [("NOT APPLICABLE", stateless), ("DEAD", dead)]
    assert all("reason" not in r for r in collector.records)
    assert collector.skipped() == [f"1 not applicable: 1× {stateless}"]
    collector.collected = 2
    assert f"(1 of 2 tests not run: {dead};" in collector.verdict()


REFUSAL = {"kind": "refused", "file": "fixtures/cases/w/model.nam", "refusal": "<file>: several arrays",
           "message": "[GEN-3] the implementation rejected a valid file it claims to support: several arrays"}


def _refusing_run() -> Collector:
    """A case whose file the implementation refuses: its loading check fails, five others are blocked,
    one check rewrote the file and was refused the same way; another case disagrees numerically in
    three checks; two invalid files breaking one clause and one breaking another are accepted."""
    collector = Collector()
    own = dict(case="w", case_folder="fixtures/cases/w/", model_file="fixtures/cases/w/model.nam",
               features=["arch.wavenet"], load_failure=REFUSAL)
    collector.add(_Report("conformance/test_loading.py::test_valid_file_loads[w]", "failed",
                          props=_record(check="loading", clauses=["GEN-3"], **own)))
    for i, check in enumerate(["agreement", "reset", "block_invariance", "block_invariance", "causality"]):
        collector.add(_Report(f"conformance/test_{check}.py::test_{check}[w-{i}]", "skipped",
                              longrepr=("f", 1, "BLOCKED: refused"), props=_record(check=check, outcome="BLOCKED", **own)))
    collector.add(_Report("conformance/test_forms.py::test_equivalent_form[w-keys]", "failed",
                          props=_record(check="equivalent_forms", **dict(own, load_failure=dict(REFUSAL, file="/tmp/x.nam")))))
    numeric = dict(case="lstm", case_folder="fixtures/cases/lstm/", features=["arch.lstm"], clauses=["LSTM-3", "NUM-5"])
    for check in ("reset", "agreement", "block_invariance"):
        collector.add(_Report(f"conformance/test_{check}.py::test_{check}[lstm]", "failed",
                              props=_record(check=check, **numeric)))
    for name, clause in (("a", "W-3"), ("b", "W-3"), ("c", "JSON-2")):
        collector.add(_Report(f"conformance/test_loading.py::test_invalid_file_rejected[{name}]", "failed",
                              props=_record(check="rejection", case=name, breaks=clause, features=[],
                                            case_folder=f"fixtures/invalid/{name}.nam", clauses=[clause, "GEN-5"])))
    collector.collected = len(collector.records)
    return collector


def test_a_refused_valid_file_is_one_problem_with_the_checks_it_blocked():
    collector = _refusing_run()
    problems = collector.problems()
    assert [p["kind"] for p in problems] == ["valid file refused", "invalid file accepted", "invalid file accepted",
                                             "numerical disagreement"]
    refused = problems[0]
    assert refused["tests"] == ["conformance/test_loading.py::test_valid_file_loads[w]"]
    assert refused["where"][0] == "fixtures/cases/w/" and refused["expected"] is False
    assert sorted(c["check"] for c in refused["consequences"]) == [
        "agreement", "block_invariance", "block_invariance", "causality", "equivalent_forms", "reset"]
    assert {p["clauses"][0] for p in problems[1:3]} == {"W-3", "JSON-2"}
    numeric = problems[3]
    assert numeric["tests"] == ["conformance/test_agreement.py::test_agreement[lstm]"]  # the first check that shows it
    assert sorted(c["check"] for c in numeric["consequences"]) == ["block_invariance", "reset"]
    text = collector.problems_text()
    assert text.startswith("1. valid file refused: <file>: several arrays [GEN-3] (not covered by expectations)")
    assert "blocks 6 more: block_invariance ×2" in text
    verdict = collector.verdict()
    assert verdict.startswith("VERDICT: NOT CONFORMANT (4 problems; 13 tests: 0 passed"), verdict
    assert "5 blocked" in verdict and "5 blocked" in collector.pytest_totals()
    assert collector.json_report({})["problems"] == problems


def test_an_expectation_covers_a_problem_only_when_it_covers_all_of_it():
    collector = Collector()
    props = _record(check="loading", case="w", case_folder="fixtures/cases/w/", model_file="fixtures/cases/w/model.nam",
                    load_failure=REFUSAL, features=["arch.wavenet"])
    collector.add(_Report("conformance/test_loading.py::test_valid_file_loads[w]", "skipped", props=props,
                          xfail="expectations: DIV-12"))
    generated = _record(check="agreement", case="generated", features=["arch.wavenet"], expected="DIV-12",
                        refusals=[{"kind": "refused", "refusal": REFUSAL["refusal"], "message": "m", "saved": "s/"}])
    collector.add(_Report("conformance/test_generated.py::test_generated_agreement", "passed", props=generated,
                          xfail="expectations: DIV-12"))
    assert collector.records[-1]["status"] == "XFAIL"  # passed on the files it loaded; its refusals are the known problem
    collector.collected = 2
    assert len(collector.problems()) == 1 and collector.problems()[0]["expected"] is True
    assert collector.verdict().startswith("VERDICT: CONFORMANT WITH WARNINGS for WaveNet (0 problems and 1 covered")


def test_a_run_that_did_not_run_every_test_is_incomplete():
    collector = Collector()
    collector.add(_Report("conformance/test_agreement.py::test_agreement[c]", "passed",
                          props=_record(check="agreement", case="c", features=["arch.linear"])))
    collector.collected = 40
    assert collector.verdict().startswith("VERDICT: INCOMPLETE (39 of 40 tests not run: the run ended early")
    collector.stopped = "interrupted"
    assert "39 of 40 tests not run: interrupted" in collector.verdict()
    crash = _Report("conformance/test_agreement.py::test_agreement[d]", "failed", when="???",
                    longrepr="worker 'gw0' crashed while running 'test_agreement[d]'")
    collector.add(crash)
    assert collector.records[-1]["status"] == "ERROR"  # a crash of the implementation, never a failure


def test_the_terminal_matrix_fits_120_columns():
    collector = Collector()
    for check in ("agreement", "block_invariance", "causality", "equivalent_forms", "fail_closed", "independence",
                  "initial_state", "loading", "max_block", "output_scaling", "receptive_field", "rejection",
                  "reported_facts", "reset", "size_selection", "weight_count"):
        collector.add(_Report(f"conformance/test_x.py::test_{check}[c]", "passed",
                              props=_record(check=check, features=["wavenet.film.input_mixin_post", "arch.wavenet"])))
    narrow = collector.matrix(width=120)
    assert max(len(line) for line in narrow.splitlines()[:-1]) <= 120
    assert narrow.count("feature ") >= 2 and "size_selection" in narrow and "weight_count" in narrow
    assert max(len(line) for line in collector.matrix().splitlines()) > 120  # report.md keeps the full table
    assert "\n- weight_count: a blob one weight longer or shorter" in collector.matrix()  # what each check verifies
    assert "What each check verifies" not in narrow


# Equivalent forms keep files valid and outputs equal; probes find receptive fields.

def _wavenet(newer: bool) -> dict:
    layer = {"input_size": 1, "condition_size": 1, "channels": 2, "dilations": [1, 2], "activation": "Tanh"}
    config = {"layers": [layer], "head_scale": 0.5}
    if newer:  # as the trainer writes it: nulls for the absent post-stack head and slimmable settings
        layer.update(kernel_sizes=[2, 2], head={"out_channels": 1, "kernel_size": 1, "bias": True},
                     gating_mode=["none", "none"], secondary_activation=[None, None], slimmable=None)
        config["head"] = None
    else:
        layer.update(kernel_size=2, gated=False, head_size=1, head_bias=True)
    count = 2 + 2 * (2 * 2 * 2 + 2 + 2 + 4 + 2) + 2 + 1 + 1
    return {"version": "0.6.0", "architecture": "WaveNet", "sample_rate": 48000,
            "config": config, "weights": np.linspace(-0.9, 0.9, count).tolist()}


@pytest.mark.parametrize("form", list(FORMS))
def test_forms_keep_the_meaning(form):
    x = np.sin(np.arange(256) * 0.1).astype(np.float32)
    applied = 0
    for document in (_wavenet(newer=False), _wavenet(newer=True)):
        rewritten = FORMS[form][1](document)
        if rewritten is not None:
            applied += 1
            assert np.array_equal(nam_reference.load(rewritten).process(x), nam_reference.load(document).process(x))
    assert applied, f"the {form} rewrite applies to neither key form"


def test_probe_finds_a_linear_filters_receptive_field():
    model = nam_reference.load(linear([0.0, 0.5, 0.0, 0.0, 0.25]))  # taps reach 4 samples back: RF 5
    assert probe(lambda x: model.process(x), 5).ok
    wrong_short = probe(lambda x: model.process(x), 4)
    assert not wrong_short.outside_unchanged  # a change 4 samples back still moves the output
    wrong_long = probe(lambda x: model.process(x), 6)
    assert not wrong_long.inside_changed  # nothing 5 samples back matters


def test_saved_failures_are_fixture_folders(tmp_path):
    """--save-failures writes what fixtures/ holds, with a case.json that follows spec/case.schema.json."""
    from types import SimpleNamespace

    from conformance.helpers import save_failure

    session = SimpleNamespace(options={"save_failures": str(tmp_path)}, initial_state="silent", required_tier="strict",
                              reading=nam_reference.Reading(approximations=["namcore.fast_tanh"]))
    document = linear([0.5, 0.25], bias=0.0)
    x = np.arange(4, dtype=np.float32)
    folder = save_failure(session, "test_generated_block_invariance", document, x, x, note="differs by 0.3",
                          clauses=["STREAM-2", "NUM-4"], check="block_invariance", blocks=[1, 3])
    assert folder == tmp_path / "test_generated_block_invariance"
    assert sorted(p.name for p in folder.iterdir()) == ["case.json", "expected.f32", "input.f32", "model.nam"]
    case = json.loads((folder / "case.json").read_text())
    jsonschema.Draft202012Validator(json.loads((ROOT / "spec" / "case.schema.json").read_text())).validate(case)
    assert nam_reference.validate(folder / "model.nam").ok and case["features"] == ["arch.linear", "env.metadata_absent", "linear.bias"]
    assert case["clauses"] == ["STREAM-2", "NUM-4"] and case["check"] == "block_invariance" and case["blocks"] == [1, 3]
    invalid = save_failure(session, "test_generated_invalid_rejected", b'{"version": "0.5.4"}', check="rejection",
                           breaks="ENV-3", clauses=["GEN-5"], note="accepted")
    agreement = save_failure(session, "test_generated_agreement", document, x, x, note="max error 0.3",
                             check="agreement", clauses=["NUM-5"])
    expected = json.loads((agreement / "case.json").read_text())["provenance"]["expected"]
    assert expected.endswith("namcore.fast_tanh")  # the approximations it was computed with
    case = json.loads((invalid / "case.json").read_text())
    assert case["clauses"] == ["ENV-3", "GEN-5"] and sorted(p.name for p in invalid.iterdir()) == ["case.json", "model.nam"]


def test_a_saved_failure_is_named_in_its_message(tmp_path):
    from conformance.helpers import saved_to

    failure = pytest.fail.Exception("[NUM-5] differs", pytrace=False)
    saved_to(failure, tmp_path / "case")
    assert f"saved failing case: {tmp_path / 'case'}/" in str(failure) and "--rerun-case" in str(failure)
    other = ValueError("shapes differ")
    saved_to(other, tmp_path / "case")
    assert str(other).startswith("shapes differ\n  saved failing case:")


def test_load_failures_are_shared_between_workers_and_by_content(tmp_path):
    """Two sessions (two xdist workers) share the record of a file that did not load; a second case
    with the same file under another name finds it too, under its own name."""
    from conformance.session import KnownFailures

    first, second = tmp_path / "a" / "model.nam", tmp_path / "b" / "model.nam"
    for path in (first, second):
        path.parent.mkdir()
        path.write_text(json.dumps(linear([0.5])))
    worker1, worker2 = KnownFailures(str(tmp_path)), KnownFailures(str(tmp_path))
    assert worker2.get(first) is None
    worker1.put(first, {"kind": "refused", "file": str(first), "message": "no", "refusal": "no"})
    assert worker2.get(first)["refusal"] == "no" and worker2.get(second)["refusal"] == "no"
    assert KnownFailures(None).get(first) is None  # no shared folder: nothing recorded
