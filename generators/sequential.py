"""Sequential drafts (spec section 14A): one-channel models in a chain, some of them forced by the plan."""

from __future__ import annotations

from .models import Build, Draft, Slot
from .plan import LEAF_ARCHITECTURES, Plan
from .source import Source


def build(src: Source, plan: Plan, slot: Slot, build_model: Build) -> Draft:
    plans = list(plan.submodels)
    extra = src.integer(1 if len(plans) < 2 else 0, 2, "extra models")  # a chain of at least two
    for i in range(extra):
        arch = src.choice(LEAF_ARCHITECTURES, f"extra model {i} architecture")
        plans.append(Plan(arch, frozenset({f"arch.{arch.lower()}"})))
    ordered = []
    while plans:
        ordered.append(plans.pop(src.integer(0, len(plans) - 1, "next model")))
    drafts = [build_model(src, p, Slot("submodel", 1, 1, slot.size)) for p in ordered]
    parts = [d.receptive_field for d in drafts]
    rf = None if None in parts else 1 + sum(p - 1 for p in parts)  # [SEQ-7]
    return Draft("Sequential", {"models": drafts}, [], 1, 1, rf, all(d.rf_exact for d in drafts), (0, 7, 0))
