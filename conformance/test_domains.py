"""Value domains: every branch of every activation, with slopes above and below 1 where the format
allows them ([ACT-2] to [ACT-4]); batch norm with channels of zero and small variance ([CNN-4],
[CNN-5]); and reported facts that integer-minded code mangles: fractional sample rates, loudness
with many digits ([SR-1], [META-5]). The documents come from generators.domains, drawn so that each
region is reached on purpose; docs/coverage.md lists them by clause."""

from __future__ import annotations

import pytest

import nam_reference
from conformance.helpers import assert_agrees
from generators.domains import DOMAINS, FACTS, domain_input
from nam_reference.features import features as feature_tags


def _describe(record: dict, domain) -> None:
    record.update(case=domain.id, features=sorted(feature_tags(domain.document)),
                  clauses=sorted(set(record.get("clauses", [])) | set(domain.clauses)))


@pytest.mark.parametrize("domain", DOMAINS, ids=[d.id for d in DOMAINS])
def test_value_domain(session, domain, record):
    """The output over every region of the definition meets the required tier against the reference."""
    _describe(record, domain)
    session.require(feature_tags(domain.document))
    x = domain_input()[None, :]
    spec = nam_reference.load_spec(domain.document)

    def reference(reading):
        return nam_reference.Model(spec, reading=reading).process(x, initial_state=session.initial_state)
    with session.loaded(session.write_model(domain.document)) as model:
        y = model.render(x)
    assert_agrees(session, record, y, reference(session.reading), what=domain.region, clause=domain.clauses[0],
                  features=feature_tags(domain.document), recompute=reference)


@pytest.mark.parametrize("domain", FACTS, ids=[d.id for d in FACTS])
def test_reported_fractional_facts(session, domain, record):
    """A fractional sample rate is reported as stored, a loudness with many digits to float32 precision."""
    _describe(record, domain)
    session.require(feature_tags(domain.document), reports="sample_rate")
    with session.loaded(session.write_model(domain.document)) as model:
        info = model.info()
    rate = domain.document["sample_rate"]
    assert info.get("sample_rate") == rate, f"[SR-1] reported sample rate {info.get('sample_rate')!r}, stored {rate!r}"
    if "loudness" in session.caps["reports"]:
        loudness = domain.document["metadata"]["loudness"]
        assert info.get("loudness") == pytest.approx(loudness, rel=1e-6, abs=1e-12), (
            f"[META-5] reported loudness {info.get('loudness')!r}, stored {loudness!r}")
