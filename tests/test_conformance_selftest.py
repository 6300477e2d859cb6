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
