"""Equivalent forms: rewriting a file in an equivalent form never changes its output ([ENV-6],
[JSON-5], [JSON-6], [JSON-8], [JSON-9], [VER-4], and the legacy WaveNet keys)."""

from __future__ import annotations

import json

from conformance.conftest import valid_cases
from conformance.forms import FORMS, NO_OP_KEYS, no_op_cases
from conformance.helpers import assert_same, describe
from conformance.session import fresh_render
from nam_reference.features import features as feature_tags

LENGTH = 4096


def pytest_generate_tests(metafunc):
    if "form_case" in metafunc.fixturenames:
        params, ids = [], []
        cases = valid_cases(metafunc.config)
        documents = {case.id: json.loads(case.model_path.read_bytes()) for case in cases}
        # Each no-op key on a few cases that between them show every feature it could interact with.
        combined = {name: {c.id for c in no_op_cases(cases, name, documents)} for name in NO_OP_KEYS}
        for case in cases:
            document = documents[case.id]
            for name, (_, rewrite) in FORMS.items():
                variant = rewrite(document)
                if variant is not None:
                    params.append((case, name, variant))
                    ids.append(f"{case.id}-{name}")
            for name, (_, rewrite, interacting) in NO_OP_KEYS.items():
                variant = rewrite(document) if case.id in combined[name] else None
                if variant is not None:
                    params.append((case, name, variant))
                    ids.append(f"{case.id}-{name}")
        metafunc.parametrize("form_case", params, ids=ids)


def test_equivalent_form(session, form_case, record):
    case, form, variant = form_case
    describe(record, case)
    record["form"] = form
    session.require(case.features | feature_tags(variant), set_size=case.size is not None)
    x = case.input[:, :LENGTH]
    original = fresh_render(session, case, x, size=case.size)
    path = session.write_model(variant)
    with session.loaded(path, case.size) as model:
        rewritten = model.render(x)
    assert_same(record, rewritten, original, what=f"the output after rewriting the file ({form})",
                clause={**FORMS, **NO_OP_KEYS}[form][0])
