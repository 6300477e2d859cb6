"""The checks on generated files (Hypothesis): feature combinations nobody wrote down.

Each test draws complete valid (or invalid) files from `generators`, writes them for the
implementation, and compares with the reference. Falsifying examples shrink to a minimal file,
which is saved as a case folder (nam-conformance-failures/ unless --save-failures names another)
whose path the failure message gives. A generated valid file the implementation refuses is one
problem, saved and recorded once per refusal message, and set aside: Hypothesis does not shrink a
refusal, and the check goes on with other files. The number of examples comes from the Hypothesis
profile (HYPOTHESIS_PROFILE: quick, dev, ci, thorough).
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import Phase, assume, given, note, reject, settings, strategies as st
from hypothesis.errors import Unsatisfiable, UnsatisfiedAssumption

import generators
import nam_reference
from conformance.helpers import assert_agrees, assert_same, save_failure, saved_to
from conformance.outcomes import BlockedSkip, LoadFailed, not_applicable, not_supported
from conformance.probes import probe
from nam_reference.features import ARCHITECTURE_TAGS, features as feature_tags, registry

ARCHITECTURES = {tag: name for name, tag in ARCHITECTURE_TAGS.items()}  # feature tag -> architecture
SIGNAL_LENGTH = 1024
# Inputs a feature can show in: silence and subnormal levels leave most features with nothing to change.
AUDIBLE = tuple(k for k in generators.waveforms.KINDS if k not in ("silence", "tiny"))
CORPUS_REJECTION_TEST = "conformance/test_loading.py::test_invalid_file_rejected"
WEIGHT_COUNT_TEST = "conformance/test_weight_count.py::test_wrong_weight_count_rejected"
# Invalid kinds that make the change test_wrong_weight_count_rejected makes to each architecture's fixture.
WEIGHT_COUNT_CHANGES = {"weights.one_extra": "one_more", "weights.one_missing": "one_fewer",
                        "weights.head_scale_missing": "one_fewer"}


def _architectures(session) -> list[str]:
    """The architectures the implementation claims, for drawing only files it can load."""
    declared = session.caps["features"]
    names = list(ARCHITECTURES.values()) if declared == "all" else [ARCHITECTURES[t] for t in declared if t in ARCHITECTURES]
    excluded = {ARCHITECTURES[t] for t in session.caps.get("unsupported_features", ()) if t in ARCHITECTURES}
    names = [n for n in names if n not in excluded]
    if not names:
        not_supported(sorted(ARCHITECTURES), "the implementation claims no architecture")
    return names


def _supported(session, record, document) -> set:
    tags = feature_tags(document)
    assume(not session.missing_features(tags))  # draw again: this file uses something unclaimed
    _count_drawn(record)
    record["drawn"] = tags  # counted as exercised unless the implementation refuses the file
    return tags


def _count_drawn(record) -> None:
    if "drawn" in record:
        record["loaded_draws"] = record.get("loaded_draws", 0) + 1
        record.setdefault("features_seen", set()).update(record.pop("drawn"))


def _listed_as_failing(request):
    """Whether the expectations list a test id as a known failure: a generated file that fails for
    the reason a listed test already gives is excused (and recorded), not reported twice."""
    expected = request.config._nam_expectations
    return lambda test_id: any(e.status == "fail" and not e.explained_by and e.matches(test_id) for e in expected)


def _weight_count_tests(document: dict, change: str) -> list[str]:
    """The fixed checks that make `change` ("one_more", "one_fewer") to a fixture like the document:
    its architecture's, and for a Linear without a bias the fixture without one (an importer may read
    a Linear's weights by whether it has a bias, [DIV-21])."""
    fixtures = [ARCHITECTURE_TAGS[document["architecture"]]]
    if document["architecture"] == "Linear" and not document["config"].get("bias", False):
        fixtures.append("hand.linear_no_bias")
    return [f"{WEIGHT_COUNT_TEST}[{fixture}-{change}]" for fixture in fixtures]


def _finish(record) -> None:
    _count_drawn(record)
    record.update(case="generated", features=sorted(record.pop("features_seen", ())))


@contextlib.contextmanager
def _keeping_failures(session, record, name: str, document, x=None, expected=None, **saved):
    """Save a failing example (each shrinking step overwrites it) and name the folder in the failure."""
    try:
        yield
    except UnsatisfiedAssumption:
        raise
    except (Exception, pytest.fail.Exception) as exc:
        folder = save_failure(session, name, document, x, expected, note=(str(exc).splitlines() or [""])[0][:300],
                              check=record["check"], clauses=record.get("clauses", ()), **saved)
        saved_to(exc, folder)
        raise


@contextlib.contextmanager
def _refusals_set_aside(session, record, name: str, document, x=None):
    """A generated valid file the implementation refuses to load is recorded (saved once per refusal
    message) and set aside like an unclaimed draw: a refusal is one problem, not a failure for
    Hypothesis to shrink again and again."""
    try:
        yield
    except LoadFailed as exc:
        record.pop("drawn", None)
        refusals = record.setdefault("refusals", [])
        if not any(r["refusal"] == exc.cause["refusal"] for r in refusals):
            expected = None
            if x is not None:
                model = nam_reference.Model(nam_reference.load_spec(document), reading=session.reading)
                expected = np.atleast_2d(model.process(x, initial_state=session.initial_state))
            # Saved as an agreement case: run again, the file must load and agree with the reference.
            folder = save_failure(session, f"{name}-refused-{len(refusals) + 1}", document, x, expected,
                                  note=exc.msg, check="agreement", clauses=["GEN-3", *record.get("clauses", ())])
            refusals.append({"kind": exc.cause["kind"], "refusal": exc.cause["refusal"], "message": exc.msg,
                             "saved": f"{folder}/" if folder else None})
        record["refused_draws"] = record.get("refused_draws", 0) + 1
        if record["refused_draws"] >= record["examples"] and not record.get("loaded_draws"):
            _blocked(record)  # as many files as the check runs, and every one refused: stop drawing
        reject()


def _blocked(record):
    raise BlockedSkip("every generated file was refused: " + "; ".join(r["refusal"] for r in record["refusals"]))


def _run(check, record, examples: int | None = None) -> None:
    """Run a Hypothesis check of `examples` examples (the profile's number unless given); when every
    file it drew was refused, it is blocked by those refusals."""
    record["examples"] = examples or settings().max_examples
    try:
        check()
    except Unsatisfiable:
        if record.get("refusals"):
            _blocked(record)
        raise


def test_generated_agreement(session, record):
    """Generated files of every claimed architecture and feature agree with the reference."""
    strategy = generators.nam_files(architecture=_architectures(session))

    @given(document=strategy, x=generators.signals(min_length=256, max_length=SIGNAL_LENGTH))
    def check(document, x):
        _agrees(session, record, document, x, "generated_agreement")

    try:
        _run(check, record)
    finally:
        _finish(record)


def _agrees(session, record, document, x, name: str) -> None:
    tags = _supported(session, record, document)
    spec = nam_reference.load_spec(document)

    def expected_as(reading):
        return np.atleast_2d(nam_reference.Model(spec, reading=reading).process(x2, initial_state=session.initial_state))

    x2 = np.tile(x, (spec.in_channels, 1))
    expected = expected_as(session.reading)
    note(f"features: {sorted(tags)}")
    with _keeping_failures(session, record, name, document, x2, expected):
        with _refusals_set_aside(session, record, name, document, x2), \
                session.loaded(session.write_model(document)) as loaded:
            y = loaded.render(x2)
        assert_agrees(session, record, y, expected, what="generated file", clause="NUM-5",
                      sample_rate=spec.sample_rate, recompute=expected_as, features=tags)


# A feature that shows in the output only with another: a head dilation dilates nothing with a
# head kernel of 1.
SHOWN_WITH = {"wavenet.head_dilation": {"wavenet.head_kernel"}}


@pytest.mark.parametrize("tag", sorted(registry()))
def test_generated_feature_agreement(session, tag, record):
    """Files drawn to use one claimed feature, where it changes the output, agree with the
    reference: every feature is exercised, whatever the fixtures happen to cover. A failing file
    is reported as drawn, not shrunk: the feature it was drawn for already names the fault."""
    wanted = {tag} | SHOWN_WITH.get(tag, set())
    record.update(case="generated", features=sorted(wanted), features_seen=set(wanted))
    session.require(wanted)
    try:
        strategy = generators.nam_files(architecture=_architectures(session), features=wanted)
    except ValueError:
        not_applicable(f"no file of a claimed architecture uses {tag}")

    examples = max(min(4, settings().max_examples), settings().max_examples // 10)

    @settings(max_examples=examples,
              phases=[Phase.explicit, Phase.reuse, Phase.generate])
    @given(document=strategy, x=generators.signals(min_length=256, max_length=SIGNAL_LENGTH, kinds=AUDIBLE))
    def check(document, x):
        _agrees(session, record, document, x, f"generated_feature_{tag}")

    try:
        _run(check, record, examples)
    except Unsatisfiable:
        not_applicable(f"every file drawn with {tag} also used a feature the implementation does not claim")
    finally:
        _finish(record)


def test_generated_block_invariance(session, record):
    """Generated files give the one-block output for generated block sequences."""
    strategy = generators.nam_files(architecture=_architectures(session))

    @given(document=strategy, x=generators.signals(min_length=64, max_length=SIGNAL_LENGTH), data=st.data())
    def check(document, x, data):
        _supported(session, record, document)
        model = nam_reference.load(document)
        x2 = np.tile(x, (model.in_channels, 1))
        blocks = data.draw(generators.block_sequences(x2.shape[1], model.receptive_field()), label="blocks")
        path = session.write_model(document)
        with _refusals_set_aside(session, record, "generated_block_invariance", document, x2), \
                session.loaded(path) as loaded:
            whole = loaded.render(x2)
        with _keeping_failures(session, record, "generated_block_invariance", document, x2, whole, blocks=blocks):
            with session.loaded(path) as loaded:
                y = loaded.render(x2, blocks)
            assert_same(record, y, whole, what=f"blocks {blocks[:6]}...", clause="STREAM-2")

    try:
        _run(check, record)
    finally:
        _finish(record)


def test_generated_receptive_field(session, record):
    """For files whose receptive field is exact, the black-box probe finds exactly the formula's."""
    architectures = [a for a in _architectures(session) if a in ("Linear", "ConvNet", "WaveNet")]
    if not architectures:
        not_supported(["arch.linear", "arch.convnet", "arch.wavenet"], "no architecture with a finite receptive field is claimed")

    @given(document=generators.rf_probe_files(architecture=architectures))
    def check(document):
        _supported(session, record, document)
        model = nam_reference.load(document)
        rf = model.receptive_field()
        path = session.write_model(document)
        with _keeping_failures(session, record, "generated_receptive_field", document):
            if "receptive_field" in session.caps["reports"]:
                with _refusals_set_aside(session, record, "generated_receptive_field", document), \
                        session.loaded(path) as loaded:
                    reported = loaded.info().get("receptive_field")
                assert reported == rf, f"[STREAM-11] reported receptive field {reported}, the spec's is {rf}"

            def render(x):
                with session.loaded(path) as loaded:
                    return loaded.render(x)

            with _refusals_set_aside(session, record, "generated_receptive_field", document):
                result = probe(render, rf, model.in_channels)
            assert result.causal and result.outside_unchanged and result.inside_changed, (
                f"[STREAM-3] receptive field {rf}: {result.detail}")

    try:
        _run(check, record)
    finally:
        _finish(record)


def test_generated_weight_count(request, session, record):
    """Generated files with one weight too many or too few are rejected. A file whose architecture's
    fixture fails the same change by the expectations is not reported twice."""
    strategy = generators.nam_files(architecture=_architectures(session))
    known_failure, excused = _listed_as_failing(request), set()

    @given(document=strategy, more=st.booleans())
    def check(document, more):
        _supported(session, record, document)
        owner = document if document["weights"] else document["config"]["submodels"][-1]["model"]
        if more:
            owner["weights"].append(0.0)
        else:
            owner["weights"].pop()
        if not session.refuses(session.write_model(document)):
            listed = [test for test in _weight_count_tests(document, "one_more" if more else "one_fewer")
                      if known_failure(test)]
            if listed:
                excused.add(listed[0])
                return
            record["breaks"] = "W-3"
            with _keeping_failures(session, record, "generated_weight_count", document, breaks="W-3"):
                pytest.fail(f"[W-3] loaded a blob with one weight {'too many' if more else 'too few'}")

    try:
        _run(check, record)
    finally:
        _finish(record)
        record["excused_by"] = sorted(excused)


def test_generated_invalid_rejected(request, session, record):
    """Mutations of valid files, each breaking one clause, are rejected (MUST-level kinds). A kind
    whose corpus file (or, for a wrong weight count, a fixture like the file with the same change)
    the expectations list as a known failure is not reported twice."""
    known_failure, excused = _listed_as_failing(request), set()

    @given(case=generators.invalid_nam_files())
    def check(case):
        note(f"{case.kind}: breaks [{case.clause}]")
        document = case.document
        if not session.refuses(session.write_model(document)) and case.reject_level == "MUST":
            same_reason = [f"{CORPUS_REJECTION_TEST}[{case.kind}]"]
            if case.kind in WEIGHT_COUNT_CHANGES:
                same_reason += _weight_count_tests(document, WEIGHT_COUNT_CHANGES[case.kind])
            if any(known_failure(test_id) for test_id in same_reason):
                excused.add(case.kind)
                return
            record["breaks"] = case.clause
            with _keeping_failures(session, record, "generated_invalid_rejected", document, breaks=case.clause):
                pytest.fail(f"[{case.clause}] accepted an invalid file ({case.kind})")

    try:
        _run(check, record)
    finally:
        record.update(case="generated", features=[])
        record["excused_kinds"] = sorted(excused)

