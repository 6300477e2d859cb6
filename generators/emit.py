"""`python -m generators emit --seed S --count N OUT/`: N reproducible cases in the fixture layout.

Case i is drawn from its own `RandomSource`, so the same seed and count write the same bytes. The first
cases each ask for one feature tag of spec/features.txt, in registry order, so any count at least the
number of tags covers every tag; the rest ask for nothing in particular.
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

import nam_reference
from nam_reference.features import registry

from . import cases, documents, strategies, waveforms
from .plan import ARCHITECTURES
from .source import RandomSource

ATTEMPTS = 20


def case_seed(seed: int, index: int, attempt: int = 0) -> int:
    return (seed * 1_000_003 + index * 7_919 + attempt * 104_729) % 2**32


def draw_case(seed: int, index: int, target: str | None):
    """(document, input, size, seed used) for case `index`; redrawn when a model has no usable weights."""
    options = strategies.root_plans(features={target} if target else None)
    for attempt in range(ATTEMPTS):
        used = case_seed(seed, index, attempt)
        src = RandomSource(used)
        try:
            doc = strategies.draw_document(src, options)
        except documents.Unusable:
            continue
        model = nam_reference.load(doc)
        size = src.choice([None] + [0.0] + list(model.breakpoints), "size") if model.breakpoints else None
        x = waveforms.signal(src, src.integer(256, 2048, "input length"), model.in_channels)
        return doc, x, size, used
    raise RuntimeError(f"case {index}: no usable model in {ATTEMPTS} seeds")


def emit(seed: int, count: int, out: Path) -> dict:
    """Write the cases and OUT/MANIFEST.json; returns the coverage counts."""
    tags = sorted(registry())
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    coverage = {"architecture": collections.Counter(), "feature": collections.Counter()}
    for index in range(count):
        target = tags[index] if index < len(tags) else None
        doc, x, size, used = draw_case(seed, index, target)
        case_id = f"gen-{seed}-{index:04d}"
        files = cases.build_case(case_id, doc, x, size=size, provenance={
            "model": f"python -m generators emit --seed {seed}: case {index}, drawn by RandomSource({used})"
                     + (f" with the feature {target} requested" if target else ""),
            "input": f"generators.waveforms.signal from the same RandomSource({used})",
            "cross_checks": ["the float64 reference output (float64_max_error)"],
        })
        cases.write_case(out / case_id, files)
        entries.append(cases.manifest_entry(case_id, files, case_id))
        coverage["architecture"][doc["architecture"]] += 1
        for tag in json.loads(files["case.json"])["features"]:
            coverage["feature"][tag] += 1
    (out / "MANIFEST.json").write_text(json.dumps({"cases": entries}, indent=1) + "\n", encoding="utf-8")
    return coverage


def coverage_table(coverage: dict) -> str:
    lines = ["architecture                      cases"]
    lines += [f"  {arch:31s} {coverage['architecture'].get(arch, 0):5d}" for arch in ARCHITECTURES]
    lines.append("feature tag                       cases")
    lines += [f"  {tag:31s} {coverage['feature'].get(tag, 0):5d}" for tag in sorted(registry())]
    missing = [t for t in registry() if not coverage["feature"].get(t)]
    missing += [a for a in ARCHITECTURES if not coverage["architecture"].get(a)]
    lines.append(f"not covered: {', '.join(missing)}" if missing else "every architecture and feature tag is covered")
    return "\n".join(lines)
