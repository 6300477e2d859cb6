"""Loudness compensation: a file whose output was scaled as [LOUD-8] prescribes computes exactly the
scaled output, and keeps its stored loudness consistent ([LOUD-7], [CONT-9])."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nam_reference

from conformance.helpers import assert_agrees, describe
from conformance.session import fresh_render
from nam_reference.loudness import scale_output

LENGTH = 4096
SCALES = {"half": 0.5, "x3.7": 3.7}  # a power of two (exact in binary32) and a general factor


@pytest.mark.parametrize("scale_name", list(SCALES))
def test_output_scaling(session, case, scale_name, record):
    """The compensated file's output is s times the original's, for every architecture ([LOUD-8])."""
    describe(record, case)
    session.require(case.features, set_size=case.size is not None)
    scale = SCALES[scale_name]
    scaled = scale_output(json.loads(case.model_path.read_bytes()), scale)
    x = case.input[:, :LENGTH]
    original = fresh_render(session, case, x, size=case.size)
    with session.loaded(session.write_model(scaled), case.size) as model:
        y = model.render(x)
    assert_agrees(session, record, y, np.float64(scale) * original, what=f"the output of the file scaled by {scale:g}",
                  clause="LOUD-8", sample_rate=case.model.sample_rate)


def test_reported_loudness_follows_scaling(session, case, record):
    """After compensation by s the stored loudness moves by 20·log10(s) (a container's stays equal to
    its last submodel's in the files the suite writes), and a reported loudness is the stored one."""
    describe(record, case)
    session.require(case.features, reports="loudness")
    scale = 2.0
    scaled = scale_output(json.loads(case.model_path.read_bytes()), scale)
    stored = nam_reference.load(scaled).loudness  # what [LOUD-7] says a reader reports
    if case.model.loudness is not None:
        assert stored == pytest.approx(case.model.loudness + 20 * np.log10(scale), abs=1e-9)
    if case.model.is_container:
        container = (scaled.get("metadata") or {}).get("loudness")
        last = (scaled["config"]["submodels"][-1]["model"].get("metadata") or {}).get("loudness")
        if container is not None and last is not None and case.model.metadata.get("loudness") == (
                case.model.spec.config.submodels[-1].metadata or {}).get("loudness"):
            assert container == last, "[CONT-9] the written container's loudness no longer equals its last submodel's"
    with session.loaded(session.write_model(scaled)) as model:
        reported = model.info().get("loudness", ...)
    assert reported is not ... and reported == (None if stored is None else pytest.approx(stored, rel=1e-6)), (
        f"[META-5] after scaling, reported loudness {reported!r}, stored {stored!r}")
