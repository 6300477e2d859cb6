"""The value-domain documents (generators/domains.py) reach the regions they name, the per-sample
interpreter agrees with the reference on them, and docs/coverage.md is their table."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

import nam_reference
import per_sample
from generators.domains import ACTIVATIONS, ALL, DOMAINS, coverage_table, domain_input

ROOT = Path(__file__).resolve().parent.parent


def pre_activation(domain) -> np.ndarray:
    """The activation's input: the same model with the activation replaced by the identity."""
    document = copy.deepcopy(domain.document)
    document["config"]["activation"] = {"type": "LeakyReLU", "negative_slope": 1.0}
    return np.atleast_2d(nam_reference.load(document).process(domain_input()))[0]


@pytest.mark.parametrize("domain", ACTIVATIONS, ids=[d.id for d in ACTIVATIONS])
def test_the_input_reaches_every_region_named(domain):
    v = pre_activation(domain)
    assert domain.reach
    for lo, hi in domain.reach:
        inside = (v > lo) & (v < hi)
        assert inside.sum() >= 8, f"{domain.id}: only {inside.sum()} samples in ({lo}, {hi})"


@pytest.mark.parametrize("domain", DOMAINS, ids=[d.id for d in DOMAINS])
def test_the_naive_interpreter_agrees(domain):
    x = domain_input()
    expected = per_sample.render(domain.document, x)
    y = np.atleast_2d(nam_reference.load(domain.document).process(x))
    scale = max(1.0, float(np.max(np.abs(expected))))
    assert np.max(np.abs(y - expected)) / scale < 1e-5


def test_batch_norm_documents_have_small_and_zero_variances():
    variances = []
    for domain in DOMAINS:
        if domain.id.startswith("batchnorm."):
            c = domain.document["config"]["channels"]
            weights = domain.document["weights"]
            variances += weights[2 * c + c:2 * c + 2 * c] + [None]
    assert 0.0 in variances and any(v is not None and 0 < v < 1e-5 for v in variances)


def test_every_document_is_valid_and_the_ids_unique():
    for domain in ALL:
        assert nam_reference.validate(domain.document).ok, domain.id
    assert len({d.id for d in ALL}) == len(ALL)


def test_docs_coverage_is_the_generators_table():
    assert coverage_table() in (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
