"""The conformance suite's self-test: against the reference it passes, and every adapter mode gives the
same verdicts on the same checks (JSON lines and render commands run a representative subset)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADAPTERS = ROOT / "conformance" / "adapters"
# A few fixture cases that between them use every architecture and the trickier WaveNet features.
SUBSET = " or ".join(["hand.linear", "hand.convnet_batchnorm", "hand.lstm", "hand.wavenet_gated",
                      "wavenet.film.layer1x1_post", "wavenet.condition_dsp", "hand.container.at_threshold",
                      "hand.slimmable.narrow", "invalid_file_rejected and wavenet"])
# Every rendering of a render command is a new process: its subset is smaller.
COMMAND_SUBSET = "hand.linear or hand.wavenet_gated or hand.container.at_threshold"
MODES = {
    "plugin": ["--impl", str(ADAPTERS / "reference.py")],
    "json-lines": ["--impl", f"{sys.executable} {ADAPTERS / 'reference_jsonl.py'}"],
    "render-command": ["--capabilities", str(ADAPTERS / "render_tool.json"), "--impl",
                       f"cmd:{sys.executable} {ADAPTERS / 'render_tool.py'} {{model}} {{input}} {{output}} "
                       f"--block {{block}} --size {{size}}"],
}


def run_suite(tmp_path: Path, name: str, args: list[str], selection: str | None) -> dict:
    report = tmp_path / f"{name}.json"
    command = [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "-n", "2",
               "--report-json", str(report), *args, "-k", f"not generated and ({selection})" if selection else
               "not generated"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "HYPOTHESIS_PROFILE": "ci"})
    assert report.exists(), f"the suite wrote no report (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
    return json.loads(report.read_text())


def statuses(report: dict) -> dict[str, str]:
    return {r["id"]: r["status"] for r in report["results"]}


@pytest.fixture(scope="module")
def plugin_subset(tmp_path_factory):
    return run_suite(tmp_path_factory.mktemp("plugin"), "plugin", MODES["plugin"], SUBSET)


def test_the_reference_passes_the_subset_as_a_plugin(plugin_subset):
    counts = plugin_subset["counts"]
    assert counts.get("PASS", 0) > 300 and not counts.get("FAIL") and not counts.get("ERROR"), counts
    assert plugin_subset["verdict"].startswith("VERDICT: CONFORMANT")


@pytest.mark.parametrize("mode", ["json-lines", "render-command"])
def test_every_adapter_mode_gives_the_same_verdicts(tmp_path, plugin_subset, mode):
    """The same checks give the same statuses; a render command has no state or facts, so the checks
    that need them are NOT APPLICABLE for it, never passed."""
    other = statuses(run_suite(tmp_path, mode, MODES[mode], COMMAND_SUBSET if mode == "render-command" else SUBSET))
    reference = {i: s for i, s in statuses(plugin_subset).items() if i in other}
    assert set(other) == set(reference) and len(other) > 100
    differing = {i: (reference[i], other[i]) for i in reference if reference[i] != other[i]}
    if mode == "render-command":
        differing = {i: pair for i, pair in differing.items() if pair != ("PASS", "NOT APPLICABLE")}
    assert not differing, differing
    assert not {s for s in other.values()} & {"FAIL", "ERROR"}


ACCEPTS_EVERYTHING = '''
import sys
sys.path.insert(0, {mutants!r})
from _mutant import Mutant

LINEAR = {{"version": "0.5.4", "architecture": "Linear", "sample_rate": 48000,
          "config": {{"receptive_field": 1, "bias": False}}, "weights": [1.0]}}


class AcceptsEverything(Mutant):
    def accept(self, report, document):
        return LINEAR


def create_adapter():
    return AcceptsEverything()
'''


@pytest.mark.parametrize("check, listed, excused_key", [
    ("invalid_rejected", "conformance/test_loading.py::test_invalid_file_rejected[*]", "excused_kinds"),
    ("generated_weight_count", "conformance/test_weight_count.py::test_wrong_weight_count_rejected[*]",
     "excused_by"),
])
def test_generated_rejections_excuse_only_what_the_expectations_list(tmp_path, check, listed, excused_key):
    """An engine that loads every file fails the generated rejection checks, unless the expectations
    list the fixed checks that fail for the same reason as known failures: one reason, not two."""
    adapter = tmp_path / "accepts_everything.py"
    adapter.write_text(ACCEPTS_EVERYTHING.format(mutants=str(ROOT / "tests" / "mutants")))
    known = tmp_path / "known.toml"
    known.write_text(f'[[expect]]\nid = "{listed}"\nreason = "loads every file"\n')

    def run(*extra):
        report = tmp_path / "report.json"
        subprocess.run([sys.executable, "-m", "pytest", "conformance/test_generated.py", "-q", "-p",
                        "no:cacheprovider", "--impl", str(adapter), "--report-json", str(report),
                        "--hypothesis-seed=0", "-k", check, *extra],
                       cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HYPOTHESIS_PROFILE": "ci"})
        (result,) = json.loads(report.read_text())["results"]
        return result

    assert run()["status"] == "FAIL"
    excused = run("--expectations", str(known))
    assert excused["status"] == "PASS" and excused[excused_key], excused


def test_a_declared_fast_tanh_engine_is_conformant_at_the_strict_tier(tmp_path):
    """An engine with Core's fast tanh switch on, declaring it (`namcore.fast_tanh`,
    `namcore.fast_sigmoid`) and computing it correctly, is CONFORMANT at the strict tier: the suite
    computes its expected outputs with the same approximations ([APPROX-1]). The same engine with a
    3e-3 bug elsewhere is the mutant c25_fast_tanh_with_bias_bug; undeclared, c25_fast_tanh_declared_exact."""
    report = tmp_path / "fast.json"
    selection = ("(test_agreement or test_initial_state or test_generated_agreement) and "
                 "(hand or act.tanh or realistic or lstm or convnet or generated_agreement)")
    subprocess.run([sys.executable, "-m", "pytest", "conformance/test_agreement.py", "conformance/test_generated.py",
                    "-q", "-p", "no:cacheprovider", "-n", "2", "--hypothesis-seed=0", "--report-json", str(report),
                    "--impl", str(ROOT / "tests" / "mutants" / "_fast_tanh.py"), "-k", selection],
                   cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HYPOTHESIS_PROFILE": "ci"})
    result = json.loads(report.read_text())
    assert result["header"]["required_tier"] == "strict"
    assert result["header"]["implementation"]["capabilities"]["approximations"] == [
        "namcore.fast_sigmoid", "namcore.fast_tanh"]
    assert result["verdict"].startswith("VERDICT: CONFORMANT") and result["counts"].get("PASS", 0) >= 30, result["counts"]
    passed = {r.get("case") for r in result["results"] if r["status"] == "PASS"}
    assert {"act.tanh", "hand.lstm", "realistic.a1_standard", "generated"} <= passed  # cases where tanh shows


@pytest.mark.parametrize("mutant, status", [("c20_residual_without_layer1x1", "XFAIL"),
                                            ("c25_fast_tanh_with_bias_bug", "FAIL")])
def test_the_namcore_profile_expects_only_failures_its_dialects_explain(tmp_path, mutant, status):
    """With `--expectations namcore-0.5`, an engine computing Core's [DIV-4] reading has its
    failures expected; a bug no dialect explains is still a failure."""
    report = tmp_path / "report.json"
    cases = "wavenet.layer1x1_inactive" if "c20" in mutant else "hand.linear"
    subprocess.run([sys.executable, "-m", "pytest", "conformance/test_agreement.py", "-q", "-p", "no:cacheprovider",
                    "--impl", str(ROOT / "tests" / "mutants" / f"{mutant}.py"), "--expectations", "namcore-0.5",
                    "--report-json", str(report), "-k", f"test_agreement and {cases}"],
                   cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HYPOTHESIS_PROFILE": "ci"})
    results = json.loads(report.read_text())["results"]
    assert results and {r["status"] for r in results} == {status}, [(r["id"], r["status"]) for r in results]
    if status == "XFAIL":
        assert all("[DIV-4]" in r["message"] for r in results)


# Plugins run in a child process of their own, where a Ctrl-C or a crash is the adapter's error (the
# hostile-adapter tests cover those). What stops the suite itself is a Ctrl-C of pytest, or an xdist
# worker dying: this pytest plugin, loaded into every process of the run, does either at the fourth test.
STOPS = '''
CALLS = []


def pytest_runtest_call(item):
    CALLS.append(1)
    if len(CALLS) > 3:
        {stop}
'''


@pytest.mark.parametrize("stop, workers, why", [
    ("raise KeyboardInterrupt", [], "interrupted"),  # Ctrl-C during the fourth test
    ("import os; os._exit(3)", ["-n", "2", "--max-worker-restart=1"], "crashed"),  # an xdist worker dies
])
def test_a_run_that_stops_early_is_incomplete(tmp_path, stop, workers, why):
    """A run that does not run every test it collected ends with INCOMPLETE (how many tests were not
    run, and why), never with a verdict, and exits non-zero; a crash counts as an error, not a failure."""
    (tmp_path / "nam_stopper.py").write_text(STOPS.format(stop=stop))
    report = tmp_path / "report.json"
    env = {**os.environ, "HYPOTHESIS_PROFILE": "ci",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "pytest", "conformance/test_agreement.py", "-q", "-p",
                           "no:cacheprovider", "-p", "nam_stopper", "--impl", "reference", "--report-json", str(report),
                           *workers, "-k", "test_agreement and (linear or convnet or lstm)"],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    result = json.loads(report.read_text())
    assert done.returncode != 0
    assert result["verdict"].startswith("VERDICT: INCOMPLETE (") and why in result["verdict"], result["verdict"]
    assert not result["complete"] and result["not_run"] > 0
    assert "FAIL" not in result["counts"], result["counts"]
    assert "VERDICT: INCOMPLETE" in done.stdout


REFUSES_LSTM = '''
import json
import sys
sys.path.insert(0, {mutants!r})
from _mutant import Mutant
from conformance.adapters import Rejected


class RefusesLstm(Mutant):
    def load(self, path):
        with open(path, encoding="utf-8") as f:
            if json.load(f).get("architecture") == "LSTM":
                with open({log!r}, "a") as log:
                    log.write(path + "\\n")
                raise Rejected(path + ": LSTM is not implemented")
        return super().load(path)


def create_adapter():
    return RefusesLstm()
'''


def test_a_refused_valid_file_is_reported_once_and_loaded_once(tmp_path):
    """An engine that refuses a valid file: the loading check fails, every other check on that file is
    BLOCKED by the one problem (the file is not loaded again), and a generated file refused with the
    same message joins that problem instead of failing (and shrinking) on its own."""
    adapter, log = tmp_path / "refuses_lstm.py", tmp_path / "loads.txt"
    adapter.write_text(REFUSES_LSTM.format(mutants=str(ROOT / "tests" / "mutants"), log=str(log)))
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "--impl",
                    str(adapter), "--report-json", str(report), "--hypothesis-seed=3", "--save-failures",
                    str(tmp_path / "saved"), "-k", "hand.lstm or test_generated_agreement"],
                   cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HYPOTHESIS_PROFILE": "ci"}, timeout=600)
    result = json.loads(report.read_text())
    own = [line for line in log.read_text().splitlines() if line.endswith("hand.lstm/model.nam")]
    assert len(own) == 1, own  # recorded once, never loaded again
    refused = [p for p in result["problems"] if p["kind"] == "valid file refused"]
    assert len(refused) == 1, [p["title"] for p in result["problems"]]
    (problem,) = refused
    assert problem["where"][0] == "fixtures/cases/hand.lstm/" and problem["clauses"] == ["GEN-3"]
    assert problem["tests"] == ["conformance/test_loading.py::test_valid_file_loads[hand.lstm]"]
    blocked = {c["id"] for c in problem["consequences"] if c["status"] == "BLOCKED"}
    statuses = {r["id"]: r["status"] for r in result["results"]}
    assert blocked == {i for i, s in statuses.items() if s == "BLOCKED"} and len(blocked) > 20
    assert statuses["conformance/test_loading.py::test_valid_file_loads[hand.lstm]"] == "FAIL"
    assert statuses["conformance/test_generated.py::test_generated_agreement"] == "PASS"  # other files agree
    generated = [w for w in problem["where"][1:] if "generated_agreement-refused" in w]
    assert generated and (Path(generated[0]) / "model.nam").is_file()
    assert result["verdict"].startswith("VERDICT: NOT CONFORMANT (1 problem;"), result["verdict"]


@pytest.mark.parametrize("impl, status", [("reference", "PASS"), (str(ROOT / "tests/mutants/c18_linear_taps_reversed.py"), "FAIL")])
def test_a_saved_case_reruns_on_its_own(tmp_path, impl, status):
    """--rerun-case runs one case folder (here a fixture's, which has the layout of a saved case) and
    nothing else: the reference passes it, an engine with the bug fails it, naming the folder."""
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "--impl", impl,
                    "--report-json", str(report), "--rerun-case", "fixtures/cases/hand.linear"],
                   cwd=ROOT, capture_output=True, text=True, timeout=300)
    (result,) = json.loads(report.read_text())["results"]
    assert result["status"] == status and result["case_folder"] == "fixtures/cases/hand.linear/"
    if status == "FAIL":
        assert "[LIN-5]" in result["message"] and "fixtures/cases/hand.linear/" in result["message"]


def test_an_engine_claiming_only_linear_is_conformant_for_linear_only(tmp_path):
    """An engine that claims Linear alone passes what it takes part in, and its verdict says what that
    covers: "CONFORMANT for Linear; features not supported: ...", never a plain CONFORMANT."""
    report = tmp_path / "linear.json"
    subprocess.run([sys.executable, "-m", "pytest", "conformance/test_agreement.py", "conformance/test_loading.py",
                    "-q", "-p", "no:cacheprovider", "--hypothesis-seed=0", "--report-json", str(report),
                    "--impl", str(ROOT / "tests" / "mutants" / "_claims_only_linear.py"),
                    "-k", "test_agreement and (linear or wavenet or lstm)"],
                   cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HYPOTHESIS_PROFILE": "ci"})
    result = json.loads(report.read_text())
    assert result["counts"].get("PASS", 0) >= 3 and result["counts"].get("NOT SUPPORTED", 0) >= 3, result["counts"]
    verdict = result["verdict"]
    assert verdict.startswith("VERDICT: CONFORMANT for Linear; features not supported: "), verdict
    assert "arch.wavenet" in verdict and "arch.lstm" in verdict, verdict
