"""Receptive field and causality: reported values, and a black-box probe ([STREAM-3], [WN-RF-4])."""

from __future__ import annotations

import functools

import pytest

from conformance.helpers import describe
from conformance.probes import probe
from conformance.session import fresh_render

# The clause that defines each architecture's receptive field.
RECEPTIVE_FIELD_CLAUSE = {"Linear": "LIN-6", "ConvNet": "CNN-6", "LSTM": "LSTM-7", "WaveNet": "WN-RF-2",
                          "SlimmableContainer": "CONT-7", "Sequential": "SEQ-7"}


def test_reported_receptive_field(session, case, record):
    """A reported receptive field equals the spec's formula (null when unbounded)."""
    describe(record, case)
    session.require(case.features, reports="receptive_field", set_size=case.size is not None)
    with session.loaded(case.model_path, case.size) as model:
        reported = model.info().get("receptive_field")
    expected = case.receptive_field
    clause = RECEPTIVE_FIELD_CLAUSE[case.model.architecture]
    assert reported == expected, f"[{clause}] reported receptive field {reported}, the spec's is {expected}"


@functools.lru_cache(maxsize=None)
def _reference_probe(case):
    return probe(lambda x: case.model.process(x, size=case.size), case.receptive_field, case.model.in_channels)


@pytest.mark.cases("finite_rf")
def test_receptive_field_probe(session, case, record):
    """Perturbing the input just outside the receptive field leaves the output unchanged; just inside
    changes it wherever the reference shows that it can (the formula is exact and the influence is
    above float32 resolution); no output moves before its input ([STREAM-3])."""
    describe(record, case)
    session.require(case.features, set_size=case.size is not None)
    result = probe(lambda x: fresh_render(session, case, x, size=case.size), case.receptive_field,
                   case.model.in_channels)
    record["probe"] = result.detail
    assert result.causal, f"[STREAM-3] an output moved before the input that was changed: {result.detail}"
    assert result.outside_unchanged, (
        f"[STREAM-3] a change older than the receptive field ({case.receptive_field}) moved the output: {result.detail}")
    if _reference_probe(case).inside_changed:
        assert result.inside_changed, (
            f"[STREAM-3] the oldest sample of the receptive field ({case.receptive_field}) never moved the "
            f"output, though it does in the reference: {result.detail}")


def test_causality(session, case, record):
    """Changing a sample never changes earlier outputs (every architecture, LSTM included)."""
    describe(record, case)
    session.require(case.features, set_size=case.size is not None)
    span = min(case.receptive_field or 256, 256)
    result = probe(lambda x: fresh_render(session, case, x, size=case.size), None, case.model.in_channels,
                   trials=2, span=span)
    assert result.causal, f"[STREAM-3] an output moved before the input that was changed: {result.detail}"
