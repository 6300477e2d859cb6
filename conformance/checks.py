"""The suite's checks, each declared once: its name (the `check` of its tests' records, a column of
the matrix), what it verifies, its tests with the clauses each one tests, the problem its failure is,
and how a failing case it saved is run again (`--rerun-case`).

The `record` fixture (conftest.py) fills a test's record from here, the reports (report.py) group
and order problems by these declarations, and helpers.save_failure and test_saved_case write and run
saved cases by them. Test names and clause ids are stable: expectation files point at them.
"""

from __future__ import annotations

import dataclasses

# The problems a failure comes down to in the reports (report.py lists each cause once).
REFUSED = "valid file refused"
INVALID_ACCEPTED = "invalid file accepted"
DISAGREEMENT = "numerical disagreement"
WRONG_FACT = "wrong fact"

# How a saved failing case is judged again (test_saved_case.py).
AGAINST_REFERENCE = "reference"  # its output agrees with expected.f32, the reference's output
AGAINST_ITSELF = "itself"  # its output in the saved blocks is expected.f32, its own one-block output
PROBE = "probe"  # the receptive-field probe finds the spec's receptive field
REFUSAL = "refusal"  # the invalid file is refused


@dataclasses.dataclass(frozen=True)
class Check:
    """A check: a column of the matrix, run by one or more tests (fixed cases, generated files)."""

    name: str
    verifies: str  # one line
    tests: dict[str, tuple[str, ...]]  # each test function of the check -> the clauses it tests
    problem: str = DISAGREEMENT
    rerun: str = AGAINST_REFERENCE


# In the order in which the checks show a numerical problem of a case: the first that fails names it.
CHECKS = (
    Check("agreement", "the output for a case's input meets the required tier against the reference", {
        "test_agreement": ("NUM-5", "NUM-6", "NUM-7"),
        "test_near_miss_agreement": ("NUM-5", "NUM-6"),
        "test_generated_agreement": ("NUM-5", "GEN-3"),
        "test_generated_feature_agreement": ("NUM-5", "GEN-3"),
    }),
    Check("initial_state", "the first samples after loading are those of the silent past", {
        "test_initial_state_is_the_silent_past": ("STATE-4", "STATE-6", "DIV-2"),
    }),
    Check("block_invariance", "any cutting of the input into blocks gives the one-block output", {
        "test_block_invariance": ("STREAM-2", "NUM-4"),
        "test_generated_block_invariance": ("STREAM-2", "NUM-4"),
    }, rerun=AGAINST_ITSELF),
    Check("max_block", "a block longer than the declared maximum is processed, or refused keeping the state", {
        "test_block_longer_than_declared_maximum": ("STREAM-4",),
    }),
    Check("reset", "a reset (and selecting the size already selected) restores the fresh output", {
        "test_reset_restores_the_fresh_output": ("STATE-6", "STREAM-6"),
        "test_repeated_reset_and_same_size_change_nothing": ("STATE-6", "STREAM-7"),
    }),
    Check("independence", "two loaded instances share no state", {
        "test_instances_are_independent": ("STATE-8",),
    }),
    Check("size_selection", "each size runs the submodel or widths the spec selects, from the next block on", {
        "test_size_selection": ("CONT-6", "WN-SLIM-5", "WN-SLIM-8", "DIV-17"),
        "test_size_change_between_blocks": ("STREAM-7",),
    }),
    Check("equivalent_forms", "rewriting a file in an equivalent form, or adding a no-op key, changes nothing", {
        "test_equivalent_form": ("ENV-6", "JSON-5", "JSON-6", "JSON-8", "JSON-9", "VER-4", "WN-ARR-3", "WN-ARR-13",
                                 "LIN-3", "META-4", "SR-3", "ACT-3", "WN-3", "WN-ARR-6", "WN-ARR-23", "WN-SLIM-1"),
    }),
    Check("output_scaling", "a file compensated by s computes s times the output and stores its loudness", {
        "test_output_scaling": ("LOUD-8",),
        "test_reported_loudness_follows_scaling": ("LOUD-8", "LOUD-7", "META-5", "CONT-9"),
    }),
    Check("receptive_field", "a change just outside the receptive field changes nothing, just inside it does", {
        "test_receptive_field_probe": ("STREAM-3", "WN-RF-4"),
        "test_generated_receptive_field": ("STREAM-3", "WN-RF-4", "STREAM-11"),
    }, rerun=PROBE),
    Check("causality", "changing a sample never changes earlier outputs", {
        "test_causality": ("STREAM-3",),
    }),
    Check("fail_closed", "a file using a feature the implementation does not claim is refused or computed right", {
        "test_unsupported_feature_fails_closed": ("GEN-6",),
    }),
    Check("long_signal", "200,000 samples in mixed block lengths, and again after a reset, agree", {
        "test_long_signal": ("STREAM-2", "STATE-6"),
    }),
    Check("value_domains", "every branch of every activation and batch norm's edge cases agree", {
        "test_value_domain": ("ACT-2", "CNN-5"),
    }),
    Check("loading", "every valid file whose features the implementation claims loads", {
        "test_valid_file_loads": ("GEN-3",),
    }, problem=REFUSED),
    Check("rejection", "every invalid file is refused", {
        "test_invalid_file_rejected": ("GEN-5",),
        "test_generated_invalid_rejected": ("GEN-5",),
    }, problem=INVALID_ACCEPTED, rerun=REFUSAL),
    Check("weight_count", "a blob one weight longer or shorter than the count formula is refused", {
        "test_wrong_weight_count_rejected": ("W-3", "GEN-5"),
        "test_generated_weight_count": ("W-3", "GEN-5"),
    }, problem=INVALID_ACCEPTED, rerun=REFUSAL),
    Check("reported_facts", "sample rate, channels, loudness, breakpoints, weight count and receptive field "
                            "are reported as the file and the spec give them", {
        "test_reported_sample_rate": ("SR-2", "STREAM-11", "DIV-19"),
        "test_reported_channels": ("STREAM-8", "STREAM-11", "WN-2", "CONT-4"),
        "test_reported_loudness": ("META-5", "LOUD-7", "DIV-25"),
        "test_reported_loudness_forms": ("META-5", "JSON-6", "JSON-8"),
        "test_reported_container_loudness": ("LOUD-7", "META-5", "DIV-25"),
        "test_reported_fractional_facts": ("SR-1", "SR-2", "META-5", "STREAM-11"),
        "test_reported_breakpoints": ("WN-SLIM-9", "CONT-8", "STREAM-11"),
        "test_reported_weight_count": ("STREAM-11", "W-3"),
        "test_reported_receptive_field": ("STREAM-11", "LIN-6", "CNN-6", "LSTM-7", "WN-RF-2", "CONT-7", "SEQ-7"),
    }, problem=WRONG_FACT),
)
BY_NAME = {check.name: check for check in CHECKS}
BY_TEST = {test: check for check in CHECKS for test in check.tests}


def of_test(test: str) -> Check | None:
    """The check a test function belongs to (None for one the catalogue does not declare)."""
    return BY_TEST.get(test)


def problem_of(name: str) -> str:
    """The problem a failure of a check is (a numerical disagreement for a check not declared here)."""
    check = BY_NAME.get(name)
    return check.problem if check else DISAGREEMENT


def rank(name: str) -> int:
    """The check's place in CHECKS (after all of them for a check not declared here)."""
    return next((i for i, check in enumerate(CHECKS) if check.name == name), len(CHECKS))
