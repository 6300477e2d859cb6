"""The package as installed: its data found through nam_reference.resources, a broken installation
reported as an internal error naming the missing file, the `nam-conformance` command, and the pytest
plugin (`pytest --pyargs conformance`, inert for other runs). The wheel itself is built and installed
into fresh environments by .ci/run."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

PYTHON = sys.executable
SMALL_MODEL = ROOT / "fixtures" / "cases" / "hand.linear" / "model.nam"


def run(command: list[str], cwd: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "HYPOTHESIS_PROFILE": "ci", **env})


def data_copy(tmp_path: Path) -> Path:
    """A copy of the package's data folders, for NAM_CONFORMANCE_DATA."""
    root = tmp_path / "data"
    for name in ("spec", "fixtures"):
        shutil.copytree(ROOT / name, root / name)
    return root


# A broken installation.

@pytest.mark.slow
@pytest.mark.parametrize("hidden", ["spec/nam.schema.json", "spec/features.txt", "fixtures/MANIFEST.json",
                                    "fixtures/invalid/INDEX.json", "fixtures/invalid/json.utf8.utf16.nam",
                                    "fixtures/cases/hand.linear/model.nam"])
def test_a_missing_packaged_file_stops_the_suite_with_an_internal_error(tmp_path, hidden):
    data = data_copy(tmp_path)
    (data / hidden).unlink()
    done = run([PYTHON, "-m", "conformance", "--impl=reference", "-k", "test_valid_file_loads"], tmp_path,
               NAM_CONFORMANCE_DATA=str(data))
    assert done.returncode == 3, done.stdout + done.stderr
    assert f"internal error: {data / hidden}: a file the package ships is missing" in done.stderr


@pytest.mark.slow
def test_an_empty_fixture_manifest_is_an_internal_error_not_an_empty_run(tmp_path):
    data = data_copy(tmp_path)
    (data / "fixtures" / "MANIFEST.json").write_text('{"cases": []}')
    done = run([PYTHON, "-m", "conformance", "--impl=reference", "-k", "test_valid_file_loads"], tmp_path,
               NAM_CONFORMANCE_DATA=str(data))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "MANIFEST.json: the packaged index lists no files" in done.stderr


@pytest.mark.parametrize("command", ["validate", "info", "check"])
def test_nam_ref_blames_the_installation_not_the_users_file(tmp_path, command):
    data = data_copy(tmp_path)
    (data / "spec" / "nam.schema.json").unlink()
    model = shutil.copy(SMALL_MODEL, tmp_path / "small.nam")
    done = run([PYTHON, "-m", "nam_reference.cli", command, str(model)], tmp_path, NAM_CONFORMANCE_DATA=str(data))
    assert done.returncode == 3, done.stdout + done.stderr
    assert done.stderr.strip() == (f"nam-ref: internal error: {data / 'spec' / 'nam.schema.json'}: "
                                   "a file the package ships is missing (reinstall nam-conformance)")


def test_the_data_is_found_in_a_zipped_package(tmp_path):
    """Imported from a zip archive, the package reads its schema from it and hands the suite's corpora
    to adapters as real files."""
    archive = tmp_path / "nam_reference.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted((ROOT / "nam_reference").rglob("*.py")):
            z.write(path, path.relative_to(ROOT).as_posix())
        for name in ("spec", "fixtures"):
            for path in sorted((ROOT / name).rglob("*")):
                if path.is_file():
                    z.write(path, f"nam_reference/_data/{path.relative_to(ROOT).as_posix()}")
    script = (f"import sys; sys.path.insert(0, {str(archive)!r})\n"
              "import nam_reference\nfrom nam_reference import resources\n"
              "assert nam_reference.__file__.startswith(sys.path[0]), nam_reference.__file__\n"
              f"print(nam_reference.validate({str(SMALL_MODEL)!r}).ok)\n"
              "print(resources.fixture_file('cases', 'hand.linear', 'model.nam').read_bytes() == "
              f"open({str(SMALL_MODEL)!r}, 'rb').read())\n")
    done = run([PYTHON, "-c", script], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]


# The command and the plugin.

def installed_copy(tmp_path: Path, compiled: bool = True) -> Path:
    """The packages laid out as a wheel installs them (data in nam_reference/_data, bytecode compiled)."""
    site = tmp_path / "site"
    for name in ("nam_reference", "conformance", "generators"):
        shutil.copytree(ROOT / name, site / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("spec", "fixtures"):
        shutil.copytree(ROOT / name, site / "nam_reference" / "_data" / name)
    if compiled:
        subprocess.run([PYTHON, "-m", "compileall", "-q", str(site)], check=True)
    return site


def test_an_installation_reads_its_own_files_not_a_checkouts(tmp_path):
    site = installed_copy(tmp_path, compiled=False)
    script = ("from nam_reference import resources\n"
              "print(resources.spec_file('nam-format.md'), resources.fixture_file('MANIFEST.json'), "
              "resources.expectations_dir() / 'trainer.toml', resources.adapters_dir() / 'render_tool.json')")
    done = run([PYTHON, "-c", script], tmp_path, PYTHONPATH=str(site))
    assert done.returncode == 0, done.stderr
    assert [Path(p) for p in done.stdout.split()] == [
        site / "nam_reference/_data/spec/nam-format.md", site / "nam_reference/_data/fixtures/MANIFEST.json",
        site / "conformance/expectations/trainer.toml", site / "conformance/adapters/render_tool.json"]


@pytest.mark.slow
def test_nam_conformance_runs_the_installed_suite_and_writes_nothing_beside_it(tmp_path):
    site = installed_copy(tmp_path)
    before = sorted(site.rglob("*"))
    (tmp_path / "run").mkdir()
    done = run([PYTHON, "-m", "conformance", "--impl=reference", "-k", "test_valid_file_loads and hand.linear",
                "--report-json", "report.json"], tmp_path / "run", PYTHONPATH=str(site), PYTHONDONTWRITEBYTECODE="")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"rootdir: {site}" in done.stdout
    assert "VERDICT: CONFORMANT" in done.stdout and "warnings summary" not in done.stdout
    ids = [r["id"] for r in json.loads((tmp_path / "run" / "report.json").read_text())["results"]]
    assert ids == ["conformance/test_loading.py::test_valid_file_loads[hand.linear]",
                   "conformance/test_loading.py::test_valid_file_loads[hand.linear_no_bias]"]
    assert sorted(site.rglob("*")) == before


@pytest.mark.slow
def test_pyargs_runs_the_installed_suite_as_from_a_checkout(tmp_path):
    """Header, test ids and expectation matching as with `pytest conformance`, although pytest names the
    installed package's tests from inside its folder."""
    (tmp_path / "expected.toml").write_text(
        '[[expect]]\nid = "conformance/test_loading.py::test_valid_file_loads[hand.linear_no_bias]"\n'
        'status = "skip"\nreason = "matched under --pyargs"\n')
    done = run([PYTHON, "-m", "pytest", "--pyargs", "conformance", "--impl=reference", "-p", "no:cacheprovider",
                "-k", "test_valid_file_loads and hand.linear", "--expectations", "expected.toml",
                "--report-json", "report.json"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    version = importlib.metadata.version("nam-conformance")
    assert f"nam-conformance {version}: spec" in done.stdout  # the header, with the package's version
    statuses = {r["id"]: r["status"] for r in json.loads((tmp_path / "report.json").read_text())["results"]}
    assert statuses == {"conformance/test_loading.py::test_valid_file_loads[hand.linear]": "PASS",
                        "conformance/test_loading.py::test_valid_file_loads[hand.linear_no_bias]": "SKIP"}


def test_the_plugin_leaves_other_test_runs_alone(tmp_path):
    (tmp_path / "test_other.py").write_text("def test_other():\n    assert True\n")
    done = run([PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "test_other.py"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout and "nam-conformance" not in done.stdout.replace("plugins: nam-conformance", "")
    helped = run([PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "--help"], tmp_path)
    assert "--impl=IMPL" in helped.stdout  # the options are registered, and nothing else happens


@pytest.mark.parametrize("autoload", ["", "1"])
def test_the_suite_runs_from_the_checkout_with_or_without_the_installed_plugin(autoload):
    """With the entry point loaded, conftest.py leaves the options to it (no duplicates); with plugin
    autoloading off, it declares them itself."""
    done = run([PYTHON, "-m", "pytest", "conformance", "--impl=reference", "-p", "no:cacheprovider",
                "-k", "test_valid_file_loads and hand.linear"], ROOT, PYTEST_DISABLE_PLUGIN_AUTOLOAD=autoload)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
