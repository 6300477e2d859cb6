"""One saved case run again: `pytest conformance --impl=... --rerun-case FOLDER`.

FOLDER is a failing case the suite saved (nam-conformance-failures/<check>/, named in the failure
message) or a fixture case (fixtures/cases/<id>/). Only this test runs when --rerun-case is given,
and it runs only then. It repeats the check the case failed: agreement with expected.f32,
block invariance for the saved block plan, the receptive-field probe, or the refusal of an invalid
file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import nam_reference
from conformance import checks
from conformance.helpers import assert_agrees, assert_same
from conformance.probes import probe


def pytest_generate_tests(metafunc):
    if "saved_folder" in metafunc.fixturenames:
        folders = metafunc.config.getoption("--rerun-case")
        metafunc.parametrize("saved_folder", folders, ids=[Path(f).name for f in folders])


def _signal(path: Path, channels: int) -> np.ndarray:
    data = np.fromfile(path, dtype="<f4")
    return data.reshape(-1, channels).T.copy()


def test_saved_case(session, saved_folder, record):
    folder = Path(saved_folder)
    meta = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    check = meta.get("check", "agreement")  # a fixture case: its expected output is the reference's
    if check not in checks.BY_NAME:  # the folder given is wrong, not the implementation
        pytest.exit(f"--rerun-case: {folder / 'case.json'}: $.check: {check!r} is not a check of the suite (one of "
                    f"{', '.join(checks.BY_NAME)})", returncode=pytest.ExitCode.USAGE_ERROR)
    rerun = checks.BY_NAME[check].rerun
    clauses = meta.get("clauses") or []
    record.update(check=check, case=meta["id"], case_folder=f"{folder}/", model_file=str(folder / "model.nam"),
                  case_clauses=clauses, clauses=clauses, features=meta.get("features", []))
    path = folder / "model.nam"
    if rerun == checks.REFUSAL:
        if not session.refuses(path):
            pytest.fail(f"[{meta.get('breaks') or 'GEN-5'}] the implementation accepted an invalid file "
                        f"(case {folder}/): {meta.get('description', '')}", pytrace=False)
        return
    session.require(meta["features"], set_size=meta.get("size") is not None)
    model = nam_reference.load(path)
    size = meta.get("size")
    if rerun == checks.PROBE:
        def render(x):
            with session.loaded(path, size) as loaded:
                return loaded.render(x)

        rf = model.receptive_field(size)
        result = probe(render, rf, model.in_channels)
        assert result.causal and result.outside_unchanged and result.inside_changed, (
            f"[STREAM-3] receptive field {rf} (case {folder}/): {result.detail}")
        return
    x = _signal(folder / "input.f32", model.in_channels)
    expected = _signal(folder / "expected.f32", model.out_channels)
    with session.loaded(path, size) as loaded:
        y = loaded.render(x, meta.get("blocks"))
    if rerun == checks.AGAINST_ITSELF:
        assert_same(record, y, expected, what=f"blocks {meta['blocks'][:6]}...", clause="STREAM-2")
        return
    if meta.get("initial_state", "silent") != session.initial_state:  # [NUM-8]: compare like with like
        expected = np.atleast_2d(model.process(x, size=size, initial_state=session.initial_state))
    assert_agrees(session, record, y, expected, what="the saved case's output", clause="NUM-5",
                  sample_rate=model.sample_rate)
