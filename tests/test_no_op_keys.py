"""The keys the spec says change nothing in the output are all exercised, each with the features it
could interact with (conformance/forms.py: FORMS run on every case, NO_OP_KEYS on cases chosen to
show their interacting features)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import nam_reference
from conformance.cases import fixture_cases
from conformance.forms import FORMS, NO_OP_KEYS, no_op_cases

SPEC = Path(__file__).resolve().parent.parent / "spec" / "nam-format.md"
# The wording of a clause saying that something in a file changes nothing.
CHANGES_NOTHING = re.compile(r"MUST NOT change the output|does not change the computation|changes the output|"
                             r"informational|\bignored\b|ha(s|ve) no meaning|MUST NOT change the meaning")
# Clauses with that wording whose no-op another clause's form exercises.
ALSO = {"META-3": "metadata_values", "LOUD-3": "metadata_values"}
# Clauses with that wording that name no key of a file whose output could change.
EXEMPT = {
    "GEN-5": "about which invalid files to reject, not about an output",
    "JSON-1": "the byte-order mark is a matter of decoding bytes, not a key of the document",
    "CONT-10": "says the packed shape is one valid container among others; no key to vary",
}


def clauses_saying_nothing_changes() -> set[str]:
    parts = re.split(r"\*\*\[([A-Z0-9-]+)\]", SPEC.read_text(encoding="utf-8"))
    return {cid for cid, body in zip(parts[1::2], parts[2::2])
            if CHANGES_NOTHING.search(body) and not cid.startswith("DIV-")}  # divergences cite their clause


def test_every_clause_saying_a_key_changes_nothing_has_a_form():
    found = clauses_saying_nothing_changes()
    formed = {clause for clause, _ in FORMS.values()} | {clause for clause, _, _ in NO_OP_KEYS.values()}
    assert found - formed - set(ALSO) - set(EXEMPT) == set()
    assert set(ALSO) | set(EXEMPT) <= found, "a listed clause no longer says that something changes nothing"
    assert set(ALSO.values()) <= set(NO_OP_KEYS)


@pytest.mark.parametrize("name", sorted(NO_OP_KEYS))
def test_every_combination_listed_is_shown_by_a_case_and_stays_valid(name):
    """The cases a no-op key runs on show every feature it could interact with, and the rewritten
    files are valid (an engine refusing them would be charged with [GEN-3])."""
    _, rewrite, interacting = NO_OP_KEYS[name]
    chosen = no_op_cases(fixture_cases(), name)
    shown = set().union(*(case.features for case in chosen))
    assert interacting <= shown, f"no case shows {sorted(interacting - shown)} with {name}"
    for case in chosen:
        report = nam_reference.validate(rewrite(json.loads(case.model_path.read_bytes())))
        assert report.ok, (case.id, [p.line() for p in report.errors])
