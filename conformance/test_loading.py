"""Loading: valid files load, invalid files are rejected, unsupported features fail closed."""

from __future__ import annotations

import contextlib

import pytest

from conformance.adapters import NotApplicable, Rejected, Unsupported
from conformance.helpers import describe
from conformance.metrics import compare
from conformance.outcomes import not_applicable
from nam_reference import resources


def test_valid_file_loads(session, case, record):
    """Every valid file whose features the implementation claims loads ([GEN-3])."""
    describe(record, case)
    session.require(case.features)
    with session.loaded(case.model_path):
        pass


def test_invalid_file_rejected(session, invalid_case, record):
    """Every invalid file is rejected: a reported refusal, not a crash, a hang or a model ([GEN-5])."""
    record.update(case=invalid_case.id, features=[], breaks=invalid_case.clause,
                  case_folder=invalid_case.path.relative_to(resources.data_root()).as_posix(),
                  clauses=[invalid_case.clause, *record["clauses"]], reject_level=invalid_case.reject_level)
    if session.refuses(invalid_case.path):
        return
    message = (f"[{invalid_case.clause}] the implementation accepted an invalid file "
               f"({invalid_case.error_class}): {invalid_case.description}")
    if invalid_case.reject_level == "SHOULD":
        record["warning"] = message  # informational fields only: a SHOULD-level rejection ([GEN-5])
        return
    pytest.fail(message, pytrace=False)


def test_unsupported_feature_fails_closed(session, case, record):
    """A file using a feature the implementation does not claim is refused, or computed correctly
    ([GEN-6]); loading it and computing something else is the silent failure this check exists for."""
    describe(record, case)
    missing = session.missing_features(case.features)
    if not missing:
        not_applicable("the implementation claims every feature of this case")
    try:
        handle = session.impl.load(str(case.model_path))
    except (Rejected, Unsupported):
        return
    try:
        if case.size is not None:
            handle.set_size(case.size)
        y = handle.process(case.input)
    except NotApplicable:
        not_applicable("the implementation loaded the file but cannot render it here")
    finally:
        with contextlib.suppress(Exception):
            handle.close()
    result = compare(y, case.reference(initial_state=session.initial_state, reading=session.reading),
                     case.model.sample_rate)
    record.setdefault("metrics", {})["output"] = result.as_json()
    if result.within(session.required_tier):
        record["warning"] = f"loads and computes features it does not declare: {', '.join(missing)}"
        return
    pytest.fail(f"[GEN-6] the implementation loaded a file using {', '.join(missing)}, which it does not "
                f"support, and computed something else (max error {result.max_error:.3g})", pytrace=False)
