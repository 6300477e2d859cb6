"""Weight counts: exact counts load (test_loading), any other count is rejected, reports match."""

from __future__ import annotations

import json

import pytest

from conformance.helpers import describe
from conformance.outcomes import not_applicable

CHANGES = ["one_more", "one_fewer", "nested_one_more", "nested_one_fewer"]


def _blob_owner(document: dict, nested: bool):
    """The model whose blob the change edits: the root (or, for a container, its last submodel), or
    for `nested` the first nested model that has weights."""
    config = document["config"]
    if not nested:
        return document if document["weights"] or "submodels" not in config else config["submodels"][-1]["model"]
    for child in ([config.get("condition_dsp")] if config.get("condition_dsp") else []) + [
            e["model"] for e in config.get("submodels", [])[:-1]]:
        if child and child["weights"]:
            return child
    return None


@pytest.mark.parametrize("change", CHANGES)
def test_wrong_weight_count_rejected(session, case, change, record):
    """A blob one weight longer or shorter than the count formula is rejected ([W-3]), for the root
    and for nested models."""
    describe(record, case)
    record["breaks"] = "W-3"
    session.require(case.features)
    document = json.loads(case.model_path.read_bytes())
    owner = _blob_owner(document, change.startswith("nested"))
    if owner is None:
        not_applicable("the model has no nested model with weights")
    if change.endswith("more"):
        owner["weights"].append(owner["weights"][-1] if owner["weights"] else 0.0)
    elif owner["weights"]:
        owner["weights"].pop()
    else:
        not_applicable("the blob is empty")
    if not session.refuses(session.write_model(document)):
        pytest.fail(f"[W-3] the implementation loaded a blob of the wrong length ({change.replace('_', ' ')} weight)",
                    pytrace=False)


def test_reported_weight_count(session, case, record):
    """A reported weight count is the length of the model's own blob ([STREAM-11])."""
    describe(record, case)
    session.require(case.features, reports="weight_count")
    with session.loaded(case.model_path) as model:
        reported = model.info().get("weight_count")
    assert reported == case.model.weight_count, (
        f"[W-3] reported weight count {reported}, the spec's count is {case.model.weight_count}")
