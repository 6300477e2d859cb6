"""Reported facts that come from the file: sample rate, channels, stored loudness ([STREAM-11])."""

from __future__ import annotations

import copy
import json

import pytest

from conformance.helpers import describe
from conformance.outcomes import not_applicable

LOUDNESS_FORMS = {"absent": ..., "null": None, "zero": 0.0, "integer": -18, "float": -17.25}


def test_reported_sample_rate(session, case, record):
    """The reported rate is the file's, or 48000 when it has none ([SR-2])."""
    describe(record, case)
    session.require(case.features, reports="sample_rate")
    with session.loaded(case.model_path) as model:
        reported = model.info().get("sample_rate")
    assert reported == case.model.sample_rate, (
        f"[SR-2] reported sample rate {reported}, the spec's is {case.model.sample_rate:g}")


def test_reported_channels(session, case, record):
    describe(record, case)
    session.require(case.features, reports="channels")
    with session.loaded(case.model_path) as model:
        info = model.info()
    reported = (info.get("in_channels"), info.get("out_channels"))
    expected = (case.model.in_channels, case.model.out_channels)
    assert reported == expected, f"[STREAM-11] reported channels {reported}, the spec's are {expected}"


def test_reported_loudness(session, case, record):
    """A reported loudness is the stored value; none is distinct from 0 ([META-5]); a container
    without its own falls back to its last submodel's ([LOUD-7])."""
    describe(record, case)
    session.require(case.features, reports="loudness")
    with session.loaded(case.model_path) as model:
        reported = model.info().get("loudness", ...)
    expected = case.model.loudness
    assert reported is not ... and reported == (None if expected is None else pytest.approx(expected, rel=1e-6)), (
        f"[META-5] reported loudness {reported!r}, the stored value is {expected!r}")


@pytest.mark.parametrize("form", list(LOUDNESS_FORMS))
def test_reported_loudness_forms(session, case, form, record):
    """The same file with loudness absent, null, 0, an integer and a float: each reported as stored."""
    describe(record, case)
    session.require(case.features, reports="loudness")
    if case.model.is_container:
        not_applicable("a container's loudness falls back to a submodel ([LOUD-7])")
    document = copy.deepcopy(json.loads(case.model_path.read_bytes()))
    metadata = dict(document.get("metadata") or {})
    value = LOUDNESS_FORMS[form]
    metadata.pop("loudness", None)
    if value is not ...:
        metadata["loudness"] = value
    document["metadata"] = metadata
    with session.loaded(session.write_model(document)) as model:
        reported = model.info().get("loudness", ...)
    expected = None if value in (..., None) else value
    assert reported is not ... and reported == (None if expected is None else pytest.approx(expected, rel=1e-6)), (
        f"[META-5] loudness stored as {form} ({'absent' if value is ... else json.dumps(value)}) was reported as "
        f"{reported!r}")


@pytest.mark.cases("slimmable")
def test_reported_container_loudness(session, case, record):
    """A container without a loudness of its own reports its last submodel's ([LOUD-7]), not none."""
    describe(record, case)
    session.require(case.features, reports="loudness")
    if not case.model.is_container:
        not_applicable("not a container")
    document = copy.deepcopy(json.loads(case.model_path.read_bytes()))
    (document.get("metadata") or {}).pop("loudness", None)
    last = document["config"]["submodels"][-1]["model"]
    last["metadata"] = dict(last.get("metadata") or {}, loudness=-17.25)
    with session.loaded(session.write_model(document)) as model:
        reported = model.info().get("loudness", ...)
    assert reported == pytest.approx(-17.25, rel=1e-6), (
        f"[LOUD-7] a container without a loudness whose last submodel stores -17.25 reported {reported!r}")
